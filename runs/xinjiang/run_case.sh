#!/usr/bin/env bash
# The default Xinjiang winter case, end to end (what `make run` does):
#   1. the domains xj27 and ns9 from the shipped data (bin/bogda-grid);
#   2. the illustrative inventory (bin/bogda-inventory);
#   3. xj27 (27 km) from 5 days before the analysis period (its spin-up) to its end, writing ns9's
#      boundary values with their tags, and ns9's start state at the analysis start;
#   4. ns9 (9 km) nested in it over the analysis period only (5 whole Beijing days), starting from
#      xj27's state, tagged by the control units of the hotspots' prefectures, then swept back
#      from the mean PM2.5 of every zone and city with ADJOINT=namelists/adjoint_xinjiang.nml (off
#      by default: about 8 minutes more on 2 cores, 19 in all), and xj27 again, untagged,
#      sweeping back what ns9 took from it, so that every control unit of both domains gets its exact share
#      (postproc/adjoint_sources.py) and every shipped scenario is predicted exactly (without
#      ADJOINT from ns9's tags, those whose rules split a tag with bounds: bogda-predict -bounded);
#   5. the maps of the domains, the winds and profiles of the meteorology (postproc/plot_met.py),
#      the least-cost strategy for the default targets (bin/bogda-strategy,
#      namelists/strategy_xinjiang.nml; STRATEGY='' for none), the attribution report
#      (postproc/report.py, with the strategy's section and the evaluation against the published
#      winter observations of data/observations; OBSERVATIONS='' for none) and the public query
#      page of the units and of new projects (postproc/query_page.py, with bin/bogda-query's numbers).
# Usage: runs/xinjiang/run_case.sh [RUN_DIR]   (default runs/out/xinjiang_<UTC time>)
# Environment: NP (ranks, default: the number of cores), MPIEXEC (the launcher, split into words:
# "srun --mpi=pmix" works; default srun in a Slurm job, else mpiexec), PYTHON, ANALYSIS_START,
# HOURS (the analysis period, 120) and SPINUP_HOURS (72) to move or shorten it,
# and the parts of the case (DOMAINS, INVENTORY, OUTER, INNER, CASE, OUTER_NML, INNER_NML: see
# runs/xinjiang/case.sh). Exit status: 0 done, 3 a model run was stopped by SIGUSR1 or SIGTERM
# and can be resumed, 1 a step failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-/usr/bin/python3}
RUN=${1:-runs/out/xinjiang_$(date -u +%Y%m%dT%H%M%SZ)}
. runs/launch.sh
. runs/xinjiang/case.sh
launcher_init
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# One BLAS thread per rank (the model also asks OpenBLAS for it): results must not depend on it.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$RUN"
RUN=$(cd "$RUN" && pwd)
LOG=$RUN/run.log
stage() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$LOG"; }
start=$(date +%s)

stage "domains $OUTER and $INNER -> $RUN/domains"
case_domains "$RUN" >>"$LOG" 2>&1

if [ -n "$INVENTORY" ]; then
  stage "illustrative emission inventory -> $RUN/inventory"
  case_inventory "$RUN" >>"$LOG" 2>&1
  "$PYTHON" postproc/plot_inventory.py "$RUN/inventory" >>"$LOG" 2>&1 || stage "  (the inventory maps could not be drawn; see $LOG)"
fi

# Run the model, keep its whole log, show its progress lines; stop if the model fails or stops.
model() { # model outer|inner
  local name status=0
  case_args "$1" "$RUN"
  case $1 in outer) name=$OUTER ;; inner) name=$INNER ;; *) name=${OUTER}_handoff ;; esac
  launch_forwarding "$RUN/$name/$name.log" '^20|WARNING|ERROR|^stopped|^bogda' \
    "${MPIEXEC[@]}" -n "$NP" bin/bogda "${ARGS[@]}" || status=$?
  case $status in
    0) ;;
    3) echo "$name stopped (exit 3): rerun the model with -run_restart latest, see $RUN/$name/$name.log"; exit 3 ;;
    *) echo "$name failed (exit $status): see $RUN/$name/$name.log"; exit 1 ;;
  esac
}

stage "$OUTER on $NP ranks -> $RUN/$OUTER"
model outer

