#pragma once
/* What defines a grid independently of any decomposition: projection, size, spacing, origin and
   nominal layers. The domain file, the metrics and the grid itself are built from it; and where
   a point given in degrees lies on it. */
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

/* The cell (i, j) (0-based) whose centre is nearest to (lon, lat), degrees, on the projection
   plane: the cell holding the point, where the model puts a point source and a point receptor.
   PETSC_FALSE if the point lies outside the grid (i, j are then still set). Not collective. */
PetscBool grid_spec_cell(const GridSpec *s, PetscReal lon, PetscReal lat, PetscInt *i, PetscInt *j);

/* The span of the grid's outline (the outer faces, at its cell corners) in degrees: ext[0], ext[1]
   the least and greatest longitude, ext[2], ext[3] latitude. For messages: a grid on a conic or
   polar projection does not fill that box. Not collective. */
void grid_spec_extent(const GridSpec *s, PetscReal ext[4]);
