/* The domain file. Variables (dimensions in brackets):
     x[x], y[y]            projection coordinates of cell centres, m (degrees for lat-lon grids)
     z[z], z_iface[z_iface] nominal layer-centre and interface heights above flat ground, m
     lat[y,x], lon[y,x]    cell centres, degrees; crs: the CF grid mapping
     cell_area[y,x]        true cell area, m2
     terrain[y,x]          surface_altitude, m: the area average of the DEM over the cell
     landuse_fraction[landuse,y,x], landuse_name[landuse,strlen]
     unit_id, unit_code, unit_name_zh, unit_name_en, unit_kind, unit_county, unit_prefecture,
       unit_area_km2 [unit]: the control-unit registry (area inside this domain)
     prefecture_code, prefecture_name_zh, prefecture_name_en, prefecture_parent [prefecture]
     receptor_name, receptor_name_zh, receptor_name_en [receptor], receptor_weight[receptor,y,x]
     receptor_county[receptor,receptor_county_slot]: adcodes of the counties whose urban land makes
       the receptor (its cities; a prefecture stands for its counties), 0-padded
     cover_i, cover_j, cover_unit, cover_fraction [cover]: the units covering each cell, sorted by
       cell (j, then i) and by unit; cover_start[y,x], cover_count[y,x] index into them.
   Global attributes: WRF-style MAP_PROJ, TRUELAT1, TRUELAT2, STAND_LON, REF_LAT, REF_LON, DX,
   DY, X0, Y0, NX, NY, NZ; domain_name; parent_domain and PARENT_I_START, PARENT_J_START,
   PARENT_GRID_RATIO for a nest; the sub-sampling; and config_<group>_<key> for every namelist
   value the build used. */
#include "prep/grid/domain_write.h"
#include "grids/crs.h"
#include <stdio.h>
#include <string.h>
#include "base/error.h"
#include "base/atomic_file.h"
#include "base/namelist.h"
#include "base/constants.h"
#include "base/version.h"
#include "base/provenance.h"

#define STRLEN GEO_NAME_LEN
#define M2_PER_KM2 1e6

static const char *const landuse_names[LANDUSE_N] = {"water",  "barren", "grassland", "cropland",
                                                     "forest", "urban",  "snow_ice"};

PetscReal domain_write_cell_area(const GridSpec *s, PetscInt i, PetscInt j)
{
  PetscReal x, y, lon, lat, m;
  grid_cell_xy(s, (PetscReal)i, (PetscReal)j, &x, &y);
  projection_inverse(&s->proj, x, y, &lon, &lat);
  if (s->proj.kind == PROJ_LATLON)
    return PetscSqr(CONST_EARTH_RADIUS * CONST_DEG2RAD) * s->dx * s->dy *
           PetscCosReal(lat * CONST_DEG2RAD);
  m = projection_map_factor(&s->proj, lat);
  return s->dx * s->dy / (m * m);
}

typedef struct {
  int nc;
  const char *path;
  int dx, dy, dz, dzi, dlu, dunit, dpref, drec, drcounty, dcover, dstr;
} Nc;

