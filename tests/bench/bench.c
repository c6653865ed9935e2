/* make bench: performance figures, with the machine's memory bandwidth measured in the same run.
     - STREAM-triad bandwidth (a[i] = b[i] + s c[i] over arrays far larger than the caches);
     - horizontal advection (x+y sweeps, PPM) per species-cell, 24 species;
     - a full transport step (x, y, z advection and vertical mixing) per species-cell, 24 species;
     - deposition and chemistry per species-cell, 8 species;
     - an extra tag per tag-cell and per step against a bulk species, and memory per tag-cell.
   Each figure is the median of repeated timings on a 100 x 100 x 20 block of one rank. */
#include <stdio.h>
#include <petsctime.h>
#include "tests/fixture.h"

extern const ProcessOps process_advection_horizontal, process_advection_vertical,
    process_mixing_vertical, process_chemistry, process_deposition_dry, process_deposition_wet;

#define NX 100
#define NY 100
#define NZ 20
#define REPS 7

static int cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double bandwidth(void)
{
  size_t n = 40u << 20; /* 40 Mi doubles per array: 960 MB in all */
  double *a, *b, *c, t[REPS];
  PetscLogDouble t0, t1;
  if (PetscMalloc3(n, &a, n, &b, n, &c)) return 0;
  for (size_t i = 0; i < n; i++) b[i] = 1.5, c[i] = 2.385, a[i] = 0;
  for (int r = 0; r < REPS; r++) {
    PetscTime(&t0);
    for (size_t i = 0; i < n; i++) a[i] = b[i] + 0.5 * c[i];
    PetscTime(&t1);
    t[r] = 3.0 * 8.0 * (double)n / (t1 - t0) / 1e9;
  }
  qsort(t, REPS, sizeof(double), cmp);
  PetscFree3(a, b, c);
  return t[REPS / 2];
}

/* A block with a smooth rotating flow, a hill-like mass field and tracer values. */
static void setup(Fixture *x, PetscInt nspec, PetscInt ntag)
{
  fixture_create_n(x, NX, NY, NZ, 3, ntag, 9000, 100, 1.1, nspec);
  for (PetscInt k = 0; k < NZ; k++)
    for (PetscInt j = x->p.gys; j < x->p.gys + x->p.gym; j++)
      for (PetscInt i = x->p.gxs; i < x->p.gxs + x->p.gxm; i++) {
        PetscInt c = patch_index(&x->p, i, j, k);
        FW(x->f.flux_x)[c] = 2e7 * (1 + 0.3 * PetscSinReal(0.1 * j + 0.05 * k));
        FW(x->f.flux_y)[c] = 1e7 * PetscCosReal(0.07 * i);
        FW(x->f.kz)[c] = 5 + 20 * PetscExpReal(-k / 5.0);
        FW(x->f.air_mass_next)[c] = x->f.air_mass[c] * (1 + 1e-4 * PetscSinReal(0.3 * i + 0.2 * j));
        FW(x->f.rel_humidity)[c] = 0.85;
        FW(x->f.cloud_water)[c] = k < 5 ? 1e-4 : 0;
        for (PetscInt s = 0; s < nspec; s++) {
          x->f.q[c * nspec + s] =
              (1 + s) * 1e-9 * (1.5 + PetscSinReal(0.13 * i + 0.17 * j + 0.3 * s));
          for (PetscInt n = 0; n < ntag; n++)
            x->f.tag[(c * nspec + s) * ntag + n] = x->f.q[c * nspec + s] / (PetscReal)ntag;
        }
      }
  for (PetscInt c = 0; c < patch_size2(&x->p); c++) {
    FW(x->f.ustar)[c] = 0.3;
    FW(x->f.t2)[c] = 265;
    FW(x->f.precip)[c] = 0.5;
    FW(x->f.pblh)[c] = 400;
    FW(x->f.land_use)[c * LANDUSE_N + LANDUSE_GRASSLAND] = 1;
  }
}

/* Median seconds per call of a process step (transpose: of its transpose, the tags holding the
   adjoint values of x->p.ntag functionals). */
