#!/usr/bin/env bash
# Title: the nest hand-off of backward runs: a child's functionals credited to every source of its parent (issue 15, item 4)
# Description: the att27/att9 pair with the WCS receptor. The parent runs 3 h (attribution case:
#   unit, sector and stack tags) and writes the child's boundary files and its start state at
#   01Z; the child starts there from the parent's state, runs 2 h forward and backward for PM2.5
#   and SO4 at WCS and PM2.5 at a lon/lat point in one of WCS's cells (its J the history's value
#   of that cell), and writes its sensitivities to the parent's records
#   (c_adjoint_handoff.nc). The parent runs again, untagged, with adjoint_handoff_file: its
#   forward sum mu . q over the records must equal what the child took from it, and its backward
#   run credits that part to the parent's own sources. postproc/adjoint_sources.py combines the
#   two tables: the sum must be the child's J, and by sector, initial state and inflow side it
#   must equal the child's forward tags, which carry the parent's tags through the boundary
#   files in single precision. A child on 2 ranks gives the same hand-off file.
# Command: tests/regression/adjoint_handoff.sh
# Tolerance: the hand-off sum 1e-12 of J; the combined sums 1e-12; against the forward tags 1e-7
#   of J (single-precision tags in the boundary files); 1 vs 2 ranks 1e-12 of the largest value;
#   the point's J against the history 2^-23 relative (32-bit floats).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch adjoint_handoff)
cat "$ROOT/tests/regression/nest/domain.nml" - >"$dir/domain.nml" <<'NML'
&receptor
  name = 'WCS'
  name_zh = '乌-昌-石'
  name_en = 'Urumqi-Changji-Shihezi'
  cities = 'WCS: Urumqi; Changji; Fukang; Hutubi; Manas; Shawan; Wujiaqu; Shihezi'
/
NML
"$BIN/bogda-grid" -namelist "$dir/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1 &&
  "$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" \
    -out "$dir" >"$dir/inv.log" 2>&1
ok $? "att27 and its child att9 (with the WCS receptor), and the inventory, built"
model() { # model NAME DOMAIN NP [options...]
  local name=$1 dom=$2 np=$3; shift 3
  mkdir -p "$dir/$name"
  mpirun_n "$np" "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
    -run_name "${name%_*}" -run_output_dir "$dir/$name" -run_domain_file "$dir/${dom}_domain.nc" \
    -emissions_gridded_file "$dir/xinjiang_inventory.nc" -emissions_points_file "$dir/xinjiang_points.csv" \
    -run_closure_every_process false "$@" >"$dir/$name.log" 2>&1
}
model p att27 1 -run_hours 3 -nest_child_domain_file "$dir/att9_domain.nc" -nest_initial_time 2024-01-10T01:00:00Z
ok $? "parent: 3 h, boundary files for att9 and its start state at 01Z"
# The point: a quarter of a cell west and north of the centre of att9's cell (9, 10), WCS's largest
# weight (85.58E 44.33N; a cell is 0.11 degree by 0.08).
child=(-run_start 2024-01-10T01:00:00Z -run_hours 2 -run_dt 300 -boundary_parent_files "$dir/p/p_bdy_*.nc"
  -boundary_initial_file "$dir/p/p_init_20240110T0100Z.nc" -adjoint_enabled -adjoint_receptors WCS,WCS,85.55E44.35N
  -adjoint_species pm25,so4,pm25 -adjoint_window_end 2,1,2)
model c att9 1 "${child[@]}"
ok $? "child: from the parent's state at 01Z, 2 h forward and backward, its sensitivities to the parent's records"
[ -s "$dir/c/c_adjoint_handoff.nc" ] && [ -z "$(ls "$dir/c" | grep -E '^\.tmp|\.tmp$')" ]
ok $? "the hand-off file is complete under its final name"
out=$("$PY" "$ROOT/tests/regression/adjoint_check.py" tags "$dir/c"); ok $? "child: every tag's adjoint contribution equals the forward tag's: $out"
out=$("$PY" "$ROOT/tests/regression/adjoint_check.py" point "$dir/c" "$dir/att9_domain.nc")
ok $? "child: the point functional's J equals the history's hourly means of the cell holding the point: $out"
model p2_x att27 1 -run_hours 3 -nest_child_domain_file "$dir/att9_domain.nc" -tags_enabled false -adjoint_enabled \
  -adjoint_handoff_file "$dir/c/c_adjoint_handoff.nc"
