/* Polygon files through GDAL/OGR (see vector.h). The first layer of the file is read; its
   features must have a Polygon or MultiPolygon geometry (a third coordinate is dropped). A layer
   in any other coordinate reference system than longitude-latitude WGS84 is transformed to it
   with OGR's coordinate transformation (longitude first, OAMS_TRADITIONAL_GIS_ORDER); a
   longitude-latitude WGS84 layer (GeoJSON, RFC 7946) is taken as it is, so its vertices keep the
   bits of the file's decimal text. A ring of fewer than four positions encloses no area (the
   county file has one, a single point): it is dropped, and a polygon whose outer ring is dropped
   is dropped whole. Refused, naming the file and the feature: a file OGR cannot open as vectors,
   a first layer with no feature, other geometry types, a feature with no geometry or no ring left,
   rings that are not closed, positions outside [-180, 360] x [-90, 90] degrees after the
   transformation. GDAL's own messages are kept quiet and the last one is quoted in ours. */
#include "prep/geo/vector.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>

/* Transformed vertices are rounded to a grid of 2^30 points per degree (9.3e-10 degree, 0.1 mm;
   a power of two, so the rounding is exact and vertices on a binary grid such as the shipped
   files' 1/1024 degree come back to their bits): the round-off of a transformation would
   otherwise make edges that touch in the source (a boundary folded back onto itself) cross by a
   few nanometres, which polygon.c refuses as a self-crossing ring. */
#define VECTOR_SNAP_PER_DEG 1073741824.0

/* What OGR said last, for our messages. */
static const char *ogr_message(void)
{
  const char *m = CPLGetLastErrorMsg();
  return m && m[0] ? m : "no message from GDAL";
}

/* The transformation from the layer's CRS to longitude-latitude WGS84, or NULL when the layer is
   in it already (or declares none: GeoJSON without a crs member is WGS84). */
