/* A backward run's footprints in one column, and what a project adds (see footprint_query.h). */
#include "postproc/footprint_query.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netcdf.h>
#include "base/error.h"
#include "postproc/model_file.h"

/* The number of functionals: n = 1, 2, ... while sens_<n>_<first species> exists. */
static PetscInt count_functionals(int nc, const SpeciesInfo *sp)
{
  PetscInt n = 0;
  for (;; n++) {
    char name[96];
    int id;
    (void)PetscSNPrintf(name, sizeof(name), "sens_%d_%s", (int)(n + 1), sp[0].name);
    if (nc_inq_varid(nc, name, &id) != NC_NOERR) return n;
  }
}

/* The label of functional n (0-based) from its first variable's functional attribute. */
static PetscErrorCode read_label(int nc, const char *path, const SpeciesInfo *sp, PetscInt n,
                                 char *label)
{
  char name[96];
  int id;
  size_t len;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "sens_%d_%s", (int)(n + 1), sp[0].name));
  NcCallFile(nc_inq_varid(nc, name, &id), path);
  PetscCheck(nc_inq_attlen(nc, id, "functional", &len) == NC_NOERR && len < FOOTPRINT_LABEL_LEN,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %s has no functional attribute of at most %d characters (a backward run's "
             "footprints label each functional)",
             path, name, FOOTPRINT_LABEL_LEN - 1);
  NcCallFile(nc_get_att_text(nc, id, "functional", label), path);
  label[len] = '\0';
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The run's span: the bounds of the file's one record. */
static PetscErrorCode read_span(int nc, const char *path, FootprintColumn *fc)
{
  PetscInt nt;
  PetscReal *t;
  double b[2];
  size_t st[2] = {0, 0}, ct[2] = {1, 2};
  int id;

  PetscFunctionBeginUser;
  PetscCall(model_file_times(nc, path, &nt, &t));
  PetscCall(PetscFree(t));
  PetscCheck(nt == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %d time records; a backward run's footprints have one", path, (int)nt);
  NcCallFile(nc_inq_varid(nc, "time_bnds", &id), path);
  NcCallFile(nc_get_vara_double(nc, id, st, ct, b), path);
  PetscCheck(b[1] > b[0], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: time_bnds %.17g to %.17g is not a span of time", path, b[0], b[1]);
  fc->t_start = b[0], fc->t_end = b[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Open the file and read what every answer needs: the functionals' count and labels, the span. */
static PetscErrorCode open_footprints(const char *path, const Grid *g, const char *grid_path,
                                      const SpeciesInfo *sp, PetscInt nspec, PetscInt i, PetscInt j,
                                      FootprintColumn *fc, int *nc)
{
  FILE *fp;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(fc, sizeof(*fc)));
  fp = fopen(path, "r");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "%s: cannot be read (%s); expected a backward run's footprint file "
             "(<run_name>_adjoint_footprints.nc)",
             path, strerror(errno));
  (void)fclose(fp);
  PetscCall(model_file_open(path, "a footprint file", g, grid_path, i, j, nc));
  fc->nf = count_functionals(*nc, sp);
  PetscCheck(fc->nf > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no variable sens_1_%s: not a backward run's footprint file "
             "(<run_name>_adjoint_footprints.nc of a run with &adjoint enabled)",
             path, sp[0].name);
  fc->nspec = nspec, fc->nz = g->spec.nz, fc->i = i, fc->j = j;
  PetscCall(read_span(*nc, path, fc));
  PetscCall(PetscMalloc1(fc->nf, &fc->label));
  for (PetscInt n = 0; n < fc->nf; n++) PetscCall(read_label(*nc, path, sp, n, fc->label[n]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode footprint_column_read(const char *path, const Grid *g, const char *grid_path,
                                     const SpeciesInfo *sp, PetscInt nspec, PetscInt i, PetscInt j,
                                     FootprintColumn *fc)
{
  int nc;

  PetscFunctionBeginUser;
  PetscCall(open_footprints(path, g, grid_path, sp, nspec, i, j, fc, &nc));
  PetscCall(PetscMalloc1(fc->nf * nspec * fc->nz, &fc->sens));
  for (PetscInt n = 0; n < fc->nf; n++)
    for (PetscInt s = 0; s < nspec; s++) {
      char name[96];
      PetscCall(PetscSNPrintf(name, sizeof(name), "sens_%d_%s", (int)(n + 1), sp[s].name));
      PetscCall(
          model_file_column(nc, path, name, 0, i, j, fc->nz, &fc->sens[(n * nspec + s) * fc->nz]));
    }
  NcCallFile(nc_close(nc), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode footprint_surface_read(const char *path, const Grid *g, const char *grid_path,
                                      const SpeciesInfo *sp, PetscInt nspec, FootprintColumn *fc)
{
  PetscInt nx = g->spec.nx, ny = g->spec.ny;
  PetscReal *layer;
  int nc;

  PetscFunctionBeginUser;
  PetscCall(open_footprints(path, g, grid_path, sp, nspec, 0, 0, fc, &nc));
  PetscCall(PetscMalloc1(fc->nf * nspec * nx * ny, &fc->surface));
  PetscCall(PetscMalloc1(nx * ny, &layer));
  for (PetscInt n = 0; n < fc->nf; n++)
    for (PetscInt s = 0; s < nspec; s++) {
      char name[96];
      PetscCall(PetscSNPrintf(name, sizeof(name), "sens_%d_%s", (int)(n + 1), sp[s].name));
      PetscCall(model_file_layer(nc, path, name, 0, 0, nx, ny, layer));
      for (PetscInt c = 0; c < nx * ny; c++) fc->surface[(c * fc->nf + n) * nspec + s] = layer[c];
    }
  NcCallFile(nc_close(nc), path);
  PetscCall(PetscFree(layer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode footprint_column_free(FootprintColumn *fc)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(fc->label));
  PetscCall(PetscFree(fc->sens));
  PetscCall(PetscFree(fc->surface));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void footprint_column_add(const FootprintColumn *fc, const PetscReal *frac, const PetscReal *rate,
                          PetscReal *by)
{
  PetscInt ns = fc->nspec, nz = fc->nz;
  for (PetscInt n = 0; n < fc->nf; n++) {
    PetscReal total = 0;
    for (PetscInt s = 0; s < ns; s++) {
      const PetscReal *sens = &fc->sens[(n * ns + s) * nz];
      PetscReal v = 0;
      for (PetscInt k = 0; k < nz; k++) v += frac[k] * sens[k];
      by[n * (ns + 1) + s] = v * rate[s];
      total += by[n * (ns + 1) + s];
    }
    by[n * (ns + 1) + ns] = total;
  }
}

void footprint_column_spread(const FootprintColumn *fc, const PetscReal *reach,
                             const PetscReal *rate, PetscReal spread, PetscReal *est)
{
  PetscInt ns = fc->nspec, nz = fc->nz;
  for (PetscInt n = 0; n < fc->nf; n++) {
    PetscReal lo = PETSC_MAX_REAL, hi = -PETSC_MAX_REAL;
    for (PetscInt k = 0; k < nz; k++) {
      PetscReal c = 0;
      if (reach[k] <= 0) continue;
      for (PetscInt s = 0; s < ns; s++) c += fc->sens[(n * ns + s) * nz + k] * rate[s];
      lo = PetscMin(lo, c), hi = PetscMax(hi, c);
    }
    est[n] = hi >= lo ? spread * (hi - lo) : 0;
  }
}
