#pragma once
/* The one-dimensional piecewise-parabolic method (Colella and Woodward 1984, J. Comput. Phys.
   54:174) in flux form, shared by the horizontal and vertical advection: reconstruction, the
   mean mixing ratio crossing each face, and the flux-form update of the bulk and its tags, in
   one pass over the cells; and the transpose of that tag update (issue 15, backward runs).
   Pure functions on plain arrays. */
#include <petscsys.h>

typedef enum { ADVECTION_PPM, ADVECTION_UPWIND } AdvectionScheme;

/* Many parallel lines swept together, in place, straight on the model's arrays. Row c of the
   bundle is cell c of each of ni lines side by side; line i, species s of row c is
   q[c*qs + i*ns + s] (so the ni*ns values of a row are contiguous), its tags
   t[(c*qs + i*ns + s)*nt + k], its air mass m[c*ms + i], the air-mass flux through its lower face
   F[c*ms + i] (kg s-1, towards increasing c when positive). One line is ni = 1, qs = ns, ms = 1
   (an x sweep, a gathered column); a y sweep takes whole rows of a layer (qs = gxm*ns,
   ms = gxm), so no line is gathered and the inner loops run over whole rows. */
typedef struct {
  PetscInt ns; /* species per cell */
  PetscInt ni; /* lines side by side */
  PetscInt qs; /* values between consecutive rows in q (and, times the tag count, in the tags) */
  PetscInt ms; /* values between consecutive rows in m and F */
} PpmRows;

/* Mass crossing the faces of the physical boundary: face flo_phys (lower; air moving towards
   increasing c comes in) and face fhi_phys (upper; it goes out), for lines [ilo, ihi) only;
   in[s] and out[s] (kg) are added to. A face index outside the swept faces means none. */
typedef struct {
  PetscInt flo_phys, fhi_phys, ilo, ihi;
  PetscReal *in, *out;
} PpmBoundary;

/* Called with rows in increasing order: before_read(ctx, r) before row r's values are first
   read (rows clo-3 .. chi+2), after_update(ctx, r) once row r holds its new values (rows
   clo .. chi-1). Either may be NULL. They let a second sweep run row by row behind the first
   while its rows are still in the cache. */
typedef struct {
  void (*before_read)(void *ctx, PetscInt row);
  void (*after_update)(void *ctx, PetscInt row);
  void *ctx;
} PpmHooks;

/* Values of work space ppm_sweep needs for a bundle of w = ni*ns values a row and nt tags. */
static inline PetscInt ppm_work_size(PetscInt w, PetscInt nt)
{
  return 10 * w + 2 * w * nt;
}

/* One flux-form sweep of a bundle over rows [clo, chi), faces clo .. chi, in place, with time
   step dt: the crossing air through face f is the fraction x = |F| dt / m of the upwind cell (x
   must not exceed 1), carrying its reconstructed mean mixing ratio; air mass
   m_new = m + dt (F[c] - F[c+1]), tracer mass m q + dt (F[c] qf[c] - F[c+1] qf[c+1]),
   q = tracer mass / m_new; each tag moves with its bulk species' face flux times its share t/q
   of the upwind cell. Rows clo-3 .. chi+2 must be valid (ghosts); only rows clo .. chi-1 change.
   work holds ppm_work_size(ni*ns, nt) values; b (or NULL) collects the boundary crossings.
   Not collective. */
void ppm_sweep(AdvectionScheme scheme, const PpmRows *L, PetscInt nt, PetscInt clo, PetscInt chi,
               const PetscReal *F, PetscReal dt, PetscReal *q, PetscReal *m, PetscReal *t,
               PetscReal *work, const PpmBoundary *b, const PpmHooks *h);

/* The same sweep, the bulk (q, m) advanced exactly as ppm_sweep advances it (the same bits), but
   the tag slot t holding adjoint values (nt receptor functionals, in the tag layout) that it
   overwrites with the transpose of ppm_sweep's tag map at this bulk. ppm_sweep maps all rows of
   tags to all rows: rows clo .. chi-1 to their update, every other row to itself. Its transpose
   therefore reads and writes rows clo-1 .. chi: an updated row gets its transposed update, and
   rows clo-1 and chi (which ppm_sweep reads as the upwind cells of faces clo and chi) keep their
   own value plus their contribution (zero where the face flux leaves through them); rows further
   out are not touched. Hooks: before_read(ctx, r) as for ppm_sweep (rows clo-3 .. chi+2),
   after_update(ctx, r) once row r holds its final values (rows clo-1 .. chi, in increasing
   order; no later stage reads row r's tags). No boundary crossings are counted. work holds
   ppm_work_size(ni*ns, nt) values. Not collective. */
void ppm_sweep_transpose(AdvectionScheme scheme, const PpmRows *L, PetscInt nt, PetscInt clo,
                         PetscInt chi, const PetscReal *F, PetscReal dt, PetscReal *q, PetscReal *m,
                         PetscReal *t, PetscReal *work, const PpmHooks *h);
