/* wrfout files as one time series (see wrf_file.h). WRF writes one NetCDF file per output
   interval or per few; the Times variable ("YYYY-MM-DD_hh:mm:ss", DateStrLen characters per
   record) dates every record. The global attributes MAP_PROJ, TRUELAT1, TRUELAT2, STAND_LON,
   CEN_LAT, CEN_LON, DX, DY and WEST-EAST_GRID_DIMENSION / SOUTH-NORTH_GRID_DIMENSION (staggered
   sizes) describe the domain WRF ran on, centred on (CEN_LAT, CEN_LON); a file may hold a crop of
   it (ncks -d), whose place in the domain follows from its first XLAT/XLONG point. In a moving
   nest XLAT/XLONG change from record to record: such records are marked off the grid. */
#include "model/met/wrf_file.h"
#include "base/ncinput.h"
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <netcdf.h>
#include "base/clock.h"
#include "base/error.h"
#include "base/ncatt.h"
#include "base/constants.h"
#include "model/met/met_source.h"

#define DATE_LEN 64         /* longest Times entry we accept, characters */
#define TIME_TOLERANCE 1e-3 /* times closer than this are the same, s */
#define GRID_TOLERANCE 1e-4 /* XLAT/XLONG agree to this on one grid, degrees (stored as floats) */
#define CROP_TOLERANCE 2e-3 /* a crop's offset must be this close to a whole cell */

/* The per-file facts compared between files. */
typedef struct {
  size_t nx, ny, nz, nrec;
  int map_proj, full_nx, full_ny;
  double dx, dy, truelat1, truelat2, stand_lon, cen_lat, cen_lon;
} FileInfo;

