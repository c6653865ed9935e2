#!/usr/bin/env bash
# Title: the Xinjiang domains xj27 and ns9, built from the shipped data, and the grid tool's errors
# Description: builds both domains once into build/tests/domains (1 rank) and again on 4 ranks,
#   then checks them as the model reads them (build/tests/domain_check: areas, fractions, seats
#   and point sources, terrain, receptors), the files' equality across rank counts, the ns9
#   margins, the official-unit, land-use-grid and ASCII-DEM inputs, and four bad inputs, each of
#   which must stop the tool with a message naming the file and the problem.
# Command: tests/regression/domains.sh (from the repository root, after make _all and the tests)
# Tolerance: areas as in domain_check; files across rank counts bitwise; ASCII vs NetCDF DEM 1 mm
#   (the ASCII header rounds the spacing to 0.0833333333 degrees, which moves nodes by up to 2e-8
#   degrees: 0.2 mm on the steepest slopes).
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
nml=namelists/domains.nml
out=$ROOT/build/tests/domains
tmp=$(scratch domains)
mkdir -p "$out" "$tmp/r4"
grid() { mpirun_n "$@"; }
compare() { # compare A B: nccompare if built, else the CDL text
  if [ -x "$TBIN/nccompare" ]; then "$TBIN/nccompare" "$1" "$2"; else diff <(ncdump "$1" | tail -n +2) <(ncdump "$2" | tail -n +2); fi
}

grid 1 "$BIN/bogda-grid" -namelist $nml -out "$out" >"$tmp/r1.log" 2>&1
ok $? "bogda-grid builds xj27 and ns9 on 1 rank"
sed 's/^/  /' "$tmp/r1.log" | while read -r l; do diag "$l"; done
grid 4 "$BIN/bogda-grid" -namelist $nml -out "$tmp/r4" >"$tmp/r4.log" 2>&1
ok $? "bogda-grid builds them on 4 ranks"
for d in xj27 ns9; do
  compare "$out/${d}_domain.nc" "$tmp/r4/${d}_domain.nc" >"$tmp/cmp_$d.log" 2>&1
  ok $? "$d: the domain file is identical on 1 and 4 ranks"
  cmp -s "$out/${d}_units.csv" "$tmp/r4/${d}_units.csv"
  ok $? "$d: the unit registry CSV is identical on 1 and 4 ranks"
done

# The checks, as the model reads the files: xj27 on 1 rank, ns9 on 3 ranks.
grid 1 "$TBIN/domain_check" -file "$out/xj27_domain.nc" -xinjiang -ridge >"$tmp/check_xj27.log" 2>&1
st=$?; grep -E '^(ok|not ok|#)' "$tmp/check_xj27.log" | sed 's/^ok [0-9]* -/xj27:/; s/^not ok [0-9]* -/FAILED xj27:/' | while read -r l; do diag "$l"; done
! grep -q '^not ok' "$tmp/check_xj27.log" && [ $st -eq 0 ]; ok $? "xj27 passes every domain check"
grid 3 "$TBIN/domain_check" -file "$out/ns9_domain.nc" -ridge -margin 100 >"$tmp/check_ns9.log" 2>&1
st=$?; grep -E '^(ok|not ok|#)' "$tmp/check_ns9.log" | sed 's/^ok [0-9]* -/ns9:/; s/^not ok [0-9]* -/FAILED ns9:/' | while read -r l; do diag "$l"; done
! grep -q '^not ok' "$tmp/check_ns9.log" && [ $st -eq 0 ]; ok $? "ns9 passes every domain check on 3 ranks, hotspots 100 km inside"

# An ASCII DEM gives the same terrain as the NetCDF one.
grid 1 "$BIN/bogda-grid" -namelist $nml -out "$tmp" -domain ns9 \
  -grid_tool_dem_file data/etopo5_xinjiang_65-105E_30-52N.asc >"$tmp/asc.log" 2>&1
