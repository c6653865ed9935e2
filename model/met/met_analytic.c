/* Met source `analytic`: prescribed flows for tests and idealised cases, on a grid defined by
   numbers in the &met_analytic group.

   Flows (grid-relative wind, plane coordinates x, y in m from the domain centre; L = domain
   width; t in s since the run start):
     uniform      u = u0, v = v0
     rotation     u = -omega y, v = omega x                          (solid body about the centre)
     deformation  u =  (L/T) sin^2(pi X) sin(2 pi Y) cos(pi t / T),
                  v = -(L/T) sin^2(pi Y) sin(2 pi X) cos(pi t / T)  (LeVeque 1996; X, Y in [0, 1])
     shear        u = u0 + shear * z, v = v0                           (z above ground)
   Terrain: flat, or a Gaussian hill h = hill_height exp(-r^2 / (2 hill_width^2)) at the centre.
   Layers: terrain-following (grids/vertical.h), stretched from dz_bottom to ztop.
   Thermodynamics: T = t_surface - lapse z_asl, rho = rho_surface exp(-z_asl / scale_height)
   (1 + rho_amplitude sin(2 pi t / rho_period)), p = rho R_d T, theta = T (p0 / p)^(R_d / c_p).
   Mixing: Kz = kz_pbl below pblh and kz_free above. The remaining 2D fields are constants. */
#include "model/met/met_source.h"
#include <stdio.h>
#include <petscsys.h>
#include "base/namelist.h"
#include "grids/vertical.h"
#include "base/constants.h"
#include "base/landuse.h"

static const char *const flow_names[] = {"uniform", "rotation", "deformation", "shear", NULL};
typedef enum { FLOW_UNIFORM, FLOW_ROTATION, FLOW_DEFORMATION, FLOW_SHEAR } Flow;
static const char *const terrain_names[] = {"flat", "hill", NULL};
typedef enum { TERRAIN_FLAT, TERRAIN_HILL } Terrain;
static const char *const proj_names[] = {"lambert", "mercator", NULL};

typedef struct {
  PetscInt nx, ny, nz, map_proj;
  PetscReal dx, dy, ref_lat, ref_lon, truelat1, truelat2, ztop, dz_bottom;
  PetscInt flow, terrain;
  PetscReal u0, v0, omega, period, shear, hill_height, hill_width;
  PetscReal t_surface, lapse, rho_surface, scale_height, rho_amplitude, rho_period, rel_humidity;
  PetscReal kz_pbl, kz_free, pblh, ustar, hfx, precip, cloud_water, interval, start_time;
} Params;

#define PR(k, u, h, d, lo, hi, f)                                                                  \
  {                                                                                                \
    .key = k, .units = u, .help = h, .type = PARAM_REAL, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(Params, f)                                                                  \
  }
#define PI_(k, h, d, lo, hi, f)                                                                    \
  {                                                                                                \
    .key = k, .units = "", .help = h, .type = PARAM_INT, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(Params, f)                                                                  \
  }
