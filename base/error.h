#pragma once
/* Wrappers that turn other libraries' error codes into PETSc errors at the call site, so the
   traceback names the routine (the PETSc PetscCallHDF5 pattern). */
#include <errno.h>
#include <petscsys.h>
#include <netcdf.h>

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
