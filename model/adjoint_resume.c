/* Restarting a backward run in the middle of its sweep (see adjoint_resume.h). */
#include "model/adjoint_resume.h"
#include "model/adjoint_impl.h"
#include <stdio.h>
#include <string.h>
#include <petsctime.h>
#include "model/adjoint_checkpoint.h"
#include "model/run.h"
#include "model/stop.h"

PetscErrorCode adjoint_resume_finish(const Adjoint *A, const Run *r)
{
  PetscMPIInt rank;
  PetscBool exists;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  if (rank == 0) {
    PetscCall(PetscTestFile(A->checkpoint, 'r', &exists));
    PetscCheck(!exists || remove(A->checkpoint) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
               "cannot remove the backward run's checkpoint %s", A->checkpoint);
  }
  PetscCallMPI(MPI_Barrier(r->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What a checkpoint of the sweep and this run must agree on, in key[]; returns their number. */
static PetscInt backward_keys(const Adjoint *A, const Run *r, AdjointCheckpointKey *key)
{
  PetscInt n = 0;
  key[n++] =
      (AdjointCheckpointKey){"the number of steps (run_hours / run_dt)", (PetscReal)A->nstep};
  key[n++] = (AdjointCheckpointKey){"run_dt", r->p.dt};
  key[n++] = (AdjointCheckpointKey){"the start time (run_start)", r->t_start};
  key[n++] = (AdjointCheckpointKey){"the number of functionals", (PetscReal)A->nf};
  key[n++] = (AdjointCheckpointKey){"the number of species", (PetscReal)r->nspec};
  key[n++] = (AdjointCheckpointKey){"the number of tags", (PetscReal)r->tags->ntag};
  key[n++] = (AdjointCheckpointKey){"the number of processes (run_processes)", (PetscReal)r->nslot};
  return n;
}

/* This rank's arrays of the backward state in arr[*n]: lam is lambda's local array, J where the
   forward J is (A->J when writing, a scratch array when reading). */
static PetscErrorCode backward_arrays(const Adjoint *A, const Run *r, PetscReal *lam, PetscReal *J,
                                      AdjointCheckpointArray *arr, PetscInt *n)
{
  PetscInt nl, ns = r->nspec, nf = A->nf, nt = r->tags->ntag;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(A->ast->tag, &nl));
  *n = 0;
  arr[(*n)++] = (AdjointCheckpointArray){"lambda", lam, nl};
  arr[(*n)++] = (AdjointCheckpointArray){"footprints", A->foot, A->len * nf};
  arr[(*n)++] = (AdjointCheckpointArray){"sens_area", A->sens_area, A->nsens_area};
  arr[(*n)++] = (AdjointCheckpointArray){"sens_point", A->sens_point, A->nsens_point};
  arr[(*n)++] =
      (AdjointCheckpointArray){"sens_top", A->sens_top, patch_size2(&A->ast->patch) * ns * nf};
  arr[(*n)++] = (AdjointCheckpointArray){"parts", A->part, PART_N * nf * nt + 1};
  arr[(*n)++] = (AdjointCheckpointArray){"initial", A->initial, nf * ns};
  arr[(*n)++] = (AdjointCheckpointArray){"inflow", A->inflow, nf * SIDE_N * ns};
  arr[(*n)++] = (AdjointCheckpointArray){"top", A->top, nf * ns};
  arr[(*n)++] = (AdjointCheckpointArray){"J", J, nf};
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define BACKWARD_ARRAYS 10
#define BACKWARD_KEYS 7

/* Write the sweep's checkpoint: lambda at the start of step n and everything summed so far. */
static PetscErrorCode checkpoint_backward(Adjoint *A, const Run *r, PetscInt64 n)
{
  AdjointCheckpointKey key[BACKWARD_KEYS];
  AdjointCheckpointArray arr[BACKWARD_ARRAYS];
  PetscInt nkey = backward_keys(A, r, key), narr;
  PetscReal *lam;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(A->ast->tag, &lam));
  PetscCall(backward_arrays(A, r, lam, A->J, arr, &narr));
  PetscCall(adjoint_checkpoint_write(r->comm, A->checkpoint, n, nkey, key, narr, arr));
  PetscCall(VecRestoreArray(A->ast->tag, &lam));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Read the sweep's state from A->resume, before the forward run (a bad file is refused at once):
   lambda at the start of step A->from and the sums so far; the forward J it was written after
   goes to A->J_ck, for adjoint_resume_check. */
static PetscErrorCode resume_backward(Adjoint *A, const Run *r)
{
  AdjointCheckpointKey key[BACKWARD_KEYS];
  AdjointCheckpointArray arr[BACKWARD_ARRAYS];
  PetscInt nkey = backward_keys(A, r, key), narr;
  PetscReal *lam;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(A->nf, &A->J_ck));
  PetscCall(VecGetArray(A->ast->tag, &lam));
  PetscCall(backward_arrays(A, r, lam, A->J_ck, arr, &narr));
  PetscCall(adjoint_checkpoint_read(r->comm, A->resume, nkey, key, narr, arr, &A->from));
  PetscCall(VecRestoreArray(A->ast->tag, &lam));
  PetscCheck(A->from > 0 && A->from < A->nstep, r->comm, PETSC_ERR_FILE_UNEXPECTED,
             "backward-run checkpoint %s is at step %" PetscInt64_FMT " of %" PetscInt64_FMT
             ": it is damaged",
             A->resume, A->from, A->nstep);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_resume_check(const Adjoint *A, const Run *r)
{
  PetscInt bad = 0, all;

  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < A->nf; n++)
    if (A->J_ck[n] != A->J[n]) bad = 1;
  PetscCallMPI(MPI_Allreduce(&bad, &all, 1, MPIU_INT, MPI_MAX, r->comm));
  PetscCheck(!all, r->comm, PETSC_ERR_FILE_UNEXPECTED,
             "backward-run checkpoint %s was written after another forward run (its J differ from "
             "this run's): it is not this run's",
             A->resume);
  PetscCall(PetscPrintf(r->comm, "adjoint: the sweep resumes from %s at step %" PetscInt64_FMT "\n",
                        A->resume, A->from));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A hand-off run neither checkpoints nor stops in its sweep: it cannot resume (its records are
   written as the sweep goes). */
PetscErrorCode adjoint_resume_after_step(Adjoint *A, const Run *r, PetscInt64 n, PetscInt64 swept,
                                         PetscLogDouble t0, int *why)
{
  PetscBool wall_over = PETSC_FALSE;

  PetscFunctionBeginUser;
  *why = STOP_NONE;
  if (n == 0 || A->hin || A->hout) PetscFunctionReturn(PETSC_SUCCESS);
  if (r->p.wall_hours > 0) { /* as the forward loop: stop if the next step would end past it */
    PetscLogDouble now;
    PetscCall(PetscTime(&now));
    wall_over =
        now - r->wall_invoke + (now - t0) / (PetscLogDouble)swept > 3600.0 * r->p.wall_hours;
  }
  PetscCall(stop_asked(r->comm, wall_over, why));
  if (A->p->stop_steps && swept == A->p->stop_steps) *why = STOP_STEPS;
  if (*why || (r->steps_per_checkpoint && n % r->steps_per_checkpoint == 0))
    PetscCall(checkpoint_backward(A, r, n));
  if (*why) {
    char cause[64];
    stop_cause(*why, r->p.wall_hours, cause, sizeof(cause));
    PetscCall(PetscPrintf(r->comm,
                          "stopped by %s in the backward sweep at step %" PetscInt64_FMT
                          " (%" PetscInt64_FMT " of %" PetscInt64_FMT
                          " steps swept back): checkpoint %s; resume with -run_restart latest "
                          "(exit status %d)\n",
                          cause, n, A->nstep - n, A->nstep, A->checkpoint, RUN_EXIT_RESUME));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_resume_setup(Adjoint *A, const Run *r)
{
  PetscBool exists = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(A->checkpoint, sizeof(A->checkpoint), "%s/%s_adjoint_checkpoint.bin",
                          r->p.output_dir, r->p.name));
  A->from = A->nstep;
  if (!r->p.restart[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(!A->hin && !A->hout, r->comm, PETSC_ERR_SUP,
             "run_restart with adjoint_enabled: a backward run that hands off to its parent or "
             "takes a child's hand-off (adjoint_handoff_file) cannot resume yet; run it whole");
  if (strcmp(r->p.restart, "latest"))
    PetscCall(PetscStrncpy(A->resume, r->p.restart, sizeof(A->resume)));
  else {
    PetscCall(PetscTestFile(A->checkpoint, 'r', &exists));
    if (exists) PetscCall(PetscStrncpy(A->resume, A->checkpoint, sizeof(A->resume)));
  }
  PetscCall(PetscPrintf(r->comm,
                        "adjoint: run_restart = '%s': the forward run starts again from run_start "
                        "(the backward sweep needs its bulk), then the sweep %s%s\n",
                        r->p.restart,
                        A->resume[0] ? "resumes from "
                                     : "starts from the end (no backward-run checkpoint)",
                        A->resume));
  if (A->resume[0]) PetscCall(resume_backward(A, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}
