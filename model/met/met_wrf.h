#pragma once
#include <stdio.h>
/* The wrf met source: wrfout files read as they are, on WRF's grid or a window of it. */
#include "model/met/met.h"

extern const MetSourceOps met_source_wrf;

/* The Markdown reference of the &met_wrf group (for the generated namelist reference). */
PetscErrorCode met_wrf_reference(FILE *fp);
