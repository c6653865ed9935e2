#pragma once
/* The local block of the grid that a process works on: owned and ghosted index ranges, the
   grid spacing and the horizontal metrics. It holds no communicator and no PETSc DM, so physics
   code and its unit tests can build one by hand.

   Every rank owns whole columns: i in [xs, xs+xm), j in [ys, ys+ym), all k in [0, mz).
   Arrays in a patch and in Fields are flat, ghosted and stored in DMDA order, k slowest:
     3D scalar     a[patch_index(p, i, j, k)]
     3D tracers    q[patch_index(p, i, j, k) * nspec + s]
     3D tags       t[(patch_index(p, i, j, k) * nspec + s) * ntag + n]
     2D scalar     a[patch_index2(p, i, j)]
   Ghost cells outside the physical domain exist (DM_BOUNDARY_GHOSTED); the driver fills them. */
#include <petscsys.h>

typedef struct SpeciesInfo SpeciesInfo; /* physics/species.h */

typedef struct {
  PetscInt mx, my, mz;         /* global number of cells in x, y, z */
  PetscInt xs, ys, xm, ym;     /* owned cells (DMDA corners) */
  PetscInt gxs, gys, gxm, gym; /* ghosted block, including ghosts outside the physical domain */
  PetscInt sw;                 /* ghost width in x and y */
  PetscInt nspec;              /* tracer species per cell */
  PetscInt ntag;               /* tags per species; 0 when attribution is off */
  PetscReal dx, dy;            /* grid spacing on the projection plane, m */
  const SpeciesInfo *species;  /* nspec entries; borrowed: owned by the model */
  const PetscReal *area;       /* true horizontal area of each cell, m2, 2D ghosted; borrowed */
  const PetscReal *lon,
      *lat; /* cell-centre longitude and latitude, degrees, 2D ghosted; borrowed */
} Patch;

/* Offset of cell (i, j, k) in a ghosted 3D array of the patch. Not collective. */
static inline PetscInt patch_index(const Patch *p, PetscInt i, PetscInt j, PetscInt k)
{
  return (k * p->gym + (j - p->gys)) * p->gxm + (i - p->gxs);
}

/* Offset of column (i, j) in a ghosted 2D array of the patch. Not collective. */
static inline PetscInt patch_index2(const Patch *p, PetscInt i, PetscInt j)
{
  return (j - p->gys) * p->gxm + (i - p->gxs);
}

/* Number of cells in one ghosted 3D array of the patch. */
static inline PetscInt patch_size3(const Patch *p)
{
  return p->gxm * p->gym * p->mz;
}

/* Number of columns in one ghosted 2D array of the patch. */
static inline PetscInt patch_size2(const Patch *p)
{
  return p->gxm * p->gym;
}

/* Zero the ghost cells (every cell outside the owned columns, all layers) of a ghosted 3D array
   holding w values a cell, such as the tags (w = nspec * ntag). Not collective. */
static inline void patch_zero_ghosts(const Patch *p, PetscReal *a, PetscInt w)
{
  if (!a || !w) return;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++) {
      PetscReal *row = &a[patch_index(p, p->gxs, j, k) * w];
      PetscBool owned = j >= p->ys && j < p->ys + p->ym;
      PetscInt lo = owned ? p->xs - p->gxs : p->gxm, hi = owned ? p->xs + p->xm - p->gxs : p->gxm;
      for (PetscInt e = 0; e < lo * w; e++) row[e] = 0;
      for (PetscInt e = hi * w; e < p->gxm * w; e++) row[e] = 0;
    }
}
