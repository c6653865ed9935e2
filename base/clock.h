#pragma once
/* Model time: seconds since 1970-01-01T00:00:00Z in a PetscReal (exact to the microsecond for
   the next 250 years), and its conversion to and from calendar dates (proleptic Gregorian). */
#include <petscsys.h>

/* Parse "YYYY-MM-DD[(T| |_)hh[:mm[:ss]]][Z]" (ISO 8601 and WRF's Times form). Returns
   PETSC_ERR_ARG_WRONG with the text in the message if it does not parse. Not collective. */
PetscErrorCode clock_parse(const char *text, PetscReal *t);

/* Format t as "YYYY-MM-DDThh:mm:ssZ" into buf (at least 21 bytes). Not collective. */
void clock_format(PetscReal t, char *buf, size_t len);

/* A duration of s seconds as "12m05s", or "3h07m" from an hour on, into buf[len]. */
void clock_format_duration(double s, char *buf, size_t len);

/* Format t as "YYYYmmddTHHMMZ" (for file names) into buf (at least 15 bytes). */
void clock_format_compact(PetscReal t, char *buf, size_t len);

/* Calendar fields of t: year, month 1-12, day 1-31, hour, minute, second, day of week
   (0 = Monday), day of year (1-366). Not collective. */
void clock_fields(PetscReal t, PetscInt *year, PetscInt *month, PetscInt *day, PetscInt *hour,
                  PetscInt *minute, PetscReal *second, PetscInt *weekday, PetscInt *yday);
