/* One-dimensional PPM (see ppm.h).

   Reconstruction (Colella and Woodward 1984, CW84): the interface value between cells c and c+1
     a = q_c + (q_{c+1} - q_c) / 2 - (dq_{c+1} - dq_c) / 6                          (CW84 1.6, uniform cells)
   uses the monotonised slopes dq_c (CW84 1.7-1.8: the centred slope, limited to twice the
   one-sided differences and set to zero at an extremum), so a lies between q_c and q_{c+1}.
   In each cell the parabola through its edge values aL = q - dL, aR = q + dR and mean q is then
   made monotone (CW84 1.10): flattened (dL = dR = 0) at a local extremum (dL dR <= 0), and an
   edge pulled in when the parabola would overshoot. CW84 write the overshoot test as
   da a6 > da^2 / 6 with da = dL + dR, a6 = 3 (dL - dR); for dL, dR of one sign it reads
   |dL| > 2 |dR|, and the reset aL = 3 q - 2 aR is dL = 2 dR (and the mirror case for aR). The
   mean over the right-most fraction x of the cell (CW84 1.12, aR - x/2 (da - (1 - 2x/3) a6)) is
     q + x (1 - x) dL + (1 - x)^2 dR,
   over the left-most fraction x it is q - (1 - x)^2 dL - x (1 - x) dR: two multiply-adds per
   face on the deviations, and a constant field (dL = dR = 0) crosses every face unchanged, so a
   uniform mixing ratio stays uniform.

   The reconstruction runs as one pass over the rows of a bundle with a few rolling rows of work
   (slopes, interface values and deviations of two neighbouring rows), so its work stays in the
   first-level cache and each interface value is computed once for the two cells sharing it.

   Update: flux form on tracer mass with the air mass carried through the same sweep (DESIGN.md,
   "Directional splitting breaks uniformity"), then q = tracer mass / air mass. Tags move with the
   bulk face flux times the upwind cell's tag share (CAMx OSAT's approach; DESIGN.md "Tags and
   limiters"): tags sum to the bulk to round-off and stay non-negative. */
#include <math.h>
#include <string.h>
#include "ppm.h"

#define SIXTH (1.0 / 6.0)       /* multiplications, not divisions, in the inner loops */

/* Monotonised central slope of cell c (CW84 1.8), written with selects so that the species loop
   vectorises. */
static inline PetscReal slope(PetscReal qm, PetscReal q, PetscReal qp)
{
  PetscReal d = 0.5 * (qp - qm), dl = q - qm, dr = qp - q;
  PetscReal lim = 2 * PetscMin(PetscAbsReal(dl), PetscAbsReal(dr)), mag = PetscMin(PetscAbsReal(d), lim);
  return dl * dr <= 0 ? 0 : copysign(mag, d);
}

void ppm_face_values_rows(AdvectionScheme scheme, const PpmRows *L, PetscInt flo, PetscInt fhi, const PetscReal *restrict q,
                          const PetscReal *restrict m, const PetscReal *restrict F, PetscReal dt, PetscReal *restrict work,
                          PetscReal *restrict qf)
{
  /* A row is cell (or face) c of every line: w = ni * ns values, contiguous in q (at c * qs).
     One pass over the rows, c = flo-1 .. fhi, with eight rolling rows in work: the slopes of
     cells c and c+1, the interface values of faces c and c+1 (face c lies between cells c-1 and
     c, so the interface values are computed once for the two cells sharing them), the limited
     edges of cells c-1 and c. Face c is done as soon as both its cells' edges are. */
  const PetscInt ns = L->ns, ni = L->ni, w = ni * ns, qs = L->qs, ms = L->ms;
  PetscReal *dq0 = work, *dq1 = work + w, *a0 = work + 2 * w, *a1 = work + 3 * w;
  PetscReal *lp = work + 4 * w, *rp = work + 5 * w, *lc = work + 6 * w, *rc = work + 7 * w, *swap;

  if (scheme == ADVECTION_UPWIND) {
    for (PetscInt f = flo; f <= fhi; f++)
      for (PetscInt i = 0; i < ni; i++) {
        const PetscReal *up = &q[(F[f * ms + i] >= 0 ? f - 1 : f) * qs + i * ns];
        for (PetscInt s = 0; s < ns; s++) qf[f * w + i * ns + s] = up[s];
      }
    return;
  }
  /* Slopes of cells flo-2 and flo-1, interface value of face flo-1. */
  {
    const PetscReal *restrict q3 = &q[(flo - 3) * qs], *restrict q2 = &q[(flo - 2) * qs], *restrict q1 = &q[(flo - 1) * qs],
                              *restrict q0 = &q[flo * qs];
    PetscReal *restrict d0 = dq0, *restrict an = a0;
    for (PetscInt e = 0; e < w; e++) {
      PetscReal d2 = slope(q3[e], q2[e], q1[e]), d1 = slope(q2[e], q1[e], q0[e]);
      d0[e] = d1;
      an[e] = 0.5 * (q2[e] + q1[e]) - (d1 - d2) * SIXTH;
    }
  }
  for (PetscInt c = flo - 1; c <= fhi; c++) {
    const PetscReal *restrict q0 = &q[c * qs], *restrict qp = &q[(c + 1) * qs], *restrict qpp = &q[(c + 2) * qs];
    /* dq0, a0: slope of cell c and interface value of face c, from the row before; lp, rp: the
       deviations dL, dR of cell c-1. This row: slope of cell c+1, interface value of face c+1,
       deviations of cell c, then the values crossing face c. */
    {
      const PetscReal *restrict d0 = dq0;
      PetscReal *restrict d1 = dq1, *restrict an = a1;
      for (PetscInt e = 0; e < w; e++) {
        PetscReal dn = slope(q0[e], qp[e], qpp[e]);
        d1[e] = dn;
        an[e] = 0.5 * (q0[e] + qp[e]) - (dn - d0[e]) * SIXTH;
      }
    }
    {
      const PetscReal *restrict al = a0, *restrict ar = a1;
      PetscReal *restrict el = lc, *restrict er = rc;
      for (PetscInt e = 0; e < w; e++) {
        PetscReal qc = q0[e], dl = qc - al[e], dr = ar[e] - qc, adl = PetscAbsReal(dl), adr = PetscAbsReal(dr);
        PetscBool ext = dl * dr <= 0;
        /* CW84 1.10: flatten at an extremum, else pull the overshooting edge in. */
        el[e] = ext ? 0 : (adl > 2 * adr ? 2 * dr : dl);
        er[e] = ext ? 0 : (adr > 2 * adl ? 2 * dl : dr);
      }
    }
    if (c >= flo)
      for (PetscInt i = 0; i < ni; i++) {
        PetscReal Ff = F[c * ms + i];
        PetscBool pos = Ff >= 0;
        PetscInt up = pos ? c - 1 : c, o = i * ns;
        PetscReal x = PetscAbsReal(Ff) * dt / m[up * ms + i], y = 1 - x;
        PetscReal wl = pos ? x * y : -y * y, wr = pos ? y * y : -x * y;
        const PetscReal *restrict dl = pos ? &lp[o] : &lc[o], *restrict dr = pos ? &rp[o] : &rc[o], *restrict qu = &q[up * qs + o];
        PetscReal *restrict out = &qf[c * w + o];
        /* From the right edge (flow towards +) or the left edge (towards -), CW84 1.12. */
        for (PetscInt s = 0; s < ns; s++) out[s] = qu[s] + wl * dl[s] + wr * dr[s];
      }
    swap = dq0, dq0 = dq1, dq1 = swap;
    swap = a0, a0 = a1, a1 = swap;
    swap = lp, lp = lc, lc = swap;
    swap = rp, rp = rc, rc = swap;
  }
}

