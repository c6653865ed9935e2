/* The species table. Gas properties follow Wesely (1989, Atmos. Environ. 23:1293, Table 2) for
   the effective Henry's law constants, reactivity factors and diffusivity ratios (SO2's
   effective H* includes its dissociation at pH 7, as Wesely tabulates it); particle sizes are
   the mass-median diameters of a winter urban accumulation mode (sulfate, nitrate, ammonium and
   primary fine PM) and of coarse dust, as used by CMAQ's aerosol modes. */
#include "physics/species.h"
#include <string.h>
#include <strings.h>

static const SpeciesInfo table[] = {
    {.name = "so2",
     .long_name = "sulfur dioxide",
     .standard_name = "mass_concentration_of_sulfur_dioxide_in_air",
     .phase = PHASE_GAS,
     .molar_mass = 0.064066,
     .henry = 1.0e5,
     .henry_dh = 3100.0,
     .reactivity = 0.0,
     .diff_ratio = 1.9},
    {.name = "so4",
     .long_name = "sulfate aerosol",
     .standard_name = "mass_concentration_of_sulfate_dry_aerosol_particles_in_air",
     .phase = PHASE_AEROSOL,
     .molar_mass = 0.096063,
     .diameter = 0.4e-6,
     .particle_density = 1770.0,
     .in_pm25 = PETSC_TRUE,
     .in_pm10 = PETSC_TRUE,
     .precursor = "so2"},
    {.name = "nox",
     .long_name = "nitrogen oxides expressed as nitrogen dioxide",
     .standard_name = NULL,
     .phase = PHASE_GAS,
     .molar_mass = 0.046006,
     .henry = 0.01,
     .henry_dh = 2500.0,
     .reactivity = 0.1,
     .diff_ratio = 1.6},
    {.name = "no3",
     .long_name = "nitrate aerosol",
     .standard_name = "mass_concentration_of_nitrate_dry_aerosol_particles_in_air",
     .phase = PHASE_AEROSOL,
     .molar_mass = 0.062004,
     .diameter = 0.4e-6,
     .particle_density = 1725.0,
     .in_pm25 = PETSC_TRUE,
     .in_pm10 = PETSC_TRUE,
     .precursor = "nox"},
    {.name = "nh3",
     .long_name = "ammonia",
     .standard_name = "mass_concentration_of_ammonia_in_air",
     .phase = PHASE_GAS,
     .molar_mass = 0.017031,
     .henry = 2.0e4,
     .henry_dh = 4100.0,
     .reactivity = 0.0,
     .diff_ratio = 0.97},
    {.name = "nh4",
     .long_name = "ammonium aerosol",
     .standard_name = "mass_concentration_of_ammonium_dry_aerosol_particles_in_air",
     .phase = PHASE_AEROSOL,
     .molar_mass = 0.018038,
     .diameter = 0.4e-6,
     .particle_density = 1770.0,
     .in_pm25 = PETSC_TRUE,
     .in_pm10 = PETSC_TRUE,
     .precursor = "nh3"},
    {.name = "ppm25",
     .long_name = "primary fine particulate matter (PM2.5)",
     .standard_name = NULL,
     .phase = PHASE_AEROSOL,
     .molar_mass = 0.0,
     .diameter = 0.5e-6,
     .particle_density = 1500.0,
     .in_pm25 = PETSC_TRUE,
     .in_pm10 = PETSC_TRUE},
    {.name = "ppmc",
     .long_name = "primary coarse particulate matter (PM10 minus PM2.5)",
     .standard_name = NULL,
     .phase = PHASE_AEROSOL,
     .molar_mass = 0.0,
     .diameter = 4.5e-6,
     .particle_density = 2600.0,
     .in_pm25 = PETSC_FALSE,
     .in_pm10 = PETSC_TRUE},
};

const SpeciesInfo *species_table(PetscInt *n)
{
  *n = (PetscInt)(sizeof(table) / sizeof(table[0]));
  return table;
}

PetscInt species_find(const SpeciesInfo *tab, PetscInt n, const char *name)
{
  for (PetscInt s = 0; s < n; s++)
    if (!strcasecmp(tab[s].name, name)) return s;
  return -1;
}
