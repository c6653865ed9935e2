#pragma once
/* A model run: set-up from the options database (namelists already loaded), the time loop over
   synchronisation steps, output, checkpoints, and tear-down. */
#include <petscsys.h>
#include "base/param.h"

/* The exit status of a run that stopped before its end, on SIGUSR1 or SIGTERM or when
   run_wall_hours ran out, after writing a checkpoint: resume it with run_restart = 'latest'.
   A complete run exits 0; an error exits with another non-zero status. */
#define RUN_EXIT_RESUME 3

/* Run the case configured in the options database: check every group and key, read and check
   every input, then (and only then) take the output folder and write; ends with the line
   "bogda: run NAME completed: ...". While the run lasts, SIGUSR1 and SIGTERM are caught: the
   run then stops at the end of the step (of the output interval with hourly-mean receptor
   series), writes a checkpoint and keeps its open outputs as partial files for the run that
   resumes it, and this process ends (PetscFinalize, then exit status RUN_EXIT_RESUME) without
   returning. Collective on comm. */
PetscErrorCode run_case(MPI_Comm comm);

/* The &run namelist group (for the registry's list of groups). */
extern const ParamGroup run_group;