ok $? "parent again, untagged, backward from the child's hand-off"
worst=$(sed -nE 's/^adjoint .*: the child took .* from its records \(([^ ]*) of the child.*/\1/p' "$dir/p2_x.log" |
  sort -g | tail -n 1)
[ "$(grep -c 'the child took' "$dir/p2_x.log")" -eq 3 ] && [ -n "$worst" ] && awk -v w="$worst" 'BEGIN { exit !(w + 0 <= 1e-12) }'
ok $? "the parent's forward sum mu . q over the child's records equals what the child took from it ($worst of J)"
mkdir -p "$dir/tables"
"$PY" "$ROOT/postproc/adjoint_sources.py" --sources "$dir/c/c_adjoint_sources.csv" --parent "$dir/p2_x/p2_adjoint_sources.csv" \
  --domain "$dir/att9_domain.nc" --outer-domain "$dir/att27_domain.nc" --out "$dir/tables" >"$dir/tables.log" 2>&1
ok $? "the child's and the parent's tables combined: $(head -n 1 "$dir/tables.log")"
worst=$(sed -nE 's/.*\(([^ ]*) relative\)$/\1/p' "$dir/tables.log" | sort -g | tail -n 1)
[ "$(grep -c 'relative)$' "$dir/tables.log")" -eq 3 ] && [ -n "$worst" ] && awk -v w="$worst" 'BEGIN { exit !(w + 0 <= 1e-12) }'
ok $? "every unit of both domains, the initial state and the inflow sum to the child's J ($worst relative)"
[ "$(grep -c ',initial:parent,\|,inflow:parent:' "$dir/tables/adjoint_sources.csv")" -eq 0 ] &&
  grep -q ',initial,' "$dir/tables/adjoint_sources.csv" && [ "$(head -c 3 "$dir/tables/adjoint_units.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
ok $? "the combined table credits the parent's air to its sources (no row left from the parent); the summaries carry a BOM"
"$PY" - "$dir/tables" <<'PY'
import csv, sys
d = sys.argv[1]
rd = lambda n: list(csv.DictReader(open(f"{d}/{n}", encoding="utf-8-sig")))
units = {}
for r in rd("adjoint_units.csv"):
    units[(r["functional"], r["key"])] = float(r["contribution_ug_m3"])
cross = {}
for r in rd("adjoint_unit_sectors.csv"):
    k = (r["functional"], r["unit"])
    cross[k] = cross.get(k, 0.0) + float(r["contribution_ug_m3"])
worst = max(abs(v - units[k]) / max(abs(units[k]), 1e-300) for k, v in cross.items())
sys.exit(0 if cross and worst <= 1e-12 else 1)
PY
ok $? "the sector x unit table (adjoint_unit_sectors.csv) sums over the sectors to each unit's share"
out=$("$PY" "$ROOT/tests/regression/adjoint_check.py" combined "$dir/tables" "$dir/c"); ok $? "combined, by sector, initial state and inflow side, equal to the child's forward tags: $out"
model c_2 att9 2 "${child[@]}"
ok $? "the child on 2 ranks"
"$PY" - "$dir/c/c_adjoint_handoff.nc" "$dir/c_2/c_adjoint_handoff.nc" <<'PY'
import sys
import netCDF4
import numpy as np
a, b = (netCDF4.Dataset(p) for p in sys.argv[1:3])
worst = 0.0
for v in ("sens_lateral", "sens_initial", "J", "from_parent"):
    x, y = np.asarray(a[v][:]), np.asarray(b[v][:])
    worst = max(worst, float(np.abs(x - y).max() / max(np.abs(x).max(), 1e-300)))
print(f"{worst:.1e}")
sys.exit(0 if worst <= 1e-12 else 1)
PY
ok $? "the hand-off file on 2 ranks equals 1 rank's to 1e-12 of its largest value"
done_testing
