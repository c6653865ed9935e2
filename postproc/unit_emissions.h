#pragma once
/* What a base run emitted in each control unit, by sector and species (t/yr, annual-mean rates
   after the run's scenario), and where a point falls: the cell and the unit the model would credit
   a stack there to.

   The model itself writes its emitted totals by prefecture only (<name>_emissions.csv,
   model/emissions/emissions.c); the unit totals are rebuilt here from the run's own inputs, named
   in its <name>_effective.nml: the gridded inventory regridded with the model's conservative map
   (model/emissions/regrid.h) and split by the domain's unit cover, the point sources in the cell
   their position falls in, each scaled by the run's &scenario. Summed by prefecture they are the
   run's emission table (tests/regression/query_page.sh checks it). */
#include <petscsys.h>
#include "grids/grid.h"
#include "grids/domain.h"
#include "physics/species.h"

typedef struct {
  char nml[PETSC_MAX_PATH_LEN]; /* the run's effective namelist */
  Grid *grid;                   /* the run's grid, on one rank; owned */
  Domain *dom;                  /* the domain file read on that grid (cover, registries); owned */
  PetscInt nspec;               /* species of physics/species.c */
  PetscReal *t_yr;              /* [(u * SECTOR_N + s) * nspec + k], t/yr; owned */
  PetscInt *npoints;            /* point sources credited to each unit; owned */
} UnitEmissions;

/* Rebuild the unit totals of the run in folder run_dir, whose domain file is domain_path. Loads
   the run's <name>_effective.nml into the options database (its &emissions and &scenario
   groups). Fails naming the file that is missing or unreadable. Not collective (PETSC_COMM_SELF).
 */
PetscErrorCode unit_emissions_create(const char *run_dir, const char *domain_path,
                                     UnitEmissions **ue);

/* The input file that option -key (an input of the run: emissions_points_file, met_output) names
   in the options database (the run's effective namelist nml, or the command line, which wins),
   in path[len]; "" if it names none. A file named but not found is refused with the key, since
   the run's paths are relative to the folder the model ran in. Not collective. */
PetscErrorCode unit_emissions_input_path(const char *nml, const char *key, char *path, size_t len);

/* Free and set the handle to NULL; no-op on NULL. */
PetscErrorCode unit_emissions_destroy(UnitEmissions **ue);

/* The cell (i, j) (0-based) whose centre is nearest to lon, lat on the run's grid, as the model
   places a point source; PETSC_FALSE if it lies outside the domain. Not collective. */
PetscBool unit_emissions_cell(const UnitEmissions *ue, PetscReal lon, PetscReal lat, PetscInt *i,
                              PetscInt *j);

/* The unit the model credits a point source in cell (i, j) to when the source names none: the
   key-control unit with the largest share of the cell if there is one, else the unit with the
   largest share (model/emissions/emissions.c, point_unit). -1 if the cell has no unit. */
PetscInt unit_emissions_cell_unit(const UnitEmissions *ue, PetscInt i, PetscInt j);
