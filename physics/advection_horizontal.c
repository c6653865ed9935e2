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
   Time step: layer_max_dt keeps the mass leaving any cell of a layer in one sweep below
   courant_max of its mass; the driver sub-steps each layer to its own limit (process.h), so the
   calm layers near the ground take one call a step where the jet aloft takes several.
   Reads: flux_x, flux_y (kg s-1), air_mass (kg), q and tags with valid ghosts (width 3).
   Writes: q, tag, air_mass (owned cells and the ghost lines of the first sweep), budget.

   Transpose (issue 15; physics/process.h has the contract): for the bulk of one step() call the
   tags move linearly, t_out = M t_in, M = My Mx on even calls and Mx My on odd ones, from the tags
   on the ghosted block to those on the owned cells. transpose() applies M^T, the sweeps'
   transposes in the reverse order, each at the bulk its forward sweep saw (physics/ppm.c,
   ppm_sweep_transpose; layer_transpose says how the row pass keeps them), for the same f->step.
   Reads: what step() reads, the bulk (q, air_mass) at the start of the call, and the adjoint
   values in f->tag on the owned cells; its ghost entries on entry are ignored. Writes: q and
   air_mass to the bits step() leaves (the ghost lines of the first sweep included), f->tag, and
   no budget. Of the ghost entries of f->tag, step() reads (through the first sweep's ghost lines
   or directly, as upwind cells of the owned block's faces) only the ring of ghost cells next to
   the owned block, corners included: columns xs-1 and xs+xm for rows ys-1 .. ys+ym, and rows ys-1
   and ys+ym for columns xs-1 .. xs+xm. transpose() leaves in those their contributions (exactly
   zero where the air only leaves through them) and zeroes every other ghost entry (the rings 2 to
   sw cells out). Inside the domain the driver adds the ring to its owners (the transpose of the
   halo exchange); outside the physical domain it is the sensitivity to the boundary values there,
   the lateral inflow. The driver transposes its sub-steps in reverse order, each with the f->step
   and bulk it had forward. Cost: the bulk sweeps once and the tags' transposes as many
   multiply-adds as the forward tag update; ctx keeps a copy of one ghosted layer's bulk.
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
  PetscReal *work_x, *work_y;   /* ppm_sweep's work for one x line and for a whole y row */
  PetscReal *q_layer, *m_layer; /* transpose only: the bulk of one ghosted layer at the start */
} Ctx;

static PetscErrorCode init(const void *params, const Patch *p, void **ctx)
{
  Ctx *c;
  PetscInt ns = p->nspec, nt = p->ntag, n2 = patch_size2(p);

  PetscFunctionBeginUser;
  PetscCheck(p->sw >= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "advection_horizontal needs 3 ghost cells, the patch has %d", (int)p->sw);
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  PetscCall(PetscMalloc4(ppm_work_size(ns, nt), &c->work_x, ppm_work_size(p->gxm * ns, nt),
                         &c->work_y, n2 * ns, &c->q_layer, n2, &c->m_layer));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4(c->work_x, c->work_y, c->q_layer, c->m_layer));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The x lines of one layer, swept one by one as the y sweep asks for them: forward (with the
   tags, or the bulk alone when t is NULL) or transposed. q, m and t point at the layer's first
   ghosted cell, in f's arrays or in the saved copy of the layer (same layout). */
typedef struct {
  Ctx *c;
  const Patch *p;
  Fields *f;
  PetscInt k, next, end; /* next line to sweep, one past the last */
  PetscReal dt;
  PetscReal *q, *m, *t;
  PetscBool transpose, budget; /* transpose: apply ppm_sweep_transpose; budget: count crossings */
} XLines;

/* Sweep the x lines up to line gys + row (rows count from the y sweep's first row, gys). */
static void x_lines_upto(void *ctx, PetscInt row)
{
  XLines *x = (XLines *)ctx;
  const Patch *p = x->p;
  Fields *f = x->f;
  PetscInt ns = p->nspec, nt = x->t ? p->ntag : 0, clo = p->xs - p->gxs;
  AdvectionScheme scheme = (AdvectionScheme)x->c->p.scheme;
  const PpmRows line = {.ns = ns, .ni = 1, .qs = ns, .ms = 1};

  for (; x->next <= p->gys + row && x->next < x->end; x->next++) {
    PetscInt l = x->next, o = (l - p->gys) * p->gxm, base = patch_index(p, p->gxs, l, x->k);
    PetscBool owned = l >= p->ys && l < p->ys + p->ym;
    PetscReal *t = nt ? &x->t[o * ns * nt] : NULL;
    const PpmBoundary b = {.flo_phys = -p->gxs,
                           .fhi_phys = p->mx - p->gxs,
                           .ilo = 0,
                           .ihi = owned ? 1 : 0,
                           .in = &f->budget[BUDGET_INFLOW * ns],
                           .out = &f->budget[BUDGET_OUTFLOW * ns]};
    if (x->transpose)
      ppm_sweep_transpose(scheme, &line, nt, clo, clo + p->xm, &f->flux_x[base], x->dt,
                          &x->q[o * ns], &x->m[o], t, x->c->work_x, NULL);
    else
      ppm_sweep(scheme, &line, nt, clo, clo + p->xm, &f->flux_x[base], x->dt, &x->q[o * ns],
                &x->m[o], t, x->c->work_x, x->budget ? &b : NULL, NULL);
  }
}

