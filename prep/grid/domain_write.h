#pragma once
/* Writing a built domain: DIR/<name>_domain.nc (CF-1.8, NetCDF-4; the layout grids/domain.h
   reads) and the unit registry DIR/<name>_units.csv. The NetCDF file is written as
   <file>.tmp and renamed when complete, so a failed run leaves no file that looks finished. */
#include "prep/grid/domain_sample.h"

/* Write the files of domain d from the samples of all its rows (s->j0 = 0, s->j1 = ny).
   Not collective: rank 0 calls it. */
PetscErrorCode domain_write(const ToolConfig *cfg, const DomainDef *d, const Geography *g,
                            const ReceptorSet *rs, const DomainSamples *s, const char *dir);

/* True area of cell (i, j) of spec, m2: dx dy / m^2 at the cell centre (projection.h), or the
   spherical area of a lat-lon cell. Not collective. */
PetscReal domain_write_cell_area(const GridSpec *spec, PetscInt i, PetscInt j);
