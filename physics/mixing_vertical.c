/* Vertical turbulent mixing with dry deposition at the ground, implicit in time.

   Equation (K-theory, flux form on the air mass of each layer):
     m_k dq_k/dt = G_{k+1/2} (q_{k+1} - q_k) - G_{k-1/2} (q_k - q_{k-1}) - delta_{k0} D q_0
   with m_k the air mass of layer k (kg), q the mass mixing ratio (kg kg-1),
     G_{k+1/2} = rho_{k+1/2} K_{k+1/2} A / dz_{k+1/2}   (kg s-1), the interface conductance,
     rho_{k+1/2} = (rho_k dz_k + rho_{k+1} dz_{k+1}) / (dz_k + dz_{k+1}), dz_{k+1/2} = (dz_k +
   dz_{k+1}) / 2, D = v_d rho_0 A  (kg s-1), the dry-deposition flux coefficient of the lowest
   layer, A the true horizontal area of the column, zero flux through the model top. Discretisation:
   backward Euler, so the matrix is an M-matrix: mixing ratios stay positive and no time-step limit
   applies. The tridiagonal matrix of each column and species (species differ only by v_d) is
   factored once with LAPACK dgttrf and applied with dgttrs to the bulk mixing ratio and all its
   tags as right-hand sides, so the tags see exactly the bulk's operator and sum to it to round-off.
   Tracer mass changes exactly (to round-off) by the deposited dt D q_0. Reference: the implicit
   K-theory of CMAQ's vdiff and CAMx's vertical diffusion; dry deposition inside the solve as in
   CAMx.

   Reads: air_mass (kg), rho (kg m-3), dz (m), kz (m2 s-1, top interface of each layer), vdep
   (m s-1, from deposition_dry; zero if it is off). Writes: q, tag (kg kg-1); dep_dry (kg m-2);
   budget[BUDGET_DRY_DEPOSITED].
   Namelist &mixing_vertical: kz_min, kz_max (m2 s-1), bounds applied to the met's Kz.
   Transpose (backward runs): the transposed solve of the same factorisation times the air
   masses, W A^-T lambda (see transpose_species for the algebra). */
#include "physics/process.h"
#include <petscblaslapack.h>

/* LAPACK's tridiagonal LU, which petscblaslapack.h does not wrap. */
extern void dgttrf_(const PetscBLASInt *n, PetscReal *dl, PetscReal *d, PetscReal *du,
                    PetscReal *du2, PetscBLASInt *ipiv, PetscBLASInt *info);
extern void dgttrs_(const char *trans, const PetscBLASInt *n, const PetscBLASInt *nrhs,
                    const PetscReal *dl, const PetscReal *d, const PetscReal *du,
                    const PetscReal *du2, const PetscBLASInt *ipiv, PetscReal *b,
                    const PetscBLASInt *ldb, PetscBLASInt *info);

typedef struct {
  PetscReal kz_min, kz_max;
} Params;

static const ParamSpec param_table[] = {
    {.key = "kz_min",
     .units = "m2 s-1",
     .help = "lower bound on the vertical diffusivity",
     .type = PARAM_REAL,
     .def = 0.1,
     .min = 0,
     .max = 1e3,
     .offset = offsetof(Params, kz_min),
     .at_most = "kz_max"},
    {.key = "kz_max",
     .units = "m2 s-1",
     .help = "upper bound on the vertical diffusivity",
     .type = PARAM_REAL,
     .def = 1000,
     .min = 0,
     .max = 1e5,
     .offset = offsetof(Params, kz_max)},
    {.key = NULL},
};

typedef struct {
  Params p;
  PetscInt nz;
  PetscReal *g;                 /* interface conductances, nz - 1 */
  PetscReal *dl, *d, *du, *du2; /* factors of the current matrix */
  PetscBLASInt *ipiv;
  PetscReal *b;      /* right-hand side of the pivoting fallback, 2 nz */
  PetscReal *dinv;   /* 1 / d */
  PetscBool pivoted; /* dgttrf pivoted: use dgttrs */
  PetscReal *m;      /* layer air masses */
  PetscReal *lt, *dt_inv,
      *ut; /* all species' factors, [k*nspec + s]: L below the diagonal, 1/d, U above */
} Ctx;

