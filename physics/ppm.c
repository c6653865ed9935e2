/* One-dimensional PPM (see ppm.h).

   Reconstruction (Colella and Woodward 1984, CW84): the interface value between cells c and c+1
     a = q_c + (q_{c+1} - q_c) / 2 - (dq_{c+1} - dq_c) / 6                          (CW84 1.6,
   uniform cells) uses the monotonised slopes dq_c (CW84 1.7-1.8: the centred slope, limited to
   twice the one-sided differences and set to zero at an extremum), so a lies between q_c and
   q_{c+1}. In each cell the parabola through its edge values aL = q - dL, aR = q + dR and mean q is
   then made monotone (CW84 1.10): flattened (dL = dR = 0) at a local extremum (dL dR <= 0), and an
   edge pulled in when the parabola would overshoot. CW84 write the overshoot test as
   da a6 > da^2 / 6 with da = dL + dR, a6 = 3 (dL - dR); for dL, dR of one sign it reads
   |dL| > 2 |dR|, and the reset aL = 3 q - 2 aR is dL = 2 dR (and the mirror case for aR). The
   mean over the right-most fraction x of the cell (CW84 1.12, aR - x/2 (da - (1 - 2x/3) a6)) is
     q + x (1 - x) dL + (1 - x)^2 dR,
   over the left-most fraction x it is q - (1 - x)^2 dL - x (1 - x) dR: two multiply-adds per
   face on the deviations, and a constant field (dL = dR = 0) crosses every face unchanged, so a
   uniform mixing ratio stays uniform.

   One pass over the rows does it all, with a few rolling rows of work: at row c the slope of
   cell c+1, the interface value of face c+1 (computed once for the two cells sharing it), the
   deviations of cell c, the values crossing face c, the tag mass crossing it, then the update of
   row c-1, whose old values no later row reads. Nothing the size of the line is stored, so a
   bundle's work stays in the cache and each row of the state is read and written once.

   Update: flux form on tracer mass with the air mass carried through the same sweep (DESIGN.md,
   "Directional splitting breaks uniformity"), then q = tracer mass / air mass. Tags move with the
   bulk face flux times the upwind cell's tag share (CAMx OSAT's approach; DESIGN.md "Tags and
   limiters"): tags sum to the bulk to round-off and stay non-negative.

   Transpose (ppm_sweep_transpose, issue 15): for a fixed bulk the tag update is linear,
     t_new(r) = (m_old(r) t(r) + a_r t(up(r)) - a_{r+1} t(up(r+1))) / m_new(r),
   with a_c = dt F_c qf_c / q_up(c) the tag flux's coefficient at face c (the bulk's tracer flux
   over the upwind cell's old mixing ratio) and up(c) the upwind row. Its transpose on the adjoint
   values lam is, with w_r = lam_r / m_new(r) on the updated rows and 0 elsewhere,
     mu(r) = m_old(r) w_r + sum over the faces c with up(c) = r of a_c (w_c - w_{c-1}),
   plus lam_r itself on the rows the sweep does not update. The same single pass computes it: at
   face c the bulk values of rows c-1 and c are still the old ones that the coefficients need,
   row c-1 becomes final, and row c keeps its partial sum until the next face. The bulk goes
   through the very same code as in ppm_sweep, so it ends the same to the bit. */
#include "physics/ppm.h"
#include <math.h>

#define SIXTH (1.0 / 6.0) /* multiplications, not divisions, in the inner loops */
/* Lines of a bundle taken through all stages of a row together: enough for long inner loops,
   few enough that their work stays in the first-level cache (4, 8, 16, 32 and whole rows
   timed within the noise of one another; 4 was kept). */
#ifndef CHUNK
#define CHUNK 4
#endif

/* Monotonised central slope of cell c (CW84 1.8), written with selects so that the species loop
   vectorises. */
