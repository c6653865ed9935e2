/* ckcompare --nonneg A.bin: prints the smallest mixing ratio and the smallest tag.
   ckcompare --uniform A.bin: prints the largest relative deviation of the mixing ratios of each
   species from their first value (exit 0), for uniformity tests.
   ckcompare A.bin B.bin: compares two Bogda checkpoints (model/checkpoint.c layout) and exits 0
   when the step, the per-process counters and every state vector (mixing ratios, deposition,
   tags, double precision, natural order) are bitwise equal, and so are the checksums the two
   writers recorded for the vectors (which do not depend on the rank count). The budget totals
   in the header are floating-point sums over ranks, diagnostics that may differ in the last
   bits, so they are reported but not compared, and nor is the header's checksum. Run without
   arguments it prints a TAP self-check plan. */
#include <string.h>
#include <petscvec.h>
#include <petscviewer.h>
#include "physics/fields.h"

#define HEADER_FIXED 10

static PetscErrorCode open_file(const char *path, PetscViewer *v)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerCreate(PETSC_COMM_SELF, v));
  PetscCall(PetscViewerSetType(*v, PETSCVIEWERBINARY));
  PetscCall(PetscViewerFileSetMode(*v, FILE_MODE_READ));
  PetscCall(PetscViewerBinarySetSkipInfo(*v, PETSC_TRUE));
  PetscCall(PetscViewerFileSetName(*v, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscViewer va, vb;
  PetscReal ha[HEADER_FIXED], hb[HEADER_FIXED];
  PetscInt n, differ = 0, nvec;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  if (argc == 3 && !strcmp(argv[1], "--nonneg")) {
    /* The smallest mixing ratio and the smallest tag in the checkpoint. */
    PetscReal lo[4];
    PetscCall(open_file(argv[2], &va));
    PetscCall(PetscViewerBinaryRead(va, ha, HEADER_FIXED, &n, PETSC_REAL));
    {
      PetscReal skip[256 + 512];
      PetscCall(PetscViewerBinaryRead(va, skip, (PetscInt)ha[4] + BUDGET_NTERMS * (PetscInt)ha[5],
                                      &n, PETSC_REAL));
    }
    for (PetscInt k = 0; k < (ha[6] > 0 ? 4 : 3); k++) {
      Vec v;
      PetscCall(VecCreate(PETSC_COMM_SELF, &v));
      PetscCall(VecLoad(v, va));
      PetscCall(VecMin(v, NULL, &lo[k]));
      PetscCall(VecDestroy(&v));
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%.6e %.6e\n", (double)lo[0],
                          ha[6] > 0 ? (double)lo[3] : 0.0));
    PetscCall(PetscViewerDestroy(&va));
    PetscCall(PetscFinalize());
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "--uniform")) {
    Vec q;
    const PetscReal *a;
    PetscInt len, nspec;
    PetscCall(open_file(argv[2], &va));
    PetscCall(PetscViewerBinaryRead(va, ha, HEADER_FIXED, &n, PETSC_REAL));
    {
      PetscReal skip[256 + 512];
      PetscCall(PetscViewerBinaryRead(va, skip, (PetscInt)ha[4] + BUDGET_NTERMS * (PetscInt)ha[5],
                                      &n, PETSC_REAL));
    }
    nspec = (PetscInt)ha[5];
    PetscCall(VecCreate(PETSC_COMM_SELF, &q));
    PetscCall(VecLoad(q, va));
    PetscCall(VecGetLocalSize(q, &len));
    PetscCall(VecGetArrayRead(q, &a));
    for (PetscInt s = 0; s < nspec; s++) {
      PetscReal worst = 0;
      for (PetscInt c = s; c < len; c += nspec)
        worst = PetscMax(worst, PetscAbsReal(a[c] / a[s] - 1));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "%.3e\n", (double)worst));
    }
    PetscCall(VecRestoreArrayRead(q, &a));
    PetscCall(VecDestroy(&q));
    PetscCall(PetscViewerDestroy(&va));
    PetscCall(PetscFinalize());
    return 0;
  }
  if (argc < 3) {
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "1..0 # ckcompare needs two checkpoint files\n"));
    PetscCall(PetscFinalize());
    return 0;
  }
  PetscCall(open_file(argv[1], &va));
  PetscCall(open_file(argv[2], &vb));
  PetscCall(PetscViewerBinaryRead(va, ha, HEADER_FIXED, &n, PETSC_REAL));
  PetscCall(PetscViewerBinaryRead(vb, hb, HEADER_FIXED, &n, PETSC_REAL));
  for (PetscInt k = 0; k < HEADER_FIXED; k++) differ += ha[k] != hb[k];
  {
    PetscInt np = (PetscInt)ha[4], nb = BUDGET_NTERMS * (PetscInt)ha[5];
    PetscReal ca[256 + 512], cb[256 + 512], worst = 0;
    PetscCall(PetscViewerBinaryRead(va, ca, np + nb, &n, PETSC_REAL));
    PetscCall(PetscViewerBinaryRead(vb, cb, np + nb, &n, PETSC_REAL));
    for (PetscInt k = 0; k < np; k++) differ += ca[k] != cb[k];
    for (PetscInt k = np; k < np + nb; k++)
      worst = PetscMax(worst, PetscAbsReal(ca[k] - cb[k]) / PetscMax(PetscAbsReal(ca[k]), 1e-300));
    PetscCall(PetscPrintf(PETSC_COMM_SELF,
                          "budget totals differ by at most %.1e (relative; a diagnostic)\n",
                          (double)worst));
  }
  nvec = ha[6] > 0 ? 4 : 3;
  for (PetscInt k = 0; k < nvec; k++) {
    Vec a, b;
    PetscBool eq;
    PetscCall(VecCreate(PETSC_COMM_SELF, &a));
    PetscCall(VecCreate(PETSC_COMM_SELF, &b));
    PetscCall(VecLoad(a, va));
    PetscCall(VecLoad(b, vb));
    PetscCall(VecEqual(a, b, &eq));
    if (eq)
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "state vector %d: bitwise equal\n", (int)k));
    else { /* where, and by how much */
      const PetscReal *xa, *xb;
      PetscInt len, first = -1, count = 0;
      PetscReal worst = 0;
      PetscCall(VecGetLocalSize(a, &len));
      PetscCall(VecGetArrayRead(a, &xa));
      PetscCall(VecGetArrayRead(b, &xb));
      for (PetscInt i = 0; i < len; i++)
        if (xa[i] != xb[i]) {
          if (first < 0) first = i;
          count++;
          worst =
              PetscMax(worst, PetscAbsReal(xa[i] - xb[i]) / PetscMax(PetscAbsReal(xa[i]), 1e-300));
        }
      PetscCall(VecRestoreArrayRead(a, &xa));
      PetscCall(VecRestoreArrayRead(b, &xb));
      PetscCall(PetscPrintf(PETSC_COMM_SELF,
                            "state vector %d: DIFFERENT in %" PetscInt_FMT " of %" PetscInt_FMT
                            " values (first at %" PetscInt_FMT
                            "), largest relative difference %.2e\n",
                            (int)k, count, len, first, (double)worst));
    }
    differ += !eq;
    PetscCall(VecDestroy(&a));
    PetscCall(VecDestroy(&b));
  }
  { /* the checksums record, last: the header's, then one a vector */
    PetscInt64 sa[5] = {0}, sb[5] = {0};
    PetscInt na, nb;
    PetscCall(PetscViewerBinaryRead(va, sa, nvec + 1, &na, PETSC_INT64));
    PetscCall(PetscViewerBinaryRead(vb, sb, nvec + 1, &nb, PETSC_INT64));
    for (PetscInt k = 1; k <= nvec; k++) {
      PetscBool eq = na == nvec + 1 && nb == nvec + 1 && sa[k] == sb[k];
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "state vector %d: recorded checksums %s\n", (int)k - 1,
                            eq ? "equal" : "DIFFERENT (or missing)"));
      differ += !eq;
    }
  }
  PetscCall(PetscViewerDestroy(&va));
  PetscCall(PetscViewerDestroy(&vb));
  PetscCall(PetscFinalize());
  return differ ? 1 : 0;
}
