/* Ghost-slab exchange (model/halo.c): on any number of ranks, every ghost inside the domain
   gets its owner's value, corners included, exactly what PETSc's DMLocalToLocal gives, and
   every ghost outside the domain keeps what it had. tests/parallel/ranks.sh runs it on 2, 3
   and 4 ranks; make check's unit pass runs it on one (nothing to exchange). */
#include "tests/tap.h"
#include "model/halo.h"

#define MX 23
#define MY 17
#define MZ 4
#define DOF 5
#define SW 3

static PetscReal value(PetscInt i, PetscInt j, PetscInt k, PetscInt d)
{
  return (((k * MY + j) * MX + i) * DOF + d) + 0.5;
}

int main(int argc, char **argv)
{
  DM da;
  Vec a, ref;
  Halo *h;
  PetscReal *x, *y;
  PetscInt xs, ys, xm, ym, gxs, gys, gxm, gym, px, py, wrong = 0, unlike = 0, filled = 0, all[3];
  PetscMPIInt rank, size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  tap_quiet(rank != 0);
  PetscCall(DMDACreate3d(PETSC_COMM_WORLD, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED,
                         DM_BOUNDARY_NONE, DMDA_STENCIL_BOX, MX, MY, MZ, PETSC_DECIDE, PETSC_DECIDE,
                         1, DOF, SW, NULL, NULL, NULL, &da));
  PetscCall(DMSetUp(da));
  PetscCall(
      DMDAGetInfo(da, NULL, NULL, NULL, NULL, &px, &py, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscCall(DMDAGetGhostCorners(da, &gxs, &gys, NULL, &gxm, &gym, NULL));
  PetscCall(DMCreateLocalVector(da, &a));
  PetscCall(VecGetArray(a, &x));
  for (PetscInt k = 0; k < MZ; k++)
    for (PetscInt j = gys; j < gys + gym; j++)
      for (PetscInt i = gxs; i < gxs + gxm; i++) {
        PetscBool own = i >= xs && i < xs + xm && j >= ys && j < ys + ym;
        for (PetscInt d = 0; d < DOF; d++)
          x[(((k * gym) + j - gys) * gxm + i - gxs) * DOF + d] = own ? value(i, j, k, d) : -1;
      }
  PetscCall(VecRestoreArray(a, &x));
  PetscCall(VecDuplicate(a, &ref));
  PetscCall(VecCopy(a, ref));
  PetscCall(DMLocalToLocalBegin(da, ref, INSERT_VALUES, ref));
  PetscCall(DMLocalToLocalEnd(da, ref, INSERT_VALUES, ref));
  PetscCall(halo_create(da, &h));
  PetscCall(halo_exchange(h, a));
  PetscCall(VecGetArray(a, &x));
  PetscCall(VecGetArray(ref, &y));
  for (PetscInt k = 0; k < MZ; k++)
    for (PetscInt j = gys; j < gys + gym; j++)
      for (PetscInt i = gxs; i < gxs + gxm; i++) {
        PetscBool inside = i >= 0 && i < MX && j >= 0 && j < MY,
                  own = i >= xs && i < xs + xm && j >= ys && j < ys + ym;
        for (PetscInt d = 0; d < DOF; d++) {
          PetscInt e = (((k * gym) + j - gys) * gxm + i - gxs) * DOF + d;
          wrong += x[e] != (inside ? value(i, j, k, d) : -1);
          unlike += x[e] != y[e];
          filled += inside && !own;
        }
      }
  PetscCall(VecRestoreArray(a, &x));
  PetscCall(VecRestoreArray(ref, &y));
  {
    PetscInt mine[3] = {wrong, unlike, filled};
    PetscCallMPI(MPI_Allreduce(mine, all, 3, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  }
  tap_diag("%d ranks (%d x %d), %" PetscInt_FMT " ghost values inside the domain", (int)size,
           (int)px, (int)py, all[2]);
  tap_ok(all[0] == 0,
         "every ghost inside the domain holds its owner's value, every other one is untouched "
         "(%" PetscInt_FMT " wrong)",
         all[0]);
  tap_ok(all[1] == 0, "the same as DMLocalToLocal everywhere (%" PetscInt_FMT " differ)", all[1]);
  PetscCall(halo_destroy(&h));
  PetscCall(VecDestroy(&a));
  PetscCall(VecDestroy(&ref));
  PetscCall(DMDestroy(&da));
  PetscCall(PetscFinalize());
  return tap_done();
}
