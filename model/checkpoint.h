#pragma once
/* Checkpoints: everything a run needs to continue bit for bit (mixing ratios, tags, accumulated
   deposition, the step and per-process sub-step counters, the budget totals), in PETSc binary
   format in the natural (decomposition-independent) ordering, so a run may restart on another
   number of ranks. Written to "<path>.tmp" and renamed when complete. Each record carries a
   64-bit checksum that does not depend on the number of ranks that wrote or read it, and a
   file whose content does not match its checksums is refused. */
#include "model/state.h"

/* Write a checkpoint at time t after nstep steps. budget holds this rank's local budget
   (BUDGET_NTERMS * nspec); the file keeps the global sum. Collective. */
PetscErrorCode checkpoint_write(MPI_Comm comm, const State *st, const char *path, PetscReal t,
                                PetscInt64 nstep, PetscInt nprocess, const PetscInt64 *counts,
                                const PetscReal *budget);

/* Read a checkpoint into st (which must match its species, tags and grid), with the step,
   the per-process counters (nprocess must match) and the budget (rank 0 gets the totals,
   the others zero). A file that is truncated, of another format version, or whose header or
   any vector does not match its checksum is an error on every rank, naming the file and the
   record; t, nstep, counts and budget are then left as they were. Collective. */
PetscErrorCode checkpoint_read(MPI_Comm comm, State *st, const char *path, PetscReal *t,
                               PetscInt64 *nstep, PetscInt nprocess, PetscInt64 *counts,
                               PetscReal *budget);

/* The newest complete checkpoint "<dir>/<name>_checkpoint_<time>.bin". Collective. */
PetscErrorCode checkpoint_latest(MPI_Comm comm, const char *dir, const char *name, char *path,
                                 size_t len, PetscBool *found);

/* Remove all but the newest keep complete checkpoints of case name in dir (keep = 0: remove
   none). Collective. */
PetscErrorCode checkpoint_prune(MPI_Comm comm, const char *dir, const char *name, PetscInt keep);
