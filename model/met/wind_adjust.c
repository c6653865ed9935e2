/* The mass-consistent wind adjustment (see wind_adjust.h): a 7-point SPD system on a serial
   DMDA, assembled from the face conductances, solved by CG to a tight tolerance, preconditioned
   with hypre's BoomerAMG where PETSc has hypre (Debian's does), else with PETSc's GAMG.
   The system is strongly anisotropic: a cell's faces between layers couple it far more strongly
   than its side faces (the ratio grows as the square of the cell's width over its depth, 27 km
   or 9 km against tens to hundreds of metres). BoomerAMG's classical
   coarsening follows the strong couplings, so it converges in 4 to 20 CG iterations on the
   Xinjiang domains; GAMG's smoothed aggregation took 230 to 340 (about 4 s a snapshot on xj27,
   against 0.2 s, with a 250 times larger remaining divergence), and GAMG with an aggregation
   threshold converges in 14 but builds its hierarchy for half a minute.
   Every solve builds its solver afresh, so the answer depends on this snapshot's matrix only,
   not on the solves before it: a restarted run gets the same bits as an unbroken one. hypre is
   asked for one OpenMP thread (the Debian build has OpenMP), as its sums would otherwise depend
   on the thread count. A failed solve is retried with GAMG, an aggregation threshold of 0.02
   (coarsening along the strong couplings) and SOR smoothing (options prefix "adjust_retry_"),
   and the log says so. */
#include "model/met/wind_adjust.h"
#include <petscdmda.h>

struct WindAdjust {
  PetscInt nx, ny, nz;
  DM da; /* serial DMDA of the cells */
  Mat A; /* the Laplacian of the conductances */
  Vec b, x;
};

extern void omp_set_num_threads(int) __attribute__((weak));

/* A fresh CG solver with options prefix prefix: BoomerAMG (or GAMG without hypre); the retry
   solver is GAMG with its defaults. */
