#pragma once
/* The one-dimensional piecewise-parabolic method (Colella and Woodward 1984, J. Comput. Phys.
   54:174) in flux form on a line of cells, shared by the horizontal and vertical advection, and
   the flux-form update of the bulk and its tags. Pure functions on plain arrays. */
#include <petscsys.h>

typedef enum { ADVECTION_PPM, ADVECTION_UPWIND } AdvectionScheme;

/* Mean mixing ratio of the air crossing each face f in [flo, fhi] of a line of cells, face f
   lying between cells f-1 and f. q[c*ns + s] are cell mixing ratios, m[c] cell air masses (kg),
   F[f] the air-mass flux through face f (kg s-1, towards increasing c when positive); cells
   flo-3 .. fhi+2 must be valid. The crossing air is the fraction |F| dt / m of the upwind cell
   (the mass Courant number, which must not exceed 1). work holds 3 * ns * (fhi - flo + 6)
   values. Results go to qf[f*ns + s]. Not collective. */
void ppm_face_values(AdvectionScheme scheme, PetscInt ns, PetscInt flo, PetscInt fhi, const PetscReal *q,
                     const PetscReal *m, const PetscReal *F, PetscReal dt, PetscReal *work, PetscReal *qf);

/* Flux-form update of cells c in [clo, chi) of a line from face values: air mass
   m_new = m + dt (F[c] - F[c+1]), tracer mass m q + dt (F[c] qf[c] - F[c+1] qf[c+1]), q = mass /
   m_new; every tag moves with its bulk species' face flux times its share t/q of the upwind cell.
   q_old, m_old, t_old are the line before the sweep (t_old may be NULL with nt = 0); q, m, t
   receive the new values of cells [clo, chi) at the same offsets. Not collective. */
void ppm_update(PetscInt ns, PetscInt nt, PetscInt clo, PetscInt chi, const PetscReal *q_old, const PetscReal *m_old,
                const PetscReal *t_old, const PetscReal *F, const PetscReal *qf, PetscReal dt, PetscReal *q, PetscReal *m,
                PetscReal *t);

/* The tag part of ppm_update, in place: tp[c] points to the ns*nt tags of line cell c (for c in
   [clo-1, chi]); prev and cur are two scratch blocks of ns*nt values. Reads the line's bulk
   values before the sweep (q_old, m_old) as ppm_update does and gives the same tags. */
void ppm_update_tags(PetscInt ns, PetscInt nt, PetscInt clo, PetscInt chi, const PetscReal *q_old, const PetscReal *m_old,
                     const PetscReal *F, const PetscReal *qf, PetscReal dt, PetscReal *const *tp, PetscReal *prev, PetscReal *cur);
