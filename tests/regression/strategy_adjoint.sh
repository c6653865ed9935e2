#!/usr/bin/env bash
# Title: least-cost strategies from a backward run's source table (bogda-strategy -adjoint)
# Description: the strategy test's att27 case (tests/regression/strategy/case.nml: linear upwind
#   transport, tag families by unit and sector for five prefectures), 4 hours, run forward with
#   its tags and backward for PM2.5 at WCS and KDW. bogda-strategy plans the cuts of
#   strategy/strategy.nml from the run's att_adjoint_sources.csv, where every control unit of the
#   table is a decision variable, and checks: (a) restricted to the units the tags resolve, the
#   plan from the table has the cost, the predicted means and the cuts of the plan from the tags
#   (-run), except that units sharing their cells (Shihezi's two industrial ones) are
#   interchangeable, so the optimum is not unique and the round-off of the two coefficients
#   (1e-13) picks the vertex: there only their tonnes cut together must agree; (b) the
#   optimum run for real meets every target and equals the LP's prediction; (c) units the tags do
#   not resolve (Kuytun's, under KDW) are cut; the combined form of postproc/adjoint_sources.py
#   gives the same plan; a plan over all 320 units of att27 with 6400 variables (a synthetic
#   table) solves; (d) bad inputs are refused with one line and no output; (e) a day limit from
#   daily functionals (48 h) gives the tags' plan, with the same days and base daily means.
# Command: tests/regression/strategy_adjoint.sh
# Tolerance: -run vs -adjoint 1e-9 (cost and tonnes relative, cut fractions absolute); real run vs
#   prediction 1e-6 relative.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch strategy_adjoint)
here=$ROOT/tests/regression/strategy
check() { "$PY" "$ROOT/tests/regression/strategy_adjoint_check.py" "$@"; }
att27_inputs "$dir"
table=$dir/base/str_adjoint_sources.csv
strategy() { # strategy OUTDIR NAMELIST [options...]: from the table unless options say -run
  local out=$1 nml=$2; shift 2
  rm -rf "$out"; mkdir -p "$out"
  "$BIN/bogda-strategy" -domain "$dir/att27_domain.nc" -strategy "$nml" -out "$out" "$@" >"$out.log" 2>&1
}
att27_model "$dir" "$here/case.nml" "$dir/base" -run_hours 4 -adjoint_enabled -adjoint_receptors WCS,KDW \
  -adjoint_species pm25,pm25
ok $? "base run, 4 h, tagged by unit_sector, forward and backward for WCS:pm25 and KDW:pm25"
strategy "$dir/adj" "$here/strategy.nml" -adjoint "$table"
ok $? "bogda-strategy -adjoint plans the cuts from the table: $(grep -o 'completed.*s;' "$dir/adj.log")"
strategy "$dir/run" "$here/strategy.nml" -run "$dir/base"
ok $? "bogda-strategy -run plans them from the tags: $(grep -o 'completed.*s;' "$dir/run.log")"
for f in strategy_units.csv strategy_unit_summary.csv strategy_targets.csv strategy_emissions.csv strategy_curve.csv \
  strategy.json strategy_scenario.nml; do
  [ -s "$dir/adj/$f" ] || { echo "# missing $f"; false; }
