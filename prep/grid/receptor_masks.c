/* Receptor definitions from the namelist. Every entry of receptor_cities, receptor_points and
   receptor_polygon is 'NAME: value', NAME one of receptor_name; a receptor may have several
   entries of each kind, and is the union of all of them. Cities are counties or prefectures as
   geography_find_place finds them (a prefecture stands for all its counties); their urban land
   (the land-use rule's urban discs) is the receptor, not the whole county of desert and
   mountain. */
#include "prep/grid/receptor_masks.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define KM 1000.0 /* m per km */

static char *trim(char *s)
{
  char *e;
  while (isspace((unsigned char)*s)) s++;
  e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
  return s;
}

/* Split entry 'NAME: rest' into the receptor index and rest (in buf). */
static PetscErrorCode split_entry(const ReceptorSet *rs, const char *nml, const char *key,
                                  const char *entry, char *buf, size_t len, PetscInt *k,
                                  char **rest)
{
  char *colon, *name;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(buf, entry, len));
  colon = strchr(buf, ':');
  PetscCheck(colon, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "%s: receptor_%s = '%s': expected 'NAME: ...'", nml, key, entry);
  *colon = 0;
  name = trim(buf);
  *rest = trim(colon + 1);
  for (*k = 0; *k < rs->n; (*k)++)
    if (!strcmp(rs->r[*k].name, name)) PetscFunctionReturn(PETSC_SUCCESS);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
          "%s: receptor_%s = '%s': '%s' is not one of receptor_name", nml, key, entry, name);
}

