/* The strategy problem of a base run (see strategy_problem.h): the &strategy keys, the decision
   variables the tags resolve, their piecewise-linear costs, and the rows. */
#include "postproc/strategy_problem.h"
#include <math.h>
#include <string.h>
#include <strings.h>
#include "base/namelist.h"
#include "grids/domain.h"
#include "model/tags.h"

#define SECONDS_PER_DAY 86400.0
#define SECONDS_PER_HOUR 3600.0

static const ParamSpec params_table[] = {
    {.key = "name",
     .help = "name of the plan (the &scenario it writes)",
     .type = PARAM_STRING,
     .offset = offsetof(StrategyParams, name),
     .sdef = "strategy"},
    {.key = "family",
     .help = "tag family of the base run to plan with ('': the first by unit_sector, else by unit)",
     .type = PARAM_STRING,
     .offset = offsetof(StrategyParams, family),
     .sdef = ""},
    {.key = "receptors",
     .help = "receptors (hotspots or cities) with a target, by their code in the receptor files",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(StrategyParams, receptors),
     .count_offset = offsetof(StrategyParams, nreceptors)},
    {.key = "targets",
     .help = "each receptor's target for its mean PM2.5 over the run (in its target_units)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e4,
     .offset = offsetof(StrategyParams, targets),
     .count_offset = offsetof(StrategyParams, ntargets)},
    {.key = "target_units",
     .help = "'ug_m3' (the mean at most) or 'percent' (a reduction of the base mean at least); "
             "one value for every target, or one each (none: 'ug_m3')",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(StrategyParams, target_units),
     .count_offset = offsetof(StrategyParams, ntarget_units),
     .def_count = 0},
    {.key = "day_limit",
     .units = "ug m-3",
     .help =
         "every day whose base mean PM2.5 exceeds it, at each target's receptor, at or below it "
         "(0: no daily rows)",
     .type = PARAM_REAL,
     .def = 0,
     .min = 0,
     .max = 1e4,
     .offset = offsetof(StrategyParams, day_limit)},
    {.key = "day_utc_offset",
     .units = "h",
     .help =
         "the days of day_limit are calendar days at UTC plus this (8: Beijing time, as GB 3095 "
         "daily means)",
     .type = PARAM_REAL,
     .def = 8,
     .min = -12,
     .max = 14,
     .offset = offsetof(StrategyParams, day_utc_offset)},
    {.key = "prefecture_min_cut",
     .units = "%",
     .help = "burden sharing: each prefecture cuts at least this share of each precursor's "
             "emissions the family resolves in it",
     .type = PARAM_REAL,
     .def = 0,
     .min = 0,
     .max = 100,
     .offset = offsetof(StrategyParams, prefecture_min_cut)},
    {.key = "units",
     .help = "codes of the control units the plan may cut (default: every unit the family "
             "resolves)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(StrategyParams, units),
     .count_offset = offsetof(StrategyParams, nunits)},
    {.key = "max_cut",
     .units = "1",
     .help = "largest cut fraction of any sector and precursor, unless a cap rule says otherwise",
     .type = PARAM_REAL,
     .def = 0.8,
     .min = 0,
     .max = 1,
     .offset = offsetof(StrategyParams, max_cut)},
    {.key = "cap_sectors",
     .help = "sectors of each cap rule ('all' or names)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(StrategyParams, cap_sectors),
     .count_offset = offsetof(StrategyParams, ncap_sectors)},
    {.key = "cap_precursors",
     .help = "precursors of each cap rule ('all' or so2, nox, nh3, ppm25)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(StrategyParams, cap_precursors),
     .count_offset = offsetof(StrategyParams, ncap_precursors)},
    {.key = "caps",
     .units = "1",
     .help = "largest cut fraction of each cap rule (a later rule overrides an earlier one)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1,
     .offset = offsetof(StrategyParams, caps),
     .count_offset = offsetof(StrategyParams, ncaps)},
    {.key = "stacks",
     .help = "point sources (ids of the points file) that are decision variables of their own, "
             "apart from their unit and sector ('stack:<id>' rows of a backward run's table; with "
             "-run, a tag family by point)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(StrategyParams, stacks),
     .count_offset = offsetof(StrategyParams, nstacks)},
    {.key = "stack_caps",
     .units = "1",
     .help = "largest cut fraction of each named stack, one each (none: its sector's and "
             "precursor's cap)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1,
     .offset = offsetof(StrategyParams, stack_caps),
     .count_offset = offsetof(StrategyParams, nstack_caps)},
    {.key = "cost_file",
     .help = "marginal abatement cost tiers by sector and precursor (CSV: "
             "postproc/abatement_cost.h)",
     .type = PARAM_STRING,
     .offset = offsetof(StrategyParams, cost_file),
     .sdef = "$BOGDA_DATA/strategy/abatement_costs.csv"},
    {.key = "curve_points",
     .help = "targets of the cost-versus-target curve (each target's reduction scaled evenly up "
             "to the most the caps allow; 0: no curve)",
     .type = PARAM_INT,
     .def = 8,
     .min = 0,
     .max = 100,
     .offset = offsetof(StrategyParams, curve_points)},
    {.key = NULL},
};

