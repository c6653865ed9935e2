#pragma once
/* Polygons on the sphere in longitude-latitude: point-in-polygon tests, areas, and a raster of
   owners (which polygon covers each pixel of a fine lat-lon grid) from which the grid tool
   measures the fractional coverage of model cells by sub-sampling them. */
#include "prep/geo/vector.h"

/* Whether (lon, lat) lies inside feature f under the even-odd rule over all its rings (so holes
   and the polygons of a MultiPolygon need no special care). Not collective. */
PetscBool polygon_contains(const GeoFeature *f, PetscReal lon, PetscReal lat);

/* Up to max pairs of edges e1[q] < e2[q] of ring `ring` of f that cross each other (a ring that
   crosses itself: between the two crossing edges it runs the other way round), edge k running
   from vertex k to k + 1 of the ring, in *found. Edges that only touch or overlap along a line
   (zero-width spikes) are not reported. Not collective. */
PetscErrorCode polygon_ring_crossings(const GeoFeature *f, PetscInt ring, PetscInt max,
                                      PetscInt *e1, PetscInt *e2, PetscInt *found);

/* For a crossing of edges e1 < e2 of a ring: the area of the smaller of the two loops the
   crossing splits the ring into, as a fraction of both (0.5 for a symmetric bow-tie). The
   smaller loop is counted with the wrong sign by the ring's area. Not collective. */
PetscReal polygon_loop_fraction(const GeoFeature *f, PetscInt ring, PetscInt e1, PetscInt e2);

/* Area of feature f on a sphere of radius radius (m): outer rings minus holes, m2. */
PetscReal polygon_area(const GeoFeature *f, PetscReal radius);

/* A lat-lon raster of owners: pixel (r, c) spans longitudes lon0 + c res .. lon0 + (c+1) res and
   latitudes lat0 + r res .. lat0 + (r+1) res; owner[r * nlon + c] is a polygon index or -1. */
typedef struct {
  PetscReal lon0, lat0, res; /* degrees */
  PetscInt nlon, nlat;
  PetscInt *owner; /* owned */
} PolygonRaster;

/* Create a raster of per_degree pixels per degree covering bbox (lon_min, lon_max, lat_min,
   lat_max), every pixel owned by -1. Not collective. */
PetscErrorCode polygon_raster_create(const PetscReal bbox[4], PetscInt per_degree,
                                     PolygonRaster **r);

/* Free the raster and set the handle to NULL; no-op on NULL. */
PetscErrorCode polygon_raster_destroy(PolygonRaster **r);

/* Set the owner of every pixel whose centre lies inside f (even-odd rule) to value, replacing
   earlier owners: the caller orders the features so that the one that should win an overlap
   comes last. Not collective. */
PetscErrorCode polygon_raster_fill(PolygonRaster *r, const GeoFeature *f, PetscInt value);

/* Give every pixel that has no owner but has an owner in mask (a raster of the same shape, for
   example a region's outline filled with 0) the owner of a neighbouring pixel, repeatedly, until
   no pixel changes: the gaps between the polygons inside the mask go to the polygon beside them.
   Each pass reads the previous pass only, and neighbours are tried west, east, south, north, so
   the result does not depend on any traversal order. Returns the number of pixels filled and of
   pixels left without an owner inside the mask. Not collective. */
PetscErrorCode polygon_raster_fill_gaps(PolygonRaster *r, const PolygonRaster *mask,
                                        PetscInt *filled, PetscInt *left);

/* The owner of the pixel containing (lon, lat), or -1 outside the raster. Not collective. */
static inline PetscInt polygon_raster_owner(const PolygonRaster *r, PetscReal lon, PetscReal lat)
{
  PetscReal x = (lon - r->lon0) / r->res, y = (lat - r->lat0) / r->res;
  PetscInt c, j;
  if (!(x >= 0 && y >= 0)) return -1;
  c = (PetscInt)x;
  j = (PetscInt)y;
  if (c >= r->nlon || j >= r->nlat) return -1;
  return r->owner[j * r->nlon + c];
}

/* For each pixel owned by a, count its 4-neighbours owned by each other owner b into
   count[b] (count has n entries, zeroed by the caller). Not collective. */
void polygon_raster_adjacency(const PolygonRaster *r, PetscInt a, PetscInt n, PetscInt *count);
