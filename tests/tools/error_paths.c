/* The error paths of base/error.c through base/program.c's start and end, for
   tests/regression/help.sh: the program raises the error the options ask for and ends as every
   Bogda program does.

     error_paths -kind user|internal [-rank R] [-differ]
       -kind user      a user error (PETSC_ERR_USER): one line, exit status 1
       -kind internal  an internal error (PETSC_ERR_PLIB): PETSc's traceback, then one line,
                       exit status 2
       -rank R         only rank R raises it; the others wait in a collective call for it, as
                       they would for a rank that failed (default: every rank)
       -differ         the message names the rank that raised it

   Without -kind it raises nothing and prints an empty TAP plan (make check runs every program of
   tests/tools/). */
#include <stdio.h>
#include <string.h>
#include "base/program.h"

static PetscErrorCode raise(void)
{
  char kind[16] = "";
  PetscInt only = -1;
  PetscBool differ = PETSC_FALSE;
  PetscMPIInt rank;
  double x = 1, sum;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-kind", kind, sizeof(kind), NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-rank", &only, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-differ", &differ, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!kind[0]) {
    printf("1..0 # no -kind: nothing raised\n");
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (only < 0 || rank == only) {
    char who[32] = "";
    if (differ) PetscCall(PetscSNPrintf(who, sizeof(who), " of rank %d", (int)rank));
    PetscCheck(strcmp(kind, "user"), PETSC_COMM_SELF, PETSC_ERR_USER, "error_paths: a user error%s",
               who);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "error_paths: an internal error%s", who);
  }
  /* The other ranks wait here for the one that failed, and would wait for ever. */
  PetscCallMPI(MPI_Allreduce(&x, &sum, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const Program prog = {.name = "error_paths",
                        .purpose = "raise the error the options ask for",
                        .usage = "Usage: error_paths -kind user|internal [-rank R] [-differ]\n"};
  PetscBool done;

  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : raise());
}
