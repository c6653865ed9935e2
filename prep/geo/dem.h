#pragma once
/* Regular latitude-longitude grids of one variable (terrain heights, or land-use categories),
   read from NetCDF or from an ESRI ASCII grid, and sampled at points: bilinearly (terrain) or at
   the nearest node (categories). The grid tool averages the samples over a model cell. */
#include <petscsys.h>

typedef struct {
  char *path;           /* the file read, for messages; owned */
  PetscInt nlon, nlat;  /* nodes */
  PetscReal lon0, lat0; /* south-west node, degrees */
  PetscReal dlon, dlat; /* node spacing, degrees (both positive) */
  PetscReal *z; /* z[j * nlon + i] at (lon0 + i dlon, lat0 + j dlat), south row first; owned */
  PetscReal zmin, zmax; /* range of the valid values */
  PetscReal nodata;     /* value marking missing nodes (also set where the file had fill values) */
} Dem;

#define DEM_NODATA (-1.0e30) /* the value missing nodes hold after reading */

/* Read the grid at path. A name ending in .asc is an ESRI ASCII grid (ncols, nrows, xllcorner or
   xllcenter, yllcorner or yllcenter, cellsize, optional NODATA_value, then rows north first);
   anything else is NetCDF: variable (or, if variable is NULL or "", the first two-dimensional
   variable) on one-dimensional latitude and longitude coordinates, identified by their units
   (degrees_north, degrees_east) or names (lat/latitude, lon/longitude), in either order of
   latitude, evenly spaced. Fails naming the file and what is wrong. Not collective. */
PetscErrorCode dem_read(const char *path, const char *variable, Dem **d);

/* Free the grid and set the handle to NULL; no-op on NULL. */
PetscErrorCode dem_destroy(Dem **d);

/* Whether (lon, lat) lies inside the grid's nodes, so that dem_bilinear can be evaluated. */
PetscBool dem_covers(const Dem *d, PetscReal lon, PetscReal lat);

/* Bilinear interpolation at a covered point; missing nodes are left out and the remaining
   weights renormalised; DEM_NODATA if all four are missing. Not collective. */
PetscReal dem_bilinear(const Dem *d, PetscReal lon, PetscReal lat);

/* Value of the node nearest to a covered point (DEM_NODATA if missing). Not collective. */
PetscReal dem_nearest(const Dem *d, PetscReal lon, PetscReal lat);
