/* The time loop. One synchronisation step of length run_dt advances the state through the
   processes in the order run_processes lists them (default: emissions, dry deposition, vertical
   mixing with dry deposition, horizontal advection (x and y, order alternating), vertical
   advection, chemistry, wet deposition). For each process the driver
     - takes the global minimum of its max_dt and sub-steps it that many times, equally;
     - refreshes ghosts and the boundary values before each call of a process that reads
       neighbours (stencil_width > 0);
     - checks afterwards that every tag family still sums to the bulk (closure).
   The number of sub-steps comes from an exact reduction (a minimum), so the run does the same
   arithmetic in every cell whatever the number of ranks. Floating-point sums over ranks (the
   budgets and total masses in the log) are diagnostics only.

   Stopping early: SIGUSR1 or SIGTERM (what batch systems send before the wall-time limit), or
   run_wall_hours running out, stops the run at the end of the current step (of the current output
   interval when the receptor series are hourly means): the ranks agree on it
   at every step boundary (a maximum over ranks), write a checkpoint at that step, close the open
   outputs as partial files (model/output/partial.h) and exit with status RUN_EXIT_RESUME (3).
   The run resumed from that checkpoint (run_restart = 'latest') continues those files and ends
   with the bits of an unbroken run. */
#include "model/run.h"
#include "model/run_impl.h"
#include "model/adjoint.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <petsctime.h>
#include "base/namelist.h"
#include "base/atomic_file.h"
#include "model/registry.h"
#include "model/state.h"
#include "model/met/met.h"
#include "model/tags.h"
#include "model/boundary.h"
#include "base/clock.h"
#include "model/checkpoint.h"
#include "model/output/history.h"
#include "model/emissions/emissions.h"
#include "model/output/receptor_series.h"
#include "model/output/run_folder.h"
#include "model/output/met_output.h"
#include "model/output/run_provenance.h"
#include "model/nest.h"
#include "model/stop.h"
#include "model/emissions/point_sources.h"
#include "model/emissions/scenario.h"
#include "grids/domain.h"
#include "model/emissions/profiles.h"
#include "physics/species.h"

static const ParamSpec run_params[] = {
    {.key = "name",
     .help = "case name, used in output file names",
     .type = PARAM_STRING,
     .offset = offsetof(RunParams, name),
     .sdef = "case"},
    {.key = "start",
     .help = "start of the simulation (UTC), YYYY-MM-DDThh:mm:ssZ",
     .type = PARAM_STRING,
     .offset = offsetof(RunParams, start),
     .sdef = "2024-01-10T00:00:00Z"},
    {.key = "hours",
     .units = "h",
     .help = "simulated time from start",
     .type = PARAM_REAL,
     .def = 24,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(RunParams, hours)},
    /* At least a second: transport sub-steps itself to its Courant limit, so a shorter step
       buys no stability, and 1e-6 s made an hour 3.6e9 steps, a run that never ends. */
    {.key = "dt",
     .units = "s",
     .help = "synchronisation time step",
     .type = PARAM_REAL,
     .def = 600,
     .min = 1,
     .max = 86400,
     .offset = offsetof(RunParams, dt)},
    /* A bound, not a tuning knob: real runs need a few sub-steps (27 km, 900 s and 50 m s-1 of
       jet wind: 2; at 1 km: about 60), and a count past 1000 comes from winds no atmosphere has
       or layers squeezed thin, in a run that would go on for days without a progress line. */
    {.key = "max_substeps",
     .help = "most sub-steps a process may take in one run_dt (advection at its Courant limit); a "
             "run that needs more stops, naming the process",
     .type = PARAM_INT,
     .def = 1000,
     .min = 1,
     .max = 1e6,
     .offset = offsetof(RunParams, max_substeps)},
    {.key = "domain_file",
     .help = "domain file from bogda-grid: control units, receptors, land use (empty: none)",
     .type = PARAM_STRING,
     .offset = offsetof(RunParams, domain_file),
     .sdef = ""},
    {.key = "processes",
     .help = "processes in the order they are applied each step (default: all)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(RunParams, processes),
     .count_offset = offsetof(RunParams, nprocesses)},
    {.key = "px",
     .help = "ranks in x (0: chosen to fit)",
     .type = PARAM_INT,
     .def = 0,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(RunParams, px)},
    {.key = "py",
     .help = "ranks in y (0: chosen to fit)",
     .type = PARAM_INT,
     .def = 0,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(RunParams, py)},
    {.key = "output_dir",
     .help = "directory for every file the run writes",
     .type = PARAM_STRING,
     .offset = offsetof(RunParams, output_dir),
     .sdef = "."},
    {.key = "output_hours",
     .units = "h",
     .help = "interval of output records and progress lines",
     .type = PARAM_REAL,
     .def = 1,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(RunParams, output_hours)},
    {.key = "checkpoint_hours",
     .units = "h",
     .help = "interval of checkpoints; output files are rotated at each (0: none)",
     .type = PARAM_REAL,
     .def = 24,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(RunParams, checkpoint_hours)},
    {.key = "checkpoint_keep",
     .help = "how many of the newest checkpoints of this case to keep in output_dir (0: all)",
     .type = PARAM_INT,
     .def = 0,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(RunParams, checkpoint_keep)},
    {.key = "restart",
     .help = "checkpoint to start from: a path, 'latest' (newest in output_dir), or ''",
     .type = PARAM_STRING,
     .offset = offsetof(RunParams, restart),
     .sdef = ""},
    {.key = "wall_hours",
     .units = "h",
     .help = "wall-clock time this invocation may take: when the next step would end past it, "
             "the run writes a checkpoint and stops as on SIGUSR1, for run_restart = 'latest' "
             "to resume (exit status 3; 0: no limit)",
     .type = PARAM_REAL,
     .def = 0,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(RunParams, wall_hours)},
    {.key = "closure_check",
     .help = "check that every tag family sums to the bulk, at every output record",
     .type = PARAM_BOOL,
     .def = 1,
     .offset = offsetof(RunParams, closure_check)},
    {.key = "closure_every_process",
     .help = "check the closure after every process of every step, to find which one breaks it "
             "(costs a pass over the tags each)",
     .type = PARAM_BOOL,
     .def = 0,
     .offset = offsetof(RunParams, closure_every_process)},
    {.key = "closure_tolerance",
     .units = "1",
     .help = "largest relative deviation of a tag family's sum from the bulk before a warning",
     .type = PARAM_REAL,
     .def = 1e-9,
     .min = 0,
     .max = 1,
     .offset = offsetof(RunParams, closure_tolerance)},
    {.key = "closure_floor",
     .units = "kg kg-1",
     .help = "mixing ratio added to the bulk in the closure test's denominator",
     .type = PARAM_REAL,
     .def = 1e-30,
     .min = 0,
     .max = 1,
     .offset = offsetof(RunParams, closure_floor)},
    {.key = NULL},
};

