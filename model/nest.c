/* Parent side of one-way nesting (see nest.h). The ring: every parent cell (i, j) within one
   cell outside the child's footprint [i0, i0 + nx/r) x [j0, j0 + ny/r) (0-based parent indices),
   which holds the child's ghost cells (3 child cells = 1 parent cell at ratio 3). File layout:
     dims time, cell, lev, species, tag, label_length
     time(time) s since 1970-01-01; cell_i(cell), cell_j(cell) parent indices
     q(time, cell, lev, species) double, kg kg-1; tags(time, cell, lev, species, tag) float
     tag_label(tag, label_length); attributes PARENT_I_START, PARENT_J_START (1-based),
     PARENT_GRID_RATIO, CHILD_NX, CHILD_NY of the child.
   Rank 0 gathers the ring cells (ordered by index) and writes the file. */
#include "model/nest.h"
#include <stdio.h>
#include <string.h>
#include <netcdf.h>
#include "base/namelist.h"
#include "base/error.h"
#include "base/atomic_file.h"
#include "grids/domain.h"
#include "base/clock.h"
#include "base/version.h"

#define LABEL_LEN 64

typedef struct {
  char child[PARAM_STRING_LEN];
} Params;

static const ParamSpec params_table[] = {
    {.key = "child_domain_file",
     .help = "domain file of a nested child run (empty: none)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, child),
     .sdef = ""},
    {.key = NULL},
};

const ParamGroup nest_group = {.name = "nest",
                               .title = "Nesting: boundary values for a child domain",
                               .params = params_table,
                               .params_size = sizeof(Params)};

struct Nest {
  MPI_Comm comm;
  const Grid *g;
  const State *st;
  const Tags *tags;
  char dir[PETSC_MAX_PATH_LEN], name[PETSC_MAX_PATH_LEN], path[PETSC_MAX_PATH_LEN];
  PetscInt i0, j0, ratio, cnx, cny; /* child footprint */
  PetscInt nloc, *loc;              /* local ring cells: patch_index2; owned */
  PetscInt *gidx;                   /* their global indices; owned */
  PetscInt nring;                   /* total on rank 0 */
  PetscMPIInt *counts, *displs;
  PetscReal *send, *recv;
  int nc, vtime, vq, vt;
  size_t record;
  PetscBool active;
};

static PetscBool in_ring(const Nest *n, PetscInt i, PetscInt j)
{
  PetscInt i1 = n->i0 + n->cnx / n->ratio, j1 = n->j0 + n->cny / n->ratio;
  PetscBool outside = i < n->i0 || i >= i1 || j < n->j0 || j >= j1;
  return outside && i >= n->i0 - 1 && i <= i1 && j >= n->j0 - 1 && j <= j1;
}

