/* Vertical advection with the vertical air-mass flux diagnosed from continuity.

   Diagnosis: with m_k the air mass a layer has after the horizontal sweeps and M_k the mass the
   meteorology prescribes at the end of the step, the flux through the interface above layer k,
   W_{k+1} (kg s-1, upward > 0), follows from the bottom up:
     W_0 = 0 (no flow through the ground),   W_{k+1} = W_k + (m_k - M_k) / dt,
   so every layer ends the step with exactly the prescribed mass. A column whose total does not
   close leaves its residual W_nz through the model top: air flows out with the top layer's
   reconstructed mixing ratio, or in with the values above the top (f->q_top, f->tag_top, which
   carry each family's top tag). Tracer mass is conserved exactly up to that top flux, which the
   budget counts.
   Transport: the same flux-form PPM and tag shares as the horizontal sweeps (physics/ppm.c),
   with the layers treated as equal cells in the reconstruction and the mass Courant number in
   the flux integral. Where |W| dt exceeds courant_max of a layer's mass the column is advanced in
   equal sub-steps, their number set by that column alone, so results do not depend on the
   decomposition. A column that would need more than f->max_substeps (run_max_substeps) stops
   the step with PROCESS_TOO_MANY_SUBSTEPS and the count in f->substeps_needed: a wind far
   faster than any real one, or a layer squeezed thin, would otherwise make the run never end.
   Reads: air_mass, air_mass_next (kg), q_top, tag_top. Writes: q, tag; air_mass (set to
   air_mass_next); budget[BUDGET_INFLOW/OUTFLOW].

   Transpose (issue 15; physics/process.h has the contract): per column the tags move linearly,
   t_out = M t_in + B tag_top, with M and B from the bulk of each sub-step. transpose() applies
   M^T to the adjoint values in f->tag and adds B^T lambda to f->sens_top when that is not NULL
   (the sensitivity to the tag mixing ratio above the top; zero where air leaves through the top),
   the sub-steps' transposes in reverse order, each at the bulk its forward sub-step saw: the
   forward pass keeps the column's bulk at up to NSNAP (16) sub-steps and recomputes the others
   from the snapshot before them (no recomputation up to 16 sub-steps; beyond, at most
   ceil(nsub / 16) - 1 bulk sub-steps each). The ground ghost, a copy of the lowest layer that
   only the zero ground flux meets, gives its (zero) contribution back to the lowest layer.
   Reads: what step() reads, and f->tag on the owned cells. Writes: q and air_mass to the bits
   step() leaves, f->tag (owned cells; every ghost entry zeroed, since step() reads none),
   sens_top; not the budget.
   Namelist &advection_vertical: scheme, courant_max. */
#include <string.h>
#include "physics/process.h"
#include "physics/ppm.h"

static const char *const scheme_names[] = {"ppm", "upwind", NULL};

typedef struct {
  PetscInt scheme;
  PetscReal courant_max;
} Params;

static const ParamSpec param_table[] = {
    {.key = "scheme",
     .help = "ppm: monotone PPM; upwind: donor cell (linear)",
     .type = PARAM_ENUM,
     .def = 0,
     .offset = offsetof(Params, scheme),
     .choices = scheme_names},
    {.key = "courant_max",
     .units = "1",
     .help = "largest fraction of a layer's air mass leaving it in one sub-step",
     .type = PARAM_REAL,
     .def = 0.9,
     .min = 0.05,
     .max = 1,
     .offset = offsetof(Params, courant_max)},
    {.key = NULL},
};

#define GHOST 3  /* ghost layers below the ground and above the top in the line */
#define NSNAP 16 /* transpose: snapshots of a column's bulk kept over its sub-steps */

typedef struct {
  Params p;
  PetscInt n; /* line length nz + 2 GHOST */
  PetscReal *q, *m, *F, *work, *t;
  PetscReal *q_snap, *m_snap; /* transpose: NSNAP copies of the line's q and m */
} Ctx;

static PetscErrorCode init(const void *params, const Patch *p, void **ctx)
{
  Ctx *c;
  PetscInt n = p->mz + 2 * GHOST, ns = p->nspec, nt = p->ntag;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  c->n = n;
  PetscCall(PetscMalloc7(n * ns, &c->q, n, &c->m, n + 1, &c->F, ppm_work_size(ns, nt), &c->work,
                         n * ns * nt + 1, &c->t, NSNAP * n * ns, &c->q_snap, NSNAP * n,
                         &c->m_snap));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree7(c->q, c->m, c->F, c->work, c->t, c->q_snap, c->m_snap));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static inline void copy(PetscReal *to, const PetscReal *from, PetscInt n)
{
  memcpy(to, from, sizeof(PetscReal) * (size_t)n);
}

/* Copy a column's bulk into the line, ghosts included (below: the lowest layer; above: the top
   values). */