static inline PetscReal slope(PetscReal qm, PetscReal q, PetscReal qp)
{
  PetscReal d = 0.5 * (qp - qm), dl = q - qm, dr = qp - q;
  PetscReal lim = 2 * PetscMin(PetscAbsReal(dl), PetscAbsReal(dr)),
            mag = PetscMin(PetscAbsReal(d), lim);
  return dl * dr <= 0 ? 0 : copysign(mag, d);
}

/* Slope d of cell c-1 and interface value a of face c-1 (between cells c-2 and c-1) from rows
   c-3 .. c, to start the pass at c. */
static void start_rows(PetscInt w, const PetscReal *restrict q3, const PetscReal *restrict q2,
                       const PetscReal *restrict q1, const PetscReal *restrict q0,
                       PetscReal *restrict d, PetscReal *restrict a)
{
  for (PetscInt e = 0; e < w; e++) {
    PetscReal d2 = slope(q3[e], q2[e], q1[e]), d1 = slope(q2[e], q1[e], q0[e]);
    d[e] = d1;
    a[e] = 0.5 * (q2[e] + q1[e]) - (d1 - d2) * SIXTH;
  }
}

/* Row c of the reconstruction from rows c, c+1, c+2 of q, the slope d0 of cell c and the
   interface value a0 of face c: the slope d1 of cell c+1, the interface value a1 of face c+1,
   and the limited deviations dl, dr of cell c (CW84 1.10: zero at an extremum, else the
   overshooting edge pulled in: dl = 2 dr when |dl| > 2 |dr|, both of one sign, so
   dl = copysign(min(|dl|, 2 |dr|), dl)), in one loop so that each value is loaded once. */
static void reconstruct_row(PetscInt w, const PetscReal *restrict q0, const PetscReal *restrict qp,
                            const PetscReal *restrict qpp, const PetscReal *restrict d0,
                            const PetscReal *restrict a0, PetscReal *restrict d1,
                            PetscReal *restrict a1, PetscReal *restrict dl, PetscReal *restrict dr)
{
  for (PetscInt e = 0; e < w; e++) {
    PetscReal dn = slope(q0[e], qp[e], qpp[e]), qc = q0[e],
              an = 0.5 * (qc + qp[e]) - (dn - d0[e]) * SIXTH;
    PetscReal l = qc - a0[e], r = an - qc, al = PetscAbsReal(l), ar = PetscAbsReal(r);
    PetscBool ext = l * r <= 0;
    d1[e] = dn;
    a1[e] = an;
    dl[e] = ext ? 0 : copysign(PetscMin(al, ar + ar), l);
    dr[e] = ext ? 0 : copysign(PetscMin(ar, al + al), r);
  }
}

/* Mean mixing ratio of the air crossing face c of each line, into qf (a row), from the
   deviations of cells c-1 (lp, rp) and c (lc, rc); with upwind, the upwind cell's value. */
static void face_row(AdvectionScheme scheme, const PpmRows *L, PetscInt i0, PetscInt i1, PetscInt c,
                     const PetscReal *q, const PetscReal *m, const PetscReal *F, PetscReal dt,
                     const PetscReal *lp, const PetscReal *rp, const PetscReal *lc,
                     const PetscReal *rc, PetscReal *restrict qf)
{
  const PetscInt ns = L->ns;
  for (PetscInt i = i0; i < i1; i++) {
    PetscReal Ff = F[c * L->ms + i];
    PetscBool pos = Ff >= 0;
    PetscInt up = pos ? c - 1 : c, o = i * ns;
    const PetscReal *restrict qu = &q[up * L->qs + o];
    PetscReal *restrict out = &qf[o];
    if (scheme == ADVECTION_UPWIND) {
      for (PetscInt s = 0; s < ns; s++) out[s] = qu[s];
    } else {
      /* From the right edge (flow towards +) or the left edge (towards -), CW84 1.12. */
      PetscReal x = PetscAbsReal(Ff) * dt / m[up * L->ms + i], y = 1 - x;
      PetscReal wl = pos ? x * y : -y * y, wr = pos ? y * y : -x * y;
      const PetscReal *restrict dl = pos ? &lp[o] : &lc[o], *restrict dr = pos ? &rp[o] : &rc[o];
      for (PetscInt s = 0; s < ns; s++) out[s] = qu[s] + wl * dl[s] + wr * dr[s];
    }
  }
}

