#pragma once
/* The grid tool's namelist: the groups &grid_tool (inputs, sampling), &landuse and &units (the
   derivation rules), &receptor (receptor definitions) and one &domain_<name> group per domain
   listed in grid_tool_domains. A domain is either a root (a projection, a size and a spacing; the
   grid is centred on ref_lat, ref_lon) or a nest (parent, parent_i_start, parent_j_start,
   parent_grid_ratio; it uses its parent's projection and its corners fall on parent cell
   boundaries). */
#include "grids/grid.h"
#include "prep/geo/geography.h"

#define DOMAIN_MAX 32 /* most domains in one namelist */

typedef struct {
  char parent[PARAM_STRING_LEN];
  PetscInt map_proj; /* WRF MAP_PROJ; 0 for a nest (inherits) */
  PetscReal truelat1, truelat2, stand_lon, ref_lat, ref_lon;
  PetscReal dx, dy;          /* m; 0 for a nest (parent's / ratio) */
  PetscInt nx, ny, nz;       /* cells; nz 0 for a nest (inherits) */
  PetscReal ztop, dz_bottom; /* m; 0 for a nest (inherits) */
  PetscInt parent_i_start, parent_j_start,
      parent_grid_ratio; /* 1-based parent cell of the nest's south-west cell */
} DomainParams;

typedef struct {
  char name[PARAM_ARRAY_MAX][PARAM_STRING_LEN], name_zh[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char name_en[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char cities[PARAM_ARRAY_MAX][PARAM_STRING_LEN], points[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char polygon[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt nname, nname_zh, nname_en, ncities, npoints, npolygon;
} ReceptorParams;

/* A resolved domain: its grid, and where it sits in its parent. */
typedef struct {
  char name[PARAM_STRING_LEN], parent[PARAM_STRING_LEN];
  char layers_from[PARAM_STRING_LEN]; /* the domain whose &domain_<name> keys set the layers: this
                                         one, or the ancestor a nest takes them from */
  GridSpec spec;
  PetscInt parent_i_start, parent_j_start, parent_grid_ratio; /* 0 for a root */
} DomainDef;

typedef struct {
  char path[PARAM_STRING_LEN]; /* the namelist file */
  GeoParams geo;
  PetscReal subsample_spacing; /* m */
  PetscInt ndomain;
  DomainDef domain[DOMAIN_MAX];
  ReceptorParams *receptor; /* owned */
} ToolConfig;

/* Load the namelist at path into the options database and read every group; resolve each
   domain's grid (parents first) and check nests against their parents. Fails naming the file,
   the key and the value. Collective on comm. */
PetscErrorCode domain_config_read(MPI_Comm comm, const char *path, ToolConfig **cfg);

/* Free the configuration and set the handle to NULL; no-op on NULL. */
PetscErrorCode domain_config_destroy(ToolConfig **cfg);

/* The grid tool's groups, for -help: &grid_tool, &landuse, &units, &receptor and the template
   &domain_<name> of each domain's group; sets *n to their number. Not collective. */
const ParamGroup *const *domain_config_groups(PetscInt *n);
