/* GeoJSON reader: a strict JSON parser (RFC 8259) into a flat node arena, then a walk that keeps
   what a boundary file needs. Accepted: a FeatureCollection whose features have a Polygon or
   MultiPolygon geometry (positions may carry a third coordinate, which is dropped) and a
   properties object or null. Refused, with the file, line and column or the feature number:
   malformed JSON, a top level that is not a FeatureCollection, other geometry types, rings
   that are not closed. Foreign members are ignored. A ring of fewer than four positions encloses
   no area (the county file has one, a single point): it is dropped, and a polygon whose outer
   ring is dropped is dropped whole. */
#include "prep/geo/geojson.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64 /* deepest nesting accepted; GeoJSON needs 7 */

typedef enum { J_NULL, J_TRUE, J_FALSE, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } JsonType;

/* A parsed value. Children of an array or object are linked through next; an object's
   children carry their member name in key. Offsets point into the parser's character arena. */
typedef struct {
  JsonType type;
  PetscInt next, child, count; /* sibling, first child, number of children; -1 if none */
  PetscInt key, text;          /* offsets of the member name and of the string or number text */
  PetscReal num;
} JsonNode;

typedef struct {
  const char *path, *s; /* file name, contents (NUL-terminated) */
  size_t pos;
  PetscInt depth;
  JsonNode *node;
  PetscInt nnode, cap;
  char *chars;
  size_t nchar, ccap;
} Parser;

static PetscErrorCode syntax_error(const Parser *p, const char *what)
{
  PetscInt line = 1, col = 1;

  PetscFunctionBeginUser;
  for (size_t k = 0; k < p->pos && p->s[k]; k++) {
    if (p->s[k] == '\n') {
      line++;
      col = 1;
    } else
      col++;
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
          "%s:%" PetscInt_FMT ":%" PetscInt_FMT ": not valid GeoJSON: %s", p->path, line, col,
          what);
}

#define EXPECT(p, cond, what)                                                                      \
  do {                                                                                             \
    if (!(cond)) PetscCall(syntax_error(p, what));                                                 \
  } while (0)

static void skip_space(Parser *p)
{
  while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
         p->s[p->pos] == '\r')
    p->pos++;
}

