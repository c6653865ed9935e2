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
                                  "cut_percent,cut_t_yr,cost_yuan\n"));
  for (PetscInt v = 0; v < pb->nvar; v++) {
    const DomainUnit *u = &res->d->unit[pb->var_unit[v]];
    char name[DOMAIN_NAME_LEN], pref[DOMAIN_NAME_LEN];
    PetscReal y = cut(res, v);
    field(u->name_en, name, sizeof(name));
    field(pref_name(res->d, u), pref, sizeof(pref));
    PetscCall(atomic_file_printf(f, "%s,%s,%s,%s,%s,%s,%.17g,%.17g,%.17g\n", u->code, name,
                                 kind_name(u), pref, sector_of(pb, v), sp[pb->var_prec[v]].name,
                                 (double)(100 * y), (double)(y * pb->var_t_yr[v]),
                                 (double)strategy_problem_var_cost(pb, v, y)));
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
         "cap_fraction\n"));
  for (PetscInt v = 0; v < pb->nvar; v++)
    for (PetscInt s = 0; s < SECTOR_N; s++)
      if (pb->var_sector_t_yr[v * SECTOR_N + s] > 0)
        PetscCall(atomic_file_printf(
            f, "%d,%s,%s,%s,%s,%.17g,%s,%.17g,%.17g\n", (int)v + 1, res->b->label[pb->var_tag[v]],
            res->d->unit[pb->var_unit[v]].code, sector_of(pb, v), sp[pb->var_prec[v]].name,
            (double)pb->var_t_yr[v], sector_names[s], (double)pb->var_sector_t_yr[v * SECTOR_N + s],
            (double)pb->var_cap[v]));
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
    if (!sp[k].precursor && (sp[k].in_pm25 || k + 1 < nspec))
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
        if (!sp[k].precursor && (sp[k].in_pm25 || k + 1 < nspec))
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
        "\"cut_percent\": %.17g, \"cut_t_yr\": %.17g, \"cost_yuan\": %.17g}",
        v ? "," : "", u->code, u->name_en, u->name_zh, kind_name(u), pref_name(res->d, u),
        sector_of(pb, v), sp[pb->var_prec[v]].name, (double)(100 * y),
        (double)(y * pb->var_t_yr[v]), (double)strategy_problem_var_cost(pb, v, y)));
  }
  PetscCall(atomic_file_printf(f, "\n  ],\n  \"curve\": ["));
  for (PetscInt p = 0; p < res->curve->npoint; p++)
    PetscCall(atomic_file_printf(f, "%s\n    {\"scale\": %.17g, \"cost_yuan\": %.17g}",
                                 p ? "," : "", (double)res->curve->scale[p],
                                 (double)res->curve->cost[p]));
  PetscCall(atomic_file_printf(f, "\n  ]\n}\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One cut in the making of a scenario rule: a unit, a sector, a factor and the species it
   scales; key is "sector|species|factor", for sorting the cuts into rules. */
typedef struct {
  char code[DOMAIN_NAME_LEN], sector[32], factor[32], species[PARAM_STRING_LEN];
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

/* Each cut as a part, the precursors of one unit and sector with the same factor merged. */
static PetscErrorCode make_parts(const StrategyResult *res, RulePart **parts, PetscInt *n)
{
  const StrategyProblem *pb = res->pb;

  PetscFunctionBeginUser;
  *n = 0;
  PetscCall(PetscCalloc1(pb->nvar + 1, parts));
  for (PetscInt v = 0; v < pb->nvar; v++) {
    const char *code = res->d->unit[pb->var_unit[v]].code;
    char fac[32];
    PetscInt q = 0;
    if (cut(res, v) == 0) continue;
    namelist_real_text((double)(1 - cut(res, v)), fac, sizeof(fac));
    while (q < *n &&
           (strcmp((*parts)[q].code, code) || strcmp((*parts)[q].sector, sector_of(pb, v)) ||
            strcmp((*parts)[q].factor, fac)))
      q++;
    if (q == *n) {
      PetscCall(PetscStrncpy((*parts)[q].code, code, sizeof((*parts)[q].code)));
      PetscCall(PetscStrncpy((*parts)[q].sector, sector_of(pb, v), sizeof((*parts)[q].sector)));
      PetscCall(PetscStrncpy((*parts)[q].factor, fac, sizeof((*parts)[q].factor)));
      (*n)++;
    }
    species_of(pb->var_prec[v], (*parts)[q].species, sizeof((*parts)[q].species));
  }
  for (PetscInt q = 0; q < *n; q++)
    PetscCall(PetscSNPrintf((*parts)[q].key, sizeof((*parts)[q].key), "%s|%s|%s",
                            (*parts)[q].sector, (*parts)[q].species, (*parts)[q].factor));
  qsort(*parts, (size_t)*n, sizeof(RulePart), compare_parts);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The optimum as a &scenario: one rule per sector, species list and factor, with as many units
   as one select value holds (unit:A,B,...). */
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
    PetscCall(PetscSNPrintf(sel[nrule], PARAM_STRING_LEN, "unit:%s", parts[q].code));
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
      sec = buf, spc = strchr(sec, '|'), *spc++ = '\0', fac = strchr(spc, '|'), *fac++ = '\0';
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
  static const char *const names[7] = {
      "strategy_scenario.nml", "strategy_units.csv",     "strategy_unit_summary.csv",
      "strategy_targets.csv",  "strategy_emissions.csv", "strategy_curve.csv",
      "strategy.json"};
  PetscErrorCode (*const writers[7])(const StrategyResult *, AtomicFile *) = {
      write_scenario,  write_units, write_summary, write_targets,
      write_emissions, write_curve, write_json};

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < 7; k++) {
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
