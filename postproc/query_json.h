#pragma once
/* bogda-query's answers as JSON, numbers with 17 significant digits (they read back exactly, so
   the query page computes from the very coefficients bogda-query uses). */
#include <stdio.h>
#include "postproc/query.h"
#include "postproc/footprint_query.h"

/* The kind of a unit as a word: priority, key, general, outside. */
const char *query_json_kind(PetscInt kind);

/* A JSON string (quotes, backslashes and control characters escaped; UTF-8 as it is). */
void query_json_string(FILE *fp, const char *s);

/* Unit u with its emissions by sector and species, its tags, and at every hotspot its
   contribution and coefficients (keyed by the hotspot's code). */
void query_json_unit(FILE *fp, const Query *q, PetscInt u, const QueryUnit *qu);

/* The hotspots: code, names and the run's mean of every species. */
void query_json_hotspots(FILE *fp, const Query *q);

/* A project: its place, cell, stack height, emissions and what it adds at every hotspot
   (add[h * (nspec + 1) + k], query_project; null if add is NULL: its unit has no tags). */
void query_json_project(FILE *fp, const Query *q, PetscReal lon, PetscReal lat, PetscInt i,
                        PetscInt j, const PetscReal *emit, PetscReal height, const PetscReal *add);

/* A project answered from a backward run's footprints (postproc/footprint_query.h): its place,
   cell, stack (null for a surface source) with the plume's rise, emissions (t/yr and kg s-1), the
   layers it fills (those with a non-zero fraction, with their nominal heights), and for every
   functional of the file its label, receptor, species and what the project adds, in all and by
   emitted species. */
void query_json_footprint_project(FILE *fp, const Query *q, const FootprintProject *p);

/* Everything the query page needs in the file at path (written whole or not at all): species,
   sectors, hotspots, prefectures, every unit (query_json_unit), the grid with its projection, the
   unit of each cell (unit_emissions_cell_unit), the cells of each hotspot (receptor weight > 0)
   and, if fpath is not "", the footprints of that file (on the grid of the domain file dpath) in
   layer 0 of every cell for the emitted species, for surface projects (footprint_query.h), else
   null. Not collective. */
PetscErrorCode query_json_page(const char *path, const Query *q, const char *fpath,
                               const char *dpath);
