#!/usr/bin/env bash
# Title: attribution on a small real domain (issue 6's tests)
# Description: builds the att27 domain and the illustrative inventory, runs the tagged case
#   (tests/regression/attribution/case.nml) and checks: closure after every process over the
#   whole run, tags non-negative, zero-out runs against the tags for three groups (the largest
#   stack P05, the key-control unit of Changji city next to Urumqi, and a unit far upwind in Wusu),
#   and a lone point source whose tag equals the bulk.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch attribution)
case=$ROOT/tests/regression/attribution/case.nml
check() { "$PY" "$ROOT/tests/regression/attribution_check.py" "$@"; }
att27_inputs "$dir"
model() { local out=$1; shift; att27_model "$dir" "$case" "$out" "$@"; } # model OUTDIR [options...]
model "$dir/base"; ok $? "base run with three tag families"
worst=$(grep -oE 'closure [0-9.e+-]+' "$dir/base.log" | awk '{print $2}' | sort -g | tail -n 1)
awk -v w="$worst" 'BEGIN { exit !(w < 1e-9) }'; ok $? "closure after every process: largest deviation $worst (limit 1e-9)"
out=$(check unit_tags "$dir/base" "$dir/att27_domain.nc" geo 650100 652300 659001 654000 654200 650200)
ok $? "a tag for each detailed unit with an area in the domain, none for those outside: $out"
rc=$(check closure "$dir/base"); awk -v w="$rc" 'BEGIN { exit !(w < 1e-9) }'; ok $? "closure at the receptors: $rc"
read -r qmin tmin < <("$TBIN/ckcompare" --nonneg "$dir/base/att_checkpoint_20240110T1200Z.bin")
awk -v a="$qmin" -v b="$tmin" 'BEGIN { exit !(a >= 0 && b >= 0) }'; ok $? "no negative mixing ratio ($qmin) or tag ($tmin)"
n=0
for group in "point:P05|stack:pt:P05" "unit:652301-K1|geo:652301-K1" "unit:654202-K1|geo:654202-K1"; do
  sel=${group%%|*}; tag=${group#*|}; n=$((n + 1))
  model "$dir/zero$n" -scenario_name "zero$n" -scenario_select "$sel" -scenario_sectors all -scenario_species all -scenario_factor 0
  ok $? "zero-out run without $sel"
  out=$(check zeroout "$dir/base" "$dir/zero$n" "$tag"); rc=$?
  ok $rc "zero-out of $sel equals its tag $tag: $out"
done
# Scenario prediction from the base run's tags against a real scenario run (issue 7).
"$BIN/bogda-predict" -run "$dir/base" -domain "$dir/att27_domain.nc" -scenarios "$ROOT/tests/regression/attribution/scenario.nml" \
  -out "$dir/predicted.csv" >"$dir/predict.log" 2>&1
ok $? "bogda-predict writes the scenario table"
model "$dir/scen" -namelist "$ROOT/tests/regression/attribution/scenario.nml"
ok $? "the real scenario run"
out=$(check predict "$dir/predicted.csv" "$dir/scen"); ok $? "prediction equals the real scenario run: $out"
"$PY" "$ROOT/postproc/compare_scenarios.py" "$dir/predicted.csv" "$dir/scen" > "$dir/comparison.csv"
awk -F, 'NR > 1 && $8 != "" { n++; if ($8 + 0 > 1e-6) bad++ } END { exit !(n > 0 && bad == 0) }' "$dir/comparison.csv"
ok $? "the scenario comparison table holds base, predicted and simulated means ($(grep -c cut_test "$dir/comparison.csv") rows)"
sets=$("$ROOT/runs/split_scenarios.sh" "$ROOT/runs/scenarios_xinjiang.nml" "$dir/split")
[ "$(ls "$sets"/scenario_*.nml | wc -l)" -eq 3 ]; ok $? "a scenario set file splits into one namelist per scenario"
"$BIN/bogda-predict" -run "$dir/base" -domain "$dir/att27_domain.nc" -scenarios "$ROOT/tests/regression/attribution/scenario_sector.nml" \
  >"$dir/predict2.log" 2>&1
[ $? -ne 0 ] && grep -q "no tag family of the run resolves" "$dir/predict2.log"
ok $? "a scenario the tags cannot resolve is refused with the reason"
"$BIN/bogda-predict" -run "$dir/base" -domain "$dir/att27_domain.nc" -scenarios "$ROOT/tests/regression/attribution/scenario_sector.nml" \
  -bounded -out "$dir/bounded.csv" >"$dir/predict3.log" 2>&1 && grep -q "industry_only: no family resolves it exactly" "$dir/predict3.log"
ok $? "with -bounded it is predicted with bounds, and the log says so"
model "$dir/scen_sector" -namelist "$ROOT/tests/regression/attribution/scenario_sector.nml"
ok $? "the real run of that scenario"
out=$(check bounded "$dir/bounded.csv" "$dir/scen_sector"); ok $? "its real means lie within the bounds: $out"
"$BIN/bogda-predict" -run "$dir/base" -domain "$dir/att27_domain.nc" -scenarios "$ROOT/tests/regression/attribution/scenario.nml" \
  -bounded -out "$dir/bounded_exact.csv" >/dev/null 2>&1 &&
  awk -F, 'NR > 1 { n++; if ($5 != $9 || $5 != $10) bad++ } END { exit !(n > 0 && bad == 0) }' "$dir/bounded_exact.csv" &&
  cut -d, -f1-8 "$dir/bounded_exact.csv" | cmp -s - <(cut -d, -f1-8 "$dir/predicted.csv")
ok $? "a scenario a family resolves: with -bounded the same exact table, its bounds equal to the prediction"
# A lone stack: boundary and initial air clean, no area emissions: its tag is the bulk.
grep -E '^(#|id,|P05,)' "$dir/xinjiang_points.csv" > "$dir/one_point.csv"
model "$dir/single" -emissions_gridded_file '' -emissions_points_file "$dir/one_point.csv" -boundary_values 0 \
  -tags_families stack -tags_family_by point -tags_family_detail '' -run_hours 6
ok $? "a run with one stack"
out=$(check single "$dir/single" "stack:pt:P05"); ok $? "the stack's tag equals the bulk everywhere: $out"
done_testing
