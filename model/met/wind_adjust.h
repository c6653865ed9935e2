#pragma once
/* Mass-consistent adjustment of a first-guess wind over terrain (the variational method of
   Sasaki 1958 and Sherman 1978, as in CALMET and WindNinja), in the model's discrete flux form:
   find the face air-mass fluxes closest to the first guess, in the norm weighted by the face
   conductances, whose divergence vanishes in every cell. The Lagrange multiplier solves
     sum over faces of T (lambda_c - lambda_neighbour) = -(net outflow of the first guess from c)
   with lambda = 0 outside the lateral boundaries and above the top (open) and no flux through
   the ground; then F = F0 + T (lambda_upstream - lambda_downstream) on every face. The matrix is
   symmetric positive definite: CG with algebraic multigrid (PETSc KSP, options prefix
   "adjust_"). The solve runs on PETSC_COMM_SELF over the whole domain, so its bits do not
   depend on the rank that solves or on the decomposition. */
#include <petscksp.h>

typedef struct WindAdjust WindAdjust;

/* Workspace for an nx x ny x nz domain. Not collective. */
PetscErrorCode wind_adjust_create(PetscInt nx, PetscInt ny, PetscInt nz, WindAdjust **w);
PetscErrorCode wind_adjust_destroy(WindAdjust **w);

/* Face arrays, k slowest: x faces fx[(k*ny + j)*(nx+1) + i] (west face of cell i),
   y faces fy[(k*(ny+1) + j)*nx + i] (south face of cell j), vertical fw[(k*ny + j)*nx + i] for
   k = 0..nz (the interface below layer k; k = 0 is the ground). tx, ty, tw are the conductances
   (kg s-1 per unit of lambda) on the same faces; the first guess has no vertical flux. Adjusts
   fx, fy in place and returns the vertical flux in fw; its the KSP iterations and res the
   largest remaining |net outflow| of a cell (kg s-1). Not collective. */
PetscErrorCode wind_adjust_solve(WindAdjust *w, const PetscReal *tx, const PetscReal *ty,
                                 const PetscReal *tw, PetscReal *fx, PetscReal *fy, PetscReal *fw,
                                 PetscInt *its, PetscReal *res);
