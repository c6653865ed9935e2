#pragma once
/* Emission sectors and their time profiles. A sector's emission rate at time t is its annual
   mean rate times month[m] * weekday[w] * hour[h], taken in local time (UTC + utc_offset). Each
   of the three factor sets averages to 1 over its period (months weighted by their days), so the
   annual total is kept. */
#include <petscsys.h>
#include "base/param.h"

typedef enum {
  SECTOR_POWER,       /* power plants and combined heat and power */
  SECTOR_INDUSTRY,    /* industrial combustion and processes */
  SECTOR_RESIDENTIAL, /* residential and commercial, heating included */
  SECTOR_TRANSPORT,   /* on-road and off-road transport */
  SECTOR_AGRICULTURE, /* livestock and fertiliser (NH3) */
  SECTOR_N
} Sector;

extern const char *const sector_names[]; /* SECTOR_N names and a NULL, for namelist enums */

typedef struct {
  PetscReal month[SECTOR_N][12];  /* January first */
  PetscReal weekday[SECTOR_N][7]; /* Monday first */
  PetscReal hour[SECTOR_N][24];   /* local hour 0..23 */
  PetscReal utc_offset;           /* h, local time minus UTC */
} Profiles;

/* Read the &emission_profiles group (defaults in the code, with the heating season built into
   the residential monthly factors), normalise nothing silently: a set that does not average to 1
   within 1e-6 is an error naming the key. Collective. */
PetscErrorCode profiles_create(MPI_Comm comm, Profiles **p);

/* Destroy; no-op on NULL. Not collective. */
PetscErrorCode profiles_destroy(Profiles **p);

/* The factor of sector s at time t (s since 1970-01-01Z). Not collective. */
PetscReal profiles_factor(const Profiles *p, Sector s, PetscReal t);

/* Index of a sector name, or -1. Not collective. */
PetscInt profiles_sector(const char *name);

/* The &emission_profiles namelist group (for the registry's list of groups). */
extern const ParamGroup profiles_group;
