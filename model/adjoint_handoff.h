#pragma once
/* The nest hand-off of backward runs (issue 15, item 4). A nested child's functionals depend on
   its parent's run only through the parent's records the child reads: the boundary records
   (boundary_parent_files) its inflow ghosts interpolate between, and the start state
   (boundary_initial_file). The child's backward run gives the exact sensitivity mu of each
   functional to every value of those records; the part of the functional that came in from the
   parent is then the linear functional sum mu . q_parent of the parent's state at the record
   times, which a backward run of the parent (the same run again, adjoint_handoff_file) sweeps
   back like any other, crediting it to the parent's emissions (every unit of the outer domain),
   its initial state and its own inflow.

   File <child run_name>_adjoint_handoff.nc (rank 0 writes it, complete when renamed):
     dims functional, label_length, record, cell, lev, species, start_cell
     functional_label(functional, label_length)  the child's functional labels
     J(functional)                 the child's functionals, ug m-3
     from_parent(functional)       their part that came from the parent (sum mu . q), ug m-3
     time(record)                  the parent's record times used, s since 1970-01-01
     cell_i(cell), cell_j(cell)    the ring cells' parent indices, 0-based (the boundary files')
     sens_lateral(record, cell, lev, species, functional)   ug m-3 per kg kg-1
     start_time, start_cell_i(start_cell), start_cell_j(start_cell) and
     sens_initial(start_cell, lev, species, functional)     (with a start state only)
   The records are written as the backward sweep passes them (one is complete once the sweep is
   earlier than the record before it), so the child keeps at most three records' sensitivities in
   memory. */
#include <petscsys.h>

typedef struct Run Run; /* model/run_impl.h */

/* Child side, for a run of nstep steps. *h is NULL when the run reads no parent files.
   Collective. */
typedef struct HandoffOut HandoffOut;
PetscErrorCode handoff_out_create(Run *r, PetscInt nf, const char *const *labels, PetscInt64 nstep,
                                  HandoffOut **h);
/* The callback of BoundaryTranspose.parent_record: the sensitivity buffer of parent record rec
   (zeroed when first asked). Not collective. */
PetscErrorCode handoff_out_record(void *h, PetscInt rec, PetscReal **sens);
/* After the backward sweep of a step whose met time is t: writes (and frees) every record no
   earlier step can touch. Collective. */
PetscErrorCode handoff_out_flush(HandoffOut *h, const Run *r, PetscReal t);
/* Once lambda is at the run's start (tag layout, nf functionals): its transpose to the start
   state's cells. Not collective. */
void handoff_out_initial(HandoffOut *h, const Run *r, const PetscReal *lam);
/* The last records, the start state, J and from_parent (global values); renames the file.
   Collective. */
PetscErrorCode handoff_out_close(HandoffOut *h, const PetscReal *J, const PetscReal *from_parent);
PetscErrorCode handoff_out_destroy(HandoffOut **h);

/* Parent side: the child's file, its records at step ends of this run of nstep steps.
   Collective. */
typedef struct HandoffIn HandoffIn;
PetscErrorCode handoff_in_open(Run *r, const char *path, PetscInt64 nstep, HandoffIn **h);
PetscInt handoff_in_count(const HandoffIn *h);
const char *handoff_in_label(const HandoffIn *h, PetscInt n);
/* The child's J and from_parent of functional n. */
void handoff_in_child(const HandoffIn *h, PetscInt n, PetscReal *J, PetscReal *from_parent);
/* At the end of step m - 1 (m steps done): for a record at this time, with q add mu . q of the
   owned cells to J[n]; with lam (tag layout, nf functionals) add mu to lam. Not collective. */
PetscErrorCode handoff_in_at(HandoffIn *h, const Run *r, PetscInt64 m, const PetscReal *q,
                             PetscReal *J, PetscReal *lam);
PetscErrorCode handoff_in_destroy(HandoffIn **h);
