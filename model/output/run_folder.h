#pragma once
/* The folder a run writes into (run_output_dir) and the name its files start with (run_name):
   both checked before anything is written, and the pair locked for as long as the run writes,
   so that a second run of the same name in the same folder stops at once instead of mixing its
   files with the first one's. */
#include <petscsys.h>

typedef struct RunFolder RunFolder;

/* The checks of run_folder_lock() without the lock, and without writing anything: for the start
   of the run, before its inputs are read. Collective on comm. */
PetscErrorCode run_folder_check(MPI_Comm comm, const char *dir, const char *name);

/* Check that name is a plain file-name stem (not empty, no '/', not "." or "..", printable) and
   that dir is an existing, writable folder, then take an exclusive lock on
   "<dir>/.<name>.lock" (an advisory flock, released by the system if the run dies, so a killed
   run never blocks its resume). Errors name the key (run_name, run_output_dir), the value and
   what was expected; a held lock says that another run is writing there. Collective on comm:
   rank 0 checks and locks, every rank gets the answer. */
PetscErrorCode run_folder_lock(MPI_Comm comm, const char *dir, const char *name, RunFolder **f);

/* Release the lock and free f; no-op on NULL. Not collective. */
PetscErrorCode run_folder_unlock(RunFolder **f);
