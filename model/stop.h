#pragma once
/* Requests to stop a run before its end: SIGUSR1 and SIGTERM, what batch systems send before the
   wall-time limit (Slurm: --signal, and SIGTERM at the limit), and the wall-clock limit
   run_wall_hours. The signal handler only records the signal; the time loop asks at each step
   boundary, and every rank gets the same answer. */
#include <signal.h>
#include <petscsys.h>

/* Why a run stops early: a signal's number (SIGUSR1, SIGTERM), STOP_WALL (run_wall_hours), or
   STOP_STEPS (adjoint_stop_steps, a test's way to stop a backward sweep at a known step). */
enum { STOP_NONE = 0, STOP_WALL = 1000, STOP_STEPS = 1001 };

/* The signal dispositions stop_catch replaced. */
typedef struct {
  struct sigaction old[2];
} StopSignals;

/* Catch SIGUSR1 and SIGTERM from now on, keeping the old dispositions in s. Not collective. */
PetscErrorCode stop_catch(StopSignals *s);

/* The dispositions are not given back: a signal arriving after the last step must not kill a
   complete run (model/run.c). */

/* Whether a rank of comm was asked to stop: *why is the signal one got (SIGTERM before SIGUSR1),
   else STOP_WALL if wall_over holds on one, else STOP_NONE. Collective: the same on every rank. */
PetscErrorCode stop_asked(MPI_Comm comm, PetscBool wall_over, int *why);

/* What why names, for the log: "signal USR1", "signal TERM", "run_wall_hours = 2",
   "adjoint_stop_steps". */
void stop_cause(int why, PetscReal wall_hours, char *buf, size_t len);
