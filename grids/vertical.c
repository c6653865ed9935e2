/* Terrain-following heights: layer interfaces over flat ground, squeezed over terrain, and the
   checks that keep every layer of every column at least VERTICAL_DZ_MIN thick. */
#include "grids/vertical.h"
#include <stdio.h>

PetscErrorCode vertical_stretched(const char *keys, PetscInt nz, PetscReal ztop,
                                  PetscReal dz_bottom, PetscReal *z_iface)
{
  PetscReal lo = 1, hi = 2, r = 1;

  PetscFunctionBeginUser;
  PetscCheck(nz > 0 && ztop > 0 && dz_bottom > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "vertical layers: %snz = %" PetscInt_FMT ", %sztop = %g m and %sdz_bottom = %g m "
             "must be positive",
             keys, nz, keys, (double)ztop, keys, (double)dz_bottom);
  /* The thinnest layer is the first, or every layer when they are uniform. */
  PetscCheck(PetscMin(dz_bottom, ztop / (PetscReal)nz) >= VERTICAL_DZ_MIN, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE,
             "vertical layers: %snz = %" PetscInt_FMT ", %sztop = %.6g m and %sdz_bottom = %.6g m "
             "give layers %.6g m thick; at least %.6g m is needed",
             keys, nz, keys, (double)ztop, keys, (double)dz_bottom,
             (double)PetscMin(dz_bottom, ztop / (PetscReal)nz), (double)VERTICAL_DZ_MIN);
  if (nz * dz_bottom < ztop) {
    /* Find r > 1 with dz_bottom (r^nz - 1) / (r - 1) = ztop by bisection. */
    while (dz_bottom * (PetscPowReal(hi, (PetscReal)nz) - 1) / (hi - 1) < ztop) hi *= 2;
    for (PetscInt it = 0; it < 200; it++) {
      r = 0.5 * (lo + hi);
      if (dz_bottom * (PetscPowReal(r, (PetscReal)nz) - 1) / (r - 1) < ztop)
        lo = r;
      else
        hi = r;
    }
  }
  z_iface[0] = 0;
  for (PetscInt k = 0; k < nz; k++) {
    PetscReal dz = r == 1 ? ztop / (PetscReal)nz : dz_bottom * PetscPowReal(r, (PetscReal)k);
    z_iface[k + 1] = z_iface[k] + dz;
  }
  z_iface[nz] = ztop;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode vertical_check_levels(const char *path, const char *name, PetscInt nz,
                                     const PetscReal *z_iface)
{
  PetscFunctionBeginUser;
  PetscCheck(z_iface[0] == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %s(1) = %.6g m: the lowest interface must be the ground, 0", path, name,
             (double)z_iface[0]);
  for (PetscInt k = 0; k < nz; k++)
    PetscCheck(z_iface[k + 1] - z_iface[k] >= VERTICAL_DZ_MIN, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s: %s(%d) = %.6g m and %s(%d) = %.6g m make layer %d %.6g m thick: interfaces "
               "must rise by at least %.6g m",
               path, name, (int)k + 1, (double)z_iface[k], name, (int)k + 2, (double)z_iface[k + 1],
               (int)k + 1, (double)(z_iface[k + 1] - z_iface[k]), (double)VERTICAL_DZ_MIN);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal vertical_thinnest(PetscInt nz, const PetscReal *z_iface, PetscReal h)
{
  PetscReal ztop = z_iface[nz], thin = PETSC_MAX_REAL;
  for (PetscInt k = 0; k < nz; k++) thin = PetscMin(thin, z_iface[k + 1] - z_iface[k]);
  return thin * (ztop - h) / ztop;
}

PetscErrorCode vertical_check_terrain(MPI_Comm comm, PetscInt nz, const PetscReal *z_iface,
                                      PetscReal h, const char *top, const char *where,
                                      const char *fix)
{
  PetscReal thin = vertical_thinnest(nz, z_iface, h);
  char height[32];

  PetscFunctionBeginUser;
  if (thin >= VERTICAL_DZ_MIN) PetscFunctionReturn(PETSC_SUCCESS);
  snprintf(height, sizeof(height), "%.6g", (double)h); /* PETSc's printf would print "nan." */
  if (PetscIsInfOrNanReal(h))
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: the terrain height at %s is %s m; %s", top, where,
            height, fix);
  if (h >= z_iface[nz])
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE,
            "%s = %.6g m: the model top is not above the terrain, %s m high at %s; %s", top,
            (double)z_iface[nz], height, where, fix);
  SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE,
          "%s = %.6g m leaves the thinnest layer %.3g m thick over the terrain of %s m at %s (at "
          "least %.6g m is needed); %s",
          top, (double)z_iface[nz], (double)thin, height, where, (double)VERTICAL_DZ_MIN, fix);
}

void vertical_column(PetscInt nz, const PetscReal *z_iface, PetscReal h, PetscReal *dz,
                     PetscReal *zmid)
{
  PetscReal ztop = z_iface[nz], squeeze = (ztop - h) / ztop;
  for (PetscInt k = 0; k < nz; k++) {
    dz[k] = (z_iface[k + 1] - z_iface[k]) * squeeze;
    zmid[k] = 0.5 * (z_iface[k + 1] + z_iface[k]) * squeeze;
  }
}
