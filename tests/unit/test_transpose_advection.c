/* The transposes of the advection processes' tag maps (issue 15, items 1 and 6). For a fixed bulk
   state step() maps the tags linearly, t_out = M t_in (+ B t_top through the model top), and
   transpose() must apply M^T (and accumulate B^T into sens_top). Dot-product tests
   <lam, M x> = <M^T lam, x> with x random on every entry step() may read (ghosts included) and
   lam random on the owned cells (and garbage in the ghosts, which transpose() must ignore), on a
   random bulk with face fluxes of both signs: single x and y sweeps of the kernel, whole
   horizontal steps of both orders, patches on the physical boundary and inside the domain, both
   schemes, several species and functionals, several sub-steps with a (periodic) halo between
   them, and vertical advection with inflow and outflow through the top. transpose() must also
   leave the bulk bitwise as step() leaves it, and on a tiny grid M^T lam must equal the
   transpose of the Jacobian built column by column from step(), entry by entry. */
#include <stdint.h>
#include <string.h>
#include "tests/tap.h"
#include "tests/fixture.h"
#include "physics/ppm.h"

extern const ProcessOps process_advection_horizontal, process_advection_vertical;

#define TOL 1e-13 /* largest relative difference of the two sides of a dot product */

typedef struct {
  PetscInt scheme;
  PetscReal courant_max;
} Params;

static uint64_t rng = UINT64_C(0x2385);

