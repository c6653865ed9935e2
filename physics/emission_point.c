/* Point sources: stacks whose plumes rise (physics/plume_rise.c, Briggs) before their mass is
   spread over the layers the plume covers.

   Equation: for stack e in column (i, j), plume layer fractions w_k (summing to 1),
     q_s(i,j,k) += w_k rate_{e,s} profile(e, t) dt / m(i,j,k)
   and the same for the tag the stack credits in each family. Mass is added exactly.
   Reads: zmid, dz (m), theta, temperature (K), u, v (m s-1), air_mass (kg), emissions.
   Writes: q, tag, budget[BUDGET_EMITTED].
   Namelist &emission_point: u_min (m s-1), stable_dthetadz (K m-1), bottom_factor, top_factor.
   Transpose (backward runs): identity on the adjoint values; writes sens_point, summed over the
   plume's layers (see inject). */
#include "physics/process.h"
#include "physics/plume_rise.h"

static const ParamSpec param_table[] = {
    {.key = "u_min",
     .units = "m s-1",
     .help = "smallest wind speed in the plume-rise formulas",
     .type = PARAM_REAL,
     .def = 1.0,
     .min = 0.1,
     .max = 20,
     .offset = offsetof(PlumeRiseParams, u_min)},
    {.key = "stable_dthetadz",
     .units = "K m-1",
     .help = "potential-temperature gradient above which a layer is stable",
     .type = PARAM_REAL,
     .def = 0.002,
     .min = 0,
     .max = 0.1,
     .offset = offsetof(PlumeRiseParams, stable_dthetadz)},
    {.key = "bottom_factor",
     .units = "1",
     .help = "plume bottom at stack height + bottom_factor x rise",
     .type = PARAM_REAL,
     .def = 0.5,
     .min = 0,
     .max = 1,
     .offset = offsetof(PlumeRiseParams, bottom_factor)},
    {.key = "top_factor",
     .units = "1",
     .help = "plume top at stack height + top_factor x rise",
     .type = PARAM_REAL,
     .def = 1.5,
     .min = 1,
     .max = 3,
     .offset = offsetof(PlumeRiseParams, top_factor)},
    {.key = NULL},
};

typedef struct {
  PlumeRiseParams p;
  PetscReal *zmid, *dz, *theta, *temp, *wind, *frac; /* one column; owned */
} Ctx;

static PetscErrorCode init(const void *params, const Patch *patch, void **ctx)
{
  Ctx *c;
  PetscInt nz = patch->mz;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->p = *(const PlumeRiseParams *)params;
  PetscCall(PetscMalloc6(nz, &c->zmid, nz, &c->dz, nz, &c->theta, nz, &c->temp, nz, &c->wind, nz,
                         &c->frac));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree6(c->zmid, c->dz, c->theta, c->temp, c->wind, c->frac));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The layer fractions of stack e's plume in c->frac: plume rise from the column's met. */
static void plume_layers(Ctx *c, const Patch *p, const Fields *f, const EmissionPoint *pt,
                         PetscInt e)
{
  PetscInt nz = p->mz;
  PlumeColumn col = {nz, c->zmid, c->dz, c->theta, c->temp, c->wind};
  PetscReal rise;

  for (PetscInt k = 0; k < nz; k++) {
    PetscInt cell = patch_index(p, pt->i[e], pt->j[e], k);
    c->zmid[k] = f->zmid[cell];
    c->dz[k] = f->dz[cell];
    c->theta[k] = f->theta[cell];
    c->temp[k] = f->temperature[cell];
    c->wind[k] = PetscSqrtReal(f->u[cell] * f->u[cell] + f->v[cell] * f->v[cell]);
  }
  rise =
      plume_rise(&c->p, &col, pt->height[e], pt->diameter[e], pt->velocity[e], pt->temperature[e]);
  plume_rise_layers(&col, pt->height[e] + c->p.bottom_factor * rise,
                    pt->height[e] + c->p.top_factor * rise, c->frac);
}

/* Put the stacks' emissions into the bulk and (forward) the tags, or (transpose) accumulate the
   sensitivities to the rates. On the tags step() is t_out = t_in + b: the transpose leaves the
   adjoint values lambda unchanged, and the sensitivity of functional n to rate_{e,s} (kg s-1
   before the time profile) is the sum over the layers k the plume covers (the same plume rise
   and fractions w_k as step(), from the same met) of the forward's coefficient:
     d J_n / d rate_{e,s} = sum_k lambda_n(i,j,k, s) w_k profile(e, t) dt / m(i,j,k),
   m the air mass step() divides by; accumulated for a zero rate too, once per stack whatever
   the number of tag families. */
static void inject(Ctx *c, const Patch *p, PetscReal dt, Fields *f, PetscBool transpose)
{
  const EmissionPoint *pt = &f->emissions->point;
  PetscInt ns = p->nspec, nt = p->ntag, nz = p->mz;
  PetscReal *sens = transpose && nt ? f->sens_point : NULL;

  for (PetscInt e = 0; e < pt->n; e++) {
    PetscReal scale = f->emissions->profile_factor[pt->profile[e]] * dt;
    plume_layers(c, p, f, pt, e);
    for (PetscInt k = 0; k < nz; k++) {
      PetscInt cell = patch_index(p, pt->i[e], pt->j[e], k);
      PetscReal inv;
      if (c->frac[k] == 0) continue;
      inv = c->frac[k] / f->air_mass[cell];
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal mass = pt->rate[e * ns + s] * scale;
        if (sens) {
          const PetscReal *restrict lambda = &f->tag[(cell * ns + s) * nt];
          PetscReal *restrict out = &sens[(e * ns + s) * nt], coef = scale * inv;
          for (PetscInt n = 0; n < nt; n++) out[n] += lambda[n] * coef;
        }
        if (mass == 0) continue;
        f->q[cell * ns + s] += mass * inv;
        if (transpose) continue;
        f->budget[BUDGET_EMITTED * ns + s] += mass * c->frac[k];
        for (PetscInt fam = 0; fam < f->emissions->nfamily && nt; fam++)
          f->tag[(cell * ns + s) * nt + pt->tag[e * f->emissions->nfamily + fam]] += mass * inv;
      }
    }
  }
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  if (f->emissions) inject((Ctx *)ctx, p, dt, f, PETSC_FALSE);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose (process.h): ghost entries of f->tag zeroed (step() reads none); the bulk as step()
   leaves it, lambda unchanged, the sensitivities to the rates added to f->sens_point when it is not
   NULL; the budget is left alone. */
static PetscErrorCode transpose(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                                ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  if (f->emissions) inject((Ctx *)ctx, p, dt, f, PETSC_TRUE);
  patch_zero_ghosts(p, f->tag, p->nspec * p->ntag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_emission_point = {
    .group = {.name = "emission_point",
              .title = "Point sources: stacks with plume rise",
              .params = param_table,
              .params_size = sizeof(PlumeRiseParams)},
    .stencil_width = 0,
    .init = init,
    .step = step,
    .max_dt = NULL,
    .transpose = transpose,
    .finalize = finalize,
};
