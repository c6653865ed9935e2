/* Terrain-following heights: layer interfaces over flat ground, squeezed over terrain. */
#include "grids/vertical.h"

PetscErrorCode vertical_stretched(PetscInt nz, PetscReal ztop, PetscReal dz_bottom,
                                  PetscReal *z_iface)
{
  PetscReal lo = 1, hi = 2, r = 1;

  PetscFunctionBeginUser;
  PetscCheck(nz > 0 && ztop > 0 && dz_bottom > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "vertical layers: nz = %" PetscInt_FMT
             ", ztop = %g m and dz_bottom = %g m must be positive",
             nz, (double)ztop, (double)dz_bottom);
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

void vertical_column(PetscInt nz, const PetscReal *z_iface, PetscReal h, PetscReal *dz,
                     PetscReal *zmid)
{
  PetscReal ztop = z_iface[nz], squeeze = (ztop - h) / ztop;
  for (PetscInt k = 0; k < nz; k++) {
    dz[k] = (z_iface[k + 1] - z_iface[k]) * squeeze;
    zmid[k] = 0.5 * (z_iface[k + 1] + z_iface[k]) * squeeze;
  }
}
