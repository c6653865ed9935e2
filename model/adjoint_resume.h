#pragma once
/* Restarting a backward run in the middle of its sweep: its checkpoint written as it goes and read
   back by a run started with run_restart (model/adjoint.c explains the schedule; the file's
   layout is model/adjoint_checkpoint.h's). For model/adjoint.c only. */
#include "model/adjoint.h"

/* Name the sweep's checkpoint, <run_name>_adjoint_checkpoint.bin in run_output_dir, and with
   run_restart read the one to resume from ('latest': that file if there is one, else the sweep
   starts from the end; or a path): lambda and the sums so far into A, A->from, the forward J it
   was written after. A bad file is refused here, before the forward run. Collective. */
PetscErrorCode adjoint_resume_setup(Adjoint *A, const Run *r);

/* Before a resumed sweep: the forward J of this run must be the checkpoint's, bit for bit.
   Collective. */
PetscErrorCode adjoint_resume_check(const Adjoint *A, const Run *r);

/* After step n is swept back (swept steps in this invocation, since t0): write the checkpoint
   every run_checkpoint_hours and when the run is asked to stop (*why the cause, model/stop.h;
   else STOP_NONE). Collective. */
PetscErrorCode adjoint_resume_after_step(Adjoint *A, const Run *r, PetscInt64 n, PetscInt64 swept,
                                         PetscLogDouble t0, int *why);

/* The sweep is complete: remove its checkpoint, if one was written. Collective. */
PetscErrorCode adjoint_resume_finish(const Adjoint *A, const Run *r);
