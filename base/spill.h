#pragma once
/* A rank's store of n records of len values each (model/adjoint.c's bulk snapshots, the met's
   snapshots a backward run steps back over): the first ones in memory up to a limit in bytes, the
   rest in the rank's file "<dir>/<name>_<rank>.tmp", written and read back as raw bytes (so a
   record read back is the same bits as the one kept), and removed by spill_destroy. */
#include <petscsys.h>

typedef struct Spill Spill;

/* A store of n records of len values, at most memory_bytes of them in memory (0: all on disk);
   the file, if any is needed, is created in dir, named for this rank of comm; what names the
   records in errors ("the backward run's bulk snapshots"). Not collective. */
PetscErrorCode spill_create(MPI_Comm comm, PetscInt len, PetscInt64 n, double memory_bytes,
                            const char *dir, const char *name, const char *what, Spill **out);

/* Keep record i (0 <= i < n) from q[len]. Not collective. */
PetscErrorCode spill_put(Spill *S, PetscInt64 i, const PetscReal *q);

/* Copy record i, as kept, to q[len]. Not collective. */
PetscErrorCode spill_get(Spill *S, PetscInt64 i, PetscReal *q);

/* How many records are in memory and how many on disk. Not collective. */
void spill_counts(const Spill *S, PetscInt64 *in_memory, PetscInt64 *on_disk);

/* Free the memory and remove the file; no-op on NULL. Not collective. */
PetscErrorCode spill_destroy(Spill **S);