/* Boundary crossings at face c of lines [i0, i1), if it is one of the physical boundary's. */
static void boundary_row(const PpmRows *L, const PpmBoundary *b, PetscInt i0, PetscInt i1,
                         PetscInt c, const PetscReal *F, const PetscReal *qf, PetscReal dt)
{
  const PetscInt ns = L->ns;
  if (!b || (c != b->flo_phys && c != b->fhi_phys)) return;
  for (PetscInt i = PetscMax(i0, b->ilo); i < PetscMin(i1, b->ihi); i++)
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal mass = dt * F[c * L->ms + i] * qf[i * ns + s];
      PetscBool entering = c == b->flo_phys ? mass > 0 : mass <= 0;
      (entering ? b->in : b->out)[s] += PetscAbsReal(mass);
    }
}

/* Tag mass crossing face c (phi, a row of ni*ns*nt): the bulk face flux times the upwind cell's
   old tag share. */
static void tag_flux_row(const PpmRows *L, PetscInt nt, PetscInt i0, PetscInt i1, PetscInt c,
                         const PetscReal *q, const PetscReal *F, const PetscReal *qf, PetscReal dt,
                         const PetscReal *t, PetscReal *phi)
{
  const PetscInt ns = L->ns, qs = L->qs, ts = qs * nt;
  for (PetscInt i = i0; i < i1; i++) {
    PetscReal Ff = F[c * L->ms + i];
    PetscInt up = Ff >= 0 ? c - 1 : c;
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt e = i * ns + s;
      PetscReal qu = q[up * qs + e], a = qu > 0 ? dt * Ff * qf[e] / qu : 0;
      const PetscReal *restrict tu = &t[up * ts + e * nt];
      PetscReal *restrict p = &phi[e * nt];
      for (PetscInt k = 0; k < nt; k++) p[k] = a * tu[k];
    }
  }
}

/* Update of row r from the face values (and tag crossings) of its lower face (qw, pw) and
   upper face (qe, pe): tags first, with the old air mass, then the bulk and the air mass. */
static void update_row(const PpmRows *L, PetscInt nt, PetscInt i0, PetscInt i1, PetscInt r,
                       const PetscReal *F, PetscReal dt, const PetscReal *qw, const PetscReal *qe,
                       const PetscReal *pw, const PetscReal *pe, PetscReal *q, PetscReal *m,
                       PetscReal *t)
{
  const PetscInt ns = L->ns, qs = L->qs, ms = L->ms, ts = qs * nt;
  for (PetscInt i = i0; i < i1; i++) {
    PetscReal Fw = F[r * ms + i], Fe = F[(r + 1) * ms + i], mo = m[r * ms + i],
              mn = mo + dt * (Fw - Fe), inv = 1 / mn;
    PetscReal *restrict qc = &q[r * qs + i * ns];
    const PetscReal *restrict fwv = &qw[i * ns], *restrict fev = &qe[i * ns];
    for (PetscInt s = 0; s < ns && nt; s++) {
      PetscInt e = i * ns + s;
      const PetscReal *restrict tw = &pw[e * nt], *restrict te = &pe[e * nt];
      PetscReal *restrict tn = &t[r * ts + e * nt];
      for (PetscInt k = 0; k < nt; k++) tn[k] = (mo * tn[k] + tw[k] - te[k]) * inv;
    }
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal fw = dt * Fw * fwv[s], fe = dt * Fe * fev[s];
      qc[s] = (mo * qc[s] + fw - fe) * inv;
    }
    m[r * ms + i] = mn;
  }
}

