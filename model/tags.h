#pragma once
/* Attribution tags. Tags come in families; each family partitions the bulk completely, so in
   every cell and for every species the tags of a family sum to the bulk. Every family has the
   tags "initial" (the initial conditions), "bc_west", "bc_east", "bc_south", "bc_north", "bc_top"
   (air that flowed in across each side), its emission groups, and "other" (emissions in no group
   of the family). Tag n of species s is t[(cell*nspec + s)*ntag + n]. */
#include <petscsys.h>

typedef enum { SIDE_WEST, SIDE_EAST, SIDE_SOUTH, SIDE_NORTH, SIDE_TOP, SIDE_N } Side;

typedef struct {
  PetscInt ntag;        /* tags over all families */
  PetscInt nfamily;     /* families */
  char **family_name;   /* nfamily names; owned */
  PetscInt *family_start; /* first tag of each family, nfamily + 1 entries; owned */
  PetscInt *tag_initial;  /* per family; owned */
  PetscInt *tag_side;     /* [family*SIDE_N + side]; owned */
  PetscInt *tag_other;    /* per family; owned */
  char **label;           /* ntag labels "family:name"; owned */
} Tags;

/* Read the &tags group and build the tag list (no tags when tags_enabled is false).
   Collective. */
PetscErrorCode tags_create(MPI_Comm comm, Tags **tags);

/* Destroy; no-op on NULL. Not collective. */
PetscErrorCode tags_destroy(Tags **tags);

/* Family of tag n. Not collective. */
PetscInt tags_family_of(const Tags *tags, PetscInt n);
