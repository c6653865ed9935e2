#!/usr/bin/env bash
# Title: official control units through GDAL/OGR, from a shapefile in a projected CRS (issue 17)
# Description: one general unit per county, made from the shipped county polygons, is written
#   (1) as GeoJSON in longitude-latitude with the long attribute names of docs/units.md and
#   (2) by ogr2ogr as an ESRI Shapefile in CGCS2000 / 3-degree Gauss-Kruger CM 84E (EPSG:4537,
#   metres) with the short names a shapefile's ten characters allow and the kind as a word;
#   bogda-grid builds xj27 from each: the same domain file, bit for bit (every variable, the
#   names included), and the same unit table: the vertices transformed back to longitude and
#   latitude are snapped to 2^-30 degree (prep/geo/vector.c), which returns the shipped
#   1/1024-degree vertices to their bits. A unit file without its county attribute, or with a prefecture that is
#   not its county's, is refused naming the file, the feature and the attribute.
# Needs: gdal-bin (ogr2ogr, ogrinfo; make check installs it).
# Tolerance: bitwise.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
tmp=$(scratch units_ogr)
mkdir -p "$tmp/json" "$tmp/shp" "$tmp/bad"
"$PY" - data/xinjiang_counties_amap.geojson "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
long, short = json.loads(json.dumps(d)), json.loads(json.dumps(d))
for f, g in zip(long["features"], short["features"]):
    p = f["properties"]
    f["properties"] = {"unit_code": p["adcode"] + "-G9", "unit_name_zh": p["name"] + "一般管控单元",
                       "unit_name_en": p["adcode"] + " general", "unit_kind": 2, "unit_county": p["adcode"],
                       "unit_prefecture": p["prefecture_adcode"]}
    g["properties"] = {"code": p["adcode"] + "-G9", "name_zh": p["name"] + "一般管控单元",
                       "name_en": p["adcode"] + " general", "kind": "general", "county": p["adcode"]}
json.dump(long, open(f"{sys.argv[2]}/units.geojson", "w", encoding="utf-8"), ensure_ascii=False)
json.dump(short, open(f"{sys.argv[2]}/units_short.geojson", "w", encoding="utf-8"), ensure_ascii=False)
bad = json.loads(json.dumps(long))
del bad["features"][4]["properties"]["unit_county"]
json.dump(bad, open(f"{sys.argv[2]}/no_county.geojson", "w", encoding="utf-8"), ensure_ascii=False)
bad = json.loads(json.dumps(long))
bad["features"][4]["properties"]["unit_prefecture"] = "659001"
json.dump(bad, open(f"{sys.argv[2]}/wrong_prefecture.geojson", "w", encoding="utf-8"), ensure_ascii=False)
PY
ok $? "unit files written (one general unit per county)"
ogr2ogr -f "ESRI Shapefile" -s_srs EPSG:4326 -t_srs EPSG:4537 -lco ENCODING=UTF-8 "$tmp/units.shp" "$tmp/units_short.geojson" >"$tmp/ogr2ogr.log" 2>&1
ok $? "ogr2ogr writes them as a shapefile in EPSG:4537"
ogrinfo -so -al "$tmp/units.shp" >"$tmp/ogrinfo.log" 2>&1 && grep -q "CGCS2000 / 3-degree Gauss-Kruger CM 84E" "$tmp/ogrinfo.log" &&
  grep -qE "^Extent: \([0-9.-]{6,}, [0-9.]{7,}\)" "$tmp/ogrinfo.log"
ok $? "the shapefile is in Gauss-Kruger metres: $(grep -m1 '^Extent' "$tmp/ogrinfo.log")"
grid() { "$BIN/bogda-grid" -namelist namelists/domains.nml -domain xj27 "$@"; }
grid -out "$tmp/json" -grid_tool_units_file "$tmp/units.geojson" >"$tmp/json.log" 2>&1
ok $? "xj27 from the GeoJSON unit file"
grid -out "$tmp/shp" -grid_tool_units_file "$tmp/units.shp" >"$tmp/shp.log" 2>&1
ok $? "xj27 from the projected shapefile"
[ "$(grep -c -- '-G9,' "$tmp/shp/xj27_units.csv")" -eq 105 ] && grep -q "一般管控单元" "$tmp/shp/xj27_units.csv"
ok $? "its registry holds the 105 units with their Chinese names"
"$TBIN/nccompare" "$tmp/json/xj27_domain.nc" "$tmp/shp/xj27_domain.nc" >"$tmp/cmp.log" 2>&1 &&
  diff <(ncdump "$tmp/json/xj27_domain.nc" | grep -vE ':(history|source_data|config_grid_tool_units_file) = ') \
       <(ncdump "$tmp/shp/xj27_domain.nc" | grep -vE ':(history|source_data|config_grid_tool_units_file) = ') >"$tmp/diff.log" &&
  cmp -s "$tmp/json/xj27_units.csv" "$tmp/shp/xj27_units.csv"
ok $? "the same domain file bits and unit table as from the GeoJSON (the transformed vertices snap back to the 1/1024-degree grid)"
refuse() { # refuse LABEL PATTERN FILE: bogda-grid fails with a message matching PATTERN
  grid -out "$tmp/bad" -grid_tool_units_file "$3" >"$tmp/bad.log" 2>&1
  [ $? -ne 0 ] && grep -E '^bogda-grid: error: ' "$tmp/bad.log" | grep -q -- "$2"; ok $? "refused: $1"
}
refuse "a unit without its county" "no_county.geojson: feature 4 has no attribute unit_county (or county)" "$tmp/no_county.geojson"
refuse "a unit whose prefecture is not its county's" "wrong_prefecture.geojson: feature 4 (.*): unit_prefecture 659001 is not the prefecture of county" "$tmp/wrong_prefecture.geojson"
done_testing