/* Transpose of the tag update at face c for lines [i0, i1) (see ppm_sweep_transpose), before
   row c-1's bulk is updated: with the face's coefficient a = dt F qf / q_up (the forward's tag
   flux is a times the upwind cell's tag) and w_r = lam_r / m_new(r) on the updated rows (zero on
   the rows outside), the face's adjoint g = a (w_c - w_{c-1}) goes to the upwind row; row c-1
   becomes final (m_old w_{c-1} on an updated row, plus g when F >= 0), and row c is left holding
   what it has so far (g when F < 0, plus lam_c itself only on the last row, chi, which the sweep
   does not update). wo holds w_{c-1} on entry; wn receives w_c. */
static void tag_adjoint_row(const PpmRows *L, PetscInt nt, PetscInt i0, PetscInt i1, PetscInt c,
                            PetscInt clo, PetscInt chi, const PetscReal *q, const PetscReal *m,
                            const PetscReal *F, const PetscReal *qf, PetscReal dt, PetscReal *t,
                            const PetscReal *wo, PetscReal *wn)
{
  const PetscInt ns = L->ns, qs = L->qs, ms = L->ms, ts = qs * nt;
  const PetscBool last = c == chi;
  for (PetscInt i = i0; i < i1; i++) {
    PetscReal Ff = F[c * ms + i];
    PetscBool pos = Ff >= 0;
    PetscInt up = pos ? c - 1 : c;
    /* Old air mass of row c-1 (zero for the row below clo, which the sweep does not update) and
       1 / new air mass of row c, as update_row computes it (zero on the last row). */
    PetscReal mo = c > clo ? m[(c - 1) * ms + i] : 0,
              inv = last ? 0 : 1 / (m[c * ms + i] + dt * (Ff - F[(c + 1) * ms + i]));
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt e = i * ns + s;
      PetscReal qu = q[up * qs + e], a = qu > 0 ? dt * Ff * qf[e] / qu : 0;
      PetscReal *restrict r0 = &t[(c - 1) * ts + e * nt], *restrict r1 = &t[c * ts + e * nt];
      const PetscReal *restrict w0 = &wo[e * nt];
      PetscReal *restrict w1 = &wn[e * nt];
      if (pos)
        for (PetscInt k = 0; k < nt; k++) {
          PetscReal l1 = r1[k], x1 = last ? 0 : l1 * inv;
          r0[k] += mo * w0[k] + a * (x1 - w0[k]);
          r1[k] = last ? l1 : 0;
          w1[k] = x1;
        }
      else
        for (PetscInt k = 0; k < nt; k++) {
          PetscReal l1 = r1[k], x1 = last ? 0 : l1 * inv;
          r0[k] += mo * w0[k];
          r1[k] = (last ? l1 : 0) + a * (x1 - w0[k]);
          w1[k] = x1;
        }
    }
  }
}

/* The pass shared by ppm_sweep and ppm_sweep_transpose: the bulk identically, the tags forward
   or transposed (adjoint). */
