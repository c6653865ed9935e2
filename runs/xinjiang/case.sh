# shellcheck shell=bash
# The default Xinjiang case, for the scripts that run it (runs/xinjiang/run_case.sh and the jobs
# in runs/slurm/; source it from the repository's root, bash): what the case is made of, each
# part a variable the environment may set, and the steps that build and run it.
#   DOMAINS     bogda-grid namelist of the outer domain and the one nested in it
#                                                          (namelists/domains.nml)
#   INVENTORY   bogda-inventory namelist of the emission inventory ('' for none: the emission
#               files the namelists name, if any, apply)    (namelists/inventory.nml)
#   OUTER, INNER  the two domains' names: their files are RUN/domains/<name>_domain.nc, their
#               runs RUN/<name>/<name>_*                     (xj27, ns9)
#   CASE        namelists of both runs, comma-separated     (namelists/xinjiang.nml,
#                                                            namelists/winter_jan2024.nml)
#   OUTER_NML, INNER_NML  each run's own namelist            (namelists/xj27.nml, namelists/ns9.nml)
#   ANALYSIS_START  UTC start of the analysis period, which the inner run simulates
#                                                  (2024-01-12T16:00:00Z: 13 January 00:00 UTC+8)
#   HOURS       hours of the analysis period                 (120: 5 whole Beijing days)
#   SPINUP_HOURS  hours the outer run starts before it; at the analysis start the outer run
#               writes the inner one's start state, tags included            (120)
#   ADJOINT     namelist of the inner run's backward runs (namelists/adjoint_xinjiang.nml; ''
#               for none): the inner run then writes its sensitivities to the outer run's
#               records, and the outer run is repeated (untagged, into RUN/<outer>_handoff) to
#               credit them. Off by default in make run: on 2 cores the two backward runs add
#               about 11 minutes to its 14; on in runs/slurm/xinjiang_case.sbatch     ('')
#   NP          ranks (default: SLURM_NTASKS in a job, else the number of cores)
DOMAINS=${DOMAINS:-namelists/domains.nml}
INVENTORY=${INVENTORY-namelists/inventory.nml}
OUTER=${OUTER:-xj27}
INNER=${INNER:-ns9}
CASE=${CASE:-namelists/xinjiang.nml,namelists/winter_jan2024.nml}
ANALYSIS_START=${ANALYSIS_START:-2024-01-12T16:00:00Z}
HOURS=${HOURS:-120}
SPINUP_HOURS=${SPINUP_HOURS:-120}
OUTER_NML=${OUTER_NML:-namelists/xj27.nml}
INNER_NML=${INNER_NML:-namelists/ns9.nml}
ADJOINT=${ADJOINT-}
NP=${NP:-${SLURM_NTASKS:-$(nproc 2>/dev/null || echo 2)}}

# case_domains RUN: the two domains in RUN/domains (through $MPIEXEC: see runs/launch.sh).
case_domains() {
  mkdir -p "$1/domains"
  "${MPIEXEC[@]}" -n "$NP" bin/bogda-grid -namelist "$DOMAINS" -out "$1/domains"
}

# case_inventory RUN: the emission inventory in RUN/inventory (nothing without INVENTORY).
case_inventory() {
  mkdir -p "$1/inventory"
  [ -z "$INVENTORY" ] || bin/bogda-inventory -namelist "$DOMAINS" -inventory "$INVENTORY" -out "$1/inventory"
}

# case_args outer|inner|handoff RUN: the model's arguments for that run into the array ARGS:
# namelists, output folder RUN/<name>, domain file; the outer run writes the inner domain's
# boundary files, the inner one reads them and writes its meteorology (RUN/<name>/<name>_met.nc)
# and, with ADJOINT, its sensitivities to them; handoff is the outer run again, untagged, into
# RUN/<outer>_handoff, sweeping those back (adjoint_handoff_file).
case_args() {
  local run=$2
  case $1 in
    handoff)
      ARGS=(-namelist "$CASE,$OUTER_NML" -run_name "$OUTER" -run_output_dir "$run/${OUTER}_handoff"
        -run_domain_file "$run/domains/${OUTER}_domain.nc" -nest_child_domain_file "$run/domains/${INNER}_domain.nc"
        -tags_enabled false -adjoint_enabled -adjoint_handoff_file "$run/$INNER/${INNER}_adjoint_handoff.nc"
        -adjoint_snapshot_steps 28) ;;
    outer)
      ARGS=(-namelist "$CASE,$OUTER_NML" -run_name "$OUTER" -run_output_dir "$run/$OUTER"
        -run_domain_file "$run/domains/${OUTER}_domain.nc" -nest_child_domain_file "$run/domains/${INNER}_domain.nc") ;;
    inner)
      ARGS=(-namelist "$CASE,$INNER_NML${ADJOINT:+,$ADJOINT}" -run_name "$INNER" -run_output_dir "$run/$INNER"
        -run_domain_file "$run/domains/${INNER}_domain.nc" -boundary_parent_files "$run/$OUTER/${OUTER}_bdy_*.nc"
        -met_output "$run/$INNER/${INNER}_met.nc" -met_output_interval 0) ;;
    *) echo "case_args: outer or inner, not '$1'" >&2; return 1 ;;
  esac
  if [ -n "$INVENTORY" ]; then
    ARGS+=(-emissions_gridded_file "$run/inventory/xinjiang_inventory.nc" -emissions_points_file "$run/inventory/xinjiang_points.csv")
  fi
  local at=${ANALYSIS_START/T/ } stamp
  stamp=$(date -u -d "$at" +%Y%m%dT%H%MZ)
  case $1 in
    outer | handoff) ARGS+=(-run_start "$(date -u -d "$at - $SPINUP_HOURS hours" +%Y-%m-%dT%H:%M:%SZ)"
        -run_hours $((SPINUP_HOURS + HOURS)) -nest_initial_time "$ANALYSIS_START") ;;
    inner) ARGS+=(-run_start "$ANALYSIS_START" -run_hours "$HOURS"
        -boundary_initial_file "$run/$OUTER/${OUTER}_init_$stamp.nc") ;;
  esac
  case $1 in
    outer) mkdir -p "$run/$OUTER" ;;
    inner) mkdir -p "$run/$INNER" ;;
    handoff) mkdir -p "$run/${OUTER}_handoff" ;;
  esac
}
