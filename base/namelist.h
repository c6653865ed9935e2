#pragma once
/* Configuration: Fortran namelist files loaded into the PETSc options database, and parameter
   tables (base/param.h ParamSpec) read from it. A key k of group g is the option -g_k, so
   every key can be overridden on the command line, and `bogda -help` lists every table.
   Bad input stops the run before the time loop with file:line, key, value and what was
   expected. */
#include <petscsys.h>
#include <petscviewer.h>
#include "base/param.h"

/* The longest value one key may have: an array's elements with their separators, including the
   terminating NUL (a program that writes a namelist checks against it). 32 KiB: the &scenario of
   a least-cost plan (bogda-strategy) lists each unit it cuts in its select rules, about 10
   characters a unit and sector; 8 KiB held about 800 of the default case's 6,400 (unit, sector,
   precursor) cuts, 32 KiB holds about 3,000. */
#define NAMELIST_VALUE_LEN 32768

/* Parse the namelist file at path and insert every key as -group_key into the options
   database, unless the command line set that option already. Remembers the file and line of
   each key for later messages. Collective on comm: rank 0 reads and broadcasts. Errors: missing
   file, syntax errors, repeated group or key (file:line and what was expected). */
PetscErrorCode namelist_load(MPI_Comm comm, const char *path);

/* Read the parameters of group from the options database into params (the struct its table's
   offsets point into), inside one PetscOptionsBegin block with prefix "<name>_" so -help lists
   them. Fills defaults, checks types and ranges. Records the group as read, and its effective
   values for namelist_view. Collective on comm. */
PetscErrorCode namelist_read(MPI_Comm comm, const ParamGroup *group, void *params);

/* Before anything is read: fail if a namelist file or the command line sets a group or a key that
   is not in groups[0..count) (every group the program knows), naming the file and line or the
   option and the nearest known name; options of no known group are left alone (PETSc's own).
   Records the groups as known; reads nothing. Collective on comm. */
PetscErrorCode namelist_check_known(MPI_Comm comm, const ParamGroup *const *groups, PetscInt count);

/* After every group the run uses has been read: fail if the namelist or the command line set an
   option of a group that is neither read nor in groups[0..count) (the list of every group the
   program knows; NULL, 0 for none), or a key that is not in its group's table (the nearest known
   group or key is suggested). A known group that was not read (a met source the run does not
   use) is accepted with a one-line note; its keys are checked but not applied. Collective on
   comm. */
PetscErrorCode namelist_check_unused(MPI_Comm comm, const ParamGroup *const *groups,
                                     PetscInt count);

/* For -help: print group to fp, one line per key: the option, the type, the default, the meaning,
   the units and the range. Reads and records nothing. Not collective. */
PetscErrorCode namelist_help(FILE *fp, const ParamGroup *group);

/* Print the effective configuration, one "group_key = value" line per key in the order read,
   with defaults marked "(default)". Collective on comm. */
PetscErrorCode namelist_view(MPI_Comm comm, PetscViewer viewer);

/* Write the effective configuration as a Fortran namelist file (groups in the order read,
   defaults marked by a comment); loading it reproduces the run's configuration. Not collective. */
PetscErrorCode namelist_write(FILE *fp);

/* The shortest decimal text that reads back to exactly v (for tables that must add up). */
void namelist_real_text(double v, char *buf, size_t len);

/* Where the value of name ("group_key") came from, for a program's own messages about a value it
   checks itself: "file:line", "command line" or "default", in buf[len]. Not collective. */
void namelist_where(const char *name, char *buf, size_t len);

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
