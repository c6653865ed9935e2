/* Lat-lon grids from NetCDF (CF coordinates) or ESRI ASCII, and their sampling. Values are held
   as PetscReal, south row first, with missing nodes set to DEM_NODATA whatever the file used. */
#include "prep/geo/dem.h"
#include "base/ncinput.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/error.h"
#include "base/ncatt.h"

#define DEM_SPACING_RTOL 1e-6 /* relative tolerance on even coordinate spacing */

static PetscErrorCode finish(Dem *d, PetscReal fill, PetscBool has_fill)
{
  PetscFunctionBeginUser;
  d->zmin = PETSC_MAX_REAL;
  d->zmax = PETSC_MIN_REAL;
  d->nodata = DEM_NODATA;
  for (PetscInt k = 0; k < d->nlon * d->nlat; k++) {
    if (has_fill && d->z[k] == fill) d->z[k] = DEM_NODATA;
    if (d->z[k] == DEM_NODATA) continue;
    d->zmin = PetscMin(d->zmin, d->z[k]);
    d->zmax = PetscMax(d->zmax, d->z[k]);
  }
  PetscCheck(d->zmin <= d->zmax, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the grid holds no valid value", d->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ESRI ASCII grid. */

typedef struct {
  const char *path;
  char *s;
  size_t pos;
  PetscInt line;
} Text;

static void skip_blank(Text *t)
{
  while (t->s[t->pos] && isspace((unsigned char)t->s[t->pos])) {
    if (t->s[t->pos] == '\n') t->line++;
    t->pos++;
  }
}

/* The next whitespace-separated word as a number. */
static PetscErrorCode next_number(Text *t, const char *what, PetscReal *v)
{
  char *end;

  PetscFunctionBeginUser;
  skip_blank(t);
  *v = strtod(t->s + t->pos, &end);
  PetscCheck(end != t->s + t->pos && (!*end || isspace((unsigned char)*end)), PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED, "%s:%" PetscInt_FMT ": expected a number (%s)", t->path,
             t->line, what);
  t->pos = (size_t)(end - t->s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One header line "key value"; returns PETSC_FALSE in *found (and leaves the position) if the
   next word is a number, which starts the data. */
static PetscErrorCode header_line(Text *t, char *key, size_t keylen, PetscReal *value,
                                  PetscBool *found)
{
  size_t n = 0;

  PetscFunctionBeginUser;
  skip_blank(t);
  *found = isalpha((unsigned char)t->s[t->pos]) ? PETSC_TRUE : PETSC_FALSE;
  if (!*found) PetscFunctionReturn(PETSC_SUCCESS);
  while (t->s[t->pos] && !isspace((unsigned char)t->s[t->pos]) && n + 1 < keylen)
    key[n++] = (char)tolower((unsigned char)t->s[t->pos++]);
  key[n] = 0;
  PetscCheck(n > 0 && n + 1 < keylen, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": bad header word", t->path, t->line);
  PetscCall(next_number(t, key, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_header(Text *t, Dem *d, PetscReal *nodata, PetscBool *has_nodata)
{
  PetscReal ncols = -1, nrows = -1, x = 0, y = 0, cell = -1, v;
  PetscBool found = PETSC_TRUE, corner_x = PETSC_FALSE, corner_y = PETSC_FALSE,
            have_x = PETSC_FALSE, have_y = PETSC_FALSE;
  char key[32];

  PetscFunctionBeginUser;
  *has_nodata = PETSC_FALSE;
  while (found) {
    PetscCall(header_line(t, key, sizeof(key), &v, &found));
    if (!found) break;
    if (!strcmp(key, "ncols"))
      ncols = v;
    else if (!strcmp(key, "nrows"))
      nrows = v;
    else if (!strcmp(key, "xllcorner") || !strcmp(key, "xllcenter")) {
      x = v;
      have_x = PETSC_TRUE;
      corner_x = key[4] == 'o' ? PETSC_TRUE : PETSC_FALSE;
    } else if (!strcmp(key, "yllcorner") || !strcmp(key, "yllcenter")) {
      y = v;
      have_y = PETSC_TRUE;
      corner_y = key[4] == 'o' ? PETSC_TRUE : PETSC_FALSE;
    } else if (!strcmp(key, "cellsize"))
      cell = v;
    else if (!strcmp(key, "nodata_value")) {
      *nodata = v;
      *has_nodata = PETSC_TRUE;
    } else
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
              "%s:%" PetscInt_FMT
              ": unknown header key %s (expected ncols, nrows, xllcorner/xllcenter, "
              "yllcorner/yllcenter, cellsize, NODATA_value)",
              t->path, t->line, key);
  }
  PetscCheck(ncols >= 2 && nrows >= 2 && cell > 0 && have_x && have_y &&
                 ncols == PetscFloorReal(ncols) && nrows == PetscFloorReal(nrows),
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the header needs integer ncols >= 2 and nrows >= 2, a positive cellsize, and the "
             "lower-left x and y",
             t->path);
  d->nlon = (PetscInt)ncols;
  d->nlat = (PetscInt)nrows;
  d->dlon = d->dlat = cell;
  d->lon0 = x + (corner_x ? cell / 2 : 0);
  d->lat0 = y + (corner_y ? cell / 2 : 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_ascii(const char *path, Dem *d)
{
  Text t = {.path = path, .line = 1};
  PetscReal nodata = 0;
  PetscBool has_nodata;
  FILE *fp = fopen(path, "rb");
  long n;

  PetscFunctionBeginUser;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot open the ASCII grid", path);
  if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
    (void)fclose(fp);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot determine the file's size", path);
  }
  PetscCall(PetscMalloc1((size_t)n + 1, &t.s));
  if (fread(t.s, 1, (size_t)n, fp) != (size_t)n) n = -1;
  (void)fclose(fp);
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: short read", path);
  t.s[n] = 0;
  PetscCall(read_header(&t, d, &nodata, &has_nodata));
  PetscCall(PetscMalloc1(d->nlon * d->nlat, &d->z));
  for (PetscInt j = d->nlat - 1; j >= 0; j--)
    for (PetscInt i = 0; i < d->nlon; i++)
      PetscCall(next_number(&t, "a grid value", &d->z[j * d->nlon + i]));
  skip_blank(&t);
  PetscCheck(!t.s[t.pos], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": more values than ncols x nrows = %" PetscInt_FMT, path, t.line,
             d->nlon * d->nlat);
  PetscCall(PetscFree(t.s));
  PetscCall(finish(d, nodata, has_nodata));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* NetCDF grid. */

/* Whether text attribute att of variable var is one of values. */
static PetscErrorCode has_text(int nc, const char *path, int var, const char *att,
                               const char *const *values, PetscBool *has)
{
  char buf[PETSC_MAX_PATH_LEN];
  PetscBool found;

  PetscFunctionBeginUser;
  *has = PETSC_FALSE;
  PetscCall(ncatt_get_text(PETSC_COMM_SELF, nc, var, path, att, "not a DEM grid", buf, sizeof(buf),
                           &found));
  for (PetscInt k = 0; found && values[k]; k++)
    if (!strcmp(buf, values[k])) *has = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The one-dimensional coordinate variable of latitude (want_lat) or longitude, or -1. */
static PetscErrorCode find_coordinate(int nc, const char *path, PetscBool want_lat, int *coord)
{
  static const char *const lat_units[] = {"degrees_north", "degree_north", "degrees_N", "degree_N",
                                          NULL};
  static const char *const lon_units[] = {"degrees_east", "degree_east", "degrees_E", "degree_E",
                                          NULL};
  static const char *const lat_names[] = {"lat", "latitude", "y", NULL};
  static const char *const lon_names[] = {"lon", "longitude", "x", NULL};
  int nvar, ndim;
  char name[NC_MAX_NAME + 1];
  PetscBool has;

  PetscFunctionBeginUser;
  *coord = -1;
  NcCallFile(nc_inq_nvars(nc, &nvar), path);
  for (int pass = 0; pass < 2; pass++) {
    for (int v = 0; v < nvar; v++) {
      NcCallFile(nc_inq_varndims(nc, v, &ndim), path);
      if (ndim != 1) continue;
      NcCallFile(nc_inq_varname(nc, v, name), path);
      if (pass == 0) {
        PetscCall(has_text(nc, path, v, "units", want_lat ? lat_units : lon_units, &has));
        if (has) {
          *coord = v;
          PetscFunctionReturn(PETSC_SUCCESS);
        }
      }
      for (PetscInt k = 0; pass == 1 && (want_lat ? lat_names : lon_names)[k]; k++)
        if (!strcmp(name, (want_lat ? lat_names : lon_names)[k])) {
          *coord = v;
          PetscFunctionReturn(PETSC_SUCCESS);
        }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Read coordinate variable var of length n, check even spacing; first value and signed step. */
static PetscErrorCode read_axis(int nc, const char *path, int var, size_t n, PetscReal *first,
                                PetscReal *step)
{
  PetscReal *a;
  char name[NC_MAX_NAME + 1];

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varname(nc, var, name), path);
  PetscCheck(n >= 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: coordinate %s needs at least two values", path, name);
  PetscCall(PetscMalloc1(n, &a));
  NcCallFile(nc_get_var_double(nc, var, a), path);
  *first = a[0];
  *step = (a[n - 1] - a[0]) / (PetscReal)(n - 1);
  for (size_t k = 1; k < n; k++)
    PetscCheck(PetscAbsReal(a[k] - a[k - 1] - *step) <=
                   DEM_SPACING_RTOL * PetscAbsReal(*step) + DEM_SPACING_RTOL,
               PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: coordinate %s is not evenly spaced (at index %zu)", path, name, k);
  PetscCall(PetscFree(a));
  PetscCheck(*step != 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: coordinate %s has zero spacing", path, name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The data variable: the named one, or the first two-dimensional variable. */
static PetscErrorCode find_variable(int nc, const char *path, const char *variable, int *var)
{
  int nvar, ndim;

  PetscFunctionBeginUser;
  if (variable && variable[0]) {
    PetscCheck(nc_inq_varid(nc, variable, var) == NC_NOERR, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED, "%s: no variable named %s", path, variable);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  NcCallFile(nc_inq_nvars(nc, &nvar), path);
  for (*var = 0; *var < nvar; (*var)++) {
    NcCallFile(nc_inq_varndims(nc, *var, &ndim), path);
    if (ndim == 2) PetscFunctionReturn(PETSC_SUCCESS);
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no two-dimensional variable to read",
          path);
}

static PetscErrorCode read_netcdf(const char *path, const char *variable, Dem *d)
{
  int nc, vlat, vlon, var, dims[2], dlat, dlon;
  size_t nlat, nlon;
  PetscReal step_lat, fill = 0, scale = 1, offset = 0;
  PetscBool has_fill = PETSC_FALSE, found;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, &nc));
  PetscCall(find_coordinate(nc, path, PETSC_TRUE, &vlat));
  PetscCall(find_coordinate(nc, path, PETSC_FALSE, &vlon));
  PetscCheck(vlat >= 0 && vlon >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no one-dimensional latitude and longitude coordinates (units degrees_north and "
             "degrees_east)",
             path);
  PetscCall(find_variable(nc, path, variable, &var));
  NcCallFile(nc_inq_vardimid(nc, vlat, &dlat), path);
  NcCallFile(nc_inq_vardimid(nc, vlon, &dlon), path);
  NcCallFile(nc_inq_vardimid(nc, var, dims), path);
  PetscCheck(dims[0] == dlat && dims[1] == dlon, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the data variable must have dimensions (latitude, longitude)", path);
  NcCallFile(nc_inq_dimlen(nc, dlat, &nlat), path);
  NcCallFile(nc_inq_dimlen(nc, dlon, &nlon), path);
  PetscCall(read_axis(nc, path, vlat, nlat, &d->lat0, &step_lat));
  PetscCall(read_axis(nc, path, vlon, nlon, &d->lon0, &d->dlon));
  PetscCheck(d->dlon > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: longitudes must increase", path);
  d->nlat = (PetscInt)nlat;
  d->nlon = (PetscInt)nlon;
  d->dlat = PetscAbsReal(step_lat);
  PetscCall(PetscMalloc1(d->nlon * d->nlat, &d->z));
  NcCallFile(nc_get_var_double(nc, var, d->z), path);
  PetscCall(ncatt_get_double(PETSC_COMM_SELF, nc, var, path, "_FillValue", "", &fill, &has_fill));
  if (!has_fill)
    PetscCall(
        ncatt_get_double(PETSC_COMM_SELF, nc, var, path, "missing_value", "", &fill, &has_fill));
  PetscCall(ncatt_get_double(PETSC_COMM_SELF, nc, var, path, "scale_factor", "", &scale, &found));
  PetscCall(ncatt_get_double(PETSC_COMM_SELF, nc, var, path, "add_offset", "", &offset, &found));
  NcCallFile(nc_close(nc), path);
  if (step_lat < 0) {
    /* North row first in the file: flip to south first. */
    d->lat0 += step_lat * (PetscReal)(d->nlat - 1);
    for (PetscInt j = 0; j < d->nlat / 2; j++)
      for (PetscInt i = 0; i < d->nlon; i++) {
        PetscReal tmp = d->z[j * d->nlon + i];
        d->z[j * d->nlon + i] = d->z[(d->nlat - 1 - j) * d->nlon + i];
        d->z[(d->nlat - 1 - j) * d->nlon + i] = tmp;
      }
  }
  PetscCall(finish(d, fill, has_fill));
  for (PetscInt k = 0; k < d->nlon * d->nlat; k++)
    if (d->z[k] != DEM_NODATA) d->z[k] = d->z[k] * scale + offset;
  d->zmin = d->zmin * scale + offset;
  d->zmax = d->zmax * scale + offset;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode dem_read(const char *path, const char *variable, Dem **out)
{
  Dem *d;
  size_t n = strlen(path);

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&d));
  PetscCall(PetscStrallocpy(path, &d->path));
  if (n > 4 && !strcmp(path + n - 4, ".asc"))
    PetscCall(read_ascii(path, d));
  else
    PetscCall(read_netcdf(path, variable, d));
  *out = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode dem_destroy(Dem **d)
{
  PetscFunctionBeginUser;
  if (!*d) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*d)->z));
  PetscCall(PetscFree((*d)->path));
  PetscCall(PetscFree(*d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool dem_covers(const Dem *d, PetscReal lon, PetscReal lat)
{
  PetscReal x = (lon - d->lon0) / d->dlon, y = (lat - d->lat0) / d->dlat;
  return x >= 0 && y >= 0 && x <= (PetscReal)(d->nlon - 1) && y <= (PetscReal)(d->nlat - 1)
             ? PETSC_TRUE
             : PETSC_FALSE;
}

PetscReal dem_bilinear(const Dem *d, PetscReal lon, PetscReal lat)
{
  PetscReal x = (lon - d->lon0) / d->dlon, y = (lat - d->lat0) / d->dlat, sum = 0, wsum = 0;
  PetscInt i = PetscMin((PetscInt)x, d->nlon - 2), j = PetscMin((PetscInt)y, d->nlat - 2);
  PetscReal fx = x - (PetscReal)i, fy = y - (PetscReal)j;
  const PetscReal w[4] = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
  const PetscReal z[4] = {d->z[j * d->nlon + i], d->z[j * d->nlon + i + 1],
                          d->z[(j + 1) * d->nlon + i], d->z[(j + 1) * d->nlon + i + 1]};

  for (PetscInt k = 0; k < 4; k++) {
    if (z[k] == DEM_NODATA) continue;
    sum += w[k] * z[k];
    wsum += w[k];
  }
  return wsum > 0 ? sum / wsum : DEM_NODATA;
}

PetscReal dem_nearest(const Dem *d, PetscReal lon, PetscReal lat)
{
  PetscInt i = (PetscInt)PetscFloorReal((lon - d->lon0) / d->dlon + 0.5);
  PetscInt j = (PetscInt)PetscFloorReal((lat - d->lat0) / d->dlat + 0.5);
  i = PetscMin(PetscMax(i, 0), d->nlon - 1);
  j = PetscMin(PetscMax(j, 0), d->nlat - 1);
  return d->z[j * d->nlon + i];
}
