/* Linear chemistry: exponential conversion, conservation of S and N in moles, tags as separate
   runs, and the directions of the rate dependences (day/night, humidity, cloud, cold). */
#include "tests/tap.h"
#include "tests/fixture.h"

extern const ProcessOps process_chemistry;

typedef struct {
  PetscReal so2_gas, so2_cloud, so2_het, nox_gas, nox_night, nh3_rate, rh0, qc_ref, t_half, t_width;
} Params;
static const Params defaults = {1e-6, 2e-5, 1e-5, 8e-6, 5e-6, 5e-6, 0.4, 1e-4, 285, 5};

/* Run chemistry on a one-cell fixture for n steps of dt from time t; return the fixture. */
static PetscErrorCode run(Fixture *x, const Params *p, PetscReal t, PetscReal dt, PetscInt n)
{
  void *ctx;
  ProcessStatus st;
  PetscFunctionBeginUser;
  PetscCall(process_chemistry.init(p, &x->p, &ctx));
  for (PetscInt k = 0; k < n; k++)
    PetscCall(process_chemistry.step(ctx, &x->p, t + k * dt, dt, &x->f, &st));
  PetscCall(process_chemistry.finalize(&ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* SO2 lost over one hour with the given conditions. */
static PetscErrorCode so2_loss(const Params *p, PetscReal t, PetscReal rh, PetscReal qc,
                               PetscReal T, PetscInt pair, PetscReal *loss)
{
  Fixture x;
  PetscInt sp = pair == 0 ? 0 : (pair == 1 ? 2 : 4);
  PetscFunctionBeginUser;
  fixture_create(&x, 1, 1, 1, 0, 0, 1000, 50, 1.2);
  FW(x.f.rel_humidity)[0] = rh;
  FW(x.f.cloud_water)[0] = qc;
  FW(x.f.temperature)[0] = T;
  x.f.q[sp] = 1e-8;
  PetscCall(run(&x, p, t, 600, 6));
  *loss = 1 - x.f.q[sp] / 1e-8;
  fixture_destroy(&x);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Fixture x, y;
  Params het = {0};
  PetscInt ns;
  /* 2024-01-10 06:00Z is 12:00 local solar time at 87.6 E; 18:00Z is midnight there. */
  const PetscReal noon = 1704866400.0, night = noon + 12 * 3600;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  het = defaults;
  het.so2_gas = het.so2_cloud = het.nox_gas = het.nox_night = het.nh3_rate = 0;
  fixture_create(&x, 1, 1, 1, 0, 2, 1000, 50, 1.2);
  ns = x.p.nspec;
  FW(x.f.rel_humidity)[0] = 1.0;
  x.f.q[0] = 2.385e-8;
  x.f.q[1] = 1.1e-9;
  x.f.tag[0] = 0.3 * 2.385e-8, x.f.tag[1] = 0.7 * 2.385e-8;
  x.f.tag[2] = 1.1e-9, x.f.tag[3] = 0;
  PetscCall(run(&x, &het, noon, 900, 16));
  {
    PetscReal exact = 2.385e-8 * PetscExpReal(-het.so2_het * 900 * 16);
    PetscReal s0 = 2.385e-8 / 0.064066 + 1.1e-9 / 0.096063,
              s1 = x.f.q[0] / 0.064066 + x.f.q[1] / 0.096063;
    tap_ok(PetscAbsReal(x.f.q[0] / exact - 1) < 1e-12, "SO2 decays as exp(-k t): %.10e vs %.10e",
           (double)x.f.q[0], (double)exact);
    tap_ok(PetscAbsReal(s1 / s0 - 1) < 1e-14, "sulfur conserved in moles: relative change %.1e",
           (double)(s1 / s0 - 1));
    tap_ok(PetscAbsReal(x.f.tag[0] + x.f.tag[1] - x.f.q[0]) < 1e-15 * x.f.q[0] &&
               PetscAbsReal(x.f.tag[2] + x.f.tag[3] - x.f.q[1]) < 1e-14 * x.f.q[1],
           "tags sum to the bulk for SO2 and sulfate");
    tap_ok(PetscAbsReal(x.f.tag[3] / ((0.7 * 2.385e-8 - x.f.tag[1]) * 0.096063 / 0.064066) - 1) <
               1e-12,
           "a tag's sulfate is made from that tag's SO2");
    tap_ok(PetscAbsReal(x.f.budget[BUDGET_CHEM_PRODUCED * ns + 1] /
                            (x.f.budget[BUDGET_CHEM_LOST * ns + 0] * 0.096063 / 0.064066) -
                        1) < 1e-12,
           "budget: sulfate produced = SO2 lost x 96/64");
  }
  fixture_destroy(&x);
  /* Tags equal separate runs of their share. */
  fixture_create(&x, 1, 1, 2, 0, 2, 1000, 50, 1.2);
  fixture_create(&y, 1, 1, 2, 0, 0, 1000, 50, 1.2);
  for (PetscInt s = 0; s < x.p.nspec; s++) {
    x.f.q[s] = (1 + s) * 1e-9;
    x.f.tag[s * 2] = 0.4 * x.f.q[s];
    x.f.tag[s * 2 + 1] = 0.6 * x.f.q[s];
    y.f.q[s] = 0.4 * x.f.q[s];
  }
  PetscCall(run(&x, &defaults, noon, 600, 12));
  PetscCall(run(&y, &defaults, noon, 600, 12));
  {
    PetscReal worst = 0;
    for (PetscInt s = 0; s < x.p.nspec; s++)
      worst = PetscMax(worst, PetscAbsReal(x.f.tag[s * 2] - y.f.q[s]) / x.f.q[s]);
    tap_ok(worst < 1e-15, "every tag converts like a separate bulk run (worst %.1e)",
           (double)worst);
  }
  fixture_destroy(&x);
  fixture_destroy(&y);
  {
    Params gas = defaults;
    PetscReal day, dark, dry, wet, clear, cloudy, warm, cold;
    gas.so2_cloud = gas.so2_het = 0;
    PetscCall(so2_loss(&gas, noon, 0.5, 0, 263, 0, &day));
    PetscCall(so2_loss(&gas, night, 0.5, 0, 263, 0, &dark));
    tap_ok(day > 0 && dark == 0, "gas-phase SO2 oxidation by day only (%.2e vs %.2e per hour)",
           (double)day, (double)dark);
    PetscCall(so2_loss(&defaults, night, 0.5, 0, 263, 0, &dry));
    PetscCall(so2_loss(&defaults, night, 0.95, 0, 263, 0, &wet));
    tap_ok(wet > dry, "humid haze speeds sulfate formation (%.2e > %.2e)", (double)wet,
           (double)dry);
    PetscCall(so2_loss(&defaults, night, 0.5, 0, 263, 0, &clear));
    PetscCall(so2_loss(&defaults, night, 0.5, 2e-4, 263, 0, &cloudy));
    tap_ok(cloudy > clear, "cloud water speeds sulfate formation");
    PetscCall(so2_loss(&defaults, night, 0.9, 0, 295, 1, &warm));
    PetscCall(so2_loss(&defaults, night, 0.9, 0, 260, 1, &cold));
    tap_ok(cold > warm && cold > 0,
           "nitrate forms at night in humid cold air, more than when warm");
  }
  PetscCall(PetscFinalize());
  return tap_done();
}
