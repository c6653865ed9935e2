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

/* Lines per bundle of a y sweep: enough for long inner loops, few enough that the bundle's work
   rows stay in the cache (measured with make bench). */
#ifndef BUNDLE
  #define BUNDLE 4
#endif

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
  PetscReal *qf;         /* face values of a bundle of lines */
  PetscReal *work;       /* PPM work space */
  PetscReal *prev, *cur; /* two rows of old tags, for the in-place tag update */
} Ctx;

static PetscErrorCode init(const void *params, const Patch *p, void **ctx)
{
  Ctx *c;
  PetscInt n = PetscMax(p->gxm, p->gym), w = BUNDLE * p->nspec, nt = p->ntag;

  PetscFunctionBeginUser;
  PetscCheck(p->sw >= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "advection_horizontal needs 3 ghost cells, the patch has %d", (int)p->sw);
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  PetscCall(PetscMalloc4((n + 1) * w, &c->qf, 8 * w, &c->work, w * nt + 1, &c->prev, w * nt + 1, &c->cur));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4(c->qf, c->work, c->prev, c->cur));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Mass of each species crossing the physical boundary faces (local face indices flo_phys and
   fhi_phys) of lines [ilo, ihi) of a bundle, into the budget. */
static void boundary_budget(const PpmRows *L, PetscInt flo_phys, PetscInt fhi_phys, PetscInt flo, PetscInt fhi, PetscInt ilo,
                            PetscInt ihi, const PetscReal *F, const PetscReal *qf, PetscReal dt, PetscReal *budget)
{
  PetscInt ns = L->ns, w = L->ni * ns;
  for (PetscInt i = ilo; i < ihi; i++) {
    if (flo_phys >= flo && flo_phys <= fhi)
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal mass = dt * F[flo_phys * L->ms + i] * qf[flo_phys * w + i * ns + s];
        budget[(mass > 0 ? BUDGET_INFLOW : BUDGET_OUTFLOW) * ns + s] += PetscAbsReal(mass);
      }
    if (fhi_phys >= flo && fhi_phys <= fhi)
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal mass = dt * F[fhi_phys * L->ms + i] * qf[fhi_phys * w + i * ns + s];
        budget[(mass > 0 ? BUDGET_OUTFLOW : BUDGET_INFLOW) * ns + s] += PetscAbsReal(mass);
      }
  }
}

/* One bundle of lines, in place on the fields: faces, budget of the owned lines [olo, ohi) of
   the bundle, then the update. base is the cell of row 0, line 0. */
static void bundle(Ctx *c, const Patch *p, Fields *f, const PpmRows *L, PetscInt base, PetscInt clo, PetscInt chi, PetscInt g0,
                   PetscInt mlen, PetscInt olo, PetscInt ohi, const PetscReal *flux, PetscReal dt)
{
  PetscInt ns = p->nspec, nt = p->ntag;
  PetscReal *q = &f->q[base * ns], *m = &f->air_mass[base], *t = nt ? &f->tag[base * ns * nt] : NULL;
  const PetscReal *F = &flux[base];

  ppm_face_values_rows((AdvectionScheme)c->p.scheme, L, clo, chi, q, m, F, dt, c->work, c->qf);
  if (olo < ohi) boundary_budget(L, -g0, mlen - g0, clo, chi, olo, ohi, F, c->qf, dt, f->budget);
  ppm_update_rows(L, nt, clo, chi, F, c->qf, dt, q, m, t, c->prev, c->cur);
}

/* One sweep of layer k along x (dir 0) or y (dir 1) over the lines in [llo, lhi) of the other
   index, for cells [clo, chi) along the sweep, with budgets counted on the owned lines only. An x
   sweep takes its lines one by one (each is contiguous); a y sweep takes the layer's lines in
   bundles of BUNDLE, row by row. */
static void sweep(Ctx *c, const Patch *p, Fields *f, PetscInt dir, PetscInt k, PetscInt llo, PetscInt lhi, PetscReal dt)
{
  PetscInt ns = p->nspec;
  PetscInt g0 = dir == 0 ? p->gxs : p->gys;
  PetscInt clo = (dir == 0 ? p->xs : p->ys) - g0, chi = clo + (dir == 0 ? p->xm : p->ym);
  PetscInt olo = dir == 0 ? p->ys : p->xs, ohi = olo + (dir == 0 ? p->ym : p->xm);
  PetscInt mlen = dir == 0 ? p->mx : p->my;
  const PetscReal *flux = dir == 0 ? f->flux_x : f->flux_y;

  if (dir == 0) {
    const PpmRows line = {.ns = ns, .ni = 1, .qs = ns, .ms = 1};
    for (PetscInt l = llo; l < lhi; l++)
      bundle(c, p, f, &line, patch_index(p, p->gxs, l, k), clo, chi, g0, mlen, 0, l >= olo && l < ohi ? 1 : 0, flux, dt);
  } else
    for (PetscInt l0 = llo; l0 < lhi; l0 += BUNDLE) {
      PetscInt l1 = PetscMin(l0 + BUNDLE, lhi);
      const PpmRows rows = {.ns = ns, .ni = l1 - l0, .qs = p->gxm * ns, .ms = p->gxm};
      bundle(c, p, f, &rows, patch_index(p, l0, p->gys, k), clo, chi, g0, mlen, PetscMax(olo, l0) - l0, PetscMin(ohi, l1) - l0, flux,
             dt);
    }
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f, ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  /* Layers are independent: both sweeps of a layer run while it is still in the cache. */
  for (PetscInt k = 0; k < p->mz; k++)
    if (f->step % 2 == 0) {
      sweep(c, p, f, 0, k, p->gys, p->gys + p->gym, dt);
      sweep(c, p, f, 1, k, p->xs, p->xs + p->xm, dt);
    } else {
      sweep(c, p, f, 1, k, p->gxs, p->gxs + p->gxm, dt);
      sweep(c, p, f, 0, k, p->ys, p->ys + p->ym, dt);
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
