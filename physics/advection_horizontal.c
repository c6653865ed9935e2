/* Horizontal advection: flux-form PPM (physics/ppm.c) in x and y sweeps, the order alternating
   from one call to the next (x then y on even calls, y then x on odd ones).

   Equation: dm/dt = -div(F), d(mq)/dt = -div(F q) on the cells' air masses m (kg) with the
   met's face air-mass fluxes F (kg s-1; map factors, density and face areas are inside them).
   Each sweep moves air mass and tracer mass with the same fluxes and divides: a uniform mixing
   ratio stays uniform to round-off although each one-dimensional sweep of a non-divergent flow
   is divergent (DESIGN.md "Known traps"). The first sweep also updates the ghost rows (or
   columns) the second reads (the box stencil), so no exchange is needed between the sweeps and
   the result does not depend on the decomposition. Tags move with the bulk face flux times the
   upwind cell's tag share. Mass crossing the physical lateral boundary is counted in the budget.
   Time step: max_dt keeps the mass leaving any cell in one sweep below courant_max of its mass;
   the driver sub-steps.
   Reads: flux_x, flux_y (kg s-1), air_mass (kg), q and tags with valid ghosts (width 3).
   Writes: q, tag, air_mass (owned cells and the ghost lines of the first sweep), budget.
   Namelist &advection_horizontal: scheme (ppm | upwind), courant_max. */
#include "physics/process.h"
#include "physics/ppm.h"

static const char *const scheme_names[] = {"ppm", "upwind", NULL};

typedef struct {
  PetscInt scheme;
  PetscReal courant_max;
} Params;

static const ParamSpec param_table[] = {
    {.key = "scheme",
     .help = "ppm: monotone PPM; upwind: donor cell (linear, for exact zero-out comparisons)",
     .type = PARAM_ENUM,
     .def = 0,
     .offset = offsetof(Params, scheme),
     .choices = scheme_names},
    {.key = "courant_max",
     .units = "1",
     .help = "largest fraction of a cell's air mass leaving it in one sweep",
     .type = PARAM_REAL,
     .def = 0.9,
     .min = 0.05,
     .max = 1,
     .offset = offsetof(Params, courant_max)},
    {.key = NULL},
};

typedef struct {
  Params p;
  PetscReal *work_x, *work_y; /* ppm_sweep's work for one x line and for a whole y row */
} Ctx;

static PetscErrorCode init(const void *params, const Patch *p, void **ctx)
{
  Ctx *c;
  PetscInt ns = p->nspec, nt = p->ntag;

  PetscFunctionBeginUser;
  PetscCheck(p->sw >= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "advection_horizontal needs 3 ghost cells, the patch has %d", (int)p->sw);
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  PetscCall(
      PetscMalloc2(ppm_work_size(ns, nt), &c->work_x, ppm_work_size(p->gxm * ns, nt), &c->work_y));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree2(c->work_x, c->work_y));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The x lines of one layer, swept one by one as the y sweep asks for them. */
typedef struct {
  Ctx *c;
  const Patch *p;
  Fields *f;
  PetscInt k, next, end; /* next line to sweep, one past the last */
  PetscReal dt;
} XLines;

/* Sweep the x lines up to line gys + row (rows count from the y sweep's first row, gys). */
static void x_lines_upto(void *ctx, PetscInt row)
{
  XLines *x = (XLines *)ctx;
  const Patch *p = x->p;
  Fields *f = x->f;
  PetscInt ns = p->nspec, clo = p->xs - p->gxs;
  const PpmRows line = {.ns = ns, .ni = 1, .qs = ns, .ms = 1};

  for (; x->next <= p->gys + row && x->next < x->end; x->next++) {
    PetscInt l = x->next, base = patch_index(p, p->gxs, l, x->k);
    PetscBool owned = l >= p->ys && l < p->ys + p->ym;
    const PpmBoundary b = {.flo_phys = -p->gxs,
                           .fhi_phys = p->mx - p->gxs,
                           .ilo = 0,
                           .ihi = owned ? 1 : 0,
                           .in = &f->budget[BUDGET_INFLOW * ns],
                           .out = &f->budget[BUDGET_OUTFLOW * ns]};
    ppm_sweep((AdvectionScheme)x->c->p.scheme, &line, p->ntag, clo, clo + p->xm, &f->flux_x[base],
              x->dt, &f->q[base * ns], &f->air_mass[base],
              p->ntag ? &f->tag[base * ns * p->ntag] : NULL, x->c->work_x, &b, NULL);
  }
}

