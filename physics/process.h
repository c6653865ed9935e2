#pragma once
/* The one interface every physics process implements (STYLE.md section 6a).
   A process is a file in physics/ whose only exported symbol is `const ProcessOps process_<name>`.
   It declares its namelist parameters once, in a table, and its namelist group (name, title,
   table, size of the parameter struct) inside its ops; base/namelist.c reads them from the
   options database (keys "<name>_<key>") and range-checks them before init() is called.
   The driver (model/run.c) calls the processes in the order the namelist lists them; for a
   process with max_dt it sub-steps, calling step() as often as the global minimum of max_dt
   requires (at most run_max_substeps times), and refreshes ghost cells before every step() of a
   process with stencil_width > 0. A process that sub-steps inside step() (per column) takes at
   most Fields.max_substeps sub-steps and otherwise returns PROCESS_TOO_MANY_SUBSTEPS.
   Processes never call MPI, never touch a DM or Vec, read no files and print nothing. */
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
  /* Free ctx and set it to NULL; no-op on NULL. */
  PetscErrorCode (*finalize)(void **ctx);
} ProcessOps;
