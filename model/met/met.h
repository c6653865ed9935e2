#pragma once
/* Meteorology: one interface, several sources (wrf, diagnostic, analytic).
   A source fills a MetFields snapshot on the whole ghosted patch of its rank, at one of its own
   times, without communication between ranks, so every rank sees the same values in shared
   ghost cells and results do not depend on the rank count. model/met/met.c interpolates snapshots
   in time and derives the air masses and face mass fluxes that transport uses. */
#include <petscsys.h>
#include "base/param.h"
#include "grids/grid.h"
#include "physics/fields.h"

/* One meteorological snapshot on the ghosted patch; arrays are flat in the layout of
   grids/patch.h and owned by the MetFields. */
typedef struct {
  PetscReal time; /* s since 1970-01-01T00:00:00Z */
  /* 3D, at cell centres */
  PetscReal *rho;          /* air density (moist), kg m-3 */
  PetscReal *dz;           /* layer thickness, m */
  PetscReal *zmid;         /* height of the layer centre above ground, m */
  PetscReal *temperature;  /* K */
  PetscReal *theta;        /* potential temperature, K */
  PetscReal *pressure;     /* Pa */
  PetscReal *rel_humidity; /* 0..1 */
  PetscReal *cloud_water;  /* cloud liquid water mixing ratio, kg kg-1 */
  PetscReal *u, *v;        /* grid-relative wind at the cell centre, m s-1 */
  PetscReal *kz;           /* vertical diffusivity at the top interface of cell k, m2 s-1 */
  PetscReal *w;            /* vertical wind at the cell centre, m s-1 (valid if has_w) */
  PetscBool has_w;         /* the source gives w (written by met_output only then) */
  /* 3D, on faces */
  PetscReal *u_face; /* grid-relative x wind on the west face of cell (i,j,k), m s-1 */
  PetscReal *v_face; /* grid-relative y wind on the south face of cell (i,j,k), m s-1 */
  /* 2D */
  PetscReal *pblh;       /* boundary-layer height, m */
  PetscReal *ustar;      /* friction velocity, m s-1 */
  PetscReal *hfx;        /* upward surface sensible heat flux, W m-2 */
  PetscReal *precip;     /* surface precipitation rate, mm h-1 */
  PetscReal *snow_cover; /* snow-covered fraction, 0..1 */
  PetscReal *t2;         /* 2 m temperature, K */
  PetscReal *terrain;    /* terrain height, m above sea level */
  PetscReal *landuse;    /* land-use fractions, [patch_index2*LANDUSE_N + c] */
} MetFields;

/* Allocate a snapshot for the patch (all arrays zeroed). Not collective. */
PetscErrorCode met_fields_create(const Patch *p, MetFields **m);
/* Free a snapshot and set the handle to NULL; no-op on NULL. */
PetscErrorCode met_fields_destroy(MetFields **m);

/* A met source. The model calls create once, then fill at times the source offers. */
typedef struct {
  const char *name; /* value of the &met key source that chooses this source */
  ParamGroup group; /* the source's namelist group, &met_<name>; read by the source itself */
  /* The grid this source runs on, from its namelist group and inputs (a WRF file's own grid or
     a window of it, a domain file, or namelist numbers). Collective on comm. */
  PetscErrorCode (*grid_spec)(MPI_Comm comm, GridSpec *spec);
  /* Read the source's namelist group, open its inputs, and validate them against the grid.
     Collective on grid->comm. */
  PetscErrorCode (*create)(const Grid *grid, void **ctx);
  /* The source's snapshot times bracketing t: t0 <= t < t1 (t1 = t0 + interval for sources
     that can be evaluated at any time). Fails with a clear message if t is out of range.
     Not collective, and gives the same answer on every rank. */
  PetscErrorCode (*bracket)(void *ctx, PetscReal t, PetscReal *t0, PetscReal *t1);
  /* Fill m at time t, one of the source's snapshot times. Collective on grid->comm. */
  PetscErrorCode (*fill)(void *ctx, const Grid *grid, PetscReal t, MetFields *m);
  /* Free ctx and set it to NULL; no-op on NULL. */
  PetscErrorCode (*destroy)(void **ctx);
} MetSourceOps;

/* The time loop's view of the meteorology: the source, two snapshots bracketing the current
   step, the fields interpolated to the middle of the step, and the derived air masses and face
   air-mass fluxes. */
typedef struct {
  const Grid *grid;           /* borrowed */
  const MetSourceOps *ops;    /* borrowed: static table */
  void *ctx;                  /* the source's context; owned */
  MetFields *snap[2];         /* snapshots at snap_time[0] < snap_time[1]; owned */
  PetscReal snap_time[2];     /* s since 1970-01-01Z */
  PetscReal *mass_snap[2];    /* air mass of each cell at the snapshots, kg, 3D ghosted; owned */
  MetFields *now;             /* fields at the middle of the current step; owned */
  PetscReal *air_mass_start;  /* air mass at the start of the current step, kg; owned */
  PetscReal *air_mass_end;    /* air mass at the end of the current step, kg; owned */
  PetscReal *flux_x, *flux_y; /* air-mass fluxes through west and south faces, kg s-1; owned */
  struct MetOutput *output;   /* met_output writer, or NULL; owned */
} Met;

/* Read the &met group and return the chosen source. Collective. */
PetscErrorCode met_read_source(MPI_Comm comm, const MetSourceOps **ops);

/* Create the met state for grid g with source ops (calls the source's create), and the
   met_output writer if &met asks for one (every snapshot read is then written to it). Collective.
 */
PetscErrorCode met_create(const Grid *g, const MetSourceOps *ops, Met **m);

/* Destroy; no-op on NULL. Collective. */
PetscErrorCode met_destroy(Met **m);

/* Fail clearly unless the source's snapshot interval around t is a whole multiple of dt. */
PetscErrorCode met_check_step(Met *m, PetscReal t, PetscReal dt);

/* Prepare the step [t, t + dt]: snapshots, fields at the middle, air masses at both ends and
   face fluxes. Collective (sources may read files). */
PetscErrorCode met_advance(Met *m, PetscReal t, PetscReal dt);

/* Air mass of every ghosted cell at time t, into mass (patch_size3 values). Collective. */
PetscErrorCode met_air_mass_at(Met *m, PetscReal t, PetscReal *mass);

/* Point the met members of f at the current step's arrays. Not collective. */
void met_set_fields(const Met *m, Fields *f);

/* The &met namelist group (for the registry's list of groups). */
extern const ParamGroup met_group;
