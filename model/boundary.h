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

/* The transpose of boundary_fill_ghosts, for backward runs: lam holds adjoint values in the tag
   layout of patch p (p->ntag values a species, one per receptor functional) with the
   contributions a process's transpose left in the ghosts outside the physical domain. Where the
   fill put boundary values (air flowing in), lam . tag_bnd is added to contrib[n*ntag + m] for
   functional n and tag m, tag_bnd the tags (b's layout) that boundary_fill_ghosts wrote there for
   the same met; where it copied the edge cell (air flowing out), lam goes back to that cell
   (inside the domain, possibly a ghost of a neighbour rank, for halo_add_ghosts). The ghosts
   outside the domain end zeroed. Not collective. */
PetscErrorCode boundary_fill_ghosts_transpose(const Boundary *b, const Patch *p, const Met *met,
                                              const PetscReal *tag_bnd, PetscReal *lam,
                                              PetscReal *contrib);

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
