/* Boundary values: a background profile per species, given either as a mixing ratio constant
   in space, or as a concentration at the ground decreasing with height,
     c(z) = c0 exp(-z / H)   (ug m-3, z above ground),   q = c 1e-9 / rho.
   (A boundary file from a parent run replaces the profile for nested domains.) */
#include "boundary.h"
#include "namelist.h"
#include "units.h"

static const char *const unit_names[] = {"ug_m3", "mixing_ratio", NULL};
enum { UNITS_UG_M3, UNITS_MIXING_RATIO };

typedef struct {
  PetscInt units;
  PetscReal values[PARAM_ARRAY_MAX];
  PetscInt nvalues;
  PetscReal scale_height;
  PetscBool initial;
} Params;

static const ParamSpec params_table[] = {
  {.key = "units", .help = "units of boundary_values", .type = PARAM_ENUM,
   .offset = offsetof(Params, units), .choices = unit_names},
  {.key = "values", .units = "ug m-3 or kg kg-1",
   .help = "background value of each species, in the order of the species table (missing: 0)",
   .type = PARAM_REAL_ARRAY, .min = 0, .max = 1e6, .offset = offsetof(Params, values),
   .count_offset = offsetof(Params, nvalues)},
  {.key = "scale_height", .units = "m",
   .help = "e-folding height of concentrations in ug m-3 (0: constant with height)",
   .type = PARAM_REAL, .def = 1500, .min = 0, .max = 1e5, .offset = offsetof(Params, scale_height)},
  {.key = "initial", .help = "start from the boundary profile (false: from zero)",
   .type = PARAM_BOOL, .def = 1, .offset = offsetof(Params, initial)},
  {.key = NULL},
};

struct Boundary {
  Params p;
  PetscInt nspec, ntag, nfamily;
  const Tags *tags; /* borrowed */
};

