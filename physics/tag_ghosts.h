#pragma once
/* The ghost entries of the tag slot in a transpose (physics/process.h): a process whose step()
   reads no tags in ghost cells contributes nothing to them, and the contract asks its transpose
   to zero them, so that the driver's reverse exchange adds nothing stale to their owners. */
#include "grids/patch.h"

/* Zero the entries of every ghost cell (inside or outside the physical domain) of an array in
   the tag layout [(patch_index*nspec + s)*ntag + n]; owned cells are untouched. No-op on NULL.
   Not collective. */
static inline void tag_ghosts_zero(const Patch *p, PetscReal *tag)
{
  PetscInt m = p->nspec * p->ntag;
  if (!tag || !m) return;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++) {
      PetscReal *row = &tag[patch_index(p, p->gxs, j, k) * m];
      PetscBool owned = j >= p->ys && j < p->ys + p->ym;
      PetscInt lo = owned ? p->xs - p->gxs : p->gxm, hi = owned ? p->xs + p->xm - p->gxs : p->gxm;
      for (PetscInt e = 0; e < lo * m; e++) row[e] = 0;
      for (PetscInt e = hi * m; e < p->gxm * m; e++) row[e] = 0;
    }
}
