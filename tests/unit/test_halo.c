/* Ghost-slab exchange (model/halo.c): on any number of ranks, every ghost inside the domain
   gets its owner's value, corners included, exactly what PETSc's DMLocalToLocal gives, and
   every ghost outside the domain keeps what it had. Its transpose, halo_add_ghosts: the
   dot-product test <halo_exchange x, y> = <x, halo_add_ghosts y> over every local entry of
   every rank; ghosts inside the domain zeroed, those outside untouched; and the transpose of a
   stencil applied in scatter form (each owned cell adds its weighted value to its neighbours,
   ghosts included) followed by halo_add_ghosts, against the same stencil summed serially:
   bitwise for two terms per cell (an upwind-like shift, any values) and for many exactly
   summable terms, to round-off for many inexact ones (halo.c says why no order can make those
   bitwise). It prints checksums of the bitwise fields, which tests/parallel/ranks.sh compares
   over 1, 2, 3, 4 and 6 ranks; make check's unit pass runs it on one (nothing to exchange). */
#include "tests/tap.h"
#include "model/halo.h"
#include <string.h>

#define MX 23
#define MY 17
#define MZ 4
#define DOF 5
#define SW 3

static PetscReal value(PetscInt i, PetscInt j, PetscInt k, PetscInt d)
{
  return (((k * MY + j) * MX + i) * DOF + d) + 0.5;
}

/* The owned and ghosted corners of this rank's block. */
typedef struct {
  PetscInt xs, ys, xm, ym, gxs, gys, gxm, gym;
} Block;

static PetscInt local_index(const Block *b, PetscInt i, PetscInt j, PetscInt k, PetscInt d)
{
  return (((k * b->gym) + j - b->gys) * b->gxm + i - b->gxs) * DOF + d;
}

static PetscBool owns(const Block *b, PetscInt i, PetscInt j)
{
  return i >= b->xs && i < b->xs + b->xm && j >= b->ys && j < b->ys + b->ym;
}

static PetscBool inside(PetscInt i, PetscInt j)
{
  return i >= 0 && i < MX && j >= 0 && j < MY;
}

/* A value for global entry (i, j, k, d) and stream salt, the same on every decomposition:
   uniform in [0.5, 1.5) (splitmix64 of the index), or with exact an integer in [1, 64]. */