const ParamGroup strategy_group = {.name = "strategy",
                                   .title = "Least-cost emission cuts that meet hotspot targets",
                                   .params = params_table,
                                   .params_size = sizeof(StrategyParams)};

/* "file:line" of element e (0-based) of key strategy_<key>, for messages. */
static void where(const char *key, char *buf, size_t len)
{
  char name[64];
  snprintf(name, sizeof(name), "strategy_%s", key);
  namelist_where(name, buf, len);
}

PetscErrorCode strategy_problem_family(const StrategyParams *prm, const TaggedRun *b, PetscInt *fam)
{
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  *fam = -1;
  for (PetscInt pass = 0; pass < 2 && *fam < 0; pass++)
    for (PetscInt n = 0; n < b->ntag && *fam < 0; n++) {
      size_t l = strcspn(b->label[n], ":");
      if (prm->family[0] ? strlen(prm->family) == l && !strncmp(b->label[n], prm->family, l)
                         : b->by[n] == (pass ? TAGS_BY_UNIT : TAGS_BY_UNIT_SECTOR))
        *fam = b->family[n];
    }
  where("family", at, sizeof(at));
  PetscCheck(*fam >= 0 || !prm->family[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: strategy_family = '%s': the base run has no tag family of that name", at,
             prm->family);
  PetscCheck(*fam >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "the base run has no tag family by unit_sector or unit, so no control unit's cut is "
             "resolved; run it with e.g. tags_family_by = 'unit_sector'");
  for (PetscInt n = 0; n < b->ntag; n++)
    PetscCheck(b->family[n] != *fam || b->by[n] == TAGS_BY_UNIT || b->by[n] == TAGS_BY_UNIT_SECTOR,
               PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_family = '%s' groups by %s; a strategy needs a family by unit_sector "
               "or unit",
               at, prm->family, tags_by_names[b->by[n]]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Is species k a precursor a plan cuts (an emitted species PM2.5 is made of or from)? */
static PetscBool is_precursor(const SpeciesInfo *sp, PetscInt nspec, PetscInt k)
{
  for (PetscInt q = 0; q < nspec; q++)
    if (sp[q].in_pm25 && tagged_run_source(sp, nspec, q) == k) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* The cap of sector s and precursor k: max_cut, then each cap rule that names them. */
static PetscErrorCode cap_of(const StrategyParams *prm, PetscInt s, PetscInt k, PetscReal *cap)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  where("caps", at, sizeof(at));
  PetscCheck(prm->ncap_sectors == prm->ncaps && prm->ncap_precursors == prm->ncaps, PETSC_COMM_SELF,
             PETSC_ERR_USER,
             "%s: strategy_cap_sectors, cap_precursors and caps need one value per rule; got %d, "
             "%d, %d",
             at, (int)prm->ncap_sectors, (int)prm->ncap_precursors, (int)prm->ncaps);
  *cap = prm->max_cut;
  for (PetscInt r = 0; r < prm->ncaps; r++) {
    PetscBool ms = PETSC_FALSE, mk = PETSC_FALSE;
    char buf[PARAM_STRING_LEN], *tok, *save = NULL;
    PetscCall(PetscStrncpy(buf, prm->cap_sectors[r], sizeof(buf)));
    for (tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
      where("cap_sectors", at, sizeof(at));
      PetscCheck(!strcasecmp(tok, "all") || profiles_sector(tok) >= 0, PETSC_COMM_SELF,
                 PETSC_ERR_USER,
                 "%s: strategy_cap_sectors(%d) = '%s': unknown sector '%s'; expected 'all' or "
                 "power, industry, residential, transport, agriculture",
                 at, (int)r + 1, prm->cap_sectors[r], tok);
      ms = ms || !strcasecmp(tok, "all") || profiles_sector(tok) == s;
    }
    PetscCall(PetscStrncpy(buf, prm->cap_precursors[r], sizeof(buf)));
    for (tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
      PetscInt q = species_find(sp, nspec, tok);
      where("cap_precursors", at, sizeof(at));
      PetscCheck(!strcasecmp(tok, "all") || (q >= 0 && is_precursor(sp, nspec, q)), PETSC_COMM_SELF,
                 PETSC_ERR_USER,
                 "%s: strategy_cap_precursors(%d) = '%s': unknown precursor '%s'; expected 'all' "
                 "or so2, nox, nh3, ppm25",
                 at, (int)r + 1, prm->cap_precursors[r], tok);
      mk = mk || !strcasecmp(tok, "all") || q == k;
    }
    if (ms && mk) *cap = prm->caps[r];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* May the plan cut unit u (strategy_units)? Every code listed must name a unit. */
static PetscErrorCode unit_allowed(const StrategyParams *prm, const Domain *d, PetscInt u,
                                   PetscBool *ok)
{
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  *ok = prm->nunits ? PETSC_FALSE : PETSC_TRUE;
  where("units", at, sizeof(at));
  for (PetscInt e = 0; e < prm->nunits; e++) {
    PetscBool known = PETSC_FALSE;
    for (PetscInt q = 0; q < d->nunit && !known; q++)
      known = !strcasecmp(d->unit[q].code, prm->units[e]) ? PETSC_TRUE : PETSC_FALSE;
    PetscCheck(known, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_units(%d) = '%s' names no control unit of the domain file; expected "
               "a code of its units table (<domain>_units.csv)",
               at, (int)e + 1, prm->units[e]);
    if (!strcasecmp(d->unit[u].code, prm->units[e])) *ok = PETSC_TRUE;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The tiers of a variable that cuts precursor k of the sectors with emissions e_s[s] > 0 by the
   same fraction: the union of their curves' breakpoints below the variable's cap, each segment
   costing the sum of the sectors' marginal costs times their emissions. Appends to the
   problem's tier arrays (sized by the caller) and sets its cap: the cap rules', or own_cap if it
   is not negative (a named stack's strategy_stack_caps), and never past the curve's last tier. */
static PetscErrorCode make_tiers(const StrategyParams *prm, const AbatementCosts *c, PetscInt k,
                                 const PetscReal e_s[SECTOR_N], const char *unit, PetscReal own_cap,
                                 StrategyProblem *pb, PetscInt v)
{
  PetscInt nspec, nb = 0, t = pb->tier_start[v];
  const SpeciesInfo *sp = species_table(&nspec);
  PetscReal cap = 1, br[SECTOR_N * ABATEMENT_TIER_MAX + 1], lo = 0;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < SECTOR_N; s++) {
    const AbatementCurve *cv = abatement_costs_curve(c, s, k);
    PetscReal cs;
    if (e_s[s] <= 0) continue;
    PetscCheck(cv->ntier > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: no cost rows for sector %s, precursor %s (unit %s emits %g t/yr of it); "
               "expected rows %s,%s,<tier_upto_fraction>,<yuan_per_tonne>",
               c->path, sector_names[s], sp[k].name, unit, (double)e_s[s], sector_names[s],
               sp[k].name);
    PetscCall(cap_of(prm, s, k, &cs));
    if (own_cap >= 0) cs = own_cap;
    cap = PetscMin(cap, PetscMin(cs, cv->upto[cv->ntier - 1]));
  }
  for (PetscInt s = 0; s < SECTOR_N; s++) {
    const AbatementCurve *cv = abatement_costs_curve(c, s, k);
    if (e_s[s] > 0)
      for (PetscInt q = 0; q < cv->ntier; q++)
        if (cv->upto[q] < cap) br[nb++] = cv->upto[q];
  }
  br[nb++] = cap;
  PetscCall(PetscSortReal(nb, br));
  for (PetscInt q = 0; q < nb; q++) {
    PetscReal w = br[q] - lo, mid = lo + 0.5 * w, cost = 0;
    if (w <= 0) continue;
    for (PetscInt s = 0; s < SECTOR_N; s++) {
      const AbatementCurve *cv = abatement_costs_curve(c, s, k);
      PetscInt j = 0;
      if (e_s[s] <= 0) continue;
      while (j < cv->ntier - 1 && cv->upto[j] < mid) j++;
      cost += e_s[s] * cv->price[j];
    }
    pb->tier_width[t] = w, pb->tier_cost[t] = cost, t++;
    lo = br[q];
  }
  pb->var_cap[v] = cap;
  pb->tier_start[v + 1] = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt strategy_problem_stack_of(const StrategyParams *prm, const char *L)
{
  const char *id = strstr(L, ":pt:");
  if (!id || strchr(L, ':') != id) return -1;
  for (PetscInt e = 0; e < prm->nstacks; e++)
    if (!strcasecmp(prm->stacks[e], id + 4)) return e;
  return -1;
}

/* The named stacks: each listed once, with a cap each or none. */
static PetscErrorCode check_stacks(const StrategyParams *prm)
{
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  where("stacks", at, sizeof(at));
  for (PetscInt e = 0; e < prm->nstacks; e++)
    for (PetscInt q = 0; q < e; q++)
      PetscCheck(strcasecmp(prm->stacks[q], prm->stacks[e]), PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s: strategy_stacks(%d) = '%s' is strategy_stacks(%d) again; expected each "
                 "stack once",
                 at, (int)e + 1, prm->stacks[e], (int)q + 1);
  where("stack_caps", at, sizeof(at));
  PetscCheck(prm->nstack_caps == 0 || prm->nstack_caps == prm->nstacks, PETSC_COMM_SELF,
             PETSC_ERR_USER,
             "%s: strategy_stack_caps has %d values for %d strategy_stacks; expected one each or "
             "none",
             at, (int)prm->nstack_caps, (int)prm->nstacks);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every named stack has a tag in the family and a variable: else it is unknown to the base run,
   or it emits no precursor. */
static PetscErrorCode check_stack_variables(const StrategyParams *prm, const TaggedRun *b,
                                            const StrategyProblem *pb)
{
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  where("stacks", at, sizeof(at));
  for (PetscInt e = 0; e < prm->nstacks; e++) {
    PetscBool tag = PETSC_FALSE, var = PETSC_FALSE;
    for (PetscInt n = 0; n < b->ntag; n++)
      if (b->family[n] == pb->family && strategy_problem_stack_of(prm, b->label[n]) == e)
        tag = PETSC_TRUE;
    for (PetscInt v = 0; v < pb->nvar; v++)
      if (pb->var_stack[v] == e) var = PETSC_TRUE;
    PetscCheck(tag, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_stacks(%d) = '%s' names no stack of the base run (no source "
               "stack:%s in its table, no tag pt:%s); expected an id of its points file",
               at, (int)e + 1, prm->stacks[e], prm->stacks[e], prm->stacks[e]);
    PetscCheck(var, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_stacks(%d) = '%s': the stack emits none of so2, nox, nh3, ppm25 in "
               "the base run, so there is nothing to cut; expected a stack with emissions",
               at, (int)e + 1, prm->stacks[e]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The decision variables: every tag of the family that is one unit (and sector), for each
   precursor it emits, if strategy_units allows the unit, and every named stack's tag. */
static PetscErrorCode make_variables(const StrategyParams *prm, const TaggedRun *b, const Domain *d,
                                     const PetscReal *t_yr, const AbatementCosts *c,
                                     StrategyProblem *pb)
{
  PetscInt nspec, cap = 0;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc6(b->ntag * nspec, &pb->var_tag, b->ntag * nspec, &pb->var_unit,
                         b->ntag * nspec, &pb->var_sector, b->ntag * nspec, &pb->var_prec,
                         b->ntag * nspec, &pb->var_t_yr, b->ntag * nspec, &pb->var_cap));
  PetscCall(PetscMalloc1(b->ntag * nspec, &pb->var_stack));
  PetscCall(PetscMalloc1(b->ntag * nspec * SECTOR_N, &pb->var_sector_t_yr));
  cap = b->ntag * nspec * (SECTOR_N * ABATEMENT_TIER_MAX + 1);
  PetscCall(PetscMalloc3(b->ntag * nspec + 1, &pb->tier_start, cap, &pb->tier_width, cap,
                         &pb->tier_cost));
  pb->tier_start[0] = 0;
  for (PetscInt n = 0; n < b->ntag; n++) {
    PetscBool ok;
    PetscInt st = strategy_problem_stack_of(prm, b->label[n]);
    if (b->family[n] != pb->family || b->special[n] != TAG_EMISSION || b->unit[n] < 0) continue;
    PetscCall(unit_allowed(prm, d, b->unit[n], &ok));
    if (!ok && st < 0) continue;
    for (PetscInt k = 0; k < nspec; k++) {
      PetscReal e_s[SECTOR_N], e = 0;
      PetscInt v = pb->nvar;
      if (!is_precursor(sp, nspec, k)) continue;
      for (PetscInt s = 0; s < SECTOR_N; s++) e += e_s[s] = t_yr[(n * SECTOR_N + s) * nspec + k];
      if (e <= 0) continue;
      pb->var_tag[v] = n, pb->var_unit[v] = b->unit[n], pb->var_sector[v] = b->sector[n];
      pb->var_prec[v] = k, pb->var_t_yr[v] = e, pb->var_stack[v] = st;
      PetscCall(PetscArraycpy(&pb->var_sector_t_yr[v * SECTOR_N], e_s, SECTOR_N));
      PetscCall(make_tiers(prm, c, k, e_s, d->unit[b->unit[n]].code,
                           st >= 0 && prm->nstack_caps ? prm->stack_caps[st] : -1, pb, v));
      pb->nvar++;
    }
  }
  {
    char at[PETSC_MAX_PATH_LEN];
    where("units", at, sizeof(at));
    PetscCheck(pb->nvar > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s%sthe list of control units to cut is empty: family %d of the base run "
               "resolves no unit with emissions%s",
               prm->nunits ? at : "", prm->nunits ? ": " : "", (int)pb->family,
               prm->nunits ? " among strategy_units" : "");
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The reduction of receptor r's mean PM2.5 over records t0..t1-1 per unit fraction of each
   variable, into a[nvar]. */
static void reduction(const StrategyProblem *pb, const TaggedRun *b, PetscInt r, PetscInt t0,
                      PetscInt t1, PetscReal *a)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);
  for (PetscInt v = 0; v < pb->nvar; v++) {
    PetscReal sum = 0;
    for (PetscInt t = t0; t < t1; t++)
      for (PetscInt q = 0; q < nspec; q++)
        if (sp[q].in_pm25 && tagged_run_source(sp, nspec, q) == pb->var_prec[v])
          sum += b->contrib[((t * b->nrec + r) * b->nsp + q) * b->ntag + pb->var_tag[v]];
    a[v] = sum / (PetscReal)(t1 - t0);
  }
}

/* Receptor r's base mean PM2.5 over records t0..t1-1. */
static PetscReal base_mean(const TaggedRun *b, PetscInt r, PetscInt t0, PetscInt t1)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);
  PetscReal sum = 0;
  for (PetscInt t = t0; t < t1; t++)
    for (PetscInt q = 0; q < nspec; q++)
      if (sp[q].in_pm25) sum += b->conc[(t * b->nrec + r) * b->nsp + q];
  return sum / (PetscReal)(t1 - t0);
}

/* Grow the row arrays to hold row pb->nrow. */
static PetscErrorCode add_row(StrategyProblem *pb, PetscInt kind, PetscInt rec, PetscInt param)
{
  PetscInt n = pb->nrow + 1;

  PetscFunctionBeginUser;
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)n, &pb->row_kind));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)n, &pb->row_rec));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)n, &pb->row_day));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)n, &pb->row_pref));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)n, &pb->row_prec));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)n, &pb->row_param));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)n, &pb->row_base));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)n, &pb->row_target));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)n, &pb->rhs));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)(n * pb->nvar), &pb->coef));
  pb->row_kind[pb->nrow] = kind, pb->row_rec[pb->nrow] = rec, pb->row_param[pb->nrow] = param;
  pb->row_day[pb->nrow] = pb->row_pref[pb->nrow] = pb->row_prec[pb->nrow] = -1;
  pb->nrow++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The records of each local day: day_first[d] .. day_first[d+1]-1. */