static PetscErrorCode to_lonlat(const char *path, OGRLayerH layer, OGRCoordinateTransformationH *ct)
{
  OGRSpatialReferenceH src = OGR_L_GetSpatialRef(layer), wgs84, from;

  PetscFunctionBeginUser;
  *ct = NULL;
  if (!src) PetscFunctionReturn(PETSC_SUCCESS);
  wgs84 = OSRNewSpatialReference(NULL);
  PetscCheck(wgs84 && OSRImportFromEPSG(wgs84, 4326) == OGRERR_NONE, PETSC_COMM_SELF, PETSC_ERR_LIB,
             "%s: OSRImportFromEPSG(4326) failed: %s", path, ogr_message());
  OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  if (OSRIsGeographic(src) && OSRIsSame(src, wgs84)) {
    OSRDestroySpatialReference(wgs84);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  from = OSRClone(src);
  OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
  *ct = OCTNewCoordinateTransformation(from, wgs84);
  OSRDestroySpatialReference(from);
  OSRDestroySpatialReference(wgs84);
  PetscCheck(*ct, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: its coordinate reference system cannot be transformed to longitude-latitude "
             "WGS84 (OCTNewCoordinateTransformation: %s)",
             path, ogr_message());
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether ring r (a linear ring geometry) of feature k is usable: four positions at least; a
   usable ring must be closed. */
static PetscErrorCode check_ring(const char *path, PetscInt k, OGRGeometryH r, PetscBool *usable)
{
  int n = OGR_G_GetPointCount(r);

  PetscFunctionBeginUser;
  *usable = n >= 4 ? PETSC_TRUE : PETSC_FALSE;
  if (!*usable) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(OGR_G_GetX(r, 0) == OGR_G_GetX(r, n - 1) && OGR_G_GetY(r, 0) == OGR_G_GetY(r, n - 1),
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT ": a linear ring must end where it starts", path, k);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The polygons of geometry g: g itself or its parts. */
static PetscErrorCode polygons(const char *path, PetscInt k, OGRGeometryH g, int *npoly,
                               PetscBool *multi)
{
  OGRwkbGeometryType type;

  PetscFunctionBeginUser;
  PetscCheck(g, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " has no geometry", path, k);
  type = wkbFlatten(OGR_G_GetGeometryType(g));
  PetscCheck(type == wkbPolygon || type == wkbMultiPolygon, PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT
             ": geometry type %s is not supported (Polygon or MultiPolygon expected)",
             path, k, OGRGeometryTypeToName(type));
  *multi = type == wkbMultiPolygon ? PETSC_TRUE : PETSC_FALSE;
  *npoly = *multi ? OGR_G_GetGeometryCount(g) : 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The rings of feature k's geometry g (in lon-lat; transformed ones snapped) into f: two passes,
   count then copy. */
static PetscErrorCode convert_geometry(const char *path, PetscInt k, OGRGeometryH g, PetscBool snap,
                                       GeoFeature *f)
{
  int npoly;
  PetscBool multi, outer_ok, keep;
  PetscInt nring = 0, nv = 0, r = 0, v = 0;

  PetscFunctionBeginUser;
  PetscCall(polygons(path, k, g, &npoly, &multi));
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      f->nring = nring;
      PetscCall(PetscMalloc1(nring + 1, &f->ring_start));
      PetscCall(PetscMalloc1(nring, &f->outer));
      PetscCall(PetscMalloc1(2 * nv, &f->lonlat));
      f->bbox[0] = f->bbox[2] = PETSC_MAX_REAL;
      f->bbox[1] = f->bbox[3] = PETSC_MIN_REAL;
    }
    for (int q = 0; q < npoly; q++) {
      OGRGeometryH poly = multi ? OGR_G_GetGeometryRef(g, q) : g;
      int nr = OGR_G_GetGeometryCount(poly);
      PetscCheck(nr > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: feature %" PetscInt_FMT ": a polygon must have a linear ring", path, k);
      PetscCall(check_ring(path, k, OGR_G_GetGeometryRef(poly, 0), &outer_ok));
      for (int i = 0; i < nr; i++) {
        OGRGeometryH ring = OGR_G_GetGeometryRef(poly, i);
        PetscCall(check_ring(path, k, ring, &keep));
        if (!keep || !outer_ok) continue;
        if (pass == 0) {
          nring++;
          nv += OGR_G_GetPointCount(ring);
          continue;
        }
        f->ring_start[r] = v;
        f->outer[r++] = i == 0 ? PETSC_TRUE : PETSC_FALSE;
        for (int p = 0; p < OGR_G_GetPointCount(ring); p++, v++) {
          PetscReal lon = OGR_G_GetX(ring, p), lat = OGR_G_GetY(ring, p);
          if (snap) {
            lon = round(lon * VECTOR_SNAP_PER_DEG) / VECTOR_SNAP_PER_DEG;
            lat = round(lat * VECTOR_SNAP_PER_DEG) / VECTOR_SNAP_PER_DEG;
          }
          /* Longitude and latitude in degrees: anything else is a damaged file or a failed
             transformation, and would size the rasters built from the bounding boxes. A NaN
             fails the test. */
          PetscCheck(lon >= -180 && lon <= 360 && lat >= -90 && lat <= 90, PETSC_COMM_SELF,
                     PETSC_ERR_FILE_UNEXPECTED,
                     "%s: feature %" PetscInt_FMT ": position [%g, %g] is outside [-180, 360] x "
                     "[-90, 90] degrees (expected longitude and latitude, or a CRS OGR can "
                     "transform to them)",
                     path, k, (double)lon, (double)lat);
          f->lonlat[2 * v] = lon;
          f->lonlat[2 * v + 1] = lat;
          f->bbox[0] = PetscMin(f->bbox[0], lon);
          f->bbox[1] = PetscMax(f->bbox[1], lon);
          f->bbox[2] = PetscMin(f->bbox[2], lat);
          f->bbox[3] = PetscMax(f->bbox[3], lat);
        }
      }
    }
  }
  f->ring_start[nring] = v;
  PetscCheck(nring > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " has no ring of at least four positions", path, k);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The attributes of feature h into f: strings and numbers keep their text, numbers and lists of
   numbers their values; an unset or null attribute is left out (as a missing GeoJSON member). */
static PetscErrorCode convert_fields(OGRFeatureH h, GeoFeature *f)
{
  int n = OGR_F_GetFieldCount(h);

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(n + 1, &f->prop));
  for (int i = 0; i < n; i++) {
    OGRFieldDefnH d = OGR_F_GetFieldDefnRef(h, i);
    OGRFieldType type = OGR_Fld_GetType(d);
    GeoProperty *q = &f->prop[f->nprop];
    int count = 0;
    if (!OGR_F_IsFieldSetAndNotNull(h, i)) continue;
    f->nprop++;
    PetscCall(PetscStrallocpy(OGR_Fld_GetNameRef(d), &q->key));
    if (type == OFTString || type == OFTInteger || type == OFTInteger64 || type == OFTReal)
      PetscCall(PetscStrallocpy(OGR_F_GetFieldAsString(h, i), &q->text));
    if (type == OFTInteger || type == OFTInteger64 || type == OFTReal) {
      q->nnum = 1;
      PetscCall(PetscMalloc1(1, &q->num));
      q->num[0] = OGR_F_GetFieldAsDouble(h, i);
    } else if (type == OFTRealList) {
      const double *x = OGR_F_GetFieldAsDoubleList(h, i, &count);
      q->nnum = count;
      PetscCall(PetscMalloc1(count + 1, &q->num));
      for (int e = 0; e < count; e++) q->num[e] = x[e];
    } else if (type == OFTIntegerList) {
      const int *x = OGR_F_GetFieldAsIntegerList(h, i, &count);
      q->nnum = count;
      PetscCall(PetscMalloc1(count + 1, &q->num));
      for (int e = 0; e < count; e++) q->num[e] = x[e];
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every feature of layer into c (c->n counts them), transformed by ct if not NULL. */
static PetscErrorCode read_layer(const char *path, OGRLayerH layer, OGRCoordinateTransformationH ct,
                                 GeoCollection *c)
{
  GIntBig total = OGR_L_GetFeatureCount(layer, TRUE);
  OGRFeatureH h;

  PetscFunctionBeginUser;
  PetscCheck(total >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: OGR cannot count its features: %s", path, ogr_message());
  PetscCall(PetscCalloc1(total + 1, &c->feature));
  OGR_L_ResetReading(layer);
  while ((h = OGR_L_GetNextFeature(layer))) {
    OGRGeometryH g = OGR_F_GetGeometryRef(h);
    PetscErrorCode ierr;
    if (c->n >= (PetscInt)total || (g && ct && OGR_G_Transform(g, ct) != OGRERR_NONE)) {
      OGR_F_Destroy(h);
      PetscCheck(c->n < (PetscInt)total, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: more features than the %lld OGR counted", path, (long long)total);
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
              "%s: feature %" PetscInt_FMT ": cannot transform it to longitude-latitude: %s", path,
              c->n, ogr_message());
    }
    ierr = convert_geometry(path, c->n, g, ct ? PETSC_TRUE : PETSC_FALSE, &c->feature[c->n]);
    if (!ierr) ierr = convert_fields(h, &c->feature[c->n]);
    OGR_F_Destroy(h);
    c->n++;
    PetscCall(ierr);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode vector_read(const char *path, GeoCollection **out)
{
  static PetscBool registered = PETSC_FALSE;
  GeoCollection *c;
  GDALDatasetH ds;
  OGRLayerH layer;
  OGRCoordinateTransformationH ct = NULL;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  *out = NULL;
  PetscCheck(access(path, R_OK) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
             "%s: cannot open the polygon file", path);
  if (!registered) GDALAllRegister();
  registered = PETSC_TRUE;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  CPLErrorReset();
  ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (!ds) CPLPopErrorHandler();
  PetscCheck(ds, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: not a polygon file OGR can read (GeoJSON, ESRI Shapefile, GeoPackage, ...): %s",
             path, ogr_message());
  layer = GDALDatasetGetLayerCount(ds) > 0 ? GDALDatasetGetLayer(ds, 0) : NULL;
  if (!layer) {
    GDALClose(ds);
    CPLPopErrorHandler();
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: the file has no layer of features",
            path);
  }
  PetscCall(PetscNew(&c));
  PetscCall(PetscStrallocpy(path, &c->path));
  ierr = to_lonlat(path, layer, &ct);
  if (!ierr) ierr = read_layer(path, layer, ct, c);
  if (ct) OCTDestroyCoordinateTransformation(ct);
  GDALClose(ds);
  CPLPopErrorHandler();
  if (!ierr && c->n == 0)
    ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__,
                      PETSC_ERR_FILE_UNEXPECTED, PETSC_ERROR_INITIAL,
                      "%s: no feature in its first layer (a polygon file needs Polygon or "
                      "MultiPolygon features)",
                      path);
  if (ierr) PetscCall(vector_destroy(&c));
  PetscCall(ierr);
  *out = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode vector_destroy(GeoCollection **cp)
{
  GeoCollection *c = *cp;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < c->n; k++) {
    GeoFeature *f = &c->feature[k];
    for (PetscInt q = 0; q < f->nprop; q++) {
      PetscCall(PetscFree(f->prop[q].key));
      PetscCall(PetscFree(f->prop[q].text));
      PetscCall(PetscFree(f->prop[q].num));
    }
    PetscCall(PetscFree(f->prop));
    PetscCall(PetscFree(f->ring_start));
    PetscCall(PetscFree(f->outer));
    PetscCall(PetscFree(f->lonlat));
  }
  PetscCall(PetscFree(c->feature));
  PetscCall(PetscFree(c->path));
  PetscCall(PetscFree(*cp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const GeoProperty *vector_property(const GeoFeature *f, const char *key)
{
  for (PetscInt q = 0; q < f->nprop; q++)
    if (!strcmp(f->prop[q].key, key)) return &f->prop[q];
  return NULL;
}

PetscErrorCode vector_get_text(const GeoCollection *c, PetscInt k, const char *key,
                               const char **text)
{
  const GeoProperty *q = vector_property(&c->feature[k], key);

  PetscFunctionBeginUser;
  PetscCheck(q && q->text, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT " has no string or number property \"%s\"", c->path, k,
             key);
  *text = q->text;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode vector_get_reals(const GeoCollection *c, PetscInt k, const char *key, PetscInt n,
                                PetscReal *v)
{
  const GeoProperty *q = vector_property(&c->feature[k], key);

  PetscFunctionBeginUser;
  PetscCheck(q && q->nnum == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: feature %" PetscInt_FMT ": property \"%s\" must hold %" PetscInt_FMT " number(s)",
             c->path, k, key, n);
  for (PetscInt i = 0; i < n; i++) v[i] = q->num[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}
