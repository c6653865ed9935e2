#pragma once
/* met_output: the fields a met source produces, written to a CF-1.8 NetCDF file so that a user
   can look at the winds, whichever source made them. */
#include "model/met/met_source.h"

typedef struct MetOutput MetOutput;

/* Prepare writing to path every interval seconds (0: every snapshot) for grid g and the source
   called source; the file is created at the first write. Collective. */
PetscErrorCode met_output_create(const Grid *g, const char *path, PetscReal interval,
                                 const char *source, MetOutput **o);

/* Write snapshot s as a record if its time is due and later than the last record. Collective. */
PetscErrorCode met_output_write(MetOutput *o, const MetFields *s);

/* For a run resuming from a checkpoint at t_end: when the file is created, copy into it the
   records up to t_end of the partial file a stopped run left ("<path>.part", if it reaches
   t_end; model/output/partial.h); later snapshots follow them. Without one the file starts
   anew at the restart, as after any restart. Collective. */
PetscErrorCode met_output_resume(MetOutput *o, PetscReal t_end);

/* Close the file as a partial file up to t, for a run resuming from the checkpoint at t.
   No-op on NULL or before the first record. Collective. */
PetscErrorCode met_output_close_partial(MetOutput *o, PetscReal t);

/* Close the file, giving it its final name, and free; no-op on NULL. Collective. */
PetscErrorCode met_output_destroy(MetOutput **o);
