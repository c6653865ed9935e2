/* Met source `diagnostic`: a winter meteorology built on the domain file's real terrain from a
   few synoptic numbers, made mass-consistent over the terrain (the embedded default; no WRF).

   The numbers come in phases (phase_hours since the episode start, linear in between): a wind
   profile by height above ground (speed, direction it blows from), the surface temperature and
   its daily cycle, a surface-based inversion (depth, strength), day and night boundary-layer
   heights, relative humidity, cloud and precipitation, snow cover.
   First guess, per column: the profile at each layer's height above ground, turned to grid axes;
   at night (solar time 19-08 h) a drainage flow down the terrain gradient in the lowest
   drainage_depth metres. Adjustment: model/met/wind_adjust.c makes the face air-mass fluxes
   divergence-free over the terrain-following grid with the smallest weighted change; the
   weight of vertical against horizontal change (alpha = alpha_v / alpha_h) grows with the
   inversion strength from alpha_neutral to alpha_stable, so stable air flows around the
   mountains and through gaps (the south-easterly through the Dabancheng gap) and neutral air
   over them.
   Thermodynamics: T(z) = Ts + strength z inside the inversion, then -0.0065 K/m; Ts has the
   daily cycle t_amplitude cos(2 pi (h - 15) / 24) and falls with terrain height by
   terrain_lapse; pressure hydrostatic from 1013.25 hPa at sea level; rho = p / (R_d T);
   theta = T (p0 / p)^(R_d / c_p).
   Boundary layer: h = pblh_night + (pblh_day - pblh_night) sin(pi (h_solar - 9) / 8) by day;
   u* from the lowest-layer wind and the land-use roughness; sensible heat flux hfx_day by day
   (same shape), hfx_night at night; Kz = kappa u* z (1 - z/h)^2 / phi_h(z/L) in the boundary
   layer (Holtslag and Boville 1993 form, phi_h = 1 + 5 z/L stable), kz_free above, bounded by
   kz_min, kz_max (the similarity functions are model/met/pbl.c's, shared with the wrf source).
   A snapshot is computed and solved over the whole domain by one rank (PETSC_COMM_SELF) and
   sent to all, which keep their ghosted windows: the ranks compute the next snapshots side by
   side (one each, up to BATCH_MAX), and results are identical for any number of ranks. */
#include "model/met/met_diagnostic.h"
#include "base/ncinput.h"
#include <stdio.h>
#include <string.h>
#include <netcdf.h>
#include "base/namelist.h"
#include "base/clock.h"
#include "base/error.h"
#include "model/met/wind_adjust.h"
#include "model/met/pbl.h"
#include "grids/domain.h"
#include "grids/vertical.h"
#include "base/constants.h"
#include "base/landuse.h"

#define NH PARAM_ARRAY_MAX
typedef struct {
  char domain_file[PARAM_STRING_LEN], start[PARAM_STRING_LEN];
  PetscReal interval, utc_offset;
  PetscReal heights[NH], phase_hours[NH], speed[NH], dir[NH];
  PetscInt nheights, nphases, nspeed, ndir;
  PetscReal t_surface[NH], t_amplitude[NH], inv_depth[NH], inv_strength[NH], pblh_day[NH],
      pblh_night[NH];
  PetscReal rh[NH], precip[NH], cloud_base[NH], cloud_top[NH], cloud_water[NH], snow[NH];
  PetscInt nt_surface, nt_amplitude, ninv_depth, ninv_strength, npblh_day, npblh_night, nrh,
      nprecip, ncloud_base, ncloud_top, ncloud_water, nsnow;
  PetscReal terrain_lapse, hfx_day, hfx_night, alpha_neutral, alpha_stable, drainage_speed,
      drainage_depth, kz_min, kz_max, kz_free;
} Params;

