/* Calendar arithmetic: known epoch seconds, round trips, weekdays, leap years, bad dates. */
#include <string.h>
#include "tests/tap.h"
#include "base/clock.h"

static PetscErrorCode quiet_handler(MPI_Comm comm, int line, const char *fun, const char *file,
                                    PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm;
  (void)line;
  (void)fun;
  (void)file;
  (void)p;
  (void)mess;
  (void)ctx;
  return n;
}

int main(int argc, char **argv)
{
  PetscReal t;
  char buf[32];
  PetscInt y, m, d, h, mi, wd, yd;
  PetscReal s;
  const char *bad[] = {"2024-02-30",       "2023-02-29T00:00", "2024-13-01",
                       "2024-01-01T24:00", "yesterday",        "2024-01-01T00:00:00Zx"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(clock_parse("1970-01-01T00:00:00Z", &t));
  tap_ok(t == 0, "epoch is 0 (got %g)", (double)t);
  PetscCall(clock_parse("2024-01-10T06:30:00Z", &t));
  tap_ok(t == 1704868200.0, "2024-01-10T06:30:00Z is 1704868200 s (got %.1f)", (double)t);
  PetscCall(clock_parse("2005-08-28_12:00:00", &t));
  tap_ok(t == 1125230400.0, "WRF form 2005-08-28_12:00:00 is 1125230400 s (got %.1f)", (double)t);
  PetscCall(clock_parse("2000-02-29", &t));
  clock_fields(t, &y, &m, &d, &h, &mi, &s, &wd, &yd);
  tap_ok(y == 2000 && m == 2 && d == 29 && yd == 60 && wd == 1,
         "2000-02-29 is a Tuesday, day 60 (got %d-%d-%d wd %d yd %d)", (int)y, (int)m, (int)d,
         (int)wd, (int)yd);
  PetscCall(clock_parse("1969-12-31T23:59:59", &t));
  tap_ok(t == -1, "one second before the epoch is -1 (got %g)", (double)t);
  clock_format(1704868200.0 + 3600 * 23.5, buf, sizeof(buf));
  tap_ok(!strcmp(buf, "2024-01-11T06:00:00Z"), "format 2024-01-11T06:00:00Z (got %s)", buf);
  clock_format_compact(1704868200.0, buf, sizeof(buf));
  tap_ok(!strcmp(buf, "20240110T0630Z"), "compact format 20240110T0630Z (got %s)", buf);
  for (PetscInt k = 0; k < 400 * 366; k += 97) {
    PetscReal t2;
    clock_format(k * 86400.0 + 3723.0, buf, sizeof(buf));
    PetscCall(clock_parse(buf, &t2));
    if (t2 != k * 86400.0 + 3723.0) {
      tap_ok(0, "round trip of %s", buf);
      break;
    }
    if (k + 97 >= 400 * 366) tap_ok(1, "round trip over 400 years of days");
  }
  PetscCall(PetscPushErrorHandler(quiet_handler, NULL));
  for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
    tap_ok(clock_parse(bad[k], &t) == PETSC_ERR_ARG_WRONG, "'%s' is refused", bad[k]);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscFinalize());
  return tap_done();
}
