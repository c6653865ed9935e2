#pragma once
/* Point sources (stacks) read from a CSV file; the format is documented in point_sources.c. */
#include <petscsys.h>
#include "physics/species.h"

/* Per-source numbers, in this order, in value[p * POINT_NUM + k]. */
enum {
  POINT_LON,
  POINT_LAT,
  POINT_HEIGHT,
  POINT_DIAMETER,
  POINT_VELOCITY,
  POINT_TEMPERATURE,
  POINT_NUM
};

/* The range each number of a row must lie in, [min, max] (degrees, m, m, m s-1, K). */
extern const PetscReal point_sources_min[POINT_NUM], point_sources_max[POINT_NUM];

typedef struct PointSources {
  PetscInt n, nspec;
  char (*id)[32];    /* owned */
  char (*name)[128]; /* owned */
  char (*unit)[32];  /* control-unit code or ""; owned */
  PetscReal *value;  /* [p * POINT_NUM + k], degrees, m, m, m s-1, K; owned */
  PetscInt *sector;  /* Sector; owned */
  PetscInt *line;    /* line of the file, for messages; owned */
  PetscReal *rate;   /* t/yr per species, [p * nspec + s]; owned */
} PointSources;

/* Read every source of the CSV file at path. Not collective (every rank may read it). */
PetscErrorCode point_sources_read(const char *path, const SpeciesInfo *sp, PetscInt nspec,
                                  PointSources **ps);

/* Destroy; no-op on NULL. */
PetscErrorCode point_sources_destroy(PointSources **ps);
