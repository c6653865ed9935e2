/* Area emissions: gridded sources put into their cells.

   Equation: for every entry e of Emissions.area (prepared by the model: regridded, split by
   control unit, scaled by any scenario), over the step
     q_s(cell) += rate_{e,s} * profile(e, t) * dt / m(cell)
   and the same to the tag that entry e credits in each tag family, so every emitted kilogram
   carries its control unit and sector. Mass is added exactly (to round-off).
   Reads: air_mass (kg), emissions (kg s-1, profile factors). Writes: q, tag (kg kg-1),
   budget[BUDGET_EMITTED] (kg). No namelist keys. */
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

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  const Emissions *em = f->emissions;
  PetscInt ns = p->nspec, nt = p->ntag;

  PetscFunctionBeginUser;
  (void)ctx;
  (void)t;
  *status = PROCESS_OK;
  if (!em) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt e = 0; e < em->area.n; e++) {
    PetscInt cell = em->area.cell[e];
    PetscReal scale = em->profile_factor[em->area.profile[e]] * dt, inv = 1 / f->air_mass[cell];
    const PetscReal *rate = &em->area.rate[e * ns];
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal mass = rate[s] * scale;
      if (mass == 0) continue;
      f->q[cell * ns + s] += mass * inv;
      f->budget[BUDGET_EMITTED * ns + s] += mass;
      for (PetscInt fam = 0; fam < em->nfamily && nt; fam++)
        f->tag[(cell * ns + s) * nt + em->area.tag[e * em->nfamily + fam]] += mass * inv;
    }
  }
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
    .finalize = finalize,
};
