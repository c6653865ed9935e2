#!/usr/bin/env bash
# Title: a uniform mixing ratio stays uniform
# Description: the idealised case with every species at one mixing ratio everywhere (initial,
#   lateral and top boundaries), rotation over a 1500 m hill, a density oscillating in time (so the
#   met's air masses change and the vertical flux must close every column), vertical mixing.
# Expect: after 6 h every mixing ratio equals the initial value to 1e-12 relative, on 1 and 3 ranks.
. "$(dirname "$0")/../lib.sh"
case=$ROOT/tests/regression/idealised/case.nml
out=$(scratch uniform)
for np in 1 3; do
  mkdir -p "$out/n$np"
  mpirun_n $np "$BIN/bogda" -namelist "$case" -run_output_dir "$out/n$np" -boundary_units mixing_ratio \
    -boundary_values 2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9 \
    -met_analytic_rho_amplitude 0.05 -run_hours 6 -emissions_points_file '' \
    -run_processes mixing_vertical,advection_horizontal,advection_vertical -tags_families source -tags_family_by sector -run_checkpoint_hours 6 >"$out/n$np.log" 2>&1
  ok $? "$np rank(s): 6 h over the hill"
  dev=$("$TBIN/ckcompare" --uniform "$out/n$np/idealised_checkpoint_20240110T0600Z.bin" | sort -g | tail -n 1)
  awk -v d="$dev" 'BEGIN { exit !(d < 1e-12) }'
  ok $? "$np rank(s): largest relative deviation from uniform $dev (limit 1e-12)"
done
done_testing
