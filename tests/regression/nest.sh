#!/usr/bin/env bash
# Title: one-way nesting (a parent run writes its child's boundary values, the child reads them)
# Description: the att27/att9 pair (tests/regression/nest/domain.nml), transport only with the
#   diagnostic winter met and sector tags (tests/regression/nest/case.nml):
#   - the parent's boundary file holds, at 6 h, exactly its state at the ring cells around the
#     child (against its checkpoint; a field that varies from cell to cell, in ug m-3);
#   - a child nested in a uniform parent stays uniform, and its tags sum to the bulk;
#   - a child starting from another value takes the parent's inflow: its mixing ratios stay
#     between its own start and the parent's value and move towards the parent's;
#   - the child gives the same bits on 1 and 2 ranks;
#   - (issue 14) a parent writes its child's start state at nest_initial_time (bitwise its state
#     over the footprint and the ring); a child started from it holds the parent's air and tags;
#   - bad boundary files stop the child before its time loop, naming the file: a NaN in q, q never
#     written, a ring with a cell missing, a level missing, a repeated time (issue 18, item 15),
#     a tag of 1e30, a NaN time, files made for a child of another size or at another
#     place, files of two nests mixed, a run longer than the files; and a parent given a child
#     domain file that is not a nested one.
# Tolerance: 1e-12 relative for uniformity and bounds; bitwise for the ring and the rank counts.
. "$(dirname "$0")/../lib.sh"
out=$(scratch nest)
case=$ROOT/tests/regression/nest/case.nml
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/nest/domain.nml" -out "$out" >"$out/grid.log" 2>&1
ok $? "att27 and its child att9 built"
model() { # model NAME NP DOMAIN [options...]: run into $out/NAME, log in $out/NAME.log
  local name=$1 np=$2 dom=$3; shift 3
  mkdir -p "$out/$name"
  mpirun_n "$np" "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$case" -run_name "$name" -run_output_dir "$out/$name" \
    -run_domain_file "$out/${dom}_domain.nc" "$@" >"$out/$name.log" 2>&1
}
parent=(-run_dt 900 -nest_child_domain_file "$out/att9_domain.nc")
child=(-run_dt 300)

model pu 2 att27 "${parent[@]}"; ok $? "parent, uniform 2.385e-9: 6 h on 2 ranks, boundary files for att9"
model pv 2 att27 "${parent[@]}" -boundary_units ug_m3 -boundary_values 1,2,3,4,5,6,7,8
ok $? "parent, 1-8 ug m-3 (mixing ratios varying with the air's density): 6 h"
n=$("$PY" "$ROOT/tests/regression/nest_check.py" ring "$(ls "$out"/pv/pv_bdy_*.nc | tail -n 1)" "$out/pv/pv_checkpoint_20240110T0600Z.bin")
ok $? "the parent's boundary file at 6 h equals its state at the ring cells bitwise ($n values)"

model cu 2 att9 "${child[@]}" -boundary_parent_files "$out/pu/pu_bdy_*.nc"; ok $? "child of the uniform parent: 6 h on 2 ranks"
dev=$("$TBIN/ckcompare" --uniform "$out/cu/cu_checkpoint_20240110T0600Z.bin" | sort -g | tail -n 1)
awk -v d="$dev" 'BEGIN { exit !(d != "" && d < 1e-12) }'; ok $? "child of the uniform parent stays uniform: largest relative deviation $dev (limit 1e-12)"
closure=$(grep -o 'closure [0-9.e+-]*' "$out/cu.log" | awk '{ print $2 }' | sort -g | tail -n 1)
awk -v c="$closure" 'BEGIN { exit !(c != "" && c < 1e-9) }'; ok $? "child's tags sum to the bulk: largest closure deviation $closure (limit 1e-9)"

