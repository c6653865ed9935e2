#pragma once
/* A NetCDF file the model wrote on its grid through model/output/output.c (a backward run's
   footprints, met_output), read one column at a time by the post-processing: opened with its grid
   checked against the run's, its record times, and one variable's values in one column. */
#include <petscsys.h>
#include "grids/grid.h"

/* Open path (base/ncinput.h: probed first) and check that it lies on grid g (one rank holding the
   whole grid): its x, y and lev dimensions are g's nx, ny, nz, its x and y coordinates are g's
   cell centres to 1e-6 of a cell, and its lat and lon of cell (i, j) are g's there to 1e-6 degree
   (the same plane coordinates under another projection differ there). what names the file's kind
   in the messages ("the footprint file"); grid_path names where g came from (-domain FILE). Fails
   in one line naming path, what was found and what was expected. Not collective. */
PetscErrorCode model_file_open(const char *path, const char *what, const Grid *g,
                               const char *grid_path, PetscInt i, PetscInt j, int *nc);

/* The record times of the open file (s since 1970-01-01Z), in times[0..*nt) (owned by the
   caller, PetscFree). Not collective. */
PetscErrorCode model_file_times(int nc, const char *path, PetscInt *nt, PetscReal **times);

/* The values of the 3D variable var (dimensions time, lev, y, x) in column (i, j) of record rec,
   in col[0..nz): bottom layer first. Fails naming path and var if the variable is missing. Not
   collective. */
PetscErrorCode model_file_column(int nc, const char *path, const char *var, PetscInt rec,
                                 PetscInt i, PetscInt j, PetscInt nz, PetscReal *col);

/* Layer k of the 3D variable var in record rec, every cell: layer[j * nx + i]. Fails naming path
   and var if the variable is missing. Not collective. */
PetscErrorCode model_file_layer(int nc, const char *path, const char *var, PetscInt rec, PetscInt k,
                                PetscInt nx, PetscInt ny, PetscReal *layer);
