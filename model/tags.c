/* Building the tag list from the &tags group and the domain's unit registry. */
#include "model/tags.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "base/namelist.h"
#include "grids/domain.h"
#include "model/emissions/point_sources.h"

const char *const tags_by_names[] = {"unit",   "prefecture",  "kind",  "region",
                                     "sector", "unit_sector", "point", NULL};
const char *const tags_special_names[TAG_SPECIAL_N] = {[TAG_EMISSION] = "emissions",
                                                       [TAG_INITIAL] = "initial",
                                                       [TAG_INFLOW] = "inflow",
                                                       [TAG_OTHER] = "other"};
const char *const tags_kind_names[] = {[DOMAIN_UNIT_PRIORITY] = "priority",
                                       [DOMAIN_UNIT_KEY] = "key",
                                       [DOMAIN_UNIT_GENERAL] = "general"};
const int tags_kind_values[TAGS_KIND_N] = {TAGS_KIND_XINJIANG,   -1,
                                           DOMAIN_UNIT_PRIORITY, DOMAIN_UNIT_KEY,
                                           DOMAIN_UNIT_GENERAL,  DOMAIN_UNIT_OUTSIDE};
const char *const tags_kind_meanings[TAGS_KIND_N] = {"xinjiang", "none",    "priority",
                                                     "key",      "general", "outside"};

typedef struct {
  PetscBool enabled;
  char families[PARAM_ARRAY_MAX][PARAM_STRING_LEN], by[PARAM_ARRAY_MAX][PARAM_STRING_LEN],
      detail[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt nfamilies, nby, ndetail;
} Params;

static const ParamSpec params_table[] = {
    {.key = "enabled",
     .help = "carry attribution tags",
     .type = PARAM_BOOL,
     .def = 0,
     .offset = offsetof(Params, enabled)},
    {.key = "families",
     .help = "names of the tag families (each partitions the bulk)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, families),
     .count_offset = offsetof(Params, nfamilies)},
    {.key = "family_by",
     .help =
         "grouping of each family: unit, prefecture, kind, region, sector, unit_sector or point",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, by),
     .count_offset = offsetof(Params, nby)},
    {.key = "family_detail",
     .help = "for unit families: adcodes of the prefectures whose units are tagged one by one "
             "(blank-separated)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, detail),
     .count_offset = offsetof(Params, ndetail)},
    {.key = NULL},
};

const ParamGroup tags_group = {.name = "tags",
                               .title = "Attribution tags",
                               .params = params_table,
                               .params_size = sizeof(Params)};

static const char *const side_name[SIDE_N] = {"bc_west", "bc_east", "bc_south", "bc_north",
                                              "bc_top"};

/* A growing list of tags under construction. */
typedef struct {
  Tags *t;
  PetscInt cap;
} Builder;

