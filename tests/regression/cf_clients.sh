#!/usr/bin/env bash
# Title: outputs open in the common CF clients (ncdump, GDAL, CDO, xarray)
# Description: a nine-hour tagged run on the att27 test domain; then its gridded history file, its
#   met_output file, its domain file and its receptor series are opened by ncdump (header), GDAL (which must find the
#   Lambert projection through grid_mapping), CDO (sinfo) and xarray (which must decode the time
#   axis to dates and see units on the variable). The receptor series are not on a map grid, so
#   GDAL is not asked about them. Conventions must be CF-1.8 in every file.
# Needs: gdal-bin, cdo, python3-xarray (make check installs them).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch cf_clients)
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
mkdir -p "$dir/run"
mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
  -run_output_dir "$dir/run" -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file '' -tags_families source -tags_family_by sector -tags_family_detail '' -run_hours 9 \
  -output_tags true -output_three_d true -met_output "$dir/run/att_met.nc" -met_output_interval 3600 >"$dir/run.log" 2>&1
ok $? "a nine-hour tagged run writing its meteorology too"
gdal_ok() { # gdal_ok FILE VAR: GDAL reads VAR with a projection
  gdalinfo "NETCDF:\"$1\":$2" 2>/dev/null | grep -qE 'PROJCRS|PROJCS'
}
cdo_ok() { cdo -s sinfo "$1" >/dev/null 2>&1; }
xarray_ok() { # xarray_ok FILE VAR: decoded time (if any) and units on VAR
  "$PY" - "$1" "$2" <<'PYEOF'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1])
v = ds[sys.argv[2]]
assert "time" not in ds or np.issubdtype(ds["time"].values.dtype, np.datetime64), "time not decoded"
assert "units" in v.attrs, "no units"
assert float(np.nanmax(v.values)) >= 0
PYEOF
}
for spec in "run/att_20240110T0000Z.nc pm25 map" "run/att_20240110T0000Z.nc so4_3d map" "run/att_20240110T0000Z.nc so2_tag map" \
            "att27_domain.nc terrain map" "run/att_met.nc u map" "run/att_met.nc pblh map" "run/att_receptors_20240110T0000Z.nc contribution series"; do
  set -- $spec; f=$dir/$1; var=$2; kind=$3
  ncdump -h "$f" >/dev/null 2>&1; ok $? "ncdump reads $1"
  grep -q 'Conventions = "CF-1.8"' <(ncdump -h "$f"); ok $? "$1 declares CF-1.8"
  if [ "$kind" = map ]; then gdal_ok "$f" "$var"; ok $? "GDAL finds the projection of $1:$var"; fi
  cdo_ok "$f"; ok $? "CDO reads $1"
  xarray_ok "$f" "$var" >"$dir/xarray.log" 2>&1; ok $? "xarray decodes $1:$var $(tail -n 1 "$dir/xarray.log")"
done
# The met pictures from the met file: winds at 06 and 14 local time, profiles at Urumqi.
"$PY" "$ROOT/postproc/plot_met.py" "$dir/run/att_met.nc" --domain "$dir/att27_domain.nc" --day 2024-01-10 -o "$dir/met" >"$dir/plot_met.log" 2>&1 &&
  [ -s "$dir/met/met_winds_06LT.png" ] && [ -s "$dir/met/met_winds_14LT.png" ] && [ -s "$dir/met/met_profiles.png" ]
ok $? "postproc/plot_met.py draws the winds and the Urumqi profiles from the met file"
done_testing
