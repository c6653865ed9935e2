#!/usr/bin/env bash
# Title: a backward run's snapshots on disk (issue 15, item 2)
# Description: the att27 case of adjoint.sh, 3 hours (12 steps), two functionals (PM2.5 at WCS,
#   SO4 at KDW), on 2 ranks. The bulk snapshots all on disk (adjoint_snapshot_memory_mb = 0),
#   and part in memory and part on disk (1 MB: 3 of 13 states in memory), give the same bits as
#   all in memory: the source table, the tag contributions and every footprint variable; no
#   snapshot file is left.
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
done_testing