static PetscErrorCode add_cities(const Geography *g, const char *nml, const char *entry, char *list,
                                 Receptor *r)
{
  char *save = NULL;

  PetscFunctionBeginUser;
  for (char *tok = strtok_r(list, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) {
    char *city = trim(tok);
    PetscInt county, pref;
    PetscCall(geography_find_place(g, city, &county, &pref));
    PetscCheck(county >= 0 || pref >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "%s: receptor_cities = '%s': unknown city '%s' (not a county or prefecture of %s, "
               "by adcode, Chinese or English name)",
               nml, entry, city, g->p.counties_file);
    if (county >= 0) r->county[county] = PETSC_TRUE;
    for (PetscInt c = 0; pref >= 0 && c < g->ncounty; c++)
      if (g->county[c].prefecture == pref) r->county[c] = PETSC_TRUE;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode add_point(const char *nml, const char *entry, const char *rest, Receptor *r)
{
  double lon, lat, radius;
  char extra;

  PetscFunctionBeginUser;
  PetscCheck(sscanf(rest, "%lf %lf %lf %c", &lon, &lat, &radius, &extra) == 3 && radius > 0 &&
                 lat >= -90 && lat <= 90,
             PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "%s: receptor_points = '%s': expected 'NAME: lon lat radius_km' with radius > 0", nml,
             entry);
  PetscCall(PetscRealloc(sizeof(PetscReal) * 3 * (size_t)(r->npoint + 1), &r->point));
  r->point[3 * r->npoint] = lon;
  r->point[3 * r->npoint + 1] = lat;
  r->point[3 * r->npoint + 2] = radius * KM;
  r->npoint++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode add_polygon(const char *rest, Receptor *r)
{
  PetscFunctionBeginUser;
  PetscCall(PetscRealloc(sizeof(GeoCollection *) * (size_t)(r->npolygon + 1), &r->polygon));
  PetscCall(vector_read(rest, &r->polygon[r->npolygon]));
  r->npolygon++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode add_names(const ReceptorParams *p, const char *nml, ReceptorSet *rs,
                                PetscInt ncounty)
{
  PetscFunctionBeginUser;
  PetscCheck(
      p->nname_zh == p->nname && p->nname_en == p->nname, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
      "%s: receptor_name_zh and receptor_name_en need one entry per receptor_name (%" PetscInt_FMT
      "; got %" PetscInt_FMT " and %" PetscInt_FMT ")",
      nml, p->nname, p->nname_zh, p->nname_en);
  rs->n = p->nname;
  PetscCall(PetscCalloc1(rs->n, &rs->r));
  for (PetscInt k = 0; k < rs->n; k++) {
    Receptor *r = &rs->r[k];
    PetscCheck(p->name[k][0] && strlen(p->name[k]) < GEO_CODE_LEN && !strchr(p->name[k], ':'),
               PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "%s: receptor_name '%s' must be 1 to %d characters without ':'", nml, p->name[k],
               GEO_CODE_LEN - 1);
    for (PetscInt q = 0; q < k; q++)
      PetscCheck(strcmp(rs->r[q].name, p->name[k]), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                 "%s: receptor_name '%s' appears twice", nml, p->name[k]);
    PetscCall(PetscStrncpy(r->name, p->name[k], GEO_CODE_LEN));
    PetscCall(PetscStrncpy(r->name_zh, p->name_zh[k], GEO_NAME_LEN));
    PetscCall(PetscStrncpy(r->name_en, p->name_en[k], GEO_NAME_LEN));
    PetscCall(PetscCalloc1(ncounty, &r->county));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_masks_create(const Geography *g, const ReceptorParams *p, const char *nml,
                                     ReceptorSet **out)
{
  ReceptorSet *rs;
  char buf[PARAM_STRING_LEN], *rest;
  PetscInt k;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&rs));
  PetscCall(add_names(p, nml, rs, g->ncounty));
  for (PetscInt e = 0; e < p->ncities; e++) {
    PetscCall(split_entry(rs, nml, "cities", p->cities[e], buf, sizeof(buf), &k, &rest));
    PetscCall(add_cities(g, nml, p->cities[e], rest, &rs->r[k]));
  }
  for (PetscInt e = 0; e < p->npoints; e++) {
    PetscCall(split_entry(rs, nml, "points", p->points[e], buf, sizeof(buf), &k, &rest));
    PetscCall(add_point(nml, p->points[e], rest, &rs->r[k]));
  }
  for (PetscInt e = 0; e < p->npolygon; e++) {
    PetscCall(split_entry(rs, nml, "polygon", p->polygon[e], buf, sizeof(buf), &k, &rest));
    PetscCall(add_polygon(rest, &rs->r[k]));
  }
  *out = rs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_masks_destroy(ReceptorSet **rsp)
{
  ReceptorSet *rs = *rsp;

  PetscFunctionBeginUser;
  if (!rs) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < rs->n; k++) {
    PetscCall(PetscFree(rs->r[k].county));
    PetscCall(PetscFree(rs->r[k].point));
    for (PetscInt q = 0; q < rs->r[k].npolygon; q++)
      PetscCall(vector_destroy(&rs->r[k].polygon[q]));
    PetscCall(PetscFree(rs->r[k].polygon));
  }
  PetscCall(PetscFree(rs->r));
  PetscCall(PetscFree(*rsp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool receptor_masks_contains(const ReceptorSet *rs, PetscInt k, const GeoSample *s,
                                  PetscReal lon, PetscReal lat)
{
  const Receptor *r = &rs->r[k];

  if (s->landuse == LANDUSE_URBAN && s->county >= 0 && r->county[s->county]) return PETSC_TRUE;
  for (PetscInt q = 0; q < r->npoint; q++) {
    PetscReal e, n;
    geography_offset(r->point[3 * q], r->point[3 * q + 1], lon, lat, &e, &n);
    if (e * e + n * n <= r->point[3 * q + 2] * r->point[3 * q + 2]) return PETSC_TRUE;
  }
  for (PetscInt q = 0; q < r->npolygon; q++)
    for (PetscInt f = 0; f < r->polygon[q]->n; f++)
      if (polygon_contains(&r->polygon[q]->feature[f], lon, lat)) return PETSC_TRUE;
  return PETSC_FALSE;
}
