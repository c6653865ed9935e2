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

/* Monotonised central slope of cell c (CW84 1.8). */
static inline PetscReal slope(PetscReal qm, PetscReal q, PetscReal qp)
{
  PetscReal d = 0.5 * (qp - qm), dl = q - qm, dr = qp - q;
  if (dl * dr <= 0) return 0;
  return (d > 0 ? 1 : -1) * PetscMin(PetscAbsReal(d), 2 * PetscMin(PetscAbsReal(dl), PetscAbsReal(dr)));
}

void ppm_face_values(AdvectionScheme scheme, PetscInt ns, PetscInt flo, PetscInt fhi, const PetscReal *q,
                     const PetscReal *m, const PetscReal *F, PetscReal dt, PetscReal *work, PetscReal *qf)
{
  /* work: slopes dq of cells flo-2 .. fhi+1, then edge values aL, aR of cells flo-1 .. fhi. */
  PetscInt n = fhi - flo + 6;
  PetscReal *dq = work - (flo - 3) * ns, *aL = work + n * ns - (flo - 3) * ns, *aR = work + 2 * n * ns - (flo - 3) * ns;

  if (scheme == ADVECTION_UPWIND) {
    for (PetscInt f = flo; f <= fhi; f++) {
      const PetscReal *up = &q[(F[f] >= 0 ? f - 1 : f) * ns];
      for (PetscInt s = 0; s < ns; s++) qf[f * ns + s] = up[s];
    }
    return;
  }
  for (PetscInt c = flo - 2; c <= fhi + 1; c++)
    for (PetscInt s = 0; s < ns; s++) dq[c * ns + s] = slope(q[(c - 1) * ns + s], q[c * ns + s], q[(c + 1) * ns + s]);
  for (PetscInt c = flo - 1; c <= fhi; c++)
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal qc = q[c * ns + s];
      PetscReal l = 0.5 * (q[(c - 1) * ns + s] + qc) - (dq[c * ns + s] - dq[(c - 1) * ns + s]) / 6;
      PetscReal r = 0.5 * (qc + q[(c + 1) * ns + s]) - (dq[(c + 1) * ns + s] - dq[c * ns + s]) / 6;
      PetscReal da = r - l, mid = qc - 0.5 * (l + r);
      if ((r - qc) * (qc - l) <= 0) l = r = qc;
      else if (da * mid > da * da / 6) l = 3 * qc - 2 * r;
      else if (-da * da / 6 > da * mid) r = 3 * qc - 2 * l;
      aL[c * ns + s] = l;
      aR[c * ns + s] = r;
    }
  for (PetscInt f = flo; f <= fhi; f++) {
    PetscInt up = F[f] >= 0 ? f - 1 : f;
    PetscReal x = PetscAbsReal(F[f]) * dt / m[up], w = 1 - 2 * x / 3;
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal l = aL[up * ns + s], r = aR[up * ns + s], qc = q[up * ns + s], da = r - l, a6 = 6 * (qc - 0.5 * (l + r));
      qf[f * ns + s] = F[f] >= 0 ? r - 0.5 * x * (da - w * a6) : l + 0.5 * x * (da + w * a6);
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
