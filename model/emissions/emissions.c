/* Emission inputs (see emissions.h). Annual totals become mean rates in kg s-1 over a 365-day
   year, the year over which the time profiles average to 1. A model cell's gridded emission is
   shared among the control units covering it in proportion to their area fractions. A point
   source belongs to the unit its CSV row names, or else to the key-control unit covering its
   cell (the largest if several; large sources lie in key-control units by the unit rule), or
   else to the unit with the largest share of the cell. Sources outside the domain are reported
   as lost. */
#include "model/emissions/emissions.h"
#include "base/units.h"
#include "base/ncinput.h"
#include "base/provenance.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <netcdf.h>
#include "base/error.h"
#include "base/ncatt.h"
#include "base/atomic_file.h"
#include "base/namelist.h"
#include "model/emissions/regrid.h"
#include "model/emissions/point_sources.h"
#include "grids/domain.h"
#include "base/constants.h"

/* Largest annual emission one inventory cell may hold, t/yr: more than the world emits of any
   species in a year (SO2 about 1e8 t/yr), so a value above it is a fill value or a units error. */
#define GRIDDED_MAX_T_YR 1e9
/* Most values of a _FillValue or missing_value attribute looked at. */
#define GRIDDED_MAX_FILL 4

typedef struct {
  char gridded[PARAM_STRING_LEN], points[PARAM_STRING_LEN];
} Params;

static const ParamSpec params_table[] = {
    {.key = "gridded_file",
     .help = "gridded inventory on a lat-lon grid (NetCDF; empty: none)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, gridded),
     .sdef = ""},
    {.key = "points_file",
     .help = "point sources (CSV; empty: none)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, points),
     .sdef = ""},
    {.key = NULL},
};

const ParamGroup emissions_group = {.name = "emissions",
                                    .title = "Emission inputs",
                                    .params = params_table,
                                    .params_size = sizeof(Params)};

struct EmissionSet {
  Emissions em;
  Profiles *prof;
  PetscReal factor[SECTOR_N];
  /* Owned storage behind em.area and em.point. */
  PetscInt *acell, *aprof, *atag, *aunit, *pi, *pj, *pprof, *ptag, *punit, *psource;
  PetscReal *arate, *ph, *pd, *pv, *pt, *prate;
  PetscInt ncap;
  /* The emission report, written by emissions_write_report() once every input has been checked. */
  char report_path[PETSC_MAX_PATH_LEN];
  PetscReal *totals;  /* owned: kg s-1 by (prefecture + 1, sector, species), all ranks */
  const Patch *patch; /* borrowed: species table */
  const Domain *dom;  /* borrowed, may be NULL */
};

/* A coordinate variable of the inventory (lat or lon): one dimension, which it names. */
static PetscErrorCode read_axis(MPI_Comm comm, int nc, const char *path, const char *name, int *var,
                                int *dim, size_t *len)
{
  int nd;

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varid(nc, name, var), path);
  NcCallFile(nc_inq_varndims(nc, *var, &nd), path);
  PetscCheck(nd == 1, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: coordinate variable %s has %d dimensions; expected 1, %s(%s) of a regular "
             "latitude-longitude grid (2-D coordinates of a curvilinear grid are not supported)",
             path, name, nd, name, name);
  NcCallFile(nc_inq_vardimid(nc, *var, dim), path);
  NcCallFile(nc_inq_dimlen(nc, *dim, len), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A field must lie on the file's (lat, lon) dimensions, in that order: anything else (transposed,
   monthly, on other dimensions) would be read into the wrong cells or past the buffer. */
static PetscErrorCode check_shape(MPI_Comm comm, int nc, const char *path, const char *name,
                                  int var, const int want[2], const size_t len[2])
{
  int nd, dims[NC_MAX_VAR_DIMS];
  char found[256] = "";

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varndims(nc, var, &nd), path);
  NcCallFile(nc_inq_vardimid(nc, var, dims), path);
  if (nd == 2 && dims[0] == want[0] && dims[1] == want[1]) PetscFunctionReturn(PETSC_SUCCESS);
  for (int d = 0; d < nd; d++) {
    char dname[NC_MAX_NAME + 1];
    size_t n, l = strlen(found);
    NcCallFile(nc_inq_dim(nc, dims[d], dname, &n), path);
    PetscCall(PetscSNPrintf(found + l, sizeof(found) - l, "%s%s = %zu", d ? ", " : "", dname, n));
  }
  SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED,
          "%s: variable %s has dimensions (%s); expected (lat = %zu, lon = %zu), the dimensions of "
          "the file's lat and lon in that order (one annual field per species and sector)",
          path, name, found, len[0], len[1]);
}

