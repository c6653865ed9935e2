#pragma once
/* The layers a new stack's plume would fill over a base run, for answers from the run's
   footprints (postproc/footprint_query.h): the model's own plume rise (physics/plume_rise.h, with
   the run's &emission_point parameters) on the run's met as met_output wrote it.

   The model computes the plume's rise and layer fractions w_k(t) at every step from the met
   interpolated linearly in time to the step's middle, and puts that step's emission into those
   layers; the footprints are integrated over the run, so a stack's exact answer
   sum_t sum_k a_k(t) w_k(t) (a_k(t) the step's part of the footprint) is approximated by
   sum_k A_k wbar_k with A_k = sum_t a_k(t) the footprint and wbar_k the mean of w_k(t) over the
   run's steps. The two agree when the plume keeps its layers, or when the footprint's share
   from each step does not depend on the layer; the error is the covariance over the run of the
   layer fractions with the footprint's steps (tests/regression/query_footprints.sh measures it).
   w_k(t) is recomputed here as the model does it, from the file's records interpolated to each
   step's middle, so only that covariance and the file's 32-bit rounding of the met remain (and
   the records' spacing, if met_output_interval kept fewer records than the met source gave). */
#include <petscsys.h>
#include "grids/grid.h"
#include "physics/plume_rise.h"

typedef struct {
  PetscReal height;      /* stack height above ground, m */
  PetscReal diameter;    /* inner diameter at the top, m */
  PetscReal velocity;    /* exit velocity, m s-1 */
  PetscReal temperature; /* exit temperature, K */
} Stack;

typedef struct {
  PetscInt nrec;                   /* met records the run's steps lie between */
  PetscInt nstep;                  /* steps averaged */
  PetscReal rise_min, rise_max;    /* plume rise over the steps, m above the stack top */
  PetscReal rise_mean;             /* its mean, m */
  PetscReal bottom_mean, top_mean; /* the plume's mean bottom and top, m above ground */
  PetscReal spread; /* the largest share of the plume, at any step, outside the mean layers:
                       max_t 1/2 sum_k |w_k(t) - wbar_k| */
} StackLayersInfo;

/* The &emission_point parameters of the options database (the base run's effective namelist,
   which unit_emissions_create loads), read with the model's own table, defaults and ranges.
   Not collective. */
PetscErrorCode stack_layers_params(PlumeRiseParams *p);

/* The mean layer fractions frac[0..nz) (summing to 1) of stack st in column (i, j) of grid g
   (from the domain file grid_path) over the nstep = (t_end - t_start) / dt steps of the run, from
   the met file at met_path (written by met_output: u, v, theta, temperature, zmid, zface; its
   records must span the run), and in reach[0..nz) the largest fraction of each layer at any step.
   Fails in one line naming the file and what was expected (another grid, records that do not span
   the run, dt that does not divide it). Not collective. */
PetscErrorCode stack_layers_mean(const char *met_path, const Grid *g, const char *grid_path,
                                 const PlumeRiseParams *p, const Stack *st, PetscInt i, PetscInt j,
                                 PetscReal t_start, PetscReal t_end, PetscReal dt, PetscReal *frac,
                                 PetscReal *reach, StackLayersInfo *info);
