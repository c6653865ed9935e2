#!/usr/bin/env bash
# Title: emission inputs: the inventory tool's totals, a run's emission report, bad inputs (issue 5)
# Description: builds the att27 test domain and the illustrative inventory, then checks
#   - the tool's totals per prefecture, sector and species against what namelists/inventory.nml
#     told it (Xinjiang totals x sector shares, the 乌-昌-石 share, the cities outside), and that
#     its gridded file plus its point sources add up to its totals table;
#   - a run's emitted totals plus what it reports lost outside its domain equal the inventory;
#   - a point source outside the domain is a warning and counted as lost;
#   - bad inputs each stop the model before the time loop with file:line and the column or key:
#     a negative emission, a missing value, an unknown sector, an unknown species column, a
#     gridded field with a negative value, a time profile that does not average to 1;
#   - (issue 18) points rows with extra or missing fields, repeated or unknown columns, an id too
#     long, a stack at 0 K; gridded fields on other dimensions (bigger, smaller, transposed,
#     monthly, 2-D lat/lon), never written, holding fill values, NaN, inf or 1e300;
#   - a points column in kg/yr gives the same emissions as the same numbers in t/yr;
#   - (issue 18) gridded variables that look like emission fields but name no species and sector,
#     a file with none, and scenario selectors that name no prefecture, unit or point.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch emission_inputs)
check() { "$PY" "$ROOT/tests/regression/inventory_check.py" "$@"; }
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "inventory built"
out=$(check tool "$ROOT/namelists/inventory.nml" "$dir"); ok $? "inventory totals equal what the tool was told: $out"
"$PY" "$ROOT/postproc/plot_inventory.py" "$dir" -o "$dir/maps" >"$dir/maps.log" 2>&1 && [ -s "$dir/maps/inventory_so2.png" ] &&
  [ -s "$dir/maps/inventory_ppm25.png" ] && grep -q '^650000,Xinjiang,so2,.*,320.000$' "$dir/maps/inventory_by_prefecture.csv"
ok $? "postproc/plot_inventory.py maps SO2 and PM2.5 and tabulates Xinjiang's 320 kt SO2 by prefecture and sector"

model() { # model NAME [options...]: a one-hour run of the att27 case
  local name=$1; shift
  mkdir -p "$dir/$name"
  mpirun_n 1 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
    -run_output_dir "$dir/$name" -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
    -emissions_points_file "$dir/xinjiang_points.csv" -run_hours 1 -tags_enabled false "$@" >"$dir/$name.log" 2>&1
}
model base; ok $? "a one-hour run with the inventory"
out=$(check run "$dir" "$dir/base.log" "$dir/base/att_emissions.csv"); ok $? "emitted in the domain + lost outside = the inventory: $out"
grep -q "point source P08 .* is outside the domain; its emissions are lost" "$dir/base.log"
ok $? "a point source outside the domain (P08, Hami) is a warning and counted as lost"

