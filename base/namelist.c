/* Fortran namelists into the PETSc options database, and parameter tables out of it.

   Parsing. A file holds groups "&name key = value, ... /" (or "... &end"); text outside groups
   is ignored, as Fortran does. Values: quoted strings ('..' or "..", a doubled quote stands for
   one), logicals (.true. .false. T F .t. .f.), integers, reals with e or d exponents, separated
   by commas or blanks and possibly spread over lines; "n*value" repeats a value; "key(i) = a, b"
   sets elements i, i+1, ...; "!" starts a comment outside strings. Names are case-insensitive.

   Loading. Each key becomes the option -group_key whose value is the comma-joined list (strings
   that contain a comma or a quote are kept quoted). An option the command line set before any
   namelist was loaded is left alone; a later file overrides an earlier one. The file and line of
   every key are kept for messages.

   Reading. namelist_read() parses each table key's value itself, so that a wrong type or range
   reports file:line (or "command line"), the key, the value and what was expected, and then
   queries it once more through PetscOptionsBegin/PetscOptions* so that -help lists every key
   and PETSc counts it as used. All ranks parse the same text and reach the same decisions. */
#include "base/namelist.h"
#include "base/version.h"
#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_LEN 128
#define VALUE_LEN NAMELIST_VALUE_LEN
/* The largest namelist file read: far above any real one, and a guard against reading a device
   or a data file given by mistake into memory. */
#define NAMELIST_MAX_BYTES (16 * 1024 * 1024)

typedef struct {
  char group[NAME_LEN]; /* "group" */
  char name[NAME_LEN];  /* "group_key" */
  char value[VALUE_LEN];
  char file[PETSC_MAX_PATH_LEN];
  PetscInt line;
  PetscInt load;      /* which namelist_load set it */
  PetscBool cmdline;  /* the command line set the option before any file: it wins */
  PetscBool inserted; /* the origin above has been decided */
} Record;

typedef struct {
  char group[NAME_LEN]; /* "group" */
  char key[NAME_LEN];   /* "group_key" */
  char value[VALUE_LEN];
  PetscBool is_default;
} Entry;

/* Module state: the keys loaded from files, the groups and keys known (read, or in the list
   namelist_check_unused was given), the groups read, the effective configuration. Freed by
   namelist_reset(). */
static Record *records;
static PetscInt nrecords, caprecords, nloads;
static char (*known_groups)[NAME_LEN];
static PetscInt ngroups, capgroups;
static char (*read_groups)[NAME_LEN];
static PetscInt nread, capread;
static char (*known_keys)[NAME_LEN];
static PetscInt nkeys, capkeys;
static Entry *entries;
static PetscInt nentries, capentries;

#define GROW(arr, n, cap)                                                                          \
  do {                                                                                             \
    if ((n) == (cap)) {                                                                            \
      (cap) = (cap) ? 2 * (cap) : 64;                                                              \
      PetscCall(PetscRealloc(sizeof(*(arr)) * (size_t)(cap), &(arr)));                             \
    }                                                                                              \
  } while (0)

