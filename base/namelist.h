#pragma once
/* Configuration: Fortran namelist files loaded into the PETSc options database, and parameter
   tables (base/param.h ParamSpec) read from it. A key k of group g is the option -g_k, so
   every key can be overridden on the command line, and `bogda -help` lists every table.
   Bad input stops the run before the time loop with file:line, key, value and what was
   expected. */
#include <petscsys.h>
#include <petscviewer.h>
#include "base/param.h"

/* Parse the namelist file at path and insert every key as -group_key into the options
   database, unless the command line set that option already. Remembers the file and line of
   each key for later messages. Collective on comm: rank 0 reads and broadcasts. Errors: missing
   file, syntax errors, repeated group or key (file:line and what was expected). */
PetscErrorCode namelist_load(MPI_Comm comm, const char *path);

/* Read the parameters of group from the options database into params (the struct its table's
   offsets point into), inside one PetscOptionsBegin block with prefix "<name>_" so -help lists
   them. Fills defaults, checks types and ranges. Records the group and its keys as known and
   their effective values for namelist_view. Collective on comm. */
PetscErrorCode namelist_read(MPI_Comm comm, const ParamGroup *group, void *params);

/* After every group has been read: fail if the namelist or the command line set any option
   that no table read (an unknown group, or an unknown key with the nearest known key
   suggested). Collective on comm. */
PetscErrorCode namelist_check_unused(MPI_Comm comm);

/* Print the effective configuration, one "group_key = value" line per key in the order read,
   with defaults marked "(default)". Collective on comm. */
PetscErrorCode namelist_view(MPI_Comm comm, PetscViewer viewer);

/* Write the effective configuration as a Fortran namelist file (groups in the order read,
   defaults marked by a comment); loading it reproduces the run's configuration. Not collective. */
PetscErrorCode namelist_write(FILE *fp);

/* The shortest decimal text that reads back to exactly v (for tables that must add up). */
void namelist_real_text(double v, char *buf, size_t len);

/* Number of effective configuration entries, and entry i as key ("group_key") and value text,
   for writing them as NetCDF global attributes. Not collective. */
PetscInt namelist_count(void);
PetscErrorCode namelist_entry(PetscInt i, const char **key, const char **value,
                              PetscBool *is_default);

/* Print a Markdown reference of group (key, type, default, range, units, help) to fp, for the
   generated namelist reference. Not collective. */
PetscErrorCode namelist_reference(FILE *fp, const ParamGroup *group);

/* Forget everything recorded (for tests that load several files). Not collective. */
PetscErrorCode namelist_reset(void);
