/* Reading a model output file one column at a time (the contract is in model_file.h). The grid
   check repeats, from the file's side, what model/output/output.c writes: the cell centres
   x0 + i dx (plus the reference longitude and latitude on a lat-lon grid) as x and y, the
   nominal layer centres as lev, and the cell centres' latitude and longitude, except on a
   lat-lon grid, where x and y are themselves those. */
#include "postproc/model_file.h"
#include <netcdf.h>
#include "base/error.h"
#include "base/ncinput.h"

/* The length of dimension name, or -1 if the file has none. */
static PetscInt dim_length(int nc, const char *name)
{
  int d;
  size_t n;
  if (nc_inq_dimid(nc, name, &d) != NC_NOERR || nc_inq_dimlen(nc, d, &n) != NC_NOERR) return -1;
  return (PetscInt)n;
}

/* The coordinate var (n values) against first + k step, to tol. */
static PetscErrorCode check_axis(int nc, const char *path, const char *what, const char *grid_path,
                                 const char *var, PetscInt n, PetscReal first, PetscReal step,
                                 PetscReal tol)
{
  double *v;
  int id;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &v));
  NcCallFile(nc_inq_varid(nc, var, &id), path);
  NcCallFile(nc_get_var_double(nc, id, v), path);
  for (PetscInt k = 0; k < n; k++)
    PetscCheck(PetscAbsReal(v[k] - (first + (PetscReal)k * step)) <= tol, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s: %s of another grid than %s: its %s[%d] = %.9g, the grid's %.9g", path, what,
               grid_path, var, (int)k, v[k], (double)(first + (PetscReal)k * step));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The file's lat and lon of cell (i, j) against the grid's, to 1e-6 degree. */
static PetscErrorCode check_cell(int nc, const char *path, const char *what, const Grid *g,
                                 const char *grid_path, PetscInt i, PetscInt j)
{
  const char *names[2] = {"lat", "lon"};
  const PetscReal *want[2] = {g->lat, g->lon};
  size_t st[2] = {(size_t)j, (size_t)i}, ct[2] = {1, 1};

  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < 2; n++) {
    double v;
    int id;
    PetscReal w = want[n][patch_index2(&g->patch, i, j)];
    NcCallFile(nc_inq_varid(nc, names[n], &id), path);
    NcCallFile(nc_get_vara_double(nc, id, st, ct, &v), path);
    PetscCheck(PetscAbsReal(v - w) <= 1e-6, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: %s of another grid than %s: its %s of cell (%d, %d) is %.9g, the grid's %.9g",
               path, what, grid_path, names[n], (int)i, (int)j, v, (double)w);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_file_open(const char *path, const char *what, const Grid *g,
                               const char *grid_path, PetscInt i, PetscInt j, int *nc)
{
  const GridSpec *s = &g->spec;
  PetscBool ll = s->proj.kind == PROJ_LATLON ? PETSC_TRUE : PETSC_FALSE;
  PetscInt nx, ny, nz;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, nc));
  nx = dim_length(*nc, "x"), ny = dim_length(*nc, "y"), nz = dim_length(*nc, "lev");
  PetscCheck(nx == s->nx && ny == s->ny && nz == s->nz, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %s of another grid than %s: x, y, lev of %d x %d x %d cells; expected %d x %d x "
             "%d",
             path, what, grid_path, (int)nx, (int)ny, (int)nz, (int)s->nx, (int)s->ny, (int)s->nz);
  PetscCall(check_axis(*nc, path, what, grid_path, "x", nx, s->x0 + (ll ? s->proj.ref_lon : 0),
                       s->dx, 1e-6 * s->dx));
  PetscCall(check_axis(*nc, path, what, grid_path, "y", ny, s->y0 + (ll ? s->proj.ref_lat : 0),
                       s->dy, 1e-6 * s->dy));
  if (!ll) PetscCall(check_cell(*nc, path, what, g, grid_path, i, j));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_file_times(int nc, const char *path, PetscInt *nt, PetscReal **times)
{
  int id;
  double *v;

  PetscFunctionBeginUser;
  *nt = dim_length(nc, "time");
  PetscCheck(*nt > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no time records (a file the model did not finish?)", path);
  PetscCall(PetscMalloc1(*nt, &v));
  NcCallFile(nc_inq_varid(nc, "time", &id), path);
  NcCallFile(nc_get_var_double(nc, id, v), path);
  *times = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The id of the 4D variable var (time, lev, y, x). */
static PetscErrorCode var_4d(int nc, const char *path, const char *var, int *id)
{
  int nd;

  PetscFunctionBeginUser;
  PetscCheck(nc_inq_varid(nc, var, id) == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no variable %s", path, var);
  NcCallFile(nc_inq_varndims(nc, *id, &nd), path);
  PetscCheck(nd == 4, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %s has %d dimensions; expected 4 (time, lev, y, x)", path, var, nd);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_file_column(int nc, const char *path, const char *var, PetscInt rec,
                                 PetscInt i, PetscInt j, PetscInt nz, PetscReal *col)
{
  size_t st[4] = {(size_t)rec, 0, (size_t)j, (size_t)i}, ct[4] = {1, (size_t)nz, 1, 1};
  int id;

  PetscFunctionBeginUser;
  PetscCall(var_4d(nc, path, var, &id));
  NcCallFile(nc_get_vara_double(nc, id, st, ct, col), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_file_layer(int nc, const char *path, const char *var, PetscInt rec, PetscInt k,
                                PetscInt nx, PetscInt ny, PetscReal *layer)
{
  size_t st[4] = {(size_t)rec, (size_t)k, 0, 0}, ct[4] = {1, 1, (size_t)ny, (size_t)nx};
  int id;

  PetscFunctionBeginUser;
  PetscCall(var_4d(nc, path, var, &id));
  NcCallFile(nc_get_vara_double(nc, id, st, ct, layer), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}
