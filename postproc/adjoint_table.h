#pragma once
/* A backward run's source table as the post-processing reads it, for predicting scenarios
   exactly (bogda-predict -adjoint): either the table a run writes, <run_name>_adjoint_sources.csv
   (model/adjoint_sources.h), or the one postproc/adjoint_sources.py combines from a nested child
   and its parent's hand-off run (adjoint_sources.csv: UTF-8 with a byte-order mark and two more
   columns, inner_domain_ug_m3 and outer_domain_ug_m3, which are ignored). Every row's unit code
   is resolved to an index of the registry adjoint_table_registry() builds from the domain files,
   its sector and species to the model's indices, so that a scenario's rules (scenario_factor,
   scenario_point_factor) apply to the rows as the model applies them to the emissions. */
#include <petscsys.h>
#include "physics/species.h"
#include "grids/domain.h"

#define ADJOINT_TABLE_LABEL_LEN                                                                    \
  128 /* bytes of a functional's label or a stack id, with the NUL                                 \
       */

/* What a row of the table stands for. */
typedef enum {
  ADJOINT_ROW_AREA = 0, /* the gridded emissions of a unit (or none), sector and species */
  ADJOINT_ROW_STACK,    /* one point source's emissions of a species */
  ADJOINT_ROW_FIXED     /* the initial state, the inflow, the top: no scenario changes them */
} AdjointRowKind;

typedef struct {
  PetscInt nfun;                          /* functionals, in the order of the table */
  char (*label)[ADJOINT_TABLE_LABEL_LEN]; /* RECEPTOR:SPECIES:H0-H1h; owned */
  char (*receptor)[ADJOINT_TABLE_LABEL_LEN], (*species)[ADJOINT_TABLE_LABEL_LEN]; /* owned */
  PetscReal *J;  /* each functional's value (its J row), ug m-3; owned */
  PetscInt nrow; /* the contribution rows (all but J) */
  PetscInt *fun, *kind, *unit, *sector, *spec; /* per row: functional, AdjointRowKind, registry
                                                  unit index (-1: none), Sector, species index
                                                  (-1 for fixed rows); owned */
  char (*stack)[ADJOINT_TABLE_LABEL_LEN];      /* per row: the stack id of a stack row; owned */
  PetscReal *value;                            /* per row: contribution_ug_m3; owned */
  PetscReal *emission;  /* per row: emission_t_per_year (0 where blank); owned */
  PetscInt nstack;      /* distinct stack ids */
  char (*stack_id)[32]; /* those ids (as PointSources holds them); owned */
} AdjointTable;

/* The unit and prefecture registry the table's codes are looked up in: the units of the domain
   file at path, then those of the domain file at outer (NULL or "": none) that it lacks, with
   their prefectures. The receptors are those of path. Not collective. */
PetscErrorCode adjoint_table_registry(const char *path, const char *outer, Domain **d);

/* Read the table at path against the registry d (adjoint_table_registry) and the species table.
   Fails naming the file, the line and the value for a header of another table, a field that is
   not a finite number, a functional label not of the form RECEPTOR:SPECIES:H0-H1h or naming
   neither a receptor of d nor a point (87.62E43.83N, base/lonlat.h), a unit code d does not have
   (naming domains, the files it was built from), an unknown sector, species or source, a row from a
   parent's files (initial:parent, inflow:parent:*: combine the table with its parent's first), and
   a functional without a J row. Not collective. */
PetscErrorCode adjoint_table_read(const char *path, const Domain *d, const char *domains,
                                  const SpeciesInfo *sp, PetscInt nspec, AdjointTable **t);

/* The registry of the domain files at path and outer (NULL or "": none; adjoint_table_registry)
   into *d and the table at tpath read against it and the species table into *t
   (adjoint_table_read), its messages naming the files as -domain and -outer_domain. Not
   collective. */
PetscErrorCode adjoint_table_load(const char *tpath, const char *path, const char *outer,
                                  Domain **d, AdjointTable **t);

/* Free the table and set the handle to NULL; no-op on NULL. */
PetscErrorCode adjoint_table_destroy(AdjointTable **t);