static PetscErrorCode make_ksp(const char *prefix, PetscBool retry, KSP *ksp)
{
  PC pc;
  PetscBool hypre;

  PetscFunctionBeginUser;
  PetscCall(PetscHasExternalPackage("hypre", &hypre));
  PetscCall(KSPCreate(PETSC_COMM_SELF, ksp));
  PetscCall(KSPSetOptionsPrefix(*ksp, prefix));
  PetscCall(KSPSetType(*ksp, KSPCG));
  PetscCall(KSPGetPC(*ksp, &pc));
  if (!retry && hypre) {
    PetscBool set;
    PetscCall(PCSetType(pc, PCHYPRE));
    PetscCall(PCHYPRESetType(pc, "boomeramg"));
    /* Aggressive coarsening on the first two levels: on ns9 the met's solves took half the time
       (20 iterations for 8 to 10, each cheaper), on xj27 the same. */
    PetscCall(PetscOptionsHasName(NULL, prefix, "-pc_hypre_boomeramg_agg_nl", &set));
    if (!set) PetscCall(PetscOptionsSetValue(NULL, "-adjust_pc_hypre_boomeramg_agg_nl", "2"));
  } else
    PetscCall(PCSetType(pc, PCGAMG));
  if (retry) {
    PetscReal threshold = 0.02;
    PetscBool set;
    PetscCall(PCGAMGSetThreshold(pc, &threshold, 1));
    PetscCall(PetscOptionsHasName(NULL, prefix, "-mg_levels_ksp_type", &set));
    if (!set)
      PetscCall(PetscOptionsSetValue(NULL, "-adjust_retry_mg_levels_ksp_type", "richardson"));
    PetscCall(PetscOptionsHasName(NULL, prefix, "-mg_levels_pc_type", &set));
    if (!set) PetscCall(PetscOptionsSetValue(NULL, "-adjust_retry_mg_levels_pc_type", "sor"));
  }
  PetscCall(KSPSetTolerances(*ksp, 1e-10, 1e-30, PETSC_DEFAULT, 2000));
  PetscCall(KSPSetFromOptions(*ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wind_adjust_create(PetscInt nx, PetscInt ny, PetscInt nz, WindAdjust **out)
{
  WindAdjust *w;

  PetscFunctionBeginUser;
  if (omp_set_num_threads) omp_set_num_threads(1); /* hypre's sums: see the top */
  PetscCall(PetscNew(&w));
  w->nx = nx;
  w->ny = ny;
  w->nz = nz;
  PetscCall(DMDACreate3d(PETSC_COMM_SELF, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE,
                         DMDA_STENCIL_STAR, nx, ny, nz, 1, 1, 1, 1, 1, NULL, NULL, NULL, &w->da));
  PetscCall(DMSetUp(w->da));
  PetscCall(DMCreateMatrix(w->da, &w->A));
  PetscCall(DMCreateGlobalVector(w->da, &w->b));
  PetscCall(VecDuplicate(w->b, &w->x));
  *out = w;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wind_adjust_destroy(WindAdjust **out)
{
  WindAdjust *w = *out;

  PetscFunctionBeginUser;
  if (!w) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MatDestroy(&w->A));
  PetscCall(VecDestroy(&w->b));
  PetscCall(VecDestroy(&w->x));
  PetscCall(DMDestroy(&w->da));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define FX(i, j, k) (((k)*ny + (j)) * (nx + 1) + (i))
#define FY(i, j, k) (((k) * (ny + 1) + (j)) * nx + (i))
#define FW(i, j, k) (((k)*ny + (j)) * nx + (i))

/* Net outflow of cell (i,j,k), kg s-1. */
static PetscReal outflow(PetscInt nx, PetscInt ny, const PetscReal *fx, const PetscReal *fy,
                         const PetscReal *fw, PetscInt i, PetscInt j, PetscInt k)
{
  return fx[FX(i + 1, j, k)] - fx[FX(i, j, k)] + fy[FY(i, j + 1, k)] - fy[FY(i, j, k)] +
         fw[FW(i, j, k + 1)] - fw[FW(i, j, k)];
}

static PetscErrorCode assemble(WindAdjust *w, const PetscReal *tx, const PetscReal *ty,
                               const PetscReal *tw, const PetscReal *fx, const PetscReal *fy,
                               const PetscReal *fw)
{
  PetscInt nx = w->nx, ny = w->ny, nz = w->nz;
  PetscScalar ***b;

  PetscFunctionBeginUser;
  PetscCall(MatZeroEntries(w->A));
  PetscCall(DMDAVecGetArray(w->da, w->b, &b));
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j < ny; j++)
      for (PetscInt i = 0; i < nx; i++) {
        MatStencil row = {.i = i, .j = j, .k = k}, col[7];
        PetscScalar v[7], diag = 0;
        PetscInt n = 1;
        /* Faces: west, east, south, north, below (ground: none), above (top: Dirichlet). */
        const struct {
          PetscReal t;
          PetscInt di, dj, dk, inside;
        } face[6] = {{tx[FX(i, j, k)], -1, 0, 0, i > 0},
                     {tx[FX(i + 1, j, k)], 1, 0, 0, i < nx - 1},
                     {ty[FY(i, j, k)], 0, -1, 0, j > 0},
                     {ty[FY(i, j + 1, k)], 0, 1, 0, j < ny - 1},
                     {k > 0 ? tw[FW(i, j, k)] : 0, 0, 0, -1, k > 0},
                     {tw[FW(i, j, k + 1)], 0, 0, 1, k < nz - 1}};
        for (PetscInt f = 0; f < 6; f++) {
          diag += face[f].t;
          if (!face[f].inside || face[f].t == 0) continue;
          col[n] = (MatStencil){.i = i + face[f].di, .j = j + face[f].dj, .k = k + face[f].dk};
          v[n++] = -face[f].t;
        }
        col[0] = row;
        v[0] = diag;
        PetscCall(MatSetValuesStencil(w->A, 1, &row, n, col, v, INSERT_VALUES));
        b[k][j][i] = -outflow(nx, ny, fx, fy, fw, i, j, k);
      }
  PetscCall(DMDAVecRestoreArray(w->da, w->b, &b));
  PetscCall(MatAssemblyBegin(w->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(w->A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode wind_adjust_solve(WindAdjust *w, const PetscReal *tx, const PetscReal *ty,
                                 const PetscReal *tw, PetscReal *fx, PetscReal *fy, PetscReal *fw,
                                 PetscInt *its, PetscReal *res)
{
  PetscInt nx = w->nx, ny = w->ny, nz = w->nz;
  const PetscScalar ***l;
  KSPConvergedReason reason;

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < nx * ny * (nz + 1); c++) fw[c] = 0;
  PetscCall(assemble(w, tx, ty, tw, fx, fy, fw));
  for (PetscInt attempt = 0; attempt < 2; attempt++) {
    KSP ksp;
    PetscCall(
        make_ksp(attempt ? "adjust_retry_" : "adjust_", attempt ? PETSC_TRUE : PETSC_FALSE, &ksp));
    PetscCall(KSPSetOperators(ksp, w->A, w->A));
    PetscCall(KSPSolve(ksp, w->b, w->x));
    PetscCall(KSPGetConvergedReason(ksp, &reason));
    PetscCall(KSPGetIterationNumber(ksp, its));
    PetscCall(KSPDestroy(&ksp));
    if (reason > 0) break;
    PetscCheck(attempt == 0, PETSC_COMM_SELF, PETSC_ERR_NOT_CONVERGED,
               "the mass-consistent wind adjustment did not converge, also with the retry solver "
               "(KSP reason %s after %" PetscInt_FMT
               " iterations); see the adjust_ and adjust_retry_ options",
               KSPConvergedReasons[reason], *its);
    /* Each snapshot is solved by one rank (met_diagnostic.c), which tells. */
    PetscCall(PetscPrintf(PETSC_COMM_SELF,
                          "NOTE: wind adjustment: CG stopped (%s after %" PetscInt_FMT
                          " iterations); retried with the adjust_retry_ solver\n",
                          KSPConvergedReasons[reason], *its));
  }
  PetscCall(DMDAVecGetArrayRead(w->da, w->x, &l));
  /* F = F0 + T (lambda_upstream - lambda_downstream); lambda = 0 outside and above. */
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j < ny; j++)
      for (PetscInt i = 0; i <= nx; i++) {
        PetscReal a = i > 0 ? l[k][j][i - 1] : 0, b = i < nx ? l[k][j][i] : 0;
        fx[FX(i, j, k)] += tx[FX(i, j, k)] * (a - b);
      }
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j <= ny; j++)
      for (PetscInt i = 0; i < nx; i++) {
        PetscReal a = j > 0 ? l[k][j - 1][i] : 0, b = j < ny ? l[k][j][i] : 0;
        fy[FY(i, j, k)] += ty[FY(i, j, k)] * (a - b);
      }
  for (PetscInt k = 1; k <= nz; k++)
    for (PetscInt j = 0; j < ny; j++)
      for (PetscInt i = 0; i < nx; i++) {
        PetscReal a = l[k - 1][j][i], b = k < nz ? l[k][j][i] : 0;
        fw[FW(i, j, k)] = tw[FW(i, j, k)] * (a - b);
      }
  PetscCall(DMDAVecRestoreArrayRead(w->da, w->x, &l));
  *res = 0;
  for (PetscInt k = 0; k < nz; k++)
    for (PetscInt j = 0; j < ny; j++)
      for (PetscInt i = 0; i < nx; i++)
        *res = PetscMax(*res, PetscAbsReal(outflow(nx, ny, fx, fy, fw, i, j, k)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
