# shellcheck shell=bash
# Starting the model's ranks, for the scripts in runs/ (source it; bash).
#   launcher_init        sets the array MPIEXEC, the MPI launcher as words:
#                          $MPIEXEC if set (split into words: MPIEXEC="srun --mpi=pmix" works),
#                          else srun inside a Slurm job (SLURM_JOB_ID set) when srun is there,
#                          else mpiexec, else mpirun;
#                        and makes this shell catch SIGUSR1 and SIGTERM from then on (a batch
#                        shell is not to die of the warning meant for the model);
#   launch_forwarding LOG FILTER CMD...
#                        runs CMD in the background, its output appended to LOG and the lines
#                        matching the extended regex FILTER shown, and waits for it; a SIGUSR1 or
#                        SIGTERM this shell gets meanwhile is passed on to CMD as SIGUSR1, which
#                        srun and mpiexec hand to every rank. Returns CMD's exit status; if the
#                        signal came before CMD was started, CMD is not started and the status
#                        is 3 (the model's "stopped: resume").
# Why forward: Slurm's --signal=B:USR1@300 signals the batch shell only, and a shell runs a trap
# only once its foreground command has ended, so the command must run in the background. Why
# always SIGUSR1: mpiexec (Open MPI) answers a SIGTERM by ending the job with its own status 1,
# which would hide the model's status 3; SIGUSR1 it forwards and waits. (At the time limit
# Slurm also sends SIGTERM to every process of the job itself; the model takes it the same way.)

LAUNCH_SIGNALLED=''
LAUNCH_PID=''

launch_on_signal() {
  LAUNCH_SIGNALLED=1
  [ -z "$LAUNCH_PID" ] || kill -USR1 "$LAUNCH_PID" 2>/dev/null || true
}

launcher_init() {
  if [ -n "${MPIEXEC:-}" ]; then
    read -ra MPIEXEC <<<"$MPIEXEC"
  elif [ -n "${SLURM_JOB_ID:-}" ] && command -v srun >/dev/null 2>&1; then
    MPIEXEC=(srun)
  elif command -v mpiexec >/dev/null 2>&1; then
    MPIEXEC=(mpiexec)
  else
    MPIEXEC=(mpirun)
  fi
  trap launch_on_signal USR1 TERM
}

launch_forwarding() { # launch_forwarding LOG FILTER CMD...
  local log=$1 filter=$2 fifo show status again
  shift 2
  if [ -n "$LAUNCH_SIGNALLED" ]; then
    echo "signalled before the model started: not starting it" | tee -a "$log"
    return 3
  fi
  # Through a named pipe, so that the output's reader is a job of this shell that can be waited
  # for (the log is complete when this returns), with any bash.
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/bogda-launch.XXXXXX")
  mkfifo -m 600 "$fifo" || return 1
  tee -a "$log" <"$fifo" | grep --line-buffered -E "$filter" &
  show=$!
  "$@" >"$fifo" 2>&1 &
  LAUNCH_PID=$!
  [ -z "$LAUNCH_SIGNALLED" ] || kill -USR1 "$LAUNCH_PID" 2>/dev/null || true
  while :; do
    if wait "$LAUNCH_PID"; then status=0; else status=$?; fi
    kill -0 "$LAUNCH_PID" 2>/dev/null || break # still running: the wait was cut short by a signal
  done
  # A wait cut short just as CMD ended: bash has kept its status for one more wait (127: none).
  if [ "$status" -gt 128 ]; then
    if wait "$LAUNCH_PID" 2>/dev/null; then status=0; else
      again=$?
      [ "$again" -eq 127 ] || status=$again
    fi
  fi
  LAUNCH_PID=''
  wait "$show" || true
  rm -f "$fifo"
  return "$status"
}