static double time_call(const ProcessOps *ops, const void *params, Fixture *x, PetscReal dt,
                        PetscBool transpose)
{
  void *ctx;
  ProcessStatus st;
  double t[REPS];
  PetscLogDouble t0, t1;
  if (ops->init(params, &x->p, &ctx)) return -1;
  for (int r = 0; r < REPS; r++) {
    x->f.step = r;
    PetscTime(&t0);
    if ((transpose ? ops->transpose : ops->step)(ctx, &x->p, 1704866400.0, dt, &x->f, &st))
      return -1;
    PetscTime(&t1);
    t[r] = t1 - t0;
    for (PetscInt c = 0; c < patch_size3(&x->p); c++) x->f.air_mass[c] = 1.1 * 100 * 9000 * 9000;
  }
  ops->finalize(&ctx);
  qsort(t, REPS, sizeof(double), cmp);
  return t[REPS / 2];
}

static double time_process(const ProcessOps *ops, const void *params, Fixture *x, PetscReal dt)
{
  return time_call(ops, params, x, dt, PETSC_FALSE);
}

/* The backward run's cost: each transpose (issue 15) against its forward step, both with ntag
   tags or functionals on 8 species, per functional-cell (the bulk part included in both). */
static void backward(const void *adv, const void *mix, const void *chem, const void *wet,
                     PetscInt ntag)
{
  const struct {
    const char *name;
    const ProcessOps *ops;
    const void *params;
  } proc[] = {{"horizontal advection", &process_advection_horizontal, adv},
              {"vertical advection", &process_advection_vertical, adv},
              {"vertical mixing", &process_mixing_vertical, mix},
              {"chemistry", &process_chemistry, chem},
              {"wet deposition", &process_deposition_wet, wet}};
  double cells = (double)NX * NY * NZ, fwd = 0, bwd = 0;
  Fixture x;

  printf("\n8 species, %d functionals (backward run) against %d tags (forward), per "
         "functional-cell per step:\n",
         (int)ntag, (int)ntag);
  for (size_t k = 0; k < sizeof(proc) / sizeof(proc[0]); k++) {
    double tf, tb;
    setup(&x, 8, ntag);
    tf = time_call(proc[k].ops, proc[k].params, &x, 300, PETSC_FALSE);
    fixture_destroy(&x);
    setup(&x, 8, ntag);
    tb = time_call(proc[k].ops, proc[k].params, &x, 300, PETSC_TRUE);
    fixture_destroy(&x);
    fwd += tf, bwd += tb;
    printf("  %-21s transpose %6.2f ns, forward %6.2f ns, ratio %.2f\n", proc[k].name,
           tb / (cells * 8 * ntag) * 1e9, tf / (cells * 8 * ntag) * 1e9, tb / tf);
  }
  printf("  all five               transpose %6.2f ns, forward %6.2f ns, ratio %.2f (a backward "
         "step also recomputes the forward bulk: add about one forward step without tags)\n",
         bwd / (cells * 8 * ntag) * 1e9, fwd / (cells * 8 * ntag) * 1e9, bwd / fwd);
}

