#pragma once
/* Horizontal metrics of a patch from the grid's projection: cell-centre longitude and latitude,
   true cell areas, true face lengths and map-scale factors, on the whole ghosted block
   (including ghosts outside the physical domain, extrapolated by the same formulas). */
#include "grids/grid_spec.h"
#include "grids/patch.h"

/* Fill the ghosted 2D arrays of patch p (each patch_size2(p) long). Not collective. */
PetscErrorCode metrics_compute(const GridSpec *spec, const Patch *p, PetscReal *lon, PetscReal *lat,
                               PetscReal *area, PetscReal *width_x, PetscReal *width_y,
                               PetscReal *mapfac);
