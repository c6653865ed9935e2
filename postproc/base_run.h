#pragma once
/* A base run's receptor series by tag, as the post-processing programs read them: every
   <name>_receptors_<start>.nc file of the run folder in time order (model/output/receptor_series.c
   writes them), with the tag vocabulary of model/tags.c (what each tag stands for). Shared by
   bogda-predict (scenarios from the tags) and bogda-query (a unit's or a project's share at the
   hotspots). */
#include <petscsys.h>
#include "grids/domain.h"

#define BASE_RUN_LABEL_LEN 64 /* bytes of a label in the receptor files */

/* tag_special values (flag_meanings "emissions initial inflow other") and tag_family_by values
   ("unit prefecture kind region sector unit_sector point") of the receptor files. */
enum { BASE_RUN_EMISSIONS = 0, BASE_RUN_INITIAL, BASE_RUN_INFLOW, BASE_RUN_OTHER };
enum { BASE_RUN_BY_UNIT = 0, BASE_RUN_BY_UNIT_SECTOR = 5, BASE_RUN_BY_POINT = 6 };

typedef struct {
  PetscInt nt, nrec, nsp, ntag; /* times, receptors, species (+pm25), tags */
  PetscReal *conc;              /* [(t*nrec + r)*nsp + k], ug m-3; owned */
  PetscReal *contrib;           /* [((t*nrec + r)*nsp + k)*ntag + n], ug m-3; owned */
  char (*label)[BASE_RUN_LABEL_LEN], (*rec)[BASE_RUN_LABEL_LEN],
      (*spname)[BASE_RUN_LABEL_LEN];                             /* owned */
  PetscInt *family, *unit, *pref, *kind, *sector, *special, *by; /* per tag; owned */
  PetscBool *used; /* the tag contributes somewhere; owned */
} BaseRun;

/* Read every receptor file of the run folder dir into a new *b (ntag = 0 for a run without
   tags). Fails naming the pattern if there is none, and the file if one does not match the
   others. Not collective. */
PetscErrorCode base_run_read(const char *dir, BaseRun **b);

/* Free and set the handle to NULL; no-op on NULL. Not collective. */
PetscErrorCode base_run_destroy(BaseRun **b);

/* Does the emission pair (unit u, sector s) of domain d belong to tag n? Point sources are not
   pairs (u = -1 stands for emissions outside every unit). Not collective. */
PetscBool base_run_covers(const BaseRun *b, const Domain *d, PetscInt n, PetscInt u, PetscInt s);

/* The mean over the run's times of the contribution of tag n at receptor r to species k. */
PetscReal base_run_mean_contribution(const BaseRun *b, PetscInt r, PetscInt k, PetscInt n);

/* The mean over the run's times of the bulk concentration at receptor r of species k. */
PetscReal base_run_mean_conc(const BaseRun *b, PetscInt r, PetscInt k);
