/* The vertical coordinate: stretched layers reach the top exactly and grow geometrically, a
   squeezed column keeps its layers positive, and every refusal (layers thinner than
   VERTICAL_DZ_MIN, interfaces that do not rise, a terrain at or above the model top, a layer
   squeezed too thin, a NaN terrain) fails with its message (issue 18, item 5). */
#include <math.h>
#include <string.h>
#include "tests/tap.h"
#include "tests/errors.h"
#include "grids/vertical.h"

/* Whether ierr is an error whose message holds needle. */
static int failed_with(PetscErrorCode ierr, const char *needle)
{
  return ierr != 0 && strstr(tests_last_error, needle) != NULL;
}

int main(int argc, char **argv)
{
  PetscReal z[17], zf[5] = {0, 40, 100, 250, 1000}, dz[16], zm[16];
  PetscErrorCode ierr;
  PetscBool ok;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(vertical_stretched("t_", 16, 10000, 40, z));
  ok = z[0] == 0 && z[16] == 10000 && PetscAbsReal(z[1] - 40) < 1e-9;
  for (PetscInt k = 1; k < 15; k++) ok = ok && z[k + 1] - z[k] > z[k] - z[k - 1];
  tap_ok(ok, "16 stretched layers from 40 m to 10 km, thicker upwards (top layer %g m)",
         (double)(z[16] - z[15]));
  vertical_column(16, z, 3822.78, dz, zm);
  tap_ok(PetscAbsReal(dz[0] - 40 * (10000 - 3822.78) / 10000) < 1e-9 && zm[0] > 0,
         "over 3822.78 m of terrain the first layer is squeezed to %g m", (double)dz[0]);
  tap_ok(PetscAbsReal(vertical_thinnest(16, z, 3822.78) - dz[0]) < 1e-12,
         "the thinnest layer is the squeezed first one");
  tap_ok(vertical_thinnest(16, z, 10000) == 0 && vertical_thinnest(16, z, 12000) < 0,
         "a terrain at or above the top leaves no layer thickness");

  PetscPushErrorHandler(tests_record_error, NULL);
  ierr = vertical_stretched("domain_x_", 16, 10, 40, z);
  tap_ok(failed_with(ierr, "domain_x_nz = 16, domain_x_ztop = 10 m and domain_x_dz_bottom = 40 m "
                           "give layers 0.625 m thick; at least 1 m is needed"),
         "layers thinner than VERTICAL_DZ_MIN are refused: %s", tests_last_error);
  ierr = vertical_stretched("met_analytic_", 10, 10000, 0.5, z);
  tap_ok(failed_with(ierr, "met_analytic_dz_bottom = 0.5 m give layers 0.5 m thick"),
         "a first layer thinner than VERTICAL_DZ_MIN is refused: %s", tests_last_error);
  ierr = vertical_check_levels("f.nc", "z_iface", 4, zf);
  tap_ok(ierr == 0, "rising interfaces pass");
  zf[2] = 40.5;
  ierr = vertical_check_levels("f.nc", "z_iface", 4, zf);
  tap_ok(failed_with(ierr, "f.nc: z_iface(2) = 40 m and z_iface(3) = 40.5 m make layer 2 0.5 m "
                           "thick"),
         "a degenerate layer in a file is refused: %s", tests_last_error);
  zf[2] = 100;
  zf[0] = 3;
  ierr = vertical_check_levels("f.nc", "z_iface", 4, zf);
  tap_ok(failed_with(ierr, "f.nc: z_iface(1) = 3 m: the lowest interface must be the ground"),
         "interfaces not starting at the ground are refused: %s", tests_last_error);
  PetscCall(vertical_stretched("t_", 16, 10000, 40, z));
  ierr = vertical_check_terrain(PETSC_COMM_SELF, 16, z, 3822.78, "k_ztop", "cell 1", "fix it");
  tap_ok(ierr == 0, "a column well below the top passes");
  ierr = vertical_check_terrain(PETSC_COMM_SELF, 16, z, 10000, "k_ztop", "cell (4, 3)", "fix it");
  tap_ok(failed_with(ierr, "k_ztop = 10000 m: the model top is not above the terrain, 10000 m "
                           "high at cell (4, 3); fix it"),
         "a terrain at the top is refused: %s", tests_last_error);
  ierr = vertical_check_terrain(PETSC_COMM_SELF, 16, z, 9990, "k_ztop", "cell (4, 3)", "fix it");
  tap_ok(failed_with(ierr, "k_ztop = 10000 m leaves the thinnest layer 0.04 m thick over the "
                           "terrain of 9990 m at cell (4, 3) (at least 1 m is needed); fix it"),
         "a terrain just below the top, squeezing the first layer to 4 cm, is refused: %s",
         tests_last_error);
  ierr = vertical_check_terrain(PETSC_COMM_SELF, 16, z, (PetscReal)NAN, "f.nc", "cell 2", "fix it");
  tap_ok(failed_with(ierr, "f.nc: the terrain height at cell 2 is nan m"),
         "a NaN terrain is refused: %s", tests_last_error);
  PetscPopErrorHandler();
  PetscCall(PetscFinalize());
  return tap_done();
}