static PetscErrorCode add(Builder *b, const char *family, const char *name, TagInfo info,
                          PetscInt *index)
{
  Tags *t = b->t;
  size_t len = strlen(family) + strlen(name) + 2;

  PetscFunctionBeginUser;
  if (t->ntag == b->cap) {
    b->cap = b->cap ? 2 * b->cap : 64;
    PetscCall(PetscRealloc(sizeof(char *) * (size_t)b->cap, &t->label));
    PetscCall(PetscRealloc(sizeof(TagInfo) * (size_t)b->cap, &t->info));
  }
  PetscCall(PetscMalloc1(len, &t->label[t->ntag]));
  PetscCall(PetscSNPrintf(t->label[t->ntag], len, "%s:%s", family, name));
  t->info[t->ntag] = info;
  *index = t->ntag++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Is prefecture p (or, for an XPCC city, its parent) in the detail list? */
static PetscBool detailed(const Domain *d, PetscInt p, const char *detail)
{
  char buf[PARAM_STRING_LEN], *tok, *save = NULL;
  if (p < 0) return PETSC_FALSE;
  strncpy(buf, detail, sizeof(buf) - 1);
  buf[sizeof(buf) - 1] = '\0';
  for (tok = strtok_r(buf, " ,;", &save); tok; tok = strtok_r(NULL, " ,;", &save))
    if (atol(tok) == d->pref[p].code) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* The group a unit's emissions belong to in a family grouped by `by`: (type, value) with type
   0 a single unit, 1 a prefecture, 2 a kind, 3 the whole of Xinjiang. */
static void group_key(const Domain *d, PetscInt by, PetscInt u, const char *detail, PetscInt *type,
                      PetscInt *value)
{
  const DomainUnit *un = &d->unit[u];
  PetscInt pref = un->prefecture, parent = pref >= 0 ? d->pref[pref].parent : -1;
  if (un->kind == DOMAIN_UNIT_OUTSIDE)
    *type = 0, *value = u;
  else if (by == TAGS_BY_UNIT || by == TAGS_BY_UNIT_SECTOR) {
    /* A unit with no area in this domain cannot emit here (stacks take the unit of their cell):
       a tag of its own would stay zero at the cost of a full tag, so it joins its prefecture's
       tag, which a parent run's air of that prefecture comes in under. */
    if ((detailed(d, pref, detail) || detailed(d, parent, detail)) && un->area_km2 > 0)
      *type = 0, *value = u;
    else
      *type = 1, *value = pref;
  } else if (by == TAGS_BY_PREFECTURE)
    *type = 1, *value = pref;
  else if (by == TAGS_BY_KIND)
    *type = 2, *value = un->kind;
  else
    *type = 3, *value = 0;
}

/* Is unit u one a unit family with this detail tags one by one where it has an area? */
static PetscBool un_detailed(const Domain *d, PetscInt u, const char *detail)
{
  PetscInt pref = d->unit[u].prefecture;
  return d->unit[u].kind != DOMAIN_UNIT_OUTSIDE && pref >= 0 &&
         (detailed(d, pref, detail) || detailed(d, d->pref[pref].parent, detail));
}

/* Record that unit u's label in family `family` (with sector s when nsec > 1) goes to tag n. */
static PetscErrorCode alias(Builder *b, const char *family, const Domain *d, PetscInt u,
                            PetscInt nsec, PetscInt s, PetscInt n)
{
  Tags *t = b->t;
  char label[3 * DOMAIN_NAME_LEN + 64];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(label, sizeof(label), "%s:%s%s%s", family, d->unit[u].code,
                          nsec > 1 ? "|" : "", nsec > 1 ? sector_names[s] : ""));
  PetscCall(PetscRealloc(sizeof(char *) * (size_t)(t->nalias + 1), &t->alias_label));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)(t->nalias + 1), &t->alias_tag));
  PetscCall(PetscStrallocpy(label, &t->alias_label[t->nalias]));
  t->alias_tag[t->nalias++] = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The emission groups of family f and the lookup of every (unit, sector) into them. */