#define ARR(k, u, h, f, lo, hi)                                                                    \
  {                                                                                                \
    .key = k, .units = u, .help = h " (one value per phase)", .type = PARAM_REAL_ARRAY, .min = lo, \
    .max = hi, .offset = offsetof(Params, f), .count_offset = offsetof(Params, n##f)               \
  }
#define REAL(k, u, h, d, lo, hi, f)                                                                \
  {                                                                                                \
    .key = k, .units = u, .help = h, .type = PARAM_REAL, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(Params, f)                                                                  \
  }
static const ParamSpec params_table[] = {
    {.key = "domain_file",
     .help = "domain file (bogda-grid) with the grid and terrain; empty: run_domain_file",
     .type = PARAM_STRING,
     .offset = offsetof(Params, domain_file),
     .sdef = ""},
    {.key = "start",
     .help = "episode start (UTC); empty: run_start",
     .type = PARAM_STRING,
     .offset = offsetof(Params, start),
     .sdef = ""},
    REAL("interval", "s", "interval between snapshots", 3600, 60, 86400, interval),
    REAL("utc_offset", "h", "solar-time offset used for the daily cycles (longitude / 15 is added)",
         0, -12, 12, utc_offset),
    {.key = "heights",
     .units = "m",
     .help = "heights above ground of the wind profile",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 30000,
     .offset = offsetof(Params, heights),
     .count_offset = offsetof(Params, nheights)},
    {.key = "phase_hours",
     .units = "h",
     .help = "start of each phase, hours since the episode start",
     .type = PARAM_REAL_ARRAY,
     .min = -1e5,
     .max = 1e5,
     .offset = offsetof(Params, phase_hours),
     .count_offset = offsetof(Params, nphases)},
    {.key = "speed",
     .units = "m s-1",
     .help = "wind speed, nheights values per phase",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 100,
     .offset = offsetof(Params, speed),
     .count_offset = offsetof(Params, nspeed)},
    {.key = "dir",
     .units = "degree",
     .help = "direction the wind blows from, nheights values per phase",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 360,
     .offset = offsetof(Params, dir),
     .count_offset = offsetof(Params, ndir)},
    ARR("t_surface", "K", "air temperature at the ground at 500 m above sea level, daily mean",
        t_surface, 200, 330),
    ARR("t_amplitude", "K", "half the daily temperature range", t_amplitude, 0, 30),
    ARR("inv_depth", "m", "depth of the surface-based inversion", inv_depth, 0, 5000),
    ARR("inv_strength", "K per 100 m", "temperature increase in the inversion", inv_strength, 0,
        10),
    ARR("pblh_day", "m", "boundary-layer height in the afternoon", pblh_day, 20, 5000),
    ARR("pblh_night", "m", "boundary-layer height at night", pblh_night, 20, 5000),
    ARR("rh", "1", "relative humidity", rh, 0, 1),
    ARR("precip", "mm h-1", "precipitation rate", precip, 0, 100),
    {.key = "cloud_base",
     .units = "m",
     .help = "cloud base above ground (one value per phase)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 15000,
     .offset = offsetof(Params, cloud_base),
     .count_offset = offsetof(Params, ncloud_base),
     .at_most = "cloud_top"},
    ARR("cloud_top", "m", "cloud top above ground", cloud_top, 0, 15000),
    ARR("cloud_water", "kg kg-1", "cloud liquid water between base and top", cloud_water, 0, 0.01),
    ARR("snow", "1", "snow-covered fraction of the ground", snow, 0, 1),
    REAL("terrain_lapse", "K m-1", "fall of the surface temperature with terrain height", 0.0045, 0,
         0.02, terrain_lapse),
    REAL("hfx_day", "W m-2", "upward sensible heat flux at midday", 40, -200, 800, hfx_day),
    REAL("hfx_night", "W m-2", "upward sensible heat flux at night", -15, -200, 200, hfx_night),
    REAL("alpha_neutral", "1", "ratio alpha_v / alpha_h of the adjustment weights in neutral air",
         1, 0.01, 1e4, alpha_neutral),
    REAL("alpha_stable", "1", "ratio alpha_v / alpha_h in an inversion of 1.5 K per 100 m or more",
         20, 0.01, 1e4, alpha_stable),
    REAL("drainage_speed", "m s-1", "night-time downslope flow on a 2 % slope", 1.5, 0, 10,
         drainage_speed),
    REAL("drainage_depth", "m", "depth of the drainage flow", 100, 1, 2000, drainage_depth),
    {.key = "kz_min",
     .units = "m2 s-1",
     .help = "lower bound on Kz",
     .type = PARAM_REAL,
     .def = 0.1,
     .min = 0,
     .max = 100,
     .offset = offsetof(Params, kz_min),
     .at_most = "kz_max"},
    REAL("kz_max", "m2 s-1", "upper bound on Kz", 500, 1, 1e4, kz_max),
    REAL("kz_free", "m2 s-1", "Kz above the boundary layer", 0.2, 0, 100, kz_free),
    {.key = NULL},
};
#undef ARR
#undef REAL

/* Whole-domain fields of one snapshot, k slowest: 3D [(k*ny + j)*nx + i], 2D [j*nx + i], all in
   one block (so a snapshot is sent in one message), the adjustment's iterations and remaining
   divergence at its end. */
typedef struct {
  PetscReal time;
  PetscReal *rho, *dz, *zmid, *temp, *theta, *pres, *rh, *qc, *u, *v, *kz; /* cells */
  PetscReal *fx, *fy, *fw; /* adjusted face fluxes */
  PetscReal *ufc, *vfc;    /* face winds (grid x, y) */
  PetscReal *pblh, *ustar, *hfx, *precip, *snow, *t2;
  PetscReal *block;
  PetscInt size;
} Snapshot;

#define BATCH_MAX 8 /* snapshots computed at once, one per rank */

typedef struct {
  Params p;
  PetscReal t0;
  GridSpec spec;
  PetscInt nx, ny, nz;
  PetscReal *terrain, *landuse, *lon, *lat, *rot, *area, *wx, *wy, *z0; /* whole domain; owned */
  PetscReal *tx, *ty, *tw;                                              /* conductances */
  Snapshot batch[BATCH_MAX]; /* the last batch: snapshot r computed by rank r (in place), shared by
                                all */
  PetscInt nbatch;
  MPI_Comm comm;
  WindAdjust *adj;
  PetscLogEvent event;
  PetscInt last_its;
  PetscReal last_res;
} Ctx;

extern const MetSourceOps met_source_diagnostic; /* at the end of this file */

static PetscErrorCode read_params(MPI_Comm comm, Params *p)
{
  PetscFunctionBeginUser;
  PetscCall(namelist_read(comm, &met_source_diagnostic.group, p));
  if (!p->domain_file[0])
    PetscCall(PetscOptionsGetString(NULL, NULL, "-run_domain_file", p->domain_file,
                                    sizeof(p->domain_file), NULL));
  PetscCheck(p->domain_file[0], comm, PETSC_ERR_USER,
             "met_diagnostic_domain_file (or run_domain_file): a domain file (from bogda-grid) is "
             "required");
  PetscCheck(p->nheights >= 2, comm, PETSC_ERR_USER,
             "met_diagnostic_heights: at least two heights are needed, got %d", (int)p->nheights);
  if (p->nphases == 0) p->nphases = 1, p->phase_hours[0] = 0;
  PetscCheck(
      p->nspeed == p->nheights * p->nphases && p->ndir == p->nheights * p->nphases, comm,
      PETSC_ERR_USER,
      "met_diagnostic_speed and _dir need nheights x nphases = %d values each, got %d and %d",
      (int)(p->nheights * p->nphases), (int)p->nspeed, (int)p->ndir);
  {
    const PetscInt counts[] = {p->nt_surface,  p->nt_amplitude, p->ninv_depth,   p->ninv_strength,
                               p->npblh_day,   p->npblh_night,  p->nrh,          p->nprecip,
                               p->ncloud_base, p->ncloud_top,   p->ncloud_water, p->nsnow};
    static const char *const names[] = {"t_surface",  "t_amplitude", "inv_depth",   "inv_strength",
                                        "pblh_day",   "pblh_night",  "rh",          "precip",
                                        "cloud_base", "cloud_top",   "cloud_water", "snow"};
    for (PetscInt k = 0; k < 12; k++)
      PetscCheck(counts[k] == p->nphases, comm, PETSC_ERR_USER,
                 "met_diagnostic_%s needs one value per phase (%d), got %d", names[k],
                 (int)p->nphases, (int)counts[k]);
  }
  for (PetscInt k = 1; k < p->nphases; k++)
    PetscCheck(p->phase_hours[k] > p->phase_hours[k - 1], comm, PETSC_ERR_USER,
               "met_diagnostic_phase_hours must increase");
  for (PetscInt k = 1; k < p->nheights; k++)
    PetscCheck(p->heights[k] > p->heights[k - 1], comm, PETSC_ERR_USER,
               "met_diagnostic_heights must increase");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode grid_spec(MPI_Comm comm, GridSpec *spec)
{
  Params p;

  PetscFunctionBeginUser;
  PetscCall(read_params(comm, &p));
  PetscCall(domain_grid_spec(p.domain_file, spec));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Phase interpolation: weight of phase a and b at hours since the start. */
static void phase_weights(const Params *p, PetscReal hours, PetscInt *a, PetscInt *b, PetscReal *w)
{
  PetscInt n = p->nphases;
  if (hours <= p->phase_hours[0])
    *a = *b = 0, *w = 0;
  else if (hours >= p->phase_hours[n - 1])
    *a = *b = n - 1, *w = 0;
  else {
    PetscInt k = 0;
    while (hours >= p->phase_hours[k + 1]) k++;
    *a = k;
    *b = k + 1;
    *w = (hours - p->phase_hours[k]) / (p->phase_hours[k + 1] - p->phase_hours[k]);
  }
}
#define PHASE(arr) ((1 - w) * p->arr[a] + w * p->arr[b])

/* Wind (east, north) at height z above ground from the profile of the phases a, b. */
static void profile_wind(const Params *p, PetscInt a, PetscInt b, PetscReal w, PetscReal z,
                         PetscReal *ue, PetscReal *vn)
{
  PetscInt nh = p->nheights, k = 0;
  PetscReal f, u[2], v[2];
  const PetscInt ph[2] = {a, b};
  z = PetscMin(PetscMax(z, p->heights[0]), p->heights[nh - 1]);
  while (k + 2 < nh && z > p->heights[k + 1]) k++;
  f = (z - p->heights[k]) / (p->heights[k + 1] - p->heights[k]);
  for (PetscInt n = 0; n < 2; n++) {
    PetscReal s0 = p->speed[ph[n] * nh + k], s1 = p->speed[ph[n] * nh + k + 1];
    PetscReal d0 = p->dir[ph[n] * nh + k] * CONST_DEG2RAD,
              d1 = p->dir[ph[n] * nh + k + 1] * CONST_DEG2RAD;
    /* Interpolate the vector, not the angle. */
    u[n] = -(1 - f) * s0 * PetscSinReal(d0) - f * s1 * PetscSinReal(d1);
    v[n] = -(1 - f) * s0 * PetscCosReal(d0) - f * s1 * PetscCosReal(d1);
  }
  *ue = (1 - w) * u[0] + w * u[1];
  *vn = (1 - w) * v[0] + w * v[1];
}

/* Read the whole-domain terrain and land use from the domain file (each rank, serially), and
   check the terrain against the model top: this file may not be run_domain_file, which
   grids/domain.c checks. Collective on comm (every rank reads the same values). */
static PetscErrorCode read_static(MPI_Comm comm, Ctx *c)
{
  int nc, id;
  PetscInt n2 = c->nx * c->ny;
  double *buf;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n2 * LANDUSE_N, &buf));
  PetscCall(nc_open_input(c->p.domain_file, &nc));
  NcCallFile(nc_inq_varid(nc, "terrain", &id), c->p.domain_file);
  NcCallFile(nc_get_var_double(nc, id, buf), c->p.domain_file);
  for (PetscInt k = 0; k < n2; k++) c->terrain[k] = buf[k];
  PetscCall(domain_check_top(comm, c->p.domain_file, &c->spec, 0, 0, c->nx, c->ny, c->terrain));
  NcCallFile(nc_inq_varid(nc, "landuse_fraction", &id), c->p.domain_file);
  NcCallFile(nc_get_var_double(nc, id, buf), c->p.domain_file);
  for (PetscInt l = 0; l < LANDUSE_N; l++)
    for (PetscInt k = 0; k < n2; k++) c->landuse[k * LANDUSE_N + l] = buf[l * n2 + k];
  NcCallFile(nc_close(nc), c->p.domain_file);
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode alloc_snapshot(Snapshot *s, PetscInt nx, PetscInt ny, PetscInt nz)
{
  PetscInt n3 = nx * ny * nz, n2 = nx * ny, nfx = (nx + 1) * ny * nz, nfy = nx * (ny + 1) * nz;
  PetscReal **cells[] = {&s->rho, &s->dz, &s->zmid, &s->temp, &s->theta, &s->pres,
                         &s->rh,  &s->qc, &s->u,    &s->v,    &s->kz};
  PetscReal **cols[] = {&s->pblh, &s->ustar, &s->hfx, &s->precip, &s->snow, &s->t2};
  PetscReal *next;

  PetscFunctionBeginUser;
  s->size = 11 * n3 + 2 * nfx + 2 * nfy + n2 * (nz + 1) + 6 * n2 + 2;
  PetscCall(PetscMalloc1(s->size, &s->block));
  next = s->block;
  for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) *cells[k] = next, next += n3;
  s->fx = next, next += nfx;
  s->fy = next, next += nfy;
  s->fw = next, next += n2 * (nz + 1);
  s->ufc = next, next += nfx;
  s->vfc = next, next += nfy;
  for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) *cols[k] = next, next += n2;
  s->time = PETSC_MIN_REAL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode free_snapshot(Snapshot *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->block));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode create(const Grid *g, void **ctx)
{
  Ctx *c;
  PetscInt nx, ny, n2;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  PetscCall(read_params(g->comm, &c->p));
  if (c->p.start[0])
    PetscCall(clock_parse(c->p.start, &c->t0));
  else {
    char start[PARAM_STRING_LEN] = "2024-01-10T00:00:00Z";
    PetscCall(PetscOptionsGetString(NULL, NULL, "-run_start", start, sizeof(start), NULL));
    PetscCall(clock_parse(start, &c->t0));
  }
  c->spec = g->spec;
  nx = c->nx = g->spec.nx;
  ny = c->ny = g->spec.ny;
  c->nz = g->spec.nz;
  n2 = nx * ny;
  PetscCall(PetscMalloc6(n2, &c->terrain, n2 * LANDUSE_N, &c->landuse, n2, &c->lon, n2, &c->lat, n2,
                         &c->rot, n2, &c->area));
  PetscCall(PetscMalloc3((nx + 1) * ny, &c->wx, nx * (ny + 1), &c->wy, n2, &c->z0));
  PetscCall(PetscMalloc3((nx + 1) * ny * c->nz, &c->tx, nx * (ny + 1) * c->nz, &c->ty,
                         n2 * (c->nz + 1), &c->tw));
  PetscCall(read_static(g->comm, c));
  for (PetscInt j = 0; j < ny; j++)
    for (PetscInt i = 0; i <= nx; i++) {
      PetscReal x, y, lo, la;
      grid_cell_xy(&c->spec, i - 0.5, (PetscReal)j, &x, &y);
      projection_inverse(&c->spec.proj, x, y, &lo, &la);
      c->wx[j * (nx + 1) + i] = c->spec.dy / projection_map_factor(&c->spec.proj, la);
      if (i == nx) continue;
      grid_cell_xy(&c->spec, (PetscReal)i, (PetscReal)j, &x, &y);
      projection_inverse(&c->spec.proj, x, y, &c->lon[j * nx + i], &c->lat[j * nx + i]);
      c->rot[j * nx + i] = projection_rotation(&c->spec.proj, c->lon[j * nx + i]);
      c->area[j * nx + i] = c->spec.dx * c->spec.dy /
                            PetscSqr(projection_map_factor(&c->spec.proj, c->lat[j * nx + i]));
    }
  for (PetscInt j = 0; j <= ny; j++)
    for (PetscInt i = 0; i < nx; i++) {
      PetscReal x, y, lo, la;
      grid_cell_xy(&c->spec, (PetscReal)i, j - 0.5, &x, &y);
      projection_inverse(&c->spec.proj, x, y, &lo, &la);
      c->wy[j * nx + i] = c->spec.dx / projection_map_factor(&c->spec.proj, la);
    }
  c->comm = g->comm;
  {
    PetscMPIInt size;
    PetscCallMPI(MPI_Comm_size(g->comm, &size));
    c->nbatch = PetscMin(size, BATCH_MAX);
  }
  for (PetscInt r = 0; r < c->nbatch; r++) PetscCall(alloc_snapshot(&c->batch[r], nx, ny, c->nz));
  PetscCall(wind_adjust_create(nx, ny, c->nz, &c->adj));
  PetscCall(PetscLogEventRegister("MetDiagAdjust", KSP_CLASSID, &c->event));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode destroy(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree6(c->terrain, c->landuse, c->lon, c->lat, c->rot, c->area));
  PetscCall(PetscFree3(c->wx, c->wy, c->z0));
  PetscCall(PetscFree3(c->tx, c->ty, c->tw));
  for (PetscInt r = 0; r < c->nbatch; r++) PetscCall(free_snapshot(&c->batch[r]));
  PetscCall(wind_adjust_destroy(&c->adj));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode bracket(void *ctx, PetscReal t, PetscReal *t0, PetscReal *t1)
{
  Ctx *c = (Ctx *)ctx;
  PetscReal n = PetscFloorReal((t - c->t0) / c->p.interval);

  PetscFunctionBeginUser;
  *t0 = c->t0 + n * c->p.interval;
  *t1 = *t0 + c->p.interval;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Solar hour (0..24) of a column at time t. */
static PetscReal solar_hour(const Ctx *c, PetscReal t, PetscReal lon)
{
  PetscReal h = PetscFmodReal(t / 3600.0 + lon / 15.0 + c->p.utc_offset, 24.0);
  return h < 0 ? h + 24 : h;
}

/* Columns: layers, temperature, pressure, density, humidity, cloud; boundary layer. */
static void thermodynamics(Ctx *c, Snapshot *s, PetscReal t, PetscInt a, PetscInt b, PetscReal w)
{
  const Params *p = &c->p;
  PetscInt nx = c->nx, ny = c->ny, nz = c->nz;
  PetscReal dz[GRID_MAX_LAYERS], zm[GRID_MAX_LAYERS];
  PetscReal inv_depth = PHASE(inv_depth), gamma = PHASE(inv_strength) / 100, rh = PHASE(rh),
            qc = PHASE(cloud_water);
  PetscReal cb = PHASE(cloud_base), ct = PHASE(cloud_top), pday = PHASE(pblh_day),
            pnight = PHASE(pblh_night);
  for (PetscInt j = 0; j < ny; j++)
    for (PetscInt i = 0; i < nx; i++) {
      PetscInt c2 = j * nx + i;
      PetscReal h = c->terrain[c2], hour = solar_hour(c, t, c->lon[c2]),
                day = PetscMax(0, PetscSinReal(CONST_PI * (hour - 9) / 8));
      PetscReal ts = PHASE(t_surface) +
                     PHASE(t_amplitude) * PetscCosReal(2 * CONST_PI * (hour - 15) / 24) -
                     p->terrain_lapse * (h - 500);
      PetscReal lnp = PetscLogReal(101325.0) - CONST_GRAVITY * h / (CONST_R_DRY * ts), zprev = 0,
                tprev = ts;
      vertical_column(nz, c->spec.z_iface, h, dz, zm);
      s->pblh[c2] = (hour > 9 && hour < 17) ? pnight + (pday - pnight) * day : pnight;
      s->hfx[c2] = (hour > 9 && hour < 17) ? p->hfx_day * day : p->hfx_night;
      s->precip[c2] = PHASE(precip);
      s->snow[c2] = PetscMax(PHASE(snow), c->landuse[c2 * LANDUSE_N + LANDUSE_SNOW_ICE]);
      s->t2[c2] = ts;
      for (PetscInt k = 0; k < nz; k++) {
        PetscInt c3 = (k * ny + j) * nx + i;
        PetscReal z = zm[k], T = z < inv_depth ? ts + gamma * z
                                               : ts + gamma * inv_depth - 0.0065 * (z - inv_depth);
        /* Hydrostatic: d ln p / dz = -g / (R T), with T the mean over the step. */
        lnp -= CONST_GRAVITY * (z - zprev) / (CONST_R_DRY * 0.5 * (T + tprev));
        zprev = z;
        tprev = T;
        s->dz[c3] = dz[k];
        s->zmid[c3] = z;
        s->temp[c3] = T;
        s->pres[c3] = PetscExpReal(lnp);
        s->rho[c3] = s->pres[c3] / (CONST_R_DRY * T);
        s->theta[c3] = T * PetscPowReal(CONST_P0 / s->pres[c3], CONST_R_DRY / CONST_CP_DRY);
        s->rh[c3] = rh;
        s->qc[c3] = (qc > 0 && z >= cb && z <= ct) ? qc : 0;
      }
    }
}

/* Column air mass per unit area at a face between two cells. */
static PetscReal colmass(const Snapshot *s, PetscInt a, PetscInt b)
{
  return 0.5 * (s->rho[a] * s->dz[a] + s->rho[b] * s->dz[b]);
}

/* First-guess face winds (grid axes) and fluxes, and the adjustment conductances. */
static void first_guess(Ctx *c, Snapshot *s, PetscReal t, PetscInt a, PetscInt b, PetscReal w,
                        PetscReal alpha)
{
  const Params *p = &c->p;
  PetscInt nx = c->nx, ny = c->ny, nz = c->nz;
  PetscReal dxt = c->spec.dx, dyt = c->spec.dy;
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j < ny; j++)
      for (PetscInt i = 0; i <= nx; i++) {
        /* x faces: the profile at the mean height of the two columns, the upwind-independent mean
         * rotation. */
        PetscInt ia = PetscMax(i - 1, 0), ib = PetscMin(i, nx - 1), ca = (k * ny + j) * nx + ia,
                 cb = (k * ny + j) * nx + ib;
        PetscInt f = (k * ny + j) * (nx + 1) + i, c2a = j * nx + ia, c2b = j * nx + ib;
        PetscReal ue, vn, rot = 0.5 * (c->rot[c2a] + c->rot[c2b]),
                          z = 0.5 * (s->zmid[ca] + s->zmid[cb]), m = colmass(s, ca, cb);
        PetscReal hour = solar_hour(c, t, c->lon[c2b]), night = (hour < 8 || hour > 19) ? 1 : 0;
        profile_wind(p, a, b, w, z, &ue, &vn);
        s->ufc[f] = ue * PetscCosReal(rot) - vn * PetscSinReal(rot);
        if (night > 0 && ia != ib) { /* drainage down the terrain gradient */
          PetscReal slope = (c->terrain[c2b] - c->terrain[c2a]) / dxt;
          s->ufc[f] -= p->drainage_speed * PetscMin(PetscAbsReal(slope) / 0.02, 1) *
                       (slope > 0 ? 1 : -1) * PetscExpReal(-z / p->drainage_depth);
        }
        s->fx[f] = m * s->ufc[f] * c->wx[j * (nx + 1) + i];
        c->tx[f] = m * c->wx[j * (nx + 1) + i] / dxt;
      }
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j <= ny; j++)
      for (PetscInt i = 0; i < nx; i++) {
        PetscInt ja = PetscMax(j - 1, 0), jb = PetscMin(j, ny - 1), ca = (k * ny + ja) * nx + i,
                 cb = (k * ny + jb) * nx + i;
        PetscInt f = (k * (ny + 1) + j) * nx + i, c2a = ja * nx + i, c2b = jb * nx + i;
        PetscReal ue, vn, rot = 0.5 * (c->rot[c2a] + c->rot[c2b]),
                          z = 0.5 * (s->zmid[ca] + s->zmid[cb]), m = colmass(s, ca, cb);
        PetscReal hour = solar_hour(c, t, c->lon[c2b]), night = (hour < 8 || hour > 19) ? 1 : 0;
        profile_wind(p, a, b, w, z, &ue, &vn);
        s->vfc[f] = ue * PetscSinReal(rot) + vn * PetscCosReal(rot);
        if (night > 0 && ja != jb) {
          PetscReal slope = (c->terrain[c2b] - c->terrain[c2a]) / dyt;
          s->vfc[f] -= p->drainage_speed * PetscMin(PetscAbsReal(slope) / 0.02, 1) *
                       (slope > 0 ? 1 : -1) * PetscExpReal(-z / p->drainage_depth);
        }
        s->fy[f] = m * s->vfc[f] * c->wy[j * nx + i];
        c->ty[f] = m * c->wy[j * nx + i] / dyt;
      }
  for (PetscInt k = 0; k <= nz; k++)
    for (PetscInt j = 0; j < ny; j++)
      for (PetscInt i = 0; i < nx; i++) {
        PetscInt lo = (PetscMax(k - 1, 0) * ny + j) * nx + i,
                 hi = (PetscMin(k, nz - 1) * ny + j) * nx + i;
        PetscReal dzi = k == 0 ? s->dz[hi] : (k == nz ? s->dz[lo] : 0.5 * (s->dz[lo] + s->dz[hi]));
        c->tw[(k * ny + j) * nx + i] =
            k == 0 ? 0
                   : 0.5 * (s->rho[lo] + s->rho[hi]) * c->area[j * nx + i] / dzi / (alpha * alpha);
      }
}

