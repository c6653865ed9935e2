#pragma once
/* The CF grid mapping of a projection, written as the variable "crs" of an open NetCDF file in
   define mode; data variables name it in their grid_mapping attribute. */
#include <petscsys.h>
#include "grids/projection.h"

/* Define "crs" in nc (path is for messages). Not collective (call it on every rank of a
   parallel file). */
PetscErrorCode crs_define(int nc, const char *path, const Projection *p);
