#pragma once
/* For tests that provoke errors: an error handler that prints nothing and keeps the message of
   the first (initial) error in tests_last_error, so the test can check what it says. Push it with
   PetscPushErrorHandler(tests_record_error, NULL); clear tests_last_error before each attempt. */
#include <stdio.h>
#include <petscsys.h>

static char tests_last_error[4096];

static inline PetscErrorCode tests_record_error(MPI_Comm comm, int line, const char *fun,
                                                const char *file, PetscErrorCode n,
                                                PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm;
  (void)line;
  (void)fun;
  (void)file;
  (void)ctx;
  if (p == PETSC_ERROR_INITIAL && mess)
    snprintf(tests_last_error, sizeof(tests_last_error), "%s", mess);
  return n;
}
