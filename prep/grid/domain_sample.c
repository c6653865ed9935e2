/* Cell sampling (see domain_sample.h). The work of a cell depends on the cell alone, so any
   split of the rows over ranks gives the same numbers. */
#include "prep/grid/domain_sample.h"
#include <string.h>
#include "base/constants.h"
#include "grids/vertical.h"

#define DOMAIN_SAMPLE_MAX 256 /* most sub-samples per cell and direction */

PetscInt domain_sample_count(const GridSpec *spec, PetscReal spacing)
{
  PetscInt n = 1;
  PetscReal d = PetscMax(spec->dx, spec->dy);
  if (spec->proj.kind == PROJ_LATLON)
    d *= CONST_DEG2RAD * CONST_EARTH_RADIUS; /* m per degree of latitude */
  while (d / (PetscReal)n > spacing && n < DOMAIN_SAMPLE_MAX) n *= 2;
  return n;
}

/* A distance on the sphere, m, that every sub-sample of a cell centred at latitude lat lies
   within: the cell's whole diagonal (twice what is needed, for the map factor's variation). */
static PetscReal cell_reach(const GridSpec *s, PetscReal lat)
{
  PetscReal diag = PetscSqrtReal(s->dx * s->dx + s->dy * s->dy);
  if (s->proj.kind == PROJ_LATLON) return diag * CONST_DEG2RAD * CONST_EARTH_RADIUS;
  return diag / projection_map_factor(&s->proj, lat);
}

/* Plane coordinates of sub-sample (a, b) of cell (i, j). */
static void sub_xy(const GridSpec *s, PetscInt nsub, PetscInt i, PetscInt j, PetscInt a, PetscInt b,
                   PetscReal *x, PetscReal *y)
{
  PetscReal fi = (PetscReal)i - 0.5 + ((PetscReal)a + 0.5) / (PetscReal)nsub;
  PetscReal fj = (PetscReal)j - 0.5 + ((PetscReal)b + 0.5) / (PetscReal)nsub;
  grid_cell_xy(s, fi, fj, x, y);
}

