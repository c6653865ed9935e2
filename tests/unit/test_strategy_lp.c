/* The strategy LP (postproc/strategy_lp.c): a one-row programme against its closed-form optimum
   (a fractional knapsack: tiers filled by increasing cost per unit of the row), an infeasible
   programme, and the size of the Xinjiang problem (320 units x 5 sectors x 4 precursors, three
   tiers each, three dense target rows) solved on one core, with its time printed. */
#include <petsctime.h>
#include "tests/tap.h"
#include "postproc/strategy_lp.h"

#define NTIER 3

/* A deterministic sequence in [0, 1) (no rand(): STYLE.md rule 38). */
static PetscReal next(unsigned long *state)
{
  *state = *state * 6364136223846793005UL + 1442695040888963407UL;
  return (PetscReal)(*state >> 11) / 9007199254740992.0;
}

/* A problem of nvar variables and nrow rows with costs rising tier by tier. */
static PetscErrorCode make(PetscInt nvar, PetscInt nrow, unsigned long seed, PetscInt **start,
                           PetscReal **w, PetscReal **c, PetscReal **a)
{
  unsigned long st = seed;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc4(nvar + 1, start, nvar * NTIER, w, nvar * NTIER, c, nvar * nrow, a));
  for (PetscInt v = 0; v <= nvar; v++) (*start)[v] = v * NTIER;
  for (PetscInt v = 0; v < nvar; v++) {
    PetscReal e = 10 + 5000 * next(&st), price = 1000 + 9000 * next(&st);
    for (PetscInt k = 0; k < NTIER; k++) {
      (*w)[v * NTIER + k] = 0.2 + 0.1 * k;
      (*c)[v * NTIER + k] = e * price * (1 + 1.5 * k);
    }
    for (PetscInt r = 0; r < nrow; r++) (*a)[r * nvar + v] = 1e-3 * next(&st) * next(&st);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The optimum of a one-row programme: tiers by increasing cost per unit of the row. */
static PetscReal knapsack(PetscInt nvar, const PetscReal *w, const PetscReal *c, const PetscReal *a,
                          PetscReal rhs)
{
  PetscInt n = nvar * NTIER, *order;
  PetscReal *ratio, cost = 0;
  PetscMalloc2(n, &order, n, &ratio);
  for (PetscInt k = 0; k < n; k++) order[k] = k, ratio[k] = c[k] / a[k / NTIER];
  PetscSortRealWithPermutation(n, ratio, order);
  for (PetscInt q = 0; q < n && rhs > 0; q++) {
    PetscInt k = order[q];
    PetscReal take = PetscMin(w[k], rhs / a[k / NTIER]);
    cost += take * c[k];
    rhs -= take * a[k / NTIER];
  }
  PetscFree2(order, ratio);
  return cost;
}

int main(int argc, char **argv)
{
  PetscInt *start, nvar = 40, nbig = 320 * 5 * 4;
  PetscReal *w, *c, *a, rhs, y[6400], dual[3], t0, t1, most, worst = 0;
  StrategyLP lp;
  StrategySolution sol = {.y = y, .dual = dual};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(make(nvar, 1, 2385, &start, &w, &c, &a));
  lp = (StrategyLP){nvar, 1, start, w, c, a, &rhs};
  rhs = 0.37 * strategy_lp_row_max(&lp, 0);
  PetscCall(strategy_lp_solve(&lp, &sol));
  {
    PetscReal exact = knapsack(nvar, w, c, a, rhs);
    tap_ok(sol.optimal && PetscAbsReal(sol.cost - exact) <= 1e-12 * exact,
           "one row, %d variables: cost %.15g equals the knapsack optimum %.15g (relative %.2g)",
           (int)nvar, (double)sol.cost, (double)exact,
           (double)(PetscAbsReal(sol.cost - exact) / exact));
  }
  rhs = 1.0001 * strategy_lp_row_max(&lp, 0);
  PetscCall(strategy_lp_solve(&lp, &sol));
  tap_ok(!sol.optimal, "a row beyond the caps is infeasible");
  PetscCall(PetscFree4(start, w, c, a));

  PetscCall(make(nbig, 3, 1753, &start, &w, &c, &a));
  {
    PetscReal rhs3[3];
    lp = (StrategyLP){nbig, 3, start, w, c, a, rhs3};
    for (PetscInt r = 0; r < 3; r++) rhs3[r] = (0.25 + 0.1 * r) * strategy_lp_row_max(&lp, r);
    PetscCall(PetscTime(&t0));
    PetscCall(strategy_lp_solve(&lp, &sol));
    PetscCall(PetscTime(&t1));
    for (PetscInt r = 0; r < 3; r++) {
      PetscReal s = 0;
      for (PetscInt v = 0; v < nbig; v++) s += a[r * nbig + v] * y[v];
      worst = PetscMax(worst, (rhs3[r] - s) / rhs3[r]);
    }
    most = t1 - t0;
    tap_ok(sol.optimal && worst < 1e-12,
           "%d variables (%d tier columns), 3 targets: optimal, rows met (worst shortfall %.2g)",
           (int)nbig, (int)(nbig * NTIER), (double)worst);
    tap_diag("solve time of the %d-variable problem: %.3f s on one core", (int)nbig, (double)most);
    tap_ok(most < 60, "solved in %.3f s (generous bound; the issue asks for under 5 s)",
           (double)most);
  }
  PetscCall(PetscFree4(start, w, c, a));
  PetscCall(PetscFinalize());
  return tap_done();
}
