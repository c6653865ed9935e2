/* Checkpoint files. Layout (PETSc binary, big-endian), format version 2: a header of PetscReal
   values
     [magic, version, t, nstep, nprocess, nspec, ntag, nx, ny, nz, counts[nprocess],
      budget[BUDGET_NTERMS * nspec]]
   then the vectors q, dep_dry, dep_wet and, with tags, tag, each as PETSc's binary Vec record in
   natural ordering (what VecView of the global vector writes), written and read row by row, and
   last the checksums: one 64-bit integer (PETSC_INT64, its bits those of an unsigned checksum)
   for the header and one for each vector, in that order. Counters are stored as reals (exact
   below 2^53).

   The checksums (base/checksum.h) are sums mod 2^64 of a position-keyed hash of every value,
   the position being the value's index in its record (natural order for the vectors): each rank
   adds the values it owns as their rows pass through the row-by-row I/O, and an MPI_SUM of
   unsigned 64-bit integers (exact: unsigned addition wraps mod 2^64, in any order) adds the
   ranks. So a checkpoint written on 2 ranks has the checksums a 1- or 3-rank run computes when
   it reads the file, and the file's every byte is covered: the header and the values by their
   checksums, the Vec record headers by their class id and length, the checksums by themselves.
   Version 1 files, which had none, are refused. */
#include "model/checkpoint.h"
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <petscviewer.h>
#include "base/atomic_file.h"
#include "base/checksum.h"
#include "physics/fields.h"

#define CHECKPOINT_MAGIC 20261128.0
#define CHECKPOINT_VERSION 2.0
#define HEADER_FIXED 10

/* The records a checksum covers, in file order, as the messages name them; the tag record is
   there only with tags. */
enum { RECORD_HEADER, RECORD_Q, RECORD_DEP_DRY, RECORD_DEP_WET, RECORD_TAG, RECORD_N };
static const char *const record_name[RECORD_N] = {
    "header (time, step, process counters, budget totals)", "q (mixing ratios)",
    "dep_dry (dry deposition)", "dep_wet (wet deposition)", "tag (tagged mixing ratios)"};

/* How the rows of cells (j, k) of a DMDA are spread over the ranks, for the row-by-row
   checkpoint I/O below. */
typedef struct {
  MPI_Comm comm;
  PetscMPIInt rank, size, *counts, *displs;
  PetscInt mx, my, mz, dof, xs, ys, xm, ym, gxs, gys, gzs, gxm, gym, *all;
} Rows;