static PetscErrorCode build_family(Builder *b, PetscInt f, const Domain *d, const char *detail)
{
  Tags *t = b->t;
  const char *name = t->family_name[f];
  PetscInt by = t->family_by[f], nu = t->nunit;
  PetscInt nsec = (by == TAGS_BY_SECTOR || by == TAGS_BY_UNIT_SECTOR) ? SECTOR_N : 1;
  PetscInt *type, *value, *tag;

  PetscFunctionBeginUser;
  if (by == TAGS_BY_SECTOR) {
    for (PetscInt s = 0; s < SECTOR_N; s++) {
      PetscInt n;
      PetscCall(add(b, name, sector_names[s], (TagInfo){f, -1, -1, -1, s, TAG_EMISSION, -1}, &n));
      for (PetscInt u = 0; u < nu; u++) t->lookup[(f * nu + u) * SECTOR_N + s] = n;
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(d, PETSC_COMM_SELF, PETSC_ERR_USER,
             "tags_family_by = '%s' for family %s needs a domain file (run_domain_file)",
             tags_by_names[by], name);
  PetscCall(PetscMalloc3(nu, &type, nu, &value, nu, &tag));
  for (PetscInt u = 0; u < nu; u++) group_key(d, by, u, detail, &type[u], &value[u]);
  for (PetscInt s = 0; s < nsec; s++) {
    for (PetscInt u = 0; u < nu; u++) {
      PetscInt same = -1;
      for (PetscInt v = 0; v < u && same < 0; v++)
        if (type[v] == type[u] && value[v] == value[u]) same = v;
      if (same >= 0)
        tag[u] = tag[same];
      else {
        char label[3 * DOMAIN_NAME_LEN];
        TagInfo info = {f, -1, -1, -1, nsec > 1 ? s : -1, TAG_EMISSION, -1};
        if (type[u] == 0) {
          info.unit = u;
          PetscCall(PetscSNPrintf(label, sizeof(label), "%s", d->unit[u].code));
        } else if (type[u] == 1) {
          info.prefecture = value[u];
          PetscCall(PetscSNPrintf(label, sizeof(label), "pref:%d", (int)d->pref[value[u]].code));
        } else if (type[u] == 2) {
          info.kind = value[u];
          PetscCall(PetscSNPrintf(label, sizeof(label), "kind:%s", tags_kind_names[value[u]]));
        } else {
          info.kind = TAGS_KIND_XINJIANG;
          PetscCall(PetscSNPrintf(label, sizeof(label), "xinjiang"));
        }
        if (nsec > 1) {
          PetscCall(PetscStrlcat(label, "|", sizeof(label)));
          PetscCall(PetscStrlcat(label, sector_names[s], sizeof(label)));
        }
        PetscCall(add(b, name, label, info, &tag[u]));
      }
      if (type[u] == 1 && un_detailed(d, u, detail))
        PetscCall(alias(b, name, d, u, nsec, s, tag[u]));
      for (PetscInt sec = 0; sec < SECTOR_N; sec++)
        if (nsec == 1 || sec == s) t->lookup[(f * nu + u) * SECTOR_N + sec] = tag[u];
    }
  }
  /* A unit family also has a tag for each prefecture whose units it tags one by one: no emission
     goes there, but a parent run tagged by prefecture brings that prefecture's air in through the
     boundary under this label (model/boundary.c). */
  if (by == TAGS_BY_UNIT)
    for (PetscInt q = 0; q < d->npref; q++) {
      char label[64];
      PetscInt n;
      PetscBool have = PETSC_FALSE;
      if (!detailed(d, q, detail) && !detailed(d, d->pref[q].parent, detail)) continue;
      for (PetscInt m = t->family_start[f]; m < t->ntag; m++)
        if (t->info[m].prefecture == q && t->info[m].unit < 0) have = PETSC_TRUE;
      if (have) continue; /* its units outside this domain made it above */
      PetscCall(PetscSNPrintf(label, sizeof(label), "pref:%d", (int)d->pref[q].code));
      PetscCall(add(b, name, label, (TagInfo){f, -1, q, -1, -1, TAG_EMISSION, -1}, &n));
    }
  PetscCall(PetscFree3(type, value, tag));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal tags_closure_deviation(const Tags *tags, const PetscReal *t, PetscReal q,
                                 PetscReal closure_floor)
{
  PetscReal worst = 0;

  for (PetscInt fam = 0; fam < tags->nfamily; fam++) {
    PetscReal sum = 0, dev;
    for (PetscInt n = tags->family_start[fam]; n < tags->family_start[fam + 1]; n++) sum += t[n];
    dev = PetscAbsReal(sum - q) / (PetscAbsReal(q) + closure_floor);
    if (dev > worst) worst = dev;
  }
  return worst;
}

PetscErrorCode tags_create(MPI_Comm comm, const Domain *dom, const PointSources *ps, Tags **tags)
{
  Params *p;
  Tags *t;
  Builder b = {NULL, 0};

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  PetscCall(namelist_read(comm, &tags_group, p));
  PetscCall(PetscNew(&t));
  b.t = t;
  if (p->enabled) {
    if (p->nfamilies == 0) {
      PetscCall(PetscStrncpy(p->families[0], "source", PARAM_STRING_LEN));
      PetscCall(PetscStrncpy(p->by[0], dom ? "prefecture" : "sector", PARAM_STRING_LEN));
      p->nfamilies = p->nby = 1;
    }
    PetscCheck(p->nby == p->nfamilies, comm, PETSC_ERR_USER,
               "tags_family_by needs one value per family (%d), got %d", (int)p->nfamilies,
               (int)p->nby);
    PetscCheck(p->ndetail == 0 || p->ndetail == p->nfamilies, comm, PETSC_ERR_USER,
               "tags_family_detail needs one value per family (%d) or none, got %d",
               (int)p->nfamilies, (int)p->ndetail);
    t->nfamily = p->nfamilies;
  }
  t->nunit = dom ? dom->nunit : 0;
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->family_start));
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->family_name));
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->family_by));
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->tag_initial));
  PetscCall(PetscCalloc1(t->nfamily * SIDE_N + 1, &t->tag_side));
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->tag_other));
  PetscCall(PetscMalloc1(t->nfamily * PetscMax(t->nunit, 1) * SECTOR_N + 1, &t->lookup));
  t->npoint = ps ? ps->n : 0;
  PetscCall(PetscMalloc1(t->nfamily * t->npoint + 1, &t->point_tag));
  for (PetscInt k = 0; k < t->nfamily * t->npoint; k++) t->point_tag[k] = -1;
  for (PetscInt f = 0; f < t->nfamily; f++) {
    PetscInt by = -1;
    /* Each family partitions the bulk on its own, and its tags are found by family name in every
       output and in a parent run's boundary file: a name given twice would be two families that
       no reader can tell apart. */
    for (PetscInt g = 0; g < f; g++)
      PetscCheck(strcmp(p->families[g], p->families[f]), comm, PETSC_ERR_USER,
                 "tags_families lists the family '%s' twice (elements %d and %d); give each "
                 "family its own name",
                 p->families[f], (int)g + 1, (int)f + 1);
    for (PetscInt c = 0; tags_by_names[c]; c++)
      if (!strcmp(tags_by_names[c], p->by[f])) by = c;
    PetscCheck(by >= 0, comm, PETSC_ERR_USER,
               "tags_family_by = '%s' for family %s: expected unit, prefecture, kind, region, "
               "sector, unit_sector or point",
               p->by[f], p->families[f]);
    PetscCall(PetscStrallocpy(p->families[f], &t->family_name[f]));
    t->family_by[f] = by;
    t->family_start[f] = t->ntag;
    PetscCall(add(&b, p->families[f], "initial", (TagInfo){f, -1, -1, -1, -1, TAG_INITIAL, -1},
                  &t->tag_initial[f]));
    for (PetscInt s = 0; s < SIDE_N; s++)
      PetscCall(add(&b, p->families[f], side_name[s], (TagInfo){f, -1, -1, -1, -1, TAG_INFLOW, -1},
                    &t->tag_side[f * SIDE_N + s]));
    if (by == TAGS_BY_POINT) {
      PetscCheck(
          ps, comm, PETSC_ERR_USER,
          "tags_family_by = 'point' for family %s needs point sources (emissions_points_file)",
          p->families[f]);
      for (PetscInt q = 0; q < t->npoint; q++) {
        char label[64];
        PetscCall(PetscSNPrintf(label, sizeof(label), "pt:%s", ps->id[q]));
        PetscCall(add(&b, p->families[f], label,
                      (TagInfo){f, -1, -1, -1, ps->sector[q], TAG_EMISSION, q},
                      &t->point_tag[f * t->npoint + q]));
      }
      for (PetscInt k = 0; k < t->nunit * SECTOR_N; k++)
        t->lookup[f * t->nunit * SECTOR_N + k] = -1;
    } else
      PetscCall(build_family(&b, f, dom, p->ndetail ? p->detail[f] : ""));
    PetscCall(add(&b, p->families[f], "other", (TagInfo){f, -1, -1, -1, -1, TAG_OTHER, -1},
                  &t->tag_other[f]));
    for (PetscInt k = 0; k < t->nunit * SECTOR_N; k++)
      if (t->lookup[f * t->nunit * SECTOR_N + k] < 0)
        t->lookup[f * t->nunit * SECTOR_N + k] = t->tag_other[f];
  }
  t->family_start[t->nfamily] = t->ntag;
  PetscCall(PetscFree(p));
  *tags = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode tags_destroy(Tags **tags)
{
  Tags *t = *tags;

  PetscFunctionBeginUser;
  if (!t) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt n = 0; n < t->ntag; n++) PetscCall(PetscFree(t->label[n]));
  for (PetscInt n = 0; n < t->nalias; n++) PetscCall(PetscFree(t->alias_label[n]));
  PetscCall(PetscFree(t->alias_label));
  PetscCall(PetscFree(t->alias_tag));
  for (PetscInt f = 0; f < t->nfamily; f++) PetscCall(PetscFree(t->family_name[f]));
  PetscCall(PetscFree(t->label));
  PetscCall(PetscFree(t->info));
  PetscCall(PetscFree(t->family_name));
  PetscCall(PetscFree(t->family_by));
  PetscCall(PetscFree(t->family_start));
  PetscCall(PetscFree(t->tag_initial));
  PetscCall(PetscFree(t->tag_side));
  PetscCall(PetscFree(t->tag_other));
  PetscCall(PetscFree(t->lookup));
  PetscCall(PetscFree(t->point_tag));
  PetscCall(PetscFree(*tags));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt tags_emission_tag(const Tags *t, PetscInt f, PetscInt u, PetscInt s)
{
  if (t->family_by[f] == TAGS_BY_POINT) return t->tag_other[f];
  if (u < 0 || t->nunit == 0)
    return t->family_by[f] == TAGS_BY_SECTOR ? t->family_start[f] + 1 + SIDE_N + s
                                             : t->tag_other[f];
  return t->lookup[(f * t->nunit + u) * SECTOR_N + s];
}

PetscInt tags_point_tag(const Tags *t, PetscInt f, PetscInt p, PetscInt u, PetscInt s)
{
  if (t->family_by[f] == TAGS_BY_POINT)
    return p >= 0 && p < t->npoint ? t->point_tag[f * t->npoint + p] : t->tag_other[f];
  return tags_emission_tag(t, f, u, s);
}

PetscInt tags_find_label(const Tags *t, const char *label)
{
  for (PetscInt n = 0; n < t->ntag; n++)
    if (!strncmp(label, t->label[n], 64)) return n;
  for (PetscInt n = 0; n < t->nalias; n++)
    if (!strncmp(label, t->alias_label[n], 64)) return t->alias_tag[n];
  return -1;
}