stage "$INNER (nested) on $NP ranks -> $RUN/$INNER"
model inner

# The backward runs (ADJOINT): the inner run has swept back from every zone and city; the outer
# run, repeated, credits what came in from it to its own sources; the tables combine both.
adjoint=()
if [ -n "$ADJOINT" ]; then
  stage "$OUTER again, backward from $INNER's hand-off -> $RUN/${OUTER}_handoff"
  model handoff
  stage "every control unit's share (backward runs) -> $RUN/$INNER/adjoint"
  mkdir -p "$RUN/$INNER/adjoint"
  if "$PYTHON" postproc/adjoint_sources.py --sources "$RUN/$INNER/${INNER}_adjoint_sources.csv" \
    --parent "$RUN/${OUTER}_handoff/${OUTER}_adjoint_sources.csv" --domain "$RUN/domains/${INNER}_domain.nc" \
    --outer-domain "$RUN/domains/${OUTER}_domain.nc" --out "$RUN/$INNER/adjoint" --start "$ANALYSIS_START" >>"$LOG" 2>&1; then
    adjoint=(--adjoint "$RUN/$INNER/adjoint")
    # Every shipped scenario predicted from the backward runs' table (exact: the model is linear).
    stage "the scenarios of runs/scenarios_xinjiang.nml predicted from it -> $RUN/$INNER/adjoint/scenarios.csv"
    scen=$(runs/split_scenarios.sh runs/scenarios_xinjiang.nml "$RUN/$INNER/adjoint/scenario_set") &&
      bin/bogda-predict -adjoint "$RUN/$INNER/adjoint/adjoint_sources.csv" -domain "$RUN/domains/${INNER}_domain.nc" \
        -outer_domain "$RUN/domains/${OUTER}_domain.nc" -scenarios "$(ls "$scen"/scenario_*.nml | paste -sd, -)" \
        -out "$RUN/$INNER/adjoint/scenarios.csv" >>"$LOG" 2>&1 &&
      adjoint+=(--scenarios "$RUN/$INNER/adjoint/scenarios.csv") || stage "  (no scenario predictions: see $LOG)"
  else
    stage "  (no unit tables from the backward runs: see $LOG)"
  fi
else
  # Without the backward runs, every shipped scenario is predicted from the inner run's tags:
  # exactly where a tag family resolves its rules, else with bounds (bogda-predict -bounded: the
  # tags that lump units the scenario treats differently, mostly the outer run's prefecture tags
  # in the inflow, weighted by the outer run's unit emissions); ADJOINT predicts those exactly.
  stage "the scenarios of runs/scenarios_xinjiang.nml predicted from the tags -> $RUN/$INNER/scenarios.csv"
  if scen=$(runs/split_scenarios.sh runs/scenarios_xinjiang.nml "$RUN/$INNER/scenario_set") &&
    bin/bogda-predict -run "$RUN/$INNER" -domain "$RUN/domains/${INNER}_domain.nc" \
      -scenarios "$(ls "$scen"/scenario_*.nml | paste -sd, -)" -bounded -parent_run "$RUN/$OUTER" \
      -outer_domain "$RUN/domains/${OUTER}_domain.nc" -out "$RUN/$INNER/scenarios.csv" 2>"$RUN/$INNER/scenarios.log"; then
    cat "$RUN/$INNER/scenarios.log" >>"$LOG"
    adjoint+=(--scenarios "$RUN/$INNER/scenarios.csv")
    sed -n 's/^bogda-predict: \([^ ]*\): no family resolves it exactly.*/\1/p' "$RUN/$INNER/scenarios.log" | while read -r name; do
      stage "  $name: the tags lump units it treats differently: predicted with bounds (ADJOINT=namelists/adjoint_xinjiang.nml predicts it exactly)"
    done
  else
    cat "$RUN/$INNER/scenarios.log" >>"$LOG" 2>/dev/null || true
    stage "  (no scenario predictions: see $LOG)"
  fi
fi

stage "maps of the domains"
"$PYTHON" postproc/plot_domain.py "$RUN/domains/${OUTER}_domain.nc" "$RUN/domains/${INNER}_domain.nc" -o "$RUN/domains" >>"$LOG" 2>&1 ||
  stage "  (the maps could not be drawn; see $LOG)"

