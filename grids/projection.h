#pragma once
/* Map projections as WRF defines them (WPS/WRF share/module_llxy.F semantics, reimplemented):
   Lambert conformal conic (MAP_PROJ=1), polar stereographic (2), Mercator (3) and regular
   latitude-longitude (6, unrotated), on WRF's sphere of radius CONST_EARTH_RADIUS.

   Plane coordinates (x, y) are metres east and north of the projection of the reference point
   (ref_lon, ref_lat); for PROJ_LATLON they are degrees of longitude and latitude from it.
   A model grid of nx by ny cells with spacing dx, dy is centred on the reference point, as WRF
   centres a domain on CEN_LAT, CEN_LON: the centre of cell (i, j) (0-based) is at
     x = (i - (nx - 1) / 2) * dx,   y = (j - (ny - 1) / 2) * dy.
   Map-scale factor m = (distance on the plane) / (distance on the sphere); a cell's true area is
   dx * dy / m^2 at its centre. */
#include <petscsys.h>

typedef enum {
  PROJ_LAMBERT = 1,  /* WRF MAP_PROJ = 1 */
  PROJ_POLAR = 2,    /* WRF MAP_PROJ = 2 */
  PROJ_MERCATOR = 3, /* WRF MAP_PROJ = 3 */
  PROJ_LATLON = 6    /* WRF MAP_PROJ = 6 (unrotated only) */
} ProjectionKind;

typedef struct {
  ProjectionKind kind;
  PetscReal truelat1,
      truelat2;        /* true latitudes, degrees (Lambert both; polar and Mercator truelat1) */
  PetscReal stand_lon; /* standard longitude (the meridian parallel to the y axis), degrees */
  PetscReal ref_lat, ref_lon; /* reference point, degrees; a grid is centred on it */
  PetscReal radius;           /* sphere radius, m; projection_setup sets it if 0 */
  /* Derived by projection_setup(); read-only for callers. */
  PetscReal cone;         /* cone factor n (Lambert), 1 for polar, 0 for Mercator */
  PetscReal hemi;         /* +1 north, -1 south */
  PetscReal rho0, x0, y0; /* internal constants of the projection */
} Projection;

/* Check the parameters (file and key names are the caller's) and compute derived constants.
   Fails with PETSC_ERR_ARG_OUTOFRANGE on impossible values. Not collective. */
PetscErrorCode projection_setup(Projection *p);

/* Forward transform: longitude, latitude in degrees to plane coordinates. Not collective. */
void projection_forward(const Projection *p, PetscReal lon, PetscReal lat, PetscReal *x,
                        PetscReal *y);

/* Inverse transform: plane coordinates to longitude (-180..180) and latitude, degrees. */
void projection_inverse(const Projection *p, PetscReal x, PetscReal y, PetscReal *lon,
                        PetscReal *lat);

/* Map-scale factor at a latitude (all supported projections' factors depend on latitude only). */
PetscReal projection_map_factor(const Projection *p, PetscReal lat);

/* Angle, radians, by which the grid's y axis is rotated east of true north at a longitude
   (WRF's SINALPHA/COSALPHA): grid-relative wind to earth-relative, u_e = u cos a + v sin a,
   v_e = -u sin a + v cos a. Zero for Mercator and lat-lon. */
PetscReal projection_rotation(const Projection *p, PetscReal lon);

/* A readable name ("lambert_conformal_conic", ...) for the projection's CF grid_mapping_name. */
const char *projection_cf_name(ProjectionKind kind);
