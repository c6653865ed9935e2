#pragma once
/* The arrays a physics process works on, borrowed by the driver from the model's vectors for
   one call of step(). All arrays are flat and ghosted in the layout of grids/patch.h.
   Unless a member says otherwise, only owned cells hold valid values; ghosts of the state are
   valid only for processes that declare stencil_width > 0 (the driver refreshes them, and fills
   the ghosts outside the physical domain with boundary values). Met arrays are valid on the
   whole ghosted block. Units are given per member. */
#include <petscsys.h>
#include "base/landuse.h"

/* Budget terms accumulated per species by the processes on owned cells, in kg. The driver sums
   them over ranks for the log (a diagnostic: floating-point sums depend on the rank count). */
typedef enum {
  BUDGET_EMITTED = 0,   /* put into the air by emissions */
  BUDGET_DRY_DEPOSITED, /* removed by dry deposition */
  BUDGET_WET_DEPOSITED, /* removed by wet deposition */
  BUDGET_CHEM_PRODUCED, /* gained by chemical conversion */
  BUDGET_CHEM_LOST,     /* lost by chemical conversion */
  BUDGET_INFLOW,        /* entered across the lateral and top boundaries */
  BUDGET_OUTFLOW,       /* left across the lateral and top boundaries */
  BUDGET_NTERMS
} BudgetTerm;

/* Area emissions on the owned cells, prepared by the model (regridded, tagged, scaled by any
   scenario). Entry e puts rate[e*nspec+s] * profile_factor[profile[e]] kg s-1 of species s into
   cell cell[e] (a patch_index, so the layer is included) and credits it to the tags
   tag[e*nfamily + f], one per tag family. */
typedef struct {
  PetscInt n;              /* number of entries */
  const PetscInt *cell;    /* patch_index of the receiving cell */
  const PetscInt *profile; /* time-profile id, index into Emissions.profile_factor */
  const PetscInt *tag;     /* credited tag per family, [e*nfamily + f] */
  const PetscReal *rate;   /* kg s-1 per species, [e*nspec + s], before the time profile */
  const PetscInt *unit;    /* control unit (index in the domain) it comes from, -1 for none;
                              NULL: not known (then every entry counts as none) */
} EmissionArea;

/* Point sources (stacks) whose column is owned by this rank; plume rise puts them in layers. */
typedef struct {
  PetscInt n;                   /* number of stacks */
  const PetscInt *i, *j;        /* owned column of the stack */
  const PetscReal *height;      /* stack height above ground, m */
  const PetscReal *diameter;    /* inner stack diameter at the top, m */
  const PetscReal *velocity;    /* exit velocity, m s-1 */
  const PetscReal *temperature; /* exit temperature, K */
  const PetscInt *profile;      /* time-profile id */
  const PetscInt *tag;          /* credited tag per family, [p*nfamily + f] */
  const PetscReal *rate;        /* kg s-1 per species, [p*nspec + s], before the time profile */
  const PetscInt *unit;         /* control unit (index in the domain), -1 for none; NULL: unknown */
  const PetscInt *source;       /* its row in the point-source list (PointSources), all ranks'
                                   numbering; NULL: unknown */
} EmissionPoint;

typedef struct {
  PetscInt nfamily;                /* tag families; each family partitions the bulk */
  const PetscReal *profile_factor; /* time-profile factor at this step, per profile id, 1 */
  EmissionArea area;
  EmissionPoint point;
} Emissions;

