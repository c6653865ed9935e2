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

void ppm_face_values(AdvectionScheme scheme, PetscInt ns, PetscInt flo, PetscInt fhi, const PetscReal *restrict q,
                     const PetscReal *restrict m, const PetscReal *restrict F, PetscReal dt, PetscReal *restrict work,
                     PetscReal *restrict qf)
{
  /* work: slopes dq of cells flo-2 .. fhi+1, then edge values aL, aR of cells flo-1 .. fhi. */
  PetscInt n = fhi - flo + 6;
  PetscReal *restrict dq = work - (flo - 3) * ns, *restrict aL = work + n * ns - (flo - 3) * ns, *restrict aR = work + 2 * n * ns - (flo - 3) * ns;

  if (scheme == ADVECTION_UPWIND) {
    for (PetscInt f = flo; f <= fhi; f++) {
      const PetscReal *up = &q[(F[f] >= 0 ? f - 1 : f) * ns];
      for (PetscInt s = 0; s < ns; s++) qf[f * ns + s] = up[s];
    }
    return;
  }
  for (PetscInt c = flo - 2; c <= fhi + 1; c++) {
    const PetscReal *restrict qm = &q[(c - 1) * ns], *restrict q0 = &q[c * ns], *restrict qp = &q[(c + 1) * ns];
    PetscReal *restrict d = &dq[c * ns];
    for (PetscInt s = 0; s < ns; s++) d[s] = slope(qm[s], q0[s], qp[s]);
  }
  for (PetscInt c = flo - 1; c <= fhi; c++) {
    const PetscReal *restrict qm = &q[(c - 1) * ns], *restrict q0 = &q[c * ns], *restrict qp = &q[(c + 1) * ns];
    const PetscReal *restrict dm = &dq[(c - 1) * ns], *restrict d0 = &dq[c * ns], *restrict dp = &dq[(c + 1) * ns];
    PetscReal *restrict al = &aL[c * ns], *restrict ar = &aR[c * ns];
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal qc = q0[s];
      PetscReal l = 0.5 * (qm[s] + qc) - (d0[s] - dm[s]) * SIXTH;
      PetscReal r = 0.5 * (qc + qp[s]) - (dp[s] - d0[s]) * SIXTH;
      PetscReal da = r - l, mid = qc - 0.5 * (l + r), da26 = da * da * SIXTH;
      PetscBool ext = (r - qc) * (qc - l) <= 0, lo = da * mid > da26, hi = -da26 > da * mid;
      /* CW84 1.10: flatten at an extremum, else pull the overshooting edge in. */
      al[s] = ext ? qc : (lo ? 3 * qc - 2 * r : l);
      ar[s] = ext ? qc : (!lo && hi ? 3 * qc - 2 * l : r);
    }
  }
  for (PetscInt f = flo; f <= fhi; f++) {
    PetscInt up = F[f] >= 0 ? f - 1 : f;
    PetscReal x = PetscAbsReal(F[f]) * dt / m[up], w = 1 - x * TWO_THIRDS;
    const PetscReal *restrict l = &aL[up * ns], *restrict r = &aR[up * ns], *restrict qc = &q[up * ns];
    PetscReal *restrict out = &qf[f * ns];
    /* From the right edge (flow towards +) or the left edge (towards -), CW84 1.12. */
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal da = r[s] - l[s], a6 = 6 * (qc[s] - 0.5 * (l[s] + r[s]));
      out[s] = F[f] >= 0 ? r[s] - 0.5 * x * (da - w * a6) : l[s] + 0.5 * x * (da + w * a6);
    }
  }
}

void ppm_update(PetscInt ns, PetscInt nt, PetscInt clo, PetscInt chi, const PetscReal *q_old, const PetscReal *m_old,
                const PetscReal *t_old, const PetscReal *F, const PetscReal *qf, PetscReal dt, PetscReal *q, PetscReal *m,
                PetscReal *t)
{
  for (PetscInt c = clo; c < chi; c++) {
    PetscReal mn = m_old[c] + dt * (F[c] - F[c + 1]), inv = 1 / mn;
    PetscInt uw = F[c] >= 0 ? c - 1 : c, ue = F[c + 1] >= 0 ? c : c + 1;
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal fw = dt * F[c] * qf[c * ns + s], fe = dt * F[c + 1] * qf[(c + 1) * ns + s];
      q[c * ns + s] = (m_old[c] * q_old[c * ns + s] + fw - fe) * inv;
      if (nt) {
        /* Tag n crosses a face with the bulk flux times its share of the upwind cell. */
        PetscReal qw = q_old[uw * ns + s], qe = q_old[ue * ns + s];
        PetscReal aw = qw > 0 ? fw / qw : 0, ae = qe > 0 ? fe / qe : 0;
        const PetscReal *tc = &t_old[(c * ns + s) * nt], *tw = &t_old[(uw * ns + s) * nt], *te = &t_old[(ue * ns + s) * nt];
        PetscReal *tn = &t[(c * ns + s) * nt];
        for (PetscInt k = 0; k < nt; k++) tn[k] = (m_old[c] * tc[k] + aw * tw[k] - ae * te[k]) * inv;
      }
    }
    m[c] = mn;
  }
}

void ppm_update_tags(PetscInt ns, PetscInt nt, PetscInt clo, PetscInt chi, const PetscReal *q_old, const PetscReal *m_old,
                     const PetscReal *F, const PetscReal *qf, PetscReal dt, PetscReal *const *tp, PetscReal *prev, PetscReal *cur)
{
  size_t bytes = sizeof(PetscReal) * (size_t)(ns * nt);
  for (PetscInt c = clo; c < chi; c++) {
    PetscReal mn = m_old[c] + dt * (F[c] - F[c + 1]), inv = 1 / mn, *swap;
    PetscInt uw = F[c] >= 0 ? c - 1 : c, ue = F[c + 1] >= 0 ? c : c + 1;
    /* Old tags: of c-1 in prev (or still in place at the line's start), of c in cur, of c+1 in place. */
    const PetscReal *west = uw == c ? cur : (c > clo ? prev : tp[c - 1]), *east = ue == c ? cur : tp[c + 1];
    memcpy(cur, tp[c], bytes);
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal fw = dt * F[c] * qf[c * ns + s], fe = dt * F[c + 1] * qf[(c + 1) * ns + s];
      PetscReal qw = q_old[uw * ns + s], qe = q_old[ue * ns + s];
      PetscReal aw = qw > 0 ? fw / qw : 0, ae = qe > 0 ? fe / qe : 0, mo = m_old[c];
      const PetscReal *restrict tc = &cur[s * nt], *restrict tw = &west[s * nt], *restrict te = &east[s * nt];
      PetscReal *restrict tn = &tp[c][s * nt];
      for (PetscInt k = 0; k < nt; k++) tn[k] = (mo * tc[k] + aw * tw[k] - ae * te[k]) * inv;
    }
    swap = prev;
    prev = cur;
    cur = swap;
  }
}