/* The values that mark a missing cell: the variable's _FillValue and missing_value attributes and
   netCDF's default fills for a double and a float (what a variable never written holds). */
static PetscErrorCode fill_values(int nc, const char *path, int var, PetscReal *fill, int *nfill)
{
  static const char *atts[] = {"_FillValue", "missing_value"};

  PetscFunctionBeginUser;
  *nfill = 0;
  fill[(*nfill)++] = NC_FILL_DOUBLE;
  fill[(*nfill)++] = (double)NC_FILL_FLOAT;
  for (int a = 0; a < 2; a++) {
    size_t n;
    double v[GRIDDED_MAX_FILL];
    nc_type type;
    if (nc_inq_att(nc, var, atts[a], &type, &n) != NC_NOERR || type == NC_CHAR) continue;
    n = PetscMin(n, (size_t)GRIDDED_MAX_FILL);
    NcCallFile(nc_get_att_double(nc, var, atts[a], v), path);
    for (size_t k = 0; k < n && *nfill < 2 + 2 * GRIDDED_MAX_FILL; k++) fill[(*nfill)++] = v[k];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every value of a field read must be an emission: finite, not a fill value, not negative. Fails
   naming the file, the variable, the value's (lat, lon) indices and coordinates. */
static PetscErrorCode check_values(MPI_Comm comm, int nc, const char *path, const char *name,
                                   int var, size_t nlat, size_t nlon, const PetscReal *lat,
                                   const PetscReal *lon, const PetscReal *val)
{
  PetscReal fill[2 + 2 * GRIDDED_MAX_FILL];
  int nfill;

  PetscFunctionBeginUser;
  PetscCall(fill_values(nc, path, var, fill, &nfill));
  for (size_t a = 0; a < nlat; a++)
    for (size_t b = 0; b < nlon; b++) {
      PetscReal v = val[a * nlon + b];
      const char *what = NULL;
      if (PetscIsInfOrNanReal(v)) what = "not a finite number";
      for (int f = 0; f < nfill && !what; f++)
        if (v == fill[f])
          what = f < 2 ? "netCDF's default fill value: the variable was never written there"
                       : "the variable's _FillValue or missing_value: a missing cell";
      if (!what && v < 0) what = "negative";
      if (!what) continue;
      SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED,
              "%s: %s is %s (%g) at lat %g lon %g, (lat, lon) index (%zu, %zu); expected an "
              "emission >= 0 in every cell (0 where there is none)",
              path, name, what, (double)v, (double)lat[a], (double)lon[b], a, b);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Per owned column, sector and species: the gridded emission, kg s-1. */
/* Index of name among the first n of list (case-insensitive when fold), or -1. */
static PetscInt name_index(const char *const *list, PetscInt n, const char *name, size_t len,
                           PetscBool fold)
{
  for (PetscInt k = 0; k < n; k++)
    if (strlen(list[k]) == len &&
        (fold ? !strncasecmp(list[k], name, len) : !strncmp(list[k], name, len)))
      return k;
  return -1;
}

/* Every variable of the inventory that is neither a coordinate nor one of the fields read must
   not look like an emission field: a name whose species or sector part is a known one in any
   case (SO2_POWER, so2_powr), or emission units. Such a field would otherwise be skipped and
   its emissions lost without a word. A file providing no field at all is refused too. Other
   variables (a land mask, cell areas) are named in a warning and not read. */
static PetscErrorCode check_names(MPI_Comm comm, int nc, const char *path, const Patch *p, int vlat,
                                  int vlon, PetscInt nread)
{
  int nvars;
  const char *spec[64];
  PetscInt ns = PetscMin(p->nspec, 64);
  char known[512] = "", bounds[2][NC_MAX_NAME + 1] = {"", ""};

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < ns; s++) spec[s] = p->species[s].name;
  for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
    size_t l = strlen(known);
    PetscCall(
        PetscSNPrintf(known + l, sizeof(known) - l, "%s%s", sec ? ", " : "", sector_names[sec]));
  }
  {
    /* The CF cell bounds of the axes (lat:bounds = "lat_bnds") are coordinates, not fields. */
    const int axis[2] = {vlat, vlon};
    for (int a = 0; a < 2; a++) {
      size_t blen = 0;
      if (nc_inq_attlen(nc, axis[a], "bounds", &blen) == NC_NOERR && blen <= NC_MAX_NAME &&
          nc_get_att_text(nc, axis[a], "bounds", bounds[a]) == NC_NOERR)
        bounds[a][blen] = '\0';
    }
  }
  NcCallFile(nc_inq_nvars(nc, &nvars), path);
  for (int v = 0; v < nvars; v++) {
    char name[NC_MAX_NAME + 1], units[64] = "";
    const char *us = NULL;
    size_t ulen = 0;
    PetscInt si, ki;
    PetscBool looks, units_like;
    if (v == vlat || v == vlon) continue;
    NcCallFile(nc_inq_varname(nc, v, name), path);
    if (!strcmp(name, bounds[0]) || !strcmp(name, bounds[1])) continue;
    /* A CF grid mapping ("crs") describes the axes; it is not a field either. */
    if (nc_inq_att(nc, v, "grid_mapping_name", NULL, NULL) == NC_NOERR) continue;
    if (nc_inq_attlen(nc, v, "units", &ulen) == NC_NOERR && ulen < sizeof(units))
      (void)nc_get_att_text(nc, v, "units", units);
    units[PetscMin(ulen, sizeof(units) - 1)] = 0;
    units_like =
        (!strcmp(units, "t yr-1") || !strcmp(units, "kg yr-1") || !strcmp(units, "kg m-2 s-1"))
            ? PETSC_TRUE
            : PETSC_FALSE;
    us = strchr(name, '_');
    si = us ? name_index(spec, ns, name, (size_t)(us - name), PETSC_FALSE) : -1;
    ki = us ? name_index(sector_names, SECTOR_N, us + 1, strlen(us + 1), PETSC_FALSE) : -1;
    if (si >= 0 && ki >= 0) continue; /* a field read above */
    looks = units_like;
    if (us && (name_index(spec, ns, name, (size_t)(us - name), PETSC_TRUE) >= 0 ||
               name_index(sector_names, SECTOR_N, us + 1, strlen(us + 1), PETSC_TRUE) >= 0))
      looks = PETSC_TRUE;
    PetscCheck(!looks, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: variable %s looks like an emission field but names no species and sector "
               "this model reads; expected <species>_<sector> in lower case, species as in the "
               "species table (so2, nox, nh3, ppm25, ...), sector one of %s",
               path, name, known);
    PetscCall(PetscPrintf(comm, "WARNING: %s: variable %s is not an emission field; not read\n",
                          path, name));
  }
  PetscCheck(nread > 0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no emission field; expected variables named <species>_<sector> (so2_power, "
             "nox_transport, ...) on the file's (lat, lon), sector one of %s",
             path, known);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_gridded(MPI_Comm comm, const char *path, const Grid *g, const Patch *p,
                                   PetscReal *grid_rate, PetscReal *lost)
{
  int nc, vlat, vlon, dim[2], var;
  size_t nlat, nlon, len[2];
  PetscReal *lat, *lon, *val;
  RegridMap *map;
  PetscInt nread = 0;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, &nc));
  {
    /* What the inventory says it is (bogda-inventory's says ILLUSTRATIVE), for the run's files. */
    char title[1024] = "", note[1024 + PETSC_MAX_PATH_LEN];
    size_t tlen = 0;
    nc_type type;
    if (nc_inq_att(nc, NC_GLOBAL, "title", &type, &tlen) == NC_NOERR && type == NC_CHAR &&
        tlen < sizeof(title) && nc_get_att_text(nc, NC_GLOBAL, "title", title) == NC_NOERR) {
      title[tlen] = '\0';
      PetscCall(PetscSNPrintf(note, sizeof(note), "%s: %s", provenance_basename(path), title));
      PetscCall(provenance_note("emission_inventory_title", note, PETSC_FALSE));
    }
  }
  PetscCall(read_axis(comm, nc, path, "lat", &vlat, &dim[0], &nlat));
  PetscCall(read_axis(comm, nc, path, "lon", &vlon, &dim[1], &nlon));
  PetscCheck(dim[0] != dim[1], comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: lat and lon lie on the same dimension; expected lat(lat) and lon(lon)", path);
  len[0] = nlat;
  len[1] = nlon;
  PetscCall(PetscMalloc3(nlat, &lat, nlon, &lon, nlat * nlon, &val));
  NcCallFile(nc_get_var_double(nc, vlat, lat), path);
  NcCallFile(nc_get_var_double(nc, vlon, lon), path);
  PetscCall(regrid_create(g, (PetscInt)nlat, lat, (PetscInt)nlon, lon, &map));
  for (PetscInt sec = 0; sec < SECTOR_N; sec++)
    for (PetscInt s = 0; s < p->nspec; s++) {
      char name[128], units[64] = "";
      PetscReal dlat = (lat[nlat - 1] - lat[0]) / (PetscReal)(nlat - 1),
                dlon = (lon[nlon - 1] - lon[0]) / (PetscReal)(nlon - 1);
      PetscBool per_area;
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s_%s", p->species[s].name, sector_names[sec]));
      if (nc_inq_varid(nc, name, &var) != NC_NOERR) continue;
      nread++;
      PetscCall(check_shape(comm, nc, path, name, var, dim, len));
      NcCallFile(nc_get_var_double(nc, var, val), path);
      PetscCall(ncatt_get_text(comm, nc, var, path, "units",
                               "expected \"t yr-1\", \"kg yr-1\" or \"kg m-2 s-1\"", units,
                               sizeof(units), NULL));
      PetscCheck(
          !strcmp(units, "t yr-1") || !strcmp(units, "kg yr-1") || !strcmp(units, "kg m-2 s-1"),
          comm, PETSC_ERR_FILE_UNEXPECTED,
          "%s: variable %s has units \"%s\"; expected \"t yr-1\", \"kg yr-1\" or \"kg m-2 s-1\"",
          path, name, units);
      PetscCall(check_values(comm, nc, path, name, var, nlat, nlon, lat, lon, val));
      per_area = !strcmp(units, "kg m-2 s-1") ? PETSC_TRUE : PETSC_FALSE;
      for (size_t a = 0; a < nlat; a++)
        for (size_t b = 0; b < nlon; b++) {
          PetscInt c = (PetscInt)(a * nlon + b);
          PetscReal v = val[c], rate;
          if (v == 0) continue;
          if (per_area) {
            PetscReal band = PetscSinReal((lat[a] + 0.5 * dlat) * CONST_DEG2RAD) -
                             PetscSinReal((lat[a] - 0.5 * dlat) * CONST_DEG2RAD);
            rate = v * PetscSqr(CONST_EARTH_RADIUS) * dlon * CONST_DEG2RAD * band;
          } else
            rate = v * (!strcmp(units, "t yr-1") ? KG_PER_T : 1) / SECONDS_PER_YEAR;
          PetscCheck(rate * SECONDS_PER_YEAR / KG_PER_T <= GRIDDED_MAX_T_YR, comm,
                     PETSC_ERR_FILE_UNEXPECTED,
                     "%s: %s = %g %s at lat %g lon %g, (lat, lon) index (%zu, %zu), is %g t/yr "
                     "from one cell; expected at most %g t/yr (more than the world emits of any "
                     "species: a fill value or a units error)",
                     path, name, (double)v, units, (double)lat[a], (double)lon[b], a, b,
                     (double)(rate * SECONDS_PER_YEAR / KG_PER_T), (double)GRIDDED_MAX_T_YR);
          lost[s] += rate * (1 - map->inside[c]);
          for (PetscInt e = map->start[c]; e < map->start[c + 1]; e++) {
            PetscInt c2 = patch_index2(p, map->i[e], map->j[e]);
            grid_rate[(c2 * SECTOR_N + sec) * p->nspec + s] += rate * map->w[e];
          }
        }
    }
  PetscCall(check_names(comm, nc, path, p, vlat, vlon, nread));
  NcCallFile(nc_close(nc), path);
  PetscCall(regrid_destroy(&map));
  PetscCall(PetscFree3(lat, lon, val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode grow_area(EmissionSet *es, PetscInt nspec, PetscInt nfam)
{
  PetscFunctionBeginUser;
  if (es->em.area.n < es->ncap) PetscFunctionReturn(PETSC_SUCCESS);
  es->ncap = es->ncap ? 2 * es->ncap : 1024;
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)es->ncap, &es->acell));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)es->ncap, &es->aprof));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)es->ncap, &es->aunit));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)(es->ncap * PetscMax(nfam, 1)), &es->atag));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)(es->ncap * nspec), &es->arate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The units of column c2 and their shares (one pseudo-unit -1 without a domain). */
static PetscInt column_units(const Domain *d, PetscInt c2, const PetscInt **unit,
                             const PetscReal **frac)
{
  static const PetscInt none = -1;
  static const PetscReal one = 1;
  if (!d) {
    *unit = &none;
    *frac = &one;
    return 1;
  }
  *unit = &d->cover_unit[d->cover_start[c2]];
  *frac = &d->cover_fraction[d->cover_start[c2]];
  return d->cover_start[c2 + 1] - d->cover_start[c2];
}

