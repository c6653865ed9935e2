/* One-dimensional PPM (see ppm.h).

   Reconstruction (Colella and Woodward 1984, CW84): the interface value between cells c and c+1
     a = q_c + (q_{c+1} - q_c) / 2 - (dq_{c+1} - dq_c) / 6                          (CW84 1.6, uniform cells)
   uses the monotonised slopes dq_c (CW84 1.7-1.8: the centred slope, limited to twice the
   one-sided differences and set to zero at an extremum), so a lies between q_c and q_{c+1}.
   In each cell the parabola through its edge values aL, aR and mean q is then made monotone
   (CW84 1.10): flattened to q at a local extremum, and an edge reset to 3 q - 2 (other edge) when
   the parabola would overshoot. With da = aR - aL and a6 = 6 (q - (aL + aR) / 2), the mean over
   the right-most fraction x of a cell is aR - x/2 (da - (1 - 2x/3) a6), over the left-most
   fraction x it is aL + x/2 (da + (1 - 2x/3) a6) (CW84 1.12). A constant field reconstructs to
   itself exactly, so a uniform mixing ratio crosses every face unchanged.

   Update: flux form on tracer mass with the air mass carried through the same sweep (DESIGN.md,
   "Directional splitting breaks uniformity"), then q = tracer mass / air mass. Tags move with the
   bulk face flux times the upwind cell's tag share (CAMx OSAT's approach; DESIGN.md "Tags and
   limiters"): tags sum to the bulk to round-off and stay non-negative. */
#include <string.h>
#include "ppm.h"

#define SIXTH (1.0 / 6.0)       /* multiplications, not divisions, in the inner loops */
#define TWO_THIRDS (2.0 / 3.0)

/* Monotonised central slope of cell c (CW84 1.8), written with selects so that the species loop
   vectorises. */
static inline PetscReal slope(PetscReal qm, PetscReal q, PetscReal qp)
{
  PetscReal d = 0.5 * (qp - qm), dl = q - qm, dr = qp - q;
  PetscReal lim = 2 * PetscMin(PetscAbsReal(dl), PetscAbsReal(dr)), mag = PetscMin(PetscAbsReal(d), lim);
  PetscReal sgn = d > 0 ? 1 : -1;
  return dl * dr <= 0 ? 0 : sgn * mag;
}

