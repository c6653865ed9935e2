#!/usr/bin/env bash
# The default Xinjiang winter case, end to end (what `make run` does):
#   1. the domains xj27 and ns9 from the shipped data (bin/bogda-grid);
#   2. the illustrative inventory (bin/bogda-inventory);
#   3. xj27 (27 km), writing ns9's boundary values with their tags;
#   4. ns9 (9 km) nested in it, tagged by the control units of the hotspots' prefectures;
#   5. the maps of the domains, the winds and profiles of the meteorology (postproc/plot_met.py),
#      and the attribution report (postproc/report.py).
# Usage: runs/xinjiang/run_case.sh [RUN_DIR]   (default runs/out/xinjiang_<UTC time>)
# Environment: NP (ranks, default: the number of cores), MPIEXEC, PYTHON, HOURS (to shorten).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
NP=${NP:-$(nproc 2>/dev/null || echo 2)}
MPIEXEC=${MPIEXEC:-mpiexec}
PYTHON=${PYTHON:-/usr/bin/python3}
RUN=${1:-runs/out/xinjiang_$(date -u +%Y%m%dT%H%M%SZ)}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# One BLAS thread per rank (the model also asks OpenBLAS for it): results must not depend on it.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$RUN"/domains "$RUN"/inventory "$RUN"/xj27 "$RUN"/ns9
RUN=$(cd "$RUN" && pwd)
LOG=$RUN/run.log
EXTRA=()
[ -n "${HOURS:-}" ] && EXTRA=(-run_hours "$HOURS")
stage() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$LOG"; }
start=$(date +%s)

stage "domains xj27 and ns9 -> $RUN/domains"
"$MPIEXEC" -n "$NP" bin/bogda-grid -namelist namelists/domains.nml -out "$RUN/domains" >>"$LOG" 2>&1

stage "illustrative emission inventory -> $RUN/inventory"
bin/bogda-inventory -namelist namelists/domains.nml -inventory namelists/inventory.nml -out "$RUN/inventory" >>"$LOG" 2>&1

"$PYTHON" postproc/plot_inventory.py "$RUN/inventory" >>"$LOG" 2>&1 || stage "  (the inventory maps could not be drawn; see $LOG)"

common=(-emissions_gridded_file "$RUN/inventory/xinjiang_inventory.nc" -emissions_points_file "$RUN/inventory/xinjiang_points.csv")
# Run the model, keep its whole log, show its progress lines; fail if the model fails.
model() { # model NAME ARGS...
  local name=$1 status; shift
  set +e
  "$MPIEXEC" -n "$NP" bin/bogda "$@" 2>&1 | tee "$RUN/$name/$name.log" | grep --line-buffered -E '^20|WARNING|ERROR|^bogda'
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || { echo "$name failed: see $RUN/$name/$name.log"; exit 1; }
}

stage "xj27 (27 km) on $NP ranks -> $RUN/xj27"
model xj27 -namelist namelists/xinjiang.nml,namelists/episode_winter.nml,namelists/xj27.nml \
  -run_output_dir "$RUN/xj27" -run_domain_file "$RUN/domains/xj27_domain.nc" \
  -nest_child_domain_file "$RUN/domains/ns9_domain.nc" "${common[@]}" "${EXTRA[@]}"

stage "ns9 (9 km, nested) on $NP ranks -> $RUN/ns9"
model ns9 -namelist namelists/xinjiang.nml,namelists/episode_winter.nml,namelists/ns9.nml \
  -run_output_dir "$RUN/ns9" -run_domain_file "$RUN/domains/ns9_domain.nc" \
  -boundary_parent_files "$RUN/xj27/xj27_bdy_*.nc" -met_output "$RUN/ns9/ns9_met.nc" -met_output_interval 7200 \
  "${common[@]}" "${EXTRA[@]}"

stage "maps of the domains"
"$PYTHON" postproc/plot_domain.py "$RUN/domains/xj27_domain.nc" "$RUN/domains/ns9_domain.nc" -o "$RUN/domains" >>"$LOG" 2>&1 ||
  stage "  (the maps could not be drawn; see $LOG)"

stage "winds and profiles of the meteorology -> $RUN/ns9/met"
"$PYTHON" postproc/plot_met.py "$RUN/ns9/ns9_met.nc" --domain "$RUN/domains/ns9_domain.nc" -o "$RUN/ns9/met" >>"$LOG" 2>&1 ||
  stage "  (the met pictures could not be drawn; see $LOG)"

stage "attribution report"
if [ -f postproc/report.py ]; then
  "$PYTHON" postproc/report.py "$RUN/ns9" --domain "$RUN/domains/ns9_domain.nc" >>"$LOG" 2>&1 || stage "  (the report failed; see $LOG)"
fi
stage "done in $(( $(date +%s) - start )) s"
if [ -f "$RUN/ns9/report/index.html" ]; then
  echo "report: $RUN/ns9/report/index.html"
else
  echo "outputs: $RUN (no report)"
fi