static PetscErrorCode def(Nc *f, const char *name, nc_type type, int ndim, const int *dims,
                          const char *units, const char *long_name, int *id)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_def_var(f->nc, name, type, ndim, dims, id), f->path);
  if (units) NcCallFile(nc_put_att_text(f->nc, *id, "units", strlen(units), units), f->path);
  if (long_name)
    NcCallFile(nc_put_att_text(f->nc, *id, "long_name", strlen(long_name), long_name), f->path);
  /* Names are UTF-8 (Chinese unit, prefecture and receptor names): netCDF4-python and xarray
     decode character arrays to strings in the encoding _Encoding names, raw bytes without it. */
  if (type == NC_CHAR) NcCallFile(nc_put_att_text(f->nc, *id, "_Encoding", 5, "utf-8"), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode att_text(Nc *f, int var, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_text(f->nc, var, name, strlen(value), value), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode att_double(Nc *f, int var, const char *name, size_t n, const double *v)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_double(f->nc, var, name, NC_DOUBLE, n, v), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode att_int(Nc *f, int var, const char *name, PetscInt v)
{
  int iv = (int)v;

  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_int(f->nc, var, name, NC_INT, 1, &iv), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode global_attributes(Nc *f, const ToolConfig *cfg, const DomainDef *d,
                                        PetscInt nsub)
{
  const GridSpec *s = &d->spec;
  char text[4096], dir[PETSC_MAX_PATH_LEN];
  const struct {
    const char *name;
    double v;
  } reals[] = {{"TRUELAT1", s->proj.truelat1},
               {"TRUELAT2", s->proj.truelat2},
               {"STAND_LON", s->proj.stand_lon},
               {"REF_LAT", s->proj.ref_lat},
               {"REF_LON", s->proj.ref_lon},
               {"DX", s->dx},
               {"DY", s->dy},
               {"X0", s->x0},
               {"Y0", s->y0}};

  PetscFunctionBeginUser;
  /* The folder of the file: the config_ values' paths are made relative to it, as history's. */
  provenance_folder(f->path, dir, sizeof(dir));
  PetscCall(att_text(f, NC_GLOBAL, "Conventions", "CF-1.8"));
  PetscCall(att_text(f, NC_GLOBAL, "title",
                     "Bogda model domain: grid, terrain, land use, control units, receptors"));
  PetscCall(PetscSNPrintf(text, sizeof(text),
                          "bogda-grid %s (prep/grid/bogda-grid.c) from the data named in "
                          "source_data (the shipped ones are described in data/README.md)",
                          version_string()));
  PetscCall(provenance_nc_attributes(f->nc, f->path, text));
  geography_sources(&cfg->geo, text, sizeof(text));
  PetscCall(att_text(f, NC_GLOBAL, "source_data", text));
  PetscCall(att_text(f, NC_GLOBAL, "namelist", provenance_basename(cfg->path)));
  PetscCall(att_text(f, NC_GLOBAL, "domain_name", d->name));
  PetscCall(att_int(f, NC_GLOBAL, "MAP_PROJ", s->proj.kind));
  for (size_t k = 0; k < sizeof(reals) / sizeof(reals[0]); k++)
    PetscCall(att_double(f, NC_GLOBAL, reals[k].name, 1, &reals[k].v));
  PetscCall(att_int(f, NC_GLOBAL, "NX", s->nx));
  PetscCall(att_int(f, NC_GLOBAL, "NY", s->ny));
  PetscCall(att_int(f, NC_GLOBAL, "NZ", s->nz));
  PetscCall(att_int(f, NC_GLOBAL, "subsamples_per_cell_side", nsub));
  if (d->parent[0]) {
    PetscCall(att_text(f, NC_GLOBAL, "parent_domain", d->parent));
    PetscCall(att_int(f, NC_GLOBAL, "PARENT_I_START", d->parent_i_start));
    PetscCall(att_int(f, NC_GLOBAL, "PARENT_J_START", d->parent_j_start));
    PetscCall(att_int(f, NC_GLOBAL, "PARENT_GRID_RATIO", d->parent_grid_ratio));
  }
  for (PetscInt k = 0; k < namelist_count(); k++) {
    const char *key, *value;
    PetscBool is_default;
    char name[NC_MAX_NAME + 1];
    PetscCall(namelist_entry(k, &key, &value, &is_default));
    PetscCall(PetscSNPrintf(name, sizeof(name), "config_%s", key));
    /* A path the user gave (a units file in their home folder) is kept as its basename. */
    provenance_relative_text(value, dir, text, sizeof(text));
    PetscCall(att_text(f, NC_GLOBAL, name, text));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Variable ids, in the order they are defined. */
enum {
  V_X,
  V_Y,
  V_Z,
  V_ZI,
  V_LAT,
  V_LON,
  V_AREA,
  V_TERRAIN,
  V_LU,
  V_LUNAME,
  V_UID,
  V_UCODE,
  V_UZH,
  V_UEN,
  V_UKIND,
  V_UCOUNTY,
  V_UPREF,
  V_UAREA,
  V_PCODE,
  V_PZH,
  V_PEN,
  V_PPARENT,
  V_RNAME,
  V_RZH,
  V_REN,
  V_RW,
  V_RCOUNTY,
  V_CI,
  V_CJ,
  V_CU,
  V_CF,
  V_CSTART,
  V_CCOUNT,
  V_N
};

static PetscErrorCode grid_mapped(Nc *f, int id, const char *standard_name)
{
  PetscFunctionBeginUser;
  PetscCall(att_text(f, id, "grid_mapping", "crs"));
  PetscCall(att_text(f, id, "coordinates", "lat lon"));
  if (standard_name) PetscCall(att_text(f, id, "standard_name", standard_name));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode def_grid_vars(Nc *f, const GridSpec *s, int *v)
{
  const int yx[2] = {f->dy, f->dx}, lyx[3] = {f->dlu, f->dy, f->dx}, ls[2] = {f->dlu, f->dstr};
  const char *xy_units = s->proj.kind == PROJ_LATLON ? "degrees" : "m";

  PetscFunctionBeginUser;
  PetscCall(def(f, "x", NC_DOUBLE, 1, &f->dx, xy_units,
                "x coordinate of cell centres on the projection plane", &v[V_X]));
  PetscCall(att_text(f, v[V_X], "standard_name", "projection_x_coordinate"));
  PetscCall(def(f, "y", NC_DOUBLE, 1, &f->dy, xy_units,
                "y coordinate of cell centres on the projection plane", &v[V_Y]));
  PetscCall(att_text(f, v[V_Y], "standard_name", "projection_y_coordinate"));
  PetscCall(def(f, "z", NC_DOUBLE, 1, &f->dz, "m",
                "nominal height of layer centres above flat ground", &v[V_Z]));
  PetscCall(att_text(f, v[V_Z], "positive", "up"));
  PetscCall(def(f, "z_iface", NC_DOUBLE, 1, &f->dzi, "m",
                "height of layer interfaces above flat ground (0 first)", &v[V_ZI]));
  PetscCall(att_text(f, v[V_ZI], "positive", "up"));
  PetscCall(
      def(f, "lat", NC_DOUBLE, 2, yx, "degrees_north", "latitude of cell centres", &v[V_LAT]));
  PetscCall(att_text(f, v[V_LAT], "standard_name", "latitude"));
  PetscCall(
      def(f, "lon", NC_DOUBLE, 2, yx, "degrees_east", "longitude of cell centres", &v[V_LON]));
  PetscCall(att_text(f, v[V_LON], "standard_name", "longitude"));
  PetscCall(def(f, "cell_area", NC_DOUBLE, 2, yx, "m2", "true area of the cell", &v[V_AREA]));
  PetscCall(grid_mapped(f, v[V_AREA], "cell_area"));
  PetscCall(def(f, "terrain", NC_DOUBLE, 2, yx, "m",
                "terrain height, area average of the DEM over the cell", &v[V_TERRAIN]));
  PetscCall(grid_mapped(f, v[V_TERRAIN], "surface_altitude"));
  PetscCall(def(f, "landuse_fraction", NC_DOUBLE, 3, lyx, "1",
                "share of the cell in each land-use category", &v[V_LU]));
  PetscCall(grid_mapped(f, v[V_LU], "area_fraction"));
  PetscCall(def(f, "landuse_name", NC_CHAR, 2, ls, NULL, "land-use category (base/landuse.h order)",
                &v[V_LUNAME]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode def_registry_vars(Nc *f, int *v)
{
  const int us[2] = {f->dunit, f->dstr}, ps[2] = {f->dpref, f->dstr}, rs[2] = {f->drec, f->dstr};
  const int ryx[3] = {f->drec, f->dy, f->dx}, yx[2] = {f->dy, f->dx},
            rc[2] = {f->drec, f->drcounty};
  const int kinds[UNIT_NKIND] = {UNIT_PRIORITY, UNIT_KEY, UNIT_GENERAL, UNIT_OUTSIDE};

  PetscFunctionBeginUser;
  PetscCall(def(f, "unit_id", NC_INT, 1, &f->dunit, NULL,
                "control unit id (1-based; the model's unit tags)", &v[V_UID]));
  PetscCall(def(f, "unit_code", NC_CHAR, 2, us, NULL, "control unit code", &v[V_UCODE]));
  PetscCall(def(f, "unit_name_zh", NC_CHAR, 2, us, NULL, "control unit name, Chinese (UTF-8)",
                &v[V_UZH]));
  PetscCall(def(f, "unit_name_en", NC_CHAR, 2, us, NULL, "control unit name, English", &v[V_UEN]));
  PetscCall(def(f, "unit_kind", NC_INT, 1, &f->dunit, NULL, "kind of control unit", &v[V_UKIND]));
  NcCallFile(nc_put_att_int(f->nc, v[V_UKIND], "flag_values", NC_INT, UNIT_NKIND, kinds), f->path);
  PetscCall(att_text(f, v[V_UKIND], "flag_meanings",
                     "priority_protection key_control general_control outside_region"));
  PetscCall(def(f, "unit_county", NC_INT, 1, &f->dunit, NULL,
                "county adcode (GB/T 2260), 0 outside Xinjiang", &v[V_UCOUNTY]));
  PetscCall(def(f, "unit_prefecture", NC_INT, 1, &f->dunit, NULL,
                "index into the prefecture dimension, -1 outside", &v[V_UPREF]));
  PetscCall(def(f, "unit_area_km2", NC_DOUBLE, 1, &f->dunit, "km2",
                "area of the unit inside this domain", &v[V_UAREA]));
  PetscCall(def(f, "prefecture_code", NC_INT, 1, &f->dpref, NULL, "prefecture adcode (GB/T 2260)",
                &v[V_PCODE]));
  PetscCall(def(f, "prefecture_name_zh", NC_CHAR, 2, ps, NULL, "prefecture name, Chinese (UTF-8)",
                &v[V_PZH]));
  PetscCall(
      def(f, "prefecture_name_en", NC_CHAR, 2, ps, NULL, "prefecture name, English", &v[V_PEN]));
  PetscCall(def(f, "prefecture_parent", NC_INT, 1, &f->dpref, NULL,
                "for an XPCC city: index of the prefecture it sits in; else -1", &v[V_PPARENT]));
  PetscCall(def(f, "receptor_name", NC_CHAR, 2, rs, NULL, "receptor short name", &v[V_RNAME]));
  PetscCall(def(f, "receptor_name_zh", NC_CHAR, 2, rs, NULL, "receptor name, Chinese (UTF-8)",
                &v[V_RZH]));
  PetscCall(def(f, "receptor_name_en", NC_CHAR, 2, rs, NULL, "receptor name, English", &v[V_REN]));
  PetscCall(def(f, "receptor_county", NC_INT, 2, rc, NULL,
                "adcodes of the counties whose urban land is in the receptor (GB/T 2260), 0: none",
                &v[V_RCOUNTY]));
  PetscCall(def(f, "receptor_weight", NC_DOUBLE, 3, ryx, "1",
                "weight of the cell in the receptor average (sums to 1)", &v[V_RW]));
  PetscCall(grid_mapped(f, v[V_RW], NULL));
  PetscCall(def(f, "cover_i", NC_INT, 1, &f->dcover, NULL, "cell index in x (0-based)", &v[V_CI]));
  PetscCall(def(f, "cover_j", NC_INT, 1, &f->dcover, NULL, "cell index in y (0-based)", &v[V_CJ]));
  PetscCall(
      def(f, "cover_unit", NC_INT, 1, &f->dcover, NULL, "index into the unit dimension", &v[V_CU]));
  PetscCall(def(f, "cover_fraction", NC_DOUBLE, 1, &f->dcover, "1",
                "share of the cell in the unit (a cell's shares sum to 1)", &v[V_CF]));
  PetscCall(
      def(f, "cover_start", NC_INT, 2, yx, NULL, "first cover entry of the cell", &v[V_CSTART]));
  PetscCall(def(f, "cover_count", NC_INT, 2, yx, NULL, "number of cover entries of the cell",
                &v[V_CCOUNT]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The most counties any receptor names (at least 1: a dimension of the receptor_county table). */
static PetscInt receptor_counties_max(const Geography *g, const ReceptorSet *rs)
{
  PetscInt most = 1;
  for (PetscInt r = 0; r < rs->n; r++) {
    PetscInt n = 0;
    for (PetscInt c = 0; c < g->ncounty; c++) n += rs->r[r].county[c] ? 1 : 0;
    most = PetscMax(most, n);
  }
  return most;
}

/* receptor_county: each receptor's county adcodes in adcode order, 0-padded. */
static PetscErrorCode put_receptor_counties(Nc *f, const Geography *g, const ReceptorSet *rs,
                                            int var)
{
  PetscInt w = receptor_counties_max(g, rs);
  int *a;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(rs->n * w + 1, &a));
  for (PetscInt r = 0; r < rs->n; r++)
    for (PetscInt c = 0, n = 0; c < g->ncounty; c++)
      if (rs->r[r].county[c]) a[r * w + n++] = (int)g->county[c].adcode;
  if (rs->n) NcCallFile(nc_put_var_int(f->nc, var, a), f->path);
  PetscCall(PetscFree(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode def_dims(Nc *f, const GridSpec *s, const Geography *g, const ReceptorSet *rs,
                               PetscInt ncover)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_def_dim(f->nc, "x", (size_t)s->nx, &f->dx), f->path);
  NcCallFile(nc_def_dim(f->nc, "y", (size_t)s->ny, &f->dy), f->path);
  NcCallFile(nc_def_dim(f->nc, "z", (size_t)s->nz, &f->dz), f->path);
  NcCallFile(nc_def_dim(f->nc, "z_iface", (size_t)s->nz + 1, &f->dzi), f->path);
  NcCallFile(nc_def_dim(f->nc, "landuse", LANDUSE_N, &f->dlu), f->path);
  NcCallFile(nc_def_dim(f->nc, "unit", (size_t)g->nunit, &f->dunit), f->path);
  NcCallFile(nc_def_dim(f->nc, "prefecture", (size_t)g->npref, &f->dpref), f->path);
  NcCallFile(nc_def_dim(f->nc, "receptor", (size_t)rs->n, &f->drec), f->path);
  NcCallFile(
      nc_def_dim(f->nc, "receptor_county_slot", (size_t)receptor_counties_max(g, rs), &f->drcounty),
      f->path);
  NcCallFile(nc_def_dim(f->nc, "cover", (size_t)PetscMax(ncover, 1), &f->dcover), f->path);
  NcCallFile(nc_def_dim(f->nc, "strlen", STRLEN, &f->dstr), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Write string k of a [n, strlen] character variable. */
static PetscErrorCode put_string(Nc *f, int var, PetscInt k, const char *s)
{
  char buf[STRLEN] = {0};
  size_t start[2] = {(size_t)k, 0}, count[2] = {1, STRLEN};

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(buf, s, STRLEN));
  NcCallFile(nc_put_vara_text(f->nc, var, start, count, buf), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode put_ints(Nc *f, int var, PetscInt n, PetscInt (*get)(const void *, PetscInt),
                               const void *ctx)
{
  int *a;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n + 1, &a));
  for (PetscInt k = 0; k < n; k++) a[k] = (int)get(ctx, k);
  NcCallFile(nc_put_var_int(f->nc, var, a), f->path);
  PetscCall(PetscFree(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscInt unit_kind(const void *c, PetscInt k)
{
  return ((const Geography *)c)->unit[k].kind;
}
static PetscInt unit_id(const void *c, PetscInt k)
{
  (void)c;
  return k + 1;
}
static PetscInt unit_pref(const void *c, PetscInt k)
{
  return ((const Geography *)c)->unit[k].prefecture;
}
static PetscInt unit_county(const void *c, PetscInt k)
{
  const Geography *g = c;
  return g->unit[k].county >= 0 ? g->county[g->unit[k].county].adcode : 0;
}
static PetscInt pref_code(const void *c, PetscInt k)
{
  return ((const Geography *)c)->pref[k].adcode;
}
static PetscInt pref_parent(const void *c, PetscInt k)
{
  return ((const Geography *)c)->pref[k].parent;
}

static PetscErrorCode put_registries(Nc *f, const Geography *g, const ReceptorSet *rs,
                                     const PetscReal *unit_area, const int *v)
{
  PetscFunctionBeginUser;
  PetscCall(put_ints(f, v[V_UID], g->nunit, unit_id, g));
  PetscCall(put_ints(f, v[V_UKIND], g->nunit, unit_kind, g));
  PetscCall(put_ints(f, v[V_UCOUNTY], g->nunit, unit_county, g));
  PetscCall(put_ints(f, v[V_UPREF], g->nunit, unit_pref, g));
  PetscCall(put_ints(f, v[V_PCODE], g->npref, pref_code, g));
  PetscCall(put_ints(f, v[V_PPARENT], g->npref, pref_parent, g));
  NcCallFile(nc_put_var_double(f->nc, v[V_UAREA], unit_area), f->path);
  for (PetscInt u = 0; u < g->nunit; u++) {
    PetscCall(put_string(f, v[V_UCODE], u, g->unit[u].code));
    PetscCall(put_string(f, v[V_UZH], u, g->unit[u].name_zh));
    PetscCall(put_string(f, v[V_UEN], u, g->unit[u].name_en));
  }
  for (PetscInt q = 0; q < g->npref; q++) {
    PetscCall(put_string(f, v[V_PZH], q, g->pref[q].name_zh));
    PetscCall(put_string(f, v[V_PEN], q, g->pref[q].name_en));
  }
  for (PetscInt r = 0; r < rs->n; r++) {
    PetscCall(put_string(f, v[V_RNAME], r, rs->r[r].name));
    PetscCall(put_string(f, v[V_RZH], r, rs->r[r].name_zh));
    PetscCall(put_string(f, v[V_REN], r, rs->r[r].name_en));
  }
  PetscCall(put_receptor_counties(f, g, rs, v[V_RCOUNTY]));
  for (PetscInt c = 0; c < LANDUSE_N; c++)
    PetscCall(put_string(f, v[V_LUNAME], c, landuse_names[c]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode put_grid(Nc *f, const GridSpec *s, const PetscReal *area, const int *v)
{
  PetscInt n = s->nx * s->ny;
  PetscReal *a, *b;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(PetscMax(n, GRID_MAX_LAYERS + 1), &a));
  PetscCall(PetscMalloc1(PetscMax(n, GRID_MAX_LAYERS + 1), &b));
  for (PetscInt i = 0; i < s->nx; i++) grid_cell_xy(s, (PetscReal)i, 0, &a[i], &b[0]);
  NcCallFile(nc_put_var_double(f->nc, v[V_X], a), f->path);
  for (PetscInt j = 0; j < s->ny; j++) grid_cell_xy(s, 0, (PetscReal)j, &b[0], &a[j]);
  NcCallFile(nc_put_var_double(f->nc, v[V_Y], a), f->path);
  for (PetscInt k = 0; k < s->nz; k++) a[k] = 0.5 * (s->z_iface[k] + s->z_iface[k + 1]);
  NcCallFile(nc_put_var_double(f->nc, v[V_Z], a), f->path);
  NcCallFile(nc_put_var_double(f->nc, v[V_ZI], s->z_iface), f->path);
  for (PetscInt j = 0; j < s->ny; j++)
    for (PetscInt i = 0; i < s->nx; i++) {
      PetscReal x, y;
      grid_cell_xy(s, (PetscReal)i, (PetscReal)j, &x, &y);
      projection_inverse(&s->proj, x, y, &a[j * s->nx + i], &b[j * s->nx + i]);
    }
  NcCallFile(nc_put_var_double(f->nc, v[V_LON], a), f->path);
  NcCallFile(nc_put_var_double(f->nc, v[V_LAT], b), f->path);
  NcCallFile(nc_put_var_double(f->nc, v[V_AREA], area), f->path);
  PetscCall(PetscFree(a));
  PetscCall(PetscFree(b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fields: terrain, land use (transposed to [landuse, y, x]), receptor weights normalised to sum
   to 1 (summed in cell order), cover lists. */
static PetscErrorCode put_fields(Nc *f, const GridSpec *s, const ReceptorSet *rs,
                                 const DomainSamples *d, const PetscReal *area, const int *v)
{
  PetscInt n = s->nx * s->ny, nr = rs->n, start = 0;
  PetscReal *a;
  int *ci, *cj, *cu, *cs, *cc;

  PetscFunctionBeginUser;
  NcCallFile(nc_put_var_double(f->nc, v[V_TERRAIN], d->terrain), f->path);
  PetscCall(PetscMalloc1(n * PetscMax(LANDUSE_N, nr) + 1, &a));
  for (PetscInt c = 0; c < LANDUSE_N; c++)
    for (PetscInt k = 0; k < n; k++) a[c * n + k] = d->landuse[k * LANDUSE_N + c];
  NcCallFile(nc_put_var_double(f->nc, v[V_LU], a), f->path);
  for (PetscInt r = 0; r < nr; r++) {
    PetscReal sum = 0;
    for (PetscInt k = 0; k < n; k++) sum += d->receptor[k * nr + r] * area[k];
    PetscCheck(sum > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "receptor %s has no area inside this domain (no urban land of its cities, no point "
               "or polygon of it inside)",
               rs->r[r].name);
    for (PetscInt k = 0; k < n; k++) a[r * n + k] = d->receptor[k * nr + r] * area[k] / sum;
  }
  if (nr) NcCallFile(nc_put_var_double(f->nc, v[V_RW], a), f->path);
  PetscCall(PetscFree(a));
  PetscCall(PetscMalloc5(d->ncover_total + 1, &ci, d->ncover_total + 1, &cj, d->ncover_total + 1,
                         &cu, n, &cs, n, &cc));
  for (PetscInt k = 0; k < n; k++) {
    cs[k] = (int)start;
    cc[k] = (int)d->ncover[k];
    for (PetscInt e = start; e < start + d->ncover[k]; e++) {
      ci[e] = (int)(k % s->nx);
      cj[e] = (int)(k / s->nx);
      cu[e] = (int)d->cover_unit[e];
    }
    start += d->ncover[k];
  }
  NcCallFile(nc_put_var_int(f->nc, v[V_CI], ci), f->path);
  NcCallFile(nc_put_var_int(f->nc, v[V_CJ], cj), f->path);
  NcCallFile(nc_put_var_int(f->nc, v[V_CU], cu), f->path);
  NcCallFile(nc_put_var_double(f->nc, v[V_CF], d->cover_fraction), f->path);
  NcCallFile(nc_put_var_int(f->nc, v[V_CSTART], cs), f->path);
  NcCallFile(nc_put_var_int(f->nc, v[V_CCOUNT], cc), f->path);
  PetscCall(PetscFree5(ci, cj, cu, cs, cc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The registry as CSV (commas in names become semicolons). */
static PetscErrorCode write_csv(const char *path, const Geography *g, const PetscReal *unit_area)
{
  AtomicFile out;

  PetscFunctionBeginUser;
  PetscCall(atomic_file_open(path, &out));
  PetscCall(atomic_file_printf(&out,
                               "unit_id,unit_code,unit_name_zh,unit_name_en,unit_kind,"
                               "unit_county,prefecture_code,prefecture_name_en,unit_area_km2\n"));
  for (PetscInt u = 0; u < g->nunit; u++) {
    const GeoUnit *x = &g->unit[u];
    char zh[GEO_NAME_LEN], en[GEO_NAME_LEN], pen[GEO_NAME_LEN] = "";
    PetscCall(PetscStrncpy(zh, x->name_zh, sizeof(zh)));
    PetscCall(PetscStrncpy(en, x->name_en, sizeof(en)));
    if (x->prefecture >= 0)
      PetscCall(PetscStrncpy(pen, g->pref[x->prefecture].name_en, sizeof(pen)));
    for (char *c = zh; *c; c++)
      if (*c == ',') *c = ';';
    for (char *c = en; *c; c++)
      if (*c == ',') *c = ';';
    for (char *c = pen; *c; c++)
      if (*c == ',') *c = ';';
    PetscCall(atomic_file_printf(
        &out,
        "%" PetscInt_FMT ",%s,%s,%s,%" PetscInt_FMT ",%" PetscInt_FMT ",%" PetscInt_FMT
        ",%s,%.3f\n",
        u + 1, x->code, zh, en, x->kind, x->county >= 0 ? g->county[x->county].adcode : 0,
        x->prefecture >= 0 ? g->pref[x->prefecture].adcode : 0, pen, (double)unit_area[u]));
  }
  PetscCall(atomic_file_commit(&out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_write(const ToolConfig *cfg, const DomainDef *d, const Geography *g,
                            const ReceptorSet *rs, const DomainSamples *s, const char *dir)
{
  const GridSpec *spec = &d->spec;
  PetscInt n = spec->nx * spec->ny, e = 0;
  char path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8], csv[PETSC_MAX_PATH_LEN];
  PetscReal *area, *unit_area;
  Nc f = {.path = tmp};
  int v[V_N];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &area));
  PetscCall(PetscCalloc1(g->nunit, &unit_area));
  for (PetscInt j = 0; j < spec->ny; j++)
    for (PetscInt i = 0; i < spec->nx; i++)
      area[j * spec->nx + i] = domain_write_cell_area(spec, i, j);
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt q = 0; q < s->ncover[k]; q++, e++)
      unit_area[s->cover_unit[e]] += s->cover_fraction[e] * area[k] / M2_PER_KM2;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s_domain.nc", dir, d->name));
  PetscCall(atomic_file_tmp_name(path, tmp, sizeof(tmp)));
  PetscCall(PetscSNPrintf(csv, sizeof(csv), "%s/%s_units.csv", dir, d->name));
  NcCallFile(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &f.nc), tmp);
  PetscCall(def_dims(&f, spec, g, rs, s->ncover_total));
  PetscCall(crs_define(f.nc, f.path, &spec->proj));
  PetscCall(def_grid_vars(&f, spec, v));
  PetscCall(def_registry_vars(&f, v));
  PetscCall(global_attributes(&f, cfg, d, s->nsub));
  NcCallFile(nc_enddef(f.nc), tmp);
  PetscCall(put_grid(&f, spec, area, v));
  PetscCall(put_fields(&f, spec, rs, s, area, v));
  PetscCall(put_registries(&f, g, rs, unit_area, v));
  PetscCall(atomic_file_nc_close(f.nc, path));
  PetscCall(atomic_file_rename(path));
  PetscCall(write_csv(csv, g, unit_area));
  PetscCall(PetscFree(area));
  PetscCall(PetscFree(unit_area));
  PetscFunctionReturn(PETSC_SUCCESS);
}
