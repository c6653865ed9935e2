/* Points written as 87.62E43.83N (base/lonlat.c): the four hemispheres, the forms of a decimal
   number, the bounds, and texts that are not points (receptor names, other notations). */
#include "tests/tap.h"
#include "base/lonlat.h"

/* Whether text parses to (lon, lat) exactly. */
static int parses(const char *text, PetscReal lon, PetscReal lat)
{
  PetscReal x = -999, y = -999;
  return lonlat_parse(text, &x, &y) && x == lon && y == lat;
}

int main(int argc, char **argv)
{
  const char *bad[] = {"WCS",
                       "87.62E",
                       "87.62E43.83",
                       "87.62N43.83E",
                       "E43.83N",
                       "87.62E43.83NX",
                       "+87.62E43.83N",
                       "-87.62E43.83N",
                       "8.7.6E43.83N",
                       ".E43.83N",
                       "1e2E43.83N",
                       "87.62e43.83n",
                       "87.62,43.83",
                       "87.62E 43.83N",
                       " 87.62E43.83N",
                       "180.5E43N",
                       "87E90.01S",
                       "",
                       "87.62E43.83N:pm25"};
  PetscInt nbad = (PetscInt)(sizeof(bad) / sizeof(bad[0])), taken = 0;
  PetscReal x = 0, y = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  tap_ok(parses("87.62E43.83N", 87.62, 43.83), "87.62E43.83N is 87.62 east, 43.83 north");
  tap_ok(parses("70.5W12.25S", -70.5, -12.25) && parses("3W4N", -3, 4) && parses("3E4S", 3, -4),
         "W and S are negative");
  tap_ok(parses("87.E.5N", 87, 0.5) && parses("087.620E043.830N", 87.62, 43.83),
         "a number may end or start with its point, and have leading and trailing zeros");
  tap_ok(parses("180W90N", -180, 90) && parses("0E0N", 0, 0), "the bounds 180 and 90 are points");
  for (PetscInt k = 0; k < nbad; k++) taken += lonlat_parse(bad[k], &x, &y);
  tap_ok(!taken && x == 0 && y == 0,
         "%" PetscInt_FMT " texts that are not such points (names, signs, exponents, lower case, "
         "commas, spaces, out of range, trailing text) are refused, the outputs untouched",
         nbad);
  PetscCall(PetscFinalize());
  return tap_done();
}
