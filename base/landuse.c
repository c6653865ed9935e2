/* The land-use classes' surface properties shared by several layers (see landuse.h). */
#include "base/landuse.h"

const PetscReal landuse_roughness_length[LANDUSE_N] = {
    [LANDUSE_WATER] = 2e-4,    [LANDUSE_BARREN] = 0.01, [LANDUSE_GRASSLAND] = 0.03,
    [LANDUSE_CROPLAND] = 0.05, [LANDUSE_FOREST] = 1.0,  [LANDUSE_URBAN] = 1.0,
    [LANDUSE_SNOW_ICE] = 1e-3,
};
