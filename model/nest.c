/* Parent side of one-way nesting (see nest.h). The ring: every parent cell (i, j) within one
   cell outside the child's footprint [i0, i0 + nx/r) x [j0, j0 + ny/r) (0-based parent indices),
   which holds the child's ghost cells (3 child cells = 1 parent cell at ratio 3). File layout:
     dims time, cell, lev, species, tag, label_length
     time(time) s since 1970-01-01; cell_i(cell), cell_j(cell) parent indices
     q(time, cell, lev, species) double, kg kg-1; tags(time, cell, lev, species, tag) float
     tag_label(tag, label_length); attributes PARENT_I_START, PARENT_J_START (1-based),
     PARENT_GRID_RATIO, CHILD_NX, CHILD_NY of the child.
   Rank 0 gathers the ring cells (ordered by index) and writes the file.
   The start state of the child (nest_initial_time): <name>_init_<time>.nc, the same layout with
   one record and the cells of the footprint and the ring, from which the child starts
   (boundary_initial_file) with its tags, so that its first air is already attributed. */
#include "model/nest.h"
#include <stdio.h>
#include <string.h>
#include <netcdf.h>
#include "base/namelist.h"
#include "base/error.h"
#include "base/atomic_file.h"
#include "model/output/partial.h"
#include "grids/domain.h"
#include "base/clock.h"
#include "base/provenance.h"

#define LABEL_LEN 64

typedef struct {
  char child[PARAM_STRING_LEN], initial_time[PARAM_STRING_LEN];
} Params;

static const ParamSpec params_table[] = {
    {.key = "child_domain_file",
     .help = "domain file of a nested child run (empty: none)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, child),
     .sdef = ""},
    {.key = "initial_time",
     .help = "time (UTC) at which to write the child's start state <name>_init_<time>.nc, an "
             "output time of this run (empty: none)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, initial_time),
     .sdef = ""},
    {.key = NULL},
};

const ParamGroup nest_group = {.name = "nest",
                               .title = "Nesting: boundary values for a child domain",
                               .params = params_table,
                               .params_size = sizeof(Params)};

/* The cells one kind of file holds, and their gather to rank 0. */
typedef struct {
  PetscInt nloc, *loc; /* local cells: patch_index2; owned */
  PetscInt *gidx;      /* their global indices; owned */
  PetscInt ncell;      /* total on rank 0 */
  PetscMPIInt *counts, *displs;
  PetscReal *send, *recv;
} CellSet;

struct Nest {
  MPI_Comm comm;
  const Grid *g;
  const State *st;
  const Tags *tags;
  char dir[PETSC_MAX_PATH_LEN], name[PETSC_MAX_PATH_LEN], path[PETSC_MAX_PATH_LEN];
  PetscInt i0, j0, ratio, cnx, cny; /* child footprint */
  CellSet ring, box;                /* the ring; the footprint and the ring (start state) */
  int nc, vtime, vq, vt;
  size_t record;
  PetscBool active, has_initial, initial_done;
  PetscBool cells_written; /* cell_i, cell_j are in the open file */
  PetscReal initial_time;
};

/* Whether parent cell (i, j) is in the ring (or, with inside, in the ring or the footprint). */
static PetscBool in_ring(const Nest *n, PetscInt i, PetscInt j, PetscBool inside)
{
  PetscInt i1 = n->i0 + n->cnx / n->ratio, j1 = n->j0 + n->cny / n->ratio;
  PetscBool outside = i < n->i0 || i >= i1 || j < n->j0 || j >= j1;
  return (outside || inside) && i >= n->i0 - 1 && i <= i1 && j >= n->j0 - 1 && j <= j1;
}

