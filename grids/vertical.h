#pragma once
/* The vertical coordinate: terrain-following heights (Gal-Chen and Somerville 1975). Layer
   interfaces are given as heights above ground over flat terrain, z_iface[0] = 0 < ... <
   z_iface[nz] = ztop; over terrain of height h every layer is squeezed by (ztop - h) / ztop, so
   the model top is flat at ztop above sea level and lies ztop - h above the column's ground. */
#include <petscsys.h>

/* Fill z_iface[0..nz] with nz layers up to ztop whose thickness grows geometrically from
   dz_bottom (uniform if nz * dz_bottom >= ztop). Fails on impossible input. Not collective. */
PetscErrorCode vertical_stretched(PetscInt nz, PetscReal ztop, PetscReal dz_bottom,
                                  PetscReal *z_iface);

/* Thickness dz[k] and layer-centre height above ground zmid[k] of a column with terrain height
   h (m above sea level) for interfaces z_iface[0..nz]. Not collective. */
void vertical_column(PetscInt nz, const PetscReal *z_iface, PetscReal h, PetscReal *dz,
                     PetscReal *zmid);
