/* Projections: round trips, map factors on the true latitudes, and WRF's own XLAT, XLONG and
   MAPFAC_M reproduced at every mass point of a Lambert and a Mercator wrfout file. Both files are
   crops of larger domains: the crop's offset in the full domain is found by projecting its
   first mass point, and must come out a whole number of cells. The cell holding a point and the
   span of a grid's outline (grids/grid_spec.c). */
#include <netcdf.h>
#include "tests/tap.h"
#include "grids/metrics.h"
#include "base/error.h"
#include "base/constants.h"

static void round_trips(Projection *p, const char *name)
{
  PetscReal worst = 0;
  for (PetscReal lat = p->ref_lat - 12; lat <= p->ref_lat + 12; lat += 1.37)
    for (PetscReal lon = p->ref_lon - 20; lon <= p->ref_lon + 20; lon += 2.11) {
      PetscReal x, y, lo, la;
      projection_forward(p, lon, lat, &x, &y);
      projection_inverse(p, x, y, &lo, &la);
      worst = PetscMax(worst, PetscMax(PetscAbsReal(lo - lon), PetscAbsReal(la - lat)));
    }
  tap_ok(worst < 1e-9, "%s: forward then inverse returns every point to %.1e degree", name,
         (double)worst);
}

/* A 2D field of the first time, whether or not the variable has a Time dimension. */
static PetscErrorCode read_first_time(int nc, const char *name, size_t nx, size_t ny, double *v)
{
  int var, nd;
  size_t start[3] = {0, 0, 0}, count[3] = {1, ny, nx};

  PetscFunctionBeginUser;
  NcCall(nc_inq_varid(nc, name, &var));
  NcCall(nc_inq_varndims(nc, var, &nd));
  NcCall(nc_get_vara_double(nc, var, start + (3 - nd), count + (3 - nd), v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode check_wrf(const char *path, ProjectionKind kind)
{
  int nc, dim;
  size_t nx, ny;
  int nxs, nys;
  double cen_lat, cen_lon, t1, t2, sl, dx, dy;
  double *xlat, *xlon, *msf;
  Projection p = {0};
  GridSpec s;
  Patch pa = {0};
  PetscReal x, y, fi, fj, worst = 0, worst_m = 0, *lon, *lat, *area, *wx, *wy, *mf;

  PetscFunctionBeginUser;
  NcCallFile(nc_open(path, NC_NOWRITE, &nc), path);
  NcCall(nc_inq_dimid(nc, "west_east", &dim));
  NcCall(nc_inq_dimlen(nc, dim, &nx));
  NcCall(nc_inq_dimid(nc, "south_north", &dim));
  NcCall(nc_inq_dimlen(nc, dim, &ny));
  NcCall(nc_get_att_double(nc, NC_GLOBAL, "CEN_LAT", &cen_lat));
  NcCall(nc_get_att_double(nc, NC_GLOBAL, "CEN_LON", &cen_lon));
  NcCall(nc_get_att_double(nc, NC_GLOBAL, "TRUELAT1", &t1));
  NcCall(nc_get_att_double(nc, NC_GLOBAL, "TRUELAT2", &t2));
  NcCall(nc_get_att_double(nc, NC_GLOBAL, "STAND_LON", &sl));
  NcCall(nc_get_att_double(nc, NC_GLOBAL, "DX", &dx));
  NcCall(nc_get_att_double(nc, NC_GLOBAL, "DY", &dy));
  NcCall(nc_get_att_int(nc, NC_GLOBAL, "WEST-EAST_GRID_DIMENSION", &nxs));
  NcCall(nc_get_att_int(nc, NC_GLOBAL, "SOUTH-NORTH_GRID_DIMENSION", &nys));
  PetscCall(PetscMalloc3(nx * ny, &xlat, nx * ny, &xlon, nx * ny, &msf));
  PetscCall(read_first_time(nc, "XLAT", nx, ny, xlat));
  PetscCall(read_first_time(nc, "XLONG", nx, ny, xlon));
  PetscCall(read_first_time(nc, "MAPFAC_M", nx, ny, msf));
  NcCall(nc_close(nc));
  p.kind = kind;
  p.truelat1 = t1;
  p.truelat2 = t2;
  p.stand_lon = sl;
  p.ref_lat = cen_lat;
  p.ref_lon = cen_lon;
  PetscCall(projection_setup(&p));
  /* Where the crop's first point sits in the full domain (centred on CEN_LAT, CEN_LON). */
  projection_forward(&p, xlon[0], xlat[0], &x, &y);
  fi = x / dx + 0.5 * (nxs - 2);
  fj = y / dy + 0.5 * (nys - 2);
  tap_ok(PetscAbsReal(fi - PetscFloorReal(fi + 0.5)) < 2e-3 &&
             PetscAbsReal(fj - PetscFloorReal(fj + 0.5)) < 2e-3,
         "%s: the crop starts at cell (%.4f, %.4f) of the full %d x %d domain", path, (double)fi,
         (double)fj, nxs - 1, nys - 1);
  s.proj = p;
  s.nx = (PetscInt)nx;
  s.ny = (PetscInt)ny;
  s.nz = 1;
  s.dx = dx;
  s.dy = dy;
  s.x0 = (PetscFloorReal(fi + 0.5) - 0.5 * (nxs - 2)) * dx;
  s.y0 = (PetscFloorReal(fj + 0.5) - 0.5 * (nys - 2)) * dy;
  pa.mx = pa.xm = pa.gxm = (PetscInt)nx;
  pa.my = pa.ym = pa.gym = (PetscInt)ny;
  pa.mz = 1;
  PetscCall(PetscMalloc6(nx * ny, &lon, nx * ny, &lat, nx * ny, &area, nx * ny, &wx, nx * ny, &wy,
                         nx * ny, &mf));
  PetscCall(metrics_compute(&s, &pa, lon, lat, area, wx, wy, mf));
  for (size_t c = 0; c < nx * ny; c++) {
    worst =
        PetscMax(worst, PetscMax(PetscAbsReal(lon[c] - xlon[c]), PetscAbsReal(lat[c] - xlat[c])));
    worst_m = PetscMax(worst_m, PetscAbsReal(mf[c] / msf[c] - 1));
  }
  tap_ok(worst < 1e-4, "%s: the model grid reproduces XLAT/XLONG at all %d points to %.1e degree",
         path, (int)(nx * ny), (double)worst);
  tap_ok(worst_m < 1e-5, "%s: map factors match MAPFAC_M to %.1e relative", path, (double)worst_m);
  PetscCall(PetscFree3(xlat, xlon, msf));
  PetscCall(PetscFree6(lon, lat, area, wx, wy, mf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode quiet(MPI_Comm c, int l, const char *f, const char *fi, PetscErrorCode n,
                            PetscErrorType p, const char *m, void *x)
{
  (void)c;
  (void)l;
  (void)f;
  (void)fi;
  (void)p;
  (void)m;
  (void)x;
  return n;
}

/* grid_spec_cell on an att27-like grid: every cell's centre, and points off it by up to 0.45 of a
   cell in each direction, fall in that cell; points 0.05 of a cell beyond an outer face fall
   outside; the outline's span (grid_spec_extent) holds every point of the grid, and less than
   a cell beyond. */
static void cells(const Projection *p)
{
  GridSpec s = {.proj = *p, .nx = 20, .ny = 12, .dx = 27000, .dy = 27000};
  PetscInt wrong = 0, inside = 0, held = 0, n = 0;
  PetscReal off[] = {-0.45, 0, 0.3, 0.45}, ext[4], lo[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL},
            hi[2] = {PETSC_MIN_REAL, PETSC_MIN_REAL};
  s.x0 = -0.5 * (PetscReal)(s.nx - 1) * s.dx, s.y0 = -0.5 * (PetscReal)(s.ny - 1) * s.dy;
  grid_spec_extent(&s, ext);
  for (PetscInt j = 0; j < s.ny; j++)
    for (PetscInt i = 0; i < s.nx; i++)
      for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
          PetscReal x, y, lon, lat;
          PetscInt ci, cj;
          grid_cell_xy(&s, (PetscReal)i + off[a], (PetscReal)j + off[b], &x, &y);
          projection_inverse(p, x, y, &lon, &lat);
          wrong += !grid_spec_cell(&s, lon, lat, &ci, &cj) || ci != i || cj != j;
          held += lon >= ext[0] && lon <= ext[1] && lat >= ext[2] && lat <= ext[3];
          lo[0] = PetscMin(lo[0], lon), hi[0] = PetscMax(hi[0], lon);
          lo[1] = PetscMin(lo[1], lat), hi[1] = PetscMax(hi[1], lat);
          n++;
        }
  for (PetscInt k = 0; k < s.nx + s.ny; k++) {
    PetscInt i = k < s.nx ? k : 0, j = k < s.nx ? 0 : k - s.nx, ci, cj;
    PetscReal x, y, lon, lat, d = 0.55;
    grid_cell_xy(&s, k < s.nx ? (PetscReal)i : -d, k < s.nx ? -d : (PetscReal)j, &x, &y);
    projection_inverse(p, x, y, &lon, &lat);
    inside += grid_spec_cell(&s, lon, lat, &ci, &cj);
    grid_cell_xy(&s, k < s.nx ? (PetscReal)i : (PetscReal)s.nx - 1 + d,
                 k < s.nx ? (PetscReal)s.ny - 1 + d : (PetscReal)j, &x, &y);
    projection_inverse(p, x, y, &lon, &lat);
    inside += grid_spec_cell(&s, lon, lat, &ci, &cj);
  }
  tap_ok(!wrong && !inside,
         "grid_spec_cell: %" PetscInt_FMT " points within 0.45 cell of a centre in their cell, "
         "%d beyond the outer faces outside",
         n, (int)(2 * (s.nx + s.ny)));
  tap_ok(held == n && ext[0] > lo[0] - 0.3 && ext[1] < hi[0] + 0.3 && ext[2] > lo[1] - 0.2 &&
             ext[3] < hi[1] + 0.2,
         "grid_spec_extent: %.3fE-%.3fE, %.3fN-%.3fN holds every point, and less than a cell "
         "more",
         (double)ext[0], (double)ext[1], (double)ext[2], (double)ext[3]);
}

int main(int argc, char **argv)
{
  Projection lc = {.kind = PROJ_LAMBERT,
                   .truelat1 = 40,
                   .truelat2 = 48,
                   .stand_lon = 86,
                   .ref_lat = 42.3,
                   .ref_lon = 84.5};
  Projection lc1 = {.kind = PROJ_LAMBERT,
                    .truelat1 = 45,
                    .truelat2 = 45,
                    .stand_lon = 86,
                    .ref_lat = 44,
                    .ref_lon = 87};
  Projection lcs = {.kind = PROJ_LAMBERT,
                    .truelat1 = -30,
                    .truelat2 = -50,
                    .stand_lon = 140,
                    .ref_lat = -38,
                    .ref_lon = 145};
  Projection ps = {
      .kind = PROJ_POLAR, .truelat1 = 60, .stand_lon = -100, .ref_lat = 65, .ref_lon = -90};
  Projection me = {
      .kind = PROJ_MERCATOR, .truelat1 = 20, .stand_lon = -89, .ref_lat = 25, .ref_lon = -87};
  Projection ll = {.kind = PROJ_LATLON, .ref_lat = 42, .ref_lon = 85};
  Projection bad = {.kind = (ProjectionKind)5, .ref_lat = 42};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(projection_setup(&lc));
  PetscCall(projection_setup(&lc1));
  PetscCall(projection_setup(&lcs));
  PetscCall(projection_setup(&ps));
  PetscCall(projection_setup(&me));
  PetscCall(projection_setup(&ll));
  round_trips(&lc, "Lambert (two true latitudes)");
  round_trips(&lc1, "Lambert (one true latitude)");
  round_trips(&lcs, "Lambert (southern hemisphere)");
  round_trips(&ps, "polar stereographic");
  round_trips(&me, "Mercator");
  round_trips(&ll, "lat-lon");
  cells(&lc);
  tap_ok(PetscAbsReal(projection_map_factor(&lc, 40) - 1) < 1e-12 &&
             PetscAbsReal(projection_map_factor(&lc, 48) - 1) < 1e-12 &&
             projection_map_factor(&lc, 44) < 1,
         "Lambert map factor is 1 on both true latitudes and below 1 between them");
  tap_ok(PetscAbsReal(projection_map_factor(&ps, 60) - 1) < 1e-12 &&
             PetscAbsReal(projection_map_factor(&me, 20) - 1) < 1e-12,
         "polar stereographic and Mercator map factors are 1 on the true latitude");
  {
    PetscReal x, y;
    projection_forward(&lc, lc.ref_lon, lc.ref_lat, &x, &y);
    tap_ok(PetscAbsReal(x) < 1e-6 && PetscAbsReal(y) < 1e-6,
           "the reference point is the plane origin");
    /* Distances: 1 degree of latitude along the standard meridian is R pi / 180 times m. */
    {
      PetscReal x1, y1, x2, y2, m = projection_map_factor(&lc, 44.5);
      projection_forward(&lc, 86, 44, &x1, &y1);
      projection_forward(&lc, 86, 45, &x2, &y2);
      tap_ok(PetscAbsReal((y2 - y1) / (CONST_EARTH_RADIUS * CONST_DEG2RAD * m) - 1) < 1e-4,
             "plane distance over true distance equals the map factor on the standard meridian");
    }
  }
  tap_ok(PetscAbsReal(projection_rotation(&lc, 86)) < 1e-15 && projection_rotation(&lc, 90) > 0,
         "grid rotation is zero on the standard longitude and grows eastward");
  PetscCall(check_wrf("tests/data/wrf/wrfout_tibet_lambert_allvars_cropped.nc", PROJ_LAMBERT));
  PetscCall(check_wrf("tests/data/wrf/wrfout_katrina_mercator_sample.nc", PROJ_MERCATOR));
  PetscCall(PetscPushErrorHandler(quiet, NULL));
  tap_ok(projection_setup(&bad) == PETSC_ERR_ARG_OUTOFRANGE,
         "an unsupported projection code is refused");
  lc.truelat2 = -10;
  tap_ok(projection_setup(&lc) == PETSC_ERR_ARG_OUTOFRANGE,
         "Lambert true latitudes in two hemispheres are refused");
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscFinalize());
  return tap_done();
}
