/* Linear secondary-aerosol chemistry: first-order conversion of SO2 to sulfate, NOx to nitrate
   and NH3 to ammonium, so the model stays linear in the emissions and attribution is exact.

   Equations (per cell, p a precursor, a its product, M molar masses):
     dq_p/dt = -k q_p,     dq_a/dt = +k q_p M_a / M_p          (mass mixing ratios)
   integrated exactly over the step: q_p <- q_p e^{-k dt}, q_a <- q_a + (1 - e^{-k dt}) q_p M_a/M_p,
   so sulfur and nitrogen are conserved in moles to round-off. Every tag converts with the same
   factor, so a tag's sulfate is made from that tag's SO2.

   Rates (s-1), after the ranges in the winter-haze literature for northern China (e.g.
   Cheng et al. 2016, Sci. Adv. 2:e1601530; Zheng et al. 2015, ACP 15:2031, who needed an extra
   heterogeneous sulfate pathway of the order of 1e-5 s-1 in humid haze) and Seinfeld and Pandis
   (2016, ch. 6-7) for gas-phase and in-cloud oxidation:
     SO2: k = so2_gas  cosZ+  +  so2_cloud qc/qc_ref  +  so2_het h(RH)
     NOx: k = nox_gas  cosZ+  +  nox_night (1 - day) h(RH)              (OH by day, N2O5 by night)
     NH3: k = nh3_rate h(RH)
   with cosZ+ the cosine of the solar zenith angle where positive, day = 1 when cosZ > 0, qc the
   cloud water mixing ratio, qc_ref = 1e-4 kg/kg, h(RH) = max(0, (RH - rh0) / (1 - rh0))^2 the
   humidity dependence of aqueous and heterogeneous uptake, and for nitrate a factor
   1 / (1 + exp((T - t_half) / t_width)) that moves the ammonium-nitrate equilibrium to the
   particle at low temperature. Ammonium: the ammonia-rich regime of winter northern Xinjiang is
   assumed (acid, not ammonia, limits neutralisation), so ammonium forms from NH3 at a rate that
   does not depend on the acids and is credited to the NH3 source; this keeps the scheme linear.
   A nonlinear equilibrium (ISORROPIA-like) is later work.

   Reads: temperature (K), rel_humidity (1), cloud_water (kg kg-1), lon/lat of the patch, t.
   Writes: q, tag; budget[BUDGET_CHEM_LOST] for precursors, [BUDGET_CHEM_PRODUCED] for products.
   Namelist &chemistry: see the parameter table.
   Transpose (backward runs): a product's sensitivity flows back to its precursor with the same
   factor and molar-mass ratio (transpose_cell). */
#include "physics/process.h"
#include "physics/species.h"
#include "base/constants.h"

typedef struct {
  PetscReal so2_gas, so2_cloud, so2_het, nox_gas, nox_night, nh3_rate, rh0, qc_ref, t_half, t_width;
} Params;

#define RATE(k, d, f, h)                                                                           \
  {                                                                                                \
    .key = k, .units = "s-1", .help = h, .type = PARAM_REAL, .def = d, .min = 0, .max = 1e-2,      \
    .offset = offsetof(Params, f)                                                                  \
  }
static const ParamSpec param_table[] = {
    RATE("so2_gas", 1.0e-6, so2_gas,
         "SO2 oxidation by OH with the sun overhead (scaled by cos of the zenith angle)"),
    RATE("so2_cloud", 2.0e-5, so2_cloud, "in-cloud SO2 oxidation at the reference cloud water"),
    RATE("so2_het", 1.0e-5, so2_het, "heterogeneous SO2 oxidation on humid aerosol at saturation"),
    RATE("nox_gas", 8.0e-6, nox_gas, "NO2 + OH with the sun overhead"),
    RATE("nox_night", 5.0e-6, nox_night, "night-time N2O5 hydrolysis at saturation"),
    RATE("nh3_rate", 5.0e-6, nh3_rate,
         "NH3 uptake to ammonium at saturation (ammonia-rich regime)"),
    {.key = "rh0",
     .units = "1",
     .help = "relative humidity below which aqueous and heterogeneous uptake stop",
     .type = PARAM_REAL,
     .def = 0.4,
     .min = 0,
     .max = 0.99,
     .offset = offsetof(Params, rh0)},
    {.key = "qc_ref",
     .units = "kg kg-1",
     .help = "cloud water at which so2_cloud applies",
     .type = PARAM_REAL,
     .def = 1e-4,
     .min = 1e-8,
     .max = 1e-2,
     .offset = offsetof(Params, qc_ref)},
    {.key = "t_half",
     .units = "K",
     .help = "temperature at which half of the nitrate stays in the gas phase",
     .type = PARAM_REAL,
     .def = 285,
     .min = 200,
     .max = 330,
     .offset = offsetof(Params, t_half)},
    {.key = "t_width",
     .units = "K",
     .help = "width of the nitrate temperature dependence",
     .type = PARAM_REAL,
     .def = 5,
     .min = 0.1,
     .max = 50,
     .offset = offsetof(Params, t_width)},
    {.key = NULL},
};
#undef RATE