static void lower(char *s)
{
  for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

static Record *find_record(const char *name)
{
  for (PetscInt r = 0; r < nrecords; r++)
    if (!strcmp(records[r].name, name)) return &records[r];
  return NULL;
}

/* The scanner over one file's text. */
typedef struct {
  const char *path, *s;
  PetscInt line;
} Scanner;

static void skip_blank(Scanner *sc)
{
  for (;;) {
    if (*sc->s == '\n') sc->line++;
    if (*sc->s == ' ' || *sc->s == '\t' || *sc->s == '\r' || *sc->s == '\n' || *sc->s == ',')
      sc->s++;
    else if (*sc->s == '!')
      while (*sc->s && *sc->s != '\n') sc->s++;
    else
      break;
  }
}

static PetscBool is_name_char(char c)
{
  return isalnum((unsigned char)c) || c == '_';
}

/* Read a name (letters, digits, underscores) into buf, lower-cased. */
static PetscErrorCode scan_name(Scanner *sc, char *buf, const char *what)
{
  size_t n = 0;

  PetscFunctionBeginUser;
  PetscCheck(isalpha((unsigned char)*sc->s), PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%" PetscInt_FMT ": expected %s, found '%.20s'", sc->path, sc->line, what, sc->s);
  while (is_name_char(*sc->s)) {
    PetscCheck(n < NAME_LEN - 1, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%" PetscInt_FMT ": name too long", sc->path, sc->line);
    buf[n++] = *sc->s++;
  }
  buf[n] = '\0';
  lower(buf);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Does the text at p start a new "key =" or "key(...) =" (so the value list has ended)? */
static PetscBool starts_key(const char *p)
{
  if (!isalpha((unsigned char)*p)) return PETSC_FALSE;
  while (is_name_char(*p)) p++;
  while (*p == ' ' || *p == '\t') p++;
  if (*p == '(') {
    while (*p && *p != ')' && *p != '\n') p++;
    if (*p != ')') return PETSC_FALSE;
    p++;
    while (*p == ' ' || *p == '\t') p++;
  }
  return *p == '=' ? PETSC_TRUE : PETSC_FALSE;
}

/* Append one value token to out (comma-separated), normalised. */
static PetscErrorCode append(Scanner *sc, char *out, const char *tok)
{
  size_t lo = strlen(out), lt = strlen(tok);

  PetscFunctionBeginUser;
  PetscCheck(lo + lt + 2 < VALUE_LEN, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%" PetscInt_FMT ": value list longer than %d characters", sc->path, sc->line,
             VALUE_LEN);
  if (lo) out[lo++] = ',';
  memcpy(out + lo, tok, lt + 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Scan one value (string, logical or number) into tok. */
static PetscErrorCode scan_value(Scanner *sc, char *tok, size_t len)
{
  size_t n = 0;

  PetscFunctionBeginUser;
  if (*sc->s == '\'' || *sc->s == '"') {
    char q = *sc->s++, body[VALUE_LEN];
    size_t b = 0;
    PetscBool needs_quotes = PETSC_FALSE;
    for (;;) {
      PetscCheck(*sc->s && *sc->s != '\n', PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT ": string not closed (expected %c before the end of the line)",
                 sc->path, sc->line, q);
      if (*sc->s == q && sc->s[1] == q)
        sc->s++;
      else if (*sc->s == q)
        break;
      if (*sc->s == ',' || *sc->s == '"') needs_quotes = PETSC_TRUE;
      PetscCheck(b < sizeof(body) - 2, PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT ": string too long", sc->path, sc->line);
      body[b++] = *sc->s++;
    }
    sc->s++;
    body[b] = '\0';
    if (b == 0) needs_quotes = PETSC_TRUE; /* an empty string stays a value */
    if (needs_quotes) {
      /* Keep it quoted with doubled double quotes, so the comma join stays reversible. */
      tok[n++] = '"';
      for (size_t k = 0; body[k] && n < len - 3; k++) {
        if (body[k] == '"') tok[n++] = '"';
        tok[n++] = body[k];
      }
      tok[n++] = '"';
      tok[n] = '\0';
    } else
      PetscCall(PetscStrncpy(tok, body, len));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  while (*sc->s && !strchr(" \t\r\n,/!", *sc->s) && n < len - 1) tok[n++] = *sc->s++;
  tok[n] = '\0';
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%" PetscInt_FMT ": expected a value, found '%.20s'", sc->path, sc->line, sc->s);
  {
    char low[64];
    PetscCall(PetscStrncpy(low, tok, sizeof(low)));
    lower(low);
    if (!strcmp(low, ".true.") || !strcmp(low, ".t.") || !strcmp(low, "t"))
      PetscCall(PetscStrncpy(tok, "true", len));
    else if (!strcmp(low, ".false.") || !strcmp(low, ".f.") || !strcmp(low, "f"))
      PetscCall(PetscStrncpy(tok, "false", len));
    else {
      char *end;
      for (char *c = tok; *c; c++)
        if (*c == 'd' || *c == 'D') *c = 'e';
      (void)strtod(tok, &end);
      PetscCheck(*end == '\0', PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT
                 ": '%s' is not a value: expected a number, a logical or a quoted string",
                 sc->path, sc->line, tok);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Skip blanks, line ends and comments like skip_blank, and count the commas skipped. */
static PetscInt skip_separators(Scanner *sc)
{
  PetscInt commas = 0;
  for (;;) {
    if (*sc->s == ',') commas++;
    if (*sc->s == '\n') sc->line++;
    if (*sc->s == ' ' || *sc->s == '\t' || *sc->s == '\r' || *sc->s == '\n' || *sc->s == ',')
      sc->s++;
    else if (*sc->s == '!')
      while (*sc->s && *sc->s != '\n') sc->s++;
    else
      return commas;
  }
}

/* Scan the values after "key =" up to the next key or the end of the group into out. */
static PetscErrorCode scan_values(Scanner *sc, char *out)
{
  char tok[VALUE_LEN];

  PetscFunctionBeginUser;
  out[0] = '\0';
  for (PetscBool first = PETSC_TRUE;; first = PETSC_FALSE) {
    long repeat = 1;
    PetscInt commas = skip_separators(sc);
    if (!*sc->s || *sc->s == '/' || (*sc->s == '&') || starts_key(sc->s)) break;
    /* Fortran reads "a,, b" (or "= , b") as a null value that leaves its element unchanged;
       the options database has no such element, so say so rather than shift the list. */
    PetscCheck(commas < (first ? 1 : 2), PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%" PetscInt_FMT ": a null value (two commas in a row, or a comma first): give "
               "every element of the list",
               sc->path, sc->line);
    if (isdigit((unsigned char)*sc->s)) { /* a repeat count "n*value"? */
      const char *p = sc->s;
      char *end;
      long r = strtol(p, &end, 10);
      if (*end == '*') {
        PetscCheck(r > 0 && r <= PARAM_ARRAY_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
                   "%s:%" PetscInt_FMT ": repeat count %ld out of range 1..%d", sc->path, sc->line,
                   r, PARAM_ARRAY_MAX);
        repeat = r;
        sc->s = end + 1;
      }
    }
    PetscCall(scan_value(sc, tok, sizeof(tok)));
    for (long k = 0; k < repeat; k++) PetscCall(append(sc, out, tok));
  }
  PetscCheck(out[0], PETSC_COMM_SELF, PETSC_ERR_USER, "%s:%" PetscInt_FMT ": a key has no value",
             sc->path, sc->line);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Split a comma-joined value into at most max elements (quotes respected) in buf. */
static PetscInt split_value(const char *value, char (*elem)[VALUE_LEN], PetscInt max)
{
  PetscInt n = 0;
  const char *p = value;
  if (!*p) return 0;
  while (n < max) {
    size_t k = 0;
    while (*p == ' ') p++;
    if (*p == '"') {
      p++;
      while (*p && !(*p == '"' && p[1] != '"')) {
        if (*p == '"') p++;
        elem[n][k++] = *p++;
      }
      if (*p == '"') p++;
      while (*p && *p != ',') p++;
    } else
      while (*p && *p != ',') elem[n][k++] = *p++;
    while (k > 0 && elem[n][k - 1] == ' ') k--;
    elem[n++][k] = '\0';
    if (*p != ',') break;
    p++;
  }
  return *p ? max + 1 : n;
}

/* Merge "key(i) = values" into the record's existing list. */
static PetscErrorCode merge_elements(Scanner *sc, Record *r, PetscInt first, const char *values)
{
  static char old[PARAM_ARRAY_MAX + 1][VALUE_LEN], add[PARAM_ARRAY_MAX + 1][VALUE_LEN];
  PetscInt nold = split_value(r->value, old, PARAM_ARRAY_MAX),
           nadd = split_value(values, add, PARAM_ARRAY_MAX);

  PetscFunctionBeginUser;
  PetscCheck(first >= 1 && first - 1 + nadd <= PARAM_ARRAY_MAX, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%" PetscInt_FMT ": element %" PetscInt_FMT " of %s is outside 1..%d", sc->path,
             sc->line, first, r->name, PARAM_ARRAY_MAX);
  PetscCheck(first <= nold + 1, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s:%" PetscInt_FMT ": %s(%" PetscInt_FMT ") leaves elements %" PetscInt_FMT
             " to %" PetscInt_FMT " unset",
             sc->path, sc->line, r->name, first, nold + 1, first - 1);
  for (PetscInt k = 0; k < nadd; k++)
    PetscCall(PetscStrncpy(old[first - 1 + k], add[k], VALUE_LEN));
  nold = PetscMax(nold, first - 1 + nadd);
  r->value[0] = '\0';
  for (PetscInt k = 0; k < nold; k++) {
    char tok[VALUE_LEN];
    if (strchr(old[k], ',') || strchr(old[k], '"')) {
      size_t n = 0;
      tok[n++] = '"';
      for (const char *c = old[k]; *c && n < VALUE_LEN - 3; c++) {
        if (*c == '"') tok[n++] = '"';
        tok[n++] = *c;
      }
      tok[n++] = '"';
      tok[n] = '\0';
    } else
      PetscCall(PetscStrncpy(tok, old[k], sizeof(tok)));
    PetscCall(append(sc, r->value, tok));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Record one key of a group; repeated keys inside one file are errors. */
static PetscErrorCode add_record(Scanner *sc, PetscInt line, const char *group, const char *key,
                                 PetscInt element, const char *values)
{
  char name[NAME_LEN];
  Record *r;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s_%s", group, key));
  r = find_record(name);
  if (r && r->load == nloads && element == 0)
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER,
            "%s:%" PetscInt_FMT ": key %s of group &%s repeats line %" PetscInt_FMT, sc->path, line,
            key, group, r->line);
  if (!r) {
    GROW(records, nrecords, caprecords);
    r = &records[nrecords++];
    PetscCall(PetscMemzero(r, sizeof(*r)));
    PetscCall(PetscStrncpy(r->name, name, sizeof(r->name)));
    PetscCall(PetscStrncpy(r->group, group, sizeof(r->group)));
  }
  if (r->load != nloads) r->value[0] = '\0';
  r->load = nloads;
  PetscCall(PetscStrncpy(r->file, sc->path, sizeof(r->file)));
  r->line = line;
  if (element)
    PetscCall(merge_elements(sc, r, element, values));
  else
    PetscCall(PetscStrncpy(r->value, values, sizeof(r->value)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Parse one group body after "&name". */
static PetscErrorCode parse_group(Scanner *sc, const char *group)
{
  static char values[VALUE_LEN];
  char key[NAME_LEN];

  PetscFunctionBeginUser;
  for (;;) {
    PetscInt element = 0;
    skip_blank(sc);
    PetscCheck(*sc->s, PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%" PetscInt_FMT ": group &%s is not closed by '/'", sc->path, sc->line, group);
    if (*sc->s == '/') {
      sc->s++;
      break;
    }
    if (*sc->s == '&') {
      char end[NAME_LEN];
      sc->s++;
      PetscCall(scan_name(sc, end, "'end'"));
      PetscCheck(!strcmp(end, "end"), PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT ": group &%s is not closed by '/' before &%s", sc->path,
                 sc->line, group, end);
      break;
    }
    PetscCall(scan_name(sc, key, "a key name"));
    while (*sc->s == ' ' || *sc->s == '\t') sc->s++;
    if (*sc->s == '(') {
      char *end;
      element = (PetscInt)strtol(sc->s + 1, &end, 10);
      PetscCheck(*end == ')', PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT ": expected key(index) for %s", sc->path, sc->line, key);
      PetscCheck(element >= 1, PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT ": %s(%" PetscInt_FMT "): elements are numbered from 1",
                 sc->path, sc->line, key, element);
      sc->s = end + 1;
      while (*sc->s == ' ' || *sc->s == '\t') sc->s++;
    }
    PetscCheck(*sc->s == '=', PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s:%" PetscInt_FMT ": expected '=' after key %s, found '%.10s'", sc->path, sc->line,
               key, sc->s);
    sc->s++;
    {
      PetscInt line = sc->line;
      PetscCall(scan_values(sc, values));
      PetscCall(add_record(sc, line, group, key, element, values));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Parse the groups of a file's text into records; seen collects the group names. */
static PetscErrorCode parse_groups(Scanner *sc, char (**seen)[NAME_LEN], PetscInt *nseen,
                                   PetscInt *capseen)
{
  PetscFunctionBeginUser;
  while (*sc->s) {
    char group[NAME_LEN];
    if (*sc->s != '&') {
      /* Fortran ignores text outside groups, but a key = value there is a group that lost its
         '&' (or its name): refuse it rather than drop the group's keys silently. */
      PetscCheck(*sc->s != '=', PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT ": a 'key = value' outside any group (a group starts with "
                 "&name and ends with /; did one lose its '&'?)",
                 sc->path, sc->line);
      if (*sc->s == '\n') sc->line++;
      if (*sc->s == '!')
        while (*sc->s && *sc->s != '\n') sc->s++;
      else
        sc->s++;
      continue;
    }
    sc->s++;
    PetscCall(scan_name(sc, group, "a group name after '&'"));
    for (PetscInt g = 0; g < *nseen; g++)
      PetscCheck(strcmp((*seen)[g], group), PETSC_COMM_SELF, PETSC_ERR_USER,
                 "%s:%" PetscInt_FMT ": group &%s appears twice in this file", sc->path, sc->line,
                 group);
    GROW(*seen, *nseen, *capseen);
    PetscCall(PetscStrncpy((*seen)[(*nseen)++], group, NAME_LEN));
    PetscCall(parse_group(sc, group));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Parse a whole file's text into records (freeing what it allocated on errors too, so that a
   caller that recovers from a bad file leaks nothing). */
static PetscErrorCode parse_text(const char *path, const char *text)
{
  Scanner sc = {path, text, 1};
  char(*seen)[NAME_LEN] = NULL;
  PetscInt nseen = 0, capseen = 0;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  ierr = parse_groups(&sc, &seen, &nseen, &capseen);
  PetscCall(PetscFree(seen));
  PetscCall(ierr);
  PetscCheck(nseen > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s holds no namelist group (&name key = value ... /): an empty or wrong file", path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_load(MPI_Comm comm, const char *path)
{
  PetscMPIInt rank;
  long len = 0;
  int errno_open = 0;
  char *text;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    struct stat st;
    FILE *fp;
    /* len: the size, or -1 (cannot open, errno_open saved), -2 (a directory), -3 (too large). */
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      len = -2;
    else if ((fp = fopen(path, "rb"))) {
      fseek(fp, 0, SEEK_END);
      len = ftell(fp);
      fclose(fp);
      if (len > NAMELIST_MAX_BYTES) len = -3;
    } else {
      len = -1;
      errno_open = errno;
    }
  }
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_LONG, 0, comm));
  PetscCallMPI(MPI_Bcast(&errno_open, 1, MPI_INT, 0, comm));
  PetscCheck(len != -1, comm, PETSC_ERR_FILE_OPEN, "namelist file %s cannot be opened: %s", path,
             strerror(errno_open));
  PetscCheck(len != -2, comm, PETSC_ERR_FILE_OPEN,
             "namelist file %s is a directory (expected a file, e.g. %s/case.nml)", path, path);
  PetscCheck(len != -3, comm, PETSC_ERR_FILE_UNEXPECTED,
             "namelist file %s is larger than %d bytes: not a namelist", path, NAMELIST_MAX_BYTES);
  PetscCall(PetscCalloc1(len + 1, &text));
  if (rank == 0 && len > 0) {
    FILE *fp = fopen(path, "rb");
    size_t got = fp ? fread(text, 1, (size_t)len, fp) : 0;
    if (fp) fclose(fp);
    PetscCheck((long)got == len, PETSC_COMM_SELF, PETSC_ERR_FILE_READ,
               "cannot read namelist file %s", path);
  }
  PetscCallMPI(MPI_Bcast(text, (PetscMPIInt)len, MPI_CHAR, 0, comm));
  {
    const char *nul = memchr(text, 0, (size_t)len);
    PetscCheck(!nul, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: byte %ld is NUL: a namelist is a text file", path,
               nul ? (long)(nul - text) : 0L);
  }
  /* Old Mac line ends: a carriage return not followed by a line feed ends a line too. */
  for (long k = 0; k < len; k++)
    if (text[k] == '\r' && text[k + 1] != '\n') text[k] = '\n';
  nloads++;
  {
    PetscErrorCode ierr = parse_text(path, text);
    PetscCall(PetscFree(text));
    PetscCall(ierr);
  }
  for (PetscInt r = 0; r < nrecords; r++) {
    char opt[NAME_LEN + 1];
    PetscBool set;
    if (records[r].load != nloads) continue;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", records[r].name));
    if (!records[r].inserted) {
      PetscCall(PetscOptionsHasName(NULL, NULL, opt, &set));
      records[r].cmdline = set;
      records[r].inserted = PETSC_TRUE;
    }
    if (!records[r].cmdline) PetscCall(PetscOptionsSetValue(NULL, opt, records[r].value));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Where a value came from, for messages: "file:line: group_key = value" or "command line:
 * -group_key value". */
static void origin(const char *name, const char *value, char *buf, size_t len)
{
  const Record *r = find_record(name);
  if (r && !r->cmdline)
    snprintf(buf, len, "%s:%d: %s = %s", r->file, (int)r->line, name, value);
  else
    snprintf(buf, len, "command line: -%s %s", name, value);
}

static PetscErrorCode parse_real(MPI_Comm comm, const ParamSpec *sp, const char *where,
                                 const char *text, PetscReal *v)
{
  char *end;
  double d = strtod(text, &end);

  PetscFunctionBeginUser;
  /* Decimal numbers only: strtod would also take hexadecimal, inf and nan. */
  PetscCheck(text[0] && *end == '\0' && strspn(text, "0123456789+-.eE") == strlen(text), comm,
             PETSC_ERR_USER, "%s: expected a decimal real number (%s)", where, sp->help);
  PetscCheck(d >= sp->min && d <= sp->max, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s: out of range; expected %.8g <= value <= %.8g %s", where, (double)sp->min,
             (double)sp->max, sp->units ? sp->units : "");
  *v = (PetscReal)d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parse_int(MPI_Comm comm, const ParamSpec *sp, const char *where,
                                const char *text, PetscInt *v)
{
  char *end;
  long long d = strtoll(text, &end, 10);

  PetscFunctionBeginUser;
  PetscCheck(text[0] && *end == '\0', comm, PETSC_ERR_USER, "%s: expected an integer (%s)", where,
             sp->help);
  PetscCheck((PetscReal)d >= sp->min && (PetscReal)d <= sp->max, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s: out of range; expected %.8g <= value <= %.8g", where, (double)sp->min,
             (double)sp->max);
  *v = (PetscInt)d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parse_bool(MPI_Comm comm, const char *where, const char *text, PetscBool *v)
{
  PetscFunctionBeginUser;
  /* A namelist's logicals arrive as true or false (the scanner reads .true., .t., T and their
     false forms); on the command line "-key" alone means true. Anything else ('yes', 1) is
     refused rather than guessed. */
  if (!text[0] || !strcasecmp(text, "true"))
    *v = PETSC_TRUE;
  else if (!strcasecmp(text, "false"))
    *v = PETSC_FALSE;
  else
    SETERRQ(comm, PETSC_ERR_USER,
            "%s: expected a logical (.true. or .false.; on the command line "
            "true or false)",
            where);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parse_enum(MPI_Comm comm, const ParamSpec *sp, const char *where,
                                 const char *text, PetscInt *v)
{
  char list[VALUE_LEN] = "";

  PetscFunctionBeginUser;
  for (PetscInt c = 0; sp->choices[c]; c++) {
    if (!strcasecmp(sp->choices[c], text)) {
      *v = c;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    PetscCall(PetscStrlcat(list, c ? ", " : "", sizeof(list)));
    PetscCall(PetscStrlcat(list, sp->choices[c], sizeof(list)));
  }
  SETERRQ(comm, PETSC_ERR_USER, "%s: unknown choice; expected one of %s", where, list);
}

/* Parse text (the option's value) into the field of sp in params. */
static PetscErrorCode parse_field(MPI_Comm comm, const ParamSpec *sp, const char *name,
                                  const char *text, void *params)
{
  static char elem[PARAM_ARRAY_MAX + 1][VALUE_LEN];
  char where[VALUE_LEN + 2 * PETSC_MAX_PATH_LEN];
  char *field = (char *)params + sp->offset;
  PetscInt n;

  PetscFunctionBeginUser;
  origin(name, text, where, sizeof(where));
  switch (sp->type) {
  case PARAM_REAL:
    PetscCall(parse_real(comm, sp, where, text, (PetscReal *)field));
    break;
  case PARAM_INT:
    PetscCall(parse_int(comm, sp, where, text, (PetscInt *)field));
    break;
  case PARAM_BOOL:
    PetscCall(parse_bool(comm, where, text, (PetscBool *)field));
    break;
  case PARAM_ENUM:
    PetscCall(parse_enum(comm, sp, where, text, (PetscInt *)field));
    break;
  case PARAM_STRING:
    n = split_value(text, elem, 1);
    PetscCheck(n <= 1, comm, PETSC_ERR_USER, "%s: expected one string, not a list", where);
    PetscCheck(strlen(n ? elem[0] : "") < PARAM_STRING_LEN, comm, PETSC_ERR_USER,
               "%s: longer than %d characters", where, PARAM_STRING_LEN - 1);
    PetscCall(PetscStrncpy(field, n ? elem[0] : "", PARAM_STRING_LEN));
    break;
  case PARAM_REAL_ARRAY:
  case PARAM_INT_ARRAY:
  case PARAM_STRING_ARRAY:
    n = split_value(text, elem, PARAM_ARRAY_MAX);
    PetscCheck(n <= PARAM_ARRAY_MAX, comm, PETSC_ERR_USER, "%s: more than %d elements", where,
               PARAM_ARRAY_MAX);
    for (PetscInt k = 0; k < n; k++) {
      char at[sizeof(where) + 32];
      PetscCall(PetscSNPrintf(at, sizeof(at), "%s (element %d)", where, (int)k + 1));
      if (sp->type == PARAM_REAL_ARRAY) {
        PetscReal v;
        char *e;
        double d = strtod(elem[k], &e);
        PetscCheck(elem[k][0] && *e == '\0', comm, PETSC_ERR_USER, "%s: expected a real number",
                   at);
        PetscCheck(d >= sp->min && d <= sp->max, comm, PETSC_ERR_ARG_OUTOFRANGE,
                   "%s: out of range; expected %.8g <= value <= %.8g %s", at, (double)sp->min,
                   (double)sp->max, sp->units ? sp->units : "");
        v = (PetscReal)d;
        ((PetscReal *)field)[k] = v;
      } else if (sp->type == PARAM_INT_ARRAY)
        PetscCall(parse_int(comm, sp, at, elem[k], &((PetscInt *)field)[k]));
      else {
        PetscCheck(strlen(elem[k]) < PARAM_STRING_LEN, comm, PETSC_ERR_USER,
                   "%s: longer than %d characters", at, PARAM_STRING_LEN - 1);
        PetscCall(PetscStrncpy(((char(*)[PARAM_STRING_LEN])field)[k], elem[k], PARAM_STRING_LEN));
      }
    }
    *(PetscInt *)((char *)params + sp->count_offset) = n;
    break;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Set the default of sp into params. */
static void set_default(const ParamSpec *sp, void *params)
{
  char *field = (char *)params + sp->offset;
  switch (sp->type) {
  case PARAM_REAL:
    *(PetscReal *)field = sp->def;
    break;
  case PARAM_INT:
  case PARAM_ENUM:
    *(PetscInt *)field = (PetscInt)sp->def;
    break;
  case PARAM_BOOL:
    *(PetscBool *)field = sp->def != 0 ? PETSC_TRUE : PETSC_FALSE;
    break;
  case PARAM_STRING:
    snprintf(field, PARAM_STRING_LEN, "%s", sp->sdef ? sp->sdef : "");
    break;
  case PARAM_REAL_ARRAY:
  case PARAM_INT_ARRAY:
  case PARAM_STRING_ARRAY:
    for (PetscInt k = 0; k < sp->def_count; k++) {
      if (sp->type == PARAM_REAL_ARRAY)
        ((PetscReal *)field)[k] = sp->def;
      else if (sp->type == PARAM_INT_ARRAY)
        ((PetscInt *)field)[k] = (PetscInt)sp->def;
      else
        snprintf(((char(*)[PARAM_STRING_LEN])field)[k], PARAM_STRING_LEN, "%s",
                 sp->sdef ? sp->sdef : "");
    }
    *(PetscInt *)((char *)params + sp->count_offset) = sp->def_count;
    break;
  }
}

void namelist_real_text(double v, char *buf, size_t len)
{
  for (int digits = 6; digits <= 17; digits++) {
    snprintf(buf, len, "%.*g", digits, v);
    if (strtod(buf, NULL) == v) return;
  }
}

/* Append s to buf[0..len) as a quoted namelist string ('it''s': a quote inside is doubled, as
   the reader undoes). Returns PETSC_FALSE if it does not fit. */
static PetscBool append_quoted(char *buf, size_t len, const char *s)
{
  size_t l = strlen(buf);
  if (l + 1 >= len) return PETSC_FALSE;
  buf[l++] = '\'';
  for (; *s; s++) {
    if (l + 3 >= len) return PETSC_FALSE;
    if (*s == '\'') buf[l++] = '\'';
    buf[l++] = *s;
  }
  if (l + 2 > len) return PETSC_FALSE;
  buf[l++] = '\'';
  buf[l] = '\0';
  return PETSC_TRUE;
}

/* The value of sp in params as text, for the effective configuration. Returns PETSC_FALSE if
   it does not fit in buf[0..len) (buf then holds a truncated text). */
static PetscBool format_field(const ParamSpec *sp, const void *params, char *buf, size_t len)
{
  const char *field = (const char *)params + sp->offset;
  PetscInt n;
  buf[0] = '\0';
  switch (sp->type) {
  case PARAM_REAL:
    namelist_real_text((double)*(const PetscReal *)field, buf, len);
    return PETSC_TRUE;
  case PARAM_INT:
    snprintf(buf, len, "%lld", (long long)*(const PetscInt *)field);
    return PETSC_TRUE;
  case PARAM_BOOL:
    snprintf(buf, len, "%s", *(const PetscBool *)field ? ".true." : ".false.");
    return PETSC_TRUE;
  case PARAM_ENUM:
    return append_quoted(buf, len, sp->choices[*(const PetscInt *)field]);
  case PARAM_STRING:
    return append_quoted(buf, len, field);
  default:
    break;
  }
  n = *(const PetscInt *)((const char *)params + sp->count_offset);
  for (PetscInt k = 0; k < n; k++) {
    size_t l = strlen(buf);
    char num[32];
    if (l + 3 >= len) return PETSC_FALSE;
    if (k) snprintf(buf + l, len - l, ", ");
    if (sp->type == PARAM_STRING_ARRAY) {
      if (!append_quoted(buf, len, ((const char(*)[PARAM_STRING_LEN])field)[k])) return PETSC_FALSE;
      continue;
    }
    if (sp->type == PARAM_REAL_ARRAY)
      namelist_real_text((double)((const PetscReal *)field)[k], num, sizeof(num));
    else
      snprintf(num, sizeof(num), "%lld", (long long)((const PetscInt *)field)[k]);
    l = strlen(buf);
    if (l + strlen(num) + 1 > len) return PETSC_FALSE;
    memcpy(buf + l, num, strlen(num) + 1);
  }
  return PETSC_TRUE;
}

static PetscErrorCode remember(const char *group, const char *name, const char *value,
                               PetscBool is_default)
{
  Entry *e = NULL;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < nentries; k++)
    if (!strcmp(entries[k].key, name)) e = &entries[k];
  if (!e) {
    GROW(entries, nentries, capentries);
    e = &entries[nentries++];
  }
  PetscCall(PetscStrncpy(e->group, group, sizeof(e->group)));
  PetscCall(PetscStrncpy(e->key, name, sizeof(e->key)));
  PetscCall(PetscStrncpy(e->value, value, sizeof(e->value)));
  e->is_default = is_default;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode know(char (**list)[NAME_LEN], PetscInt *n, PetscInt *cap, const char *name)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < *n; k++)
    if (!strcmp((*list)[k], name)) PetscFunctionReturn(PETSC_SUCCESS);
  GROW(*list, *n, *cap);
  PetscCall(PetscStrncpy((*list)[(*n)++], name, NAME_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool known(char (*list)[NAME_LEN], PetscInt n, const char *name)
{
  for (PetscInt k = 0; k < n; k++)
    if (!strcmp(list[k], name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

static const char *type_name(ParamType t)
{
  static const char *const names[] = {"real",   "integer",    "logical",       "choice",
                                      "string", "real array", "integer array", "string array"};
  return names[t];
}

/* Query the option once more through PETSc so that -help lists it and PETSc counts it used. */
static PetscErrorCode list_for_help(PetscOptionItems *PetscOptionsObject, const ParamSpec *sp,
                                    const char *name, void *params)
{
  char opt[NAME_LEN + 2], help[1024], sval[VALUE_LEN];
  char *field = (char *)params + sp->offset;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", sp->key));
  if (sp->type == PARAM_REAL || sp->type == PARAM_INT || sp->type == PARAM_REAL_ARRAY ||
      sp->type == PARAM_INT_ARRAY)
    PetscCall(PetscSNPrintf(help, sizeof(help), "%s [%s%s%s, %g to %g%s%s]", sp->help,
                            type_name(sp->type), sp->units && sp->units[0] ? ", " : "",
                            sp->units ? sp->units : "", (double)sp->min, (double)sp->max,
                            sp->at_most ? ", at most " : "", sp->at_most ? sp->at_most : ""));
  else
    PetscCall(PetscSNPrintf(help, sizeof(help), "%s [%s]", sp->help, type_name(sp->type)));
  switch (sp->type) {
  case PARAM_REAL:
    PetscCall(PetscOptionsReal(opt, help, NULL, *(PetscReal *)field, (PetscReal *)field, &set));
    break;
  case PARAM_INT:
    PetscCall(PetscOptionsInt(opt, help, NULL, *(PetscInt *)field, (PetscInt *)field, &set));
    break;
  case PARAM_BOOL:
    PetscCall(PetscOptionsBool(opt, help, NULL, *(PetscBool *)field, (PetscBool *)field, &set));
    break;
  case PARAM_ENUM: {
    PetscInt n = 0, v = *(PetscInt *)field;
    while (sp->choices[n]) n++;
    PetscCall(PetscOptionsEList(opt, help, NULL, sp->choices, n, sp->choices[v], &v, &set));
  } break;
  default:
    (void)format_field(sp, params, sval, sizeof(sval)); /* only shown by -help */
    PetscCall(PetscOptionsString(opt, help, NULL, sval, sval, sizeof(sval), &set));
    break;
  }
  (void)name;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool is_number(ParamType t)
{
  return t == PARAM_REAL || t == PARAM_INT || t == PARAM_REAL_ARRAY || t == PARAM_INT_ARRAY
             ? PETSC_TRUE
             : PETSC_FALSE;
}

/* Elements of the number field of sp in params: 1, or an array's count. */
static PetscInt number_count(const ParamSpec *sp, const void *params)
{
  if (sp->type == PARAM_REAL || sp->type == PARAM_INT) return 1;
  return *(const PetscInt *)((const char *)params + sp->count_offset);
}

/* Element e of the number field of sp in params, and its text with units into text. */
static PetscReal number_at(const ParamSpec *sp, const void *params, PetscInt e, char *text,
                           size_t len)
{
  const char *field = (const char *)params + sp->offset;
  PetscReal v;
  size_t l;
  if (sp->type == PARAM_REAL || sp->type == PARAM_REAL_ARRAY) {
    v = ((const PetscReal *)field)[e];
    namelist_real_text((double)v, text, len);
  } else {
    v = (PetscReal)((const PetscInt *)field)[e];
    snprintf(text, len, "%lld", (long long)((const PetscInt *)field)[e]);
  }
  l = strlen(text);
  if (sp->units && sp->units[0]) snprintf(text + l, len - l, " %s", sp->units);
  return v;
}

void namelist_where(const char *name, char *buf, size_t len)
{
  const Record *r = find_record(name);
  for (PetscInt k = 0; k < nentries; k++)
    if (!strcmp(entries[k].key, name) && entries[k].is_default) {
      snprintf(buf, len, "default");
      return;
    }
  if (r && !r->cmdline)
    snprintf(buf, len, "%s:%d", r->file, (int)r->line);
  else
    snprintf(buf, len, "command line");
}

/* One side of a pair for a message: "group_key(e) = value units (where it was set)". */
static void pair_side(const char *lgroup, const ParamSpec *sp, const void *params, PetscInt e,
                      char *buf, size_t len)
{
  char name[NAME_LEN], value[64], where[PETSC_MAX_PATH_LEN + 16], element[32] = "";
  snprintf(name, sizeof(name), "%s_%s", lgroup, sp->key);
  if (sp->type == PARAM_REAL_ARRAY || sp->type == PARAM_INT_ARRAY)
    snprintf(element, sizeof(element), "(%d)", (int)e + 1);
  (void)number_at(sp, params, e, value, sizeof(value));
  namelist_where(name, where, sizeof(where));
  snprintf(buf, len, "%s%s = %s (%s)", name, element, value, where);
}

/* Every lower bound of a pair (ParamSpec.at_most) must not exceed its upper bound: a Kz range
   whose minimum is above its maximum would otherwise clip every value to the maximum, silently. */
static PetscErrorCode check_pairs(MPI_Comm comm, const ParamGroup *group, const char *lgroup,
                                  const void *params)
{
  PetscFunctionBeginUser;
  for (const ParamSpec *lo = group->params; lo->key; lo++) {
    const ParamSpec *hi = NULL;
    PetscInt n;
    if (!lo->at_most) continue;
    for (const ParamSpec *sp = group->params; sp->key; sp++)
      if (!strcmp(sp->key, lo->at_most)) hi = sp;
    PetscCheck(hi && is_number(lo->type) && hi->type == lo->type, comm, PETSC_ERR_PLIB,
               "group &%s: key %s is declared at most %s, which is not a number key of its type "
               "in the group",
               lgroup, lo->key, lo->at_most);
    n = PetscMin(number_count(lo, params), number_count(hi, params));
    for (PetscInt e = 0; e < n; e++) {
      char a[2 * PETSC_MAX_PATH_LEN], b[2 * PETSC_MAX_PATH_LEN], scratch[64];
      if (number_at(lo, params, e, scratch, sizeof(scratch)) <=
          number_at(hi, params, e, scratch, sizeof(scratch)))
        continue;
      pair_side(lgroup, lo, params, e, a, sizeof(a));
      pair_side(lgroup, hi, params, e, b, sizeof(b));
      SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE, "%s is greater than %s; expected %s <= %s", a, b,
              lo->key, hi->key);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_read(MPI_Comm comm, const ParamGroup *group, void *params)
{
  static char value[VALUE_LEN];
  const ParamSpec *table = group->params;
  char prefix[NAME_LEN], lgroup[NAME_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(lgroup, group->name, sizeof(lgroup)));
  lower(lgroup);
  PetscCall(know(&known_groups, &ngroups, &capgroups, lgroup));
  PetscCall(know(&read_groups, &nread, &capread, lgroup));
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", lgroup));
  for (const ParamSpec *sp = table; sp->key; sp++) {
    char name[NAME_LEN], opt[NAME_LEN + 1];
    PetscBool set;
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_%s", lgroup, sp->key));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", name));
    PetscCall(know(&known_keys, &nkeys, &capkeys, name));
    set_default(sp, params);
    PetscCall(PetscOptionsGetString(NULL, NULL, opt, value, sizeof(value), &set));
    if (set) PetscCall(parse_field(comm, sp, name, value, params));
    PetscCheck(format_field(sp, params, value, sizeof(value)), comm, PETSC_ERR_USER,
               "%s: the value is longer than the %d characters the effective configuration "
               "holds for one key",
               name, VALUE_LEN - 1);
    PetscCall(remember(lgroup, name, value, set ? PETSC_FALSE : PETSC_TRUE));
  }
  PetscCall(check_pairs(comm, group, lgroup, params));
  PetscOptionsBegin(comm, prefix, group->title, NULL);
  for (const ParamSpec *sp = table; sp->key; sp++)
    PetscCall(list_for_help(PetscOptionsObject, sp, group->name, params));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Edit distance between a and b (Levenshtein), for suggestions. */
static PetscInt distance(const char *a, const char *b)
{
  PetscInt la = (PetscInt)strlen(a), lb = (PetscInt)strlen(b), row[NAME_LEN + 1];
  if (lb > NAME_LEN) return 1000;
  for (PetscInt j = 0; j <= lb; j++) row[j] = j;
  for (PetscInt i = 1; i <= la; i++) {
    PetscInt diag = row[0];
    row[0] = i;
    for (PetscInt j = 1; j <= lb; j++) {
      PetscInt up = row[j], best = PetscMin(row[j] + 1, row[j - 1] + 1);
      best = PetscMin(best, diag + (a[i - 1] != b[j - 1]));
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

/* The closest of list[0..n) to word, restricted to entries starting with prefix (may be ""). */
static const char *nearest(char (*list)[NAME_LEN], PetscInt n, const char *prefix, const char *word)
{
  const char *best = NULL;
  PetscInt bd = 1000;
  for (PetscInt k = 0; k < n; k++) {
    PetscInt d;
    if (strncmp(list[k], prefix, strlen(prefix))) continue;
    d = distance(list[k], word);
    if (d < bd) {
      bd = d;
      best = list[k];
    }
  }
  return best ? best : "(none)";
}

/* The known group that name ("group_key") belongs to: the longest matching prefix. */
static const char *group_of(const char *name)
{
  const char *best = NULL;
  for (PetscInt g = 0; g < ngroups; g++) {
    size_t l = strlen(known_groups[g]);
    if (!strncmp(name, known_groups[g], l) && name[l] == '_' && (!best || l > strlen(best)))
      best = known_groups[g];
  }
  return best;
}

/* Add the groups of the program's list, and their keys, to the known ones. */
static PetscErrorCode know_list(const ParamGroup *const *groups, PetscInt n)
{
  PetscFunctionBeginUser;
  for (PetscInt g = 0; g < n; g++) {
    char lgroup[NAME_LEN], name[NAME_LEN];
    PetscCall(PetscStrncpy(lgroup, groups[g]->name, sizeof(lgroup)));
    lower(lgroup);
    PetscCall(know(&known_groups, &ngroups, &capgroups, lgroup));
    for (const ParamSpec *sp = groups[g]->params; sp->key; sp++) {
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s_%s", lgroup, sp->key));
      PetscCall(know(&known_keys, &nkeys, &capkeys, name));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One line for each known group the namelist sets but the run did not read: its keys were
   checked like any other, and are not applied. */
static PetscErrorCode note_unread(MPI_Comm comm)
{
  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < nrecords; r++) {
    const Record *rec = &records[r];
    PetscBool first = PETSC_TRUE;
    if (rec->cmdline || known(read_groups, nread, rec->group)) continue;
    for (PetscInt q = 0; q < r && first; q++)
      if (!strcmp(records[q].group, rec->group) && !records[q].cmdline) first = PETSC_FALSE;
    if (first)
      PetscCall(PetscPrintf(comm,
                            "%s:%" PetscInt_FMT ": note: group &%s is not used by this run "
                            "(its keys are checked, its values ignored)\n",
                            rec->file, rec->line, rec->group));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every group and key a namelist file set must be known. */
static PetscErrorCode check_records(MPI_Comm comm)
{
  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < nrecords; r++) {
    const Record *rec = &records[r];
    char prefix[NAME_LEN + 1];
    if (rec->cmdline) continue;
    PetscCheck(known(known_groups, ngroups, rec->group), comm, PETSC_ERR_USER,
               "%s:%" PetscInt_FMT ": unknown group &%s (did you mean &%s?)", rec->file, rec->line,
               rec->group, nearest(known_groups, ngroups, "", rec->group));
    PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", rec->group));
    PetscCheck(known(known_keys, nkeys, rec->name), comm, PETSC_ERR_USER,
               "%s:%" PetscInt_FMT ": unknown key %s in group &%s (did you mean %s?)", rec->file,
               rec->line, rec->name + strlen(prefix), rec->group,
               nearest(known_keys, nkeys, prefix, rec->name) + strlen(prefix));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every option not used so far that starts with a known group's name must be one of its keys;
   with count_used, those that are (keys of a group the run did not read) are counted as used. */
static PetscErrorCode check_options(MPI_Comm comm, PetscBool count_used)
{
  PetscInt nleft;
  char **names, **values;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &nleft, &names, &values));
  for (PetscInt k = 0; k < nleft; k++) {
    const char *name = names[k][0] == '-' ? names[k] + 1 : names[k];
    const char *g = group_of(name);
    if (!g) continue;
    if (known(known_keys, nkeys, name)) {
      char opt[NAME_LEN + 2];
      PetscBool set;
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", name));
      if (count_used) PetscCall(PetscOptionsHasName(NULL, NULL, opt, &set));
      continue;
    }
    {
      char prefix[NAME_LEN + 1], msg[3 * NAME_LEN + 96];
      PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", g));
      PetscCall(
          PetscSNPrintf(msg, sizeof(msg),
                        "command line: option -%s is not a key of group &%s (did you mean -%s?)",
                        name, g, nearest(known_keys, nkeys, prefix, name)));
      PetscCall(PetscOptionsLeftRestore(NULL, &nleft, &names, &values));
      SETERRQ(comm, PETSC_ERR_USER, "%s", msg);
    }
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &nleft, &names, &values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_check_known(MPI_Comm comm, const ParamGroup *const *groups, PetscInt count)
{
  PetscFunctionBeginUser;
  PetscCall(know_list(groups, count));
  PetscCall(check_records(comm));
  PetscCall(check_options(comm, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_check_unused(MPI_Comm comm, const ParamGroup *const *groups, PetscInt count)
{
  PetscFunctionBeginUser;
  PetscCall(know_list(groups, count));
  PetscCall(check_records(comm));
  PetscCall(note_unread(comm));
  /* A key of a known group the run did not read: checked; count it as used. */
  PetscCall(check_options(comm, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_view(MPI_Comm comm, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  (void)comm;
  PetscCall(PetscViewerASCIIPrintf(viewer, "effective configuration (%" PetscInt_FMT " keys):\n",
                                   nentries));
  for (PetscInt k = 0; k < nentries; k++)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  %s = %s%s\n", entries[k].key, entries[k].value,
                                     entries[k].is_default ? "  (default)" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_write(FILE *fp)
{
  PetscFunctionBeginUser;
  fprintf(fp, "! The effective configuration of this run (Bogda %s): every key, defaults marked.\n",
          version_string());
  for (PetscInt k = 0; k < nentries; k++) {
    PetscBool first = k == 0 || strcmp(entries[k].group, entries[k - 1].group);
    PetscBool last = k == nentries - 1 || strcmp(entries[k].group, entries[k + 1].group);
    if (first) fprintf(fp, "&%s\n", entries[k].group);
    if (!entries[k].value[0])
      fprintf(fp, "  ! %s: no values%s\n", entries[k].key + strlen(entries[k].group) + 1,
              entries[k].is_default ? " (default)" : "");
    else
      fprintf(fp, "  %s = %s%s\n", entries[k].key + strlen(entries[k].group) + 1, entries[k].value,
              entries[k].is_default ? "  ! default" : "");
    if (last) fprintf(fp, "/\n");
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt namelist_count(void)
{
  return nentries;
}

PetscErrorCode namelist_entry(PetscInt i, const char **key, const char **value,
                              PetscBool *is_default)
{
  PetscFunctionBeginUser;
  PetscCheck(i >= 0 && i < nentries, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "configuration entry %" PetscInt_FMT " of %" PetscInt_FMT, i, nentries);
  *key = entries[i].key;
  *value = entries[i].value;
  if (is_default) *is_default = entries[i].is_default;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The default and the range of sp as text, for -help and the reference. */
static void describe(const ParamSpec *sp, char *def, size_t ldef, char *range, size_t lrange)
{
  def[0] = range[0] = '\0';
  switch (sp->type) {
  case PARAM_REAL:
  case PARAM_INT:
    snprintf(def, ldef, "%g", (double)sp->def);
    snprintf(range, lrange, "%g to %g", (double)sp->min, (double)sp->max);
    break;
  case PARAM_BOOL:
    snprintf(def, ldef, "%s", sp->def != 0 ? ".true." : ".false.");
    break;
  case PARAM_ENUM:
    snprintf(def, ldef, "'%s'", sp->choices[(PetscInt)sp->def]);
    for (PetscInt c = 0; sp->choices[c]; c++) {
      size_t l = strlen(range);
      snprintf(range + l, lrange - l, "%s%s", c ? ", " : "", sp->choices[c]);
    }
    break;
  case PARAM_STRING:
    snprintf(def, ldef, "'%s'", sp->sdef ? sp->sdef : "");
    break;
  default:
    if (sp->def_count)
      snprintf(def, ldef, "%d x %g", (int)sp->def_count, (double)sp->def);
    else
      snprintf(def, ldef, "(empty)");
    if (sp->type != PARAM_STRING_ARRAY)
      snprintf(range, lrange, "%g to %g", (double)sp->min, (double)sp->max);
    break;
  }
  if (sp->at_most) {
    size_t l = strlen(range);
    snprintf(range + l, lrange - l, ", at most `%s`", sp->at_most);
  }
}

PetscErrorCode namelist_help(FILE *fp, const ParamGroup *group)
{
  PetscFunctionBeginUser;
  fprintf(fp, "\n&%s: %s\n", group->name, group->title);
  for (const ParamSpec *sp = group->params; sp->key; sp++) {
    char opt[NAME_LEN], def[256], range[128], extra[256] = "";
    describe(sp, def, sizeof(def), range, sizeof(range));
    snprintf(opt, sizeof(opt), "-%s_%s", group->name, sp->key);
    if (range[0] || (sp->units && sp->units[0]))
      snprintf(extra, sizeof(extra), " [%s%s%s]", sp->units ? sp->units : "",
               range[0] && sp->units && sp->units[0] ? "; " : "", range);
    fprintf(fp, "  %-34s %-13s %-10s %s%s\n", opt, type_name(sp->type), def, sp->help, extra);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_reference(FILE *fp, const ParamGroup *group)
{
  PetscFunctionBeginUser;
  fprintf(fp,
          "### &%s: %s\n\n| key | option | type | default | range | units | meaning |\n| --- | --- "
          "| --- | --- | --- | --- | --- |\n",
          group->name, group->title);
  for (const ParamSpec *sp = group->params; sp->key; sp++) {
    char def[256], range[128];
    describe(sp, def, sizeof(def), range, sizeof(range));
    fprintf(fp, "| `%s` | `-%s_%s` | %s | %s | %s | %s | %s |\n", sp->key, group->name, sp->key,
            type_name(sp->type), def, range, sp->units ? sp->units : "", sp->help);
  }
  fprintf(fp, "\n");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode namelist_reset(void)
{
  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < nrecords; r++) {
    char opt[NAME_LEN + 1];
    if (records[r].cmdline) continue;
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", records[r].name));
    PetscCall(PetscOptionsClearValue(NULL, opt));
  }
  PetscCall(PetscFree(records));
  PetscCall(PetscFree(known_groups));
  PetscCall(PetscFree(read_groups));
  PetscCall(PetscFree(known_keys));
  PetscCall(PetscFree(entries));
  nrecords = caprecords = ngroups = capgroups = nread = capread = nkeys = capkeys = nentries =
      capentries = nloads = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
