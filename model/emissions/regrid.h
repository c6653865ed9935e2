#pragma once
/* Conservative regridding of fields on a regular latitude-longitude grid (as MEIC, EDGAR and
   CAQIEI are distributed) onto the model grid. Every source cell is cut into n x n sub-cells of
   equal latitude-longitude size; each sub-cell carries its share of the source cell's spherical
   area and lands in the model cell that contains its centre. A source cell's total is thereby
   split exactly: the shares of its sub-cells inside the domain sum to the fraction of it inside,
   the rest is reported as lost outside the domain. */
#include <petscsys.h>
#include "grids/grid.h"

/* Where the sub-cells of every source cell fall: for source cell c = ilat * nlon + ilon, entries
   start[c] .. start[c+1]-1 give model cell (i[e], j[e]) (global indices, owned by this rank only)
   and the fraction w[e] of the source cell that lands there. inside[c] is the fraction of the
   source cell inside the whole domain (the same on every rank). */
typedef struct {
  PetscInt nlat, nlon;
  PetscInt *start;   /* nlat*nlon + 1; owned */
  PetscInt *i, *j;   /* owned */
  PetscReal *w;      /* owned */
  PetscReal *inside; /* nlat*nlon; owned */
} RegridMap;

/* Build the map from source cells centred at lat[0..nlat) x lon[0..nlon) (degrees, regular,
   increasing) to the owned cells of grid g, with sub-cells no larger than a quarter of the model
   spacing. Not collective (every rank builds its own part, identically). */
PetscErrorCode regrid_create(const Grid *g, PetscInt nlat, const PetscReal *lat, PetscInt nlon,
                             const PetscReal *lon, RegridMap **map);

/* Destroy; no-op on NULL. */
PetscErrorCode regrid_destroy(RegridMap **map);
