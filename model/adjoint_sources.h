#pragma once
/* The source table of a backward run (issue 15, item 5): every functional's contributions from
   the emissions of each control unit, sector and emitted species (gridded and by stack), from the
   initial state and from the inflow by side and species, whatever the run's tags resolve:
   <run_name>_adjoint_sources.csv, UTF-8, a header and one row per contribution,
     functional,source,unit,sector,species,emission_t_per_year,contribution_ug_m3
   source is J (the functional itself, from the forward run; the other columns empty), area (the
   gridded emissions of the unit and sector), stack:<id> (one point source), initial or
   initial:parent (the initial state, a nested child's taken from its parent), inflow:<side> or
   inflow:parent:<side> (west, east, south, north; a nested child's from its parent's records),
   or top (air above the model top). unit is the control unit's code (empty: none), species the
   emitted species (for the initial state and the inflow, the species of that air).
   emission_t_per_year is the row's emission before the time profiles (after the scenario). The
   contributions of a functional sum to its J up to round-off. */
#include <petscsys.h>

typedef struct Run Run; /* model/run_impl.h */

/* What adjoint.c gives: for nf functionals with labels and global values J, the (local)
   sensitivities to the emission entries, [(e*nspec + s)*nf + n] (Fields.sens_area, sens_point),
   and the global contributions of the initial state [n*nspec + s], of the inflow
   [(n*SIDE_N + side)*nspec + s] (side < SIDE_TOP) and of the top [n*nspec + s]. */
typedef struct {
  PetscInt nf;
  const char *const *labels;
  const PetscReal *J;
  const PetscReal *sens_area, *sens_point;
  const PetscReal *initial, *inflow, *top;
  PetscBool initial_parent, inflow_parent; /* from a parent's files */
} AdjointSourceInput;

/* Write the table and log, per functional, the sum of its rows against J. Collective. */
PetscErrorCode adjoint_sources_write(const Run *r, const AdjointSourceInput *in);
