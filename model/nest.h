#pragma once
/* One-way nesting, parent side: at the start and at every output time, a parent run writes the
   mixing ratios and tags of the parent cells that hold a nested child's lateral ghost cells
   (the ring of parent cells around the child's footprint) to "<dir>/<name>_bdy_<start>.nc"
   (rotated with the other outputs). The child reads them as its lateral boundary values
   (model/boundary.c, boundary_parent_files), its inflow credited to the parent's tags by label.
   At nest_initial_time it also writes "<dir>/<name>_init_<time>.nc", the state of the footprint
   and the ring, from which the child starts (boundary_initial_file): a spin-up of the parent
   before the child's period hands the child air already attributed to its sources. */
#include "model/state.h"
#include "model/tags.h"
#include "base/param.h"
#include "model/output/partial.h"

typedef struct Nest Nest;

/* Read &nest (child_domain_file: the child's domain file, empty: no child) and find the ring.
   Collective. */
PetscErrorCode nest_create(MPI_Comm comm, const Grid *g, const State *st, const Tags *tags,
                           const char *dir, const char *name, Nest **n);
PetscErrorCode nest_destroy(Nest **n);
PetscErrorCode nest_open(Nest *n, PetscReal t);
/* Append the ring's state at time t. Collective. */
PetscErrorCode nest_write(Nest *n, PetscReal t);
PetscErrorCode nest_close(Nest *n);
/* Refuse a nest_initial_time that is not an output time (every interval s) of a run from t0
   to t1. Collective. */
PetscErrorCode nest_check_times(const Nest *n, PetscReal t0, PetscReal t1, PetscReal interval);
/* Close the segment's file as a partial file up to t ("<file>.part", model/output/partial.h), for
   a run resuming from the checkpoint at t. Collective. */
PetscErrorCode nest_close_partial(Nest *n, PetscReal t);
/* Instead of nest_open, for a run resuming at t from a checkpoint a stopped run wrote: open the
   segment starting at t0 that run left partial, with its records up to t (the one at t0
   included; there must be expect of them), or, with no partial file that reaches t, a new
   segment at t (whose first record the caller writes, as after nest_open). Collective. */
PetscErrorCode nest_resume(Nest *n, PetscReal t0, PetscReal t, PetscInt expect, PartialResume *how);

/* The &nest namelist group (for the registry's list of groups). */
extern const ParamGroup nest_group;