PetscErrorCode nest_create(MPI_Comm comm, const Grid *g, const State *st, const Tags *tags,
                           const char *dir, const char *name, Nest **out)
{
  Params p;
  Nest *n;
  const Patch *pa = &g->patch;

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
  PetscCall(PetscMalloc2(pa->xm * pa->ym, &n->loc, pa->xm * pa->ym, &n->gidx));
  for (PetscInt j = pa->ys; j < pa->ys + pa->ym; j++)
    for (PetscInt i = pa->xs; i < pa->xs + pa->xm; i++)
      if (in_ring(n, i, j)) {
        n->loc[n->nloc] = patch_index2(pa, i, j);
        n->gidx[n->nloc++] = j * pa->mx + i;
      }
  {
    PetscMPIInt size, rank, mine;
    PetscInt per = 1 + g->spec.nz * st->nspec * (1 + st->ntag);
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCall(PetscMalloc2(size, &n->counts, size, &n->displs));
    mine = (PetscMPIInt)(n->nloc * per);
    PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, n->counts, 1, MPI_INT, 0, comm));
    PetscCall(PetscMalloc1(n->nloc * per + 1, &n->send));
    if (rank == 0) {
      PetscInt tot = 0;
      for (PetscMPIInt q = 0; q < size; q++) n->displs[q] = (PetscMPIInt)tot, tot += n->counts[q];
      n->nring = tot / per;
      PetscCall(PetscMalloc1(tot + 1, &n->recv));
    }
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
    PetscCall(PetscFree2(n->loc, n->gidx));
    PetscCall(PetscFree2(n->counts, n->displs));
    PetscCall(PetscFree(n->send));
    PetscCall(PetscFree(n->recv));
  }
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_open(Nest *n, PetscReal t)
{
  PetscMPIInt rank;
  char when[32], tmp[PETSC_MAX_PATH_LEN + 8];
  int dt, dc, dl, ds, dg, dlen, dims[5], id;
  const Patch *p;

  PetscFunctionBeginUser;
  if (!n->active) PetscFunctionReturn(PETSC_SUCCESS);
  p = &n->st->patch;
  clock_format_compact(t, when, sizeof(when));
  PetscCall(PetscSNPrintf(n->path, sizeof(n->path), "%s/%s_bdy_%s.nc", n->dir, n->name, when));
  n->record = 0;
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  if (rank) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(atomic_file_tmp_name(n->path, tmp, sizeof(tmp)));
  NcCallFile(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &n->nc), n->path);
  NcCallFile(nc_def_dim(n->nc, "time", NC_UNLIMITED, &dt), n->path);
  NcCallFile(nc_def_dim(n->nc, "cell", (size_t)n->nring, &dc), n->path);
  NcCallFile(nc_def_dim(n->nc, "lev", (size_t)p->mz, &dl), n->path);
  NcCallFile(nc_def_dim(n->nc, "species", (size_t)p->nspec, &ds), n->path);
  NcCallFile(nc_def_dim(n->nc, "tag", (size_t)PetscMax(p->ntag, 1), &dg), n->path);
  NcCallFile(nc_def_dim(n->nc, "label_length", LABEL_LEN, &dlen), n->path);
  PetscCall(version_nc_attribute(n->nc, n->path));
  {
    const int v[5] = {(int)n->i0 + 1, (int)n->j0 + 1, (int)n->ratio, (int)n->cnx, (int)n->cny};
    const char *att[5] = {"PARENT_I_START", "PARENT_J_START", "PARENT_GRID_RATIO", "CHILD_NX",
                          "CHILD_NY"};
    for (PetscInt k = 0; k < 5; k++)
      NcCallFile(nc_put_att_int(n->nc, NC_GLOBAL, att[k], NC_INT, 1, &v[k]), n->path);
  }
  NcCallFile(nc_def_var(n->nc, "time", NC_DOUBLE, 1, &dt, &n->vtime), n->path);
  NcCallFile(nc_put_att_text(n->nc, n->vtime, "units", 33, "seconds since 1970-01-01 00:00:00"),
             n->path);
  dims[0] = dt, dims[1] = dc, dims[2] = dl, dims[3] = ds, dims[4] = dg;
  NcCallFile(nc_def_var(n->nc, "q", NC_DOUBLE, 4, dims, &n->vq), n->path);
  NcCallFile(nc_put_att_text(n->nc, n->vq, "units", 7, "kg kg-1"), n->path);
  NcCallFile(nc_def_var(n->nc, "tags", NC_FLOAT, 5, dims, &n->vt), n->path);
  NcCallFile(nc_def_var(n->nc, "cell_i", NC_INT, 1, &dc, &id), n->path);
  NcCallFile(nc_def_var(n->nc, "cell_j", NC_INT, 1, &dc, &id), n->path);
  dims[0] = dg, dims[1] = dlen;
  NcCallFile(nc_def_var(n->nc, "tag_label", NC_CHAR, 2, dims, &id), n->path);
  NcCallFile(nc_enddef(n->nc), n->path);
  if (p->ntag) {
    char *text;
    PetscCall(PetscCalloc1(p->ntag * LABEL_LEN, &text));
    for (PetscInt k = 0; k < p->ntag; k++)
      strncpy(text + k * LABEL_LEN, n->tags->label[k], LABEL_LEN - 1);
    NcCallFile(nc_put_var_text(n->nc, id, text), n->path);
    PetscCall(PetscFree(text));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int by_index(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return x < y ? -1 : x > y;
}

PetscErrorCode nest_write(Nest *n, PetscReal t)
{
  const Patch *p;
  const PetscReal *q, *tag = NULL;
  PetscInt ns, nt, nz, per;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!n->active) PetscFunctionReturn(PETSC_SUCCESS);
  p = &n->st->patch;
  ns = p->nspec, nt = p->ntag, nz = p->mz, per = 1 + nz * ns * (1 + nt);
  PetscCall(VecGetArrayRead(n->st->q, &q));
  if (nt) PetscCall(VecGetArrayRead(n->st->tag, &tag));
  for (PetscInt c = 0; c < n->nloc; c++) {
    PetscReal *v = &n->send[c * per];
    v[0] = (PetscReal)n->gidx[c];
    for (PetscInt k = 0; k < nz; k++) {
      PetscInt cell = n->loc[c] + k * p->gxm * p->gym;
      for (PetscInt s = 0; s < ns; s++) {
        v[1 + (k * ns + s) * (1 + nt)] = q[cell * ns + s];
        for (PetscInt m = 0; m < nt; m++)
          v[1 + (k * ns + s) * (1 + nt) + 1 + m] = tag[(cell * ns + s) * nt + m];
      }
    }
  }
  if (nt) PetscCall(VecRestoreArrayRead(n->st->tag, &tag));
  PetscCall(VecRestoreArrayRead(n->st->q, &q));
  PetscCallMPI(MPI_Gatherv(n->send, (PetscMPIInt)(n->nloc * per), MPIU_REAL, n->recv, n->counts,
                           n->displs, MPIU_REAL, 0, n->comm));
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  if (rank == 0) {
    double *qd, tt = t;
    float *tf;
    int *ci, *cj;
    size_t st[5] = {n->record, 0, 0, 0, 0},
           ct[5] = {1, (size_t)n->nring, (size_t)nz, (size_t)ns, (size_t)PetscMax(nt, 1)};
    qsort(n->recv, (size_t)n->nring, sizeof(PetscReal) * (size_t)per, by_index);
    PetscCall(PetscMalloc4(n->nring * nz * ns, &qd, n->nring * nz * ns * PetscMax(nt, 1), &tf,
                           n->nring, &ci, n->nring, &cj));
    for (PetscInt c = 0; c < n->nring; c++) {
      const PetscReal *v = &n->recv[c * per];
      PetscInt gi = (PetscInt)v[0];
      ci[c] = (int)(gi % p->mx), cj[c] = (int)(gi / p->mx);
      for (PetscInt x = 0; x < nz * ns; x++) {
        qd[c * nz * ns + x] = v[1 + x * (1 + nt)];
        for (PetscInt m = 0; m < PetscMax(nt, 1); m++)
          tf[(c * nz * ns + x) * PetscMax(nt, 1) + m] = nt ? (float)v[1 + x * (1 + nt) + 1 + m] : 0;
      }
    }
    NcCallFile(nc_put_vara_double(n->nc, n->vtime, st, ct, &tt), n->path);
    NcCallFile(nc_put_vara_double(n->nc, n->vq, st, ct, qd), n->path);
    NcCallFile(nc_put_vara_float(n->nc, n->vt, st, ct, tf), n->path);
    if (n->record == 0) {
      int id;
      NcCallFile(nc_inq_varid(n->nc, "cell_i", &id), n->path);
      NcCallFile(nc_put_var_int(n->nc, id, ci), n->path);
      NcCallFile(nc_inq_varid(n->nc, "cell_j", &id), n->path);
      NcCallFile(nc_put_var_int(n->nc, id, cj), n->path);
    }
    PetscCall(PetscFree4(qd, tf, ci, cj));
  }
  n->record++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nest_close(Nest *n)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!n->active || !n->path[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_rank(n->comm, &rank));
  if (rank == 0) {
    PetscCall(atomic_file_nc_close(n->nc, n->path));
    PetscCall(atomic_file_rename(n->path));
  }
  n->path[0] = '\0';
  PetscCallMPI(MPI_Barrier(n->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}
