#pragma once
/* Checkpoints of a backward run (model/adjoint.c): where the sweep is (the step at whose start
   lambda is) and every rank's arrays of the backward state, as raw values in one file written by
   rank 0 to "<path>.tmp" and renamed when complete (base/atomic_file.h). The file is refused on
   read, in one line naming it, when it is not such a checkpoint, is truncated, does not match its
   checksum (base/checksum.h), or was written for another run (keys: the step count, the
   functionals, the number of ranks, ...): the arrays are then left as they were. The arrays are
   per rank (lambda with its ghosts, per-rank partial sums), so a backward run resumes on the
   number of ranks it was written on. */
#include <petscsys.h>

/* A value the checkpoint and the run must agree on, named for the message. */
typedef struct {
  const char *what;
  PetscReal value;
} AdjointCheckpointKey;

/* One array of this rank's backward state: n values at a. */
typedef struct {
  const char *what;
  PetscReal *a;
  PetscInt n;
} AdjointCheckpointArray;

/* Write the checkpoint: position, the keys (the same on every rank) and this rank's arrays.
   Collective. */
PetscErrorCode adjoint_checkpoint_write(MPI_Comm comm, const char *path, PetscInt64 position,
                                        PetscInt nkey, const AdjointCheckpointKey *key,
                                        PetscInt narray, const AdjointCheckpointArray *arr);

/* Read a checkpoint written with the same keys and array sizes into arr, and its position.
   Collective. */
PetscErrorCode adjoint_checkpoint_read(MPI_Comm comm, const char *path, PetscInt nkey,
                                       const AdjointCheckpointKey *key, PetscInt narray,
                                       const AdjointCheckpointArray *arr, PetscInt64 *position);