static PetscReal entry(PetscInt i, PetscInt j, PetscInt k, PetscInt d, PetscInt salt,
                       PetscBool exact)
{
  unsigned long long z = (unsigned long long)((((salt * MZ + k) * MY + j) * MX + i) * DOF + d);
  z = (z + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return exact ? (PetscReal)(1 + (z >> 58)) : 0.5 + (PetscReal)(z >> 11) / 9007199254740992.0;
}

/* <halo_exchange x, y> and <x, halo_add_ghosts y> over every local entry of every rank, x and
   y random everywhere, ghosts included; also counts the ghosts the transpose left wrong (inside
   the domain not zero, outside not untouched). */
static PetscErrorCode dot_test(DM da, Halo *h, const Block *b, PetscReal *rel, PetscInt *wrong)
{
  Vec vx, vy;
  PetscReal *x, *y, mine[2] = {0, 0}, dots[2];
  PetscInt n, bad = 0;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(DMCreateLocalVector(da, &vx));
  PetscCall(VecDuplicate(vx, &vy));
  PetscCall(VecGetLocalSize(vx, &n));
  PetscCall(VecGetArray(vx, &x));
  PetscCall(VecGetArray(vy, &y));
  for (PetscInt e = 0; e < n; e++) {
    x[e] = entry(e, 0, 0, 0, 2 * rank + 1, PETSC_FALSE);
    y[e] = entry(e, 0, 0, 0, 2 * rank + 2, PETSC_FALSE);
  }
  PetscCall(VecRestoreArray(vx, &x));
  PetscCall(VecRestoreArray(vy, &y));
  {
    Vec fx, ty;
    const PetscReal *a, *c, *xx, *yy;
    PetscCall(VecDuplicate(vx, &fx));
    PetscCall(VecDuplicate(vy, &ty));
    PetscCall(VecCopy(vx, fx));
    PetscCall(VecCopy(vy, ty));
    PetscCall(halo_exchange(h, fx));
    PetscCall(halo_add_ghosts(h, ty));
    PetscCall(VecGetArrayRead(fx, &a));
    PetscCall(VecGetArrayRead(ty, &c));
    PetscCall(VecGetArrayRead(vx, &xx));
    PetscCall(VecGetArrayRead(vy, &yy));
    for (PetscInt k = 0; k < MZ; k++)
      for (PetscInt j = b->gys; j < b->gys + b->gym; j++)
        for (PetscInt i = b->gxs; i < b->gxs + b->gxm; i++)
          for (PetscInt d = 0; d < DOF; d++) {
            PetscInt e = local_index(b, i, j, k, d);
            mine[0] += a[e] * yy[e];
            mine[1] += xx[e] * c[e];
            if (!owns(b, i, j)) bad += inside(i, j) ? c[e] != 0 : c[e] != yy[e];
          }
    PetscCall(VecRestoreArrayRead(fx, &a));
    PetscCall(VecRestoreArrayRead(ty, &c));
    PetscCall(VecRestoreArrayRead(vx, &xx));
    PetscCall(VecRestoreArrayRead(vy, &yy));
    PetscCall(VecDestroy(&fx));
    PetscCall(VecDestroy(&ty));
  }
  PetscCallMPI(MPI_Allreduce(mine, dots, 2, MPIU_REAL, MPI_SUM, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(&bad, wrong, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  *rel = PetscAbsReal(dots[0] - dots[1]) / PetscAbsReal(dots[0]);
  tap_diag("<halo_exchange x, y> = %.17g, <x, halo_add_ghosts y> = %.17g", (double)dots[0],
           (double)dots[1]);
  PetscCall(VecDestroy(&vx));
  PetscCall(VecDestroy(&vy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The weight of offset (di, dj) of the box stencil of the given radius: with exact a multiple
   of 1/64, else an inexact one. Radius 0 is the two-term stencil {(0,0), (1,1)}. */
static PetscReal weight(PetscInt radius, PetscInt di, PetscInt dj, PetscBool exact)
{
  if (radius == 0) return di ? 0.38196601125010515 : 0.6180339887498949;
  if (exact) return (PetscReal)(1 + (di + radius) + (2 * radius + 1) * (dj + radius)) / 64;
  return 1 / (1.1 + PetscAbsInt(di) + 0.7 * PetscAbsInt(dj));
}

/* The stencil's transpose in scatter form, lam_in(S + d) += w_d lam_out(S) over the owned S,
   into the local array (ghosts included), then halo_add_ghosts; each owned result against the
   serial sum over the in-domain sources X - d. Counts the owned entries that differ in any bit,
   the worst relative difference, and an order-free checksum of the results' bits (their sum
   as integers, over all ranks). */
static PetscErrorCode stencil_test(DM da, Halo *h, const Block *b, PetscInt radius, PetscBool exact,
                                   PetscInt *differ, PetscReal *worst, unsigned long long *sum)
{
  Vec v;
  PetscReal *a, bad_rel = 0;
  PetscInt lo = radius ? -radius : 0, hi = radius ? radius : 1, bad = 0;
  unsigned long long bits = 0;

  PetscFunctionBeginUser;
  PetscCall(DMCreateLocalVector(da, &v));
  PetscCall(VecZeroEntries(v));
  PetscCall(VecGetArray(v, &a));
  for (PetscInt k = 0; k < MZ; k++)
    for (PetscInt j = b->ys; j < b->ys + b->ym; j++)
      for (PetscInt i = b->xs; i < b->xs + b->xm; i++)
        for (PetscInt dj = lo; dj <= hi; dj++)
          for (PetscInt di = lo; di <= hi; di++)
            for (PetscInt d = 0; d < DOF && (radius || di == dj); d++)
              a[local_index(b, i + di, j + dj, k, d)] +=
                  weight(radius, di, dj, exact) * entry(i, j, k, d, 0, exact);
  PetscCall(VecRestoreArray(v, &a));
  PetscCall(halo_add_ghosts(h, v));
  PetscCall(VecGetArray(v, &a));
  for (PetscInt k = 0; k < MZ; k++)
    for (PetscInt j = b->ys; j < b->ys + b->ym; j++)
      for (PetscInt i = b->xs; i < b->xs + b->xm; i++)
        for (PetscInt d = 0; d < DOF; d++) {
          PetscReal want = 0, got = a[local_index(b, i, j, k, d)];
          unsigned long long u;
          for (PetscInt dj = lo; dj <= hi; dj++)
            for (PetscInt di = lo; di <= hi; di++)
              if ((radius || di == dj) && inside(i - di, j - dj))
                want += weight(radius, di, dj, exact) * entry(i - di, j - dj, k, d, 0, exact);
          bad += got != want;
          bad_rel = PetscMax(bad_rel, PetscAbsReal(got - want) / PetscAbsReal(want));
          memcpy(&u, &got, sizeof(u));
          bits += u;
        }
  PetscCall(VecRestoreArray(v, &a));
  PetscCall(VecDestroy(&v));
  PetscCallMPI(MPI_Allreduce(&bad, differ, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(&bad_rel, worst, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(&bits, sum, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD));
  PetscFunctionReturn(PETSC_SUCCESS);
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
  {
    Block b = {xs, ys, xm, ym, gxs, gys, gxm, gym};
    PetscReal rel = 0, worst = 0;
    PetscInt bad = 0, differ = 0;
    unsigned long long sum = 0;
    PetscCall(dot_test(da, h, &b, &rel, &bad));
    tap_ok(rel <= 1e-13, "<halo_exchange x, y> = <x, halo_add_ghosts y>: relative difference %.2e",
           (double)rel);
    tap_ok(bad == 0,
           "halo_add_ghosts zeroes the ghosts inside the domain and leaves the others "
           "(%" PetscInt_FMT " wrong)",
           bad);
    PetscCall(stencil_test(da, h, &b, 0, PETSC_FALSE, &differ, &worst, &sum));
    tap_diag("checksum two-term %016llx", sum);
    tap_ok(differ == 0,
           "two-term stencil transposed (scatter, then halo_add_ghosts): bitwise the serial sum "
           "(%" PetscInt_FMT " differ)",
           differ);
    PetscCall(stencil_test(da, h, &b, SW, PETSC_TRUE, &differ, &worst, &sum));
    tap_diag("checksum exact-box %016llx", sum);
    tap_ok(differ == 0,
           "7 x 7 stencil of exactly summable terms transposed: bitwise the serial sum "
           "(%" PetscInt_FMT " differ)",
           differ);
    PetscCall(stencil_test(da, h, &b, SW, PETSC_FALSE, &differ, &worst, &sum));
    tap_ok(
        worst <= 1e-14,
        "7 x 7 stencil of inexact terms transposed: the serial sum to %.1e relative "
        "(%" PetscInt_FMT
        " entries differ in some bit: the scatter groups the terms otherwise than the serial sum)",
        (double)worst, differ);
  }
  PetscCall(halo_destroy(&h));
  PetscCall(VecDestroy(&a));
  PetscCall(VecDestroy(&ref));
  PetscCall(DMDestroy(&da));
  PetscCall(PetscFinalize());
  return tap_done();
}
