#!/usr/bin/env bash
# Title: mass budgets close (issue 5)
# Description: the run's own budget (model/run.c, "budget closure" lines): for every species the
#   change of the mass in the air equals emitted - dry deposited - wet deposited + produced -
#   converted + inflow - outflow. Two cases, with every process on and rain falling so that wet
#   scavenging works too:
#   a closed box (the idealised case in still air: nothing crosses the boundaries), and
#   an open domain (the att27 test domain over real terrain with the diagnostic winter met, the
#   illustrative inventory, inflow and outflow on every side).
# Expect: the largest relative residual under 1e-10; every budget term that the case exercises
#   is non-zero, so the check cannot pass by having nothing to balance.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch budget)
residual() { grep -oE 'largest relative residual [0-9.e+-]+' "$1" | awk '{print $4}'; }
term() { # term LOG SPECIES FIELD(start end in out): the value printed for the species
  awk -v s="$2" -v f="$3" '$1 == "budget" && $2 == "closure" && $3 == s {
    for (i = 4; i < NF; i++) if ($i == f) print $(i + 1) }' "$1"
}
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 < b + 0) }'; }
positive() { awk -v a="$1" 'BEGIN { exit !(a != "" && a + 0 > 0) }'; }

# Closed box: no wind, a steady density (so no vertical motion either), rain and cloud water, all seven processes.
mkdir -p "$dir/box"
mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/tests/regression/idealised/case.nml" -run_output_dir "$dir/box" \
  -met_analytic_flow uniform -met_analytic_u0 0 -met_analytic_v0 0 -met_analytic_precip 2 -met_analytic_rho_amplitude 0 \
  -met_analytic_cloud_water 3e-4 -run_hours 6 >"$dir/box.log" 2>&1
ok $? "closed box: 6 h with every process and rain"
r=$(residual "$dir/box.log"); below "$r" 1e-10; ok $? "closed box: largest relative budget residual $r (limit 1e-10)"
grep -E '^(so2|ppm25) ' "$dir/box.log" | awk '{ if ($2 <= 0 || $3 <= 0 || $4 <= 0) bad = 1; if ($7 != 0 || $8 != 0) bad = 1 } END { exit bad }'
ok $? "closed box: SO2 and PM2.5 emitted, dry and wet deposited, nothing in or out"
grep -E '^so4 ' "$dir/box.log" | awk '{ exit !($5 > 0) }'; ok $? "closed box: sulfate produced from SO2"

# Open domain over real terrain.
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "inventory built"
mkdir -p "$dir/open"
mpirun_n 2 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
  -run_output_dir "$dir/open" -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
  -emissions_points_file "$dir/xinjiang_points.csv" -met_diagnostic_precip 1,1,1,1,1 \
  -met_diagnostic_cloud_base 300,300,300,300,300 -met_diagnostic_cloud_top 3000,3000,3000,3000,3000 \
  -met_diagnostic_cloud_water 2e-4,2e-4,2e-4,2e-4,2e-4 -run_hours 6 >"$dir/open.log" 2>&1
ok $? "open domain: 6 h of the winter episode with snow falling"
r=$(residual "$dir/open.log"); below "$r" 1e-10; ok $? "open domain: largest relative budget residual $r (limit 1e-10)"
grep -E '^(so2|ppm25) ' "$dir/open.log" | awk '{ if ($2 <= 0 || $3 <= 0 || $4 <= 0 || $7 <= 0 || $8 <= 0) bad = 1 } END { exit bad }'
ok $? "open domain: emitted, dry and wet deposited, inflow and outflow all at work"
for s in so2 nox ppm25; do
  a=$(term "$dir/open.log" "$s" start); b=$(term "$dir/open.log" "$s" end)
  positive "$a" && positive "$b"; ok $? "open domain: $s mass at start $a kg and end $b kg"
done
done_testing
