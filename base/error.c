/* The cause of a failed NetCDF call, and the reporting of the error that ends a program (see
   error.h). */
#include "base/error.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Below this many bytes free, a failed write is put down to a full disk (HDF5 writes whole chunks
   and metadata blocks, so a refused write can leave some room). */
#define NEARLY_FULL_BYTES (1024.0 * 1024.0)

const char *nc_write_cause(const char *file, int error)
{
  static char cause[160];
  char dir[PETSC_MAX_PATH_LEN];
  const char *slash;
  size_t len;
  struct statvfs fs;
  double avail;

  if (error == ENOSPC || error == EDQUOT || error == EFBIG || error == EIO) return strerror(error);
  slash = file ? strrchr(file, '/') : NULL;
  len = slash ? (size_t)(slash - file) : 0;
  if (len >= sizeof(dir)) return "";
  if (slash && len)
    memcpy(dir, file, len), dir[len] = '\0';
  else
    strcpy(dir, slash ? "/" : ".");
  if (statvfs(dir, &fs) != 0) return "";
  avail = (double)fs.f_bavail * (double)fs.f_frsize;
  if (avail >= NEARLY_FULL_BYTES) return "";
  (void)snprintf(cause, sizeof(cause),
                 "No space left on device (its file system has %.0f KiB free)", avail / 1024);
  return cause;
}

/* How long a rank that failed waits for the others before it concludes that it failed alone and
   aborts them all. Ranks that fail together (a collective check, the same input on every rank)
   arrive within milliseconds; the wait covers ranks slowed by uneven work or oversubscription.
   Waiting too little costs only a message printed by each rank and MPI_Abort's note. */
#define ERROR_WAIT_SECONDS 5.0
/* The longest message kept (PETSc composes at most this much). */
#define ERROR_MESSAGE_LEN 2048

/* The error being propagated on this rank. */
static struct {
  char program[64]; /* the prefix of the messages */
  PetscBool trace;  /* -bogda_trace: PETSc's traceback for every error */
  PetscBool raised; /* an error was raised since the handler was pushed */
  PetscBool user;   /* it is a user error */
  PetscBool traced; /* PETSc's traceback handler prints it */
  PetscErrorCode code;
  char message[ERROR_MESSAGE_LEN];
} err;
static MPI_Comm err_comm = MPI_COMM_NULL; /* a duplicate of PETSC_COMM_WORLD, for error_finish */

PetscBool error_is_user(PetscErrorCode code, const char *file)
{
  static const char *const ours[] = {"base/", "grids/",    "physics/", "model/",
                                     "prep/", "postproc/", "tests/"};
  PetscBool in_ours = PETSC_FALSE;

  for (size_t k = 0; k < sizeof(ours) / sizeof(ours[0]) && file; k++)
    if (!strncmp(file, ours[k], strlen(ours[k]))) in_ours = PETSC_TRUE;
  if (!in_ours) return PETSC_FALSE;
  switch (code) {
  case PETSC_ERR_USER:
  case PETSC_ERR_USER_INPUT:
  case PETSC_ERR_SUP:
  case PETSC_ERR_NOT_CONVERGED:
  case PETSC_ERR_WRONG_MPI_SIZE:
  case PETSC_ERR_ARG_SIZ:
  case PETSC_ERR_ARG_IDN:
  case PETSC_ERR_ARG_WRONG:
  case PETSC_ERR_ARG_OUTOFRANGE:
  case PETSC_ERR_ARG_INCOMP:
  case PETSC_ERR_ARG_UNKNOWN_TYPE:
  case PETSC_ERR_FILE_OPEN:
  case PETSC_ERR_FILE_READ:
  case PETSC_ERR_FILE_WRITE:
  case PETSC_ERR_FILE_UNEXPECTED:
    return PETSC_TRUE;
  default:
    return PETSC_FALSE;
  }
}

/* The handler PETSc calls for each frame of an error: at the first (PETSC_ERROR_INITIAL) it keeps
   the message and decides who prints; an internal error (or any, with -bogda_trace) goes to
   PETSc's traceback handler frame by frame, a user error is printed by error_finish alone. */
static PetscErrorCode handler(MPI_Comm comm, int line, const char *func, const char *file,
                              PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL || !err.raised) {
    const char *text = NULL;
    err.raised = PETSC_TRUE;
    err.code = n;
    err.user = error_is_user(n, file);
    err.traced = err.trace || !err.user || n == PETSC_ERR_SIG;
    if (!mess || !mess[0] || !strcmp(mess, " ")) (void)PetscErrorMessage(n, &text, NULL);
    snprintf(err.message, sizeof(err.message), "%s", text ? text : mess ? mess : "");
    if (err.traced) fflush(stdout); /* the log's lines before the traceback */
  }
  if (err.traced) return PetscTraceBackErrorHandler(comm, line, func, file, n, p, mess, ctx);
  return n;
}

