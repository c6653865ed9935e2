/* The nest hand-off of backward runs (see adjoint_handoff.h). */
#include "model/adjoint_handoff.h"
#include <stdio.h>
#include <string.h>
#include <netcdf.h>
#include "model/run_impl.h"
#include "base/atomic_file.h"
#include "base/error.h"
#include "base/ncinput.h"
#include "base/provenance.h"
#include "base/clock.h"

#define HANDOFF_LABEL_LEN PARAM_STRING_LEN

struct HandoffOut {
  MPI_Comm comm;
  const Boundary *b;
  PetscInt nf, ncell, nz, ns, per; /* per: values of one record, ncell * nz * ns * nf */
  PetscInt r_lo, r_hi;             /* the parent's records the run can touch */
  PetscInt next;                   /* the latest record not yet written */
  PetscReal **rec;                 /* [r - r_lo]: this rank's sensitivities, NULL if untouched */
  PetscReal *zero, *sum;           /* a zero record; rank 0's reduced record */
  PetscInt nstart;                 /* the start state's cells, 0 without one */
  PetscReal *start;                /* [((cell*nz + k)*ns + s)*nf + n], this rank's */
  char path[PETSC_MAX_PATH_LEN];
  int nc, v_lat, v_init, v_J, v_from;
};

/* Define the file on rank 0 and write what is known at the start. */
static PetscErrorCode out_define(HandoffOut *h, const Run *r, const char *const *labels,
                                 const BoundaryParentLayout *L, const BoundaryParentLayout *S)
{
  char tmp[PETSC_MAX_PATH_LEN + 8];
  int df, dl, dr, dc, dz, ds, dsc, dims[5], v_time, v_ci, v_cj, v_label, v_st, v_sci, v_scj;
  size_t chunk[5] = {1, (size_t)PetscMax(h->ncell, 1), (size_t)h->nz, (size_t)h->ns, (size_t)h->nf};
  const char *title = "Bogda backward run: sensitivities of a nested child's functionals to its "
                      "parent's records (the nest hand-off)";
  const char *su = "ug m-3 (kg kg-1)-1";
  char species[1024] = "";

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < h->ns; s++) {
    size_t l = strlen(species);
    snprintf(species + l, sizeof(species) - l, "%s%s", s ? " " : "", r->species[s].name);
  }
  PetscCall(atomic_file_tmp_name(h->path, tmp, sizeof(tmp)));
  NcCallFile(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &h->nc), h->path);
  NcCallFile(nc_def_dim(h->nc, "functional", (size_t)h->nf, &df), h->path);
  NcCallFile(nc_def_dim(h->nc, "label_length", HANDOFF_LABEL_LEN, &dl), h->path);
  NcCallFile(nc_def_dim(h->nc, "record", (size_t)(h->r_hi - h->r_lo + 1), &dr), h->path);
  NcCallFile(nc_def_dim(h->nc, "cell", (size_t)PetscMax(h->ncell, 1), &dc), h->path);
  NcCallFile(nc_def_dim(h->nc, "lev", (size_t)h->nz, &dz), h->path);
  NcCallFile(nc_def_dim(h->nc, "species", (size_t)h->ns, &ds), h->path);
  NcCallFile(nc_def_dim(h->nc, "start_cell", (size_t)PetscMax(h->nstart, 1), &dsc), h->path);
  NcCallFile(nc_put_att_text(h->nc, NC_GLOBAL, "Conventions", 6, "CF-1.8"), h->path);
  NcCallFile(nc_put_att_text(h->nc, NC_GLOBAL, "title", strlen(title), title), h->path);
  NcCallFile(nc_put_att_text(h->nc, NC_GLOBAL, "species", strlen(species), species), h->path);
  NcCallFile(nc_put_att_text(h->nc, NC_GLOBAL, "parent_files", strlen(provenance_basename(L->file)),
                             provenance_basename(L->file)),
             h->path);
  PetscCall(provenance_nc_attributes(h->nc, h->path, NULL));
  dims[0] = df, dims[1] = dl;
  NcCallFile(nc_def_var(h->nc, "functional_label", NC_CHAR, 2, dims, &v_label), h->path);
  NcCallFile(nc_put_att_text(h->nc, v_label, "_Encoding", 5, "utf-8"), h->path);
  NcCallFile(nc_def_var(h->nc, "J", NC_DOUBLE, 1, &df, &h->v_J), h->path);
  NcCallFile(nc_put_att_text(h->nc, h->v_J, "units", 6, "ug m-3"), h->path);
  NcCallFile(nc_put_att_text(h->nc, h->v_J, "long_name", 27, "the child's functional value"),
             h->path);
  NcCallFile(nc_def_var(h->nc, "from_parent", NC_DOUBLE, 1, &df, &h->v_from), h->path);
  NcCallFile(nc_put_att_text(h->nc, h->v_from, "units", 6, "ug m-3"), h->path);
  NcCallFile(nc_def_var(h->nc, "time", NC_DOUBLE, 1, &dr, &v_time), h->path);
  NcCallFile(nc_put_att_text(h->nc, v_time, "units", 33, "seconds since 1970-01-01 00:00:00"),
             h->path);
  NcCallFile(nc_put_att_text(h->nc, v_time, "calendar", 8, "standard"), h->path);
  NcCallFile(nc_def_var(h->nc, "cell_i", NC_INT, 1, &dc, &v_ci), h->path);
  NcCallFile(nc_def_var(h->nc, "cell_j", NC_INT, 1, &dc, &v_cj), h->path);
  dims[0] = dr, dims[1] = dc, dims[2] = dz, dims[3] = ds, dims[4] = df;
  NcCallFile(nc_def_var(h->nc, "sens_lateral", NC_DOUBLE, 5, dims, &h->v_lat), h->path);
  NcCallFile(nc_def_var_chunking(h->nc, h->v_lat, NC_CHUNKED, chunk), h->path);
  /* Most values are zero (the ghosts where air flows out, the layers it does not reach): lossless
     deflate, level 1, with the byte shuffle. */
  NcCallFile(nc_def_var_deflate(h->nc, h->v_lat, 1, 1, 1), h->path);
  NcCallFile(nc_put_att_text(h->nc, h->v_lat, "units", strlen(su), su), h->path);
  h->v_init = -1;
  if (h->nstart) {
    NcCallFile(nc_def_var(h->nc, "start_time", NC_DOUBLE, 0, NULL, &v_st), h->path);
    NcCallFile(nc_put_att_text(h->nc, v_st, "units", 33, "seconds since 1970-01-01 00:00:00"),
               h->path);
    NcCallFile(nc_def_var(h->nc, "start_cell_i", NC_INT, 1, &dsc, &v_sci), h->path);
    NcCallFile(nc_def_var(h->nc, "start_cell_j", NC_INT, 1, &dsc, &v_scj), h->path);
    dims[0] = dsc, dims[1] = dz, dims[2] = ds, dims[3] = df;
    NcCallFile(nc_def_var(h->nc, "sens_initial", NC_DOUBLE, 4, dims, &h->v_init), h->path);
    NcCallFile(nc_def_var_deflate(h->nc, h->v_init, 1, 1, 1), h->path);
    NcCallFile(nc_put_att_text(h->nc, h->v_init, "units", strlen(su), su), h->path);
  }
  NcCallFile(nc_enddef(h->nc), h->path);
  {
    char *text;
    int *ij;
    PetscCall(PetscCalloc1(h->nf * HANDOFF_LABEL_LEN, &text));
    for (PetscInt n = 0; n < h->nf; n++)
      strncpy(text + n * HANDOFF_LABEL_LEN, labels[n], HANDOFF_LABEL_LEN - 1);
    NcCallFile(nc_put_var_text(h->nc, v_label, text), h->path);
    PetscCall(PetscFree(text));
    NcCallFile(nc_put_var_double(h->nc, v_time, &L->time[h->r_lo]), h->path);
    PetscCall(PetscMalloc1(PetscMax(L->ncell, S->ncell) + 1, &ij));
    for (PetscInt c = 0; c < L->ncell; c++) ij[c] = (int)L->cell_i[c];
    NcCallFile(nc_put_var_int(h->nc, v_ci, ij), h->path);
    for (PetscInt c = 0; c < L->ncell; c++) ij[c] = (int)L->cell_j[c];
    NcCallFile(nc_put_var_int(h->nc, v_cj, ij), h->path);
    if (h->nstart) {
      double t0 = S->time[0];
      NcCallFile(nc_put_var_double(h->nc, v_st, &t0), h->path);
      for (PetscInt c = 0; c < S->ncell; c++) ij[c] = (int)S->cell_i[c];
      NcCallFile(nc_put_var_int(h->nc, v_sci, ij), h->path);
      for (PetscInt c = 0; c < S->ncell; c++) ij[c] = (int)S->cell_j[c];
      NcCallFile(nc_put_var_int(h->nc, v_scj, ij), h->path);
    }
    PetscCall(PetscFree(ij));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode handoff_out_create(Run *r, PetscInt nf, const char *const *labels, PetscInt64 nstep,
                                  HandoffOut **out)
{
  BoundaryParentLayout L, S;
  HandoffOut *h;
  PetscMPIInt rank;
  PetscReal w;

  PetscFunctionBeginUser;
  *out = NULL;
  PetscCall(boundary_parent_layout(r->bnd, PETSC_FALSE, &L));
  PetscCall(boundary_parent_layout(r->bnd, PETSC_TRUE, &S));
  if (!L.nrec) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscNew(&h));
  h->comm = r->comm;
  h->b = r->bnd;
  h->nf = nf, h->ncell = L.ncell, h->nz = L.nz, h->ns = L.ns;
  h->per = h->ncell * h->nz * h->ns * nf;
  boundary_parent_records(r->bnd, run_step_time(r, 0), &h->r_lo, &w);
  boundary_parent_records(r->bnd, run_step_time(r, nstep), &h->r_hi, &w);
  h->r_hi = PetscMin(h->r_hi + 1, L.nrec - 1);
  h->next = h->r_hi;
  PetscCall(PetscCalloc1(h->r_hi - h->r_lo + 1, &h->rec));
  PetscCall(PetscCalloc2(h->per, &h->zero, h->per, &h->sum));
  h->nstart = S.nrec ? S.ncell : 0;
  PetscCall(PetscCalloc1(h->nstart * h->nz * h->ns * nf + 1, &h->start));
  PetscCall(PetscSNPrintf(h->path, sizeof(h->path), "%s/%s_adjoint_handoff.nc", r->p.output_dir,
                          r->p.name));
  h->nc = -1;
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  if (rank == 0) PetscCall(out_define(h, r, labels, &L, &S));
  *out = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode handoff_out_record(void *ctx, PetscInt rec, PetscReal **sens)
{
  HandoffOut *h = (HandoffOut *)ctx;

  PetscFunctionBeginUser;
  PetscCheck(rec >= h->r_lo && rec <= h->next, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "adjoint hand-off: parent record %" PetscInt_FMT
             " asked for outside the records %" PetscInt_FMT " to %" PetscInt_FMT
             " not yet written",
             rec, h->r_lo, h->next);
  if (!h->rec[rec - h->r_lo]) PetscCall(PetscCalloc1(h->per, &h->rec[rec - h->r_lo]));
  *sens = h->rec[rec - h->r_lo];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Write every record later than last (collective: a sum over the ranks to rank 0). */
static PetscErrorCode write_down_to(HandoffOut *h, PetscInt last)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(h->comm, &rank));
  for (; h->next > last; h->next--) {
    PetscReal **buf = &h->rec[h->next - h->r_lo];
    PetscCallMPI(MPI_Reduce(*buf ? *buf : h->zero, h->sum, (PetscMPIInt)h->per, MPIU_REAL, MPI_SUM,
                            0, h->comm));
    if (rank == 0) {
      size_t st[5] = {(size_t)(h->next - h->r_lo), 0, 0, 0, 0},
             ct[5] = {1, (size_t)h->ncell, (size_t)h->nz, (size_t)h->ns, (size_t)h->nf};
      NcCallFile(nc_put_vara_double(h->nc, h->v_lat, st, ct, h->sum), h->path);
    }
    PetscCall(PetscFree(*buf));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode handoff_out_flush(HandoffOut *h, const Run *r, PetscReal t)
{
  PetscInt rec;
  PetscReal w;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  boundary_parent_records(r->bnd, t, &rec, &w);
  PetscCall(write_down_to(h, PetscMax(rec + 1, h->r_lo - 1)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void handoff_out_initial(HandoffOut *h, const Run *r, const PetscReal *lam)
{
  Patch p = r->st->patch;

  if (!h || !h->nstart) return;
  p.ntag = h->nf;
  boundary_initial_transpose(r->bnd, &p, lam, h->start);
}

PetscErrorCode handoff_out_close(HandoffOut *h, const PetscReal *J, const PetscReal *from_parent)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(write_down_to(h, h->r_lo - 1));
  PetscCallMPI(MPI_Comm_rank(h->comm, &rank));
  if (h->nstart) {
    PetscInt len = h->nstart * h->nz * h->ns * h->nf;
    PetscCallMPI(MPI_Reduce(rank ? h->start : MPI_IN_PLACE, h->start, (PetscMPIInt)len, MPIU_REAL,
                            MPI_SUM, 0, h->comm));
    if (rank == 0) NcCallFile(nc_put_var_double(h->nc, h->v_init, h->start), h->path);
  }
  if (rank == 0) {
    NcCallFile(nc_put_var_double(h->nc, h->v_J, J), h->path);
    NcCallFile(nc_put_var_double(h->nc, h->v_from, from_parent), h->path);
    PetscCall(atomic_file_nc_close(h->nc, h->path));
    h->nc = -1;
    PetscCall(atomic_file_rename(h->path));
  }
  PetscCallMPI(MPI_Barrier(h->comm));
  PetscCall(
      PetscPrintf(h->comm, "adjoint: the sensitivities to the parent's records -> %s\n", h->path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode handoff_out_destroy(HandoffOut **out)
{
  HandoffOut *h = *out;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k <= h->r_hi - h->r_lo; k++) PetscCall(PetscFree(h->rec[k]));
  PetscCall(PetscFree(h->rec));
  PetscCall(PetscFree2(h->zero, h->sum));
  PetscCall(PetscFree(h->start));
  if (h->nc >= 0) (void)nc_close(h->nc); /* a failed run: the temporary file stays unrenamed */
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- Parent side. */

struct HandoffIn {
  char path[PETSC_MAX_PATH_LEN];
  PetscInt nf, nrec, ncell, nz, ns, nstart;
  char (*label)[HANDOFF_LABEL_LEN];
  PetscReal *J, *from_parent;
  PetscInt64 *rec_step, start_step; /* the step end of each record and of the start state, -1 */
  PetscInt *ci, *cj, *sci, *scj;    /* parent indices of the cells */
  PetscReal *buf;                   /* one record, or the start state */
  int nc, v_lat, v_init;            /* the file, open for the run */
};

/* Read an int variable of n values into PetscInt a, each checked to lie in [0, hi). */
static PetscErrorCode read_cells(MPI_Comm comm, int nc, const char *path, const char *name,
                                 PetscInt n, PetscInt hi, PetscInt *a)
{
  int v, *tmp;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n + 1, &tmp));
  NcCallFile(nc_inq_varid(nc, name, &v), path);
  NcCallFile(nc_get_var_int(nc, v, tmp), path);
  for (PetscInt c = 0; c < n; c++) {
    PetscCheck(tmp[c] >= 0 && tmp[c] < hi, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: %s(%" PetscInt_FMT ") = %d lies outside this run's grid (0 to %" PetscInt_FMT
               "): the hand-off file was written for a child of another parent",
               path, name, c, tmp[c], hi - 1);
    a[c] = tmp[c];
  }
  PetscCall(PetscFree(tmp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The step end m of time t, or fail: the records must be times this run passes. */
static PetscErrorCode step_of(const Run *r, const char *path, PetscReal t, PetscInt64 nstep,
                              PetscInt64 *m)
{
  PetscReal x = (t - r->t_start) / r->p.dt;
  char w[32];

  PetscFunctionBeginUser;
  *m = (PetscInt64)PetscFloorReal(x + 0.5);
  clock_format(t, w, sizeof(w));
  PetscCheck(PetscAbsReal(x - (PetscReal)*m) * r->p.dt < 1e-3 && *m >= 0 && *m <= nstep, r->comm,
             PETSC_ERR_USER,
             "%s: the parent record at %s is not a step end of this run (run_start + n run_dt, "
             "up to run_hours): a hand-off run must repeat the run that wrote the child's "
             "boundary files",
             path, w);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode handoff_in_open(Run *r, const char *path, PetscInt64 nstep, HandoffIn **out)
{
  HandoffIn *h;
  int nc, v;
  size_t len;
  char species[1024] = "", mine[1024] = "";
  const Patch *p = &r->st->patch;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&h));
  PetscCall(PetscStrncpy(h->path, path, sizeof(h->path)));
  PetscCall(nc_open_input(path, &nc));
  {
    const char *dn[6] = {"functional", "record", "cell", "lev", "species", "start_cell"};
    PetscInt *to[6] = {&h->nf, &h->nrec, &h->ncell, &h->nz, &h->ns, &h->nstart};
    for (PetscInt k = 0; k < 6; k++) {
      int d;
      NcCallFile(nc_inq_dimid(nc, dn[k], &d), path);
      NcCallFile(nc_inq_dimlen(nc, d, &len), path);
      *to[k] = (PetscInt)len;
    }
  }
  if (nc_inq_varid(nc, "sens_initial", &h->v_init) != NC_NOERR) h->v_init = -1, h->nstart = 0;
  NcCallFile(nc_inq_attlen(nc, NC_GLOBAL, "species", &len), path);
  PetscCheck(len < sizeof(species), r->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: attribute species too long", path);
  NcCallFile(nc_get_att_text(nc, NC_GLOBAL, "species", species), path);
  species[len] = 0;
  for (PetscInt s = 0; s < r->nspec; s++) {
    size_t l = strlen(mine);
    snprintf(mine + l, sizeof(mine) - l, "%s%s", s ? " " : "", r->species[s].name);
  }
  PetscCheck(!strcmp(species, mine), r->comm, PETSC_ERR_USER,
             "%s: the child's species are '%s'; this run's are '%s'", path, species, mine);
  PetscCheck(h->nz == p->mz, r->comm, PETSC_ERR_USER,
             "%s: the child has %" PetscInt_FMT " layers; this run has %" PetscInt_FMT, path, h->nz,
             p->mz);
  PetscCheck(h->nf > 0 && h->nf <= PARAM_ARRAY_MAX, r->comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %" PetscInt_FMT " functionals; expected 1 to %d", path, h->nf, PARAM_ARRAY_MAX);
  PetscCall(PetscMalloc3(h->nf, &h->label, h->nf, &h->J, h->nf, &h->from_parent));
  {
    char *text;
    PetscCall(PetscCalloc1(h->nf * HANDOFF_LABEL_LEN + 1, &text));
    NcCallFile(nc_inq_varid(nc, "functional_label", &v), path);
    NcCallFile(nc_get_var_text(nc, v, text), path);
    for (PetscInt n = 0; n < h->nf; n++) {
      PetscCall(PetscStrncpy(h->label[n], text + n * HANDOFF_LABEL_LEN, HANDOFF_LABEL_LEN));
      h->label[n][HANDOFF_LABEL_LEN - 1] = 0;
    }
    PetscCall(PetscFree(text));
  }
  NcCallFile(nc_inq_varid(nc, "J", &v), path);
  NcCallFile(nc_get_var_double(nc, v, h->J), path);
  NcCallFile(nc_inq_varid(nc, "from_parent", &v), path);
  NcCallFile(nc_get_var_double(nc, v, h->from_parent), path);
  PetscCall(PetscMalloc1(h->nrec, &h->rec_step));
  {
    double *t;
    PetscCall(PetscMalloc1(h->nrec, &t));
    NcCallFile(nc_inq_varid(nc, "time", &v), path);
    NcCallFile(nc_get_var_double(nc, v, t), path);
    for (PetscInt k = 0; k < h->nrec; k++)
      PetscCall(step_of(r, path, t[k], nstep, &h->rec_step[k]));
    PetscCall(PetscFree(t));
  }
  PetscCall(PetscMalloc4(h->ncell, &h->ci, h->ncell, &h->cj, h->nstart + 1, &h->sci, h->nstart + 1,
                         &h->scj));
  PetscCall(read_cells(r->comm, nc, path, "cell_i", h->ncell, p->mx, h->ci));
  PetscCall(read_cells(r->comm, nc, path, "cell_j", h->ncell, p->my, h->cj));
  h->start_step = -1;
  if (h->nstart) {
    double t0;
    PetscCall(read_cells(r->comm, nc, path, "start_cell_i", h->nstart, p->mx, h->sci));
    PetscCall(read_cells(r->comm, nc, path, "start_cell_j", h->nstart, p->my, h->scj));
    NcCallFile(nc_inq_varid(nc, "start_time", &v), path);
    NcCallFile(nc_get_var_double(nc, v, &t0), path);
    PetscCall(step_of(r, path, t0, nstep, &h->start_step));
  }
  NcCallFile(nc_inq_varid(nc, "sens_lateral", &h->v_lat), path);
  h->nc = nc;
  PetscCall(PetscMalloc1(PetscMax(h->ncell, h->nstart) * h->nz * h->ns * h->nf + 1, &h->buf));
  *out = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt handoff_in_count(const HandoffIn *h)
{
  return h->nf;
}

const char *handoff_in_label(const HandoffIn *h, PetscInt n)
{
  return h->label[n];
}

void handoff_in_child(const HandoffIn *h, PetscInt n, PetscReal *J, PetscReal *from_parent)
{
  *J = h->J[n];
  *from_parent = h->from_parent[n];
}

/* Apply the sensitivities in h->buf on cells (ci, cj) to J or lam at the owned cells. */
static void apply(const HandoffIn *h, const Run *r, PetscInt ncell, const PetscInt *ci,
                  const PetscInt *cj, const PetscReal *q, PetscReal *J, PetscReal *lam)
{
  const Patch *p = &r->st->patch;
  PetscInt ns = h->ns, nf = h->nf;

  for (PetscInt c = 0; c < ncell; c++) {
    if (ci[c] < p->xs || ci[c] >= p->xs + p->xm || cj[c] < p->ys || cj[c] >= p->ys + p->ym)
      continue;
    for (PetscInt k = 0; k < h->nz; k++) {
      PetscInt e = patch_index(p, ci[c], cj[c], k);
      for (PetscInt s = 0; s < ns; s++) {
        const PetscReal *mu = &h->buf[((c * h->nz + k) * ns + s) * nf];
        for (PetscInt n = 0; n < nf; n++) {
          if (q) J[n] += mu[n] * q[e * ns + s];
          if (lam) lam[(e * ns + s) * nf + n] += mu[n];
        }
      }
    }
  }
}

PetscErrorCode handoff_in_at(HandoffIn *h, const Run *r, PetscInt64 m, const PetscReal *q,
                             PetscReal *J, PetscReal *lam)
{
  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < h->nrec; k++) {
    size_t st[5] = {(size_t)k, 0, 0, 0, 0},
           ct[5] = {1, (size_t)h->ncell, (size_t)h->nz, (size_t)h->ns, (size_t)h->nf};
    if (h->rec_step[k] != m) continue;
    NcCallFile(nc_get_vara_double(h->nc, h->v_lat, st, ct, h->buf), h->path);
    apply(h, r, h->ncell, h->ci, h->cj, q, J, lam);
  }
  if (h->start_step == m) {
    NcCallFile(nc_get_var_double(h->nc, h->v_init, h->buf), h->path);
    apply(h, r, h->nstart, h->sci, h->scj, q, J, lam);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode handoff_in_destroy(HandoffIn **out)
{
  HandoffIn *h = *out;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  NcCallFile(nc_close(h->nc), h->path);
  PetscCall(PetscFree3(h->label, h->J, h->from_parent));
  PetscCall(PetscFree(h->rec_step));
  PetscCall(PetscFree4(h->ci, h->cj, h->sci, h->scj));
  PetscCall(PetscFree(h->buf));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
