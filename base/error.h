#pragma once
/* Wrappers that turn other libraries' error codes into PETSc errors at the call site, so the
   traceback names the routine (the PETSc PetscCallHDF5 pattern). */
#include <petscsys.h>
#include <netcdf.h>

/* Call a NetCDF routine; on failure raise PETSC_ERR_LIB with the routine and nc_strerror(). */
#define NcCall(call)                                                                               \
  do {                                                                                             \
    int nc_status_ = (call);                                                                       \
    PetscCheck(nc_status_ == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_LIB, "NetCDF error in %s: %s",   \
               #call, nc_strerror(nc_status_));                                                    \
  } while (0)

/* The same, adding the file name to the message. */
#define NcCallFile(call, file)                                                                     \
  do {                                                                                             \
    int nc_status_ = (call);                                                                       \
    PetscCheck(nc_status_ == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_FILE_READ,                       \
               "%s: NetCDF error in %s: %s", (file), #call, nc_strerror(nc_status_));              \
  } while (0)
