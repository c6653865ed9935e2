/* The strategy LP solved by GLPK (see strategy_lp.h). Why GLPK: it is a Debian package
   (libglpk-dev), so it installs on any machine the model builds on; it has a plain C API that
   builds a problem column by column with no modelling language; and its primal simplex works on
   the programme as given, returning a vertex optimum together with the row duals (the shadow
   prices of the targets, which an interior-point or heuristic solver would give only
   approximately). COIN-OR Clp would serve as well but is a C++ library behind a thinner C
   interface. The presolver is off so that the duals are those of the rows as written.

   Exactness. Costs of one plan span seven or more decades (a far unit's tiny share of a dear
   sector against a near power plant), and GLPK's floating-point simplex takes reduced costs below
   its tolerance (1e-7 of the scaled objective) for zero: on the test case it stopped at a basis
   it called optimal that cost 28 times the optimum, with a target row violated. So the
   floating-point dual simplex (long-step ratio test) only finds a starting basis, and glp_exact,
   GLPK's simplex in rational arithmetic, continues from it to the exact optimum of the
   programme as given in doubles; with a handful of rows its basis is tiny and it costs little.

   Scaling. A tag's contribution at a far receptor can be 1e-30 of the nearest one's, and GLPK's
   feasibility test is relative to the scaled rows: such entries let it call a violated row
   feasible. So each row is divided by its largest coefficient, entries below COEF_FLOOR of it are
   dropped (their sum over every variable changes the row by less than COEF_FLOOR times the
   number of variables, relative), the costs are divided by the largest one, and the duals are
   scaled back. */
#include "postproc/strategy_lp.h"
#include <glpk.h>

/* Entries of a row below this fraction of its largest one are dropped (see above). */
#define COEF_FLOOR 1e-14

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

PetscErrorCode strategy_lp_solve(const StrategyLP *lp, StrategySolution *sol)
{
  glp_prob *P;
  glp_smcp parm;
  int ret, status;
  PetscReal *m, cmax;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(lp->nrow + 1, &m));
  scales(lp, m, &cmax);
  glp_term_out(GLP_OFF);
  P = glp_create_prob();
  PetscCall(build(lp, m, cmax, P));
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;
  parm.meth = GLP_DUALP;
  parm.r_test = GLP_RT_FLIP;
  glp_scale_prob(P, GLP_SF_AUTO);
  ret = glp_simplex(P, &parm);
  PetscCheck(ret == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "GLPK error in glp_simplex: code %d", ret);
  ret = glp_exact(P, &parm);
  PetscCheck(ret == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "GLPK error in glp_exact: code %d", ret);
  status = glp_get_status(P);
  PetscCheck(status == GLP_OPT || status == GLP_NOFEAS, PETSC_COMM_SELF, PETSC_ERR_LIB,
             "GLPK error in glp_simplex: status %d (expected an optimum or no feasible point)",
             status);
  sol->optimal = status == GLP_OPT ? PETSC_TRUE : PETSC_FALSE;
  sol->cost = sol->optimal ? glp_get_obj_val(P) * cmax : 0;
  for (PetscInt v = 0; v < lp->nvar; v++) {
    sol->y[v] = 0;
    for (PetscInt k = lp->tier_start[v]; k < lp->tier_start[v + 1]; k++)
      sol->y[v] += sol->optimal ? glp_get_col_prim(P, (int)k + 1) : 0;
  }
  for (PetscInt r = 0; r < lp->nrow; r++)
    sol->dual[r] = sol->optimal ? glp_get_row_dual(P, (int)r + 1) * cmax / m[r] : 0;
  glp_delete_prob(P);
  PetscCall(PetscFree(m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
