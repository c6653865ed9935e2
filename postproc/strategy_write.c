/* The strategy's output files (see strategy_write.h). Numbers that other programs compare are
   written with 17 significant digits (the scenario's factors as the shortest text that reads back
   exactly, namelist_real_text), so a check against a real run is not limited by the text. */
#include "postproc/strategy_write.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/atomic_file.h"
#include "base/namelist.h"
#include "grids/domain.h"
#include "model/tags.h"

/* A select value holds at most this many characters (PARAM_STRING_LEN less the NUL). */
#define SELECT_LEN (PARAM_STRING_LEN - 1)
/* Cuts below this fraction are written as none (the simplex's round-off on a basic variable). */
#define CUT_MIN 1e-12
/* The largest factor a &scenario rule takes (scenario_factor's range in
   model/emissions/scenario.c). */
#define SCENARIO_FACTOR_MAX 100.0

static const char *kind_name(const DomainUnit *u)
{
  return u->kind <= DOMAIN_UNIT_GENERAL ? tags_kind_names[u->kind] : "outside";
}

static const char *pref_name(const Domain *d, const DomainUnit *u)
{
  return u->prefecture >= 0 ? d->pref[u->prefecture].name_en : "outside Xinjiang";
}

static const char *sector_of(const StrategyProblem *pb, PetscInt v)
{
  return pb->var_sector[v] >= 0 ? sector_names[pb->var_sector[v]] : "all";
}

/* The id of variable v's named stack, or "" for a unit's variable. */
static const char *stack_of(const StrategyResult *res, PetscInt v)
{
  return res->pb->var_stack[v] >= 0 ? res->prm->stacks[res->pb->var_stack[v]] : "";
}

/* Is species k one of the precursors the tables give a column each (so2, nox, nh3, ppm25)? */
static PetscBool precursor_column(const SpeciesInfo *sp, PetscInt nspec, PetscInt k)
{
  return !sp[k].precursor && (sp[k].in_pm25 || k + 1 < nspec) ? PETSC_TRUE : PETSC_FALSE;
}

/* A name for a CSV field: commas would split it. */
static void field(const char *in, char *out, size_t len)
{
  size_t k = 0;
  for (; in[k] && k + 1 < len; k++) out[k] = in[k] == ',' ? ';' : in[k];
  out[k] = '\0';
}

static PetscReal cut(const StrategyResult *res, PetscInt v)
{
  PetscReal y = res->sol->y[v];
  return y > CUT_MIN ? y : 0;
}

