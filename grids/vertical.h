#pragma once
/* The vertical coordinate: terrain-following heights (Gal-Chen and Somerville 1975). Layer
   interfaces are given as heights above ground over flat terrain, z_iface[0] = 0 < ... <
   z_iface[nz] = ztop; over terrain of height h every layer is squeezed by (ztop - h) / ztop, so
   the model top is flat at ztop above sea level and lies ztop - h above the column's ground. */
#include <petscsys.h>

/* The thinnest layer accepted anywhere, m. Over terrain every layer is squeezed by
   (ztop - h) / ztop; as h nears the top the layers, and the time step vertical transport can
   take through them, go to zero (a terrain above the top makes them negative: the run never
   finished a step, or filled the state with NaN). 1 m is a tenth of the thinnest first layer
   of common WRF and CMAQ set-ups (about 10 to 50 m), so no real grid comes near it. */
#define VERTICAL_DZ_MIN 1.0

/* Fill z_iface[0..nz] with nz layers up to ztop whose thickness grows geometrically from
   dz_bottom (uniform if nz * dz_bottom >= ztop). Fails on impossible input, and on layers
   thinner than VERTICAL_DZ_MIN, naming the keys as keys followed by nz, ztop and dz_bottom (for
   example keys = "domain_xj27_"). Not collective. */
PetscErrorCode vertical_stretched(const char *keys, PetscInt nz, PetscReal ztop,
                                  PetscReal dz_bottom, PetscReal *z_iface);

/* Fail unless nominal interfaces z_iface[0..nz] start at 0 and rise by at least
   VERTICAL_DZ_MIN per layer, naming the file at path and its variable name. Not collective. */
PetscErrorCode vertical_check_levels(const char *path, const char *name, PetscInt nz,
                                     const PetscReal *z_iface);

/* Thickness of the thinnest layer of a column with terrain height h under the interfaces
   z_iface[0..nz], m: zero or negative when the terrain reaches the model top. Not collective. */
PetscReal vertical_thinnest(PetscInt nz, const PetscReal *z_iface, PetscReal h);

/* Fail unless a column of terrain height h (m above sea level) lies below the model top
   z_iface[nz] with every layer at least VERTICAL_DZ_MIN thick (a NaN height fails too). The
   message names top (what set the model top: a key or a file variable), the top, h, where (the
   column) and ends with fix (what to do). Collective on comm if the values are the same on
   every rank of it, else pass PETSC_COMM_SELF. */
PetscErrorCode vertical_check_terrain(MPI_Comm comm, PetscInt nz, const PetscReal *z_iface,
                                      PetscReal h, const char *top, const char *where,
                                      const char *fix);

/* Thickness dz[k] and layer-centre height above ground zmid[k] of a column with terrain height
   h (m above sea level) for interfaces z_iface[0..nz]. Not collective. */
void vertical_column(PetscInt nz, const PetscReal *z_iface, PetscReal h, PetscReal *dz,
                     PetscReal *zmid);
