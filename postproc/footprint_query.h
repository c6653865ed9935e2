#pragma once
/* What a new project adds to each receptor functional of a backward run, from the run's
   footprints (<run_name>_adjoint_footprints.nc, model/output/footprint.h): for functional n,
   species s and layer k of the project's column, sens[n][s][k] is the sensitivity of the
   functional (ug m-3, a zone's mean over its window) to a constant source of 1 kg s-1 of s in
   that cell over the whole run. A project emitting rate[s] kg s-1 spread over the layers with
   fractions frac[k] (summing to 1) adds
       add[n] = sum_s sum_k frac[k] sens[n][s][k] rate[s],   ug m-3.
   It is exact for a source at a constant rate that goes into fixed layers (a surface source:
   layer 0), as far as the run is linear in its emissions (linear chemistry; upwind transport
   exactly, PPM's limiter nearly): the footprints are the exact transpose of the model's tag map,
   and emission_point, right after emission_area in the default operator order (model/registry.c),
   puts a stack's mass in with the same air mass and adjoint values as the footprints'
   emission_area call (a run_processes that puts a process between them breaks this). A stack whose
   plume rise changes with the met is approximated by its layer fractions averaged over the run
   (postproc/stack_layers.h). The footprints are stored as 32-bit floats: an answer carries their
   relative rounding, about 6e-8. */
#include <petscsys.h>
#include "grids/grid.h"
#include "physics/species.h"
#include "postproc/stack_layers.h"

#define FOOTPRINT_LABEL_LEN 128 /* bytes of a functional's label, including the NUL */

typedef struct {
  PetscInt nf, nspec, nz;             /* functionals, species (physics/species.c), layers */
  PetscInt i, j;                      /* the column read (0-based) */
  PetscReal t_start, t_end;           /* the run the footprints integrate over, s since 1970 */
  char (*label)[FOOTPRINT_LABEL_LEN]; /* each functional's label (receptor:species:h0-h1h), from
                                         its variables' functional attribute; owned */
  PetscReal *sens;    /* [(n * nspec + s) * nz + k], ug m-3 (kg s-1)-1 (footprint_column_read;
                         else NULL); owned */
  PetscReal *surface; /* [((j * nx + i) * nf + n) * nspec + s]: layer 0 of every cell
                         (footprint_surface_read; else NULL), the same units; owned */
} FootprintColumn;

/* Read the footprints of column (i, j) of the file at path, which must lie on grid g (from the
   domain file grid_path; postproc/model_file.h) and hold the variables sens_<n>_<species> for
   n = 1, 2, ... and every species of sp[0..nspec). Fails in one line naming path and what was
   expected (a file that is not a backward run's footprints, of another grid, with a species
   missing). Not collective. */
PetscErrorCode footprint_column_read(const char *path, const Grid *g, const char *grid_path,
                                     const SpeciesInfo *sp, PetscInt nspec, PetscInt i, PetscInt j,
                                     FootprintColumn *fc);

/* The same file's layer 0 in every cell into fc->surface (fc->i, fc->j: 0, 0; no fc->sens),
   for the query page's surface projects. Not collective. */
PetscErrorCode footprint_surface_read(const char *path, const Grid *g, const char *grid_path,
                                      const SpeciesInfo *sp, PetscInt nspec, FootprintColumn *fc);

/* Free what footprint_column_read or footprint_surface_read allocated; no-op on a zeroed
 * FootprintColumn. Not collective. */
PetscErrorCode footprint_column_free(FootprintColumn *fc);

/* What a project emitting rate[s] kg s-1 (s < nspec) with layer fractions frac[0..nz) adds to
   each functional: by[n * (nspec + 1) + s] from species s, and the sum at s = nspec, ug m-3.
   Not collective. */
void footprint_column_add(const FootprintColumn *fc, const PetscReal *frac, const PetscReal *rate,
                          PetscReal *by);

/* For a stack (postproc/stack_layers.h): an estimate of the error of the mean fractions, for each
   functional, est[n] = spread * (max_k c_k - min_k c_k) over the layers the plume reaches at some
   step (reach[k] > 0), c_k = sum_s sens[n][s][k] rate[s] the project's footprint in layer k,
   ug m-3. It bounds the error when the footprint's part from each step has the same shape over
   those layers at every step, a_k(t) = c_k g(t), whatever its time course g (sum_t g = 1): the
   error is then sum_t g(t) sum_k c_k (w_k(t) - wbar_k), and as sum_k (w_k(t) - wbar_k) = 0, each
   inner sum is at most (max c - min c) 1/2 sum_k |w_k(t) - wbar_k| <= (max c - min c) spread.
   Not collective. */
void footprint_column_spread(const FootprintColumn *fc, const PetscReal *reach,
                             const PetscReal *rate, PetscReal spread, PetscReal *est);

/* A project's answer from the footprints, as bogda-query prints it (text or JSON). */
typedef struct {
  const char *path;          /* the footprint file; borrowed */
  const FootprintColumn *fc; /* its column at the project's cell; borrowed */
  PetscReal lon, lat;        /* the project's place, degrees */
  PetscBool stack_given;     /* a stack (plume rise), or a surface source (layer 0) */
  Stack stack;               /* if stack_given */
  StackLayersInfo plume;     /* if stack_given */
  const char *met_path;      /* if stack_given: the met file the plume rose in; borrowed */
  PetscReal *emit;           /* [s], t/yr; owned */
  PetscReal *rate;           /* [s], kg s-1 (t/yr at the model's 365-day year); owned */
  PetscReal *frac;           /* [k], the layer fractions used; owned */
  PetscReal *by;             /* [n * (nspec + 1) + s], footprint_column_add; owned */
  PetscReal *reach;          /* [k], the largest fraction at any step (a stack); owned */
  PetscReal *est;            /* [n], footprint_column_spread (a stack; 0 otherwise); owned */
} FootprintProject;
