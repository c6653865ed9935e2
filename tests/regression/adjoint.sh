#!/usr/bin/env bash
# Title: backward (adjoint) runs against the forward tags (issue 15, items 2, 3 and 6)
# Description: the att27 case of attribution.sh (three tag families: units, sectors, stacks),
#   4 hours, run forward with &adjoint on for six functionals (PM2.5 and SO4 at WCS over the
#   whole run and over a window ending one output step before the end, the classic misplaced
#   forcing; PM2.5 at KDW over hours 1 to 3, and at a lon/lat point in one of KDW's cells over the
#   same hours). Each tag's contribution from the backward run equals the forward tag's window
#   mean at the receptor (the receptor series), so every one of the 187 tags (every emission
#   group, the initial state and each side's inflow) is a whole-run dot-product test
#   <w, M x> = <M^T w, x> with x that tag's source; the point functional's J equals its cell's
#   surface PM2.5 in the history output (hourly means); each family's contributions sum to J, the
#   point's too; 1, 2 and 3 ranks agree (the point's cell on one rank or another). The transport is PPM in one run and upwind with
#   1 to 2 horizontal sub-steps a step (run_dt 1200 s, courant_max 0.752) in the other, the layers
#   taking each its own number (sub-stepping by layer), so the replay of varying sub-steps and of
#   the x/y alternation is checked; keeping the bulk every 5
#   steps (recomputing within the intervals) gives the same bits as every step. The forward outputs are
#   the same bits with &adjoint on and off; bad functionals are refused with the key. The
#   footprints are checked for sign, for zeros where no species reaches the functional's, and
#   for a PM2.5 footprint peaking inside its receptor. The source table is the same bits without
#   tags, and the share of the unit the tags do not resolve that contributes most equals a
#   zero-out run of that unit (upwind transport: the bulk is then linear in the emissions). The
#   postprocessing (bogda-predict -adjoint, adjoint_sources.py, report.py --scenarios) takes the
#   point's label; a point functional needs no domain file (the idealised case); a point outside
#   the domain is refused in one line before any output. adjoint_daily adds a functional for each
#   whole Beijing day of a receptor's window (30 h from 12:00Z: 4 to 28 h), checked as the others,
#   and the postprocessing tells its rows from the period's; 40 functionals write their footprints.
# Command: tests/regression/adjoint.sh
# Tolerance: tags 1e-10 of J (and of the tag itself above 1e-12 J); family sums 1e-12 of J;
#   1 vs 2 ranks 1e-12 of J; zero-out 1e-10 of the unit's share (upwind: linear); point vs the
#   history's cell 2^-23 relative (the history holds 32-bit floats: twice their rounding).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch adjoint)
case=$ROOT/tests/regression/attribution/case.nml
check() { "$PY" "$ROOT/tests/regression/adjoint_check.py" "$@"; }
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "inventory built"
model() { # model RANKS OUTDIR [options...]
  local n=$1 out=$2; shift 2
  mkdir -p "$out"
  mpirun_n "$n" "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$case" -run_output_dir "$out" \
    -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
    -emissions_points_file "$dir/xinjiang_points.csv" -run_hours 4 -run_closure_every_process false "$@" >"$out.log" 2>&1
}
# The point: degrees east then north, about a quarter of a cell west and north of the centre of
# cell (6, 6), KDW's largest weight (85.01E 44.33N; a cell is 0.34 degree by 0.24 here).
point=84.93E44.39N
functionals=(-adjoint_enabled -adjoint_receptors WCS,WCS,WCS,WCS,KDW,$point -adjoint_species pm25,so4,pm25,so4,pm25,pm25
  -adjoint_window_start 0,0,0,0,1,1 -adjoint_window_end 4,4,3,3,3,3)
substeps=(-run_dt 1200 -advection_horizontal_courant_max 0.752)
ppm=(-advection_horizontal_scheme ppm -advection_vertical_scheme ppm)
for n in 1 2; do
  model $n "$dir/sub$n" "${substeps[@]}" "${functionals[@]}"; ok $? "upwind with sub-steps, $n rank(s): forward and backward run"
  model $n "$dir/ppm$n" "${ppm[@]}" "${functionals[@]}"; ok $? "PPM, $n rank(s): forward and backward run"