# Bad inputs: each must fail before the time loop (no progress line, no output file) naming the problem.
bad() { # bad NAME EXPECTED-REGEX [options...]
  local name=$1 want=$2; shift 2
  model "$name" "$@"; local rc=$?
  [ "$rc" -ne 0 ] && grep -qE "$want" "$dir/$name.log" && ! grep -qE '^20[0-9-]+T.* h  wall' "$dir/$name.log" &&
    [ -z "$(ls "$dir/$name"/*.nc 2>/dev/null)" ]
  ok $? "$name: refused with \"$(grep -oE "$want" "$dir/$name.log" | head -n 1)\""
}
pts=$dir/xinjiang_points.csv
sed '3s/^\(\([^,]*,\)\{9\}\)[0-9.]*/\1-5/' "$pts" > "$dir/negative.csv"
bad negative "negative.csv:3: column so2_t_yr of P02 \(t/yr\) = -5\.? is out of range; expected 0\.? to" -emissions_points_file "$dir/negative.csv"
sed '3s/^\(\([^,]*,\)\{9\}\)[0-9.]*/\1/' "$pts" > "$dir/missing.csv"
bad missing "missing.csv:3: column so2_t_yr of P02 \(t/yr\) is empty; expected a number" -emissions_points_file "$dir/missing.csv"
sed '3s/,power,/,heating,/' "$pts" > "$dir/sector.csv"
bad sector "sector.csv:3: sector 'heating' is unknown; expected power, industry" -emissions_points_file "$dir/sector.csv"
sed '1s/ppmc_t_yr/pm10_t_yr/' "$pts" > "$dir/species.csv"
bad species "species.csv:1: column 'pm10_t_yr' names an unknown species 'pm10'" -emissions_points_file "$dir/species.csv"
# Rows and columns that do not match (issue 18, items 3 and 9): each is refused with file:line.
sed -E '3s/$/,1,2,3/' "$pts" > "$dir/extra.csv"
bad extra "extra.csv:3: the line has 20 fields; expected 17 as in the header \(no column for the fields after ppmc_t_yr\)" -emissions_points_file "$dir/extra.csv"
sed -E '3s/(,[^,]*){4}$//' "$pts" > "$dir/short.csv"
bad short "short.csv:3: the line has 13 fields; expected 17 as in the header \(no field for column nh3_t_yr\)" -emissions_points_file "$dir/short.csv"
sed '1s/nox_t_yr/so2_t_yr/' "$pts" > "$dir/repeated.csv"
bad repeated "repeated.csv:1: column 12 'so2_t_yr' repeats column 10 'so2_t_yr'" -emissions_points_file "$dir/repeated.csv"
sed '1s/nox_t_yr/SO2_kg_yr/' "$pts" > "$dir/repeated_units.csv"
bad repeated_units "repeated_units.csv:1: column 12 'SO2_kg_yr' repeats column 10 'so2_t_yr'" -emissions_points_file "$dir/repeated_units.csv"
sed '1s/ppmc_t_yr/ppmc_tons/' "$pts" > "$dir/unknown.csv"
bad unknown "unknown.csv:1: column 17 'ppmc_tons' is unknown; expected id, name, lon, lat" -emissions_points_file "$dir/unknown.csv"
sed '3s/^P02,/P02-Xinjiang-Zhongtai-Huatai-power-station,/' "$pts" > "$dir/long_id.csv"
bad long_id "long_id.csv:3: column id = 'P02-Xinjiang-Zhongtai-Huatai-power-station' is longer than 31 characters" -emissions_points_file "$dir/long_id.csv"
sed '3s/,400,power,/,0,power,/' "$pts" > "$dir/cold.csv"
bad cold "cold.csv:3: column temperature_K = 0\.? is out of range; expected 200\.? to 2000" -emissions_points_file "$dir/cold.csv"
# A column in kg/yr is read as such: the same emissions, to the bit, as the same numbers in t/yr.
"$PY" - "$pts" "$dir/kg.csv" <<'PYEOF'
import csv, sys
from decimal import Decimal
rows = open(sys.argv[1]).read().splitlines()
with open(sys.argv[2], "w") as out:
    for k, line in enumerate(rows):
        if line.startswith("#"): out.write(line + "\n"); continue
        f = next(csv.reader([line]))
        if f[0] == "id": f[9] = "so2_kg_yr"
        else: f[9] = str(Decimal(f[9]) * 1000)
        csv.writer(out, lineterminator="\n").writerow(f)
PYEOF
model kg -emissions_points_file "$dir/kg.csv" && cmp -s "$dir/base/att_emissions.csv" "$dir/kg/att_emissions.csv"
ok $? "a points file with so2_kg_yr (kg/yr) gives the emissions of the same numbers in t/yr"
"$PY" - "$dir/xinjiang_inventory.nc" "$dir/negative.nc" <<'PYEOF'
import shutil, sys
from netCDF4 import Dataset
shutil.copy(sys.argv[1], sys.argv[2])
with Dataset(sys.argv[2], "a") as nc:
    nc.variables["so2_industry"][100, 200] = -1.0
