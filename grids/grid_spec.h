#pragma once
/* What defines a grid independently of any decomposition: projection, size, spacing, origin and
   nominal layers. The domain file, the metrics and the grid itself are built from it. */
#include <petscsys.h>
#include "grids/projection.h"

#define GRID_MAX_LAYERS 200 /* most layers a grid may have */

/* What defines a grid, independent of any decomposition. */
typedef struct {
  Projection proj;     /* set up (projection_setup called) */
  PetscInt nx, ny, nz; /* cells */
  PetscReal dx, dy;    /* spacing on the projection plane: m, or degrees for PROJ_LATLON */
  PetscReal x0, y0;    /* plane coordinates of the centre of cell (0, 0) */
  PetscReal z_iface[GRID_MAX_LAYERS + 1]; /* nominal layer interfaces, m above flat ground, for
                                             output coordinates only (met gives the real ones) */
} GridSpec;

/* Plane coordinates of the centre of cell (i, j); fractional indices give faces and corners. */
static inline void grid_cell_xy(const GridSpec *s, PetscReal i, PetscReal j, PetscReal *x,
                                PetscReal *y)
{
  *x = s->x0 + i * s->dx;
  *y = s->y0 + j * s->dy;
}
