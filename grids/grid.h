#pragma once
/* The model grid: a horizontal map grid (projection, spacing, size), the number of layers, and
   its PETSc DMDA decomposition in x and y only, so that every rank owns whole columns. */
#include <petscdmda.h>
#include "grids/patch.h"
#include "grids/grid_spec.h"

typedef struct {
  GridSpec spec;
  MPI_Comm comm; /* borrowed */
  PetscInt sw;   /* ghost width */
  DM da;         /* 3D, dof 1, box stencil of width sw, ghosted boundaries in x and y; owned */
  DM da2;        /* 2D, dof 1, same decomposition; owned */
  Patch patch;   /* the local patch (nspec and ntag are set by the state) */
  PetscReal *lon, *lat; /* cell centres, degrees, 2D ghosted; owned */
  PetscReal *area;      /* true cell area, m2, 2D ghosted; owned */
  PetscReal *width_x;   /* true length of the west face of cell (i,j), m, 2D ghosted; owned */
  PetscReal *width_y;   /* true length of the south face of cell (i,j), m, 2D ghosted; owned */
  PetscReal *mapfac;    /* map-scale factor at the cell centre, 2D ghosted; owned */
} Grid;

/* Create the grid: a DMDA over spec with ghost width sw, decomposed in x and y only (px by py
   ranks, or PETSC_DECIDE), and the metric arrays of the local patch. Fails with a clear
   message if a rank would own fewer than sw cells in x or y. Collective on comm. */
PetscErrorCode grid_create(MPI_Comm comm, const GridSpec *spec, PetscInt sw, PetscInt px,
                           PetscInt py, Grid **g);

/* Destroy the grid and set the handle to NULL; no-op on NULL. Collective. */
PetscErrorCode grid_destroy(Grid **g);
