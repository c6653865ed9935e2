#!/usr/bin/env bash
# Title: the same case on 1, 2 and 4 ranks, with different process grids
# Expect: every output file bitwise identical (nccompare with zero tolerance).
. "$(dirname "$0")/../lib.sh"
case=$ROOT/tests/regression/idealised/case.nml
out=$(scratch ranks)
run() { # run NAME NP PX PY
  mkdir -p "$out/$1"
  mpirun_n "$2" "$BIN/bogda" -namelist "$case" -run_output_dir "$out/$1" -run_px "$3" -run_py "$4" \
    -run_hours 3 >"$out/$1.log" 2>&1
}
run r1 1 1 1; ok $? "1 rank runs"
run r2 2 2 1; ok $? "2 ranks (2 x 1) run"
run r4 4 2 2; ok $? "4 ranks (2 x 2) run"
run r4b 4 1 4; ok $? "4 ranks (1 x 4) run"
for f in "$out"/r1/*.nc; do
  b=$(basename "$f")
  for r in r2 r4 r4b; do
    "$TBIN/nccompare" "$f" "$out/$r/$b" >"$out/cmp_$r.log" 2>&1
    ok $? "$b: $r identical to 1 rank"
  done
done
# The checkpoints hold the double-precision state in natural order: compare them byte for byte.
for f in "$out"/r1/*_checkpoint_*.bin; do
  b=$(basename "$f")
  for r in r2 r4 r4b; do
    "$TBIN/ckcompare" "$f" "$out/$r/$b" >"$out/ck_$r.log" 2>&1
    ok $? "$b (double-precision state and tags): $r bitwise equal to 1 rank"
  done
done
# A decomposition too fine for the advection halo (3 cells) is refused before anything runs.
mkdir -p "$out/fine"
mpirun_n 4 "$BIN/bogda" -namelist "$case" -run_output_dir "$out/fine" -met_analytic_nx 8 -run_px 4 -run_py 1 -run_hours 1 \
  >"$out/fine.log" 2>&1
[ $? -ne 0 ] && grep -qE "fewer than 3|at least 3" "$out/fine.log" && [ -z "$(ls "$out/fine")" ]
ok $? "4 ranks across 8 cells (2 each, less than the 3-cell halo) are refused: $(grep -oE '[^]]*(fewer than|at least) 3[^.]*' "$out/fine.log" | head -n 1)"
done_testing
