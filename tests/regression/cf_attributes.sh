#!/usr/bin/env bash
# Title: CF attributes and provenance of every file the programs write (issue 17, "Files")
# Description: bogda-grid builds att27 (with receptors) and the att27/att9 nest pair, and
#   bogda-inventory the illustrative inventory, each into a folder of its own; a three-hour tagged
#   run on 2 ranks writes history, receptor series and met output, and a one-hour parent run the
#   boundary files of att9. tests/regression/cf_attributes.py then reads every file with netCDF4:
#   Conventions CF-1.8, history (the command, file names relative to the file's folder or
#   basenames), source and bogda_version everywhere, and no attribute holding the scratch folder's
#   or the source tree's absolute path; model files name the effective namelist beside them, the
#   meteorology and the emissions instead of carrying every namelist key; the receptor file has a
#   cf_role timeseries_id, _Encoding utf-8 on every character variable (xarray then decodes
#   乌-昌-石) and flag_values/flag_meanings on tag_kind and tag_special; pm25 carries no
#   ambient-aerosol standard name; the inventory has long_name, cell_methods and lat/lon cell
#   bounds. CDO and xarray read the receptor, boundary and inventory files, GDAL the inventory.
# Needs: gdal-bin, cdo, python3-xarray (make check installs them).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch cf_attributes)
mkdir -p "$dir/grid" "$dir/nest" "$dir/inv" "$dir/run" "$dir/parent"
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir/grid" >"$dir/grid.log" 2>&1
ok $? "att27 with receptors built"
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/nest/domain.nml" -out "$dir/nest" >"$dir/nest.log" 2>&1
ok $? "the att27/att9 pair built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir/inv" >"$dir/inv.log" 2>&1
ok $? "the inventory built"
# The run starts from the scratch folder with relative names, so that history has both kinds.
(cd "$dir" && mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
  -run_output_dir run -run_domain_file "$dir/grid/att27_domain.nc" -emissions_gridded_file inv/xinjiang_inventory.nc \
  -emissions_points_file "$dir/inv/xinjiang_points.csv" -tags_families source -tags_family_by sector -tags_family_detail '' \
  -run_hours 3 -output_tags true -met_output "$dir/run/att_met.nc" -met_output_interval 3600 >"$dir/run.log" 2>&1)
ok $? "a three-hour tagged run on 2 ranks"
mpirun_n 1 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/nest/case.nml" -run_name pu \
  -run_output_dir "$dir/parent" -run_domain_file "$dir/nest/att27_domain.nc" -run_dt 900 -run_hours 1 -run_checkpoint_hours 1 \
  -nest_child_domain_file "$dir/nest/att9_domain.nc" >"$dir/parent.log" 2>&1
ok $? "a one-hour parent run writing att9's boundary files"
check() { "$PY" "$ROOT/tests/regression/cf_attributes.py" "$@" -- "$dir" "$ROOT" >>"$dir/check.log" 2>&1; }
hist=$dir/run/att_20240110T0000Z.nc rec=$dir/run/att_receptors_20240110T0000Z.nc
bdy=$(ls "$dir"/parent/pu_bdy_*.nc 2>/dev/null | head -n 1)
[ -n "$bdy" ]; ok $? "the parent wrote a boundary file"
for f in "$dir/grid/att27_domain.nc" "$dir/nest/att9_domain.nc" "$dir/inv/xinjiang_inventory.nc" "$hist" "$rec" "$dir/run/att_met.nc" "$bdy"; do
  check common "$f"; ok $? "${f#$dir/}: CF-1.8, history, source, bogda_version, no absolute path: $(tail -n 1 "$dir/check.log")"
done
grep -q "history = \"[^\"]* bogda -namelist episode_winter.nml,case.nml -run_output_dir run -run_domain_file att27_domain.nc -emissions_gridded_file xinjiang_inventory.nc -emissions_points_file xinjiang_points.csv .* -met_output att_met.nc " <(ncdump -h "$hist")
ok $? "history names the command with the files outside the run folder by their basenames, att_met.nc inside it relative to it"
for f in "$hist" "$rec" "$dir/run/att_met.nc" "$bdy"; do
  check run "$f"; ok $? "${f#$dir/}: $(tail -n 1 "$dir/check.log")"
done
check receptors "$rec"; ok $? "receptor file: $(tail -n 1 "$dir/check.log")"
"$PY" - "$rec" >"$dir/xarray_zh.log" 2>&1 <<'PYEOF'
import sys
import xarray as xr
ds = xr.open_dataset(sys.argv[1])
names = [str(s) for s in ds["receptor_name_zh"].values]
assert names[0] == "乌-昌-石", names
print(names)
PYEOF
ok $? "xarray decodes receptor_name_zh to strings: $(tail -n 1 "$dir/xarray_zh.log")"
check history "$hist"; ok $? "history file: $(tail -n 1 "$dir/check.log")"
check inventory "$dir/inv/xinjiang_inventory.nc"; ok $? "inventory: $(tail -n 1 "$dir/check.log")"
check domain "$dir/grid/att27_domain.nc"; ok $? "domain: $(tail -n 1 "$dir/check.log")"
cdo_ok() { cdo -s sinfo "$1" >/dev/null 2>&1; }
xarray_ok() { "$PY" -c 'import sys, xarray as xr; ds = xr.open_dataset(sys.argv[1]); ds[sys.argv[2]].values' "$1" "$2" >/dev/null 2>&1; }
for spec in "$rec contribution" "$bdy q" "$dir/inv/xinjiang_inventory.nc so2_power"; do
  set -- $spec
  cdo_ok "$1"; ok $? "CDO reads ${1#$dir/}"
  xarray_ok "$1" "$2"; ok $? "xarray reads ${1#$dir/}:$2"
done
gdalinfo "NETCDF:\"$dir/inv/xinjiang_inventory.nc\":so2_power" 2>/dev/null | grep -q 'GEOGCRS\|GEOGCS'
ok $? "GDAL finds the inventory's lon-lat grid"
done_testing