/* Interface conductances G_{k+1/2} of one column (pure kernel). */
static void column_conductance(PetscInt nz, const PetscReal *rho, const PetscReal *dz,
                               const PetscReal *kz, PetscReal area, PetscReal kz_min,
                               PetscReal kz_max, PetscReal *g)
{
  for (PetscInt k = 0; k + 1 < nz; k++) {
    PetscReal rhoi = (rho[k] * dz[k] + rho[k + 1] * dz[k + 1]) / (dz[k] + dz[k + 1]);
    PetscReal K = PetscMin(PetscMax(kz[k], kz_min), kz_max);
    g[k] = rhoi * K * area / (0.5 * (dz[k] + dz[k + 1]));
  }
}

/* The backward-Euler matrix of one column for deposition coefficient D (pure kernel). */
static void column_matrix(PetscInt nz, const PetscReal *m, const PetscReal *g, PetscReal dt,
                          PetscReal D, PetscReal *dl, PetscReal *d, PetscReal *du)
{
  for (PetscInt k = 0; k < nz; k++) {
    PetscReal up = k + 1 < nz ? g[k] : 0, down = k > 0 ? g[k - 1] : 0;
    d[k] = m[k] + dt * (up + down) + (k == 0 ? dt * D : 0);
    if (k + 1 < nz) {
      du[k] = -dt * up;
      dl[k] = -dt * up;
    }
  }
}

