/* Point sources from CSV (docs/points.md). The first line that is not a comment ('#') names the
   columns; they may come in any order. The files Bogda writes start with the header and have no
   comment line (pandas and csv.DictReader take a first comment line for the header); comment
   lines are still skipped here, so that older files read:
     id, name, lon, lat               degrees (WGS84)
     height_m, diameter_m             stack height above ground and inner diameter at the top
     velocity_m_s, temperature_K      exit velocity and temperature
     sector                           power | industry | residential | transport | agriculture
     unit                             optional: the control-unit code the source belongs to
                                      (empty: found from the unit map)
     <species>_t_yr, <species>_kg_yr  annual emission of a species of the species table, t/yr or
                                      kg/yr (species without a column emit nothing)
   Fields may be quoted ("..", with "" for a quote). Every row has as many fields as the header;
   a column nobody reads, a column or species given twice, an id, name or unit longer than its
   buffer are refused. Every error names the file, the line, the column and the value. */
#include "model/emissions/point_sources.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/emissions/profiles.h"

#define MAX_COLUMNS 64
#define MAX_LINE 4096
/* The largest annual emission of one stack, t/yr (more than any country's). */
#define RATE_MAX_T_YR 1e9

enum {
  COL_ID,
  COL_NAME,
  COL_LON,
  COL_LAT,
  COL_HEIGHT,
  COL_DIAMETER,
  COL_VELOCITY,
  COL_TEMPERATURE,
  COL_SECTOR,
  COL_UNIT,
  COL_N
};
static const char *const col_names[COL_N] = {
    "id",         "name",         "lon",           "lat",    "height_m",
    "diameter_m", "velocity_m_s", "temperature_K", "sector", "unit"};

/* The stack temperatures accepted, K: colder than any air near the ground is not a stack gas
   (plume rise divides by it), hotter than a flare is a units error. */
#define TEMPERATURE_MIN 200.0
#define TEMPERATURE_MAX 2000.0

/* Split a CSV line into at most MAX_COLUMNS fields in place; returns the count, or
   MAX_COLUMNS + 1 if the line has more. */
