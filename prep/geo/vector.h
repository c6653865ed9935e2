#pragma once
/* Polygon files read through GDAL/OGR: any vector format OGR reads (GeoJSON, ESRI Shapefile,
   GeoPackage, ...) in any coordinate reference system it can transform to longitude-latitude
   WGS84. The features' rings come as longitude-latitude vertices, their attributes as
   properties. Enough for boundary files (counties, prefectures, control units, outlines,
   receptor polygons); the rules are in vector.c. */
#include <petscsys.h>

/* One attribute of a feature. Strings keep their UTF-8 text; numbers (integer or real fields)
   keep their text (as OGR formats it) and their value; lists of numbers keep their values (text
   is NULL); other values (lists of strings, dates, binary) have text NULL and nnum 0; an unset
   or null attribute is not there. */
typedef struct {
  char *key;      /* owned */
  char *text;     /* owned; NULL unless a string or a number */
  PetscInt nnum;  /* numbers held in num */
  PetscReal *num; /* owned */
} GeoProperty;

/* One feature: its rings (the first ring of each polygon is its outer ring, the others holes;
   the even-odd reading of GeoJSON and of Simple Features is what polygon.c uses) and its
   properties. */
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

/* Read the features of the first layer of the file at path, their rings in longitude and
   latitude (transformed from the layer's CRS if it has another). Fails with PETSC_ERR_FILE_OPEN
   if the file cannot be read, and with PETSC_ERR_FILE_UNEXPECTED naming the file (and the
   feature) if OGR cannot open it as vectors or a feature is not a Polygon or MultiPolygon with
   closed rings of at least four positions in range. Not collective. */
PetscErrorCode vector_read(const char *path, GeoCollection **c);

/* Free the collection and set the handle to NULL; no-op on NULL. Not collective. */
PetscErrorCode vector_destroy(GeoCollection **c);

/* The property named key of feature f, or NULL if it has none. Not collective. */
const GeoProperty *vector_property(const GeoFeature *f, const char *key);

/* The text of the string or number property key of feature k of c. Fails naming the file, the
   feature and the key if it is missing or not a string or number. Not collective. */
PetscErrorCode vector_get_text(const GeoCollection *c, PetscInt k, const char *key,
                               const char **text);

/* The n numbers of the number or number-array property key of feature k of c. Fails naming the
   file, the feature and the key if it is missing or holds another count of numbers. */
PetscErrorCode vector_get_reals(const GeoCollection *c, PetscInt k, const char *key, PetscInt n,
                                PetscReal *v);
