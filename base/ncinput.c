/* Input NetCDF files opened after a probe in a child process (see ncinput.h). */
#include "base/ncinput.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netcdf.h>
#include "base/error.h"

#define PROBED_MAX 128 /* paths remembered; beyond them a file is probed at every opening */

static char probed[PROBED_MAX][PETSC_MAX_PATH_LEN];
static int nprobed;

/* Read every dimension, variable and attribute of nc, and with data every variable's values.
   Runs in the child: returns 0 when every call succeeded. */
static int walk(int nc, int data)
{
  int ndims, nvars, natts, unlim, bad = 0;
  if (nc_inq(nc, &ndims, &nvars, &natts, &unlim) != NC_NOERR) return 1;
  for (int d = 0; d < ndims; d++) {
    char name[NC_MAX_NAME + 1];
    size_t len;
    bad |= nc_inq_dim(nc, d, name, &len) != NC_NOERR;
  }
  for (int v = -1; v < nvars; v++) {
    int nd = 0, na = natts, dims[NC_MAX_VAR_DIMS];
    nc_type type;
    char name[NC_MAX_NAME + 1];
    if (v >= 0 && nc_inq_var(nc, v, name, &type, &nd, dims, &na) != NC_NOERR) return 1;
    for (int a = 0; a < na; a++) {
      size_t len;
      nc_type at;
      if (nc_inq_attname(nc, v, a, name) != NC_NOERR ||
          nc_inq_att(nc, v, name, &at, &len) != NC_NOERR)
        return 1;
    }
    if (data && v >= 0 && type != NC_STRING && type != NC_VLEN && type < NC_VLEN) {
      size_t n = 1, size;
      void *buf;
      for (int d = 0; d < nd; d++) {
        size_t len;
        if (nc_inq_dimlen(nc, dims[d], &len) != NC_NOERR) return 1;
        n *= len;
      }
      if (nc_inq_type(nc, type, NULL, &size) != NC_NOERR) return 1;
      if (n == 0) continue;
      buf = malloc(n * size);
      if (!buf) continue;
      bad |= nc_get_var(nc, v, buf) != NC_NOERR;
      free(buf);
    }
  }
  return bad;
}

static PetscBool seen(const char *path)
{
  for (int k = 0; k < nprobed; k++)
    if (!strcmp(probed[k], path)) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscErrorCode probe(const char *path)
{
  struct stat sb;
  int status, data;
  pid_t pid;

  PetscFunctionBeginUser;
  if (seen(path) || stat(path, &sb) != 0) PetscFunctionReturn(PETSC_SUCCESS); /* nc_open says */
  data = (double)sb.st_size <= NC_PROBE_DATA_MAX;
  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid == 0) { /* the child: no MPI, no PETSc, no atexit handlers, no output */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM};
    int nc, bad, null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 1), dup2(null, 2);
    for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++) signal(sigs[k], SIG_DFL);
    alarm(NC_PROBE_SECONDS);
    if (nc_open(path, NC_NOWRITE, &nc) != NC_NOERR) _exit(2);
    bad = walk(nc, data);
    nc_close(nc);
    _exit(bad ? 3 : 0);
  }
  if (pid > 0) {
    while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) break;
    /* The child exits 0 (read), 2 (nc_open failed) or 3 (a call failed: nc_open will say); any
       other status is a sanitizer's report (it exits 1) or a signal. */
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2 &&
        WEXITSTATUS(status) != 3)
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
              "%s: the file is damaged: the NetCDF/HDF5 library failed (exit %d) reading its "
              "structure in a test process; expected a NetCDF file as its writer left it",
              path, WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
      int sig = WTERMSIG(status);
      if (sig == SIGALRM)
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                "%s: the file is damaged: the NetCDF/HDF5 library did not finish reading its "
                "structure in %d s in a test process; expected a NetCDF file as its writer left it",
                path, NC_PROBE_SECONDS);
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
              "%s: the file is damaged: the NetCDF/HDF5 library died (%s) reading its structure in "
              "a test process; expected a NetCDF file as its writer left it (copy it again)",
              path, strsignal(sig));
    }
  } /* fork failed (pid < 0): open without the probe */
  if (nprobed < PROBED_MAX) PetscCall(PetscStrncpy(probed[nprobed++], path, PETSC_MAX_PATH_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nc_open_input(const char *path, int *nc)
{
  PetscFunctionBeginUser;
  PetscCall(probe(path));
  NcCallFile(nc_open(path, NC_NOWRITE, nc), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}