model c1 2 att9 "${child[@]}" -boundary_parent_files "$out/pu/pu_bdy_*.nc" -boundary_values 1e-9,1e-9,1e-9,1e-9,1e-9,1e-9,1e-9,1e-9
ok $? "child starting from 1e-9 under the parent's 2.385e-9: 6 h"
read -r lo hi < <("$PY" "$ROOT/tests/tools/checkpoint.py" range "$out/c1/c1_checkpoint_20240110T0600Z.bin")
awk -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo >= 1e-9 * (1 - 1e-12) && hi <= 2.385e-9 * (1 + 1e-12) && hi >= 2.385e-9 * (1 - 1e-12)) }'
ok $? "its mixing ratios lie in [1e-9, 2.385e-9] (smallest $lo), and the cells the inflow has flushed hold the parent's value ($hi)"

model v1 1 att9 "${child[@]}" -boundary_parent_files "$out/pv/pv_bdy_*.nc"; ok $? "child of the varying parent on 1 rank"
model v2 2 att9 "${child[@]}" -boundary_parent_files "$out/pv/pv_bdy_*.nc"; ok $? "the same on 2 ranks"
"$TBIN/ckcompare" "$out/v1/v1_checkpoint_20240110T0600Z.bin" "$out/v2/v2_checkpoint_20240110T0600Z.bin" >"$out/ck_v.log" 2>&1
ok $? "child on 1 and 2 ranks: the same bits (state and tags at 6 h)"

# The child's start state from the parent (issue 14, spin-up): at nest_initial_time the parent
# writes the footprint and the ring; a child starting then takes every cell from it.
model pvi 2 att27 "${parent[@]}" -boundary_units ug_m3 -boundary_values 1,2,3,4,5,6,7,8 -run_checkpoint_hours 3 \
  -nest_initial_time 2024-01-10T03:00:00Z
grep -q "child start state -> .*pvi_init_20240110T0300Z.nc" "$out/pvi.log"; ok $? "a parent writes its child's start state at 3 h"
n=$("$PY" "$ROOT/tests/regression/nest_check.py" ring "$out/pvi/pvi_init_20240110T0300Z.nc" "$out/pvi/pvi_checkpoint_20240110T0300Z.bin") &&
  [ "$(ncdump -h "$out/pvi/pvi_init_20240110T0300Z.nc" | grep -oE 'cell = [0-9]+')" = "cell = $(( (24 / 3 + 2) * (15 / 3 + 2) ))" ]
ok $? "the start state holds the parent's state over the footprint and the ring bitwise ($n values, 10 x 7 cells)"
model pui 1 att27 "${parent[@]}" -nest_initial_time 2024-01-10T03:00:00Z; ok $? "the uniform parent writes its start state at 3 h"
start=(-run_start 2024-01-10T03:00:00Z -run_hours 3 -run_checkpoint_hours 3 -boundary_parent_files "$out/pu/pu_bdy_*.nc")
model cs 2 att9 "${child[@]}" "${start[@]}" -boundary_initial_file "$out/pui/pui_init_20240110T0300Z.nc"
ok $? "a child starting at 3 h from that state: 3 h on 2 ranks"
dev=$("$TBIN/ckcompare" --uniform "$out/cs/cs_checkpoint_20240110T0600Z.bin" | sort -g | tail -n 1)
awk -v d="$dev" 'BEGIN { exit !(d != "" && d < 1e-12) }'; ok $? "it stays uniform: largest relative deviation $dev (limit 1e-12)"
# Wet deposition alone changes nothing in dry air: the child's state after an hour is its start.
i0=$(ncdump -h "$out/att9_domain.nc" | grep -oE 'PARENT_I_START = [0-9]+' | grep -oE '[0-9]+$')
j0=$(ncdump -h "$out/att9_domain.nc" | grep -oE 'PARENT_J_START = [0-9]+' | grep -oE '[0-9]+$')
model cs0 2 att9 "${child[@]}" "${start[@]}" -run_hours 1 -run_checkpoint_hours 1 -run_processes deposition_wet \
  -boundary_initial_file "$out/pvi/pvi_init_20240110T0300Z.nc" -boundary_parent_files "$out/pvi/pvi_bdy_*.nc" -boundary_values 1e-9,1e-9,1e-9,1e-9,1e-9,1e-9,1e-9,1e-9