static const ParamSpec params_table[] = {
    PI_("nx", "cells in x", 60, 1, 100000, nx),
    PI_("ny", "cells in y", 60, 1, 100000, ny),
    PI_("nz", "layers", 10, 1, GRID_MAX_LAYERS, nz),
    {.key = "map_proj",
     .help = "projection of the idealised grid",
     .type = PARAM_ENUM,
     .offset = offsetof(Params, map_proj),
     .choices = proj_names},
    PR("dx", "m", "grid spacing in x", 10000, 1, 1e6, dx),
    PR("dy", "m", "grid spacing in y", 10000, 1, 1e6, dy),
    PR("ref_lat", "degrees_north", "latitude of the domain centre", 44, -80, 80, ref_lat),
    PR("ref_lon", "degrees_east", "longitude of the domain centre", 87, -180, 180, ref_lon),
    PR("truelat1", "degrees_north", "first true latitude (Lambert; Mercator's only)", 40, -89, 89,
       truelat1),
    PR("truelat2", "degrees_north", "second true latitude (Lambert)", 48, -89, 89, truelat2),
    PR("ztop", "m", "model top above sea level", 10000, 100, 50000, ztop),
    PR("dz_bottom", "m", "thickness of the lowest layer over flat ground", 50, 1, 5000, dz_bottom),
    {.key = "flow",
     .help = "prescribed flow",
     .type = PARAM_ENUM,
     .offset = offsetof(Params, flow),
     .choices = flow_names},
    {.key = "terrain",
     .help = "terrain shape",
     .type = PARAM_ENUM,
     .offset = offsetof(Params, terrain),
     .choices = terrain_names},
    PR("u0", "m s-1", "uniform x wind (uniform, shear)", 5, -MET_WIND_MAX, MET_WIND_MAX, u0),
    PR("v0", "m s-1", "uniform y wind (uniform, shear)", 0, -MET_WIND_MAX, MET_WIND_MAX, v0),
    PR("omega", "s-1", "angular velocity (rotation)", 1e-4, -1, 1, omega),
    PR("period", "s", "period T of the deformation flow", 86400, 1, 1e9, period),
    PR("shear", "s-1", "vertical shear of u (shear)", 2e-3, -1, 1, shear),
    PR("hill_height", "m", "height of the Gaussian hill", 1500, 0, 9000, hill_height),
    PR("hill_width", "m", "e-folding half-width of the hill", 50000, 1, 1e7, hill_width),
    PR("t_surface", "K", "air temperature at sea level", 265, 150, 350, t_surface),
    PR("lapse", "K m-1", "temperature lapse rate", 0.0065, -0.1, 0.1, lapse),
    PR("rho_surface", "kg m-3", "air density at sea level", 1.3, 0.01, 3, rho_surface),
    PR("scale_height", "m", "density scale height", 8500, 100, 1e5, scale_height),
    PR("rho_amplitude", "1", "relative amplitude of a density oscillation in time", 0, 0, 0.5,
       rho_amplitude),
    PR("rho_period", "s", "period of the density oscillation", 21600, 1, 1e9, rho_period),
    PR("rel_humidity", "1", "relative humidity", 0.6, 0, 1, rel_humidity),
    PR("kz_pbl", "m2 s-1", "vertical diffusivity below pblh", 10, 0, 1e4, kz_pbl),
    PR("kz_free", "m2 s-1", "vertical diffusivity above pblh", 0.1, 0, 1e4, kz_free),
    PR("pblh", "m", "boundary-layer height", 500, 0, 10000, pblh),
    PR("ustar", "m s-1", "friction velocity", 0.3, 0, 5, ustar),
    PR("hfx", "W m-2", "upward sensible heat flux", 0, -500, 1000, hfx),
    PR("precip", "mm h-1", "precipitation rate", 0, 0, 500, precip),
    PR("cloud_water", "kg kg-1", "cloud water in the layers below 3 km", 0, 0, 0.01, cloud_water),
    PR("interval", "s", "interval between snapshots", 3600, 1, 1e7, interval),
    PR("start_time", "s", "time origin of the time-dependent flows, s since 1970-01-01Z", 0, -1e12,
       1e12, start_time),
    {.key = NULL},
};
#undef PR
#undef PI_

typedef struct {
  Params p;
  PetscReal *z_iface; /* nz + 1 interfaces over flat ground, m; owned */
} Ctx;

extern const MetSourceOps met_source_analytic; /* at the end of this file */

