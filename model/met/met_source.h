#pragma once
/* The met plug-in contract: what a met source (model/met/met_<name>.c) implements and fills, and
   all of the driver it sees. A source is one file that exports `const MetSourceOps
   met_source_<name>` and is one line of the registry (model/registry.c); it includes this header
   and helpers of model/met/, nothing else of model/.

   A source fills a MetFields snapshot on the whole ghosted patch of its rank, at one of its own
   times, without communication between ranks, so every rank sees the same values in shared
   ghost cells and results do not depend on the rank count. The Met front (model/met/met.h)
   interpolates the snapshots in time and derives what transport needs. */
#include <petscsys.h>
#include "base/param.h"
#include "grids/grid.h"

/* The fastest winds a source may give, m s-1; the front (model/met/met.c) refuses a snapshot
   with faster ones, and the wrf source a file. The fastest winds measured in the free
   atmosphere, in the winter jet stream, are about 110 m s-1, and the fastest surface gust on
   record 113 m s-1 (Barrow Island, 1996, in the WMO archive of weather and climate extremes);
   the strongest updraughts measured in thunderstorms are about 50 m s-1. Each bound lies well
   above its record, so only a corrupt or mistaken field meets it; a wind of 1e6 m s-1 in one
   cell made the run sub-step for ever. */
#define MET_WIND_MAX 150.0 /* |u|, |v| */
#define MET_W_MAX 100.0    /* |w| */
#define MET_WIND_WHY                                                                               \
  "faster than any wind measured (jet streams reach about 110 m s-1, updraughts about 50)"

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

/* A met source. The model calls grid_spec and create once, then fill at times the source
   offers. */
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
