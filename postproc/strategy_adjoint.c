/* A backward run's source table as a one-record tagged run for a strategy (see
   strategy_adjoint.h). */
#include "postproc/strategy_adjoint.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "base/namelist.h"
#include "model/emissions/profiles.h"

#define HOURS_PER_DAY 24.0
#define SECONDS_PER_HOUR 3600.0

/* The window H0-H1 (hours) of functional label L (RECEPTOR:SPECIES:H0-H1h, which
   adjoint_table_read has checked). */
static void window(const char *L, double *h0, double *h1)
{
  const char *w = strrchr(L, ':');
  *h0 = *h1 = 0;
  if (w) sscanf(w + 1, "%lf-%lfh", h0, h1);
}

/* The table's PM2.5 functionals over its whole window: rec_of[n] their receptor index (-1 for
   the others), *nrec how many, the window's start *start_h and length *hours (h). */
static PetscErrorCode receptors(const AdjointTable *t, const char *path, PetscInt *rec_of,
                                PetscInt *nrec, double *start_h, double *hours)
{
  double lo = PETSC_MAX_REAL, hi = -PETSC_MAX_REAL, h0, h1;
  char win[64];

  PetscFunctionBeginUser;
  *nrec = 0;
  for (PetscInt n = 0; n < t->nfun; n++) {
    window(t->label[n], &h0, &h1);
    lo = PetscMin(lo, h0), hi = PetscMax(hi, h1);
  }
  for (PetscInt n = 0; n < t->nfun; n++) {
    PetscBool pm = strcasecmp(t->species[n], "pm25") ? PETSC_FALSE : PETSC_TRUE;
    window(t->label[n], &h0, &h1);
    rec_of[n] = pm && h0 == lo && h1 == hi ? (*nrec)++ : -1;
  }
  snprintf(win, sizeof(win), "%g-%gh", lo, hi); /* PETSc's %g would print 0. for 0 */
  PetscCheck(*nrec > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no PM2.5 functional over the table's whole window %s (e.g. WCS:pm25:%s): a "
             "strategy needs a backward run with adjoint_species = 'pm25'",
             path, win, win);
  *start_h = lo, *hours = hi - lo;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The daily PM2.5 functionals of receptor rec that tile the window lo..hi in whole days: day[d]
   the functional of day d (lo + 24 d to lo + 24 (d + 1) h), for *n = (hi - lo) / 24 days; false
   if a day has none. */
static PetscBool daily_of(const AdjointTable *t, const char *rec, double lo, double hi,
                          PetscInt *day, PetscInt *n)
{
  *n = 0;
  for (double h = lo; h < hi; h += HOURS_PER_DAY) {
    PetscInt found = -1;
    for (PetscInt m = 0; m < t->nfun && found < 0; m++) {
      double h0, h1;
      if (strcmp(t->receptor[m], rec) || strcasecmp(t->species[m], "pm25")) continue;
      window(t->label[m], &h0, &h1);
      if (h0 == h && h1 == h + HOURS_PER_DAY) found = m;
    }
    if (found < 0) return PETSC_FALSE;
    day[(*n)++] = found;
  }
  return *n > 0 && lo + HOURS_PER_DAY * (double)*n == hi ? PETSC_TRUE : PETSC_FALSE;
}

/* The keys a table cannot serve: strategy_family; strategy_day_limit needs the run's start and,
   for every receptor of strategy_receptors, daily PM2.5 functionals over the whole window. */
static PetscErrorCode check_keys(const StrategyParams *prm, const AdjointTable *t, const char *path,
                                 PetscReal start, double lo, double hi, PetscInt *day)
{
  char at[PETSC_MAX_PATH_LEN];
  PetscInt n;

  PetscFunctionBeginUser;
  namelist_where("strategy_family", at, sizeof(at));
  PetscCheck(!prm->family[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: strategy_family = '%s' names a tag family of a base run (-run); the table %s "
             "(-adjoint) resolves every unit and sector, without families",
             at, prm->family, path);
  if (prm->day_limit <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  namelist_where("strategy_day_limit", at, sizeof(at));
  PetscCheck(start >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: strategy_day_limit = %g with -adjoint needs -adjoint_start TIME, the UTC time of "
             "the backward run's hour 0 (its run_start), to date the days",
             at, (double)prm->day_limit);
  for (PetscInt e = 0; e < prm->nreceptors; e++) {
    char want[PARAM_STRING_LEN + 128]; /* the C library's %g: PETSc's would print 0. for 0 */
    snprintf(want, sizeof(want), "%s:pm25:%g-%gh, %g-%gh, ... to %gh", prm->receptors[e], lo,
             lo + HOURS_PER_DAY, lo + HOURS_PER_DAY, lo + 2 * HOURS_PER_DAY, hi);
    PetscCheck(daily_of(t, prm->receptors[e], lo, hi, day, &n), PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_day_limit = %g needs daily PM2.5 functionals of '%s' tiling the "
               "table's window in whole days (%s), and the table %s lacks them: add them to the "
               "backward run's adjoint_receptors and windows",
               at, (double)prm->day_limit, prm->receptors[e], want, path);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Is row m an emission of a unit (area or stack)? */
static PetscBool unit_row(const AdjointTable *t, PetscInt m)
{
  return (t->kind[m] == ADJOINT_ROW_AREA || t->kind[m] == ADJOINT_ROW_STACK) && t->unit[m] >= 0
             ? PETSC_TRUE
             : PETSC_FALSE;
}

/* The named stack (index in strategy_stacks) row m is an emission of, or -1. */
static PetscInt named_stack(const StrategyParams *prm, const AdjointTable *t, PetscInt m)
{
  if (t->kind[m] != ADJOINT_ROW_STACK) return -1;
  for (PetscInt e = 0; e < prm->nstacks; e++)
    if (!strcasecmp(prm->stacks[e], t->stack[m])) return e;
  return -1;
}

/* The tag of row m: its named stack's, else its unit and sector's (-1: none). */
static PetscInt tag_of_row(const StrategyParams *prm, const AdjointTable *t, const PetscInt *tag_of,
                           const PetscInt *stack_tag, PetscInt m)
{
  PetscInt e = named_stack(prm, t, m);
  if (!unit_row(t, m)) return -1;
  return e >= 0 ? stack_tag[e] : tag_of[t->unit[m] * SECTOR_N + t->sector[m]];
}

/* A named stack's rows must lie in a control unit (its cut is costed and reported there). */
static PetscErrorCode check_stack_units(const StrategyParams *prm, const AdjointTable *t,
                                        const char *path)
{
  char at[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  namelist_where("strategy_stacks", at, sizeof(at));
  for (PetscInt m = 0; m < t->nrow; m++) {
    PetscInt e = named_stack(prm, t, m);
    PetscCheck(e < 0 || t->unit[m] >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s: strategy_stacks(%d) = '%s': the table %s puts the stack in no control unit; "
               "expected a stack inside one",
               at, (int)e + 1, prm->stacks[e], path);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The tags: one per (unit, sector) pair with a row, by sector and then in the order of the
   registry, as the model orders a family by unit_sector (an optimum need not be unique: units
   that share their cells cut at the same price per ug m-3, and the simplex then picks its vertex
   by the order of the variables), then one per named stack with a row, in the order of
   strategy_stacks (labelled adjoint:pt:<id>, strategy_problem_stack_of); tag_of[u * SECTOR_N + s]
   the pairs' index (-1: none), stack_tag[e] the stacks'. A named stack's rows are its own tag's,
   not its unit and sector's. */
static PetscErrorCode make_tags(const StrategyParams *prm, const AdjointTable *t, const Domain *d,
                                PetscInt *tag_of, PetscInt *stack_tag, TaggedRun *b)
{
  PetscInt *stack_row;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(prm->nstacks + 1, &stack_row));
  for (PetscInt q = 0; q < d->nunit * SECTOR_N; q++) tag_of[q] = -1;
  for (PetscInt e = 0; e < prm->nstacks; e++) stack_tag[e] = stack_row[e] = -1;
  for (PetscInt m = 0; m < t->nrow; m++) {
    PetscInt e = named_stack(prm, t, m);
    if (!unit_row(t, m)) continue;
    if (e < 0)
      tag_of[t->unit[m] * SECTOR_N + t->sector[m]] = 0;
    else if (stack_row[e] < 0)
      stack_row[e] = m;
  }
  b->ntag = 0;
  for (PetscInt s = 0; s < SECTOR_N; s++)
    for (PetscInt u = 0; u < d->nunit; u++)
      if (!tag_of[u * SECTOR_N + s]) tag_of[u * SECTOR_N + s] = b->ntag++;
  for (PetscInt e = 0; e < prm->nstacks; e++)
    if (stack_row[e] >= 0) stack_tag[e] = b->ntag++;
  PetscCall(PetscMalloc3(b->ntag, &b->label, b->nrec, &b->rec, b->nsp, &b->spname));
  PetscCall(PetscMalloc6(b->ntag, &b->family, b->ntag, &b->unit, b->ntag, &b->pref, b->ntag,
                         &b->kind, b->ntag, &b->sector, b->ntag, &b->special));
  PetscCall(PetscMalloc2(b->ntag, &b->by, b->ntag, &b->used));
  for (PetscInt q = 0; q < d->nunit * SECTOR_N + prm->nstacks; q++) {
    PetscInt e = q - d->nunit * SECTOR_N, m = e >= 0 ? stack_row[e] : -1;
    PetscInt n = e >= 0 ? stack_tag[e] : tag_of[q];
    PetscInt u = e >= 0 ? (m >= 0 ? t->unit[m] : -1) : q / SECTOR_N;
    PetscInt s = e >= 0 ? (m >= 0 ? t->sector[m] : -1) : q % SECTOR_N;
    if (n < 0) continue;
    if (e >= 0)
      PetscCall(PetscSNPrintf(b->label[n], TAGGED_RUN_LABEL_LEN, "adjoint:pt:%s", t->stack[m]));
    else
      PetscCall(PetscSNPrintf(b->label[n], TAGGED_RUN_LABEL_LEN, "adjoint:%s|%s", d->unit[u].code,
                              sector_names[s]));
    b->family[n] = 0, b->unit[n] = u, b->pref[n] = d->unit[u].prefecture;
    b->kind[n] = d->unit[u].kind, b->sector[n] = s, b->special[n] = TAGGED_RUN_EMISSIONS;
    b->by[n] = TAGGED_RUN_BY_UNIT_SECTOR, b->used[n] = PETSC_TRUE;
  }
  PetscCall(PetscFree(stack_row));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The PM2.5 species each emitted species' contribution is filed under: the first whose
   precursor it is (tagged_run_source), so that the problem credits it to that precursor's cut;
   -1 for one that makes no PM2.5. */
static void pm25_slots(const SpeciesInfo *sp, PetscInt nspec, PetscInt *slot)
{
  for (PetscInt k = 0; k < nspec; k++) {
    slot[k] = -1;
    for (PetscInt q = nspec - 1; q >= 0; q--)
      if (sp[q].in_pm25 && tagged_run_source(sp, nspec, q) == k) slot[k] = q;
  }
}

PetscErrorCode strategy_adjoint_run(const AdjointTable *t, const char *path, const Domain *d,
                                    const StrategyParams *prm, PetscReal start, TaggedRun *b,
                                    PetscReal **t_yr)
{
  PetscInt nspec, *rec_of, *tag_of, *stack_tag, *slot, *rec_day, *day, q0 = -1, fun0 = -1;
  const SpeciesInfo *sp = species_table(&nspec);
  double lo, hours;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(b, sizeof(*b)));
  PetscCall(PetscMalloc4(t->nfun, &rec_of, d->nunit * SECTOR_N + 1, &tag_of, nspec, &slot,
                         prm->nstacks + 1, &stack_tag));
  PetscCall(PetscMalloc2(t->nfun, &rec_day, t->nfun + 1, &day));
  PetscCall(receptors(t, path, rec_of, &b->nrec, &lo, &hours));
  PetscCall(check_keys(prm, t, path, start, lo, lo + hours, day));
  PetscCall(check_stack_units(prm, t, path));
  /* One record over the window, or with a day limit one a day: a receptor's daily functionals
     fill its days (rec_day[n]: the day of functional n, -1 for the period's; -2 unused), one
     without them has its period value in every day (its mean is the same). */
  b->nt = prm->day_limit > 0 ? (PetscInt)(hours / HOURS_PER_DAY) : 1, b->nsp = nspec + 1;
  for (PetscInt n = 0; n < t->nfun; n++) rec_day[n] = rec_of[n] >= 0 ? -1 : -2;
  for (PetscInt n = 0; n < t->nfun && b->nt > 1; n++) {
    PetscInt nd;
    if (rec_of[n] < 0 || !daily_of(t, t->receptor[n], lo, lo + hours, day, &nd)) continue;
    rec_day[n] = -2;
    for (PetscInt dd = 0; dd < nd; dd++) rec_of[day[dd]] = rec_of[n], rec_day[day[dd]] = dd;
  }
  PetscCall(make_tags(prm, t, d, tag_of, stack_tag, b));
  for (PetscInt k = 0; k < nspec; k++)
    PetscCall(PetscStrncpy(b->spname[k], sp[k].name, TAGGED_RUN_LABEL_LEN));
  PetscCall(PetscStrncpy(b->spname[nspec], "pm25", TAGGED_RUN_LABEL_LEN));
  pm25_slots(sp, nspec, slot);
  for (PetscInt k = nspec - 1; k >= 0; k--)
    if (sp[k].in_pm25) q0 = k;
  PetscCall(PetscMalloc1(b->nt, &b->time));
  for (PetscInt x = 0; x < b->nt; x++) /* a record's end (UTC); without days the window's length */
    b->time[x] = b->nt > 1 ? start + (lo + HOURS_PER_DAY * (double)(x + 1)) * SECONDS_PER_HOUR
                           : hours * SECONDS_PER_HOUR;
  PetscCall(PetscCalloc1(b->nt * b->nrec * b->nsp, &b->conc));
  PetscCall(PetscCalloc1(b->nt * b->nrec * b->nsp * b->ntag + 1, &b->contrib));
  PetscCall(PetscCalloc1(b->ntag * SECTOR_N * nspec + 1, t_yr));
  /* The receptor's mean is its J, all of it filed under one PM2.5 species (the problem sums
     them) and under pm25. */
  for (PetscInt n = 0; n < t->nfun; n++) {
    PetscInt r = rec_of[n];
    if (rec_day[n] == -2) continue;
    if (fun0 < 0) fun0 = n;
    if (rec_day[n] <= 0) PetscCall(PetscStrncpy(b->rec[r], t->receptor[n], TAGGED_RUN_LABEL_LEN));
    for (PetscInt x = 0; x < b->nt; x++)
      if (rec_day[n] < 0 || rec_day[n] == x)
        b->conc[(x * b->nrec + r) * b->nsp + q0] = b->conc[(x * b->nrec + r) * b->nsp + nspec] =
            t->J[n];
  }
  for (PetscInt m = 0; m < t->nrow; m++) {
    PetscInt f = t->fun[m], r = rec_of[f], n = tag_of_row(prm, t, tag_of, stack_tag, m);
    if (n < 0) continue;
    if (rec_day[f] != -2 && slot[t->spec[m]] >= 0)
      for (PetscInt x = 0; x < b->nt; x++)
        if (rec_day[f] < 0 || rec_day[f] == x)
          b->contrib[((x * b->nrec + r) * b->nsp + slot[t->spec[m]]) * b->ntag + n] += t->value[m];
    /* Every functional lists the same emissions: count them once, from the first. */
    if (f == fun0) (*t_yr)[(n * SECTOR_N + t->sector[m]) * nspec + t->spec[m]] += t->emission[m];
  }
  PetscCall(PetscFree4(rec_of, tag_of, slot, stack_tag));
  PetscCall(PetscFree2(rec_day, day));
  PetscFunctionReturn(PETSC_SUCCESS);
}
