/* The met source wrf on the two real wrfout files (tests/data/wrf): the model grid reproduces
   XLAT/XLONG (also on a window); values at chosen points equal what WRF wrote (U and V on faces,
   theta = T + 300, heights from PH + PHB, the Tibet file's own PBLH, UST, HFX, T2, SNOWC, land
   use); the density agrees with the ideal gas law from P + PB, T and QVAPOR, and the dry air in
   every column with WRF's own column mass MU + MUB; Kz is bounded and is kz_free above the
   boundary layer; the precipitation rate is the centred difference of RAINC + RAINNC; the
   Katrina file (no PBLH) gets a diagnosed PBLH within 50-3000 m and a log line saying so; times
   out of the files' range and the records of Katrina's moving nest are refused. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <netcdf.h>
#include "tests/tap.h"
#include "model/met/met.h"
#include "base/namelist.h"
#include "base/clock.h"
#include "base/error.h"
#include "model/met/pbl.h"
#include "base/constants.h"

extern const MetSourceOps met_source_wrf;

#define TIBET "tests/data/wrf/wrfout_tibet_lambert_allvars_cropped.nc"
#define KATRINA "tests/data/wrf/wrfout_katrina_mercator_sample.nc"

/* Everything PetscPrintf printed, for the log-line checks. */
static char logbuf[1 << 16];
static PetscErrorCode (*printer)(FILE *, const char[], va_list); /* PETSc's own */
static PetscErrorCode capture(FILE *fp, const char *fmt, va_list ap)
{
  size_t n = strlen(logbuf);
  (void)fp;
  vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
  return PETSC_SUCCESS;
}

static PetscErrorCode quiet(MPI_Comm c, int l, const char *f, const char *fi, PetscErrorCode n,
                            PetscErrorType p, const char *m, void *x)
{
  (void)c;
  (void)l;
  (void)f;
  (void)fi;
  (void)p;
  (void)x;
  if (p == PETSC_ERROR_INITIAL)
    snprintf(logbuf + strlen(logbuf), sizeof(logbuf) - strlen(logbuf), "ERROR: %s\n", m);
  return n;
}