PYEOF
bad gridded "negative.nc: so2_industry is negative \(-1\.?\) at lat" -emissions_gridded_file "$dir/negative.nc"
bad profile "emission_profiles_power_weekday averages to 1.1[0-9]*; expected 1" -emission_profiles_power_weekday 1,1,1,1,1,1,1.7
# Gridded inventories of the wrong shape (issue 18, item 1): each is refused naming the file, the
# variable, the dimensions found and those expected, before anything is read into the buffer.
"$PY" - "$dir/xinjiang_inventory.nc" "$dir" <<'PYEOF'
import sys, numpy as np
from netCDF4 import Dataset
with Dataset(sys.argv[1]) as src:
    lat, lon = src["lat"][:], src["lon"][:]
def inventory(name, dims=(("lat", len(lat)), ("lon", len(lon))), coords=("lat",), fill=None):
    nc = Dataset(f"{sys.argv[2]}/{name}.nc", "w")
    for d, n in dims: nc.createDimension(d, n)
    if "lat" not in nc.dimensions: nc.createDimension("lat", len(lat))
    if "lon" not in nc.dimensions: nc.createDimension("lon", len(lon))
    if coords == ("lat",):
        nc.createVariable("lat", "f8", ("lat",))[:] = lat
        nc.createVariable("lon", "f8", ("lon",))[:] = lon
    else:
        la, lo = np.meshgrid(lat, lon, indexing="ij")
        nc.createVariable("lat", "f8", ("lat", "lon"))[:] = la
        nc.createVariable("lon", "f8", ("lat", "lon"))[:] = lo
    return nc
def field(nc, dims, value=2.385, **kw):
    v = nc.createVariable("so2_power", "f8", dims, **kw); v.units = "t yr-1"
    if value is not None: v[:] = value
    return v
nc = inventory("bigger", (("lat2", len(lat) + 40), ("lon2", len(lon) + 20))); field(nc, ("lat2", "lon2")); nc.close()
nc = inventory("smaller", (("lat2", len(lat) - 60), ("lon", len(lon)))); field(nc, ("lat2", "lon")); nc.close()
nc = inventory("monthly", (("time", 12), ("lat", len(lat)), ("lon", len(lon)))); field(nc, ("time", "lat", "lon")); nc.close()
nc = inventory("transposed"); field(nc, ("lon", "lat")); nc.close()
nc = inventory("latlon2d", coords=("lat", "lon")); field(nc, ("lat", "lon")); nc.close()
# Values that are no emissions (item 2): never written, _FillValue, missing_value, NaN, inf, 1e300.
nc = inventory("unwritten"); field(nc, ("lat", "lon"), None); nc.close()
nc = inventory("fillvalue"); v = field(nc, ("lat", "lon"), np.ma.masked_all((len(lat), len(lon))), fill_value=1e20)
v.set_auto_mask(False); a = np.zeros((len(lat), len(lon))); a[:] = 1e20; a[13, 21] = 100.0; v[:] = a; nc.close()
for name, x in (("missing_value", 1e30), ("nan", np.nan), ("inf", np.inf), ("huge", 1e300)):
    nc = inventory(name); v = field(nc, ("lat", "lon"), 0.0)
    if name == "missing_value": v.missing_value = 1e30
    v.set_auto_mask(False); a = np.zeros((len(lat), len(lon))); a[17, 23] = x; v[:] = a; nc.close()
# Names that match no species and sector (item 10): upper case, a typo, no field at all; and a
# variable that is no emission field (read as a warning, with the emissions of the field beside it).
for name, var, units in (("upper", "SO2_POWER", "t yr-1"), ("typo", "so2_powr", "t yr-1"),
                         ("units_only", "sulphur", "t yr-1"), ("none", "land_mask", "1"),
                         ("extra", "land_mask", "1"), ("onefield", None, None)):
    nc = inventory(name)
    if name in ("extra", "onefield"): field(nc, ("lat", "lon"))
    if var is None: nc.close(); continue
    v = nc.createVariable(var, "f8", ("lat", "lon")); v.units = units; v[:] = 1.0; nc.close()