static void gather(Ctx *c, const Patch *p, const Fields *f, PetscInt i, PetscInt j)
{
  PetscInt ns = p->nspec, nz = p->mz, c2 = patch_index2(p, i, j);
  for (PetscInt L = 0; L < c->n; L++) {
    PetscInt k = PetscMin(PetscMax(L - GHOST, 0), nz - 1), cell = patch_index(p, i, j, k);
    PetscBool above = L - GHOST >= nz;
    c->m[L] = f->air_mass[cell];
    for (PetscInt s = 0; s < ns; s++)
      c->q[L * ns + s] = above ? f->q_top[c2 * ns + s] : f->q[cell * ns + s];
  }
}

/* Copy a column's tags into lines GHOST-1 .. GHOST+nz: of the tags only the first ghost on each
   side is ever read (as the upwind cell of the ground face, whose flux is zero, and of the top
   face), so only those are copied: below, the lowest layer's, above, f->tag_top. */
static void gather_tags(Ctx *c, const Patch *p, const Fields *f, PetscInt i, PetscInt j)
{
  PetscInt w = p->nspec * p->ntag, nz = p->mz;
  for (PetscInt L = GHOST - 1; L <= GHOST + nz; L++) {
    PetscInt k = PetscMin(PetscMax(L - GHOST, 0), nz - 1), cell = patch_index(p, i, j, k);
    copy(&c->t[L * w], L - GHOST >= nz ? &f->tag_top[patch_index2(p, i, j) * w] : &f->tag[cell * w],
         w);
  }
}

/* Interface fluxes of column (i, j) from continuity, from the ground up (F[L] is the face below
   line cell L), and the number of equal sub-steps that keep every Courant number within
   courant_max. Returns 0, with the status and f->substeps_needed set, for a column that would need
   more than f->max_substeps or has no stable sub-step. */
static PetscInt column_plan(Ctx *c, const Patch *p, Fields *f, PetscInt i, PetscInt j, PetscReal dt,
                            ProcessStatus *status)
{
  PetscInt nz = p->mz, nsub;
  PetscReal worst = 0;
  PetscBool unbounded = PETSC_FALSE;

  for (PetscInt L = 0; L <= c->n; L++) c->F[L] = 0;
  for (PetscInt k = 0; k < nz; k++) {
    PetscInt cell = patch_index(p, i, j, k);
    c->F[GHOST + k + 1] = c->F[GHOST + k] + (f->air_mass[cell] - f->air_mass_next[cell]) / dt;
  }
  for (PetscInt L = GHOST; L <= GHOST + nz; L++) {
    /* The mass leaving cell L in dt over its mass; above the top only what flows in. */
    PetscReal out = (L < GHOST + nz ? PetscMax(c->F[L + 1], 0) : 0) + PetscMax(-c->F[L], 0);
    PetscReal courant = out * dt / c->m[L];
    /* A cell without positive air mass, or a NaN flux, has no stable sub-step. */
    unbounded = unbounded || !(c->m[L] > 0) || PetscIsInfOrNanReal(courant);
    worst = PetscMax(worst, courant);
  }
  if (unbounded || worst > c->p.courant_max * (PetscReal)f->max_substeps) {
    *status = PROCESS_TOO_MANY_SUBSTEPS;
    f->substeps_needed =
        unbounded ? PETSC_MAX_REAL : PetscMax(f->substeps_needed, worst / c->p.courant_max);
    return 0;
  }
  nsub = (PetscInt)PetscCeilReal(worst / c->p.courant_max);
  return PetscMax(nsub, 1);
}

/* One sub-step of length h of the line: forward (tags moved, crossings counted in top) or, with
   adjoint, the bulk alone or with the transposed tags (t NULL: bulk alone). The ground ghosts of
   q follow the lowest layer (the reconstruction reads them); the ground ghost of the tags only
   meets a zero flux, so it keeps its (finite) values. */
static void substep(Ctx *c, const Patch *p, PetscReal h, PetscReal *t, PetscBool adjoint,
                    const PpmBoundary *top)
{
  PetscInt ns = p->nspec, nt = t ? p->ntag : 0;
  const PpmRows line = {.ns = ns, .ni = 1, .qs = ns, .ms = 1};
  AdvectionScheme scheme = (AdvectionScheme)c->p.scheme;

  if (adjoint)
    ppm_sweep_transpose(scheme, &line, nt, GHOST, GHOST + p->mz, c->F, h, c->q, c->m, t, c->work,
                        NULL);
  else
    ppm_sweep(scheme, &line, nt, GHOST, GHOST + p->mz, c->F, h, c->q, c->m, t, c->work, top, NULL);
  for (PetscInt L = 0; L < GHOST; L++) copy(&c->q[L * ns], &c->q[GHOST * ns], ns);
}

