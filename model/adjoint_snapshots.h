#pragma once
/* The backward run's store of bulk snapshots (model/adjoint.c): n states of len values each, the
   first ones in memory up to a limit in bytes, the rest in the rank's file
   "<dir>/<name>_adjoint_snapshots_<rank>.tmp", written and read back as raw bytes (so a state read
   back is the same bits as the one kept), and removed by adjoint_snapshots_destroy. */
#include <petscsys.h>

typedef struct AdjointSnapshots AdjointSnapshots;

/* A store of n states of len values, at most memory_bytes of them in memory (0: all on disk);
   the file, if any is needed, is created in dir, named for this rank of comm. Not collective. */
PetscErrorCode adjoint_snapshots_create(MPI_Comm comm, PetscInt len, PetscInt64 n,
                                        double memory_bytes, const char *dir, const char *name,
                                        AdjointSnapshots **out);

/* Keep state i (0 <= i < n) from q[len]. Not collective. */
PetscErrorCode adjoint_snapshots_put(AdjointSnapshots *S, PetscInt64 i, const PetscReal *q);

/* Copy state i, as kept, to q[len]. Not collective. */
PetscErrorCode adjoint_snapshots_get(AdjointSnapshots *S, PetscInt64 i, PetscReal *q);

/* How many states are in memory and how many on disk. Not collective. */
void adjoint_snapshots_counts(const AdjointSnapshots *S, PetscInt64 *in_memory,
                              PetscInt64 *on_disk);

/* Free the memory and remove the file; no-op on NULL. Not collective. */
PetscErrorCode adjoint_snapshots_destroy(AdjointSnapshots **S);
