#pragma once
/* Emission inputs for a run: a gridded inventory on any regular latitude-longitude grid (the
   way MEIC, EDGAR and CAQIEI are distributed), regridded conservatively at start-up, and point
   sources from CSV; split by control unit (the domain's unit fractions), scaled by the scenario,
   credited to a tag in each family, and scaled in time by the sector profiles.

   Gridded file (NetCDF): coordinates lat(lat), lon(lon) of cell centres (degrees, regular,
   increasing) and one variable <species>_<sector>(lat, lon) per species and sector present
   (e.g. so2_power), with units "t yr-1" or "kg yr-1" (per cell) or "kg m-2 s-1". Species and
   sectors are those of physics/species.c and model/emissions/profiles.h; absent variables are zero.
   A field on other dimensions than (lat, lon), in another order, or holding a NaN, an infinity, a
   fill value (_FillValue, missing_value, netCDF's default), a negative value or more than 1e9 t/yr
   in one cell is refused, naming the file, the variable and the cell.
 */
#include "physics/fields.h"
#include "grids/grid.h"
#include "model/emissions/profiles.h"
#include "model/tags.h"
#include "model/emissions/scenario.h"
#include "base/param.h"

typedef struct EmissionSet EmissionSet;

/* Read the &emissions group and the point sources it names (NULL if none). Collective. */
PetscErrorCode emissions_points(MPI_Comm comm, const SpeciesInfo *sp, PetscInt nspec,
                                PointSources **ps);

/* Read &emissions, the gridded inventory and the profiles; prepare entries for the owned cells of
   patch p (which carries the species table) and for the point sources ps (may be NULL). dom may
   be NULL (no control units). Collective. */
PetscErrorCode emissions_create(MPI_Comm comm, const Grid *g, const Patch *p, const Domain *dom,
                                const Tags *tags, const Scenario *sc, const PointSources *ps,
                                const char *report_path, EmissionSet **es);
PetscErrorCode emissions_destroy(EmissionSet **es);

/* Write the emitted totals by prefecture, sector and species (t/yr) as CSV to the report_path
   given to emissions_create (nothing if it was NULL or empty). Called once every input of the
   run has been read and checked, so that a refused run leaves no report. Collective. */
PetscErrorCode emissions_write_report(MPI_Comm comm, const EmissionSet *es);

/* The time-profile factors for time t (s since the epoch). Not collective. */
void emissions_update(EmissionSet *es, PetscReal t);

/* What Fields.emissions points to (NULL when there are no emissions). */
const Emissions *emissions_fields(const EmissionSet *es);

/* The &emissions namelist group (for the registry's list of groups). */
extern const ParamGroup emissions_group;
