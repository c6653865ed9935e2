#pragma once
/* Meteorology for the time loop: the front of the met sources (wrf, diagnostic, analytic; their
   contract is model/met/met_source.h). model/met/met.c interpolates the chosen source's
   snapshots in time and derives the air masses and face mass fluxes that transport uses. It
   reads; it writes no files (the driver writes the snapshots with model/output/met_output.h). */
#include <petscsys.h>
#include "base/param.h"
#include "base/spill.h"
#include "grids/grid.h"
#include "physics/fields.h"
#include "model/met/met_source.h"

/* The &met group: which source, and where the driver writes the source's snapshots. */
typedef struct {
  PetscInt source;               /* index into the registry's met sources */
  char output[PARAM_STRING_LEN]; /* met_output file, '' for none */
  PetscReal output_interval;     /* s; 0: every snapshot */
} MetParams;

/* The &met namelist group (for the registry's list of groups). */
extern const ParamGroup met_group;

/* Allocate a snapshot for the patch (all arrays zeroed). Not collective. */
PetscErrorCode met_fields_create(const Patch *p, MetFields **m);
/* Free a snapshot and set the handle to NULL; no-op on NULL. */
PetscErrorCode met_fields_destroy(MetFields **m);

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
  /* Copies of the last snapshots the source filled (met_cache_enable; none by default), so a
     backward run stepping back and forth over a snapshot does not have the source fill it
     again: ncache of them, each one record (a snapshot's fields and air mass, packed as
     met_snapshot_bytes counts them) with its has_w, time and when it was last used; owned. */
  PetscInt ncache;
  PetscReal **cache, *cache_time;
  PetscBool *cache_has_w;
  PetscInt64 *cache_used, uses;
  /* The records the cache let go of, on disk (met_cache_spill), up to maxspill of them, with
     each one's time and has_w. All owned; spill NULL without. */
  Spill *spill;
  PetscReal *spill_time;
  PetscBool *spill_has_w;
  PetscInt64 nspill, maxspill;
  PetscInt64 fills, unspills; /* snapshots the source filled; copies read back from the disk tier */
} Met;

/* Read the &met group into p and return the source it chooses. Collective. */
PetscErrorCode met_read_source(MPI_Comm comm, MetParams *p, const MetSourceOps **ops);

/* Create the met state for grid g with source ops (calls the source's create). Collective. */
PetscErrorCode met_create(const Grid *g, const MetSourceOps *ops, Met **m);

/* Destroy; no-op on NULL. Collective. */
PetscErrorCode met_destroy(Met **m);

/* Keep copies of the n snapshots the source filled last (each the size of a snapshot and an
   air mass), taken instead of a new fill of the same time: the same bits, as a source's fill is
   a function of the time alone. For backward runs, whose steps go back over the snapshots
   their recomputation went through. Not collective. */
PetscErrorCode met_cache_enable(Met *m, PetscInt n);

/* Behind the cache, a disk tier for up to n of the copies it lets go of, written as raw bytes
   (the same bits read back) to this rank of comm's file "<dir>/<name>_<rank>.tmp", removed by
   met_destroy: a backward run that cannot keep every snapshot in memory reads them back
   instead of having the source fill them again (for the diagnostic source, a wind solve each).
   Call after met_cache_enable. Not collective. */
PetscErrorCode met_cache_spill(Met *m, MPI_Comm comm, PetscInt64 n, const char *dir,
                               const char *name);

/* The bytes of one kept copy on this rank: a snapshot's fields and its air mass. */
double met_snapshot_bytes(const Met *m);

/* The interval of the source's snapshots around t, s. Not collective. */
PetscErrorCode met_interval(Met *m, PetscReal t, PetscReal *interval);

/* Fail clearly unless the source's snapshot interval around t is a whole multiple of dt. */
PetscErrorCode met_check_step(Met *m, PetscReal t, PetscReal dt);

/* Prepare the step [t, t + dt]: snapshots, fields at the middle, air masses at both ends and
   face fluxes. Collective (sources may read files). The snapshots read are snap[0] and snap[1]
   afterwards (for the driver's met output). Fails naming the source, time, field and cell if a
   snapshot read has a wind beyond MET_WIND_MAX or MET_W_MAX (met_source.h), an air density that
   is not positive, or a layer thinner than VERTICAL_DZ_MIN (grids/vertical.h). */
PetscErrorCode met_advance(Met *m, PetscReal t, PetscReal dt);

/* Air mass of every ghosted cell at time t, into mass (patch_size3 values); may read the
   snapshots around t into snap[0] and snap[1], as met_advance does. Collective. */
PetscErrorCode met_air_mass_at(Met *m, PetscReal t, PetscReal *mass);

/* Point the met members of f at the current step's arrays. Not collective. */
void met_set_fields(const Met *m, Fields *f);
