/* Mass-consistent adjustment: a divergence-free first guess is kept; a flow blocked by a
   ridge (faces of small area over it, as terrain-following layers are thinner there) becomes
   divergence-free to the solver tolerance, with no flux through the ground; with a large
   vertical weight (stable air) less air goes over the ridge than with a small one (neutral). */
#include "tests/tap.h"
#include "model/met/wind_adjust.h"

#define NX 24
#define NY 16
#define NZ 10
static PetscReal tx[(NX + 1) * NY * NZ], ty[NX * (NY + 1) * NZ], tw[NX * NY * (NZ + 1)];
static PetscReal fx[(NX + 1) * NY * NZ], fy[NX * (NY + 1) * NZ], fw[NX * NY * (NZ + 1)];

/* A ridge across x = 12 between y = 4 and 11 squeezes the layers (conductance and first-guess
   flux scale with the layer thickness); a uniform flow of 1 kg/s per unit thickness. */
static void setup(PetscReal vertical)
{
  for (PetscInt k = 0; k < NZ; k++)
    for (PetscInt j = 0; j < NY; j++)
      for (PetscInt i = 0; i <= NX; i++) {
        PetscReal thick = (i >= 11 && i <= 13 && j >= 4 && j <= 11) ? 0.5 : 1.0;
        tx[(k * NY + j) * (NX + 1) + i] = thick;
        fx[(k * NY + j) * (NX + 1) + i] = thick;
      }
  for (PetscInt c = 0; c < NX * (NY + 1) * NZ; c++) ty[c] = 1, fy[c] = 0;
  for (PetscInt c = 0; c < NX * NY * (NZ + 1); c++) tw[c] = c < NX * NY ? 0 : vertical;
}

int main(int argc, char **argv)
{
  WindAdjust *w;
  PetscInt its;
  PetscReal res, over[2];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(wind_adjust_create(NX, NY, NZ, &w));
  /* Uniform flow over flat ground: unchanged. */
  for (PetscInt c = 0; c < (NX + 1) * NY * NZ; c++) tx[c] = 1, fx[c] = 2.385;
  for (PetscInt c = 0; c < NX * (NY + 1) * NZ; c++) ty[c] = 1, fy[c] = -0.75;
  for (PetscInt c = 0; c < NX * NY * (NZ + 1); c++) tw[c] = 5;
  PetscCall(wind_adjust_solve(w, tx, ty, tw, fx, fy, fw, &its, &res));
  {
    PetscReal dev = 0;
    for (PetscInt c = 0; c < (NX + 1) * NY * NZ; c++)
      dev = PetscMax(dev, PetscAbsReal(fx[c] - 2.385));
    for (PetscInt c = 0; c < NX * NY * (NZ + 1); c++) dev = PetscMax(dev, PetscAbsReal(fw[c]));
    tap_ok(dev < 1e-12, "a uniform flow over flat ground is left unchanged (largest change %.1e)",
           (double)dev);
  }
  for (PetscInt n = 0; n < 2; n++) {
    PetscReal ground = 0, total = 0;
    setup(n == 0 ? 100.0 : 0.01);
    for (PetscInt c = 0; c < (NX + 1) * NY * NZ; c++) total = PetscMax(total, PetscAbsReal(fx[c]));
    PetscCall(wind_adjust_solve(w, tx, ty, tw, fx, fy, fw, &its, &res));
    for (PetscInt c = 0; c < NX * NY; c++) ground = PetscMax(ground, PetscAbsReal(fw[c]));
    tap_ok(res < 1e-8 * total, "%s: divergence-free to %.1e of the flux in %d CG iterations",
           n == 0 ? "neutral" : "stable", (double)(res / total), (int)its);
    tap_ok(ground == 0, "%s: no flux through the ground", n == 0 ? "neutral" : "stable");
    over[n] = 0;
    for (PetscInt k = 1; k < NZ; k++) over[n] += PetscAbsReal(fw[(k * NY + 8) * NX + 11]);
  }
  tap_ok(over[1] < 0.5 * over[0],
         "stable air goes over the ridge less than neutral air (vertical flux %.3g vs %.3g)",
         (double)over[1], (double)over[0]);
  PetscCall(wind_adjust_destroy(&w));
  PetscCall(PetscFinalize());
  return tap_done();
}
