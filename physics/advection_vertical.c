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
   air_mass_next); budget[BUDGET_INFLOW/OUTFLOW]. Namelist &advection_vertical: scheme, courant_max.
 */
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

#define GHOST 3 /* ghost layers below the ground and above the top in the line */

typedef struct {
  Params p;
  PetscInt n; /* line length nz + 2 GHOST */
  PetscReal *q, *m, *F, *work, *t;
} Ctx;

static PetscErrorCode init(const void *params, const Patch *p, void **ctx)
{
  Ctx *c;
  PetscInt n = p->mz + 2 * GHOST, ns = p->nspec, nt = p->ntag;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  c->n = n;
  PetscCall(PetscMalloc5(n * ns, &c->q, n, &c->m, n + 1, &c->F, ppm_work_size(ns, nt), &c->work,
                         n * ns * nt + 1, &c->t));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree5(c->q, c->m, c->F, c->work, c->t));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Copy a column into the line, ghosts included (below: the lowest layer; above: the top values).
   Of the tags only the first ghost on each side is ever read (as the upwind cell of the ground
   face, whose flux is zero, and of the top face), so only those are copied. */
static void gather(Ctx *c, const Patch *p, const Fields *f, PetscInt i, PetscInt j)
{
  PetscInt ns = p->nspec, nt = p->ntag, nz = p->mz, c2 = patch_index2(p, i, j);
  for (PetscInt L = 0; L < c->n; L++) {
    PetscInt k = PetscMin(PetscMax(L - GHOST, 0), nz - 1), cell = patch_index(p, i, j, k);
    PetscBool above = L - GHOST >= nz;
    c->m[L] = f->air_mass[cell];
    for (PetscInt s = 0; s < ns; s++)
      c->q[L * ns + s] = above ? f->q_top[c2 * ns + s] : f->q[cell * ns + s];
    if (nt && L >= GHOST - 1 && L <= GHOST + nz)
      memcpy(&c->t[L * ns * nt], above ? &f->tag_top[c2 * ns * nt] : &f->tag[cell * ns * nt],
             sizeof(PetscReal) * (size_t)(ns * nt));
  }
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  Ctx *c = (Ctx *)ctx;
  PetscInt ns = p->nspec, nt = p->ntag, nz = p->mz;
  const PpmRows line = {.ns = ns, .ni = 1, .qs = ns, .ms = 1};
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
      PetscReal worst = 0, h;
      PetscInt nsub;
      PetscBool unbounded = PETSC_FALSE;
      gather(c, p, f, i, j);
      /* Interface fluxes from continuity, from the ground up; F[L] is the face below line cell L.
       */
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
        continue;
      }
      nsub = (PetscInt)PetscCeilReal(worst / c->p.courant_max);
      nsub = PetscMax(nsub, 1);
      h = dt / (PetscReal)nsub;
      for (PetscInt n = 0; n < nsub; n++) {
        ppm_sweep((AdvectionScheme)c->p.scheme, &line, nt, GHOST, GHOST + nz, c->F, h, c->q, c->m,
                  c->t, c->work, &top, NULL);
        /* The ground ghosts of q follow the lowest layer (the reconstruction reads them); the
           ground ghost of the tags only meets a zero flux, so it keeps its (finite) values. */
        for (PetscInt L = 0; L < GHOST; L++)
          memcpy(&c->q[L * ns], &c->q[GHOST * ns], sizeof(PetscReal) * (size_t)ns);
      }
      for (PetscInt k = 0; k < nz; k++) {
        PetscInt cell = patch_index(p, i, j, k), L = GHOST + k;
        memcpy(&f->q[cell * ns], &c->q[L * ns], sizeof(PetscReal) * (size_t)ns);
        if (nt)
          memcpy(&f->tag[cell * ns * nt], &c->t[L * ns * nt],
                 sizeof(PetscReal) * (size_t)(ns * nt));
        f->air_mass[cell] = f->air_mass_next[cell];
      }
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
    .finalize = finalize,
};
