/* Horizontal metrics from the projection. On conformal projections the map factor m depends on
   latitude only and is the same in x and y: a cell's true area is dx dy / m^2 at its centre and
   a face's true length is its plane length over m at the face centre. On the regular lat-lon
   grid the spherical formulas are used instead: area R^2 dlon (sin lat_n - sin lat_s), west face
   R dlat, south face R cos(lat_s) dlon. */
#include "grids/metrics.h"
#include "base/constants.h"

PetscErrorCode metrics_compute(const GridSpec *s, const Patch *p, PetscReal *lon, PetscReal *lat,
                               PetscReal *area, PetscReal *width_x, PetscReal *width_y,
                               PetscReal *mapfac)
{
  const Projection *pr = &s->proj;
  PetscReal R = pr->radius;

  PetscFunctionBeginUser;
  for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
    for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
      PetscInt c = patch_index2(p, i, j);
      PetscReal x, y, lw, latw, ls, lats;
      grid_cell_xy(s, (PetscReal)i, (PetscReal)j, &x, &y);
      projection_inverse(pr, x, y, &lon[c], &lat[c]);
      projection_inverse(pr, x - 0.5 * s->dx, y, &lw, &latw);
      projection_inverse(pr, x, y - 0.5 * s->dy, &ls, &lats);
      mapfac[c] = projection_map_factor(pr, lat[c]);
      if (pr->kind == PROJ_LATLON) {
        PetscReal dl = s->dx * CONST_DEG2RAD, dp = s->dy * CONST_DEG2RAD;
        area[c] = R * R * dl *
                  (PetscSinReal((lat[c] + 0.5 * s->dy) * CONST_DEG2RAD) -
                   PetscSinReal((lat[c] - 0.5 * s->dy) * CONST_DEG2RAD));
        width_x[c] = R * dp;
        width_y[c] = R * PetscCosReal(lats * CONST_DEG2RAD) * dl;
      } else {
        PetscReal mw = projection_map_factor(pr, latw), ms = projection_map_factor(pr, lats);
        area[c] = s->dx * s->dy / (mapfac[c] * mapfac[c]);
        width_x[c] = s->dy / mw;
        width_y[c] = s->dx / ms;
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}
