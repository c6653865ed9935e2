#pragma once
/* Parameter tables: how a module declares its namelist keys once (key, type, default, range,
   units, help, field offset), for base/namelist.c to read, range-check, list in -help and
   document (STYLE.md rule 30). Used by every layer; includes nothing of ours. */
#include <stddef.h>
#include <petscsys.h>

/* Parameter types. Physics processes use the first four; the model's own groups (run, met,
   output, ...) also use strings and arrays. */
typedef enum {
  PARAM_REAL,        /* field: PetscReal */
  PARAM_INT,         /* field: PetscInt */
  PARAM_BOOL,        /* field: PetscBool */
  PARAM_ENUM,        /* field: PetscInt, index into choices */
  PARAM_STRING,      /* field: char[PARAM_STRING_LEN]; default in sdef */
  PARAM_REAL_ARRAY,  /* field: PetscReal[PARAM_ARRAY_MAX]; count at count_offset */
  PARAM_INT_ARRAY,   /* field: PetscInt[PARAM_ARRAY_MAX]; count at count_offset */
  PARAM_STRING_ARRAY /* field: char[PARAM_ARRAY_MAX][PARAM_STRING_LEN]; count at count_offset */
} ParamType;

#define PARAM_STRING_LEN 256 /* longest string value, including the terminating NUL */
#define PARAM_ARRAY_MAX 256  /* most elements in an array value */

/* One namelist parameter; its key is prefixed by the group (process) name when read.
   Ranges are inclusive, apply to every element of an array, and are ignored for PARAM_BOOL,
   PARAM_ENUM and strings. Arrays default to empty unless def_count > 0 (then every element
   defaults to def). A lower bound of a pair (kz_min of kz_min, kz_max) names its upper bound in
   at_most: once the group is read, its value must not exceed that key's (element by element for
   arrays, over the elements both have), or the read fails naming both keys and values. */
typedef struct {
  const char *key, *units, *help;
  ParamType type;
  PetscReal def, min, max;
  size_t offset;              /* offsetof() into the parameter struct */
  const char *const *choices; /* PARAM_ENUM only, NULL-terminated */
  const char *sdef;           /* PARAM_STRING default ("" if NULL) */
  size_t count_offset;        /* arrays: offsetof() of the PetscInt element count */
  PetscInt def_count;         /* arrays: number of default elements */
  const char *at_most;        /* numbers: key of the same group, of the same type, whose value
                                 this one may not exceed; NULL for none */
} ParamSpec;

/* A namelist group as data: each module that has namelist keys exports one (a physics process
   and a met source inside its ops), and the program's list of them serves the reading, -help,
   the generated reference and the unknown-group check. */
typedef struct {
  const char *name;        /* group name: key k is read as -<name>_<k>, written &<name> */
  const char *title;       /* one line, for -help and the reference */
  const ParamSpec *params; /* terminated by an entry with key == NULL */
  size_t params_size;      /* sizeof the struct the offsets of params point into */
} ParamGroup;
