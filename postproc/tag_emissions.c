/* The emissions of each tag (see tag_emissions.h). The set-up runs on the ranks of comm over a
   grid of the domain file; each rank credits the sources of its own columns, and the sums are
   reduced. The grid needs no ghosts for this (width 1, the least a DMDA takes). */
#include "postproc/tag_emissions.h"
#include <string.h>
#include "base/namelist.h"
#include "grids/domain.h"
#include "grids/grid.h"
#include "model/emissions/emissions.h"
#include "model/emissions/point_sources.h"
#include "model/tags.h"

#define SECONDS_PER_YEAR (365.0 * 86400.0) /* the year of model/emissions/emissions.c */
#define KG_PER_T 1000.0

/* Sum the area and point entries of em into t_yr by their tag of family f and their sector (an
   entry's time profile is its sector's: model/emissions/emissions.c); with host, the point
   entries also by their tag of each point family of tags, whose host and unit they set. */
static void credit(const Emissions *em, const Tags *tags, PetscInt nspec, PetscInt f,
                   PetscReal *t_yr, PetscInt *host, PetscInt *unit)
{
  const PetscReal to_t = SECONDS_PER_YEAR / KG_PER_T;
  for (PetscInt e = 0; e < em->area.n; e++) {
    PetscReal *out =
        &t_yr[(em->area.tag[e * em->nfamily + f] * SECTOR_N + em->area.profile[e]) * nspec];
    for (PetscInt s = 0; s < nspec; s++) out[s] += em->area.rate[e * nspec + s] * to_t;
  }
  for (PetscInt e = 0; e < em->point.n; e++)
    for (PetscInt g = 0; g < em->nfamily; g++) {
      PetscInt n = em->point.tag[e * em->nfamily + g];
      PetscReal *out = &t_yr[(n * SECTOR_N + em->point.profile[e]) * nspec];
      if (g != f && (!host || tags->family_by[g] != TAGS_BY_POINT)) continue;
      for (PetscInt s = 0; s < nspec; s++) out[s] += em->point.rate[e * nspec + s] * to_t;
      if (g == f) continue;
      host[n] = em->point.tag[e * em->nfamily + f];
      unit[n] = em->point.unit ? em->point.unit[e] : -1;
    }
}

PetscErrorCode tag_emissions_compute(MPI_Comm comm, const char *nml, const char *domain,
                                     const TaggedRun *b, PetscInt family, PetscReal *t_yr,
                                     PetscInt *host, PetscInt *unit)
{
  GridSpec spec;
  Grid *g;
  Domain *dom;
  PointSources *ps;
  Tags *tags;
  Scenario *sc;
  EmissionSet *es;
  Patch p;
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);

  PetscFunctionBeginUser;
  PetscCall(namelist_reset());
  PetscCall(namelist_load(comm, nml));
  PetscCall(domain_grid_spec(domain, &spec));
  PetscCall(grid_create(comm, &spec, 1, PETSC_DECIDE, PETSC_DECIDE, &g));
  PetscCall(domain_read(g, domain, &dom));
  PetscCall(emissions_points(comm, sp, nspec, &ps));
  PetscCall(tags_create(comm, dom, ps, &tags));
  PetscCheck(tags->ntag == b->ntag, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: its &tags make %d tags; the run's receptor files have %d (not the base run's "
             "configuration?)",
             nml, (int)tags->ntag, (int)b->ntag);
  for (PetscInt n = 0; n < b->ntag; n++)
    PetscCheck(!strncmp(tags->label[n], b->label[n], TAGGED_RUN_LABEL_LEN - 1), comm,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s: tag %d is %s; the run's receptor files call it %s (not the base run's "
               "configuration?)",
               nml, (int)n + 1, tags->label[n], b->label[n]);
  PetscCall(scenario_create(comm, dom, sp, nspec, &sc));
  p = g->patch;
  p.nspec = nspec, p.species = sp, p.ntag = tags->ntag;
  PetscCall(emissions_create(comm, g, &p, dom, tags, sc, ps, NULL, &es));
  PetscCall(PetscArrayzero(t_yr, b->ntag * SECTOR_N * nspec));
  for (PetscInt n = 0; host && n < b->ntag; n++) host[n] = unit[n] = -1;
  if (emissions_fields(es)) credit(emissions_fields(es), tags, nspec, family, t_yr, host, unit);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, t_yr, (PetscMPIInt)(b->ntag * SECTOR_N * nspec),
                             MPIU_REAL, MPI_SUM, comm));
  if (host) { /* a stack's entries are on the rank of its column: the others hold -1 */
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, host, (PetscMPIInt)b->ntag, MPIU_INT, MPI_MAX, comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, unit, (PetscMPIInt)b->ntag, MPIU_INT, MPI_MAX, comm));
  }
  for (PetscInt n = 0; n < b->ntag; n++)
    if (b->family[n] != family && (!host || b->by[n] != TAGGED_RUN_BY_POINT))
      for (PetscInt x = 0; x < SECTOR_N * nspec; x++) t_yr[n * SECTOR_N * nspec + x] = 0;
  PetscCall(emissions_destroy(&es));
  PetscCall(scenario_destroy(&sc));
  PetscCall(tags_destroy(&tags));
  PetscCall(point_sources_destroy(&ps));
  PetscCall(domain_destroy(&dom));
  PetscCall(grid_destroy(&g));
  PetscFunctionReturn(PETSC_SUCCESS);
}
