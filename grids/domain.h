#pragma once
/* The model's view of a domain file written by bin/bogda-grid (prep/grid/domain_write.c describes
   the file): the grid it defines, and on each rank the ghosted patch's terrain, land use,
   control-unit coverage and receptor weights, with the unit, prefecture and receptor registries.
   Ghost cells outside the physical domain repeat the nearest edge cell (terrain, land use,
   units) or hold 0 (receptor weights). */
#include "grids/grid.h"
#include "base/landuse.h"

#define DOMAIN_NAME_LEN 128 /* bytes of a name in the file, including the NUL */

typedef enum {
  DOMAIN_UNIT_PRIORITY = 0,
  DOMAIN_UNIT_KEY,
  DOMAIN_UNIT_GENERAL,
  DOMAIN_UNIT_OUTSIDE
} DomainUnitKind;

typedef struct {
  char code[DOMAIN_NAME_LEN], name_zh[DOMAIN_NAME_LEN], name_en[DOMAIN_NAME_LEN];
  PetscInt kind;       /* DomainUnitKind */
  PetscInt county;     /* adcode, 0 outside Xinjiang */
  PetscInt prefecture; /* index into Domain.pref, -1 outside */
  PetscReal area_km2;  /* inside this domain */
} DomainUnit;          /* unit k has id k + 1 */

typedef struct {
  PetscInt code; /* adcode */
  char name_zh[DOMAIN_NAME_LEN], name_en[DOMAIN_NAME_LEN];
  PetscInt parent; /* XPCC city: index of the prefecture it sits in; else -1 */
} DomainPrefecture;

typedef struct {
  char name[DOMAIN_NAME_LEN], name_zh[DOMAIN_NAME_LEN], name_en[DOMAIN_NAME_LEN];
} DomainReceptor;

typedef struct Domain {
  PetscInt nunit, npref, nrec;
  DomainUnit *unit;       /* owned */
  DomainPrefecture *pref; /* owned */
  DomainReceptor *rec;    /* owned */
  /* Ghosted 2D arrays of the grid's patch (grids/patch.h layout), owned. */
  PetscReal *terrain;         /* m above sea level */
  PetscReal *landuse;         /* [patch_index2 * LANDUSE_N + c], shares summing to 1 */
  PetscReal *receptor_weight; /* [patch_index2 * nrec + r]; each receptor's weights sum to 1 over
                                 the domain */
  PetscInt
      *cover_start; /* column idx is covered by entries cover_start[idx] .. cover_start[idx+1]-1 */
  PetscInt *cover_unit;      /* unit index of each entry */
  PetscReal *cover_fraction; /* share of the column in the unit; a column's shares sum to 1 */
} Domain;

/* The grid the domain file at path defines (projection, size, spacing, origin, layers).
   Fails naming the file if it is not a Bogda domain file. Not collective. */
PetscErrorCode domain_grid_spec(const char *path, GridSpec *spec);

/* Where a nested domain sits in its parent: the global attributes PARENT_I_START and
   PARENT_J_START (1-based parent cell of its lower-left corner), PARENT_GRID_RATIO, NX, NY. */
typedef struct {
  PetscInt i_start, j_start, ratio, nx, ny;
} DomainNest;

/* The nest placement of the domain file at path. Fails naming the file and the attribute if it
   is not a nested domain. Not collective. */
PetscErrorCode domain_nest(const char *path, DomainNest *n);

/* Read the ghosted window of g's patch from the domain file at path. Fails naming the file if
   its grid is not g's, and naming the file, variable, index and value for an index out of its
   table (cover lists, cover units, unit prefectures and kinds) or a field value out of range
   (NaN, negative or above 1 land use, cover fractions and receptor weights; lat, lon, cell_area,
   terrain), for interfaces z_iface that do not rise from 0 by VERTICAL_DZ_MIN a layer, and for
   terrain that reaches the model top (domain_check_top). Every rank reads and checks its own
   window; no communication. */
PetscErrorCode domain_read(const Grid *g, const char *path, Domain **d);

/* Fail unless every column of terrain[j * ni + i] (file cells (j0 + j, i0 + i)) lies below the
   model top of s with every layer at least VERTICAL_DZ_MIN thick (grids/vertical.h), naming the
   domain file at path, the top, the terrain and its cell. Collective on comm if every rank of it
   checks the same values, else pass PETSC_COMM_SELF. */
PetscErrorCode domain_check_top(MPI_Comm comm, const char *path, const GridSpec *s, PetscInt i0,
                                PetscInt j0, PetscInt ni, PetscInt nj, const PetscReal *terrain);

/* Only the unit, prefecture and receptor registries of the domain file at path (no grid needed;
   the gridded members stay NULL), for post-processing. Not collective. */
PetscErrorCode domain_read_registries(const char *path, Domain **d);

/* Free the domain and set the handle to NULL; no-op on NULL. Not collective. */
PetscErrorCode domain_destroy(Domain **d);