const ParamGroup run_group = {
    .name = "run", .title = "Run control", .params = run_params, .params_size = sizeof(RunParams)};

/* Read every registered process's parameters (so -help lists all and misspelt keys are caught),
   and initialise the ones run_processes names. */
static PetscErrorCode setup_processes(Run *r)
{
  PetscInt n = r->p.nprocesses ? r->p.nprocesses : registry_process_count();
  void **params;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(registry_process_count(), &params));
  for (PetscInt i = 0; i < registry_process_count(); i++) {
    const ProcessOps *ops = registry_process(i);
    PetscCall(PetscCalloc(ops->group.params_size ? ops->group.params_size : 1, &params[i]));
    PetscCall(namelist_read(r->comm, &ops->group, params[i]));
  }
  PetscCall(PetscCalloc1(n, &r->slot));
  for (PetscInt i = 0; i < n; i++) {
    const ProcessOps *ops =
        r->p.nprocesses ? registry_find_process(r->p.processes[i]) : registry_process(i);
    PetscInt idx = 0;
    PetscCheck(ops, r->comm, PETSC_ERR_USER,
               "run_processes: unknown process '%s'; known processes are listed by -help",
               r->p.processes[i]);
    for (PetscInt k = 0; k < i; k++)
      PetscCheck(r->slot[k].ops != ops, r->comm, PETSC_ERR_USER, "run_processes lists '%s' twice",
                 ops->group.name);
    while (registry_process(idx) != ops) idx++;
    r->slot[i].ops = ops;
    r->slot[i].params = params[idx];
    params[idx] = NULL;
    PetscCheck(ops->stencil_width <= r->grid->sw, r->comm, PETSC_ERR_PLIB,
               "process %s needs %" PetscInt_FMT " ghost cells; the grid has %" PetscInt_FMT,
               ops->group.name, ops->stencil_width, r->grid->sw);
    PetscCall(ops->init(r->slot[i].params, &r->st->patch, &r->slot[i].ctx));
    if (ops->layer_max_dt)
      PetscCall(PetscCalloc2(r->st->patch.mz, &r->slot[i].layer_substeps, r->st->patch.mz,
                             &r->slot[i].layer_dt));
    PetscCall(PetscLogStageRegister(ops->group.name, &r->slot[i].stage));
  }
  r->nslot = n;
  for (PetscInt i = 0; i < registry_process_count(); i++) PetscCall(PetscFree(params[i]));
  PetscCall(PetscFree(params));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whole number of steps in an interval of hours, or fail naming the key. */
