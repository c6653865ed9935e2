#pragma once
/* Marginal abatement cost curves by sector and precursor, read from a CSV table:
     sector,precursor,tier_upto_fraction,yuan_per_tonne
     power,so2,0.5,2500
     power,so2,0.8,6000
     power,so2,0.95,15000
   Each (sector, precursor) pair has one or more tiers, in increasing tier_upto_fraction (0 < f
   <= 1): cutting the fraction of the pair's emissions from the previous tier's upper bound (0 for
   the first) up to f costs yuan_per_tonne for every tonne a year cut. The marginal costs must not
   decrease from tier to tier (a convex curve, which is what makes the least-cost plan a linear
   programme), and no cut beyond the last tier is possible. Sectors are those of
   model/emissions/profiles.h, precursors the emitted species that PM2.5 is made of or from (so2,
   nox, nh3, ppm25). */
#include <petscsys.h>
#include "model/emissions/profiles.h"

#define ABATEMENT_TIER_MAX 16 /* most tiers of one (sector, precursor) curve */

typedef struct {
  PetscInt ntier;                      /* 0: the table has no rows for the pair */
  PetscReal upto[ABATEMENT_TIER_MAX];  /* upper bound of each tier, fraction of the emissions */
  PetscReal price[ABATEMENT_TIER_MAX]; /* yuan per tonne a year cut within the tier */
  PetscInt line;                       /* line of the pair's first row, for messages */
} AbatementCurve;

typedef struct {
  char path[PETSC_MAX_PATH_LEN];
  PetscInt nspec;        /* species of the table physics/species.c */
  AbatementCurve *curve; /* [sector * nspec + species]; owned */
} AbatementCosts;

/* Read the table at path (a leading $BOGDA_DATA/ is expanded: base/data_path.h). Fails naming the
   file, line and value for an unknown sector or precursor, a fraction outside (0, 1] or not above
   the previous tier's, a negative or decreasing cost, too many tiers, and a malformed row. Not
   collective. */
PetscErrorCode abatement_costs_read(const char *path, AbatementCosts **c);

/* Free the table and set the handle to NULL; no-op on NULL. Not collective. */
PetscErrorCode abatement_costs_destroy(AbatementCosts **c);

/* The curve of sector s and species k (ntier 0 if the table has none). Not collective. */
const AbatementCurve *abatement_costs_curve(const AbatementCosts *c, PetscInt s, PetscInt k);
