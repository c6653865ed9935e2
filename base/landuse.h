#pragma once
/* Land-use categories used by deposition and by the domain file (variable landuse_fraction).
   They are the classes a dry-deposition scheme needs, coarser than USGS or MODIS classes; the
   grid tool documents how each is derived, and how WRF's LU_INDEX maps onto them. */

typedef enum {
  LANDUSE_WATER = 0, /* lakes, reservoirs, sea */
  LANDUSE_BARREN,    /* desert, gobi, bare rock */
  LANDUSE_GRASSLAND, /* steppe, alpine meadow, shrubland */
  LANDUSE_CROPLAND,  /* irrigated oasis farmland */
  LANDUSE_FOREST,    /* mountain conifer forest, riparian poplar */
  LANDUSE_URBAN,     /* built-up land */
  LANDUSE_SNOW_ICE,  /* permanent snow and glaciers */
  LANDUSE_N
} LandUse;
