/* Map projections with WRF's conventions (a sphere of radius 6370 km; the cone factor, true
   latitudes and standard longitude as WPS defines them). Formulas (Snyder 1987, "Map
   projections: a working manual", USGS PP 1395; chapters 15, 21, 7), written for plane
   coordinates in metres measured from the pole (conic, polar) or from the equator and the
   standard longitude (Mercator); projection_forward then subtracts the reference point:

   Lambert conformal, cone n:  r = R cos(t1)/n * [tan((90 h - lat)/2) / tan((90 h - t1)/2)]^n,
                                x = h r sin(n dlon), y = -r cos(n dlon) (h = hemisphere sign),
                                n = [ln cos t1 - ln cos t2] / [ln tan(45 - |t1|/2) - ln tan(45 -
   |t2|/2)] (n = sin|t1| when t1 = t2), m = cos t1 / cos lat *
   [tan((90-|lat|)/2)/tan((90-|t1|)/2)]^n polar stereographic:         r = R cos(lat) (1 + h sin t1)
   / (1 + h sin lat), x = r cos(dlon'), y = h r sin(dlon') with dlon' = lon - (stand_lon + 90 h), m
   = (1 + h sin t1) / (1 + h sin lat) Mercator:                    x = R cos t1 dlon, y = R cos t1
   ln tan(45 + lat/2), m = cos t1 / cos lat latitude-longitude:          x = lon - ref_lon, y = lat
   - ref_lat (degrees), m = 1 / cos lat (in x). */
#include "grids/projection.h"
#include "base/constants.h"

#define DEG CONST_DEG2RAD

static PetscReal wrap180(PetscReal d)
{
  while (d > 180) d -= 360;
  while (d < -180) d += 360;
  return d;
}

/* Plane coordinates relative to the projection's own origin. */
static void raw_forward(const Projection *p, PetscReal lon, PetscReal lat, PetscReal *x,
                        PetscReal *y)
{
  PetscReal R = p->radius, h = p->hemi, dlon, r;
  switch (p->kind) {
  case PROJ_LAMBERT:
    dlon = wrap180(lon - p->stand_lon);
    r = R * PetscCosReal(p->truelat1 * DEG) / p->cone *
        PetscPowReal(PetscTanReal((90 * h - lat) * DEG / 2) /
                         PetscTanReal((90 * h - p->truelat1) * DEG / 2),
                     p->cone);
    *x = h * r * PetscSinReal(p->cone * dlon * DEG);
    *y = -r * PetscCosReal(p->cone * dlon * DEG);
    break;
  case PROJ_POLAR:
    dlon = wrap180(lon - (p->stand_lon + 90 * h));
    r = R * PetscCosReal(lat * DEG) * (1 + h * PetscSinReal(p->truelat1 * DEG)) /
        (1 + h * PetscSinReal(lat * DEG));
    *x = r * PetscCosReal(dlon * DEG);
    *y = h * r * PetscSinReal(dlon * DEG);
    break;
  case PROJ_MERCATOR:
    *x = R * PetscCosReal(p->truelat1 * DEG) * wrap180(lon - p->stand_lon) * DEG;
    *y = R * PetscCosReal(p->truelat1 * DEG) * PetscLogReal(PetscTanReal((45 + lat / 2) * DEG));
    break;
  case PROJ_LATLON:
    *x = wrap180(lon - p->stand_lon);
    *y = lat;
    break;
  }
}

static void raw_inverse(const Projection *p, PetscReal x, PetscReal y, PetscReal *lon,
                        PetscReal *lat)
{
  PetscReal R = p->radius, h = p->hemi, r, k;
  switch (p->kind) {
  case PROJ_LAMBERT:
    r = PetscSqrtReal(x * x + y * y);
    k = R * PetscCosReal(p->truelat1 * DEG) / p->cone;
    *lat = h * (90 - 2 *
                         PetscAtanReal(PetscPowReal(r / k, 1 / p->cone) *
                                       PetscTanReal((90 - h * p->truelat1) * DEG / 2)) /
                         DEG);
    *lon = wrap180(p->stand_lon + PetscAtan2Real(h * x, -y) / DEG / p->cone);
    break;
  case PROJ_POLAR:
    r = PetscSqrtReal(x * x + y * y);
    k = R * (1 + h * PetscSinReal(p->truelat1 * DEG));
    *lat = h * (90 - 2 * PetscAtanReal(r / k) / DEG);
    *lon = wrap180(p->stand_lon + 90 * h + PetscAtan2Real(h * y, x) / DEG);
    break;
  case PROJ_MERCATOR:
    k = R * PetscCosReal(p->truelat1 * DEG);
    *lat = 2 * PetscAtanReal(PetscExpReal(y / k)) / DEG - 90;
    *lon = wrap180(p->stand_lon + x / k / DEG);
    break;
  case PROJ_LATLON:
    *lon = wrap180(p->stand_lon + x);
    *lat = y;
    break;
  }
}