static PetscInt split(char *line, char **field)
{
  PetscInt n = 0;
  char *r = line, *w = line;
  while (n < MAX_COLUMNS) {
    field[n++] = w;
    if (*r == '"') {
      r++;
      while (*r && !(*r == '"' && r[1] != '"')) {
        if (*r == '"') r++;
        *w++ = *r++;
      }
      if (*r == '"') r++;
    } else
      while (*r && *r != ',') *w++ = *r++;
    if (*r != ',') break;
    if (n == MAX_COLUMNS) {
      *w = '\0';
      return MAX_COLUMNS + 1;
    }
    *w++ = '\0';
    r++;
    w = r;
  }
  *w = '\0';
  for (PetscInt k = 0; k < n; k++) { /* trim blanks and line ends */
    char *f = field[k], *e;
    while (*f == ' ' || *f == '\t') f++;
    e = f + strlen(f);
    while (e > f && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = '\0';
    field[k] = f;
  }
  return n;
}

static PetscErrorCode number(const char *path, PetscInt line, const char *col, const char *text,
                             PetscReal lo, PetscReal hi, PetscReal *v)
{
  char *end;
  double d;

  PetscFunctionBeginUser;
  PetscCheck(text[0], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": column %s is empty; expected a number", path, line, col);
  d = strtod(text, &end);
  PetscCheck(*end == '\0', PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": column %s = '%s' is not a number", path, line, col, text);
  PetscCheck(d >= lo && d <= hi, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": column %s = %g is out of range; expected %g to %g", path, line,
             col, d, (double)lo, (double)hi);
  *v = (PetscReal)d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The species a column "<species>_t_yr" or "<species>_kg_yr" names (-1 if neither), and the
   units per t/yr (1 or 1000). */
static PetscErrorCode species_column(const char *path, PetscInt line, const char *field,
                                     const SpeciesInfo *sp, PetscInt nspec, PetscInt *spec,
                                     PetscReal *per_t)
{
  static const char *const suffix[2] = {"_t_yr", "_kg_yr"};
  size_t len = strlen(field);

  PetscFunctionBeginUser;
  *spec = -1;
  for (PetscInt u = 0; u < 2; u++) {
    size_t ls = strlen(suffix[u]);
    char name[64];
    if (len <= ls || strcasecmp(field + len - ls, suffix[u])) continue;
    PetscCall(PetscStrncpy(name, field, PetscMin(sizeof(name), len - ls + 1)));
    *spec = species_find(sp, nspec, name);
    *per_t = u ? 1000 : 1;
    PetscCheck(*spec >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": column '%s' names an unknown species '%s'", path, line, field,
               name);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Map the header's columns; species columns end in "_t_yr" or "_kg_yr". Every column must be
   read, and none given twice. */
static PetscErrorCode header(const char *path, PetscInt line, char **field, PetscInt nf,
                             const SpeciesInfo *sp, PetscInt nspec, PetscInt *col,
                             PetscInt *spec_of, PetscReal *per_t)
{
  PetscFunctionBeginUser;
  PetscCheck(nf <= MAX_COLUMNS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": the header has more than %d columns", path, line, MAX_COLUMNS);
  for (PetscInt c = 0; c < COL_N; c++) col[c] = -1;
  for (PetscInt f = 0; f < nf; f++) {
    PetscBool known = PETSC_FALSE;
    for (PetscInt c = 0; c < COL_N; c++)
      if (!strcasecmp(field[f], col_names[c])) col[c] = f, known = PETSC_TRUE;
    PetscCall(species_column(path, line, field[f], sp, nspec, &spec_of[f], &per_t[f]));
    PetscCheck(known || spec_of[f] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": column %d '%s' is unknown; expected id, name, lon, lat, "
               "height_m, diameter_m, velocity_m_s, temperature_K, sector, unit or "
               "<species>_t_yr / <species>_kg_yr",
               path, line, (int)f + 1, field[f]);
    for (PetscInt g = 0; g < f; g++)
      PetscCheck(strcasecmp(field[g], field[f]) && (spec_of[f] < 0 || spec_of[g] != spec_of[f]),
                 PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s:%" PetscInt_FMT ": column %d '%s' repeats column %d '%s'", path, line,
                 (int)f + 1, field[f], (int)g + 1, field[g]);
  }
  for (PetscInt c = 0; c < COL_N; c++)
    PetscCheck(col[c] >= 0 || c == COL_UNIT || c == COL_NAME, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED, "%s:%" PetscInt_FMT ": the header has no column '%s'",
               path, line, col_names[c]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Copy a text field into a buffer of n characters, refusing one that does not fit. */
static PetscErrorCode text(const char *path, PetscInt line, const char *col, const char *field,
                           char *buf, size_t n)
{
  PetscFunctionBeginUser;
  PetscCheck(strlen(field) < n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": column %s = '%s' is longer than %d characters", path, line, col,
             field, (int)n - 1);
  PetscCall(PetscStrncpy(buf, field, n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode grow(PointSources *ps, PetscInt cap, PetscInt nspec)
{
  PetscFunctionBeginUser;
  PetscCall(PetscRealloc(sizeof(*ps->id) * (size_t)cap, &ps->id));
  PetscCall(PetscRealloc(sizeof(*ps->name) * (size_t)cap, &ps->name));
  PetscCall(PetscRealloc(sizeof(*ps->unit) * (size_t)cap, &ps->unit));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)cap * POINT_NUM, &ps->value));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)cap, &ps->sector));
  PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)cap, &ps->line));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)cap * (size_t)nspec, &ps->rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const PetscReal point_sources_min[POINT_NUM] = {-180, -90, 0, 0, 0, TEMPERATURE_MIN},
                point_sources_max[POINT_NUM] = {360, 90, 1000, 100, 200, TEMPERATURE_MAX};