/* A whole WRF variable at record t (or without a Time dimension), as doubles; caller frees. */
static PetscErrorCode wrf_var(const char *path, const char *name, size_t t, double **v)
{
  int nc, id, nd, dims[4];
  size_t st[4] = {0}, ct[4], n = 1, off = 0;
  char dname[NC_MAX_NAME + 1];

  PetscFunctionBeginUser;
  NcCallFile(nc_open(path, NC_NOWRITE, &nc), path);
  NcCallFile(nc_inq_varid(nc, name, &id), path);
  NcCallFile(nc_inq_varndims(nc, id, &nd), path);
  NcCallFile(nc_inq_vardimid(nc, id, dims), path);
  NcCall(nc_inq_dimname(nc, dims[0], dname));
  if (!strcmp(dname, "Time")) st[0] = t, ct[0] = 1, off = 1;
  for (int d = (int)off; d < nd; d++) {
    NcCall(nc_inq_dimlen(nc, dims[d], &ct[d]));
    n *= ct[d];
  }
  PetscCall(PetscMalloc1(n, v));
  NcCallFile(nc_get_vara_double(nc, id, st, ct, *v), path);
  NcCallFile(nc_close(nc), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  Grid *g;
  void *ctx;
  MetFields *m;
  PetscReal t0;
} Case;

/* Grid, source and the snapshot at the first record of path, with more options (or NULL). */
static PetscErrorCode open_case(const char *path, const char *opts, Case *c)
{
  GridSpec spec;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(namelist_reset());
  PetscCall(PetscOptionsSetValue(NULL, "-met_wrf_files", path));
  if (opts) PetscCall(PetscOptionsInsertString(NULL, opts));
  PetscCall(met_source_wrf.grid_spec(PETSC_COMM_WORLD, &spec));
  PetscCall(grid_create(PETSC_COMM_WORLD, &spec, 3, PETSC_DECIDE, PETSC_DECIDE, &c->g));
  logbuf[0] = 0;
  PetscCall(met_source_wrf.create(c->g, &c->ctx));
  PetscCall(met_fields_create(&c->g->patch, &c->m));
  { /* the first record's time */
    int nc, id;
    char text[20] = {0};
    size_t st[2] = {0, 0}, ct[2] = {1, 19};
    NcCallFile(nc_open(path, NC_NOWRITE, &nc), path);
    NcCall(nc_inq_varid(nc, "Times", &id));
    NcCall(nc_get_vara_text(nc, id, st, ct, text));
    NcCall(nc_close(nc));
    PetscCall(clock_parse(text, &c->t0));
  }
  PetscCall(met_source_wrf.fill(c->ctx, c->g, c->t0, c->m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode close_case(Case *c)
{
  PetscFunctionBeginUser;
  PetscCall(met_fields_destroy(&c->m));
  PetscCall(met_source_wrf.destroy(&c->ctx));
  PetscCall(grid_destroy(&c->g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Grid and fields against the file at the first record; (i0, j0) is the window's offset. */
static PetscErrorCode check_values(const char *name, const char *path, Case *c, PetscInt i0,
                                   PetscInt j0)
{
  const Patch *p = &c->g->patch;
  const MetFields *m = c->m;
  PetscInt nx = 0, ny = 0, nz = c->g->spec.nz;
  const char *names[] = {"XLAT", "XLONG", "U", "V", "T", "P", "PB", "QVAPOR", "PH", "PHB", "HGT"};
  double *v[11], *xlat, *xlon, *U, *V, *T, *P, *PB, *QV, *PH, *PHB, *HGT;
  PetscReal worst_ll = 0, worst_u = 0, worst_th = 0, worst_rho = 0, worst_z = 0;
  int nc, dim;
  size_t len;

  PetscFunctionBeginUser;
  NcCallFile(nc_open(path, NC_NOWRITE, &nc), path);
  NcCall(nc_inq_dimid(nc, "west_east", &dim));
  NcCall(nc_inq_dimlen(nc, dim, &len));
  nx = (PetscInt)len;
  NcCall(nc_inq_dimid(nc, "south_north", &dim));
  NcCall(nc_inq_dimlen(nc, dim, &len));
  ny = (PetscInt)len;
  NcCall(nc_close(nc));
  for (PetscInt n = 0; n < 11; n++) PetscCall(wrf_var(path, names[n], 0, &v[n]));
  xlat = v[0], xlon = v[1], U = v[2], V = v[3], T = v[4], P = v[5], PB = v[6], QV = v[7], PH = v[8],
  PHB = v[9], HGT = v[10];
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt wi = i + i0, wj = j + j0, c2 = patch_index2(p, i, j), w2 = wj * nx + wi;
      worst_ll = PetscMax(worst_ll, PetscMax(PetscAbsReal(c->g->lat[c2] - xlat[w2]),
                                             PetscAbsReal(c->g->lon[c2] - xlon[w2])));
      for (PetscInt k = 0; k < nz; k++) {
        PetscInt c3 = patch_index(p, i, j, k), w3 = (k * ny + wj) * nx + wi,
                 ws = ((k + 1) * ny + wj) * nx + wi;
        PetscReal pr = P[w3] + PB[w3], qv = QV[w3], th = T[w3] + 300,
                  tk = th * PetscPowReal(pr / 1e5, 287.0 / 1004.5);
        PetscReal rho = pr * (1 + qv) / (tk * (287.0 + 461.6 * qv));
        PetscReal zlo = (PH[w3] + PHB[w3]) / 9.81 - HGT[w2],
                  zhi = (PH[ws] + PHB[ws]) / 9.81 - HGT[w2];
        worst_u = PetscMax(worst_u, PetscAbsReal(m->u_face[c3] - U[(k * ny + wj) * (nx + 1) + wi]));
        worst_u = PetscMax(worst_u, PetscAbsReal(m->v_face[c3] - V[(k * (ny + 1) + wj) * nx + wi]));
        worst_th = PetscMax(worst_th, PetscAbsReal(m->theta[c3] - th));
        worst_rho = PetscMax(worst_rho, PetscAbsReal(m->rho[c3] / rho - 1));
        worst_z = PetscMax(worst_z, PetscMax(PetscAbsReal(m->zmid[c3] - 0.5 * (zlo + zhi)),
                                             PetscAbsReal(m->dz[c3] - (zhi - zlo))));
      }
    }
  tap_ok(worst_ll < 1e-4, "%s: the model grid reproduces XLAT/XLONG to %.1e degree", name,
         (double)worst_ll);
  tap_ok(worst_u == 0,
         "%s: u_face and v_face are WRF's U and V on the faces (largest difference %g)", name,
         (double)worst_u);
  tap_ok(worst_th < 1e-12, "%s: theta is T + 300 to %.1e K", name, (double)worst_th);
  tap_ok(worst_rho < 1e-13, "%s: rho obeys the ideal gas law with P + PB, T and QVAPOR to %.1e",
         name, (double)worst_rho);
  tap_ok(worst_z < 1e-9, "%s: zmid and dz come from (PH + PHB) / g - HGT to %.1e m", name,
         (double)worst_z);
  {
    PetscInt i = p->xs + p->xm / 2, j = p->ys + p->ym / 2, k = nz / 3, wi = i + i0, wj = j + j0;
    PetscInt c3 = patch_index(p, i, j, k);
    PetscReal ucell =
        0.5 * (U[(k * ny + wj) * (nx + 1) + wi] + U[(k * ny + wj) * (nx + 1) + wi + 1]);
    tap_ok(m->u[c3] == ucell && m->u_face[c3] == U[(k * ny + wj) * (nx + 1) + wi],
           "%s: at cell (%d, %d, %d) U on the west face is %.6g m/s as WRF wrote, the centre "
           "average %.6g",
           name, (int)i, (int)j, (int)k, (double)m->u_face[c3], (double)m->u[c3]);
  }
  for (PetscInt n = 0; n < 11; n++) PetscCall(PetscFree(v[n]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Tibet: WRF's own boundary layer and surface fields, land use, precipitation, column mass, Kz. */
static PetscErrorCode check_tibet_surface(Case *c)
{
  const Patch *p = &c->g->patch;
  const MetFields *m = c->m;
  PetscInt nx = p->mx, nz = p->mz;
  const char *names[] = {"PBLH", "UST",    "HFX",   "T2",     "SNOWC", "LU_INDEX", "MU",
                         "MUB",  "QVAPOR", "RAINC", "RAINNC", "RAINC", "RAINNC"};
  double *v[13], *pblh, *ust, *hfx, *t2, *snowc, *lu, *mu, *mub, *qv, *a0, *b0, *a1, *b1;
  PetscReal worst = 0, worst_mass = 0, worst_rain = 0, kz_lo = PETSC_MAX_REAL, kz_hi = 0;
  PetscBool lu_ok = PETSC_TRUE, free_ok = PETSC_TRUE;

  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < 13; n++) PetscCall(wrf_var(TIBET, names[n], n < 11 ? 0 : 1, &v[n]));
  pblh = v[0], ust = v[1], hfx = v[2], t2 = v[3], snowc = v[4], lu = v[5], mu = v[6], mub = v[7],
  qv = v[8];
  a0 = v[9], b0 = v[10], a1 = v[11], b1 = v[12];
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt c2 = patch_index2(p, i, j), w = j * nx + i,
               cls = (PetscInt)lu[w] == 16 ? LANDUSE_WATER : LANDUSE_GRASSLAND;
      PetscReal dry = 0, rate = PetscMax(a1[w] + b1[w] - a0[w] - b0[w], 0) / 3.0;
      worst = PetscMax(worst,
                       PetscAbsReal(m->pblh[c2] - pblh[w]) + PetscAbsReal(m->ustar[c2] - ust[w]) +
                           PetscAbsReal(m->hfx[c2] - hfx[w]) + PetscAbsReal(m->t2[c2] - t2[w]) +
                           PetscAbsReal(m->snow_cover[c2] - snowc[w]));
      if (m->landuse[c2 * LANDUSE_N + cls] != 1) lu_ok = PETSC_FALSE;
      worst_rain = PetscMax(worst_rain, PetscAbsReal(m->precip[c2] - rate));
      for (PetscInt k = 0; k < nz; k++) {
        PetscInt c3 = patch_index(p, i, j, k);
        kz_lo = PetscMin(kz_lo, m->kz[c3]);
        kz_hi = PetscMax(kz_hi, m->kz[c3]);
        if (m->zmid[c3] + 0.5 * m->dz[c3] >= m->pblh[c2] && m->kz[c3] != 0.2) free_ok = PETSC_FALSE;
        dry += m->rho[c3] / (1 + qv[(k * p->my + j) * nx + i]) * CONST_GRAVITY * m->dz[c3];
      }
      worst_mass = PetscMax(worst_mass, PetscAbsReal(dry / (mu[w] + mub[w]) - 1));
    }
  tap_ok(worst == 0, "Tibet: PBLH, UST, HFX, T2 and SNOWC are WRF's own (largest difference %g)",
         (double)worst);
  tap_ok(
      lu_ok,
      "Tibet: LU_INDEX 7 (USGS grassland) and 16 (water) become the grassland and water classes");
  tap_ok(worst_rain < 1e-12,
         "Tibet: precipitation at the first record is (RAINC + RAINNC)(03 UTC) - (00 UTC) over 3 "
         "h (to %.1e mm/h)",
         (double)worst_rain);
  tap_ok(
      worst_mass < 1e-5,
      "Tibet: the dry air of every column (sum of rho/(1+qv) g dz) equals WRF's MU + MUB to %.1e",
      (double)worst_mass);
  tap_ok(kz_lo >= 0.1 && kz_hi <= 500 && kz_hi > 10,
         "Tibet: Kz within [kz_min, kz_max] = [0.1, 500] m2/s (%.3g to %.3g)", (double)kz_lo,
         (double)kz_hi);
  tap_ok(free_ok, "Tibet: Kz is kz_free = 0.2 m2/s at every interface above WRF's PBLH");
  tap_ok(strstr(logbuf, "has no PBLH") == NULL,
         "Tibet: no PBLH is diagnosed (the file has its own)");
  for (PetscInt n = 0; n < 13; n++) PetscCall(PetscFree(v[n]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* bracket gives the records around t; times outside the files are refused naming them. */
static PetscErrorCode check_times(Case *c)
{
  PetscReal t0, t1, h = 3600;
  PetscErrorCode rc;

  PetscFunctionBeginUser;
  PetscCall(met_source_wrf.bracket(c->ctx, c->t0 + 1.5 * h, &t0, &t1));
  tap_ok(t0 == c->t0 && t1 == c->t0 + 3 * h,
         "Tibet: 01:30 UTC lies between the records of 00 and 03 UTC");
  PetscCall(met_source_wrf.bracket(c->ctx, c->t0 + 9 * h, &t0, &t1));
  tap_ok(t0 == c->t0 + 6 * h && t1 == c->t0 + 9 * h,
         "Tibet: the last record (09 UTC) closes the last interval");
  logbuf[0] = 0;
  PetscCall(PetscPushErrorHandler(quiet, NULL));
  rc = met_source_wrf.bracket(c->ctx, c->t0 - 60, &t0, &t1);
  PetscCall(PetscPopErrorHandler());
  tap_ok(rc == PETSC_ERR_ARG_OUTOFRANGE && strstr(logbuf, "outside the times") &&
             strstr(logbuf, TIBET),
         "Tibet: a time before the first record is refused, naming the file");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode check_katrina(void)
{
  Case c;
  PetscReal lo = PETSC_MAX_REAL, hi = 0, t0, t1;
  const Patch *p;
  PetscErrorCode rc;

  PetscFunctionBeginUser;
  PetscCall(open_case(KATRINA, NULL, &c));
  p = &c.g->patch;
  tap_ok(
      strstr(logbuf,
             "has no PBLH: the boundary-layer height is diagnosed from a bulk Richardson number") !=
          NULL,
      "Katrina: the log says the PBLH is diagnosed (bulk Richardson number)");
  PetscCall(check_values("Katrina", KATRINA, &c, 0, 0));
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      lo = PetscMin(lo, c.m->pblh[patch_index2(p, i, j)]);
      hi = PetscMax(hi, c.m->pblh[patch_index2(p, i, j)]);
    }
  tap_ok(lo >= 50 && hi <= 3000,
         "Katrina: the diagnosed PBLH lies within 50-3000 m at every point (%.0f to %.0f m)",
         (double)lo, (double)hi);
  logbuf[0] = 0;
  PetscCall(PetscPushErrorHandler(quiet, NULL));
  rc = met_source_wrf.bracket(c.ctx, c.t0 + 3600, &t0, &t1);
  PetscCall(PetscPopErrorHandler());
  tap_ok(rc == PETSC_ERR_SUP && strstr(logbuf, "moving nest") && strstr(logbuf, "XLAT/XLONG") &&
             strstr(logbuf, KATRINA),
         "Katrina: the moving nest's later records are refused, naming the file and XLAT/XLONG");
  PetscCall(close_case(&c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The similarity functions of model/met/pbl.c on columns with known answers. */
static void check_pbl(void)
{
  PetscReal z[20], th[20], u[20], v[20], h, k;

  for (PetscInt n = 0; n < 20; n++) {
    z[n] = 25 + 100 * (PetscReal)n;
    th[n] = z[n] < 800 ? 290.0 : 290.0 + 0.008 * (z[n] - 800); /* mixed to 800 m, then stable */
    u[n] = 7.5;
    v[n] = -2.385;
  }
  h = pbl_height_richardson(20, z, th, u, v, 0.3, 0.25, 20, 5000);
  tap_ok(h > 725 && h < 825,
         "bulk Richardson: a layer mixed to 800 m under 8 K/km gets PBLH %.0f m, between the layer "
         "centres around 800 m",
         (double)h);
  for (PetscInt n = 0; n < 20; n++) th[n] = 290;
  h = pbl_height_richardson(20, z, th, u, v, 0.3, 0.25, 20, 5000);
  tap_ok(h == 5000, "bulk Richardson: a neutral column reaches pblh_max");
  for (PetscInt n = 0; n < 20; n++) th[n] = 290 + 0.05 * z[n];
  h = pbl_height_richardson(20, z, th, u, v, 0.3, 0.25, 20, 5000);
  tap_ok(h > 25 && h < 125,
         "bulk Richardson: a strong surface inversion (50 K/km) gives PBLH %.0f m, below the "
         "second layer",
         (double)h);
  k = pbl_kz(300, 900, 0.3, PBL_L_NEUTRAL, 0.2, 0.1, 500);
  tap_ok(PetscAbsReal(k / (CONST_VON_KARMAN * 0.3 * 300 * 4.0 / 9.0) - 1) < 1e-5,
         "Holtslag-Boville: neutral Kz at h/3 is kappa u* z (2/3)^2 = %.4g m2/s", (double)k);
  tap_ok(pbl_kz(950, 900, 0.3, -50, 0.2, 0.1, 500) == 0.2 &&
             pbl_kz(10, 900, 0.01, 50, 0.2, 0.1, 500) == 0.1,
         "Holtslag-Boville: kz_free above h, kz_min in a calm stable layer");
}

int main(int argc, char **argv)
{
  Case c;
  const char *window =
      "-met_wrf_window_i 3 -met_wrf_window_j 2 -met_wrf_window_nx 5 -met_wrf_window_ny 4";

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  printer = PetscVFPrintf;
  check_pbl();
  PetscVFPrintf = capture;
  PetscCall(open_case(TIBET, NULL, &c));
  PetscVFPrintf = printer;
  PetscCall(check_values("Tibet", TIBET, &c, 0, 0));
  PetscCall(check_tibet_surface(&c));
  PetscCall(check_times(&c));
  PetscCall(close_case(&c));
  PetscVFPrintf = capture;
  PetscCall(open_case(TIBET, window, &c));
  PetscVFPrintf = printer;
  tap_ok(c.g->spec.nx == 5 && c.g->spec.ny == 4, "Tibet window: the grid is the 5 x 4 window");
  PetscCall(check_values("Tibet window at (3, 2)", TIBET, &c, 3, 2));
  PetscCall(close_case(&c));
  PetscVFPrintf = getenv("DEBUG_LOG") ? printer : capture;
  PetscCall(check_katrina());
  PetscVFPrintf = printer;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(PetscFinalize());
  return tap_done();
}