n=$("$PY" "$ROOT/tests/regression/nest_check.py" start "$out/pvi/pvi_init_20240110T0300Z.nc" "$out/cs0/cs0_checkpoint_20240110T0400Z.bin" $((i0 - 1)) $((j0 - 1)) 3)
ok $? "every child cell starts with its parent cell's mixing ratios bitwise ($n values; its own profile 1e-9 is not used)"
closure=$(grep -o 'closure [0-9.e+-]*' "$out/cs.log" | awk '{ print $2 }' | sort -g | tail -n 1)
awk -v c="$closure" 'BEGIN { exit !(c != "" && c < 1e-9) }'; ok $? "its tags, taken from the parent's, sum to the bulk: largest closure deviation $closure"
model cs1 1 att9 "${child[@]}" "${start[@]}" -boundary_initial_file "$out/pvi/pvi_init_20240110T0300Z.nc" -boundary_parent_files "$out/pvi/pvi_bdy_*.nc"
model cs2 2 att9 "${child[@]}" "${start[@]}" -boundary_initial_file "$out/pvi/pvi_init_20240110T0300Z.nc" -boundary_parent_files "$out/pvi/pvi_bdy_*.nc"
"$TBIN/ckcompare" "$out/cs1/cs1_checkpoint_20240110T0600Z.bin" "$out/cs2/cs2_checkpoint_20240110T0600Z.bin" >"$out/ck_cs.log" 2>&1
ok $? "a child started from the varying parent's state: the same bits on 1 and 2 ranks"

# Bad boundary files: each stops the child before its time loop, naming the file.
bdy=$(ls "$out"/pv/pv_bdy_*.nc | head -n 1)
mkdir -p "$out/bad_nan" "$out/bad_nx" "$out/bad_start"
"$PY" "$ROOT/tests/regression/nest_check.py" nan "$bdy" "$out/bad_nan/bdy.nc" 0 5 3 1
"$PY" "$ROOT/tests/regression/nest_check.py" attr "$bdy" "$out/bad_nx/bdy.nc" CHILD_NX 27
"$PY" "$ROOT/tests/regression/nest_check.py" attr "$bdy" "$out/bad_start/bdy.nc" PARENT_I_START 7
mkdir -p "$out/bad_mix" && cp "$bdy" "$out/bad_mix/a.nc"
"$PY" "$ROOT/tests/regression/nest_check.py" attr "$bdy" "$out/bad_mix/b.nc" PARENT_J_START 5
bad() { # bad NAME PATTERN [options...]: the child fails before its time loop and its log matches PATTERN
  local name=$1 pattern=$2 rc; shift 2
  model "$name" 1 att9 "${child[@]}" "$@"
  rc=$?
  [ $rc -ne 0 ] && grep -E '^bogda: error: ' "$out/$name.log" | grep -q -- "$pattern" && ! grep -q "mass kg:" "$out/$name.log"
  ok $? "bad boundary files, $name: exit $rc: $(grep -m1 -- "$pattern" "$out/$name.log" | sed 's/^bogda: error: //')"
}
bad bad_nan "bad_nan/bdy.nc: q at 2024-01-10T00:00:00Z, (cell, lev, species) = (5, 3, 1) in the file's indices: a NaN" \
  -boundary_parent_files "$out/bad_nan/bdy.nc"
# Values no parent writes (issue 18, items 2 and 9): q never written, an absurd tag, a NaN time.
mkdir -p "$out/bad_unwritten" "$out/bad_tags" "$out/bad_time_nan"
"$PY" "$ROOT/tests/regression/nest_check.py" unwritten "$bdy" "$out/bad_unwritten/bdy.nc"
"$PY" "$ROOT/tests/regression/nest_check.py" set "$bdy" "$out/bad_tags/bdy.nc" tags 1e30 0 7 2 4 1
"$PY" "$ROOT/tests/regression/nest_check.py" set "$bdy" "$out/bad_time_nan/bdy.nc" time nan 1
bad bad_unwritten "bad_unwritten/bdy.nc: q at 2024-01-10T00:00:00Z, (cell, lev, species) = (0, 0, 0) in the file's indices: netCDF's default fill value: the variable was never written there" \
  -boundary_parent_files "$out/bad_unwritten/bdy.nc"
