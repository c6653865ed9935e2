/* Checks of a built domain file, read the way the model reads it (domain_grid_spec, grid_create,
   domain_read on every rank), printing TAP. Run by tests/regression/domains.sh on 1 and on
   several ranks; without -file it checks nothing and says so.

     domain_check -file DIR/xj27_domain.nc [-xinjiang] [-ridge]
       -xinjiang  the domain holds all of Xinjiang: check its area (1.66 million km2, 2 %)
       -ridge     check the Tianshan profile south of Urumqi (87.6 E)
       -margin M  check that every hotspot city and source lies at least M km inside the domain

   Known answers: every cell's unit shares and land-use shares sum to 1 (exactly for the units:
   the shares are multiples of a power of two); the sum over all cells is the number of cells;
   Urumqi's area is 13,788 km2 (official) within 3 %; every city seat and point source of the
   hotspot table lies in a cell whose units include its county and prefecture (its county found
   by point-in-polygon in the county file); cell terrain lies within the DEM's range; along
   87.6 E the Tianshan ridge (42.8-43.4 N) stands above the Junggar basin (44.5 N) and the
   Toksun side (42.3 N) and above Urumqi (43.8 N); receptor weights sum to 1. */
#include <stdlib.h>
#include <string.h>
#include "tests/tap.h"
#include "grids/domain.h"
#include "base/csv.h"
#include "prep/geo/dem.h"
#include "prep/geo/polygon.h"

#define XINJIANG_AREA_KM2 1.66e6 /* official area of Xinjiang */
#define XINJIANG_RTOL 0.02
#define URUMQI_AREA_KM2 13788.0 /* official area of Urumqi (prefecture-level city) */
#define URUMQI_RTOL 0.03
#define URUMQI_ADCODE 650100
#define SUM_TOL 1e-12
#define RIDGE_LON 87.6     /* meridian of the profile through Urumqi, degrees east */
#define RIDGE_LAT_MIN 42.8 /* the ridge of the Tianger range, degrees north */
#define RIDGE_LAT_MAX 43.4
#define BASIN_NORTH_LAT 44.5 /* the Junggar basin floor */
#define SIDE_SOUTH_LAT 42.3  /* the Toksun side of the range */
#define URUMQI_LAT 43.8
#define RIDGE_MARGIN 500.0 /* m the ridge must stand above each side */
#define KM2 1e6

typedef struct {
  const Grid *g;
  const Domain *d;
} Ctx;

/* Sum over owned cells, reduced over ranks. */
static PetscErrorCode reduce(MPI_Comm comm, PetscReal *v, PetscInt n)
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, (PetscMPIInt)n, MPIU_REAL, MPIU_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode check_sums(const Ctx *c, PetscBool xinjiang)
{
  const Patch *p = &c->g->patch;
  const Domain *d = c->d;
  PetscReal v[6] = {
      0}; /* bad unit sums, total, bad land-use sums, Xinjiang area, Urumqi area, cells */
  PetscInt urumqi = -1;

  PetscFunctionBeginUser;
  for (PetscInt q = 0; q < d->npref; q++)
    if (d->pref[q].code == URUMQI_ADCODE) urumqi = q;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt k = patch_index2(p, i, j);
      PetscReal s = 0, lu = 0;
      for (PetscInt e = d->cover_start[k]; e < d->cover_start[k + 1]; e++) {
        const DomainUnit *u = &d->unit[d->cover_unit[e]];
        s += d->cover_fraction[e];
        if (u->kind != DOMAIN_UNIT_OUTSIDE) v[3] += d->cover_fraction[e] * p->area[k] / KM2;
        if (u->prefecture == urumqi && urumqi >= 0) v[4] += d->cover_fraction[e] * p->area[k] / KM2;
      }
      for (PetscInt q = 0; q < LANDUSE_N; q++) lu += d->landuse[k * LANDUSE_N + q];
      v[0] += s != 1;
      v[1] += s;
      v[2] += PetscAbsReal(lu - 1) > SUM_TOL;
      v[5] += 1;
    }
  PetscCall(reduce(c->g->comm, v, 6));
  tap_ok(v[0] == 0, "every cell's unit fractions sum to 1 exactly (%g cells do not)", (double)v[0]);
  tap_ok(v[1] == v[5], "sum of all fractions %.17g = number of cells %g", (double)v[1],
         (double)v[5]);
  tap_ok(v[2] == 0, "every cell's land-use fractions sum to 1 within %g (%g cells do not)", SUM_TOL,
         (double)v[2]);
  tap_ok(PetscAbsReal(v[4] / URUMQI_AREA_KM2 - 1) <= URUMQI_RTOL,
         "Urumqi %.0f km2 within %g %% of %.0f", (double)v[4], 100 * URUMQI_RTOL, URUMQI_AREA_KM2);
  if (xinjiang)
    tap_ok(PetscAbsReal(v[3] / XINJIANG_AREA_KM2 - 1) <= XINJIANG_RTOL,
           "Xinjiang %.0f km2 within %g %% of %.0f", (double)v[3], 100 * XINJIANG_RTOL,
           XINJIANG_AREA_KM2);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode check_receptors(const Ctx *c)
{
  const Patch *p = &c->g->patch;
  PetscReal *sum;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(c->d->nrec + 1, &sum));
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++)
      for (PetscInt r = 0; r < c->d->nrec; r++)
        sum[r] += c->d->receptor_weight[patch_index2(p, i, j) * c->d->nrec + r];
  PetscCall(reduce(c->g->comm, sum, c->d->nrec));
  for (PetscInt r = 0; r < c->d->nrec; r++)
    tap_ok(PetscAbsReal(sum[r] - 1) <= SUM_TOL, "receptor %s weights sum to 1 (%.15f)",
           c->d->rec[r].name, (double)sum[r]);
  PetscCall(PetscFree(sum));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether the cell holding (lon, lat) is owned here, and its index. */
