/* bogda: the model's command line.
     bogda -namelist case.nml [-namelist scenario.nml] [-group_key value ...]
   Namelists are loaded in order (a later one overrides an earlier one); options on the command
   line override both. -help lists every namelist key with its default, range and units, and
   -namelist_reference prints the reference of every group in Markdown (docs/namelist.md), both
   without reading a file. */
#include <ctype.h>
#include <string.h>
#include <petscsys.h>
#include "base/namelist.h"
#include "base/program.h"
#include "model/run.h"
#include "model/registry.h"

static const char usage[] =
    "Usage: bogda -namelist FILE.nml[,MORE.nml] [-namelist MORE.nml] [-group_key value ...]\n"
    "  -namelist FILES      the case's namelists, loaded in order (a later one overrides an\n"
    "                       earlier one); the ready cases are in namelists/\n"
    "  -namelist_reference  print the reference of every group in Markdown (docs/namelist.md)\n";

/* OpenBLAS, if it is the BLAS linked, would split dot products over threads when a rank is not
   bound to one core (as under oversubscription), which changes the rounding of the wind
   adjustment's CG and the bits of the results with the rank count. One thread per rank. */
extern void openblas_set_num_threads(int) __attribute__((weak));

/* Refuse a command line that would start a run nobody asked for: a word that is neither an
   option nor an option's value (bogda case.nml), or no -namelist at all (the built-in defaults are
   not a case). -namelist_reference needs no namelist; -namelist may be repeated (files
   load in order). An option given twice is a warning: scripts override their defaults that way, and
   the last value counts (PETSc's rule), but a user should see it. */
static PetscErrorCode check_arguments(int argc, char **argv)
{
  PetscBool namelist = PETSC_FALSE, info = PETSC_FALSE;

  PetscFunctionBeginUser;
  for (int a = 1; a < argc; a++) {
    PetscBool option =
        argv[a][0] == '-' && argv[a][1] && !isdigit((unsigned char)argv[a][1]) && argv[a][1] != '.';
    PetscBool value = a > 1 && argv[a - 1][0] == '-' && !isdigit((unsigned char)argv[a - 1][1]);
    PetscCheck(option || value, PETSC_COMM_WORLD, PETSC_ERR_USER,
               "command line: '%s' is not an option (did you mean -namelist %s?)", argv[a],
               argv[a]);
    for (int b = 1; option && b < a; b++)
      if (!strcmp(argv[a], argv[b]) && strcmp(argv[a], "-namelist"))
        PetscCall(PetscPrintf(PETSC_COMM_WORLD,
                              "WARNING: command line: option %s is given more than once; the "
                              "last one (%s) counts\n",
                              argv[a], a + 1 < argc ? argv[a + 1] : ""));
    if (!strcmp(argv[a], "-namelist")) {
      PetscCheck(a + 1 < argc && argv[a + 1][0] && argv[a + 1][0] != '-', PETSC_COMM_WORLD,
                 PETSC_ERR_USER, "command line: -namelist needs a file (-namelist case.nml)");
      namelist = PETSC_TRUE;
    }
    if (!strcmp(argv[a], "-namelist_reference")) info = PETSC_TRUE;
  }
  PetscCheck(namelist || info, PETSC_COMM_WORLD, PETSC_ERR_USER,
             "command line: no -namelist given; a run needs one (bogda -namelist case.nml; the "
             "ready cases are in namelists/), and bogda -help lists every key");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether the command line asks for the reference (a document on standard output, no log). */
static PetscBool wants_reference(int argc, char **argv)
{
  for (int a = 1; a < argc; a++)
    if (!strcmp(argv[a], "-namelist_reference")) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscErrorCode run(int argc, char **argv)
{
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(check_arguments(argc, argv));
  /* Every -namelist, in order (PETSc keeps only the last value of a repeated option); each may
     also be a comma-separated list. */
  for (int a = 1; a + 1 < argc; a++) {
    char *list, *file, *save = NULL;
    if (strcmp(argv[a], "-namelist")) continue;
    PetscCall(PetscStrallocpy(argv[a + 1], &list));
    for (file = strtok_r(list, ",", &save); file; file = strtok_r(NULL, ",", &save))
      PetscCall(namelist_load(PETSC_COMM_WORLD, file));
    PetscCall(PetscFree(list));
  }
  PetscCall(PetscOptionsHasName(NULL, NULL, "-namelist", &set)); /* counts the option as used */
  PetscCall(PetscOptionsHasName(NULL, NULL, "-namelist_reference", &set));
  if (set) {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
    if (rank == 0) PetscCall(registry_reference(stdout));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(run_case(PETSC_COMM_WORLD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Program prog = {.name = "bogda",
                  .purpose = "an MPI-parallel Eulerian air-quality model for Xinjiang",
                  .usage = usage,
                  .groups_note = "(the met sources' groups are all listed; &met source chooses "
                                 "the one a run reads)\n",
                  .quiet = wants_reference(argc, argv)};
  PetscBool done;

  prog.groups = registry_groups(&prog.ngroups);
  PetscCall(program_start(&argc, &argv, &prog, &done));
  if (openblas_set_num_threads) openblas_set_num_threads(1);
  return program_end(done ? PETSC_SUCCESS : run(argc, argv));
}
