/* Namelist parser and parameter tables: every syntax feature, command-line precedence, later
   files overriding earlier ones, and every error path with its message. */
#include <stdio.h>
#include <string.h>
#include "tests/tap.h"
#include "tests/errors.h"
#include "base/namelist.h"

typedef struct {
  PetscReal r, arr[PARAM_ARRAY_MAX], lo, hi, base[PARAM_ARRAY_MAX], top[PARAM_ARRAY_MAX];
  PetscInt i, e, narr, ints[PARAM_ARRAY_MAX], nints, nstr, nbase, ntop;
  PetscBool b, b2;
  char s[PARAM_STRING_LEN], strs[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
} P;

static const char *const colours[] = {"red", "green", "blue", NULL};

static const ParamSpec table[] = {
    {.key = "r",
     .units = "m s-1",
     .help = "a real",
     .type = PARAM_REAL,
     .def = 2.385,
     .min = -10,
     .max = 1e6,
     .offset = offsetof(P, r)},
    {.key = "i",
     .help = "an integer",
     .type = PARAM_INT,
     .def = 7,
     .min = 0,
     .max = 100,
     .offset = offsetof(P, i)},
    {.key = "b", .help = "a logical", .type = PARAM_BOOL, .def = 0, .offset = offsetof(P, b)},
    {.key = "b2",
     .help = "another logical",
     .type = PARAM_BOOL,
     .def = 1,
     .offset = offsetof(P, b2)},
    {.key = "colour",
     .help = "a choice",
     .type = PARAM_ENUM,
     .def = 1,
     .offset = offsetof(P, e),
     .choices = colours},
    {.key = "s",
     .help = "a string",
     .type = PARAM_STRING,
     .sdef = "none",
     .offset = offsetof(P, s)},
    {.key = "arr",
     .units = "K",
     .help = "reals",
     .type = PARAM_REAL_ARRAY,
     .min = -1e9,
     .max = 1e9,
     .offset = offsetof(P, arr),
     .count_offset = offsetof(P, narr)},
    {.key = "ints",
     .help = "integers",
     .type = PARAM_INT_ARRAY,
     .min = 0,
     .max = 1000,
     .offset = offsetof(P, ints),
     .count_offset = offsetof(P, nints)},
    {.key = "strs",
     .help = "strings",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(P, strs),
     .count_offset = offsetof(P, nstr)},
    {.key = "lo",
     .units = "m2 s-1",
     .help = "lower bound of a pair",
     .type = PARAM_REAL,
     .def = 0.25,
     .min = 0,
     .max = 100,
     .offset = offsetof(P, lo),
     .at_most = "hi"},
    {.key = "hi",
     .units = "m2 s-1",
     .help = "upper bound of a pair",
     .type = PARAM_REAL,
     .def = 50,
     .min = 0,
     .max = 100,
     .offset = offsetof(P, hi)},
    {.key = "base",
     .units = "m",
     .help = "lower ends, element by element",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e4,
     .offset = offsetof(P, base),
     .count_offset = offsetof(P, nbase),
     .at_most = "top"},
    {.key = "top",
     .units = "m",
     .help = "upper ends",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e4,
     .offset = offsetof(P, top),
     .count_offset = offsetof(P, ntop)},
    {.key = NULL},
};

static const ParamGroup group = {
    .name = "g", .title = "test group", .params = table, .params_size = sizeof(P)};

/* A group the program knows but these tests never read (as a met source the run does not use). */
typedef struct {
  PetscReal x;
} Q;
static const ParamSpec unread_table[] = {
    {.key = "x",
     .help = "a real",
     .type = PARAM_REAL,
     .def = 1,
     .min = 0,
     .max = 10,
     .offset = offsetof(Q, x)},
    {.key = NULL},
};
static const ParamGroup unread = {.name = "h",
                                  .title = "a known group not read",
                                  .params = unread_table,
                                  .params_size = sizeof(Q)};
static const ParamGroup *const known[] = {&group, &unread};

static void write_file(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  fputs(text, fp);
  fclose(fp);
}

/* Load text as a namelist, read the table of group "g", check; return the error code. */
static PetscErrorCode try_load(const char *path, const char *text, P *p)
{
  PetscErrorCode ierr;
  tests_last_error[0] = '\0';
  if (text)
    write_file(path, text);
  else
    path = "build/tests/tmp/no_such_file.nml";
  PetscPushErrorHandler(tests_record_error, NULL);
  ierr = namelist_load(PETSC_COMM_WORLD, path);
  if (!ierr) ierr = namelist_read(PETSC_COMM_WORLD, &group, p);
  if (!ierr) ierr = namelist_check_unused(PETSC_COMM_WORLD, known, 2);
  PetscPopErrorHandler();
  namelist_reset();
  return ierr;
}

/* An error is expected whose message contains every one of the needles. */
static void expect_error(const char *what, const char *text, const char *n1, const char *n2,
                         const char *n3)
{
  P p;
  PetscErrorCode ierr = try_load("build/tests/tmp/nml_err.nml", text, &p);
  int ok = ierr != 0 && (!n1 || strstr(tests_last_error, n1)) &&
           (!n2 || strstr(tests_last_error, n2)) && (!n3 || strstr(tests_last_error, n3));
  tap_ok(ok, "%s is refused: \"%s\"", what, tests_last_error);
}

int main(int argc, char **argv)
{
  P p;
  PetscErrorCode ierr;
  const char *path = "build/tests/tmp/nml_ok.nml";

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscMkdir("build/tests"));
  PetscCall(PetscMkdir("build/tests/tmp"));
  ierr = try_load(path,
                  "This line is outside any group and ignored.\n"
                  "&G   ! a comment after the group name\n"
                  "  R = 1.5d3, I = 42\n"
                  "  b = .TRUE.   b2 = F\n"
                  "  colour = 'Blue'\n"
                  "  s = 'it''s, a \"string\" ! not a comment'\n"
                  "  arr = 3*0.5, -2.25e-1\n"
                  "        7\n"
                  "  ints(1) = 4, 5\n"
                  "  ints(3) = 6\n"
                  "  strs = 'a,b' \"c\" 'd'\n"
                  "/\n"
                  "&other x = 1 /\n",
                  &p);
  /* The unknown group &other must be refused, so read it again without that group. */
  tap_ok(ierr != 0 && strstr(tests_last_error, "unknown group &other"),
         "an unknown group is caught (%s)", tests_last_error);
  ierr =
      try_load(path,
               "&G\n  R = 1.5d3, I = 42\n  b = .TRUE.   b2 = F\n  colour = 'Blue'\n"
               "  s = 'it''s, a \"string\" ! not a comment'\n  arr = 3*0.5, -2.25e-1\n        7\n"
               "  ints(1) = 4, 5\n  ints(3) = 6\n  strs = 'a,b' \"c\" 'd'\n/\n",
               &p);
  tap_ok(ierr == 0, "a file with every feature loads (%s)", tests_last_error);
  tap_ok(p.r == 1500.0, "d exponent and case-insensitive key: r = %g", (double)p.r);
  tap_ok(p.i == 42, "integer: i = %d", (int)p.i);
  tap_ok(p.b && !p.b2, "logicals .TRUE. and F");
  tap_ok(p.e == 2, "choice is case-insensitive: colour = %d", (int)p.e);
  tap_ok(!strcmp(p.s, "it's, a \"string\" ! not a comment"),
         "quoted string with doubled quote, comma and '!': [%s]", p.s);
  tap_ok(p.narr == 5 && p.arr[0] == 0.5 && p.arr[2] == 0.5 && p.arr[3] == -0.225 && p.arr[4] == 7,
         "repeat count and a list over two lines: %d values", (int)p.narr);
  tap_ok(p.nints == 3 && p.ints[0] == 4 && p.ints[1] == 5 && p.ints[2] == 6,
         "element assignment ints(1), ints(3)");
  tap_ok(p.nstr == 3 && !strcmp(p.strs[0], "a,b") && !strcmp(p.strs[1], "c"),
         "string array keeps a comma inside quotes");
  ierr = try_load(path, "&g s = '' /\n", &p);
  tap_ok(ierr == 0 && p.s[0] == '\0', "an empty string is a value");

  /* Defaults, and the command line winning over the file. */
  PetscCall(PetscOptionsSetValue(NULL, "-g_i", "9"));
  ierr = try_load(path, "&g r = 3 /\n", &p);
  tap_ok(ierr == 0 && p.i == 9 && p.r == 3 && p.e == 1 && !strcmp(p.s, "none") && p.narr == 0,
         "command line -g_i 9 wins; defaults fill the rest");
  PetscCall(PetscOptionsClearValue(NULL, "-g_i"));

  /* A later file overrides an earlier one. */
  write_file("build/tests/tmp/nml_a.nml", "&g r = 1, i = 1 /\n");
  write_file("build/tests/tmp/nml_b.nml", "&g r = 2 /\n");
  PetscCall(namelist_load(PETSC_COMM_WORLD, "build/tests/tmp/nml_a.nml"));
  PetscCall(namelist_load(PETSC_COMM_WORLD, "build/tests/tmp/nml_b.nml"));
  PetscCall(namelist_read(PETSC_COMM_WORLD, &group, &p));
  tap_ok(p.r == 2 && p.i == 1, "a later file overrides an earlier one, the rest stays (r=%g i=%d)",
         (double)p.r, (int)p.i);
  {
    const char *key, *value;
    PetscBool is_default;
    PetscInt found = 0;
    for (PetscInt k = 0; k < namelist_count(); k++) {
      PetscCall(namelist_entry(k, &key, &value, &is_default));
      if (!strcmp(key, "g_r") && !strcmp(value, "2") && !is_default) found++;
      if (!strcmp(key, "g_colour") && !strcmp(value, "'green'") && is_default) found++;
    }
    tap_ok(found == 2, "effective configuration marks defaults");
  }
  PetscCall(namelist_reset());

  expect_error("a missing file", NULL, "no_such_file.nml", "cannot be opened", NULL);
  expect_error("a value out of range", "&g\n\n i = 101 /\n", "nml_err.nml:3", "g_i = 101",
               "expected 0 <= value <= 100");
  expect_error("a real out of range", "&g r = -11 /\n", "g_r = -11", "-10 <= value", "m s-1");
  expect_error("a wrong type", "&g i = 2.5 /\n", "nml_err.nml:1", "g_i", "expected an integer");
  expect_error("a word where a number belongs", "&g r = fast /\n", "nml_err.nml:1", "fast",
               "expected a number");
  expect_error("an unknown choice", "&g colour = 'pink' /\n", "pink", "red, green, blue", NULL);
  expect_error("an unknown key", "&g\n rr = 1 /\n", "nml_err.nml:2", "unknown key rr",
               "did you mean r");
  expect_error("a misspelt group", "&gg r = 1 /\n", "unknown group &gg", "did you mean &g", NULL);
  ierr = try_load(path, "&g r = 1 /\n&h x = 20 /\n", &p);
  tap_ok(
      ierr == 0,
      "a known group not read is accepted, its values ignored (x = 20 is not range-checked) (%s)",
      tests_last_error);
  expect_error("an unknown key in a known group not read", "&g r = 1 /\n&h\n xx = 1 /\n",
               "nml_err.nml:3", "unknown key xx in group &h", "did you mean x");
  PetscCall(PetscOptionsSetValue(NULL, "-h_x", "3"));
  ierr = try_load(path, "&g r = 1 /\n", &p);
  tap_ok(ierr == 0, "a command-line key of a known group not read is accepted (%s)",
         tests_last_error);
  PetscCall(PetscOptionsClearValue(NULL, "-h_x"));
  PetscCall(PetscOptionsSetValue(NULL, "-h_xy", "3"));
  expect_error("a misspelt command-line key of a known group not read", "&g r = 1 /\n",
               "option -h_xy is not a key of group &h", "did you mean -h_x", NULL);
  PetscCall(PetscOptionsClearValue(NULL, "-h_xy"));
  expect_error("an unclosed group", "&g r = 1\n", "not closed", NULL, NULL);
  expect_error("a repeated key", "&g r = 1\n r = 2 /\n", "nml_err.nml:2", "repeats line 1", NULL);
  expect_error("a repeated group", "&g r = 1 /\n&g i = 2 /\n", "nml_err.nml:2", "appears twice",
               NULL);
  expect_error("an unclosed string", "&g s = 'abc\n/\n", "nml_err.nml:1", "not closed", NULL);
  expect_error("a missing '='", "&g r 1 /\n", "expected '='", NULL, NULL);
  expect_error("a gap in an array", "&g ints(3) = 1 /\n", "leaves elements 1 to 2 unset", NULL,
               NULL);
  expect_error("a list for a string", "&g s = 'a', 'b' /\n", "expected one string", NULL, NULL);
  expect_error("a bare word in an array", "&g arr = 1, x, 3 /\n", "'x' is not a value", NULL, NULL);
  /* Issue 18, item 16: what was read leniently before. */
  expect_error("an element numbered 0", "&g ints(0) = 4 /\n", "nml_err.nml:1",
               "ints(0): elements are numbered from 1", NULL);
  expect_error("a null value", "&g arr = 1,, 3 /\n", "nml_err.nml:1", "a null value", NULL);
  expect_error("a leading null value", "&g arr = , 3 /\n", "a null value", NULL, NULL);
  expect_error("a hexadecimal real", "&g r = 0x1p3 /\n", "g_r = 0x1p3", "decimal real", NULL);
  expect_error("a 'yes' for a logical", "&g b = 'yes' /\n", "g_b = yes", "expected a logical",
               NULL);
  expect_error("a text outside any group", "g\n r = 1 /\n", "nml_err.nml:2", "outside any group",
               NULL);
  expect_error("an empty file", "! nothing\n", "holds no namelist group", NULL, NULL);
  /* Issue 18, item 16: a pair whose lower bound exceeds its upper bound. */
  ierr = try_load(path, "&g lo = 50, base = 0, 300 top = 0, 300 /\n", &p);
  tap_ok(ierr == 0 && p.lo == p.hi, "a pair with equal ends is accepted (%s)", tests_last_error);
  expect_error("a lower bound above its upper bound", "&g\n lo = 60 /\n",
               "g_lo = 60 m2 s-1 (build/tests/tmp/nml_err.nml:2) is greater than",
               "g_hi = 50 m2 s-1 (default)", "expected lo <= hi");
  expect_error("an upper bound below its lower bound", "&g hi = 0.125 /\n",
               "g_lo = 0.25 m2 s-1 (default)",
               "g_hi = 0.125 m2 s-1 (build/tests/tmp/nml_err.nml:1)", NULL);
  expect_error("an array whose element 2 exceeds its pair's",
               "&g base = 0, 900 top = 3000, 500 /\n", "g_base(2) = 900 m",
               "is greater than g_top(2) = 500 m", "expected base <= top");
  {
    PetscCall(PetscOptionsSetValue(NULL, "-g_colr", "red"));
    expect_error("a misspelt command-line option", "&g r = 1 /\n", "command line: option -g_colr",
                 "did you mean -g_colour", NULL);
    PetscCall(PetscOptionsClearValue(NULL, "-g_colr"));
    PetscCall(PetscOptionsSetValue(NULL, "-g_i", "abc"));
    expect_error("a bad command-line value", "&g r = 1 /\n", "command line: -g_i abc",
                 "expected an integer", NULL);
    PetscCall(PetscOptionsClearValue(NULL, "-g_i"));
    PetscCall(PetscOptionsSetValue(NULL, "-g_arr", "1,x,3"));
    expect_error("a bad command-line array element", "&g r = 1 /\n", "-g_arr 1,x,3 (element 2)",
                 "expected a real", NULL);
    PetscCall(PetscOptionsClearValue(NULL, "-g_arr"));
    PetscCall(PetscOptionsSetValue(NULL, "-g_hi", "0.2"));
    expect_error("a command-line upper bound below the file's lower bound", "&g lo = 0.3 /\n",
                 "g_lo = 0.3 m2 s-1 (build/tests/tmp/nml_err.nml:1)",
                 "g_hi = 0.2 m2 s-1 (command line)", NULL);
    PetscCall(PetscOptionsClearValue(NULL, "-g_hi"));
  }
  PetscCall(PetscFinalize());
  return tap_done();
}
