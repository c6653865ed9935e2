/* Briggs plume rise, layer by layer.

   Fluxes (Briggs 1969, 1975): buoyancy F = g vs r^2 (Ts - Ta) / Ts (m4 s-3), momentum
   Fm = vs^2 r^2 Ta / Ts (m4 s-2), r = d / 2, Ta the air temperature at the stack top.
   Final rise in a neutral or unstable layer (Briggs 1975):
     dh = 21.425 F^(3/4) / u  (F < 55),   dh = 38.71 F^(3/5) / u  (F >= 55);  momentum 3 d vs / u.
   In a stable layer with s = g / theta dtheta/dz (Briggs 1975):
     dh = 2.6 (F / (u s))^(1/3),  momentum 1.5 (Fm / (u sqrt s))^(1/3).
   Layers (the residual-buoyancy method of Briggs 1984 as used by SMOKE's plume rise for CMAQ):
   the plume climbs from the stack through the layers; in a stable layer, rising from z to z'
   (heights above the stack) uses up the buoyancy flux u s (z'^3 - z^3) / 2.6^3, so that in a
   uniform stable atmosphere the plume stops exactly at Briggs's stable rise; a neutral layer
   uses none, and the plume stops where the neutral rise of the remaining flux, counted from
   the stack, ends inside the layer. So a weak plume stops under or in a winter
   inversion, a strong one penetrates it, and a stack above the inversion stays above it. The
   momentum rise from the stack is taken when it is larger (jets). The plume then spans
   [hs + bottom_factor dh, hs + top_factor dh]. */
#include "physics/plume_rise.h"
#include "base/constants.h"

static PetscReal neutral_rise(PetscReal F, PetscReal u)
{
  if (F <= 0) return 0;
  return F < 55 ? 21.425 * PetscPowReal(F, 0.75) / u : 38.71 * PetscPowReal(F, 0.6) / u;
}

/* Stability s (s-2) of layer k from the theta gradient to the layer above (below for the top). */
static PetscReal layer_stability(const PlumeColumn *c, PetscInt k, PetscReal *dthdz)
{
  PetscInt a = k + 1 < c->nz ? k : k - 1;
  *dthdz = (c->theta[a + 1] - c->theta[a]) / (c->zmid[a + 1] - c->zmid[a]);
  return CONST_GRAVITY / c->theta[k] * *dthdz;
}

static PetscInt layer_of(const PlumeColumn *c, PetscReal z)
{
  for (PetscInt k = 0; k < c->nz; k++)
    if (z < c->zmid[k] + 0.5 * c->dz[k]) return k;
  return c->nz - 1;
}

PetscReal plume_rise(const PlumeRiseParams *p, const PlumeColumn *c, PetscReal hs, PetscReal d,
                     PetscReal vs, PetscReal ts)
{
  PetscInt ks = layer_of(c, hs);
  PetscReal r = 0.5 * d, ta = c->temp[ks], u = PetscMax(c->wind[ks], p->u_min);
  PetscReal F = CONST_GRAVITY * vs * r * r * (ts - ta) / ts, Fm = vs * vs * r * r * ta / ts;
  PetscReal z = hs, dthdz, s = layer_stability(c, ks, &dthdz), dm;
  PetscReal ztop_model = c->zmid[c->nz - 1] + 0.5 * c->dz[c->nz - 1];

  dm = dthdz > p->stable_dthetadz ? 1.5 * PetscCbrtReal(Fm / (u * PetscSqrtReal(s)))
                                  : 3 * d * vs / u;
  for (PetscInt k = ks; k < c->nz && F > 0; k++) {
    PetscReal top = c->zmid[k] + 0.5 * c->dz[k], uk = PetscMax(c->wind[k], p->u_min);
    s = layer_stability(c, k, &dthdz);
    if (dthdz > p->stable_dthetadz) {
      /* Rising from z to z' above the stack in stability s costs u s ((z'-hs)^3 - (z-hs)^3)
       * / 2.6^3. */
      PetscReal cost = uk * s / PetscPowReal(2.6, 3),
                need = cost * (PetscPowReal(top - hs, 3) - PetscPowReal(z - hs, 3));
      if (need >= F) {
        z = hs + PetscCbrtReal(PetscPowReal(z - hs, 3) + F / cost);
        F = 0;
        break;
      }
      F -= need;
    } else {
      PetscReal rise = neutral_rise(F, uk);
      if (hs + rise <= top) {
        z = PetscMax(z, hs + rise);
        F = 0;
        break;
      }
    }
    z = top;
  }
  z = PetscMin(z, ztop_model);
  return PetscMax(z - hs, dm);
}

void plume_rise_layers(const PlumeColumn *c, PetscReal bottom, PetscReal top, PetscReal *frac)
{
  PetscReal sum = 0;
  if (top - bottom <= 0) {
    for (PetscInt k = 0; k < c->nz; k++) frac[k] = 0;
    frac[layer_of(c, bottom)] = 1;
    return;
  }
  for (PetscInt k = 0; k < c->nz; k++) {
    PetscReal lo = c->zmid[k] - 0.5 * c->dz[k], hi = c->zmid[k] + 0.5 * c->dz[k];
    if (k == c->nz - 1) hi = PetscMax(hi, top);
    if (k == 0) lo = PetscMin(lo, bottom);
    frac[k] = PetscMax(0, PetscMin(hi, top) - PetscMax(lo, bottom));
    sum += frac[k];
  }
  for (PetscInt k = 0; k < c->nz; k++) frac[k] /= sum;
}
