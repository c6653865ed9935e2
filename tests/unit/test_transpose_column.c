/* Transposes of the column and pointwise processes (issue 15): for vertical mixing with dry
   deposition, wet deposition, chemistry and the two emission processes, the dot-product test
   <lambda, M x> = <M^T lambda, x> on a random bulk, random tags x and random adjoint values
   lambda (all species, three functionals and one), with M x = step(x) - step(0) (the emissions'
   constant part removed); the bulk left bitwise as step() leaves it, the diagnostics untouched
   and the ghost entries zeroed; and the emissions' sensitivities to each rate against the exact
   change of <lambda, q_out> when that rate changes (linear, so to round-off), with a source in
   the top layer and a stack whose plume spreads over several layers. */
#include "tests/tap.h"
#include "tests/fixture.h"
#include "physics/plume_rise.h"

extern const ProcessOps process_mixing_vertical, process_deposition_wet, process_chemistry,
    process_emission_area, process_emission_point;

#define NX 3
#define NY 2
#define NZ 12
#define SW 1
#define TOL 1e-13

/* A fixed-seed generator (splitmix64; STYLE.md rule 38: no rand()), uniform in [0, 1). */
static unsigned long long state = 0x2385u;

static PetscReal uniform(void)
{
  unsigned long long z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (PetscReal)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

typedef struct {
  const char *name;
  const ProcessOps *ops;
  const void *params;
  PetscReal t, dt;
} Proc;

static PetscErrorCode call(const Proc *pr, Fixture *x, PetscBool transpose)
{
  void *ctx;
  ProcessStatus st;

  PetscFunctionBeginUser;
  PetscCall(pr->ops->init(pr->params, &x->p, &ctx));
  if (transpose)
    PetscCall(pr->ops->transpose(ctx, &x->p, pr->t, pr->dt, &x->f, &st));
  else
    PetscCall(pr->ops->step(ctx, &x->p, pr->t, pr->dt, &x->f, &st));
  PetscCall(pr->ops->finalize(&ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A random bulk and met on the whole ghosted block: layers of 15-35 m, varying air mass,
   density, Kz, humidity, cloud (above qc_min in some layers), rain in all columns but one,
   winds, a stable theta profile, and deposition velocities (two species sharing one). The
   same every time (the generator restarts), so every fixture sees the plumes the test checks. */
static void randomise(Fixture *x)
{
  const Patch *p = &x->p;
  PetscInt ns = p->nspec;
  state = 0x2385u;
  for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
    for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
      PetscInt c2 = patch_index2(p, i, j);
      PetscReal z = 0;
      for (PetscInt k = 0; k < p->mz; k++) {
        PetscInt c = patch_index(p, i, j, k);
        FW(x->f.dz)[c] = 15 + 20 * uniform();
        FW(x->f.zmid)[c] = z + 0.5 * x->f.dz[c];
        z += x->f.dz[c];
        FW(x->f.rho)[c] = 1.25 * PetscExpReal(-x->f.zmid[c] / 8000) * (0.9 + 0.2 * uniform());
        x->f.air_mass[c] = x->f.rho[c] * x->f.dz[c] * p->area[c2] * (0.8 + 0.4 * uniform());
        FW(x->f.kz)[c] = 0.5 + 60 * uniform();
        FW(x->f.temperature)[c] = 255 + 30 * uniform();
        FW(x->f.theta)[c] = 262 + 0.004 * x->f.zmid[c] + 0.5 * uniform();
        FW(x->f.rel_humidity)[c] = 0.45 + 0.55 * uniform();
        FW(x->f.cloud_water)[c] = uniform() < 0.3 ? 2e-4 * uniform() : 0;
        FW(x->f.u)[c] = 1 + 5 * uniform();
        FW(x->f.v)[c] = -2 + 4 * uniform();
        for (PetscInt s = 0; s < ns; s++) x->f.q[c * ns + s] = 1e-9 * (0.1 + uniform());
      }
      FW(x->f.precip)[c2] = c2 % 4 == 1 ? 0 : 0.5 + 4 * uniform();
      FW(x->f.pblh)[c2] = 80 + 300 * uniform();
      for (PetscInt s = 0; s < ns; s++) x->f.vdep[c2 * ns + s] = 0.002 + 0.02 * uniform();
      x->f.vdep[c2 * ns + 2] = x->f.vdep[c2 * ns + 1];
    }
}

/* Sum over owned cells of a * b in the tag layout. */
static PetscReal dot(const Patch *p, const PetscReal *a, const PetscReal *b)
{
  PetscInt m = p->nspec * p->ntag;
  PetscReal sum = 0;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++)
        for (PetscInt e = 0; e < m; e++) {
          PetscInt l = patch_index(p, i, j, k) * m + e;
          sum += a[l] * b[l];
        }
  return sum;
}

/* Nonzero entries in the ghost cells of an array in the tag layout. */
static PetscInt ghost_nonzero(const Patch *p, const PetscReal *a)
{
  PetscInt m = p->nspec * p->ntag, count = 0;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscBool own = i >= p->xs && i < p->xs + p->xm && j >= p->ys && j < p->ys + p->ym;
        for (PetscInt e = 0; e < m && !own; e++) count += a[patch_index(p, i, j, k) * m + e] != 0;
      }
  return count;
}

/* The dot-product test of one process with ntag tags (functionals) on a random fixture; setup,
   if not NULL, changes the fixture after randomise(). Returns the relative difference. */
static PetscErrorCode dot_test(const Proc *pr, PetscInt ntag, void (*setup)(Fixture *),
                               const Emissions *em, PetscReal *rel)
{
  Fixture x;
  PetscInt n3, nq, nt, nb;
  PetscReal *q0, *q1, *xt, *mx, *lam, *dep0, a, b;
  PetscInt bulk_same, diag_same, ghosts;

  PetscFunctionBeginUser;
  fixture_create(&x, NX, NY, NZ, SW, ntag, 9000, 25, 1.2);
  randomise(&x);
  if (setup) setup(&x);
  x.f.emissions = em;
  n3 = patch_size3(&x.p);
  nq = n3 * x.p.nspec;
  nt = nq * ntag;
  nb = BUDGET_NTERMS * x.p.nspec;
  PetscCall(PetscMalloc6(nq, &q0, nq, &q1, nt, &xt, nt, &mx, nt, &lam, 4 * nq + nb, &dep0));
  PetscCall(PetscArraycpy(q0, x.f.q, nq));
  for (PetscInt l = 0; l < nt; l++) xt[l] = 1e-9 * (0.05 + uniform());
  for (PetscInt l = 0; l < nt; l++) lam[l] = 0.05 + uniform();
  /* M x = step(x) - step(0). */
  PetscCall(PetscArraycpy(x.f.tag, xt, nt));
  PetscCall(call(pr, &x, PETSC_FALSE));
  PetscCall(PetscArraycpy(mx, x.f.tag, nt));
  PetscCall(PetscArraycpy(q1, x.f.q, nq));
  PetscCall(PetscArraycpy(x.f.q, q0, nq));
  PetscCall(PetscArrayzero(x.f.tag, nt));
  PetscCall(call(pr, &x, PETSC_FALSE));
  for (PetscInt l = 0; l < nt; l++) mx[l] -= x.f.tag[l];
  /* M^T lambda, from the bulk at the start. */
  PetscCall(PetscArraycpy(x.f.q, q0, nq));
  PetscCall(PetscArraycpy(x.f.tag, lam, nt));
  PetscCall(PetscArraycpy(dep0, x.f.dep_dry, patch_size2(&x.p) * x.p.nspec));
  PetscCall(PetscArraycpy(dep0 + nq, x.f.dep_wet, patch_size2(&x.p) * x.p.nspec));
  PetscCall(PetscArraycpy(dep0 + 2 * nq, x.f.budget, nb));
  PetscCall(call(pr, &x, PETSC_TRUE));
  a = dot(&x.p, lam, mx);
  b = dot(&x.p, x.f.tag, xt);
  *rel = PetscAbsReal(a - b) / PetscAbsReal(a);
  bulk_same = !memcmp(q1, x.f.q, (size_t)nq * sizeof(PetscReal));
  diag_same =
      !memcmp(dep0, x.f.dep_dry, (size_t)patch_size2(&x.p) * x.p.nspec * sizeof(PetscReal)) &&
      !memcmp(dep0 + nq, x.f.dep_wet, (size_t)patch_size2(&x.p) * x.p.nspec * sizeof(PetscReal)) &&
      !memcmp(dep0 + 2 * nq, x.f.budget, (size_t)nb * sizeof(PetscReal));
  ghosts = ghost_nonzero(&x.p, x.f.tag);
  tap_ok(*rel <= TOL,
         "%s, %" PetscInt_FMT " functional(s): <lambda, M x> = %.15e, <M^T lambda, x> = "
         "%.15e, relative difference %.2e",
         pr->name, ntag, (double)a, (double)b, (double)*rel);
  tap_ok(bulk_same && diag_same && !ghosts,
         "%s, %" PetscInt_FMT " functional(s): the bulk bitwise as step() leaves it (%s), "
         "deposition and budget untouched (%s), %" PetscInt_FMT " ghost entries nonzero",
         pr->name, ntag, bulk_same ? "yes" : "no", diag_same ? "yes" : "no", ghosts);
  PetscCall(PetscFree6(q0, q1, xt, mx, lam, dep0));
  fixture_destroy(&x);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Species whose matrix pivots in the column pivoting_column() makes. */
static PetscInt npivoting;

/* A column whose lowest air mass is negative (unphysical) so that |d_0| < |dl_0| for the species
   of least deposition and dgttrf pivots there, but not for those whose deposition makes d_0
   large: the column takes mixing's per-species path, with dgttrs (trans 'T' in the transpose)
   for some species and the in-place loops for the others. Kz at the lowest interface is at
   kz_min, so the conductance g is small beside the deposition coefficients D. */
static void pivoting_column(Fixture *x)
{
  const Patch *p = &x->p;
  PetscInt c0 = patch_index(p, 1, 1, 0), c1 = patch_index(p, 1, 1, 1), c2 = patch_index2(p, 1, 1);
  PetscReal rhoi, g, D[8], dt = 900, Dmin = PETSC_MAX_REAL;
  FW(x->f.kz)[c0] = 0.1;
  rhoi = (x->f.rho[c0] * x->f.dz[c0] + x->f.rho[c1] * x->f.dz[c1]) / (x->f.dz[c0] + x->f.dz[c1]);
  g = rhoi * x->f.kz[c0] * p->area[c2] / (0.5 * (x->f.dz[c0] + x->f.dz[c1]));
  for (PetscInt s = 0; s < p->nspec; s++) {
    D[s] = x->f.vdep[c2 * p->nspec + s] * x->f.rho[c0] * p->area[c2];
    Dmin = PetscMin(Dmin, D[s]);
  }
  /* d_0 = m_0 + dt (g + D_s) = dt (D_s - Dmin) - 0.5 dt g; |dl_0| = dt g. */
  x->f.air_mass[c0] = -dt * (g + Dmin) - 0.5 * dt * g;
  npivoting = 0;
  for (PetscInt s = 0; s < p->nspec; s++)
    npivoting += PetscAbsReal(x->f.air_mass[c0] + dt * (g + D[s])) < dt * g;
}

/* <lambda_n, q> over owned cells for functional n, lambda in the tag layout. */
static PetscReal functional(const Patch *p, const PetscReal *lam, const PetscReal *q, PetscInt n)
{
  PetscInt ns = p->nspec, nt = p->ntag;
  PetscReal sum = 0;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++)
        for (PetscInt s = 0; s < ns; s++) {
          PetscInt c = patch_index(p, i, j, k);
          sum += lam[(c * ns + s) * nt + n] * q[c * ns + s];
        }
  return sum;
}

/* The sensitivities one emission process accumulates into sens (the area's or the point's,
   nsrc sources, rates in rate) against the change of <lambda_n, q_out> when one rate grows by
   delta, from a zero bulk; what describes the sources. */
static PetscErrorCode sens_test(const Proc *pr, PetscInt ntag, Emissions *em, PetscReal *rate,
                                PetscInt nsrc, PetscBool point, const char *what)
{
  PetscReal worst = 0;
  Fixture x;
  PetscInt ns, nq, nt, n3;
  PetscReal *lam, *sens, *q, delta = 238.5, pre = 1.25e-7;

  PetscFunctionBeginUser;
  fixture_create(&x, NX, NY, NZ, SW, ntag, 9000, 25, 1.2);
  randomise(&x);
  ns = x.p.nspec;
  n3 = patch_size3(&x.p);
  nq = n3 * ns;
  nt = nq * ntag;
  x.f.emissions = em;
  PetscCall(PetscMalloc3(nt, &lam, nsrc * ns * ntag, &sens, nq, &q));
  for (PetscInt l = 0; l < nt; l++) lam[l] = 0.05 + uniform();
  for (PetscInt l = 0; l < nsrc * ns * ntag; l++) sens[l] = pre; /* transposes accumulate */
  PetscCall(PetscArrayzero(x.f.q, nq));
  PetscCall(PetscArraycpy(x.f.tag, lam, nt));
  if (point)
    x.f.sens_point = sens;
  else
    x.f.sens_area = sens;
  PetscCall(call(pr, &x, PETSC_TRUE));
  x.f.sens_point = x.f.sens_area = NULL;
  for (PetscInt e = 0; e < nsrc; e++)
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal J0[3], keep = rate[e * ns + s];
      PetscCall(PetscArrayzero(x.f.q, nq));
      PetscCall(call(pr, &x, PETSC_FALSE));
      PetscCall(PetscArraycpy(q, x.f.q, nq));
      for (PetscInt n = 0; n < ntag; n++) J0[n] = functional(&x.p, lam, q, n);
      rate[e * ns + s] += delta;
      PetscCall(PetscArrayzero(x.f.q, nq));
      PetscCall(call(pr, &x, PETSC_FALSE));
      rate[e * ns + s] = keep;
      for (PetscInt n = 0; n < ntag; n++) {
        PetscReal exact = (functional(&x.p, lam, x.f.q, n) - J0[n]) / delta,
                  got = sens[(e * ns + s) * ntag + n] - pre;
        worst = PetscMax(worst, PetscAbsReal(got - exact) / PetscAbsReal(exact));
      }
    }
  tap_ok(worst <= TOL,
         "%s, %" PetscInt_FMT " functional(s): %s equals the exact change of <lambda, q> per "
         "kg s-1 (%s), worst relative difference %.2e",
         pr->name, ntag, point ? "sens_point" : "sens_area", what, (double)worst);
  PetscCall(PetscFree3(lam, sens, q));
  fixture_destroy(&x);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Both tests of an emission process, with three functionals (tags in em) and with one (every
   family crediting tag 0). */
static PetscErrorCode emission_tests(const Proc *pr, Emissions *em, PetscReal *rate, PetscInt nsrc,
                                     PetscBool point, const char *what)
{
  PetscInt zero[16] = {0};
  const PetscInt *tag = point ? em->point.tag : em->area.tag;
  PetscReal rel;

  PetscFunctionBeginUser;
  for (PetscInt ntag = 3; ntag >= 1; ntag -= 2) {
    const PetscInt *use = ntag == 1 ? zero : tag;
    if (point)
      em->point.tag = use;
    else
      em->area.tag = use;
    PetscCall(dot_test(pr, ntag, NULL, em, &rel));
    PetscCall(sens_test(pr, ntag, em, rate, nsrc, point, what));
  }
  if (point)
    em->point.tag = tag;
  else
    em->area.tag = tag;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Where the stacks' plumes go on the test's met (every fixture has the same): stack 0 over at
   least three layers, stack 2 into the top layer. */
static PetscErrorCode plume_check(Fixture *x, const Proc *pr, Emissions *em)
{
  PetscInt ns = x->p.nspec, layers = 0, top;

  PetscFunctionBeginUser;
  randomise(x);
  PetscCall(PetscArrayzero(x->f.q, patch_size3(&x->p) * ns));
  x->f.emissions = em;
  PetscCall(call(pr, x, PETSC_FALSE));
  x->f.emissions = NULL;
  for (PetscInt k = 0; k < NZ; k++) layers += x->f.q[patch_index(&x->p, 1, 1, k) * ns] > 0;
  top = x->f.q[patch_index(&x->p, 2, 1, NZ - 1) * ns] > 0;
  tap_ok(layers >= 3 && top,
         "the test's stacks: one plume over %" PetscInt_FMT " layers, one in the top layer (%s)",
         layers, top ? "yes" : "no");
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  struct {
    PetscReal kz_min, kz_max;
  } mix = {0.1, 1000};
  struct {
    PetscReal a_fine, a_coarse, a_incloud, a_gas, rain_lwc, qc_min;
  } wet = {1e-4, 5e-4, 3e-4, 2e-4, 1e-6, 1e-6};
  struct {
    PetscReal so2_gas, so2_cloud, so2_het, nox_gas, nox_night, nh3_rate, rh0, qc_ref, t_half,
        t_width;
  } chem = {1e-5, 2e-4, 1e-4, 8e-5, 5e-5, 5e-5, 0.4, 1e-4, 285, 5};
  PlumeRiseParams plume = {
      .u_min = 1, .stable_dthetadz = 0.002, .bottom_factor = 0.5, .top_factor = 1.5};
  /* 2024-01-10 06:00Z: local noon at 87.6 E, so the daytime rates are on. */
  const PetscReal noon = 1704866400.0;
  Proc procs[] = {
      {"mixing_vertical", &process_mixing_vertical, &mix, noon, 900},
      {"deposition_wet", &process_deposition_wet, &wet, noon, 1800},
      {"chemistry", &process_chemistry, &chem, noon, 3600},
  };
  Proc area = {"emission_area", &process_emission_area, NULL, noon, 600},
       point = {"emission_point", &process_emission_point, &plume, noon, 600};
  PetscReal factor[2] = {1.7, 0.4}, rel;
  PetscInt ns;
  Fixture probe;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  fixture_create(&probe, NX, NY, NZ, SW, 1, 9000, 25, 1.2);
  ns = probe.p.nspec;
  for (size_t r = 0; r < sizeof(procs) / sizeof(procs[0]); r++) {
    PetscCall(dot_test(&procs[r], 3, NULL, NULL, &rel));
    PetscCall(dot_test(&procs[r], 1, NULL, NULL, &rel));
  }
  tap_diag("mixing_vertical with a column where dgttrf pivots (the dgttrs path)");
  PetscCall(dot_test(&procs[0], 3, pivoting_column, NULL, &rel));
  tap_ok(npivoting > 0 && npivoting < ns,
         "in that column %" PetscInt_FMT " of %" PetscInt_FMT " species pivot (both paths taken)",
         npivoting, ns);
  {
    /* Five area entries, two families: one in the top layer, two in the same cell, one with a
       zero SO2 rate (its sensitivity is defined all the same). */
    PetscInt cell[5], prof[5] = {0, 1, 1, 0, 1}, tag[10] = {0, 1, 1, 2, 2, 0, 0, 0, 1, 2};
    PetscReal rate[5 * 8];
    Emissions em = {.nfamily = 2, .profile_factor = factor};
    cell[0] = patch_index(&probe.p, 0, 0, 0);
    cell[1] = patch_index(&probe.p, 2, 1, NZ - 1); /* the top layer */
    cell[2] = patch_index(&probe.p, 1, 0, 3);
    cell[3] = cell[2];
    cell[4] = patch_index(&probe.p, 2, 0, 7);
    for (PetscInt l = 0; l < 5 * ns; l++) rate[l] = 0.1 + 3 * uniform();
    rate[3 * ns + 0] = 0;
    em.area = (EmissionArea){5, cell, prof, tag, rate, NULL};
    PetscCall(emission_tests(&area, &em, rate, 5, PETSC_FALSE,
                             "a source in the top layer, two in one cell, a zero rate"));
  }
  {
    /* Three stacks: a hot one whose plume spreads over several layers, a low cool one, and a
       very hot one whose plume reaches the model top. */
    PetscInt pi[3] = {1, 0, 2}, pj[3] = {1, 0, 1}, prof[3] = {0, 1, 0}, tag[6] = {1, 2, 0, 0, 2, 1};
    PetscReal h[3] = {50, 12, 80}, d[3] = {2, 0.5, 6}, v[3] = {10, 4, 25}, T[3] = {400, 300, 600},
              rate[3 * 8];
    Emissions em = {.nfamily = 2, .profile_factor = factor};
    for (PetscInt l = 0; l < 3 * ns; l++) rate[l] = 0.1 + 3 * uniform();
    em.point = (EmissionPoint){3, pi, pj, h, d, v, T, prof, tag, rate, NULL, NULL};
    PetscCall(plume_check(&probe, &point, &em));
    PetscCall(emission_tests(&point, &em, rate, 3, PETSC_TRUE,
                             "summed over the plume's layers, one plume in the top layer"));
  }
  fixture_destroy(&probe);
  PetscCall(PetscFinalize());
  return tap_done();
}
