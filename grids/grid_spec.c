/* Where a point lies on a grid, and the span of the grid's outline in degrees (see grid_spec.h). */
#include "grids/grid_spec.h"

PetscBool grid_spec_cell(const GridSpec *s, PetscReal lon, PetscReal lat, PetscInt *i, PetscInt *j)
{
  PetscReal x, y;
  projection_forward(&s->proj, lon, lat, &x, &y);
  *i = (PetscInt)PetscFloorReal((x - s->x0) / s->dx + 0.5);
  *j = (PetscInt)PetscFloorReal((y - s->y0) / s->dy + 0.5);
  return *i >= 0 && *i < s->nx && *j >= 0 && *j < s->ny ? PETSC_TRUE : PETSC_FALSE;
}

/* Widen ext to hold the point at fractional cell indices (i, j). */
static void widen(const GridSpec *s, PetscReal i, PetscReal j, PetscReal ext[4])
{
  PetscReal x, y, lon, lat;
  grid_cell_xy(s, i, j, &x, &y);
  projection_inverse(&s->proj, x, y, &lon, &lat);
  ext[0] = PetscMin(ext[0], lon), ext[1] = PetscMax(ext[1], lon);
  ext[2] = PetscMin(ext[2], lat), ext[3] = PetscMax(ext[3], lat);
}

void grid_spec_extent(const GridSpec *s, PetscReal ext[4])
{
  PetscReal west = -0.5, east = (PetscReal)s->nx - 0.5, south = -0.5,
            north = (PetscReal)s->ny - 0.5;
  ext[0] = ext[2] = PETSC_MAX_REAL;
  ext[1] = ext[3] = PETSC_MIN_REAL;
  for (PetscInt i = 0; i <= s->nx; i++) {
    widen(s, (PetscReal)i - 0.5, south, ext);
    widen(s, (PetscReal)i - 0.5, north, ext);
  }
  for (PetscInt j = 0; j <= s->ny; j++) {
    widen(s, west, (PetscReal)j - 0.5, ext);
    widen(s, east, (PetscReal)j - 0.5, ext);
  }
}
