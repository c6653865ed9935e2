/* Vertical advection's sub-step bound (issue 18, item 5): a column whose diagnosed vertical
   mass flux needs more sub-steps than Fields.max_substeps, or that holds a cell without
   positive air mass, stops the step with PROCESS_TOO_MANY_SUBSTEPS and says how many it would
   need, instead of sub-stepping for ever; within the bound the step completes and conserves the
   tracer mass up to what leaves through the top. */
#include "tests/tap.h"
#include "tests/fixture.h"

extern const ProcessOps process_advection_vertical;

/* One step of dt of the process (upwind, courant_max 0.9) on the fixture. */
static PetscErrorCode run(Fixture *x, PetscReal dt, ProcessStatus *st)
{
  struct {
    PetscInt scheme;
    PetscReal courant_max;
  } params = {1, 0.9};
  void *ctx;

  PetscFunctionBeginUser;
  PetscCall(process_advection_vertical.init(&params, &x->p, &ctx));
  PetscCall(process_advection_vertical.step(ctx, &x->p, 0, dt, &x->f, st));
  PetscCall(process_advection_vertical.finalize(&ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A column of 10 layers whose first layer holds 1000 times the mass of each layer above and
   loses half of it in the step: the flux through every interface above is 500 upper layers'
   mass per step, a Courant number of 500 (556 sub-steps at courant_max 0.9). */
static void steep_column(Fixture *x)
{
  PetscReal *m = x->f.air_mass, *mn = FW(x->f.air_mass_next), m1 = m[0];
  for (PetscInt k = 0; k < x->p.mz; k++) {
    m[k] = mn[k] = k ? m1 : 1000 * m1;
    for (PetscInt s = 0; s < x->p.nspec; s++) x->f.q[k * x->p.nspec + s] = 2.385e-9;
  }
  mn[0] = 500 * m1;
}

int main(int argc, char **argv)
{
  Fixture x;
  ProcessStatus st;
  PetscReal dt = 900, before, after, out;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  fixture_create(&x, 1, 1, 10, 0, 0, 9000, 50, 1.2);
  steep_column(&x);
  x.f.max_substeps = 100;
  PetscCall(run(&x, dt, &st));
  tap_ok(st == PROCESS_TOO_MANY_SUBSTEPS && PetscAbsReal(x.f.substeps_needed - 500 / 0.9) < 1e-6,
         "a Courant number of 500 with max_substeps 100: refused, %g sub-steps needed",
         (double)x.f.substeps_needed);

  steep_column(&x);
  x.f.max_substeps = 1000;
  before = fixture_mass(&x, 0);
  PetscCall(run(&x, dt, &st));
  after = fixture_mass(&x, 0);
  out = x.f.budget[BUDGET_OUTFLOW * x.p.nspec + 0];
  tap_ok(st == PROCESS_OK && PetscAbsReal(before - after - out) < 1e-12 * before,
         "with max_substeps 1000 it completes; mass conserved to the top outflow (%.3e)",
         (double)((before - after - out) / before));

  steep_column(&x);
  x.f.air_mass[3] = -x.f.air_mass[3];
  PetscCall(run(&x, dt, &st));
  tap_ok(st == PROCESS_TOO_MANY_SUBSTEPS && x.f.substeps_needed == PETSC_MAX_REAL,
         "a cell with negative air mass: refused as unbounded (no integer overflow)");
  fixture_destroy(&x);

  fixture_create(&x, 2, 2, 6, 0, 0, 9000, 50, 1.2);
  x.f.max_substeps = 1;
  PetscCall(run(&x, dt, &st));
  tap_ok(st == PROCESS_OK && x.f.substeps_needed == 0,
         "a column at rest needs one sub-step: accepted with max_substeps 1");
  fixture_destroy(&x);
  PetscCall(PetscFinalize());
  return tap_done();
}
