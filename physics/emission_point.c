/* Point sources: stacks whose plumes rise (physics/plume_rise.c, Briggs) before their mass is
   spread over the layers the plume covers.

   Equation: for stack e in column (i, j), plume layer fractions w_k (summing to 1),
     q_s(i,j,k) += w_k rate_{e,s} profile(e, t) dt / m(i,j,k)
   and the same for the tag the stack credits in each family. Mass is added exactly.
   Reads: zmid, dz (m), theta, temperature (K), u, v (m s-1), air_mass (kg), emissions.
   Writes: q, tag, budget[BUDGET_EMITTED].
   Namelist &emission_point: u_min (m s-1), stable_dthetadz (K m-1), bottom_factor, top_factor. */
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

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;
  const EmissionPoint *pt = f->emissions ? &f->emissions->point : NULL;
  PetscInt ns = p->nspec, nt = p->ntag, nz = p->mz;
  PlumeColumn col = {nz, c->zmid, c->dz, c->theta, c->temp, c->wind};

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  if (!pt) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt e = 0; e < pt->n; e++) {
    PetscInt i = pt->i[e], j = pt->j[e];
    PetscReal rise, scale = f->emissions->profile_factor[pt->profile[e]] * dt;
    for (PetscInt k = 0; k < nz; k++) {
      PetscInt cell = patch_index(p, i, j, k);
      c->zmid[k] = f->zmid[cell];
      c->dz[k] = f->dz[cell];
      c->theta[k] = f->theta[cell];
      c->temp[k] = f->temperature[cell];
      c->wind[k] = PetscSqrtReal(f->u[cell] * f->u[cell] + f->v[cell] * f->v[cell]);
    }
    rise = plume_rise(&c->p, &col, pt->height[e], pt->diameter[e], pt->velocity[e],
                      pt->temperature[e]);
    plume_rise_layers(&col, pt->height[e] + c->p.bottom_factor * rise,
                      pt->height[e] + c->p.top_factor * rise, c->frac);
    for (PetscInt k = 0; k < nz; k++) {
      PetscInt cell = patch_index(p, i, j, k);
      PetscReal inv;
      if (c->frac[k] == 0) continue;
      inv = c->frac[k] / f->air_mass[cell];
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal mass = pt->rate[e * ns + s] * scale;
        if (mass == 0) continue;
        f->q[cell * ns + s] += mass * inv;
        f->budget[BUDGET_EMITTED * ns + s] += mass * c->frac[k];
        for (PetscInt fam = 0; fam < f->emissions->nfamily && nt; fam++)
          f->tag[(cell * ns + s) * nt + pt->tag[e * f->emissions->nfamily + fam]] += mass * inv;
      }
    }
  }
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
    .finalize = finalize,
};
