/* The state vectors and their ghost exchange. */
#include "model/state.h"
#include "base/memory.h"

/* A DMDA with dof components on exactly the grid's decomposition. */
static PetscErrorCode create_like(const Grid *g, PetscInt dof, DM *da)
{
  const PetscInt *lx, *ly;
  PetscInt px, py;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(g->da, NULL, NULL, NULL, NULL, &px, &py, NULL, NULL, NULL, NULL, NULL, NULL,
                        NULL));
  PetscCall(DMDAGetOwnershipRanges(g->da, &lx, &ly, NULL));
  PetscCall(DMDACreate3d(g->comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_NONE,
                         DMDA_STENCIL_BOX, g->spec.nx, g->spec.ny, g->spec.nz, px, py, 1, dof,
                         g->sw, lx, ly, NULL, da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode state_create(const Grid *g, const SpeciesInfo *species, PetscInt nspec,
                            PetscInt ntag, State **state)
{
  State *st;

  PetscFunctionBeginUser;
  PetscCheck(nspec > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "number of species %" PetscInt_FMT " must be positive", nspec);
  PetscCheck(ntag >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "number of tags %" PetscInt_FMT " must not be negative", ntag);
  {
    /* Sizes before allocating: the tag vector is the largest (species x tags per cell), and every
       rank holds its block with its halo. */
    const Patch *p = &g->patch;
    double cells = (double)g->spec.nx * (double)g->spec.ny * (double)g->spec.nz,
           local = (double)p->gxm * (double)p->gym * (double)g->spec.nz;
    PetscCall(memory_check_count(g->comm, "the tag vector (species x tags x cells)",
                                 cells * (double)nspec * (double)PetscMax(ntag, 1)));
    PetscCall(memory_check_bytes(g->comm, "the state (species and tags on this rank's block)",
                                 8.0 * local * (double)nspec * (double)(1 + ntag)));
  }
  PetscCall(PetscNew(&st));
  st->grid = g;
  st->nspec = nspec;
  st->ntag = ntag;
  PetscCall(create_like(g, nspec, &st->da_q));
  PetscCall(DMCreateLocalVector(st->da_q, &st->q));
  PetscCall(DMCreateLocalVector(g->da, &st->air_mass));
  {
    const PetscInt *lx, *ly;
    PetscInt px, py;
    PetscCall(DMDAGetInfo(g->da, NULL, NULL, NULL, NULL, &px, &py, NULL, NULL, NULL, NULL, NULL,
                          NULL, NULL));
    PetscCall(DMDAGetOwnershipRanges(g->da, &lx, &ly, NULL));
    PetscCall(DMDACreate2d(g->comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DMDA_STENCIL_BOX,
                           g->spec.nx, g->spec.ny, px, py, nspec, g->sw, lx, ly, &st->da_dep));
    PetscCall(DMSetUp(st->da_dep));
    PetscCall(DMCreateLocalVector(st->da_dep, &st->dep_dry));
    PetscCall(DMCreateLocalVector(st->da_dep, &st->dep_wet));
  }
  if (ntag > 0) {
    PetscCall(create_like(g, nspec * ntag, &st->da_tag));
    PetscCall(DMCreateLocalVector(st->da_tag, &st->tag));
  }
  PetscCall(halo_create(st->da_q, &st->halo_q));
  PetscCall(halo_create(g->da, &st->halo_air));
  if (ntag > 0) PetscCall(halo_create(st->da_tag, &st->halo_tag));
  st->patch = g->patch;
  st->patch.nspec = nspec;
  st->patch.ntag = ntag;
  st->patch.species = species;
  *state = st;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode state_destroy(State **state)
{
  State *st = *state;

  PetscFunctionBeginUser;
  if (!st) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(halo_destroy(&st->halo_q));
  PetscCall(halo_destroy(&st->halo_air));
  PetscCall(halo_destroy(&st->halo_tag));
  PetscCall(VecDestroy(&st->q));
  PetscCall(VecDestroy(&st->tag));
  PetscCall(VecDestroy(&st->air_mass));
  PetscCall(VecDestroy(&st->dep_dry));
  PetscCall(VecDestroy(&st->dep_wet));
  PetscCall(DMDestroy(&st->da_dep));
  PetscCall(DMDestroy(&st->da_q));
  PetscCall(DMDestroy(&st->da_tag));
  PetscCall(PetscFree(*state));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode state_get_fields(State *st, PetscBool tags, Fields *f)
{
  PetscFunctionBeginUser;
  PetscCall(VecGetArray(st->q, &f->q));
  PetscCall(VecGetArray(st->air_mass, &f->air_mass));
  if (tags && st->tag) PetscCall(VecGetArray(st->tag, &f->tag));
  PetscCall(VecGetArray(st->dep_dry, &f->dep_dry));
  PetscCall(VecGetArray(st->dep_wet, &f->dep_wet));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode state_restore_fields(State *st, PetscBool tags, Fields *f)
{
  PetscFunctionBeginUser;
  PetscCall(VecRestoreArray(st->dep_wet, &f->dep_wet));
  PetscCall(VecRestoreArray(st->dep_dry, &f->dep_dry));
  if (tags && st->tag) PetscCall(VecRestoreArray(st->tag, &f->tag));
  PetscCall(VecRestoreArray(st->air_mass, &f->air_mass));
  PetscCall(VecRestoreArray(st->q, &f->q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode state_exchange(State *st)
{
  PetscFunctionBeginUser;
  PetscCall(halo_exchange(st->halo_q, st->q));
  PetscCall(halo_exchange(st->halo_air, st->air_mass));
  if (st->tag) PetscCall(halo_exchange(st->halo_tag, st->tag));
  PetscFunctionReturn(PETSC_SUCCESS);
}
