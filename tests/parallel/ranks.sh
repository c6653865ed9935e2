#!/usr/bin/env bash
# Title: the same case on 1, 2 and 4 ranks, with different process grids
# Expect: every output file bitwise identical (nccompare with zero tolerance); the ghost-slab
#   exchange equals DMLocalToLocal on 2, 3, 4 and 6 ranks, and its transpose passes its
#   dot-product test and gives the same bits as on 1 rank.
#   RANKS_QUICK=1 (the sanitizer build's run, tests/regression/sanitizers.sh) keeps one case of
#   each kind: the exchange on 1, 2 and 4 ranks, the model on 1, 2 and 4 (2 x 2), xj27 on 1 and 2.
. "$(dirname "$0")/../lib.sh"
case=$ROOT/tests/regression/idealised/case.nml
out=$(scratch ranks)
run() { # run NAME NP PX PY
  mkdir -p "$out/$1"
  mpirun_n "$2" "$BIN/bogda" -namelist "$case" -run_output_dir "$out/$1" -run_px "$3" -run_py "$4" \
    -run_hours 3 >"$out/$1.log" 2>&1
}
# The ghost-slab exchange itself, against PETSc's DMLocalToLocal, corners included, and its
# transpose halo_add_ghosts (dot-product test, stencil transposes against the serial sums); the
# fields it must give bitwise have the same checksums on every rank count.
quick=${RANKS_QUICK:-0}
halo_ranks="1 2 3 4 6" runs="r2 r4 r4b" xj27_ranks="1 4"
[ "$quick" = 1 ] && halo_ranks="1 2 4" runs="r2 r4" xj27_ranks="1 2"
for n in $halo_ranks; do
  mpirun_n "$n" "$TBIN/test_halo" >"$out/halo_$n.log" 2>&1
  ok $? "ghost exchange and its transpose on $n ranks ($(grep -m1 -o '([0-9]* x [0-9]*), [0-9]* ghost values' "$out/halo_$n.log")) equal DMLocalToLocal and the serial sums"
  [ "$n" = 1 ] && continue
  diff <(grep '^# checksum' "$out/halo_1.log") <(grep '^# checksum' "$out/halo_$n.log") >/dev/null &&
    [ "$(grep -c '^# checksum' "$out/halo_$n.log")" -eq 2 ]
  ok $? "halo_add_ghosts after a stencil transpose: $n ranks bitwise equal to 1 rank (checksums)"
done
run r1 1 1 1; ok $? "1 rank runs"
run r2 2 2 1; ok $? "2 ranks (2 x 1) run"
run r4 4 2 2; ok $? "4 ranks (2 x 2) run"
[ "$quick" = 1 ] || { run r4b 4 1 4; ok $? "4 ranks (1 x 4) run"; }
for f in "$out"/r1/*.nc; do
  b=$(basename "$f")
  for r in $runs; do
    "$TBIN/nccompare" "$f" "$out/$r/$b" >"$out/cmp_$r.log" 2>&1
    ok $? "$b: $r identical to 1 rank"
  done
done
# The checkpoints hold the double-precision state in natural order: compare them byte for byte.
for f in "$out"/r1/*_checkpoint_*.bin; do
  b=$(basename "$f")
  for r in $runs; do
    "$TBIN/ckcompare" "$f" "$out/$r/$b" >"$out/ck_$r.log" 2>&1
    ok $? "$b (double-precision state and tags): $r bitwise equal to 1 rank"
  done
done
# Real terrain with the diagnostic met on 1 and 4 ranks (2 x 2): the wind adjustment's CG must
# give the same bits whatever the rank count, also with the BLAS free to start threads (the
# model itself keeps OpenBLAS to one thread per rank; 4 ranks here are oversubscribed and so not
# bound to a core).
xj27=$ROOT/build/tests/domains/xj27_domain.nc
if [ ! -s "$xj27" ]; then
  "$BIN/bogda-grid" -namelist "$ROOT/namelists/domains.nml" -out "$out" >"$out/grid.log" 2>&1
  xj27=$out/xj27_domain.nc
fi
for np in $xj27_ranks; do
  mkdir -p "$out/xj27_$np"
  env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS mpiexec --oversubscribe -n "$np" "$BIN/bogda" \
    -namelist "$ROOT/namelists/xinjiang.nml,$ROOT/namelists/episode_winter.nml,$ROOT/namelists/xj27.nml" \
    -run_output_dir "$out/xj27_$np" -run_domain_file "$xj27" -emissions_gridded_file '' -emissions_points_file '' \
    -tags_families sector -tags_family_by sector -tags_family_detail '' -run_start 2024-01-10T00:00:00Z -run_hours 2 \
    -run_checkpoint_hours 2 -nest_initial_time '' >"$out/xj27_$np.log" 2>&1
  ok $? "xj27 with the diagnostic met, $np rank(s)"
done
np=${xj27_ranks##* }
"$TBIN/ckcompare" "$out/xj27_1/xj27_checkpoint_20240110T0200Z.bin" "$out/xj27_$np/xj27_checkpoint_20240110T0200Z.bin" >"$out/ck_xj27.log" 2>&1
ok $? "xj27 with the diagnostic met: $np ranks bitwise equal to 1 rank $(grep -c DIFFERENT "$out/ck_xj27.log" | sed 's/^0$//')"
# A decomposition too fine for the advection halo (3 cells) is refused before anything runs.
mkdir -p "$out/fine"
mpirun_n 4 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/fine" -met_analytic_nx 8 -run_px 4 -run_py 1 -run_hours 1 \
  >"$out/fine.log" 2>&1
[ $? -ne 0 ] && grep -qE "fewer than 3|at least 3" "$out/fine.log" && [ -z "$(ls "$out/fine")" ]
ok $? "4 ranks across 8 cells (2 each, less than the 3-cell halo) are refused: $(grep -oE '[^]]*(fewer than|at least) 3[^.]*' "$out/fine.log" | head -n 1)"
done_testing
