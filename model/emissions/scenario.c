/* Scenario rules (see scenario.h): parsed once into per-unit match tables. */
#include "model/emissions/scenario.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/namelist.h"
#include "model/emissions/profiles.h"
#include "model/emissions/point_sources.h"
#include "grids/domain.h"

typedef struct {
  char name[PARAM_STRING_LEN];
  char select[PARAM_ARRAY_MAX][PARAM_STRING_LEN], sectors[PARAM_ARRAY_MAX][PARAM_STRING_LEN],
      species[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscReal factor[PARAM_ARRAY_MAX];
  PetscInt nselect, nsectors, nspecies, nfactor;
} Params;

static const ParamSpec params_table[] = {
    {.key = "name",
     .help = "scenario name, used in reports",
     .type = PARAM_STRING,
     .offset = offsetof(Params, name),
     .sdef = "base"},
    {.key = "select",
     .help = "units each rule applies to (see model/emissions/scenario.h)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, select),
     .count_offset = offsetof(Params, nselect)},
    {.key = "sectors",
     .help = "sectors each rule applies to ('all' or names)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, sectors),
     .count_offset = offsetof(Params, nsectors)},
    {.key = "species",
     .help = "species each rule applies to ('all' or names)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, species),
     .count_offset = offsetof(Params, nspecies)},
    {.key = "factor",
     .units = "1",
     .help = "factor each rule applies to the emissions",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 100,
     .offset = offsetof(Params, factor),
     .count_offset = offsetof(Params, nfactor)},
    {.key = NULL},
};

const ParamGroup scenario_group = {.name = "scenario",
                                   .title = "Emission-cut scenario",
                                   .params = params_table,
                                   .params_size = sizeof(Params)};

struct Scenario {
  char name[PARAM_STRING_LEN];
  PetscInt nrule, nunit, nspec;
  PetscBool *unit; /* [r*(nunit+1) + u + 1]: rule r matches unit u (index 0: unknown unit); owned */
  PetscBool *sector;                /* [r*SECTOR_N + s]; owned */
  PetscBool *species;               /* [r*nspec + k]; owned */
  PetscReal *factor;                /* owned */
  char (*points)[PARAM_STRING_LEN]; /* per rule: the ids of a point: term, or "" */
  PetscBool *other;                 /* per rule: the rule has terms besides point: */
};

/* Does a comma-separated list of integers contain v? */
static PetscBool has_int(const char *list, PetscInt v)
{
  char buf[PARAM_STRING_LEN], *tok, *save = NULL;
  strncpy(buf, list, sizeof(buf) - 1);
  buf[sizeof(buf) - 1] = '\0';
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    if (atol(tok) == v) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscBool has_word(const char *list, const char *w)
{
  char buf[PARAM_STRING_LEN], *tok, *save = NULL;
  strncpy(buf, list, sizeof(buf) - 1);
  buf[sizeof(buf) - 1] = '\0';
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    if (!strcasecmp(tok, w)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Does selector term `term` hold for unit u (-1: unknown, only 'all' holds)? */
static PetscErrorCode term_matches(MPI_Comm comm, const Domain *d, PetscInt r, const char *term,
                                   PetscInt u, PetscBool *m)
{
  static const char *const kinds[] = {"priority", "key", "general"};
  const DomainUnit *un = u >= 0 ? &d->unit[u] : NULL;
  const char *val = strchr(term, ':');

  PetscFunctionBeginUser;
  if (!strncasecmp(term, "point:", 6))
    *m = PETSC_FALSE; /* handled by scenario_point_factor */
  else if (!strcasecmp(term, "all"))
    *m = PETSC_TRUE;
  else if (!un)
    *m = PETSC_FALSE;
  else if (!strcasecmp(term, "inside"))
    *m = un->kind != DOMAIN_UNIT_OUTSIDE;
  else if (!strcasecmp(term, "outside"))
    *m = un->kind == DOMAIN_UNIT_OUTSIDE;
  else if (val && !strncasecmp(term, "kind:", 5)) {
    PetscInt k = -1;
    for (PetscInt c = 0; c < 3; c++)
      if (!strcasecmp(val + 1, kinds[c])) k = c;
    PetscCheck(k >= 0, comm, PETSC_ERR_USER,
               "scenario_select(%d) = '%s': unknown kind; expected priority, key or general",
               (int)r + 1, term);
    *m = un->kind == k;
  } else if (val && !strncasecmp(term, "prefecture:", 11)) {
    PetscInt p = un->prefecture;
    *m = p >= 0 && (has_int(val + 1, d->pref[p].code) ||
                    (d->pref[p].parent >= 0 && has_int(val + 1, d->pref[d->pref[p].parent].code)));
  } else if (val && !strncasecmp(term, "county:", 7))
    *m = has_int(val + 1, un->county);
  else if (val && (!strncasecmp(term, "unit:", 5) || !strncasecmp(term, "region:", 7)))
    *m = has_word(val + 1, un->code);
  else
    SETERRQ(comm, PETSC_ERR_USER,
            "scenario_select(%d): term '%s' is not one of all, inside, outside, kind:, "
            "prefecture:, county:, unit:, region:",
            (int)r + 1, term);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every code a prefecture:, county:, unit: or region: term lists must name something in the
   domain file: a typo ('prefecture:650010') would otherwise match nothing and the scenario
   would silently equal the base run. */
static PetscErrorCode check_term_names(MPI_Comm comm, const Domain *d, PetscInt r, const char *term)
{
  static const char *const kinds[] = {"prefecture:", "county:", "unit:", "region:"};
  const char *val = strchr(term, ':');
  char buf[PARAM_STRING_LEN], *tok, *save = NULL;
  PetscInt kind = -1;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < 4; k++)
    if (!strncasecmp(term, kinds[k], strlen(kinds[k]))) kind = k;
  if (kind < 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(d, comm, PETSC_ERR_USER,
             "scenario_select(%d): term '%s' needs the control units of a domain file "
             "(run_domain_file is empty)",
             (int)r + 1, term);
  PetscCall(PetscStrncpy(buf, val + 1, sizeof(buf)));
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    PetscBool found = PETSC_FALSE;
    char *end;
    long code = strtol(tok, &end, 10);
    if (kind == 0) {
      for (PetscInt p = 0; p < d->npref && !found; p++)
        found = *end == 0 && d->pref[p].code == code ? PETSC_TRUE : PETSC_FALSE;
    } else
      for (PetscInt u = 0; u < d->nunit && !found; u++)
        found = kind == 1 ? (*end == 0 && d->unit[u].county == code ? PETSC_TRUE : PETSC_FALSE)
                          : (!strcasecmp(d->unit[u].code, tok) ? PETSC_TRUE : PETSC_FALSE);
    PetscCheck(found, comm, PETSC_ERR_USER,
               "scenario_select(%d) = '%s': %s'%s' names no %s of the domain file; expected a "
               "code its units table lists (<domain>_units.csv from bogda-grid)",
               (int)r + 1, term, kinds[kind], tok,
               kind == 0   ? "prefecture (adcode)"
               : kind == 1 ? "county (adcode)"
                           : "control unit");
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode scenario_create(MPI_Comm comm, const Domain *d, const SpeciesInfo *sp,
                               PetscInt nspec, Scenario **out)
{
  Params *p;
  Scenario *sc;
  PetscInt nu = d ? d->nunit : 0;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  PetscCall(namelist_read(comm, &scenario_group, p));
  PetscCheck(
      p->nsectors == p->nselect && p->nspecies == p->nselect && p->nfactor == p->nselect, comm,
      PETSC_ERR_USER,
      "scenario: select, sectors, species and factor need one value per rule; got %d, %d, %d, %d",
      (int)p->nselect, (int)p->nsectors, (int)p->nspecies, (int)p->nfactor);
  PetscCall(PetscNew(&sc));
  PetscCall(PetscStrncpy(sc->name, p->name, sizeof(sc->name)));
  sc->nrule = p->nselect;
  sc->nunit = nu;
  sc->nspec = nspec;
  PetscCall(PetscCalloc4(sc->nrule * (nu + 1) + 1, &sc->unit, sc->nrule * SECTOR_N + 1, &sc->sector,
                         sc->nrule * nspec + 1, &sc->species, sc->nrule + 1, &sc->factor));
  PetscCall(PetscCalloc2(sc->nrule + 1, &sc->points, sc->nrule + 1, &sc->other));
  for (PetscInt r = 0; r < sc->nrule; r++) {
    char buf[PARAM_STRING_LEN], *tok, *save = NULL;
    sc->factor[r] = p->factor[r];
    PetscCall(PetscStrncpy(buf, p->select[r], sizeof(buf)));
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
      if (!strncasecmp(tok, "point:", 6))
        PetscCall(PetscStrncpy(sc->points[r], tok + 6, PARAM_STRING_LEN));
      else {
        sc->other[r] = PETSC_TRUE;
        PetscCall(check_term_names(comm, d, r, tok));
      }
    }
    for (PetscInt u = -1; u < nu; u++) {
      PetscBool all = PETSC_TRUE;
      PetscCall(PetscStrncpy(buf, p->select[r], sizeof(buf)));
      for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        PetscBool m;
        PetscCall(term_matches(comm, d, r, tok, u, &m));
        all = all && m;
      }
      sc->unit[r * (nu + 1) + u + 1] = all;
    }
    if (!sc->points[r][0]) {
      /* Terms that each name something may still select nothing together. */
      PetscBool any = PETSC_FALSE;
      for (PetscInt u = -1; u < nu; u++) any = any || sc->unit[r * (nu + 1) + u + 1];
      PetscCheck(any, comm, PETSC_ERR_USER,
                 "scenario_select(%d) = '%s' selects no control unit of the domain file (its terms "
                 "all hold for none)",
                 (int)r + 1, p->select[r]);
    }
    PetscCall(PetscStrncpy(buf, p->sectors[r], sizeof(buf)));
    for (tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
      PetscInt s = profiles_sector(tok);
      PetscCheck(s >= 0 || !strcasecmp(tok, "all"), comm, PETSC_ERR_USER,
                 "scenario_sectors(%d) = '%s': unknown sector '%s'", (int)r + 1, p->sectors[r],
                 tok);
      for (PetscInt k = 0; k < SECTOR_N; k++)
        if (s < 0 || k == s) sc->sector[r * SECTOR_N + k] = PETSC_TRUE;
    }
    PetscCall(PetscStrncpy(buf, p->species[r], sizeof(buf)));
    for (tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
      PetscInt s = species_find(sp, nspec, tok);
      PetscCheck(s >= 0 || !strcasecmp(tok, "all"), comm, PETSC_ERR_USER,
                 "scenario_species(%d) = '%s': unknown species '%s'", (int)r + 1, p->species[r],
                 tok);
      for (PetscInt k = 0; k < nspec; k++)
        if (s < 0 || k == s) sc->species[r * nspec + k] = PETSC_TRUE;
    }
  }
  PetscCall(PetscFree(p));
  *out = sc;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode scenario_destroy(Scenario **out)
{
  Scenario *sc = *out;

  PetscFunctionBeginUser;
  if (!sc) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4(sc->unit, sc->sector, sc->species, sc->factor));
  PetscCall(PetscFree2(sc->points, sc->other));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal scenario_factor(const Scenario *sc, PetscInt u, PetscInt s, PetscInt k)
{
  PetscReal f = 1;
  for (PetscInt r = 0; r < sc->nrule; r++)
    if (sc->unit[r * (sc->nunit + 1) + u + 1] && sc->sector[r * SECTOR_N + s] &&
        sc->species[r * sc->nspec + k])
      f *= sc->factor[r];
  return f;
}

PetscReal scenario_point_factor(const Scenario *sc, const char *id, PetscInt u, PetscInt s,
                                PetscInt k)
{
  PetscReal f = 1;
  for (PetscInt r = 0; r < sc->nrule; r++) {
    PetscBool hit;
    if (!sc->sector[r * SECTOR_N + s] || !sc->species[r * sc->nspec + k]) continue;
    /* A point: rule matches the named points only; other rules match points by their unit. */
    hit = sc->points[r][0] ? has_word(sc->points[r], id) : sc->unit[r * (sc->nunit + 1) + u + 1];
    if (hit) f *= sc->factor[r];
  }
  return f;
}

PetscErrorCode scenario_check_points(MPI_Comm comm, const Scenario *sc, const PointSources *ps,
                                     const char *path)
{
  PetscInt n = ps ? ps->n : 0;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < sc->nrule; r++) {
    char buf[PARAM_STRING_LEN], *tok, *save = NULL;
    if (!sc->points[r][0]) continue;
    PetscCall(PetscStrncpy(buf, sc->points[r], sizeof(buf)));
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
      PetscBool found = PETSC_FALSE;
      for (PetscInt q = 0; q < n && !found; q++)
        found = !strcasecmp(ps->id[q], tok) ? PETSC_TRUE : PETSC_FALSE;
      PetscCheck(found, comm, PETSC_ERR_USER,
                 "scenario_select(%d): point:%s names no point source of %s; expected an id "
                 "from its id column",
                 (int)r + 1, tok, path[0] ? path : "emissions_points_file (empty)");
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *scenario_name(const Scenario *sc)
{
  return sc->name;
}
