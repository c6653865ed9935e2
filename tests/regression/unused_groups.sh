#!/usr/bin/env bash
# Title: the group of a met source the run does not use (issue 18 item 14)
# Description: the idealised case (source 'analytic') with a second namelist that also holds
#   &met_diagnostic and &met_wrf, as a case file shared by several set-ups does. Those groups
#   are known (the registry lists every met source), so they are not refused; their keys are
#   checked, so a misspelt key or group still stops the run.
# Expect: the run goes, notes each unused group in one line, and gives bitwise the output of the
#   run without them; a misspelt key of an unused group and a misspelt group name are refused
#   with file:line and the nearest known name; -help lists the keys of the unused sources too.
. "$(dirname "$0")/../lib.sh"
out=$(scratch unused_groups)
case=$ROOT/tests/regression/idealised/case.nml
model() { # model NAME EXTRA.nml [options...]: a 1 h run of the idealised case
  local name=$1 extra=$2; shift 2
  "$BIN/bogda" -namelist "$case,$extra" -run_output_dir "$out" -run_name "$name" -run_hours 1 \
    -run_checkpoint_hours 0 "$@" >"$out/$name.log" 2>&1
}
printf '&met_diagnostic\n  speed = 4.5, dir = 290\n/\n&met_wrf\n  files = "wrfout_d01_*"\n/\n' >"$out/other.nml"
printf '! an empty group: nothing changes\n&run\n/\n' >"$out/none.nml"
model plain "$out/none.nml"; ok $? "the idealised case runs (1 h)"
model other "$out/other.nml"; ok $? "with &met_diagnostic and &met_wrf beside source = 'analytic', it runs"
n=$(grep -c 'note: group &met_[a-z]* is not used by this run' "$out/other.log")
[ "$n" -eq 2 ]; ok $? "one note for each unused group ($n)"
"$TBIN/nccompare" "$out/plain_20240110T0000Z.nc" "$out/other_20240110T0000Z.nc" >"$out/cmp.log" 2>&1
ok $? "and the output is bitwise that of the run without them"
! grep -q 'met_diagnostic_speed\|met_wrf_files' "$out/other_effective.nml"
ok $? "the unused groups are not in the effective namelist"

printf '&met_diagnostic\n  speed = 4.5\n  dirr = 290\n/\n' >"$out/typo.nml"
model typo "$out/typo.nml"; rc=$?
[ "$rc" -ne 0 ] && grep -q 'typo.nml:3: unknown key dirr in group &met_diagnostic (did you mean dir?)' "$out/typo.log"
ok $? "a misspelt key of an unused group is refused with file:line and the nearest key"
printf '&met_diagnostc\n  speed = 4.5\n/\n' >"$out/group.nml"
model group "$out/group.nml"; rc=$?
[ "$rc" -ne 0 ] && grep -q 'group.nml:2: unknown group &met_diagnostc (did you mean &met_diagnostic?)' "$out/group.log"
ok $? "a misspelt group is still an unknown group"
model cmdline "$out/none.nml" -met_wrf_fils x.nc; rc=$?
[ "$rc" -ne 0 ] && grep -q 'option -met_wrf_fils is not a key of group &met_wrf (did you mean -met_wrf_files?)' "$out/cmdline.log"
ok $? "so is a misspelt command-line key of an unused source"
"$BIN/bogda" -namelist "$case" -help >"$out/help.log" 2>&1
grep -q -- '-met_wrf_files' "$out/help.log" && grep -q -- '-met_diagnostic_speed' "$out/help.log" &&
  grep -q -- '-met_analytic_omega' "$out/help.log"
ok $? "-help lists the keys of every met source, used or not"
done_testing
