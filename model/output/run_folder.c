/* The run's output folder: name checks and a lock, before the first file is written (issue 18,
   item 12: a run_name of '../escaped' wrote outside the folder, an empty run_output_dir wrote
   into '/', and two runs of one name in one folder overwrote each other's files). The lock is
   flock(2) on a hidden file beside the outputs: advisory, per open file, and dropped by the
   kernel when the process ends however it ends. */
#include "model/output/run_folder.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct RunFolder {
  int fd; /* the lock file, open on rank 0 only; -1 elsewhere */
};

/* What is wrong with name as a file-name stem, or NULL. */
static const char *bad_name(const char *name)
{
  if (!name[0]) return "it is empty";
  if (!strcmp(name, ".") || !strcmp(name, "..")) return "it names a folder";
  for (const char *c = name; *c; c++) {
    if (*c == '/') return "it holds a '/' (run_output_dir says where files go)";
    if (iscntrl((unsigned char)*c)) return "it holds a control character";
  }
  return NULL;
}

/* On rank 0: what is wrong with the folder and the name, in msg (empty if nothing). */
static void check_on_root(const char *dir, const char *name, char *msg, size_t len)
{
  struct stat st;
  const char *why = bad_name(name);

  msg[0] = 0;
  if (why) {
    snprintf(msg, len, "run_name = '%s' is not a file-name stem: %s", name, why);
    return;
  }
  if (!dir[0]) {
    snprintf(msg, len,
             "run_output_dir is empty: give the folder the run writes into ('.' for "
             "the current one)");
    return;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(msg, len, "run_output_dir = '%s' %s (create it first)", dir,
             stat(dir, &st) != 0 ? "does not exist" : "is not a folder");
    return;
  }
  if (access(dir, W_OK | X_OK) != 0)
    snprintf(msg, len, "run_output_dir = '%s' is not writable: %s", dir, strerror(errno));
}

/* On rank 0: check the folder and take the lock; *fd the lock's descriptor, msg empty on success.
 */
static void lock_on_root(const char *dir, const char *name, int *fd, char *msg, size_t len)
{
  char path[PETSC_MAX_PATH_LEN];

  *fd = -1;
  check_on_root(dir, name, msg, len);
  if (msg[0]) return;
  snprintf(path, sizeof(path), "%s/.%s.lock", dir, name);
  *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (*fd < 0) {
    snprintf(msg, len, "cannot create the lock file %s: %s", path, strerror(errno));
    return;
  }
  if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    snprintf(msg, len,
             "another run named '%s' is writing into %s (its lock %s is held); give "
             "this run another run_name or run_output_dir",
             name, dir, path);
    close(*fd);
    *fd = -1;
  }
}

PetscErrorCode run_folder_check(MPI_Comm comm, const char *dir, const char *name)
{
  PetscMPIInt rank;
  char msg[2 * PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) check_on_root(dir, name, msg, sizeof(msg));
  PetscCallMPI(MPI_Bcast(msg, (PetscMPIInt)sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!msg[0], comm, PETSC_ERR_USER, "%s", msg);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode run_folder_lock(MPI_Comm comm, const char *dir, const char *name, RunFolder **f)
{
  PetscMPIInt rank;
  char msg[2 * PETSC_MAX_PATH_LEN + 256] = "";
  int fd = -1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) lock_on_root(dir, name, &fd, msg, sizeof(msg));
  PetscCallMPI(MPI_Bcast(msg, (PetscMPIInt)sizeof(msg), MPI_CHAR, 0, comm));
  PetscCheck(!msg[0], comm, PETSC_ERR_USER, "%s", msg);
  PetscCall(PetscNew(f));
  (*f)->fd = fd;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode run_folder_unlock(RunFolder **f)
{
  PetscFunctionBeginUser;
  if (!*f) PetscFunctionReturn(PETSC_SUCCESS);
  if ((*f)->fd >= 0) close((*f)->fd); /* closing the last descriptor releases the flock */
  PetscCall(PetscFree(*f));
  PetscFunctionReturn(PETSC_SUCCESS);
}
