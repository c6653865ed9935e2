#!/usr/bin/env bash
# Title: scenario predictions from a backward run's source table (issue 14, item 6)
# Description: the att27 case of attribution.sh, 4 hours, untagged (the source table needs no
#   tags), run forward and backward for PM2.5 at WCS and KDW and SO4 at WCS. bogda-predict
#   -adjoint predicts from its att_adjoint_sources.csv the three scenarios of
#   runs/scenarios_xinjiang.nml (a prefecture's key-control units, which the tags of the Xinjiang
#   case lump, cut in SO2 and primary PM2.5; three counties halved; a sector halved everywhere)
#   the test scenario of attribution.sh and one on stacks (by id and by unit); each scenario is also run for real, and every
#   prediction must equal the real run's window mean at the receptor. The same table in the
#   combined form of postproc/adjoint_sources.py (byte-order mark, two more columns) gives the
#   same bytes, and so does a domain file lacking units with -outer_domain supplying them; the
#   report (report.py --scenarios) shows the table, and runs/slurm/scenario_compare.sbatch
#   predicts from the table of a base folder laid out as run_case.sh leaves it; compare_scenarios.py
#   reads the predictions; bad tables are refused with the file, line and value and leave no
#   output.
# Command: tests/regression/predict_adjoint.sh
# Tolerance: predicted vs simulated 1e-10 relative (the case's transport is the linear upwind
#   scheme, so the model is linear in the emissions up to round-off).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch predict_adjoint)
case=$ROOT/tests/regression/attribution/case.nml
att27_inputs "$dir"
model() { # model OUTDIR [options...]: one rank, 4 hours, untagged
  local out=$1; shift
  mkdir -p "$out"
  "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$case${SCEN:+,$SCEN}" -run_output_dir "$out" \
    -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
    -emissions_points_file "$dir/xinjiang_points.csv" -run_hours 4 -run_closure_every_process false \
    -tags_enabled false "$@" >"$out.log" 2>&1
}
predict() { "$BIN/bogda-predict" -domain "$dir/att27_domain.nc" "$@"; }
SCEN='' model "$dir/base" -adjoint_enabled -adjoint_receptors WCS,KDW,WCS -adjoint_species pm25,pm25,so4
ok $? "untagged base run, forward and backward for WCS:pm25, KDW:pm25 and WCS:so4"
table=$dir/base/att_adjoint_sources.csv
split=$("$ROOT/runs/split_scenarios.sh" "$ROOT/runs/scenarios_xinjiang.nml" "$dir/split")
# A scenario on the stacks: two by id (scenario_point_factor's point: rule) and, by their units,
# the power sector of Urumqi's key-control units in SO2.
cat >"$dir/stacks.nml" <<'EOF'
&scenario
  name = 'stacks_cut'
  select = 'point:P01,P05', 'kind:key prefecture:650100'
  sectors = 'all', 'power'
  species = 'all', 'so2'
  factor = 0.4, 0.2