/* Winds from the adjusted fluxes; friction velocity and Kz. */
static void winds_and_mixing(Ctx *c, Snapshot *s)
{
  const Params *p = &c->p;
  PetscInt nx = c->nx, ny = c->ny, nz = c->nz;
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j < ny; j++)
      for (PetscInt i = 0; i <= nx; i++) {
        PetscInt f = (k * ny + j) * (nx + 1) + i, ca = (k * ny + j) * nx + PetscMax(i - 1, 0),
                 cb = (k * ny + j) * nx + PetscMin(i, nx - 1);
        s->ufc[f] = s->fx[f] / (colmass(s, ca, cb) * c->wx[j * (nx + 1) + i]);
      }
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j <= ny; j++)
      for (PetscInt i = 0; i < nx; i++) {
        PetscInt f = (k * (ny + 1) + j) * nx + i, ca = (k * ny + PetscMax(j - 1, 0)) * nx + i,
                 cb = (k * ny + PetscMin(j, ny - 1)) * nx + i;
        s->vfc[f] = s->fy[f] / (colmass(s, ca, cb) * c->wy[j * nx + i]);
      }
  for (PetscInt j = 0; j < ny; j++)
    for (PetscInt i = 0; i < nx; i++) {
      PetscInt c2 = j * nx + i;
      PetscReal z0, L, u1;
      for (PetscInt k = 0; k < nz; k++) {
        PetscInt c3 = (k * ny + j) * nx + i;
        s->u[c3] =
            0.5 * (s->ufc[(k * ny + j) * (nx + 1) + i] + s->ufc[(k * ny + j) * (nx + 1) + i + 1]);
        s->v[c3] =
            0.5 * (s->vfc[(k * (ny + 1) + j) * nx + i] + s->vfc[(k * (ny + 1) + j + 1) * nx + i]);
      }
      z0 = pbl_roughness(&c->landuse[c2 * LANDUSE_N], s->snow[c2]);
      u1 = PetscSqrtReal(PetscSqr(s->u[c2]) + PetscSqr(s->v[c2]));
      s->ustar[c2] = pbl_ustar_log_law(u1, s->zmid[c2], z0);
      L = pbl_obukhov_length(s->rho[c2], s->temp[c2], s->ustar[c2], s->hfx[c2]);
      for (PetscInt k = 0; k < nz; k++) {
        PetscInt c3 = (k * ny + j) * nx + i;
        s->kz[c3] = pbl_kz(s->zmid[c3] + 0.5 * s->dz[c3], s->pblh[c2], s->ustar[c2], L, p->kz_free,
                           p->kz_min, p->kz_max);
      }
    }
}