static PetscErrorCode parse_row(const char *path, PetscInt line, char **field, PetscInt nf,
                                PetscInt ncol, const PetscInt *col, const PetscInt *spec_of,
                                const PetscReal *per_t, char **names, PetscInt nspec,
                                PointSources *ps)
{
  PetscInt p = ps->n;
  static const PetscInt which[POINT_NUM] = {COL_LON,      COL_LAT,      COL_HEIGHT,
                                            COL_DIAMETER, COL_VELOCITY, COL_TEMPERATURE};

  PetscFunctionBeginUser;
  PetscCheck(nf == ncol, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": the line has %s%" PetscInt_FMT
             " fields; expected %" PetscInt_FMT " as in the header (%s %s)",
             path, line, nf > MAX_COLUMNS ? "more than " : "", PetscMin(nf, MAX_COLUMNS), ncol,
             nf < ncol ? "no field for column" : "no column for the fields after",
             nf < ncol ? names[nf] : names[ncol - 1]);
  PetscCall(text(path, line, "id", field[col[COL_ID]], ps->id[p], sizeof(ps->id[p])));
  PetscCheck(ps->id[p][0], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": column id is empty", path, line);
  PetscCall(text(path, line, "name", col[COL_NAME] >= 0 ? field[col[COL_NAME]] : "", ps->name[p],
                 sizeof(ps->name[p])));
  PetscCall(text(path, line, "unit", col[COL_UNIT] >= 0 ? field[col[COL_UNIT]] : "", ps->unit[p],
                 sizeof(ps->unit[p])));
  for (PetscInt k = 0; k < POINT_NUM; k++)
    PetscCall(number(path, line, col_names[which[k]], field[col[which[k]]], point_sources_min[k],
                     point_sources_max[k], &ps->value[p * POINT_NUM + k]));
  ps->sector[p] = profiles_sector(field[col[COL_SECTOR]]);
  PetscCheck(
      ps->sector[p] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
      "%s:%" PetscInt_FMT
      ": sector '%s' is unknown; expected power, industry, residential, transport or agriculture",
      path, line, field[col[COL_SECTOR]]);
  for (PetscInt s = 0; s < nspec; s++) ps->rate[p * nspec + s] = 0;
  for (PetscInt f = 0; f < nf; f++)
    if (spec_of[f] >= 0) {
      char what[128];
      PetscReal *r = &ps->rate[p * nspec + spec_of[f]];
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s of %s (%s)", names[f], ps->id[p],
                              per_t[f] == 1 ? "t/yr" : "kg/yr"));
      PetscCall(number(path, line, what, field[f], 0, RATE_MAX_T_YR * per_t[f], r));
      if (per_t[f] != 1) *r /= per_t[f];
    }
  ps->line[p] = line;
  ps->n++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* fgets() that also ends a line at a carriage return (CR-only and CRLF files): the line in buf
   ends with a single '\n' unless it was too long or the file ended; NULL at the end of the file. */
static char *read_line(FILE *fp, char *buf, size_t len)
{
  size_t n = 0;
  int c = EOF;
  while (n + 2 < len && (c = fgetc(fp)) != EOF && c != '\n' && c != '\r') buf[n++] = (char)c;
  if (c == '\r') {
    int d = fgetc(fp);
    if (d != '\n' && d != EOF) ungetc(d, fp);
  }
  if (c == '\n' || c == '\r') buf[n++] = '\n';
  buf[n] = '\0';
  return n || c != EOF ? buf : NULL;
}

PetscErrorCode point_sources_read(const char *path, const SpeciesInfo *sp, PetscInt nspec,
                                  PointSources **out)
{
  FILE *fp;
  char buf[MAX_LINE], hbuf[MAX_LINE], *field[MAX_COLUMNS], *names[MAX_COLUMNS];
  PetscInt col[COL_N], spec_of[MAX_COLUMNS], line = 0, cap = 0, ncol = 0;
  PetscReal per_t[MAX_COLUMNS];
  PetscBool have_header = PETSC_FALSE;
  PointSources *ps;

  PetscFunctionBeginUser;
  fp = fopen(path, "r");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open point-source file %s", path);
  PetscCall(PetscNew(&ps));
  ps->nspec = nspec;
  while (read_line(fp, buf, sizeof(buf))) {
    PetscInt nf;
    line++;
    PetscCheck(strchr(buf, '\n') || feof(fp), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": line longer than %d characters", path, line, MAX_LINE - 1);
    if (buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == '\0') continue;
    if (!have_header) {
      PetscCall(PetscStrncpy(hbuf, buf, sizeof(hbuf)));
      ncol = split(hbuf, names);
      PetscCall(header(path, line, names, ncol, sp, nspec, col, spec_of, per_t));
      have_header = PETSC_TRUE;
      continue;
    }
    nf = split(buf, field);
    if (ps->n == cap) {
      cap = cap ? 2 * cap : 64;
      PetscCall(grow(ps, cap, nspec));
    }
    PetscCall(parse_row(path, line, field, nf, ncol, col, spec_of, per_t, names, nspec, ps));
    for (PetscInt q = 0; q < ps->n - 1; q++)
      PetscCheck(strcmp(ps->id[q], ps->id[ps->n - 1]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s:%" PetscInt_FMT ": id '%s' repeats line %" PetscInt_FMT, path, line, ps->id[q],
                 ps->line[q]);
  }
  fclose(fp);
  PetscCheck(have_header, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no header line", path);
  *out = ps;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode point_sources_destroy(PointSources **out)
{
  PointSources *ps = *out;

  PetscFunctionBeginUser;
  if (!ps) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(ps->id));
  PetscCall(PetscFree(ps->name));
  PetscCall(PetscFree(ps->unit));
  PetscCall(PetscFree(ps->value));
  PetscCall(PetscFree(ps->sector));
  PetscCall(PetscFree(ps->line));
  PetscCall(PetscFree(ps->rate));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
