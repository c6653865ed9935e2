#!/usr/bin/env bash
# Title: the effective namelist reproduces the run
# Expect: a run started from the <name>_effective.nml another run wrote gives bitwise equal output;
#   strings holding a quote or a comma are written so that they read back as they were (issue 18,
#   item 13): the effective namelist of the second run equals the first's but for run_name.
. "$(dirname "$0")/../lib.sh"
out=$(scratch effective)
"$BIN/bogda" -namelist "$ROOT/tests/regression/idealised/case.nml" -run_output_dir "$out" -run_hours 2 -met_analytic_omega 7.3e-5 >"$out/a.log" 2>&1
ok $? "a run with command-line overrides"
[ -s "$out/idealised_effective.nml" ]; ok $? "it wrote its effective namelist"
"$BIN/bogda" -namelist "$out/idealised_effective.nml" -run_output_dir "$out" -run_name again >"$out/b.log" 2>&1
ok $? "the effective namelist alone runs"
"$TBIN/nccompare" "$out/idealised_20240110T0000Z.nc" "$out/again_20240110T0000Z.nc" >"$out/cmp.log" 2>&1
ok $? "and gives bitwise the same output"
# Quotes and commas inside strings (issue 18, item 13): a run_name with an apostrophe from the
# command line, a scenario name with both quotes and a comma from a namelist file.
printf '%s\n' "&scenario" "  name = 'Ürümqi''s \"cut\", 30 %'" "/" >"$out/quotes.nml"
"$BIN/bogda" -namelist "$ROOT/tests/regression/idealised/case.nml,$out/quotes.nml" -run_output_dir "$out" -run_hours 1 \
  -run_name "it's" >"$out/c.log" 2>&1 && grep -q "^  name = 'it''s'$" "$out/it's_effective.nml"
ok $? "a run_name with an apostrophe is written doubled: $(grep -m1 "^  name = " "$out/it's_effective.nml" 2>/dev/null)"
"$BIN/bogda" -namelist "$out/it's_effective.nml" -run_output_dir "$out" -run_name again2 >"$out/d.log" 2>&1 &&
  diff <(grep -v "^  name = 'it''s'" "$out/it's_effective.nml" | sed 's/  ! default$//') <(grep -v "^  name = 'again2'" "$out/again2_effective.nml") >"$out/diff.log"
ok $? "that effective namelist reads back to the same configuration, scenario name included: $(grep -A1 "^&scenario" "$out/again2_effective.nml" | tail -n 1)"
done_testing
