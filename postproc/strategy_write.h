#pragma once
/* The outputs of a strategy (postproc/bogda-strategy.c), each written to a temporary and renamed
   when complete (base/atomic_file.h), into the output folder dir:
     strategy_units.csv         the "one unit, one strategy" table, a row per decision variable:
                                unit_code,unit_name,kind,prefecture,sector,precursor,cut_percent,
                                cut_t_yr,cost_yuan,stack (sector 'all' for a family by unit; cost
                                in yuan a year; stack the id of a named stack's variable, else "")
     strategy_stacks.csv        a row per named stack (strategy_stacks): its unit, kind,
                                prefecture and sector, its cut of each precursor in per cent and
                                t/yr, its cost, and its own mean PM2.5 at each receptor before and
                                after (its unit's rows of the other tables include it)
     strategy_unit_summary.csv  a row per unit with a variable: its cuts by precursor, its cost,
                                and its resolved tags' mean PM2.5 at each receptor before and after
     strategy_targets.csv       a row per target (and per day of day_limit): base, target,
                                predicted, and the shadow price in yuan a year per ug m-3
     strategy_emissions.csv     the emissions and cap of each variable (t/yr), a row per sector it
                                covers, for checks
     strategy_curve.csv         the cost-versus-target curve (postproc/plot_strategy.py draws it)
     strategy.json              all of the above in one document
     strategy_scenario.nml      the optimum as a &scenario the model runs as it is: unit: rules,
                                and point: rules for the named stacks, whose factors undo their
                                unit's rule (rules multiply) so that each stack gets its own cut */
#include <petscsys.h>
#include "postproc/strategy_problem.h"

typedef struct {
  PetscInt npoint;
  PetscReal *scale; /* each point's factor on every target's reduction asked; owned */
  PetscReal *cost;  /* yuan a year; owned */
  PetscReal *dual;  /* [point * nrow + row]; owned */
  PetscInt asked;   /* the point of the targets as asked (scale 1) */
} StrategyCurve;

/* Everything the writers need; all borrowed. */
typedef struct {
  const StrategyParams *prm;
  const TaggedRun *b;
  const Domain *d;
  const StrategyProblem *pb;
  const StrategySolution *sol;
  const StrategyCurve *curve;
  const char *run, *version;
} StrategyResult;

/* Write every file listed above into dir. Not collective (rank 0 only). */
PetscErrorCode strategy_write_all(const StrategyResult *res, const char *dir);
