/* Dry and wet deposition: a hand-computed resistance case, the directions of the dependences
   (u*, snow, particle size), and wet scavenging against the analytic exponential with mass lost
   equal to mass deposited and tags scaled alike. */
#include "tests/tap.h"
#include "tests/fixture.h"

extern const ProcessOps process_deposition_dry, process_deposition_wet;

static PetscErrorCode dry(Fixture *x, PetscReal ustar, PetscReal snow, PetscInt lu)
{
  struct {
    PetscReal vd_min, vd_max, ustar_min, rc_cold_max;
  } p = {1e-5, 0.1, 0.05, 1500};
  void *ctx;
  ProcessStatus st;
  PetscFunctionBeginUser;
  FW(x->f.ustar)[0] = ustar;
  FW(x->f.snow_cover)[0] = snow;
  for (PetscInt c = 0; c < LANDUSE_N; c++) FW(x->f.land_use)[c] = c == lu ? 1 : 0;
  PetscCall(process_deposition_dry.init(&p, &x->p, &ctx));
  PetscCall(process_deposition_dry.step(ctx, &x->p, 0, 600, &x->f, &st));
  PetscCall(process_deposition_dry.finalize(&ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Fixture x;
  PetscInt ns, so2 = 0, so4 = 1, pmc = 7;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  fixture_create(&x, 1, 1, 10, 0, 2, 9000, 20, 1.25);
  ns = x.p.nspec;
  FW(x.f.t2)[0] = 278.15; /* 5 C: no cold-surface resistance */
  PetscCall(dry(&x, 0.3, 0, LANDUSE_GRASSLAND));
  {
    /* Neutral (H = 0), z = 10 m, z0 = 0.03 m, u* = 0.3 m/s:
       ra = ln(10/0.03) / (0.4 * 0.3) = 5.8091 / 0.12 = 48.409 s/m;
       rb = 2 / 0.12 * (Sc / 0.72)^(2/3), Sc = 1.5e-5 / (2.4e-5 / 1.9) = 1.1875: rb = 16.667
       * 1.3960 = 23.267 s/m; rc = 1 / (1e5 / 1e5 / 500) = 500 s/m;  vd = 1 / 571.68 = 1.7493e-3
       m/s. */
    tap_ok(PetscAbsReal(x.f.vdep[so2] / 1.7493e-3 - 1) < 1e-3,
           "SO2 over grassland, neutral: vd = %.5e m/s (hand 1.7493e-3)", (double)x.f.vdep[so2]);
  }
  {
    PetscReal v1 = x.f.vdep[so2], v2, vsnow, fine, coarse;
    PetscCall(dry(&x, 0.6, 0, LANDUSE_GRASSLAND));
    v2 = x.f.vdep[so2];
    tap_ok(v2 > v1, "vd grows with u* (%.3e > %.3e)", (double)v2, (double)v1);
    FW(x.f.t2)[0] = 263.15;
    PetscCall(dry(&x, 0.3, 1, LANDUSE_GRASSLAND));
    vsnow = x.f.vdep[so2];
    tap_ok(vsnow < 0.5 * v1, "cold snow cover lowers SO2 deposition (%.3e < %.3e)", (double)vsnow,
           (double)v1);
    fine = x.f.vdep[so4];
    coarse = x.f.vdep[pmc];
    tap_ok(coarse > 2 * fine, "coarse particles deposit faster than fine (%.2e vs %.2e)",
           (double)coarse, (double)fine);
    /* Settling of 4.5 um, 2600 kg/m3: vg = rho d^2 g Cc / (18 mu) = 2600 * 2.025e-11 * 9.81 * 1.037
     * / 3.06e-4 = 1.750e-3 m/s. */
    tap_ok(coarse > 1.75e-3 && 1.75e-3 / coarse > 0.5,
           "settling (1.75e-3 m/s) is most of the coarse-PM velocity %.2e m/s", (double)coarse);
  }
  /* Wet deposition: 2 mm/h, no cloud, boundary layer 150 m: layers 0..7 (zmid < 150) scavenged. */
  {
    struct {
      PetscReal a_fine, a_coarse, a_incloud, a_gas, rain_lwc, qc_min;
    } p = {1e-5, 1e-4, 1e-4, 1e-4, 1e-7, 1e-6};
    void *ctx;
    ProcessStatus st;
    PetscReal m0 = fixture_mass(&x, so4), m1, lam = 1e-5 * PetscPowReal(2.0, 0.79);
    for (PetscInt c = 0; c < 10; c++)
      for (PetscInt s = 0; s < ns; s++) {
        x.f.q[c * ns + s] = 3e-9;
        x.f.tag[(c * ns + s) * 2] = 1e-9;
        x.f.tag[(c * ns + s) * 2 + 1] = 2e-9;
      }
    m0 = fixture_mass(&x, so4);
    PetscCall(process_deposition_wet.init(&p, &x.p, &ctx));
    PetscCall(process_deposition_wet.step(ctx, &x.p, 0, 600, &x.f, &st));
    tap_ok(x.f.q[so4] == 3e-9, "no precipitation, no scavenging");
    FW(x.f.precip)[0] = 2;
    FW(x.f.pblh)[0] = 150;
    for (PetscInt n = 0; n < 6; n++)
      PetscCall(process_deposition_wet.step(ctx, &x.p, 0, 600, &x.f, &st));
    PetscCall(process_deposition_wet.finalize(&ctx));
    m1 = fixture_mass(&x, so4);
    tap_ok(PetscAbsReal(x.f.q[so4] / (3e-9 * PetscExpReal(-lam * 3600)) - 1) < 1e-12,
           "fine sulfate decays as exp(-a P^0.79 t)");
    tap_ok(x.f.q[9 * ns + so4] == 3e-9, "air above the precipitating layers is untouched");
    tap_ok(PetscAbsReal(m0 - m1 - x.f.budget[BUDGET_WET_DEPOSITED * ns + so4]) < 1e-14 * m0,
           "mass lost equals mass deposited");
    tap_ok(PetscAbsReal(x.f.tag[so4 * 2] + x.f.tag[so4 * 2 + 1] - x.f.q[so4]) < 1e-15 * x.f.q[so4],
           "tags lose the same fraction as the bulk");
    tap_ok(x.f.q[2] > x.f.q[0], "soluble SO2 is washed out, NOx is not");
  }
  fixture_destroy(&x);
  PetscCall(PetscFinalize());
  return tap_done();
}