enum { PAIR_S, PAIR_N, PAIR_A, NPAIR };

typedef struct {
  Params p;
  PetscInt prec[NPAIR], prod[NPAIR]; /* species indices */
  PetscReal ratio[NPAIR];            /* M_product / M_precursor */
} Ctx;

static PetscErrorCode init(const void *params, const Patch *patch, void **ctx)
{
  Ctx *c;
  static const char *const names[NPAIR][2] = {{"so2", "so4"}, {"nox", "no3"}, {"nh3", "nh4"}};

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  for (PetscInt k = 0; k < NPAIR; k++) {
    c->prec[k] = species_find(patch->species, patch->nspec, names[k][0]);
    c->prod[k] = species_find(patch->species, patch->nspec, names[k][1]);
    PetscCheck(c->prec[k] >= 0 && c->prod[k] >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "chemistry needs species %s and %s in the species table", names[k][0], names[k][1]);
    c->ratio[k] = patch->species[c->prod[k]].molar_mass / patch->species[c->prec[k]].molar_mass;
  }
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cosine of the solar zenith angle at time t (s since 1970-01-01Z), longitude and latitude in
   degrees: declination from the day of the year (Cooper 1969), hour angle from the true solar
   time without the equation of time (an error below 4 degrees). */
static PetscReal cos_zenith(PetscReal t, PetscReal lon, PetscReal lat)
{
  const PetscReal day = 86400, year = 365.2422, jan1_2000 = 10957;
  PetscReal days = t / day, doy = PetscFmodReal(days - jan1_2000, year);
  PetscReal decl = 23.44 * CONST_DEG2RAD * PetscSinReal(2 * CONST_PI * (284 + doy) / 365);
  PetscReal hours = (days - PetscFloorReal(days)) * 24 + lon / 15;
  PetscReal h = (hours - 12) * 15 * CONST_DEG2RAD, phi = lat * CONST_DEG2RAD;
  return PetscSinReal(phi) * PetscSinReal(decl) +
         PetscCosReal(phi) * PetscCosReal(decl) * PetscCosReal(h);
}

/* The three first-order rates of one cell (pure kernel). */
static void cell_rates(const Params *p, PetscReal cosz, PetscReal T, PetscReal rh, PetscReal qc,
                       PetscReal *k)
{
  PetscReal sun = PetscMax(cosz, 0), day = cosz > 0 ? 1 : 0;
  PetscReal h = PetscSqr(PetscMax(0, (rh - p->rh0) / (1 - p->rh0)));
  PetscReal cold = 1 / (1 + PetscExpReal((T - p->t_half) / p->t_width));
  k[PAIR_S] = p->so2_gas * sun + p->so2_cloud * qc / p->qc_ref + p->so2_het * h;
  k[PAIR_N] = (p->nox_gas * sun + p->nox_night * (1 - day) * h) * cold;
  k[PAIR_A] = p->nh3_rate * h;
}

/* The tag map of one cell, transposed, in place on the adjoint values lambda of every
   functional. Forward, pair r takes t_p <- (1 - lost) t_p and t_a <- t_a + lost M_a/M_p t_p, so
   its transpose takes lambda_p <- (1 - lost) lambda_p + lost M_a/M_p lambda_a and keeps
   lambda_a: the product's sensitivity flows back to the precursor with the forward's molar-mass
   ratio. The pairs are applied in the reverse of the forward order (the transpose of a product
   of maps), which matters only if a product were also a later precursor. */
static void transpose_cell(const Ctx *c, PetscInt ns, PetscInt nt, PetscInt cell,
                           const PetscReal *lost, PetscReal *tag)
{
  for (PetscInt r = NPAIR - 1; r >= 0; r--) {
    PetscReal *restrict tp = &tag[(cell * ns + c->prec[r]) * nt];
    const PetscReal *restrict ta = &tag[(cell * ns + c->prod[r]) * nt];
    PetscReal keep = 1 - lost[r], gain = lost[r] * c->ratio[r];
    for (PetscInt n = 0; n < nt; n++) tp[n] = keep * tp[n] + gain * ta[n];
  }
}

/* Convert the bulk and the tags (forward) or the adjoint values (transpose) of every owned cell;
   only the forward accumulates the budget. */
static void convert(const Ctx *c, const Patch *pa, PetscReal t, PetscReal dt, Fields *f,
                    PetscBool transpose)
{
  PetscInt ns = pa->nspec, nt = pa->ntag;

  for (PetscInt j = pa->ys; j < pa->ys + pa->ym; j++)
    for (PetscInt i = pa->xs; i < pa->xs + pa->xm; i++) {
      PetscInt c2 = patch_index2(pa, i, j);
      PetscReal cosz = cos_zenith(t + 0.5 * dt, pa->lon[c2], pa->lat[c2]);
      for (PetscInt k = 0; k < pa->mz; k++) {
        PetscInt cell = patch_index(pa, i, j, k);
        PetscReal rate[NPAIR], lost[NPAIR];
        cell_rates(&c->p, cosz, f->temperature[cell], f->rel_humidity[cell], f->cloud_water[cell],
                   rate);
        for (PetscInt r = 0; r < NPAIR; r++) {
          PetscReal dq;
          PetscInt sp = c->prec[r], sa = c->prod[r];
          lost[r] = 1 - PetscExpReal(-rate[r] * dt);
          dq = lost[r] * f->q[cell * ns + sp];
          f->q[cell * ns + sp] -= dq;
          f->q[cell * ns + sa] += dq * c->ratio[r];
          if (transpose) continue;
          f->budget[BUDGET_CHEM_LOST * ns + sp] += dq * f->air_mass[cell];
          f->budget[BUDGET_CHEM_PRODUCED * ns + sa] += dq * c->ratio[r] * f->air_mass[cell];
          if (!nt) continue;
          {
            PetscReal *tp = &f->tag[(cell * ns + sp) * nt], *ta = &f->tag[(cell * ns + sa) * nt];
            for (PetscInt n = 0; n < nt; n++) {
              PetscReal d = lost[r] * tp[n];
              tp[n] -= d;
              ta[n] += d * c->ratio[r];
            }
          }
        }
        if (transpose && nt) transpose_cell(c, ns, nt, cell, lost, f->tag);
      }
    }
}

static PetscErrorCode step(void *ctx, const Patch *pa, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  PetscFunctionBeginUser;
  *status = PROCESS_OK;
  convert((const Ctx *)ctx, pa, t, dt, f, PETSC_FALSE);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose (process.h): ghost entries of f->tag zeroed (step() reads none); the bulk converts
   as in step(), the adjoint values by transpose_cell() with the same factors; the budget is a
   forward diagnostic, left alone. */
static PetscErrorCode transpose(void *ctx, const Patch *pa, PetscReal t, PetscReal dt, Fields *f,
                                ProcessStatus *status)
{
  PetscFunctionBeginUser;
  *status = PROCESS_OK;
  convert((const Ctx *)ctx, pa, t, dt, f, PETSC_TRUE);
  patch_zero_ghosts(pa, f->tag, pa->nspec * pa->ntag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_chemistry = {
    .group = {.name = "chemistry",
              .title = "Linear secondary-aerosol chemistry",
              .params = param_table,
              .params_size = sizeof(Params)},
    .stencil_width = 0,
    .init = init,
    .step = step,
    .max_dt = NULL,
    .transpose = transpose,
    .finalize = finalize,
};
