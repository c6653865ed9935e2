#pragma once
/* The run's internals, shared by the time loop (model/run.c) and the backward run
   (model/adjoint.c), which replays the forward steps from the same objects. Not a public API:
   only those two files include it. */
#include <petscsys.h>
#include <petsclog.h>
#include "base/param.h"
#include "grids/grid.h"
#include "physics/process.h"
#include "physics/species.h"
#include "model/state.h"
#include "model/met/met.h"
#include "model/output/met_output.h"
#include "model/tags.h"
#include "model/boundary.h"
#include "model/output/history.h"
#include "model/output/receptor_series.h"
#include "model/output/run_folder.h"
#include "model/emissions/emissions.h"
#include "model/emissions/point_sources.h"
#include "model/emissions/scenario.h"
#include "model/nest.h"
#include "grids/domain.h"

#include "model/adjoint.h"

typedef struct {
  char name[PARAM_STRING_LEN], start[PARAM_STRING_LEN], output_dir[PARAM_STRING_LEN];
  char restart[PARAM_STRING_LEN], domain_file[PARAM_STRING_LEN];
  char processes[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt nprocesses, px, py, checkpoint_keep, max_substeps;
  PetscReal hours, dt, output_hours, checkpoint_hours, closure_tolerance, closure_floor;
  PetscReal wall_hours;
  PetscBool closure_check, closure_every_process;
} RunParams;

typedef struct {
  const ProcessOps *ops; /* borrowed: static table */
  void *params;          /* owned */
  void *ctx;             /* owned by the process */
  PetscLogStage stage;
  PetscInt64 count; /* steps taken, sub-steps included */
  /* With ops->layer_max_dt (sub-stepping by layer): each layer's sub-steps in the current (or
     last) step and the reduced dt they come from, patch.mz of each; owned. NULL otherwise. */
  PetscInt *layer_substeps;
  PetscReal *layer_dt;
  PetscInt64 layer_steps, layer_calls, layer_moves; /* in this invocation: steps, calls and the
                                                       calls' moving layers summed */
  PetscInt layer_calls_max;                         /* most calls in one step */
} ProcessSlot;

struct Run {
  RunParams p;
  MPI_Comm comm;
  Grid *grid;
  State *st;
  Met *met;
  MetOutput *met_out; /* the met snapshots written to &met output, or NULL */
  Tags *tags;
  Boundary *bnd;
  History *hist;
  Domain *dom;
  Scenario *scen;
  EmissionSet *emis;
  Receptors *rec;
  Nest *nest;
  PointSources *points;
  PetscInt nslot;
  ProcessSlot *slot; /* the active processes, in order; owned */
  const SpeciesInfo *species;
  PetscInt nspec;
  PetscReal *vdep, *q_top, *tag_top;     /* work arrays; owned */
  PetscReal *budget;                     /* local budget, [term*nspec + s], kg; owned */
  PetscReal mass_first[PARAM_ARRAY_MAX]; /* domain mass when this invocation began, kg */
  PetscReal budget_first[BUDGET_NTERMS * PARAM_ARRAY_MAX]; /* global budget then, kg */
  PetscReal t_start;                                       /* run_start, s since the epoch */
  PetscInt64 nstep, nstep_end, steps_per_output, steps_per_checkpoint;
  PetscReal closure_max;      /* largest closure deviation since the last progress line */
  PetscLogDouble wall_start;  /* when the time loop began */
  PetscLogDouble wall_invoke; /* when run_case began (run_wall_hours counts from it) */
  PetscInt64 nstep_first;     /* step the run (or restart) began at */
  PetscLogStage stage_met, stage_output;
  RunFolder *folder; /* owned: the lock on run_output_dir for run_name */
  Adjoint *adj;      /* owned: the backward run (&adjoint), NULL when it is off */
};

/* The start of step n, s since the epoch. */
static inline PetscReal run_step_time(const Run *r, PetscInt64 n)
{
  return r->t_start + (PetscReal)n * r->p.dt;
}

/* Prepare step n for its processes: the met of [t_n, t_n + run_dt] (its snapshots written to
   the met output when write_met), the values above the top (r->q_top, r->tag_top), r->vdep
   zeroed, and f's met, top, vdep, budget, max_substeps and emission members (the profiles at the
   step's middle). The state's air mass is not touched. Collective. */
PetscErrorCode run_step_prepare(Run *r, PetscInt64 n, PetscBool write_met, Fields *f);

/* The whole number of run_dt steps in hours, or fail naming key. Collective. */
PetscErrorCode run_steps_in(const Run *r, PetscReal hours, const char *key, PetscInt64 *n);