PetscErrorCode projection_setup(Projection *p)
{
  PetscFunctionBeginUser;
  if (p->radius <= 0) p->radius = CONST_EARTH_RADIUS;
  PetscCheck(p->kind == PROJ_LAMBERT || p->kind == PROJ_POLAR || p->kind == PROJ_MERCATOR ||
                 p->kind == PROJ_LATLON,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "map projection %d is not supported; expected 1 (Lambert), 2 (polar stereographic), 3 "
             "(Mercator) or 6 (lat-lon)",
             (int)p->kind);
  PetscCheck(p->ref_lat > -90 && p->ref_lat < 90, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "reference latitude %g is not between -90 and 90", (double)p->ref_lat);
  p->hemi = p->truelat1 < 0 ? -1 : 1;
  p->cone = 0;
  if (p->kind == PROJ_LAMBERT) {
    PetscReal t1 = p->truelat1 * DEG, t2 = p->truelat2 * DEG;
    PetscCheck(PetscAbsReal(p->truelat1) > 0.01 && PetscAbsReal(p->truelat1) < 89.99 &&
                   PetscAbsReal(p->truelat2) < 89.99 && p->truelat1 * p->truelat2 > 0,
               PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "Lambert true latitudes %g and %g must lie in one hemisphere, away from the equator "
               "and the poles",
               (double)p->truelat1, (double)p->truelat2);
    if (PetscAbsReal(p->truelat1 - p->truelat2) > 0.1)
      p->cone = (PetscLogReal(PetscCosReal(t1)) - PetscLogReal(PetscCosReal(t2))) /
                (PetscLogReal(PetscTanReal((45 - PetscAbsReal(p->truelat1) / 2) * DEG)) -
                 PetscLogReal(PetscTanReal((45 - PetscAbsReal(p->truelat2) / 2) * DEG)));
    else
      p->cone = PetscSinReal(PetscAbsReal(t1));
  } else if (p->kind == PROJ_POLAR) {
    PetscCheck(PetscAbsReal(p->truelat1) > 0.01, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "polar stereographic true latitude %g must not be the equator", (double)p->truelat1);
    p->cone = 1;
  } else if (p->kind == PROJ_MERCATOR) {
    PetscCheck(PetscAbsReal(p->truelat1) < 89, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "Mercator true latitude %g is too close to a pole", (double)p->truelat1);
  }
  if (p->kind == PROJ_LATLON) p->stand_lon = p->ref_lon;
  p->x0 = p->y0 = 0;
  raw_forward(p, p->ref_lon, p->ref_lat, &p->x0, &p->y0);
  if (p->kind == PROJ_LATLON) p->x0 = 0;
  p->rho0 = PetscSqrtReal(p->x0 * p->x0 + p->y0 * p->y0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

void projection_forward(const Projection *p, PetscReal lon, PetscReal lat, PetscReal *x,
                        PetscReal *y)
{
  raw_forward(p, lon, lat, x, y);
  *x -= p->x0;
  *y -= p->y0;
}

void projection_inverse(const Projection *p, PetscReal x, PetscReal y, PetscReal *lon,
                        PetscReal *lat)
{
  raw_inverse(p, x + p->x0, y + p->y0, lon, lat);
}

PetscReal projection_map_factor(const Projection *p, PetscReal lat)
{
  PetscReal t1 = p->truelat1 * DEG, h = p->hemi;
  switch (p->kind) {
  case PROJ_LAMBERT:
    return PetscCosReal(t1) / PetscCosReal(lat * DEG) *
           PetscPowReal(PetscTanReal((90 - PetscAbsReal(lat)) * DEG / 2) /
                            PetscTanReal((90 - PetscAbsReal(p->truelat1)) * DEG / 2),
                        p->cone);
  case PROJ_POLAR:
    return (1 + h * PetscSinReal(t1)) / (1 + h * PetscSinReal(lat * DEG));
  case PROJ_MERCATOR:
    return PetscCosReal(t1) / PetscCosReal(lat * DEG);
  case PROJ_LATLON:
    return 1 / PetscCosReal(lat * DEG);
  }
  return 1;
}

PetscReal projection_rotation(const Projection *p, PetscReal lon)
{
  switch (p->kind) {
  case PROJ_LAMBERT:
    return p->hemi * p->cone * wrap180(lon - p->stand_lon) * DEG;
  case PROJ_POLAR:
    return p->hemi * wrap180(lon - p->stand_lon) * DEG;
  default:
    return 0;
  }
}

const char *projection_cf_name(ProjectionKind kind)
{
  switch (kind) {
  case PROJ_LAMBERT:
    return "lambert_conformal_conic";
  case PROJ_POLAR:
    return "polar_stereographic";
  case PROJ_MERCATOR:
    return "mercator";
  case PROJ_LATLON:
    return "latitude_longitude";
  }
  return "unknown";
}