/* Area entries: one per owned column, covering unit and sector with emissions. */
static PetscErrorCode build_area(EmissionSet *es, const Patch *p, const Domain *d, const Tags *tags,
                                 const Scenario *sc, const PetscReal *grid_rate, PetscReal *totals)
{
  PetscInt ns = p->nspec, nf = tags->nfamily;

  PetscFunctionBeginUser;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt c2 = patch_index2(p, i, j), nu;
      const PetscInt *unit;
      const PetscReal *frac;
      nu = column_units(d, c2, &unit, &frac);
      for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
        const PetscReal *r = &grid_rate[(c2 * SECTOR_N + sec) * ns];
        PetscBool any = PETSC_FALSE;
        for (PetscInt s = 0; s < ns; s++) any = any || r[s] > 0;
        if (!any) continue;
        for (PetscInt k = 0; k < nu; k++) {
          PetscInt e = es->em.area.n, pref = unit[k] >= 0 ? d->unit[unit[k]].prefecture : -1;
          PetscCall(grow_area(es, ns, nf));
          es->acell[e] = patch_index(p, i, j, 0);
          es->aprof[e] = sec;
          es->aunit[e] = unit[k];
          for (PetscInt f = 0; f < nf; f++)
            es->atag[e * nf + f] = tags_emission_tag(tags, f, unit[k], sec);
          for (PetscInt s = 0; s < ns; s++) {
            es->arate[e * ns + s] = r[s] * frac[k] * scenario_factor(sc, unit[k], sec, s);
            totals[((pref + 1) * SECTOR_N + sec) * ns + s] += es->arate[e * ns + s];
          }
          es->em.area.n++;
        }
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The unit a point source belongs to (see the header comment). */
static PetscInt point_unit(const Domain *d, PetscInt c2, const char *code)
{
  const PetscInt *unit;
  const PetscReal *frac;
  PetscInt nu, best = -1, key = -1;
  if (!d) return -1;
  if (code[0])
    for (PetscInt u = 0; u < d->nunit; u++)
      if (!strcmp(d->unit[u].code, code)) return u;
  nu = column_units(d, c2, &unit, &frac);
  for (PetscInt k = 0; k < nu; k++) {
    if (best < 0 || frac[k] > frac[best]) best = k;
    if (d->unit[unit[k]].kind == DOMAIN_UNIT_KEY && (key < 0 || frac[k] > frac[key])) key = k;
  }
  return key >= 0 ? unit[key] : (best >= 0 ? unit[best] : -1);
}

static PetscErrorCode build_points(MPI_Comm comm, EmissionSet *es, const char *path, const Grid *g,
                                   const Patch *p, const Domain *d, const Tags *tags,
                                   const Scenario *sc, const PointSources *ps, PetscReal *totals,
                                   PetscReal *lost)
{
  PetscInt ns = p->nspec, nf = tags->nfamily, n = 0, nlost = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc4(ps->n + 1, &es->pi, ps->n + 1, &es->pj, ps->n + 1, &es->pprof,
                         (ps->n + 1) * PetscMax(nf, 1), &es->ptag));
  PetscCall(PetscMalloc2(ps->n + 1, &es->punit, ps->n + 1, &es->psource));
  PetscCall(PetscMalloc5(ps->n + 1, &es->ph, ps->n + 1, &es->pd, ps->n + 1, &es->pv, ps->n + 1,
                         &es->pt, (ps->n + 1) * ns, &es->prate));
  for (PetscInt q = 0; q < ps->n; q++) {
    const PetscReal *v = &ps->value[q * POINT_NUM];
    PetscInt i, j, u, pref;
    if (!grid_spec_cell(&g->spec, v[POINT_LON], v[POINT_LAT], &i, &j)) {
      nlost++;
      for (PetscInt s = 0; s < ns; s++)
        lost[s] += ps->rate[q * ns + s] * KG_PER_T / SECONDS_PER_YEAR;
      PetscCall(PetscPrintf(comm,
                            "WARNING: %s:%d: point source %s (%s) at %.3f E %.3f N is outside the "
                            "domain; its emissions are lost\n",
                            path, (int)ps->line[q], ps->id[q], ps->name[q], (double)v[POINT_LON],
                            (double)v[POINT_LAT]));
      continue;
    }
    if (i < p->xs || i >= p->xs + p->xm || j < p->ys || j >= p->ys + p->ym) continue;
    u = point_unit(d, patch_index2(p, i, j), ps->unit[q]);
    PetscCheck(!ps->unit[q][0] || (u >= 0 && !strcmp(d->unit[u].code, ps->unit[q])),
               PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%d: point source %s names unit '%s', which the domain does not have", path,
               (int)ps->line[q], ps->id[q], ps->unit[q]);
    pref = u >= 0 ? d->unit[u].prefecture : -1;
    es->pi[n] = i;
    es->pj[n] = j;
    es->ph[n] = v[POINT_HEIGHT];
    es->pd[n] = v[POINT_DIAMETER];
    es->pv[n] = v[POINT_VELOCITY];
    es->pt[n] = v[POINT_TEMPERATURE];
    es->pprof[n] = ps->sector[q];
    es->punit[n] = u;
    es->psource[n] = q;
    for (PetscInt f = 0; f < nf; f++)
      es->ptag[n * nf + f] = tags_point_tag(tags, f, q, u, ps->sector[q]);
    for (PetscInt s = 0; s < ns; s++) {
      es->prate[n * ns + s] = ps->rate[q * ns + s] * KG_PER_T / SECONDS_PER_YEAR *
                              scenario_point_factor(sc, ps->id[q], u, ps->sector[q], s);
      totals[((pref + 1) * SECTOR_N + ps->sector[q]) * ns + s] += es->prate[n * ns + s];
    }
    n++;
  }
  if (nlost)
    PetscCall(
        PetscPrintf(comm, "%d point source(s) of %s lie outside the domain\n", (int)nlost, path));
  es->em.point = (EmissionPoint){n,      es->pi,    es->pj,   es->ph,    es->pd,    es->pv,
                                 es->pt, es->pprof, es->ptag, es->prate, es->punit, es->psource};
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Emitted totals by prefecture, sector and species (t/yr, after the scenario), summed over the
   ranks, to the log; emissions_write_report() writes them as CSV. */
static PetscErrorCode report(MPI_Comm comm, const Patch *p, const Domain *d, PetscReal *totals,
                             PetscReal *lost)
{
  PetscInt ns = p->nspec, npref = d ? d->npref : 0, n = (npref + 1) * SECTOR_N * ns;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, totals, (PetscMPIInt)n, MPIU_REAL, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, lost, (PetscMPIInt)ns, MPIU_REAL, MPI_SUM, comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscPrintf(comm, "emissions in the domain, t/yr (annual mean rates; lost outside:"));
  for (PetscInt s = 0; s < ns; s++)
    PetscCall(PetscPrintf(comm, " %s %.6f", p->species[s].name,
                          (double)(lost[s] * SECONDS_PER_YEAR / KG_PER_T)));
  PetscCall(PetscPrintf(comm, ")\n%-12s", "sector"));
  for (PetscInt s = 0; s < ns; s++) PetscCall(PetscPrintf(comm, " %10s", p->species[s].name));
  PetscCall(PetscPrintf(comm, "\n"));
  for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
    PetscCall(PetscPrintf(comm, "%-12s", sector_names[sec]));
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal sum = 0;
      for (PetscInt q = 0; q <= npref; q++) sum += totals[(q * SECTOR_N + sec) * ns + s];
      PetscCall(PetscPrintf(comm, " %10.1f", (double)(sum * SECONDS_PER_YEAR / KG_PER_T)));
    }
    PetscCall(PetscPrintf(comm, "\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode emissions_write_report(MPI_Comm comm, const EmissionSet *es)
{
  const char *path = es->report_path;
  const Patch *p = es->patch;
  const Domain *d = es->dom;
  const PetscReal *totals = es->totals;
  PetscInt ns = p->nspec, npref = d ? d->npref : 0;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && path[0]) {
    AtomicFile out;
    PetscCall(atomic_file_open(path, &out));
    PetscCall(
        atomic_file_printf(&out, "prefecture_code,prefecture_name_en,sector,species,t_per_year\n"));
    for (PetscInt q = 0; q <= npref; q++)
      for (PetscInt sec = 0; sec < SECTOR_N; sec++)
        for (PetscInt s = 0; s < ns; s++) {
          PetscReal v = totals[(q * SECTOR_N + sec) * ns + s] * SECONDS_PER_YEAR / KG_PER_T;
          char text[32];
          if (v == 0) continue;
          namelist_real_text((double)v, text, sizeof(text));
          PetscCall(atomic_file_printf(&out, "%d,\"%s\",%s,%s,%s\n",
                                       q ? (int)d->pref[q - 1].code : 0,
                                       q ? d->pref[q - 1].name_en : "outside Xinjiang",
                                       sector_names[sec], p->species[s].name, text));
        }
    PetscCall(atomic_file_commit(&out));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode emissions_points(MPI_Comm comm, const SpeciesInfo *sp, PetscInt nspec,
                                PointSources **ps)
{
  Params prm;

  PetscFunctionBeginUser;
  *ps = NULL;
  PetscCall(namelist_read(comm, &emissions_group, &prm));
  if (prm.points[0]) PetscCall(point_sources_read(prm.points, sp, nspec, ps));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode emissions_create(MPI_Comm comm, const Grid *g, const Patch *p, const Domain *dom,
                                const Tags *tags, const Scenario *sc, const PointSources *ps,
                                const char *report_path, EmissionSet **out)
{
  Params prm;
  EmissionSet *es;
  PetscReal *grid_rate, *totals, *lost;
  PetscInt ns = p->nspec;

  PetscFunctionBeginUser;
  PetscCall(namelist_read(comm, &emissions_group, &prm));
  PetscCall(scenario_check_points(comm, sc, ps, prm.points));
  PetscCall(PetscNew(&es));
  PetscCall(profiles_create(comm, &es->prof));
  es->em.nfamily = tags->nfamily;
  es->em.profile_factor = es->factor;
  PetscCall(PetscCalloc1(patch_size2(p) * SECTOR_N * ns, &grid_rate));
  PetscCall(PetscCalloc1(((dom ? dom->npref : 0) + 1) * SECTOR_N * ns, &totals));
  PetscCall(PetscCalloc1(ns, &lost));
  if (prm.gridded[0]) PetscCall(read_gridded(comm, prm.gridded, g, p, grid_rate, lost));
  PetscCall(build_area(es, p, dom, tags, sc, grid_rate, totals));
  es->em.area = (EmissionArea){es->em.area.n, es->acell, es->aprof, es->atag, es->arate, es->aunit};
  if (ps) PetscCall(build_points(comm, es, prm.points, g, p, dom, tags, sc, ps, totals, lost));
  {
    /* Every rank saw every source cell and point outside the domain; count the loss once. */
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (rank) PetscCall(PetscArrayzero(lost, ns));
  }
  PetscCall(report(comm, p, dom, totals, lost));
  PetscCall(PetscStrncpy(es->report_path, report_path ? report_path : "", sizeof(es->report_path)));
  es->totals = totals, es->patch = p, es->dom = dom;
  PetscCall(PetscFree(grid_rate));
  PetscCall(PetscFree(lost));
  *out = es;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode emissions_destroy(EmissionSet **out)
{
  EmissionSet *es = *out;

  PetscFunctionBeginUser;
  if (!es) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(profiles_destroy(&es->prof));
  PetscCall(PetscFree(es->totals));
  PetscCall(PetscFree(es->acell));
  PetscCall(PetscFree(es->aprof));
  PetscCall(PetscFree(es->aunit));
  PetscCall(PetscFree(es->atag));
  PetscCall(PetscFree(es->arate));
  if (es->pi) {
    PetscCall(PetscFree4(es->pi, es->pj, es->pprof, es->ptag));
    PetscCall(PetscFree2(es->punit, es->psource));
    PetscCall(PetscFree5(es->ph, es->pd, es->pv, es->pt, es->prate));
  }
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void emissions_update(EmissionSet *es, PetscReal t)
{
  for (PetscInt s = 0; s < SECTOR_N; s++) es->factor[s] = profiles_factor(es->prof, (Sector)s, t);
}

const Emissions *emissions_fields(const EmissionSet *es)
{
  return &es->em;
}
