#pragma once
/* Land-use categories used by deposition and by the domain file (variable landuse_fraction).
   They are the classes a dry-deposition scheme needs, coarser than USGS or MODIS classes; the
   grid tool documents how each is derived, and how WRF's LU_INDEX maps onto them. */
#include <petscsys.h>

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

/* Roughness length of each class, m: Wesely-type values (Wesely 1989, Atmos. Environ. 23, 1293),
   the one table that the surface layer of the meteorology (model/met/pbl.c) and dry deposition's
   aerodynamic resistance (physics/deposition_dry.c) both use. Snow cover is not in it: each user
   says how snow changes it. */
extern const PetscReal landuse_roughness_length[LANDUSE_N];
