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
   (the mass Courant number, which must not exceed 1). work holds 8 * ns values. Results go to qf[f*ns + s]. Not collective. */
void ppm_face_values(AdvectionScheme scheme, PetscInt ns, PetscInt flo, PetscInt fhi, const PetscReal *q,
                     const PetscReal *m, const PetscReal *F, PetscReal dt, PetscReal *work, PetscReal *qf);

/* Many parallel lines swept together, in place, straight on the model's arrays. Row c of the
   bundle is cell c of each of ni lines side by side; line i, species s of row c is
   q[c*qs + i*ns + s] (so the ni*ns values of a row are contiguous), its air mass m[c*ms + i], the
   flux through its lower face F[c*ms + i]. An x sweep is one line (ni = 1, qs = ns, ms = 1); a y
   sweep is all lines of a layer at once (ni cells of a row, qs = gxm*ns, ms = gxm), so no line
   is gathered and the inner loops run over whole rows. */
typedef struct {
  PetscInt ns; /* species per cell */
  PetscInt ni; /* lines side by side */
  PetscInt qs; /* values between consecutive rows in q (and, times the tag count, in the tags) */
  PetscInt ms; /* values between consecutive rows in m and F */
} PpmRows;

/* ppm_face_values for a bundle: qf[f*ni*ns + i*ns + s] (compact rows); work holds 8 * ni * ns
   values. Not collective. */
void ppm_face_values_rows(AdvectionScheme scheme, const PpmRows *L, PetscInt flo, PetscInt fhi, const PetscReal *q,
                          const PetscReal *m, const PetscReal *F, PetscReal dt, PetscReal *work, PetscReal *qf);

/* Flux-form update, in place, of rows [clo, chi) of a bundle (or of one line: ni = 1) from the
   face values: air mass m_new = m + dt (F[c] - F[c+1]), tracer mass m q + dt (F[c] qf[c] -
   F[c+1] qf[c+1]), q = mass / m_new; every tag (t[(c*qs + i*ns + s)*nt + k]) moves with its bulk
   species' face flux times its share t/q of the upwind cell, with the bulk's own coefficients.
   prev and cur are two scratch rows of ni*ns*nt values (unused without tags). Not collective. */
void ppm_update_rows(const PpmRows *L, PetscInt nt, PetscInt clo, PetscInt chi, const PetscReal *F, const PetscReal *qf,
                     PetscReal dt, PetscReal *q, PetscReal *m, PetscReal *t, PetscReal *prev, PetscReal *cur);
