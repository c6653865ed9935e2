#!/usr/bin/env bash
# Title: a backward run in a nested child (issue 15, item 2: the inflow from a parent's files)
# Description: the att27/att9 pair of nest.sh with the WCS receptor added to the child's domain
#   file; the parent runs the attribution case (emissions, unit, sector and stack tags) and writes
#   the child's boundary files; the child, reading them, runs forward and backward for PM2.5 and
#   SO4 at WCS. The child's inflow carries the parent's tags (mapped by label), so the boundary
#   fill's transpose credits it to them: every tag's adjoint contribution must still equal the
#   forward tag's window mean, and each family's sum J.
# Command: tests/regression/adjoint_nest.sh
# Tolerance: as adjoint.sh: tags 1e-10 of J (and of the tag itself above 1e-12 J), sums 1e-12.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch adjoint_nest)
check() { "$PY" "$ROOT/tests/regression/adjoint_check.py" "$@"; }
cat "$ROOT/tests/regression/nest/domain.nml" - >"$dir/domain.nml" <<'EOF'
&receptor
  name = 'WCS'
  name_zh = '乌-昌-石'
  name_en = 'Urumqi-Changji-Shihezi'
  cities = 'WCS: Urumqi; Changji; Fukang; Hutubi; Manas; Shawan; Wujiaqu; Shihezi'
/
EOF
"$BIN/bogda-grid" -namelist "$dir/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 and its child att9 (with the WCS receptor) built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "inventory built"
model() { # model NAME DOMAIN [options...]
  local name=$1 dom=$2; shift 2
  mkdir -p "$dir/$name"
  "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
    -run_name "$name" -run_output_dir "$dir/$name" -run_domain_file "$dir/${dom}_domain.nc" \
    -emissions_gridded_file "$dir/xinjiang_inventory.nc" -emissions_points_file "$dir/xinjiang_points.csv" \
    -run_hours 2 -run_closure_every_process false "$@" >"$dir/$name.log" 2>&1
}
model p att27 -nest_child_domain_file "$dir/att9_domain.nc"; ok $? "parent: 2 h, boundary files for att9"
model c att9 -run_dt 300 -boundary_parent_files "$dir/p/p_bdy_*.nc" -adjoint_enabled -adjoint_receptors WCS,WCS \
  -adjoint_species pm25,so4 -adjoint_window_end 2,1
ok $? "child: 2 h forward and backward from its parent's boundary files"
out=$(check tags "$dir/c"); ok $? "every tag's adjoint contribution equals the forward tag's window mean: $out"
out=$(check sums "$dir/c"); ok $? "each family's contributions sum to J: $out"
done_testing