typedef struct {
  /* State, read-write. */
  PetscReal *q;   /* mass mixing ratio, kg kg-1, [patch_index*nspec + s] */
  PetscReal *tag; /* tagged mixing ratios, kg kg-1, [(patch_index*nspec + s)*ntag + n]; NULL without
                     tags */
  PetscReal *air_mass; /* air mass of each cell, kg, 3D; advection leaves it at air_mass_next */

  /* Boundary values above the model top, for air flowing in through the top, set by the driver. */
  const PetscReal *q_top;   /* kg kg-1, [patch_index2*nspec + s] */
  const PetscReal *tag_top; /* kg kg-1, [(patch_index2*nspec + s)*ntag + n]; NULL without tags */

  /* Meteorology at the middle of the step unless noted; read-only, whole ghosted block. */
  const PetscReal *air_mass_next; /* air mass of each cell at the end of the step, kg, 3D */
  const PetscReal
      *flux_x; /* air-mass flux through the west face of cell (i,j,k), kg s-1, eastward > 0 */
  const PetscReal
      *flux_y; /* air-mass flux through the south face of cell (i,j,k), kg s-1, northward > 0 */
  const PetscReal *rho;          /* air density, kg m-3, 3D */
  const PetscReal *dz;           /* layer thickness, m, 3D */
  const PetscReal *zmid;         /* height of the layer centre above ground, m, 3D */
  const PetscReal *temperature;  /* air temperature, K, 3D */
  const PetscReal *theta;        /* potential temperature, K, 3D */
  const PetscReal *pressure;     /* air pressure, Pa, 3D */
  const PetscReal *rel_humidity; /* relative humidity, 1 (0..1), 3D */
  const PetscReal *cloud_water;  /* cloud liquid water mixing ratio, kg kg-1, 3D */
  const PetscReal *u, *v; /* wind components at the cell centre along grid x and y, m s-1, 3D */
  const PetscReal
      *kz; /* vertical diffusivity at the top interface of cell k, m2 s-1, 3D (top value unused) */
  const PetscReal *pblh;       /* boundary-layer height, m, 2D */
  const PetscReal *ustar;      /* friction velocity, m s-1, 2D */
  const PetscReal *hfx;        /* upward surface sensible heat flux, W m-2, 2D */
  const PetscReal *precip;     /* surface precipitation rate, mm h-1, 2D */
  const PetscReal *snow_cover; /* snow-covered fraction of the ground, 1, 2D */
  const PetscReal *t2;         /* air temperature at 2 m, K, 2D */
  const PetscReal *land_use;   /* land-use fractions by category, 1, [patch_index2*LANDUSE_N + c] */
  const PetscReal *terrain;    /* terrain height above sea level, m, 2D */
  const Emissions *emissions;  /* borrowed from the model; NULL when there are none */

  /* Work arrays shared between processes, read-write. */
  PetscReal
      *vdep; /* dry-deposition velocity at the lowest layer, m s-1, [patch_index2*nspec + s];
                written by deposition_dry, used as the lower boundary flux by mixing_vertical */
  PetscReal *dep_dry; /* accumulated dry deposition, kg m-2, [patch_index2*nspec + s] */
  PetscReal *dep_wet; /* accumulated wet deposition, kg m-2, [patch_index2*nspec + s] */
  PetscReal *budget;  /* local budget, kg, [term*nspec + s] with term a BudgetTerm */

  /* Backward runs only (each NULL otherwise): sensitivities of the receptor functionals that the
     transposes accumulate (+=), one value per functional n (patch->ntag of them), in the
     functional's units per unit of the input. */
  PetscReal *sens_area;  /* to the rate of area-emission entry e, species s, per (kg s-1) before
                            the time profile: [(e*nspec + s)*ntag + n] */
  PetscReal *sens_point; /* to the rate of stack p, species s, per (kg s-1) before the time
                            profile: [(p*nspec + s)*ntag + n] */
  PetscReal *sens_top;   /* to the tag mixing ratio above the model top (f->tag_top), per kg kg-1:
                            [(patch_index2*nspec + s)*ntag + n] */

  PetscInt64
      step; /* how many times this process has been stepped before in the run (sub-steps count) */
  /* Sub-stepping by layer (a process with layer_max_dt, physics/process.h); layer_substeps is
     NULL for the others, and then the other three are unset. */
  const PetscInt *layer_substeps; /* [k]: sub-steps layer k takes in this synchronisation step */
  PetscInt substep;               /* this call's index among the step's calls, 0-based */
  PetscInt64 sync_step;           /* the synchronisation step's index from the run's start */
  PetscReal sync_dt;              /* its length, s: layer k's sub-step is sync_dt / n_k */
  PetscInt max_substeps;          /* in: most sub-steps a process may take within one step()
                                (run_max_substeps) */
  PetscReal substeps_needed;      /* out, with PROCESS_TOO_MANY_SUBSTEPS: how many it would need;
                                     PETSC_MAX_REAL for a NaN or infinite Courant number */
} Fields;
