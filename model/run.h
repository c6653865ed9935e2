#pragma once
#include <stdio.h>
/* A model run: set-up from the options database (namelists already loaded), the time loop over
   synchronisation steps, output, checkpoints, and tear-down. */
#include <stdio.h>
#include <petscsys.h>

/* Run the case configured in the options database; with only_setup, read and check the whole
   configuration (so -help lists every key) and stop before the time loop. Collective on comm. */
PetscErrorCode run_case(MPI_Comm comm, PetscBool only_setup);

/* The Markdown reference of the &run group (for the generated namelist reference). */
PetscErrorCode run_reference(FILE *fp);

/* Print the Markdown reference of every namelist group of the model (generated docs). Not
   collective. */
PetscErrorCode run_namelist_reference(FILE *fp);
