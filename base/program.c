/* The start and the end of every program (see program.h). */
#include "base/program.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/error.h"
#include "base/namelist.h"
#include "base/version.h"
#include "base/provenance.h"

/* The options every program reads, after its own in -help. */
static const char common_usage[] =
    "  -help                this list (also --help, -h); nothing is read or written\n"
    "  -version             the version of Bogda and of its libraries\n"
    "  -bogda_trace         on an error, PETSc's full traceback instead of the one-line message\n"
    "PETSc's own options (for example -log_view) apply as well. Every key k of a namelist\n"
    "group &g is also the command-line option -g_k, which overrides the namelists.\n";

PetscErrorCode program_help(FILE *fp, const Program *prog)
{
  PetscFunctionBeginUser;
  fprintf(fp, "%s: %s (Bogda %s)\n\n%s%s", prog->name, prog->purpose, version_string(), prog->usage,
          common_usage);
  if (prog->ngroups) {
    fprintf(fp, "\nNamelist groups and keys: option, type, default, meaning [units; range].\n");
    if (prog->groups_note) fprintf(fp, "%s", prog->groups_note);
  }
  for (PetscInt g = 0; g < prog->ngroups; g++) PetscCall(namelist_help(fp, prog->groups[g]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether arg asks for -help or -version; which in *help. */
static PetscBool info_arg(const char *arg, PetscBool *help)
{
  *help = !strcmp(arg, "-help") || !strcmp(arg, "--help") || !strcmp(arg, "-h");
  return *help || !strcmp(arg, "-version") || !strcmp(arg, "--version");
}

/* After PetscInitialize: the error handler, then -help, -version or the log's first line. */
static PetscErrorCode announce(const Program *prog, PetscBool help, PetscBool version,
                               PetscBool *done)
{
  PetscBool trace = PETSC_FALSE;
  PetscMPIInt rank, size;
  FILE *log = prog->log_stderr ? stderr : stdout;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-bogda_trace", &trace, NULL));
  PetscCall(error_push_handler(prog->name, trace));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  *done = help || version;
  if (rank != 0) PetscFunctionReturn(PETSC_SUCCESS);
  if (help)
    PetscCall(program_help(stdout, prog));
  else if (version)
    printf("%s %s\n", prog->name, version_line());
  else if (!prog->quiet) {
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(log, "%s %s on %d rank%s, started %s\n", prog->name, version_line(), (int)size,
            size == 1 ? "" : "s", when);
  }
  fflush(*done ? stdout : log);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not PetscFunctionBeginUser: PETSc starts here. */
PetscErrorCode program_start(int *argc, char ***argv, const Program *prog, PetscBool *done)
{
  static char **kept; /* the arguments without -help and -version; PETSc keeps pointers into them */
  PetscBool help = PETSC_FALSE, version = PETSC_FALSE;
  PetscErrorCode ierr;
  int n = 0;

  *done = PETSC_FALSE;
  kept = calloc((size_t)*argc + 1, sizeof(*kept));
  if (!kept) return PETSC_ERR_MEM;
  for (int a = 0; a < *argc; a++) {
    PetscBool h;
    if (a > 0 && info_arg((*argv)[a], &h)) {
      help = help || h;
      version = version || !h;
    } else
      kept[n++] = (*argv)[a];
  }
  *argc = n;
  *argv = kept;
  ierr = PetscInitialize(argc, argv, NULL, NULL);
  if (ierr) return ierr;
  ierr = provenance_record_command(*argc, *argv);
  if (ierr) return ierr;
  return announce(prog, help, version, done);
}

int program_end(PetscErrorCode ierr)
{
  if (ierr) error_finish(ierr);
  return PetscFinalize() ? ERROR_EXIT_INTERNAL : 0;
}