stage "winds and profiles of the meteorology -> $RUN/$INNER/met"
"$PYTHON" postproc/plot_met.py "$RUN/$INNER/${INNER}_met.nc" --domain "$RUN/domains/${INNER}_domain.nc" -o "$RUN/$INNER/met" >>"$LOG" 2>&1 ||
  stage "  (the met pictures could not be drawn; see $LOG)"

# The least-cost plan for the default targets (namelists/strategy_xinjiang.nml; STRATEGY='' for
# none), from the inner run's tags: the report and the query page show it.
STRATEGY=${STRATEGY-namelists/strategy_xinjiang.nml}
strategy=()
if [ -n "$STRATEGY" ] && [ -x bin/bogda-strategy ]; then
  stage "least-cost strategy ($STRATEGY) -> $RUN/$INNER/strategy"
  mkdir -p "$RUN/$INNER/strategy"
  # From the backward runs' table when there is one (every unit a decision variable), else the tags.
  strategy_src=(-run "$RUN/$INNER")
  if [ -s "$RUN/$INNER/adjoint/adjoint_sources.csv" ]; then
    strategy_src=(-adjoint "$RUN/$INNER/adjoint/adjoint_sources.csv" -adjoint_start "$ANALYSIS_START")
    [ -e "$RUN/domains/${OUTER}_domain.nc" ] && strategy_src+=(-outer_domain "$RUN/domains/${OUTER}_domain.nc")
  fi
  if bin/bogda-strategy "${strategy_src[@]}" -domain "$RUN/domains/${INNER}_domain.nc" -strategy "$STRATEGY" \
    -out "$RUN/$INNER/strategy" >>"$LOG" 2>&1 && "$PYTHON" postproc/plot_strategy.py "$RUN/$INNER/strategy" >>"$LOG" 2>&1 &&
    "$PYTHON" postproc/strategy_report.py "$RUN/$INNER/strategy" >>"$LOG" 2>&1; then
    strategy=(--strategy "$RUN/$INNER/strategy")
  else
    stage "  (no strategy: see $LOG)"
  fi
fi

# The evaluation against station observations (docs/observations.md; OBSERVATIONS='' for none).
OBSERVATIONS=${OBSERVATIONS-data/observations/xinjiang_winter_published.csv}
observations=()
[ -n "$OBSERVATIONS" ] && observations=(--observations "$OBSERVATIONS")
stage "attribution report${OBSERVATIONS:+ (evaluated against $OBSERVATIONS)}"
if [ -f postproc/report.py ]; then
  if "$PYTHON" postproc/report.py "$RUN/$INNER" --domain "$RUN/domains/${INNER}_domain.nc" "${strategy[@]}" "${adjoint[@]}" "${observations[@]}" >>"$LOG" 2>&1; then
    # What the spin-up left of the starting air (at most 1 % expected; the report warns above).
    left=$(grep -E "^(starting air left|report.py: warning: more than)" "$LOG" | tail -n 2)
    [ -z "$left" ] || while IFS= read -r line; do stage "  $line"; done <<<"$left"
  else
    stage "  (the report failed; see $LOG)"
  fi
fi
stage "query page (units and new projects)"
# With the backward runs, the page's project form answers from the inner run's footprints (a
# surface project's own cell), as bin/bogda-query -footprints does.
footprints=()
[ -s "$RUN/$INNER/${INNER}_adjoint_footprints.nc" ] && footprints=(--footprints "$RUN/$INNER/${INNER}_adjoint_footprints.nc")
if [ -f postproc/query_page.py ]; then
  "$PYTHON" postproc/query_page.py "$RUN/$INNER" --domain "$RUN/domains/${INNER}_domain.nc" "${footprints[@]}" >>"$LOG" 2>&1 ||
    stage "  (the query page has no model numbers or failed; see $LOG)"
fi
stage "done in $(( $(date +%s) - start )) s"
if [ -f "$RUN/$INNER/report/index.html" ]; then
  echo "report: $RUN/$INNER/report/index.html"
else
  echo "outputs: $RUN (no report)"
fi
if [ -f "$RUN/$INNER/query/index.html" ]; then
  echo "query page: $RUN/$INNER/query/index.html (or: cd $RUN/$INNER && python3 -m http.server, then /query/)"
fi
