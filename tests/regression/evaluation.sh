#!/usr/bin/env bash
# Title: evaluation against station observations (postproc/evaluate.py, issue 14 item 7)
# Description: the statistics (MB, ME, NMB, NME, r, MFB, MFE) of 4 made-up pairs against their
#   values worked out by hand, and the goals and criteria they meet; r refused for 2 pairs; then on
#   a 24-hour run of the att27 test domain (no tags, one Beijing day, 2024-01-10): a station placed
#   in a known cell, an hourly and a daily (Beijing day) observation matched to the hourly means of
#   that cell, a seasonal mean kept apart as representativeness-limited with its reason, sna as
#   sulfate + nitrate + ammonium and no2 as the model's NOx; the shipped table of published
#   observations (data/observations) read; bad inputs (a missing column, a value that is no number,
#   a longitude that is none) refused with one line naming file:line and column, status 1 and no
#   output; the CSV tables start with a UTF-8 byte-order mark.
# Command: tests/regression/evaluation.sh
# Tolerance: statistics within 1e-12 (relative) of the hand values; matched model values equal the
#   history's hourly means (float32 read as double) to 1e-12 relative.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch evaluation)
ev() { "$PY" "$ROOT/postproc/evaluate.py" "$@"; }

out=$("$PY" - "$ROOT/postproc" <<'PY'
import math, sys
sys.path.insert(0, sys.argv[1])
import evaluate as e
# M and O by hand: d = M - O = (2, -10, 5, -2), sum d = -5, sum |d| = 19, sum O = 100.
m, o = [12.0, 30.0, 45.0, 8.0], [10.0, 40.0, 40.0, 10.0]
s = e.statistics(m, o)
# (M - O)/(M + O) = 1/11, -1/7, 1/17, -1/9; over 11781 = 11*7*17*9: 1071, -1683, 693, -1309.
# r: deviations from the means 23.75 and 25 give sum dm*do = 825, sum dm^2 = 876.75, sum do^2 = 900.
want = {"n": 4, "mb_ug_m3": -5 / 4, "me_ug_m3": 19 / 4, "nmb_percent": -5.0, "nme_percent": 19.0,
        "mfb_percent": 100 * 0.5 * (-1228 / 11781), "mfe_percent": 100 * 0.5 * (4756 / 11781),
        "r": 825 / math.sqrt(876.75 * 900)}
bad = [k for k, v in want.items() if not abs(s[k] - v) <= 1e-12 * abs(v)]
assert not bad, [(k, s[k], want[k]) for k in bad]
rows = {r["statistic"]: r for r in e.stat_rows(e.MATCHED, "pm25", "all", [{"model_ug_m3": a, "obs_ug_m3": b} for a, b in zip(m, o)])}
assert all(rows[k]["goal_met"] == "yes" and rows[k]["criterion_met"] == "yes" for k in ("nmb_percent", "nme_percent", "r", "mfb_percent", "mfe_percent")), rows
assert rows["mb_ug_m3"]["goal"] == "" and "Emery" in rows["nmb_percent"]["benchmark"] and "Boylan" in rows["mfe_percent"]["benchmark"]
# Twice the model: NMB 100 % misses both; MFB = 2/3 of 100 % = 66.7 % misses the criterion (60 %).
r2 = {r["statistic"]: r for r in e.stat_rows(e.MATCHED, "pm25", "all", [{"model_ug_m3": 2 * b, "obs_ug_m3": b} for b in o])}
assert r2["nmb_percent"]["goal_met"] == "no" and r2["nmb_percent"]["criterion_met"] == "no"
assert abs(r2["mfb_percent"]["value"] - 200 / 3) < 1e-12 and r2["mfb_percent"]["criterion_met"] == "no"
two = {r["statistic"]: r for r in e.stat_rows(e.MATCHED, "pm25", "all", [{"model_ug_m3": 1.5, "obs_ug_m3": 2.5}, {"model_ug_m3": 3.5, "obs_ug_m3": 2.0}])}
assert math.isnan(two["r"]["value"]) and two["r"]["goal_met"] == "" and "at least 3 pairs (have 2)" in two["r"]["note"]
so2 = {r["statistic"]: r for r in e.stat_rows(e.MATCHED, "so2", "all", [{"model_ug_m3": 1.5, "obs_ug_m3": 2.5}])}
assert so2["nmb_percent"]["goal"] == "" and "no published benchmark" in so2["nmb_percent"]["note"]
print(f"MB {s['mb_ug_m3']}, NMB {s['nmb_percent']} %, MFB {s['mfb_percent']:.6f} %, MFE {s['mfe_percent']:.6f} %, r {s['r']:.6f}")
PY
)
ok $? "statistics of 4 pairs equal the hand values ($out); goals and criteria judged; r needs 3 pairs"

