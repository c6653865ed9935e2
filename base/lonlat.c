/* Points written as 87.62E43.83N (see lonlat.h). */
#include "base/lonlat.h"
#include <stdlib.h>
#include <string.h>

/* The number of degrees at the start of s and its hemisphere letter, one of the two in hemi (the
   second negative): the value, signed, in *v and the text after the letter; NULL if s does not
   start so. Parsed by hand: strtod would take the E of 87.62E43.83N for an exponent. */
static const char *degrees(const char *s, const char hemi[2], PetscReal *v)
{
  size_t n = strspn(s, "0123456789."), points = 0;
  char buf[32];

  for (size_t k = 0; k < n; k++) points += s[k] == '.';
  if (n == points || n >= sizeof(buf) || points > 1) return NULL; /* no digit, or two points */
  if (s[n] != hemi[0] && s[n] != hemi[1]) return NULL;
  memcpy(buf, s, n);
  buf[n] = '\0';
  *v = (s[n] == hemi[1] ? -1 : 1) * strtod(buf, NULL);
  return s + n + 1;
}

PetscBool lonlat_parse(const char *text, PetscReal *lon, PetscReal *lat)
{
  PetscReal x = 0, y = 0;
  const char *s = degrees(text, "EW", &x);

  s = s ? degrees(s, "NS", &y) : NULL;
  if (!s || *s || PetscAbsReal(x) > 180 || PetscAbsReal(y) > 90) return PETSC_FALSE;
  *lon = x, *lat = y;
  return PETSC_TRUE;
}
