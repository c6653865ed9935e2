/* Named stacks of a tagged run as tags of the plan's family (see strategy_stacks.h). */
#include "postproc/strategy_stacks.h"
#include <string.h>
#include "base/namelist.h"
#include "model/emissions/profiles.h"

/* The list strategy_stacks as text, for messages. */
static void stack_list(const StrategyParams *prm, char *buf, size_t len)
{
  buf[0] = '\0';
  for (PetscInt e = 0; e < prm->nstacks && strlen(buf) + 8 < len; e++) {
    if (e) strncat(buf, ", ", len - strlen(buf) - 1);
    strncat(buf, "'", len - strlen(buf) - 1);
    strncat(buf, prm->stacks[e], len - strlen(buf) - 1);
    strncat(buf, "'", len - strlen(buf) - 1);
  }
}

/* Take point tag n's contribution and tonnes out of tag h, which holds them. */
static void take_out(TaggedRun *b, PetscReal *t_yr, PetscInt nspec, PetscInt n, PetscInt h)
{
  for (PetscInt x = 0; x < b->nt * b->nrec * b->nsp; x++)
    b->contrib[x * b->ntag + h] -= b->contrib[x * b->ntag + n];
  for (PetscInt x = 0; x < SECTOR_N * nspec; x++)
    t_yr[h * SECTOR_N * nspec + x] -= t_yr[n * SECTOR_N * nspec + x];
}

PetscErrorCode strategy_stacks_move(const StrategyParams *prm, const char *dir, PetscInt family,
                                    const PetscInt *host, const PetscInt *unit, const Domain *d,
                                    TaggedRun *b, PetscReal *t_yr)
{
  PetscInt nspec, by = -1, npoint = 0;
  PetscBool *moved;
  char at[PETSC_MAX_PATH_LEN], list[512];

  PetscFunctionBeginUser;
  if (!prm->nstacks) PetscFunctionReturn(PETSC_SUCCESS);
  species_table(&nspec);
  namelist_where("strategy_stacks", at, sizeof(at));
  stack_list(prm, list, sizeof(list));
  for (PetscInt n = 0; n < b->ntag; n++) {
    if (b->family[n] == family) by = b->by[n];
    if (b->by[n] == TAGGED_RUN_BY_POINT) npoint++;
  }
  PetscCheck(npoint > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: strategy_stacks = %s: the base run %s has no tag family by point, so its tags "
             "do not tell a stack apart from its unit; run it with one (tags_family_by = 'point') "
             "or plan from a backward run's table (-adjoint)",
             at, list, dir);
  PetscCall(PetscCalloc1(prm->nstacks, &moved));
  for (PetscInt n = 0; n < b->ntag; n++) {
    PetscInt e = strategy_problem_stack_of(prm, b->label[n]);
    if (b->by[n] != TAGGED_RUN_BY_POINT || e < 0 || moved[e]) continue;
    PetscCheck(unit[n] >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_stacks(%d) = '%s': the stack lies in no control unit of the base run "
               "%s; expected a stack inside one",
               at, (int)e + 1, prm->stacks[e], dir);
    if (host[n] >= 0) take_out(b, t_yr, nspec, n, host[n]);
    b->family[n] = family, b->by[n] = by, b->unit[n] = unit[n];
    b->pref[n] = d->unit[unit[n]].prefecture, b->kind[n] = d->unit[unit[n]].kind;
    moved[e] = PETSC_TRUE;
  }
  PetscCall(PetscFree(moved));
  PetscFunctionReturn(PETSC_SUCCESS);
}
