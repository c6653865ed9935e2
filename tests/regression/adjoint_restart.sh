#!/usr/bin/env bash
# Title: a backward run's snapshots on disk, and its restart in the middle of the sweep (issue 15,
#   item 2)
# Description: the att27 case of adjoint.sh, 3 hours (12 steps), two functionals (PM2.5 at WCS,
#   SO4 at KDW), on 2 ranks. (1) The bulk snapshots all on disk (adjoint_snapshot_memory_mb = 0),
#   and part in memory and part on disk (1 MB: 3 of 13 states in memory), give the same bits as
#   all in memory: the source table, the tag contributions and every footprint variable; no
#   snapshot file is left. (2) A run stopped by adjoint_stop_steps after 5 steps swept back (step
#   7, in the middle of an interval of adjoint_snapshot_steps = 5) exits with status 3 and leaves
#   <name>_adjoint_checkpoint.bin; restarted with run_restart = 'latest' (the forward run again
#   from the start, then the sweep from step 7) it ends with the same bits as the unbroken run
#   and removes the checkpoint; a restart from the file by its path does the same, and so does a
#   run stopped in its forward part (run_wall_hours) resumed with 'latest'. (3) A damaged (one
#   bit flipped), truncated or foreign checkpoint (another number of functionals, of ranks, a
#   forward checkpoint, another forward run's J) is refused in one line naming the file, with no
#   results written.
# Command: tests/regression/adjoint_restart.sh
# Tolerance: bitwise.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch adjoint_restart)
case=$ROOT/tests/regression/attribution/case.nml
att27_inputs "$dir"
functionals=(-run_hours 3 -run_closure_every_process false -adjoint_enabled -adjoint_receptors WCS,KDW
  -adjoint_species pm25,so4)
