#pragma once
/* The annual emissions each tag of a base run stands for, by species (t/yr): the model's own
   emission set-up (model/emissions/emissions.c: the inventory regridded, shared among the
   control units, the base run's scenario applied, every source credited to its tag) run again on
   the base run's effective configuration, <run>/<name>_effective.nml. The model's emission table
   (<name>_emissions.csv) sums them by prefecture only; a strategy costs each unit's cuts. */
#include <petscsys.h>
#include "postproc/tagged_run.h"

/* Load the effective namelist at nml (namelist_reset() first: the caller's own groups must have
   been read already) and fill t_yr[(n * SECTOR_N + sec) * nspec + s] with the emissions of tag n
   of the run b, sector sec and species s, for the tags of b's family family (0 elsewhere). With
   host (ntag entries, or NULL), the tags of the families by point too, and for each such tag n
   (one stack) host[n], the tag of family that holds the stack, and unit[n], the control unit it
   lies in (domain index; -1 for none, and for every other tag). The domain file at domain is the
   base run's. Fails naming nml if its tags are not the run's. Collective on comm. */
PetscErrorCode tag_emissions_compute(MPI_Comm comm, const char *nml, const char *domain,
                                     const TaggedRun *b, PetscInt family, PetscReal *t_yr,
                                     PetscInt *host, PetscInt *unit);
