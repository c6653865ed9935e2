#pragma once
/* The coefficients of a strategy from a backward run's source table (bogda-strategy -adjoint):
   the table (postproc/adjoint_table.h) recast as a tagged run of one record, so that the problem
   of postproc/strategy_problem.h is built from it unchanged. Every (control unit, sector) pair
   with emissions in the table becomes a tag of one family by unit_sector: its contribution to a
   receptor's PM2.5 is the sum of the area rows of that unit and sector and of the rows of every
   stack of the unit and sector (as the forward tags count a stack), by emitted species; its
   tonnes are the rows' emission_t_per_year. A stack named in strategy_stacks is a tag of its own
   instead (adjoint:pt:<id>, in its unit and sector), its rows no longer in its pair's: exact for
   every stack, as the table has a row per stack. A receptor is one whose PM2.5 functional spans the
   table's whole window (the longest window of any functional): its J is the receptor's mean over
   the period; a day limit takes each day's from the receptor's daily functionals. Exact while
   the model is linear in the emissions, as the tags are. */
#include <petscsys.h>
#include "postproc/adjoint_table.h"
#include "postproc/strategy_problem.h"
#include "postproc/tagged_run.h"

/* Fill b (free with tagged_run_free) and *t_yr (t_yr[(n * SECTOR_N + sec) * nspec + s], as
   tag_emissions_compute gives it; free with PetscFree) from the table t at path over the registry
   d: one record over the table's window, or with strategy_day_limit one record a day, each
   receptor's daily PM2.5 functionals (RECEPTOR:pm25:H0-H1h, 24 h each, tiling the window) giving
   its days and start (s since 1970, UTC: the backward run's hour 0) dating them. Fails, in one
   line, naming the table for one without a PM2.5 functional over its whole window and naming
   the key (file:line) for strategy_family (a table has no families), for strategy_day_limit
   without start (start < 0) or without daily functionals of a receptor of strategy_receptors, and
   for a named stack the table puts in no control unit. Not collective. */
PetscErrorCode strategy_adjoint_run(const AdjointTable *t, const char *path, const Domain *d,
                                    const StrategyParams *prm, PetscReal start, TaggedRun *b,
                                    PetscReal **t_yr);
