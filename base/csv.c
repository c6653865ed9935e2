/* Comma-separated tables, split in place in one buffer holding the file's text. */
#include "base/csv.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static PetscErrorCode slurp(const char *path, char **buf)
{
  FILE *fp = fopen(path, "rb");
  long n;
  size_t len;

  PetscFunctionBeginUser;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot open the table", path);
  if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) n = -1;
  len = n < 0 ? 1 : (size_t)n + 1;
  PetscCall(PetscMalloc1(len, buf));
  if (n >= 0 && fread(*buf, 1, (size_t)n, fp) != (size_t)n) n = -1;
  (void)fclose(fp);
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read the table", path);
  (*buf)[len - 1] = 0;
  PetscCheck(strlen(*buf) == len - 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: byte %zu is NUL: a table is a text file", path, strlen(*buf));
  /* Old Mac line ends: a carriage return not followed by a line feed ends a line too (a file
     with CR-only line ends read as a header alone before). */
  for (char *c = *buf; *c; c++)
    if (*c == '\r' && c[1] != '\n') *c = '\n';
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Split line s in place at commas, storing at most max field pointers; returns the count. */
static PetscInt split(char *s, char **out, PetscInt max)
{
  PetscInt n = 0;
  for (;;) {
    char *comma = strchr(s, ',');
    if (n < max) out[n] = s;
    n++;
    if (!comma) break;
    *comma = 0;
    s = comma + 1;
  }
  return n;
}

/* The next line of text starting at *s, NUL-terminated in place without its line end, or NULL at
   the end of the text; *lineno counts lines. */
static char *next_line(char **s, PetscInt *lineno)
{
  char *line = *s, *nl, *cr;
  if (!line || !*line) return NULL;
  nl = strchr(line, '\n');
  if (nl) *nl = 0;
  if ((cr = strchr(line, '\r'))) *cr = 0;
  *s = nl ? nl + 1 : NULL;
  (*lineno)++;
  return line;
}

PetscErrorCode csv_read(const char *path, CsvTable **out)
{
  CsvTable *t;
  PetscInt nline = 1, lineno = 0;
  char *s, *line;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&t));
  PetscCall(PetscStrallocpy(path, &t->path));
  PetscCall(slurp(path, &t->buf));
  for (char *c = t->buf; *c; c++) nline += *c == '\n';
  s = t->buf;
  while ((line = next_line(&s, &lineno)) && (!*line || *line == '#')) continue;
  PetscCheck(line, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no header line", path);
  t->ncol = 1;
  for (const char *c = line; *c; c++) t->ncol += *c == ',';
  PetscCall(PetscMalloc1(t->ncol, &t->header));
  (void)split(line, t->header, t->ncol);
  PetscCall(PetscMalloc1(nline * t->ncol, &t->field));
  PetscCall(PetscMalloc1(nline, &t->line));
  while ((line = next_line(&s, &lineno))) {
    PetscInt n;
    if (!*line || *line == '#') continue;
    n = split(line, t->field + t->nrow * t->ncol, t->ncol);
    PetscCheck(n == t->ncol, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": %" PetscInt_FMT " fields, expected %" PetscInt_FMT
               " as in the header",
               path, lineno, n, t->ncol);
    t->line[t->nrow++] = lineno;
  }
  *out = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode csv_destroy(CsvTable **t)
{
  PetscFunctionBeginUser;
  if (!*t) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*t)->header));
  PetscCall(PetscFree((*t)->field));
  PetscCall(PetscFree((*t)->line));
  PetscCall(PetscFree((*t)->buf));
  PetscCall(PetscFree((*t)->path));
  PetscCall(PetscFree(*t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode csv_column(const CsvTable *t, const char *name, PetscInt *col)
{
  PetscFunctionBeginUser;
  for (*col = 0; *col < t->ncol; (*col)++)
    if (!strcmp(t->header[*col], name)) PetscFunctionReturn(PETSC_SUCCESS);
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no column \"%s\" in the header", t->path,
          name);
}

PetscErrorCode csv_real(const CsvTable *t, PetscInt row, PetscInt col, PetscReal *v)
{
  const char *s = csv_text(t, row, col);
  char *end;

  PetscFunctionBeginUser;
  *v = strtod(s, &end);
  PetscCheck(end != s && !*end && PetscIsNormalReal(*v) + (*v == 0) > 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": column %s holds \"%s\", expected a finite number", t->path,
             t->line[row], t->header[col], s);
  PetscFunctionReturn(PETSC_SUCCESS);
}
