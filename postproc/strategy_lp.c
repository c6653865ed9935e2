/* The strategy LP solved by GLPK (see strategy_lp.h). Why GLPK: it is a Debian package
   (libglpk-dev), so it installs on any machine the model builds on; it has a plain C API that
   builds a problem column by column with no modelling language; and its primal simplex works on
   the programme as given, returning a vertex optimum together with the row duals (the shadow
   prices of the targets, which an interior-point or heuristic solver would give only
   approximately). COIN-OR Clp would serve as well but is a C++ library behind a thinner C
   interface. The presolver is off so that the duals are those of the rows as written.

   Exactness. Costs of one plan span seven or more decades (a far unit's tiny share of a dear
   sector against a near power plant), and GLPK's floating-point simplex takes reduced costs below
   its tolerance for zero: with the defaults it stopped, on the test case, at a basis it called
   optimal that cost 28 times the optimum, with a target row violated; and its rational simplex,
   glp_exact, reported no feasible point for a feasible one-row programme. So GLPK's dual simplex
   (long-step ratio test, tightened reduced-cost tolerance) finds the optimal basis, and the
   solution is then computed on that basis in double precision (polish(): the basic tiers from the
   binding rows, the duals from the basic tiers' costs, both by LAPACK) and checked: every row
   met, every dual non-negative, every reduced cost of the sign optimality needs. A basis that
   fails is an internal error, never a plan.

   Scaling. A tag's contribution at a far receptor can be 1e-30 of the nearest one's, and GLPK's
   feasibility test is relative to the scaled rows: such entries let it call a violated row
   feasible. So each row is divided by its largest coefficient, entries below COEF_FLOOR of it are
   dropped (their sum over every variable changes the row by less than COEF_FLOOR times the
   number of variables, relative), the costs are divided by the largest one, and the duals are
   scaled back. GLPK's own scaling (glp_scale_prob) is not used: with it, on a plan over whole
   units, the simplex returned a basis it called optimal whose own reduced costs said otherwise,
   on every one of the attempts below. */
#include "postproc/strategy_lp.h"
#include <glpk.h>
#include <petscblaslapack.h>

/* Entries of a row below this fraction of its largest one are dropped from GLPK's copy (see
   above; the final solution uses them all). */
#define COEF_FLOOR 1e-14
/* GLPK's tolerance on reduced costs of the scaled objective (its default 1e-7 is too loose for
   costs spanning many decades, see above). */
#define GLPK_TOL_DJ 1e-12
/* Relative tolerance of the final checks: rows met, duals non-negative, reduced costs of the
   right sign, each relative to the sum of the magnitudes of its terms. */
#define CHECK_TOL 1e-9
/* Simplex runs before a solution that fails the checks is an error: the dual simplex, the primal
   from its basis, the same with GLPK's default row tolerance, the primal from the standard
   basis. */
#define SOLVE_ATTEMPTS 4
/* GLPK's default tolerance on rows and bounds, for the attempt that retries a programme whose
   rows can be met only to within round-off (the tight one then finds no feasible point). */
#define GLPK_TOL_BND_LOOSE 1e-7
/* GLPK's tolerance on the rows and bounds of the scaled programme (default 1e-7): a basis it
   takes for feasible must be feasible in double precision. */
#define GLPK_TOL_BND 1e-12

/* The largest |coefficient| of each row, into m[nrow] (1 for an empty row), and the largest
   cost, *cmax (1 if none). */
static void scales(const StrategyLP *lp, PetscReal *m, PetscReal *cmax)
{
  *cmax = 0;
  for (PetscInt r = 0; r < lp->nrow; r++) {
    m[r] = 0;
    for (PetscInt v = 0; v < lp->nvar; v++)
      m[r] = PetscMax(m[r], PetscAbsReal(lp->coef[r * lp->nvar + v]));
    if (m[r] == 0) m[r] = 1;
  }
  for (PetscInt k = 0; k < lp->tier_start[lp->nvar]; k++)
    *cmax = PetscMax(*cmax, PetscAbsReal(lp->tier_cost[k]));
  if (*cmax == 0) *cmax = 1;
}

