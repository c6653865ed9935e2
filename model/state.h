#pragma once
/* The model state: mass mixing ratios of every species, tagged mixing ratios, and the air mass
   of every cell, kept in ghosted local vectors on DMDAs that share the grid's decomposition
   (c[k][j][i][s] with species fastest, t[k][j][i][s*ntag+tag] with tags fastest). Ghosts are
   exchanged in place, slab by slab (model/halo.c), without a copy of the interior. */
#include <petscdmda.h>
#include "grids/grid.h"
#include "model/halo.h"
#include "physics/fields.h"

typedef struct {
  const Grid *grid;     /* borrowed */
  PetscInt nspec, ntag; /* species; tags per species (0 without attribution) */
  DM da_q;              /* dof nspec; owned */
  DM da_tag;            /* dof nspec*ntag, NULL without tags; owned */
  DM da_dep;            /* 2D, dof nspec, for accumulated deposition; owned */
  Vec q, tag, air_mass; /* ghosted local vectors holding the state; owned (tag may be NULL) */
  Vec dep_dry, dep_wet; /* accumulated deposition, kg m-2, ghosted local on da_dep; owned */
  Patch patch;          /* the grid's patch with nspec, ntag and species set */
  Halo *halo_q, *halo_tag, *halo_air; /* ghost exchanges of q, tag (NULL without tags), air_mass */
} State;

/* Create the state for nspec species of table species and ntag tags, all zero.
   Collective on the grid's communicator. */
PetscErrorCode state_create(const Grid *g, const SpeciesInfo *species, PetscInt nspec,
                            PetscInt ntag, State **st);

/* Destroy the state; no-op on NULL. Collective. */
PetscErrorCode state_destroy(State **st);

/* Borrow the state's arrays into f: q, air_mass, dep_dry, dep_wet, and with tags the tag array
   (NULL without tags). Restore with state_restore_fields and the same tags. Not collective. */
PetscErrorCode state_get_fields(State *st, PetscBool tags, Fields *f);
PetscErrorCode state_restore_fields(State *st, PetscBool tags, Fields *f);

/* Refresh the ghost cells inside the physical domain of q, tag and air mass from their owners.
   Ghosts outside the physical domain are left for the boundary conditions. Collective. */
PetscErrorCode state_exchange(State *st);
