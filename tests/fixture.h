#pragma once
/* A hand-built Patch and Fields for testing physics processes without PETSc objects: a serial
   block of nx x ny x nz cells with ghost width sw, uniform layers, every array allocated and
   zeroed. Fill what the test needs, call the process, look at the arrays. */
#include <petscsys.h>
#include "physics/process.h"
#include "physics/species.h"

typedef struct {
  Patch p;
  Fields f;
  PetscReal *arrays[40];
  PetscInt narrays;
} Fixture;

static inline PetscReal *fixture_alloc(Fixture *x, PetscInt n)
{
  PetscReal *a = NULL;
  if (PetscCalloc1(n > 0 ? n : 1, &a)) return NULL;
  x->arrays[x->narrays++] = a;
  return a;
}

/* Air of density rho in layers of thickness dz on cells of dx by dy metres, with nspec tracers
   (only processes that do not look at the species table may run with more than it has). */
static inline void fixture_create_n(Fixture *x, PetscInt nx, PetscInt ny, PetscInt nz, PetscInt sw,
                                    PetscInt ntag, PetscReal dx, PetscReal dz, PetscReal rho,
                                    PetscInt nspec)
{
  PetscInt ntable, n3, n2;
  const SpeciesInfo *sp = species_table(&ntable);
  (void)ntable;
  PetscMemzero(x, sizeof(*x));
  x->p = (Patch){.mx = nx,
                 .my = ny,
                 .mz = nz,
                 .xs = 0,
                 .ys = 0,
                 .xm = nx,
                 .ym = ny,
                 .gxs = -sw,
                 .gys = -sw,
                 .gxm = nx + 2 * sw,
                 .gym = ny + 2 * sw,
                 .sw = sw,
                 .nspec = nspec,
                 .ntag = ntag,
                 .dx = dx,
                 .dy = dx,
                 .species = sp};
  n3 = patch_size3(&x->p);
  n2 = patch_size2(&x->p);
  {
    PetscReal *area = fixture_alloc(x, n2), *lon = fixture_alloc(x, n2),
              *lat = fixture_alloc(x, n2);
    for (PetscInt c = 0; c < n2; c++) {
      area[c] = dx * dx;
      lon[c] = 87.6;
      lat[c] = 43.8;
    }
    x->p.area = area;
    x->p.lon = lon;
    x->p.lat = lat;
  }
  {
    Fields *f = &x->f;
    PetscReal *rhoa = fixture_alloc(x, n3), *dza = fixture_alloc(x, n3), *zm = fixture_alloc(x, n3),
              *am = fixture_alloc(x, n3);
    PetscReal *amn = fixture_alloc(x, n3), *T = fixture_alloc(x, n3), *th = fixture_alloc(x, n3),
              *pr = fixture_alloc(x, n3);
    PetscReal *rh = fixture_alloc(x, n3), *kz = fixture_alloc(x, n3);
    for (PetscInt c = 0; c < n3; c++) {
      PetscInt k = c / n2;
      rhoa[c] = rho;
      dza[c] = dz;
      zm[c] = (k + 0.5) * dz;
      am[c] = amn[c] = rho * dz * dx * dx;
      T[c] = 263.15;
      th[c] = 263.15 + 0.01 * zm[c];
      pr[c] = 95000;
      rh[c] = 0.7;
      kz[c] = 1;
    }
    f->q = fixture_alloc(x, n3 * nspec);
    f->tag = ntag ? fixture_alloc(x, n3 * nspec * ntag) : NULL;
    f->air_mass = am;
    f->air_mass_next = amn;
    f->flux_x = fixture_alloc(x, n3);
    f->flux_y = fixture_alloc(x, n3);
    f->rho = rhoa;
    f->dz = dza;
    f->zmid = zm;
    f->temperature = T;
    f->theta = th;
    f->pressure = pr;
    f->rel_humidity = rh;
    f->cloud_water = fixture_alloc(x, n3);
    f->u = fixture_alloc(x, n3);
    f->v = fixture_alloc(x, n3);
    f->kz = kz;
    f->pblh = fixture_alloc(x, n2);
    f->ustar = fixture_alloc(x, n2);
    f->hfx = fixture_alloc(x, n2);
    f->precip = fixture_alloc(x, n2);
    f->snow_cover = fixture_alloc(x, n2);
    f->t2 = fixture_alloc(x, n2);
    f->land_use = fixture_alloc(x, n2 * LANDUSE_N);
    f->terrain = fixture_alloc(x, n2);
    f->q_top = fixture_alloc(x, n2 * nspec);
    f->tag_top = ntag ? fixture_alloc(x, n2 * nspec * ntag) : NULL;
    f->vdep = fixture_alloc(x, n2 * nspec);
    f->dep_dry = fixture_alloc(x, n2 * nspec);
    f->dep_wet = fixture_alloc(x, n2 * nspec);
    f->budget = fixture_alloc(x, BUDGET_NTERMS * nspec);
    f->max_substeps = 1000000; /* the largest run_max_substeps: no test meets it */
  }
}

/* The same with the species of the species table. */
static inline void fixture_create(Fixture *x, PetscInt nx, PetscInt ny, PetscInt nz, PetscInt sw,
                                  PetscInt ntag, PetscReal dx, PetscReal dz, PetscReal rho)
{
  PetscInt nspec;
  (void)species_table(&nspec);
  fixture_create_n(x, nx, ny, nz, sw, ntag, dx, dz, rho, nspec);
}

static inline void fixture_destroy(Fixture *x)
{
  for (PetscInt k = 0; k < x->narrays; k++) PetscFree(x->arrays[k]);
  x->narrays = 0;
}

/* Total tracer mass of species s over the owned cells, kg. */
static inline PetscReal fixture_mass(const Fixture *x, PetscInt s)
{
  const Patch *p = &x->p;
  PetscReal m = 0;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        m += x->f.q[c * p->nspec + s] * x->f.air_mass[c];
      }
  return m;
}

/* Write access to a read-only Fields member that the fixture allocated. */
#define FW(member) ((PetscReal *)(member))
