#pragma once
/* A point given in degrees with its hemispheres, as the backward run's receptors name one:
   "87.62E43.83N" (longitude then latitude, each an unsigned decimal number, no exponent,
   followed by E or W, N or S). The text contains no comma or colon, so it can stand as it is in
   a functional's label (RECEPTOR:SPECIES:H0-H1h) and in CSV fields. */
#include <petscsys.h>

/* A point written as LONLAT_EXAMPLE, for messages. */
#define LONLAT_EXAMPLE "87.62E43.83N"

/* Whether text is such a point with |longitude| <= 180 and |latitude| <= 90; if it is, its
   longitude and latitude in degrees (east and north positive) in *lon, *lat. Not collective. */
PetscBool lonlat_parse(const char *text, PetscReal *lon, PetscReal *lat);