/* Compute the whole-domain snapshot at time t into s, with the adjustment's iterations and
   remaining divergence at the end of its block. */
static PetscErrorCode compute(Ctx *c, Snapshot *s, PetscReal t)
{
  PetscInt a, b;
  PetscReal w, alpha, strength;

  PetscFunctionBeginUser;
  phase_weights(&c->p, (t - c->t0) / 3600.0, &a, &b, &w);
  strength = (1 - w) * c->p.inv_strength[a] + w * c->p.inv_strength[b];
  alpha =
      c->p.alpha_neutral + (c->p.alpha_stable - c->p.alpha_neutral) * PetscMin(strength / 1.5, 1);
  thermodynamics(c, s, t, a, b, w);
  first_guess(c, s, t, a, b, w, alpha);
  PetscCall(PetscLogEventBegin(c->event, 0, 0, 0, 0));
  PetscCall(wind_adjust_solve(c->adj, c->tx, c->ty, c->tw, s->fx, s->fy, s->fw, &c->last_its,
                              &c->last_res));
  PetscCall(PetscLogEventEnd(c->event, 0, 0, 0, 0));
  winds_and_mixing(c, s);
  s->block[s->size - 2] = (PetscReal)c->last_its;
  s->block[s->size - 1] = c->last_res;
  PetscCall(PetscInfo(
      NULL, "diagnostic met at %g s: %d KSP iterations, largest cell divergence %g kg/s\n",
      (double)t, (int)c->last_its, (double)c->last_res));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The snapshot at time t from the batch, computing a new batch when t is not in it: the
   snapshots at t, t + interval, ... (one per rank, up to BATCH_MAX), each computed by one rank
   and then sent to all. A snapshot's bits do not depend on which rank computed it (the same
   serial code and a fresh solver), so neither do the results. Collective. */
