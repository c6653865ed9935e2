#pragma once
/* The species list, as data: one table gives every tracer's name, units and the properties
   that deposition and chemistry need. Nothing else in the code lists species; processes look
   their species up by name in init(). */
#include <petscsys.h>

typedef enum { PHASE_GAS, PHASE_AEROSOL } SpeciesPhase;

struct SpeciesInfo {
  const char *name;          /* short name used in namelists, output and tables: "so2" */
  const char *long_name;     /* for CF long_name */
  const char *standard_name; /* CF standard name of its mass concentration; NULL if none */
  SpeciesPhase phase;
  PetscReal molar_mass;       /* kg mol-1 (aerosols: of the ion, or 0 for mixtures) */
  PetscReal henry;            /* effective Henry's law constant at 298.15 K, M atm-1 (gases) */
  PetscReal henry_dh;         /* temperature dependence -dlnH/d(1/T), K (gases) */
  PetscReal reactivity;       /* Wesely (1989) reactivity factor f0, 0..1 (gases) */
  PetscReal diff_ratio;       /* molecular diffusivity of water vapour over the gas's, 1 (gases) */
  PetscReal diameter;         /* mass-median aerodynamic diameter, m (aerosols) */
  PetscReal particle_density; /* kg m-3 (aerosols) */
  PetscBool in_pm25;          /* counted in PM2.5 */
  PetscBool in_pm10;          /* counted in PM10 */
  const char *precursor; /* the emitted species a secondary one is made from (linear chemistry);
                            NULL if primary */
};
typedef struct SpeciesInfo SpeciesInfo;

/* The full species table and its length. Not collective. */
const SpeciesInfo *species_table(PetscInt *n);

/* Index of the species called name (case-insensitive) in table[0..n), or -1. Not collective. */
PetscInt species_find(const SpeciesInfo *table, PetscInt n, const char *name);