/* Both sweeps of layer k as one pass over its rows: the y sweep takes whole rows (columns
   [i0, i0 + ni)), and each x line is swept just before the y sweep first reads it (x first) or
   just after the y sweep has updated it (y first), while the row is still in the cache. */
static void layer(Ctx *c, const Patch *p, Fields *f, PetscInt k, PetscBool x_first, PetscReal dt)
{
  PetscInt ns = p->nspec, i0 = x_first ? p->xs : p->gxs, ni = x_first ? p->xm : p->gxm,
           base = patch_index(p, i0, p->gys, k);
  PetscInt clo = p->ys - p->gys;
  XLines x = {.c = c,
              .p = p,
              .f = f,
              .k = k,
              .next = x_first ? p->gys : p->ys,
              .end = x_first ? p->gys + p->gym : p->ys + p->ym,
              .dt = dt};
  const PpmRows rows = {.ns = ns, .ni = ni, .qs = p->gxm * ns, .ms = p->gxm};
  const PpmBoundary b = {.flo_phys = -p->gys,
                         .fhi_phys = p->my - p->gys,
                         .ilo = p->xs - i0,
                         .ihi = p->xs - i0 + p->xm,
                         .in = &f->budget[BUDGET_INFLOW * ns],
                         .out = &f->budget[BUDGET_OUTFLOW * ns]};
  const PpmHooks hooks = {.before_read = x_first ? x_lines_upto : NULL,
                          .after_update = x_first ? NULL : x_lines_upto,
                          .ctx = &x};

  ppm_sweep((AdvectionScheme)c->p.scheme, &rows, p->ntag, clo, clo + p->ym, &f->flux_y[base], dt,
            &f->q[base * ns], &f->air_mass[base], p->ntag ? &f->tag[base * ns * p->ntag] : NULL,
            c->work_y, &b, &hooks);
  x_lines_upto(&x, p->gym); /* any line the y sweep did not reach */
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  for (PetscInt k = 0; k < p->mz; k++)
    layer(c, p, f, k, f->step % 2 == 0 ? PETSC_TRUE : PETSC_FALSE, dt);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest dt keeping the mass leaving any cell in one sweep below courant_max of its mass,
   over every cell of the ghosted block whose two faces it holds. */
static PetscErrorCode max_dt(void *ctx, const Patch *p, const Fields *f, PetscReal *dt)
{
  const Ctx *c = (const Ctx *)ctx;
  PetscReal worst = 0;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym - 1; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm - 1; i++) {
        PetscInt cell = patch_index(p, i, j, k), e = patch_index(p, i + 1, j, k),
                 n = patch_index(p, i, j + 1, k);
        PetscReal outx = PetscMax(-f->flux_x[cell], 0) + PetscMax(f->flux_x[e], 0);
        PetscReal outy = PetscMax(-f->flux_y[cell], 0) + PetscMax(f->flux_y[n], 0);
        worst = PetscMax(worst, PetscMax(outx, outy) / f->air_mass[cell]);
      }
  *dt = worst > 0 ? c->p.courant_max / worst : PETSC_MAX_REAL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_advection_horizontal = {
    .group = {.name = "advection_horizontal",
              .title = "Horizontal advection (flux-form PPM)",
              .params = param_table,
              .params_size = sizeof(Params)},
    .stencil_width = 3,
    .init = init,
    .step = step,
    .max_dt = max_dt,
    .finalize = finalize,
};
