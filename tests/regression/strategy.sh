#!/usr/bin/env bash
# Title: least-cost strategies from a base run's tags (issue 16, items 1 to 4)
# Description: builds the att27 domain and the illustrative inventory, runs a short tagged base
#   case with a family by unit and sector (tests/regression/strategy/case.nml), plans the cheapest
#   cuts that meet per-cent targets at both hotspots (strategy/strategy.nml), and checks: the
#   optimum run as a real scenario by bin/bogda meets every target and equals the LP's prediction;
#   the LP's cost equals scipy's HiGHS on the same programme; the curve and its PNG; each bad
#   input refused with its file:line message and no output; an unreachable target named with the
#   lowest reachable value; -help and -version.
# Command: tests/regression/strategy.sh
# Tolerance: real run vs prediction 1e-6 relative (measured 1e-16); GLPK vs HiGHS 1e-9 relative.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch strategy)
here=$ROOT/tests/regression/strategy
check() { "$PY" "$ROOT/tests/regression/strategy_check.py" "$@"; }
costs=$ROOT/data/strategy/abatement_costs.csv
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "inventory built"
model() { # model OUTDIR [options...]
  local out=$1; shift
  mkdir -p "$out"
  mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$here/case.nml$NML_EXTRA" -run_output_dir "$out" \
    -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
    -emissions_points_file "$dir/xinjiang_points.csv" "$@" >"$out.log" 2>&1
}
strategy() { # strategy OUTDIR NAMELIST [options...]
  local out=$1 nml=$2; shift 2
  rm -rf "$out"; mkdir -p "$out"
  "$BIN/bogda-strategy" -run "$dir/base" -domain "$dir/att27_domain.nc" -strategy "$nml" -out "$out" "$@" >"$out.log" 2>&1
}
NML_EXTRA= model "$dir/base"; ok $? "base run with a unit_sector family"
strategy "$dir/plan" "$here/strategy.nml"; ok $? "bogda-strategy plans the cuts: $(grep -o 'completed.*s;' "$dir/plan.log")"
head -n 1 "$dir/plan/strategy_units.csv" | grep -qx 'unit_code,unit_name,kind,prefecture,sector,precursor,cut_percent,cut_t_yr,cost_yuan'
ok $? "strategy_units.csv has the query page's columns"
for f in strategy_unit_summary.csv strategy_targets.csv strategy_emissions.csv strategy_curve.csv strategy.json strategy_scenario.nml; do
  [ -s "$dir/plan/$f" ] || { echo "# missing $f"; false; }
done; ok $? "every output file written"
"$PY" -c "import json,sys; json.load(open(sys.argv[1]))" "$dir/plan/strategy.json"; ok $? "strategy.json is JSON"
awk -F, 'NR > 1 && $7 > 0 { n++ } END { exit !(n > 0) }' "$dir/plan/strategy_targets.csv"
ok $? "the binding targets have positive shadow prices: $(awk -F, 'NR > 1 { printf "%s %.4g yuan per ug m-3; ", $1, $7 }' "$dir/plan/strategy_targets.csv")"
[ "$(awk 'END { print NR - 1 }' "$dir/plan/strategy_curve.csv")" -ge 8 ]; ok $? "the cost-versus-target curve has at least 8 points"
"$PY" "$ROOT/postproc/plot_strategy.py" "$dir/plan" >"$dir/plot.log" 2>&1 && [ -s "$dir/plan/strategy_curve.png" ]
ok $? "plot_strategy.py draws strategy_curve.png"
out=$(check linprog "$dir/plan" "$dir/base" "$costs" 0.8 residential:0.5); ok $? "the LP optimum equals an independent solver: $out"
NML_EXTRA=",$dir/plan/strategy_scenario.nml" model "$dir/scen"; ok $? "the optimum runs as a real scenario ($(grep -c "'unit:" "$dir/plan/strategy_scenario.nml") rules)"
out=$(check realrun "$dir/plan" "$dir/scen"); ok $? "the real run meets every target and equals the prediction: $out"
# Bad inputs: one line naming the file, line and value, exit 1, and no output at all.
refused() { # refused NAME PATTERN NAMELIST [options...]: the run fails with PATTERN and writes nothing
  local name=$1 pattern=$2; shift 2
  strategy "$dir/$name" "$@"; local rc=$?
  [ $rc -eq 1 ] && grep -qE "$pattern" "$dir/$name.log" && [ -z "$(ls -A "$dir/$name")" ] &&
    [ "$(grep -c 'error' "$dir/$name.log")" -eq 1 ]
}
bad() { sed "$1" "$here/strategy.nml" > "$dir/$2.nml"; echo "$dir/$2.nml"; }
grep -v '^residential' "$costs" > "$dir/costs_missing.csv"
refused missing_costs "costs_missing.csv: no cost rows for sector residential, precursor [a-z0-9]+ \(unit [0-9A-Z-]+ emits" \
  "$(bad "s|curve_points = 8|cost_file = '$dir/costs_missing.csv'|" missing_costs)"
ok $? "missing cost rows refused: $(grep error "$dir/missing_costs.log")"
{ head -n 4 "$costs"; echo "power,nox,0.5"; } > "$dir/costs_malformed.csv"
refused malformed "costs_malformed.csv:5: " "$(bad "s|curve_points = 8|cost_file = '$dir/costs_malformed.csv'|" malformed)"
ok $? "a malformed cost CSV refused: $(grep error "$dir/malformed.log")"
refused cap "cap.nml:11: .*1.5" "$(bad 's|caps = 0.5|caps = 1.5|' cap)"
ok $? "a cap outside [0, 1] refused: $(grep error "$dir/cap.log")"
refused hotspot "receptors.nml:5: strategy_receptors\(2\) = 'YNG'" "$(bad "s|'WCS', 'KDW'|'WCS', 'YNG'|" receptors)"
ok $? "a target for an unknown hotspot refused: $(grep error "$dir/hotspot.log")"
refused units "units.nml:[0-9]+: the list of control units to cut is empty" \
  "$(bad "s|curve_points = 8|units = '653101-K1'|" units)"
ok $? "an empty unit list refused: $(grep error "$dir/units.log")"
refused infeasible "the target for KDW cannot be met: .* the lowest mean PM2.5 reachable within the caps is [0-9.]+ ug m-3" \
  "$(bad 's|targets = 3.0, 2.0|targets = 3.0, 95.0|' infeasible)"
ok $? "an unreachable target named with the lowest reachable value: $(grep error "$dir/infeasible.log")"
mkdir -p "$dir/help"; (cd "$dir/help" && "$BIN/bogda-strategy" -help >"$dir/help.log" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$(ls -A "$dir/help")" ] && for k in name family receptors targets target_units day_limit day_utc_offset \
  prefecture_min_cut units max_cut cap_sectors cap_precursors caps cost_file curve_points; do
  grep -q -- "-strategy_$k" "$dir/help.log" || { echo "# -help lacks $k"; false; }; done
ok $? "-help lists every key and exits 0 before any work"
"$BIN/bogda-strategy" -version 2>&1 | grep -q "bogda-strategy"; ok $? "-version: $("$BIN/bogda-strategy" -version 2>&1 | head -n 1)"
done_testing
