/* Sector time profiles. The default shapes are illustrative, chosen in the spirit of the
   sector profiles of the TNO-MACC and EDGAR temporal-profile sets (Denier van der Gon et al. 2011,
   MACC report D-EMIS 1.3; Crippa et al. 2020, Sci. Data 7:121): power flat with a daytime
   plateau, industry on working days and hours, residential heating with morning and evening
   peaks, transport with rush hours, agricultural NH3 following the daytime temperature and the
   spring-summer fertiliser season. The heating season of the northern slope of the Tianshan
   (15 October to 15 April; ../shared/data/EMISSIONS.md) enters the monthly factors of residential
   emissions (heating about 2-3 times the summer level) and of power (combined heat and power):
   the daily factor is `ratio` inside the season and 1 outside, averaged over each month and
   normalised over a 365-day year. A user-given set must average to 1 (months weighted by days). */
#include "model/emissions/profiles.h"
#include <stdio.h>
#include <strings.h>
#include "base/namelist.h"
#include "base/clock.h"

const char *const sector_names[] = {"power",     "industry",    "residential",
                                    "transport", "agriculture", NULL};

static const PetscInt days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static const PetscReal default_hour[SECTOR_N][24] = {
    {0.88, 0.86, 0.85, 0.85, 0.86, 0.90, 0.96, 1.02, 1.06, 1.08, 1.09, 1.10,
     1.10, 1.09, 1.08, 1.07, 1.07, 1.08, 1.09, 1.08, 1.04, 0.99, 0.94, 0.90},
    {0.75, 0.74, 0.74, 0.74, 0.76, 0.82, 0.95, 1.10, 1.20, 1.22, 1.22, 1.20,
     1.16, 1.20, 1.22, 1.22, 1.18, 1.10, 1.00, 0.92, 0.86, 0.82, 0.78, 0.76},
    {0.60, 0.50, 0.45, 0.45, 0.50, 0.70, 1.10, 1.50, 1.50, 1.20, 1.00, 0.90,
     0.85, 0.85, 0.90, 1.00, 1.20, 1.45, 1.60, 1.60, 1.45, 1.20, 0.95, 0.75},
    {0.30, 0.20, 0.15, 0.15, 0.25, 0.55, 1.10, 1.65, 1.60, 1.30, 1.20, 1.20,
     1.25, 1.25, 1.30, 1.40, 1.55, 1.70, 1.50, 1.20, 0.95, 0.80, 0.60, 0.45},
    {0.60, 0.55, 0.55, 0.55, 0.60, 0.70, 0.85, 1.00, 1.20, 1.35, 1.50, 1.60,
     1.65, 1.65, 1.55, 1.40, 1.20, 1.00, 0.85, 0.75, 0.70, 0.65, 0.62, 0.60},
};
static const PetscReal default_weekday[SECTOR_N][7] = {
    {1.02, 1.02, 1.02, 1.02, 1.02, 0.96, 0.94}, {1.06, 1.06, 1.06, 1.06, 1.06, 0.88, 0.82},
    {1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00}, {1.03, 1.03, 1.03, 1.03, 1.05, 0.95, 0.88},
    {1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00},
};
static const PetscReal default_month_agriculture[12] = {0.45, 0.50, 0.90, 1.40, 1.50, 1.35,
                                                        1.30, 1.25, 1.15, 0.95, 0.70, 0.50};

typedef struct {
  PetscReal utc_offset, residential_heating_ratio, power_heating_ratio;
  char heating_start[PARAM_STRING_LEN], heating_end[PARAM_STRING_LEN];
  PetscReal month[SECTOR_N][PARAM_ARRAY_MAX], weekday[SECTOR_N][PARAM_ARRAY_MAX],
      hour[SECTOR_N][PARAM_ARRAY_MAX];
  PetscInt nmonth[SECTOR_N], nweekday[SECTOR_N], nhour[SECTOR_N];
} Params;

