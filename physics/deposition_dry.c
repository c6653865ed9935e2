/* Dry-deposition velocities by a resistance model. This process only computes the velocity at
   the lowest layer (f->vdep); mixing_vertical applies it as a flux inside its implicit solve,
   which keeps it positive and mass-conserving.

   Gases (Wesely 1989, Atmos. Environ. 23:1293):  vd = 1 / (ra + rb + rc)
     ra = [ln(z/z0) - psi_h(z/L) + psi_h(z0/L)] / (kappa u*), z the middle of the lowest layer,
          L = -rho cp T u*^3 / (kappa g H) from the sensible heat flux H; psi_h = -5 z/L (stable,
          z/L capped at 1), 2 ln((1 + sqrt(1 - 16 z/L)) / 2) (unstable) (Businger-Dyer);
     rb = 2 / (kappa u*) (Sc / Pr)^(2/3), Sc = nu / D, D = D_H2O / diff_ratio;
     rc from Wesely's scaling of reference surface resistances of SO2 and O3 by land use:
          1/rc = (Hstar / 1e5) / rc_SO2 + f0 / rc_O3, with winter (dormant-vegetation) values, a
          cold-surface term 1000 exp(-Tc - 4) s m-1 added below 0 C (Wesely's eq. 6; capped
          at rc_cold_max, since measured SO2 uptake by cold snow is small but not nil), and snow-
          covered ground (f->snow_cover) treated as snow.
   Particles (Zhang et al. 2001, Atmos. Environ. 35:549):  vd = vg + 1 / (ra + rs)
     vg = rho_p d^2 g Cc / (18 mu), Cc the Cunningham correction;
     rs = 1 / (eps0 u* (EB + EIM + EIN) R1), EB = Sc^-gamma, EIM = (St / (alpha + St))^2,
     EIN = (d / A)^2 / 2, R1 = exp(-sqrt St), St = vg u* / (g A) (vegetated) or vg u*^2 / nu.
   A cell's velocity is the land-use-fraction-weighted mean of the per-class velocities.
   Reads: ustar, hfx, t2, snow_cover, land_use, zmid, rho, temperature of layer 0.
   Writes: vdep (m s-1). Namelist &deposition_dry: vd_min, vd_max, ustar_min, rc_cold_max. */
#include "physics/process.h"
#include "physics/species.h"
#include "base/landuse.h"
#include "base/constants.h"

typedef struct {
  PetscReal vd_min, vd_max, ustar_min, rc_cold_max;
} Params;

static const ParamSpec param_table[] = {
    {.key = "vd_min",
     .units = "m s-1",
     .help = "lower bound on the deposition velocity",
     .type = PARAM_REAL,
     .def = 1e-5,
     .min = 0,
     .max = 0.01,
     .offset = offsetof(Params, vd_min),
     .at_most = "vd_max"},
    {.key = "vd_max",
     .units = "m s-1",
     .help = "upper bound on the deposition velocity",
     .type = PARAM_REAL,
     .def = 0.1,
     .min = 1e-4,
     .max = 1,
     .offset = offsetof(Params, vd_max)},
    {.key = "ustar_min",
     .units = "m s-1",
     .help = "lower bound on the friction velocity",
     .type = PARAM_REAL,
     .def = 0.05,
     .min = 1e-3,
     .max = 1,
     .offset = offsetof(Params, ustar_min)},
    {.key = "rc_cold_max",
     .units = "s m-1",
     .help = "cap on Wesely's cold-surface resistance term below 0 C",
     .type = PARAM_REAL,
     .def = 1500,
     .min = 0,
     .max = 1e5,
     .offset = offsetof(Params, rc_cold_max)},
    {.key = NULL},
};

/* Per land-use class: winter surface resistances of SO2 and O3 (s m-1), and Zhang's particle
   parameters alpha, gamma and collector radius A (m; 0: no interception). Winter values of
   Wesely's seasonal categories 3/4 and Zhang's land-use classes. The roughness length is
   base/landuse.h's landuse_roughness_length, shared with the meteorology's surface layer. */
typedef struct {
  PetscReal rc_so2, rc_o3, alpha, gamma, A;
} Surface;
static const Surface surface[LANDUSE_N] = {
    [LANDUSE_WATER] = {1, 2000, 100, 0.50, 0},
    [LANDUSE_BARREN] = {1000, 400, 50, 0.54, 0},
    [LANDUSE_GRASSLAND] = {500, 600, 1.2, 0.54, 5e-3},
    [LANDUSE_CROPLAND] = {500, 600, 1.2, 0.54, 5e-3},
    [LANDUSE_FOREST] = {500, 500, 1.0, 0.56, 2e-3},
    [LANDUSE_URBAN] = {400, 800, 1.5, 0.56, 10e-3},
    [LANDUSE_SNOW_ICE] = {1500, 2000, 50, 0.54, 0},
};

#define D_H2O 2.4e-5          /* molecular diffusivity of water vapour in air, m2 s-1 */
#define NU_AIR 1.5e-5         /* kinematic viscosity of air, m2 s-1 */
#define MU_AIR 1.7e-5         /* dynamic viscosity of air, kg m-1 s-1 */
#define PRANDTL 0.72          /* Prandtl number of air */
#define MEAN_FREE_PATH 6.5e-8 /* of air molecules near the ground, m */
#define ZHANG_EPS0 3.0        /* Zhang et al. (2001) empirical constant */

