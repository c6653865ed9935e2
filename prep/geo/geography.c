/* Building the geography from the data files (data/README.md describes each):
   - counties and prefectures from the county GeoJSON (properties adcode, name, prefecture,
     prefecture_adcode, prefecture_en, label_point), English county names from a CSV table;
   - the county raster: every county polygon filled (largest first, so an enclave wins over the
     polygon around it), then the pixels inside the Xinjiang outline that no county covers given
     to the county beside them; Xinjiang is the union of the outline and the counties;
   - the prefecture an XPCC city sits in (a prefecture-level entry with a single county of its own
     code): the prefecture whose counties share the longest raster border with it;
   - control units: derived (three per county: priority protection, key control, general; codes
     <adcode>-P1, -K1, -G1) or read from an official unit file in any format OGR reads
     (docs/units.md: unit_code, unit_name_zh, unit_name_en, unit_kind, unit_county and optionally
     unit_prefecture, or their shapefile-sized short names), then one unit per outside
     region code of the outside-regions table, in the order the codes first appear;
   - sites (county seats, and the cities and point sources of the hotspot CSV) and lakes. */
#include "prep/geo/geography.h"
#include "base/data_path.h"
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/constants.h"

#define GEO_RASTER_MARGIN 2 /* pixels added around the data's bounding box */
#define M_PER_KM 1000.0

static const char *const kind_letter[] = {"P", "K", "G"};
static const char *const kind_zh[] = {"优先保护单元", "重点管控单元", "一般管控单元"};
static const char *const kind_en[] = {"priority protection", "key control", "general control"};

