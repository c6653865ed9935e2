#!/usr/bin/env bash
# Title: the command line and the output folder refuse what would start a run nobody asked for
# Description: issue 18, items 7, 11, 12 and 16. No -namelist, a stray word, -namelist without
#   a file, an empty, comments-only, binary or missing namelist, a folder given as a namelist, a
#   group that lost its '&', a run_name with a '/', an empty or missing run_output_dir: each stops
#   with one message naming the file, key or word, a non-zero exit, and no file written. A
#   namelist with CR-only line ends reads as the same namelist with LF ends (the same effective
#   configuration). A second run of one name in one folder is refused while the first writes; a
#   run killed with -9 does not block the next. An option given twice is a warning. A points
#   CSV with CR-only line ends reads as the LF file.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch command_line)
case=$ROOT/tests/regression/idealised/case.nml
refused() { # refused NAME PATTERN ARGS...: exit non-zero, the pattern in the log, no file in out/
  local name=$1 want=$2; shift 2
  mkdir -p "$dir/$name"
  (cd "$dir" && "$BIN/bogda" "$@") >"$dir/$name.log" 2>&1; local rc=$?
  [ "$rc" -ne 0 ] && grep -qE -- "$want" "$dir/$name.log" && [ -z "$(ls "$dir/$name")" ]
  ok $? "$name refused: $(grep -m1 -oE -- "$want.{0,60}" "$dir/$name.log")"
}
printf '' >"$dir/empty.nml"
printf '! only a comment\n\n' >"$dir/comments.nml"
printf '&run\n  name = "x"\n/\n\0\1\2' >"$dir/binary.nml"
printf 'run\n  hours = 2\n/\n' >"$dir/noamp.nml"
refused no_namelist "no -namelist given" -run_output_dir "$dir/no_namelist"
refused stray_word "'case.nml' is not an option" case.nml -run_output_dir "$dir/stray_word"
mkdir -p "$dir/twice"
"$BIN/bogda" -namelist "$case" -run_output_dir "$dir/twice" -run_hours 2 -run_hours 1 >"$dir/twice.log" 2>&1 &&
  grep -q "WARNING: command line: option -run_hours is given more than once; the last one (1) counts" "$dir/twice.log" &&
  grep -q "^  hours = 1$" "$dir/twice/idealised_effective.nml"
ok $? "an option given twice is a warning, and the last value counts"
refused namelist_no_file "-namelist needs a file" -run_output_dir "$dir/namelist_no_file" -namelist
refused empty "empty.nml holds no namelist group" -namelist "$dir/empty.nml" -run_output_dir "$dir/empty"
refused comments "comments.nml holds no namelist group" -namelist "$dir/comments.nml" -run_output_dir "$dir/comments"
refused dev_null "/dev/null holds no namelist group" -namelist /dev/null -run_output_dir "$dir/dev_null"
refused binary "binary.nml: byte [0-9]+ is NUL" -namelist "$dir/binary.nml" -run_output_dir "$dir/binary"
refused missing "none.nml cannot be opened: No such file" -namelist "$dir/none.nml" -run_output_dir "$dir/missing"
refused folder "is a directory" -namelist "$ROOT/namelists" -run_output_dir "$dir/folder"
refused no_ampersand "noamp.nml:2: a 'key = value' outside any group" -namelist "$dir/noamp.nml" -run_output_dir "$dir/no_ampersand"
refused name_dotdot "run_name = '../escaped' is not a file-name stem" -namelist "$case" -run_output_dir "$dir/name_dotdot" -run_name ../escaped
[ ! -e "$dir/escaped_effective.nml" ]; ok $? "nothing was written outside the output folder"
refused empty_dir "run_output_dir is empty" -namelist "$case" -run_output_dir ''
refused missing_dir "run_output_dir = '$dir/nowhere' does not exist" -namelist "$case" -run_output_dir "$dir/nowhere"
# CR-only line ends: the same configuration as the LF file.
mkdir -p "$dir/lf" "$dir/cr"
tr '\n' '\r' <"$case" >"$dir/case_cr.nml"
"$BIN/bogda" -namelist "$case" -run_output_dir "$dir/lf" -run_hours 1 >"$dir/lf.log" 2>&1 &&
  "$BIN/bogda" -namelist "$dir/case_cr.nml" -run_output_dir "$dir/cr" -run_hours 1 >"$dir/cr.log" 2>&1
ok $? "a namelist with CR-only line ends runs"
diff <(grep -v output_dir "$dir/lf/idealised_effective.nml") <(grep -v output_dir "$dir/cr/idealised_effective.nml") >/dev/null
ok $? "and its effective configuration is that of the LF file (but for run_output_dir)"
# CR-only line ends in a points CSV: the same stacks as the LF file (they read as a header alone).
mkdir -p "$dir/pcr"
tr '\n' '\r' <"$ROOT/tests/regression/idealised/points.csv" >"$dir/points_cr.csv"
"$BIN/bogda" -namelist "$case" -run_output_dir "$dir/pcr" -run_hours 1 -emissions_points_file "$dir/points_cr.csv" \
  >"$dir/pcr.log" 2>&1
cmp -s <(grep -A8 '^emissions in the domain' "$dir/lf.log") <(grep -A8 '^emissions in the domain' "$dir/pcr.log") &&
  grep -q '^emissions in the domain' "$dir/pcr.log"
ok $? "a points CSV with CR-only line ends gives the emission totals of the LF file"
# The lock: a second run of one name in one folder while the first writes.
mkdir -p "$dir/lock"
"$BIN/bogda" -namelist "$case" -run_output_dir "$dir/lock" -run_hours 6 >"$dir/first.log" 2>&1 &
first=$!
for _ in $(seq 200); do # until the first run holds its lock (at most 20 s)
  [ -e "$dir/lock/.idealised.lock" ] && ! flock -n "$dir/lock/.idealised.lock" true && break
  sleep 0.1
done
"$BIN/bogda" -namelist "$case" -run_output_dir "$dir/lock" -run_hours 1 >"$dir/second.log" 2>&1; rc=$?
[ "$rc" -ne 0 ] && grep -q "another run named 'idealised' is writing into" "$dir/second.log"
ok $? "a second run of the same name in the same folder is refused while the first writes"
kill -9 "$first" 2>/dev/null; wait "$first" 2>/dev/null
"$BIN/bogda" -namelist "$case" -run_output_dir "$dir/lock" -run_hours 1 >"$dir/third.log" 2>&1
ok $? "after the first run is killed with -9, its lock does not block the next run"
done_testing
