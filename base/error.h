#pragma once
/* Errors: wrappers that turn other libraries' error codes into PETSc errors at the call site, so
   the message names the routine (the PETSc PetscCallHDF5 pattern), and how the programs report
   an error that ends them.

   User errors and internal errors. A user error is bad input: a namelist, a command line, a
   file, a setting the program refuses. It is one of the codes PETSC_ERR_USER, _USER_INPUT, _SUP
   (an input the program does not support), _NOT_CONVERGED (a step that failed: a setting to
   change), _WRONG_MPI_SIZE, _ARG_SIZ, _ARG_IDN, _ARG_WRONG, _ARG_OUTOFRANGE, _ARG_INCOMP,
   _ARG_UNKNOWN_TYPE and _FILE_OPEN, _FILE_READ, _FILE_WRITE, _FILE_UNEXPECTED, raised by Bogda's
   own code (a file under base/, grids/, physics/, model/, prep/, postproc/ or tests/). It is
   printed as one line on standard error, once however many ranks raised it:
     bogda: error: bad.nml:3: unknown key hourz in group &run (did you mean hours?)
   and the program exits with status 1. Anything else is an internal error: a library failed
   (PETSC_ERR_LIB, NetCDF calls included), PETSc's or Bogda's own consistency checks (_PLIB,
   _ARG_WRONGSTATE, _ARG_CORRUPT, ...), memory (_MEM, _MEMC), a signal (_SIG), a floating-point
   exception or a NaN in the state (_FP), an MPI or system call (_MPI, _SYS), and any code
   raised inside PETSc itself. It is printed with PETSc's full traceback on every rank that
   raised it, then the line "bogda: internal error: <message>", and exits with status 2. The
   option -bogda_trace prints the traceback for user errors too. */
#include <errno.h>
#include <petscsys.h>
#include <netcdf.h>

/* Exit statuses of a program that stops on an error. */
#define ERROR_EXIT_USER 1     /* bad input: the one-line message says what to change */
#define ERROR_EXIT_INTERNAL 2 /* an internal error: the traceback says where */

/* Push the error handler that reports errors as described above, for the program called name
   (the prefix of its messages); trace: print PETSc's traceback for every error. Call once, after
   PetscInitialize. Collective on PETSC_COMM_WORLD. */
PetscErrorCode error_push_handler(const char *name, PetscBool trace);

/* Whether an error of code, first raised in the source file file (__FILE__), is a user error. Not
   collective. */
PetscBool error_is_user(PetscErrorCode code, const char *file);

/* End the program after the error ierr (non-zero) came back to main(); does not return. The
   ranks that failed wait a few seconds (ERROR_WAIT_SECONDS in error.c) for each other: if every
   rank failed, rank 0 prints the message once (and each different one of another rank, naming
   it), PETSc is finalised and every rank exits with the status; if some rank did not fail (an
   error raised on one rank only, while the others wait for it in a collective call), a rank
   that failed prints its message and aborts every rank (MPI_Abort). Never hangs. */
void error_finish(PetscErrorCode ierr) __attribute__((noreturn));

/* Call a NetCDF routine; on failure raise PETSC_ERR_LIB with the routine and nc_strerror(). */
#define NcCall(call)                                                                               \
  do {                                                                                             \
    int nc_status_ = (call);                                                                       \
    PetscCheck(nc_status_ == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_LIB, "NetCDF error in %s: %s",   \
               #call, nc_strerror(nc_status_));                                                    \
  } while (0)

/* The likely cause of a failed NetCDF call on file, for the message: the system's error when errno
   (taken before anything else ran) says the disk refused a write ("No space left on device"),
   else, when the file system of file is nearly full, a sentence saying so (a parallel HDF5 write
   reports only "HDF error" and leaves no errno), else "". Other errno values are not used: a
   failed call may leave them from the library's own probing. Not thread-safe (a static buffer). */
const char *nc_write_cause(const char *file, int error);

/* The same, adding the file name to the message, and the system's cause of a refused write. */
#define NcCallFile(call, file)                                                                     \
  do {                                                                                             \
    int nc_status_;                                                                                \
    errno = 0;                                                                                     \
    nc_status_ = (call);                                                                           \
    if (nc_status_ != NC_NOERR) {                                                                  \
      const char *nc_cause_ = nc_write_cause((file), errno);                                       \
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: NetCDF error in %s: %s%s%s", (file),      \
              #call, nc_strerror(nc_status_), nc_cause_[0] ? "; " : "", nc_cause_);                \
    }                                                                                              \
  } while (0)
