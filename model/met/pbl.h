#pragma once
/* Surface-layer and boundary-layer similarity shared by the met sources: the Obukhov length,
   the friction velocity from the log law, the roughness length of a land-use mix, the
   Holtslag-Boville (1993) Kz profile and the boundary-layer height from a bulk Richardson
   number. Pure functions on numbers and columns; not collective. */
#include <petscsys.h>

#define PBL_USTAR_MIN 0.05    /* floor on u* from the log law, m s-1 (calm nights) */
#define PBL_LOG_RATIO_MIN 1.1 /* floor on z / z0 in the log law (a layer centre below 1.1 z0) */
#define PBL_HFX_NEUTRAL 1e-6  /* |H| below which the surface layer counts as neutral, W m-2 */
#define PBL_L_NEUTRAL 1e9     /* Obukhov length of a neutral surface layer, m */
#define PBL_Z0_SNOW 1e-3      /* roughness length of snow-covered low vegetation, m */
/* b in the bulk Richardson number's shear term b u*^2 (Vogelezang and Holtslag 1996). */
#define PBL_RI_USTAR_WEIGHT 100

/* Obukhov length L = -rho c_p T u*^3 / (kappa g H), m; PBL_L_NEUTRAL when |H| is below
   PBL_HFX_NEUTRAL. rho in kg m-3, T in K, ustar in m s-1, hfx (upward) in W m-2. */
PetscReal pbl_obukhov_length(PetscReal rho, PetscReal temperature, PetscReal ustar, PetscReal hfx);

/* Friction velocity from the log law u* = kappa U / ln(z / z0), with z / z0 at least
   PBL_LOG_RATIO_MIN and u* at least PBL_USTAR_MIN; U the wind speed at height z, m. */
PetscReal pbl_ustar_log_law(PetscReal wind, PetscReal z, PetscReal z0);

/* Roughness length of a column, m: the geometric mean of the classes' lengths weighted by the
   land-use fractions landuse[LANDUSE_N]; snow (fraction 0..1) smooths every class but forest
   and urban towards PBL_Z0_SNOW. */
PetscReal pbl_roughness(const PetscReal *landuse, PetscReal snow);

/* Vertical diffusivity at height z above ground, m2 s-1 (Holtslag and Boville 1993 form):
     z < h:   K = kappa u* z (1 - z/h)^2 / phi_h(z/L),  phi_h = 1 + 5 z/L (L > 0),
                                                       phi_h = (1 - 15 z/L)^(-1/2) (L < 0)
     z >= h:  K = kz_free
   then bounded to [kz_min, kz_max]. h is the boundary-layer height, L the Obukhov length. */
PetscReal pbl_kz(PetscReal z, PetscReal h, PetscReal ustar, PetscReal L, PetscReal kz_free,
                 PetscReal kz_min, PetscReal kz_max);

/* Boundary-layer height of a column from the bulk Richardson number (Vogelezang and Holtslag
   1996; Holtslag and Boville 1993), m above ground:
     Ri_b(z_k) = g (theta_v,k - theta_v,0) (z_k - z_0)
                 / (theta_v,0 ((u_k - u_0)^2 + (v_k - v_0)^2 + b u*^2))
   with level 0 the lowest layer and b = PBL_RI_USTAR_WEIGHT. h is where Ri_b first reaches
   ri_crit, interpolated linearly between layer centres, then bounded to [hmin, hmax] (hmax if
   Ri_b stays below ri_crit). z, theta_v, u, v: nz layer-centre values (m above ground, K,
   m s-1). */
PetscReal pbl_height_richardson(PetscInt nz, const PetscReal *z, const PetscReal *theta_v,
                                const PetscReal *u, const PetscReal *v, PetscReal ustar,
                                PetscReal ri_crit, PetscReal hmin, PetscReal hmax);