PetscErrorCode error_push_handler(const char *name, PetscBool trace)
{
  PetscFunctionBeginUser;
  snprintf(err.program, sizeof(err.program), "%s", name);
  err.trace = trace;
  PetscCallMPI(MPI_Comm_dup(PETSC_COMM_WORLD, &err_comm));
  PetscCall(PetscPushErrorHandler(handler, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The line that reports message, with the rank that raised it when it is not everyone's. */
static void print_message(PetscBool user, const char *message, int rank)
{
  char who[32] = "";
  fflush(stdout); /* the log's lines first, so that this one starts a line of its own */
  if (rank >= 0) snprintf(who, sizeof(who), " (rank %d)", rank);
  fprintf(stderr, "%s: %serror%s: %s\n", err.program, user ? "" : "internal ", who, message);
  fflush(stderr);
}

/* Wait until every rank of err_comm has entered the barrier, or ERROR_WAIT_SECONDS; whether they
   all did. */
static PetscBool all_failed(void)
{
  MPI_Request req;
  int done = 0;
  double t0 = MPI_Wtime();
  const struct timespec pause = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};

  if (MPI_Ibarrier(err_comm, &req) != MPI_SUCCESS) return PETSC_FALSE;
  while (!done && MPI_Wtime() - t0 < ERROR_WAIT_SECONDS) {
    if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return PETSC_FALSE;
    if (!done) nanosleep(&pause, NULL);
  }
  return done ? PETSC_TRUE : PETSC_FALSE;
}

/* Every rank failed: rank 0 prints its message and each different one of the others. */
static void print_all(int rank, int size)
{
  char *all = NULL;
  int *user = NULL, mine = err.user;

  if (rank == 0) {
    all = malloc((size_t)size * ERROR_MESSAGE_LEN);
    user = malloc((size_t)size * sizeof(int));
  }
  (void)MPI_Gather(err.message, ERROR_MESSAGE_LEN, MPI_CHAR, all, ERROR_MESSAGE_LEN, MPI_CHAR, 0,
                   err_comm);
  (void)MPI_Gather(&mine, 1, MPI_INT, user, 1, MPI_INT, 0, err_comm);
  if (rank == 0 && all && user)
    for (int r = 0; r < size; r++) {
      PetscBool seen = PETSC_FALSE;
      for (int q = 0; q < r && !seen; q++)
        seen = !strcmp(all + (size_t)q * ERROR_MESSAGE_LEN, all + (size_t)r * ERROR_MESSAGE_LEN);
      if (!seen) print_message(user[r], all + (size_t)r * ERROR_MESSAGE_LEN, r == 0 ? -1 : r);
    }
  free(all);
  free(user);
}

/* Leave with status. _exit: the objects the error abandoned are not freed (PETSc's rule for an
   error), and the C library's exit handlers would only report them (LeakSanitizer) as MPI_Abort
   never did; the streams are flushed first. */
static void leave(int status) __attribute__((noreturn));
static void leave(int status)
{
  fflush(NULL);
  _exit(status);
}

void error_finish(PetscErrorCode ierr)
{
  int rank = 0, size = 1, status, worst;

  if (!err.raised) { /* a code returned without PetscError() */
    const char *text = NULL;
    (void)PetscErrorMessage(ierr, &text, NULL);
    err.raised = PETSC_TRUE;
    err.code = ierr;
    snprintf(err.message, sizeof(err.message), "%s (error code %d)", text ? text : "error",
             (int)ierr);
  }
  if (err.traced) /* the last frame, and the end of PETSc's report */
    (void)PetscTraceBackErrorHandler(PETSC_COMM_SELF, __LINE__, "main", __FILE__, ierr,
                                     PETSC_ERROR_REPEAT, " ", NULL);
  status = err.user ? ERROR_EXIT_USER : ERROR_EXIT_INTERNAL;
  if (err_comm == MPI_COMM_NULL) { /* before the handler was pushed */
    print_message(err.user, err.message, -1);
    leave(status);
  }
  MPI_Comm_rank(err_comm, &rank);
  MPI_Comm_size(err_comm, &size);
  if (!all_failed()) {
    print_message(err.user, err.message, size > 1 ? rank : -1);
    MPI_Abort(MPI_COMM_WORLD, status);
    leave(status);
  }
  print_all(rank, size);
  (void)MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, err_comm);
  MPI_Comm_free(&err_comm);
  (void)PetscFinalize();
  leave(worst);
}
