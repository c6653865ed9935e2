#!/usr/bin/env bash
# Title: requests too big for the machine or for 32-bit indices are refused before allocating
# Description: issue 18, items 11 and 17. A 5e9-cell lat-lon domain (100000 x 50000) and an
#   idealised run of 100000 x 100000 columns would overflow PETSc's 32-bit indices; a 15000 x
#   8000 domain and a 400 x 400 x 40 idealised run with its 21 tags need more memory than an
#   address-space limit of 4 GB (ulimit -v, what a batch system may set) allows. Each is refused
#   with what it would need and what is allowed, before any sampling or any file, and with a
#   non-zero exit (not a kill by the system). A grid that 3 ranks cannot split names the rank
#   counts that can; a grid smaller than the transport stencil says so.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch sizes)
case=$ROOT/tests/regression/idealised/case.nml
domain=$ROOT/tests/regression/attribution/domain.nml
refused() { # refused NAME PATTERN COMMAND...: exit non-zero, the pattern in the log, out/ empty
  local name=$1 want=$2; shift 2
  mkdir -p "$dir/$name"
  timeout 120 "$@" >"$dir/$name.log" 2>&1; local rc=$?
  [ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && grep -qE -- "$want" "$dir/$name.log" && [ -z "$(ls "$dir/$name")" ]
  ok $? "$name refused (exit $rc): $(grep -m1 -oE -- "$want.{0,80}" "$dir/$name.log")"
}
latlon() { # latlon NX NY DX: the att27 domain as a lat-lon grid of NX x NY cells of DX degrees
  sed -e "s/map_proj = .*/map_proj = 6/" -e "s/^  dx = .*/  dx = $3/" -e "s/^  nx = .*/  nx = $1/" \
    -e "s/^  ny = .*/  ny = $2/" "$domain"
}
latlon 100000 50000 0.0004 >"$dir/huge.nml"
refused grid_indices "domain att27 \(100000 x 50000 cells\) would need an array of 8.5e\+10 elements; at most 2.147e\+09 can be indexed" \
  "$BIN/bogda-grid" -namelist "$dir/huge.nml" -out "$dir/grid_indices"
latlon 15000 8000 0.001 >"$dir/big.nml"
refused grid_memory "domain att27 \(15000 x 8000 cells\) would need at least [0-9.]+ GiB on one process; the address-space limit \(ulimit -v\) is 3.8[0-9]* GiB" \
  bash -c "ulimit -v 4000000; exec \"$BIN/bogda-grid\" -namelist \"$dir/big.nml\" -out \"$dir/grid_memory\""
run=(-namelist "$case" -met_analytic_nz 40)
refused run_indices "a field on the grid would need an array of 4.1e\+11 elements" \
  "$BIN/bogda" "${run[@]}" -met_analytic_nx 100000 -met_analytic_ny 100000 -run_output_dir "$dir/run_indices"
refused run_memory "the state \(species and tags on this rank's block\) would need at least [0-9.]+ GiB on one process; the address-space limit" \
  bash -c "ulimit -v 4000000; exec \"$BIN/bogda\" ${run[*]} -met_analytic_nx 400 -met_analytic_ny 400 -tags_enabled true -run_output_dir \"$dir/run_memory\""
refused split3 "a grid of 8 x 8 cells cannot be split over 3 ranks with at least 3 cells per rank in x and y \(the transport halo\); rank counts that work: 1, 2, 4" \
  mpiexec --oversubscribe -n 3 "$BIN/bogda" -namelist "$case" -met_analytic_nx 8 -met_analytic_ny 8 -run_output_dir "$dir/split3"
refused tiny "a grid of 1 x 1 cells is too small for the transport stencil: it needs at least 3 cells in x and in y" \
  "$BIN/bogda" -namelist "$case" -met_analytic_nx 1 -met_analytic_ny 1 -run_output_dir "$dir/tiny"
done_testing
