#pragma once
/* Small comma-separated tables: a header line of column names, then rows of as many fields.
   No quoting (the project's tables have no commas inside fields); blank lines and lines starting
   with '#' are skipped; a trailing carriage return is dropped. */
#include <petscsys.h>

typedef struct {
  char *path; /* owned */
  PetscInt nrow, ncol;
  char **header;  /* ncol names, pointing into buf */
  char **field;   /* field[row * ncol + col], pointing into buf */
  PetscInt *line; /* line of the file of each row, for messages; owned */
  char *buf;      /* the file's text, split in place; owned */
} CsvTable;

/* Read the table at path. Fails naming the file and line if a row has another number of fields
   than the header. Not collective. */
PetscErrorCode csv_read(const char *path, CsvTable **t);

/* Free the table and set the handle to NULL; no-op on NULL. */
PetscErrorCode csv_destroy(CsvTable **t);

/* Index of the column called name; fails naming the file and the column if there is none. */
PetscErrorCode csv_column(const CsvTable *t, const char *name, PetscInt *col);

/* Field (row, col) as a number; fails naming the file, line and column if it is not one. */
PetscErrorCode csv_real(const CsvTable *t, PetscInt row, PetscInt col, PetscReal *v);

/* Field (row, col) as text. Not collective. */
static inline const char *csv_text(const CsvTable *t, PetscInt row, PetscInt col)
{
  return t->field[row * t->ncol + col];
}
