#pragma once
/* Receptors: areas whose air a study reports on (the three hotspots). A receptor is the union of
   the urban land of a list of counties or prefectures, of discs around points, and of the
   polygons of vector files (prep/geo/vector.h), as the &receptor namelist group defines them. The
   grid tool turns each into cell weights (domain file variable receptor_weight). */
#include "prep/grid/domain_config.h"

typedef struct {
  char name[GEO_CODE_LEN], name_zh[GEO_NAME_LEN], name_en[GEO_NAME_LEN];
  PetscBool *county; /* ncounty flags: the urban land of these counties belongs; owned */
  PetscInt npoint;
  PetscReal *point; /* lon, lat (degrees), radius (m) of each disc; owned */
  PetscInt npolygon;
  GeoCollection **polygon; /* owned */
} Receptor;

typedef struct {
  PetscInt n;
  Receptor *r; /* owned */
} ReceptorSet;

/* Build the receptors of p. Fails naming the namelist file, the key and the entry when an entry
   names an unknown receptor or an unknown or ambiguous city, or a polygon file that does not
   parse. Not collective. */
PetscErrorCode receptor_masks_create(const Geography *g, const ReceptorParams *p, const char *nml,
                                     ReceptorSet **rs);

/* Free the set and set the handle to NULL; no-op on NULL. */
PetscErrorCode receptor_masks_destroy(ReceptorSet **rs);

/* Whether the point (lon, lat) classified as s belongs to receptor k. Not collective. */
PetscBool receptor_masks_contains(const ReceptorSet *rs, PetscInt k, const GeoSample *s,
                                  PetscReal lon, PetscReal lat);
