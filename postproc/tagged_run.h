#pragma once
/* A base run's receptor series with their tags, as the post-processing reads them: every
   *_receptors_*.nc file of the run's output folder (model/output/receptor_series.c writes them),
   in time order, with what each tag stands for (model/tags.h). Shared by bogda-predict and
   bogda-strategy, which turn the tags into source-receptor coefficients. */
#include <petscsys.h>
#include "physics/species.h"

#define TAGGED_RUN_LABEL_LEN 64 /* bytes of a label in the receptor files, including the NUL */

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

/* Read every receptor file of the run in folder dir. Fails naming the folder if there is none,
   and a file whose receptors, species or tags differ from the first one's. Not collective. */
PetscErrorCode tagged_run_read(const char *dir, TaggedRun *b);

/* Free what tagged_run_read allocated; no-op on a zeroed TaggedRun. Not collective. */
PetscErrorCode tagged_run_free(TaggedRun *b);

/* The emitted species whose emissions make species k of the table sp[0..nspec): its precursor
   (linear chemistry: sulfate from SO2, nitrate from NOx, ammonium from NH3), or k itself for a
   primary species. Not collective. */
PetscInt tagged_run_source(const SpeciesInfo *sp, PetscInt nspec, PetscInt k);