static PetscErrorCode new_node(Parser *p, JsonType type, PetscInt *id)
{
  PetscFunctionBeginUser;
  if (p->nnode == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 1024;
    PetscCall(PetscRealloc(sizeof(JsonNode) * (size_t)p->cap, &p->node));
  }
  *id = p->nnode++;
  p->node[*id] =
      (JsonNode){.type = type, .next = -1, .child = -1, .count = 0, .key = -1, .text = -1};
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode put_char(Parser *p, char c)
{
  PetscFunctionBeginUser;
  if (p->nchar == p->ccap) {
    p->ccap = p->ccap ? 2 * p->ccap : 4096;
    PetscCall(PetscRealloc(p->ccap, &p->chars));
  }
  p->chars[p->nchar++] = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Append code point u as UTF-8. */
static PetscErrorCode put_utf8(Parser *p, unsigned long u)
{
  PetscFunctionBeginUser;
  if (u < 0x80)
    PetscCall(put_char(p, (char)u));
  else if (u < 0x800) {
    PetscCall(put_char(p, (char)(0xC0 | (u >> 6))));
    PetscCall(put_char(p, (char)(0x80 | (u & 0x3F))));
  } else if (u < 0x10000) {
    PetscCall(put_char(p, (char)(0xE0 | (u >> 12))));
    PetscCall(put_char(p, (char)(0x80 | ((u >> 6) & 0x3F))));
    PetscCall(put_char(p, (char)(0x80 | (u & 0x3F))));
  } else {
    PetscCall(put_char(p, (char)(0xF0 | (u >> 18))));
    PetscCall(put_char(p, (char)(0x80 | ((u >> 12) & 0x3F))));
    PetscCall(put_char(p, (char)(0x80 | ((u >> 6) & 0x3F))));
    PetscCall(put_char(p, (char)(0x80 | (u & 0x3F))));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_hex4(Parser *p, unsigned long *u)
{
  PetscFunctionBeginUser;
  *u = 0;
  for (int k = 0; k < 4; k++) {
    char c = p->s[p->pos];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    EXPECT(p, d >= 0, "four hexadecimal digits after \\u");
    *u = 16 * *u + (unsigned long)d;
    p->pos++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_escape(Parser *p)
{
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *hit;
  unsigned long u, lo;

  PetscFunctionBeginUser;
  hit = p->s[p->pos] ? strchr(from, p->s[p->pos]) : NULL;
  if (hit) {
    PetscCall(put_char(p, to[hit - from]));
    p->pos++;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  EXPECT(p, p->s[p->pos] == 'u', "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
  p->pos++;
  PetscCall(read_hex4(p, &u));
  if (u >= 0xD800 && u < 0xDC00) {
    EXPECT(p, p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u', "the low half of a surrogate pair");
    p->pos += 2;
    PetscCall(read_hex4(p, &lo));
    EXPECT(p, lo >= 0xDC00 && lo < 0xE000, "the low half of a surrogate pair");
    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
  }
  PetscCall(put_utf8(p, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A string at p->pos (on the opening quote); its unescaped text goes to the arena. */
static PetscErrorCode read_string(Parser *p, PetscInt *offset)
{
  PetscFunctionBeginUser;
  EXPECT(p, p->s[p->pos] == '"', "a string");
  p->pos++;
  *offset = (PetscInt)p->nchar;
  for (;;) {
    unsigned char c = (unsigned char)p->s[p->pos];
    EXPECT(p, c != 0, "the end of the string (a closing quote)");
    EXPECT(p, c >= 0x20, "no control characters inside a string");
    p->pos++;
    if (c == '"') break;
    if (c == '\\')
      PetscCall(read_escape(p));
    else
      PetscCall(put_char(p, (char)c));
  }
  PetscCall(put_char(p, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static PetscErrorCode read_number(Parser *p, PetscInt id)
{
  size_t start = p->pos;

  PetscFunctionBeginUser;
  if (p->s[p->pos] == '-') p->pos++;
  EXPECT(p, p->s[p->pos] >= '0' && p->s[p->pos] <= '9', "a digit");
  if (p->s[p->pos] == '0')
    p->pos++;
  else
    while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
  if (p->s[p->pos] == '.') {
    p->pos++;
    EXPECT(p, p->s[p->pos] >= '0' && p->s[p->pos] <= '9', "a digit after the decimal point");
    while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
  }
  if (p->s[p->pos] == 'e' || p->s[p->pos] == 'E') {
    p->pos++;
    if (p->s[p->pos] == '+' || p->s[p->pos] == '-') p->pos++;
    EXPECT(p, p->s[p->pos] >= '0' && p->s[p->pos] <= '9', "a digit in the exponent");
    while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
  }
  p->node[id].text = (PetscInt)p->nchar;
  for (size_t k = start; k < p->pos; k++) PetscCall(put_char(p, p->s[k]));
  PetscCall(put_char(p, 0));
  p->node[id].num = strtod(p->chars + p->node[id].text, NULL);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_value(Parser *p, PetscInt *id);

/* The elements of an array or the members of an object, after the opening bracket. */
static PetscErrorCode read_children(Parser *p, PetscInt id, PetscBool object)
{
  char close = object ? '}' : ']';
  PetscInt last = -1;

  PetscFunctionBeginUser;
  EXPECT(p, ++p->depth <= JSON_MAX_DEPTH, "less deeply nested arrays and objects");
  skip_space(p);
  if (p->s[p->pos] == close) {
    p->pos++;
    p->depth--;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (;;) {
    PetscInt key = -1, child;
    skip_space(p);
    if (object) {
      PetscCall(read_string(p, &key));
      skip_space(p);
      EXPECT(p, p->s[p->pos] == ':', "':' after a member name");
      p->pos++;
    }
    PetscCall(read_value(p, &child));
    p->node[child].key = key;
    if (last < 0)
      p->node[id].child = child;
    else
      p->node[last].next = child;
    last = child;
    p->node[id].count++;
    skip_space(p);
    if (p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    EXPECT(p, p->s[p->pos] == close, object ? "',' or '}' in an object" : "',' or ']' in an array");
    p->pos++;
    break;
  }
  p->depth--;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_value(Parser *p, PetscInt *id)
{
  static const struct {
    const char *word;
    JsonType type;
  } words[] = {{"true", J_TRUE}, {"false", J_FALSE}, {"null", J_NULL}};
  char c;

  PetscFunctionBeginUser;
  skip_space(p);
  c = p->s[p->pos];
  if (c == '{' || c == '[') {
    PetscCall(new_node(p, c == '{' ? J_OBJECT : J_ARRAY, id));
    p->pos++;
    PetscCall(read_children(p, *id, c == '{' ? PETSC_TRUE : PETSC_FALSE));
  } else if (c == '"') {
    PetscInt text;
    PetscCall(read_string(p, &text));
    PetscCall(new_node(p, J_STRING, id));
    p->node[*id].text = text;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    PetscCall(new_node(p, J_NUMBER, id));
    PetscCall(read_number(p, *id));
  } else {
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
      size_t n = strlen(words[k].word);
      if (!strncmp(p->s + p->pos, words[k].word, n)) {
        PetscCall(new_node(p, words[k].type, id));
        p->pos += n;
        PetscFunctionReturn(PETSC_SUCCESS);
      }
    }
    EXPECT(p, 0, "a value (object, array, string, number, true, false or null)");
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The member key of object node id, or -1. */
static PetscInt member(const Parser *p, PetscInt id, const char *key)
{
  for (PetscInt c = p->node[id].child; c >= 0; c = p->node[c].next)
    if (!strcmp(p->chars + p->node[c].key, key)) return c;
  return -1;
}

static PetscBool is_string(const Parser *p, PetscInt id, const char *value)
{
  return id >= 0 && p->node[id].type == J_STRING && !strcmp(p->chars + p->node[id].text, value)
             ? PETSC_TRUE
             : PETSC_FALSE;
}

/* Check that every position of ring node r is [lon, lat(, alt)] and that the ring is closed;
 *usable tells whether it has the four positions a ring needs to enclose an area. */
static PetscErrorCode check_ring(const Parser *p, PetscInt k, PetscInt r, PetscBool *usable)
{
  PetscInt first = -1, last = -1;

  PetscFunctionBeginUser;
  PetscCheck(p->node[r].type == J_ARRAY, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT ": a linear ring must be an array of positions", p->path,
             k);
  for (PetscInt v = p->node[r].child; v >= 0; v = p->node[v].next) {
    PetscInt x = p->node[v].child, y = x >= 0 ? p->node[x].next : -1;
    PetscCheck(p->node[v].type == J_ARRAY && p->node[v].count >= 2 && p->node[x].type == J_NUMBER &&
                   p->node[y].type == J_NUMBER,
               PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: feature %" PetscInt_FMT
               ": a position must be an array of two or three numbers [lon, lat]",
               p->path, k);
    /* Longitude and latitude in degrees (WGS84, RFC 7946 4): anything else is a damaged file,
       and would size the rasters built from the rings' bounding boxes. A NaN fails the test. */
    PetscCheck(p->node[x].num >= -180 && p->node[x].num <= 360 && p->node[y].num >= -90 &&
                   p->node[y].num <= 90,
               PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: feature %" PetscInt_FMT
               ": position [%g, %g] is outside [-180, 360] x [-90, 90] "
               "degrees (expected WGS84 longitude and latitude)",
               p->path, k, (double)p->node[x].num, (double)p->node[y].num);
    if (first < 0) first = v;
    last = v;
  }
  *usable = p->node[r].count >= 4 ? PETSC_TRUE : PETSC_FALSE;
  if (!*usable) PetscFunctionReturn(PETSC_SUCCESS);
  {
    PetscInt fx = p->node[first].child, lx = p->node[last].child;
    PetscCheck(p->node[fx].num == p->node[lx].num &&
                   p->node[p->node[fx].next].num == p->node[p->node[lx].next].num,
               PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: feature %" PetscInt_FMT
               ": a linear ring must end where it starts (RFC 7946 3.1.6)",
               p->path, k);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The polygons of geometry node g: a list of polygon nodes (one for Polygon). */
static PetscErrorCode geometry_polygons(const Parser *p, PetscInt k, PetscInt g, PetscInt *first,
                                        PetscBool *multi)
{
  PetscInt type = member(p, g, "type"), coords = member(p, g, "coordinates");

  PetscFunctionBeginUser;
  PetscCheck(is_string(p, type, "Polygon") || is_string(p, type, "MultiPolygon"), PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT
             ": geometry type %s is not supported (Polygon or MultiPolygon expected)",
             p->path, k,
             type >= 0 && p->node[type].type == J_STRING ? p->chars + p->node[type].text
                                                         : "(missing)");
  PetscCheck(coords >= 0 && p->node[coords].type == J_ARRAY && p->node[coords].count > 0,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT ": geometry has no coordinates array", p->path, k);
  *multi = is_string(p, type, "MultiPolygon");
  *first = *multi ? p->node[coords].child : coords;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether ring node ring of polygon node poly is kept: it is usable and so is its outer ring. */
static PetscErrorCode keep_ring(const Parser *p, PetscInt k, PetscInt poly, PetscInt ring,
                                PetscBool *keep)
{
  PetscBool outer_ok;

  PetscFunctionBeginUser;
  PetscCall(check_ring(p, k, p->node[poly].child, &outer_ok));
  PetscCall(check_ring(p, k, ring, keep));
  *keep = *keep && outer_ok ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode convert_geometry(const Parser *p, PetscInt k, PetscInt g, GeoFeature *f)
{
  PetscInt first, nring = 0, nv = 0, r = 0, v = 0;
  PetscBool multi, keep;

  PetscFunctionBeginUser;
  PetscCall(geometry_polygons(p, k, g, &first, &multi));
  for (PetscInt poly = first; poly >= 0; poly = multi ? p->node[poly].next : -1) {
    PetscCheck(p->node[poly].type == J_ARRAY && p->node[poly].count > 0, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s: feature %" PetscInt_FMT ": a polygon must be a non-empty array of linear rings",
               p->path, k);
    for (PetscInt ring = p->node[poly].child; ring >= 0; ring = p->node[ring].next) {
      PetscCall(keep_ring(p, k, poly, ring, &keep));
      if (keep) {
        nring++;
        nv += p->node[ring].count;
      }
    }
  }
  f->nring = nring;
  PetscCall(PetscMalloc1(nring + 1, &f->ring_start));
  PetscCall(PetscMalloc1(nring, &f->outer));
  PetscCall(PetscMalloc1(2 * nv, &f->lonlat));
  f->bbox[0] = f->bbox[2] = PETSC_MAX_REAL;
  f->bbox[1] = f->bbox[3] = PETSC_MIN_REAL;
  for (PetscInt poly = first; poly >= 0; poly = multi ? p->node[poly].next : -1) {
    for (PetscInt ring = p->node[poly].child; ring >= 0; ring = p->node[ring].next) {
      PetscCall(keep_ring(p, k, poly, ring, &keep));
      if (!keep) continue;
      f->ring_start[r] = v;
      f->outer[r++] = ring == p->node[poly].child ? PETSC_TRUE : PETSC_FALSE;
      for (PetscInt pos = p->node[ring].child; pos >= 0; pos = p->node[pos].next, v++) {
        PetscInt x = p->node[pos].child;
        PetscReal lon = p->node[x].num, lat = p->node[p->node[x].next].num;
        f->lonlat[2 * v] = lon;
        f->lonlat[2 * v + 1] = lat;
        f->bbox[0] = PetscMin(f->bbox[0], lon);
        f->bbox[1] = PetscMax(f->bbox[1], lon);
        f->bbox[2] = PetscMin(f->bbox[2], lat);
        f->bbox[3] = PetscMax(f->bbox[3], lat);
      }
    }
  }
  f->ring_start[nring] = v;
  PetscCheck(nring > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " has no ring of at least four positions", p->path, k);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode copy_text(const char *s, char **out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrallocpy(s, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode convert_property(const Parser *p, PetscInt c, GeoProperty *q)
{
  const JsonNode *n = &p->node[c];
  PetscBool numbers = n->type == J_ARRAY ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(copy_text(p->chars + n->key, &q->key));
  if (n->type == J_STRING || n->type == J_NUMBER)
    PetscCall(copy_text(p->chars + n->text, &q->text));
  if (n->type == J_NUMBER) {
    q->nnum = 1;
    PetscCall(PetscMalloc1(1, &q->num));
    q->num[0] = n->num;
  }
  for (PetscInt e = n->type == J_ARRAY ? n->child : -1; e >= 0; e = p->node[e].next)
    if (p->node[e].type != J_NUMBER) numbers = PETSC_FALSE;
  if (numbers && n->count > 0) {
    PetscInt i = 0;
    q->nnum = n->count;
    PetscCall(PetscMalloc1(n->count, &q->num));
    for (PetscInt e = n->child; e >= 0; e = p->node[e].next) q->num[i++] = p->node[e].num;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode convert_feature(const Parser *p, PetscInt k, PetscInt id, GeoFeature *f)
{
  PetscInt geom = member(p, id, "geometry"), props = member(p, id, "properties"), i = 0;

  PetscFunctionBeginUser;
  PetscCheck(p->node[id].type == J_OBJECT && is_string(p, member(p, id, "type"), "Feature"),
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " is not an object with \"type\": \"Feature\"", p->path,
             k);
  PetscCheck(geom >= 0 && p->node[geom].type == J_OBJECT, PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED, "%s: feature %" PetscInt_FMT " has no geometry object",
             p->path, k);
  PetscCall(convert_geometry(p, k, geom, f));
  if (props < 0 || p->node[props].type != J_OBJECT) PetscFunctionReturn(PETSC_SUCCESS);
  f->nprop = p->node[props].count;
  PetscCall(PetscCalloc1(f->nprop, &f->prop));
  for (PetscInt c = p->node[props].child; c >= 0; c = p->node[c].next)
    PetscCall(convert_property(p, c, &f->prop[i++]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_file(const char *path, char **buf)
{
  FILE *fp = fopen(path, "rb");
  long n;

  PetscFunctionBeginUser;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot open the GeoJSON file", path);
  if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
    (void)fclose(fp);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot determine the file's size", path);
  }
  PetscCall(PetscMalloc1((size_t)n + 1, buf));
  if (fread(*buf, 1, (size_t)n, fp) != (size_t)n) {
    (void)fclose(fp);
    PetscCall(PetscFree(*buf));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: short read", path);
  }
  (void)fclose(fp);
  (*buf)[n] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parse_and_convert(Parser *p, GeoCollection *c)
{
  PetscInt root, features, k = 0;

  PetscFunctionBeginUser;
  PetscCall(read_value(p, &root));
  skip_space(p);
  EXPECT(p, p->s[p->pos] == 0, "the end of the file after the top-level value");
  features = p->node[root].type == J_OBJECT ? member(p, root, "features") : -1;
  PetscCheck(p->node[root].type == J_OBJECT &&
                 is_string(p, member(p, root, "type"), "FeatureCollection") && features >= 0 &&
                 p->node[features].type == J_ARRAY,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the top level must be a FeatureCollection with a \"features\" array", p->path);
  c->n = p->node[features].count;
  PetscCall(PetscCalloc1(c->n, &c->feature));
  for (PetscInt f = p->node[features].child; f >= 0; f = p->node[f].next, k++)
    PetscCall(convert_feature(p, k, f, &c->feature[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode geojson_read(const char *path, GeoCollection **out)
{
  Parser p = {.path = path};
  GeoCollection *c;
  char *buf;

  PetscFunctionBeginUser;
  PetscCall(read_file(path, &buf));
  p.s = buf;
  PetscCall(PetscNew(&c));
  PetscCall(PetscStrallocpy(path, &c->path));
  PetscCall(parse_and_convert(&p, c));
  PetscCall(PetscFree(p.node));
  PetscCall(PetscFree(p.chars));
  PetscCall(PetscFree(buf));
  *out = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode geojson_destroy(GeoCollection **cp)
{
  GeoCollection *c = *cp;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < c->n; k++) {
    GeoFeature *f = &c->feature[k];
    for (PetscInt q = 0; q < f->nprop; q++) {
      PetscCall(PetscFree(f->prop[q].key));
      PetscCall(PetscFree(f->prop[q].text));
      PetscCall(PetscFree(f->prop[q].num));
    }
    PetscCall(PetscFree(f->prop));
    PetscCall(PetscFree(f->ring_start));
    PetscCall(PetscFree(f->outer));
    PetscCall(PetscFree(f->lonlat));
  }
  PetscCall(PetscFree(c->feature));
  PetscCall(PetscFree(c->path));
  PetscCall(PetscFree(*cp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const GeoProperty *geojson_property(const GeoFeature *f, const char *key)
{
  for (PetscInt q = 0; q < f->nprop; q++)
    if (!strcmp(f->prop[q].key, key)) return &f->prop[q];
  return NULL;
}

PetscErrorCode geojson_get_text(const GeoCollection *c, PetscInt k, const char *key,
                                const char **text)
{
  const GeoProperty *q = geojson_property(&c->feature[k], key);

  PetscFunctionBeginUser;
  PetscCheck(q && q->text, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " has no string or number property \"%s\"", c->path, k,
             key);
  *text = q->text;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode geojson_get_reals(const GeoCollection *c, PetscInt k, const char *key, PetscInt n,
                                 PetscReal *v)
{
  const GeoProperty *q = geojson_property(&c->feature[k], key);

  PetscFunctionBeginUser;
  PetscCheck(q && q->nnum == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT ": property \"%s\" must hold %" PetscInt_FMT " number(s)",
             c->path, k, key, n);
  for (PetscInt i = 0; i < n; i++) v[i] = q->num[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}