static PetscErrorCode batch_get(Ctx *c, PetscReal t, const Snapshot **out)
{
  PetscInt hit = -1;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < c->nbatch; r++)
    if (c->batch[r].time == t) hit = r;
  if (hit < 0) {
    PetscMPIInt rank;
    PetscReal n0 = PetscFloorReal((t - c->t0) / c->p.interval + 0.5);
    PetscCallMPI(MPI_Comm_rank(c->comm, &rank));
    /* a later request an ulp away from a batch time computes anew */
    for (PetscInt r = 0; r < c->nbatch; r++)
      c->batch[r].time = r ? c->t0 + (n0 + r) * c->p.interval : t;
    if (rank < c->nbatch) PetscCall(compute(c, &c->batch[rank], c->batch[rank].time));
    for (PetscInt r = 0; r < c->nbatch; r++) {
      PetscMPIInt n;
      PetscCall(PetscMPIIntCast(c->batch[r].size, &n));
      PetscCallMPI(MPI_Bcast(c->batch[r].block, n, MPIU_REAL, (PetscMPIInt)r, c->comm));
    }
    hit = 0;
  }
  *out = &c->batch[hit];
  c->last_its = (PetscInt)(*out)->block[(*out)->size - 2];
  c->last_res = (*out)->block[(*out)->size - 1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscInt clampi(PetscInt v, PetscInt lo, PetscInt hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

static PetscErrorCode fill(void *ctx, const Grid *g, PetscReal t, MetFields *m)
{
  Ctx *c = (Ctx *)ctx;
  const Patch *pa = &g->patch;
  const Snapshot *s;
  PetscInt nx = c->nx, ny = c->ny;

  PetscFunctionBeginUser;
  PetscCall(batch_get(c, t, &s));
  for (PetscInt j = pa->gys; j < pa->gys + pa->gym; j++)
    for (PetscInt i = pa->gxs; i < pa->gxs + pa->gxm; i++) {
      PetscInt ci = clampi(i, 0, nx - 1), cj = clampi(j, 0, ny - 1), c2 = cj * nx + ci,
               p2 = patch_index2(pa, i, j);
      for (PetscInt k = 0; k < pa->mz; k++) {
        PetscInt c3 = (k * ny + cj) * nx + ci, p3 = patch_index(pa, i, j, k);
        m->rho[p3] = s->rho[c3];
        m->dz[p3] = s->dz[c3];
        m->zmid[p3] = s->zmid[c3];
        m->temperature[p3] = s->temp[c3];
        m->theta[p3] = s->theta[c3];
        m->pressure[p3] = s->pres[c3];
        m->rel_humidity[p3] = s->rh[c3];
        m->cloud_water[p3] = s->qc[c3];
        m->u[p3] = s->u[c3];
        m->v[p3] = s->v[c3];
        m->kz[p3] = s->kz[c3];
        m->u_face[p3] = s->ufc[(k * ny + cj) * (nx + 1) + clampi(i, 0, nx)];
        m->v_face[p3] = s->vfc[(k * (ny + 1) + clampi(j, 0, ny)) * nx + ci];
      }
      m->pblh[p2] = s->pblh[c2];
      m->ustar[p2] = s->ustar[c2];
      m->hfx[p2] = s->hfx[c2];
      m->precip[p2] = s->precip[c2];
      m->snow_cover[p2] = s->snow[c2];
      m->t2[p2] = s->t2[c2];
      m->terrain[p2] = c->terrain[c2];
      for (PetscInt l = 0; l < LANDUSE_N; l++)
        m->landuse[p2 * LANDUSE_N + l] = c->landuse[c2 * LANDUSE_N + l];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_diagnostic_last_solve(void *ctx, PetscInt *its, PetscReal *divergence)
{
  Ctx *c = (Ctx *)ctx;

  PetscFunctionBeginUser;
  *its = c->last_its;
  *divergence = c->last_res;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const MetSourceOps met_source_diagnostic = {
    .name = "diagnostic",
    .group = {.name = "met_diagnostic",
              .title = "Diagnostic winter meteorology over the real terrain",
              .params = params_table,
              .params_size = sizeof(Params)},
    .grid_spec = grid_spec,
    .create = create,
    .bracket = bracket,
    .fill = fill,
    .destroy = destroy,
};
