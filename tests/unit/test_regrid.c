/* Conservative regridding of a latitude-longitude emission grid onto a Lambert model grid, and
   the sector time profiles (issue 5):
   - every source cell's shares sum to its fraction inside the domain, so totals are kept;
   - a source cell inside the domain is kept whole, and a total over many cells is kept to
     round-off;
   - a single source cell smaller than a model cell lands in the model cell that holds it;
   - every default profile set averages to 1 over its period (months weighted by their days),
     the year-mean of the product stays near 1, and a user's set that does not average to 1 is
     refused with the key named. */
#include <string.h>
#include "tests/tap.h"
#include "grids/grid.h"
#include "model/emissions/regrid.h"
#include "model/emissions/profiles.h"

static PetscErrorCode lambert_grid(Grid **g)
{
  GridSpec s;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&s, sizeof(s)));
  s.proj = (Projection){.kind = PROJ_LAMBERT,
                        .truelat1 = 40,
                        .truelat2 = 48,
                        .stand_lon = 87,
                        .ref_lat = 43.8,
                        .ref_lon = 87.6};
  PetscCall(projection_setup(&s.proj));
  s.nx = 40, s.ny = 30, s.nz = 2, s.dx = s.dy = 27000;
  s.x0 = -0.5 * (PetscReal)(s.nx - 1) * s.dx, s.y0 = -0.5 * (PetscReal)(s.ny - 1) * s.dy;
  s.z_iface[1] = 50, s.z_iface[2] = 100;
  PetscCall(grid_create(PETSC_COMM_WORLD, &s, 2, PETSC_DECIDE, PETSC_DECIDE, g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void axis(PetscReal first, PetscReal step, PetscInt n, PetscReal *a)
{
  for (PetscInt k = 0; k < n; k++) a[k] = first + step * (PetscReal)k;
}

static PetscErrorCode test_totals(const Grid *g)
{
  enum { NLAT = 60, NLON = 80 };
  PetscReal lat[NLAT], lon[NLON], worst = 0, kept = 0, want = 0, whole = 0;
  RegridMap *m;
  PetscInt partial = 0, outside = 0;

  PetscFunctionBeginUser;
  axis(37.0, 0.25, NLAT, lat); /* 37-51.75 N, 79-98.75 E: wider than the model grid */
  axis(79.0, 0.25, NLON, lon);
  PetscCall(regrid_create(g, NLAT, lat, NLON, lon, &m));
  for (PetscInt c = 0; c < NLAT * NLON; c++) {
    PetscReal sum = 0, field = 1 + 0.37 * (PetscReal)(c % 17) + 0.011 * (PetscReal)c;
    for (PetscInt e = m->start[c]; e < m->start[c + 1]; e++) sum += m->w[e];
    worst = PetscMax(worst, PetscAbsReal(sum - m->inside[c]));
    kept += field * sum;
    want += field * m->inside[c];
    if (m->inside[c] == 0)
      outside++;
    else if (m->inside[c] < 1 - 1e-12)
      partial++;
    else
      whole = PetscMax(whole, PetscAbsReal(sum - 1));
  }
  tap_ok(
      worst < 1e-14,
      "each source cell's shares sum to its fraction inside the domain (largest difference %.2e)",
      (double)worst);
  tap_ok(whole < 1e-14,
         "a source cell wholly inside the domain is kept whole (largest difference %.2e)",
         (double)whole);
  tap_ok(PetscAbsReal(kept / want - 1) < 1e-13,
         "a field of %d cells keeps its total inside the domain: %.15g vs %.15g", NLAT * NLON,
         (double)kept, (double)want);
  tap_ok(outside > 0 && partial > 0,
         "the test grid has cells outside (%" PetscInt_FMT ") and across the border (%" PetscInt_FMT
         ")",
         outside, partial);
  PetscCall(regrid_destroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A source grid of 0.02 degrees with one cell centred on the centre of model cell (i0, j0). */
static PetscErrorCode test_single_cell(const Grid *g, PetscInt i0, PetscInt j0)
{
  enum { N = 9 };
  PetscReal lat[N], lon[N], clon, clat, x, y, got = 0, elsewhere = 0;
  RegridMap *m;
  PetscInt c = (N / 2) * N + N / 2;

  PetscFunctionBeginUser;
  grid_cell_xy(&g->spec, (PetscReal)i0, (PetscReal)j0, &x, &y);
  projection_inverse(&g->spec.proj, x, y, &clon, &clat);
  axis(clat - 0.02 * (N / 2), 0.02, N, lat);
  axis(clon - 0.02 * (N / 2), 0.02, N, lon);
  PetscCall(regrid_create(g, N, lat, N, lon, &m));
  for (PetscInt e = m->start[c]; e < m->start[c + 1]; e++) {
    if (m->i[e] == i0 && m->j[e] == j0)
      got += m->w[e];
    else
      elsewhere += m->w[e];
  }
  tap_ok(
      PetscAbsReal(got - 1) < 1e-14 && elsewhere == 0,
      "a single 0.02-degree source cell at %.3f E %.3f N lands whole in model cell (%" PetscInt_FMT
      ", %" PetscInt_FMT ") (%.15g there, %g elsewhere)",
      (double)clon, (double)clat, i0, j0, (double)got, (double)elsewhere);
  PetscCall(regrid_destroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode test_profiles(void)
{
  static const PetscInt days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  Profiles *p;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(profiles_create(PETSC_COMM_WORLD, &p));
  for (PetscInt s = 0; s < SECTOR_N; s++) {
    PetscReal m = 0, w = 0, h = 0, year = 0;
    for (PetscInt k = 0; k < 12; k++) m += p->month[s][k] * (PetscReal)days[k] / 365;
    for (PetscInt k = 0; k < 7; k++) w += p->weekday[s][k] / 7;
    for (PetscInt k = 0; k < 24; k++) h += p->hour[s][k] / 24;
    /* 2023, hour by hour at the half hour: the product of the three sets */
    for (PetscInt k = 0; k < 8760; k++)
      year += profiles_factor(p, (Sector)s, 1672531200.0 + 3600.0 * ((PetscReal)k + 0.5)) / 8760;
    tap_ok(PetscAbsReal(m - 1) < 1e-12 && PetscAbsReal(w - 1) < 1e-12 &&
               PetscAbsReal(h - 1) < 1e-12,
           "%s: month (by days) %.15f, weekday %.15f and hour %.15f sets average to 1",
           sector_names[s], (double)m, (double)w, (double)h);
    tap_ok(PetscAbsReal(year - 1) < 0.01,
           "%s: the emission factor averaged over the 8760 hours of 2023 is %.5f (within 1 %%)",
           sector_names[s], (double)year);
  }
  PetscCall(profiles_destroy(&p));
  /* A user's hourly set that averages to 1.25 is refused. */
  PetscCall(PetscOptionsSetValue(NULL, "-emission_profiles_residential_hour",
                                 "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,7"));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = profiles_create(PETSC_COMM_WORLD, &p);
  PetscCall(PetscPopErrorHandler());
  {
    const char *text = NULL;
    char *specific = NULL;
    PetscErrorMessage(ierr, &text, &specific);
    tap_ok(ierr != 0 && specific &&
               strstr(specific, "emission_profiles_residential_hour averages to 1.25"),
           "an hourly residential set averaging to 1.25 is refused: \"%s\"",
           specific ? specific : "(no message)");
  }
  if (!ierr) PetscCall(profiles_destroy(&p));
  PetscCall(PetscOptionsClearValue(NULL, "-emission_profiles_residential_hour"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Grid *g;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(lambert_grid(&g));
  PetscCall(test_totals(g));
  PetscCall(test_single_cell(g, 20, 15));
  PetscCall(test_single_cell(g, 3, 26));
  PetscCall(grid_destroy(&g));
  PetscCall(test_profiles());
  PetscCall(PetscFinalize());
  return tap_done();
}