void ppm_face_values(AdvectionScheme scheme, PetscInt ns, PetscInt flo, PetscInt fhi, const PetscReal *q, const PetscReal *m,
                     const PetscReal *F, PetscReal dt, PetscReal *work, PetscReal *qf)
{
  const PpmRows line = {.ns = ns, .ni = 1, .qs = ns, .ms = 1};
  ppm_face_values_rows(scheme, &line, flo, fhi, q, m, F, dt, work, qf);
}

void ppm_update_rows(const PpmRows *L, PetscInt nt, PetscInt clo, PetscInt chi, const PetscReal *F, const PetscReal *qf,
                     PetscReal dt, PetscReal *q, PetscReal *m, PetscReal *t, PetscReal *prev, PetscReal *cur)
{
  const PetscInt ns = L->ns, ni = L->ni, w = ni * ns, qs = L->qs, ms = L->ms, ts = qs * nt;

  /* Tags first, while q and m still hold the old values, face by face: the tag mass crossing a
     face (prev: the row's lower face, cur: its upper face) is taken from the upwind cell's old
     tags before that cell is updated, so the update needs no copy of the old tags. */
  for (PetscInt c = clo; nt && c <= chi; c++) {
    PetscReal *swap;
    for (PetscInt i = 0; i < ni; i++) {
      PetscReal Ff = F[c * ms + i];
      PetscInt up = Ff >= 0 ? c - 1 : c;
      for (PetscInt s = 0; s < ns; s++) {
        PetscInt e = i * ns + s;
        PetscReal qu = q[up * qs + e], a = qu > 0 ? dt * Ff * qf[c * w + e] / qu : 0;
        const PetscReal *restrict tu = &t[up * ts + e * nt];
        PetscReal *restrict phi = &cur[e * nt];
        for (PetscInt k = 0; k < nt; k++) phi[k] = a * tu[k];
      }
    }
    if (c > clo)
      for (PetscInt i = 0; i < ni; i++) {
        PetscInt r = c - 1;
        PetscReal Fw = F[r * ms + i], Fe = F[c * ms + i], mo = m[r * ms + i], inv = 1 / (mo + dt * (Fw - Fe));
        for (PetscInt s = 0; s < ns; s++) {
          PetscInt e = i * ns + s;
          const PetscReal *restrict pw = &prev[e * nt], *restrict pe = &cur[e * nt];
          PetscReal *restrict tn = &t[r * ts + e * nt];
          for (PetscInt k = 0; k < nt; k++) tn[k] = (mo * tn[k] + pw[k] - pe[k]) * inv;
        }
      }
    swap = prev;
    prev = cur;
    cur = swap;
  }
  /* The bulk, in place: a row reads only its own old values. With tags, a row's old q is read
     by the tag update of the next row, so the bulk pass runs after the tag pass. */
  for (PetscInt c = clo; c < chi; c++)
    for (PetscInt i = 0; i < ni; i++) {
      PetscReal Fw = F[c * ms + i], Fe = F[(c + 1) * ms + i], mo = m[c * ms + i], mn = mo + dt * (Fw - Fe), inv = 1 / mn;
      PetscReal *restrict qc = &q[c * qs + i * ns];
      const PetscReal *restrict fwv = &qf[c * w + i * ns], *restrict fev = &qf[(c + 1) * w + i * ns];
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal fw = dt * Fw * fwv[s], fe = dt * Fe * fev[s];
        qc[s] = (mo * qc[s] + fw - fe) * inv;
      }
      m[c * ms + i] = mn;
    }
}