/
EOF
scenarios=("$split"/scenario_*.nml "$ROOT/tests/regression/attribution/scenario.nml" "$dir/stacks.nml")
list=$(IFS=,; echo "${scenarios[*]}")
predict -adjoint "$table" -scenarios "$list" -out "$dir/predicted.csv" 2>"$dir/predict.log"
ok $? "bogda-predict -adjoint predicts ${#scenarios[@]} scenarios from the untagged run's source table"
[ "$(grep -c ',adjoint,[^,]*,[^,]*,[^,]*$' "$dir/predicted.csv")" -eq $((3 * ${#scenarios[@]})) ]
ok $? "one row per scenario and functional, family 'adjoint'"
runs=()
for f in "${scenarios[@]}"; do
  name=$(sed -n "s/^ *name *= *'\([^']*\)'.*/\1/p" "$f")
  SCEN=$f model "$dir/scen_$name"; ok $? "the real run of scenario $name"
  runs+=("$dir/scen_$name")
done
out=$("$PY" "$ROOT/tests/regression/predict_adjoint_check.py" "$dir/predicted.csv" "$table" "$dir/base" "${runs[@]}")
ok $? "every prediction equals the real scenario run's window mean at the receptor: $out"
diag "$out"
"$PY" "$ROOT/postproc/compare_scenarios.py" "$dir/predicted.csv" "${runs[@]}" >"$dir/comparison.csv"
awk -F, 'NR > 1 && $6 != "" { n++ } END { exit !(n == 3 * '"${#scenarios[@]}"') }' "$dir/comparison.csv"
ok $? "compare_scenarios.py puts every prediction beside its simulated value"
# The combined form (postproc/adjoint_sources.py: byte-order mark, inner and outer columns).
mkdir -p "$dir/combined" && "$PY" "$ROOT/postproc/adjoint_sources.py" --sources "$table" --domain "$dir/att27_domain.nc" --out "$dir/combined" \
  >"$dir/combined.log" 2>&1 &&
  predict -adjoint "$dir/combined/adjoint_sources.csv" -scenarios "$list" -out "$dir/predicted_combined.csv" \
    2>>"$dir/combined.log" && head -c 3 "$dir/combined/adjoint_sources.csv" | od -An -tx1 | grep -q 'ef bb bf' &&
  cmp -s "$dir/predicted.csv" "$dir/predicted_combined.csv"
ok $? "the combined table of adjoint_sources.py (with its byte-order mark) gives the same bytes"
# The report (postproc/report.py --scenarios, as runs/xinjiang/run_case.sh would call it) of the
# same run with tags shows the before/after table of every prediction, its bases this run's.
SCEN='' model "$dir/tagged" -tags_enabled true; ok $? "the same base run, tagged (the report needs the tags)"
"$PY" "$ROOT/postproc/report.py" "$dir/tagged" --domain "$dir/att27_domain.nc" --scenarios "$dir/predicted.csv" \
  >"$dir/report.log" 2>&1 &&
  [ "$(grep -c ',yes' "$dir/tagged/report/scenarios.csv")" -eq $((3 * ${#scenarios[@]})) ] &&
  grep -q 'before and after' "$dir/tagged/report/index.html"
ok $? "the report's before/after table holds every prediction, each base this run's mean"
# runs/slurm/scenario_compare.sbatch on a base folder laid out as runs/xinjiang/run_case.sh
# leaves it (domains/, INNER/adjoint/adjoint_sources.csv, the set's runs in scenarios/): it
# predicts from the table, and every prediction sits beside its simulated mean.
base=$dir/case
mkdir -p "$base/domains" "$base/att27/adjoint" "$base/scenarios"
ln -s "$dir/att27_domain.nc" "$base/domains/att27_domain.nc"
cp "$dir/combined/adjoint_sources.csv" "$base/att27/adjoint/"
for f in "$split"/scenario_*.nml; do
  name=$(sed -n "s/^ *name *= *'\([^']*\)'.*/\1/p" "$f")
  ln -s "$dir/scen_$name" "$base/scenarios/$name"
done
(cd "$ROOT" && INNER=att27 OUTER=none bash runs/slurm/scenario_compare.sbatch "$base" runs/scenarios_xinjiang.nml) \
  >"$dir/compare.log" 2>&1 &&
  [ "$(grep -c ',adjoint,[^,]*,[^,]*,[^,]*$' "$base/scenarios/predicted.csv")" -eq 9 ] &&
  awk -F, 'NR > 1 && $6 != "" { n++; if ($8 + 0 > 1e-6 && $6 != $4) bad++ } END { exit !(n == 9 && bad == 0) }' \
    "$base/scenarios/comparison.csv"
ok $? "scenario_compare.sbatch predicts the set from the base run's table: 9 rows beside their runs, errors under 1e-6 of each change that shows in 6 digits"
# A child's domain file lacks units of its parent's (here: a copy of att27's with the first 100
# of its 320 units): -outer_domain supplies the rest.
"$PY" - "$dir/att27_domain.nc" "$dir/inner_domain.nc" 100 <<'EOF'
import sys, netCDF4
src, dst, keep = sys.argv[1], sys.argv[2], int(sys.argv[3])
with netCDF4.Dataset(src) as a, netCDF4.Dataset(dst, "w", format=a.data_model) as b:
    for ds in (a, b):
        ds.set_auto_maskandscale(False)
        ds.set_auto_chartostring(False)
    b.setncatts({k: a.getncattr(k) for k in a.ncattrs()})
    for name, dim in a.dimensions.items():
        b.createDimension(name, keep if name == "unit" else len(dim))
    for name, v in a.variables.items():
        w = b.createVariable(name, v.datatype, v.dimensions, fill_value=getattr(v, "_FillValue", None))
        w.set_auto_maskandscale(False)
        w.setncatts({k: v.getncattr(k) for k in v.ncattrs() if k != "_FillValue"})
        if v.ndim == 0:
            w.assignValue(v.getValue())
            continue
        data = v[:]
        if "unit" in v.dimensions:
            data = data.take(range(keep), axis=v.dimensions.index("unit"))
        w[:] = data
EOF
ok $? "a domain file with the first 100 of att27's units"
"$BIN/bogda-predict" -adjoint "$table" -domain "$dir/inner_domain.nc" -outer_domain "$dir/att27_domain.nc" -scenarios "$list" \
  -out "$dir/predicted_outer.csv" 2>"$dir/outer.log" && cmp -s "$dir/predicted.csv" "$dir/predicted_outer.csv"
ok $? "with -domain lacking units and -outer_domain holding them, the same bytes"
# Refusals: one line naming the file, the line and the value; no table written.
refused() { # refused MESSAGE TABLE [options...]
  local msg=$1 t=$2; shift 2
  rm -f "$dir/bad_out.csv"
  "$BIN/bogda-predict" -adjoint "$t" -scenarios "$list" -out "$dir/bad_out.csv" "$@" >"$dir/bad.log" 2>&1
  local rc=$?
  [ $rc -ne 0 ] && grep -qF -- "$msg" "$dir/bad.log" && [ ! -e "$dir/bad_out.csv" ] && [ ! -e "$dir/bad_out.csv.tmp" ]
}
refused "is a control unit of none of $dir/inner_domain.nc (-domain; a nested run's combined table needs its parent's domain file too: -outer_domain OUTER.nc)" "$table" \
  -domain "$dir/inner_domain.nc"
ok $? "a unit of no domain file given is refused, naming -outer_domain"
awk -F, -v OFS=, 'NR == 3 { $3 = "659999-K9" } { print }' "$table" >"$dir/bad_unit.csv"
refused "bad_unit.csv:3: unit '659999-K9' is a control unit of none of" "$dir/bad_unit.csv" -domain "$dir/att27_domain.nc"
ok $? "a unit code no domain file has is refused with file:line and the code"
awk -F, -v OFS=, 'NR == 4 { $7 = "0.0012.5" } { print }' "$table" >"$dir/bad_number.csv"
refused "bad_number.csv:4: contribution_ug_m3 = '0.0012.5': expected a finite number" "$dir/bad_number.csv" \
  -domain "$dir/att27_domain.nc"
ok $? "a malformed number is refused with file:line and the value"
sed '1s/contribution_ug_m3/contribution/' "$table" >"$dir/bad_header.csv"
refused "bad_header.csv:1: not a backward run's source table" "$dir/bad_header.csv" -domain "$dir/att27_domain.nc"
ok $? "another table's header is refused"
sed '2s/^WCS:pm25:0-4h/WCS:pm25/' "$table" >"$dir/bad_label.csv"
refused "bad_label.csv:2: functional 'WCS:pm25': expected RECEPTOR:SPECIES:H0-H1h" "$dir/bad_label.csv" \
  -domain "$dir/att27_domain.nc"
ok $? "a functional label without its window is refused"
awk -F, -v OFS=, '$2 == "initial" { $2 = "initial:parent" } { print }' "$table" >"$dir/bad_parent.csv"
refused "source 'initial:parent' is air from a parent domain" "$dir/bad_parent.csv" -domain "$dir/att27_domain.nc"
ok $? "a nested child's own table (air from its parent) is refused, pointing to adjoint_sources.py --parent"
sed 's/point:P01,P05/point:P01,P99/' "$dir/stacks.nml" >"$dir/bad_point.nml"
list="$dir/bad_point.nml" refused "point:P99 names no point source of $table" "$table" -domain "$dir/att27_domain.nc"
ok $? "a point: rule naming a stack the table does not have is refused"
grep -v ',J,' "$table" >"$dir/bad_j.csv"
refused "has no J row" "$dir/bad_j.csv" -domain "$dir/att27_domain.nc"
ok $? "a functional without its J row is refused"
refused "one of -run and -adjoint" "$table" -domain "$dir/att27_domain.nc" -run "$dir/base"
ok $? "-run and -adjoint together are refused"
done_testing