static void sweep(AdvectionScheme scheme, const PpmRows *L, PetscInt nt, PetscInt clo, PetscInt chi,
                  const PetscReal *F, PetscReal dt, PetscReal *q, PetscReal *m, PetscReal *t,
                  PetscReal *work, const PpmBoundary *b, const PpmHooks *h, PetscBool adjoint)
{
  const PetscInt ns = L->ns, w = L->ni * ns, qs = L->qs;
  PetscReal *dq0 = work, *dq1 = work + w, *a0 = work + 2 * w, *a1 = work + 3 * w;
  PetscReal *lp = work + 4 * w, *rp = work + 5 * w, *lc = work + 6 * w, *rc = work + 7 * w;
  PetscReal *qfw = work + 8 * w, *qfe = work + 9 * w, *pw = work + 10 * w,
            *pe = work + 10 * w + w * nt, *swap;
  void (*before)(void *, PetscInt) = h ? h->before_read : NULL;
  void (*after)(void *, PetscInt) = h ? h->after_update : NULL;

  if (adjoint)
    for (PetscInt e = 0; e < w * nt; e++) pw[e] = 0; /* w of row clo-1, which is not updated */
  for (PetscInt r = clo - 3; before && r <= clo; r++) before(h->ctx, r);
  if (scheme == ADVECTION_PPM)
    start_rows(w, &q[(clo - 3) * qs], &q[(clo - 2) * qs], &q[(clo - 1) * qs], &q[clo * qs], dq0,
               a0);
  for (PetscInt c = clo - 1; c <= chi; c++) {
    /* In: dq0, a0 (slope of cell c, interface value of face c), lp, rp (deviations of cell
       c-1), qfw, pw (what crossed face c-1, or with adjoint w of row c-1). The lines do not
       interact, so a row is done in chunks of CHUNK lines, each through every stage while it is
       in the first-level cache. */
    if (before) before(h->ctx, c + 2);
    for (PetscInt i0 = 0; i0 < L->ni; i0 += CHUNK) {
      PetscInt i1 = PetscMin(i0 + CHUNK, L->ni), o = i0 * ns, oc = c * qs + o;
      if (scheme == ADVECTION_PPM)
        reconstruct_row((i1 - i0) * ns, &q[oc], &q[oc + qs], &q[oc + 2 * qs], &dq0[o], &a0[o],
                        &dq1[o], &a1[o], &lc[o], &rc[o]);
      if (c < clo) continue;
      face_row(scheme, L, i0, i1, c, q, m, F, dt, lp, rp, lc, rc, qfe);
      boundary_row(L, b, i0, i1, c, F, qfe, dt);
      if (adjoint) {
        if (nt) tag_adjoint_row(L, nt, i0, i1, c, clo, chi, q, m, F, qfe, dt, t, pw, pe);
        if (c > clo) update_row(L, 0, i0, i1, c - 1, F, dt, qfw, qfe, pw, pe, q, m, t);
      } else {
        if (nt) tag_flux_row(L, nt, i0, i1, c, q, F, qfe, dt, t, pe);
        if (c > clo) update_row(L, nt, i0, i1, c - 1, F, dt, qfw, qfe, pw, pe, q, m, t);
      }
    }
    if (c >= (adjoint ? clo : clo + 1) && after) after(h->ctx, c - 1);
    if (c >= clo) {
      swap = qfw, qfw = qfe, qfe = swap;
      swap = pw, pw = pe, pe = swap;
    }
    swap = dq0, dq0 = dq1, dq1 = swap;
    swap = a0, a0 = a1, a1 = swap;
    swap = lp, lp = lc, lc = swap;
    swap = rp, rp = rc, rc = swap;
  }
  if (adjoint && after) after(h->ctx, chi);
}

void ppm_sweep(AdvectionScheme scheme, const PpmRows *L, PetscInt nt, PetscInt clo, PetscInt chi,
               const PetscReal *F, PetscReal dt, PetscReal *q, PetscReal *m, PetscReal *t,
               PetscReal *work, const PpmBoundary *b, const PpmHooks *h)
{
  sweep(scheme, L, nt, clo, chi, F, dt, q, m, t, work, b, h, PETSC_FALSE);
}

void ppm_sweep_transpose(AdvectionScheme scheme, const PpmRows *L, PetscInt nt, PetscInt clo,
                         PetscInt chi, const PetscReal *F, PetscReal dt, PetscReal *q, PetscReal *m,
                         PetscReal *t, PetscReal *work, const PpmHooks *h)
{
  sweep(scheme, L, nt, clo, chi, F, dt, q, m, t, work, NULL, h, PETSC_TRUE);
}
