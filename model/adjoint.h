#pragma once
/* Backward (adjoint) runs, issue 15 items 2 and 3: the exact transpose of the tagged model, run
   backward in time from receptor functionals, gives every tag's contribution to each functional
   at once (emission tags, the initial state and the inflow by side), the same numbers the forward
   tags give, and by control unit, sector and species whatever the tags resolve; a nested child's
   inflow is handed to a backward run of its parent. The &adjoint group lists the functionals: a
   receptor of the domain file or a point (87.62E43.83N, base/lonlat.h), a species or 'pm25', and a
   window of hours since the run's start; J is the window's mean of the receptor-weighted surface
   concentration (ug m-3), as the receptor series averages it (the values at the end of every
   step), or for a point of the surface concentration in the cell holding it, as the history
   output averages it. adjoint.c explains the schedule, its memory and its cost. */
#include <petscsys.h>
#include "base/param.h"

typedef struct Run Run; /* model/run_impl.h */
typedef struct Adjoint Adjoint;

/* The &adjoint namelist group (for the registry's list of groups). */
extern const ParamGroup adjoint_group;

/* Read &adjoint and check its functionals against the run's domain and species; *adj is NULL
   when adjoint_enabled is false (then every other call here is a no-op). Call once the run's
   processes, domain, emissions and receptors are set up. Collective. */
PetscErrorCode adjoint_create(Run *r, Adjoint **adj);

/* Keep what the backward sweep needs of the step about to be taken (the bulk at its start and
   the processes' step counts). Call before every step of the forward run. Not collective. */
PetscErrorCode adjoint_record(Adjoint *adj, const Run *r);

/* Add the step just taken to the functionals' forward values J. Not collective. */
PetscErrorCode adjoint_accumulate(Adjoint *adj, const Run *r);

/* After the forward run: the backward sweep over every step, then the contributions by tag
   (written to <run_name>_adjoint_contributions.csv in run_output_dir when the run has tags),
   by source (<run_name>_adjoint_sources.csv, model/adjoint_sources.h), both summarised in the
   log, the footprints (<run_name>_adjoint_footprints.nc, model/output/footprint.h) and, in a
   nested child, the sensitivities to the parent's records (<run_name>_adjoint_handoff.nc,
   model/adjoint_handoff.h). Uses the state's vectors as scratch: the forward outputs must be
   complete. Writes <run_name>_adjoint_checkpoint.bin every run_checkpoint_hours of the sweep;
   asked to stop (model/stop.h), writes it and returns with *stopped the cause (else STOP_NONE)
   and no outputs; a run started with run_restart resumes the sweep from it. Collective. */
PetscErrorCode adjoint_run(Adjoint *adj, Run *r, int *stopped);

/* Free everything; no-op on NULL. Collective. */
PetscErrorCode adjoint_destroy(Adjoint **adj);
