#pragma once
/* The one place where mass mixing ratios (the state, kg kg-1) and mass concentrations (output
   and inputs, ug m-3 at the local air density) are converted (DESIGN.md "Units"). */
#include <petscsys.h>

#define UNITS_UG_PER_KG 1e9                /* micrograms in a kilogram */
#define SECONDS_PER_YEAR (365.0 * 86400.0) /* the inventories' year */
#define KG_PER_T 1000.0

/* Concentration in ug m-3 of a mixing ratio q (kg kg-1) in air of density rho (kg m-3). */
static inline PetscReal units_mixing_ratio_to_ugm3(PetscReal q, PetscReal rho)
{
  return q * rho * UNITS_UG_PER_KG;
}

/* Mixing ratio (kg kg-1) of a concentration c (ug m-3) in air of density rho (kg m-3). */
static inline PetscReal units_ugm3_to_mixing_ratio(PetscReal c, PetscReal rho)
{
  return c / (rho * UNITS_UG_PER_KG);
}