static PetscErrorCode init(const void *params, const Patch *patch, void **ctx)
{
  Ctx *c;
  PetscInt nz = patch->mz;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->p = *(const Params *)params;
  c->nz = nz;
  PetscCall(PetscMalloc7(nz, &c->g, nz, &c->dl, nz, &c->d, nz, &c->du, nz, &c->du2, nz, &c->ipiv,
                         nz, &c->m));
  PetscCall(PetscMalloc2(2 * nz, &c->b, nz, &c->dinv));
  PetscCall(PetscMalloc3(nz * patch->nspec, &c->lt, nz * patch->nspec, &c->dt_inv,
                         nz * patch->nspec, &c->ut));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode finalize(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree7(c->g, c->dl, c->d, c->du, c->du2, c->ipiv, c->m));
  PetscCall(PetscFree2(c->b, c->dinv));
  PetscCall(PetscFree3(c->lt, c->dt_inv, c->ut));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose of the tag map of one species of a column, in place on the adjoint values
   lambda (one per functional, contiguous), with the factors factor_column() left in lt, dt_inv
   and ut (dgttrf did not pivot, so A = L U with L unit lower bidiagonal, l_k = lt at row k, and
   U upper bidiagonal, diagonal d_k = 1 / dt_inv, u_k = ut at row k).
   The forward map on the tags is t_out = A^-1 W t_in, with W = diag(m_k) the air masses: the
   right-hand side is the tracer mass b_k = m_k t_k, and step() solves L y = b (forward, y_k =
   b_k - l_k y_{k-1}) and U t_out = y (backward, t_k = (y_k - u_k t_{k+1}) / d_k). Its transpose
   is (A^-1 W)^T = W A^-T = W L^-T U^-T, so lambda_out = W w with U^T z = lambda and L^T w = z:
     U^T is lower bidiagonal (d_k on the diagonal, u_{k-1} below it): forward in k,
       z_k = (lambda_k - u_{k-1} z_{k-1}) / d_k;
     L^T is unit upper bidiagonal (l_{k+1} above the diagonal): backward in k,
       w_k = z_k - l_{k+1} w_{k+1};
   then lambda_out_k = m_k w_k. The same factors as step(), applied in the reverse order and
   transposed, with the same reciprocals 1 / d_k; the bulk is not touched here.
   The K-theory matrix is symmetric (du_k = dl_k = -dt G_{k+1/2}), so A^-T = A^-1 and W A^-1
   lambda would be the same map to round-off (the dot-product test cannot tell 'T' from 'N' in
   the dgttrs fallback). The transposed order is kept so that the transpose stays right for an
   unsymmetric operator (ACM2's non-local term, an upwind part) without another review. */
static void transpose_species(const Ctx *c, const Patch *p, PetscInt i, PetscInt j, PetscInt s,
                              Fields *f)
{
  PetscInt nz = c->nz, ns = p->nspec, nt = p->ntag, base = patch_index(p, i, j, 0),
           stride = patch_index(p, i, j, 1) - base;
  for (PetscInt n = 0; n < nt; n++) f->tag[(base * ns + s) * nt + n] *= c->dt_inv[s];
  for (PetscInt k = 1; k < nz; k++) {
    PetscReal *restrict t = &f->tag[((base + k * stride) * ns + s) * nt];
    const PetscReal *restrict tb = &f->tag[((base + (k - 1) * stride) * ns + s) * nt];
    PetscReal us = c->ut[(k - 1) * ns + s], d = c->dt_inv[k * ns + s];
    for (PetscInt n = 0; n < nt; n++) t[n] = (t[n] - us * tb[n]) * d;
  }
  for (PetscInt k = nz - 2; k >= 0; k--) {
    PetscReal *restrict t = &f->tag[((base + k * stride) * ns + s) * nt];
    const PetscReal *restrict ta = &f->tag[((base + (k + 1) * stride) * ns + s) * nt];
    PetscReal ls = c->lt[(k + 1) * ns + s];
    for (PetscInt n = 0; n < nt; n++) t[n] -= ls * ta[n];
  }
  for (PetscInt k = 0; k < nz; k++) {
    PetscReal *restrict t = &f->tag[((base + k * stride) * ns + s) * nt], mk = c->m[k];
    for (PetscInt n = 0; n < nt; n++) t[n] *= mk;
  }
}

/* Solve one species of one column in place: bulk and tags. The matrix is an M-matrix, so
   dgttrf does not pivot; the factors L (unit lower, multipliers dl) and U (diagonal d, upper du)
   are then applied in place to the bulk and to all tags at once, the tag index innermost and
   contiguous, which vectorises (dgttrs would need the tags gathered into columns). A pivot, if
   one ever occurred, falls back to dgttrs, here: the bulk as step() solves it, and the tags by
   A^-1 (m t) or, with transpose, the adjoint values by m (A^-T lambda) (dgttrs with trans 'T'). */
static PetscErrorCode solve_species(Ctx *c, const Patch *p, PetscInt i, PetscInt j, PetscInt s,
                                    Fields *f, PetscReal dt, PetscReal D, PetscBool refactor,
                                    PetscBool transpose)
{
  PetscInt nz = c->nz, ns = p->nspec, nt = p->ntag;
  PetscBLASInt n, one = 1, info;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(nz, &n));
  if (refactor) {
    column_matrix(nz, c->m, c->g, dt, D, c->dl, c->d, c->du);
    PetscCallBLAS("LAPACKgttrf", dgttrf_(&n, c->dl, c->d, c->du, c->du2, c->ipiv, &info));
    PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB,
               "dgttrf failed (info %d) in column (%d,%d)", (int)info, (int)i, (int)j);
    c->pivoted = PETSC_FALSE;
    for (PetscInt k = 0; k < nz; k++) {
      c->pivoted = c->pivoted || c->ipiv[k] != k + 1;
      c->dinv[k] = 1 / c->d[k];
    }
  }
  if (c->pivoted) {
    for (PetscInt k = 0; k < nz; k++) c->b[k] = c->m[k] * f->q[patch_index(p, i, j, k) * ns + s];
    PetscCallBLAS("LAPACKgttrs",
                  dgttrs_("N", &n, &one, c->dl, c->d, c->du, c->du2, c->ipiv, c->b, &n, &info));
    PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgttrs failed (info %d)", (int)info);
    for (PetscInt k = 0; k < nz; k++) c->b[nz + k] = c->b[k];
    for (PetscInt t = 0; t < nt; t++) {
      for (PetscInt k = 0; k < nz; k++)
        c->b[k] = (transpose ? 1 : c->m[k]) * f->tag[(patch_index(p, i, j, k) * ns + s) * nt + t];
      PetscCallBLAS("LAPACKgttrs", dgttrs_(transpose ? "T" : "N", &n, &one, c->dl, c->d, c->du,
                                           c->du2, c->ipiv, c->b, &n, &info));
      PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgttrs failed (info %d)", (int)info);
      for (PetscInt k = 0; k < nz; k++)
        f->tag[(patch_index(p, i, j, k) * ns + s) * nt + t] = (transpose ? c->m[k] : 1) * c->b[k];
    }
    for (PetscInt k = 0; k < nz; k++) f->q[patch_index(p, i, j, k) * ns + s] = c->b[nz + k];
  } else {
    PetscReal *q = f->q + s, *tg = f->tag ? f->tag + s * nt : NULL;
    PetscInt stride = patch_index(p, i, j, 1) - patch_index(p, i, j, 0),
             base = patch_index(p, i, j, 0);
    PetscBool tags = nt && !transpose;
    /* Forward: y_k = m_k x_k - dl_{k-1} y_{k-1}; backward: x_k = (y_k - du_k x_{k+1}) / d_k. */
    for (PetscInt k = 0; k < nz; k++) {
      PetscInt cell = base + k * stride;
      PetscReal mk = c->m[k], l = k > 0 ? c->dl[k - 1] : 0;
      q[cell * ns] = mk * q[cell * ns] - (k > 0 ? l * q[(cell - stride) * ns] : 0);
      if (tags) {
        PetscReal *restrict t = &tg[cell * ns * nt];
        const PetscReal *restrict tb = k > 0 ? &tg[(cell - stride) * ns * nt] : NULL;
        if (k > 0)
          for (PetscInt n2 = 0; n2 < nt; n2++) t[n2] = mk * t[n2] - l * tb[n2];
        else
          for (PetscInt n2 = 0; n2 < nt; n2++) t[n2] = mk * t[n2];
      }
    }
    for (PetscInt k = nz - 1; k >= 0; k--) {
      PetscInt cell = base + k * stride;
      PetscReal u = k + 1 < nz ? c->du[k] : 0, di = c->dinv[k];
      q[cell * ns] = (q[cell * ns] - (k + 1 < nz ? u * q[(cell + stride) * ns] : 0)) * di;
      if (tags) {
        PetscReal *restrict t = &tg[cell * ns * nt];
        const PetscReal *restrict ta = k + 1 < nz ? &tg[(cell + stride) * ns * nt] : NULL;
        if (k + 1 < nz)
          for (PetscInt n2 = 0; n2 < nt; n2++) t[n2] = (t[n2] - u * ta[n2]) * di;
        else
          for (PetscInt n2 = 0; n2 < nt; n2++) t[n2] *= di;
      }
    }
    if (transpose && nt) transpose_species(c, p, i, j, s, f);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Factor the matrix of every species of a column (species with the same deposition share the
   previous one's dgttrf) into the transposed arrays lt, dt_inv, ut. Returns PETSC_TRUE in
   *pivoted if dgttrf pivoted for any species (then the column takes the per-species path). */
static PetscErrorCode factor_column(Ctx *c, PetscInt ns, const PetscReal *D, PetscReal dt,
                                    PetscBool *pivoted)
{
  PetscInt nz = c->nz;
  PetscBLASInt n, info;

  PetscFunctionBeginUser;
  PetscCall(PetscBLASIntCast(nz, &n));
  *pivoted = PETSC_FALSE;
  for (PetscInt s = 0; s < ns; s++) {
    if (s == 0 || D[s] != D[s - 1]) {
      column_matrix(nz, c->m, c->g, dt, D[s], c->dl, c->d, c->du);
      PetscCallBLAS("LAPACKgttrf", dgttrf_(&n, c->dl, c->d, c->du, c->du2, c->ipiv, &info));
      PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgttrf failed (info %d)", (int)info);
      for (PetscInt k = 0; k < nz; k++) *pivoted = *pivoted || c->ipiv[k] != k + 1;
    }
    for (PetscInt k = 0; k < nz; k++) {
      c->lt[k * ns + s] = k > 0 ? c->dl[k - 1] : 0;
      c->dt_inv[k * ns + s] = 1 / c->d[k];
      c->ut[k * ns + s] = k + 1 < nz ? c->du[k] : 0;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Apply the factors of every species to the bulk and (with tags) the tags of a column, in place:
   forward y_k = m_k x_k - l_k y_{k-1}, backward x_k = (y_k - u_k x_{k+1}) / d_k, the species
   (and then the tags) innermost and contiguous. The bulk's arithmetic does not depend on tags. */
static void solve_column(const Ctx *c, const Patch *p, PetscInt i, PetscInt j, Fields *f,
                         PetscBool tags)
{
  PetscInt nz = c->nz, ns = p->nspec, nt = tags ? p->ntag : 0, base = patch_index(p, i, j, 0),
           stride = patch_index(p, i, j, 1) - base;
  for (PetscInt k = 0; k < nz; k++) {
    PetscReal *restrict q = &f->q[(base + k * stride) * ns];
    const PetscReal *restrict qb = k > 0 ? &f->q[(base + (k - 1) * stride) * ns] : q,
                              *restrict l = &c->lt[k * ns];
    PetscReal mk = c->m[k];
    for (PetscInt s = 0; s < ns; s++) q[s] = mk * q[s] - l[s] * (k > 0 ? qb[s] : 0);
    for (PetscInt s = 0; s < ns && nt; s++) {
      PetscReal *restrict t = &f->tag[((base + k * stride) * ns + s) * nt];
      const PetscReal *restrict tb = &f->tag[((base + (k > 0 ? k - 1 : 0) * stride) * ns + s) * nt];
      PetscReal ls = k > 0 ? l[s] : 0;
      for (PetscInt n = 0; n < nt; n++) t[n] = mk * t[n] - ls * tb[n];
    }
  }
  for (PetscInt k = nz - 1; k >= 0; k--) {
    PetscReal *restrict q = &f->q[(base + k * stride) * ns];
    const PetscReal *restrict qa = k + 1 < nz ? &f->q[(base + (k + 1) * stride) * ns] : q,
                              *restrict u = &c->ut[k * ns], *restrict di = &c->dt_inv[k * ns];
    for (PetscInt s = 0; s < ns; s++) q[s] = (q[s] - u[s] * (k + 1 < nz ? qa[s] : 0)) * di[s];
    for (PetscInt s = 0; s < ns && nt; s++) {
      PetscReal *restrict t = &f->tag[((base + k * stride) * ns + s) * nt];
      const PetscReal *restrict ta =
          &f->tag[((base + (k + 1 < nz ? k + 1 : k) * stride) * ns + s) * nt];
      PetscReal us = k + 1 < nz ? u[s] : 0, d = di[s];
      for (PetscInt n = 0; n < nt; n++) t[n] = (t[n] - us * ta[n]) * d;
    }
  }
}

/* The solve of step() on every owned column: the bulk, and the tags forward or (transpose) the
   adjoint values transposed. Only the forward accumulates the deposition diagnostics. */
static PetscErrorCode mix(Ctx *c, const Patch *p, PetscReal dt, Fields *f, PetscBool transpose)
{
  PetscInt nz = c->nz, ns = p->nspec;
  PetscReal rho[nz], dz[nz], kz[nz], D[ns];

  PetscFunctionBeginUser;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt c2 = patch_index2(p, i, j);
      PetscReal area = p->area[c2];
      PetscBool pivoted = PETSC_FALSE;
      for (PetscInt k = 0; k < nz; k++) {
        PetscInt cell = patch_index(p, i, j, k);
        rho[k] = f->rho[cell];
        dz[k] = f->dz[cell];
        kz[k] = f->kz[cell];
        c->m[k] = f->air_mass[cell];
      }
      column_conductance(nz, rho, dz, kz, area, c->p.kz_min, c->p.kz_max, c->g);
      for (PetscInt s = 0; s < ns; s++) D[s] = f->vdep ? f->vdep[c2 * ns + s] * rho[0] * area : 0;
      PetscCall(factor_column(c, ns, D, dt, &pivoted));
      if (pivoted) { /* never seen for this M-matrix; kept correct all the same */
        for (PetscInt s = 0; s < ns; s++)
          PetscCall(solve_species(c, p, i, j, s, f, dt, D[s], PETSC_TRUE, transpose));
      } else {
        solve_column(c, p, i, j, f, transpose ? PETSC_FALSE : PETSC_TRUE);
        for (PetscInt s = 0; s < ns && transpose && p->ntag; s++)
          transpose_species(c, p, i, j, s, f);
      }
      for (PetscInt s = 0; s < ns && !transpose; s++) {
        PetscReal dep = dt * D[s] * f->q[patch_index(p, i, j, 0) * ns + s];
        f->dep_dry[c2 * ns + s] += dep / area;
        f->budget[BUDGET_DRY_DEPOSITED * ns + s] += dep;
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode step(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                           ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  PetscCall(mix((Ctx *)ctx, p, dt, f, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The transpose (process.h): ghost entries of f->tag zeroed (step() reads none); the bulk is solved
   exactly as step() solves it (the same factors and loops, so it ends with the same bits), the
   adjoint values by transpose_species() or, in a column where dgttrf pivoted, by dgttrs with trans
   'T'. The deposition map and the budget are forward diagnostics and are left alone. */
static PetscErrorCode transpose(void *ctx, const Patch *p, PetscReal t, PetscReal dt, Fields *f,
                                ProcessStatus *status)
{
  PetscFunctionBeginUser;
  (void)t;
  *status = PROCESS_OK;
  PetscCall(mix((Ctx *)ctx, p, dt, f, PETSC_TRUE));
  patch_zero_ghosts(p, f->tag, p->nspec * p->ntag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

const ProcessOps process_mixing_vertical = {
    .group = {.name = "mixing_vertical",
              .title = "Vertical turbulent mixing with dry deposition (implicit)",
              .params = param_table,
              .params_size = sizeof(Params)},
    .stencil_width = 0,
    .init = init,
    .step = step,
    .max_dt = NULL,
    .transpose = transpose,
    .finalize = finalize,
};
