/* Surface-layer and boundary-layer similarity (see pbl.h for the formulas).
   References: Holtslag, A. A. M. and Boville, B. A. (1993), Local versus nonlocal
   boundary-layer diffusion in a global climate model, J. Climate 6, 1825-1842; Vogelezang,
   D. H. P. and Holtslag, A. A. M. (1996), Evaluation and model impacts of alternative
   boundary-layer height formulations, Boundary-Layer Meteorol. 81, 245-269. Roughness lengths
   of the land-use classes are base/landuse.h's table. */
#include "model/met/pbl.h"
#include "base/constants.h"
#include "base/landuse.h"

PetscReal pbl_obukhov_length(PetscReal rho, PetscReal temperature, PetscReal ustar, PetscReal hfx)
{
  if (PetscAbsReal(hfx) < PBL_HFX_NEUTRAL) return PBL_L_NEUTRAL;
  return -rho * CONST_CP_DRY * temperature * PetscPowReal(ustar, 3) /
         (CONST_VON_KARMAN * CONST_GRAVITY * hfx);
}

PetscReal pbl_ustar_log_law(PetscReal wind, PetscReal z, PetscReal z0)
{
  return PetscMax(CONST_VON_KARMAN * wind / PetscLogReal(PetscMax(z / z0, PBL_LOG_RATIO_MIN)),
                  PBL_USTAR_MIN);
}

PetscReal pbl_roughness(const PetscReal *lu, PetscReal snow)
{
  const PetscReal *z0 = landuse_roughness_length;
  PetscReal lz = 0;
  for (PetscInt c = 0; c < LANDUSE_N; c++)
    lz += lu[c] * PetscLogReal(c == LANDUSE_FOREST || c == LANDUSE_URBAN
                                   ? z0[c]
                                   : (1 - snow) * z0[c] + snow * PBL_Z0_SNOW);
  return PetscExpReal(lz);
}

PetscReal pbl_kz(PetscReal z, PetscReal h, PetscReal ustar, PetscReal L, PetscReal kz_free,
                 PetscReal kz_min, PetscReal kz_max)
{
  PetscReal kz;
  if (z < h) {
    PetscReal phi = L > 0 ? 1 + 5 * z / L : PetscPowReal(1 - 15 * z / L, -0.5);
    kz = CONST_VON_KARMAN * ustar * z * PetscSqr(1 - z / h) / phi;
  } else
    kz = kz_free;
  return PetscMin(PetscMax(kz, kz_min), kz_max);
}

PetscReal pbl_height_richardson(PetscInt nz, const PetscReal *z, const PetscReal *theta_v,
                                const PetscReal *u, const PetscReal *v, PetscReal ustar,
                                PetscReal ri_crit, PetscReal hmin, PetscReal hmax)
{
  PetscReal ri_prev = 0, h = hmax;
  for (PetscInt k = 1; k < nz; k++) {
    PetscReal shear =
        PetscSqr(u[k] - u[0]) + PetscSqr(v[k] - v[0]) + PBL_RI_USTAR_WEIGHT * ustar * ustar;
    PetscReal ri = CONST_GRAVITY * (theta_v[k] - theta_v[0]) * (z[k] - z[0]) / (theta_v[0] * shear);
    if (ri >= ri_crit) {
      h = z[k - 1] + (z[k] - z[k - 1]) * (ri_crit - ri_prev) / (ri - ri_prev);
      break;
    }
    ri_prev = ri;
  }
  return PetscMin(PetscMax(h, hmin), hmax);
}
