#pragma once
/* The least-cost cut problem as a linear programme, and its solution by GLPK's simplex.

     minimise    sum_v sum_k c[v,k] z[v,k]               (yuan a year)
     subject to  sum_v a[r,v] y[v] >= rhs[r]             for every row r (a target, a day, a
                                                          prefecture's share)
                 y[v] = sum_k z[v,k],  0 <= z[v,k] <= w[v,k]

   y[v] is the cut fraction of decision variable v (a control unit's sector and precursor), its
   tiers k the segments of its piecewise-linear cost (width w, cost c per unit fraction, c not
   decreasing in k: convex, so the cheaper tiers fill first and the tier variables need no
   integers). A cap on y[v] is the tiers' total width. The tier variables replace y in the rows,
   so the programme has one column per tier and no linking rows. */
#include <petscsys.h>

typedef struct {
  PetscInt nvar, nrow;
  const PetscInt *tier_start;  /* tiers of v are tier_start[v] .. tier_start[v+1]-1; borrowed */
  const PetscReal *tier_width; /* fraction; borrowed */
  const PetscReal *tier_cost;  /* yuan a year per unit fraction; borrowed */
  const PetscReal *coef;       /* [r * nvar + v], the row's quantity per unit fraction; borrowed */
  const PetscReal *rhs;        /* nrow; borrowed */
} StrategyLP;

typedef struct {
  PetscBool optimal; /* an optimum was found (else the programme is infeasible) */
  PetscReal cost;    /* yuan a year */
  PetscReal *y;      /* nvar cut fractions; owned by the caller */
  PetscReal *dual;   /* nrow shadow prices, yuan a year per unit of the row; owned by the caller */
} StrategySolution;

/* Solve lp into sol (sol->y and sol->dual sized by the caller). A programme GLPK finds infeasible
   leaves optimal false; GLPK's own failures raise PETSC_ERR_LIB. Not collective. */
PetscErrorCode strategy_lp_solve(const StrategyLP *lp, StrategySolution *sol);

/* The largest value row r can reach within the caps, sum_v max(a[r,v], 0) * (sum of v's widths):
   every coefficient counts on its own, so it is the row's optimum alone. Not collective. */
PetscReal strategy_lp_row_max(const StrategyLP *lp, PetscInt r);
