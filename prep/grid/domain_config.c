/* The grid tool's namelist groups, their defaults, and the resolution of domains into grids.
   Defaults point at the shipped data ('$BOGDA_DATA/...', found beside the program or where the
   environment variable BOGDA_DATA says: base/data_path.h) and at the calibrated rules of
   prep/geo/geography_sample.c; namelists/domains.nml sets only the domains and the receptors. */
#include "prep/grid/domain_config.h"
#include <stddef.h>
#include <string.h>
#include "grids/vertical.h"
#include "base/namelist.h"
#include "base/data_path.h"

#define PROJ_UNSET (-999.0) /* projection keys of a nest: not set, inherit the parent's */
#define NEST_DX_RTOL 1e-9   /* relative tolerance of a nest's dx against its parent's / ratio */
#define NEST_MAX_DEPTH DOMAIN_MAX /* deepest chain of nests */

typedef struct {
  GeoParams geo;
  char domains[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt ndomains;
  PetscReal subsample_spacing;
} ToolGroup;

#define T_STR(k, def, h, f)                                                                        \
  {                                                                                                \
    .key = k, .units = "", .help = h, .type = PARAM_STRING, .sdef = def,                           \
    .offset = offsetof(ToolGroup, f)                                                               \
  }
#define T_REAL(k, u, d, lo, hi, h, f)                                                              \
  {                                                                                                \
    .key = k, .units = u, .help = h, .type = PARAM_REAL, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(ToolGroup, f)                                                               \
  }

static const ParamSpec tool_table[] = {
    {.key = "domains",
     .units = "",
     .help = "names of the domains in this file (one &domain_<name> group each)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(ToolGroup, domains),
     .count_offset = offsetof(ToolGroup, ndomains)},
    T_STR("counties_file", "$BOGDA_DATA/xinjiang_counties_amap.geojson",
          "county polygons (GeoJSON or any vector format OGR reads, any CRS)", geo.counties_file),
    T_STR("outline_file", "$BOGDA_DATA/xinjiang_outline_dcw.geojson",
          "Xinjiang outline (any vector format OGR reads)", geo.outline_file),
    T_STR("sites_file", "$BOGDA_DATA/xinjiang_hotspots_and_point_sources.csv",
          "hotspot cities and point sources (CSV)", geo.sites_file),
    T_STR("county_names_file", "$BOGDA_DATA/xinjiang_county_names_en.csv",
          "English county names (CSV)", geo.county_names_file),
    T_STR("lakes_file", "$BOGDA_DATA/lakes.csv", "lakes as ellipses (CSV)", geo.lakes_file),
    T_STR("outside_file", "$BOGDA_DATA/outside_regions.csv",
          "source regions outside Xinjiang (CSV)", geo.outside_file),
    T_STR("dem_file", "$BOGDA_DATA/etopo5_xinjiang_65-105E_30-52N.nc",
          "terrain, lat-lon NetCDF or ESRI ASCII (.asc)", geo.dem_file),
    T_STR("dem_variable", "", "terrain variable in a NetCDF DEM (empty: the first 2D variable)",
          geo.dem_variable),
    T_STR("landuse_file", "",
          "land-use grid of category codes 0..6 overriding the rule (empty: none)",
          geo.landuse_file),
    T_STR("landuse_variable", "", "land-use variable in a NetCDF land-use grid",
          geo.landuse_variable),
    T_STR("units_file", "",
          "official control-unit polygons (any vector format and CRS OGR reads: Shapefile, "
          "GeoPackage, GeoJSON, ...; attributes in docs/units.md) replacing the derived units "
          "(empty: derive)",
          geo.units_file),
    {.key = "raster_per_degree",
     .units = "deg-1",
     .help = "pixels per degree of the county and unit rasters",
     .type = PARAM_INT,
     .def = 120,
     .min = 10,
     .max = 1200,
     .offset = offsetof(ToolGroup, geo.raster_per_degree)},
    T_REAL("units_min_coverage", "1", 0.9, 0, 1,
           "least share of Xinjiang an official unit file must cover", geo.units_min_coverage),
    T_REAL("subsample_spacing", "m", 1000, 10, 1e5,
           "largest spacing of the sub-samples that average each cell", subsample_spacing),
    {.key = NULL},
};

#define L_REAL(k, u, d, lo, hi, h, f)                                                              \
  {                                                                                                \
    .key = k, .units = u, .help = h, .type = PARAM_REAL, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(GeoParams, f)                                                               \
  }

static const ParamSpec landuse_table[] = {
    L_REAL("urban_radius_seat", "m", 3000, 0, 5e4, "radius of urban land around a county seat",
           urban_radius_seat),
    L_REAL("urban_radius_city", "m", 5000, 0, 5e4,
           "radius of urban land around a city of the hotspot table", urban_radius_city),
    L_REAL("crop_radius", "m", 20000, 0, 2e5, "radius of the irrigated oasis around a county seat",
           crop_radius),
    L_REAL("crop_height_max", "m", 2000, 0, 9000, "highest cropland", crop_height_max),
    L_REAL("snowline_ref", "m", 3600, 0, 9000, "snow line at snowline_lat", snowline_ref),
    L_REAL("snowline_lat", "degrees_north", 43, -90, 90, "latitude of snowline_ref", snowline_lat),
    L_REAL("snowline_lapse", "m degree-1", 300, 0, 2000,
           "rise of the snow line per degree southward", snowline_lapse),
    L_REAL("snowline_min", "m", 3100, 0, 9000, "lowest snow line", snowline_min),
    L_REAL("forest_lat_min", "degrees_north", 42.5, -90, 90, "southernmost mountain forest",
           forest_lat_min),
    {.key = "forest_height_min",
     .units = "m",
     .help = "lower edge of the forest belt",
     .type = PARAM_REAL,
     .def = 1600,
     .min = 0,
     .max = 9000,
     .offset = offsetof(GeoParams, forest_height_min),
     .at_most = "forest_height_max"},
    L_REAL("forest_height_max", "m", 2800, 0, 9000, "upper edge of the forest belt",
           forest_height_max),
    {.key = "grass_height_min",
     .units = "m",
     .help = "lowest mountain grassland",
     .type = PARAM_REAL,
     .def = 1800,
     .min = 0,
     .max = 9000,
     .offset = offsetof(GeoParams, grass_height_min),
     .at_most = "grass_height_max"},
    L_REAL("grass_height_max", "m", 4200, 0, 9000, "highest grassland (cold desert above)",
           grass_height_max),
    L_REAL("steppe_lat", "degrees_north", 46.5, -90, 90,
           "grassland north of this latitude at any height", steppe_lat),
    {.key = NULL},
};

static const ParamSpec units_table[] = {
    L_REAL("protect_height", "m", 3000, 0, 9000, "terrain above which land is priority protection",
           protect_height),
    L_REAL("key_radius_seat", "m", 8000, 0, 5e4,
           "radius of key control around a county seat or city", key_radius_seat),
    L_REAL("key_radius_source", "m", 5000, 0, 5e4, "radius of key control around a point source",
           key_radius_source),
    {.key = NULL},
};

#define R_STRS(k, h, f)                                                                            \
  {                                                                                                \
    .key = k, .units = "", .help = h, .type = PARAM_STRING_ARRAY,                                  \
    .offset = offsetof(ReceptorParams, f), .count_offset = offsetof(ReceptorParams, n##f)          \
  }

static const ParamSpec receptor_table[] = {
    R_STRS("name", "short names of the receptors (WCS, KDW, ...)", name),
    R_STRS("name_zh", "Chinese names, one per receptor", name_zh),
    R_STRS("name_en", "English names, one per receptor", name_en),
    R_STRS("cities", "'NAME: city, city, ...': the urban land of these counties or prefectures",
           cities),
    R_STRS("points", "'NAME: lon lat radius_km': a disc", points),
    R_STRS("polygon", "'NAME: file.geojson': the polygons of a vector file (any format OGR reads)",
           polygon),
    {.key = NULL},
};

#define D_REAL(k, u, d, lo, hi, h, f)                                                              \
  {                                                                                                \
    .key = k, .units = u, .help = h, .type = PARAM_REAL, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(DomainParams, f)                                                            \
  }
#define D_INT(k, d, lo, hi, h, f)                                                                  \
  {                                                                                                \
    .key = k, .units = "", .help = h, .type = PARAM_INT, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(DomainParams, f)                                                            \
  }

static const ParamSpec domain_table[] = {
    {.key = "parent",
     .units = "",
     .help = "parent domain of a nest (empty for a root domain)",
     .type = PARAM_STRING,
     .sdef = "",
     .offset = offsetof(DomainParams, parent)},
    D_INT("map_proj", 0, 0, 6,
          "WRF MAP_PROJ: 1 Lambert, 2 polar, 3 Mercator, 6 lat-lon (0 in a nest)", map_proj),
    /* Left unset (PROJ_UNSET, outside the range a user may give) a nest inherits its parent's. */
    D_REAL("truelat1", "degrees_north", PROJ_UNSET, -90, 90, "first true latitude", truelat1),
    D_REAL("truelat2", "degrees_north", PROJ_UNSET, -90, 90,
           "second true latitude (Lambert; unset: truelat1)", truelat2),
    D_REAL("stand_lon", "degrees_east", PROJ_UNSET, -360, 360,
           "standard longitude (unset: ref_lon)", stand_lon),
    D_REAL("ref_lat", "degrees_north", PROJ_UNSET, -90, 90, "latitude of the domain centre",
           ref_lat),
    D_REAL("ref_lon", "degrees_east", PROJ_UNSET, -360, 360, "longitude of the domain centre",
           ref_lon),
    D_REAL("dx", "m", 0, 0, 1e7, "cell size in x (0 in a nest: the parent's / ratio)", dx),
    D_REAL("dy", "m", 0, 0, 1e7, "cell size in y (0: dx)", dy),
    D_INT("nx", 0, 0, 100000, "cells in x", nx),
    D_INT("ny", 0, 0, 100000, "cells in y", ny),
    D_INT("nz", 0, 0, GRID_MAX_LAYERS, "layers (0 in a nest: the parent's)", nz),
    D_REAL("ztop", "m", 0, 0, 1e5, "model top above flat ground (0 in a nest: the parent's)", ztop),
    D_REAL("dz_bottom", "m", 0, 0, 1e4, "thickness of the first layer (0 in a nest: the parent's)",
           dz_bottom),
    D_INT("parent_i_start", 0, 0, 100000,
          "parent cell (1-based) holding the nest's south-west cell, x", parent_i_start),
    D_INT("parent_j_start", 0, 0, 100000,
          "parent cell (1-based) holding the nest's south-west cell, y", parent_j_start),
    D_INT("parent_grid_ratio", 0, 0, 100, "parent cells per nest cell, each way",
          parent_grid_ratio),
    {.key = NULL},
};

static const ParamGroup tool_group = {.name = "grid_tool",
                                      .title = "Grid tool: inputs and sampling",
                                      .params = tool_table,
                                      .params_size = sizeof(ToolGroup)};
static const ParamGroup landuse_group = {.name = "landuse",
                                         .title = "Grid tool: land-use rule",
                                         .params = landuse_table,
                                         .params_size = sizeof(GeoParams)};
static const ParamGroup units_group = {.name = "units",
                                       .title = "Grid tool: control-unit rule",
                                       .params = units_table,
                                       .params_size = sizeof(GeoParams)};
static const ParamGroup receptor_group = {.name = "receptor",
                                          .title = "Grid tool: receptors",
                                          .params = receptor_table,
                                          .params_size = sizeof(ReceptorParams)};

/* The template of the &domain_<name> groups, for -help. */
static const ParamGroup domain_group = {.name = "domain_<name>",
                                        .title = "Domain <name>: one group for each name in "
                                                 "grid_tool_domains",
                                        .params = domain_table,
                                        .params_size = sizeof(DomainParams)};

const ParamGroup *const *domain_config_groups(PetscInt *n)
{
  static const ParamGroup *const groups[] = {&tool_group, &landuse_group, &units_group,
                                             &receptor_group, &domain_group};
  *n = (PetscInt)(sizeof(groups) / sizeof(groups[0]));
  return groups;
}

/* The input files of the geography, with '$BOGDA_DATA/' expanded. */
static PetscErrorCode expand_paths(GeoParams *g)
{
  char *const files[] = {g->counties_file,     g->outline_file, g->sites_file,
                         g->county_names_file, g->lakes_file,   g->outside_file,
                         g->dem_file,          g->landuse_file, g->units_file};

  PetscFunctionBeginUser;
  for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++)
    PetscCall(data_path_expand(files[k], files[k], PARAM_STRING_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode root_projection(const ToolConfig *cfg, const char *name,
                                      const DomainParams *p, Projection *proj)
{
  PetscFunctionBeginUser;
  PetscCheck(p->map_proj == PROJ_LAMBERT || p->map_proj == PROJ_POLAR ||
                 p->map_proj == PROJ_MERCATOR || p->map_proj == PROJ_LATLON,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "%s: domain_%s_map_proj = %" PetscInt_FMT
             ": a root domain needs map_proj 1 (Lambert), 2 (polar), 3 (Mercator) or 6 (lat-lon)",
             cfg->path, name, p->map_proj);
  PetscCheck(p->ref_lat != PROJ_UNSET && p->ref_lon != PROJ_UNSET, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE,
             "%s: domain_%s_ref_lat and domain_%s_ref_lon must be set for a root domain", cfg->path,
             name, name);
  PetscCheck(p->map_proj == PROJ_LATLON || p->truelat1 != PROJ_UNSET, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE,
             "%s: domain_%s_truelat1 must be set for map_proj %" PetscInt_FMT, cfg->path, name,
             p->map_proj);
  *proj = (Projection){.kind = (ProjectionKind)p->map_proj,
                       .truelat1 = p->truelat1,
                       .truelat2 = p->truelat2 == PROJ_UNSET ? p->truelat1 : p->truelat2,
                       .stand_lon = p->stand_lon == PROJ_UNSET ? p->ref_lon : p->stand_lon,
                       .ref_lat = p->ref_lat,
                       .ref_lon = p->ref_lon};
  if (p->map_proj == PROJ_LATLON) proj->truelat1 = proj->truelat2 = 0;
  PetscCall(projection_setup(proj));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode layers(const ToolConfig *cfg, const char *name, const DomainParams *p,
                             GridSpec *s)
{
  char keys[PARAM_STRING_LEN + 16];

  PetscFunctionBeginUser;
  PetscCheck(p->nz > 0 && p->ztop > 0 && p->dz_bottom > 0, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE,
             "%s: domain_%s_nz, _ztop and _dz_bottom must be positive for a root domain (got "
             "%" PetscInt_FMT ", %g, %g)",
             cfg->path, name, p->nz, (double)p->ztop, (double)p->dz_bottom);
  s->nz = p->nz;
  PetscCall(PetscSNPrintf(keys, sizeof(keys), "domain_%s_", name));
  PetscCall(vertical_stretched(keys, p->nz, p->ztop, p->dz_bottom, s->z_iface));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode resolve_root(const ToolConfig *cfg, const DomainParams *p, DomainDef *d)
{
  GridSpec *s = &d->spec;

  PetscFunctionBeginUser;
  PetscCall(root_projection(cfg, d->name, p, &s->proj));
  PetscCheck(
      p->dx > 0 && p->nx > 0 && p->ny > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
      "%s: domain_%s_dx, _nx and _ny must be positive for a root domain (got %g, %" PetscInt_FMT
      ", %" PetscInt_FMT ")",
      cfg->path, d->name, (double)p->dx, p->nx, p->ny);
  s->nx = p->nx;
  s->ny = p->ny;
  s->dx = p->dx;
  s->dy = p->dy > 0 ? p->dy : p->dx;
  s->x0 = -0.5 * (PetscReal)(s->nx - 1) * s->dx;
  s->y0 = -0.5 * (PetscReal)(s->ny - 1) * s->dy;
  PetscCall(layers(cfg, d->name, p, s));
  PetscCall(PetscStrncpy(d->layers_from, d->name, sizeof(d->layers_from)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A nest's projection keys must be unset or equal to its parent's. */
static PetscErrorCode check_nest_projection(const ToolConfig *cfg, const char *name,
                                            const DomainParams *p, const Projection *pp)
{
  const struct {
    const char *key;
    PetscReal v, parent;
  } k[] = {{"truelat1", p->truelat1, pp->truelat1},
           {"truelat2", p->truelat2, pp->truelat2},
           {"stand_lon", p->stand_lon, pp->stand_lon},
           {"ref_lat", p->ref_lat, pp->ref_lat},
           {"ref_lon", p->ref_lon, pp->ref_lon}};

  PetscFunctionBeginUser;
  PetscCheck(p->map_proj == 0 || p->map_proj == (PetscInt)pp->kind, PETSC_COMM_SELF,
             PETSC_ERR_ARG_WRONG,
             "%s: domain_%s_map_proj = %" PetscInt_FMT
             ": a nest uses its parent's projection (%d); leave the key out",
             cfg->path, name, p->map_proj, (int)pp->kind);
  for (size_t q = 0; q < sizeof(k) / sizeof(k[0]); q++)
    PetscCheck(k[q].v == PROJ_UNSET || k[q].v == k[q].parent, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "%s: domain_%s_%s = %g: a nest uses its parent's projection (%g); leave the key out",
               cfg->path, name, k[q].key, (double)k[q].v, (double)k[q].parent);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Where the nest sits: it must be a whole number of parent cells inside the parent. */
static PetscErrorCode check_nest_fit(const ToolConfig *cfg, const char *name, const DomainParams *p,
                                     const DomainDef *par)
{
  PetscInt r = p->parent_grid_ratio;
  PetscReal dx = par->spec.dx / (PetscReal)r;

  PetscFunctionBeginUser;
  PetscCheck(
      r >= 1 && p->nx > 0 && p->ny > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
      "%s: domain_%s: a nest needs parent_grid_ratio >= 1 and positive nx, ny (got %" PetscInt_FMT
      ", %" PetscInt_FMT ", %" PetscInt_FMT ")",
      cfg->path, name, r, p->nx, p->ny);
  PetscCheck(
      p->dx == 0 || PetscAbsReal(p->dx - dx) <= NEST_DX_RTOL * dx, PETSC_COMM_SELF,
      PETSC_ERR_ARG_WRONG,
      "%s: domain_%s_dx = %g m does not align with its parent %s: dx must be %g m / %" PetscInt_FMT
      " = %g m",
      cfg->path, name, (double)p->dx, par->name, (double)par->spec.dx, r, (double)dx);
  PetscCheck(p->nx % r == 0 && p->ny % r == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "%s: domain_%s_nx = %" PetscInt_FMT ", _ny = %" PetscInt_FMT
             " do not align with the parent %s: both must be multiples of parent_grid_ratio = "
             "%" PetscInt_FMT " so that the nest's corners fall on parent cell boundaries",
             cfg->path, name, p->nx, p->ny, par->name, r);
  PetscCheck(p->parent_i_start >= 1 && p->parent_j_start >= 1 &&
                 p->parent_i_start - 1 + p->nx / r <= par->spec.nx &&
                 p->parent_j_start - 1 + p->ny / r <= par->spec.ny,
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "%s: domain_%s (parent cells %" PetscInt_FMT "..%" PetscInt_FMT " x %" PetscInt_FMT
             "..%" PetscInt_FMT ", 1-based) does not fit inside its parent %s of %" PetscInt_FMT
             " x %" PetscInt_FMT " cells",
             cfg->path, name, p->parent_i_start, p->parent_i_start - 1 + p->nx / r,
             p->parent_j_start, p->parent_j_start - 1 + p->ny / r, par->name, par->spec.nx,
             par->spec.ny);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode resolve_nest(const ToolConfig *cfg, const DomainParams *p,
                                   const DomainDef *par, DomainDef *d)
{
  GridSpec *s = &d->spec;
  const GridSpec *ps = &par->spec;
  PetscInt r = p->parent_grid_ratio;

  PetscFunctionBeginUser;
  PetscCall(check_nest_projection(cfg, d->name, p, &ps->proj));
  PetscCall(check_nest_fit(cfg, d->name, p, par));
  s->proj = ps->proj;
  s->nx = p->nx;
  s->ny = p->ny;
  s->dx = ps->dx / (PetscReal)r;
  s->dy = ps->dy / (PetscReal)r;
  /* South-west corner of parent cell (i_start - 1, j_start - 1), then half a nest cell in. */
  s->x0 = ps->x0 + ((PetscReal)(p->parent_i_start - 1) - 0.5) * ps->dx + 0.5 * s->dx;
  s->y0 = ps->y0 + ((PetscReal)(p->parent_j_start - 1) - 0.5) * ps->dy + 0.5 * s->dy;
  if (p->nz == 0 && p->ztop == 0 && p->dz_bottom == 0) {
    s->nz = ps->nz;
    PetscCall(PetscArraycpy(s->z_iface, ps->z_iface, ps->nz + 1));
    PetscCall(PetscStrncpy(d->layers_from, par->layers_from, sizeof(d->layers_from)));
  } else {
    PetscCall(layers(cfg, d->name, p, s));
    PetscCall(PetscStrncpy(d->layers_from, d->name, sizeof(d->layers_from)));
  }
  d->parent_i_start = p->parent_i_start;
  d->parent_j_start = p->parent_j_start;
  d->parent_grid_ratio = r;
  PetscCall(PetscStrncpy(d->parent, p->parent, sizeof(d->parent)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Resolve domain k, resolving its ancestors first; done[] marks resolved domains. */
static PetscErrorCode resolve(ToolConfig *cfg, const DomainParams *p, PetscBool *done, PetscInt k,
                              PetscInt depth)
{
  PetscInt par = -1;

  PetscFunctionBeginUser;
  if (done[k]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(depth < NEST_MAX_DEPTH, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "%s: domain_%s: its chain of parents loops", cfg->path, cfg->domain[k].name);
  if (!p[k].parent[0])
    PetscCall(resolve_root(cfg, &p[k], &cfg->domain[k]));
  else {
    for (PetscInt q = 0; q < cfg->ndomain; q++)
      if (!strcmp(cfg->domain[q].name, p[k].parent)) par = q;
    PetscCheck(par >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "%s: domain_%s_parent = '%s' is not one of the domains listed in grid_tool_domains",
               cfg->path, cfg->domain[k].name, p[k].parent);
    PetscCall(resolve(cfg, p, done, par, depth + 1));
    PetscCall(resolve_nest(cfg, &p[k], &cfg->domain[par], &cfg->domain[k]));
  }
  done[k] = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The &domain_<name> groups of the domains grid_tool_domains lists, named in names[k]. */
typedef struct {
  char names[DOMAIN_MAX][PARAM_STRING_LEN + 8], titles[DOMAIN_MAX][PARAM_STRING_LEN + 16];
  ParamGroup group[DOMAIN_MAX];
} DomainGroups;

static PetscErrorCode domain_groups(ToolConfig *cfg, const ToolGroup *tool, DomainGroups *dg)
{
  PetscFunctionBeginUser;
  cfg->ndomain = PetscMin(tool->ndomains, DOMAIN_MAX);
  for (PetscInt k = 0; k < cfg->ndomain; k++) {
    PetscCall(PetscStrncpy(cfg->domain[k].name, tool->domains[k], sizeof(cfg->domain[k].name)));
    PetscCall(PetscSNPrintf(dg->names[k], sizeof(dg->names[k]), "domain_%s", tool->domains[k]));
    PetscCall(PetscSNPrintf(dg->titles[k], sizeof(dg->titles[k]), "Domain %s", tool->domains[k]));
    dg->group[k] = (ParamGroup){.name = dg->names[k],
                                .title = dg->titles[k],
                                .params = domain_table,
                                .params_size = sizeof(DomainParams)};
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every group and key the namelist sets must be one of the tool's, before any other is read. */
static PetscErrorCode check_known(MPI_Comm comm, const ToolConfig *cfg, const DomainGroups *dg)
{
  const ParamGroup *list[4 + DOMAIN_MAX] = {&tool_group, &landuse_group, &units_group,
                                            &receptor_group};

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < cfg->ndomain; k++) list[4 + k] = &dg->group[k];
  PetscCall(namelist_check_known(comm, list, 4 + cfg->ndomain));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The list of domains: 1 to DOMAIN_MAX names, each once. */
static PetscErrorCode check_domain_list(MPI_Comm comm, const ToolConfig *cfg, const ToolGroup *tool)
{
  PetscFunctionBeginUser;
  PetscCheck(tool->ndomains > 0 && tool->ndomains <= DOMAIN_MAX, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s: grid_tool_domains lists %" PetscInt_FMT " domains; give 1 to %d", cfg->path,
             tool->ndomains, DOMAIN_MAX);
  for (PetscInt k = 0; k < cfg->ndomain; k++)
    for (PetscInt q = 0; q < k; q++)
      PetscCheck(strcmp(cfg->domain[q].name, cfg->domain[k].name), comm, PETSC_ERR_ARG_WRONG,
                 "%s: grid_tool_domains lists '%s' twice", cfg->path, cfg->domain[k].name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_domains(MPI_Comm comm, ToolConfig *cfg, const DomainGroups *dg)
{
  DomainParams *p;
  PetscBool done[DOMAIN_MAX] = {PETSC_FALSE};

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(cfg->ndomain, &p));
  for (PetscInt k = 0; k < cfg->ndomain; k++) PetscCall(namelist_read(comm, &dg->group[k], &p[k]));
  for (PetscInt k = 0; k < cfg->ndomain; k++) PetscCall(resolve(cfg, p, done, k, 0));
  PetscCall(PetscFree(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_config_read(MPI_Comm comm, const char *path, ToolConfig **out)
{
  ToolConfig *cfg;
  ToolGroup *tool;
  DomainGroups *dg;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&cfg));
  PetscCall(PetscNew(&tool));
  PetscCall(PetscNew(&dg));
  PetscCall(PetscNew(&cfg->receptor));
  PetscCall(PetscStrncpy(cfg->path, path, sizeof(cfg->path)));
  PetscCall(namelist_load(comm, path));
  PetscCall(namelist_read(comm, &tool_group, tool));
  PetscCall(domain_groups(cfg, tool, dg));
  PetscCall(check_known(comm, cfg, dg));
  PetscCall(check_domain_list(comm, cfg, tool));
  PetscCall(namelist_read(comm, &landuse_group, &tool->geo));
  PetscCall(namelist_read(comm, &units_group, &tool->geo));
  PetscCall(namelist_read(comm, &receptor_group, cfg->receptor));
  PetscCall(expand_paths(&tool->geo));
  cfg->geo = tool->geo;
  cfg->subsample_spacing = tool->subsample_spacing;
  PetscCall(read_domains(comm, cfg, dg));
  PetscCall(namelist_check_unused(comm, NULL, 0));
  PetscCall(PetscFree(dg));
  PetscCall(PetscFree(tool));
  *out = cfg;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_config_destroy(ToolConfig **cfg)
{
  PetscFunctionBeginUser;
  if (!*cfg) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*cfg)->receptor));
  PetscCall(PetscFree(*cfg));
  PetscFunctionReturn(PETSC_SUCCESS);
}