/* Hooks of the row pass: lines[0] are swept before the y sweep first reads their row, lines[1]
   once it has finished with it. */
static void lines_before(void *ctx, PetscInt row)
{
  x_lines_upto(&((XLines *)ctx)[0], row);
}

static void lines_after(void *ctx, PetscInt row)
{
  x_lines_upto(&((XLines *)ctx)[1], row);
}

/* x lines of layer k on f's arrays, lines [first, end), not yet swept. */
static XLines x_lines(Ctx *c, const Patch *p, Fields *f, PetscInt k, PetscReal dt, PetscInt first,
                      PetscInt end, PetscBool tags)
{
  PetscInt l0 = patch_index(p, p->gxs, p->gys, k), ns = p->nspec;
  return (XLines){.c = c,
                  .p = p,
                  .f = f,
                  .k = k,
                  .next = first,
                  .end = end,
                  .dt = dt,
                  .q = &f->q[l0 * ns],
                  .m = &f->air_mass[l0],
                  .t = tags && p->ntag ? &f->tag[l0 * ns * p->ntag] : NULL};
}

/* The y sweep's rows of layer k: whole rows of columns [i0, i0 + ni), rows ys .. ys+ym-1. */
static PpmRows y_rows(const Patch *p, PetscInt i0, PetscInt ni, PetscInt *base, PetscInt k)
{
  *base = patch_index(p, i0, p->gys, k);
  return (PpmRows){.ns = p->nspec, .ni = ni, .qs = p->gxm * p->nspec, .ms = p->gxm};
}

/* Both sweeps of layer k as one pass over its rows: the y sweep takes whole rows (columns
   [i0, i0 + ni)), and each x line is swept just before the y sweep first reads it (x first) or
   just after the y sweep has updated it (y first), while the row is still in the cache. */
static void layer(Ctx *c, const Patch *p, Fields *f, PetscInt k, PetscBool x_first, PetscReal dt)
{
  PetscInt ns = p->nspec, i0 = x_first ? p->xs : p->gxs, ni = x_first ? p->xm : p->gxm, base;
  PetscInt clo = p->ys - p->gys;
  XLines x[2];
  const PpmRows rows = y_rows(p, i0, ni, &base, k);
  const PpmBoundary b = {.flo_phys = -p->gys,
                         .fhi_phys = p->my - p->gys,
                         .ilo = p->xs - i0,
                         .ihi = p->xs - i0 + p->xm,
                         .in = &f->budget[BUDGET_INFLOW * ns],
                         .out = &f->budget[BUDGET_OUTFLOW * ns]};
  const PpmHooks hooks = {.before_read = x_first ? lines_before : NULL,
                          .after_update = x_first ? NULL : lines_after,
                          .ctx = x};

  x[0] = x[1] = x_lines(c, p, f, k, dt, x_first ? p->gys : p->ys,
                        x_first ? p->gys + p->gym : p->ys + p->ym, PETSC_TRUE);
  x[0].budget = x[1].budget = PETSC_TRUE;
  ppm_sweep((AdvectionScheme)c->p.scheme, &rows, p->ntag, clo, clo + p->ym, &f->flux_y[base], dt,
            &f->q[base * ns], &f->air_mass[base], p->ntag ? &f->tag[base * ns * p->ntag] : NULL,
            c->work_y, &b, &hooks);
  x_lines_upto(&x[x_first ? 0 : 1], p->gym); /* any line the y sweep did not reach */
}

/* Whether layer k moves in this call, for how long and in which order. Without
   f->layer_substeps every layer moves for dt, x first when f->step is even. With them (the
   driver's sub-stepping by layer) layer k moves in the first n_k calls of the step, each for
   sync_dt / n_k (the driver's dt / n where n_k = n, the same bits), x first when the step's index
   plus the call's is even: the order alternates from call to call within a step and, for a
   layer of one call a step, from step to step. */
