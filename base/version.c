/* The version of the build (see version.h). */
#include "base/version.h"
#include <stdio.h>
#include <string.h>
#include <mpi.h>
#include "base/error.h"

/* The Makefile defines it from build/version.txt. */
#ifndef BOGDA_VERSION
#define BOGDA_VERSION "unknown"
#endif

const char *version_string(void)
{
  return BOGDA_VERSION;
}

const char *version_line(void)
{
  static char line[512];
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING] = "MPI", *end;
  int len = 0;

  if (line[0]) return line;
  /* Open MPI's library version is "Open MPI v4.1.4, package: ..."; keep its first phrase. */
  if (MPI_Get_library_version(mpi, &len) != MPI_SUCCESS) strcpy(mpi, "MPI");
  if ((end = strpbrk(mpi, ",\n"))) *end = '\0';
  snprintf(line, sizeof(line), "%s (PETSc %d.%d.%d, NetCDF %.*s, %s)", BOGDA_VERSION,
           PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR,
           (int)strcspn(nc_inq_libvers(), " "), nc_inq_libvers(), mpi);
  return line;
}

PetscErrorCode version_nc_attribute(int nc, const char *path)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_text(nc, NC_GLOBAL, "bogda_version", strlen(BOGDA_VERSION), BOGDA_VERSION),
             path);
  PetscFunctionReturn(PETSC_SUCCESS);
}
