#!/usr/bin/env bash
# Title: inputs that hung a run, or made it go on silently with nonsense, are refused
# Description: issue 18, items 5 and 16. A lower bound above its upper bound (kz, vd, PBLH,
#   cloud base and top, forest and grass heights) is refused naming both keys and values; so is a
#   tag family listed twice; met_analytic_nz has one range in the code and in the reference.
#   A model top at or below the terrain, or layers squeezed below 1 m, is refused by bogda-grid
#   (naming the key, the highest terrain and its cell), in a domain file by the model (as a run
#   domain file and as the diagnostic met's), and by the analytic met; so is run_dt = 1e-6 s.
#   A process that would need more than run_max_substeps sub-steps in one run_dt (horizontal
#   advection from its max_dt, vertical advection per column) stops the run with one line.
#   Winds faster than 150 m/s (|w| 100 m/s) are refused where WRF's are read, naming file,
#   variable, time and indices, and in any source's snapshot (the analytic flows), as are a
#   negative air density (a negative WRF pressure) and a layer thinner than 1 m.
#   Every run is bounded by timeout, so a regression shows as a failure, not as a hang.
# Command: tests/regression/hangs.sh (from the repository root, after make _all)
. "$(dirname "$0")/../lib.sh"
dir=$(scratch hangs)
idealised=$ROOT/tests/regression/idealised/case.nml
wrf=$ROOT/tests/regression/wrf/case.nml
LIMIT=30 # seconds any one command may take; each here takes a few seconds at most
cd "$ROOT" || exit 1
refused() { # refused NAME TEXT COMMAND...: non-zero exit within LIMIT s, TEXT (fixed) in the log
  local name=$1 want=$2; shift 2
  timeout "$LIMIT" "$@" >"$dir/$name.log" 2>&1; local rc=$?
  [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -qF -- "$want" "$dir/$name.log"
  ok $? "$name refused (exit $rc): $(grep -m1 -F -- "$want" "$dir/$name.log" | sed 's/^\[0\]PETSC ERROR: //' | cut -c1-200)"
}
model() { # model NAME TEXT NAMELIST [options...]: a one-hour run into $dir/NAME is refused
  local name=$1 want=$2 nml=$3; shift 3
  mkdir -p "$dir/$name"
  refused "$name" "$want" "$BIN/bogda" -namelist "$nml" -run_output_dir "$dir/$name" -run_hours 1 "$@"
}

# Pairs (item 16): each lower bound above its upper bound, in a table of each layer.
model kz_pair "mixing_vertical_kz_min = 5 m2 s-1 (command line) is greater than mixing_vertical_kz_max = 1 m2 s-1 (command line); expected kz_min <= kz_max" \
  "$idealised" -mixing_vertical_kz_min 5 -mixing_vertical_kz_max 1
model vd_pair "deposition_dry_vd_min = 0.005 m s-1 (command line) is greater than deposition_dry_vd_max = 0.001 m s-1 (command line)" \
  "$idealised" -deposition_dry_vd_min 0.005 -deposition_dry_vd_max 0.001
model wrf_kz_pair "met_wrf_kz_min = 50 m2 s-1 (command line) is greater than met_wrf_kz_max = 10 m2 s-1 (command line)" \
  "$wrf" -met_wrf_files "$ROOT/tests/data/wrf/wrfout_tibet_lambert_allvars_cropped.nc" -met_wrf_kz_min 50 -met_wrf_kz_max 10
model wrf_pblh_pair "met_wrf_pblh_min = 6000 m (command line) is greater than met_wrf_pblh_max = 5000 m (default)" \
  "$wrf" -met_wrf_files "$ROOT/tests/data/wrf/wrfout_tibet_lambert_allvars_cropped.nc" -met_wrf_pblh_min 6000
refused grid_forest_pair "landuse_forest_height_min = 3000 m (command line) is greater than landuse_forest_height_max = 2800 m (default)" \
  "$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" -landuse_forest_height_min 3000
model tags_twice "tags_families lists the family 'stack' twice (elements 1 and 2)" \
  "$idealised" -tags_families stack,stack -tags_family_by point,sector
model analytic_nz "command line: -met_analytic_nz 201: out of range; expected 1 <= value <= 200" \
  "$idealised" -met_analytic_nz 201
grep -qF '| `nz` | `-met_analytic_nz` | integer | 10 | 1 to 200 |' "$ROOT/docs/namelist.md"
ok $? "docs/namelist.md gives met_analytic_nz the range the code enforces (1 to 200)"

# A time step that can never finish a run (item 5): dt = 1e-6 s was inside the range.
sed 's/^  dt = 900$/  dt = 1e-6/' "$idealised" >"$dir/dt_1e-6.nml"
model dt_tiny "dt_1e-6.nml:11: run_dt = 1e-6: out of range; expected 1 <= value <= 86400 s" "$dir/dt_1e-6.nml"

# The att27 domain, for the cases on real terrain.
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
att=$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml
atto=(-run_domain_file "$dir/att27_domain.nc" -tags_enabled false)
model diag_kz_pair "met_diagnostic_kz_min = 20 m2 s-1 (command line) is greater than met_diagnostic_kz_max = 10 m2 s-1 (command line)" \
  "$att" "${atto[@]}" -met_diagnostic_kz_min 20 -met_diagnostic_kz_max 10
model cloud_pair "met_diagnostic_cloud_base(4) = 3500 m (command line) is greater than met_diagnostic_cloud_top(4) = 3000 m" \
  "$att" "${atto[@]}" -met_diagnostic_cloud_base 0,0,0,3500,0

# A model top below the terrain (item 5): bogda-grid accepted ztop = 100 m, and the run on it
# filled the state with NaN or never finished a step.
mkdir -p "$dir/grid_ztop"
refused grid_ztop "domain_att27_ztop = 100 m: the model top is not above the terrain, 3822.78 m high at the highest cell of domain att27, (i, j) = (4, 3)" \
  "$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir/grid_ztop" -domain_att27_ztop 100
[ ! -e "$dir/grid_ztop/att27_domain.nc" ]; ok $? "and wrote no domain file"
refused grid_thin "domain_att27_ztop = 3823 m leaves the thinnest layer 0.00231 m thick over the terrain of 3822.78 m" \
  "$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir/grid_ztop" -domain_att27_ztop 3823
refused grid_layers "domain_att27_nz = 16, domain_att27_ztop = 10 m and domain_att27_dz_bottom = 40 m give layers 0.625 m thick; at least 1 m is needed" \
  "$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir/grid_ztop" -domain_att27_ztop 10
# Domain files no bogda-grid writes: the top lowered to 5 km with one cell of 6 km terrain, and
# two interfaces 0.5 m apart.
"$PY" - "$dir/att27_domain.nc" "$dir" <<'PYEOF'
import shutil, sys
from netCDF4 import Dataset
src, out = sys.argv[1], sys.argv[2]
for name in ("top_5km", "layer_thin"):
    shutil.copy(src, f"{out}/{name}.nc")
    with Dataset(f"{out}/{name}.nc", "a") as d:
        z = d["z_iface"][:]
        if name == "top_5km":
            d["z_iface"][:] = z * 5000.0 / z[-1]
            d["terrain"][5, 5] = 6000.0
        else:
            d["z_iface"][2] = z[1] + 0.5
PYEOF
ok $? "domain files with a low top and a thin layer written"
model file_top "top_5km.nc: the model top z_iface(17) = 5000 m: the model top is not above the terrain, 6000 m high at terrain(y, x) = (5, 5); bogda-grid writes no such file" \
  "$att" -run_domain_file "$dir/top_5km.nc" -tags_enabled false
model file_top_met "top_5km.nc: the model top z_iface(17) = 5000 m: the model top is not above the terrain, 6000 m high at terrain(y, x) = (5, 5)" \
  "$att" -run_domain_file "$dir/att27_domain.nc" -met_diagnostic_domain_file "$dir/top_5km.nc" -tags_enabled false
model file_layer "layer_thin.nc: z_iface(2) = 40 m and z_iface(3) = 40.5 m make layer 2 0.5 m thick" \
  "$att" -run_domain_file "$dir/layer_thin.nc" -tags_enabled false
model analytic_ztop "met_analytic_ztop = 1000 m: the model top is not above the terrain, 1500 m high at the top of the hill (met_analytic_hill_height)" \
  "$idealised" -met_analytic_ztop 1000

# The sub-step bound (item 5): a run that would need more than run_max_substeps stops, naming the
# process, the count, the bound and the time; within it, nothing changes.
model substeps_horizontal "process advection_horizontal needs 2 sub-steps in the step of run_dt = 900 s from 2024-01-10T00:00:00Z, more than run_max_substeps = 1: check the met input's winds" \
  "$idealised" -run_max_substeps 1
[ -z "$(ls "$dir/substeps_horizontal"/*.nc 2>/dev/null)" ]
ok $? "and left no output file under its complete name (only a .tmp)"
"$PY" - "$ROOT/tests/data/wrf/wrfout_tibet_lambert_allvars_cropped.nc" "$dir" <<'PYEOF'
import shutil, sys
from netCDF4 import Dataset
src, out = sys.argv[1], sys.argv[2]
for name, var, idx, value in [("U_140", "U", (slice(0, 2), slice(None), 4, 4), 140.0),  # within the bound
                              ("U_1e6", "U", (1, 3, 4, 4), 1e6), ("W_500", "W", (1, 5, 3, 6), -500.0),
                              ("P_negative", "P", (1, 3, 4, 4), -1e7)]:
    shutil.copy(src, f"{out}/{name}.nc")
    with Dataset(f"{out}/{name}.nc", "a") as d:
        d.set_auto_mask(False)
        d[var][idx] = value
PYEOF
ok $? "WRF files with one column of 140 m/s faces, U = 1e6 m/s, W = -500 m/s, P = -1e7 Pa written"
model substeps_vertical "process advection_vertical needs" "$wrf" -met_wrf_files "$dir/U_140.nc" \
  -run_max_substeps 5 -run_processes advection_horizontal,advection_vertical
grep -qF "more than run_max_substeps = 5: check the met input's winds and layers" "$dir/substeps_vertical.log"
ok $? "the vertical bound names the limit and what to check"

# Winds no atmosphere has (item 5): U = 1e6 m/s in one cell made the run sub-step for ever.
model wrf_U "U_1e6.nc: variable U at 2005-09-21T03:00:00Z holds 1e+06 m s-1 at (3, 4, 4) in the file's (z, y, x) indices: expected |U| <= 150 m s-1; that is faster than any wind measured" \
  "$wrf" -met_wrf_files "$dir/U_1e6.nc"
model wrf_W "W_500.nc: variable W at 2005-09-21T03:00:00Z holds -500 m s-1 at (5, 3, 6) in the file's (z, y, x) indices: expected |W| <= 100 m s-1" \
  "$wrf" -met_wrf_files "$dir/W_500.nc"
model wrf_P "met source 'wrf' at 2005-09-21T03:00:00Z: air density (kg m-3) = " "$wrf" -met_wrf_files "$dir/P_negative.nc"
grep -qF "at cell (i, j, k) = (4, 4, 3): expected a positive, finite density" "$dir/wrf_P.log"
ok $? "a negative WRF pressure is refused as a negative density, at its cell"
model analytic_wind "met source 'analytic' at 2024-01-10T00:00:00Z: u_face (west face, m s-1) = 3100 at cell (i, j, k) = (0, 0, 0): expected |u| <= 150 m s-1" \
  "$idealised" -met_analytic_omega 0.01
model analytic_u0 "command line: -met_analytic_u0 151: out of range; expected -150 <= value <= 150 m s-1" \
  "$idealised" -met_analytic_flow uniform -met_analytic_u0 151
done_testing
