#pragma once
/* Lateral and top boundary conditions, and the initial state. Open boundaries: where air flows
   out, ghost cells copy the edge cell (zero gradient: outflow is free); where air flows in,
   ghost cells hold the boundary values, and each family's side tag carries them. */
#include <petscsys.h>
#include "model/state.h"
#include "model/met/met.h"
#include "model/tags.h"
#include "base/param.h"

typedef struct Boundary Boundary;

/* Read the &boundary group for the state's species. Collective. */
PetscErrorCode boundary_create(MPI_Comm comm, const State *st, const Tags *tags, Boundary **b);

/* Destroy; no-op on NULL. Not collective. */
PetscErrorCode boundary_destroy(Boundary **b);

/* With a parent's boundary files: fails, naming the files, unless they were written for the
   nest that the run's domain file describes (its PARENT_I_START, PARENT_J_START and
   PARENT_GRID_RATIO; no check without a domain file) and cover the run from t0 to t1 (s since
   1970-01-01Z). Collective. */
PetscErrorCode boundary_check_parent(MPI_Comm comm, const Boundary *b, const char *domain_file,
                                     PetscReal t0, PetscReal t1);

/* Fill the ghost cells outside the physical domain of q, tag and air mass (ghosted local arrays
   of the state's patch) for the face fluxes of met. Not collective. */
PetscErrorCode boundary_fill_ghosts(const Boundary *b, const Patch *p, const Met *met, PetscReal *q,
                                    PetscReal *tag, PetscReal *air_mass);

/* What the transpose of the ghost fill credits, for backward runs with nf functionals. */
typedef struct {
  const PetscReal *q_bnd; /* the bulk that boundary_fill_ghosts wrote in the ghosts for this met */
  const PetscReal *tag_bnd; /* its tags (b's layout), or NULL */
  PetscReal *contrib;       /* [n*ntag + m] += lam . tag_bnd for tag m, or NULL */
  PetscReal *inflow;        /* [(n*SIDE_N + side)*nspec + s] += lam . q_bnd by side, or NULL */
  /* With a parent (boundary_parent_files): the sensitivities of the functionals to the parent's
     record r, [((cell*nz + k)*nspec + s)*nf + n] in the ring's cells of the parent's files
     (boundary_parent_layout), which the transpose adds lam times the interpolation weights to;
     NULL: not wanted. */
  PetscErrorCode (*parent_record)(void *ctx, PetscInt r, PetscReal **sens);
  void *ctx;
} BoundaryTranspose;

/* The transpose of boundary_fill_ghosts: lam holds adjoint values in the tag layout of patch p
   (p->ntag values a species, one per receptor functional) with the contributions a process's
   transpose left in the ghosts outside the physical domain. Where the fill put boundary values
   (air flowing in), bt's sums are credited; where it copied the edge cell (air flowing out), lam
   goes back to that cell (inside the domain, possibly a ghost of a neighbour rank, for
   halo_add_ghosts). The ghosts outside the domain end zeroed. Not collective. */
PetscErrorCode boundary_fill_ghosts_transpose(const Boundary *b, const Patch *p, const Met *met,
                                              const BoundaryTranspose *bt, PetscReal *lam);

/* The parent's files this run reads (start: the start state's, boundary_initial_file; else the
   boundary records, boundary_parent_files): records, ring cells and their parent indices
   (0-based), levels and species, all borrowed; all zero without such files. Not collective. */
typedef struct {
  PetscInt nrec, ncell, nz, ns;
  const PetscReal *time;           /* [nrec], s since 1970-01-01 */
  const PetscInt *cell_i, *cell_j; /* [ncell] */
  const char *file;                /* the first file */
} BoundaryParentLayout;
PetscErrorCode boundary_parent_layout(const Boundary *b, PetscBool start, BoundaryParentLayout *L);

/* The parent's records r and r + 1 that the ghost fill interpolates between at met time t, and
   the weight w of r + 1 (requires boundary_parent_files). Not collective. */
void boundary_parent_records(const Boundary *b, PetscReal t, PetscInt *r, PetscReal *w);

/* The transpose of a start state from the parent (boundary_initial_file): adds the adjoint
   values lam (the tag layout of p, p->ntag functionals) of the owned cells to sens,
   [((cell*nz + k)*nspec + s)*nf + n] in the start file's cells. Not collective. */
void boundary_initial_transpose(const Boundary *b, const Patch *p, const PetscReal *lam,
                                PetscReal *sens);

/* Values above the model top: q_top [patch_index2*nspec + s] and tag_top. Not collective. */
PetscErrorCode boundary_fill_top(const Boundary *b, const Patch *p, const Met *met,
                                 PetscReal *q_top, PetscReal *tag_top);

/* Initial state at the run's start t0: a parent's state at t0 (boundary_initial_file), its tags
   mapped by label; else the boundary profile everywhere (or zero if boundary_initial is false),
   credited to each family's "initial" tag. Not collective. */
PetscErrorCode boundary_initial(const Boundary *b, const Patch *p, const Met *met, PetscReal t0,
                                PetscReal *q, PetscReal *tag);

/* The &boundary namelist group (for the registry's list of groups). */
extern const ParamGroup boundary_group;
