/* A unit's and a project's shares at the hotspots from a base run's tags (the rule is in
   query.h). */
#include "postproc/query.h"
#include "model/emissions/profiles.h"

/* Which tag of each family holds each (unit, sector) pair of area and credited point emissions:
   a unit's own tag where it has one (a unit family also has its prefecture's tag, which covers
   the prefecture's units outside the domain and a parent's air), else the group holding it. */
static PetscErrorCode pair_tags(Query *q)
{
  const TaggedRun *b = q->b;
  const Domain *d = q->ue->dom;
  PetscInt nu = d->nunit;

  PetscFunctionBeginUser;
  q->nfam = 0;
  for (PetscInt n = 0; n < b->ntag; n++) q->nfam = PetscMax(q->nfam, b->family[n] + 1);
  PetscCall(PetscMalloc1(q->nfam * nu * SECTOR_N, &q->pair_tag));
  for (PetscInt x = 0; x < q->nfam * nu * SECTOR_N; x++) q->pair_tag[x] = -1;
  for (PetscInt pass = 0; pass < 2; pass++)
    for (PetscInt n = 0; n < b->ntag; n++) {
      if (b->by[n] == TAGGED_RUN_BY_POINT) continue; /* a stack family lumps all area emissions */
      if ((b->unit[n] >= 0) != (pass == 0)) continue;
      for (PetscInt u = 0; u < nu; u++)
        for (PetscInt s = 0; s < SECTOR_N; s++) {
          PetscInt *t = &q->pair_tag[(b->family[n] * nu + u) * SECTOR_N + s];
          if (*t < 0 && tagged_run_covers(b, d, n, u, s)) *t = n;
        }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode query_create(const char *run_dir, const char *domain_path, Query **out)
{
  Query *q;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&q));
  PetscCall(PetscNew(&q->b));
  PetscCall(tagged_run_read(run_dir, q->b));
  PetscCall(unit_emissions_create(run_dir, domain_path, &q->ue));
  q->sp = species_table(&q->nspec);
  PetscCheck(q->b->nsp == q->nspec + 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the run has %d species; this program knows %d", run_dir, (int)q->b->nsp - 1,
             (int)q->nspec);
  PetscCheck(q->b->nrec == q->ue->dom->nrec, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s has %d receptors, the run in %s %d: not the run's domain file", domain_path,
             (int)q->ue->dom->nrec, run_dir, (int)q->b->nrec);
  PetscCall(PetscMalloc1(q->nspec, &q->src));
  for (PetscInt k = 0; k < q->nspec; k++)
    q->src[k] = q->sp[k].precursor ? species_find(q->sp, q->nspec, q->sp[k].precursor) : k;
  PetscCall(pair_tags(q));
  *out = q;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode query_destroy(Query **q)
{
  PetscFunctionBeginUser;
  if (!*q) PetscFunctionReturn(PETSC_SUCCESS);
  if ((*q)->b) PetscCall(tagged_run_free((*q)->b));
  PetscCall(PetscFree((*q)->b));
  PetscCall(unit_emissions_destroy(&(*q)->ue));
  PetscCall(PetscFree((*q)->src));
  PetscCall(PetscFree((*q)->pair_tag));
  PetscCall(PetscFree(*q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Does pair (v, s) of family f lie in one of the tags of family f that hold unit u? */
static PetscBool in_group(const Query *q, PetscInt f, PetscInt u, PetscInt v, PetscInt s)
{
  PetscInt nu = q->ue->dom->nunit, t = q->pair_tag[(f * nu + v) * SECTOR_N + s];
  if (t < 0) return PETSC_FALSE;
  for (PetscInt s2 = 0; s2 < SECTOR_N; s2++)
    if (q->pair_tag[(f * nu + u) * SECTOR_N + s2] == t) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* The number of units whose emissions share family f's tags with unit u (0 if none holds u). */
static PetscInt group_size(const Query *q, PetscInt f, PetscInt u)
{
  PetscInt n = 0, nu = q->ue->dom->nunit;
  for (PetscInt v = 0; v < nu; v++) {
    PetscBool any = PETSC_FALSE;
    for (PetscInt s = 0; s < SECTOR_N && !any; s++) any = in_group(q, f, u, v, s);
    n += any ? 1 : 0;
  }
  return n;
}

/* The coefficients of the group of family f holding unit u (see query.h). */
static void group_coefficients(const Query *q, PetscInt f, PetscInt u, QueryUnit *qu)
{
  const TaggedRun *b = q->b;
  PetscInt ns = q->nspec, nu = q->ue->dom->nunit;
  PetscReal e[64] = {0}; /* the group's emission by species; the table has fewer */
  for (PetscInt v = 0; v < nu; v++)
    for (PetscInt s = 0; s < SECTOR_N; s++)
      if (in_group(q, f, u, v, s))
        for (PetscInt k = 0; k < ns; k++) e[k] += q->ue->t_yr[(v * SECTOR_N + s) * ns + k];
  for (PetscInt h = 0; h < b->nrec; h++)
    for (PetscInt k = 0; k <= ns; k++) {
      PetscReal c = 0;
      for (PetscInt n = 0; n < b->ntag; n++) {
        PetscBool holds = PETSC_FALSE;
        for (PetscInt s = 0; s < SECTOR_N; s++)
          holds = holds || q->pair_tag[(f * nu + u) * SECTOR_N + s] == n;
        if (holds) c += tagged_run_mean_contribution(b, h, k, n);
      }
      if (k < ns) qu->coef[h * ns + k] = e[q->src[k]] > 0 ? c / e[q->src[k]] : 0;
      if (qu->resolved) qu->contrib[h * (ns + 1) + k] = c;
    }
}

PetscErrorCode query_unit(const Query *q, PetscInt u, QueryUnit *qu)
{
  const TaggedRun *b = q->b;
  PetscInt ns = q->nspec, nu = q->ue->dom->nunit, best = 0;

  PetscFunctionBeginUser;
  PetscCheck(ns <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 64 species");
  PetscCall(PetscMemzero(qu, sizeof(*qu)));
  PetscCall(PetscCalloc3(b->nrec * ns, &qu->coef, b->nrec * (ns + 1), &qu->contrib, ns, &qu->emis));
  for (PetscInt s = 0; s < SECTOR_N; s++)
    for (PetscInt k = 0; k < ns; k++) qu->emis[k] += q->ue->t_yr[(u * SECTOR_N + s) * ns + k];
  qu->family = -1;
  for (PetscInt f = 0; f < q->nfam; f++) {
    PetscInt n = group_size(q, f, u);
    if (n > 0 && (qu->family < 0 || n < best)) qu->family = f, best = n;
  }
  if (qu->family < 0) PetscFunctionReturn(PETSC_SUCCESS);
  qu->nunits = best;
  qu->resolved = best == 1 ? PETSC_TRUE : PETSC_FALSE;
  for (PetscInt s = SECTOR_N - 1; s >= 0; s--)
    if (q->pair_tag[(qu->family * nu + u) * SECTOR_N + s] >= 0)
      qu->tag = q->pair_tag[(qu->family * nu + u) * SECTOR_N + s];
  group_coefficients(q, qu->family, u, qu);
  if (!qu->resolved) query_project(q, qu, qu->emis, qu->contrib);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode query_unit_free(QueryUnit *qu)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree3(qu->coef, qu->contrib, qu->emis));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void query_project(const Query *q, const QueryUnit *qu, const PetscReal *emit, PetscReal *add)
{
  PetscInt ns = q->nspec;
  for (PetscInt h = 0; h < q->b->nrec; h++) {
    PetscReal pm = 0;
    for (PetscInt k = 0; k < ns; k++) {
      add[h * (ns + 1) + k] = qu->coef[h * ns + k] * emit[q->src[k]];
      if (q->sp[k].in_pm25) pm += add[h * (ns + 1) + k];
    }
    add[h * (ns + 1) + ns] = pm;
  }
}
