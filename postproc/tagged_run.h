#pragma once
/* A base run's receptor series with their tags, as the post-processing reads them: every
   *_receptors_*.nc file of the run's output folder (model/output/receptor_series.c writes them),
   in time order, with what each tag stands for (model/tags.h). Shared by bogda-predict and
   bogda-strategy, which turn the tags into source-receptor coefficients. */
#include <petscsys.h>
#include "physics/species.h"
#include "grids/domain.h"

#define TAGGED_RUN_LABEL_LEN 64 /* bytes of a label in the receptor files, including the NUL */

/* tag_special values (flag_meanings "emissions initial inflow other") and tag_family_by values
   ("unit prefecture kind region sector unit_sector point") of the receptor files. */
enum { TAGGED_RUN_EMISSIONS = 0, TAGGED_RUN_INITIAL, TAGGED_RUN_INFLOW, TAGGED_RUN_OTHER };
enum { TAGGED_RUN_BY_UNIT = 0, TAGGED_RUN_BY_UNIT_SECTOR = 5, TAGGED_RUN_BY_POINT = 6 };

typedef struct {
  PetscInt nt, nrec, nsp, ntag; /* times, receptors, species (+pm25), tags */
  PetscReal *time;              /* end of each averaging interval, s since 1970-01-01; owned */
  PetscReal *conc;              /* [(t*nrec + r)*nsp + k], ug m-3; owned */
  PetscReal *contrib;           /* [((t*nrec + r)*nsp + k)*ntag + n], ug m-3; owned */
  char (*label)[TAGGED_RUN_LABEL_LEN], (*rec)[TAGGED_RUN_LABEL_LEN],
      (*spname)[TAGGED_RUN_LABEL_LEN]; /* owned */
  /* What each tag stands for (TagInfo of model/tags.h, -1 where not applicable); owned. */
  PetscInt *family, *unit, *pref, *kind, *sector, *special, *by;
  PetscBool *used; /* the tag contributes somewhere */
} TaggedRun;

/* Read every receptor file of the run in folder dir (ntag = 0 for a run without tags). Fails
   naming the folder if there is none, and a file whose receptors, species or tags differ from
   the first one's. Not collective. */
PetscErrorCode tagged_run_read(const char *dir, TaggedRun *b);

/* Free what tagged_run_read allocated; no-op on a zeroed TaggedRun. Not collective. */
PetscErrorCode tagged_run_free(TaggedRun *b);

/* The emitted species whose emissions make species k of the table sp[0..nspec): its precursor
   (linear chemistry: sulfate from SO2, nitrate from NOx, ammonium from NH3), or k itself for a
   primary species. Not collective. */
PetscInt tagged_run_source(const SpeciesInfo *sp, PetscInt nspec, PetscInt k);

/* Does the emission pair (unit u, sector s) of domain d belong to tag n? Point sources are not
   pairs (u = -1 stands for emissions outside every unit). Not collective. */
PetscBool tagged_run_covers(const TaggedRun *b, const Domain *d, PetscInt n, PetscInt u,
                            PetscInt s);

/* The mean over the run's times of the contribution of tag n at receptor r to species k. */
PetscReal tagged_run_mean_contribution(const TaggedRun *b, PetscInt r, PetscInt k, PetscInt n);

/* The mean over the run's times of the bulk concentration at receptor r of species k. */
PetscReal tagged_run_mean_conc(const TaggedRun *b, PetscInt r, PetscInt k);
