#pragma once
/* What a run writes as it goes: concentrations (surface and optionally 3D) of the chosen
   species and PM2.5 in ug m-3, accumulated deposition, optional surface tag fields, the closure
   deviation, as CF-NetCDF files that are rotated at every checkpoint, so that a killed run
   leaves only complete files behind (the current one stays "*.tmp"). */
#include "model/state.h"
#include "model/met/met.h"
#include "model/tags.h"
#include "base/param.h"
#include "model/output/partial.h"

typedef struct History History;

/* Read the &output group and prepare; no file is created yet. Collective. */
PetscErrorCode history_create(MPI_Comm comm, const Grid *g, const State *st, const Tags *tags,
                              const char *dir, const char *name, History **h);
/* Destroy (closing any open file); no-op on NULL. Collective. */
PetscErrorCode history_destroy(History **h);
/* Open the files of the segment starting at t. Collective. */
PetscErrorCode history_open(History *h, PetscReal t);
/* Add the concentrations at the end of the step just taken to the interval's mean (every step;
   nothing with output_averaging = 'instant'). Not collective. */
PetscErrorCode history_accumulate(History *h, const Met *met);
/* Whether the records are interval means (a stopped run must stop at a record time). */
PetscBool history_means(const History *h);
/* Write a record at t: the interval's mean, or the state at t ('instant': met gives the air
   density for the conversion to ug m-3). Collective. */
PetscErrorCode history_write(History *h, PetscReal t, const Met *met, const PetscReal *budget);
/* Record the largest closure deviation since the last record (written with it). */
PetscErrorCode history_closure(History *h, PetscReal deviation);
/* Close the segment's files (renaming them to their final names). Collective. */
PetscErrorCode history_close(History *h);
/* Close the segment's files as partial outputs up to t, for a run resuming from the checkpoint
   at t (model/output/partial.h). Collective. */
PetscErrorCode history_close_partial(History *h, PetscReal t);
/* Instead of history_open, for a run resuming at t from a checkpoint a stopped run wrote: open
   the segment starting at t0 that run left partial, with its records up to t (there must be
   expect of them), or, with no partial file that reaches t, a new segment at t. Collective. */
PetscErrorCode history_resume(History *h, PetscReal t0, PetscReal t, PetscInt expect,
                              PartialResume *how);
/* Print the end-of-run budget and where the outputs are. Collective. */
PetscErrorCode history_summary(History *h, const PetscReal *budget);

/* The &output namelist group (for the registry's list of groups). */
extern const ParamGroup history_group;
