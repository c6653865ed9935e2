#pragma once
/* What a base run says about one control unit or one new project at the hotspots, from the
   run's tags (bogda-query and the query page it exports for).

   The coefficient of a unit is tag-based until receptor footprints exist: the mean contribution,
   over the run, of the tags of the finest family that resolves the unit (the family whose tags
   holding the unit hold the fewest other units), to species k at hotspot h, divided by what those
   tags' units emitted of the species k is made from (itself if primary; sulfate from SO2, nitrate
   from NOx, ammonium from NH3):
       coef[h][k] = contribution[h][k] / emission[src(k)],   ug m-3 per t/yr.
   It is the unit-average coefficient (illustrative): a project anywhere in the unit, at any
   height, gets the same. A project emitting e[p] t/yr adds coef[h][k] * e[src(k)] to species k
   and the sum over the PM2.5 components (in the species table's order) to PM2.5. */
#include <petscsys.h>
#include "postproc/tagged_run.h"
#include "postproc/unit_emissions.h"

typedef struct {
  TaggedRun *b;          /* owned */
  UnitEmissions *ue;     /* owned */
  const SpeciesInfo *sp; /* borrowed: physics/species.c */
  PetscInt nspec;        /* species of the table; the receptor files add pm25 at nspec */
  PetscInt *src;         /* [k]: the emitted species k is made from; owned */
  PetscInt nfam;         /* tag families of the run */
  PetscInt *pair_tag;    /* [(f * nunit + u) * SECTOR_N + s]: tag of family f holding the
                            area emissions of unit u in sector s, or -1; owned */
} Query;

typedef struct {
  PetscInt family;    /* the family used, -1 if no family of the run tags the unit's emissions */
  PetscInt tag;       /* the first of its tags holding the unit (for the label) */
  PetscInt nunits;    /* units whose emissions those tags hold, the unit included */
  PetscBool resolved; /* the tags hold the unit alone: its contribution is exact */
  PetscReal *coef;    /* [h * nspec + k], ug m-3 per t/yr of src[k]; owned */
  PetscReal *contrib; /* [h * (nspec + 1) + k], the unit's mean contribution, ug m-3 (estimated as
                         coef times the unit's emission when not resolved); owned */
  PetscReal *emis;    /* [k]: the unit's emission of species k over all sectors, t/yr; owned */
} QueryUnit;

/* Read the base run in run_dir (receptor files with tags, effective namelist and the inputs it
   names) on its domain file domain_path. Not collective. */
PetscErrorCode query_create(const char *run_dir, const char *domain_path, Query **q);
PetscErrorCode query_destroy(Query **q);

/* The shares of unit u (index into the domain's units). Not collective. */
PetscErrorCode query_unit(const Query *q, PetscInt u, QueryUnit *qu);
PetscErrorCode query_unit_free(QueryUnit *qu);

/* What a project emitting emit[k] t/yr (k < nspec; only source species count) in unit u adds:
   add[h * (nspec + 1) + k], ug m-3, with PM2.5 at k = nspec. */
void query_project(const Query *q, const QueryUnit *qu, const PetscReal *emit, PetscReal *add);