PetscReal strategy_lp_row_max(const StrategyLP *lp, PetscInt r)
{
  PetscReal s = 0;
  for (PetscInt v = 0; v < lp->nvar; v++) {
    PetscReal a = lp->coef[r * lp->nvar + v], w = 0;
    for (PetscInt k = lp->tier_start[v]; k < lp->tier_start[v + 1]; k++) w += lp->tier_width[k];
    if (a > 0) s += a * w;
  }
  return s;
}

/* The programme in GLPK's form: rows, then one column per tier with its nonzero coefficients. */
static PetscErrorCode build(const StrategyLP *lp, const PetscReal *m, PetscReal cmax, glp_prob *P)
{
  PetscInt ntier = lp->tier_start[lp->nvar];
  int *ind;
  double *val;

  PetscFunctionBeginUser;
  glp_set_obj_dir(P, GLP_MIN);
  if (lp->nrow) glp_add_rows(P, (int)lp->nrow);
  for (PetscInt r = 0; r < lp->nrow; r++)
    glp_set_row_bnds(P, (int)r + 1, GLP_LO, lp->rhs[r] / m[r], 0);
  if (ntier) glp_add_cols(P, (int)ntier);
  PetscCall(PetscMalloc2(lp->nrow + 1, &ind, lp->nrow + 1, &val));
  for (PetscInt v = 0; v < lp->nvar; v++) {
    int nz = 0;
    for (PetscInt r = 0; r < lp->nrow; r++)
      if (PetscAbsReal(lp->coef[r * lp->nvar + v]) > COEF_FLOOR * m[r]) {
        nz++;
        ind[nz] = (int)r + 1;
        val[nz] = lp->coef[r * lp->nvar + v] / m[r];
      }
    for (PetscInt k = lp->tier_start[v]; k < lp->tier_start[v + 1]; k++) {
      int j = (int)k + 1;
      glp_set_col_bnds(P, j, lp->tier_width[k] > 0 ? GLP_DB : GLP_FX, 0, lp->tier_width[k]);
      glp_set_obj_coef(P, j, lp->tier_cost[k] / cmax);
      if (nz) glp_set_mat_col(P, j, nz, ind, val);
    }
  }
  PetscCall(PetscFree2(ind, val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The column (tier) k's coefficient in row r. */
static PetscReal coef_of(const StrategyLP *lp, const PetscInt *var, PetscInt r, PetscInt k)
{
  return lp->coef[r * lp->nvar + var[k]];
}

/* Solve the n-by-n system a x = b in place (b becomes x; a column-major), or its transpose. */
static PetscErrorCode dense_solve(PetscInt n, PetscScalar *a, PetscScalar *b, PetscBool transpose)
{
  PetscBLASInt bn, one = 1, info, *piv;

  PetscFunctionBeginUser;
  if (!n) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc1(n, &piv));
  if (transpose)
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt j = 0; j < i; j++) {
        PetscScalar t = a[i * n + j];
        a[i * n + j] = a[j * n + i], a[j * n + i] = t;
      }
  PetscCallBLAS("LAPACKgesv", LAPACKgesv_(&bn, &one, a, &bn, piv, b, &bn, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB,
             "LAPACK error in dgesv: info %d (GLPK's basis of the strategy LP is singular)",
             (int)info);
  PetscCall(PetscFree(piv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The optimum in full double precision on GLPK's final basis: the nonbasic tiers at their bounds,
   the basic ones from the binding rows (R, as many as basic tiers B), the duals from the basic
   tiers' costs; then the checks of primal and dual feasibility. Sets sol, *primal_ok and
   *dual_ok. */
static PetscErrorCode polish(const StrategyLP *lp, glp_prob *P, const PetscInt *var,
                             StrategySolution *sol, PetscBool *primal_ok, PetscBool *dual_ok)
{
  PetscInt nt = lp->tier_start[lp->nvar], nb = 0, nr = 0, *B, *R;
  PetscReal *x, lmax = 0;
  PetscScalar *M, *rhs;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(nt, &x, lp->nrow + 1, &B, lp->nrow + 1, &R));
  for (PetscInt k = 0; k < nt; k++) {
    int st = glp_get_col_stat(P, (int)k + 1);
    x[k] = st == GLP_NU ? lp->tier_width[k] : 0;
    if (st == GLP_BS) {
      PetscCheck(nb < lp->nrow, PETSC_COMM_SELF, PETSC_ERR_LIB,
                 "GLPK's basis of the strategy LP has more basic columns than rows");
      B[nb++] = k;
    }
  }
  for (PetscInt r = 0; r < lp->nrow; r++)
    if (glp_get_row_stat(P, (int)r + 1) != GLP_BS) R[nr++] = r;
  PetscCheck(nb == nr, PETSC_COMM_SELF, PETSC_ERR_LIB,
             "GLPK's basis of the strategy LP has %d basic columns for %d binding rows", (int)nb,
             (int)nr);
  PetscCall(PetscMalloc2(nb * nb + 1, &M, nb + 1, &rhs));
  for (PetscInt i = 0; i < nb; i++) {
    rhs[i] = lp->rhs[R[i]];
    for (PetscInt k = 0; k < nt; k++)
      if (x[k] != 0) rhs[i] -= coef_of(lp, var, R[i], k) * x[k];
    for (PetscInt j = 0; j < nb; j++) M[j * nb + i] = coef_of(lp, var, R[i], B[j]);
  }
  PetscCall(dense_solve(nb, M, rhs, PETSC_FALSE));
  for (PetscInt j = 0; j < nb; j++)
    x[B[j]] = PetscMax(0, PetscMin(PetscRealPart(rhs[j]), lp->tier_width[B[j]]));
  for (PetscInt i = 0; i < nb; i++) {
    rhs[i] = lp->tier_cost[B[i]];
    for (PetscInt j = 0; j < nb; j++) M[j * nb + i] = coef_of(lp, var, R[j], B[i]);
  }
  PetscCall(dense_solve(nb, M, rhs, PETSC_FALSE));
  for (PetscInt r = 0; r < lp->nrow; r++) sol->dual[r] = 0;
  for (PetscInt i = 0; i < nb; i++) sol->dual[R[i]] = PetscRealPart(rhs[i]);
  for (PetscInt r = 0; r < lp->nrow; r++) lmax = PetscMax(lmax, PetscAbsReal(sol->dual[r]));
  *primal_ok = *dual_ok = PETSC_TRUE;
  for (PetscInt r = 0; r < lp->nrow; r++) {
    PetscReal act = 0, size = 0;
    for (PetscInt k = 0; k < nt; k++) {
      act += coef_of(lp, var, r, k) * x[k];
      size += PetscAbsReal(coef_of(lp, var, r, k) * x[k]);
    }
    if (act < lp->rhs[r] - CHECK_TOL * PetscMax(size, PetscAbsReal(lp->rhs[r])))
      *primal_ok = PETSC_FALSE;
    if (sol->dual[r] < -CHECK_TOL * lmax) *dual_ok = PETSC_FALSE;
  }
  for (PetscInt k = 0; k < nt; k++) {
    int st = glp_get_col_stat(P, (int)k + 1);
    PetscReal d = lp->tier_cost[k], size = PetscAbsReal(lp->tier_cost[k]);
    for (PetscInt r = 0; r < lp->nrow; r++) {
      d -= sol->dual[r] * coef_of(lp, var, r, k);
      size += PetscAbsReal(sol->dual[r] * coef_of(lp, var, r, k));
    }
    if (lp->tier_width[k] != 0 && st != GLP_BS &&
        !(st == GLP_NU ? d <= CHECK_TOL * size : d >= -CHECK_TOL * size))
      *dual_ok = PETSC_FALSE;
  }
  sol->cost = 0;
  for (PetscInt k = 0; k < nt; k++) sol->cost += lp->tier_cost[k] * x[k];
  for (PetscInt v = 0; v < lp->nvar; v++) {
    sol->y[v] = 0;
    for (PetscInt k = lp->tier_start[v]; k < lp->tier_start[v + 1]; k++) sol->y[v] += x[k];
  }
  PetscCall(PetscFree2(M, rhs));
  PetscCall(PetscFree3(x, B, R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode strategy_lp_solve(const StrategyLP *lp, StrategySolution *sol)
{
  glp_prob *P;
  glp_smcp parm;
  int ret, status;
  PetscReal *m, cmax;
  PetscInt *var, nt = lp->tier_start[lp->nvar];
  PetscBool primal_ok = PETSC_FALSE, dual_ok = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(lp->nrow + 1, &m, nt + 1, &var));
  for (PetscInt v = 0; v < lp->nvar; v++)
    for (PetscInt k = lp->tier_start[v]; k < lp->tier_start[v + 1]; k++) var[k] = v;
  scales(lp, m, &cmax);
  glp_term_out(GLP_OFF);
  P = glp_create_prob();
  PetscCall(build(lp, m, cmax, P));
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;
  parm.meth = GLP_DUALP;
  parm.r_test = GLP_RT_FLIP;
  parm.tol_dj = GLPK_TOL_DJ;
  parm.tol_bnd = GLPK_TOL_BND;
  /* The dual simplex first; should its basis fail the checks, the primal simplex from there (with
     the tight, then the default row tolerance), then from the standard basis. A programme is
     infeasible when the last of them finds no feasible point and its basis misses a row (the dual
     simplex alone has called feasible ones infeasible). */
  for (PetscInt attempt = 0; attempt < SOLVE_ATTEMPTS && !(primal_ok && dual_ok); attempt++) {
    if (attempt) parm.meth = GLP_PRIMAL, parm.r_test = GLP_RT_HAR;
    if (attempt == 2) parm.tol_bnd = GLPK_TOL_BND_LOOSE; /* a point at the caps' very limit */
    if (attempt == 3) glp_std_basis(P), parm.tol_bnd = GLPK_TOL_BND;
    ret = glp_simplex(P, &parm);
    PetscCheck(ret == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "GLPK error in glp_simplex: code %d", ret);
    status = glp_get_status(P);
    PetscCheck(status == GLP_OPT || status == GLP_NOFEAS, PETSC_COMM_SELF, PETSC_ERR_LIB,
               "GLPK error in glp_simplex: status %d (expected an optimum or no feasible point)",
               status);
    PetscCall(polish(lp, P, var, sol, &primal_ok, &dual_ok));
  }
  PetscCheck((primal_ok && dual_ok) || (!primal_ok && status == GLP_NOFEAS), PETSC_COMM_SELF,
             PETSC_ERR_LIB,
             "GLPK's solution of the strategy LP fails its double-precision check (%s) after %d "
             "attempts",
             primal_ok ? "a reduced cost or dual of the wrong sign" : "a row not met",
             SOLVE_ATTEMPTS);
  sol->optimal = primal_ok;
  if (!sol->optimal) {
    sol->cost = 0;
    for (PetscInt v = 0; v < lp->nvar; v++) sol->y[v] = 0;
    for (PetscInt r = 0; r < lp->nrow; r++) sol->dual[r] = 0;
  }
  glp_delete_prob(P);
  PetscCall(PetscFree2(m, var));
  PetscFunctionReturn(PETSC_SUCCESS);
}
