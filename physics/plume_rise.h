#pragma once
/* Briggs plume rise through a layered atmosphere, and the spread of a plume over model layers.
   Pure functions on one column, so tests can call them directly. */
#include <petscsys.h>

typedef struct {
  PetscReal u_min; /* smallest wind speed used, m s-1 */
  PetscReal
      stable_dthetadz;     /* potential-temperature gradient above which a layer is stable, K m-1 */
  PetscReal bottom_factor; /* plume bottom at stack + bottom_factor * rise */
  PetscReal top_factor;    /* plume top at stack + top_factor * rise */
} PlumeRiseParams;

/* A column of nz layers: layer-centre heights zmid and thicknesses dz (m above ground),
   potential temperature theta (K), air temperature temp (K), wind speed wind (m s-1). */
typedef struct {
  PetscInt nz;
  const PetscReal *zmid, *dz, *theta, *temp, *wind;
} PlumeColumn;

/* Final plume rise (m above the stack top) of a stack of height hs (m), inner diameter d (m),
   exit velocity vs (m s-1) and exit temperature ts (K). Not collective. */
PetscReal plume_rise(const PlumeRiseParams *p, const PlumeColumn *col, PetscReal hs, PetscReal d,
                     PetscReal vs, PetscReal ts);

/* Fractions (summing to 1 exactly, by normalisation) of a plume from bottom to top (m above
   ground) in each layer; a plume of no depth goes into the layer holding its height. */
void plume_rise_layers(const PlumeColumn *col, PetscReal bottom, PetscReal top, PetscReal *frac);
