# shellcheck shell=bash disable=SC2034 # CHAIN_STATUS is read by the job that sources this
# Chains of batch jobs, for the jobs in runs/slurm/ (source it after runs/launch.sh; bash). A job
# of a chain runs the model until the run is complete or the job's time is nearly up: Slurm's
# warning (#SBATCH --signal=B:USR1@300) reaches the model, which writes a checkpoint, keeps its
# open outputs as partial files and exits with status 3. The job then submits the next job of the
# chain itself (sbatch --dependency=afterok on this job), which resumes from that checkpoint with
# the same bits as an unbroken run. So a chain ends by itself: when the run is complete, when it
# has failed (a set-up error, a crash: nothing more is submitted and the job fails), or after
# CHAIN_MAX jobs (default 20). Each job adds a line to RUN/chain.log. A job exits 0 when it has
# done its part (the run complete, or stopped and the next job submitted) and 1 when the model
# failed, so Slurm's accounting shows where a chain ended.
#   chain_model OUT ARGS...   run bin/bogda ARGS on NP ranks, ARGS writing to the folder OUT (log
#                             OUT/model.log), resuming from OUT's newest checkpoint if it has one
#                             (ARGS do not set run_restart); sets CHAIN_STATUS to complete (and
#                             writes OUT/chain_complete; a run found complete is not run again),
#                             stopped or failed
#   chain_next SCRIPT ARGS... submit the next job of the chain (CHAIN_JOB counts them)
#   chain_note TEXT           a line in RUN/chain.log, and on the job's output

CHAIN_JOB=${CHAIN_JOB:-1}
CHAIN_MAX=${CHAIN_MAX:-20}
CHAIN_STATUS=

chain_note() {
  printf '%s  job %s (%s of the chain): %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SLURM_JOB_ID:-manual}" \
    "$CHAIN_JOB" "$*" | tee -a "$RUN/chain.log"
}

chain_model() { # chain_model OUT ARGS...
  local out=$1 restart='' status=0 size
  shift
  mkdir -p "$out"
  if [ -e "$out/chain_complete" ]; then
    CHAIN_STATUS=complete
    return 0
  fi
  if ls "$out"/*_checkpoint_*.bin >/dev/null 2>&1; then restart=latest; fi
  touch "$out/model.log"
  size=$(wc -c <"$out/model.log")
  launch_forwarding "$out/model.log" '^20|WARNING|ERROR|^stopped|^restarting' \
    "${MPIEXEC[@]}" -n "$NP" bin/bogda "$@" -run_restart "$restart" || status=$?
  if [ "$status" -eq 0 ]; then
    CHAIN_STATUS=complete
    chain_note "the run in $out is complete"
    date -u +%Y-%m-%dT%H:%M:%SZ >"$out/chain_complete"
  elif [ "$status" -eq 3 ] || tail -c +"$((size + 1))" "$out/model.log" | grep -q '^stopped by .*resume with'; then
    # The model's own line counts too, for a launcher that reports a status of its own.
    CHAIN_STATUS=stopped
  else
    CHAIN_STATUS=failed
    chain_note "the model failed (exit $status): see $out/model.log"
  fi
}

chain_next() { # chain_next SCRIPT ARGS...
  local id
  if [ "$CHAIN_JOB" -ge "$CHAIN_MAX" ]; then
    chain_note "CHAIN_MAX = $CHAIN_MAX jobs done and the run is not complete: submit the chain again to go on"
    return 1
  fi
  if [ -z "${SLURM_JOB_ID:-}" ]; then
    chain_note "not a Slurm job: run the same command again to go on"
    return 3
  fi
  id=$(CHAIN_JOB=$((CHAIN_JOB + 1)) sbatch --parsable --dependency="afterok:$SLURM_JOB_ID" "$@")
  chain_note "submitted job ${id%%;*} to go on after this one"
}
