/* Wet deposition: scavenging by precipitation, first order in every layer the precipitation
   falls through, integrated exactly over the step: q <- q exp(-Lambda dt).

   Precipitation falls from the top of the highest cloud layer (cloud water above qc_min) or,
   with no cloud in the column, from the boundary-layer top, down to the ground. With P the
   surface precipitation rate (mm h-1):
     particles, below cloud:  Lambda = a_fine P^0.79   (d < 2.5 um)   or a_coarse P^0.79
     particles, in cloud:     Lambda = a_incloud P^0.79                (rain-out of activated
   aerosol) gases:                   Lambda = a_gas P^0.62 * Hcc L / (1 + Hcc L) with Hcc = H(T) R T
   the dimensionless effective Henry constant (H(T) = H298 exp(dH (1/T - 1/298.15)), R = 0.08206 L
   atm mol-1 K-1) and L the liquid-water volume fraction of the falling precipitation, so highly
   soluble gases (SO2, NH3) are washed out and NOx is not. The power laws follow the below-cloud
   parameterisations reviewed by Sportisse (2007, Atmos. Environ. 41:2683) and the gas uptake by
   solubility of Seinfeld and Pandis (2016, ch. 20). Snow scavenges particles more efficiently than
   rain; that is not distinguished here. Every tag loses the same fraction as its bulk species.
   Reads: precip (mm h-1), cloud_water (kg kg-1), temperature (K), pblh, zmid, dz, air_mass.
   Writes: q, tag; dep_wet (kg m-2); budget[BUDGET_WET_DEPOSITED].
   Transpose (backward runs): the tag map is diagonal, so the adjoint values lose the same
   fraction. */
#include "physics/process.h"
#include "physics/species.h"

typedef struct {
  PetscReal a_fine, a_coarse, a_incloud, a_gas, rain_lwc, qc_min;
} Params;

#define COEF(k, d, f, h)                                                                           \
  {                                                                                                \
    .key = k, .units = "s-1", .help = h, .type = PARAM_REAL, .def = d, .min = 0, .max = 1e-1,      \
    .offset = offsetof(Params, f)                                                                  \
  }
static const ParamSpec param_table[] = {
    COEF("a_fine", 1e-5, a_fine, "below-cloud scavenging of fine particles at 1 mm/h"),
    COEF("a_coarse", 1e-4, a_coarse, "below-cloud scavenging of coarse particles at 1 mm/h"),
    COEF("a_incloud", 1e-4, a_incloud, "in-cloud scavenging of particles at 1 mm/h"),
    COEF("a_gas", 1e-4, a_gas, "scavenging of a fully soluble gas at 1 mm/h"),
    {.key = "rain_lwc",
     .units = "1",
     .help = "liquid-water volume fraction of falling precipitation",
     .type = PARAM_REAL,
     .def = 1e-7,
     .min = 1e-10,
     .max = 1e-4,
     .offset = offsetof(Params, rain_lwc)},
    {.key = "qc_min",
     .units = "kg kg-1",
     .help = "cloud water above which a layer counts as cloud",
     .type = PARAM_REAL,
     .def = 1e-6,
     .min = 0,
     .max = 1e-2,
     .offset = offsetof(Params, qc_min)},
    {.key = NULL},
};
#undef COEF

#define FINE_COARSE_DIAMETER 2.5e-6 /* m */
#define R_LATM 0.08206              /* gas constant, L atm mol-1 K-1 */
#define T_REF 298.15                /* K */

typedef struct {
  Params p;
} Ctx;

static PetscErrorCode init(const void *params, const Patch *patch, void **ctx)
{
  Ctx *c;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  (void)patch;
  c->p = *(const Params *)params;
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Scavenging coefficient of species sp in a layer (pure kernel). */
static PetscReal coefficient(const Params *p, const SpeciesInfo *sp, PetscReal P, PetscReal T,
                             PetscBool in_cloud)
{
  if (sp->phase == PHASE_AEROSOL) {
    PetscReal a =
        in_cloud ? p->a_incloud : (sp->diameter < FINE_COARSE_DIAMETER ? p->a_fine : p->a_coarse);
    return a * PetscPowReal(P, 0.79);
  } else {
    PetscReal H = sp->henry * PetscExpReal(sp->henry_dh * (1 / T - 1 / T_REF)),
              x = H * R_LATM * T * p->rain_lwc;
    return p->a_gas * PetscPowReal(P, 0.62) * x / (1 + x);
  }
}

/* Scavenge the bulk and the tags of every owned column. The tag map is diagonal (each tag keeps
   the fraction 1 - lost its bulk species keeps), so it is its own transpose: with transpose the
   same factors scale the adjoint values, and only the forward accumulates the diagnostics. */
static void scavenge(const Ctx *c, const Patch *pa, PetscReal dt, Fields *f, PetscBool transpose)
{
  PetscInt ns = pa->nspec, nt = pa->ntag, nz = pa->mz;

  for (PetscInt j = pa->ys; j < pa->ys + pa->ym; j++)
    for (PetscInt i = pa->xs; i < pa->xs + pa->xm; i++) {
      PetscInt c2 = patch_index2(pa, i, j), ktop = -1;
      PetscReal P = f->precip[c2];
      if (P <= 0) continue;
      for (PetscInt k = nz - 1; k >= 0 && ktop < 0; k--)
        if (f->cloud_water[patch_index(pa, i, j, k)] > c->p.qc_min) ktop = k;
      if (ktop < 0)
        for (ktop = 0; ktop + 1 < nz && f->zmid[patch_index(pa, i, j, ktop + 1)] < f->pblh[c2];
             ktop++)
          continue;
      for (PetscInt k = 0; k <= ktop; k++) {
        PetscInt cell = patch_index(pa, i, j, k);
        PetscBool cloud = f->cloud_water[cell] > c->p.qc_min ? PETSC_TRUE : PETSC_FALSE;
        for (PetscInt s = 0; s < ns; s++) {
          PetscReal lost =
              1 - PetscExpReal(
                      -coefficient(&c->p, &pa->species[s], P, f->temperature[cell], cloud) * dt);
          PetscReal dq = lost * f->q[cell * ns + s], dm = dq * f->air_mass[cell];
          f->q[cell * ns + s] -= dq;
          if (!transpose) {
            f->dep_wet[c2 * ns + s] += dm / pa->area[c2];
            f->budget[BUDGET_WET_DEPOSITED * ns + s] += dm;
          }
          for (PetscInt n = 0; n < nt; n++) f->tag[(cell * ns + s) * nt + n] *= 1 - lost;
        }
      }
    }
}

static PetscErrorCode step(void *ctx, const Patch *pa, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  scavenge((const Ctx *)ctx, pa, dt, f, PETSC_FALSE);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose (process.h): ghost entries of f->tag zeroed (step() reads none); the bulk as step()
   leaves it, the adjoint values scaled alike; the deposition map and the budget are forward
   diagnostics and are left alone. */
static PetscErrorCode transpose(void *ctx, const Patch *pa, PetscReal t, PetscReal dt, Fields *f,
                                ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  scavenge((const Ctx *)ctx, pa, dt, f, PETSC_TRUE);
  patch_zero_ghosts(pa, f->tag, pa->nspec * pa->ntag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_deposition_wet = {
    .group = {.name = "deposition_wet",
              .title = "Wet deposition by precipitation scavenging",
              .params = param_table,
              .params_size = sizeof(Params)},
    .stencil_width = 0,
    .init = init,
    .step = step,
    .max_dt = NULL,
    .transpose = transpose,
    .finalize = finalize,
};
