#!/usr/bin/env bash
# Title: the effective namelist reproduces the run
# Expect: a run started from the <name>_effective.nml another run wrote gives bitwise equal output.
. "$(dirname "$0")/../lib.sh"
out=$(scratch effective)
"$BIN/bogda" -namelist "$ROOT/tests/regression/idealised/case.nml" -run_output_dir "$out" -run_hours 2 -met_analytic_omega 7.3e-5 >"$out/a.log" 2>&1
ok $? "a run with command-line overrides"
[ -s "$out/idealised_effective.nml" ]; ok $? "it wrote its effective namelist"
"$BIN/bogda" -namelist "$out/idealised_effective.nml" -run_output_dir "$out" -run_name again >"$out/b.log" 2>&1
ok $? "the effective namelist alone runs"
"$TBIN/nccompare" "$out/idealised_20240110T0000Z.nc" "$out/again_20240110T0000Z.nc" >"$out/cmp.log" 2>&1
ok $? "and gives bitwise the same output"
done_testing
