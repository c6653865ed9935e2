/* Area emissions: gridded sources put into their cells.

   Equation: for every entry e of Emissions.area (prepared by the model: regridded, split by
   control unit, scaled by any scenario), over the step
     q_s(cell) += rate_{e,s} * profile(e, t) * dt / m(cell)
   and the same to the tag that entry e credits in each tag family, so every emitted kilogram
   carries its control unit and sector. Mass is added exactly (to round-off).
   Reads: air_mass (kg), emissions (kg s-1, profile factors). Writes: q, tag (kg kg-1),
   budget[BUDGET_EMITTED] (kg). No namelist keys.
   Transpose (backward runs): identity on the adjoint values; writes sens_area (see inject). */
#include "physics/process.h"

typedef struct {
  PetscInt unused;
} Params;

static const ParamSpec param_table[] = {{.key = NULL}};

static PetscErrorCode init(const void *params, const Patch *patch, void **ctx)
{
  PetscFunctionBeginUser;
  (void)params;
  (void)patch;
  *ctx = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  PetscFunctionBeginUser;
  *ctx = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Put the emissions into the bulk and (forward) the tags, or (transpose) accumulate the
   sensitivities to the rates. On the tags step() is t_out = t_in + b, b the emitted mixing
   ratios: the transpose leaves the adjoint values lambda unchanged, and the sensitivity of
   functional n to rate_{e,s} (kg s-1 before the time profile) is
     d J_n / d rate_{e,s} = lambda_n(cell_e, s) profile(e, t) dt / m(cell_e),
   the forward's coefficient with the air mass step() divides by (the cell's at the start of the
   call; emissions do not change it). It is accumulated for every entry and species, a zero rate
   included (step() skips adding nothing, but the sensitivity is still defined), once per entry
   whatever the number of tag families (each family credits the same emitted mass). */
static void inject(const Patch *p, PetscReal dt, Fields *f, PetscBool transpose)
{
  const Emissions *em = f->emissions;
  PetscInt ns = p->nspec, nt = p->ntag;
  PetscReal *sens = transpose && nt ? f->sens_area : NULL;

  for (PetscInt e = 0; e < em->area.n; e++) {
    PetscInt cell = em->area.cell[e];
    PetscReal scale = em->profile_factor[em->area.profile[e]] * dt, inv = 1 / f->air_mass[cell];
    const PetscReal *rate = &em->area.rate[e * ns];
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal mass = rate[s] * scale;
      if (sens) {
        const PetscReal *restrict lambda = &f->tag[(cell * ns + s) * nt];
        PetscReal *restrict out = &sens[(e * ns + s) * nt], coef = scale * inv;
        for (PetscInt n = 0; n < nt; n++) out[n] += lambda[n] * coef;
      }
      if (mass == 0) continue;
      f->q[cell * ns + s] += mass * inv;
      if (transpose) continue;
      f->budget[BUDGET_EMITTED * ns + s] += mass;
      for (PetscInt fam = 0; fam < em->nfamily && nt; fam++)
        f->tag[(cell * ns + s) * nt + em->area.tag[e * em->nfamily + fam]] += mass * inv;
    }
  }
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)ctx;
  (void)t;
  *status = PROCESS_OK;
  if (f->emissions) inject(p, dt, f, PETSC_FALSE);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose (process.h): ghost entries of f->tag zeroed (step() reads none); the bulk as step()
   leaves it, lambda unchanged, the sensitivities to the rates added to f->sens_area when it is not
   NULL; the budget is left alone. */
static PetscErrorCode transpose(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                                ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)ctx;
  (void)t;
  *status = PROCESS_OK;
  if (f->emissions) inject(p, dt, f, PETSC_TRUE);
  patch_zero_ghosts(p, f->tag, p->nspec * p->ntag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_emission_area = {
    .group = {.name = "emission_area",
              .title = "Area emissions: gridded sources into their cells",
              .params = param_table,
              .params_size = sizeof(Params)},
    .stencil_width = 0,
    .init = init,
    .step = step,
    .max_dt = NULL,
    .transpose = transpose,
    .finalize = finalize,
};