static PetscBool owned_cell(const Grid *g, PetscReal lon, PetscReal lat, PetscInt *k)
{
  const Patch *p = &g->patch;
  PetscInt i, j;
  grid_spec_cell(&g->spec, lon, lat, &i, &j);
  if (i < p->xs || i >= p->xs + p->xm || j < p->ys || j >= p->ys + p->ym) return PETSC_FALSE;
  *k = patch_index2(p, i, j);
  return PETSC_TRUE;
}

/* The county (adcode) and prefecture adcode of (lon, lat) from the county polygons. */
static void county_of(const GeoCollection *counties, PetscReal lon, PetscReal lat, PetscInt *adcode,
                      PetscInt *pref)
{
  *adcode = *pref = 0;
  for (PetscInt f = 0; f < counties->n; f++) {
    if (!polygon_contains(&counties->feature[f], lon, lat)) continue;
    *adcode = atoi(vector_property(&counties->feature[f], "adcode")->text);
    *pref = atoi(vector_property(&counties->feature[f], "prefecture_adcode")->text);
  }
}

static PetscErrorCode check_sites(const Ctx *c, const char *sites, const char *counties_file)
{
  CsvTable *t;
  GeoCollection *counties;
  PetscInt cid, clon, clat;
  PetscReal v[2] = {0, 0}; /* sites checked here, sites failing */

  PetscFunctionBeginUser;
  PetscCall(csv_read(sites, &t));
  PetscCall(vector_read(counties_file, &counties));
  PetscCall(csv_column(t, "id", &cid));
  PetscCall(csv_column(t, "lon_wgs84", &clon));
  PetscCall(csv_column(t, "lat_wgs84", &clat));
  for (PetscInt r = 0; r < t->nrow; r++) {
    PetscReal lon, lat;
    PetscInt k, adcode, pref, hit = 0;
    PetscCall(csv_real(t, r, clon, &lon));
    PetscCall(csv_real(t, r, clat, &lat));
    if (!owned_cell(c->g, lon, lat, &k)) continue;
    county_of(counties, lon, lat, &adcode, &pref);
    for (PetscInt e = c->d->cover_start[k]; e < c->d->cover_start[k + 1]; e++) {
      const DomainUnit *u = &c->d->unit[c->d->cover_unit[e]];
      if (u->county == adcode && u->prefecture >= 0 && c->d->pref[u->prefecture].code == pref)
        hit = 1;
    }
    v[0] += 1;
    if (!hit || !adcode) {
      v[1] += 1;
      tap_diag("site %s (%.4f, %.4f) in county %" PetscInt_FMT
               ": its cell's units do not include it",
               csv_text(t, r, cid), (double)lon, (double)lat, adcode);
    }
  }
  PetscCall(reduce(c->g->comm, v, 2));
  tap_ok(v[1] == 0 && v[0] > 0,
         "%g of %" PetscInt_FMT " seats and point sources inside the domain lie in a cell whose "
         "units include their county and prefecture",
         (double)(v[0] - v[1]), t->nrow);
  PetscCall(vector_destroy(&counties));
  PetscCall(csv_destroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The least distance (km on the sphere) from a hotspot site (hotspot column not "none") to the
   domain's outer edge. */
static PetscErrorCode check_margin(const Ctx *c, const char *sites, PetscReal margin)
{
  const GridSpec *s = &c->g->spec;
  CsvTable *t;
  PetscInt chot, clon, clat, n = 0;
  PetscReal least = PETSC_MAX_REAL;

  PetscFunctionBeginUser;
  PetscCall(csv_read(sites, &t));
  PetscCall(csv_column(t, "hotspot", &chot));
  PetscCall(csv_column(t, "lon_wgs84", &clon));
  PetscCall(csv_column(t, "lat_wgs84", &clat));
  for (PetscInt r = 0; r < t->nrow; r++) {
    PetscReal lon, lat, x, y, edge;
    if (!strcmp(csv_text(t, r, chot), "none")) continue;
    PetscCall(csv_real(t, r, clon, &lon));
    PetscCall(csv_real(t, r, clat, &lat));
    projection_forward(&s->proj, lon, lat, &x, &y);
    edge =
        PetscMin(PetscMin(x - (s->x0 - s->dx / 2), s->x0 + ((PetscReal)s->nx - 0.5) * s->dx - x),
                 PetscMin(y - (s->y0 - s->dy / 2), s->y0 + ((PetscReal)s->ny - 0.5) * s->dy - y));
    least = PetscMin(least, edge / projection_map_factor(&s->proj, lat) / 1000);
    n++;
  }
  tap_ok(n > 0 && least >= margin,
         "all %" PetscInt_FMT
         " hotspot cities and sources lie %.0f km or more inside the domain (at least %g km)",
         n, (double)least, (double)margin);
  PetscCall(csv_destroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Terrain at the cell holding (lon, lat), or -inf if not owned here (reduced with max). */
static PetscReal terrain_at(const Ctx *c, PetscReal lon, PetscReal lat)
{
  PetscInt k;
  return owned_cell(c->g, lon, lat, &k) ? c->d->terrain[k] : PETSC_MIN_REAL;
}

static PetscErrorCode check_terrain(const Ctx *c, const char *dem_file, PetscBool ridge)
{
  const Patch *p = &c->g->patch;
  Dem *dem;
  PetscReal v[4] = {0}, top = PETSC_MIN_REAL, ny = (PetscReal)c->g->spec.ny;

  PetscFunctionBeginUser;
  PetscCall(dem_read(dem_file, NULL, &dem));
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscReal h = c->d->terrain[patch_index2(p, i, j)];
      v[0] += h < dem->zmin || h > dem->zmax;
    }
  PetscCall(reduce(c->g->comm, v, 1));
  tap_ok(v[0] == 0, "all cell terrain heights within the DEM's range %g..%g m (%g outside)",
         (double)dem->zmin, (double)dem->zmax, (double)v[0]);
  if (ridge) {
    for (PetscReal lat = RIDGE_LAT_MIN; lat <= RIDGE_LAT_MAX;
         lat += (RIDGE_LAT_MAX - RIDGE_LAT_MIN) / ny)
      top = PetscMax(top, terrain_at(c, RIDGE_LON, lat));
    v[0] = top;
    v[1] = terrain_at(c, RIDGE_LON, BASIN_NORTH_LAT);
    v[2] = terrain_at(c, RIDGE_LON, SIDE_SOUTH_LAT);
    v[3] = terrain_at(c, RIDGE_LON, URUMQI_LAT);
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, 4, MPIU_REAL, MPIU_MAX, c->g->comm));
    tap_ok(v[0] > v[1] + RIDGE_MARGIN && v[0] > v[2] + RIDGE_MARGIN,
           "Tianshan ridge at %g E (%.0f m) stands %g m above the Junggar basin (%.0f m) and the "
           "Toksun side (%.0f m)",
           RIDGE_LON, (double)v[0], RIDGE_MARGIN, (double)v[1], (double)v[2]);
    tap_ok(v[3] < v[0] && v[3] > v[1], "Urumqi (%.0f m) lies between the ridge and the basin floor",
           (double)v[3]);
  }
  PetscCall(dem_destroy(&dem));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  char file[PETSC_MAX_PATH_LEN] = "",
       sites[PETSC_MAX_PATH_LEN] = "data/xinjiang_hotspots_and_point_sources.csv";
  char counties[PETSC_MAX_PATH_LEN] = "data/xinjiang_counties_amap.geojson",
       dem[PETSC_MAX_PATH_LEN] = "data/etopo5_xinjiang_65-105E_30-52N.nc";
  PetscBool has_file, has_margin, xinjiang = PETSC_FALSE, ridge = PETSC_FALSE;
  PetscReal margin = 0;
  PetscMPIInt rank;
  GridSpec spec;
  Grid *g;
  Domain *d;
  Ctx c;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  tap_quiet(rank != 0);
  PetscCall(PetscOptionsGetString(NULL, NULL, "-file", file, sizeof(file), &has_file));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-sites", sites, sizeof(sites), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-counties", counties, sizeof(counties), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dem", dem, sizeof(dem), NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-xinjiang", &xinjiang, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-ridge", &ridge, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-margin", &margin, &has_margin));
  if (!has_file) {
    if (!rank)
      printf(
          "1..0 # SKIP no -file given (tests/regression/domains.sh runs this on built domains)\n");
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(domain_grid_spec(file, &spec));
  PetscCall(grid_create(PETSC_COMM_WORLD, &spec, 2, PETSC_DECIDE, PETSC_DECIDE, &g));
  PetscCall(domain_read(g, file, &d));
  c = (Ctx){.g = g, .d = d};
  tap_diag("%s: %" PetscInt_FMT " x %" PetscInt_FMT " cells, %" PetscInt_FMT
           " units, %" PetscInt_FMT " prefectures, %" PetscInt_FMT " receptors",
           file, spec.nx, spec.ny, d->nunit, d->npref, d->nrec);
  PetscCall(check_sums(&c, xinjiang));
  PetscCall(check_receptors(&c));
  PetscCall(check_sites(&c, sites, counties));
  PetscCall(check_terrain(&c, dem, ridge));
  if (has_margin) PetscCall(check_margin(&c, sites, margin));
  PetscCall(domain_destroy(&d));
  PetscCall(grid_destroy(&g));
  PetscCall(PetscFinalize());
  return tap_done();
}
