/* Requests to stop a run early (see stop.h). SA_RESTART: a read or a write the signal interrupts
   goes on, so no NetCDF or MPI call sees EINTR; the flag is looked at between steps only. */
#include "model/stop.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The signal that asked the run to stop, 0 if none. */
static volatile sig_atomic_t stop_signal = 0;

static void catch_signal(int sig)
{
  stop_signal = sig;
}

PetscErrorCode stop_catch(StopSignals *s)
{
  struct sigaction sa;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&sa, sizeof(sa)));
  sa.sa_handler = catch_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  PetscCheck(!sigaction(SIGUSR1, &sa, &s->old[0]) && !sigaction(SIGTERM, &sa, &s->old[1]),
             PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot catch SIGUSR1 and SIGTERM: %s",
             strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode stop_asked(MPI_Comm comm, PetscBool wall_over, int *why)
{
  int local[2] = {stop_signal == SIGTERM ? 2 : (stop_signal ? 1 : 0), wall_over ? 1 : 0}, all[2];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(local, all, 2, MPI_INT, MPI_MAX, comm));
  *why = all[0] == 2 ? SIGTERM : (all[0] == 1 ? SIGUSR1 : (all[1] ? STOP_WALL : STOP_NONE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void stop_cause(int why, PetscReal wall_hours, char *buf, size_t len)
{
  if (why == STOP_WALL)
    snprintf(buf, len, "run_wall_hours = %g", (double)wall_hours);
  else if (why == STOP_STEPS)
    snprintf(buf, len, "adjoint_stop_steps");
  else
    snprintf(buf, len, "signal %s", why == SIGTERM ? "TERM" : "USR1");
}
