#pragma once
/* A small reader for GeoJSON FeatureCollections (RFC 7946) of Polygon and MultiPolygon features:
   their rings as longitude-latitude vertices and their properties. Enough for boundary files
   (counties, prefectures, control units, receptor polygons); anything else in the file (other
   geometry types, foreign members) is refused or ignored as documented in geojson.c. */
#include <petscsys.h>

/* One property of a feature. Strings keep their unescaped UTF-8 text; numbers keep their text
   as written and their value; arrays of numbers keep their values (text is NULL); other values
   (objects, arrays of strings, true, false, null) have text NULL and nnum 0. */
typedef struct {
  char *key;      /* owned */
  char *text;     /* owned; NULL unless a string or a number */
  PetscInt nnum;  /* numbers held in num */
  PetscReal *num; /* owned */
} GeoProperty;

/* One feature: its rings (the first ring of each polygon is its outer ring, the others holes;
   GeoJSON's even-odd reading is what polygon.c uses) and its properties. */
typedef struct {
  PetscInt nprop;
  GeoProperty *prop; /* owned */
  PetscInt nring;
  PetscInt *ring_start; /* nring + 1 offsets into the vertices; owned */
  PetscBool *outer;     /* PETSC_TRUE for the outer ring of a polygon; owned */
  PetscReal *lonlat;    /* vertex v at lonlat[2v] (lon), lonlat[2v+1] (lat), degrees; owned */
  PetscReal bbox[4];    /* lon_min, lon_max, lat_min, lat_max over all rings */
} GeoFeature;

typedef struct {
  char *path; /* the file read, for messages; owned */
  PetscInt n;
  GeoFeature *feature; /* owned */
} GeoCollection;

/* Read the FeatureCollection in the file at path. Fails with PETSC_ERR_FILE_UNEXPECTED naming
   the file, the line and column and what was expected if the file is not JSON, or naming the
   feature if it is not a FeatureCollection of Polygon or MultiPolygon features with closed rings
   of at least four positions. Not collective. */
PetscErrorCode geojson_read(const char *path, GeoCollection **c);

/* Free the collection and set the handle to NULL; no-op on NULL. Not collective. */
PetscErrorCode geojson_destroy(GeoCollection **c);

/* The property named key of feature f, or NULL if it has none. Not collective. */
const GeoProperty *geojson_property(const GeoFeature *f, const char *key);

/* The text of the string or number property key of feature k of c. Fails naming the file, the
   feature and the key if it is missing or not a string or number. Not collective. */
PetscErrorCode geojson_get_text(const GeoCollection *c, PetscInt k, const char *key,
                                const char **text);

/* The n numbers of the number or number-array property key of feature k of c. Fails naming the
   file, the feature and the key if it is missing or holds another count of numbers. */
PetscErrorCode geojson_get_reals(const GeoCollection *c, PetscInt k, const char *key, PetscInt n,
                                 PetscReal *v);