static PetscErrorCode cellset_create(Nest *n, PetscBool inside, CellSet *cs)
{
  const Patch *pa = &n->g->patch;
  PetscMPIInt size, rank, mine;
  PetscInt per = 1 + n->g->spec.nz * n->st->nspec * (1 + n->st->ntag);

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(pa->xm * pa->ym, &cs->loc, pa->xm * pa->ym, &cs->gidx));
  cs->nloc = 0;
  for (PetscInt j = pa->ys; j < pa->ys + pa->ym; j++)
    for (PetscInt i = pa->xs; i < pa->xs + pa->xm; i++)
      if (in_ring(n, i, j, inside)) {
        cs->loc[cs->nloc] = patch_index2(pa, i, j);
        cs->gidx[cs->nloc++] = j * pa->mx + i;
      }
  PetscCallMPI(MPI_Comm_size(n->comm, &size));
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  PetscCall(PetscMalloc2(size, &cs->counts, size, &cs->displs));
  mine = (PetscMPIInt)(cs->nloc * per);
  PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, cs->counts, 1, MPI_INT, 0, n->comm));
  PetscCall(PetscMalloc1(cs->nloc * per + 1, &cs->send));
  cs->recv = NULL;
  if (rank == 0) {
    PetscInt tot = 0;
    for (PetscMPIInt q = 0; q < size; q++) cs->displs[q] = (PetscMPIInt)tot, tot += cs->counts[q];
    cs->ncell = tot / per;
    PetscCall(PetscMalloc1(tot + 1, &cs->recv));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode cellset_destroy(CellSet *cs)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree2(cs->loc, cs->gidx));
  PetscCall(PetscFree2(cs->counts, cs->displs));
  PetscCall(PetscFree(cs->send));
  PetscCall(PetscFree(cs->recv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_create(MPI_Comm comm, const Grid *g, const State *st, const Tags *tags,
                           const char *dir, const char *name, Nest **out)
{
  Params p;
  Nest *n;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&n));
  *out = n;
  PetscCall(namelist_read(comm, &nest_group, &p));
  if (!p.child[0]) PetscFunctionReturn(PETSC_SUCCESS);
  n->active = PETSC_TRUE;
  n->comm = comm;
  n->g = g;
  n->st = st;
  n->tags = tags;
  PetscCall(PetscStrncpy(n->dir, dir, sizeof(n->dir)));
  PetscCall(PetscStrncpy(n->name, name, sizeof(n->name)));
  {
    DomainNest dn;
    PetscCall(domain_nest(p.child, &dn));
    n->i0 = dn.i_start - 1, n->j0 = dn.j_start - 1, n->ratio = dn.ratio, n->cnx = dn.nx,
    n->cny = dn.ny;
  }
  PetscCheck(n->i0 >= 1 && n->j0 >= 1 && n->i0 + n->cnx / n->ratio + 1 < g->spec.nx &&
                 n->j0 + n->cny / n->ratio + 1 < g->spec.ny,
             comm, PETSC_ERR_USER,
             "nest: the child %s does not lie inside this grid with a cell to spare on every side",
             p.child);
  PetscCall(cellset_create(n, PETSC_FALSE, &n->ring));
  if (p.initial_time[0]) {
    PetscCall(clock_parse(p.initial_time, &n->initial_time));
    n->has_initial = PETSC_TRUE;
    PetscCall(cellset_create(n, PETSC_TRUE, &n->box));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_destroy(Nest **out)
{
  Nest *n = *out;

  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(PETSC_SUCCESS);
  if (n->active) {
    PetscCall(nest_close(n));
    PetscCall(cellset_destroy(&n->ring));
    if (n->has_initial) PetscCall(cellset_destroy(&n->box));
  }
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Create (under its temporary name) a file of ncell cells at path, on rank 0. */
static PetscErrorCode define_file(Nest *n, const char *path, PetscInt ncell, int *nc, int var[3])
{
  char tmp[PETSC_MAX_PATH_LEN + 8];
  int dt, dc, dl, ds, dg, dlen, dims[5], id;
  const Patch *p = &n->st->patch;

  PetscFunctionBeginUser;
  PetscCall(atomic_file_tmp_name(path, tmp, sizeof(tmp)));
  NcCallFile(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, nc), path);
  NcCallFile(nc_def_dim(*nc, "time", NC_UNLIMITED, &dt), path);
  NcCallFile(nc_def_dim(*nc, "cell", (size_t)ncell, &dc), path);
  NcCallFile(nc_def_dim(*nc, "lev", (size_t)p->mz, &dl), path);
  NcCallFile(nc_def_dim(*nc, "species", (size_t)p->nspec, &ds), path);
  NcCallFile(nc_def_dim(*nc, "tag", (size_t)PetscMax(p->ntag, 1), &dg), path);
  NcCallFile(nc_def_dim(*nc, "label_length", LABEL_LEN, &dlen), path);
  NcCallFile(nc_put_att_text(*nc, NC_GLOBAL, "Conventions", 6, "CF-1.8"), path);
  {
    const char *title = "Bogda boundary file: the parent run's mixing ratios (bulk and tags) on "
                        "the cells around or inside a nested child domain";
    NcCallFile(nc_put_att_text(*nc, NC_GLOBAL, "title", strlen(title), title), path);
  }
  PetscCall(provenance_nc_attributes(*nc, path, NULL));
  {
    const int v[5] = {(int)n->i0 + 1, (int)n->j0 + 1, (int)n->ratio, (int)n->cnx, (int)n->cny};
    const char *att[5] = {"PARENT_I_START", "PARENT_J_START", "PARENT_GRID_RATIO", "CHILD_NX",
                          "CHILD_NY"};
    for (PetscInt k = 0; k < 5; k++)
      NcCallFile(nc_put_att_int(*nc, NC_GLOBAL, att[k], NC_INT, 1, &v[k]), path);
  }
  NcCallFile(nc_def_var(*nc, "time", NC_DOUBLE, 1, &dt, &var[0]), path);
  NcCallFile(nc_put_att_text(*nc, var[0], "units", 33, "seconds since 1970-01-01 00:00:00"), path);
  NcCallFile(nc_put_att_text(*nc, var[0], "calendar", 8, "standard"), path);
  dims[0] = dt, dims[1] = dc, dims[2] = dl, dims[3] = ds, dims[4] = dg;
  NcCallFile(nc_def_var(*nc, "q", NC_DOUBLE, 4, dims, &var[1]), path);
  NcCallFile(nc_put_att_text(*nc, var[1], "units", 7, "kg kg-1"), path);
  NcCallFile(nc_def_var(*nc, "tags", NC_FLOAT, 5, dims, &var[2]), path);
  NcCallFile(nc_def_var(*nc, "cell_i", NC_INT, 1, &dc, &id), path);
  NcCallFile(nc_def_var(*nc, "cell_j", NC_INT, 1, &dc, &id), path);
  dims[0] = dg, dims[1] = dlen;
  NcCallFile(nc_def_var(*nc, "tag_label", NC_CHAR, 2, dims, &id), path);
  NcCallFile(nc_put_att_text(*nc, id, "_Encoding", 5, "utf-8"), path);
  NcCallFile(nc_enddef(*nc), path);
  if (p->ntag) {
    char *text;
    PetscCall(PetscCalloc1(p->ntag * LABEL_LEN, &text));
    for (PetscInt k = 0; k < p->ntag; k++)
      strncpy(text + k * LABEL_LEN, n->tags->label[k], LABEL_LEN - 1);
    NcCallFile(nc_put_var_text(*nc, id, text), path);
    PetscCall(PetscFree(text));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The boundary file of the segment starting at t. */
static PetscErrorCode segment_path(const Nest *n, PetscReal t, char *path, size_t len)
{
  char when[32];

  PetscFunctionBeginUser;
  clock_format_compact(t, when, sizeof(when));
  PetscCall(PetscSNPrintf(path, len, "%s/%s_bdy_%s.nc", n->dir, n->name, when));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_open(Nest *n, PetscReal t)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!n->active) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(segment_path(n, t, n->path, sizeof(n->path)));
  n->record = 0;
  n->cells_written = PETSC_FALSE;
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  if (rank == 0) {
    int var[3];
    PetscCall(define_file(n, n->path, n->ring.ncell, &n->nc, var));
    n->vtime = var[0], n->vq = var[1], n->vt = var[2];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int by_index(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return x < y ? -1 : x > y;
}

/* Gather the cells of cs to rank 0 and write them as record `record` of nc, and with cells their
   indices cell_i, cell_j (collective). */
static PetscErrorCode put_record(Nest *n, CellSet *cs, int nc, const char *path, const int var[3],
                                 size_t record, PetscBool cells, PetscReal t)
{
  const Patch *p = &n->st->patch;
  const PetscReal *q, *tag = NULL;
  PetscInt ns = p->nspec, nt = p->ntag, nz = p->mz, per = 1 + nz * ns * (1 + nt);
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(n->st->q, &q));
  if (nt) PetscCall(VecGetArrayRead(n->st->tag, &tag));
  for (PetscInt c = 0; c < cs->nloc; c++) {
    PetscReal *v = &cs->send[c * per];
    v[0] = (PetscReal)cs->gidx[c];
    for (PetscInt k = 0; k < nz; k++) {
      PetscInt cell = cs->loc[c] + k * p->gxm * p->gym;
      for (PetscInt s = 0; s < ns; s++) {
        v[1 + (k * ns + s) * (1 + nt)] = q[cell * ns + s];
        for (PetscInt m = 0; m < nt; m++)
          v[1 + (k * ns + s) * (1 + nt) + 1 + m] = tag[(cell * ns + s) * nt + m];
      }
    }
  }
  if (nt) PetscCall(VecRestoreArrayRead(n->st->tag, &tag));
  PetscCall(VecRestoreArrayRead(n->st->q, &q));
  PetscCallMPI(MPI_Gatherv(cs->send, (PetscMPIInt)(cs->nloc * per), MPIU_REAL, cs->recv, cs->counts,
                           cs->displs, MPIU_REAL, 0, n->comm));
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  if (rank == 0) {
    double *qd, tt = t;
    float *tf;
    int *ci, *cj;
    size_t st[5] = {record, 0, 0, 0, 0},
           ct[5] = {1, (size_t)cs->ncell, (size_t)nz, (size_t)ns, (size_t)PetscMax(nt, 1)};
    qsort(cs->recv, (size_t)cs->ncell, sizeof(PetscReal) * (size_t)per, by_index);
    PetscCall(PetscMalloc4(cs->ncell * nz * ns, &qd, cs->ncell * nz * ns * PetscMax(nt, 1), &tf,
                           cs->ncell, &ci, cs->ncell, &cj));
    for (PetscInt c = 0; c < cs->ncell; c++) {
      const PetscReal *v = &cs->recv[c * per];
      PetscInt gi = (PetscInt)v[0];
      ci[c] = (int)(gi % p->mx), cj[c] = (int)(gi / p->mx);
      for (PetscInt x = 0; x < nz * ns; x++) {
        qd[c * nz * ns + x] = v[1 + x * (1 + nt)];
        for (PetscInt m = 0; m < PetscMax(nt, 1); m++)
          tf[(c * nz * ns + x) * PetscMax(nt, 1) + m] = nt ? (float)v[1 + x * (1 + nt) + 1 + m] : 0;
      }
    }
    NcCallFile(nc_put_vara_double(nc, var[0], st, ct, &tt), path);
    NcCallFile(nc_put_vara_double(nc, var[1], st, ct, qd), path);
    NcCallFile(nc_put_vara_float(nc, var[2], st, ct, tf), path);
    if (cells) {
      int id;
      NcCallFile(nc_inq_varid(nc, "cell_i", &id), path);
      NcCallFile(nc_put_var_int(nc, id, ci), path);
      NcCallFile(nc_inq_varid(nc, "cell_j", &id), path);
      NcCallFile(nc_put_var_int(nc, id, cj), path);
    }
    PetscCall(PetscFree4(qd, tf, ci, cj));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The child's start state at t: one file of the footprint and the ring, complete when renamed. */
static PetscErrorCode write_initial(Nest *n, PetscReal t)
{
  PetscMPIInt rank;
  char when[32], path[PETSC_MAX_PATH_LEN];
  int nc = -1, var[3] = {-1, -1, -1};

  PetscFunctionBeginUser;
  clock_format_compact(t, when, sizeof(when));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s_init_%s.nc", n->dir, n->name, when));
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  if (rank == 0) PetscCall(define_file(n, path, n->box.ncell, &nc, var));
  PetscCall(put_record(n, &n->box, nc, path, var, 0, PETSC_TRUE, t));
  if (rank == 0) {
    PetscCall(atomic_file_nc_close(nc, path));
    PetscCall(atomic_file_rename(path));
  }
  PetscCallMPI(MPI_Barrier(n->comm));
  PetscCall(PetscPrintf(n->comm, "child start state -> %s\n", path));
  n->initial_done = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_write(Nest *n, PetscReal t)
{
  const int var[3] = {n->vtime, n->vq, n->vt};

  PetscFunctionBeginUser;
  if (!n->active) PetscFunctionReturn(PETSC_SUCCESS);
  /* The cells go with the first record this run writes, a resumed segment's included. */
  PetscCall(put_record(n, &n->ring, n->nc, n->path, var, n->record, !n->cells_written, t));
  n->cells_written = PETSC_TRUE;
  n->record++;
  if (n->has_initial && !n->initial_done && PetscAbsReal(t - n->initial_time) < 1e-3)
    PetscCall(write_initial(n, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_check_times(const Nest *n, PetscReal t0, PetscReal t1, PetscReal interval)
{
  char w[3][32];

  PetscFunctionBeginUser;
  if (!n->active || !n->has_initial) PetscFunctionReturn(PETSC_SUCCESS);
  if (n->initial_time >= t0 && n->initial_time <= t1 &&
      PetscAbsReal(PetscFmodReal(n->initial_time - t0 + 0.5 * interval, interval) -
                   0.5 * interval) < 1e-3)
    PetscFunctionReturn(PETSC_SUCCESS);
  clock_format(n->initial_time, w[0], sizeof(w[0]));
  clock_format(t0, w[1], sizeof(w[1]));
  clock_format(t1, w[2], sizeof(w[2]));
  SETERRQ(
      n->comm, PETSC_ERR_USER,
      "nest_initial_time = %s is not an output time of this run (from %s to %s every %" PetscInt_FMT
      " min)",
      w[0], w[1], w[2], (PetscInt)(interval / 60 + 0.5));
}

/* Close the segment's file: under its final name, or as a partial file up to t. */
static PetscErrorCode close_file(Nest *n, PetscBool partial, PetscReal t)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!n->active || !n->path[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  if (rank == 0) PetscCall(partial_close_nc(n->nc, n->path, partial, t));
  n->path[0] = '\0';
  PetscCallMPI(MPI_Barrier(n->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_close(Nest *n)
{
  PetscFunctionBeginUser;
  PetscCall(close_file(n, PETSC_FALSE, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_close_partial(Nest *n, PetscReal t)
{
  PetscFunctionBeginUser;
  PetscCall(close_file(n, PETSC_TRUE, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_resume(Nest *n, PetscReal t0, PetscReal t, PetscInt expect, PartialResume *how)
{
  char path[PETSC_MAX_PATH_LEN];
  PartialStatus status;
  PetscInt nrec;

  PetscFunctionBeginUser;
  *how = RESUME_INACTIVE;
  if (!n->active) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(segment_path(n, t0, path, sizeof(path)));
  PetscCall(partial_probe(n->comm, path, t, &status));
  *how = status == PARTIAL_USABLE ? RESUME_CONTINUED : RESUME_ANEW;
  if (*how == RESUME_ANEW) {
    PetscCall(nest_open(n, t));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(nest_open(n, t0));
  PetscCall(partial_continue_rank0(n->comm, n->nc, n->path, t, expect, &nrec));
  n->record = (size_t)nrec;
  PetscFunctionReturn(PETSC_SUCCESS);
}
