#pragma once
/* Named stacks of a tagged base run as decision variables (bogda-strategy -run with
   strategy_stacks): a tag family by point (tags_family_by = 'point') gives each stack's own
   contribution, and the model's emission set-up its tonnes and the tag of the plan's family that
   holds it (postproc/tag_emissions.h). Each named stack's point tag then joins the plan's family
   as a tag of its own (labelled <family>:pt:<id>, strategy_problem_stack_of) in its control unit
   and sector, and its contribution and tonnes are taken out of the tag that held it, so that the
   problem (postproc/strategy_problem.h) counts them once, as it does a backward run's table. */
#include <petscsys.h>
#include "postproc/tagged_run.h"
#include "postproc/strategy_problem.h"

/* Move the stacks prm->stacks names from their point tags into family of b, with host[n] and
   unit[n] (tag_emissions_compute) the tag of family holding point tag n and its unit, and t_yr
   the tonnes of b's tags (of family and of the point families). Does nothing without named
   stacks. Fails in one line naming the key (file:line) and the run dir for a run without a family
   by point, and for a named stack in no control unit; a stack the point families lack is left to
   strategy_problem_create to refuse. Not collective. */
PetscErrorCode strategy_stacks_move(const StrategyParams *prm, const char *dir, PetscInt family,
                                    const PetscInt *host, const PetscInt *unit, const Domain *d,
                                    TaggedRun *b, PetscReal *t_yr);