#define SET(sec, what, n, desc)                                                                    \
  {                                                                                                \
    .key = #sec "_" #what, .units = "1",                                                           \
    .help = desc " factors of " #sec " emissions (" #n " values averaging 1; default built in)",   \
    .type = PARAM_REAL_ARRAY, .min = 0, .max = 100,                                                \
    .offset = offsetof(Params, what[SECTOR_##sec]),                                                \
    .count_offset = offsetof(Params, n##what[SECTOR_##sec])                                        \
  }
#define SECTOR_SETS(sec)                                                                           \
  SET(sec, month, n, "monthly"), SET(sec, weekday, n, "day-of-week"),                              \
      SET(sec, hour, n, "hour-of-day")
/* Lower-case keys: the macro stringises the enum suffix, so the enum names are spelt in lower case
 * here. */
enum {
  SECTOR_power = SECTOR_POWER,
  SECTOR_industry = SECTOR_INDUSTRY,
  SECTOR_residential = SECTOR_RESIDENTIAL,
  SECTOR_transport = SECTOR_TRANSPORT,
  SECTOR_agriculture = SECTOR_AGRICULTURE
};

static const ParamSpec params_table[] = {
    {.key = "utc_offset",
     .units = "h",
     .help = "local time minus UTC used by the profiles (6: Xinjiang time, 8: Beijing time)",
     .type = PARAM_REAL,
     .def = 6,
     .min = -12,
     .max = 14,
     .offset = offsetof(Params, utc_offset)},
    {.key = "heating_start",
     .help = "first day of the heating season, MM-DD",
     .type = PARAM_STRING,
     .offset = offsetof(Params, heating_start),
     .sdef = "10-15"},
    {.key = "heating_end",
     .help = "last day of the heating season, MM-DD",
     .type = PARAM_STRING,
     .offset = offsetof(Params, heating_end),
     .sdef = "04-15"},
    {.key = "residential_heating_ratio",
     .units = "1",
     .help = "residential emissions in the heating season over those outside it",
     .type = PARAM_REAL,
     .def = 2.5,
     .min = 0,
     .max = 100,
     .offset = offsetof(Params, residential_heating_ratio)},
    {.key = "power_heating_ratio",
     .units = "1",
     .help =
         "power (combined heat and power) emissions in the heating season over those outside it",
     .type = PARAM_REAL,
     .def = 1.3,
     .min = 0,
     .max = 100,
     .offset = offsetof(Params, power_heating_ratio)},
    SECTOR_SETS(power),
    SECTOR_SETS(industry),
    SECTOR_SETS(residential),
    SECTOR_SETS(transport),
    SECTOR_SETS(agriculture),
    {.key = NULL},
};

const ParamGroup profiles_group = {.name = "emission_profiles",
                                   .title = "Emission time profiles",
                                   .params = params_table,
                                   .params_size = sizeof(Params)};
#undef SET
#undef SECTOR_SETS

/* Day of a non-leap year (1..365) of "MM-DD". */
static PetscErrorCode day_of_year(MPI_Comm comm, const char *key, const char *text, PetscInt *doy)
{
  int m, d;

  PetscFunctionBeginUser;
  PetscCheck(sscanf(text, "%2d-%2d", &m, &d) == 2 && m >= 1 && m <= 12 && d >= 1 &&
                 d <= days_in_month[m - 1],
             comm, PETSC_ERR_USER, "emission_profiles_%s = '%s': expected a day MM-DD", key, text);
  *doy = d;
  for (PetscInt k = 0; k < m - 1; k++) *doy += days_in_month[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Monthly factors of a heating-season profile: daily factor ratio inside [start, end] (which
   may wrap over the new year), 1 outside, normalised to a mean of 1 over the days of a year. */
static void heating_months(PetscInt start, PetscInt end, PetscReal ratio, PetscReal *month)
{
  PetscReal year = 0;
  PetscInt day = 1;
  for (PetscInt m = 0; m < 12; m++) {
    PetscReal sum = 0;
    for (PetscInt d = 0; d < days_in_month[m]; d++, day++) {
      PetscBool in = start <= end ? (day >= start && day <= end) : (day >= start || day <= end);
      sum += in ? ratio : 1;
    }
    month[m] = sum / (PetscReal)days_in_month[m];
    year += sum;
  }
  for (PetscInt m = 0; m < 12; m++) month[m] *= 365.0 / year;
}

static void normalise(PetscReal *v, PetscInt n, const PetscInt *weight)
{
  PetscReal sum = 0, wsum = 0;
  for (PetscInt k = 0; k < n; k++) {
    sum += v[k] * (PetscReal)(weight ? weight[k] : 1);
    wsum += (PetscReal)(weight ? weight[k] : 1);
  }
  for (PetscInt k = 0; k < n; k++) v[k] *= wsum / sum;
}

/* Take a user's set if given: it must have n values averaging to 1. */
static PetscErrorCode user_set(MPI_Comm comm, const char *sector, const char *what,
                               const PetscReal *given, PetscInt count, PetscInt n,
                               const PetscInt *weight, PetscReal *out)
{
  PetscReal sum = 0, wsum = 0;

  PetscFunctionBeginUser;
  if (!count) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(count == n, comm, PETSC_ERR_USER,
             "emission_profiles_%s_%s has %" PetscInt_FMT " values; expected %" PetscInt_FMT,
             sector, what, count, n);
  for (PetscInt k = 0; k < n; k++) {
    sum += given[k] * (PetscReal)(weight ? weight[k] : 1);
    wsum += (PetscReal)(weight ? weight[k] : 1);
  }
  PetscCheck(PetscAbsReal(sum / wsum - 1) < 1e-6, comm, PETSC_ERR_USER,
             "emission_profiles_%s_%s averages to %.8g%s; expected 1", sector, what,
             (double)(sum / wsum), weight ? " (months weighted by their days)" : "");
  for (PetscInt k = 0; k < n; k++) out[k] = given[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode profiles_create(MPI_Comm comm, Profiles **prof)
{
  Params *p;
  Profiles *pr;
  PetscInt start, end;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  PetscCall(PetscNew(&pr));
  PetscCall(namelist_read(comm, &profiles_group, p));
  PetscCall(day_of_year(comm, "heating_start", p->heating_start, &start));
  PetscCall(day_of_year(comm, "heating_end", p->heating_end, &end));
  pr->utc_offset = p->utc_offset;
  for (PetscInt s = 0; s < SECTOR_N; s++) {
    for (PetscInt m = 0; m < 12; m++) pr->month[s][m] = 1;
    for (PetscInt d = 0; d < 7; d++) pr->weekday[s][d] = default_weekday[s][d];
    for (PetscInt h = 0; h < 24; h++) pr->hour[s][h] = default_hour[s][h];
    normalise(pr->weekday[s], 7, NULL);
    normalise(pr->hour[s], 24, NULL);
  }
  heating_months(start, end, p->residential_heating_ratio, pr->month[SECTOR_RESIDENTIAL]);
  heating_months(start, end, p->power_heating_ratio, pr->month[SECTOR_POWER]);
  for (PetscInt m = 0; m < 12; m++) pr->month[SECTOR_AGRICULTURE][m] = default_month_agriculture[m];
  normalise(pr->month[SECTOR_AGRICULTURE], 12, days_in_month);
  for (PetscInt s = 0; s < SECTOR_N; s++) {
    PetscCall(user_set(comm, sector_names[s], "month", p->month[s], p->nmonth[s], 12, days_in_month,
                       pr->month[s]));
    PetscCall(user_set(comm, sector_names[s], "weekday", p->weekday[s], p->nweekday[s], 7, NULL,
                       pr->weekday[s]));
    PetscCall(
        user_set(comm, sector_names[s], "hour", p->hour[s], p->nhour[s], 24, NULL, pr->hour[s]));
  }
  PetscCall(PetscFree(p));
  *prof = pr;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode profiles_destroy(Profiles **p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(*p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal profiles_factor(const Profiles *p, Sector s, PetscReal t)
{
  PetscInt month, hour, weekday;
  clock_fields(t + p->utc_offset * 3600.0, NULL, &month, NULL, &hour, NULL, NULL, &weekday, NULL);
  return p->month[s][month - 1] * p->weekday[s][weekday] * p->hour[s][hour];
}

PetscInt profiles_sector(const char *name)
{
  for (PetscInt s = 0; s < SECTOR_N; s++)
    if (!strcasecmp(sector_names[s], name)) return s;
  return -1;
}
