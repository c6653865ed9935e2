#pragma once
/* A model run: set-up from the options database (namelists already loaded), the time loop over
   synchronisation steps, output, checkpoints, and tear-down. */
#include <petscsys.h>
#include "base/param.h"

/* Run the case configured in the options database: check every group and key, read and check
   every input, then (and only then) take the output folder and write; ends with the line
   "bogda: run NAME completed: ...". Collective on comm. */
PetscErrorCode run_case(MPI_Comm comm);

/* The &run namelist group (for the registry's list of groups). */
extern const ParamGroup run_group;