/* The line's bulk back into the column; air_mass is set to air_mass_next. */
static void scatter_bulk(Ctx *c, const Patch *p, Fields *f, PetscInt i, PetscInt j)
{
  PetscInt ns = p->nspec;
  for (PetscInt k = 0; k < p->mz; k++) {
    PetscInt cell = patch_index(p, i, j, k), L = GHOST + k;
    copy(&f->q[cell * ns], &c->q[L * ns], ns);
    f->air_mass[cell] = f->air_mass_next[cell];
  }
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;
  PetscInt ns = p->nspec, nt = p->ntag, nz = p->mz;
  /* The top face is the only open one (no flux through the ground). */
  const PpmBoundary top = {.flo_phys = -1,
                           .fhi_phys = GHOST + nz,
                           .ilo = 0,
                           .ihi = 1,
                           .in = &f->budget[BUDGET_INFLOW * ns],
                           .out = &f->budget[BUDGET_OUTFLOW * ns]};

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  f->substeps_needed = 0;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt nsub;
      PetscReal h;
      gather(c, p, f, i, j);
      if (nt) gather_tags(c, p, f, i, j);
      nsub = column_plan(c, p, f, i, j, dt, status);
      if (!nsub) continue;
      h = dt / (PetscReal)nsub;
      for (PetscInt n = 0; n < nsub; n++) substep(c, p, h, nt ? c->t : NULL, PETSC_FALSE, &top);
      scatter_bulk(c, p, f, i, j);
      for (PetscInt k = 0; nt && k < nz; k++)
        copy(&f->tag[patch_index(p, i, j, k) * ns * nt], &c->t[(GHOST + k) * ns * nt], ns * nt);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose of one column's sub-steps, in reverse order, each at the bulk its forward
   sub-step saw. The forward pass keeps the bulk at the start of every stride-th sub-step (NSNAP
   snapshots at most) and leaves the column's bulk as step() does; sub-step n's bulk is then
   recomputed from the snapshot before it (at most stride - 1 bulk sub-steps). The adjoint line
   holds the column's values in layers GHOST .. GHOST+nz-1 and zero in the two ghosts, which
   collect the contributions of the top value (all sub-steps read the same f->tag_top) and of the
   ground ghost (a copy of the lowest layer, met only by the zero ground flux). */
static void column_transpose(Ctx *c, const Patch *p, Fields *f, PetscInt i, PetscInt j,
                             PetscInt nsub, PetscReal h)
{
  PetscInt ns = p->nspec, nt = p->ntag, nz = p->mz, w = ns * nt, len = c->n;
  PetscInt stride = (nsub + NSNAP - 1) / NSNAP;

  for (PetscInt n = 0; n < nsub; n++) {
    if (n % stride == 0) {
      copy(&c->q_snap[n / stride * len * ns], c->q, len * ns);
      copy(&c->m_snap[n / stride * len], c->m, len);
    }
    substep(c, p, h, NULL, PETSC_TRUE, NULL);
  }
  scatter_bulk(c, p, f, i, j);
  if (!nt) return;
  memset(&c->t[(GHOST - 1) * w], 0, sizeof(PetscReal) * (size_t)w);
  memset(&c->t[(GHOST + nz) * w], 0, sizeof(PetscReal) * (size_t)w);
  for (PetscInt k = 0; k < nz; k++)
    copy(&c->t[(GHOST + k) * w], &f->tag[patch_index(p, i, j, k) * w], w);
  for (PetscInt n = nsub - 1; n >= 0; n--) {
    copy(c->q, &c->q_snap[n / stride * len * ns], len * ns);
    copy(c->m, &c->m_snap[n / stride * len], len);
    for (PetscInt r = n / stride * stride; r < n; r++) substep(c, p, h, NULL, PETSC_TRUE, NULL);
    substep(c, p, h, c->t, PETSC_TRUE, NULL);
  }
  for (PetscInt k = 0; k < nz; k++) {
    PetscReal *out = &f->tag[patch_index(p, i, j, k) * w], *in = &c->t[(GHOST + k) * w];
    for (PetscInt e = 0; e < w; e++) out[e] = in[e] + (k ? 0 : c->t[(GHOST - 1) * w + e]);
  }
  if (f->sens_top) {
    PetscReal *st = &f->sens_top[patch_index2(p, i, j) * w], *in = &c->t[(GHOST + nz) * w];
    for (PetscInt e = 0; e < w; e++) st[e] += in[e];
  }
}

/* Transpose (issue 15): see the file's header. */
static PetscErrorCode transpose(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                                ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;

  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  f->substeps_needed = 0;
  if (p->ntag) patch_zero_ghosts(p, f->tag, p->nspec * p->ntag); /* step() reads no ghost */
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt nsub;
      gather(c, p, f, i, j);
      nsub = column_plan(c, p, f, i, j, dt, status);
      if (nsub) column_transpose(c, p, f, i, j, nsub, dt / (PetscReal)nsub);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_advection_vertical = {
    .group = {.name = "advection_vertical",
              .title = "Vertical advection (flux diagnosed from continuity)",
              .params = param_table,
              .params_size = sizeof(Params)},
    .stencil_width = 0,
    .init = init,
    .step = step,
    .max_dt = NULL,
    .transpose = transpose,
    .finalize = finalize,
};
