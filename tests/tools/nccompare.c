/* nccompare A.nc B.nc [--var NAME ...] [--rtol R] [--atol A]
   Compares every numeric variable the two files share (or the named ones) element by element:
   |a - b| <= atol + rtol |a| must hold everywhere (the default, 0 and 0, means bitwise equal;
   NaN equals NaN). Prints the largest absolute and relative difference of each variable. Exit
   status: 0 within tolerance, 1 outside, 2 on errors (missing file or variable, different
   shapes). Run without arguments it tests itself and prints TAP. Plain serial NetCDF. */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VARS 1024

static int fail(const char *what, const char *name, int status)
{
  fprintf(stderr, "nccompare: %s %s: %s\n", what, name, nc_strerror(status));
  return 2;
}

/* Read a whole numeric variable as doubles; returns its length, or -1 if not numeric. */
static long read_all(int nc, int var, double **v, int *ndim, size_t *shape)
{
  int dims[NC_MAX_VAR_DIMS];
  nc_type type;
  size_t n = 1;
  nc_inq_vartype(nc, var, &type);
  if (type == NC_CHAR || type == NC_STRING) return -1;
  nc_inq_varndims(nc, var, ndim);
  nc_inq_vardimid(nc, var, dims);
  for (int d = 0; d < *ndim; d++) {
    nc_inq_dimlen(nc, dims[d], &shape[d]);
    n *= shape[d];
  }
  *v = malloc(sizeof(double) * (n ? n : 1));
  if (n) nc_get_var_double(nc, var, *v);
  return (long)n;
}

static int compare(const char *fa, const char *fb, int nnames, char **names, double rtol,
                   double atol, int quiet)
{
  int a, b, status, nvars, bad = 0, compared = 0;
  if ((status = nc_open(fa, NC_NOWRITE, &a))) return fail("cannot open", fa, status);
  if ((status = nc_open(fb, NC_NOWRITE, &b))) return fail("cannot open", fb, status);
  nc_inq_nvars(a, &nvars);
  for (int k = 0; k < (nnames ? nnames : nvars); k++) {
    char name[NC_MAX_NAME + 1];
    int va, vb, nda, ndb;
    size_t sa[NC_MAX_VAR_DIMS], sb[NC_MAX_VAR_DIMS];
    double *x, *y, dabs = 0, drel = 0;
    long n, m;
    int off = 0;
    if (nnames) {
      snprintf(name, sizeof(name), "%s", names[k]);
      if ((status = nc_inq_varid(a, name, &va)))
        return fail("no variable in first file:", name, status);
    } else {
      va = k;
      nc_inq_varname(a, va, name);
    }
    if (nc_inq_varid(b, name, &vb)) {
      if (nnames) return fail("no variable in second file:", name, NC_ENOTVAR);
      continue;
    }
    n = read_all(a, va, &x, &nda, sa);
    m = read_all(b, vb, &y, &ndb, sb);
    if (n < 0 || m < 0) continue;
    if (n != m || nda != ndb || memcmp(sa, sb, sizeof(size_t) * (size_t)nda)) {
      fprintf(stderr, "nccompare: %s has different shapes\n", name);
      free(x), free(y);
      return 2;
    }
    for (long i = 0; i < n; i++) {
      double d;
      if (isnan(x[i]) && isnan(y[i])) continue;
      d = fabs(x[i] - y[i]);
      if (!(d <= atol + rtol * fabs(x[i]))) off++;
      if (d > dabs || isnan(d)) dabs = d;
      if (x[i] != 0 && d / fabs(x[i]) > drel) drel = d / fabs(x[i]);
    }
    if (!quiet)
      printf("%-28s %10ld values  max abs diff %.3e  max rel diff %.3e  %s\n", name, n, dabs, drel,
             off ? "DIFFERENT" : "ok");
    bad += off > 0;
    compared++;
    free(x), free(y);
  }
  nc_close(a);
  nc_close(b);
  if (!compared) {
    fprintf(stderr, "nccompare: no variables in common\n");
    return 2;
  }
  return bad ? 1 : 0;
}

/* Without arguments: write a file, compare it with itself and with a changed copy. */
static int self_test(void)
{
  const char *p1 = "build/tests/tmp/nccompare_a.nc", *p2 = "build/tests/tmp/nccompare_b.nc";
  double v[6] = {1.25, -2.5, 3.0, 0, 7.5, 1e-3};
  int n = 0, failed = 0;
  for (int k = 0; k < 2; k++) {
    int nc, dim, var;
    if (nc_create(k ? p2 : p1, NC_CLOBBER, &nc)) {
      printf("not ok 1 - cannot create %s\n1..1\n", k ? p2 : p1);
      return 1;
    }
    nc_def_dim(nc, "n", 6, &dim);
    nc_def_var(nc, "v", NC_DOUBLE, 1, &dim, &var);
    nc_enddef(nc);
    if (k) v[4] *= 1 + 1e-9;
    nc_put_var_double(nc, var, v);
    nc_close(nc);
  }
#define CHECK(cond, msg)                                                                           \
  printf("%s %d - %s\n", (cond) ? "ok" : "not ok", ++n, msg), failed += !(cond)
  CHECK(compare(p1, p1, 0, NULL, 0, 0, 1) == 0, "a file equals itself bitwise");
  CHECK(compare(p1, p2, 0, NULL, 0, 0, 1) == 1, "a change of 1e-9 relative is found");
  CHECK(compare(p1, p2, 0, NULL, 1e-8, 0, 1) == 0, "and accepted with rtol 1e-8");
  CHECK(compare(p1, "build/tests/tmp/missing.nc", 0, NULL, 0, 0, 1) == 2,
        "a missing file is an error");
  CHECK(compare(p1, p2, 1, (char *[]){"w"}, 0, 0, 1) == 2, "a missing variable is an error");
  printf("1..%d\n", n);
  return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
  char *names[MAX_VARS];
  int nnames = 0;
  double rtol = 0, atol = 0;
  if (argc == 1) return self_test();
  if (argc < 3) {
    fprintf(stderr, "usage: nccompare A.nc B.nc [--var NAME ...] [--rtol R] [--atol A]\n");
    return 2;
  }
  for (int k = 3; k < argc; k++) {
    if (!strcmp(argv[k], "--var") && k + 1 < argc && nnames < MAX_VARS)
      names[nnames++] = argv[++k];
    else if (!strcmp(argv[k], "--rtol") && k + 1 < argc)
      rtol = atof(argv[++k]);
    else if (!strcmp(argv[k], "--atol") && k + 1 < argc)
      atol = atof(argv[++k]);
    else {
      fprintf(stderr, "nccompare: unknown argument %s\n", argv[k]);
      return 2;
    }
  }
  return compare(argv[1], argv[2], nnames, names, rtol, atol, 0);
}