PetscErrorCode domain_sample_check_dem(const Geography *g, const GridSpec *spec, const char *name,
                                       PetscInt nsub)
{
  const Dem *d = g->dem;
  PetscInt nbx = spec->nx * nsub, nby = spec->ny * nsub;

  PetscFunctionBeginUser;
  for (PetscInt e = 0; e < 2 * (nbx + nby); e++) {
    /* Walk the ring of edge sub-samples: south, north, west, east. */
    PetscInt bi = e < nbx ? e : e < 2 * nbx ? e - nbx : e < 2 * nbx + nby ? 0 : nbx - 1;
    PetscInt bj = e < nbx             ? 0
                  : e < 2 * nbx       ? nby - 1
                  : e < 2 * nbx + nby ? e - 2 * nbx
                                      : e - 2 * nbx - nby;
    PetscReal x, y, lon, lat;
    sub_xy(spec, nsub, bi / nsub, bj / nsub, bi % nsub, bj % nsub, &x, &y);
    projection_inverse(&spec->proj, x, y, &lon, &lat);
    PetscCheck(
        dem_covers(d, lon, lat), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
        "%s: domain %s does not fit in the DEM (lon %g..%g, lat %g..%g): cell (%" PetscInt_FMT
        ", %" PetscInt_FMT ") reaches lon %.3f, lat %.3f",
        d->path, name, (double)d->lon0, (double)(d->lon0 + (PetscReal)(d->nlon - 1) * d->dlon),
        (double)d->lat0, (double)(d->lat0 + (PetscReal)(d->nlat - 1) * d->dlat), bi / nsub,
        bj / nsub, (double)lon, (double)lat);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_sample_check_top(MPI_Comm comm, const DomainDef *d, const DomainSamples *all)
{
  const GridSpec *s = &d->spec;
  PetscReal high[2] = {0, 0}, x, y, lon, lat; /* the highest terrain, m, and its cell */
  PetscInt i, j;
  char top[2 * PARAM_STRING_LEN], where[PARAM_STRING_LEN + 128], fix[PARAM_STRING_LEN + 64];

  PetscFunctionBeginUser;
  if (all) {
    high[0] = all->terrain[0];
    for (PetscInt c = 1; c < s->nx * s->ny; c++)
      if (all->terrain[c] > high[0]) high[0] = all->terrain[c], high[1] = (PetscReal)c;
  }
  PetscCallMPI(MPI_Bcast(high, 2, MPIU_REAL, 0, comm));
  i = (PetscInt)high[1] % s->nx;
  j = (PetscInt)high[1] / s->nx;
  grid_cell_xy(s, (PetscReal)i, (PetscReal)j, &x, &y);
  projection_inverse(&s->proj, x, y, &lon, &lat);
  if (strcmp(d->layers_from, d->name))
    PetscCall(PetscSNPrintf(top, sizeof(top), "domain_%s_ztop (the layers domain %s takes from %s)",
                            d->layers_from, d->name, d->layers_from));
  else
    PetscCall(PetscSNPrintf(top, sizeof(top), "domain_%s_ztop", d->name));
  PetscCall(PetscSNPrintf(where, sizeof(where),
                          "the highest cell of domain %s, (i, j) = (%" PetscInt_FMT
                          ", %" PetscInt_FMT ") at lon %.3f lat %.3f",
                          d->name, i, j, (double)lon, (double)lat));
  PetscCall(PetscSNPrintf(fix, sizeof(fix),
                          "raise domain_%s_ztop above the highest terrain (and keep domain_%s_nz "
                          "and _dz_bottom giving layers thick enough over it)",
                          d->layers_from, d->layers_from));
  PetscCall(vertical_check_terrain(comm, s->nz, s->z_iface, high[0], top, where, fix));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscInt *unit_count; /* per unit */
  PetscInt *touched;    /* units counted in this cell */
  PetscInt ntouched;
  PetscInt lu_count[LANDUSE_N];
  PetscInt *rec_count; /* per receptor */
  GeoNear *near;
} Work;

/* Accumulate the sub-samples of cell (i, j) into w; returns the sum of heights. */
static PetscErrorCode sample_cell(const Geography *g, const ReceptorSet *rs, const GridSpec *s,
                                  PetscInt nsub, PetscInt i, PetscInt j, Work *w, PetscReal *hsum)
{
  PetscReal x, y, lon, lat;

  PetscFunctionBeginUser;
  grid_cell_xy(s, (PetscReal)i, (PetscReal)j, &x, &y);
  projection_inverse(&s->proj, x, y, &lon, &lat);
  geography_near(g, lon, lat, cell_reach(s, lat), w->near);
  *hsum = 0;
  for (PetscInt b = 0; b < nsub; b++) {
    for (PetscInt a = 0; a < nsub; a++) {
      GeoSample smp;
      sub_xy(s, nsub, i, j, a, b, &x, &y);
      projection_inverse(&s->proj, x, y, &lon, &lat);
      PetscCheck(dem_covers(g->dem, lon, lat), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
                 "%s: cell (%" PetscInt_FMT ", %" PetscInt_FMT
                 ") reaches lon %.3f, lat %.3f outside the DEM",
                 g->dem->path, i, j, (double)lon, (double)lat);
      geography_sample(g, w->near, lon, lat, &smp);
      *hsum += smp.h;
      w->lu_count[smp.landuse]++;
      if (w->unit_count[smp.unit]++ == 0) w->touched[w->ntouched++] = smp.unit;
      for (PetscInt r = 0; r < rs->n; r++)
        if (receptor_masks_contains(rs, r, &smp, lon, lat)) w->rec_count[r]++;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int compare_int(const void *a, const void *b)
{
  PetscInt x = *(const PetscInt *)a, y = *(const PetscInt *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Store the cell's results and reset the counters. */
static PetscErrorCode store_cell(DomainSamples *d, PetscInt cell, PetscInt nrec, PetscReal hsum,
                                 Work *w, PetscInt *cap)
{
  PetscReal n2 = (PetscReal)(d->nsub * d->nsub);

  PetscFunctionBeginUser;
  d->terrain[cell] = hsum / n2;
  for (PetscInt c = 0; c < LANDUSE_N; c++) {
    d->landuse[cell * LANDUSE_N + c] = (PetscReal)w->lu_count[c] / n2;
    w->lu_count[c] = 0;
  }
  for (PetscInt r = 0; r < nrec; r++) {
    d->receptor[cell * nrec + r] = (PetscReal)w->rec_count[r] / n2;
    w->rec_count[r] = 0;
  }
  qsort(w->touched, (size_t)w->ntouched, sizeof(PetscInt), compare_int);
  if (d->ncover_total + w->ntouched > *cap) {
    *cap = 2 * (*cap + w->ntouched);
    PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)*cap, &d->cover_unit));
    PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)*cap, &d->cover_fraction));
  }
  for (PetscInt t = 0; t < w->ntouched; t++) {
    PetscInt u = w->touched[t];
    d->cover_unit[d->ncover_total] = u;
    d->cover_fraction[d->ncover_total++] = (PetscReal)w->unit_count[u] / n2;
    w->unit_count[u] = 0;
  }
  d->ncover[cell] = w->ntouched;
  w->ntouched = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_sample_rows(const Geography *g, const ReceptorSet *rs, const GridSpec *spec,
                                  PetscInt nsub, PetscInt j0, PetscInt j1, DomainSamples **out)
{
  DomainSamples *d;
  PetscInt ncell = (j1 - j0) * spec->nx, cap = 0;
  Work w = {.ntouched = 0};

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&d));
  *d = (DomainSamples){.j0 = j0, .j1 = j1, .nx = spec->nx, .nsub = nsub};
  PetscCall(PetscMalloc1(ncell + 1, &d->terrain));
  PetscCall(PetscMalloc1(ncell * LANDUSE_N + 1, &d->landuse));
  PetscCall(PetscMalloc1(ncell * rs->n + 1, &d->receptor));
  PetscCall(PetscMalloc1(ncell + 1, &d->ncover));
  PetscCall(PetscCalloc1(g->nunit, &w.unit_count));
  PetscCall(PetscMalloc1(g->nunit, &w.touched));
  PetscCall(PetscCalloc1(rs->n + 1, &w.rec_count));
  PetscCall(geography_near_create(g, &w.near));
  for (PetscInt j = j0; j < j1; j++) {
    for (PetscInt i = 0; i < spec->nx; i++) {
      PetscReal hsum;
      PetscCall(sample_cell(g, rs, spec, nsub, i, j, &w, &hsum));
      PetscCall(store_cell(d, (j - j0) * spec->nx + i, rs->n, hsum, &w, &cap));
    }
  }
  PetscCall(geography_near_destroy(&w.near));
  PetscCall(PetscFree(w.unit_count));
  PetscCall(PetscFree(w.touched));
  PetscCall(PetscFree(w.rec_count));
  *out = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_sample_destroy(DomainSamples **d)
{
  PetscFunctionBeginUser;
  if (!*d) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*d)->terrain));
  PetscCall(PetscFree((*d)->landuse));
  PetscCall(PetscFree((*d)->receptor));
  PetscCall(PetscFree((*d)->ncover));
  PetscCall(PetscFree((*d)->cover_unit));
  PetscCall(PetscFree((*d)->cover_fraction));
  PetscCall(PetscFree(*d));
  PetscFunctionReturn(PETSC_SUCCESS);
}