ok $? "ns9 builds from the ESRI ASCII DEM"
$PY - "$out/ns9_domain.nc" "$tmp/ns9_domain.nc" <<'PY'
import sys, numpy as np, netCDF4
a, b = (netCDF4.Dataset(f)["terrain"][:] for f in sys.argv[1:])
sys.exit(0 if np.abs(a - b).max() < 1e-3 else 1)
PY
ok $? "terrain from the ASCII DEM equals terrain from the NetCDF DEM within 1 mm"

# A land-use grid overrides the rule: cropland (code 3) over 82-84 E, 44.5-45.5 N (no hotspot city).
{ echo "ncols 21"; echo "nrows 11"; echo "xllcenter 82"; echo "yllcenter 44.5"; echo "cellsize 0.1"; echo "NODATA_value -9999"
  for _ in $(seq 11); do printf '3 %.0s' $(seq 21); echo; done; } >"$tmp/crop.asc"
grid 1 "$BIN/bogda-grid" -namelist $nml -out "$tmp" -domain ns9 -grid_tool_landuse_file "$tmp/crop.asc" >"$tmp/lu.log" 2>&1
ok $? "ns9 builds with a land-use grid"
$PY - "$tmp/ns9_domain.nc" "$out/ns9_domain.nc" <<'PY'
import sys, numpy as np, netCDF4
d, base = (netCDF4.Dataset(f) for f in sys.argv[1:])
lon, lat, lu = d["lon"][:], d["lat"][:], d["landuse_fraction"][:]
inner = (lon > 82.2) & (lon < 83.8) & (lat > 44.7) & (lat < 45.3)
far = (lon < 81.5) | (lon > 84.5) | (lat < 44) | (lat > 46)
same = np.array_equal(lu[:, far], base["landuse_fraction"][:][:, far])
sys.exit(0 if inner.sum() > 50 and np.all(lu[3][inner] == 1) and same else 1)
PY
ok $? "cells inside the land-use grid are all cropland, cells away from it keep the rule's land use"

# Official unit polygons replace the derived units (here: one general unit per county).
$PY - data/xinjiang_counties_amap.geojson "$tmp/units.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for f in d["features"]:
    p = f["properties"]
    f["properties"] = {"unit_code": p["adcode"] + "-G9", "unit_name_zh": p["name"] + "一般管控单元",
                       "unit_name_en": p["adcode"] + " general", "unit_kind": 2, "unit_county": p["adcode"]}
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
mkdir -p "$tmp/official"
grid 2 "$BIN/bogda-grid" -namelist $nml -out "$tmp/official" -domain xj27 -grid_tool_units_file "$tmp/units.geojson" >"$tmp/official.log" 2>&1
ok $? "xj27 builds from an official unit polygon file"
[ "$(grep -c -- '-G9,' "$tmp/official/xj27_units.csv")" -eq 105 ] && [ "$(grep -c ',OUT-' "$tmp/official/xj27_units.csv")" -eq 5 ]
ok $? "its registry holds the 105 official units and the 5 outside regions"
grid 1 "$TBIN/domain_check" -file "$tmp/official/xj27_domain.nc" -xinjiang >"$tmp/check_official.log" 2>&1
! grep -q '^not ok' "$tmp/check_official.log"; ok $? "the official-unit domain passes the area, fraction and seat checks"

