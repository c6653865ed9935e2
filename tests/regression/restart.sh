#!/usr/bin/env bash
# Title: restart equality
# Expect: 6 h straight equals 3 h + restart + 3 h, bit for bit, with tags; a run killed with
#   kill -9 after its 3 h checkpoint, resumed with run_restart = 'latest', ends the same; and the
#   same over real terrain with the diagnostic met, whose wind adjustment is solved afresh at
#   every snapshot (the att27 test domain, the winter episode, unit and sector tags); a NaN in
#   the state stops the run at its next output record, before writing it.
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
# A checkpoint cut short is refused on every rank, naming the file.
head -c 50000 "$ck" >"$out/short_checkpoint.bin"
mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/split" -run_restart "$out/short_checkpoint.bin" >"$out/short.log" 2>&1
[ $? -ne 0 ] && grep -q "short_checkpoint.bin is truncated\|short_checkpoint.bin: the .* record holds" "$out/short.log"
ok $? "a truncated checkpoint is refused: $(grep -m1 -o 'checkpoint [^ ]*short_checkpoint.bin[^(]*' "$out/short.log")"
# A NaN in the state (here put into a checkpoint with its checksum made anew, so that the reader
# takes it; no reader checks for NaN) stops the run at its first output record, naming the
# species, before that record is written.
"$PY" "$ROOT/tests/tools/checkpoint.py" nan "$ck" "$out/nan_checkpoint.bin"
ok $? "a NaN put into the middle of q of the 3 h checkpoint"
mkdir -p "$out/nan"
mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/nan" -run_restart "$out/nan_checkpoint.bin" >"$out/nan.log" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "the mass of [a-z0-9_]* in the domain is nan: a NaN or an infinity has entered the state" "$out/nan.log" \
  && ! ls "$out"/nan/*.nc >/dev/null 2>&1
ok $? "the restart from it stops (exit $rc) at its first record with no finished output: $(grep -m1 -o '[0-9TZ:-]*: the mass of [a-z0-9_]* in the domain is nan' "$out/nan.log")"
# checkpoint_keep: only the newest checkpoints stay.
mkdir -p "$out/keep"
mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/keep" -run_hours 4 -run_checkpoint_hours 1 -run_checkpoint_keep 2 \
  >"$out/keep.log" 2>&1
kept=$(cd "$out/keep" && ls idealised_checkpoint_*.bin | tr '\n' ' ')
[ "$kept" = "idealised_checkpoint_20240110T0300Z.bin idealised_checkpoint_20240110T0400Z.bin " ]
ok $? "checkpoint_keep = 2 over 4 hourly checkpoints keeps the last two: $kept"
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
# Over real terrain with the diagnostic met (mass-consistent winds solved at every snapshot).
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$out" >"$out/grid.log" 2>&1
ok $? "att27 domain built"
att() { # att DIR [options]
  local d=$1; shift
  mkdir -p "$d"
  mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
    -run_output_dir "$d" -run_domain_file "$out/att27_domain.nc" -emissions_gridded_file '' -run_checkpoint_hours 3 "$@" >"$d.log" 2>&1
}
att "$out/att_straight" -run_hours 6 -run_start 2024-01-11T00:00:00Z -met_diagnostic_start 2024-01-10T00:00:00Z -tags_families sector \
  -tags_family_by sector -tags_family_detail ''
ok $? "att27, day 2 of the episode: 6 h straight"
att "$out/att_split" -run_hours 3 -run_start 2024-01-11T00:00:00Z -met_diagnostic_start 2024-01-10T00:00:00Z -tags_families sector \
  -tags_family_by sector -tags_family_detail ''
att "$out/att_split" -run_hours 6 -run_start 2024-01-11T00:00:00Z -met_diagnostic_start 2024-01-10T00:00:00Z -tags_families sector \
  -tags_family_by sector -tags_family_detail '' -run_restart latest
ok $? "att27: 3 h, then a restart for the next 3 h"
"$TBIN/ckcompare" "$out/att_straight/att_checkpoint_20240111T0600Z.bin" "$out/att_split/att_checkpoint_20240111T0600Z.bin" >"$out/att_ck.log" 2>&1
ok $? "att27 with the diagnostic met: the restarted run's state at 6 h equals the straight run's bitwise"
done_testing
