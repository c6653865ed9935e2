#pragma once
/* The one interface every physics process implements (STYLE.md section 6a).
   A process is a file in physics/ whose only exported symbol is `const ProcessOps process_<name>`.
   It declares its namelist parameters once, in a table, and its namelist group (name, title,
   table, size of the parameter struct) inside its ops; base/namelist.c reads them from the
   options database (keys "<name>_<key>") and range-checks them before init() is called.
   The driver (model/run.c) calls the processes in the order the namelist lists them; for a
   process with max_dt it sub-steps, calling step() as often as the global minimum of max_dt
   requires (at most run_max_substeps times), and refreshes ghost cells before every step() of a
   process with stencil_width > 0. A process with layer_max_dt instead sub-steps each layer k to
   its own global minimum: n_k calls of dt / n_k, the driver calling step() n = max_k n_k times
   with Fields.layer_substeps = n_k, Fields.substep the call's index and the dt argument dt / n;
   layer k steps in the calls substep < n_k only (its layers must not interact, as in horizontal
   advection; CMAQ's advection time step is layer-dependent the same way). A process that sub-steps
   inside step() (per column) takes at most Fields.max_substeps sub-steps and otherwise returns
   PROCESS_TOO_MANY_SUBSTEPS. Processes never call MPI, never touch a DM or Vec, read no files and
   print nothing. */
#include <petscsys.h>
#include "base/param.h"
#include "grids/patch.h"
#include "physics/fields.h"

/* Outcome of one process step. On anything other than PROCESS_OK the driver stops the run with
   one line naming the process and the time (the state is left part-updated, and no record of
   it is written). */
typedef enum {
  PROCESS_OK = 0,
  PROCESS_RETRY_SMALLER_DT, /* the step cannot be completed at this dt */
  PROCESS_TOO_MANY_SUBSTEPS /* it would need more sub-steps than Fields.max_substeps allows; it
                               sets Fields.substeps_needed */
} ProcessStatus;

typedef struct {
  ParamGroup group;       /* namelist group: its name is the registry key and run_processes entry;
                             params_size is the size of the struct init() receives */
  PetscInt stencil_width; /* ghost cells step() reads; 0 for column or pointwise processes */

  /* Allocate ctx and all workspaces; params already read and range-checked. */
  PetscErrorCode (*init)(const void *params, const Patch *patch, void **ctx);
  /* Advance fields on the owned cells of patch by dt; t is the time at the start of the call in
     seconds since 1970-01-01T00:00:00Z. No allocation, no MPI, no I/O. */
  PetscErrorCode (*step)(void *ctx, const Patch *patch, PetscReal t, PetscReal dt, Fields *f,
                         ProcessStatus *status);
  /* Largest stable dt on this patch (local; the driver reduces). NULL if unconstrained. */
  PetscErrorCode (*max_dt)(void *ctx, const Patch *patch, const Fields *f, PetscReal *dt_local);
  /* Largest stable dt of each layer on this patch, dt_local[k] for k < patch->mz (local; the
     driver reduces); for a process whose layers do not interact. NULL for the others. */
  PetscErrorCode (*layer_max_dt)(void *ctx, const Patch *patch, const Fields *f,
                                 PetscReal *dt_local);
  /* The exact transpose of the linear map step() applies to the tags (issue 15, backward runs).
     With the tags t, step() computes t_out = M t_in + b, M and b taken from the bulk and the met
     (b: what emissions or inflow put in). transpose() applies M^T to the adjoint values in f->tag,
     which hold, in the tag layout, one value per receptor functional instead of one per tag
     (patch->ntag counts the functionals). On entry f->q and f->air_mass hold the bulk at the
     start of the same forward call and every other field what step() saw; on return f->tag holds
     M^T lambda, and the bulk arrays hold what step() leaves (a process may advance the bulk to
     know its coefficients). Where step() reads tags in ghost cells, transpose() leaves their
     contributions in those ghost entries (the driver adds them back to their owners, or, outside
     the physical domain, to the inflow's sensitivity), and it zeroes the ghost entries it does
     not contribute to. The sensitivity to b is accumulated into the Fields.sens_* arrays that are
     not NULL. Same rules as step(): no allocation, no MPI, no I/O. NULL for a process that does
     not touch the tags (its transpose is the identity). */
  PetscErrorCode (*transpose)(void *ctx, const Patch *patch, PetscReal t, PetscReal dt, Fields *f,
                              ProcessStatus *status);
  /* Free ctx and set it to NULL; no-op on NULL. */
  PetscErrorCode (*finalize)(void **ctx);
} ProcessOps;