static PetscBool layer_moves(const Fields *f, PetscInt k, PetscReal dt, PetscReal *h,
                             PetscBool *x_first)
{
  PetscInt64 order;

  if (!f->layer_substeps) {
    *h = dt;
    order = f->step;
  } else {
    if (f->substep >= f->layer_substeps[k]) return PETSC_FALSE;
    *h = f->sync_dt / (PetscReal)f->layer_substeps[k];
    order = f->sync_step + f->substep;
  }
  *x_first = order % 2 == 0 ? PETSC_TRUE : PETSC_FALSE;
  return PETSC_TRUE;
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  for (PetscInt k = 0; k < p->mz; k++) {
    PetscReal h;
    PetscBool x_first;
    if (layer_moves(f, k, dt, &h, &x_first)) layer(c, p, f, k, x_first, h);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose of layer(): the sweeps' transposes in the reverse order, each at the bulk its
   forward sweep saw. x first (M = My Mx): the y transpose runs on f's bulk, each x line swept
   forward (bulk only) just before it reads the row, as in layer(), and each row's x transpose
   follows as soon as the y transpose is done with it, at the bulk before the x sweep, which the
   saved copy of the layer holds; the copy ends as Mx leaves it and is then dropped. y first
   (M = Mx My): the y sweep forward (bulk only) on f's bulk, each row's x transpose right after
   its y update (which leaves f's bulk as step() does), then the y transpose on the saved copy. */
static PetscErrorCode layer_transpose(Ctx *c, const Patch *p, Fields *f, PetscInt k,
                                      PetscBool x_first, PetscReal dt)
{
  AdvectionScheme scheme = (AdvectionScheme)c->p.scheme;
  PetscInt ns = p->nspec, nt = p->ntag, n2 = patch_size2(p), l0 = patch_index(p, p->gxs, p->gys, k);
  PetscInt clo = p->ys - p->gys, i0 = x_first ? p->xs : p->gxs, ni = x_first ? p->xm : p->gxm, base;
  const PpmRows rows = y_rows(p, i0, ni, &base, k);
  PetscReal *tags = nt ? &f->tag[base * ns * nt] : NULL, *qc = &c->q_layer[(base - l0) * ns],
            *mc = &c->m_layer[base - l0];
  XLines x[2];
  const PpmHooks hooks = {.before_read = lines_before, .after_update = lines_after, .ctx = x};

  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(c->q_layer, &f->q[l0 * ns], n2 * ns));
  PetscCall(PetscArraycpy(c->m_layer, &f->air_mass[l0], n2));
  if (x_first) {
    /* Only lines ys-1 .. ys+ym hold adjoint values after the y transpose; the others stay 0. */
    x[0] = x_lines(c, p, f, k, dt, p->gys, p->gys + p->gym, PETSC_FALSE);
    x[1] = x_lines(c, p, f, k, dt, p->ys - 1, p->ys + p->ym + 1, PETSC_TRUE);
    x[1].q = c->q_layer;
    x[1].m = c->m_layer;
    x[1].transpose = PETSC_TRUE;
    ppm_sweep_transpose(scheme, &rows, nt, clo, clo + p->ym, &f->flux_y[base], dt, &f->q[base * ns],
                        &f->air_mass[base], tags, c->work_y, &hooks);
    x_lines_upto(&x[0], p->gym);
    x_lines_upto(&x[1], p->gym);
  } else {
    const PpmHooks after = {.after_update = lines_after, .ctx = x};
    x[1] = x_lines(c, p, f, k, dt, p->ys, p->ys + p->ym, PETSC_TRUE);
    x[1].transpose = PETSC_TRUE;
    ppm_sweep(scheme, &rows, 0, clo, clo + p->ym, &f->flux_y[base], dt, &f->q[base * ns],
              &f->air_mass[base], NULL, c->work_y, NULL, &after);
    x_lines_upto(&x[1], p->gym);
    ppm_sweep_transpose(scheme, &rows, nt, clo, clo + p->ym, &f->flux_y[base], dt, qc, mc, tags,
                        c->work_y, NULL);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode transpose(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                                ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  /* step() leaves no result in the ghosts that counts: their adjoint values are zero. */
  if (p->ntag) patch_zero_ghosts(p, f->tag, p->nspec * p->ntag);
  for (PetscInt k = 0; k < p->mz; k++) {
    PetscReal h;
    PetscBool x_first;
    if (layer_moves(f, k, dt, &h, &x_first)) PetscCall(layer_transpose(c, p, f, k, x_first, h));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest dt of each layer keeping the mass leaving any of its cells in one sweep below
   courant_max of its mass, over every cell of the ghosted block whose two faces it holds. */
static PetscErrorCode layer_max_dt(void *ctx, const Patch *p, const Fields *f, PetscReal *dt)
{
  const Ctx *c = (const Ctx *)ctx;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < p->mz; k++) {
    PetscReal worst = 0;
    for (PetscInt j = p->gys; j < p->gys + p->gym - 1; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm - 1; i++) {
        PetscInt cell = patch_index(p, i, j, k), e = patch_index(p, i + 1, j, k),
                 n = patch_index(p, i, j + 1, k);
        PetscReal outx = PetscMax(-f->flux_x[cell], 0) + PetscMax(f->flux_x[e], 0);
        PetscReal outy = PetscMax(-f->flux_y[cell], 0) + PetscMax(f->flux_y[n], 0);
        worst = PetscMax(worst, PetscMax(outx, outy) / f->air_mass[cell]);
      }
    dt[k] = worst > 0 ? c->p.courant_max / worst : PETSC_MAX_REAL;
  }
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
    .max_dt = NULL,
    .layer_max_dt = layer_max_dt,
    .transpose = transpose,
    .finalize = finalize,
};
