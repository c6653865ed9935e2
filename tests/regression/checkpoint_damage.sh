#!/usr/bin/env bash
# Title: a damaged checkpoint is refused (issue 18, item 18)
# Description: a checkpoint written on 2 ranks carries a checksum for its header and for each
#   state vector, the ones tests/tools/checkpoint.py (numpy) computes on its own; it restarts on
#   3 ranks and ends bitwise where the unbroken run does. The lowest bit of one value flipped (a
#   change the closure check cannot see) in q, dep_dry, dep_wet, tag, the header's budget totals
#   or the recorded checksums is refused, on 3 ranks and on 1: a non-zero exit, one line naming
#   the file, the record, the checksum the file records (expected) and the one its content has
#   (found), and no output written. A file whose checksums record is cut off, and a file of
#   format version 1 (no checksums), are refused saying so.
# Command: tests/regression/checkpoint_damage.sh
# Tolerance: bitwise (the restart); any damaged file accepted fails the test.
. "$(dirname "$0")/../lib.sh"
case=$ROOT/tests/regression/idealised/case.nml
out=$(scratch checkpoint_damage)
run() { # run NAME NP [options]: the idealised case to 2 h, checkpoints hourly, in $out/NAME
  local name=$1 np=$2; shift 2
  mkdir -p "$out/$name"
  (cd "$ROOT" && mpirun_n "$np" "$BIN/bogda" -namelist "$case" -run_output_dir "$out/$name" -run_hours 2 \
    -run_checkpoint_hours 1 "$@") >"$out/$name.log" 2>&1
}
run straight 2; ok $? "2 h on 2 ranks, a checkpoint every hour"
ck=$out/straight/idealised_checkpoint_20240110T0100Z.bin
"$PY" "$ROOT/tests/tools/checkpoint.py" verify "$ck" >"$out/verify.log" 2>&1
ok $? "the 1 h checkpoint's $(grep -c 'equal to' "$out/verify.log") checksums are the ones checkpoint.py computes"
run resumed 3 -run_restart "$ck"; ok $? "the undamaged checkpoint restarts on 3 ranks"
"$TBIN/ckcompare" "$out/straight/idealised_checkpoint_20240110T0200Z.bin" "$out/resumed/idealised_checkpoint_20240110T0200Z.bin" \
  >"$out/ck.log" 2>&1
ok $? "its state at 2 h and the checksums recorded for it equal the unbroken run's bitwise"
# refused NAME NP FILE PATTERN: the restart from FILE exits non-zero with PATTERN on one line of
# its log, and writes nothing.
refused() {
  local name=$1 np=$2 file=$3 want=$4
  run "$name" "$np" -run_restart "$file"; local rc=$?
  [ "$rc" -ne 0 ] && [ "$(grep -cE -- "$want" "$out/$name.log")" -eq 1 ] && [ -z "$(ls "$out/$name")" ]
  ok $? "$name on $np rank(s) refused (exit $rc), nothing written: $(grep -m1 -oE -- "$want" "$out/$name.log")"
}
hex='0x[0-9a-f]{16}'
for rec in q:3 q:1 tag:3 dep_dry:3 dep_wet:1 header:3 checksums:3; do
  r=${rec%:*} np=${rec#*:}
  bad=$out/damaged_$r.bin
  "$PY" "$ROOT/tests/tools/checkpoint.py" flip "$ck" "$bad" "$r"
  # checkpoint.py's view of the damage: the record whose checksum no longer matches, the checksum
  # its content has and the one the file records.
  read -r what found expected < <("$PY" "$ROOT/tests/tools/checkpoint.py" verify "$bad" |
    sed -nE "s/^([a-z_]+): [0-9]+ values, checksum ($hex), DIFFERENT from the recorded ($hex)$/\1 \2 \3/p")
  refused "damaged_${r}_$np" "$np" "$bad" \
    "checkpoint $bad is damaged: $what \([^)]*\): checksum expected $expected \(recorded by its writer\), found $found; refusing to restart from it"
done
head -c $(($(stat -c %s "$ck") - 4)) "$ck" >"$out/short_checksums.bin"
refused short_checksums 2 "$out/short_checksums.bin" "checkpoint $out/short_checksums.bin is truncated: its checksums record is missing"
# A version-1 file: the same header with version 1 and no checksums record.
"$PY" -c 'import struct, sys
d = bytearray(open(sys.argv[1], "rb").read()[:-40])
struct.pack_into(">d", d, 8, 1.0)
open(sys.argv[2], "wb").write(d)' "$ck" "$out/version1.bin"
refused version1 2 "$out/version1.bin" "checkpoint $out/version1.bin is in format version 1, which has no checksums"
done_testing
