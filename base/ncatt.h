#pragma once
/* Reading NetCDF attributes: the one set of helpers every reader of the tree uses (the domain
   file, the wrfout files, boundary files, inventories, DEMs). A required attribute that is
   missing raises PETSC_ERR_FILE_UNEXPECTED with "<path>: no global attribute <name>: <what>" (or
   "<path>: variable <v> has no attribute <name>: <what>"), where what says what the file was
   expected to be; any other NetCDF error names the routine and nc_strerror(). All are not
   collective: comm only says where the error is raised. */
#include <petscsys.h>

/* The numeric attribute name of variable var (NC_GLOBAL: of the file) as a double (NetCDF
   converts), into *v. Missing: an error if found is NULL, else *found = PETSC_FALSE and *v keeps
   its value (the caller's default). */
PetscErrorCode ncatt_get_double(MPI_Comm comm, int nc, int var, const char *path, const char *name,
                                const char *what, double *v, PetscBool *found);

/* The same for an integer attribute. */
PetscErrorCode ncatt_get_int(MPI_Comm comm, int nc, int var, const char *path, const char *name,
                             const char *what, int *v, PetscBool *found);

/* The text attribute name of variable var (NC_CHAR, or a single NC_STRING as netCDF4 clients may
   write) as a NUL-terminated string in buf[size]. A text longer
   than size - 1 characters, or an attribute that is not text, is an error; missing: as above
   (buf then holds ""). */
PetscErrorCode ncatt_get_text(MPI_Comm comm, int nc, int var, const char *path, const char *name,
                              const char *what, char *buf, size_t size, PetscBool *found);
