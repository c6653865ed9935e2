#pragma once
/* Footprints of a backward run (issue 15, item 5, first part): for each receptor functional and
   species, the sensitivity of the functional to a constant source of 1 kg s-1 put into each
   cell (every layer) over the whole run, without a time profile, in ug m-3 per (kg s-1), as a
   CF-NetCDF file on the model grid. */
#include <petscsys.h>
#include "grids/grid.h"

/* Write path (as path.tmp, renamed when complete): one 3D variable sens_<n>_<species> for
   functional n (1-based, its label in long_name) and each species, from foot, a ghosted patch
   array of p (the adjoint's patch: p->ntag functionals) in the tag layout
   [(patch_index*nspec + s)*ntag + n]; one time record at t_end with bounds [t_start, t_end].
   Collective. */
PetscErrorCode footprint_write(const Grid *g, const Patch *p, const char *path,
                               const char *const *labels, const PetscReal *foot, PetscReal t_start,
                               PetscReal t_end);
