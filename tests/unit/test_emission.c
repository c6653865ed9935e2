/* Emission processes: area entries add their mass exactly and credit one tag per family; a
   point source's plume spreads over the layers plume rise gives, adding its mass exactly. */
#include "tests/tap.h"
#include "tests/fixture.h"

extern const ProcessOps process_emission_area, process_emission_point;

int main(int argc, char **argv)
{
  Fixture x;
  PetscInt ns, nt = 5;
  void *ctx;
  ProcessStatus st;
  PetscReal factor[2] = {1.7, 0.4};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  fixture_create(&x, 3, 2, 12, 0, nt, 9000, 50, 1.2);
  ns = x.p.nspec;
  {
    /* Two families: tags 0-2 and 3-4. */
    PetscInt cell[3] = {patch_index(&x.p, 0, 0, 0), patch_index(&x.p, 2, 1, 0),
                        patch_index(&x.p, 0, 0, 0)};
    PetscInt prof[3] = {0, 1, 1}, tag[6] = {0, 3, 1, 4, 2, 4};
    PetscReal rate[3 * 8] = {0};
    Emissions em = {.nfamily = 2, .profile_factor = factor};
    rate[0 * ns + 0] = 2.385, rate[1 * ns + 6] = 0.5, rate[2 * ns + 0] = 1.25;
    em.area = (EmissionArea){3, cell, prof, tag, rate, NULL};
    x.f.emissions = &em;
    PetscCall(process_emission_area.init(NULL, &x.p, &ctx));
    PetscCall(process_emission_area.step(ctx, &x.p, 0, 300, &x.f, &st));
    PetscCall(process_emission_area.finalize(&ctx));
    {
      PetscReal so2 = fixture_mass(&x, 0), pm = fixture_mass(&x, 6),
                want = (2.385 * 1.7 + 1.25 * 0.4) * 300;
      PetscInt c0 = cell[0];
      tap_ok(PetscAbsReal(so2 / want - 1) < 1e-14, "SO2 mass added exactly: %.10g kg (want %.10g)",
             (double)so2, (double)want);
      tap_ok(PetscAbsReal(pm / (0.5 * 0.4 * 300) - 1) < 1e-14, "PM2.5 mass added exactly");
      tap_ok(PetscAbsReal(x.f.budget[BUDGET_EMITTED * ns] / want - 1) < 1e-14,
             "budget counts the emitted mass");
      tap_ok(PetscAbsReal(x.f.tag[(c0 * ns) * nt + 0] * x.f.air_mass[c0] / (2.385 * 1.7 * 300) -
                          1) < 1e-14 &&
                 PetscAbsReal(x.f.tag[(c0 * ns) * nt + 2] * x.f.air_mass[c0] / (1.25 * 0.4 * 300) -
                              1) < 1e-14,
             "family 1 credits each entry's own tag");
      tap_ok(PetscAbsReal(x.f.tag[(c0 * ns) * nt + 3] + x.f.tag[(c0 * ns) * nt + 4] -
                          x.f.q[c0 * ns]) < 1e-15 * x.f.q[c0 * ns],
             "family 2 also sums to the bulk");
    }
    x.f.emissions = NULL;
  }
  /* A point source: F = 31 m4/s3 from 50 m in neutral air, u = 5 m/s: rise 56.5 m, plume 78-135 m.
   */
  for (PetscInt c = 0; c < patch_size3(&x.p); c++) {
    FW(x.f.u)[c] = 5;
    FW(x.f.theta)[c] = 270;
    FW(x.f.temperature)[c] = 273;
  }
  {
    PetscInt pi = 1, pj = 1, prof = 0, tag[2] = {1, 3};
    PetscReal h = 50, d = 2, v = 10, T = 400, rate[8] = {0}, before, after;
    Emissions em = {.nfamily = 2, .profile_factor = factor};
    struct {
      PetscReal u_min, stable, bottom, top;
    } prm = {1, 0.002, 0.5, 1.5};
    rate[0] = 10;
    em.point = (EmissionPoint){1, &pi, &pj, &h, &d, &v, &T, &prof, tag, rate, NULL, NULL};
    x.f.emissions = &em;
    before = fixture_mass(&x, 0);
    PetscCall(process_emission_point.init(&prm, &x.p, &ctx));
    PetscCall(process_emission_point.step(ctx, &x.p, 0, 600, &x.f, &st));
    PetscCall(process_emission_point.finalize(&ctx));
    after = fixture_mass(&x, 0);
    tap_ok(PetscAbsReal((after - before) / (10 * 1.7 * 600) - 1) < 1e-14,
           "point source mass added exactly");
    {
      PetscReal in_plume = 0, total = 0;
      for (PetscInt k = 0; k < 12; k++) {
        PetscInt c = patch_index(&x.p, 1, 1, k);
        PetscReal m = x.f.q[c * ns] * x.f.air_mass[c];
        total += m;
        if (k >= 1 && k <= 2) in_plume += m; /* layers 50-100 and 100-150 m hold 78-135 m */
      }
      tap_ok(PetscAbsReal(in_plume / total - 1) < 1e-14,
             "the plume lands in the layers 50-150 m that plume rise gives");
      tap_ok(x.f.q[patch_index(&x.p, 1, 1, 1) * ns] > 0 &&
                 x.f.q[patch_index(&x.p, 1, 1, 0) * ns] == 0,
             "nothing at the ground");
    }
  }
  fixture_destroy(&x);
  PetscCall(PetscFinalize());
  return tap_done();
}
