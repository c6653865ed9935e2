/* Briggs plume rise: three stack-and-weather cases against values computed by hand, and the
   winter inversion: a weak plume stays below it, a stack above it puts its plume above it. */
#include "tests/tap.h"
#include "physics/plume_rise.h"

#define NZ 40
static PetscReal zmid[NZ], dz[NZ], theta[NZ], temp[NZ], wind[NZ], frac[NZ];
static const PlumeRiseParams prm = {1.0, 0.002, 0.5, 1.5};

/* 25 m layers; theta = 270 + gradient(z); air temperature 273 K; wind u. */
static PlumeColumn column(PetscReal (*grad)(PetscReal), PetscReal u)
{
  for (PetscInt k = 0; k < NZ; k++) {
    dz[k] = 25;
    zmid[k] = 25 * (k + 0.5);
    theta[k] = 270 + grad(zmid[k]);
    temp[k] = 273;
    wind[k] = u;
  }
  return (PlumeColumn){NZ, zmid, dz, theta, temp, wind};
}
static PetscReal neutral(PetscReal z)
{
  (void)z;
  return 0;
}
static PetscReal stable(PetscReal z)
{
  return 0.015 * z;
}
/* Neutral below 300 m, an inversion of 3 K per 100 m from 300 to 400 m, neutral above. */
static PetscReal inversion(PetscReal z)
{
  return z < 300 ? 0 : (z < 400 ? 0.03 * (z - 300) : 3);
}

int main(int argc, char **argv)
{
  PetscReal dh;
  PlumeColumn c;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  /* Case 1, neutral, F < 55: r = 1 m, vs = 10 m/s, Ts = 400 K, Ta = 273 K:
     F = 9.81 * 10 * 1 * 127 / 400 = 31.147 m4 s-3; dh = 21.425 F^0.75 / u = 21.425 * 13.189 / 5
     = 56.51 m. */
  c = column(neutral, 5);
  dh = plume_rise(&prm, &c, 50, 2, 10, 400);
  tap_ok(PetscAbsReal(dh - 56.51) < 0.05,
         "neutral, F = 31 m4/s3, u = 5 m/s: rise %.2f m (hand: 56.51 m)", (double)dh);
  /* Case 2, neutral, F >= 55: r = 2.5 m, vs = 20 m/s, Ts = 420 K: F = 9.81 * 20 * 6.25 * 147 / 420
     = 429.19; dh = 38.71 F^0.6 / u = 38.71 * 37.986 / 8 = 183.80 m. */
  c = column(neutral, 8);
  dh = plume_rise(&prm, &c, 150, 5, 20, 420);
  tap_ok(PetscAbsReal(dh - 183.80) < 0.1,
         "neutral, F = 429 m4/s3, u = 8 m/s: rise %.2f m (hand: 183.80 m)", (double)dh);
  /* Case 3, stable, dtheta/dz = 0.015 K/m at theta near 270 K: s = 9.81 / theta * 0.015; with case
     1's stack, dh = 2.6 (F / (u s))^(1/3); at theta = 270.9 K (the stack layer): s = 5.432e-4, dh
     = 2.6 * 22.54 = 58.6 m. */
  c = column(stable, 5);
  dh = plume_rise(&prm, &c, 50, 2, 10, 400);
  tap_ok(PetscAbsReal(dh - 58.6) < 0.6, "stable, 1.5 K/100 m: rise %.2f m (hand: 58.6 m)",
         (double)dh);
  /* The inversion: case 1's plume from 100 m stays below the inversion base at 300 m. */
  c = column(inversion, 5);
  dh = plume_rise(&prm, &c, 100, 2, 10, 400);
  tap_ok(100 + 1.5 * dh < 300, "a weak plume from 100 m stays under the inversion (top at %.0f m)",
         (double)(100 + 1.5 * dh));
  /* A big power-plant plume (d = 8 m, vs = 25 m/s, 430 K, F = 2866) from 240 m penetrates it. */
  dh = plume_rise(&prm, &c, 240, 8, 25, 430);
  tap_ok(240 + dh > 400, "a strong plume from 240 m rises through the inversion to %.0f m",
         (double)(240 + dh));
  /* A stack above the inversion puts all its emissions above it. */
  dh = plume_rise(&prm, &c, 420, 2, 10, 400);
  plume_rise_layers(&c, 420 + 0.5 * dh, 420 + 1.5 * dh, frac);
  {
    PetscReal below = 0, sum = 0;
    for (PetscInt k = 0; k < NZ; k++) {
      sum += frac[k];
      if (zmid[k] < 400) below += frac[k];
    }
    tap_ok(below == 0 && PetscAbsReal(sum - 1) < 1e-15,
           "a stack above the inversion: nothing below 400 m, fractions sum to 1");
  }
  plume_rise_layers(&c, 60, 60, frac);
  tap_ok(frac[2] == 1, "a plume of no depth goes into the layer of its height");
  PetscCall(PetscFinalize());
  return tap_done();
}
