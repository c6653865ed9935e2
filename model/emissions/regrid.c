/* Sub-sampling conservative regridding (see regrid.h). The sub-cell area share uses the exact
   spherical area of a latitude band, sin(lat_n) - sin(lat_s), so a source cell's shares sum to 1
   up to round-off before the domain cut. */
#include "model/emissions/regrid.h"
#include "base/constants.h"

PetscErrorCode regrid_create(const Grid *g, PetscInt nlat, const PetscReal *lat, PetscInt nlon,
                             const PetscReal *lon, RegridMap **map)
{
  RegridMap *m;
  const GridSpec *s = &g->spec;
  const Patch *p = &g->patch;
  PetscReal dlat, dlon, cell_km, model_km;
  PetscInt n, cap, ne = 0, *ti, *tj;
  PetscReal *tw;

  PetscFunctionBeginUser;
  PetscCheck(nlat >= 2 && nlon >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "a latitude-longitude grid needs at least 2 x 2 cells (got %" PetscInt_FMT
             " x %" PetscInt_FMT ")",
             nlat, nlon);
  dlat = (lat[nlat - 1] - lat[0]) / (PetscReal)(nlat - 1);
  dlon = (lon[nlon - 1] - lon[0]) / (PetscReal)(nlon - 1);
  PetscCheck(dlat > 0 && dlon > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "latitudes and longitudes must increase (spacing %g, %g degrees)", (double)dlat,
             (double)dlon);
  for (PetscInt k = 1; k < nlat; k++)
    PetscCheck(PetscAbsReal(lat[k] - lat[k - 1] - dlat) < 1e-6 * dlat, PETSC_COMM_SELF,
               PETSC_ERR_ARG_WRONG, "latitudes are not evenly spaced near index %" PetscInt_FMT, k);
  for (PetscInt k = 1; k < nlon; k++)
    PetscCheck(PetscAbsReal(lon[k] - lon[k - 1] - dlon) < 1e-6 * dlon, PETSC_COMM_SELF,
               PETSC_ERR_ARG_WRONG, "longitudes are not evenly spaced near index %" PetscInt_FMT,
               k);
  cell_km = dlat * CONST_DEG2RAD * CONST_EARTH_RADIUS;
  model_km = s->proj.kind == PROJ_LATLON ? s->dx * CONST_DEG2RAD * CONST_EARTH_RADIUS
                                         : PetscMin(s->dx, s->dy);
  n = (PetscInt)PetscCeilReal(4 * cell_km / model_km);
  n = PetscMax(1, PetscMin(n, 64));
  PetscCall(PetscNew(&m));
  m->nlat = nlat;
  m->nlon = nlon;
  PetscCall(PetscCalloc1(nlat * nlon + 1, &m->start));
  PetscCall(PetscCalloc1(nlat * nlon, &m->inside));
  cap = 1024;
  PetscCall(PetscMalloc1(cap, &m->i));
  PetscCall(PetscMalloc1(cap, &m->j));
  PetscCall(PetscMalloc1(cap, &m->w));
  /* A source cell's sub-cell shares are first summed per model cell over the whole domain, in
     sub-cell order, and only then kept for the owned cells: the sums, and so the emissions, are
     the same bits whatever the decomposition. */
  PetscCall(PetscMalloc3(n * n, &ti, n * n, &tj, n * n, &tw));
  for (PetscInt a = 0; a < nlat; a++) {
    PetscReal south = lat[a] - 0.5 * dlat;
    PetscReal band =
        PetscSinReal((south + dlat) * CONST_DEG2RAD) - PetscSinReal(south * CONST_DEG2RAD);
    for (PetscInt b = 0; b < nlon; b++) {
      PetscInt c = a * nlon + b, nt = 0;
      m->start[c] = ne;
      for (PetscInt u = 0; u < n; u++) {
        PetscReal s0 = south + dlat * (PetscReal)u / (PetscReal)n,
                  s1 = south + dlat * (PetscReal)(u + 1) / (PetscReal)n;
        PetscReal share = (PetscSinReal(s1 * CONST_DEG2RAD) - PetscSinReal(s0 * CONST_DEG2RAD)) /
                          band / (PetscReal)n;
        for (PetscInt v = 0; v < n; v++) {
          PetscReal x, y, lo = lon[b] - 0.5 * dlon + dlon * ((PetscReal)v + 0.5) / (PetscReal)n;
          PetscInt i, j, e;
          projection_forward(&s->proj, lo, 0.5 * (s0 + s1), &x, &y);
          i = (PetscInt)PetscFloorReal((x - s->x0) / s->dx + 0.5);
          j = (PetscInt)PetscFloorReal((y - s->y0) / s->dy + 0.5);
          if (i < 0 || i >= s->nx || j < 0 || j >= s->ny) continue;
          m->inside[c] += share;
          for (e = nt - 1; e >= 0; e--)
            if (ti[e] == i && tj[e] == j) break;
          if (e < 0) {
            e = nt++;
            ti[e] = i, tj[e] = j, tw[e] = 0;
          }
          tw[e] += share;
        }
      }
      for (PetscInt e = 0; e < nt; e++) {
        if (ti[e] < p->xs || ti[e] >= p->xs + p->xm || tj[e] < p->ys || tj[e] >= p->ys + p->ym)
          continue;
        if (ne == cap) {
          cap *= 2;
          PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)cap, &m->i));
          PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)cap, &m->j));
          PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)cap, &m->w));
        }
        m->i[ne] = ti[e];
        m->j[ne] = tj[e];
        m->w[ne] = tw[e];
        ne++;
      }
    }
  }
  PetscCall(PetscFree3(ti, tj, tw));
  m->start[nlat * nlon] = ne;
  *map = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode regrid_destroy(RegridMap **map)
{
  RegridMap *m = *map;

  PetscFunctionBeginUser;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(m->start));
  PetscCall(PetscFree(m->inside));
  PetscCall(PetscFree(m->i));
  PetscCall(PetscFree(m->j));
  PetscCall(PetscFree(m->w));
  PetscCall(PetscFree(*map));
  PetscFunctionReturn(PETSC_SUCCESS);
}