/* Splitmix64 (Vigna), mapped to [0, 1). */
static PetscReal uniform(void)
{
  uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return (PetscReal)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static void fill(PetscReal *a, PetscInt n, PetscReal lo, PetscReal hi)
{
  for (PetscInt e = 0; e < n; e++) a[e] = lo + (hi - lo) * uniform();
}

static PetscReal dot(const PetscReal *a, const PetscReal *b, PetscInt n)
{
  PetscReal s = 0;
  for (PetscInt e = 0; e < n; e++) s += a[e] * b[e];
  return s;
}

static PetscBool owned(const Patch *p, PetscInt cell)
{
  PetscInt i = cell % p->gxm + p->gxs, j = cell / p->gxm % p->gym + p->gys;
  return i >= p->xs && i < p->xs + p->xm && j >= p->ys && j < p->ys + p->ym;
}

/* The dot product over the owned cells of two arrays in the tag layout. */
static PetscReal dot_owned(const Patch *p, const PetscReal *a, const PetscReal *b)
{
  PetscInt w = p->nspec * p->ntag;
  PetscReal s = 0;
  for (PetscInt cell = 0; cell < patch_size3(p); cell++)
    if (owned(p, cell)) s += dot(&a[cell * w], &b[cell * w], w);
  return s;
}

static PetscReal reldiff(PetscReal a, PetscReal b)
{
  PetscReal scale = PetscMax(PetscAbsReal(a), PetscAbsReal(b));
  return scale > 0 ? PetscAbsReal(a - b) / scale : 0;
}

/* Random adjoint values on the owned cells and garbage in the ghosts. They are positive, as are the
   tags: M's entries are the non-negative shares of mass moved (t_new is a mass-weighted mean of
   the old tags), so both sides of a dot product are sums of positive terms and their relative
   difference measures the transpose, not a cancellation of random signs (with values of both
   signs a sum of 240 terms of 0.3 came out at 0.012, and its last digits with it). */
static void fill_lambda(const Patch *p, PetscReal *lam)
{
  PetscInt w = p->nspec * p->ntag;
  for (PetscInt cell = 0; cell < patch_size3(p); cell++)
    fill(&lam[cell * w], w, owned(p, cell) ? 0.2 : 1e3, owned(p, cell) ? 1.2 : 2e3);
}

/* A patch of nx by ny by nz cells, ghost width sw, on the physical boundary on every side or,
   with interior, inside a larger domain with neighbours on every side. */
static void patch_create_sw(Fixture *x, PetscInt nx, PetscInt ny, PetscInt nz, PetscInt sw,
                            PetscInt ns, PetscInt nt, PetscBool interior)
{
  fixture_create_n(x, nx, ny, nz, sw, nt, 9000, 50, 1.2, ns);
  if (interior) {
    x->p.mx = nx + 11;
    x->p.my = ny + 9;
    x->p.xs += 5, x->p.gxs += 5;
    x->p.ys += 4, x->p.gys += 4;
  }
}

/* The same with ghost width 3, the stencil width. */
static void patch_create(Fixture *x, PetscInt nx, PetscInt ny, PetscInt nz, PetscInt ns,
                         PetscInt nt, PetscBool interior)
{
  patch_create_sw(x, nx, ny, nz, 3, ns, nt, interior);
}

/* A random bulk on the whole ghosted block: mixing ratios, air masses within 20 % of the
   fixture's, horizontal fluxes of both signs moving at most 5 % of that mass in dt, and the air
   mass at the end of the step within 25 % (mean change bias: inflow through the top when the
   column gains air). */
static void random_bulk(Fixture *x, PetscReal dt, PetscReal bias)
{
  PetscInt n3 = patch_size3(&x->p), ns = x->p.nspec;
  PetscReal m0 = x->f.air_mass[0];
  fill(x->f.q, n3 * ns, 0.3e-9, 1.3e-9);
  fill(x->f.air_mass, n3, 0.8 * m0, 1.2 * m0);
  fill(FW(x->f.flux_x), n3, -0.05 * m0 / dt, 0.05 * m0 / dt);
  fill(FW(x->f.flux_y), n3, -0.05 * m0 / dt, 0.05 * m0 / dt);
  for (PetscInt c = 0; c < n3; c++)
    FW(x->f.air_mass_next)[c] = x->f.air_mass[c] * (1 + bias + 0.1 * (2 * uniform() - 1));
  fill(FW(x->f.q_top), patch_size2(&x->p) * ns, 0.3e-9, 1.3e-9);
}

typedef struct {
  const ProcessOps *ops;
  Params params;
  PetscReal dt;
  PetscInt64 step;
} Run;

/* One call of step() (adjoint false) or transpose() on the fixture's fields. */
static PetscErrorCode call(const Run *r, Fixture *x, PetscBool adjoint)
{
  void *ctx;
  ProcessStatus st;

  PetscFunctionBeginUser;
  x->f.step = r->step;
  PetscCall(r->ops->init(&r->params, &x->p, &ctx));
  if (adjoint)
    PetscCall(r->ops->transpose(ctx, &x->p, 0, r->dt, &x->f, &st));
  else
    PetscCall(r->ops->step(ctx, &x->p, 0, r->dt, &x->f, &st));
  PetscCall(r->ops->finalize(&ctx));
  PetscCheck(st == PROCESS_OK, PETSC_COMM_SELF, PETSC_ERR_PLIB, "status %d", (int)st);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The bulk of the fixture, saved and restored. */
typedef struct {
  PetscReal *q, *m;
} Bulk;

static PetscErrorCode bulk_save(const Fixture *x, Bulk *b, PetscBool alloc)
{
  PetscInt n3 = patch_size3(&x->p);

  PetscFunctionBeginUser;
  if (alloc) PetscCall(PetscMalloc2(n3 * x->p.nspec, &b->q, n3, &b->m));
  PetscCall(PetscArraycpy(b->q, x->f.q, n3 * x->p.nspec));
  PetscCall(PetscArraycpy(b->m, x->f.air_mass, n3));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode bulk_restore(Fixture *x, const Bulk *b)
{
  PetscInt n3 = patch_size3(&x->p);

  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(x->f.q, b->q, n3 * x->p.nspec));
  PetscCall(PetscArraycpy(x->f.air_mass, b->m, n3));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool bulk_equal(const Fixture *x, const Bulk *b)
{
  PetscInt n3 = patch_size3(&x->p);
  return !memcmp(b->q, x->f.q, sizeof(PetscReal) * (size_t)(n3 * x->p.nspec)) &&
         !memcmp(b->m, x->f.air_mass, sizeof(PetscReal) * (size_t)n3);
}

/* The dot-product test of one call on the fixture's random bulk: xin random on every entry,
   tag_top random (ytop), lam as fill_lambda. Returns the relative differences of
   <lam, M x> against <M^T lam, x> (ytop zero) and, when top, of <lam, B y> against
   <sens_top, y> (x zero), and whether transpose() left the bulk as step() does (and the same
   adjoint tags with sens_top NULL). */
static PetscErrorCode dot_test(const Run *r, Fixture *x, PetscBool top, PetscReal *rel_m,
                               PetscReal *rel_top, PetscBool *bulk_same)
{
  const Patch *p = &x->p;
  PetscInt n = patch_size3(p) * p->nspec * p->ntag, n2 = patch_size2(p) * p->nspec * p->ntag;
  PetscReal *xin, *lam, *mx, *by, *sens, *tag = x->f.tag, *ttop = FW(x->f.tag_top);
  Bulk b0, b1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5(n, &xin, n, &lam, n, &mx, n, &by, n2, &sens));
  PetscCall(bulk_save(x, &b0, PETSC_TRUE));
  fill(xin, n, 0, 1);
  fill_lambda(p, lam);
  /* M x */
  PetscCall(PetscArraycpy(tag, xin, n));
  if (ttop) PetscCall(PetscArrayzero(ttop, n2));
  PetscCall(call(r, x, PETSC_FALSE));
  PetscCall(PetscArraycpy(mx, tag, n));
  PetscCall(bulk_save(x, &b1, PETSC_TRUE));
  /* B y */
  if (top) {
    fill(ttop, n2, 0, 1);
    PetscCall(PetscArrayzero(tag, n));
    PetscCall(bulk_restore(x, &b0));
    PetscCall(call(r, x, PETSC_FALSE));
    PetscCall(PetscArraycpy(by, tag, n));
  }
  /* M^T lam and B^T lam */
  PetscCall(PetscArrayzero(sens, n2));
  x->f.sens_top = sens;
  PetscCall(bulk_restore(x, &b0));
  PetscCall(PetscArraycpy(tag, lam, n));
  PetscCall(call(r, x, PETSC_TRUE));
  x->f.sens_top = NULL;
  *bulk_same = bulk_equal(x, &b1);
  *rel_m = reldiff(dot_owned(p, lam, mx), dot(tag, xin, n));
  /* Without inflow nothing may reach sens_top: their sum of squares must be exactly 0. */
  *rel_top = top ? reldiff(dot_owned(p, lam, by), dot(sens, ttop, n2)) : dot(sens, sens, n2);
  if (top && !(dot_owned(p, lam, by) > 0)) *rel_top = 1; /* the inflow must reach the cells */
  /* Without sens_top the same adjoint tags, to the bit. */
  PetscCall(PetscArraycpy(mx, tag, n));
  PetscCall(bulk_restore(x, &b0));
  PetscCall(PetscArraycpy(tag, lam, n));
  PetscCall(call(r, x, PETSC_TRUE));
  *bulk_same = *bulk_same && !memcmp(mx, tag, sizeof(PetscReal) * (size_t)n);
  PetscCall(PetscArraycpy(tag, mx, n));
  PetscCall(bulk_restore(x, &b0));
  PetscCall(PetscFree2(b0.q, b0.m));
  PetscCall(PetscFree2(b1.q, b1.m));
  PetscCall(PetscFree5(xin, lam, mx, by, sens));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One sweep of the kernel alone on a bundle of ni lines of 11 cells and 3 ghosts a side, rows of
   stride qs = 7 ns (a y sweep's rows, wider than the lines swept) or one line (an x sweep):
   every row is mapped (the ghost rows to themselves), so lam and x are random on all of them. */
static PetscReal sweep_test(AdvectionScheme scheme, PetscInt ni, PetscInt ns, PetscInt nt,
                            PetscBool *bulk_same)
{
  enum { NR = 17, CLO = 3, CHI = 14, STRIDE = 7 };
  static PetscReal q[NR * STRIDE * 3], m[NR * STRIDE], F[(NR + 1) * STRIDE], q0[NR * STRIDE * 3],
      m0[NR * STRIDE], q1[NR * STRIDE * 3], m1[NR * STRIDE], t[NR * STRIDE * 3 * 4],
      xin[NR * STRIDE * 3 * 4], lam[NR * STRIDE * 3 * 4], mx[NR * STRIDE * 3 * 4], work[2048];
  PetscInt w = ni == 1 ? 1 : STRIDE, nq = NR * w * ns, nn = nq * nt;
  const PpmRows L = {.ns = ns, .ni = ni, .qs = w * ns, .ms = w};
  PetscReal dt = 600, dxm, dmt;

  fill(q0, nq, 0.3e-9, 1.3e-9);
  fill(m0, NR * w, 0.8, 1.2);
  fill(F, (NR + 1) * w, -0.2 / dt, 0.2 / dt);
  fill(xin, nn, 0, 1);
  fill(lam, nn, 0.2, 1.2);
  memcpy(q, q0, sizeof(q0)), memcpy(m, m0, sizeof(m0)), memcpy(t, xin, sizeof(xin));
  ppm_sweep(scheme, &L, nt, CLO, CHI, F, dt, q, m, t, work, NULL, NULL);
  memcpy(q1, q, sizeof(q)), memcpy(m1, m, sizeof(m)), memcpy(mx, t, sizeof(t));
  memcpy(q, q0, sizeof(q0)), memcpy(m, m0, sizeof(m0)), memcpy(t, lam, sizeof(lam));
  ppm_sweep_transpose(scheme, &L, nt, CLO, CHI, F, dt, q, m, t, work, NULL);
  *bulk_same = !memcmp(q, q1, sizeof(q)) && !memcmp(m, m1, sizeof(m));
  dxm = dot(lam, mx, nn);
  dmt = dot(t, xin, nn);
  return reldiff(dxm, dmt);
}

/* Periodic ghosts of a patch that spans the whole domain (the halo of a one-rank periodic run),
   and their transpose: each ghost's value added to its owner, the ghost zeroed. w values a cell. */
static PetscInt owner(const Patch *p, PetscInt cell)
{
  PetscInt i = cell % p->gxm + p->gxs, j = cell / p->gxm % p->gym + p->gys,
           k = cell / (p->gxm * p->gym);
  return patch_index(p, (i + p->mx) % p->mx, (j + p->my) % p->my, k);
}

static void halo(const Patch *p, PetscReal *a, PetscInt w)
{
  for (PetscInt cell = 0; cell < patch_size3(p); cell++)
    if (!owned(p, cell)) memcpy(&a[cell * w], &a[owner(p, cell) * w], sizeof(PetscReal) * w);
}

static void halo_transpose(const Patch *p, PetscReal *a, PetscInt w)
{
  for (PetscInt cell = 0; cell < patch_size3(p); cell++)
    if (!owned(p, cell))
      for (PetscInt e = 0; e < w; e++) {
        a[owner(p, cell) * w + e] += a[cell * w + e];
        a[cell * w + e] = 0;
      }
}

/* The bulk before sub-step n, recomputed forward from b0 (tags in a scratch array). */
static PetscErrorCode bulk_before(Run r, Fixture *x, const Bulk *b0, PetscInt n, PetscReal *scratch)
{
  PetscReal *tag = x->f.tag;

  PetscFunctionBeginUser;
  PetscCall(bulk_restore(x, b0));
  x->f.tag = scratch;
  for (r.step = 0; r.step < n; r.step++) {
    halo(&x->p, x->f.q, x->p.nspec);
    halo(&x->p, x->f.air_mass, 1);
    PetscCall(call(&r, x, PETSC_FALSE));
  }
  halo(&x->p, x->f.q, x->p.nspec);
  halo(&x->p, x->f.air_mass, 1);
  x->f.tag = tag;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* nsub sub-steps (f->step 0, 1, 2, ...: the order alternates), a periodic halo refreshing bulk
   and tags before each; the map from the owned tags to the owned tags, and its transpose: the
   sub-steps' transposes in reverse order, each at its bulk recomputed forward, the halo's
   transpose after each. */
static PetscErrorCode substeps_test(Run r, Fixture *x, PetscInt nsub, PetscReal *rel)
{
  const Patch *p = &x->p;
  PetscInt w = p->nspec * p->ntag, n = patch_size3(p) * w;
  PetscReal *xin, *lam, *mx, *scratch, *tag = x->f.tag;
  Bulk b0;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc4(n, &xin, n, &lam, n, &mx, n, &scratch));
  PetscCall(bulk_save(x, &b0, PETSC_TRUE));
  fill(xin, n, 0, 1);
  fill_lambda(p, lam);
  for (PetscInt cell = 0; cell < patch_size3(p); cell++)
    if (!owned(p, cell)) PetscCall(PetscArrayzero(&xin[cell * w], w));
  PetscCall(PetscArraycpy(tag, xin, n));
  for (r.step = 0; r.step < nsub; r.step++) {
    halo(p, x->f.q, p->nspec);
    halo(p, x->f.air_mass, 1);
    halo(p, tag, w);
    PetscCall(call(&r, x, PETSC_FALSE));
  }
  PetscCall(PetscArraycpy(mx, tag, n));
  PetscCall(PetscArraycpy(tag, lam, n));
  for (r.step = nsub - 1; r.step >= 0; r.step--) {
    PetscCall(bulk_before(r, x, &b0, r.step, scratch));
    PetscCall(call(&r, x, PETSC_TRUE));
    halo_transpose(p, tag, w);
  }
  *rel = reldiff(dot_owned(p, lam, mx), dot_owned(p, tag, xin));
  PetscCall(bulk_restore(x, &b0));
  PetscCall(PetscFree2(b0.q, b0.m));
  PetscCall(PetscFree4(xin, lam, mx, scratch));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* On a tiny patch: the Jacobian J of step()'s tag map column by column (step() on each unit
   vector, the bulk restored each time). Checks that step() is linear in the tags (J x = M x on the
   owned cells, to errj) and that transpose() is J^T entry by entry (to errt, relative to the
   largest entry), with exact zeros where J^T lam is exactly 0 (the ghosts step() never reads;
   nzero counts those where transpose() is not 0), and that no column of J beyond the ring of
   ghosts next to the owned block is nonzero (nfar counts those). */
static PetscErrorCode jacobian_test(const Run *r, Fixture *x, PetscReal *errj, PetscReal *errt,
                                    PetscInt *nzero, PetscInt *nfar)
{
  const Patch *p = &x->p;
  PetscInt n = patch_size3(p) * p->nspec * p->ntag;
  PetscReal *J, *xin, *lam, *mx, *jt, *tag = x->f.tag, big = 0, worst = 0, bigx = 0;
  Bulk b0;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc5(n * n, &J, n, &xin, n, &lam, n, &mx, n, &jt));
  PetscCall(bulk_save(x, &b0, PETSC_TRUE));
  for (PetscInt col = 0; col < n; col++) {
    PetscCall(PetscArrayzero(tag, n));
    tag[col] = 1;
    PetscCall(bulk_restore(x, &b0));
    PetscCall(call(r, x, PETSC_FALSE));
    for (PetscInt row = 0; row < n; row++)
      if (owned(p, row / (p->nspec * p->ntag))) J[row * n + col] = tag[row];
  }
  fill(xin, n, 0, 1);
  fill_lambda(p, lam);
  PetscCall(PetscArraycpy(tag, xin, n));
  PetscCall(bulk_restore(x, &b0));
  PetscCall(call(r, x, PETSC_FALSE));
  *errj = 0;
  for (PetscInt row = 0; row < n; row++)
    if (owned(p, row / (p->nspec * p->ntag))) {
      PetscReal jx = dot(&J[row * n], xin, n);
      *errj = PetscMax(*errj, PetscAbsReal(jx - tag[row]));
      bigx = PetscMax(bigx, PetscAbsReal(tag[row]));
    }
  *errj /= bigx;
  for (PetscInt row = 0; row < n; row++)
    if (owned(p, row / (p->nspec * p->ntag)))
      for (PetscInt col = 0; col < n; col++) jt[col] += J[row * n + col] * lam[row];
  PetscCall(PetscArraycpy(tag, lam, n));
  PetscCall(bulk_restore(x, &b0));
  PetscCall(call(r, x, PETSC_TRUE));
  *nzero = 0;
  for (PetscInt col = 0; col < n; col++) {
    big = PetscMax(big, PetscAbsReal(jt[col]));
    worst = PetscMax(worst, PetscAbsReal(jt[col] - tag[col]));
    if (jt[col] == 0 && tag[col] != 0) (*nzero)++;
  }
  *errt = worst / big;
  /* step() reads no tag beyond the ring of ghosts next to the owned block (transpose()'s
     header says so, and the driver's halo transpose relies on it). */
  *nfar = 0;
  for (PetscInt col = 0; col < n; col++) {
    PetscInt cell = col / (p->nspec * p->ntag), i = cell % p->gxm + p->gxs,
             j = cell / p->gxm % p->gym + p->gys;
    PetscBool far = i < p->xs - 1 || i > p->xs + p->xm || j < p->ys - 1 || j > p->ys + p->ym;
    for (PetscInt row = 0; far && row < n; row++)
      if (J[row * n + col] != 0) {
        (*nfar)++;
        break;
      }
  }
  PetscCall(bulk_restore(x, &b0));
  PetscCall(PetscFree2(b0.q, b0.m));
  PetscCall(PetscFree5(J, xin, lam, mx, jt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *scheme_name[] = {"ppm", "upwind"};

static PetscErrorCode test_sweeps(void)
{
  PetscFunctionBeginUser;
  for (PetscInt sc = 0; sc < 2; sc++)
    for (PetscInt y = 0; y < 2; y++) {
      PetscBool same;
      PetscInt ns = y ? 3 : 2, nt = y ? 4 : 1;
      PetscReal rel = sweep_test((AdvectionScheme)sc, y ? 5 : 1, ns, nt, &same);
      tap_ok(rel <= TOL && same,
             "%s, a single %s sweep, %d species, %d functionals: dot products differ by %.2e; "
             "bulk as ppm_sweep leaves it: %s",
             scheme_name[sc], y ? "y (5 lines, row stride 7)" : "x", (int)ns, (int)nt, (double)rel,
             same ? "yes" : "no");
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode test_horizontal(void)
{
  PetscFunctionBeginUser;
  for (PetscInt sc = 0; sc < 2; sc++)
    for (PetscInt interior = 0; interior < 2; interior++)
      for (PetscInt shape = 0; shape < 2; shape++)
        for (PetscInt parity = 0; parity < 2; parity++) {
          Fixture x;
          Run r = {.ops = &process_advection_horizontal,
                   .params = {sc, 0.9},
                   .dt = 600,
                   .step = 6 + parity};
          PetscInt ns = shape ? 3 : 1, nt = shape ? 2 : 1;
          PetscReal rel = 1, unused = 0;
          PetscBool same = PETSC_FALSE;
          patch_create(&x, 5, 4, 2, ns, nt, interior ? PETSC_TRUE : PETSC_FALSE);
          random_bulk(&x, r.dt, 0);
          PetscCall(dot_test(&r, &x, PETSC_FALSE, &rel, &unused, &same));
          tap_ok(rel <= TOL && same,
                 "%s, horizontal step, %s first (f->step %d), %s patch, %d species, %d "
                 "functionals: dot products differ by %.2e; bulk as step() leaves it: %s",
                 scheme_name[sc], parity ? "y" : "x", (int)r.step,
                 interior ? "interior" : "boundary", (int)ns, (int)nt, (double)rel,
                 same ? "yes" : "no");
          fixture_destroy(&x);
        }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode test_substeps(void)
{
  PetscFunctionBeginUser;
  for (PetscInt sc = 0; sc < 2; sc++) {
    Fixture x;
    Run r = {.ops = &process_advection_horizontal, .params = {sc, 0.9}, .dt = 600};
    PetscReal rel = 1;
    patch_create(&x, 6, 5, 2, 2, 3, PETSC_FALSE);
    random_bulk(&x, r.dt, 0);
    PetscCall(substeps_test(r, &x, 3, &rel));
    tap_ok(rel <= TOL,
           "%s, 3 horizontal sub-steps (x, y, x first) with a periodic halo between them, the "
           "transposes in reverse at the bulk recomputed forward: dot products differ by %.2e",
           scheme_name[sc], (double)rel);
    fixture_destroy(&x);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode test_jacobian(void)
{
  PetscFunctionBeginUser;
  for (PetscInt sc = 0; sc < 2; sc++)
    for (PetscInt run = 0; run < 4; run++) {
      Fixture x;
      Run r = {
          .ops = &process_advection_horizontal, .params = {sc, 0.9}, .dt = 600, .step = run % 2};
      PetscReal errj = 1, errt = 1;
      PetscInt nzero = -1, nfar = -1,
               sw = run < 2 ? 3 : 4; /* a wider halo too: its outer ring is zeroed */
      patch_create_sw(&x, 2, 3, 1, sw, 2, 2, PETSC_FALSE);
      random_bulk(&x, r.dt, 0);
      PetscCall(jacobian_test(&r, &x, &errj, &errt, &nzero, &nfar));
      tap_ok(errj <= 1e-14 && errt <= TOL && nzero == 0 && nfar == 0,
             "%s, %s first, Jacobian of step() by columns (2x3 cells, ghost width %d, 2 species, "
             "2 tags): J x = M x to %.1e, transpose() = J^T lam to %.1e, nonzero where J^T lam "
             "is 0: %d, columns read beyond the ghost ring: %d",
             scheme_name[sc], r.step ? "y" : "x", (int)sw, (double)errj, (double)errt, (int)nzero,
             (int)nfar);
      fixture_destroy(&x);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The most sub-steps any column of the fixture takes in vertical advection (the Courant numbers
   of the flux from continuity, as advection_vertical.c computes them). */
static PetscInt vertical_substeps(const Fixture *x, PetscReal dt, PetscReal courant_max)
{
  const Patch *p = &x->p;
  PetscReal worst = 0;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscReal below = 0, above;
      for (PetscInt k = 0; k < p->mz; k++, below = above) {
        PetscInt c = patch_index(p, i, j, k);
        above = below + (x->f.air_mass[c] - x->f.air_mass_next[c]) / dt;
        worst = PetscMax(worst, (PetscMax(above, 0) + PetscMax(-below, 0)) * dt / x->f.air_mass[c]);
      }
      worst = PetscMax(worst,
                       PetscMax(-below, 0) * dt / x->f.air_mass[patch_index(p, i, j, p->mz - 1)]);
    }
  return (PetscInt)PetscCeilReal(worst / courant_max);
}

static PetscErrorCode test_vertical(void)
{
  PetscFunctionBeginUser;
  for (PetscInt sc = 0; sc < 2; sc++)
    for (PetscInt in = 0; in < 2; in++)
      for (PetscInt many = 0; many < 2; many++) {
        Fixture x;
        Run r = {.ops = &process_advection_vertical, .params = {sc, many ? 0.05 : 0.3}, .dt = 600};
        PetscReal rel = 1, reltop = 1;
        PetscBool same = PETSC_FALSE;
        PetscInt nsub;
        fixture_create_n(&x, 3, 2, 6, 1, many ? 3 : 1, 9000, 50, 1.2, many ? 2 : 1);
        random_bulk(&x, r.dt, in ? 0.15 : -0.15);
        nsub = vertical_substeps(&x, r.dt, r.params.courant_max);
        PetscCall(dot_test(&r, &x, in ? PETSC_TRUE : PETSC_FALSE, &rel, &reltop, &same));
        if (in)
          tap_ok(rel <= TOL && reltop <= TOL && same && nsub > (many ? 16 : 1),
                 "%s, vertical, inflow through the top, %s, %d sub-steps: <lam, M x> differs by "
                 "%.2e, <lam, B t_top> from <sens_top, t_top> by %.2e; bulk as step() leaves "
                 "it: %s",
                 scheme_name[sc], many ? "2 species, 3 functionals" : "1 species, 1 functional",
                 (int)nsub, (double)rel, (double)reltop, same ? "yes" : "no");
        else
          tap_ok(rel <= TOL && reltop == 0 && same && nsub > (many ? 16 : 1),
                 "%s, vertical, outflow through the top, %s, %d sub-steps: <lam, M x> differs "
                 "by %.2e, sens_top exactly 0: %s; bulk as step() leaves it: %s",
                 scheme_name[sc], many ? "2 species, 3 functionals" : "1 species, 1 functional",
                 (int)nsub, (double)rel, reltop == 0 ? "yes" : "no", same ? "yes" : "no");
        fixture_destroy(&x);
      }
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(test_sweeps());
  PetscCall(test_horizontal());
  PetscCall(test_substeps());
  PetscCall(test_jacobian());
  PetscCall(test_vertical());
  PetscCall(PetscFinalize());
  return tap_done();
}
