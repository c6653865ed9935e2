/* Calendar arithmetic on the proleptic Gregorian calendar, after the days-from-civil algorithm
   described by H. Hinnant ("chrono-compatible low-level date algorithms"), written anew. */
#include "base/clock.h"
#include <stdio.h>
#include <string.h>

#define SECONDS_PER_DAY 86400.0

/* Days since 1970-01-01 of a civil date. */
static PetscInt days_from_civil(PetscInt y, PetscInt m, PetscInt d)
{
  PetscInt era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(PetscInt z, PetscInt *y, PetscInt *m, PetscInt *d)
{
  PetscInt era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

static PetscBool leap(PetscInt y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

PetscErrorCode clock_parse(const char *text, PetscReal *t)
{
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, n = 0;
  double s = 0;
  const char *rest;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  PetscFunctionBeginUser;
  PetscCheck(sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3, PETSC_COMM_SELF,
             PETSC_ERR_ARG_WRONG, "date '%s' does not parse: expected YYYY-MM-DD[Thh:mm:ss][Z]",
             text);
  rest = text + n;
  if (*rest == 'T' || *rest == '_' || *rest == ' ') {
    int m2 = 0;
    PetscCheck(sscanf(rest + 1, "%2d%n", &h, &m2) == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "date '%s': expected an hour after the date", text);
    rest += 1 + m2;
    if (*rest == ':') {
      PetscCheck(sscanf(rest + 1, "%2d%n", &mi, &m2) == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                 "date '%s': expected minutes after the hour", text);
      rest += 1 + m2;
      if (*rest == ':') {
        PetscCheck(sscanf(rest + 1, "%lf%n", &s, &m2) == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
                   "date '%s': expected seconds after the minutes", text);
        rest += 1 + m2;
      }
    }
  }
  if (*rest == 'Z') rest++;
  PetscCheck(*rest == '\0', PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
             "date '%s': unexpected text '%s' at the end", text, rest);
  PetscCheck(mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] && (mo != 2 || d <= 28 || leap(y)),
             PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "date '%s' is not a valid calendar date", text);
  PetscCheck(h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 60, PETSC_COMM_SELF,
             PETSC_ERR_ARG_WRONG, "date '%s' has an invalid time of day", text);
  *t = (PetscReal)days_from_civil(y, mo, d) * SECONDS_PER_DAY + h * 3600.0 + mi * 60.0 + s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

void clock_fields(PetscReal t, PetscInt *year, PetscInt *month, PetscInt *day, PetscInt *hour,
                  PetscInt *minute, PetscReal *second, PetscInt *weekday, PetscInt *yday)
{
  PetscInt days = (PetscInt)PetscFloorReal(t / SECONDS_PER_DAY);
  PetscReal sod = t - (PetscReal)days * SECONDS_PER_DAY;
  PetscInt y, m, d;
  civil_from_days(days, &y, &m, &d);
  if (year) *year = y;
  if (month) *month = m;
  if (day) *day = d;
  if (hour) *hour = (PetscInt)(sod / 3600);
  if (minute) *minute = (PetscInt)((sod - 3600 * (PetscInt)(sod / 3600)) / 60);
  if (second) *second = sod - 60 * (PetscReal)(PetscInt)(sod / 60);
  if (weekday) *weekday = ((days % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday */
  if (yday) *yday = days - days_from_civil(y, 1, 1) + 1;
}

void clock_format(PetscReal t, char *buf, size_t len)
{
  PetscInt y, m, d, h, mi;
  PetscReal s;
  clock_fields(t + 0.0005, &y, &m, &d, &h, &mi, &s, NULL, NULL);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d, (int)h, (int)mi,
           (int)s);
}

void clock_format_compact(PetscReal t, char *buf, size_t len)
{
  PetscInt y, m, d, h, mi;
  clock_fields(t + 0.0005, &y, &m, &d, &h, &mi, NULL, NULL, NULL);
  snprintf(buf, len, "%04d%02d%02dT%02d%02dZ", (int)y, (int)m, (int)d, (int)h, (int)mi);
}

void clock_format_duration(double s, char *buf, size_t len)
{
  int h = (int)(s / 3600), m = (int)((s - 3600.0 * h) / 60);
  if (h > 0)
    snprintf(buf, len, "%dh%02dm", h, m);
  else
    snprintf(buf, len, "%dm%02ds", m, (int)(s - 60.0 * m));
}
