#pragma once
/* What every Bogda program does the same way around its own work: -help and -version, answered
   before PETSc starts and before any file is read; PETSc's initialisation with the error handler
   of base/error.h; the first line of its log, naming the version; and its end, with the exit
   status of an error. A program's main() is

     int main(int argc, char **argv)
     {
       PetscBool done;
       PetscCall(program_start(&argc, &argv, &info, &done));
       return program_end(done ? PETSC_SUCCESS : work(argc, argv));
     }

   and work() prints the program's completion line ("bogda: run NAME completed: ..."), so that a
   log that does not end in it, or in one "NAME: error: ..." line, was cut short. */
#include <stdio.h>
#include <petscsys.h>
#include "base/param.h"

typedef struct {
  const char *name;    /* as it is called, and the prefix of its messages: "bogda-grid" */
  const char *purpose; /* one line: what it does */
  const char *usage;   /* the synopsis and the program's own options, lines ending in "\n" */
  const ParamGroup *const *groups; /* every namelist group it reads, for -help */
  PetscInt ngroups;
  const char *groups_note; /* printed before the groups (may be NULL) */
  PetscBool log_stderr;    /* its log lines go to standard error (its output to standard output) */
  PetscBool quiet;         /* no first log line: the program prints a document this time */
  /* With a reference_title, -namelist_reference prints the Markdown reference of the program's
     keys (docs/<program>.md): the title, reference_intro, then each group of reference_groups
     (NULL: every group of groups). Without, the program handles -namelist_reference itself. */
  const char *reference_title, *reference_intro;
  const ParamGroup *const *reference_groups;
  PetscInt nreference_groups;
} Program;

/* Start the program. If the command line asks for -help (also --help, -h), -version (also
   --version) or, for a program with a reference_title, -namelist_reference, print it on rank 0
   and set *done: main() then only calls program_end(). Otherwise
   print the log's first line ("NAME VERSION (PETSc ..., NetCDF ..., MPI) on N rank(s), started
   TIME") and leave *done false. Removes -help and -version from *argc, *argv (PETSc would print
   its own options). Reads the option -bogda_trace. Collective on MPI_COMM_WORLD. */
PetscErrorCode program_start(int *argc, char ***argv, const Program *prog, PetscBool *done);

/* End the program after its work returned ierr: finalise PETSc and return 0 (for main() to
   return), or report the error and exit with its status (error_finish() of base/error.h). */
int program_end(PetscErrorCode ierr);

/* For a program that works on one process (each rank would write the same table): fail with one
   line, first thing in its work, when it was started on more. Collective on PETSC_COMM_WORLD. */
PetscErrorCode program_serial(const char *name);

/* Print the program's help (the synopsis, the common options and every group's keys) to fp.
   Not collective. */
PetscErrorCode program_help(FILE *fp, const Program *prog);

/* Print the program's Markdown namelist reference (see reference_title) to fp. Not collective. */
PetscErrorCode program_reference(FILE *fp, const Program *prog);
