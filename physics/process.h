#pragma once
/* The one interface every physics process implements (STYLE.md section 6a).
   A process is a file in physics/ whose only exported symbol is `const ProcessOps process_<name>`.
   It declares its namelist parameters once, in a table; model/namelist.c reads them from the
   options database (keys "<name>_<key>") and range-checks them before init() is called.
   The driver (model/run.c) calls the processes in the order the namelist lists them; for a
   process with max_dt it sub-steps, calling step() as often as the global minimum of max_dt
   requires, and refreshes ghost cells before every step() of a process with stencil_width > 0.
   Processes never call MPI, never touch a DM or Vec, read no files and print nothing. */
#include <petscsys.h>
#include "../grids/patch.h"
#include "fields.h"

/* Outcome of one process step. Anything other than PROCESS_OK asks the driver to retry the
   synchronisation step with a smaller dt (a bounded number of times). */
typedef enum { PROCESS_OK = 0, PROCESS_RETRY_SMALLER_DT } ProcessStatus;

/* Parameter types. Physics processes use the first four; the model's own groups (run, met,
   output, ...) also use strings and arrays. */
typedef enum {
  PARAM_REAL,        /* field: PetscReal */
  PARAM_INT,         /* field: PetscInt */
  PARAM_BOOL,        /* field: PetscBool */
  PARAM_ENUM,        /* field: PetscInt, index into choices */
  PARAM_STRING,      /* field: char[PARAM_STRING_LEN]; default in sdef */
  PARAM_REAL_ARRAY,  /* field: PetscReal[PARAM_ARRAY_MAX]; count at count_offset */
  PARAM_INT_ARRAY,   /* field: PetscInt[PARAM_ARRAY_MAX]; count at count_offset */
  PARAM_STRING_ARRAY /* field: char[PARAM_ARRAY_MAX][PARAM_STRING_LEN]; count at count_offset */
} ParamType;

#define PARAM_STRING_LEN 256 /* longest string value, including the terminating NUL */
#define PARAM_ARRAY_MAX 256  /* most elements in an array value */

/* One namelist parameter; its key is prefixed by the group (process) name when read.
   Ranges are inclusive, apply to every element of an array, and are ignored for PARAM_BOOL,
   PARAM_ENUM and strings. Arrays default to empty unless def_count > 0 (then every element
   defaults to def). */
typedef struct {
  const char *key, *units, *help;
  ParamType type;
  PetscReal def, min, max;
  size_t offset;              /* offsetof() into the parameter struct */
  const char *const *choices; /* PARAM_ENUM only, NULL-terminated */
  const char *sdef;           /* PARAM_STRING default ("" if NULL) */
  size_t count_offset;        /* arrays: offsetof() of the PetscInt element count */
  PetscInt def_count;         /* arrays: number of default elements */
} ParamSpec;

typedef struct {
  const char *name;        /* namelist group and registry key */
  PetscInt stencil_width;  /* ghost cells step() reads; 0 for column or pointwise processes */
  const ParamSpec *params; /* terminated by an entry with key == NULL */
  size_t params_size;      /* sizeof the parameter struct filled from params */

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
