/* bogda: the model's command line.
     bogda -namelist case.nml [-namelist scenario.nml] [-group_key value ...]
   Namelists are loaded in order (a later one overrides an earlier one); options on the command
   line override both. -help lists every namelist key with its default, range and units;
   -namelist_reference prints the reference of every group in Markdown (docs/namelist.md). */
#include <string.h>
#include <petscsys.h>
#include "base/namelist.h"
#include "model/run.h"
#include "model/registry.h"

static const char help[] =
    "Bogda: an MPI-parallel Eulerian air-quality model for Xinjiang.\n"
    "Usage: bogda -namelist FILE.nml [-namelist MORE.nml] [-group_key value ...]\n"
    "Every namelist key k of group g is also the option -g_k.\n\n";

/* OpenBLAS, if it is the BLAS linked, would split dot products over threads when a rank is not
   bound to one core (as under oversubscription), which changes the rounding of the wind
   adjustment's CG and the bits of the results with the rank count. One thread per rank. */
extern void openblas_set_num_threads(int) __attribute__((weak));

int main(int argc, char **argv)
{
  PetscBool help_asked, set;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  if (openblas_set_num_threads) openblas_set_num_threads(1);
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
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &help_asked));
  PetscCall(run_case(PETSC_COMM_WORLD, help_asked));
  PetscCall(PetscFinalize());
  return 0;
}