/* Make file f the open one. */
static PetscErrorCode use(WrfFiles *w, PetscInt f)
{
  PetscFunctionBeginUser;
  if (w->open == f) PetscFunctionReturn(PETSC_SUCCESS);
  if (w->nc >= 0) NcCallFile(nc_close(w->nc), w->path[w->open]);
  w->nc = -1;
  w->open = -1;
  PetscCall(nc_open_input(w->path[f], &w->nc));
  w->open = f;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every file the patterns name, in order. */
static PetscErrorCode expand(MPI_Comm comm, const char (*patterns)[PARAM_STRING_LEN],
                             PetscInt npattern, WrfFiles *w)
{
  PetscFunctionBeginUser;
  PetscCheck(npattern > 0, comm, PETSC_ERR_USER, "met_wrf_files: no wrfout files given");
  for (PetscInt n = 0; n < npattern; n++) {
    glob_t g;
    int rc = glob(patterns[n], 0, NULL, &g);
    PetscCheck(rc == 0 && g.gl_pathc > 0, comm, PETSC_ERR_FILE_OPEN,
               "met_wrf_files: %s: no such file (no file matches '%s')", patterns[n], patterns[n]);
    PetscCall(PetscRealloc(sizeof(*w->path) * (size_t)(w->nfile + (PetscInt)g.gl_pathc), &w->path));
    for (size_t k = 0; k < g.gl_pathc; k++)
      PetscCall(PetscStrncpy(w->path[w->nfile++], g.gl_pathv[k], PETSC_MAX_PATH_LEN));
    globfree(&g);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What a file missing a required global attribute is not (base/ncatt.h's messages). */
#define WRF_WHAT "not a wrfout file"

static PetscErrorCode dim_len(MPI_Comm comm, int nc, const char *path, const char *name,
                              size_t *len)
{
  int id;

  PetscFunctionBeginUser;
  PetscCheck(nc_inq_dimid(nc, name, &id) == NC_NOERR, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: dimension %s is missing: not a wrfout file", path, name);
  NcCallFile(nc_inq_dimlen(nc, id, len), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode file_info(MPI_Comm comm, int nc, const char *path, FileInfo *fi)
{
  PetscFunctionBeginUser;
  PetscCall(dim_len(comm, nc, path, "west_east", &fi->nx));
  PetscCall(dim_len(comm, nc, path, "south_north", &fi->ny));
  PetscCall(dim_len(comm, nc, path, "bottom_top", &fi->nz));
  PetscCall(dim_len(comm, nc, path, "Time", &fi->nrec));
  {
    /* A staggered dimension has one point more than its mass-point one: a file where it does
       not (a cut or merged file) would put the faces of one grid on the cells of another. */
    static const char *const pair[3][2] = {{"west_east", "west_east_stag"},
                                           {"south_north", "south_north_stag"},
                                           {"bottom_top", "bottom_top_stag"}};
    const size_t n[3] = {fi->nx, fi->ny, fi->nz};
    for (int k = 0; k < 3; k++) {
      int id;
      size_t len;
      if (nc_inq_dimid(nc, pair[k][1], &id) != NC_NOERR) continue;
      NcCallFile(nc_inq_dimlen(nc, id, &len), path);
      PetscCheck(len == n[k] + 1, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: dimension %s = %zu with %s = %zu; expected %zu (one face more than cells)",
                 path, pair[k][1], len, pair[k][0], n[k], n[k] + 1);
    }
  }
  PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, path, "MAP_PROJ", WRF_WHAT, &fi->map_proj, NULL));
  PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, path, "WEST-EAST_GRID_DIMENSION", WRF_WHAT,
                          &fi->full_nx, NULL));
  PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, path, "SOUTH-NORTH_GRID_DIMENSION", WRF_WHAT,
                          &fi->full_ny, NULL));
  PetscCall(ncatt_get_double(comm, nc, NC_GLOBAL, path, "DX", WRF_WHAT, &fi->dx, NULL));
  PetscCall(ncatt_get_double(comm, nc, NC_GLOBAL, path, "DY", WRF_WHAT, &fi->dy, NULL));
  PetscCall(ncatt_get_double(comm, nc, NC_GLOBAL, path, "TRUELAT1", WRF_WHAT, &fi->truelat1, NULL));
  PetscCall(ncatt_get_double(comm, nc, NC_GLOBAL, path, "TRUELAT2", WRF_WHAT, &fi->truelat2, NULL));
  PetscCall(
      ncatt_get_double(comm, nc, NC_GLOBAL, path, "STAND_LON", WRF_WHAT, &fi->stand_lon, NULL));
  PetscCall(ncatt_get_double(comm, nc, NC_GLOBAL, path, "CEN_LAT", WRF_WHAT, &fi->cen_lat, NULL));
  PetscCall(ncatt_get_double(comm, nc, NC_GLOBAL, path, "CEN_LON", WRF_WHAT, &fi->cen_lon, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fail unless file info b (of path) describes the same grid as a (of the first file). */
static PetscErrorCode same_grid(MPI_Comm comm, const FileInfo *a, const FileInfo *b,
                                const char *first, const char *path)
{
  const char *dnames[] = {"west_east", "south_north", "bottom_top"};
  const size_t da[] = {a->nx, a->ny, a->nz}, db[] = {b->nx, b->ny, b->nz};
  const char *anames[] = {"DX", "DY", "TRUELAT1", "TRUELAT2", "STAND_LON", "CEN_LAT", "CEN_LON"};
  const double aa[] = {a->dx,        a->dy,      a->truelat1, a->truelat2,
                       a->stand_lon, a->cen_lat, a->cen_lon};
  const double ab[] = {b->dx,        b->dy,      b->truelat1, b->truelat2,
                       b->stand_lon, b->cen_lat, b->cen_lon};

  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < 3; n++)
    PetscCheck(da[n] == db[n], comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s is on a different grid from %s: dimension %s is %d there, %d here", path, first,
               dnames[n], (int)da[n], (int)db[n]);
  PetscCheck(a->map_proj == b->map_proj, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s is on a different grid from %s: attribute MAP_PROJ is %d there, %d here", path,
             first, a->map_proj, b->map_proj);
  for (PetscInt n = 0; n < 7; n++)
    PetscCheck(PetscAbsReal(aa[n] - ab[n]) <= 1e-6 * PetscMax(1, PetscAbsReal(aa[n])), comm,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s is on a different grid from %s: attribute %s is %.6g there, %.6g here", path,
               first, anames[n], aa[n], ab[n]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* XLAT and XLONG of the first mass point at record r of the open file. */
static PetscErrorCode corner(WrfFiles *w, size_t r, PetscReal *lat, PetscReal *lon)
{
  const char *names[2] = {"XLAT", "XLONG"};
  PetscReal *out[2] = {lat, lon};

  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < 2; n++) {
    int id, nd;
    size_t st[3] = {r, 0, 0}, ct[3] = {1, 1, 1};
    NcCallFile(nc_inq_varid(w->nc, names[n], &id), w->path[w->open]);
    NcCallFile(nc_inq_varndims(w->nc, id, &nd), w->path[w->open]);
    NcCallFile(nc_get_vara_double(w->nc, id, st + (3 - nd), ct + (3 - nd), out[n]),
               w->path[w->open]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Append the open file's records: times and whether they lie on the first record's grid. */
static PetscErrorCode read_times(MPI_Comm comm, WrfFiles *w, PetscInt f, size_t nrec)
{
  const char *path = w->path[f];
  int id, dims[2];
  size_t len;
  char *text;

  PetscFunctionBeginUser;
  PetscCheck(nrec > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "%s: variable Times holds no record", path);
  NcCallFile(nc_inq_varid(w->nc, "Times", &id), path);
  NcCallFile(nc_inq_vardimid(w->nc, id, dims), path);
  NcCallFile(nc_inq_dimlen(w->nc, dims[1], &len), path);
  PetscCheck(len < DATE_LEN, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: Times entries of %d characters are too long", path, (int)len);
  PetscCall(PetscMalloc1(nrec * len, &text));
  NcCallFile(nc_get_var_text(w->nc, id, text), path);
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)(w->ntime + (PetscInt)nrec), &w->time));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)(w->ntime + (PetscInt)nrec), &w->file_of));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)(w->ntime + (PetscInt)nrec), &w->rec_of));
  PetscCall(PetscRealloc(sizeof(PetscBool) * (size_t)(w->ntime + (PetscInt)nrec), &w->on_grid));
  for (size_t r = 0; r < nrec; r++) {
    char date[DATE_LEN];
    PetscInt n = w->ntime++;
    PetscReal lat, lon;
    int y, mo, d, h, mi, s;
    memcpy(date, text + r * len, len);
    date[len] = 0;
    PetscCheck(sscanf(date, "%4d-%2d-%2d_%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) == 6, comm,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s: variable Times, record %d: '%s' is not a date YYYY-MM-DD_hh:mm:ss", path,
               (int)r, date);
    PetscCall(clock_parse(date, &w->time[n]));
    w->file_of[n] = f;
    w->rec_of[n] = (PetscInt)r;
    PetscCall(corner(w, r, &lat, &lon));
    if (n == 0) w->lat0 = lat, w->lon0 = lon;
    w->on_grid[n] =
        PetscAbsReal(lat - w->lat0) < GRID_TOLERANCE && PetscAbsReal(lon - w->lon0) < GRID_TOLERANCE
            ? PETSC_TRUE
            : PETSC_FALSE;
    PetscCheck(r > 0 || w->on_grid[n], comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s is on a different grid from %s: XLAT/XLONG of the first point are (%.6g, %.6g) "
               "there, (%.6g, %.6g) here",
               path, w->path[0], (double)w->lat0, (double)w->lon0, (double)lat, (double)lon);
  }
  PetscCall(PetscFree(text));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Times strictly increase at one constant interval over the concatenation. */
static PetscErrorCode check_times(MPI_Comm comm, WrfFiles *w)
{
  PetscFunctionBeginUser;
  PetscCheck(w->ntime >= 2, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the met source wrf needs at least two times (variable Times), found %d",
             w->path[0], (int)w->ntime);
  w->interval = w->time[1] - w->time[0];
  for (PetscInt n = 1; n < w->ntime; n++) {
    char a[32], b[32];
    PetscReal step = w->time[n] - w->time[n - 1];
    clock_format(w->time[n - 1], a, sizeof(a));
    clock_format(w->time[n], b, sizeof(b));
    PetscCheck(step > TIME_TOLERANCE, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: variable Times, record %d: %s does not come after %s (%s): times out of order",
               w->path[w->file_of[n]], (int)w->rec_of[n], b, a, w->path[w->file_of[n - 1]]);
    PetscCheck(PetscAbsReal(step - w->interval) < TIME_TOLERANCE, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: variable Times, record %d: %s follows %s after %.6g h, but the records before "
               "are %.6g h apart: a gap or a changed interval",
               w->path[w->file_of[n]], (int)w->rec_of[n], b, a, (double)(step / 3600),
               (double)(w->interval / 3600));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wrf_files_open(MPI_Comm comm, const char (*patterns)[PARAM_STRING_LEN],
                              PetscInt npattern, const char *const *required, WrfFiles **out)
{
  WrfFiles *w;
  FileInfo first = {0};

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&w));
  w->nc = -1;
  w->open = -1;
  PetscCall(expand(comm, patterns, npattern, w));
  for (PetscInt f = 0; f < w->nfile; f++) {
    FileInfo fi;
    int id;
    PetscCall(nc_open_input(w->path[f], &id));
    NcCallFile(nc_close(id), w->path[f]);
    PetscCall(use(w, f));
    for (PetscInt v = 0; required[v]; v++)
      PetscCheck(nc_inq_varid(w->nc, required[v], &id) == NC_NOERR, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: variable %s is missing (the met source wrf needs it)", w->path[f],
                 required[v]);
    PetscCall(file_info(comm, w->nc, w->path[f], &fi));
    if (f == 0)
      first = fi;
    else
      PetscCall(same_grid(comm, &first, &fi, w->path[0], w->path[f]));
    PetscCall(read_times(comm, w, f, fi.nrec));
  }
  PetscCall(check_times(comm, w));
  w->nx = (PetscInt)first.nx;
  w->ny = (PetscInt)first.ny;
  w->nz = (PetscInt)first.nz;
  w->map_proj = first.map_proj;
  w->dx = first.dx;
  w->dy = first.dy;
  w->truelat1 = first.truelat1;
  w->truelat2 = first.truelat2;
  w->stand_lon = first.stand_lon;
  w->cen_lat = first.cen_lat;
  w->cen_lon = first.cen_lon;
  w->full_nx = first.full_nx - 1;
  w->full_ny = first.full_ny - 1;
  PetscCall(use(w, 0));
  {
    int theta_m = 0;
    double bucket = -1;
    PetscBool found;
    PetscCall(ncatt_get_int(comm, w->nc, NC_GLOBAL, w->path[0], "USE_THETA_M", WRF_WHAT, &theta_m,
                            &found));
    PetscCall(ncatt_get_double(comm, w->nc, NC_GLOBAL, w->path[0], "BUCKET_MM", WRF_WHAT, &bucket,
                               &found));
    w->theta_m = theta_m ? PETSC_TRUE : PETSC_FALSE;
    w->bucket_mm = bucket;
    PetscCall(ncatt_get_text(comm, w->nc, NC_GLOBAL, w->path[0], "MMINLU", WRF_WHAT, w->mminlu,
                             sizeof(w->mminlu), &found));
  }
  *out = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wrf_files_destroy(WrfFiles **out)
{
  WrfFiles *w = *out;

  PetscFunctionBeginUser;
  if (!w) PetscFunctionReturn(PETSC_SUCCESS);
  if (w->nc >= 0) NcCallFile(nc_close(w->nc), w->path[w->open]);
  PetscCall(PetscFree(w->path));
  PetscCall(PetscFree(w->time));
  PetscCall(PetscFree(w->file_of));
  PetscCall(PetscFree(w->rec_of));
  PetscCall(PetscFree(w->on_grid));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wrf_files_has(WrfFiles *w, PetscInt n, const char *const *names, PetscBool *has)
{
  PetscFunctionBeginUser;
  for (PetscInt v = 0; v < n; v++) has[v] = PETSC_TRUE;
  for (PetscInt f = 0; f < w->nfile; f++) {
    PetscCall(use(w, f));
    for (PetscInt v = 0; v < n; v++) {
      int id;
      if (nc_inq_varid(w->nc, names[v], &id) != NC_NOERR) has[v] = PETSC_FALSE;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether variable id of the open file has a leading Time dimension, and its number of dims. */
static PetscErrorCode var_shape(WrfFiles *w, int id, PetscBool *timed, int *nd)
{
  int dims[NC_MAX_VAR_DIMS];
  char name[NC_MAX_NAME + 1];

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varndims(w->nc, id, nd), w->path[w->open]);
  NcCallFile(nc_inq_vardimid(w->nc, id, dims), w->path[w->open]);
  *timed = PETSC_FALSE;
  if (*nd > 0) {
    NcCallFile(nc_inq_dimname(w->nc, dims[0], name), w->path[w->open]);
    *timed = strcmp(name, "Time") ? PETSC_FALSE : PETSC_TRUE;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest magnitude of the WRF wind variable name (met_source.h), or 0 for another one. */
static PetscReal wind_bound(const char *name)
{
  if (!strcmp(name, "U") || !strcmp(name, "V")) return MET_WIND_MAX;
  if (!strcmp(name, "W")) return MET_W_MAX;
  return 0;
}

/* A value read must be finite and not netCDF's default fill for a float (what a variable never
   written holds): either would reach the model's state as a NaN or a huge number. A wind (U, V,
   W) must also be within its bound of model/met/met_source.h. Fails naming the file, variable,
   record time and the value's indices in the file. */
static PetscErrorCode check_values(const WrfFiles *w, PetscInt rec, const char *name, PetscInt nd,
                                   const size_t *start, const size_t *count, const PetscReal *buf)
{
  size_t n = 1;
  char when[32];
  PetscReal bound = wind_bound(name);

  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < nd; d++) n *= count[d];
  for (size_t e = 0; e < n; e++) {
    PetscReal v = buf[e];
    size_t r = e, idx[4];
    char at[96] = "", value[32];
    PetscBool fast = bound > 0 && PetscAbsReal(v) > bound ? PETSC_TRUE : PETSC_FALSE;
    if (!PetscIsInfOrNanReal(v) && PetscAbsReal(v) < 0.5 * (double)NC_FILL_FLOAT && !fast) continue;
    for (PetscInt d = nd - 1; d >= 0; d--) idx[d] = start[d] + r % count[d], r /= count[d];
    for (PetscInt d = 0; d < nd; d++) {
      size_t l = strlen(at);
      snprintf(at + l, sizeof(at) - l, "%s%zu", d ? ", " : "", idx[d]);
    }
    clock_format(w->time[rec], when, sizeof(when));
    snprintf(value, sizeof(value), "%g", (double)v);
    PetscCheck(!fast || PetscIsInfOrNanReal(v) || PetscAbsReal(v) >= 0.5 * (double)NC_FILL_FLOAT,
               PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: variable %s at %s holds %s m s-1 at (%s) in the file's (%s) indices: expected "
               "|%s| <= %.6g m s-1; that is " MET_WIND_WHY ", a corrupt field",
               w->path[w->open], name, when, value, at, nd == 3 ? "z, y, x" : "y, x", name,
               (double)bound);
    SETERRQ(
        PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
        "%s: variable %s at %s holds %s at (%s) in the file's (%s) indices: expected a finite "
        "value (a NaN, an infinity or netCDF's fill value %g means a corrupt or unwritten field)",
        w->path[w->open], name, when, value, at, nd == 3 ? "z, y, x" : "y, x",
        (double)NC_FILL_FLOAT);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wrf_files_read(WrfFiles *w, PetscInt rec, const char *name, PetscInt nd,
                              const size_t *start, const size_t *count, PetscReal *buf)
{
  int id, ndims;
  PetscBool timed;
  size_t st[4], ct[4], n = 0;

  PetscFunctionBeginUser;
  PetscCall(use(w, w->file_of[rec]));
  PetscCheck(nc_inq_varid(w->nc, name, &id) == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: variable %s is missing", w->path[w->open], name);
  PetscCall(var_shape(w, id, &timed, &ndims));
  PetscCheck(ndims - (timed ? 1 : 0) == nd, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: variable %s has %d spatial dimensions, expected %d", w->path[w->open], name,
             ndims - (timed ? 1 : 0), (int)nd);
  if (timed) {
    st[n] = (size_t)w->rec_of[rec];
    ct[n++] = 1;
  }
  for (PetscInt d = 0; d < nd; d++, n++) {
    st[n] = start[d];
    ct[n] = count[d];
  }
  NcCallFile(nc_get_vara_double(w->nc, id, st, ct, buf), w->path[w->open]);
  PetscCall(check_values(w, rec, name, nd, start, count, buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wrf_files_dim(WrfFiles *w, const char *name, PetscInt n, PetscInt *len)
{
  int id, nd, dims[NC_MAX_VAR_DIMS];
  PetscBool timed;
  size_t l;

  PetscFunctionBeginUser;
  PetscCall(use(w, 0));
  NcCallFile(nc_inq_varid(w->nc, name, &id), w->path[0]);
  PetscCall(var_shape(w, id, &timed, &nd));
  NcCallFile(nc_inq_vardimid(w->nc, id, dims), w->path[0]);
  NcCallFile(nc_inq_dimlen(w->nc, dims[n + (timed ? 1 : 0)], &l), w->path[0]);
  *len = (PetscInt)l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt wrf_files_record(const WrfFiles *w, PetscReal t)
{
  for (PetscInt n = 0; n < w->ntime; n++)
    if (PetscAbsReal(w->time[n] - t) < TIME_TOLERANCE) return n;
  return -1;
}

PetscErrorCode wrf_files_grid_spec(MPI_Comm comm, WrfFiles *w, PetscInt i0, PetscInt j0,
                                   PetscInt nx, PetscInt ny, GridSpec *spec)
{
  Projection *p = &spec->proj;
  PetscReal x, y, fi, fj, dx = w->dx, dy = w->dy, phi[GRID_MAX_LAYERS + 1],
                          phb[GRID_MAX_LAYERS + 1];
  size_t st[3] = {0, (size_t)j0, (size_t)i0}, ct[3] = {(size_t)w->nz + 1, 1, 1};

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(spec, sizeof(*spec)));
  switch (w->map_proj) {
  case 1:
    p->kind = PROJ_LAMBERT;
    break;
  case 2:
    p->kind = PROJ_POLAR;
    break;
  case 3:
    p->kind = PROJ_MERCATOR;
    break;
  case 6: {
    double pole_lat = 90, pole_lon = 0;
    PetscBool found;
    PetscCall(use(w, 0));
    PetscCall(ncatt_get_double(comm, w->nc, NC_GLOBAL, w->path[0], "POLE_LAT", WRF_WHAT, &pole_lat,
                               &found));
    PetscCall(ncatt_get_double(comm, w->nc, NC_GLOBAL, w->path[0], "POLE_LON", WRF_WHAT, &pole_lon,
                               &found));
    PetscCheck(pole_lat == 90 && pole_lon == 0, comm, PETSC_ERR_SUP,
               "%s: a rotated latitude-longitude grid (MAP_PROJ = 6 with POLE_LAT = %.6g, "
               "POLE_LON = %.6g) is not supported",
               w->path[0], pole_lat, pole_lon);
    p->kind = PROJ_LATLON;
    /* WRF gives a lat-lon grid's spacing in metres along the equator of its sphere. */
    dx = w->dx / (CONST_EARTH_RADIUS * CONST_DEG2RAD);
    dy = w->dy / (CONST_EARTH_RADIUS * CONST_DEG2RAD);
    break;
  }
  default:
    SETERRQ(comm, PETSC_ERR_SUP,
            "%s: global attribute MAP_PROJ = %d: this projection is not supported; the met source "
            "wrf reads Lambert conformal (1), polar stereographic (2), Mercator (3) and unrotated "
            "latitude-longitude (6) grids",
            w->path[0], (int)w->map_proj);
  }
  p->truelat1 = w->truelat1;
  p->truelat2 = p->kind == PROJ_LAMBERT ? w->truelat2 : w->truelat1;
  p->stand_lon = w->stand_lon;
  p->ref_lat = w->cen_lat;
  p->ref_lon = w->cen_lon;
  PetscCall(projection_setup(p));
  /* Where the files' first point sits in the domain the attributes describe. */
  projection_forward(p, w->lon0, w->lat0, &x, &y);
  fi = x / dx + 0.5 * (PetscReal)(w->full_nx - 1);
  fj = y / dy + 0.5 * (PetscReal)(w->full_ny - 1);
  PetscCheck(PetscAbsReal(fi - PetscFloorReal(fi + 0.5)) < CROP_TOLERANCE &&
                 PetscAbsReal(fj - PetscFloorReal(fj + 0.5)) < CROP_TOLERANCE,
             comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: XLAT/XLONG of the first point (%.6g, %.6g) do not lie on the grid the global "
             "attributes MAP_PROJ, CEN_LAT, CEN_LON, DX, DY describe (it falls at cell %.4f, %.4f)",
             w->path[0], (double)w->lat0, (double)w->lon0, (double)fi, (double)fj);
  PetscCheck(w->nz <= GRID_MAX_LAYERS, comm, PETSC_ERR_SUP,
             "%s: %d layers (bottom_top) exceed the %d a grid may have", w->path[0], (int)w->nz,
             GRID_MAX_LAYERS);
  spec->nx = nx;
  spec->ny = ny;
  spec->nz = w->nz;
  spec->dx = dx;
  spec->dy = dy;
  spec->x0 = (PetscFloorReal(fi + 0.5) + (PetscReal)i0 - 0.5 * (PetscReal)(w->full_nx - 1)) * dx;
  spec->y0 = (PetscFloorReal(fj + 0.5) + (PetscReal)j0 - 0.5 * (PetscReal)(w->full_ny - 1)) * dy;
  PetscCall(wrf_files_read(w, 0, "PH", 3, st, ct, phi));
  PetscCall(wrf_files_read(w, 0, "PHB", 3, st, ct, phb));
  for (PetscInt k = 0; k <= w->nz; k++)
    spec->z_iface[k] = (phi[k] + phb[k] - phi[0] - phb[0]) / CONST_GRAVITY;
  PetscFunctionReturn(PETSC_SUCCESS);
}
