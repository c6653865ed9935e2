#!/usr/bin/env bash
# Title: restart equality
# Expect: 6 h straight equals 3 h + restart + 3 h, bit for bit, with tags; a run killed with
#   kill -9 after its 3 h checkpoint, resumed with run_restart = 'latest', ends the same.
. "$(dirname "$0")/../lib.sh"
case=$ROOT/tests/regression/idealised/case.nml
out=$(scratch restart)
mkdir -p "$out/straight" "$out/split" "$out/killed"
mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/straight" >"$out/straight.log" 2>&1
ok $? "6 h straight"
mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/split" -run_hours 3 >"$out/split1.log" 2>&1
ok $? "first 3 h"
ck=$(ls "$out"/split/idealised_checkpoint_*.bin 2>/dev/null | tail -n 1)
[ -n "$ck" ]; ok $? "a checkpoint was written at 3 h"
mpirun_n 1 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/split" -run_restart "$ck" >"$out/split2.log" 2>&1
ok $? "restart for the last 3 h (on 1 rank)"
last=$(basename "$(ls "$out"/straight/idealised_*.nc | tail -n 1)")
"$TBIN/nccompare" "$out/straight/$last" "$out/split/$last" >"$out/cmp.log" 2>&1
ok $? "the last segment $last equals the straight run bitwise"
# Kill a run hard after its first checkpoint, then resume from the latest one.
mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/killed" >"$out/killed1.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  ls "$out"/killed/idealised_checkpoint_*.bin >/dev/null 2>&1 && break
  sleep 0.05
done
pkill -9 -f "run_output_dir $out/killed" ; wait $pid 2>/dev/null
ls "$out"/killed/*.tmp >/dev/null 2>&1 || ls "$out"/killed/*.nc >/dev/null 2>&1
ok $? "the killed run left its files"
mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/killed" -run_restart latest >"$out/killed2.log" 2>&1
ok $? "resumed from the latest checkpoint"
diag "$(grep -m1 restarting "$out/killed2.log")"
"$TBIN/nccompare" "$out/straight/$last" "$out/killed/$last" >"$out/cmp2.log" 2>&1
ok $? "after kill -9 and resume, $last equals the straight run bitwise"
done_testing