static PetscErrorCode read_params(MPI_Comm comm, Params *p)
{
  PetscFunctionBeginUser;
  PetscCall(namelist_read(comm, &met_source_analytic.group, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode grid_spec(MPI_Comm comm, GridSpec *spec)
{
  Params p;

  PetscFunctionBeginUser;
  PetscCall(read_params(comm, &p));
  PetscCall(PetscMemzero(spec, sizeof(*spec)));
  spec->proj.kind = p.map_proj == 0 ? PROJ_LAMBERT : PROJ_MERCATOR;
  spec->proj.truelat1 = p.truelat1;
  spec->proj.truelat2 = p.map_proj == 0 ? p.truelat2 : p.truelat1;
  spec->proj.stand_lon = p.ref_lon;
  spec->proj.ref_lat = p.ref_lat;
  spec->proj.ref_lon = p.ref_lon;
  PetscCall(projection_setup(&spec->proj));
  spec->nx = p.nx;
  spec->ny = p.ny;
  spec->nz = p.nz;
  spec->dx = p.dx;
  spec->dy = p.dy;
  spec->x0 = -0.5 * (PetscReal)(p.nx - 1) * p.dx;
  spec->y0 = -0.5 * (PetscReal)(p.ny - 1) * p.dy;
  PetscCall(vertical_stretched("met_analytic_", p.nz, p.ztop, p.dz_bottom, spec->z_iface));
  /* The hill's summit is the highest terrain (the cells sample it at their centres, lower). */
  if (p.terrain == TERRAIN_HILL)
    PetscCall(vertical_check_terrain(comm, p.nz, spec->z_iface, p.hill_height, "met_analytic_ztop",
                                     "the top of the hill (met_analytic_hill_height)",
                                     "raise met_analytic_ztop or lower met_analytic_hill_height"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode create(const Grid *g, void **ctx)
{
  Ctx *c;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  PetscCall(read_params(g->comm, &c->p));
  PetscCheck(c->p.nz == g->spec.nz, g->comm, PETSC_ERR_ARG_INCOMP,
             "met_analytic_nz = %" PetscInt_FMT " differs from the grid's %" PetscInt_FMT " layers",
             c->p.nz, g->spec.nz);
  PetscCall(PetscMalloc1(c->p.nz + 1, &c->z_iface));
  PetscCall(vertical_stretched("met_analytic_", c->p.nz, c->p.ztop, c->p.dz_bottom, c->z_iface));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode destroy(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(c->z_iface));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode bracket(void *ctx, PetscReal t, PetscReal *t0, PetscReal *t1)
{
  Ctx *c = (Ctx *)ctx;
  PetscReal n = PetscFloorReal((t - c->p.start_time) / c->p.interval);

  PetscFunctionBeginUser;
  *t0 = c->p.start_time + n * c->p.interval;
  *t1 = *t0 + c->p.interval;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal terrain_at(const Params *p, PetscReal x, PetscReal y)
{
  if (p->terrain == TERRAIN_FLAT) return 0;
  return p->hill_height * PetscExpReal(-(x * x + y * y) / (2 * p->hill_width * p->hill_width));
}

/* Wind at plane point (x, y), height z above ground, time t since start. */
static void wind_at(const Params *p, const GridSpec *s, PetscReal x, PetscReal y, PetscReal z,
                    PetscReal t, PetscReal *u, PetscReal *v)
{
  PetscReal lx = (PetscReal)s->nx * s->dx, ly = (PetscReal)s->ny * s->dy;
  PetscReal X = (x - s->x0 + 0.5 * s->dx) / lx, Y = (y - s->y0 + 0.5 * s->dy) / ly;
  PetscReal sx = PetscSinReal(CONST_PI * X), sy = PetscSinReal(CONST_PI * Y);
  PetscReal ct = PetscCosReal(CONST_PI * t / p->period);
  switch ((Flow)p->flow) {
  case FLOW_UNIFORM:
    *u = p->u0;
    *v = p->v0;
    break;
  case FLOW_ROTATION:
    *u = -p->omega * y;
    *v = p->omega * x;
    break;
  case FLOW_DEFORMATION:
    *u = lx / p->period * sx * sx * PetscSinReal(2 * CONST_PI * Y) * ct;
    *v = -ly / p->period * sy * sy * PetscSinReal(2 * CONST_PI * X) * ct;
    break;
  case FLOW_SHEAR:
    *u = p->u0 + p->shear * z;
    *v = p->v0;
    break;
  }
}

/* Thermodynamic state at height z_asl above sea level and time t. */
static void thermo_at(const Params *p, PetscReal z_asl, PetscReal t, PetscReal *temp,
                      PetscReal *rho, PetscReal *pres, PetscReal *theta)
{
  PetscReal osc = 1 + p->rho_amplitude * PetscSinReal(2 * CONST_PI * t / p->rho_period);
  *temp = p->t_surface - p->lapse * z_asl;
  *rho = p->rho_surface * PetscExpReal(-z_asl / p->scale_height) * osc;
  *pres = *rho * CONST_R_DRY * *temp;
  *theta = *temp * PetscPowReal(CONST_P0 / *pres, CONST_R_DRY / CONST_CP_DRY);
}

static PetscErrorCode fill(void *ctx, const Grid *g, PetscReal t, MetFields *m)
{
  Ctx *c = (Ctx *)ctx;
  const Params *p = &c->p;
  const Patch *pa = &g->patch;
  const GridSpec *s = &g->spec;
  PetscReal dz[pa->mz], zmid[pa->mz], dzw[pa->mz], zmw[pa->mz], dzs[pa->mz], zms[pa->mz];
  PetscReal ts = t - p->start_time;

  PetscFunctionBeginUser;
  for (PetscInt j = pa->gys; j < pa->gys + pa->gym; j++)
    for (PetscInt i = pa->gxs; i < pa->gxs + pa->gxm; i++) {
      PetscInt c2 = patch_index2(pa, i, j);
      PetscReal x, y, h;
      grid_cell_xy(s, (PetscReal)i, (PetscReal)j, &x, &y);
      h = terrain_at(p, x, y);
      vertical_column(pa->mz, c->z_iface, h, dz, zmid);
      vertical_column(pa->mz, c->z_iface, terrain_at(p, x - 0.5 * s->dx, y), dzw, zmw);
      vertical_column(pa->mz, c->z_iface, terrain_at(p, x, y - 0.5 * s->dy), dzs, zms);
      for (PetscInt k = 0; k < pa->mz; k++) {
        PetscInt c3 = patch_index(pa, i, j, k);
        PetscReal temp, rho, pres, theta, vdummy, udummy;
        thermo_at(p, h + zmid[k], ts, &temp, &rho, &pres, &theta);
        m->rho[c3] = rho;
        m->dz[c3] = dz[k];
        m->zmid[c3] = zmid[k];
        m->temperature[c3] = temp;
        m->theta[c3] = theta;
        m->pressure[c3] = pres;
        m->rel_humidity[c3] = p->rel_humidity;
        m->cloud_water[c3] = h + zmid[k] < 3000 ? p->cloud_water : 0;
        m->kz[c3] = c->z_iface[k + 1] < p->pblh ? p->kz_pbl : p->kz_free;
        wind_at(p, s, x, y, zmid[k], ts, &m->u[c3], &m->v[c3]);
        wind_at(p, s, x - 0.5 * s->dx, y, zmw[k], ts, &m->u_face[c3], &vdummy);
        wind_at(p, s, x, y - 0.5 * s->dy, zms[k], ts, &udummy, &m->v_face[c3]);
      }
      m->pblh[c2] = p->pblh;
      m->ustar[c2] = p->ustar;
      m->hfx[c2] = p->hfx;
      m->precip[c2] = p->precip;
      m->snow_cover[c2] = 0;
      m->terrain[c2] = h;
      m->t2[c2] = p->t_surface - p->lapse * h;
      for (PetscInt n = 0; n < LANDUSE_N; n++)
        m->landuse[c2 * LANDUSE_N + n] = n == LANDUSE_GRASSLAND ? 1 : 0;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

const MetSourceOps met_source_analytic = {
    .name = "analytic",
    .group = {.name = "met_analytic",
              .title = "Analytic meteorology",
              .params = params_table,
              .params_size = sizeof(Params)},
    .grid_spec = grid_spec,
    .create = create,
    .bracket = bracket,
    .fill = fill,
    .destroy = destroy,
};
