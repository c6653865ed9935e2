#pragma once
/* The version of Bogda this program was built from: `git describe --always --dirty` of the source
   tree at build time, or the first line of the file VERSION in a tree without git (a tarball), or
   "unknown". The Makefile keeps it in build/version.txt and gives it to base/version.c
   alone (-DBOGDA_VERSION), so a new commit recompiles one file. */
#include <petscsys.h>

/* The version text, e.g. "f49b1a8" or "v1.2-3-gf49b1a8-dirty". Not collective. */
const char *version_string(void);

/* One line naming the version of Bogda and of the libraries it runs on ("f49b1a8 (PETSc 3.18.5,
   NetCDF 4.9.0, Open MPI v4.1.4)"), for logs and -version. Not collective. */
const char *version_line(void);

/* Write the global attribute bogda_version = version_string() into the NetCDF file nc (in define
   mode) named path, for every file the programs write. Not collective (collective on the file's
   communicator for a file opened in parallel, like every NetCDF define-mode call). */
PetscErrorCode version_nc_attribute(int nc, const char *path);