static PetscReal psi_h(PetscReal zeta)
{
  if (zeta >= 0) return -5 * PetscMin(zeta, 1);
  return 2 * PetscLogReal((1 + PetscSqrtReal(1 - 16 * zeta)) / 2);
}

/* Aerodynamic resistance, s m-1. */
static PetscReal aerodynamic(PetscReal z, PetscReal z0, PetscReal ustar, PetscReal L)
{
  PetscReal ra = (PetscLogReal(z / z0) - psi_h(z / L) + psi_h(z0 / L)) / (CONST_VON_KARMAN * ustar);
  return PetscMax(ra, 1);
}

/* Surface resistance of a gas over a surface at surface temperature tc (Celsius). */
static PetscReal gas_rc(const SpeciesInfo *sp, const Surface *su, PetscReal tc, PetscReal cold_max)
{
  PetscReal g = sp->henry / 1e5 / su->rc_so2 + sp->reactivity / su->rc_o3;
  PetscReal rc = g > 0 ? 1 / g : 1e5;
  if (tc < 0) rc += PetscMin(1000 * PetscExpReal(-tc - 4), cold_max);
  return rc;
}

/* Deposition velocity of species sp over one land-use class (pure kernel). */
static PetscReal class_vd(const SpeciesInfo *sp, LandUse lu, PetscReal z, PetscReal ustar,
                          PetscReal L, PetscReal tc, PetscReal cold_max)
{
  const Surface *su = &surface[lu];
  PetscReal ra = aerodynamic(z, landuse_roughness_length[lu], ustar, L);
  if (sp->phase == PHASE_GAS) {
    PetscReal sc = NU_AIR / (D_H2O / sp->diff_ratio),
              rb = 2 / (CONST_VON_KARMAN * ustar) * PetscPowReal(sc / PRANDTL, 2.0 / 3.0);
    return 1 / (ra + rb + gas_rc(sp, su, tc, cold_max));
  } else {
    PetscReal d = sp->diameter, T = tc + 273.15, kn = 2 * MEAN_FREE_PATH / d;
    PetscReal cc = 1 + kn * (1.257 + 0.4 * PetscExpReal(-1.1 / kn));
    PetscReal vg = sp->particle_density * d * d * CONST_GRAVITY * cc / (18 * MU_AIR);
    PetscReal diff = CONST_BOLTZMANN * T * cc / (3 * CONST_PI * MU_AIR * d), sc = NU_AIR / diff;
    PetscReal st = su->A > 0 ? vg * ustar / (CONST_GRAVITY * su->A) : vg * ustar * ustar / NU_AIR;
    PetscReal eb = PetscPowReal(sc, -su->gamma), eim = PetscSqr(st / (su->alpha + st));
    PetscReal ein = su->A > 0 ? 0.5 * PetscSqr(d / su->A) : 0,
              r1 = PetscExpReal(-PetscSqrtReal(st));
    PetscReal rs = 1 / (ZHANG_EPS0 * ustar * (eb + eim + ein) * r1);
    return vg + 1 / (ra + rs);
  }
}

static PetscErrorCode init(const void *params, const Patch *patch, void **ctx)
{
  Params *c;

  PetscFunctionBeginUser;
  (void)patch;
  PetscCall(PetscNew(&c));
  *c = *(const Params *)params;
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  const Params *prm = (const Params *)ctx;
  PetscInt ns = p->nspec;

  PetscFunctionBeginUser;
  (void)t;
  (void)dt;
  *status = PROCESS_OK;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt c2 = patch_index2(p, i, j), c = patch_index(p, i, j, 0);
      PetscReal ustar = PetscMax(f->ustar[c2], prm->ustar_min), T = f->temperature[c],
                tc = (f->t2[c2] > 0 ? f->t2[c2] : T) - 273.15;
      PetscReal H = f->hfx[c2], L = PetscAbsReal(H) < 1e-6
                                        ? 1e9
                                        : -f->rho[c] * CONST_CP_DRY * T * ustar * ustar * ustar /
                                              (CONST_VON_KARMAN * CONST_GRAVITY * H);
      PetscReal z = f->zmid[c], snow = f->snow_cover[c2];
      for (PetscInt s = 0; s < ns; s++) {
        const SpeciesInfo *sp = &p->species[s];
        PetscReal vd = 0, vsnow = class_vd(sp, LANDUSE_SNOW_ICE, z, ustar, L, tc, prm->rc_cold_max);
        for (PetscInt lu = 0; lu < LANDUSE_N; lu++) {
          PetscReal w = f->land_use[c2 * LANDUSE_N + lu];
          if (w <= 0) continue;
          vd += w * ((1 - snow) * class_vd(sp, (LandUse)lu, z, ustar, L, tc, prm->rc_cold_max) +
                     snow * vsnow);
        }
        f->vdep[c2 * ns + s] = PetscMin(PetscMax(vd, prm->vd_min), prm->vd_max);
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_deposition_dry = {
    .group = {.name = "deposition_dry",
              .title = "Dry-deposition velocities (resistance model)",
              .params = param_table,
              .params_size = sizeof(Params)},
    .stencil_width = 0,
    .init = init,
    .step = step,
    .max_dt = NULL,
    .finalize = finalize,
};