static PetscErrorCode write_units(const StrategyResult *res, AtomicFile *f)
{
  const StrategyProblem *pb = res->pb;
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  PetscCall(atomic_file_printf(f, "unit_code,unit_name,kind,prefecture,sector,precursor,"
                                  "cut_percent,cut_t_yr,cost_yuan,stack\n"));
  for (PetscInt v = 0; v < pb->nvar; v++) {
    const DomainUnit *u = &res->d->unit[pb->var_unit[v]];
    char name[DOMAIN_NAME_LEN], pref[DOMAIN_NAME_LEN];
    PetscReal y = cut(res, v);
    field(u->name_en, name, sizeof(name));
    field(pref_name(res->d, u), pref, sizeof(pref));
    PetscCall(atomic_file_printf(f, "%s,%s,%s,%s,%s,%s,%.17g,%.17g,%.17g,%s\n", u->code, name,
                                 kind_name(u), pref, sector_of(pb, v), sp[pb->var_prec[v]].name,
                                 (double)(100 * y), (double)(y * pb->var_t_yr[v]),
                                 (double)strategy_problem_var_cost(pb, v, y), stack_of(res, v)));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode write_emissions(const StrategyResult *res, AtomicFile *f)
{
  const StrategyProblem *pb = res->pb;
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  PetscCall(atomic_file_printf(
      f, "variable,tag,unit_code,sector,precursor,t_per_year,emission_sector,sector_t_per_year,"
         "cap_fraction,stack\n"));
  for (PetscInt v = 0; v < pb->nvar; v++)
    for (PetscInt s = 0; s < SECTOR_N; s++)
      if (pb->var_sector_t_yr[v * SECTOR_N + s] > 0)
        PetscCall(atomic_file_printf(f, "%d,%s,%s,%s,%s,%.17g,%s,%.17g,%.17g,%s\n", (int)v + 1,
                                     res->b->label[pb->var_tag[v]],
                                     res->d->unit[pb->var_unit[v]].code, sector_of(pb, v),
                                     sp[pb->var_prec[v]].name, (double)pb->var_t_yr[v],
                                     sector_names[s], (double)pb->var_sector_t_yr[v * SECTOR_N + s],
                                     (double)pb->var_cap[v], stack_of(res, v)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The predicted mean of row x: its base less the reduction of the optimum. */
static PetscReal row_after(const StrategyResult *res, PetscInt x)
{
  const StrategyProblem *pb = res->pb;
  PetscReal red = 0;
  for (PetscInt v = 0; v < pb->nvar; v++) red += pb->coef[x * pb->nvar + v] * res->sol->y[v];
  return pb->row_kind[x] == ROW_SHARE ? red : pb->row_base[x] - red;
}

/* Receptor r's predicted mean PM2.5 under the optimum. */
static PetscReal receptor_after(const StrategyResult *res, PetscInt r)
{
  const StrategyProblem *pb = res->pb;
  PetscReal red = 0;
  for (PetscInt v = 0; v < pb->nvar; v++) red += pb->rec_coef[r * pb->nvar + v] * res->sol->y[v];
  return pb->rec_base[r] - red;
}

static PetscErrorCode write_summary(const StrategyResult *res, AtomicFile *f)
{
  const StrategyProblem *pb = res->pb;
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  PetscCall(atomic_file_printf(f, "unit_code,unit_name,unit_name_zh,kind,prefecture_code,"
                                  "prefecture"));
  for (PetscInt k = 0; k < nspec; k++)
    if (precursor_column(sp, nspec, k))
      PetscCall(atomic_file_printf(f, ",cut_t_yr_%s", sp[k].name));
  PetscCall(atomic_file_printf(f, ",cost_yuan"));
  for (PetscInt r = 0; r < res->b->nrec; r++)
    PetscCall(
        atomic_file_printf(f, ",%s_before_ug_m3,%s_after_ug_m3", res->b->rec[r], res->b->rec[r]));
  PetscCall(atomic_file_printf(f, "\n"));
  for (PetscInt u = 0; u < res->d->nunit; u++) {
    const DomainUnit *un = &res->d->unit[u];
    PetscReal cost = 0, *tk;
    PetscBool any = PETSC_FALSE;
    char name[DOMAIN_NAME_LEN], zh[DOMAIN_NAME_LEN], pref[DOMAIN_NAME_LEN];
    PetscCall(PetscCalloc1(nspec, &tk));
    for (PetscInt v = 0; v < pb->nvar; v++)
      if (pb->var_unit[v] == u) {
        any = PETSC_TRUE;
        tk[pb->var_prec[v]] += cut(res, v) * pb->var_t_yr[v];
        cost += strategy_problem_var_cost(pb, v, cut(res, v));
      }
    if (any) {
      field(un->name_en, name, sizeof(name));
      field(un->name_zh, zh, sizeof(zh));
      field(pref_name(res->d, un), pref, sizeof(pref));
      PetscCall(atomic_file_printf(f, "%s,%s,%s,%s,%d,%s", un->code, name, zh, kind_name(un),
                                   un->prefecture >= 0 ? (int)res->d->pref[un->prefecture].code : 0,
                                   pref));
      for (PetscInt k = 0; k < nspec; k++)
        if (precursor_column(sp, nspec, k))
          PetscCall(atomic_file_printf(f, ",%.17g", (double)tk[k]));
      PetscCall(atomic_file_printf(f, ",%.17g", (double)cost));
      for (PetscInt r = 0; r < res->b->nrec; r++) {
        PetscReal before = pb->unit_pm25[u * pb->nrec + r], red = 0;
        for (PetscInt v = 0; v < pb->nvar; v++)
          if (pb->var_unit[v] == u) red += pb->rec_coef[r * pb->nvar + v] * res->sol->y[v];
        PetscCall(atomic_file_printf(f, ",%.17g,%.17g", (double)before, (double)(before - red)));
      }
      PetscCall(atomic_file_printf(f, "\n"));
    }
    PetscCall(PetscFree(tk));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Tag n's mean PM2.5 at receptor r in the base run (every PM2.5 species over the records). */
static PetscReal tag_pm25(const StrategyResult *res, PetscInt n, PetscInt r)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);
  PetscReal sum = 0;
  for (PetscInt q = 0; q < nspec; q++)
    if (sp[q].in_pm25) sum += tagged_run_mean_contribution(res->b, r, q, n);
  return sum;
}

/* A row per named stack: its unit, kind, prefecture and sector, its cut of each precursor (per
   cent and t/yr), its cost, and its own mean PM2.5 at each receptor before and after. */
static PetscErrorCode write_stacks(const StrategyResult *res, AtomicFile *f)
{
  const StrategyProblem *pb = res->pb;
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  PetscCall(atomic_file_printf(f, "stack_id,unit_code,unit_name,kind,prefecture,sector"));
  for (PetscInt k = 0; k < nspec; k++)
    if (precursor_column(sp, nspec, k))
      PetscCall(atomic_file_printf(f, ",cut_percent_%s,cut_t_yr_%s", sp[k].name, sp[k].name));
  PetscCall(atomic_file_printf(f, ",cost_yuan"));
  for (PetscInt r = 0; r < res->b->nrec; r++)
    PetscCall(
        atomic_file_printf(f, ",%s_before_ug_m3,%s_after_ug_m3", res->b->rec[r], res->b->rec[r]));
  PetscCall(atomic_file_printf(f, "\n"));
  for (PetscInt e = 0; e < res->prm->nstacks; e++) {
    PetscInt v0 = -1;
    PetscReal cost = 0;
    const DomainUnit *u;
    char name[DOMAIN_NAME_LEN], pref[DOMAIN_NAME_LEN];
    for (PetscInt v = pb->nvar - 1; v >= 0; v--)
      if (pb->var_stack[v] == e) v0 = v, cost += strategy_problem_var_cost(pb, v, cut(res, v));
    if (v0 < 0) continue; /* strategy_problem_create refuses it */
    u = &res->d->unit[pb->var_unit[v0]];
    field(u->name_en, name, sizeof(name));
    field(pref_name(res->d, u), pref, sizeof(pref));
    PetscCall(atomic_file_printf(f, "%s,%s,%s,%s,%s,%s", res->prm->stacks[e], u->code, name,
                                 kind_name(u), pref, sector_of(pb, v0)));
    for (PetscInt k = 0; k < nspec; k++) {
      PetscReal y = 0, t = 0;
      if (!precursor_column(sp, nspec, k)) continue;
      for (PetscInt v = 0; v < pb->nvar; v++)
        if (pb->var_stack[v] == e && pb->var_prec[v] == k) y = cut(res, v), t = y * pb->var_t_yr[v];
      PetscCall(atomic_file_printf(f, ",%.17g,%.17g", (double)(100 * y), (double)t));
    }
    PetscCall(atomic_file_printf(f, ",%.17g", (double)cost));
    for (PetscInt r = 0; r < res->b->nrec; r++) {
      PetscReal before = tag_pm25(res, pb->var_tag[v0], r), red = 0;
      for (PetscInt v = 0; v < pb->nvar; v++)
        if (pb->var_stack[v] == e) red += pb->rec_coef[r * pb->nvar + v] * res->sol->y[v];
      PetscCall(atomic_file_printf(f, ",%.17g,%.17g", (double)before, (double)(before - red)));
    }
    PetscCall(atomic_file_printf(f, "\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The label of row x's day, "YYYY-MM-DD" (local days), or "" for a period target. */
static void day_label(const StrategyResult *res, PetscInt x, char *buf, size_t len)
{
  const StrategyProblem *pb = res->pb;
  buf[0] = '\0';
  if (pb->row_day[x] >= 0) {
    time_t t = (time_t)(pb->day_start[pb->row_day[x]] + res->prm->day_utc_offset * 3600.0);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
  }
}

static PetscErrorCode write_targets(const StrategyResult *res, AtomicFile *f)
{
  const StrategyProblem *pb = res->pb;

  PetscFunctionBeginUser;
  PetscCall(atomic_file_printf(f, "receptor,constraint,day,base_ug_m3,target_ug_m3,"
                                  "predicted_ug_m3,shadow_price_yuan_per_ug_m3\n"));
  for (PetscInt x = 0; x < pb->nrow; x++) {
    char day[32];
    if (pb->row_kind[x] == ROW_SHARE) continue;
    day_label(res, x, day, sizeof(day));
    PetscCall(atomic_file_printf(
        f, "%s,%s,%s,%.17g,%.17g,%.17g,%.17g\n", res->b->rec[pb->row_rec[x]],
        pb->row_kind[x] == ROW_TARGET ? "mean" : "day", day, (double)pb->row_base[x],
        (double)pb->row_target[x], (double)row_after(res, x), (double)res->sol->dual[x]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode write_curve(const StrategyResult *res, AtomicFile *f)
{
  const StrategyProblem *pb = res->pb;
  const StrategyCurve *cv = res->curve;

  PetscFunctionBeginUser;
  PetscCall(atomic_file_printf(f, "point,scale,asked"));
  for (PetscInt x = 0; x < pb->nrow; x++)
    if (pb->row_kind[x] == ROW_TARGET)
      PetscCall(atomic_file_printf(f, ",%s_target_ug_m3,%s_shadow_price_yuan_per_ug_m3",
                                   res->b->rec[pb->row_rec[x]], res->b->rec[pb->row_rec[x]]));
  PetscCall(atomic_file_printf(f, ",cost_yuan\n"));
  for (PetscInt p = 0; p < cv->npoint; p++) {
    PetscCall(atomic_file_printf(f, "%d,%.17g,%d", (int)p + 1, (double)cv->scale[p],
                                 p == cv->asked ? 1 : 0));
    for (PetscInt x = 0; x < pb->nrow; x++)
      if (pb->row_kind[x] == ROW_TARGET)
        PetscCall(atomic_file_printf(f, ",%.17g,%.17g",
                                     (double)(pb->row_base[x] - cv->scale[p] * pb->rhs[x]),
                                     (double)cv->dual[p * pb->nrow + x]));
    PetscCall(atomic_file_printf(f, ",%.17g\n", (double)cv->cost[p]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode write_json(const StrategyResult *res, AtomicFile *f)
{
  const StrategyProblem *pb = res->pb;
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  PetscCall(atomic_file_printf(f,
                               "{\n  \"bogda_version\": \"%s\",\n  \"name\": \"%s\",\n  \"run\": "
                               "\"%s\",\n  \"family\": %d,\n  \"total_cost_yuan\": %.17g,\n",
                               res->version, res->prm->name, res->run, (int)pb->family,
                               (double)res->sol->cost));
  PetscCall(atomic_file_printf(f, "  \"receptors\": ["));
  for (PetscInt r = 0; r < res->b->nrec; r++)
    PetscCall(atomic_file_printf(f,
                                 "%s\n    {\"receptor\": \"%s\", \"base_ug_m3\": %.17g, "
                                 "\"predicted_ug_m3\": %.17g}",
                                 r ? "," : "", res->b->rec[r], (double)pb->rec_base[r],
                                 (double)receptor_after(res, r)));
  PetscCall(atomic_file_printf(f, "\n  ],\n  \"targets\": ["));
  for (PetscInt x = 0, first = 1; x < pb->nrow; x++) {
    char day[32];
    day_label(res, x, day, sizeof(day));
    PetscCall(atomic_file_printf(
        f,
        "%s\n    {\"constraint\": \"%s\", \"receptor\": \"%s\", \"prefecture\": \"%s\", "
        "\"precursor\": \"%s\", \"day\": \"%s\", \"base\": %.17g, \"target\": %.17g, "
        "\"predicted\": %.17g, \"units\": \"%s\", \"shadow_price_yuan_per_unit\": %.17g}",
        first ? "" : ",",
        pb->row_kind[x] == ROW_TARGET ? "mean"
        : pb->row_kind[x] == ROW_DAY  ? "day"
                                      : "prefecture_share",
        pb->row_rec[x] >= 0 ? res->b->rec[pb->row_rec[x]] : "",
        pb->row_pref[x] >= 0 ? res->d->pref[pb->row_pref[x]].name_en : "",
        pb->row_prec[x] >= 0 ? sp[pb->row_prec[x]].name : "", day, (double)pb->row_base[x],
        (double)pb->row_target[x], (double)row_after(res, x),
        pb->row_kind[x] == ROW_SHARE ? "t_yr" : "ug_m3", (double)res->sol->dual[x]));
    first = 0;
  }
  PetscCall(atomic_file_printf(f, "\n  ],\n  \"units\": ["));
  for (PetscInt v = 0; v < pb->nvar; v++) {
    const DomainUnit *u = &res->d->unit[pb->var_unit[v]];
    PetscReal y = cut(res, v);
    PetscCall(atomic_file_printf(
        f,
        "%s\n    {\"unit_code\": \"%s\", \"unit_name\": \"%s\", \"unit_name_zh\": \"%s\", "
        "\"kind\": \"%s\", \"prefecture\": \"%s\", \"sector\": \"%s\", \"precursor\": \"%s\", "
        "\"cut_percent\": %.17g, \"cut_t_yr\": %.17g, \"cost_yuan\": %.17g, \"stack\": \"%s\"}",
        v ? "," : "", u->code, u->name_en, u->name_zh, kind_name(u), pref_name(res->d, u),
        sector_of(pb, v), sp[pb->var_prec[v]].name, (double)(100 * y),
        (double)(y * pb->var_t_yr[v]), (double)strategy_problem_var_cost(pb, v, y),
        stack_of(res, v)));
  }
  PetscCall(atomic_file_printf(f, "\n  ],\n  \"curve\": ["));
  for (PetscInt p = 0; p < res->curve->npoint; p++)
    PetscCall(atomic_file_printf(f, "%s\n    {\"scale\": %.17g, \"cost_yuan\": %.17g}",
                                 p ? "," : "", (double)res->curve->scale[p],
                                 (double)res->curve->cost[p]));
  PetscCall(atomic_file_printf(f, "\n  ]\n}\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One cut in the making of a scenario rule: a unit (term unit:) or a named stack (term point:),
   a sector, a factor and the species it scales; key is "term|sector|species|factor", for sorting
   the cuts into rules. */
typedef struct {
  char term[8], code[DOMAIN_NAME_LEN], sector[32], factor[32], species[PARAM_STRING_LEN];
  char key[PARAM_STRING_LEN];
} RulePart;

static int compare_parts(const void *a, const void *b)
{
  const RulePart *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : strcmp(x->code, y->code);
}

/* Append to buf the species a cut of precursor k scales: k and what is made from it (so2 with
   so4: a primary sulfate emission goes with the SO2 it is credited with). */
static void species_of(PetscInt k, char *buf, size_t len)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);
  for (PetscInt q = 0; q < nspec; q++)
    if (q == k || (sp[q].precursor && !strcmp(sp[q].precursor, sp[k].name))) {
      if (buf[0]) strncat(buf, " ", len - strlen(buf) - 1);
      strncat(buf, sp[q].name, len - strlen(buf) - 1);
    }
}

/* The factor the unit rules put on named stack variable v's emissions: a rule of a unit selects
   the stacks in it too, so the cut of v's unit, sector (or all sectors) and precursor does. */
static PetscReal unit_factor_on_stack(const StrategyResult *res, PetscInt v)
{
  const StrategyProblem *pb = res->pb;
  for (PetscInt w = 0; w < pb->nvar; w++)
    if (pb->var_stack[w] < 0 && pb->var_unit[w] == pb->var_unit[v] &&
        pb->var_prec[w] == pb->var_prec[v] &&
        (pb->var_sector[w] < 0 || pb->var_sector[w] == pb->var_sector[v]))
      return 1 - cut(res, w);
  return 1;
}

/* The factor of variable v's rule as text, into fac ("" for none): 1 less its cut for a unit's
   variable. A named stack's rule (point:) composes with its unit's (scenario rules multiply,
   model/emissions/scenario.h): its factor is 1 less its cut divided by the unit's factor, so that
   the two together leave the stack 1 less its own cut, whatever the unit's. */
static PetscErrorCode rule_factor(const StrategyResult *res, PetscInt v, char *fac, size_t len)
{
  PetscReal want = 1 - cut(res, v), fu = 1;
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  fac[0] = '\0';
  if (res->pb->var_stack[v] >= 0) fu = unit_factor_on_stack(res, v);
  if (want == fu) PetscFunctionReturn(PETSC_SUCCESS); /* nothing to write */
  PetscCheck(fu > 0 && want / fu <= SCENARIO_FACTOR_MAX, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "the optimum cuts %s of unit %s by %g%% and its stack %s by %g%%: a &scenario "
             "multiplies the factors of the rules that select a stack, and the stack's own factor "
             "would be %g (at most %g); cap the unit's %s lower (strategy_caps)",
             sp[res->pb->var_prec[v]].name, res->d->unit[res->pb->var_unit[v]].code,
             (double)(100 * (1 - fu)), stack_of(res, v), (double)(100 * (1 - want)),
             fu > 0 ? (double)(want / fu) : (double)PETSC_INFINITY, SCENARIO_FACTOR_MAX,
             sp[res->pb->var_prec[v]].name);
  namelist_real_text((double)(want / fu), fac, len);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Each cut as a part, the precursors of one unit (or stack) and sector with the same factor
   merged. */
static PetscErrorCode make_parts(const StrategyResult *res, RulePart **parts, PetscInt *n)
{
  const StrategyProblem *pb = res->pb;

  PetscFunctionBeginUser;
  *n = 0;
  PetscCall(PetscCalloc1(pb->nvar + 1, parts));
  for (PetscInt v = 0; v < pb->nvar; v++) {
    PetscBool stack = pb->var_stack[v] >= 0 ? PETSC_TRUE : PETSC_FALSE;
    const char *code = stack ? stack_of(res, v) : res->d->unit[pb->var_unit[v]].code;
    const char *term = stack ? "point" : "unit";
    char fac[32];
    PetscInt q = 0;
    PetscCall(rule_factor(res, v, fac, sizeof(fac)));
    if (!fac[0]) continue;
    while (q < *n &&
           (strcmp((*parts)[q].term, term) || strcmp((*parts)[q].code, code) ||
            strcmp((*parts)[q].sector, sector_of(pb, v)) || strcmp((*parts)[q].factor, fac)))
      q++;
    if (q == *n) {
      PetscCall(PetscStrncpy((*parts)[q].term, term, sizeof((*parts)[q].term)));
      PetscCall(PetscStrncpy((*parts)[q].code, code, sizeof((*parts)[q].code)));
      PetscCall(PetscStrncpy((*parts)[q].sector, sector_of(pb, v), sizeof((*parts)[q].sector)));
      PetscCall(PetscStrncpy((*parts)[q].factor, fac, sizeof((*parts)[q].factor)));
      (*n)++;
    }
    species_of(pb->var_prec[v], (*parts)[q].species, sizeof((*parts)[q].species));
  }
  for (PetscInt q = 0; q < *n; q++)
    PetscCall(PetscSNPrintf((*parts)[q].key, sizeof((*parts)[q].key), "%s|%s|%s|%s",
                            (*parts)[q].term, (*parts)[q].sector, (*parts)[q].species,
                            (*parts)[q].factor));
  qsort(*parts, (size_t)*n, sizeof(RulePart), compare_parts);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The optimum as a &scenario: one rule per sector, species list and factor, with as many units
   as one select value holds (unit:A,B,...), and the same for the named stacks (point:P05,...). */
static PetscErrorCode write_scenario(const StrategyResult *res, AtomicFile *f)
{
  RulePart *parts;
  PetscInt n, nrule = 0;
  char(*sel)[PARAM_STRING_LEN], (*key)[PARAM_STRING_LEN];

  PetscFunctionBeginUser;
  PetscCall(make_parts(res, &parts, &n));
  PetscCall(PetscMalloc2(n + 1, &sel, n + 1, &key));
  for (PetscInt q = 0; q < n; q++) {
    size_t l = nrule ? strlen(sel[nrule - 1]) : 0;
    if (nrule && !strcmp(key[nrule - 1], parts[q].key) &&
        l + 1 + strlen(parts[q].code) <= SELECT_LEN) {
      PetscCall(PetscStrlcat(sel[nrule - 1], ",", PARAM_STRING_LEN));
      PetscCall(PetscStrlcat(sel[nrule - 1], parts[q].code, PARAM_STRING_LEN));
      continue;
    }
    PetscCall(PetscSNPrintf(sel[nrule], PARAM_STRING_LEN, "%s:%s", parts[q].term, parts[q].code));
    PetscCall(PetscStrncpy(key[nrule++], parts[q].key, PARAM_STRING_LEN));
  }
  {
    size_t chars = 0;
    for (PetscInt r = 0; r < nrule; r++) chars += strlen(sel[r]) + 3; /* quotes and a comma */
    PetscCheck(
        nrule <= PARAM_ARRAY_MAX && chars < NAMELIST_VALUE_LEN, PETSC_COMM_SELF, PETSC_ERR_SUP,
        "the optimum has %d cuts (unit, sector, factor) in %d scenario rules, whose select list "
        "is %d characters long; a &scenario holds at most %d rules (PARAM_ARRAY_MAX of "
        "base/param.h) and a key's value %d characters (NAMELIST_VALUE_LEN of "
        "base/namelist.h): plan over fewer units (strategy_units) or raise the limits",
        (int)n, (int)nrule, (int)chars, PARAM_ARRAY_MAX, NAMELIST_VALUE_LEN - 1);
  }
  PetscCall(atomic_file_printf(f,
                               "! The least-cost plan %s from bogda-strategy %s over the base run "
                               "%s: %d rules, total cost %.6g yuan a year.\n",
                               res->prm->name, res->version, res->run, (int)nrule,
                               (double)res->sol->cost));
  PetscCall(atomic_file_printf(f, "&scenario\n  name = '%s'\n", res->prm->name));
  for (PetscInt part = 0; part < 4 && nrule; part++) {
    static const char *const keys[4] = {"select", "sectors", "species", "factor"};
    PetscCall(atomic_file_printf(f, "  %s =", keys[part]));
    for (PetscInt r = 0; r < nrule; r++) {
      char buf[PARAM_STRING_LEN], *sec, *spc, *fac;
      PetscCall(PetscStrncpy(buf, key[r], sizeof(buf)));
      sec = strchr(buf, '|') + 1; /* after the term */
      spc = strchr(sec, '|'), *spc++ = '\0', fac = strchr(spc, '|'), *fac++ = '\0';
      PetscCall(atomic_file_printf(f, "%s\n    ", r ? "," : ""));
      if (part == 0) PetscCall(atomic_file_printf(f, "'%s'", sel[r]));
      if (part == 1) PetscCall(atomic_file_printf(f, "'%s'", sec));
      if (part == 2) PetscCall(atomic_file_printf(f, "'%s'", spc));
      if (part == 3) PetscCall(atomic_file_printf(f, "%s", fac));
    }
    PetscCall(atomic_file_printf(f, "\n"));
  }
  PetscCall(atomic_file_printf(f, "/\n"));
  PetscCall(PetscFree2(sel, key));
  PetscCall(PetscFree(parts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode strategy_write_all(const StrategyResult *res, const char *dir)
{
  /* The scenario first: it is the one that can still be refused (too many rules). */
  static const char *const names[8] = {
      "strategy_scenario.nml", "strategy_units.csv",     "strategy_unit_summary.csv",
      "strategy_targets.csv",  "strategy_emissions.csv", "strategy_curve.csv",
      "strategy.json",         "strategy_stacks.csv"};
  PetscErrorCode (*const writers[8])(const StrategyResult *, AtomicFile *) = {
      write_scenario,  write_units, write_summary, write_targets,
      write_emissions, write_curve, write_json,    write_stacks};

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < 8; k++) {
    char path[PETSC_MAX_PATH_LEN];
    AtomicFile f;
    PetscErrorCode ierr;
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", dir, names[k]));
    PetscCall(atomic_file_open(path, &f));
    ierr = writers[k](res, &f);
    if (ierr) atomic_file_discard(&f);
    PetscCall(ierr);
    PetscCall(atomic_file_commit(&f));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