# Bad input: each must fail with a message naming the file and the problem.
refuse() { # refuse LABEL PATTERN ARGS...: the tool fails and its error output matches PATTERN
  local label=$1 pattern=$2; shift 2
  grid 1 "$BIN/bogda-grid" -namelist $nml -out "$tmp/bad" "$@" >"$tmp/bad.log" 2>&1
  local st=$?
  [ $st -ne 0 ] && grep -E '^bogda-grid: error: ' "$tmp/bad.log" | grep -q -- "$pattern"
  ok $? "refused: $label"
  grep -m1 -- "$pattern" "$tmp/bad.log" | sed 's/^bogda-grid: error: /  /' | while read -r l; do diag "$l"; done
}
mkdir -p "$tmp/bad"
$PY - "$tmp/units.geojson" "$tmp/few_units.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["features"] = d["features"][:3]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
refuse "an official unit file that covers a small part of Xinjiang" "few_units.geojson: the unit polygons cover" -domain xj27 -grid_tool_units_file "$tmp/few_units.geojson"
printf '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[80, 40], [81, 40],' >"$tmp/broken.geojson"
refuse "a polygon file that does not parse" "broken.geojson: not a polygon file OGR can read" -grid_tool_counties_file "$tmp/broken.geojson"
# A county drawn as a bow-tie (issue 18, item 15): its first ring's vertices 1 and 2 swapped over a
# stretch of a third of the ring, so that the ring crosses itself and a large loop runs backwards.
$PY - "$ROOT/data/xinjiang_counties_amap.geojson" "$tmp/bowtie.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
g = d["features"][5]["geometry"]
ring = (g["coordinates"][0] if g["type"] == "Polygon" else g["coordinates"][0][0])
n = len(ring) - 1
a, b = n // 6, n // 2
ring[a:b] = ring[a:b][::-1]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
refuse "a county ring that crosses itself" "bowtie.geojson: feature 5 (.*), ring 0, crosses itself: edge [0-9]* from (.*) crosses edge [0-9]* from (.*), cutting off a loop of" -grid_tool_counties_file "$tmp/bowtie.geojson"
[ "$(grep -c "WARNING: .*xinjiang_counties_amap.geojson: 3 ring(s) cross themselves at 3 place(s), each cutting off a loop of at most 0.00065 %" "$tmp/r4.log")" -eq 1 ]
ok $? "the shipped counties' three tiny self-crossings (snapped to AMap's grid) are one warning on 4 ranks"
# An outline with one position moved to the equator (a fuzz finding: gap filling took minutes).
$PY - "$ROOT/data/xinjiang_outline_dcw.geojson" "$tmp/outline_spike.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
g = d["features"][0]["geometry"]
ring = g["coordinates"][0] if g["type"] == "Polygon" else g["coordinates"][0][0]
k = min(range(len(ring)), key=lambda i: abs(ring[i][0] - 89.453173) + abs(ring[i][1] - 36.174603))
ring[k][1] = -0.0  # a southern-border position: the spike crosses no other edge
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"))
PY
refuse "an outline with a position moved far away (a gap the counties cannot fill)" "a gap between the polygons and the outline is more than 256 pixels" -grid_tool_outline_file "$tmp/outline_spike.geojson"
refuse "a true latitude out of range, with the range a user may give (not the unset marker)" "command line: -domain_xj27_truelat1 95: out of range; expected -90 <= value <= 90 degrees_north" -domain xj27 -domain_xj27_truelat1 95
refuse "a domain that does not fit in the DEM" "etopo5_xinjiang_65-105E_30-52N.nc: domain xj27 does not fit in the DEM" -domain xj27 -domain_xj27_nx 130
refuse "a nest that does not align with its parent" "domains.nml: domain_ns9_nx = 100.*do not align with the parent xj27" -domain ns9 -domain_ns9_nx 100
refuse "a nest whose dx is not its parent's over the ratio" "domains.nml: domain_ns9_dx = 10000.* m does not align" -domain ns9 -domain_ns9_dx 10000
refuse "a receptor naming an unknown city" "domains.nml: receptor_cities = .*unknown city 'Atlantis'" -receptor_cities "WCS: Urumqi; Atlantis"
ls "$tmp/bad"/*_domain.nc >/dev/null 2>&1; [ $? -ne 0 ]; ok $? "no refused run left a finished domain file"

# The maps.
$PY postproc/plot_domain.py "$out/xj27_domain.nc" "$out/ns9_domain.nc" >"$tmp/plot.log" 2>&1 &&
  [ -s "$out/xj27_terrain.png" ] && [ -s "$out/ns9_units.png" ]
ok $? "postproc/plot_domain.py draws the terrain and unit maps of both domains"
done_testing