bad bad_tags "bad_tags/bdy.nc: tags at 2024-01-10T00:00:00Z, (cell, lev, species) = (7, 2, 4), tag 1 in the file's indices: larger than any mixing ratio (1e+30)" \
  -boundary_parent_files "$out/bad_tags/bdy.nc"
bad bad_time_nan "bad_time_nan/bdy.nc: time(1) is nan.\? *; expected a finite time in seconds since 1970-01-01" \
  -boundary_parent_files "$out/bad_time_nan/bdy.nc"
# Inconsistent files (item 15): a ring with a cell missing, a level missing, a repeated time.
mkdir -p "$out/bad_ring" "$out/bad_lev" "$out/bad_repeat"
"$PY" "$ROOT/tests/regression/nest_check.py" cut "$bdy" "$out/bad_ring/bdy.nc" cell
"$PY" "$ROOT/tests/regression/nest_check.py" cut "$bdy" "$out/bad_lev/bdy.nc" lev
t0=$("$PY" -c "from netCDF4 import Dataset; print(float(Dataset('$bdy')['time'][0]))")
"$PY" "$ROOT/tests/regression/nest_check.py" set "$bdy" "$out/bad_repeat/bdy.nc" time "$t0" 1
bad bad_ring "bad_ring/bdy.nc: the parent's cells ([0-9]*) hold none for the child's ghost cell" \
  -boundary_parent_files "$out/bad_ring/bdy.nc"
bad bad_lev "bad_lev/bdy.nc has 15 levels (dimension lev); this run's grid has 16 layers" -boundary_parent_files "$out/bad_lev/bdy.nc"
bad bad_repeat "bad_repeat/bdy.nc: time(1) = 2024-01-10T00:00:00Z does not follow the record before it (2024-01-10T00:00:00Z)" \
  -boundary_parent_files "$out/bad_repeat/bdy.nc"
bad bad_nx "bad_nx/bdy.nc holds boundary values for a child of 27 x 15 cells" -boundary_parent_files "$out/bad_nx/bdy.nc"
bad bad_start "were written for a child starting at parent cell (7, 4) with ratio 3; the run's domain file .*att9_domain.nc starts at (6, 4)" \
  -boundary_parent_files "$out/bad_start/bdy.nc"
bad bad_mix "bad_mix/b.nc does not have the layout (dimensions, PARENT_I_START, PARENT_J_START, PARENT_GRID_RATIO) of .*bad_mix/a.nc" \
  -boundary_parent_files "$out/bad_mix/*.nc"
bad bad_time "hold boundary values from 2024-01-10T00:00:00Z to 2024-01-10T06:00:00Z; this run goes from 2024-01-10T00:00:00Z to 2024-01-10T07:00:00Z" \
  -boundary_parent_files "$out/pv/pv_bdy_*.nc" -run_hours 7
bad bad_start_time "boundary_initial_file = '.*pui_init_20240110T0300Z.nc' holds the parent's state at 2024-01-10T03:00:00Z; this run starts at 2024-01-10T02:00:00Z" \
  -run_start 2024-01-10T02:00:00Z -run_hours 1 -boundary_parent_files "$out/pu/pu_bdy_*.nc" -boundary_initial_file "$out/pui/pui_init_20240110T0300Z.nc"
model bad_init_time 1 att27 "${parent[@]}" -nest_initial_time 2024-01-10T03:30:00Z
[ $? -ne 0 ] && grep -q "nest_initial_time = 2024-01-10T03:30:00Z is not an output time of this run (from 2024-01-10T00:00:00Z to 2024-01-10T06:00:00Z every 60 min)" "$out/bad_init_time.log"
ok $? "a parent asked for a start state between its output times is refused"
# A parent asked to write for a child whose domain file is not a nested one.
model bad_child 1 att27 -run_dt 900 -nest_child_domain_file "$out/att27_domain.nc"
rc=$?
[ $rc -ne 0 ] && grep -q "att27_domain.nc: no global attribute PARENT_I_START: not a nested domain file" "$out/bad_child.log" \
  && ! grep -q "mass kg:" "$out/bad_child.log"
ok $? "a parent given a child domain file that is not nested stops before its time loop (exit $rc)"
done_testing
