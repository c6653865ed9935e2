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
#include "process.h"
#include "ppm.h"

static const char *const scheme_names[] = {"ppm", "upwind", NULL};

typedef struct {
  PetscInt scheme;
  PetscReal courant_max;
} Params;

static const ParamSpec param_table[] = {
  {.key = "scheme", .help = "ppm: monotone PPM; upwind: donor cell (linear, for exact zero-out comparisons)", .type = PARAM_ENUM,
   .def = 0, .offset = offsetof(Params, scheme), .choices = scheme_names},
  {.key = "courant_max", .units = "1", .help = "largest fraction of a cell's air mass leaving it in one sweep", .type = PARAM_REAL,
   .def = 0.9, .min = 0.05, .max = 1, .offset = offsetof(Params, courant_max)},
  {.key = NULL},
};

typedef struct {
  Params p;
  PetscInt n;                 /* longest line: max(gxm, gym) */
  PetscReal *q, *m, *F, *qf;  /* one line: old q, old m, face fluxes, face values */
  PetscReal *work;            /* PPM work space */
  PetscReal *qn, *mn;         /* new bulk values of the line */
  PetscReal *prev, *cur;      /* two cells' old tags, for the in-place tag update */
  PetscReal **tp;             /* tags of each line cell */
} Ctx;

static PetscErrorCode init(const void *params, const Patch *p, void **ctx)
{
  Ctx *c;
  PetscInt n = PetscMax(p->gxm, p->gym), ns = p->nspec, nt = p->ntag;

  PetscFunctionBeginUser;
  PetscCheck(p->sw >= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "advection_horizontal needs 3 ghost cells, the patch has %d", (int)p->sw);
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  c->n = n;
  PetscCall(PetscMalloc4(n * ns, &c->q, n, &c->m, n + 1, &c->F, (n + 1) * ns, &c->qf));
  PetscCall(PetscMalloc3(n * ns, &c->qn, n, &c->mn, 3 * ns * (n + 6), &c->work));
  PetscCall(PetscMalloc3(ns * nt + 1, &c->prev, ns * nt + 1, &c->cur, n, &c->tp));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4(c->q, c->m, c->F, c->qf));
  PetscCall(PetscFree3(c->qn, c->mn, c->work));
  PetscCall(PetscFree3(c->prev, c->cur, c->tp));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Mass of each species crossing the physical boundary faces of the line, into the budget. */
static void boundary_budget(const Patch *p, PetscInt flo_phys, PetscInt fhi_phys, PetscInt flo, PetscInt fhi, const Ctx *c,
                            PetscReal dt, PetscReal *budget)
{
  PetscInt ns = p->nspec;
  if (flo_phys >= flo && flo_phys <= fhi)
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal mass = dt * c->F[flo_phys] * c->qf[flo_phys * ns + s];
      budget[(mass > 0 ? BUDGET_INFLOW : BUDGET_OUTFLOW) * ns + s] += PetscAbsReal(mass);
    }
  if (fhi_phys >= flo && fhi_phys <= fhi)
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal mass = dt * c->F[fhi_phys] * c->qf[fhi_phys * ns + s];
      budget[(mass > 0 ? BUDGET_OUTFLOW : BUDGET_INFLOW) * ns + s] += PetscAbsReal(mass);
    }
}

/* One sweep along x (dir 0) or y (dir 1) over the lines in [llo, lhi) of the other index, for
   cells [clo, chi) along the sweep, with budgets counted on the owned lines only. */
static void sweep(Ctx *c, const Patch *p, Fields *f, PetscInt dir, PetscInt llo, PetscInt lhi, PetscReal dt)
{
  PetscInt ns = p->nspec, nt = p->ntag;
  PetscInt g0 = dir == 0 ? p->gxs : p->gys, gn = dir == 0 ? p->gxm : p->gym;
  PetscInt clo = (dir == 0 ? p->xs : p->ys) - g0, chi = clo + (dir == 0 ? p->xm : p->ym);
  PetscInt olo = dir == 0 ? p->ys : p->xs, ohi = olo + (dir == 0 ? p->ym : p->xm);
  PetscInt stride = dir == 0 ? 1 : p->gxm, mlen = dir == 0 ? p->mx : p->my;
  const PetscReal *flux = dir == 0 ? f->flux_x : f->flux_y;

  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt l = llo; l < lhi; l++) {
      PetscInt base = dir == 0 ? patch_index(p, p->gxs, l, k) : patch_index(p, l, p->gys, k);
      for (PetscInt c0 = 0; c0 < gn; c0++) {
        PetscInt cell = base + c0 * stride;
        c->m[c0] = f->air_mass[cell];
        c->F[c0] = flux[cell];
        for (PetscInt s = 0; s < ns; s++) c->q[c0 * ns + s] = f->q[cell * ns + s];
        if (nt) c->tp[c0] = &f->tag[cell * ns * nt];
      }
      ppm_face_values((AdvectionScheme)c->p.scheme, ns, clo, chi, c->q, c->m, c->F, dt, c->work, c->qf);
      ppm_update(ns, 0, clo, chi, c->q, c->m, NULL, c->F, c->qf, dt, c->qn, c->mn, NULL);
      if (nt) ppm_update_tags(ns, nt, clo, chi, c->q, c->m, c->F, c->qf, dt, c->tp, c->prev, c->cur);
      for (PetscInt c0 = clo; c0 < chi; c0++) {
        PetscInt cell = base + c0 * stride;
        f->air_mass[cell] = c->mn[c0];
        for (PetscInt s = 0; s < ns; s++) f->q[cell * ns + s] = c->qn[c0 * ns + s];
      }
      if (l >= olo && l < ohi) boundary_budget(p, -g0, mlen - g0, clo, chi, c, dt, f->budget);
    }
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f, ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  if (f->step % 2 == 0) {
    sweep(c, p, f, 0, p->gys, p->gys + p->gym, dt);
    sweep(c, p, f, 1, p->xs, p->xs + p->xm, dt);
  } else {
    sweep(c, p, f, 1, p->gxs, p->gxs + p->gxm, dt);
    sweep(c, p, f, 0, p->ys, p->ys + p->ym, dt);
  }
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
        PetscInt cell = patch_index(p, i, j, k), e = patch_index(p, i + 1, j, k), n = patch_index(p, i, j + 1, k);
        PetscReal outx = PetscMax(-f->flux_x[cell], 0) + PetscMax(f->flux_x[e], 0);
        PetscReal outy = PetscMax(-f->flux_y[cell], 0) + PetscMax(f->flux_y[n], 0);
        worst = PetscMax(worst, PetscMax(outx, outy) / f->air_mass[cell]);
      }
  *dt = worst > 0 ? c->p.courant_max / worst : PETSC_MAX_REAL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_advection_horizontal = {
  .name = "advection_horizontal",
  .stencil_width = 3,
  .params = param_table,
  .params_size = sizeof(Params),
  .init = init,
  .step = step,
  .max_dt = max_dt,
  .finalize = finalize,
};
