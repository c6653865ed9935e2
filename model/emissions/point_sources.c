/* Point sources from CSV. The first line that is not a comment ('#') names the columns; they
   may come in any order:
     id, name, lon, lat               degrees (WGS84)
     height_m, diameter_m             stack height above ground and inner diameter at the top
     velocity_m_s, temperature_K      exit velocity and temperature
     sector                           power | industry | residential | transport | agriculture
     unit                             optional: the control-unit code the source belongs to
                                      (empty: found from the unit map)
     <species>_t_yr                   annual emission of a species of the species table, t/yr
   Fields may be quoted ("..", with "" for a quote). Every error names the file, the line, the
   column and the value. */
#include "model/emissions/point_sources.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/emissions/profiles.h"

#define MAX_COLUMNS 64
#define MAX_LINE 4096

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

/* Split a CSV line into at most MAX_COLUMNS fields in place; returns the count. */
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

/* Map the header's columns; species columns end in "_t_yr". */
static PetscErrorCode header(const char *path, PetscInt line, char **field, PetscInt nf,
                             const SpeciesInfo *sp, PetscInt nspec, PetscInt *col,
                             PetscInt *spec_of)
{
  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < COL_N; c++) col[c] = -1;
  for (PetscInt f = 0; f < nf; f++) {
    size_t len = strlen(field[f]);
    spec_of[f] = -1;
    for (PetscInt c = 0; c < COL_N; c++)
      if (!strcasecmp(field[f], col_names[c])) col[c] = f;
    if (len > 5 && !strcasecmp(field[f] + len - 5, "_t_yr")) {
      char name[64];
      PetscCall(PetscStrncpy(name, field[f], PetscMin(sizeof(name), len - 4)));
      spec_of[f] = species_find(sp, nspec, name);
      PetscCheck(spec_of[f] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s:%" PetscInt_FMT ": column '%s' names an unknown species '%s'", path, line,
                 field[f], name);
    }
  }
  for (PetscInt c = 0; c < COL_N; c++)
    PetscCheck(col[c] >= 0 || c == COL_UNIT || c == COL_NAME, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED, "%s:%" PetscInt_FMT ": the header has no column '%s'",
               path, line, col_names[c]);
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

static PetscErrorCode parse_row(const char *path, PetscInt line, char **field, PetscInt nf,
                                const PetscInt *col, const PetscInt *spec_of, PetscInt nspec,
                                PointSources *ps)
{
  PetscInt p = ps->n;
  static const PetscReal lo[POINT_NUM] = {-180, -90, 0, 0, 0, 0},
                         hi[POINT_NUM] = {360, 90, 1000, 100, 200, 2000};
  static const PetscInt which[POINT_NUM] = {COL_LON,      COL_LAT,      COL_HEIGHT,
                                            COL_DIAMETER, COL_VELOCITY, COL_TEMPERATURE};

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < COL_N; c++)
    PetscCheck(col[c] < nf, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": the line has %" PetscInt_FMT " fields; column %s is missing",
               path, line, nf, col_names[c]);
  PetscCall(PetscStrncpy(ps->id[p], field[col[COL_ID]], sizeof(ps->id[p])));
  PetscCheck(ps->id[p][0], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": column id is empty", path, line);
  PetscCall(PetscStrncpy(ps->name[p], col[COL_NAME] >= 0 ? field[col[COL_NAME]] : "",
                         sizeof(ps->name[p])));
  PetscCall(PetscStrncpy(ps->unit[p], col[COL_UNIT] >= 0 ? field[col[COL_UNIT]] : "",
                         sizeof(ps->unit[p])));
  for (PetscInt k = 0; k < POINT_NUM; k++)
    PetscCall(number(path, line, col_names[which[k]], field[col[which[k]]], lo[k], hi[k],
                     &ps->value[p * POINT_NUM + k]));
  ps->sector[p] = profiles_sector(field[col[COL_SECTOR]]);
  PetscCheck(
      ps->sector[p] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
      "%s:%" PetscInt_FMT
      ": sector '%s' is unknown; expected power, industry, residential, transport or agriculture",
      path, line, field[col[COL_SECTOR]]);
  for (PetscInt s = 0; s < nspec; s++) ps->rate[p * nspec + s] = 0;
  for (PetscInt f = 0; f < nf; f++)
    if (spec_of[f] >= 0) {
      char what[80];
      PetscCall(PetscSNPrintf(what, sizeof(what), "%s (t/yr)", ps->id[p]));
      PetscCall(number(path, line, what, field[f], 0, 1e9, &ps->rate[p * nspec + spec_of[f]]));
    }
  ps->line[p] = line;
  ps->n++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode point_sources_read(const char *path, const SpeciesInfo *sp, PetscInt nspec,
                                  PointSources **out)
{
  FILE *fp;
  char buf[MAX_LINE], *field[MAX_COLUMNS];
  PetscInt col[COL_N], spec_of[MAX_COLUMNS], line = 0, cap = 0;
  PetscBool have_header = PETSC_FALSE;
  PointSources *ps;

  PetscFunctionBeginUser;
  fp = fopen(path, "r");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open point-source file %s", path);
  PetscCall(PetscNew(&ps));
  ps->nspec = nspec;
  while (fgets(buf, sizeof(buf), fp)) {
    PetscInt nf;
    line++;
    PetscCheck(strchr(buf, '\n') || feof(fp), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": line longer than %d characters", path, line, MAX_LINE - 1);
    if (buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == '\0') continue;
    nf = split(buf, field);
    if (!have_header) {
      PetscCall(header(path, line, field, nf, sp, nspec, col, spec_of));
      have_header = PETSC_TRUE;
      continue;
    }
    if (ps->n == cap) {
      cap = cap ? 2 * cap : 64;
      PetscCall(grow(ps, cap, nspec));
    }
    PetscCall(parse_row(path, line, field, nf, col, spec_of, nspec, ps));
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
