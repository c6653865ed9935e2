# Shell helpers for test scripts that print TAP. Source it: . "$(dirname "$0")/../lib.sh"
set -u
TAP_N=0
TAP_FAILED=0
ok() { # ok CONDITION-EXIT-STATUS MESSAGE
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then echo "ok $TAP_N - $2"; else echo "not ok $TAP_N - $2"; TAP_FAILED=$((TAP_FAILED + 1)); fi
}
diag() { echo "# $*"; }
done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }
# Where things are, from the repository root.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The sanitizer test runs other tests with the build-debug programs through these variables.
BIN=${BOGDA_BIN:-$ROOT/bin}
TBIN=${BOGDA_TBIN:-$ROOT/build/tests}
PY=${PYTHON:-/usr/bin/python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# mpirun with oversubscription and quiet output.
# One rank runs as an MPI singleton, without mpiexec: Open MPI's mpiexec takes 2 s to end after a
# non-zero exit, and the tests have many refused one-rank runs.
mpirun_n() { local n=$1; shift; if [ "$n" = 1 ]; then "$@"; else mpiexec --oversubscribe -n "$n" "$@"; fi; }
# A fresh scratch directory under build/tests/tmp.
scratch() { local d=${BOGDA_TMP:-$ROOT/build/tests/tmp}/$1; rm -rf "$d"; mkdir -p "$d"; echo "$d"; }
# The small real domain of the attribution and strategy tests (att27: the northern slope at 27 km)
# and the illustrative inventory, built into the folder DIR (two TAP lines).
att27_inputs() { # att27_inputs DIR
  "$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$1" >"$1/grid.log" 2>&1
  ok $? "att27 domain built"
  "$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$1" >"$1/inv.log" 2>&1
  ok $? "inventory built"
}
# A bad input to bogda-strategy refused: the caller's strategy() run of NAMELIST [options...] into
# DIR/NAME exits 1 with PATTERN on the one error line of DIR/NAME.log and writes nothing.
strategy_refused() { # strategy_refused DIR NAME PATTERN NAMELIST [options...]
  local dir=$1 name=$2 pattern=$3; shift 3
  strategy "$dir/$name" "$@"; local rc=$?
  [ $rc -eq 1 ] && grep -qE -- "$pattern" "$dir/$name.log" && [ -z "$(ls -A "$dir/$name")" ] &&
    [ "$(grep -c 'error' "$dir/$name.log")" -eq 1 ]
}
# A 2-rank run of the winter episode over them, its log in OUTDIR.log.
att27_model() { # att27_model DIR NAMELISTS OUTDIR [options...]
  local inputs=$1 nml=$2 out=$3; shift 3
  mkdir -p "$out"
  mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$nml" -run_output_dir "$out" \
    -run_domain_file "$inputs/att27_domain.nc" -emissions_gridded_file "$inputs/xinjiang_inventory.nc" \
    -emissions_points_file "$inputs/xinjiang_points.csv" "$@" >"$out.log" 2>&1
}