static PetscErrorCode rows_create(DM da, Rows *R)
{
  PetscInt dim, zs, zm, gzm, mine[4];

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)da, &R->comm));
  PetscCallMPI(MPI_Comm_rank(R->comm, &R->rank));
  PetscCallMPI(MPI_Comm_size(R->comm, &R->size));
  PetscCall(DMDAGetInfo(da, &dim, &R->mx, &R->my, &R->mz, NULL, NULL, NULL, &R->dof, NULL, NULL,
                        NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &R->xs, &R->ys, &zs, &R->xm, &R->ym, &zm));
  PetscCall(DMDAGetGhostCorners(da, &R->gxs, &R->gys, &R->gzs, &R->gxm, &R->gym, &gzm));
  if (dim < 3) R->mz = 1, R->gzs = 0;
  if (dim < 2) R->my = 1, R->ys = 0, R->ym = 1, R->gys = 0, R->gym = 1;
  mine[0] = R->xs, mine[1] = R->xm, mine[2] = R->ys, mine[3] = R->ym;
  PetscCall(PetscMalloc3(4 * R->size, &R->all, R->size, &R->counts, R->size, &R->displs));
  PetscCallMPI(MPI_Allgather(mine, 4, MPIU_INT, R->all, 4, MPIU_INT, R->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* For row (j, k): whether this rank owns a piece of it, where that piece starts in the local
   array, and every rank's count and displacement within the row. */
static PetscErrorCode rows_at(Rows *R, PetscInt j, PetscInt k, PetscBool *have, PetscInt *offset)
{
  PetscFunctionBeginUser;
  *have = j >= R->ys && j < R->ys + R->ym ? PETSC_TRUE : PETSC_FALSE;
  *offset =
      *have ? (((k - R->gzs) * R->gym + (j - R->gys)) * R->gxm + (R->xs - R->gxs)) * R->dof : 0;
  for (PetscMPIInt r = 0; r < R->size; r++) {
    const PetscInt *o = &R->all[4 * r];
    PetscCall(PetscMPIIntCast(j >= o[2] && j < o[2] + o[3] ? o[1] * R->dof : 0, &R->counts[r]));
    PetscCall(PetscMPIIntCast(o[0] * R->dof, &R->displs[r]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode rows_destroy(Rows *R)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(R->all, R->counts, R->displs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The natural-order index of the first value of this rank's piece of row (j, k). */
static PetscInt64 rows_first(const Rows *R, PetscInt j, PetscInt k)
{
  return (((PetscInt64)k * R->my + j) * R->mx + R->xs) * R->dof;
}

/* Write a DMDA local (ghosted) vector as PETSc's binary Vec record in natural ordering, as
   VecView of the global vector would (VecLoad reads it back), but row by row: each row of
   cells (j, k) is gathered on rank 0 and written, so no global, natural-order or byte-swap copy
   of the whole vector is ever made (with 146 tags a copy is 1.1 GB on ns9). The checksum terms
   of the values this rank owns are added to *sum. Collective. */
static PetscErrorCode view_local(DM da, Vec local, PetscViewer v, uint64_t *sum)
{
  Rows R;
  PetscReal *row = NULL;
  const PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(rows_create(da, &R));
  if (R.rank == 0) PetscCall(PetscMalloc1(R.mx * R.dof, &row));
  {
    PetscInt header[2] = {VEC_FILE_CLASSID, R.mx * R.my * R.mz * R.dof};
    PetscCall(PetscViewerBinaryWrite(v, header, 2, PETSC_INT));
  }
  PetscCall(VecGetArrayRead(local, &a));
  for (PetscInt k = 0; k < R.mz; k++)
    for (PetscInt j = 0; j < R.my; j++) {
      PetscBool have;
      PetscInt off;
      PetscCall(rows_at(&R, j, k, &have, &off));
      if (have) checksum_add_reals(sum, &a[off], R.xm * R.dof, rows_first(&R, j, k));
      PetscCallMPI(MPI_Gatherv(&a[off], have ? (PetscMPIInt)(R.xm * R.dof) : 0, MPIU_REAL, row,
                               R.counts, R.displs, MPIU_REAL, 0, R.comm));
      PetscCall(PetscViewerBinaryWrite(v, row, R.rank == 0 ? R.mx * R.dof : 0, PETSC_REAL));
    }
  PetscCall(VecRestoreArrayRead(local, &a));
  PetscCall(PetscFree(row));
  PetscCall(rows_destroy(&R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Read back what view_local wrote into a DMDA local vector, row by row: rank 0 reads each row
   of cells (j, k) and scatters it to the ranks owning a piece of it, so no global copy of the
   whole vector is made (the ghosts are left to state_exchange). A short or foreign record is
   an error on every rank, naming the file. The checksum terms of the values this rank owns are
   added to *sum. Collective. */
static PetscErrorCode load_local(DM da, Vec local, PetscViewer v, const char *path,
                                 const char *what, uint64_t *sum)
{
  Rows R;
  PetscInt header[2] = {0, 0}, nread;
  PetscReal *row = NULL, *a;
  int fd, complete = 1;

  PetscFunctionBeginUser;
  PetscCall(rows_create(da, &R));
  PetscCall(PetscViewerBinaryRead(v, header, 2, &nread, PETSC_INT));
  if (nread != 2 || header[0] != VEC_FILE_CLASSID || header[1] != R.mx * R.my * R.mz * R.dof) {
    PetscInt want = R.mx * R.my * R.mz * R.dof;
    PetscCall(rows_destroy(&R));
    SETERRQ(R.comm, PETSC_ERR_FILE_UNEXPECTED,
            "checkpoint %s: the %s record holds %" PetscInt_FMT
            " values where this run expects %" PetscInt_FMT
            " (a truncated file, or one from another configuration)",
            path, what, nread == 2 ? header[1] : 0, want);
  }
  PetscCall(PetscViewerBinaryGetDescriptor(v, &fd));
  if (R.rank == 0) PetscCall(PetscMalloc1(R.mx * R.dof, &row));
  PetscCall(VecGetArray(local, &a));
  for (PetscInt k = 0; k < R.mz; k++)
    for (PetscInt j = 0; j < R.my; j++) {
      PetscBool have;
      PetscInt off;
      PetscCall(rows_at(&R, j, k, &have, &off));
      if (R.rank == 0 && complete) {
        PetscCall(PetscBinaryRead(fd, row, R.mx * R.dof, &nread, PETSC_REAL));
        complete = nread == R.mx * R.dof;
      }
      PetscCallMPI(MPI_Scatterv(row, R.counts, R.displs, MPIU_REAL, &a[off],
                                have ? (PetscMPIInt)(R.xm * R.dof) : 0, MPIU_REAL, 0, R.comm));
      if (have) checksum_add_reals(sum, &a[off], R.xm * R.dof, rows_first(&R, j, k));
    }
  PetscCall(VecRestoreArray(local, &a));
  PetscCall(PetscFree(row));
  PetscCallMPI(MPI_Bcast(&complete, 1, MPI_INT, 0, R.comm));
  PetscCall(rows_destroy(&R));
  PetscCheck(complete, PetscObjectComm((PetscObject)da), PETSC_ERR_FILE_UNEXPECTED,
             "checkpoint %s is truncated in its %s record", path, what);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode open_viewer(MPI_Comm comm, const char *path, PetscFileMode mode,
                                  PetscViewer *v)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerCreate(comm, v));
  PetscCall(PetscViewerSetType(*v, PETSCVIEWERBINARY));
  PetscCall(PetscViewerFileSetMode(*v, mode));
  PetscCall(PetscViewerBinarySetSkipInfo(*v, PETSC_TRUE));
  PetscCall(PetscViewerFileSetName(*v, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Add the ranks' partial checksums (sum[nsum], in place): the same bits on any rank count. */
static PetscErrorCode checksums_reduce(MPI_Comm comm, uint64_t *sum, PetscInt nsum)
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sum, (PetscMPIInt)nsum, MPI_UINT64_T, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Reduce this rank's partial checksums and write them as the file's last record. Collective. */
static PetscErrorCode checksums_write(MPI_Comm comm, PetscViewer v, uint64_t *sum, PetscInt nsum)
{
  PetscInt64 record[RECORD_N];

  PetscFunctionBeginUser;
  PetscCall(checksums_reduce(comm, sum, nsum));
  memcpy(record, sum, sizeof(record));
  PetscCall(PetscViewerBinaryWrite(v, record, nsum, PETSC_INT64));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Read the file's checksums record and compare it with the checksums of what was read (this
   rank's partial sums in sum[nsum]); a difference is a damaged file, refused naming the record
   with the checksum the file records (expected) and the one its content has (found).
   Collective. */
static PetscErrorCode checksums_check(MPI_Comm comm, PetscViewer v, const char *path, uint64_t *sum,
                                      PetscInt nsum)
{
  PetscInt64 record[RECORD_N];
  uint64_t stored[RECORD_N];
  PetscInt nread;

  PetscFunctionBeginUser;
  PetscCall(checksums_reduce(comm, sum, nsum));
  PetscCall(PetscViewerBinaryRead(v, record, nsum, &nread, PETSC_INT64));
  PetscCheck(nread == nsum, comm, PETSC_ERR_FILE_UNEXPECTED,
             "checkpoint %s is truncated: its checksums record is missing", path);
  memcpy(stored, record, sizeof(stored));
  for (PetscInt i = 0; i < nsum; i++)
    PetscCheck(sum[i] == stored[i], comm, PETSC_ERR_FILE_UNEXPECTED,
               "checkpoint %s is damaged: %s: checksum expected 0x%016" PRIx64
               " (recorded by its writer), found 0x%016" PRIx64 "; refusing to restart from it",
               path, record_name[i], stored[i], sum[i]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode checkpoint_write(MPI_Comm comm, const State *st, const char *path, PetscReal t,
                                PetscInt64 nstep, PetscInt nprocess, const PetscInt64 *counts,
                                const PetscReal *budget)
{
  PetscInt nb = BUDGET_NTERMS * st->nspec, nh = HEADER_FIXED + nprocess + nb;
  PetscInt nsum = st->tag ? RECORD_N : RECORD_TAG;
  PetscReal *h;
  char tmp[PETSC_MAX_PATH_LEN + 8];
  PetscViewer v;
  PetscMPIInt rank;
  uint64_t sum[RECORD_N] = {0};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nh, &h));
  h[0] = CHECKPOINT_MAGIC;
  h[1] = CHECKPOINT_VERSION;
  h[2] = t;
  h[3] = (PetscReal)nstep;
  h[4] = (PetscReal)nprocess;
  h[5] = (PetscReal)st->nspec;
  h[6] = (PetscReal)st->ntag;
  h[7] = (PetscReal)st->grid->spec.nx;
  h[8] = (PetscReal)st->grid->spec.ny;
  h[9] = (PetscReal)st->grid->spec.nz;
  for (PetscInt i = 0; i < nprocess; i++) h[HEADER_FIXED + i] = (PetscReal)counts[i];
  PetscCallMPI(MPI_Allreduce(budget, h + HEADER_FIXED + nprocess, (PetscMPIInt)nb, MPIU_REAL,
                             MPI_SUM, comm));
  PetscCall(atomic_file_tmp_name(path, tmp, sizeof(tmp)));
  PetscCall(open_viewer(comm, tmp, FILE_MODE_WRITE, &v));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  /* Rank 0's header is the one written; the other ranks add nothing for it. */
  if (rank == 0) checksum_add_reals(&sum[RECORD_HEADER], h, nh, 0);
  PetscCall(PetscViewerBinaryWrite(v, h, nh, PETSC_REAL));
  PetscCall(view_local(st->da_q, st->q, v, &sum[RECORD_Q]));
  PetscCall(view_local(st->da_dep, st->dep_dry, v, &sum[RECORD_DEP_DRY]));
  PetscCall(view_local(st->da_dep, st->dep_wet, v, &sum[RECORD_DEP_WET]));
  if (st->tag) PetscCall(view_local(st->da_tag, st->tag, v, &sum[RECORD_TAG]));
  PetscCall(checksums_write(comm, v, sum, nsum));
  PetscCall(PetscViewerDestroy(&v));
  PetscCall(PetscFree(h));
  PetscCallMPI(MPI_Barrier(comm));
  if (rank == 0) PetscCall(atomic_file_rename(path));
  PetscCallMPI(MPI_Barrier(comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Check one header value against what the run expects. */
static PetscErrorCode expect(MPI_Comm comm, const char *path, const char *what, PetscReal got,
                             PetscReal want)
{
  PetscFunctionBeginUser;
  PetscCheck(got == want, comm, PETSC_ERR_FILE_UNEXPECTED,
             "checkpoint %s: %s is %g but this run has %g", path, what, (double)got, (double)want);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode checkpoint_read(MPI_Comm comm, State *st, const char *path, PetscReal *t,
                               PetscInt64 *nstep, PetscInt nprocess, PetscInt64 *counts,
                               PetscReal *budget)
{
  PetscInt nb = BUDGET_NTERMS * st->nspec, nh = HEADER_FIXED + nprocess + nb, nread;
  PetscInt nsum = st->tag ? RECORD_N : RECORD_TAG;
  PetscReal *h;
  PetscViewer v;
  PetscMPIInt rank;
  PetscBool exists;
  uint64_t sum[RECORD_N] = {0};

  PetscFunctionBeginUser;
  PetscCall(PetscTestFile(path, 'r', &exists));
  PetscCheck(exists, comm, PETSC_ERR_FILE_OPEN, "checkpoint %s does not exist or is not readable",
             path);
  PetscCall(PetscMalloc1(nh, &h));
  PetscCall(open_viewer(comm, path, FILE_MODE_READ, &v));
  PetscCall(PetscViewerBinaryRead(v, h, HEADER_FIXED, &nread, PETSC_REAL));
  PetscCheck(nread == HEADER_FIXED && h[0] == CHECKPOINT_MAGIC, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s is not a Bogda checkpoint", path);
  PetscCheck(h[1] != 1.0, comm, PETSC_ERR_FILE_UNEXPECTED,
             "checkpoint %s is in format version 1, which has no checksums, so whether it is "
             "intact cannot be known: this bogda reads version 2 only; start the run afresh",
             path);
  PetscCall(expect(comm, path, "the format version", h[1], CHECKPOINT_VERSION));
  PetscCall(
      expect(comm, path, "the number of processes (run_processes)", h[4], (PetscReal)nprocess));
  PetscCall(expect(comm, path, "the number of species", h[5], (PetscReal)st->nspec));
  PetscCall(expect(comm, path, "the number of tags", h[6], (PetscReal)st->ntag));
  PetscCall(expect(comm, path, "nx", h[7], (PetscReal)st->grid->spec.nx));
  PetscCall(expect(comm, path, "ny", h[8], (PetscReal)st->grid->spec.ny));
  PetscCall(expect(comm, path, "nz", h[9], (PetscReal)st->grid->spec.nz));
  PetscCall(PetscViewerBinaryRead(v, h + HEADER_FIXED, nprocess + nb, &nread, PETSC_REAL));
  PetscCheck(nread == nprocess + nb, comm, PETSC_ERR_FILE_UNEXPECTED, "checkpoint %s is truncated",
             path);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) checksum_add_reals(&sum[RECORD_HEADER], h, nh, 0);
  PetscCall(load_local(st->da_q, st->q, v, path, record_name[RECORD_Q], &sum[RECORD_Q]));
  PetscCall(load_local(st->da_dep, st->dep_dry, v, path, record_name[RECORD_DEP_DRY],
                       &sum[RECORD_DEP_DRY]));
  PetscCall(load_local(st->da_dep, st->dep_wet, v, path, record_name[RECORD_DEP_WET],
                       &sum[RECORD_DEP_WET]));
  if (st->tag)
    PetscCall(load_local(st->da_tag, st->tag, v, path, record_name[RECORD_TAG], &sum[RECORD_TAG]));
  PetscCall(checksums_check(comm, v, path, sum, nsum));
  PetscCall(PetscViewerDestroy(&v));
  /* Only a file found intact is used. */
  *t = h[2];
  *nstep = (PetscInt64)h[3];
  for (PetscInt i = 0; i < nprocess; i++) counts[i] = (PetscInt64)h[HEADER_FIXED + i];
  for (PetscInt i = 0; i < nb; i++) budget[i] = rank == 0 ? h[HEADER_FIXED + nprocess + i] : 0;
  PetscCall(state_exchange(st)); /* the deposition totals are per column: no ghost is read */
  PetscCall(PetscFree(h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The names of the complete checkpoints "<name>_checkpoint_<time>.bin" in dir, sorted oldest
   first (the compact UTC times sort as text); *n of them, in a list to free with PetscFree.
   Not collective. */
static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static PetscErrorCode list_checkpoints(const char *dir, const char *name, char ***list, PetscInt *n)
{
  char prefix[PETSC_MAX_PATH_LEN];
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t lp;
  PetscInt cap = 0;

  PetscFunctionBeginUser;
  *list = NULL;
  *n = 0;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_checkpoint_", name));
  lp = strlen(prefix);
  while (d && (e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (strncmp(e->d_name, prefix, lp) || l < 4 || strcmp(e->d_name + l - 4, ".bin")) continue;
    if (*n == cap) {
      char **grown;
      cap = 2 * cap + 8;
      PetscCall(PetscMalloc1(cap, &grown));
      for (PetscInt i = 0; i < *n; i++) grown[i] = (*list)[i];
      PetscCall(PetscFree(*list));
      *list = grown;
    }
    PetscCall(PetscStrallocpy(e->d_name, &(*list)[(*n)++]));
  }
  if (d) closedir(d);
  if (*n) qsort(*list, (size_t)*n, sizeof(char *), by_name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode free_list(char ***list, PetscInt n)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscFree((*list)[i]));
  PetscCall(PetscFree(*list));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode checkpoint_latest(MPI_Comm comm, const char *dir, const char *name, char *path,
                                 size_t len, PetscBool *found)
{
  PetscMPIInt rank;
  char best[PETSC_MAX_PATH_LEN] = "";
  int have = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    char **list;
    PetscInt n;
    PetscCall(list_checkpoints(dir, name, &list, &n));
    if (n) PetscCall(PetscStrncpy(best, list[n - 1], sizeof(best)));
    have = n > 0;
    PetscCall(free_list(&list, n));
  }
  PetscCallMPI(MPI_Bcast(&have, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(best, (PetscMPIInt)sizeof(best), MPI_CHAR, 0, comm));
  *found = have ? PETSC_TRUE : PETSC_FALSE;
  if (have) PetscCall(PetscSNPrintf(path, len, "%s/%s", dir, best));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode checkpoint_prune(MPI_Comm comm, const char *dir, const char *name, PetscInt keep)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0 && keep > 0) {
    char **list, path[PETSC_MAX_PATH_LEN];
    PetscInt n;
    PetscCall(list_checkpoints(dir, name, &list, &n));
    for (PetscInt i = 0; i + keep < n; i++) {
      PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", dir, list[i]));
      PetscCheck(remove(path) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
                 "cannot remove the old checkpoint %s", path);
    }
    PetscCall(free_list(&list, n));
  }
  PetscCallMPI(MPI_Barrier(comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}
