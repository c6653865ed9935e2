#pragma once
/* What a run's files say about its inputs: once every namelist group is read, the run records
   (base/provenance.h notes) the meteorology it runs on (and whether it is diagnostic, analytic or
   WRF output), its emissions, its domain file, its boundary files and the effective namelist
   written beside its outputs, so that every file it writes (history, receptor series, met output,
   boundary files) names them, with paths relative to the run folder or as basenames. */
#include <petscsys.h>

/* Record the notes from the effective configuration (base/namelist.h); output_dir and name are
   run_output_dir and run_name. Not collective (every rank records the same). */
PetscErrorCode run_provenance_record(const char *output_dir, const char *name);
