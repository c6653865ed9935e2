#!/usr/bin/env bash
# Title: a uniform mixing ratio stays uniform
# Description: the idealised case with every species at one mixing ratio everywhere (initial,
#   lateral and top boundaries), rotation over a 1500 m hill, a density oscillating in time (so the
#   met's air masses change and the vertical flux must close every column), vertical mixing.
#   Then the same over real terrain: 24 h of the diagnostic winter meteorology (mass-consistent
#   winds, drainage, inversion) on the xj27 domain (27 km, 88 x 74 x 24).
# Expect: after 6 h every mixing ratio equals the initial value to 1e-12 relative, on 1 and 3 ranks;
#   after 24 h over xj27 likewise.
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
# 24 h over the xj27 terrain with the diagnostic met (the domain from tests/regression/domains.sh,
# or built here).
xj27=$ROOT/build/tests/domains/xj27_domain.nc
if [ ! -s "$xj27" ]; then
  "$BIN/bogda-grid" -namelist "$ROOT/namelists/domains.nml" -out "$out" >"$out/grid.log" 2>&1
  xj27=$out/xj27_domain.nc
fi
mkdir -p "$out/xj27"
mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/namelists/xinjiang.nml,$ROOT/namelists/episode_winter.nml,$ROOT/namelists/xj27.nml" \
  -run_output_dir "$out/xj27" -run_domain_file "$xj27" -emissions_gridded_file '' -emissions_points_file '' -tags_enabled false \
  -boundary_units mixing_ratio -boundary_values 2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9 \
  -run_processes mixing_vertical,advection_horizontal,advection_vertical -run_hours 24 -run_checkpoint_hours 24 >"$out/xj27.log" 2>&1
ok $? "xj27: 24 h of the diagnostic winter met over the real terrain"
dev=$("$TBIN/ckcompare" --uniform "$out/xj27/xj27_checkpoint_20240111T0000Z.bin" | sort -g | tail -n 1)
awk -v d="$dev" 'BEGIN { exit !(d < 1e-12) }'
ok $? "xj27: largest relative deviation from uniform after 24 h $dev (limit 1e-12)"
done_testing
