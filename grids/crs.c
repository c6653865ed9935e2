/* The CF grid-mapping variable "crs" of every file Bogda writes (domain files, model output),
   in one place so that GDAL, CDO and xarray read every file the same way. */
#include "grids/crs.h"
#include <string.h>
#include "base/error.h"

static PetscErrorCode att_text(int nc, const char *path, int var, const char *name,
                               const char *value)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_text(nc, var, name, strlen(value), value), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode att_double(int nc, const char *path, int var, const char *name, size_t n,
                                 const double *v)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_double(nc, var, name, NC_DOUBLE, n, v), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The CF grid mapping: the CF origin (stand_lon, ref_lat or the pole) lies at our plane
   coordinates (x_o, y_o), which are therefore the false easting and northing. */
PetscErrorCode crs_define(int nc, const char *path, const Projection *p)
{
  int id;
  double xo = 0, yo = 0, two[2] = {p->truelat1, p->truelat2}, r = p->radius;

  PetscFunctionBeginUser;
  NcCallFile(nc_def_var(nc, "crs", NC_INT, 0, NULL, &id), path);
  PetscCall(att_text(nc, path, id, "grid_mapping_name", projection_cf_name(p->kind)));
  PetscCall(att_double(nc, path, id, "earth_radius", 1, &r));
  switch (p->kind) {
  case PROJ_LAMBERT:
    projection_forward(p, p->stand_lon, p->ref_lat, &xo, &yo);
    PetscCall(
        att_double(nc, path, id, "standard_parallel", p->truelat1 == p->truelat2 ? 1 : 2, two));
    PetscCall(
        att_double(nc, path, id, "longitude_of_central_meridian", 1, (double[1]){p->stand_lon}));
    PetscCall(
        att_double(nc, path, id, "latitude_of_projection_origin", 1, (double[1]){p->ref_lat}));
    break;
  case PROJ_POLAR:
    projection_forward(p, p->stand_lon, 90 * p->hemi, &xo, &yo);
    PetscCall(att_double(nc, path, id, "straight_vertical_longitude_from_pole", 1,
                         (double[1]){p->stand_lon}));
    PetscCall(
        att_double(nc, path, id, "latitude_of_projection_origin", 1, (double[1]){90 * p->hemi}));
    PetscCall(att_double(nc, path, id, "standard_parallel", 1, two));
    break;
  case PROJ_MERCATOR:
    projection_forward(p, p->stand_lon, 0, &xo, &yo);
    PetscCall(
        att_double(nc, path, id, "longitude_of_projection_origin", 1, (double[1]){p->stand_lon}));
    PetscCall(att_double(nc, path, id, "standard_parallel", 1, two));
    break;
  case PROJ_LATLON:
    break;
  }
  if (p->kind != PROJ_LATLON) {
    PetscCall(att_double(nc, path, id, "false_easting", 1, &xo));
    PetscCall(att_double(nc, path, id, "false_northing", 1, &yo));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
