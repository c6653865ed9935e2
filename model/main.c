/* bogda: the model's command line.
     bogda -namelist case.nml [-namelist scenario.nml] [-group_key value ...]
   Namelists are loaded in order (a later one overrides an earlier one); options on the command
   line override both. -help lists every namelist key with its default, range and units. */
#include <petscsys.h>
#include "namelist.h"
#include "run.h"

static const char help[] =
  "Bogda: an MPI-parallel Eulerian air-quality model for Xinjiang.\n"
  "Usage: bogda -namelist FILE.nml [-namelist MORE.nml] [-group_key value ...]\n"
  "Every namelist key k of group g is also the option -g_k.\n\n";

int main(int argc, char **argv)
{
  char files[16][PETSC_MAX_PATH_LEN], *names[16];
  PetscInt nfiles = 16;
  PetscBool set, help_asked;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  for (PetscInt i = 0; i < 16; i++) names[i] = files[i];
  PetscCall(PetscOptionsGetStringArray(NULL, NULL, "-namelist", names, &nfiles, &set));
  for (PetscInt i = 0; set && i < nfiles; i++) {
    PetscCall(namelist_load(PETSC_COMM_WORLD, names[i]));
    PetscCall(PetscFree(names[i]));
  }
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &help_asked));
  PetscCall(run_case(PETSC_COMM_WORLD, help_asked));
  PetscCall(PetscFinalize());
  return 0;
}