done
grep -q "advection_horizontal replayed with 1 to 2 sub-steps a step" "$dir/sub1.log"
ok $? "the sub-step case takes 1 sub-step in some steps and 2 in others (if not: retune its courant_max)"
line=$(grep -o 'a layer moved [0-9.]* times a step on average, [0-9.]* %' "$dir/sub1.log")
pct=${line##*average, }; pct=${pct% %}
awk -v p="$pct" 'BEGIN { exit !(p > 0 && p < 100) }'
ok $? "and its layers do not all take the same (sub-stepping by layer: $line of the work)"
for run in sub1 sub2 ppm1 ppm2; do
  out=$(check tags "$dir/$run"); ok $? "$run: every tag's adjoint contribution equals the forward tag's window mean: $out"
  out=$(check sums "$dir/$run"); ok $? "$run: each family's contributions sum to J: $out"
  out=$(check point "$dir/$run" "$dir/att27_domain.nc")
  ok $? "$run: the point functional's J equals the history's hourly means of the cell holding the point: $out"
done
for run in sub ppm; do
  out=$(check ranks "$dir/${run}1" "$dir/${run}2"); ok $? "$run: 1 and 2 ranks agree: $out"
done
# 3 ranks split the 20 x 12 grid unevenly: the whole-run dot-product test (every tag) there too.
model 3 "$dir/ppm3" "${ppm[@]}" "${functionals[@]}"; ok $? "PPM, 3 ranks: forward and backward run"
out=$(check tags "$dir/ppm3"); ok $? "ppm3: every tag's adjoint contribution equals the forward tag's window mean: $out"
out=$(check point "$dir/ppm3" "$dir/att27_domain.nc"); ok $? "ppm3: the point functional: $out"
out=$(check ranks "$dir/ppm1" "$dir/ppm3"); ok $? "ppm: 1 and 3 ranks agree: $out"
out=$(check footprints "$dir/ppm1" "$dir/att27_domain.nc")
ok $? "the footprints (<name>_adjoint_footprints.nc) are non-negative, zero where no source reaches the functional, peaked in the receptor (a point's: in its cell): $out"
model 1 "$dir/sub1k5" "${substeps[@]}" "${functionals[@]}" -adjoint_snapshot_steps 5
ok $? "the bulk kept every 5 steps of 12, the rest recomputed"
cmp -s "$dir/sub1/att_adjoint_contributions.csv" "$dir/sub1k5/att_adjoint_contributions.csv"
ok $? "the contributions are the same bits with the bulk kept every step or every 5"
# Hourly met snapshots: with every copy kept, and with the fewest (an interval's span: the
# cache lets copies go to its disk tier and the sweep reads the older snapshots back from
# there, the source filling none again), the same bits.
hourly=(-met_diagnostic_interval 3600 -adjoint_snapshot_steps 2)
model 1 "$dir/metall" "${substeps[@]}" "${functionals[@]}" "${hourly[@]}"
ok $? "hourly met: the backward run with every met snapshot kept"
model 1 "$dir/metfew" "${substeps[@]}" "${functionals[@]}" "${hourly[@]}" -adjoint_met_memory_mb 0
grep -q 'the met keeps copies of the 3 snapshots it took last (of the run.s 5)' "$dir/metfew.log" &&
  grep -q 'the met keeps copies of the 5 snapshots it took last (of the run.s 5)' "$dir/metall.log"
ok $? "hourly met: 5 copies kept in one, 3 in the other (adjoint_met_memory_mb 0)"
grep -q 'the met source filled 5 snapshots in all, forward and backward; 0 copies read back' "$dir/metall.log" &&
  grep -q 'the met source filled 5 snapshots in all, forward and backward; 2 copies read back' "$dir/metfew.log" &&
  ! ls "$dir"/metfew/*adjoint_met*.tmp >/dev/null 2>&1
ok $? "hourly met: neither run has the source fill a snapshot twice; the second reads back from disk the 2 it let go of and removes its file"
cmp -s "$dir/metall/att_adjoint_contributions.csv" "$dir/metfew/att_adjoint_contributions.csv" &&
  cmp -s "$dir/metall/att_adjoint_sources.csv" "$dir/metfew/att_adjoint_sources.csv"
ok $? "and the contributions and the source table are the same bits"
model 1 "$dir/off" "${ppm[@]}"; ok $? "the same run with &adjoint off"
"$PY" - "$dir/off" "$dir/ppm1" <<'EOF'
import glob, sys, netCDF4, numpy as np
off, on = sys.argv[1:]
files = sorted(glob.glob(f"{off}/*.nc"))
for path in files:
    with netCDF4.Dataset(path) as a, netCDF4.Dataset(path.replace(off, on)) as b:
        for v in a.variables:
            if not np.array_equal(np.asarray(a[v][:]), np.asarray(b[v][:])):
                sys.exit(f"{path}: {v} differs")
sys.exit(0 if files else "no outputs")
EOF
ok $? "the forward outputs are the same bits with &adjoint on and off"
[ ! -e "$dir/off/att_adjoint_contributions.csv" ]; ok $? "no contribution table with &adjoint off"
# Every unit, whatever the tags resolve: the same run untagged gives the same source table, bit
# for bit, and the unit the tags lump into a prefecture that contributes most, zeroed out in a
# real run, changes each functional by its rows of the table.
model 1 "$dir/untagged" "${ppm[@]}" "${functionals[@]}" -tags_enabled false; ok $? "PPM, untagged: forward and backward run"
cmp -s "$dir/ppm1/att_adjoint_sources.csv" "$dir/untagged/att_adjoint_sources.csv" && [ ! -e "$dir/untagged/att_adjoint_contributions.csv" ]
ok $? "the source table (every unit, sector, stack, the initial state and the inflow) is the same bits without tags"
# (With the upwind transport, linear in the emissions as the tags are; PPM's limiter makes the bulk
# respond nonlinearly: 13 % for this unit's plume in 4 h.)
unit=$(check unit "$dir/sub1")
model 1 "$dir/zero" "${substeps[@]}" -tags_enabled false -scenario_name zero -scenario_select "unit:$unit" \
  -scenario_sectors all -scenario_species all -scenario_factor 0
ok $? "zero-out run of unit $unit (not resolved by the tags)"
out=$(check zeroout "$dir/sub1" "$dir/zero" "$unit"); ok $? "the backward run's share of unit $unit equals the zero-out response: $out"
# The postprocessing takes the point's label (RECEPTOR:SPECIES:H0-H1h with the point as RECEPTOR)
# where it takes a receptor's, without a receptor of that name in the domain file.
table=$dir/ppm1/att_adjoint_sources.csv
J=$(awk -F, -v f="$point:pm25:1-3h" '$1 == f && $2 == "J" { print $7 }' "$table")
"$BIN/bogda-predict" -adjoint "$table" -domain "$dir/att27_domain.nc" -scenarios "$ROOT/tests/regression/attribution/scenario.nml" \
  -out "$dir/predicted.csv" 2>"$dir/predict.log" &&
  [ -n "$J" ] && awk -F, -v p="$point" -v J="$J" '$2 == p && $4 == J { n++ } END { exit !(n == 1) }' "$dir/predicted.csv"
ok $? "bogda-predict -adjoint predicts the point functional, its base the table's J ($J ug m-3)"
mkdir -p "$dir/tables" && "$PY" "$ROOT/postproc/adjoint_sources.py" --sources "$table" --domain "$dir/att27_domain.nc" \
  --out "$dir/tables" >"$dir/tables.log" 2>&1 && grep -q "^$point:pm25:1-3h: J = .* relative)$" "$dir/tables.log" &&
  grep -q "^$point:pm25:1-3h," "$dir/tables/adjoint_units.csv"
ok $? "adjoint_sources.py ranks the units for the point functional: $(grep "^$point" "$dir/tables.log")"
"$PY" "$ROOT/postproc/report.py" "$dir/ppm1" --domain "$dir/att27_domain.nc" --scenarios "$dir/predicted.csv" \
  -o "$dir/report" >"$dir/report.log" 2>&1 && tr -d '\r' <"$dir/report/scenarios.csv" | grep -q ",$point,pm25,.*,n/a$"
ok $? "report.py --scenarios keeps the point's prediction (its base unchecked: the run has no series there)"
# Without a domain file (the idealised case, analytic met) a point is all a functional can name.
mkdir -p "$dir/ideal"
"$BIN/bogda" -namelist "$ROOT/tests/regression/idealised/case.nml" -run_output_dir "$dir/ideal" -run_hours 2 \
  -adjoint_enabled -adjoint_receptors 86.2E44.2N -adjoint_species pm25 >"$dir/ideal.log" 2>&1
ok $? "the idealised case without a domain file, backward from a point"
out=$(check point "$dir/ideal"); ok $? "and its J equals the history's hourly means of the cell holding the point: $out"
refused() { # refused MESSAGE OPTIONS...: the run fails at set-up, its log naming MESSAGE
  local msg=$1; shift
  model 1 "$dir/bad" "$@"; local rc=$?
  [ $rc -ne 0 ] && grep -q "$msg" "$dir/bad.log"
}
refused "adjoint_receptors(1) = 'XYZ': no receptor of that name in the domain file .* (its receptors: WCS, KDW), nor a point" \
  -adjoint_enabled -adjoint_receptors XYZ -adjoint_species pm25
ok $? "an unknown receptor is refused, naming it"
refused "adjoint_receptors(2) = '84.93E44.39': no receptor of that name" -adjoint_enabled -adjoint_receptors WCS,84.93E44.39 \
  -adjoint_species pm25
ok $? "a point without its hemisphere letters is refused, naming the form"
refused "adjoint_receptors(2) = '80.00E43.80N': the point lies outside the domain (20 x 12 cells spanning longitudes 82.75 to 89.72 and latitudes 42.64 to 45.68," \
  -adjoint_enabled -adjoint_receptors KDW,80.00E43.80N -adjoint_species pm25 &&
  [ "$(grep -c 'error' "$dir/bad.log")" -eq 1 ] && [ -z "$(ls -A "$dir/bad")" ]
ok $? "a point outside the domain is refused in one line with its element, value and the domain's extent, before any output"
refused "adjoint_species: 'o3'" -adjoint_enabled -adjoint_receptors WCS -adjoint_species o3
ok $? "an unknown species is refused, naming the key"
refused "adjoint_window_end = 2.1 h" -adjoint_enabled -adjoint_receptors WCS -adjoint_species pm25 -adjoint_window_end 2.1
ok $? "a window that is not a whole number of steps is refused"
refused "ends after run_hours" -adjoint_enabled -adjoint_receptors WCS -adjoint_species pm25 -adjoint_window_end 5
ok $? "a window past the run's end is refused"
refused "adjoint_daily(1) = 'YN': not one of adjoint_receptors" -adjoint_enabled -adjoint_receptors WCS -adjoint_species pm25 \
  -adjoint_daily YN
ok $? "a daily receptor that no functional names is refused, naming it"
refused "adjoint_daily: functional 1 ('WCS', 0 h to 4 h) holds no whole Beijing day (UTC+8)" -adjoint_enabled \
  -adjoint_receptors WCS -adjoint_species pm25 -adjoint_daily WCS
ok $? "a daily receptor whose window holds no whole Beijing day is refused"
# Each Beijing day (adjoint_daily): 30 h from 12:00Z, so that one whole day, 4 to 28 h, lies in
# WCS's window; its functional's J and tags equal the forward's mean over that day.
model 2 "$dir/daily" "${substeps[@]}" -run_start 2024-01-09T12:00:00Z -run_hours 30 -adjoint_enabled \
  -adjoint_receptors WCS,KDW -adjoint_species pm25,so4 -adjoint_daily WCS
ok $? "30 h from 12:00Z with adjoint_daily = WCS: forward and backward run"
labels=$(cut -d, -f1 "$dir/daily/att_adjoint_contributions.csv" | sed 1d | sort -u | tr '\n' ' ')
[ "$labels" = "KDW:so4:0-30h WCS:pm25:0-30h WCS:pm25:4-28h " ]
ok $? "WCS gets its Beijing day 4-28 h beside its whole window, KDW none: $labels"
out=$(check tags "$dir/daily"); ok $? "every tag's contribution to each, the day's included, equals the forward tag's window mean: $out"
# The day's row in the postprocessing: bogda-predict's column window, adjoint_sources.py's table of
# the days under the period's (dated in Beijing time), report.py's scenario table the period's.
table=$dir/daily/att_adjoint_sources.csv
"$BIN/bogda-predict" -adjoint "$table" -domain "$dir/att27_domain.nc" -scenarios "$ROOT/tests/regression/attribution/scenario.nml" \
  -out "$dir/daily_predicted.csv" 2>"$dir/daily_predict.log" &&
  [ "$(cut -d, -f2,11 "$dir/daily_predicted.csv" | sed 1d | sort | tr '\n' ' ')" = "KDW,0-30h WCS,0-30h WCS,4-28h " ]
ok $? "bogda-predict -adjoint writes each functional's window in its last column ($(cut -d, -f11 "$dir/daily_predicted.csv" | sed 1d | tr '\n' ' '))"
mkdir -p "$dir/daily_tables" && "$PY" "$ROOT/postproc/adjoint_sources.py" --sources "$table" --domain "$dir/att27_domain.nc" \
  --out "$dir/daily_tables" --start 2024-01-09T12:00:00Z >"$dir/daily_tables.log" 2>&1 &&
  [ "$(grep -c '<h3>' "$dir/daily_tables/adjoint_section.html")" -eq 2 ] &&
  grep -q '<h4>逐日 Each Beijing day' "$dir/daily_tables/adjoint_section.html" &&
  grep -q '<tr><td>2024-01-10</td>' "$dir/daily_tables/adjoint_section.html"
ok $? "adjoint_sources.py lists WCS's day (2024-01-10, Beijing time) in a table under its period, not as a functional of its own"
"$PY" "$ROOT/postproc/report.py" "$dir/daily" --domain "$dir/att27_domain.nc" --scenarios "$dir/daily_predicted.csv" \
  -o "$dir/daily_report" >"$dir/daily_report.log" 2>&1 &&
  [ "$(tr -d '\r' <"$dir/daily_report/scenarios.csv" | grep -c ',WCS,pm25,')" -eq 1 ] &&
  grep -q "1 row(s) of shorter windows" "$dir/daily_report.log" && ! grep -q "differ from this run" "$dir/daily_report.log"
ok $? "report.py's scenario table keeps the period's rows, each base this run's mean, and leaves the day's to the table"
# 40 functionals (a variable for each and species: 320 in the footprints): parallel HDF5 fails at
# nc_enddef with attached dimension scales beyond a few hundred variables (output.c).
many=$(printf 'WCS,KDW,%.0s' $(seq 1 20)); many=${many%,}
model 2 "$dir/many" -run_hours 2 -tags_enabled false -adjoint_enabled -adjoint_receptors "$many" -adjoint_species pm25 &&
  "$PY" - "$dir/many/att_adjoint_footprints.nc" <<'EOF'
import sys, netCDF4
with netCDF4.Dataset(sys.argv[1]) as d:
    sens = [v for v in d.variables if v.startswith("sens_")]
    sys.exit(0 if len(sens) == 40 * 8 and d["sens_40_so4"].dimensions == ("time", "lev", "y", "x") else f"{len(sens)} variables")
EOF
ok $? "40 functionals on 2 ranks: the footprints hold their 320 variables, each on (time, lev, y, x)"
model 1 "$dir/stop" -adjoint_enabled -adjoint_receptors WCS -adjoint_species pm25 -run_wall_hours 1e-6
[ $? -eq 3 ] && grep -q "no backward run" "$dir/stop.log" && [ ! -e "$dir/stop/att_adjoint_contributions.csv" ]
ok $? "a run stopped before its end says it does no backward run and leaves no table"
refused "is not a backward-run checkpoint" -adjoint_enabled -adjoint_receptors WCS -adjoint_species pm25 -run_restart "$(ls "$dir"/stop/*.bin)"
ok $? "a backward run given a forward checkpoint to restart from is refused (adjoint_restart.sh resumes a sweep)"
done_testing