static PetscErrorCode parse_adcode(const char *path, PetscInt k, const char *text, PetscInt *adcode)
{
  char *end;
  long v = strtol(text, &end, 10);

  PetscFunctionBeginUser;
  PetscCheck(end != text && !*end && v > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT ": adcode \"%s\" is not a positive integer", path, k,
             text);
  *adcode = (PetscInt)v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int compare_county(const void *a, const void *b)
{
  PetscInt x = ((const GeoCounty *)a)->adcode, y = ((const GeoCounty *)b)->adcode;
  return x < y ? -1 : x > y ? 1 : 0;
}

static int compare_pref(const void *a, const void *b)
{
  PetscInt x = ((const GeoPrefecture *)a)->adcode, y = ((const GeoPrefecture *)b)->adcode;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* English names of the counties from the names table; the Chinese name stands in if missing. */
static PetscErrorCode english_names(Geography *g)
{
  CsvTable *t;
  PetscInt cad, cshort, cname;

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < g->ncounty; c++) {
    PetscCall(PetscStrncpy(g->county[c].name_en, g->county[c].name_zh, GEO_NAME_LEN));
    PetscCall(PetscStrncpy(g->county[c].short_en, g->county[c].name_zh, GEO_NAME_LEN));
  }
  if (!g->p.county_names_file[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(csv_read(g->p.county_names_file, &t));
  PetscCall(csv_column(t, "adcode", &cad));
  PetscCall(csv_column(t, "short_en", &cshort));
  PetscCall(csv_column(t, "name_en", &cname));
  for (PetscInt r = 0; r < t->nrow; r++) {
    PetscReal ad;
    PetscCall(csv_real(t, r, cad, &ad));
    for (PetscInt c = 0; c < g->ncounty; c++) {
      if (g->county[c].adcode != (PetscInt)ad) continue;
      PetscCall(PetscStrncpy(g->county[c].short_en, csv_text(t, r, cshort), GEO_NAME_LEN));
      PetscCall(PetscStrncpy(g->county[c].name_en, csv_text(t, r, cname), GEO_NAME_LEN));
    }
  }
  PetscCall(csv_destroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The prefectures, from the counties' prefecture properties; counties[k].prefecture is then
   the adcode, turned into an index by the caller. */
static PetscErrorCode add_prefecture(Geography *g, const GeoCollection *c, PetscInt k,
                                     PetscInt *pref_adcode)
{
  const char *text, *zh, *en;
  PetscInt ad = 0;

  PetscFunctionBeginUser;
  PetscCall(vector_get_text(c, k, "prefecture_adcode", &text));
  PetscCall(parse_adcode(c->path, k, text, &ad));
  PetscCall(vector_get_text(c, k, "prefecture", &zh));
  PetscCall(vector_get_text(c, k, "prefecture_en", &en));
  *pref_adcode = ad;
  for (PetscInt q = 0; q < g->npref; q++)
    if (g->pref[q].adcode == ad) PetscFunctionReturn(PETSC_SUCCESS);
  g->pref[g->npref].adcode = ad;
  g->pref[g->npref].parent = -1;
  PetscCall(PetscStrncpy(g->pref[g->npref].name_zh, zh, GEO_NAME_LEN));
  PetscCall(PetscStrncpy(g->pref[g->npref].name_en, en, GEO_NAME_LEN));
  g->npref++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rings that cross themselves. A loop holding more than RING_LOOP_MAX of its ring's area is a
   drawing error (a bow-tie: the ring's area would lose twice the loop) and is refused; smaller
   loops, such as those of boundaries snapped to a coarse grid, are counted in a warning. */
#define RING_LOOP_MAX 0.001
#define RING_CROSSINGS_MAX 64
static PetscErrorCode check_rings(const GeoCollection *c)
{
  PetscInt e1[RING_CROSSINGS_MAX], e2[RING_CROSSINGS_MAX], nsmall = 0, nring = 0;
  PetscReal worst = 0;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < c->n; k++) {
    const GeoFeature *f = &c->feature[k];
    const GeoProperty *name = vector_property(f, "name");
    for (PetscInt r = 0; r < f->nring; r++) {
      PetscInt n;
      PetscCall(polygon_ring_crossings(f, r, RING_CROSSINGS_MAX, e1, e2, &n));
      nring += n > 0;
      for (PetscInt q = 0; q < n; q++) {
        const PetscReal *v = &f->lonlat[2 * f->ring_start[r]];
        PetscReal frac = polygon_loop_fraction(f, r, e1[q], e2[q]);
        worst = PetscMax(worst, frac);
        nsmall++;
        PetscCheck(frac <= RING_LOOP_MAX, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                   "%s: feature %" PetscInt_FMT " (%s), ring %" PetscInt_FMT
                   ", crosses itself: edge %" PetscInt_FMT
                   " from (%.6f, %.6f) crosses edge %" PetscInt_FMT
                   " from (%.6f, %.6f), cutting off a loop of %.3g %% of the ring, which its "
                   "area would count negative; expected a simple ring (repair it, e.g. with "
                   "ogr2ogr -makevalid)",
                   c->path, k, name && name->text ? name->text : "no name", r, e1[q],
                   (double)v[2 * e1[q]], (double)v[2 * e1[q] + 1], e2[q], (double)v[2 * e2[q]],
                   (double)v[2 * e2[q] + 1], (double)(100 * frac));
      }
    }
  }
  if (nsmall)
    PetscCall(
        PetscPrintf(PETSC_COMM_WORLD, /* every rank reads the same file: print once */
                    "WARNING: %s: %" PetscInt_FMT " ring(s) cross themselves at %" PetscInt_FMT
                    " place(s), each cutting off a loop of at most %.2g %% of its ring "
                    "(accepted: below %g %%)\n",
                    c->path, nring, nsmall, (double)(100 * worst), (double)(100 * RING_LOOP_MAX)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode load_counties(Geography *g, const GeoCollection *c)
{
  PetscFunctionBeginUser;
  PetscCheck(c->n > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no county features",
             c->path);
  g->ncounty = c->n;
  PetscCall(PetscCalloc1(c->n, &g->county));
  PetscCall(PetscCalloc1(c->n, &g->pref));
  for (PetscInt k = 0; k < c->n; k++) {
    GeoCounty *y = &g->county[k];
    const char *text;
    PetscCall(vector_get_text(c, k, "adcode", &text));
    PetscCall(parse_adcode(c->path, k, text, &y->adcode));
    PetscCall(vector_get_text(c, k, "name", &text));
    PetscCall(PetscStrncpy(y->name_zh, text, GEO_NAME_LEN));
    PetscCall(vector_get_reals(c, k, "label_point", 2, y->seat));
    PetscCall(add_prefecture(g, c, k, &y->prefecture));
    for (PetscInt q = 0; q < k; q++)
      PetscCheck(g->county[q].adcode != y->adcode, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: adcode %" PetscInt_FMT " appears twice (features %" PetscInt_FMT
                 " and %" PetscInt_FMT ")",
                 c->path, y->adcode, q, k);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Sort counties and prefectures by adcode and turn the counties' prefecture adcodes into
   indices; order[k] receives the feature of county k. */
static PetscErrorCode sort_registries(Geography *g, PetscInt *order)
{
  PetscFunctionBeginUser;
  /* Adcodes are unique: remember each feature's adcode, sort, and find it again. */
  for (PetscInt k = 0; k < g->ncounty; k++) order[k] = g->county[k].adcode;
  qsort(g->county, (size_t)g->ncounty, sizeof(GeoCounty), compare_county);
  qsort(g->pref, (size_t)g->npref, sizeof(GeoPrefecture), compare_pref);
  for (PetscInt k = 0; k < g->ncounty; k++) {
    PetscInt ad = order[k];
    for (PetscInt c = 0; c < g->ncounty; c++)
      if (g->county[c].adcode == ad) order[k] = c; /* feature k is county order[k] */
  }
  for (PetscInt c = 0; c < g->ncounty; c++)
    for (PetscInt q = 0; q < g->npref; q++)
      if (g->pref[q].adcode == g->county[c].prefecture) {
        g->county[c].prefecture = q;
        break;
      }
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscReal area;
  PetscInt feature;
} AreaKey;

static int compare_area_desc(const void *a, const void *b)
{
  const AreaKey *x = a, *y = b;
  if (x->area != y->area) return x->area > y->area ? -1 : 1;
  return x->feature < y->feature ? -1 : x->feature > y->feature ? 1 : 0;
}

/* Fill raster r with the features of c, the largest first; feature k gets owner value[k]. */
static PetscErrorCode fill_by_area(PolygonRaster *r, const GeoCollection *c, const PetscInt *value)
{
  AreaKey *key;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(c->n, &key));
  for (PetscInt k = 0; k < c->n; k++)
    key[k] = (AreaKey){polygon_area(&c->feature[k], CONST_EARTH_RADIUS), k};
  qsort(key, (size_t)c->n, sizeof(AreaKey), compare_area_desc);
  for (PetscInt k = 0; k < c->n; k++)
    PetscCall(polygon_raster_fill(r, &c->feature[key[k].feature], value[key[k].feature]));
  PetscCall(PetscFree(key));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void grow_bbox(PetscReal *bb, const PetscReal *f)
{
  bb[0] = PetscMin(bb[0], f[0]);
  bb[1] = PetscMax(bb[1], f[1]);
  bb[2] = PetscMin(bb[2], f[2]);
  bb[3] = PetscMax(bb[3], f[3]);
}

/* The county raster, and mask: the outline (owner 0) or any county (owner 0), for official units.
 */
static PetscErrorCode build_county_raster(Geography *g, const GeoCollection *counties,
                                          const GeoCollection *outline, const PetscInt *order,
                                          PolygonRaster **mask)
{
  PetscReal bb[4] = {PETSC_MAX_REAL, PETSC_MIN_REAL, PETSC_MAX_REAL, PETSC_MIN_REAL}, pad;
  PetscInt filled, left, *zero;
  PolygonRaster *r;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < counties->n; k++) grow_bbox(bb, counties->feature[k].bbox);
  for (PetscInt k = 0; k < outline->n; k++) grow_bbox(bb, outline->feature[k].bbox);
  pad = GEO_RASTER_MARGIN / (PetscReal)g->p.raster_per_degree;
  bb[0] -= pad;
  bb[1] += pad;
  bb[2] -= pad;
  bb[3] += pad;
  PetscCall(polygon_raster_create(bb, g->p.raster_per_degree, &r));
  PetscCall(polygon_raster_create(bb, g->p.raster_per_degree, mask));
  PetscCall(fill_by_area(r, counties, order));
  PetscCall(PetscCalloc1(outline->n, &zero));
  PetscCall(fill_by_area(*mask, outline, zero));
  PetscCall(PetscFree(zero));
  PetscCall(polygon_raster_fill_gaps(r, *mask, &filled, &left));
  PetscCall(PetscInfo(
      NULL,
      "county raster %" PetscInt_FMT " x %" PetscInt_FMT ": %" PetscInt_FMT
      " gap pixels inside the outline given to neighbouring counties, %" PetscInt_FMT " left\n",
      r->nlon, r->nlat, filled, left));
  for (PetscInt k = 0; k < r->nlon * r->nlat; k++)
    if (r->owner[k] >= 0) (*mask)->owner[k] = 0;
  g->county_raster = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The prefecture each XPCC city sits in: the longest shared raster border. */
static PetscErrorCode xpcc_parents(Geography *g)
{
  PetscInt *count, *per_pref;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(g->ncounty, &count));
  PetscCall(PetscMalloc1(g->npref, &per_pref));
  for (PetscInt c = 0; c < g->ncounty; c++) {
    PetscInt q = g->county[c].prefecture, best = -1;
    if (g->pref[q].adcode != g->county[c].adcode) continue;
    PetscCall(PetscArrayzero(count, g->ncounty));
    PetscCall(PetscArrayzero(per_pref, g->npref));
    polygon_raster_adjacency(g->county_raster, c, g->ncounty, count);
    for (PetscInt b = 0; b < g->ncounty; b++) {
      PetscInt qb = g->county[b].prefecture;
      if (g->pref[qb].adcode != g->county[b].adcode) per_pref[qb] += count[b];
    }
    for (PetscInt p = 0; p < g->npref; p++)
      if (per_pref[p] > 0 && (best < 0 || per_pref[p] > per_pref[best])) best = p;
    g->pref[q].parent = best;
  }
  PetscCall(PetscFree(count));
  PetscCall(PetscFree(per_pref));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode derived_units(Geography *g, PetscInt nextra)
{
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(UNIT_OUTSIDE * g->ncounty + nextra, &g->unit));
  for (PetscInt c = 0; c < g->ncounty; c++) {
    for (PetscInt k = 0; k < UNIT_OUTSIDE; k++) {
      GeoUnit *u = &g->unit[UNIT_OUTSIDE * c + k];
      PetscCall(PetscSNPrintf(u->code, GEO_CODE_LEN, "%" PetscInt_FMT "-%s1", g->county[c].adcode,
                              kind_letter[k]));
      PetscCall(PetscSNPrintf(u->name_zh, GEO_NAME_LEN, "%s%s", g->county[c].name_zh, kind_zh[k]));
      PetscCall(PetscSNPrintf(u->name_en, GEO_NAME_LEN, "%s %s", g->county[c].name_en, kind_en[k]));
      u->kind = k;
      u->county = c;
      u->prefecture = g->county[c].prefecture;
    }
  }
  g->nunit = UNIT_OUTSIDE * g->ncounty;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The attributes of an official unit file (docs/units.md): each has a long name and a short one
   that fits a shapefile's ten characters. */
enum { UA_CODE, UA_NAME_ZH, UA_NAME_EN, UA_KIND, UA_COUNTY, UA_PREFECTURE, UA_N };
static const char *const unit_attribute[UA_N][2] = {
    {"unit_code", "code"}, {"unit_name_zh", "name_zh"}, {"unit_name_en", "name_en"},
    {"unit_kind", "kind"}, {"unit_county", "county"},   {"unit_prefecture", "prefecture"}};

/* The attribute a of feature k: the one of its two names the feature has (NULL if neither). */
static const GeoProperty *unit_property(const GeoCollection *c, PetscInt k, PetscInt a)
{
  const GeoProperty *q = vector_property(&c->feature[k], unit_attribute[a][0]);
  return q ? q : vector_property(&c->feature[k], unit_attribute[a][1]);
}

/* The text of the required attribute a of feature k. */
static PetscErrorCode unit_text(const GeoCollection *c, PetscInt k, PetscInt a, const char **text)
{
  const GeoProperty *q = unit_property(c, k, a);

  PetscFunctionBeginUser;
  PetscCheck(q && q->text, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " has no attribute %s (or %s): an official unit file "
             "needs %s, %s, %s, %s and %s (docs/units.md)",
             c->path, k, unit_attribute[a][0], unit_attribute[a][1], unit_attribute[UA_CODE][0],
             unit_attribute[UA_NAME_ZH][0], unit_attribute[UA_NAME_EN][0],
             unit_attribute[UA_KIND][0], unit_attribute[UA_COUNTY][0]);
  *text = q->text;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The kind of feature k: the number 0, 1 or 2, or its name in English or Chinese. */
static PetscErrorCode unit_kind(const GeoCollection *c, PetscInt k, const char *code,
                                PetscInt *kind)
{
  static const char *const names[3][2] = {
      {"priority", "优先保护"}, {"key", "重点管控"}, {"general", "一般管控"}};
  const GeoProperty *q = unit_property(c, k, UA_KIND);
  PetscReal v = -1;

  PetscFunctionBeginUser;
  if (q && q->nnum == 1) v = q->num[0];
  if (q && q->text && !q->nnum) {
    /* A text field holding the number (a shapefile's string column). */
    char *end;
    double x = strtod(q->text, &end);
    if (end != q->text && !*end) v = x;
  }
  for (PetscInt n = 0; q && q->text && !q->nnum && n < 3; n++)
    if (!strcmp(q->text, names[n][0]) || !strcmp(q->text, names[n][1])) v = (PetscReal)n;
  PetscCheck(v == UNIT_PRIORITY || v == UNIT_KEY || v == UNIT_GENERAL, PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " (%s): unit_kind %s must be 0 or priority (优先保护), "
             "1 or key (重点管控), 2 or general (一般管控)",
             c->path, k, code, q && q->text ? q->text : "(missing)");
  *kind = (PetscInt)v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One official unit from feature k of the unit file. */
static PetscErrorCode official_unit(Geography *g, const GeoCollection *c, PetscInt k, GeoUnit *u)
{
  const char *text;
  PetscInt adcode = 0;

  PetscFunctionBeginUser;
  PetscCall(unit_text(c, k, UA_CODE, &text));
  PetscCall(PetscStrncpy(u->code, text, GEO_CODE_LEN));
  PetscCall(unit_text(c, k, UA_NAME_ZH, &text));
  PetscCall(PetscStrncpy(u->name_zh, text, GEO_NAME_LEN));
  PetscCall(unit_text(c, k, UA_NAME_EN, &text));
  PetscCall(PetscStrncpy(u->name_en, text, GEO_NAME_LEN));
  PetscCall(unit_kind(c, k, u->code, &u->kind));
  PetscCall(unit_text(c, k, UA_COUNTY, &text));
  PetscCall(parse_adcode(c->path, k, text, &adcode));
  u->county = -1;
  for (PetscInt y = 0; y < g->ncounty; y++)
    if (g->county[y].adcode == adcode) u->county = y;
  PetscCheck(u->county >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " (%s): unit_county %" PetscInt_FMT
             " is not a county of %s",
             c->path, k, u->code, adcode, g->p.counties_file);
  u->prefecture = g->county[u->county].prefecture;
  if (unit_property(c, k, UA_PREFECTURE)) {
    /* Optional: the prefecture, which must be the county's (the unit map is checked, not
       trusted). */
    PetscInt pref = 0;
    PetscCall(unit_text(c, k, UA_PREFECTURE, &text));
    PetscCall(parse_adcode(c->path, k, text, &pref));
    PetscCheck(u->prefecture >= 0 && pref == g->pref[u->prefecture].adcode, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s: feature %" PetscInt_FMT " (%s): unit_prefecture %" PetscInt_FMT
               " is not the prefecture of county %" PetscInt_FMT " (%" PetscInt_FMT ")",
               c->path, k, u->code, pref, adcode,
               u->prefecture >= 0 ? g->pref[u->prefecture].adcode : (PetscInt)-1);
  }
  for (PetscInt q = 0; q < k; q++)
    PetscCheck(strcmp(g->unit[q].code, u->code), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: unit_code %s appears twice (features %" PetscInt_FMT " and %" PetscInt_FMT ")",
               c->path, u->code, q, k);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode official_units(Geography *g, const PolygonRaster *mask, PetscInt nextra)
{
  GeoCollection *c;
  PetscInt *value, inside = 0, covered = 0, filled, left;

  PetscFunctionBeginUser;
  PetscCall(vector_read(g->p.units_file, &c));
  PetscCall(check_rings(c));
  PetscCall(PetscCalloc1(c->n + nextra, &g->unit));
  PetscCall(PetscMalloc1(c->n, &value));
  for (PetscInt k = 0; k < c->n; k++) {
    PetscCall(official_unit(g, c, k, &g->unit[k]));
    value[k] = k;
  }
  g->nunit = c->n;
  PetscCall(polygon_raster_create(
      (PetscReal[4]){mask->lon0, mask->lon0 + (PetscReal)mask->nlon * mask->res, mask->lat0,
                     mask->lat0 + (PetscReal)mask->nlat * mask->res},
      g->p.raster_per_degree, &g->unit_raster));
  PetscCheck(g->unit_raster->nlon == mask->nlon && g->unit_raster->nlat == mask->nlat,
             PETSC_COMM_SELF, PETSC_ERR_PLIB, "unit raster and mask differ in shape");
  PetscCall(fill_by_area(g->unit_raster, c, value));
  for (PetscInt k = 0; k < mask->nlon * mask->nlat; k++) {
    if (mask->owner[k] < 0) continue;
    inside++;
    if (g->unit_raster->owner[k] >= 0) covered++;
  }
  PetscCheck((PetscReal)covered >= g->p.units_min_coverage * (PetscReal)inside, PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s: the unit polygons cover %.1f %% of Xinjiang, less than "
             "grid_tool_units_min_coverage = %g %%: an official unit file must cover the region",
             c->path, 100.0 * (double)covered / (double)PetscMax(inside, 1),
             100.0 * (double)g->p.units_min_coverage);
  PetscCall(polygon_raster_fill_gaps(g->unit_raster, mask, &filled, &left));
  PetscCall(PetscFree(value));
  PetscCall(vector_destroy(&c));
  g->official = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Outside regions: boxes, and one unit per distinct code. */
static PetscErrorCode outside_regions(Geography *g, CsvTable *t)
{
  PetscInt ccode, cen, czh, cb[4];
  const char *names[4] = {"lon_min", "lon_max", "lat_min", "lat_max"};

  PetscFunctionBeginUser;
  PetscCall(csv_column(t, "code", &ccode));
  PetscCall(csv_column(t, "name_en", &cen));
  PetscCall(csv_column(t, "name_zh", &czh));
  for (PetscInt k = 0; k < 4; k++) PetscCall(csv_column(t, names[k], &cb[k]));
  g->nbox = t->nrow;
  PetscCall(PetscMalloc1(t->nrow, &g->box));
  for (PetscInt r = 0; r < t->nrow; r++) {
    PetscInt u;
    for (PetscInt k = 0; k < 4; k++) PetscCall(csv_real(t, r, cb[k], &g->box[r].box[k]));
    for (u = 0; u < g->nunit; u++)
      if (!strcmp(g->unit[u].code, csv_text(t, r, ccode))) break;
    if (u == g->nunit) {
      GeoUnit *x = &g->unit[g->nunit++];
      PetscCall(PetscStrncpy(x->code, csv_text(t, r, ccode), GEO_CODE_LEN));
      PetscCall(PetscStrncpy(x->name_en, csv_text(t, r, cen), GEO_NAME_LEN));
      PetscCall(PetscStrncpy(x->name_zh, csv_text(t, r, czh), GEO_NAME_LEN));
      x->kind = UNIT_OUTSIDE;
      x->county = x->prefecture = -1;
    }
    PetscCheck(g->unit[u].kind == UNIT_OUTSIDE, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": code %s is already the code of a unit inside Xinjiang",
               t->path, t->line[r], csv_text(t, r, ccode));
    g->box[r].unit = u;
  }
  PetscCheck(
      t->nrow > 0 && g->box[t->nrow - 1].box[0] <= -180 && g->box[t->nrow - 1].box[1] >= 180 &&
          g->box[t->nrow - 1].box[2] <= -90 && g->box[t->nrow - 1].box[3] >= 90,
      PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
      "%s: the last row must cover the whole globe (-180..180, -90..90) to catch every point",
      t->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode load_units(Geography *g, const PolygonRaster *mask)
{
  CsvTable *t;

  PetscFunctionBeginUser;
  PetscCall(csv_read(g->p.outside_file, &t));
  if (g->p.units_file[0])
    PetscCall(official_units(g, mask, t->nrow));
  else
    PetscCall(derived_units(g, t->nrow));
  PetscCall(outside_regions(g, t));
  PetscCall(csv_destroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Seats of the counties and the rows of the hotspot CSV (kind "city" or a point source). */
static PetscErrorCode load_sites(Geography *g)
{
  CsvTable *t;
  PetscInt ckind, clon, clat, n = 0;

  PetscFunctionBeginUser;
  PetscCall(csv_read(g->p.sites_file, &t));
  PetscCall(csv_column(t, "kind", &ckind));
  PetscCall(csv_column(t, "lon_wgs84", &clon));
  PetscCall(csv_column(t, "lat_wgs84", &clat));
  PetscCall(PetscMalloc1(g->ncounty + t->nrow, &g->site));
  for (PetscInt c = 0; c < g->ncounty; c++)
    g->site[n++] = (GeoSite){.lon = g->county[c].seat[0],
                             .lat = g->county[c].seat[1],
                             .r_urban = g->p.urban_radius_seat,
                             .r_key = g->p.key_radius_seat,
                             .r_crop = g->p.crop_radius};
  for (PetscInt r = 0; r < t->nrow; r++) {
    GeoSite *s = &g->site[n++];
    PetscBool city = strcmp(csv_text(t, r, ckind), "city") ? PETSC_FALSE : PETSC_TRUE;
    PetscCall(csv_real(t, r, clon, &s->lon));
    PetscCall(csv_real(t, r, clat, &s->lat));
    PetscCheck(s->lon >= -180 && s->lon <= 360 && s->lat >= -90 && s->lat <= 90, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": site at (%g, %g) is outside [-180, 360] x [-90, 90] "
               "(expected WGS84 longitude and latitude in degrees)",
               t->path, t->line[r], (double)s->lon, (double)s->lat);
    s->r_urban = city ? g->p.urban_radius_city : 0;
    s->r_key = city ? g->p.key_radius_seat : g->p.key_radius_source;
    s->r_crop = 0;
  }
  g->nsite = n;
  g->reach = 0;
  for (PetscInt s = 0; s < n; s++)
    g->reach = PetscMax(
        g->reach, PetscMax(g->site[s].r_urban, PetscMax(g->site[s].r_key, g->site[s].r_crop)));
  PetscCall(csv_destroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode load_lakes(Geography *g)
{
  CsvTable *t;
  PetscInt col[5];
  const char *names[5] = {"lon", "lat", "semi_major_km", "semi_minor_km", "azimuth_deg"};

  PetscFunctionBeginUser;
  if (!g->p.lakes_file[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(csv_read(g->p.lakes_file, &t));
  for (PetscInt k = 0; k < 5; k++) PetscCall(csv_column(t, names[k], &col[k]));
  g->nlake = t->nrow;
  PetscCall(PetscMalloc1(t->nrow, &g->lake));
  for (PetscInt r = 0; r < t->nrow; r++) {
    PetscReal v[5];
    for (PetscInt k = 0; k < 5; k++) PetscCall(csv_real(t, r, col[k], &v[k]));
    PetscCheck(v[2] >= v[3] && v[3] > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT
               ": semi-axes %g and %g km must satisfy semi_major >= semi_minor > 0",
               t->path, t->line[r], (double)v[2], (double)v[3]);
    g->lake[r] = (GeoLake){.lon = v[0],
                           .lat = v[1],
                           .a = M_PER_KM * v[2],
                           .b = M_PER_KM * v[3],
                           .azimuth = v[4] * CONST_DEG2RAD};
    g->reach = PetscMax(g->reach, g->lake[r].a);
  }
  PetscCall(csv_destroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode geography_create(const GeoParams *p, Geography **out)
{
  Geography *g;
  GeoCollection *counties, *outline;
  PolygonRaster *mask;
  PetscInt *order;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&g));
  g->p = *p;
  PetscCall(vector_read(p->counties_file, &counties));
  PetscCall(vector_read(p->outline_file, &outline));
  PetscCall(check_rings(counties));
  PetscCall(check_rings(outline));
  PetscCall(load_counties(g, counties));
  PetscCall(PetscMalloc1(g->ncounty, &order));
  PetscCall(sort_registries(g, order));
  PetscCall(english_names(g));
  PetscCall(build_county_raster(g, counties, outline, order, &mask));
  PetscCall(xpcc_parents(g));
  PetscCall(load_units(g, mask));
  PetscCall(load_sites(g));
  PetscCall(load_lakes(g));
  PetscCall(dem_read(p->dem_file, p->dem_variable, &g->dem));
  if (p->landuse_file[0]) PetscCall(dem_read(p->landuse_file, p->landuse_variable, &g->landuse));
  PetscCall(polygon_raster_destroy(&mask));
  PetscCall(PetscFree(order));
  PetscCall(vector_destroy(&counties));
  PetscCall(vector_destroy(&outline));
  *out = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode geography_destroy(Geography **gp)
{
  Geography *g = *gp;

  PetscFunctionBeginUser;
  if (!g) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(g->county));
  PetscCall(PetscFree(g->pref));
  PetscCall(PetscFree(g->unit));
  PetscCall(PetscFree(g->site));
  PetscCall(PetscFree(g->lake));
  PetscCall(PetscFree(g->box));
  PetscCall(polygon_raster_destroy(&g->county_raster));
  PetscCall(polygon_raster_destroy(&g->unit_raster));
  PetscCall(dem_destroy(&g->dem));
  PetscCall(dem_destroy(&g->landuse));
  PetscCall(PetscFree(*gp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode geography_find_place(const Geography *g, const char *name, PetscInt *county,
                                    PetscInt *pref)
{
  char code[32];
  PetscInt hits = 0;
  PetscBool same;

  PetscFunctionBeginUser;
  *county = *pref = -1;
  /* Exact names and codes first, then the counties' short English names. */
  for (PetscInt pass = 0; pass < 2 && !hits; pass++) {
    for (PetscInt c = 0; c < g->ncounty; c++) {
      PetscCall(PetscSNPrintf(code, sizeof(code), "%" PetscInt_FMT, g->county[c].adcode));
      if (pass == 0) {
        PetscCall(PetscStrcasecmp(name, g->county[c].name_en, &same));
        same = same || !strcmp(name, g->county[c].name_zh) || !strcmp(name, code) ? PETSC_TRUE
                                                                                  : PETSC_FALSE;
      } else
        PetscCall(PetscStrcasecmp(name, g->county[c].short_en, &same));
      if (same) {
        PetscCheck(hits == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                   "place name \"%s\" is ambiguous: %s (%" PetscInt_FMT ") and %s (%" PetscInt_FMT
                   ")",
                   name, g->county[*county].name_en, g->county[*county].adcode,
                   g->county[c].name_en, g->county[c].adcode);
        *county = c;
        hits++;
      }
    }
    for (PetscInt q = 0; pass == 0 && q < g->npref; q++) {
      PetscCall(PetscSNPrintf(code, sizeof(code), "%" PetscInt_FMT, g->pref[q].adcode));
      PetscCall(PetscStrcasecmp(name, g->pref[q].name_en, &same));
      if (!same && strcmp(name, g->pref[q].name_zh) && strcmp(name, code)) continue;
      if (*county >= 0 && g->pref[q].adcode == g->county[*county].adcode)
        continue; /* an XPCC city is both */
      PetscCheck(hits == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                 "place name \"%s\" is ambiguous: it names a county and a prefecture", name);
      *pref = q;
      hits++;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void geography_sources(const GeoParams *p, char *out, size_t len)
{
  const char *const files[] = {p->dem_file,          p->outline_file, p->counties_file,
                               p->units_file,        p->landuse_file, p->sites_file,
                               p->county_names_file, p->lakes_file,   p->outside_file};

  data_path_sources(files, (PetscInt)(sizeof(files) / sizeof(files[0])), out, len);
}
