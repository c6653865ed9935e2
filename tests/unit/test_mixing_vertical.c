/* Vertical mixing: Gaussian spreading against the analytic variance, mass conservation,
   tags (sum and linearity), and dry deposition of a well-mixed column against the analytic
   exponential decay with mass lost equal to mass deposited. */
#include "tests/tap.h"
#include "tests/fixture.h"
#include "base/constants.h"

extern const ProcessOps process_mixing_vertical;

static PetscErrorCode run(Fixture *x, PetscReal kz_min, PetscReal kz_max, PetscReal dt,
                          PetscInt nsteps)
{
  struct {
    PetscReal kz_min, kz_max;
  } params = {kz_min, kz_max};
  void *ctx;
  ProcessStatus st;

  PetscFunctionBeginUser;
  PetscCall(process_mixing_vertical.init(&params, &x->p, &ctx));
  for (PetscInt n = 0; n < nsteps; n++)
    PetscCall(process_mixing_vertical.step(ctx, &x->p, 0, dt, &x->f, &st));
  PetscCall(process_mixing_vertical.finalize(&ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Fixture x, y;
  PetscInt nz = 400, ns;
  PetscReal dz = 10, K = 5, s0 = 100, zc = 2000, T = 3600, dt = 60, var0 = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* 1. Gaussian spreading in a uniform column: variance grows by 2 K t. */
  fixture_create(&x, 1, 1, nz, 0, 0, 1000, dz, 1.0);
  ns = x.p.nspec;
  for (PetscInt k = 0; k < nz; k++) {
    PetscReal z = (k + 0.5) * dz;
    x.f.q[k * ns + 0] = 2.385e-9 * PetscExpReal(-0.5 * PetscSqr((z - zc) / s0));
    FW(x.f.kz)[k] = K;
  }
  {
    PetscReal a = 0, b = 0, c = 0;
    for (PetscInt k = 0; k < nz; k++) {
      PetscReal z = (k + 0.5) * dz, q = x.f.q[k * ns];
      a += q, b += q * z, c += q * z * z;
    }
    var0 = c / a - PetscSqr(b / a);
  }
  PetscCall(run(&x, 0, 1e4, dt, (PetscInt)(T / dt)));
  {
    PetscReal m0 = 0, m1 = 0, m2 = 0, var, l2 = 0, norm = 0, sig2 = s0 * s0 + 2 * K * T;
    for (PetscInt k = 0; k < nz; k++) {
      PetscReal z = (k + 0.5) * dz, q = x.f.q[k * ns];
      m0 += q;
      m1 += q * z;
      m2 += q * z * z;
    }
    var = m2 / m0 - PetscSqr(m1 / m0);
    tap_ok(PetscAbsReal((var - var0) / (2 * K * T) - 1) < 1e-9,
           "variance grows by %.9g m2 in 1 h; analytic 2Kt = %.9g", (double)(var - var0),
           (double)(2 * K * T));
    for (PetscInt k = 0; k < nz; k++) {
      PetscReal z = (k + 0.5) * dz, exact = m0 * dz / PetscSqrtReal(2 * CONST_PI * sig2) *
                                            PetscExpReal(-0.5 * PetscSqr(z - zc) / sig2);
      l2 += PetscSqr(x.f.q[k * ns] - exact);
      norm += PetscSqr(exact);
    }
    tap_ok(PetscSqrtReal(l2 / norm) < 2e-2,
           "profile matches the analytic Gaussian, relative l2 error %.2e",
           (double)PetscSqrtReal(l2 / norm));
  }
  fixture_destroy(&x);

  /* 2. Mass conservation with varying density, thickness and K; 3. tags. */
  fixture_create(&x, 2, 2, 30, 0, 3, 9000, 50, 1.1);
  fixture_create(&y, 2, 2, 30, 0, 0, 9000, 50, 1.1);
  ns = x.p.nspec;
  for (PetscInt c = 0; c < patch_size3(&x.p); c++) {
    PetscInt k = c / patch_size2(&x.p);
    FW(x.f.rho)[c] = FW(y.f.rho)[c] = 1.2 * PetscExpReal(-k * 50 / 8000.0);
    FW(x.f.dz)[c] = FW(y.f.dz)[c] = 20 + 7.3 * k;
    x.f.air_mass[c] = y.f.air_mass[c] = x.f.rho[c] * x.f.dz[c] * 9000 * 9000;
    FW(x.f.kz)[c] = FW(y.f.kz)[c] = 0.5 + 30 * PetscExpReal(-PetscSqr((k - 6) / 4.0));
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal q = (1 + s) * 1e-9 * (1 + 0.3 * PetscSinReal(0.7 * k + c));
      x.f.q[c * ns + s] = q;
      x.f.tag[(c * ns + s) * 3 + 0] = 0.25 * q;
      x.f.tag[(c * ns + s) * 3 + 1] = 0.60 * q * (k % 2);
      x.f.tag[(c * ns + s) * 3 + 2] = q - 0.25 * q - 0.60 * q * (k % 2);
      y.f.q[c * ns + s] = 0.60 * q * (k % 2);
    }
  }
  {
    PetscReal before = fixture_mass(&x, 3), after, worst = 0, lin = 0;
    PetscCall(run(&x, 0.1, 1000, 900, 8));
    PetscCall(run(&y, 0.1, 1000, 900, 8));
    after = fixture_mass(&x, 3);
    tap_ok(PetscAbsReal(after / before - 1) < 1e-13,
           "mass conserved without deposition: relative change %.1e", (double)(after / before - 1));
    for (PetscInt c = 0; c < patch_size3(&x.p); c++)
      for (PetscInt s = 0; s < ns; s++) {
        const PetscReal *t = &x.f.tag[(c * ns + s) * 3];
        worst = PetscMax(worst,
                         PetscAbsReal(t[0] + t[1] + t[2] - x.f.q[c * ns + s]) / x.f.q[c * ns + s]);
        lin = PetscMax(lin, PetscAbsReal(t[1] - y.f.q[c * ns + s]) / x.f.q[c * ns + s]);
      }
    tap_ok(worst < 1e-13, "tags sum to the bulk: worst relative deviation %.1e", (double)worst);
    tap_ok(lin < 1e-13, "a tag equals a separate bulk run of its share: worst %.1e", (double)lin);
  }
  fixture_destroy(&x);
  fixture_destroy(&y);

  /* 4. Deposition from a well-mixed column: C(t) = C0 (1 + vd dt / H)^-n -> exp(-vd t / H). */
  fixture_create(&x, 1, 1, 20, 0, 0, 5000, 50, 1.0);
  ns = x.p.nspec;
  for (PetscInt k = 0; k < 20; k++) {
    x.f.q[k * ns + 1] = 5e-9;
    FW(x.f.kz)[k] = 5e4;
  }
  x.f.vdep[1] = 0.01;
  {
    PetscReal H = 1000, m0 = fixture_mass(&x, 1), t = 6 * 3600, mean = 0, m1;
    PetscCall(run(&x, 0, 1e5, 60, 360));
    for (PetscInt k = 0; k < 20; k++) mean += x.f.q[k * ns + 1] / 20;
    tap_ok(PetscAbsReal(mean / (5e-9 * PetscExpReal(-0.01 * t / H)) - 1) < 2e-3,
           "well-mixed column decays as exp(-vd t / H): %.6e vs %.6e", (double)mean,
           (double)(5e-9 * PetscExpReal(-0.01 * t / H)));
    m1 = fixture_mass(&x, 1);
    tap_diag("difference %.3e kg of %.3e",
             (double)(m0 - m1 - x.f.budget[BUDGET_DRY_DEPOSITED * ns + 1]), (double)m0);
    tap_ok(PetscAbsReal(m0 - m1 - x.f.budget[BUDGET_DRY_DEPOSITED * ns + 1]) < 1e-11 * m0,
           "mass lost equals mass deposited to 1e-11 of the initial mass (stiff K, 360 steps) "
           "(%.6e kg)",
           (double)(m0 - m1));
    tap_ok(PetscAbsReal(x.f.dep_dry[1] * x.p.area[0] - (m0 - m1)) < 1e-11 * m0,
           "the deposition map holds the deposited mass");
  }
  fixture_destroy(&x);
  PetscCall(PetscFinalize());
  return tap_done();
}