model() { # model OUTDIR [options...]: 2 ranks
  local out=$1; shift
  att27_model "$dir" "$case" "$out" "${functionals[@]}" "$@"
}
same() { # same RUN REF: the backward run's results in RUN are REF's, bit for bit
  cmp -s "$1/att_adjoint_sources.csv" "$2/att_adjoint_sources.csv" &&
    cmp -s "$1/att_adjoint_contributions.csv" "$2/att_adjoint_contributions.csv" &&
    "$PY" - "$1/att_adjoint_footprints.nc" "$2/att_adjoint_footprints.nc" <<'PYEOF'
import sys, netCDF4, numpy as np
with netCDF4.Dataset(sys.argv[1]) as a, netCDF4.Dataset(sys.argv[2]) as b:
    for v in a.variables:
        x, y = np.asarray(a[v][:]), np.asarray(b[v][:])
        if x.shape != y.shape or x.tobytes() != y.tobytes():
            sys.exit(f"footprints: {v} differs")
PYEOF
}
model "$dir/mem"; ok $? "2 ranks, the snapshots in memory: forward and backward run"
diag "$(grep -m1 'adjoint: the bulk kept' "$dir/mem.log")"
model "$dir/disk" -adjoint_snapshot_memory_mb 0; ok $? "the snapshots all on disk"
diag "$(grep -m1 'adjoint: the bulk kept' "$dir/disk.log")"
grep -q "MB on disk (13 of 13 states)" "$dir/disk.log"; ok $? "all 13 states went to disk"
same "$dir/disk" "$dir/mem"; ok $? "on disk: the source table, contributions and footprints are the same bits as in memory"
model "$dir/mixed" -adjoint_snapshot_memory_mb 1; ok $? "1 MB of snapshots in memory, the rest on disk"
grep -q "on disk ([1-9] of 13 states)\|on disk (1[0-2] of 13 states)" "$dir/mixed.log"; ok $? "some states in memory, the others on disk: $(grep -o '[0-9.]* MB in memory and [0-9.]* MB on disk ([0-9]* of 13 states)' "$dir/mixed.log")"
same "$dir/mixed" "$dir/mem"; ok $? "in memory and on disk: the same bits"
! ls "$dir"/disk/*snapshots* "$dir"/mixed/*snapshots* >/dev/null 2>&1; ok $? "no snapshot file is left"
# (2) Stopped in the middle of the sweep, then resumed.
model "$dir/stop" -adjoint_snapshot_steps 5 -adjoint_stop_steps 5 -run_checkpoint_hours 1
[ $? -eq 3 ] && grep -q "stopped by adjoint_stop_steps in the backward sweep at step 7" "$dir/stop.log" &&
  [ -e "$dir/stop/att_adjoint_checkpoint.bin" ] && [ ! -e "$dir/stop/att_adjoint_sources.csv" ]
ok $? "stopped after 5 of 12 steps swept back: exit status 3, a checkpoint, no results"
ck=$dir/ck.bin
cp "$dir/stop/att_adjoint_checkpoint.bin" "$ck"
model "$dir/stop" -adjoint_snapshot_steps 5 -run_checkpoint_hours 1 -run_restart latest
ok $? "resumed with run_restart = 'latest'"
grep -q "the sweep resumes from .*att_adjoint_checkpoint.bin at step 7" "$dir/stop.log"; ok $? "the sweep resumed at step 7"
same "$dir/stop" "$dir/mem"; ok $? "stopped and resumed: the same bits as the unbroken run"
[ ! -e "$dir/stop/att_adjoint_checkpoint.bin" ]; ok $? "the complete run removed its backward checkpoint"
model "$dir/path" -run_restart "$ck"; ok $? "resumed from the checkpoint by its path (snapshots every step)"
same "$dir/path" "$dir/mem"; ok $? "the same bits"
# A run stopped in its forward part resumes with the forward run from the start and the whole sweep.
model "$dir/fwd" -run_wall_hours 1e-6
[ $? -eq 3 ] && grep -q "no backward run" "$dir/fwd.log"; ok $? "a run stopped in its forward part: exit status 3, no backward run"
model "$dir/fwd" -run_restart latest; ok $? "resumed with run_restart = 'latest'"
grep -q "the sweep starts from the end (no backward-run checkpoint)" "$dir/fwd.log" && same "$dir/fwd" "$dir/mem"
ok $? "the forward run again from the start, then the whole sweep: the same bits"
# (3) Bad checkpoints, each refused in one line naming the file, with no results.
refused() { # refused NAME FILE PATTERN [options...]: the restart from FILE fails with PATTERN
  local name=$1 file=$2 pattern=$3; shift 3
  model "$dir/$name" -run_restart "$file" "$@"; local rc=$?
  [ $rc -ne 0 ] && grep -q "$pattern" "$dir/$name.log" && [ ! -e "$dir/$name/att_adjoint_sources.csv" ]
}
"$PY" - "$ck" "$dir/flipped.bin" "$dir/cut.bin" <<'PYEOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
flipped = bytearray(data)
flipped[len(data) // 2] ^= 1
open(sys.argv[2], "wb").write(flipped)
open(sys.argv[3], "wb").write(data[: len(data) // 3])
PYEOF
refused flipped "$dir/flipped.bin" "backward-run checkpoint $dir/flipped.bin is damaged: checksum expected 0x[0-9a-f]* (recorded by its writer), found 0x[0-9a-f]*; refusing"
ok $? "one bit flipped is refused: $(grep -m1 -o 'backward-run checkpoint .* is damaged' "$dir/flipped.log")"
refused cut "$dir/cut.bin" "backward-run checkpoint $dir/cut.bin is truncated"
ok $? "a truncated checkpoint is refused"
refused nf "$ck" "backward-run checkpoint $ck: the number of functionals is 2 but this run has 1" -adjoint_receptors WCS -adjoint_species pm25
ok $? "a checkpoint of other functionals is refused"
refused other "$ck" "backward-run checkpoint $ck was written after another forward run" -scenario_name half \
  -scenario_select all -scenario_sectors all -scenario_species all -scenario_factor 0.5
ok $? "a checkpoint of another forward run (emissions halved) is refused after the forward run, before the sweep"
mkdir -p "$dir/ranks"
"$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$case" -run_output_dir "$dir/ranks" \
  -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
  -emissions_points_file "$dir/xinjiang_points.csv" "${functionals[@]}" -run_restart "$ck" >"$dir/ranks.log" 2>&1
[ $? -ne 0 ] && grep -q "backward-run checkpoint $ck: the number of ranks is 2 but this run has 1" "$dir/ranks.log"
ok $? "a checkpoint written on 2 ranks is refused on 1"
refused forward "$dir/stop/att_checkpoint_20240110T0200Z.bin" "is not a backward-run checkpoint" -run_checkpoint_hours 1
ok $? "a forward checkpoint is refused"
done_testing
