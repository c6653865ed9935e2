#pragma once
/* The least-cost strategy problem of a base run: the &strategy namelist group, and the linear
   programme (postproc/strategy_lp.h) it makes from the run's tags.

   Decision variables. A tag family of the run by unit_sector resolves each (control unit,
   sector) of the detailed prefectures exactly; a family by unit resolves the units, all sectors
   cut together. Every such tag with emissions gives one variable per precursor it emits (so2,
   nox, nh3, ppm25): the cut fraction of that precursor, between 0 and its cap. The tag's
   contribution to PM2.5 splits by the species each part was made from (sulfate from SO2, nitrate
   from NOx, ammonium from NH3, primary PM2.5: tagged_run_source), so cutting the precursor by y
   lowers the hotspot's period mean by y times that part: exact while the model is linear in the
   emissions. The other tags (the rest of a prefecture, outside Xinjiang, the initial air, the
   inflow) stay as they are. The cost of a variable is its emissions (t/yr) times the
   piecewise-linear curve of its sector and precursor (postproc/abatement_cost.h); a unit tag's
   cost sums the curves of its sectors for the same fraction (still convex).

   Rows. Each target: the receptor's mean PM2.5 over the run's records at or below the target (in
   ug m-3, or a per cent reduction of the base mean). With day_limit, the same on every day (a
   calendar day at day_utc_offset) whose base mean exceeds it, at every target's receptor. With
   prefecture_min_cut, each prefecture cuts at least that per cent of the emissions of each
   precursor the family resolves in it.

   Named stacks (strategy_stacks). A stack named there is a tag of the family of its own, labelled
   <family>:pt:<id> (a backward run's table gives one for every stack, postproc/strategy_adjoint.h;
   a tagged run's point family gives them, postproc/strategy_stacks.h), whose contribution and
   tonnes are no longer in its (unit, sector) tag: it is a decision variable per precursor it
   emits, whatever strategy_units says, costed on its sector's curve for its own tonnes and capped
   by its sector's and precursor's cap, or by its strategy_stack_caps. */
#include <petscsys.h>
#include "base/param.h"
#include "postproc/tagged_run.h"
#include "postproc/abatement_cost.h"
#include "postproc/strategy_lp.h"

typedef struct Domain Domain;

typedef struct {
  char family[PARAM_STRING_LEN], cost_file[PARAM_STRING_LEN], name[PARAM_STRING_LEN];
  char receptors[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char target_units[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char units[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char cap_sectors[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char cap_precursors[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  char stacks[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscReal targets[PARAM_ARRAY_MAX], caps[PARAM_ARRAY_MAX], stack_caps[PARAM_ARRAY_MAX];
  PetscInt nreceptors, ntarget_units, nunits, ncap_sectors, ncap_precursors, ntargets, ncaps;
  PetscInt nstacks, nstack_caps;
  PetscReal max_cut, day_limit, day_utc_offset, prefecture_min_cut;
  PetscInt curve_points;
} StrategyParams;

/* The &strategy namelist group. */
extern const ParamGroup strategy_group;

typedef enum { ROW_TARGET, ROW_DAY, ROW_SHARE } StrategyRowKind;

typedef struct {
  PetscInt family; /* the family the variables come from */
  PetscInt nvar;
  PetscInt *var_tag, *var_unit, *var_sector, *var_prec; /* sector -1: all sectors of a unit tag */
  PetscInt *var_stack;        /* the named stack (index in strategy_stacks) of v, -1 for a unit's */
  PetscReal *var_t_yr;        /* the precursor's emissions, t/yr */
  PetscReal *var_sector_t_yr; /* [v * SECTOR_N + s]: their part in sector s, t/yr */
  PetscReal *var_cap;         /* largest cut fraction */
  PetscInt *tier_start;
  PetscReal *tier_width, *tier_cost;
  PetscInt nrow;
  PetscInt *row_kind, *row_rec, *row_day, *row_pref, *row_prec, *row_param; /* -1: n/a */
  PetscReal *row_base;   /* the base value: ug m-3, or t/yr for a share */
  PetscReal *row_target; /* the value asked for (ug m-3), or the t/yr a share must cut */
  PetscReal *coef, *rhs; /* the LP rows: reduction per unit fraction, reduction asked */
  PetscReal *rec_base;   /* every receptor's base mean PM2.5, ug m-3 */
  PetscReal *rec_coef;   /* [r * nvar + v]: its reduction per unit fraction of v */
  PetscReal *unit_pm25;  /* [u * nrec + r]: the unit's resolved tags' mean PM2.5 at r (base) */
  PetscInt nunit, nrec;
  PetscReal *day_start; /* ndays: start of each local day, s since 1970 (UTC) */
  PetscInt ndays;       /* days in the run's records */
  StrategyLP lp;        /* the programme over the arrays above; borrowed from them */
} StrategyProblem;

/* Build the problem from the parameters prm (read from the namelist at path, for messages), the
   run b, its domain d, the emissions of its tags t_yr[(n * SECTOR_N + sec) * nspec + s]
   (tag_emissions.h) and the cost table c. Fails naming the key, its file and line and the value for
   an unknown receptor, unit, sector or precursor, a count that does not match, a family that
   resolves no unit, a named stack that is listed twice, that b has no tag of, or that emits no
   precursor, and for a missing cost curve the table and the sector and precursor. Not
   collective. */
PetscErrorCode strategy_problem_create(const StrategyParams *prm, const TaggedRun *b,
                                       const Domain *d, const PetscReal *t_yr,
                                       const AbatementCosts *c, StrategyProblem **pb);

/* The family of b to plan with (strategy_family, else the first by unit_sector, else by unit).
   Fails naming the key for a family the run does not have or one that resolves no unit. Not
   collective. */
PetscErrorCode strategy_problem_family(const StrategyParams *prm, const TaggedRun *b,
                                       PetscInt *family);

/* Free the problem and set the handle to NULL; no-op on NULL. Not collective. */
PetscErrorCode strategy_problem_destroy(StrategyProblem **pb);

/* Fail (PETSC_ERR_USER) naming the first row that cannot be met within the caps and the lowest
   value reachable (ug m-3; a share's largest cut in t/yr). Not collective. */
PetscErrorCode strategy_problem_check_reachable(const StrategyProblem *pb, const TaggedRun *b,
                                                const Domain *d);

/* The index in prm->stacks of the named stack tag label L stands for (<family>:pt:<id>), or -1.
   Not collective. */
PetscInt strategy_problem_stack_of(const StrategyParams *prm, const char *L);

/* The cost of cutting fraction y of variable v (yuan a year; tiers filled in order). */
PetscReal strategy_problem_var_cost(const StrategyProblem *pb, PetscInt v, PetscReal y);