static PetscErrorCode split_days(const StrategyParams *prm, const TaggedRun *b, StrategyProblem *pb,
                                 PetscInt **day_first)
{
  PetscReal off = prm->day_utc_offset * SECONDS_PER_HOUR, last = -1;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(b->nt + 1, day_first));
  PetscCall(PetscMalloc1(b->nt + 1, &pb->day_start));
  for (PetscInt t = 0; t < b->nt; t++) {
    /* A record belongs to the day its interval ends in, one second before its end. */
    PetscReal day = floor((b->time[t] - 1 + off) / SECONDS_PER_DAY);
    if (day != last) {
      (*day_first)[pb->ndays] = t;
      pb->day_start[pb->ndays++] = day * SECONDS_PER_DAY - off;
      last = day;
    }
  }
  (*day_first)[pb->ndays] = b->nt;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The target and daily rows of receptor r, asked for by element e of strategy_receptors. */
static PetscErrorCode receptor_rows(const StrategyParams *prm, const TaggedRun *b, PetscInt e,
                                    PetscInt r, const PetscInt *day_first, StrategyProblem *pb)
{
  const char *units = prm->ntarget_units == 0   ? "ug_m3"
                      : prm->ntarget_units == 1 ? prm->target_units[0]
                                                : prm->target_units[e];
  PetscBool percent = !strcasecmp(units, "percent") ? PETSC_TRUE : PETSC_FALSE;
  PetscInt x;
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  where("target_units", at, sizeof(at));
  PetscCheck(percent || !strcasecmp(units, "ug_m3"), PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: strategy_target_units(%d) = '%s'; expected 'ug_m3' or 'percent'", at,
             (int)(prm->ntarget_units == 1 ? 1 : e + 1), units);
  where("targets", at, sizeof(at));
  PetscCheck(!percent || prm->targets[e] < 100, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: strategy_targets(%d) = %g per cent; expected a reduction below 100", at,
             (int)e + 1, (double)prm->targets[e]);
  PetscCall(add_row(pb, ROW_TARGET, r, e));
  x = pb->nrow - 1;
  pb->row_base[x] = pb->rec_base[r];
  pb->row_target[x] = percent ? pb->rec_base[r] * (1 - prm->targets[e] / 100) : prm->targets[e];
  pb->rhs[x] = pb->row_base[x] - pb->row_target[x];
  PetscCall(PetscArraycpy(&pb->coef[x * pb->nvar], &pb->rec_coef[r * pb->nvar], pb->nvar));
  for (PetscInt dd = 0; prm->day_limit > 0 && dd < pb->ndays; dd++) {
    PetscReal m = base_mean(b, r, day_first[dd], day_first[dd + 1]);
    if (m <= prm->day_limit) continue;
    PetscCall(add_row(pb, ROW_DAY, r, e));
    x = pb->nrow - 1;
    pb->row_day[x] = dd, pb->row_base[x] = m, pb->row_target[x] = prm->day_limit;
    pb->rhs[x] = m - prm->day_limit;
    reduction(pb, b, r, day_first[dd], day_first[dd + 1], &pb->coef[x * pb->nvar]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Burden sharing: a row per prefecture and precursor with resolved emissions. */
static PetscErrorCode share_rows(const StrategyParams *prm, const Domain *d, StrategyProblem *pb)
{
  PetscInt nspec;

  PetscFunctionBeginUser;
  species_table(&nspec);
  if (prm->prefecture_min_cut <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt p = 0; p < d->npref; p++)
    for (PetscInt k = 0; k < nspec; k++) {
      PetscReal e = 0;
      PetscInt x;
      for (PetscInt v = 0; v < pb->nvar; v++)
        if (pb->var_prec[v] == k && d->unit[pb->var_unit[v]].prefecture == p) e += pb->var_t_yr[v];
      if (e <= 0) continue;
      PetscCall(add_row(pb, ROW_SHARE, -1, -1));
      x = pb->nrow - 1;
      pb->row_pref[x] = p, pb->row_prec[x] = k, pb->row_base[x] = e;
      pb->row_target[x] = pb->rhs[x] = e * prm->prefecture_min_cut / 100;
      for (PetscInt v = 0; v < pb->nvar; v++)
        pb->coef[x * pb->nvar + v] =
            pb->var_prec[v] == k && d->unit[pb->var_unit[v]].prefecture == p ? pb->var_t_yr[v] : 0;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every receptor's base and coefficients, and each unit's resolved contribution. */
static PetscErrorCode receptor_tables(const TaggedRun *b, const Domain *d, StrategyProblem *pb)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  pb->nrec = b->nrec, pb->nunit = d->nunit;
  PetscCall(PetscMalloc3(b->nrec, &pb->rec_base, b->nrec * pb->nvar, &pb->rec_coef,
                         d->nunit * b->nrec, &pb->unit_pm25));
  PetscCall(PetscArrayzero(pb->unit_pm25, d->nunit * b->nrec));
  for (PetscInt r = 0; r < b->nrec; r++) {
    pb->rec_base[r] = base_mean(b, r, 0, b->nt);
    reduction(pb, b, r, 0, b->nt, &pb->rec_coef[r * pb->nvar]);
    for (PetscInt n = 0; n < b->ntag; n++) {
      PetscReal sum = 0;
      if (b->family[n] != pb->family || b->special[n] != TAG_EMISSION || b->unit[n] < 0) continue;
      for (PetscInt t = 0; t < b->nt; t++)
        for (PetscInt q = 0; q < nspec; q++)
          if (sp[q].in_pm25) sum += b->contrib[((t * b->nrec + r) * b->nsp + q) * b->ntag + n];
      pb->unit_pm25[b->unit[n] * b->nrec + r] += sum / (PetscReal)b->nt;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode strategy_problem_create(const StrategyParams *prm, const TaggedRun *b,
                                       const Domain *d, const PetscReal *t_yr,
                                       const AbatementCosts *c, StrategyProblem **out)
{
  StrategyProblem *pb;
  PetscInt *day_first;
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  where("targets", at, sizeof(at));
  PetscCheck(prm->nreceptors > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "strategy_receptors is empty: a plan needs at least one receptor with a target");
  PetscCheck(prm->ntargets == prm->nreceptors, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: strategy_targets has %d values for %d strategy_receptors; expected one each", at,
             (int)prm->ntargets, (int)prm->nreceptors);
  where("target_units", at, sizeof(at));
  PetscCheck(prm->ntarget_units <= 1 || prm->ntarget_units == prm->nreceptors, PETSC_COMM_SELF,
             PETSC_ERR_USER,
             "%s: strategy_target_units has %d values for %d strategy_receptors; expected one for "
             "all or one each",
             at, (int)prm->ntarget_units, (int)prm->nreceptors);
  PetscCall(check_stacks(prm));
  PetscCall(PetscNew(&pb));
  PetscCall(strategy_problem_family(prm, b, &pb->family));
  PetscCall(make_variables(prm, b, d, t_yr, c, pb));
  PetscCall(check_stack_variables(prm, b, pb));
  PetscCall(receptor_tables(b, d, pb));
  PetscCall(split_days(prm, b, pb, &day_first));
  for (PetscInt e = 0; e < prm->nreceptors; e++) {
    PetscInt r = -1;
    char list[512] = "";
    for (PetscInt q = 0; q < b->nrec; q++) {
      if (!strcasecmp(b->rec[q], prm->receptors[e])) r = q;
      PetscCall(PetscStrlcat(list, q ? ", " : "", sizeof(list)));
      PetscCall(PetscStrlcat(list, b->rec[q], sizeof(list)));
    }
    where("receptors", at, sizeof(at));
    PetscCheck(r >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_receptors(%d) = '%s': the base run has no receptor of that name; "
               "expected one of %s",
               at, (int)e + 1, prm->receptors[e], list);
    PetscCall(receptor_rows(prm, b, e, r, day_first, pb));
  }
  PetscCall(PetscFree(day_first));
  PetscCall(share_rows(prm, d, pb));
  pb->lp = (StrategyLP){.nvar = pb->nvar,
                        .nrow = pb->nrow,
                        .tier_start = pb->tier_start,
                        .tier_width = pb->tier_width,
                        .tier_cost = pb->tier_cost,
                        .coef = pb->coef,
                        .rhs = pb->rhs};
  *out = pb;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode strategy_problem_check_reachable(const StrategyProblem *pb, const TaggedRun *b,
                                                const Domain *d)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  for (PetscInt x = 0; x < pb->nrow; x++) {
    PetscReal most = strategy_lp_row_max(&pb->lp, x);
    const char *rec = pb->row_rec[x] >= 0 ? b->rec[pb->row_rec[x]] : "";
    if (most >= pb->rhs[x]) continue;
    PetscCheck(pb->row_kind[x] != ROW_TARGET, PETSC_COMM_SELF, PETSC_ERR_USER,
               "the target for %s cannot be met: %.4g ug m-3 asked (base %.4g); the lowest mean "
               "PM2.5 reachable within the caps is %.4g ug m-3",
               rec, (double)pb->row_target[x], (double)pb->row_base[x],
               (double)(pb->row_base[x] - most));
    PetscCheck(pb->row_kind[x] != ROW_DAY, PETSC_COMM_SELF, PETSC_ERR_USER,
               "the day limit for %s cannot be met on day %d of the run: %.4g ug m-3 asked (base "
               "%.4g); the lowest daily mean PM2.5 reachable within the caps is %.4g ug m-3",
               rec, (int)pb->row_day[x] + 1, (double)pb->row_target[x], (double)pb->row_base[x],
               (double)(pb->row_base[x] - most));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
            "the burden share of %s cannot be met for %s: %.4g t/yr to cut (of %.4g); at most "
            "%.4g t/yr can be cut within the caps",
            d->pref[pb->row_pref[x]].name_en, sp[pb->row_prec[x]].name, (double)pb->rhs[x],
            (double)pb->row_base[x], (double)most);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal strategy_problem_var_cost(const StrategyProblem *pb, PetscInt v, PetscReal y)
{
  PetscReal cost = 0, lo = 0;
  for (PetscInt k = pb->tier_start[v]; k < pb->tier_start[v + 1]; k++) {
    PetscReal w = PetscMax(0, PetscMin(y - lo, pb->tier_width[k]));
    cost += w * pb->tier_cost[k];
    lo += pb->tier_width[k];
  }
  return cost;
}

PetscErrorCode strategy_problem_destroy(StrategyProblem **out)
{
  StrategyProblem *pb = *out;

  PetscFunctionBeginUser;
  if (!pb) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree6(pb->var_tag, pb->var_unit, pb->var_sector, pb->var_prec, pb->var_t_yr,
                       pb->var_cap));
  PetscCall(PetscFree(pb->var_sector_t_yr));
  PetscCall(PetscFree(pb->var_stack));
  PetscCall(PetscFree3(pb->tier_start, pb->tier_width, pb->tier_cost));
  PetscCall(PetscFree(pb->row_kind));
  PetscCall(PetscFree(pb->row_rec));
  PetscCall(PetscFree(pb->row_day));
  PetscCall(PetscFree(pb->row_pref));
  PetscCall(PetscFree(pb->row_prec));
  PetscCall(PetscFree(pb->row_param));
  PetscCall(PetscFree(pb->row_base));
  PetscCall(PetscFree(pb->row_target));
  PetscCall(PetscFree(pb->rhs));
  PetscCall(PetscFree(pb->coef));
  PetscCall(PetscFree3(pb->rec_base, pb->rec_coef, pb->unit_pm25));
  PetscCall(PetscFree(pb->day_start));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