int main(int argc, char **argv)
{
  Fixture x;
  struct {
    PetscInt scheme;
    PetscReal cmax;
  } adv = {0, 0.9};
  struct {
    PetscReal kmin, kmax;
  } mix = {0.1, 1000};
  struct {
    PetscReal a[10];
  } chem = {{1e-6, 2e-5, 1e-5, 8e-6, 5e-6, 5e-6, 0.4, 1e-4, 285, 5}};
  struct {
    PetscReal a[4];
  } dry = {{1e-5, 0.1, 0.05, 1500}};
  struct {
    PetscReal a[6];
  } wet = {{1e-5, 1e-4, 1e-4, 1e-4, 1e-7, 1e-6}};
  double bw, cells = (double)NX * NY * NZ, th, tv, tm, tc, tdd, tdw, tags_h, tags_m, tags_v;
  PetscInt ns = 24, ntag = 32;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  bw = bandwidth();
  printf("memory bandwidth (STREAM triad, this run): %.1f GB/s; one pass over a double costs %.2f "
         "ns per value read and written\n",
         bw, 16.0 / bw);
  setup(&x, ns, 0);
  th = time_process(&process_advection_horizontal, &adv, &x, 300);
  tv = time_process(&process_advection_vertical, &adv, &x, 300);
  tm = time_process(&process_mixing_vertical, &mix, &x, 300);
  fixture_destroy(&x);
  printf("\n%d species, %d x %d x %d cells, one rank:\n", (int)ns, NX, NY, NZ);
  printf("  horizontal advection (x+y, PPM)     %6.2f ns per species-cell per step  (goal <= 5; "
         "%.1f x the bandwidth bound)\n",
         th / (cells * ns) * 1e9, th / (cells * ns) * 1e9 / (2 * 16.0 / bw));
  printf("  vertical advection                  %6.2f ns per species-cell per step\n",
         tv / (cells * ns) * 1e9);
  printf("  vertical mixing (implicit)          %6.2f ns per species-cell per step\n",
         tm / (cells * ns) * 1e9);
  printf("  full transport step (x, y, z, Kz)   %6.2f ns per species-cell per step  (goal <= 20)\n",
         (th + tv + tm) / (cells * ns) * 1e9);
  setup(&x, 8, 0);
  tc = time_process(&process_chemistry, &chem, &x, 300);
  tdd = time_process(&process_deposition_dry, &dry, &x, 300);
  tdw = time_process(&process_deposition_wet, &wet, &x, 300);
  printf("\n8 species:\n  chemistry                           %6.2f ns per species-cell per step\n",
         tc / (cells * 8) * 1e9);
  printf("  dry deposition velocities           %6.2f ns per species-column per step\n",
         tdd / (NX * NY * 8.0) * 1e9);
  printf("  wet deposition                      %6.2f ns per species-cell per step\n",
         tdw / (cells * 8) * 1e9);
  fixture_destroy(&x);
  setup(&x, 8, ntag);
  {
    double bh = time_process(&process_advection_horizontal, &adv, &x, 300);
    double bv = time_process(&process_advection_vertical, &adv, &x, 300);
    double bm = time_process(&process_mixing_vertical, &mix, &x, 300);
    fixture_destroy(&x);
    setup(&x, 8, 0);
    tags_h = (bh - time_process(&process_advection_horizontal, &adv, &x, 300)) /
             (cells * 8 * ntag) * 1e9;
    tags_v =
        (bv - time_process(&process_advection_vertical, &adv, &x, 300)) / (cells * 8 * ntag) * 1e9;
    tags_m =
        (bm - time_process(&process_mixing_vertical, &mix, &x, 300)) / (cells * 8 * ntag) * 1e9;
    th = time_process(&process_advection_horizontal, &adv, &x, 300) / (cells * 8) * 1e9;
    tv = time_process(&process_advection_vertical, &adv, &x, 300) / (cells * 8) * 1e9;
    tm = time_process(&process_mixing_vertical, &mix, &x, 300) / (cells * 8) * 1e9;
    fixture_destroy(&x);
  }
  printf("\n8 species, %d tags per species:\n", (int)ntag);
  printf("  extra tag, horizontal advection     %6.2f ns per tag-cell per step (a bulk species: "
         "%.2f; ratio %.2f)\n",
         tags_h, th, tags_h / th);
  printf("  extra tag, vertical advection       %6.2f ns per tag-cell per step (a bulk species: "
         "%.2f; ratio %.2f)\n",
         tags_v, tv, tags_v / tv);
  printf("  extra tag, vertical mixing          %6.2f ns per tag-cell per step (a bulk species: "
         "%.2f; ratio %.2f)\n",
         tags_m, tm, tags_m / tm);
  printf("  extra tag, transport step           %6.2f ns per tag-cell per step (a bulk species: "
         "%.2f; ratio %.2f; goal <= 0.25)\n",
         tags_h + tags_v + tags_m, th + tv + tm, (tags_h + tags_v + tags_m) / (th + tv + tm));
  printf("  memory per tag-cell: %d bytes per tagged species (one double, no second copy)\n",
         (int)sizeof(PetscReal));
  backward(&adv, &mix, &chem, &wet, ntag);
  PetscCall(PetscFinalize());
  return 0;
}