done && "$PY" "$ROOT/postproc/plot_strategy.py" "$dir/adj" >"$dir/plot.log" 2>&1 && [ -s "$dir/adj/strategy_curve.png" ]
ok $? "every output file written, and plot_strategy.py draws the curve"
# (a) The same variables: the units the tags resolve, as strategy_units.
units=$(awk -F, 'NR > 1 && !s[$1]++ { printf "%s'\''%s'\''", n++ ? ", " : "", $1 }' "$dir/run/strategy_units.csv")
sed "s|^/|  units = $units\n/|" "$here/strategy.nml" >"$dir/resolved.nml"
strategy "$dir/adj_resolved" "$dir/resolved.nml" -adjoint "$table"
out=$(check same "$dir/adj_resolved" "$dir/run" "$table"); ok $? "(a) over the units the tags resolve, -adjoint equals -run: $out"
# (b) The optimum as a real scenario.
att27_model "$dir" "$here/case.nml,$dir/adj/strategy_scenario.nml" "$dir/scen" -run_hours 4
ok $? "the optimum runs as a real scenario ($(grep -c "'unit:" "$dir/adj/strategy_scenario.nml") rules)"
out=$("$PY" "$ROOT/tests/regression/strategy_check.py" realrun "$dir/adj" "$dir/scen")
ok $? "(b) the real run meets every target and equals the LP's prediction: $out"
# (c) Units outside the tags' prefectures.
out=$(check unresolved "$dir/adj" "$dir/run"); ok $? "(c) -adjoint cuts units the tags do not resolve: $out"
# The combined form of postproc/adjoint_sources.py (byte-order mark, two more columns).
mkdir -p "$dir/combined" && "$PY" "$ROOT/postproc/adjoint_sources.py" --sources "$table" --domain "$dir/att27_domain.nc" \
  --out "$dir/combined" >"$dir/combined.log" 2>&1 &&
  strategy "$dir/adj_combined" "$here/strategy.nml" -adjoint "$dir/combined/adjoint_sources.csv" &&
  cmp -s "$dir/adj/strategy_units.csv" "$dir/adj_combined/strategy_units.csv"
ok $? "the combined table of adjoint_sources.py gives the same plan"
# Every unit of att27 in every sector and precursor: a synthetic table of 6400 variables.
"$PY" - "$dir/att27_units.csv" "$dir/big.csv" <<'PYEOF'
import csv, sys
units = [r["unit_code"] for r in csv.DictReader(open(sys.argv[1]))]
sectors = ["power", "industry", "residential", "transport", "agriculture"]
with open(sys.argv[2], "w") as f:
    f.write("functional,source,unit,sector,species,emission_t_per_year,contribution_ug_m3\n")
    for fn, w in (("WCS:pm25:0-4h", 1.0), ("KDW:pm25:0-4h", 0.37)):
        total = 0.0
        for i, u in enumerate(units):
            for j, s in enumerate(sectors):
                for k, p in enumerate(["so2", "nox", "nh3", "ppm25"]):
                    e = 10.0 + (i * 7.385 + j * 3.17 + k * 1.913) % 97.3
                    c = w * e * 1e-4 * (1 + ((i * 13 + j * 5 + k * 3) % 11) / 2.7) / (1 + i % 17)
                    total += c
                    f.write(f"{fn},area,{u},{s},{p},{e!r},{c!r}\n")
        f.write(f"{fn},inflow:west,,,so4,,2.385\n{fn},J,,,,,{total + 2.385!r}\n")
PYEOF
strategy "$dir/big" "$here/strategy.nml" -adjoint "$dir/big.csv" -strategy_curve_points 0
ok $? "a plan over every unit of att27: $(grep -o 'completed.*s;' "$dir/big.log")"
grep -q ' 6400 variables' "$dir/big.log"; ok $? "it has 6400 decision variables (320 units, 5 sectors, 4 precursors)"
# (e) A day limit from daily functionals: 48 h backward for the period and each UTC day at WCS
#   and KDW; against the tags' plan (-run) with the same days (UTC), over the units they resolve.
att27_model "$dir" "$here/case.nml" "$dir/days" -run_hours 48 -adjoint_enabled -adjoint_receptors WCS,KDW,WCS,KDW,WCS,KDW \
  -adjoint_species pm25 -adjoint_window_start 0,0,0,0,24,24 -adjoint_window_end 48,48,24,24,48,48
ok $? "base run, 48 h, forward and backward for WCS and KDW over the period and each day"
days=$dir/days/str_adjoint_sources.csv
limit=$(awk -F, '$1 ~ /^WCS:pm25:(0-24|24-48)h$/ && $2 == "J" { v = $7 > v ? $7 : v } END { printf "%.6g", 0.97 * v }' "$days")
strategy "$dir/run_day" "$here/strategy.nml" -run "$dir/days" -strategy_day_limit "$limit" -strategy_day_utc_offset 0
ok $? "the tags' plan with a day limit of $limit ug m-3 (3 % under WCS's higher day)"
units=$(awk -F, 'NR > 1 && !s[$1]++ { printf "%s'\''%s'\''", n++ ? ", " : "", $1 }' "$dir/run_day/strategy_units.csv")
sed "s|^/|  units = $units\n/|" "$here/strategy.nml" >"$dir/resolved_day.nml"
strategy "$dir/adj_day" "$dir/resolved_day.nml" -adjoint "$days" -adjoint_start 2024-01-10T00:00:00Z \
  -strategy_day_limit "$limit" -strategy_day_utc_offset 0
ok $? "the table's plan with the same limit: $(grep -o 'completed.*s;' "$dir/adj_day.log")"
out=$(check same "$dir/adj_day" "$dir/run_day" "$days"); ok $? "over the units the tags resolve, -adjoint equals -run: $out"
awk -F, '$2 == "day" { print $1, $3, $4 }' "$dir/run_day/strategy_targets.csv" >"$dir/run_days.txt"
awk -F, '$2 == "day" { print $1, $3, $4 }' "$dir/adj_day/strategy_targets.csv" >"$dir/adj_days.txt"
[ -s "$dir/adj_days.txt" ] && "$PY" - "$dir/run_days.txt" "$dir/adj_days.txt" <<'PYEOF'
import sys
a = [l.split() for l in open(sys.argv[1])]
b = [l.split() for l in open(sys.argv[2])]
worst = max(abs(float(x[2]) - float(y[2])) / float(x[2]) for x, y in zip(a, b)) if a and len(a) == len(b) else 1
print(f"# {len(b)} day rows {[' '.join(x[:2]) for x in b]}, base daily means from the tags vs the daily functionals to {worst:.1e}")
sys.exit(0 if [x[:2] for x in a] == [y[:2] for y in b] and worst < 1e-10 else 1)
PYEOF
ok $? "the same days limited (receptor and date), their base daily means equal"
# (d) Bad inputs: one line, exit 1, no output.
refused() { strategy_refused "$dir" "$@"; } # refused NAME PATTERN NAMELIST [options...]
refused day_start "command line: strategy_day_limit = 30.5 with -adjoint needs -adjoint_start TIME" "$here/strategy.nml" \
  -adjoint "$table" -strategy_day_limit 30.5
ok $? "a day limit without the run's start refused: $(grep error "$dir/day_start.log")"
refused day "command line: strategy_day_limit = 30.5 needs daily PM2.5 functionals of 'WCS' tiling the table's window in whole days \(WCS:pm25:0-24h, 24-48h, ... to 4h\)" \
  "$here/strategy.nml" -adjoint "$table" -strategy_day_limit 30.5 -adjoint_start 2024-01-10T00:00:00Z
ok $? "a day limit without daily functionals refused: $(grep error "$dir/day.log")"
refused day_time "-adjoint_start 2024-13-10: expected a UTC time" "$here/strategy.nml" -adjoint "$table" \
  -strategy_day_limit 30.5 -adjoint_start 2024-13-10
ok $? "a start that is no time refused: $(grep error "$dir/day_time.log")"
refused family "strategy_family = 'us' names a tag family of a base run" "$here/strategy.nml" -adjoint "$table" -strategy_family us
ok $? "a tag family refused in -adjoint mode: $(grep error "$dir/family.log")"
sed 's/:pm25:/:so4:/' "$table" >"$dir/no_pm25.csv"
refused no_pm25 "no_pm25.csv: no PM2.5 functional over the table's whole window 0-4h" "$here/strategy.nml" -adjoint "$dir/no_pm25.csv"
ok $? "a table without PM2.5 functionals refused: $(grep error "$dir/no_pm25.log")"
sed "s|'WCS', 'KDW'|'WCS', 'YNG'|" "$here/strategy.nml" >"$dir/receptors.nml"
refused receptor "receptors.nml:5: strategy_receptors\(2\) = 'YNG'.*expected one of WCS, KDW" "$dir/receptors.nml" -adjoint "$table"
ok $? "a target at a receptor the table lacks refused: $(grep error "$dir/receptor.log")"
awk -F, -v OFS=, 'NR == 3 { $3 = "659999-K9" } { print }' "$table" >"$dir/bad_unit.csv"
refused bad_unit "bad_unit.csv:3: unit '659999-K9' is a control unit of none of" "$here/strategy.nml" -adjoint "$dir/bad_unit.csv"
ok $? "a unit no domain file has refused: $(grep error "$dir/bad_unit.log")"
sed '1s/contribution_ug_m3/contribution/' "$table" >"$dir/bad_header.csv"
refused bad_header "bad_header.csv:1: not a backward run's source table" "$here/strategy.nml" -adjoint "$dir/bad_header.csv"
ok $? "another table refused: $(grep error "$dir/bad_header.log")"
refused both "one of -run and -adjoint" "$here/strategy.nml" -adjoint "$table" -run "$dir/base"
ok $? "-run and -adjoint together refused"
refused outer "-outer_domain .*: only with -adjoint" "$here/strategy.nml" -run "$dir/base" -outer_domain "$dir/att27_domain.nc"
ok $? "-outer_domain without -adjoint refused"
done_testing