PetscErrorCode run_steps_in(const Run *r, PetscReal hours, const char *key, PetscInt64 *n)
{
  PetscReal ratio = hours * 3600.0 / r->p.dt;

  PetscFunctionBeginUser;
  *n = (PetscInt64)PetscFloorReal(ratio + 0.5);
  PetscCheck(PetscAbsReal(ratio - (PetscReal)*n) < 1e-9 * PetscMax(1, ratio), r->comm,
             PETSC_ERR_USER, "%s = %g h is not a whole number of time steps run_dt = %g s", key,
             (double)hours, (double)r->p.dt);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode setup(Run *r)
{
  const MetSourceOps *met_ops;
  MetParams met_p;
  GridSpec spec;
  PetscInt ntable, ngroups;
  const ParamGroup *const *groups = registry_groups(&ngroups);

  PetscFunctionBeginUser;
  /* Every group and key of the namelists and the command line, before any input is read. */
  PetscCall(namelist_check_known(r->comm, groups, ngroups));
  PetscCall(namelist_read(r->comm, &run_group, &r->p));
  PetscCall(run_folder_check(r->comm, r->p.output_dir, r->p.name));
  PetscCall(clock_parse(r->p.start, &r->t_start));
  PetscCall(met_read_source(r->comm, &met_p, &met_ops));
  PetscCall(met_ops->grid_spec(r->comm, &spec));
  PetscCall(grid_create(r->comm, &spec, 3, r->p.px ? r->p.px : PETSC_DECIDE,
                        r->p.py ? r->p.py : PETSC_DECIDE, &r->grid));
  if (r->p.domain_file[0]) PetscCall(domain_read(r->grid, r->p.domain_file, &r->dom));
  r->species = species_table(&ntable);
  r->nspec = ntable;
  PetscCall(emissions_points(r->comm, r->species, r->nspec, &r->points));
  PetscCall(tags_create(r->comm, r->dom, r->points, &r->tags));
  PetscCall(state_create(r->grid, r->species, r->nspec, r->tags->ntag, &r->st));
  PetscCall(met_create(r->grid, met_ops, &r->met));
  if (met_p.output[0])
    PetscCall(met_output_create(r->grid, met_p.output, met_p.output_interval, met_ops->name,
                                &r->met_out));
  PetscCall(boundary_create(r->comm, r->st, r->tags, &r->bnd));
  PetscCall(setup_processes(r));
  PetscCall(history_create(r->comm, r->grid, r->st, r->tags, r->p.output_dir, r->p.name, &r->hist));
  PetscCall(scenario_create(r->comm, r->dom, r->species, r->nspec, &r->scen));
  {
    char report[PETSC_MAX_PATH_LEN];
    PetscCall(
        PetscSNPrintf(report, sizeof(report), "%s/%s_emissions.csv", r->p.output_dir, r->p.name));
    PetscCall(emissions_create(r->comm, r->grid, &r->st->patch, r->dom, r->tags, r->scen, r->points,
                               report, &r->emis));
  }
  PetscCall(receptor_series_create(r->comm, r->grid, r->st, r->dom, r->tags, r->p.closure_floor,
                                   r->p.output_dir, r->p.name, &r->rec));
  PetscCall(nest_create(r->comm, r->grid, r->st, r->tags, r->p.output_dir, r->p.name, &r->nest));
  PetscCall(adjoint_create(r, &r->adj));
  PetscCall(namelist_check_unused(r->comm, groups, ngroups));
  PetscCall(run_provenance_record(r->p.output_dir, r->p.name));
  PetscCall(run_steps_in(r, r->p.hours, "run_hours", &r->nstep_end));
  PetscCall(run_steps_in(r, r->p.output_hours, "run_output_hours", &r->steps_per_output));
  PetscCall(
      run_steps_in(r, r->p.checkpoint_hours, "run_checkpoint_hours", &r->steps_per_checkpoint));
  PetscCheck(r->steps_per_output > 0, r->comm, PETSC_ERR_USER, "run_output_hours must be positive");
  /* A checkpoint between two records would lose the part of the interval's mean summed so far. */
  PetscCheck(!r->steps_per_checkpoint || r->steps_per_checkpoint % r->steps_per_output == 0,
             r->comm, PETSC_ERR_USER,
             "run_checkpoint_hours = %g is not a multiple of run_output_hours = %g: checkpoints "
             "are written at output times",
             (double)r->p.checkpoint_hours, (double)r->p.output_hours);
  PetscCall(nest_check_times(r->nest, r->t_start, r->t_start + (PetscReal)r->nstep_end * r->p.dt,
                             (PetscReal)r->steps_per_output * r->p.dt));
  PetscCall(met_check_step(r->met, r->t_start, r->p.dt));
  PetscCall(PetscCalloc1(patch_size2(&r->st->patch) * r->nspec, &r->vdep));
  PetscCall(PetscCalloc1(patch_size2(&r->st->patch) * r->nspec, &r->q_top));
  if (r->tags->ntag)
    PetscCall(PetscCalloc1(patch_size2(&r->st->patch) * r->nspec * r->tags->ntag, &r->tag_top));
  PetscCall(PetscCalloc1(BUDGET_NTERMS * r->nspec, &r->budget));
  PetscCall(PetscLogStageRegister("met", &r->stage_met));
  PetscCall(PetscLogStageRegister("output", &r->stage_output));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode teardown(Run *r)
{
  PetscFunctionBeginUser;
  PetscCall(adjoint_destroy(&r->adj)); /* first: it holds contexts of the run's processes */
  for (PetscInt i = 0; i < r->nslot; i++) {
    PetscCall(r->slot[i].ops->finalize(&r->slot[i].ctx));
    PetscCall(PetscFree(r->slot[i].params));
    PetscCall(PetscFree2(r->slot[i].layer_substeps, r->slot[i].layer_dt));
  }
  PetscCall(PetscFree(r->slot));
  PetscCall(history_destroy(&r->hist));
  PetscCall(receptor_series_destroy(&r->rec));
  PetscCall(nest_destroy(&r->nest));
  PetscCall(emissions_destroy(&r->emis));
  PetscCall(scenario_destroy(&r->scen));
  PetscCall(domain_destroy(&r->dom));
  PetscCall(point_sources_destroy(&r->points));
  PetscCall(boundary_destroy(&r->bnd));
  PetscCall(met_output_destroy(&r->met_out));
  PetscCall(met_destroy(&r->met));
  PetscCall(state_destroy(&r->st));
  PetscCall(tags_destroy(&r->tags));
  PetscCall(grid_destroy(&r->grid));
  PetscCall(PetscFree(r->vdep));
  PetscCall(PetscFree(r->q_top));
  PetscCall(PetscFree(r->tag_top));
  PetscCall(PetscFree(r->budget));
  PetscCall(run_folder_unlock(&r->folder)); /* last: the files above are complete */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal step_time(const Run *r, PetscInt64 n)
{
  return run_step_time(r, n);
}

/* Whether the state after n steps gets an output record (and a progress line). */
static PetscBool output_due(const Run *r, PetscInt64 n)
{
  return n % r->steps_per_output == 0 || n == r->nstep_end ? PETSC_TRUE : PETSC_FALSE;
}

/* Write the met snapshots that met_advance or met_air_mass_at has just read to the met output
   (met_output_write skips a snapshot it has written, and one not due). */
static PetscErrorCode write_met(Run *r)
{
  PetscFunctionBeginUser;
  for (PetscInt n = 0; n < 2; n++) PetscCall(met_output_write(r->met_out, r->met->snap[n]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Borrow the state arrays into f. */
static PetscErrorCode get_fields(Run *r, Fields *f)
{
  PetscFunctionBeginUser;
  PetscCall(state_get_fields(r->st, PETSC_TRUE, f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode restore_fields(Run *r, Fields *f)
{
  PetscFunctionBeginUser;
  PetscCall(state_restore_fields(r->st, PETSC_TRUE, f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Largest relative deviation of a tag family's sum from the bulk over the owned cells. */
static PetscReal closure_deviation(const Run *r, const Fields *f)
{
  const Patch *p = &r->st->patch;
  const Tags *tg = r->tags;
  PetscInt ns = r->nspec, nt = tg->ntag;
  PetscReal worst = 0;

  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        for (PetscInt s = 0; s < ns; s++) {
          const PetscReal *t = &f->tag[(c * ns + s) * nt];
          PetscReal dev = tags_closure_deviation(tg, t, f->q[c * ns + s], r->p.closure_floor);
          if (dev > worst) worst = dev;
        }
      }
  return worst;
}

/* Stop the run: process slot would need `needed` sub-steps (PETSC_MAX_REAL: unbounded) in the
   step from t, more than run_max_substeps. Collective. */
static PetscErrorCode too_many_substeps(Run *r, const ProcessSlot *slot, PetscReal t,
                                        PetscReal needed)
{
  char when[32], count[64];

  PetscFunctionBeginUser;
  clock_format(t, when, sizeof(when));
  if (needed >= PETSC_MAX_REAL)
    snprintf(count, sizeof(count), "an unbounded number of");
  else
    snprintf(count, sizeof(count), needed < 1e9 ? "%.0f" : "%.3g", (double)PetscCeilReal(needed));
  SETERRQ(r->comm, PETSC_ERR_NOT_CONVERGED,
          "process %s needs %s sub-steps in the step of run_dt = %.6g s from %s, more than "
          "run_max_substeps = %" PetscInt_FMT
          ": check the met input's winds and layers (a wind far faster than any real one, or a "
          "layer squeezed thin, needs that many), or reduce run_dt",
          slot->ops->group.name, count, (double)r->p.dt, when, r->p.max_substeps);
}

/* Sub-steps n of the step dt from t for a global limit (a minimum over the ranks) of the dt a
   process allows, at most run_max_substeps. Collective (through the error only). */
static PetscErrorCode substeps_for(Run *r, const ProcessSlot *slot, PetscReal t, PetscReal global,
                                   PetscInt *n)
{
  PetscFunctionBeginUser;
  *n = 1;
  PetscCheck(global > 0, r->comm, PETSC_ERR_USER, "process %s allows no positive time step",
             slot->ops->group.name);
  if (global >= r->p.dt) PetscFunctionReturn(PETSC_SUCCESS);
  /* The ratio is compared before it becomes an integer: it may exceed any. */
  if (r->p.dt / global > (PetscReal)r->p.max_substeps)
    PetscCall(too_many_substeps(r, slot, t, r->p.dt / global));
  *n = (PetscInt)PetscCeilReal(r->p.dt / global);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Sub-steps a process needs for the step dt from t: from the global minimum of its max_dt, or
   with layer_max_dt each layer's from its own (into slot->layer_substeps) and n their largest;
   at most run_max_substeps. */
static PetscErrorCode substeps(Run *r, ProcessSlot *slot, Fields *f, PetscReal t, PetscInt *n)
{
  PetscReal local = PETSC_MAX_REAL, global;
  PetscInt nz = r->st->patch.mz;

  PetscFunctionBeginUser;
  *n = 1;
  if (!slot->ops->max_dt && !slot->ops->layer_max_dt) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(get_fields(r, f));
  if (slot->ops->layer_max_dt)
    PetscCall(slot->ops->layer_max_dt(slot->ctx, &r->st->patch, f, slot->layer_dt));
  else
    PetscCall(slot->ops->max_dt(slot->ctx, &r->st->patch, f, &local));
  PetscCall(restore_fields(r, f));
  if (!slot->ops->layer_max_dt) {
    PetscCallMPI(MPI_Allreduce(&local, &global, 1, MPIU_REAL, MPI_MIN, r->comm));
    PetscCall(substeps_for(r, slot, t, global, n));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCallMPI(
      MPI_Allreduce(MPI_IN_PLACE, slot->layer_dt, (PetscMPIInt)nz, MPIU_REAL, MPI_MIN, r->comm));
  for (PetscInt k = 0; k < nz; k++) {
    PetscCall(substeps_for(r, slot, t, slot->layer_dt[k], &slot->layer_substeps[k]));
    *n = PetscMax(*n, slot->layer_substeps[k]);
    slot->layer_moves += slot->layer_substeps[k];
  }
  slot->layer_steps++;
  slot->layer_calls += *n;
  slot->layer_calls_max = PetscMax(slot->layer_calls_max, *n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The log: what sub-stepping by layer saved, for each process that does it. */
static PetscErrorCode layer_substep_summary(const Run *r)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < r->nslot; i++) {
    const ProcessSlot *sl = &r->slot[i];
    double nz = (double)r->st->patch.mz;
    if (!sl->layer_substeps || !sl->layer_steps) continue;
    PetscCall(PetscPrintf(r->comm,
                          "sub-stepping by layer: %s took 1 to %" PetscInt_FMT
                          " calls a step (%.3f on average); a layer moved %.3f times a step on "
                          "average, %.1f %% of the work of moving every layer in every call\n",
                          sl->ops->group.name, sl->layer_calls_max,
                          (double)sl->layer_calls / (double)sl->layer_steps,
                          (double)sl->layer_moves / ((double)sl->layer_steps * nz),
                          100.0 * (double)sl->layer_moves / ((double)sl->layer_calls * nz)));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The outcome of one step of a process over every rank (exact reductions, the same on all):
   the largest status and the largest count of sub-steps needed. Stops the run on any but
   PROCESS_OK, naming the process and the time. */
static PetscErrorCode check_status(Run *r, const ProcessSlot *slot, PetscReal t, PetscReal h,
                                   ProcessStatus status, PetscReal needed)
{
  PetscReal local[2] = {(PetscReal)status, needed}, all[2];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(local, all, 2, MPIU_REAL, MPI_MAX, r->comm));
  if (all[0] == (PetscReal)PROCESS_TOO_MANY_SUBSTEPS)
    PetscCall(too_many_substeps(r, slot, t, all[1]));
  PetscCheck(all[0] == (PetscReal)PROCESS_OK, r->comm, PETSC_ERR_NOT_CONVERGED,
             "process %s could not complete a step of %g s at t = %g s; reduce run_dt",
             slot->ops->group.name, (double)h, (double)t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode apply_process(Run *r, ProcessSlot *slot, Fields *f, PetscReal t)
{
  PetscInt n;
  PetscReal h;

  PetscFunctionBeginUser;
  PetscCall(PetscLogStagePush(slot->stage));
  PetscCall(substeps(r, slot, f, t, &n));
  h = r->p.dt / (PetscReal)n;
  for (PetscInt k = 0; k < n; k++) {
    ProcessStatus status = PROCESS_OK;
    if (slot->ops->stencil_width > 0) PetscCall(state_exchange(r->st));
    PetscCall(get_fields(r, f));
    if (slot->ops->stencil_width > 0)
      PetscCall(boundary_fill_ghosts(r->bnd, &r->st->patch, r->met, f->q, f->tag, f->air_mass));
    f->step = slot->count++;
    f->layer_substeps = slot->layer_substeps;
    f->substep = k;
    f->sync_step = r->nstep;
    f->sync_dt = r->p.dt;
    PetscCall(slot->ops->step(slot->ctx, &r->st->patch, t + (PetscReal)k * h, h, f, &status));
    f->layer_substeps = NULL;
    if (r->tags->ntag && r->p.closure_check && r->p.closure_every_process)
      r->closure_max = PetscMax(r->closure_max, closure_deviation(r, f));
    PetscCall(restore_fields(r, f));
    PetscCall(check_status(r, slot, t, h, status,
                           status == PROCESS_TOO_MANY_SUBSTEPS ? f->substeps_needed : 0));
  }
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode run_step_prepare(Run *r, PetscInt64 n, PetscBool write, Fields *f)
{
  PetscReal t = step_time(r, n);

  PetscFunctionBeginUser;
  PetscCall(PetscLogStagePush(r->stage_met));
  PetscCall(met_advance(r->met, t, r->p.dt));
  if (write) PetscCall(write_met(r));
  PetscCall(boundary_fill_top(r->bnd, &r->st->patch, r->met, r->q_top, r->tag_top));
  PetscCall(PetscArrayzero(r->vdep, patch_size2(&r->st->patch) * r->nspec));
  PetscCall(PetscLogStagePop());
  met_set_fields(r->met, f);
  f->q_top = r->q_top;
  f->tag_top = r->tag_top;
  f->vdep = r->vdep;
  f->budget = r->budget;
  f->max_substeps = r->p.max_substeps;
  emissions_update(r->emis, t + 0.5 * r->p.dt);
  f->emissions = emissions_fields(r->emis);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One synchronisation step from step_time(nstep). */
static PetscErrorCode sync_step(Run *r)
{
  PetscReal t = step_time(r, r->nstep);
  Fields f;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&f, sizeof(f)));
  PetscCall(run_step_prepare(r, r->nstep, PETSC_TRUE, &f));
  {
    PetscReal *am;
    PetscCall(VecGetArray(r->st->air_mass, &am));
    PetscCall(PetscArraycpy(am, r->met->air_mass_start, patch_size3(&r->st->patch)));
    PetscCall(VecRestoreArray(r->st->air_mass, &am));
  }
  for (PetscInt i = 0; i < r->nslot; i++) PetscCall(apply_process(r, &r->slot[i], &f, t));
  /* At output records only: a deviation, once made, stays in the state (a pass over the tags
     every step cost 6 % of the ns9 run). */
  if (r->tags->ntag && r->p.closure_check && !r->p.closure_every_process &&
      output_due(r, r->nstep + 1)) {
    PetscCall(get_fields(r, &f));
    r->closure_max = PetscMax(r->closure_max, closure_deviation(r, &f));
    PetscCall(restore_fields(r, &f));
  }
  r->nstep++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Total air mass and tracer mass of each species over the domain (a diagnostic). */
static PetscErrorCode total_mass(Run *r, PetscReal *mass)
{
  const Patch *p = &r->st->patch;
  const PetscReal *q, *am;
  PetscReal local[PARAM_ARRAY_MAX] = {0};

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(r->st->q, &q));
  PetscCall(VecGetArrayRead(r->st->air_mass, &am));
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        for (PetscInt s = 0; s < r->nspec; s++) local[s] += q[c * r->nspec + s] * am[c];
      }
  PetscCall(VecRestoreArrayRead(r->st->air_mass, &am));
  PetscCall(VecRestoreArrayRead(r->st->q, &q));
  PetscCallMPI(MPI_Allreduce(local, mass, (PetscMPIInt)r->nspec, MPIU_REAL, MPI_SUM, r->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One line per output interval: simulated time, wall time, ETA, masses, closure; stops the run
   if a mass is not finite. */
static PetscErrorCode progress(Run *r)
{
  PetscReal mass[PARAM_ARRAY_MAX], closure = r->closure_max, t = step_time(r, r->nstep);
  PetscLogDouble now, wall, eta;
  char when[32], wall_s[32], eta_s[32];

  PetscFunctionBeginUser;
  PetscCall(total_mass(r, mass));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &closure, 1, MPIU_REAL, MPI_MAX, r->comm));
  PetscCall(PetscTime(&now));
  wall = now - r->wall_start;
  eta = wall / (PetscLogDouble)(r->nstep - r->nstep_first) *
        (PetscLogDouble)(r->nstep_end - r->nstep);
  clock_format(t, when, sizeof(when));
  clock_format_duration(wall, wall_s, sizeof(wall_s));
  clock_format_duration(eta, eta_s, sizeof(eta_s));
  PetscCall(PetscPrintf(r->comm, "%s  %6.1f/%.1f h  wall %s  ETA %s  mass kg:", when,
                        (double)(r->nstep * r->p.dt / 3600.0), (double)r->p.hours, wall_s, eta_s));
  for (PetscInt s = 0; s < r->nspec; s++)
    PetscCall(PetscPrintf(r->comm, " %s %.4e", r->species[s].name, (double)mass[s]));
  if (r->tags->ntag) PetscCall(PetscPrintf(r->comm, "  closure %.1e", (double)closure));
  PetscCall(PetscPrintf(r->comm, "\n"));
  /* A NaN or an infinity anywhere in the state makes its species' total mass one. */
  for (PetscInt s = 0; s < r->nspec; s++) {
    char value[32];
    if (!PetscIsInfOrNanReal(mass[s])) continue;
    snprintf(value, sizeof(value), "%g", (double)mass[s]); /* PETSc's %g would print "nan." */
    SETERRQ(r->comm, PETSC_ERR_FP,
            "%s: the mass of %s in the domain is %s: a NaN or an infinity has entered the state, "
            "from an input no reader checks "
            "(a restart file) or a failing process; the run stops before writing this record",
            when, r->species[s].name, value);
  }
  if (r->tags->ntag && closure > r->p.closure_tolerance)
    PetscCall(PetscPrintf(
        r->comm,
        "WARNING: tags deviate from the bulk by %.3e (relative) > run_closure_tolerance = %.1e\n",
        (double)closure, (double)r->p.closure_tolerance));
  PetscCall(history_closure(r->hist, closure));
  r->closure_max = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The mass budget of this invocation, per species: the change of the mass in the air must equal
   emitted - dry deposited - wet deposited + chemically produced - chemically lost + inflow -
   outflow. The residual is printed relative to the mass that passed through (mass at the start
   plus everything that entered). */
static PetscErrorCode budget_closure(Run *r)
{
  PetscReal mass[PARAM_ARRAY_MAX], b[BUDGET_NTERMS * PARAM_ARRAY_MAX], worst = 0;
  PetscInt ns = r->nspec, sworst = 0;

  PetscFunctionBeginUser;
  PetscCall(total_mass(r, mass));
  PetscCallMPI(
      MPI_Allreduce(r->budget, b, (PetscMPIInt)(BUDGET_NTERMS * ns), MPIU_REAL, MPI_SUM, r->comm));
  for (PetscInt i = 0; i < BUDGET_NTERMS * ns; i++) b[i] -= r->budget_first[i];
  for (PetscInt s = 0; s < ns; s++) {
    PetscReal in =
        b[BUDGET_EMITTED * ns + s] + b[BUDGET_CHEM_PRODUCED * ns + s] + b[BUDGET_INFLOW * ns + s];
    PetscReal out = b[BUDGET_DRY_DEPOSITED * ns + s] + b[BUDGET_WET_DEPOSITED * ns + s] +
                    b[BUDGET_CHEM_LOST * ns + s] + b[BUDGET_OUTFLOW * ns + s];
    PetscReal through = r->mass_first[s] + in, residual = mass[s] - r->mass_first[s] - (in - out);
    PetscReal rel = through > 0 ? PetscAbsReal(residual) / through : 0;
    if (rel > worst || s == 0) {
      worst = rel;
      sworst = s;
    }
    PetscCall(PetscPrintf(r->comm,
                          "budget closure %-6s start %.6e end %.6e in %.6e out %.6e residual %.3e "
                          "kg (%.2e relative)\n",
                          r->species[s].name, (double)r->mass_first[s], (double)mass[s], (double)in,
                          (double)out, (double)residual, (double)rel));
  }
  PetscCall(PetscPrintf(r->comm, "budget closure: largest relative residual %.2e (%s)\n",
                        (double)worst, r->species[sworst].name));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode initial_state(Run *r)
{
  Fields f;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&f, sizeof(f)));
  /* A backward run needs its forward run whole: with &adjoint, run_restart resumes the backward
     sweep (model/adjoint.c) and the forward run starts again from run_start. */
  if (r->p.restart[0] && !r->adj) {
    char path[PETSC_MAX_PATH_LEN];
    PetscInt64 counts[PARAM_ARRAY_MAX];
    PetscReal t;
    if (!strcmp(r->p.restart, "latest")) {
      PetscBool found;
      PetscCall(checkpoint_latest(r->comm, r->p.output_dir, r->p.name, path, sizeof(path), &found));
      PetscCheck(found, r->comm, PETSC_ERR_FILE_OPEN,
                 "run_restart = 'latest': no checkpoint %s_checkpoint_*.bin in %s", r->p.name,
                 r->p.output_dir);
    } else
      PetscCall(PetscStrncpy(path, r->p.restart, sizeof(path)));
    PetscCall(checkpoint_read(r->comm, r->st, path, &t, &r->nstep, r->nslot, counts, r->budget));
    PetscCheck(PetscAbsReal(t - step_time(r, r->nstep)) < 1e-6 * r->p.dt, r->comm, PETSC_ERR_USER,
               "checkpoint %s is at a time that is not a step of run_start + n run_dt", path);
    for (PetscInt i = 0; i < r->nslot; i++) r->slot[i].count = counts[i];
    PetscCall(
        PetscPrintf(r->comm, "restarting from %s at step %" PetscInt64_FMT "\n", path, r->nstep));
    PetscCall(met_output_resume(r->met_out, step_time(r, r->nstep)));
    PetscCall(boundary_check_parent(r->comm, r->bnd, r->p.domain_file, step_time(r, r->nstep),
                                    step_time(r, r->nstep_end)));
  } else {
    /* The parent's files are checked before the first met record is written. */
    PetscCall(boundary_check_parent(r->comm, r->bnd, r->p.domain_file, step_time(r, 0),
                                    step_time(r, r->nstep_end)));
    PetscCall(met_advance(r->met, r->t_start, r->p.dt));
    PetscCall(write_met(r));
    PetscCall(get_fields(r, &f));
    PetscCall(boundary_initial(r->bnd, &r->st->patch, r->met, r->t_start, f.q, f.tag));
    PetscCall(restore_fields(r, &f));
    r->nstep = 0;
  }
  { /* the air mass at the first step's start, for the mass diagnostics */
    PetscReal *am;
    PetscCall(VecGetArray(r->st->air_mass, &am));
    PetscCall(met_air_mass_at(r->met, step_time(r, r->nstep), am));
    PetscCall(VecRestoreArray(r->st->air_mass, &am));
    PetscCall(write_met(r));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The checkpoint at step nstep. */
static PetscErrorCode checkpoint_path(const Run *r, char *path, size_t len)
{
  char when[32];

  PetscFunctionBeginUser;
  clock_format_compact(step_time(r, r->nstep), when, sizeof(when));
  PetscCall(PetscSNPrintf(path, len, "%s/%s_checkpoint_%s.bin", r->p.output_dir, r->p.name, when));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode write_checkpoint(Run *r)
{
  char path[PETSC_MAX_PATH_LEN];
  PetscInt64 counts[PARAM_ARRAY_MAX];
  PetscReal t = step_time(r, r->nstep);

  PetscFunctionBeginUser;
  PetscCall(checkpoint_path(r, path, sizeof(path)));
  for (PetscInt i = 0; i < r->nslot; i++) counts[i] = r->slot[i].count;
  PetscCall(checkpoint_write(r->comm, r->st, path, t, r->nstep, r->nslot, counts, r->budget));
  PetscCall(checkpoint_prune(r->comm, r->p.output_dir, r->p.name, r->p.checkpoint_keep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether step n ends an output segment (the outputs rotate at checkpoints and at the end). */
static PetscBool segment_ends(const Run *r, PetscInt64 n)
{
  return (r->steps_per_checkpoint && n % r->steps_per_checkpoint == 0) || n == r->nstep_end
             ? PETSC_TRUE
             : PETSC_FALSE;
}

/* The step the output segment holding step n (n not its end) started at. */
static PetscInt64 segment_start(const Run *r, PetscInt64 n)
{
  return r->steps_per_checkpoint ? n - n % r->steps_per_checkpoint : 0;
}

/* Open the outputs of a new segment at step nstep. */
static PetscErrorCode open_segment(Run *r)
{
  PetscReal t = step_time(r, r->nstep);

  PetscFunctionBeginUser;
  PetscCall(history_open(r->hist, t));
  PetscCall(receptor_series_open(r->rec, t));
  PetscCall(nest_open(r->nest, t));
  PetscCall(nest_write(r->nest, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A run restarted between two checkpoints, from one a stopped run wrote: continue that run's
   segment and its partial outputs, so the files end as an unbroken run's. Without partial files
   (a checkpoint copied elsewhere, or another run_checkpoint_hours) the outputs start anew here. */
static PetscErrorCode resume_segment(Run *r)
{
  PetscInt64 s0 = segment_start(r, r->nstep), expect = 0;
  PetscReal t = step_time(r, r->nstep), t0 = step_time(r, s0);
  PartialResume how[3];
  PetscBool anew = PETSC_FALSE, continued = PETSC_FALSE;
  char when0[32], when[32];

  PetscFunctionBeginUser;
  for (PetscInt64 m = s0 + 1; m <= r->nstep; m++) expect += output_due(r, m);
  PetscCall(history_resume(r->hist, t0, t, expect, &how[0]));
  PetscCall(receptor_series_resume(r->rec, t0, t, expect, &how[1]));
  PetscCall(nest_resume(r->nest, t0, t, expect + 1, &how[2]));
  for (PetscInt k = 0; k < 3; k++) {
    if (how[k] == RESUME_ANEW) anew = PETSC_TRUE;
    if (how[k] == RESUME_CONTINUED) continued = PETSC_TRUE;
  }
  clock_format(t0, when0, sizeof(when0));
  clock_format(t, when, sizeof(when));
  PetscCheck(
      !(anew && continued), r->comm, PETSC_ERR_FILE_UNEXPECTED,
      "the partial outputs (*.part) of the segment from %s in %s are not all there: restart "
      "from the checkpoint at %s, or remove the *.part files to start the outputs anew at %s",
      when0, r->p.output_dir, when0, when);
  if (anew)
    PetscCall(PetscPrintf(r->comm,
                          "WARNING: no partial outputs of the segment from %s reach %s: the "
                          "outputs start anew at %s\n",
                          when0, when, when));
  if (how[2] == RESUME_ANEW) PetscCall(nest_write(r->nest, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether any rank was asked to stop after the step just taken, by a signal or because the
   next step would end past run_wall_hours (*why: see model/stop.h). The same on every rank. */
static PetscErrorCode stop_due(Run *r, int *why)
{
  PetscBool wall_over = PETSC_FALSE;

  PetscFunctionBeginUser;
  if (r->p.wall_hours > 0) {
    PetscLogDouble now, per_step;
    PetscCall(PetscTime(&now));
    per_step = (now - r->wall_start) / (PetscLogDouble)(r->nstep - r->nstep_first);
    wall_over = now - r->wall_invoke + per_step > 3600.0 * r->p.wall_hours;
  }
  PetscCall(stop_asked(r->comm, wall_over, why));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Stop after step nstep: close the open segment's outputs as partial files, write the checkpoint
   (the loop has written it if the step is a checkpoint's), and say how to go on. */
static PetscErrorCode stop_run(Run *r, PetscBool open, int why)
{
  PetscReal t = step_time(r, r->nstep);
  char path[PETSC_MAX_PATH_LEN], when[32], cause[64];

  PetscFunctionBeginUser;
  if (open) {
    PetscCall(history_close_partial(r->hist, t));
    PetscCall(receptor_series_close_partial(r->rec, t));
    PetscCall(nest_close_partial(r->nest, t));
  }
  PetscCall(met_output_close_partial(r->met_out, t));
  if (!(r->steps_per_checkpoint && r->nstep % r->steps_per_checkpoint == 0))
    PetscCall(write_checkpoint(r));
  PetscCall(checkpoint_path(r, path, sizeof(path)));
  clock_format(t, when, sizeof(when));
  stop_cause(why, r->p.wall_hours, cause, sizeof(cause));
  PetscCall(PetscPrintf(r->comm,
                        "stopped by %s at %s (step %" PetscInt64_FMT " of %" PetscInt64_FMT
                        "): checkpoint %s; resume with -run_restart latest (exit status %d)\n",
                        cause, when, r->nstep, r->nstep_end, path, RUN_EXIT_RESUME));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The loop: steps, output records, progress lines, checkpoints with output rotation, and the
   early stop between steps (*stopped: why, STOP_NONE if the run went to its end). */
static PetscErrorCode time_loop(Run *r, int *stopped)
{
  PetscBool open = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&r->wall_start));
  r->nstep_first = r->nstep;
  *stopped = STOP_NONE;
  while (r->nstep < r->nstep_end) {
    if (!open && r->nstep == r->nstep_first && segment_start(r, r->nstep) < r->nstep)
      PetscCall(resume_segment(r));
    else if (!open)
      PetscCall(open_segment(r));
    open = PETSC_TRUE;
    PetscCall(adjoint_record(r->adj, r));
    PetscCall(sync_step(r));
    PetscCall(adjoint_accumulate(r->adj, r));
    PetscCall(receptor_series_accumulate(r->rec, r->met));
    PetscCall(history_accumulate(r->hist, r->met));
    if (output_due(r, r->nstep)) {
      PetscCall(PetscLogStagePush(r->stage_output));
      PetscCall(progress(r));
      PetscCall(history_write(r->hist, step_time(r, r->nstep), r->met, r->budget));
      PetscCall(receptor_series_write(r->rec, step_time(r, r->nstep), r->met));
      PetscCall(nest_write(r->nest, step_time(r, r->nstep)));
      PetscCall(PetscLogStagePop());
    }
    if (segment_ends(r, r->nstep)) {
      PetscCall(PetscLogStagePush(r->stage_output));
      PetscCall(history_close(r->hist));
      PetscCall(receptor_series_close(r->rec));
      PetscCall(nest_close(r->nest));
      open = PETSC_FALSE;
      if (r->steps_per_checkpoint && r->nstep % r->steps_per_checkpoint == 0)
        PetscCall(write_checkpoint(r));
      PetscCall(PetscLogStagePop());
    }
    PetscCall(stop_due(r, stopped));
    /* With hourly means, a stop waits for the end of the output interval: the part of the mean
       summed so far is not in the checkpoint. */
    if (*stopped && r->nstep < r->nstep_end &&
        (output_due(r, r->nstep) || (!receptor_series_means(r->rec) && !history_means(r->hist)))) {
      PetscCall(stop_run(r, open, *stopped));
      break;
    }
    *stopped = STOP_NONE; /* a stop asked at the last step is the end */
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode run_case(MPI_Comm comm)
{
  Run r;
  StopSignals signals;
  int stopped;
  PetscLogDouble wall_end;
  char wall[32], from[32], to[32];

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  r.comm = comm;
  PetscCall(PetscTime(&r.wall_invoke));
  /* From here on a signal stops the run, after its first step if it comes during the set-up. */
  PetscCall(stop_catch(&signals));
  PetscCall(setup(&r));
  /* Every input but the restart file is read: take the folder before its first file. */
  PetscCall(run_folder_lock(comm, r.p.output_dir, r.p.name, &r.folder));
  PetscCall(namelist_view(comm, PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(initial_state(&r));
  /* The run's first files, once every input (the restart file included) has been checked. */
  PetscCall(emissions_write_report(comm, r.emis));
  {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    if (rank == 0) {
      char path[PETSC_MAX_PATH_LEN];
      AtomicFile out;
      PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s_effective.nml", r.p.output_dir, r.p.name));
      PetscCall(atomic_file_open(path, &out));
      PetscCall(namelist_write(out.fp)); /* its write errors are found by atomic_file_commit() */
      PetscCall(atomic_file_commit(&out));
    }
  }
  PetscCall(total_mass(&r, r.mass_first));
  PetscCallMPI(MPI_Allreduce(r.budget, r.budget_first, (PetscMPIInt)(BUDGET_NTERMS * r.nspec),
                             MPIU_REAL, MPI_SUM, comm));
  PetscCall(time_loop(&r, &stopped));
  PetscCall(history_summary(r.hist, r.budget));
  PetscCall(budget_closure(&r));
  PetscCall(layer_substep_summary(&r));
  if (!stopped)
    PetscCall(adjoint_run(r.adj, &r, &stopped));
  else if (r.adj)
    PetscCall(PetscPrintf(comm,
                          "WARNING: the run stopped before its end: no backward run (resumed with "
                          "run_restart, the forward run starts again from run_start)\n"));
  PetscCall(PetscTime(&wall_end));
  clock_format_duration(wall_end - r.wall_start, wall, sizeof(wall));
  clock_format(step_time(&r, r.nstep_first), from, sizeof(from));
  clock_format(step_time(&r, r.nstep), to, sizeof(to));
  if (!stopped)
    PetscCall(PetscPrintf(comm,
                          "bogda: run %s completed: %s to %s, %" PetscInt64_FMT
                          " steps in %s wall; outputs in %s\n",
                          r.p.name, from, to, r.nstep - r.nstep_first, wall, r.p.output_dir));
  PetscCall(teardown(&r));
  /* The handlers stay to the end: a signal that arrives after the last step (the run is then
     complete) or while a stopped run finishes must not kill it with a status a chain reads as a
     failure. */
  (void)signals;
  if (stopped) {
    /* Not finished: the exit status tells a batch chain to resume (bogda.c returns 0 only for a
       complete run). */
    PetscCall(PetscFinalize());
    exit(RUN_EXIT_RESUME);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
