#pragma once
/* The internals of a backward run (model/adjoint.c), shared with its restart
   (model/adjoint_resume.c) only: the &adjoint parameters, the functionals and the Adjoint
   object. */
#include "model/adjoint.h"
#include "model/run_impl.h"
#include "model/adjoint_handoff.h"
#include "base/spill.h"

typedef struct {
  PetscBool enabled;
  char receptors[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char species[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscReal window_start[PARAM_ARRAY_MAX], window_end[PARAM_ARRAY_MAX];
  PetscInt nreceptors, nspecies, nwindow_start, nwindow_end;
  char daily[PARAM_ARRAY_MAX][PARAM_STRING_LEN]; /* receptors whose windows add each day's */
  PetscInt ndaily;
  PetscInt snapshot_steps;
  PetscReal snapshot_memory_mb, met_memory_mb;
  PetscInt stop_steps;
  char handoff_file[PARAM_STRING_LEN];
} Params;

/* The kinds of source a contribution comes through. */
typedef enum { PART_INITIAL, PART_EMITTED, PART_LATERAL, PART_TOP, PART_N } Part;

/* One functional: the mean over its window of a receptor's weighted surface concentration, or of
   the surface concentration in the cell holding a point. */
typedef struct {
  char label[PARAM_STRING_LEN]; /* receptor:species:start-end h */
  PetscInt rec;                 /* receptor index in the domain, -1 for a point (and a hand-off) */
  PetscInt i, j;                /* a point's cell (global indices), -1 for a receptor */
  PetscInt spec;                /* species index, -1 for PM2.5 */
  PetscInt64 m0, m1;            /* the step ends counted: m steps done, m0 < m <= m1 */
} Functional;

/* One process call (a sub-step) of the step being swept back, with the bulk it started from. */
typedef struct {
  PetscInt slot;
  PetscInt64 step;          /* its f->step */
  PetscInt substep;         /* its f->substep (the call's index in the step) */
  const PetscInt *layers;   /* its f->layer_substeps: into layer_count, or NULL */
  PetscReal t, h;           /* its time and dt */
  PetscReal *q, *am, *vdep; /* the bulk and vdep before it; owned */
} Call;

struct Adjoint {
  Params *p; /* owned */
  PetscInt nf;
  Functional *fn; /* owned */
  State *ast;     /* owned: lambda in ast->tag, the recomputed bulk in ast->q and air_mass */
  Patch bulk;     /* ast's patch without tags, for the recomputation */
  const ProcessOps **ops; /* the run's processes, in order; the array owned, the tables static */
  void **ctx;             /* owned: the processes' contexts for ast's patch, one per run slot */
  PetscInt nslot;         /* the run's process slots */
  PetscInt64 nstep;       /* steps of the run */
  PetscInt64 *count;     /* [n*nslot + i]: slot i's step count at the start of step n, n <= nstep */
  PetscInt *layer_count; /* [(n*nslot + i)*nz + k]: the sub-steps layer k of slot i took in step
                            n < nstep, for the slots that sub-step by layer (0 for the others) */
  PetscInt64 k;          /* adjoint_snapshot_steps */
  Spill *snap;           /* the bulk q at the start of steps 0, k, 2k, ... and at the end; owned */
  PetscReal *span; /* the bulk q at the start of every step of one interval and after; owned */
  PetscInt len;    /* values of one bulk state (the ghosted local q) */
  PetscReal *J;    /* [nf]: this rank's part of each functional, from the forward run */
  Call *call;      /* owned, with their arrays */
  PetscInt ncall, capcall;
  PetscReal *sens_area, *sens_point, *sens_top; /* owned, in the Fields.sens_* layouts */
  PetscReal *budget;                            /* scratch for the recomputation */
  PetscLogStage stage;                          /* "adjoint", for -log_view */
  PetscInt emission_slot;                       /* the run slot of emission_area, -1 without it */
  PetscReal *foot;    /* the footprints in lambda's layout (model/output/footprint.h); owned */
  PetscReal *part;    /* [(k*nf + n)*ntag + m]: this rank's part of tag m's contribution to
                         functional n through source kind k (a Part); owned */
  PetscReal *contrib; /* [n*ntag + m]: tag m's contribution to functional n, the sum of the parts
                         over the ranks (once the sweep is done); owned */
  /* By species, whatever the tags: this rank's contributions of the initial state [n*ns + s], of
     the inflow [(n*SIDE_N + side)*ns + s] and of the top [n*ns + s]; owned. */
  PetscReal *initial, *inflow, *top;
  HandoffOut *hout; /* a nested child's sensitivities to its parent's records; owned, or NULL */
  HandoffIn *hin;   /* a parent run's: the child's functionals; owned, or NULL */
  PetscInt nsens_area, nsens_point;    /* the lengths of sens_area and sens_point */
  char checkpoint[PETSC_MAX_PATH_LEN]; /* <run_name>_adjoint_checkpoint.bin in run_output_dir */
  char resume[PETSC_MAX_PATH_LEN];     /* the checkpoint to resume the sweep from, or "" */
  PetscInt64 from; /* the step at whose start the resumed lambda is (nstep: from the end) */
  PetscReal *J_ck; /* [nf]: the resumed checkpoint's forward J, for this run's to match; owned */
};