void ppm_face_values_rows(AdvectionScheme scheme, const PpmRows *L, PetscInt flo, PetscInt fhi, const PetscReal *restrict q,
                          const PetscReal *restrict m, const PetscReal *restrict F, PetscReal dt, PetscReal *restrict work,
                          PetscReal *restrict qf)
{
  /* A row is cell (or face) c of every line: w = ni * ns values, contiguous in q (at c * qs) and
     in the compact work arrays (at c * w). work: slopes dq of rows flo-2 .. fhi+1, then edge
     values aL, aR of rows flo-1 .. fhi. */
  const PetscInt ns = L->ns, ni = L->ni, w = ni * ns, qs = L->qs, ms = L->ms, n = fhi - flo + 6;
  PetscReal *restrict dq = work - (flo - 3) * w, *restrict aL = work + n * w - (flo - 3) * w, *restrict aR = work + 2 * n * w - (flo - 3) * w;

  if (scheme == ADVECTION_UPWIND) {
    for (PetscInt f = flo; f <= fhi; f++)
      for (PetscInt i = 0; i < ni; i++) {
        const PetscReal *up = &q[(F[f * ms + i] >= 0 ? f - 1 : f) * qs + i * ns];
        for (PetscInt s = 0; s < ns; s++) qf[f * w + i * ns + s] = up[s];
      }
    return;
  }
  for (PetscInt c = flo - 2; c <= fhi + 1; c++) {
    const PetscReal *restrict qm = &q[(c - 1) * qs], *restrict q0 = &q[c * qs], *restrict qp = &q[(c + 1) * qs];
    PetscReal *restrict d = &dq[c * w];
    for (PetscInt e = 0; e < w; e++) d[e] = slope(qm[e], q0[e], qp[e]);
  }
  for (PetscInt c = flo - 1; c <= fhi; c++) {
    const PetscReal *restrict qm = &q[(c - 1) * qs], *restrict q0 = &q[c * qs], *restrict qp = &q[(c + 1) * qs];
    const PetscReal *restrict dm = &dq[(c - 1) * w], *restrict d0 = &dq[c * w], *restrict dp = &dq[(c + 1) * w];
    PetscReal *restrict al = &aL[c * w], *restrict ar = &aR[c * w];
    for (PetscInt e = 0; e < w; e++) {
      PetscReal qc = q0[e];
      PetscReal l = 0.5 * (qm[e] + qc) - (d0[e] - dm[e]) * SIXTH;
      PetscReal r = 0.5 * (qc + qp[e]) - (dp[e] - d0[e]) * SIXTH;
      PetscReal da = r - l, mid = qc - 0.5 * (l + r), da26 = da * da * SIXTH;
      PetscBool ext = (r - qc) * (qc - l) <= 0, lo = da * mid > da26, hi = -da26 > da * mid;
      /* CW84 1.10: flatten at an extremum, else pull the overshooting edge in. */
      al[e] = ext ? qc : (lo ? 3 * qc - 2 * r : l);
      ar[e] = ext ? qc : (!lo && hi ? 3 * qc - 2 * l : r);
    }
  }
  for (PetscInt f = flo; f <= fhi; f++)
    for (PetscInt i = 0; i < ni; i++) {
      PetscReal Ff = F[f * ms + i];
      PetscInt up = Ff >= 0 ? f - 1 : f;
      PetscReal x = PetscAbsReal(Ff) * dt / m[up * ms + i], wt = 1 - x * TWO_THIRDS;
      const PetscReal *restrict l = &aL[up * w + i * ns], *restrict r = &aR[up * w + i * ns], *restrict qc = &q[up * qs + i * ns];
      PetscReal *restrict out = &qf[f * w + i * ns];
      /* From the right edge (flow towards +) or the left edge (towards -), CW84 1.12. */
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal da = r[s] - l[s], a6 = 6 * (qc[s] - 0.5 * (l[s] + r[s]));
        out[s] = Ff >= 0 ? r[s] - 0.5 * x * (da - wt * a6) : l[s] + 0.5 * x * (da + wt * a6);
      }
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
  const PetscInt ns = L->ns, ni = L->ni, w = ni * ns, qs = L->qs, ms = L->ms, tw = w * nt, ts = qs * nt;
  const size_t bytes = sizeof(PetscReal) * (size_t)tw;

  for (PetscInt c = clo; c < chi; c++) {
    if (nt) {
      /* Tags first, while q and m still hold the old values. Old tags of row c-1 are in prev
         (or still in place at the first row), of row c in cur, of row c+1 in place. */
      PetscReal *swap;
      memcpy(cur, &t[c * ts], bytes);
      for (PetscInt i = 0; i < ni; i++) {
        PetscReal Fw = F[c * ms + i], Fe = F[(c + 1) * ms + i], mo = m[c * ms + i], inv = 1 / (mo + dt * (Fw - Fe));
        PetscInt uw = Fw >= 0 ? c - 1 : c, ue = Fe >= 0 ? c : c + 1;
        const PetscReal *west = uw == c ? cur : (c > clo ? prev : &t[(c - 1) * ts]), *east = ue == c ? cur : &t[(c + 1) * ts];
        for (PetscInt s = 0; s < ns; s++) {
          PetscInt e = i * ns + s;
          PetscReal fw = dt * Fw * qf[c * w + e], fe = dt * Fe * qf[(c + 1) * w + e];
          PetscReal qw = q[uw * qs + e], qe = q[ue * qs + e];
          PetscReal aw = qw > 0 ? fw / qw : 0, ae = qe > 0 ? fe / qe : 0;
          const PetscReal *restrict tc = &cur[e * nt], *restrict twp = &west[e * nt], *restrict tep = &east[e * nt];
          PetscReal *restrict tn = &t[c * ts + e * nt];
          for (PetscInt k = 0; k < nt; k++) tn[k] = (mo * tc[k] + aw * twp[k] - ae * tep[k]) * inv;
        }
      }
      swap = prev;
      prev = cur;
      cur = swap;
    }
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
