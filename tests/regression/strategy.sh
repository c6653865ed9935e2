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
att27_inputs "$dir"
strategy() { # strategy OUTDIR NAMELIST [options...]
  local out=$1 nml=$2; shift 2
  rm -rf "$out"; mkdir -p "$out"
  "$BIN/bogda-strategy" -run "$dir/base" -domain "$dir/att27_domain.nc" -strategy "$nml" -out "$out" "$@" >"$out.log" 2>&1
}
att27_model "$dir" "$here/case.nml" "$dir/base"; ok $? "base run with families by unit_sector and by unit"
strategy "$dir/plan" "$here/strategy.nml"; ok $? "bogda-strategy plans the cuts: $(grep -o 'completed.*s;' "$dir/plan.log")"
head -n 1 "$dir/plan/strategy_units.csv" | grep -qx 'unit_code,unit_name,kind,prefecture,sector,precursor,cut_percent,cut_t_yr,cost_yuan,stack'
ok $? "strategy_units.csv has the query page's columns"
for f in strategy_unit_summary.csv strategy_targets.csv strategy_emissions.csv strategy_curve.csv strategy.json strategy_scenario.nml; do
  [ -s "$dir/plan/$f" ] || { echo "# missing $f"; false; }
done; ok $? "every output file written"
"$PY" -c "import json,sys; json.load(open(sys.argv[1]))" "$dir/plan/strategy.json"; ok $? "strategy.json is JSON"
awk -F, 'NR > 1 && $7 > 0 { n++ } END { exit !(n > 0) }' "$dir/plan/strategy_targets.csv"
ok $? "the binding targets have positive shadow prices: $(awk -F, 'NR > 1 { printf "%s %.4g yuan per ug m-3; ", $1, $7 }' "$dir/plan/strategy_targets.csv")"
awk -F, 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == "cost_yuan") col = c; next }
  { n++; if ($col < 0 || (n > 1 && $col < last * (1 - 1e-12))) bad++; last = $col }
  END { exit !(n >= 8 && !bad) }' "$dir/plan/strategy_curve.csv"
ok $? "the cost-versus-target curve has at least 8 points, every one feasible, cost rising with the target's reduction"
"$PY" "$ROOT/postproc/plot_strategy.py" "$dir/plan" >"$dir/plot.log" 2>&1 && [ -s "$dir/plan/strategy_curve.png" ]
ok $? "plot_strategy.py draws strategy_curve.png"
"$PY" "$ROOT/postproc/strategy_report.py" "$dir/plan" >"$dir/report.log" 2>&1 &&
  grep -q '影子价格 / shadow price' "$dir/plan/strategy_section.html" && grep -q 'strategy_curve.png' "$dir/plan/strategy_section.html"
ok $? "strategy_report.py writes the report's bilingual strategy section"
"$PY" "$ROOT/postproc/report.py" "$dir/base" --domain "$dir/att27_domain.nc" --strategy "$dir/plan" -o "$dir/report" >"$dir/full_report.log" 2>&1 &&
  grep -q '<section id="strategy">' "$dir/report/index.html" && grep -q 'href="#strategy"' "$dir/report/index.html" &&
  [ -s "$dir/report/strategy_curve.png" ]
ok $? "report.py --strategy puts the section and its curve into the attribution report"
out=$(check linprog "$dir/plan" "$dir/base" "$costs" 0.8 residential:0.5); ok $? "the LP optimum equals an independent solver: $out"
att27_model "$dir" "$here/case.nml,$dir/plan/strategy_scenario.nml" "$dir/scen"; ok $? "the optimum runs as a real scenario ($(grep -c "'unit:" "$dir/plan/strategy_scenario.nml") rules)"
out=$(check realrun "$dir/plan" "$dir/scen"); ok $? "the real run meets every target and equals the prediction: $out"
# The family by unit: every sector of a unit cut by the same fraction, its cost the sum of the
# sectors' curves.
strategy "$dir/plan_u" "$here/strategy.nml" -strategy_family u -strategy_curve_points 0
ok $? "a plan over the family by unit: $(grep -o 'completed.*s;' "$dir/plan_u.log")"
awk -F, 'NR > 1 && $5 != "all" { bad++ } END { exit bad }' "$dir/plan_u/strategy_units.csv" &&
  grep -q "'all'" "$dir/plan_u/strategy_scenario.nml"
ok $? "its cuts cover all sectors of a unit"
out=$(check linprog "$dir/plan_u" "$dir/base" "$costs" 0.8 residential:0.5); ok $? "its LP optimum equals an independent solver: $out"
att27_model "$dir" "$here/case.nml,$dir/plan_u/strategy_scenario.nml" "$dir/scen_u"; ok $? "its optimum runs as a real scenario"
out=$(check realrun "$dir/plan_u" "$dir/scen_u"); ok $? "that real run meets every target and equals the prediction: $out"
# A heavy-day limit (the 6 h run is one day in Beijing time) and burden sharing.
strategy "$dir/day" "$here/strategy.nml" -strategy_day_limit 30.5
awk -F, '$2 == "day" { n++; if ($6 > $5 * (1 + 1e-12)) bad++ } END { exit !(n == 1 && !bad) }' "$dir/day/strategy_targets.csv"
ok $? "a day limit adds a daily row that the plan meets: $(awk -F, '$2 == "day" { printf "%s %s: base %.4g, limit %g, predicted %.10g", $1, $3, $4, $5, $6 }' "$dir/day/strategy_targets.csv")"
strategy "$dir/share" "$here/strategy.nml" -strategy_prefecture_min_cut 10
"$PY" - "$dir/share/strategy.json" <<'PYEOF'
import json, sys
rows = [t for t in json.load(open(sys.argv[1]))["targets"] if t["constraint"] == "prefecture_share"]
bad = [t for t in rows if t["predicted"] < t["target"] * (1 - 1e-12) or abs(t["target"] - 0.1 * t["base"]) > 1e-9 * t["base"]]
print(f"# {len(rows)} prefecture shares, {len(bad)} not met")
sys.exit(1 if bad or not rows else 0)
PYEOF
ok $? "burden sharing: each prefecture cuts at least 10 % of each precursor it emits ($(grep -c prefecture_share "$dir/share/strategy.json") rows)"
# Bad inputs: one line naming the file, line and value, exit 1, and no output at all.
refused() { strategy_refused "$dir" "$@"; } # refused NAME PATTERN NAMELIST [options...]
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
