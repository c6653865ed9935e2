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

/* Close the file, giving it its final name, and free; no-op on NULL. Collective. */
PetscErrorCode met_output_destroy(MetOutput **o);
