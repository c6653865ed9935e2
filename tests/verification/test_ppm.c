/* One-dimensional PPM: exact for linear profiles, no new extrema for a step at Courant 0.1 to
   0.9, order of convergence on a smooth profile over three resolutions, exact conservation on a
   periodic line, and a uniform mixing ratio kept in a divergent flow. */
#include "tests/tap.h"
#include "physics/ppm.h"

#define G 3
static PetscReal q[1100], m[1100], F[1100], work[16];
static const PpmRows line = {.ns = 1, .ni = 1, .qs = 1, .ms = 1}; /* one line of one species */

/* Periodic ghosts of a line of n cells stored at offsets G .. G+n-1. */
static void wrap(PetscInt n, PetscReal *a)
{
  for (PetscInt g = 0; g < G; g++) {
    a[g] = a[n + g];
    a[G + n + g] = a[G + g];
  }
}

/* Advance a periodic line n steps at constant Courant number cr (unit masses). */
static void advect(PetscInt n, PetscReal cr, PetscInt steps)
{
  for (PetscInt c = 0; c < n + 2 * G + 1; c++) {
    m[c] = 1;
    F[c] = cr;
  }
  for (PetscInt k = 0; k < steps; k++) {
    wrap(n, q);
    ppm_sweep(ADVECTION_PPM, &line, 0, G, G + n, F, 1, q, m, NULL, work, NULL, NULL);
  }
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* Linear profile: the crossing air's mean is exact, for either flow direction, so one sweep
     gives the update with the exact face means. */
  {
    PetscReal worst = 0;
    for (PetscInt dirn = -1; dirn <= 1; dirn += 2) {
      PetscReal q0[40], qf[41];
      for (PetscInt c = 0; c < 40; c++) {
        q0[c] = q[c] = 2.385 + 0.37 * c;
        m[c] = 1;
      }
      for (PetscInt c = 0; c < 41; c++) F[c] = dirn * (0.05 + 0.02 * c);
      for (PetscInt f = 5; f <= 34; f++) {
        PetscReal x = PetscAbsReal(F[f]);
        qf[f] = dirn > 0 ? q0[f - 1] + 0.37 * (0.5 - 0.5 * x) : q0[f] - 0.37 * (0.5 - 0.5 * x);
      }
      ppm_sweep(ADVECTION_PPM, &line, 0, 5, 34, F, 1, q, m, NULL, work, NULL, NULL);
      for (PetscInt c = 5; c < 34; c++) {
        PetscReal exact = (q0[c] + F[c] * qf[c] - F[c + 1] * qf[c + 1]) / (1 + F[c] - F[c + 1]);
        worst = PetscMax(worst, PetscAbsReal(q[c] - exact));
      }
    }
    tap_ok(worst < 1e-13, "linear profile: the sweep uses the exact face means (to %.1e)",
           (double)worst);
  }
  /* A step at Courant 0.1 ... 0.9: no new extrema, mass conserved. */
  for (PetscInt k = 1; k <= 9; k += 2) {
    PetscReal cr = 0.1 * k, lo = 1e9, hi = -1e9, m0 = 0, m1 = 0;
    for (PetscInt c = 0; c < 100; c++) {
      q[G + c] = (c >= 20 && c < 50) ? 3.7 : 0.8;
      m0 += q[G + c];
    }
    advect(100, cr, 200);
    for (PetscInt c = 0; c < 100; c++) {
      lo = PetscMin(lo, q[G + c]);
      hi = PetscMax(hi, q[G + c]);
      m1 += q[G + c];
    }
    tap_ok(lo >= 0.8 - 1e-13 && hi <= 3.7 + 1e-13 && PetscAbsReal(m1 / m0 - 1) < 1e-14,
           "step at Courant %.1f: min %.15f max %.15f (bounds 0.8, 3.7), mass change %.1e",
           (double)cr, (double)lo, (double)hi, (double)(m1 / m0 - 1));
  }
  /* Convergence on a smooth profile, one period at Courant 0.5, N = 64, 128, 256. */
  {
    PetscReal err[3];
    for (PetscInt r = 0; r < 3; r++) {
      PetscInt n = 64 << r;
      PetscReal e = 0;
      for (PetscInt c = 0; c < n; c++) {
        PetscReal a = (PetscReal)c / n, b = (PetscReal)(c + 1) / n;
        q[G + c] = 1.5 - (PetscCosReal(2 * 3.14159265358979323846 * b) -
                          PetscCosReal(2 * 3.14159265358979323846 * a)) /
                             (2 * 3.14159265358979323846) * n;
      }
      {
        static PetscReal exact[1100];
        for (PetscInt c = 0; c < n; c++) exact[c] = q[G + c];
        advect(n, 0.5, 2 * n);
        for (PetscInt c = 0; c < n; c++) e += PetscAbsReal(q[G + c] - exact[c]) / n;
      }
      err[r] = e;
    }
    tap_diag("l1 errors after one period: %.3e %.3e %.3e", (double)err[0], (double)err[1],
             (double)err[2]);
    tap_ok(PetscLog2Real(err[1] / err[2]) >= 1.9 && PetscLog2Real(err[0] / err[1]) >= 1.9,
           "order of convergence %.2f and %.2f (limited PPM, smooth sine)",
           (double)PetscLog2Real(err[0] / err[1]), (double)PetscLog2Real(err[1] / err[2]));
  }
  /* A divergent flow keeps a uniform mixing ratio: masses change, q does not. */
  {
    PetscReal worst = 0;
    for (PetscInt c = 0; c < 40; c++) {
      q[c] = 1.234e-9;
      m[c] = 1 + 0.3 * PetscSinReal(0.9 * c);
    }
    for (PetscInt c = 0; c < 41; c++) F[c] = 0.4 * PetscSinReal(0.37 * c);
    ppm_sweep(ADVECTION_PPM, &line, 0, 5, 34, F, 1, q, m, NULL, work, NULL, NULL);
    for (PetscInt c = 5; c < 34; c++) worst = PetscMax(worst, PetscAbsReal(q[c] / 1.234e-9 - 1));
    tap_ok(worst < 1e-14, "uniform mixing ratio kept in a divergent sweep: %.1e", (double)worst);
  }
  PetscCall(PetscFinalize());
  return tap_done();
}
