/* Backward-run checkpoints (see adjoint_checkpoint.h). Layout, native-endian doubles:
     [magic, version, size (ranks), position, nkey, key values[nkey],
      then for each rank in order: its count N, its N values (its arrays one after another)]
   then one unsigned 64-bit checksum of every value before it, each keyed by its index in the
   file (base/checksum.h). A file of the other endianness fails the magic. Rank 0 does all the
   I/O: the ranks send their arrays to it one after another when writing, and it sends each its
   part when reading, into a buffer that is unpacked only once the whole file has been checked. */
#include "model/adjoint_checkpoint.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "base/atomic_file.h"
#include "base/checksum.h"

#define ADJOINT_CHECKPOINT_MAGIC 20261204.5
#define ADJOINT_CHECKPOINT_VERSION 1.0
#define HEADER_FIXED 5
#define KEYS_MAX 32

/* This rank's arrays one after another in a new buffer of *n values. */
static PetscErrorCode pack(PetscInt narray, const AdjointCheckpointArray *arr, PetscReal **buf,
                           PetscInt *n)
{
  PetscInt at = 0;

  PetscFunctionBeginUser;
  *n = 0;
  for (PetscInt i = 0; i < narray; i++) *n += arr[i].n;
  PetscCall(PetscMalloc1(*n + 1, buf));
  for (PetscInt i = 0; i < narray; i++, at += arr[i - 1].n)
    PetscCall(PetscArraycpy(*buf + at, arr[i].a, arr[i].n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Write n values to fp and add them to the checksum at file index *at. Rank 0 only. */
static PetscErrorCode put(FILE *fp, const char *tmp, const PetscReal *a, PetscInt n, uint64_t *sum,
                          PetscInt64 *at)
{
  PetscFunctionBeginUser;
  PetscCheck(fwrite(a, sizeof(PetscReal), (size_t)n, fp) == (size_t)n, PETSC_COMM_SELF,
             PETSC_ERR_FILE_WRITE, "%s: cannot write the backward run's checkpoint: %s", tmp,
             strerror(errno));
  checksum_add_reals(sum, a, n, *at);
  *at += n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_checkpoint_write(MPI_Comm comm, const char *path, PetscInt64 position,
                                        PetscInt nkey, const AdjointCheckpointKey *key,
                                        PetscInt narray, const AdjointCheckpointArray *arr)
{
  PetscMPIInt rank, size;
  PetscReal *buf;
  PetscInt n;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(pack(narray, arr, &buf, &n));
  if (rank) {
    PetscCallMPI(MPI_Send(&n, 1, MPIU_INT, 0, 0, comm));
    PetscCallMPI(MPI_Send(buf, (PetscMPIInt)n, MPIU_REAL, 0, 1, comm));
  } else {
    char tmp[PETSC_MAX_PATH_LEN + 8];
    PetscReal h[HEADER_FIXED] = {ADJOINT_CHECKPOINT_MAGIC, ADJOINT_CHECKPOINT_VERSION,
                                 (PetscReal)size, (PetscReal)position, (PetscReal)nkey};
    uint64_t sum = 0;
    PetscInt64 at = 0;
    FILE *fp;
    PetscCall(atomic_file_tmp_name(path, tmp, sizeof(tmp)));
    fp = fopen(tmp, "wb");
    PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
               "%s: cannot create the backward run's checkpoint: %s", tmp, strerror(errno));
    PetscCall(put(fp, tmp, h, HEADER_FIXED, &sum, &at));
    for (PetscInt i = 0; i < nkey; i++) PetscCall(put(fp, tmp, &key[i].value, 1, &sum, &at));
    for (PetscMPIInt r = 0; r < size; r++) {
      PetscInt m = n;
      PetscReal *from = buf, count;
      if (r) {
        PetscCallMPI(MPI_Recv(&m, 1, MPIU_INT, r, 0, comm, MPI_STATUS_IGNORE));
        PetscCall(PetscMalloc1(m + 1, &from));
        PetscCallMPI(MPI_Recv(from, (PetscMPIInt)m, MPIU_REAL, r, 1, comm, MPI_STATUS_IGNORE));
      }
      count = (PetscReal)m;
      PetscCall(put(fp, tmp, &count, 1, &sum, &at));
      PetscCall(put(fp, tmp, from, m, &sum, &at));
      if (r) PetscCall(PetscFree(from));
    }
    PetscCheck(fwrite(&sum, sizeof(sum), 1, fp) == 1 && fclose(fp) == 0, PETSC_COMM_SELF,
               PETSC_ERR_FILE_WRITE, "%s: cannot write the backward run's checkpoint: %s", tmp,
               strerror(errno));
    PetscCall(atomic_file_rename(path));
  }
  PetscCall(PetscFree(buf));
  PetscCallMPI(MPI_Barrier(comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Read n values from fp into a, adding them to the checksum at file index *at; *ok becomes 0 on
   a short read. Rank 0 only. */
static void get(FILE *fp, PetscReal *a, PetscInt n, uint64_t *sum, PetscInt64 *at, int *ok)
{
  if (!*ok || fread(a, sizeof(PetscReal), (size_t)n, fp) != (size_t)n) {
    *ok = 0;
    return;
  }
  checksum_add_reals(sum, a, n, *at);
  *at += n;
}

/* Why rank 0 refuses a file, for every rank's message. */
enum { READ_OK, READ_SHORT, READ_COUNT, READ_SUM };

/* Rank 0: read each rank's part (the counts checked against want[]) and send it; the other ranks
   receive theirs into buf. Then the checksum. *status is a READ_* on rank 0. */
static PetscErrorCode read_parts(MPI_Comm comm, FILE *fp, PetscInt n, PetscReal *buf, uint64_t *sum,
                                 PetscInt64 *at, int *status, uint64_t stored[2])
{
  PetscMPIInt rank, size;
  PetscInt *want = NULL;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (rank == 0) PetscCall(PetscMalloc1(size, &want));
  PetscCallMPI(MPI_Gather(&n, 1, MPIU_INT, want, 1, MPIU_INT, 0, comm));
  if (rank) {
    PetscCallMPI(MPI_Recv(buf, (PetscMPIInt)n, MPIU_REAL, 0, 2, comm, MPI_STATUS_IGNORE));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscMPIInt r = 0; r < size; r++) {
    PetscReal count = -1, *to = buf;
    int ok = *status == READ_OK;
    if (r) PetscCall(PetscMalloc1(want[r] + 1, &to));
    get(fp, &count, 1, sum, at, &ok);
    if (ok && count != (PetscReal)want[r]) *status = READ_COUNT, ok = 0;
    get(fp, to, want[r], sum, at, &ok);
    if (!ok && *status == READ_OK) *status = READ_SHORT;
    if (r) {
      PetscCallMPI(MPI_Send(to, (PetscMPIInt)want[r], MPIU_REAL, r, 2, comm));
      PetscCall(PetscFree(to));
    }
  }
  if (*status == READ_OK) {
    if (fread(&stored[0], sizeof(uint64_t), 1, fp) != 1)
      *status = READ_SHORT;
    else if (stored[0] != *sum)
      *status = READ_SUM;
  }
  stored[1] = *sum;
  PetscCall(PetscFree(want));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_checkpoint_read(MPI_Comm comm, const char *path, PetscInt nkey,
                                       const AdjointCheckpointKey *key, PetscInt narray,
                                       const AdjointCheckpointArray *arr, PetscInt64 *position)
{
  PetscMPIInt rank, size;
  PetscReal *buf, h[HEADER_FIXED + KEYS_MAX] = {0};
  PetscInt n, at = 0;
  int status = READ_OK, opened = 1;
  uint64_t sum = 0, stored[2] = {0, 0};
  PetscInt64 index = 0;
  FILE *fp = NULL;

  PetscFunctionBeginUser;
  PetscCheck(nkey <= KEYS_MAX, comm, PETSC_ERR_PLIB, "too many checkpoint keys");
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (rank == 0) {
    int ok = 1;
    fp = fopen(path, "rb");
    opened = fp != NULL;
    if (fp) get(fp, h, HEADER_FIXED + nkey, &sum, &index, &ok);
    if (!ok) h[0] = 0;
  }
  PetscCallMPI(MPI_Bcast(&opened, 1, MPI_INT, 0, comm));
  PetscCheck(opened, comm, PETSC_ERR_FILE_OPEN,
             "backward-run checkpoint %s does not exist or is not readable", path);
  PetscCallMPI(MPI_Bcast(h, HEADER_FIXED + nkey, MPIU_REAL, 0, comm));
  if (h[0] != ADJOINT_CHECKPOINT_MAGIC || h[1] != ADJOINT_CHECKPOINT_VERSION ||
      h[4] != (PetscReal)nkey) {
    if (fp) fclose(fp);
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED,
            "%s is not a backward-run checkpoint of this bogda (<run_name>_adjoint_checkpoint.bin; "
            "with adjoint_enabled the forward run starts again from run_start anyway)",
            path);
  }
  for (PetscInt i = -1; i < nkey; i++) {
    PetscReal got = i < 0 ? h[2] : h[HEADER_FIXED + i],
              want = i < 0 ? (PetscReal)size : key[i].value;
    char g[32], w[32];
    if (got == want) continue;
    if (fp) fclose(fp);
    /* The C library's %g: PETSc's prints "2." for 2. */
    snprintf(g, sizeof(g), "%.17g", (double)got);
    snprintf(w, sizeof(w), "%.17g", (double)want);
    SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED,
            "backward-run checkpoint %s: %s is %s but this run has %s: it is not this run's", path,
            i < 0 ? "the number of ranks" : key[i].what, g, w);
  }
  for (PetscInt i = 0; i < narray; i++) at += arr[i].n;
  n = at;
  PetscCall(PetscMalloc1(n + 1, &buf));
  PetscCall(read_parts(comm, fp, n, buf, &sum, &index, &status, stored));
  if (fp) fclose(fp);
  PetscCallMPI(MPI_Bcast(&status, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(stored, 2, MPI_UINT64_T, 0, comm));
  if (status != READ_OK) PetscCall(PetscFree(buf));
  PetscCheck(status != READ_SHORT, comm, PETSC_ERR_FILE_UNEXPECTED,
             "backward-run checkpoint %s is truncated; refusing to resume from it", path);
  PetscCheck(status != READ_COUNT, comm, PETSC_ERR_FILE_UNEXPECTED,
             "backward-run checkpoint %s holds arrays of other sizes than this run's (another "
             "decomposition or configuration); refusing to resume from it",
             path);
  PetscCheck(status != READ_SUM, comm, PETSC_ERR_FILE_UNEXPECTED,
             "backward-run checkpoint %s is damaged: checksum expected 0x%016" PRIx64
             " (recorded by its writer), found 0x%016" PRIx64 "; refusing to resume from it",
             path, stored[0], stored[1]);
  at = 0;
  for (PetscInt i = 0; i < narray; i++, at += arr[i - 1].n)
    PetscCall(PetscArraycpy(arr[i].a, buf + at, arr[i].n));
  PetscCall(PetscFree(buf));
  *position = (PetscInt64)h[3];
  PetscFunctionReturn(PETSC_SUCCESS);
}