att27_inputs "$dir"
att27_model "$dir" "$ROOT/tests/regression/attribution/case.nml" "$dir/run" -run_start 2024-01-09T16:00:00Z -run_hours 24 \
  -run_checkpoint_hours 24 -tags_enabled false
ok $? "24-hour run over one Beijing day (2024-01-10), no tags"
rm -f "$dir"/run/*.bin

# A station 3 km from the centre of cell (i, j) = (14, 4), and its observations.
read -r slon slat < <("$PY" -c "
from netCDF4 import Dataset
d = Dataset('$dir/att27_domain.nc'); print(float(d['lon'][4, 14]) + 0.02, float(d['lat'][4, 14]) + 0.015)")
obs=$dir/obs.csv
cat >"$obs" <<EOF
station_id,name,lon,lat,start_utc,end_utc,species,value,units,source
T1,测试站 test station,$slon,$slat,2024-01-10T03:00Z,,pm25,61.5,ug m-3,made up for the test
T1,测试站 test station,$slon,$slat,2024-01-10T00:00+08:00,2024-01-11T00:00+08:00,pm25,72.25,ug m-3,made up for the test
T1,测试站 test station,$slon,$slat,2024-01-09T16:00Z,2024-01-10T16:00Z,sna,20.5,µg m-3,made up for the test
T1,测试站 test station,$slon,$slat,2024-01-10T06:00Z,,no2,45.0,ug m-3,made up for the test
T1,测试站 test station,$slon,$slat,2023-11-30T16:00Z,2024-02-29T16:00Z,pm25,120.0,ug m-3,made up for the test
EOF
ev "$dir/run" --domain "$dir/att27_domain.nc" --observations "$obs" -o "$dir/ev" >"$dir/ev.log" 2>&1
[ $? -eq 0 ] && [ -s "$dir/ev/evaluation_pairs.csv" ] && [ -s "$dir/ev/evaluation_stats.csv" ] && [ -s "$dir/ev/evaluation.json" ] &&
  [ -z "$(ls -A "$dir" | grep '^\.ev')" ]
ok $? "evaluate.py writes the pairs, the statistics and evaluation.json, no temporary folder left: $(head -n 1 "$dir/ev.log")"
out=$("$PY" - "$dir/ev/evaluation_pairs.csv" "$dir/run/att_20240109T1600Z.nc" <<'PY'
import csv, sys
import numpy as np
from netCDF4 import Dataset
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
h = Dataset(sys.argv[2])
b = h["time_bnds"][:]
def field(name):
    return np.asarray(h[name][:, 4, 14], dtype=float)
assert all((r["cell_i"], r["cell_j"]) == ("14", "4") for r in rows), [(r["cell_i"], r["cell_j"]) for r in rows]
assert all(float(r["distance_km"]) < 5 for r in rows)
def close(a, b):
    return abs(a - b) <= 1e-12 * abs(b)
hour, day, sna, no2, season = rows
k = int(np.nonzero(b[:, 1] == 1704855600)[0][0])  # the hour ending 2024-01-10T03:00Z
assert hour["comparison"] == "matched" and hour["model_hours"] == "1" and close(float(hour["model_ug_m3"]), field("pm25")[k])
assert hour["start_utc"] == "2024-01-10T02:00Z" and hour["end_utc"] == "2024-01-10T03:00Z"
assert day["comparison"] == "matched" and day["model_hours"] == "24" and close(float(day["model_ug_m3"]), field("pm25").mean())
assert day["start_utc"] == "2024-01-09T16:00Z" and day["end_utc"] == "2024-01-10T16:00Z"
want = (field("so4") + field("no3") + field("nh4")).mean()
assert sna["model_species"] == "so4+no3+nh4" and close(float(sna["model_ug_m3"]), want)
k6 = int(np.nonzero(b[:, 1] == 1704866400)[0][0])  # 06:00Z
assert no2["model_species"] == "nox" and close(float(no2["model_ug_m3"]), field("nox")[k6])
assert season["comparison"] == "representativeness-limited" and "the run covers 24 h of the observation's 2184 h" in season["reason"]
assert "different period" in season["reason"] and close(float(season["model_ug_m3"]), field("pm25").mean())
print(f"cell (14, 4) at {float(hour['distance_km']):.2f} km; hourly {float(hour['model_ug_m3']):.3f}, daily {float(day['model_ug_m3']):.3f} ug m-3")
PY
)
ok $? "the station's cell, an hourly and a Beijing-day observation matched to the hourly means, sna and no2, a seasonal mean kept apart: $out"
"$PY" - "$dir/ev/evaluation_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
m = [r for r in rows if r["comparison"] == "matched" and r["species"] == "pm25" and r["group"] == "all"]
l = [r for r in rows if r["comparison"] == "representativeness-limited" and r["species"] == "pm25"]
assert {r["n"] for r in m} == {"2"} and {r["n"] for r in l} == {"1"}, (m, l)
assert [r for r in l if r["statistic"] == "nmb_percent"][0]["note"].startswith("representativeness-limited")
PY
ok $? "matched and representativeness-limited pairs get statistics of their own"
[ "$(head -c 3 "$dir/ev/evaluation_pairs.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] &&
  [ "$(head -c 3 "$dir/ev/evaluation_stats.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
ok $? "both CSV tables start with the UTF-8 byte-order mark"

ev "$dir/run" --domain "$dir/att27_domain.nc" --observations "$ROOT/data/observations/xinjiang_winter_published.csv" \
  -o "$dir/published" >"$dir/published.log" 2>&1 &&
  [ "$(grep -c representativeness-limited "$dir/published/evaluation_pairs.csv")" -ge 5 ]
ok $? "the shipped table of published winter observations is read; all of it representativeness-limited: $(head -n 1 "$dir/published.log")"

# Bad inputs: one line naming file:line and column, status 1, no output.
refused() { # refused NAME PATTERN: the CSV $dir/NAME.csv is refused with a message matching PATTERN
  ev "$dir/run" --domain "$dir/att27_domain.nc" --observations "$dir/$1.csv" -o "$dir/out_$1" >"$dir/$1.log" 2>&1
  local status=$?
  [ $status -eq 1 ] && [ "$(wc -l <"$dir/$1.log")" -eq 1 ] && grep -q "$2" "$dir/$1.log" && [ ! -e "$dir/out_$1" ] &&
    [ -z "$(ls -A "$dir" | grep '^\.out_')" ]
}
sed 's/,units,source$/,source/; s/,ug m-3,\(made\)/,\1/; s/,µg m-3,\(made\)/,\1/' "$obs" >"$dir/nounits.csv"
refused nounits "nounits.csv:1: column(s) units missing"; ok $? "a missing column: $(cat "$dir/nounits.log")"
sed '3s/,72.25,/,72.2x,/' "$obs" >"$dir/notnumber.csv"
refused notnumber "notnumber.csv:3: column value: '72.2x' is not a number"; ok $? "a value that is no number: $(cat "$dir/notnumber.log")"
sed "4s/^T1,测试站 test station,$slon,/T1,测试站 test station,95.5,/" "$obs" >"$dir/outside.csv"
ev "$dir/run" --domain "$dir/att27_domain.nc" --observations "$dir/outside.csv" -o "$dir/out_outside" >"$dir/outside.log" 2>&1 &&
  grep -q "outside.csv:4: column lon: 95.5 .* lies outside the model grid .*: not compared" "$dir/outside.log" &&
  [ "$(grep -c "^T1," "$dir/out_outside/evaluation_pairs.csv")" -eq $(($(grep -c "^T1," "$obs") - 1)) ]
ok $? "a station outside the grid (another domain's) is left out with a warning: $(grep -m1 warning "$dir/outside.log")"
sed "4s/^T1,测试站 test station,$slon,/T1,测试站 test station,400,/" "$obs" >"$dir/badlon.csv"
refused badlon "badlon.csv:4: column lon: 400 .* is not a longitude"; ok $? "a longitude that is none: $(cat "$dir/badlon.log")"
done_testing