PetscErrorCode boundary_create(MPI_Comm comm, const State *st, const Tags *tags, Boundary **bnd)
{
  Boundary *b;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&b));
  PetscCall(namelist_read(comm, "boundary", "Boundary and initial values", params_table, &b->p));
  PetscCheck(b->p.nvalues <= st->nspec, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "boundary_values has %" PetscInt_FMT " values but there are %" PetscInt_FMT " species",
             b->p.nvalues, st->nspec);
  b->nspec = st->nspec;
  b->ntag = st->ntag;
  b->nfamily = tags->nfamily;
  b->tags = tags;
  *bnd = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode boundary_destroy(Boundary **b)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(*b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Background mixing ratio of species s at height z above ground in air of density rho. */
static PetscReal background(const Boundary *b, PetscInt s, PetscReal z, PetscReal rho)
{
  PetscReal v = s < b->p.nvalues ? b->p.values[s] : 0;
  if (b->p.units == UNITS_MIXING_RATIO) return v;
  if (b->p.scale_height > 0) v *= PetscExpReal(-z / b->p.scale_height);
  return units_ugm3_to_mixing_ratio(v, rho);
}

/* Ghost cell c takes the background, credited to tag n_side of every family. */
static void set_inflow(const Boundary *b, const MetFields *m, PetscInt c, Side side, PetscReal *q,
                       PetscReal *tag)
{
  for (PetscInt s = 0; s < b->nspec; s++) {
    q[c * b->nspec + s] = background(b, s, m->zmid[c], m->rho[c]);
    if (!tag) continue;
    PetscReal *t = &tag[(c * b->nspec + s) * b->ntag];
    for (PetscInt n = 0; n < b->ntag; n++) t[n] = 0;
    for (PetscInt f = 0; f < b->nfamily; f++) t[b->tags->tag_side[f * SIDE_N + side]] = q[c * b->nspec + s];
  }
}

static void copy_cell(const Boundary *b, PetscInt from, PetscInt to, PetscReal *q, PetscReal *tag)
{
  for (PetscInt s = 0; s < b->nspec; s++) q[to * b->nspec + s] = q[from * b->nspec + s];
  if (tag)
    for (PetscInt n = 0; n < b->nspec * b->ntag; n++) tag[to * b->nspec * b->ntag + n] = tag[from * b->nspec * b->ntag + n];
}

static PetscInt clamp(PetscInt v, PetscInt lo, PetscInt hi) { return v < lo ? lo : (v > hi ? hi : v); }

PetscErrorCode boundary_fill_ghosts(const Boundary *b, const Patch *p, const Met *met,
                                    PetscReal *q, PetscReal *tag, PetscReal *air_mass)
{
  const MetFields *m = met->now;
  PetscInt jlo = PetscMax(p->gys, 0), jhi = PetscMin(p->gys + p->gym, p->my);

  PetscFunctionBeginUser;
  /* West and east ghosts of the rows inside the domain. */
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = jlo; j < jhi; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt c, edge, face;
        PetscBool inflow;
        if (i >= 0 && i < p->mx) continue;
        c = patch_index(p, i, j, k);
        edge = patch_index(p, clamp(i, 0, p->mx - 1), j, k);
        face = patch_index(p, i < 0 ? 0 : p->mx, j, k);
        inflow = i < 0 ? met->flux_x[face] > 0 : met->flux_x[face] < 0;
        if (inflow) set_inflow(b, m, c, i < 0 ? SIDE_WEST : SIDE_EAST, q, tag);
        else copy_cell(b, edge, c, q, tag);
        air_mass[c] = met->air_mass_start[c];
      }
  /* South and north ghost rows, corners included (from the rows just completed). */
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++) {
      if (j >= 0 && j < p->my) continue;
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        PetscInt edge = patch_index(p, i, clamp(j, 0, p->my - 1), k);
        PetscInt face = patch_index(p, i, j < 0 ? 0 : p->my, k);
        PetscBool inflow = j < 0 ? met->flux_y[face] > 0 : met->flux_y[face] < 0;
        if (inflow) set_inflow(b, m, c, j < 0 ? SIDE_SOUTH : SIDE_NORTH, q, tag);
        else copy_cell(b, edge, c, q, tag);
        air_mass[c] = met->air_mass_start[c];
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode boundary_fill_top(const Boundary *b, const Patch *p, const Met *met,
                                 PetscReal *q_top, PetscReal *tag_top)
{
  const MetFields *m = met->now;

  PetscFunctionBeginUser;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt c2 = patch_index2(p, i, j), c = patch_index(p, i, j, p->mz - 1);
      PetscReal ztop = m->zmid[c] + 0.5 * m->dz[c];
      for (PetscInt s = 0; s < b->nspec; s++) {
        PetscReal v = background(b, s, ztop, m->rho[c]);
        q_top[c2 * b->nspec + s] = v;
        if (!tag_top) continue;
        PetscReal *t = &tag_top[(c2 * b->nspec + s) * b->ntag];
        for (PetscInt n = 0; n < b->ntag; n++) t[n] = 0;
        for (PetscInt f = 0; f < b->nfamily; f++) t[b->tags->tag_side[f * SIDE_N + SIDE_TOP]] = v;
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode boundary_initial(const Boundary *b, const Patch *p, const Met *met, PetscReal *q,
                                PetscReal *tag)
{
  const MetFields *m = met->now;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        for (PetscInt s = 0; s < b->nspec; s++) {
          PetscReal v = b->p.initial ? background(b, s, m->zmid[c], m->rho[c]) : 0;
          q[c * b->nspec + s] = v;
          if (!tag) continue;
          PetscReal *t = &tag[(c * b->nspec + s) * b->ntag];
          for (PetscInt n = 0; n < b->ntag; n++) t[n] = 0;
          for (PetscInt f = 0; f < b->nfamily; f++) t[b->tags->tag_initial[f]] = v;
        }
      }
  PetscFunctionReturn(PETSC_SUCCESS);
}
