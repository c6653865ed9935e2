/* A rank's spill store (see spill.h). The file is opened once, at the
   first record that does not fit in memory, and every record goes to its own place in it (record
   i at (i - in memory) * len values), so a backward sweep reads them in any order. Every
   pwrite and pread is checked for the whole length: a full disk stops the run, naming the file,
   rather than giving a record that was not kept. The file's name ends in ".tmp" like the model's
   other files that are not results, and it is removed when the store is destroyed (a run killed
   with kill -9 may leave it: its name says it is not an output). */
#include "base/spill.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

struct Spill {
  PetscInt len;                  /* values of one record */
  PetscInt64 n, nmem;            /* records, and how many of them (the first) are in memory */
  PetscReal *mem;                /* owned: the records 0 .. nmem - 1 */
  char path[PETSC_MAX_PATH_LEN]; /* this rank's file for the others */
  char what[128];                /* what the records are, for errors */
  int fd;                        /* owned: the file, -1 until the first record on disk */
};

PetscErrorCode spill_create(MPI_Comm comm, PetscInt len, PetscInt64 n, double memory_bytes,
                            const char *dir, const char *name, const char *what, Spill **out)
{
  Spill *S;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&S));
  S->len = len;
  S->n = n;
  S->fd = -1;
  S->nmem = (PetscInt64)(memory_bytes / (8.0 * (double)PetscMax(len, 1)));
  S->nmem = PetscMin(S->nmem, n);
  PetscCall(PetscMalloc1(S->nmem * len + 1, &S->mem));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscSNPrintf(S->path, sizeof(S->path), "%s/%s_%d.tmp", dir, name, rank));
  PetscCall(PetscStrncpy(S->what, what, sizeof(S->what)));
  *out = S;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Open the file on first use. */
static PetscErrorCode open_file(Spill *S)
{
  PetscFunctionBeginUser;
  if (S->fd >= 0) PetscFunctionReturn(PETSC_SUCCESS);
  S->fd = open(S->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  PetscCheck(S->fd >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "%s: cannot create the file for %s: %s (is run_output_dir writable?)", S->path,
             S->what, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The byte offset of record i in the file. */
static off_t offset(const Spill *S, PetscInt64 i)
{
  return (off_t)(i - S->nmem) * (off_t)S->len * (off_t)sizeof(PetscReal);
}

/* Write record i of the file from w, or (w NULL) read it to rd: the whole length, checked. */
static PetscErrorCode transfer(Spill *S, PetscInt64 i, const char *w, char *rd)
{
  size_t size = (size_t)S->len * sizeof(PetscReal), done = 0;
  PetscBool put = w ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  while (done < size) {
    off_t at = offset(S, i) + (off_t)done;
    ssize_t k =
        put ? pwrite(S->fd, w + done, size - done, at) : pread(S->fd, rd + done, size - done, at);
    PetscCheck(k > 0, PETSC_COMM_SELF, put ? PETSC_ERR_FILE_WRITE : PETSC_ERR_FILE_READ,
               "%s: cannot %s record %" PetscInt64_FMT " of %s: %s", S->path,
               put ? "write" : "read", i, S->what,
               k < 0 ? strerror(errno) : "the file is shorter than what was written");
    done += (size_t)k;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode spill_put(Spill *S, PetscInt64 i, const PetscReal *q)
{
  PetscFunctionBeginUser;
  PetscAssert(i >= 0 && i < S->n, PETSC_COMM_SELF, PETSC_ERR_PLIB,
              "spill record index out of range");
  if (i < S->nmem)
    PetscCall(PetscArraycpy(&S->mem[i * S->len], q, S->len));
  else {
    PetscCall(open_file(S));
    PetscCall(transfer(S, i, (const char *)q, NULL));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode spill_get(Spill *S, PetscInt64 i, PetscReal *q)
{
  PetscFunctionBeginUser;
  PetscAssert(i >= 0 && i < S->n, PETSC_COMM_SELF, PETSC_ERR_PLIB,
              "spill record index out of range");
  if (i < S->nmem)
    PetscCall(PetscArraycpy(q, &S->mem[i * S->len], S->len));
  else {
    PetscCheck(S->fd >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB,
               "record %" PetscInt64_FMT " of %s was not kept", i, S->what);
    PetscCall(transfer(S, i, NULL, (char *)q));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void spill_counts(const Spill *S, PetscInt64 *in_memory, PetscInt64 *on_disk)
{
  *in_memory = S->nmem;
  *on_disk = S->n - S->nmem;
}

PetscErrorCode spill_destroy(Spill **out)
{
  Spill *S = *out;

  PetscFunctionBeginUser;
  if (!S) PetscFunctionReturn(PETSC_SUCCESS);
  if (S->fd >= 0) {
    PetscCheck(close(S->fd) == 0 && unlink(S->path) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
               "%s: cannot remove the file for %s: %s", S->path, S->what, strerror(errno));
  }
  PetscCall(PetscFree(S->mem));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
