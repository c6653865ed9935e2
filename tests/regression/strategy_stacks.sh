#!/usr/bin/env bash
# Title: named stacks as decision variables of their own (strategy_stacks)
# Description: the strategy test's att27 case (tests/regression/strategy/case.nml: linear upwind
#   transport) with a third tag family by point (strategy_stacks/stacks.nml), 4 hours, run forward
#   with its tags and backward for PM2.5 at WCS and KDW. bogda-strategy plans strategy_stacks/
#   strategy.nml, where the stacks P10 and P12 are variables apart from their units' industry and
#   power, from the run's source table (-adjoint) and from its tags (-run, the point family), and
#   checks: (a) both give the same plan; (b) the LP's cost equals scipy's HiGHS on the programme
#   built again from the table alone; (c) the written scenario has point: rules that undo the
#   units' rules on the stacks (a stack is cut by other than its unit), its real run meets every
#   target and equals the prediction; (d) bad inputs are refused in one line with no output: an
#   unknown stack, one listed twice, one without emissions, a cap count that does not match, and
#   -run over a run without a family by point.
# Command: tests/regression/strategy_stacks.sh
# Tolerance: -run vs -adjoint 1e-9 (cost and means relative, cut fractions absolute); GLPK vs
#   HiGHS 1e-9 relative; real run vs prediction 1e-10 relative.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch strategy_stacks)
here=$ROOT/tests/regression/strategy_stacks
nml=$here/strategy.nml
check() { "$PY" "$ROOT/tests/regression/strategy_stacks_check.py" "$@"; }
att27_inputs "$dir"
table=$dir/base/str_adjoint_sources.csv
strategy() { # strategy OUTDIR NAMELIST [options...]
  local out=$1 nml=$2; shift 2
  rm -rf "$out"; mkdir -p "$out"
  "$BIN/bogda-strategy" -domain "$dir/att27_domain.nc" -strategy "$nml" -out "$out" "$@" >"$out.log" 2>&1
}
att27_model "$dir" "$ROOT/tests/regression/strategy/case.nml,$here/stacks.nml" "$dir/base" -run_hours 4 \
  -adjoint_enabled -adjoint_receptors WCS,KDW -adjoint_species pm25,pm25
ok $? "base run, 4 h, tagged by unit_sector, unit and point, forward and backward for WCS:pm25 and KDW:pm25"
strategy "$dir/adj" "$nml" -adjoint "$table"
ok $? "bogda-strategy -adjoint plans with the named stacks: $(grep -o 'completed.*s;' "$dir/adj.log")"
strategy "$dir/run" "$nml" -run "$dir/base"
ok $? "bogda-strategy -run plans them from the point family: $(grep -o 'completed.*s;' "$dir/run.log")"
[ "$(awk -F, 'NR > 1 && $1 != "" { n++ } END { print n }' "$dir/adj/strategy_stacks.csv")" = 2 ] &&
  head -n 1 "$dir/adj/strategy_stacks.csv" | grep -q '^stack_id,unit_code,unit_name,kind,prefecture,sector,cut_percent_so2,cut_t_yr_so2,.*,cost_yuan,WCS_before_ug_m3,WCS_after_ug_m3' &&
  grep -q '^P10,650106-K1,.*,industry,' "$dir/adj/strategy_stacks.csv" && grep -q '^P12,659001-K1,.*,power,' "$dir/adj/strategy_stacks.csv" &&
  [ "$(awk -F, 'NR > 1 && $10 != "" { n++ } END { print n }' "$dir/adj/strategy_units.csv")" -ge 5 ]
ok $? "strategy_stacks.csv has a row per named stack (unit, sector, cuts, cost, contributions) and strategy_units.csv their variables"
"$PY" "$ROOT/postproc/strategy_report.py" "$dir/adj" >"$dir/report.log" 2>&1 &&
  grep -q '单列的点源 / Named stacks' "$dir/adj/strategy_section.html" && grep -q '<td>P10</td><td>650106-K1</td>' "$dir/adj/strategy_section.html"
ok $? "strategy_report.py lists the named stacks in the report's strategy section"
out=$(check same "$dir/adj" "$dir/run"); ok $? "(a) -adjoint and -run give the same plan: $out"
out=$(check linprog "$dir/adj" "$table" "$ROOT/data/strategy/abatement_costs.csv" 0.8 650106-K1,659001-K1,650202-K1 \
  P10:0.6,P12:0.45 residential:0.5)
ok $? "(b) the LP optimum equals an independent solver on the table: $out"
out=$(check apart "$dir/adj"); ok $? "(c) the scenario cuts the stacks apart from their units: $out"
att27_model "$dir" "$ROOT/tests/regression/strategy/case.nml,$dir/adj/strategy_scenario.nml" "$dir/scen" -run_hours 4
ok $? "the optimum runs as a real scenario ($(grep -c "'point:" "$dir/adj/strategy_scenario.nml") point: rules)"
out=$("$PY" "$ROOT/tests/regression/strategy_check.py" realrun "$dir/adj" "$dir/scen" 1e-10)
ok $? "(c) the real run meets every target and equals the LP's prediction: $out"
# (d) Bad inputs: one line, exit 1, no output.
refused() { strategy_refused "$dir" "$@"; } # refused NAME PATTERN NAMELIST [options...]
sed "s/'P10', 'P12'/'P10', 'P99'/" "$nml" >"$dir/unknown.nml"
refused unknown "unknown.nml:13: strategy_stacks\(2\) = 'P99' names no stack of the base run" "$dir/unknown.nml" -adjoint "$table"
ok $? "an unknown stack refused: $(grep error "$dir/unknown.log")"
refused unknown_run "unknown.nml:13: strategy_stacks\(2\) = 'P99' names no stack of the base run" "$dir/unknown.nml" -run "$dir/base"
ok $? "an unknown stack refused with -run too"
sed "s/'P10', 'P12'/'P10', 'p10'/" "$nml" >"$dir/twice.nml"
refused twice "twice.nml:13: strategy_stacks\(2\) = 'p10' is strategy_stacks\(1\) again" "$dir/twice.nml" -adjoint "$table"
ok $? "a stack listed twice refused: $(grep error "$dir/twice.log")"
awk -F, -v OFS=, '$2 == "stack:P12" { $6 = 0 } { print }' "$table" >"$dir/no_emissions.csv"
refused no_emissions "strategy_stacks\(2\) = 'P12': the stack emits none of so2, nox, nh3, ppm25" "$nml" -adjoint "$dir/no_emissions.csv"
ok $? "a stack without emissions refused: $(grep error "$dir/no_emissions.log")"
refused caps "strategy_stack_caps has 1 values for 2 strategy_stacks" "$nml" -adjoint "$table" -strategy_stack_caps 0.5
ok $? "a stack cap count that does not match refused: $(grep error "$dir/caps.log")"
refused no_point "strategy_stacks = 'P10', 'P12': the base run .*/scen has no tag family by point" "$nml" -run "$dir/scen"
ok $? "-run over a run without a point family refused: $(grep error "$dir/no_point.log")"
done_testing