PYEOF
ok $? "bad gridded inventories written"
want="expected \(lat = 360, lon = 580\), the dimensions of the file's lat and lon"
bad grid_bigger "bigger.nc: variable so2_power has dimensions \(lat2 = 400, lon2 = 600\); $want" -emissions_gridded_file "$dir/bigger.nc"
bad grid_smaller "smaller.nc: variable so2_power has dimensions \(lat2 = 300, lon = 580\); $want" -emissions_gridded_file "$dir/smaller.nc"
bad grid_monthly "monthly.nc: variable so2_power has dimensions \(time = 12, lat = 360, lon = 580\); $want" -emissions_gridded_file "$dir/monthly.nc"
bad grid_transposed "transposed.nc: variable so2_power has dimensions \(lon = 580, lat = 360\); $want" -emissions_gridded_file "$dir/transposed.nc"
bad grid_latlon2d "latlon2d.nc: coordinate variable lat has 2 dimensions; expected 1" -emissions_gridded_file "$dir/latlon2d.nc"
at="at lat [0-9.]+ lon [0-9.]+, \(lat, lon\) index"
bad grid_unwritten "unwritten.nc: so2_power is netCDF's default fill value: the variable was never written there \(9.96921e\+36\) $at \(0, 0\)" -emissions_gridded_file "$dir/unwritten.nc"
bad grid_fillvalue "fillvalue.nc: so2_power is the variable's _FillValue or missing_value: a missing cell \(1e\+20\) $at \(0, 0\)" -emissions_gridded_file "$dir/fillvalue.nc"
bad grid_missing_value "missing_value.nc: so2_power is the variable's _FillValue or missing_value: a missing cell \(1e\+30\) $at \(17, 23\)" -emissions_gridded_file "$dir/missing_value.nc"
bad grid_nan "nan.nc: so2_power is not a finite number \(nan\.?\) $at \(17, 23\)" -emissions_gridded_file "$dir/nan.nc"
bad grid_inf "inf.nc: so2_power is not a finite number \(inf\.?\) $at \(17, 23\)" -emissions_gridded_file "$dir/inf.nc"
bad grid_huge "huge.nc: so2_power = 1e\+300 t yr-1 $at \(17, 23\), is 1e\+300 t/yr from one cell; expected at most 1e\+09 t/yr" -emissions_gridded_file "$dir/huge.nc"
names="expected <species>_<sector> in lower case"
bad grid_upper "upper.nc: variable SO2_POWER looks like an emission field but names no species and sector this model reads; $names" -emissions_gridded_file "$dir/upper.nc"
bad grid_typo "typo.nc: variable so2_powr looks like an emission field but names no species and sector this model reads; $names" -emissions_gridded_file "$dir/typo.nc"
bad grid_units_only "units_only.nc: variable sulphur looks like an emission field" -emissions_gridded_file "$dir/units_only.nc"
bad grid_none "none.nc: no emission field; expected variables named <species>_<sector>" -emissions_gridded_file "$dir/none.nc"
model grid_one -emissions_gridded_file "$dir/onefield.nc" && model grid_extra -emissions_gridded_file "$dir/extra.nc" &&
  grep -q "WARNING: .*extra.nc: variable land_mask is not an emission field; not read" "$dir/grid_extra.log" &&
  cmp -s "$dir/grid_one/att_emissions.csv" "$dir/grid_extra/att_emissions.csv"
ok $? "a variable that is no emission field is named in a warning and changes no emission"
# Scenario selectors that name nothing (issue 18, item 15): a typo'd prefecture, an unknown unit or
# point id, terms that hold together for no unit. Each would have equalled the base run.
sc=(-scenario_sectors all -scenario_species all -scenario_factor 0.5)
bad scen_prefecture "scenario_select\(1\) = 'prefecture:650010': prefecture:'650010' names no prefecture \(adcode\) of the domain file" \
  "${sc[@]}" -scenario_select prefecture:650010
bad scen_unit "scenario_select\(1\) = 'unit:XX999': unit:'XX999' names no control unit of the domain file" "${sc[@]}" -scenario_select unit:XX999
bad scen_point "scenario_select\(1\): point:P99 names no point source of .*xinjiang_points.csv" "${sc[@]}" -scenario_select point:P99
bad scen_empty "scenario_select\(1\) = 'outside prefecture:650100' selects no control unit of the domain file" \
  "${sc[@]}" -scenario_select "outside prefecture:650100"
done_testing
