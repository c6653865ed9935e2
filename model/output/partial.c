/* Partial outputs (see partial.h). The copy goes record by record and variable by variable, so
   it needs no more memory than one record of one variable, whatever the length of the segment.
   Rank 0 reads the partial file and tells the others whether each read worked before they all
   write, so a damaged partial file is one error on every rank, not a hang in a collective
   write. */
#include "model/output/partial.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netcdf.h>
#include "base/atomic_file.h"
#include "base/error.h"

#define PARTIAL_UNTIL "partial_until"
#define MSG_LEN (2 * PETSC_MAX_PATH_LEN + 256)

/* Times are written from the same arithmetic by both runs; this only absorbs a print of them. */
#define TIME_TOLERANCE 1e-3 /* s */

PetscErrorCode partial_name(const char *path, char *part, size_t size)
{
  PetscFunctionBeginUser;
  PetscCheck(strlen(path) + 6 <= size, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "%s: the path is too long for its partial name", path);
  PetscCall(PetscSNPrintf(part, size, "%s.part", path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode partial_mark(int nc, const char *path, double t)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_redef(nc), path);
  NcCallFile(nc_put_att_double(nc, NC_GLOBAL, PARTIAL_UNTIL, NC_DOUBLE, 1, &t), path);
  NcCallFile(nc_enddef(nc), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode partial_keep(const char *path)
{
  char part[PETSC_MAX_PATH_LEN + 8];

  PetscFunctionBeginUser;
  PetscCall(partial_name(path, part, sizeof(part)));
  PetscCall(atomic_file_rename_to(path, part));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode partial_remove(const char *path)
{
  char part[PETSC_MAX_PATH_LEN + 8];

  PetscFunctionBeginUser;
  PetscCall(partial_name(path, part, sizeof(part)));
  PetscCheck(remove(part) == 0 || errno == ENOENT, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "%s: cannot remove it now that %s is complete: %s", part, path, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether variable v of nc has the unlimited dimension first. */
static int is_record(int nc, int v)
{
  int nd, dims[NC_MAX_VAR_DIMS], unlim;
  if (nc_inq_varndims(nc, v, &nd) || nd < 1 || nc_inq_vardimid(nc, v, dims) ||
      nc_inq_unlimdim(nc, &unlim))
    return 0;
  return dims[0] == unlim;
}

/* The shape of one record of variable v of nc (count[0] = 1) and its size in bytes. */
static int record_shape(int nc, int v, int *nd, size_t *count, size_t *bytes)
{
  int dims[NC_MAX_VAR_DIMS], status;
  nc_type type;
  if ((status = nc_inq_varndims(nc, v, nd)) || (status = nc_inq_vardimid(nc, v, dims)) ||
      (status = nc_inq_vartype(nc, v, &type)) || (status = nc_inq_type(nc, type, NULL, bytes)))
    return status;
  count[0] = 1;
  for (int d = 1; d < *nd; d++) {
    if ((status = nc_inq_dimlen(nc, dims[d], &count[d]))) return status;
    *bytes *= count[d];
  }
  return NC_NOERR;
}

/* Rank 0: whether the partial file pnc fits the new file nc (every record variable of nc is in
   pnc with the same type and record shape), the largest record in bytes; a message if not. */
static int check_shapes(int nc, int pnc, const char *part, size_t *largest, char *msg)
{
  int nvars;
  nc_inq_nvars(nc, &nvars);
  *largest = 1;
  for (int v = 0; v < nvars; v++) {
    char name[NC_MAX_NAME + 1];
    int pv, nd, pnd;
    size_t count[NC_MAX_VAR_DIMS], pcount[NC_MAX_VAR_DIMS], bytes, pbytes;
    nc_type type, ptype;
    if (!is_record(nc, v)) continue;
    nc_inq_varname(nc, v, name);
    nc_inq_vartype(nc, v, &type);
    if (nc_inq_varid(pnc, name, &pv) || !is_record(pnc, pv)) {
      snprintf(msg, MSG_LEN, "%s has no record variable %s (written by another configuration?)",
               part, name);
      return 1;
    }
    nc_inq_vartype(pnc, pv, &ptype);
    record_shape(nc, v, &nd, count, &bytes);
    record_shape(pnc, pv, &pnd, pcount, &pbytes);
    if (ptype != type || pnd != nd || pbytes != bytes ||
        memcmp(count, pcount, sizeof(size_t) * (size_t)nd)) {
      snprintf(msg, MSG_LEN, "%s: variable %s has another type or shape than this run writes", part,
               name);
      return 1;
    }
    if (bytes > *largest) *largest = bytes;
  }
  return 0;
}

/* Rank 0: what "<path>.part" is for a resume at t_end; *pnc stays open if it is usable. */
static int look(const char *path, double t_end, int *pnc, PartialStatus *status, char *msg)
{
  char part[PETSC_MAX_PATH_LEN + 8];
  double until;
  int e;

  *pnc = -1;
  *status = PARTIAL_NONE;
  if (partial_name(path, part, sizeof(part)) || access(part, F_OK) != 0) return 0;
  if ((e = nc_open(part, NC_NOWRITE, pnc))) {
    *pnc = -1;
    snprintf(msg, MSG_LEN, "%s: cannot read it: %s", part, nc_strerror(e));
    return 1;
  }
  if (nc_get_att_double(*pnc, NC_GLOBAL, PARTIAL_UNTIL, &until)) {
    snprintf(msg, MSG_LEN, "%s has no attribute " PARTIAL_UNTIL " (not left by a stopped run)",
             part);
    return 1;
  }
  *status = until < t_end - TIME_TOLERANCE ? PARTIAL_STALE : PARTIAL_USABLE;
  return 0;
}

PetscErrorCode partial_probe(MPI_Comm comm, const char *path, double t_end, PartialStatus *status)
{
  PetscMPIInt rank;
  char msg[MSG_LEN] = "";
  int pnc = -1, info[2] = {0, PARTIAL_NONE};

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    PartialStatus st;
    info[0] = look(path, t_end, &pnc, &st, msg);
    info[1] = (int)st;
    if (pnc >= 0) nc_close(pnc);
  }
  PetscCallMPI(MPI_Bcast(info, 2, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, MSG_LEN, MPI_CHAR, 0, comm));
  PetscCheck(!info[0], comm, PETSC_ERR_FILE_UNEXPECTED, "%s", msg);
  *status = (PartialStatus)info[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: open the usable partial file of path and count its records up to t_end. Returns
   nonzero with a message if it cannot be used. */
static int probe(int nc, const char *path, double t_end, int *pnc, PetscInt *nrec, size_t *largest,
                 char *msg)
{
  char part[PETSC_MAX_PATH_LEN + 8];
  PartialStatus status;
  double *t;
  int vt, dim;
  size_t n;

  *nrec = 0;
  if (look(path, t_end, pnc, &status, msg)) return 1;
  (void)partial_name(path, part, sizeof(part));
  if (status != PARTIAL_USABLE) {
    snprintf(msg, MSG_LEN, "%s: %s", part,
             status == PARTIAL_NONE ? "no such file" : "it ends before the restart");
    return 1;
  }
  if (nc_inq_varid(*pnc, "time", &vt) || nc_inq_vardimid(*pnc, vt, &dim) ||
      nc_inq_dimlen(*pnc, dim, &n)) {
    snprintf(msg, MSG_LEN, "%s has no time axis", part);
    return 1;
  }
  t = (double *)malloc((n ? n : 1) * sizeof(double));
  if (!t || (n && nc_get_var_double(*pnc, vt, t))) {
    free(t);
    snprintf(msg, MSG_LEN, "%s: cannot read its times", part);
    return 1;
  }
  while ((size_t)*nrec < n && t[*nrec] <= t_end + TIME_TOLERANCE) (*nrec)++;
  free(t);
  return check_shapes(nc, *pnc, part, largest, msg);
}

PetscErrorCode partial_copy(MPI_Comm comm, int nc, const char *path, double t_end, PetscInt *nrec)
{
  PetscMPIInt rank;
  char msg[MSG_LEN] = "";
  int pnc = -1, bad = 0, nvars;
  size_t largest = 1;
  char *buf = NULL;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) bad = probe(nc, path, t_end, &pnc, nrec, &largest, msg);
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, MSG_LEN, MPI_CHAR, 0, comm));
  PetscCallMPI(MPI_Bcast(nrec, 1, MPIU_INT, 0, comm));
  if (bad && pnc >= 0) nc_close(pnc);
  PetscCheck(!bad, comm, PETSC_ERR_FILE_UNEXPECTED, "%s", msg);
  if (rank == 0) PetscCall(PetscMalloc1(largest, &buf));
  NcCallFile(nc_inq_nvars(nc, &nvars), path);
  for (int v = 0; v < nvars; v++) {
    char name[NC_MAX_NAME + 1];
    size_t start[NC_MAX_VAR_DIMS] = {0}, count[NC_MAX_VAR_DIMS], bytes;
    int nd, pv = -1;
    if (!is_record(nc, v)) continue;
    NcCallFile(nc_inq_varname(nc, v, name), path);
    NcCallFile(record_shape(nc, v, &nd, count, &bytes), path);
    if (rank == 0) nc_inq_varid(pnc, name, &pv);
    if (rank) PetscCall(PetscArrayzero(count, nd)); /* rank 0 writes, the others take part */
    for (PetscInt r = 0; r < *nrec; r++) {
      start[0] = (size_t)r;
      if (rank == 0) bad = nc_get_vara(pnc, pv, start, count, buf);
      PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
      if (bad && rank == 0) nc_close(pnc);
      PetscCheck(!bad, comm, PETSC_ERR_FILE_READ,
                 "%s.part: cannot read record %" PetscInt_FMT " of %s: %s", path, r, name,
                 nc_strerror(bad));
      NcCallFile(nc_put_vara(nc, v, start, count, rank == 0 ? buf : (void *)&bad), path);
    }
  }
  if (rank == 0) {
    PetscCall(PetscFree(buf));
    NcCallFile(nc_close(pnc), path);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode partial_check_count(MPI_Comm comm, const char *path, PetscInt nrec, PetscInt expect)
{
  PetscFunctionBeginUser;
  PetscCheck(nrec == expect, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s.part holds %" PetscInt_FMT
             " record(s) up to the checkpoint where this run's segment "
             "has %" PetscInt_FMT ": it was written with other run_output_hours or "
             "run_checkpoint_hours; restart with those, or from a checkpoint at a segment's start",
             path, nrec, expect);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode partial_close_nc(int nc, const char *path, PetscBool partial, double t)
{
  PetscFunctionBeginUser;
  if (partial) PetscCall(partial_mark(nc, path, t));
  PetscCall(atomic_file_nc_close(nc, path));
  if (partial) {
    PetscCall(partial_keep(path));
  } else {
    PetscCall(atomic_file_rename(path));
    PetscCall(partial_remove(path));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode partial_continue_rank0(MPI_Comm comm, int nc, const char *path, double t,
                                      PetscInt expect, PetscInt *nrec)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  *nrec = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    PetscCall(partial_copy(PETSC_COMM_SELF, nc, path, t, nrec));
    PetscCall(partial_check_count(PETSC_COMM_SELF, path, *nrec, expect));
  }
  PetscCallMPI(MPI_Bcast(nrec, 1, MPIU_INT, 0, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}
