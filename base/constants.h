#pragma once
/* Physical constants, in SI units, with their sources. Nothing else in the code writes these
   numbers. */

/* CODATA 2018 (exact since the 2019 SI redefinition). */
#define CONST_R_GAS 8.314462618      /* molar gas constant, J mol-1 K-1 */
#define CONST_AVOGADRO 6.02214076e23 /* mol-1 */
#define CONST_BOLTZMANN 1.380649e-23 /* J K-1 */

/* Dry air and water as WRF uses them (WRF share/module_model_constants.F). */
#define CONST_R_DRY 287.0            /* gas constant of dry air, J kg-1 K-1 */
#define CONST_R_VAPOUR 461.6         /* gas constant of water vapour, J kg-1 K-1 */
#define CONST_CP_DRY 1004.5          /* specific heat of dry air at constant pressure, J kg-1 K-1 */
#define CONST_P0 100000.0            /* reference pressure of potential temperature, Pa */
#define CONST_GRAVITY 9.81           /* gravitational acceleration, m s-2 */
#define CONST_EARTH_RADIUS 6370000.0 /* sphere radius used by WRF's map projections, m */
#define CONST_MOLAR_MASS_AIR 0.0289644    /* kg mol-1, US Standard Atmosphere 1976 */
#define CONST_MOLAR_MASS_WATER 0.01801528 /* kg mol-1 */
#define CONST_RHO_WATER 1000.0            /* density of liquid water, kg m-3 */

/* Surface layer. */
#define CONST_VON_KARMAN 0.4 /* von Karman constant (Hogstrom 1988 gives 0.40) */

/* Mathematics. */
#define CONST_PI 3.14159265358979323846
#define CONST_DEG2RAD (CONST_PI / 180.0)
