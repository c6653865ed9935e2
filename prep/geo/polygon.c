/* Polygon tests and the owner raster. The raster is filled by scan lines: for each pixel row,
   the crossings of the row's centre latitude with every edge (half-open in latitude, so a vertex
   on the line counts once) are sorted, and the pixels whose centres lie between crossings 2k and
   2k+1 are inside. This is the even-odd rule of polygon_contains, evaluated at pixel centres,
   at a cost proportional to the edges times the rows they span rather than to the pixels times
   the vertices. */
#include "prep/geo/polygon.h"
#include <stdlib.h>

#define POLYGON_MAX_PASSES 100000 /* bound on gap-filling passes; never reached on real data */

PetscBool polygon_contains(const GeoFeature *f, PetscReal lon, PetscReal lat)
{
  PetscBool inside = PETSC_FALSE;

  if (lon < f->bbox[0] || lon > f->bbox[1] || lat < f->bbox[2] || lat > f->bbox[3])
    return PETSC_FALSE;
  for (PetscInt r = 0; r < f->nring; r++) {
    for (PetscInt v = f->ring_start[r]; v < f->ring_start[r + 1] - 1; v++) {
      PetscReal x1 = f->lonlat[2 * v], y1 = f->lonlat[2 * v + 1];
      PetscReal x2 = f->lonlat[2 * v + 2], y2 = f->lonlat[2 * v + 3];
      if ((y1 <= lat) != (y2 <= lat) && lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1))
        inside = !inside;
    }
  }
  return inside;
}

PetscReal polygon_area(const GeoFeature *f, PetscReal radius)
{
  const PetscReal rad = PETSC_PI / 180;
  PetscReal total = 0;

  for (PetscInt r = 0; r < f->nring; r++) {
    PetscReal a = 0;
    /* The area under each edge in (longitude, sin latitude), which is equal-area on the sphere. */
    for (PetscInt v = f->ring_start[r]; v < f->ring_start[r + 1] - 1; v++)
      a += (f->lonlat[2 * v + 2] - f->lonlat[2 * v]) * rad *
           (PetscSinReal(f->lonlat[2 * v + 1] * rad) + PetscSinReal(f->lonlat[2 * v + 3] * rad));
    a = PetscAbsReal(a) * radius * radius / 2;
    total += f->outer[r] ? a : -a;
  }
  return total;
}

PetscErrorCode polygon_raster_create(const PetscReal bbox[4], PetscInt per_degree,
                                     PolygonRaster **out)
{
  PolygonRaster *r;

  PetscFunctionBeginUser;
  PetscCheck(per_degree > 0 && bbox[1] > bbox[0] && bbox[3] > bbox[2], PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE,
             "raster of %" PetscInt_FMT " pixels per degree over lon %g..%g, lat %g..%g is empty",
             per_degree, (double)bbox[0], (double)bbox[1], (double)bbox[2], (double)bbox[3]);
  PetscCall(PetscNew(&r));
  r->res = 1.0 / (PetscReal)per_degree;
  r->lon0 = PetscFloorReal(bbox[0] * (PetscReal)per_degree) * r->res;
  r->lat0 = PetscFloorReal(bbox[2] * (PetscReal)per_degree) * r->res;
  r->nlon = (PetscInt)PetscCeilReal((bbox[1] - r->lon0) / r->res);
  r->nlat = (PetscInt)PetscCeilReal((bbox[3] - r->lat0) / r->res);
  PetscCall(PetscMalloc1(r->nlon * r->nlat, &r->owner));
  for (PetscInt k = 0; k < r->nlon * r->nlat; k++) r->owner[k] = -1;
  *out = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode polygon_raster_destroy(PolygonRaster **r)
{
  PetscFunctionBeginUser;
  if (!*r) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*r)->owner));
  PetscCall(PetscFree(*r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int compare_reals(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Crossings of latitude lat with the edges of f, unsorted; returns their number. */
static PetscInt crossings(const GeoFeature *f, PetscReal lat, PetscReal *x)
{
  PetscInt n = 0;
  for (PetscInt r = 0; r < f->nring; r++) {
    for (PetscInt v = f->ring_start[r]; v < f->ring_start[r + 1] - 1; v++) {
      PetscReal x1 = f->lonlat[2 * v], y1 = f->lonlat[2 * v + 1];
      PetscReal x2 = f->lonlat[2 * v + 2], y2 = f->lonlat[2 * v + 3];
      if ((y1 <= lat) != (y2 <= lat)) x[n++] = x1 + (lat - y1) * (x2 - x1) / (y2 - y1);
    }
  }
  return n;
}

PetscErrorCode polygon_raster_fill(PolygonRaster *r, const GeoFeature *f, PetscInt value)
{
  PetscInt nedge = f->ring_start[f->nring] - f->nring, row0, row1;
  PetscReal *x;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nedge + 1, &x));
  row0 = PetscMax(0, (PetscInt)PetscFloorReal((f->bbox[2] - r->lat0) / r->res));
  row1 = PetscMin(r->nlat - 1, (PetscInt)PetscCeilReal((f->bbox[3] - r->lat0) / r->res));
  for (PetscInt j = row0; j <= row1; j++) {
    PetscReal lat = r->lat0 + ((PetscReal)j + 0.5) * r->res;
    PetscInt n = crossings(f, lat, x);
    qsort(x, (size_t)n, sizeof(PetscReal), compare_reals);
    for (PetscInt k = 0; k + 1 < n; k += 2) {
      /* Pixels whose centre lon0 + (c + 0.5) res lies in [x[k], x[k+1]). */
      PetscInt c0 = PetscMax(0, (PetscInt)PetscCeilReal((x[k] - r->lon0) / r->res - 0.5));
      PetscInt c1 = PetscMin(r->nlon, (PetscInt)PetscCeilReal((x[k + 1] - r->lon0) / r->res - 0.5));
      for (PetscInt c = c0; c < c1; c++) r->owner[j * r->nlon + c] = value;
    }
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The owner a pixel without one takes from its neighbours in prev, or -1. */
static PetscInt neighbour_owner(const PolygonRaster *r, const PetscInt *prev, PetscInt j,
                                PetscInt c)
{
  const PetscInt di[4] = {-1, 1, 0, 0}, dj[4] = {0, 0, -1, 1};
  for (PetscInt q = 0; q < 4; q++) {
    PetscInt cc = c + di[q], jj = j + dj[q];
    if (cc < 0 || jj < 0 || cc >= r->nlon || jj >= r->nlat) continue;
    if (prev[jj * r->nlon + cc] >= 0) return prev[jj * r->nlon + cc];
  }
  return -1;
}

PetscErrorCode polygon_raster_fill_gaps(PolygonRaster *r, const PolygonRaster *mask,
                                        PetscInt *filled, PetscInt *left)
{
  PetscInt n = r->nlon * r->nlat, changed = 1, passes = 0;
  PetscInt *prev;

  PetscFunctionBeginUser;
  PetscCheck(mask->nlon == r->nlon && mask->nlat == r->nlat && mask->lon0 == r->lon0 &&
                 mask->lat0 == r->lat0,
             PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "the mask raster must have the shape of the raster it fills");
  PetscCall(PetscMalloc1(n, &prev));
  *filled = 0;
  while (changed && passes++ < POLYGON_MAX_PASSES) {
    changed = 0;
    PetscCall(PetscArraycpy(prev, r->owner, n));
    for (PetscInt j = 0; j < r->nlat; j++) {
      for (PetscInt c = 0; c < r->nlon; c++) {
        PetscInt k = j * r->nlon + c, o;
        if (prev[k] >= 0 || mask->owner[k] < 0) continue;
        o = neighbour_owner(r, prev, j, c);
        if (o >= 0) {
          r->owner[k] = o;
          changed++;
        }
      }
    }
    *filled += changed;
  }
  *left = 0;
  for (PetscInt k = 0; k < n; k++)
    if (r->owner[k] < 0 && mask->owner[k] >= 0) (*left)++;
  PetscCall(PetscFree(prev));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void polygon_raster_adjacency(const PolygonRaster *r, PetscInt a, PetscInt n, PetscInt *count)
{
  const PetscInt di[4] = {-1, 1, 0, 0}, dj[4] = {0, 0, -1, 1};
  for (PetscInt j = 0; j < r->nlat; j++) {
    for (PetscInt c = 0; c < r->nlon; c++) {
      if (r->owner[j * r->nlon + c] != a) continue;
      for (PetscInt q = 0; q < 4; q++) {
        PetscInt cc = c + di[q], jj = j + dj[q], b;
        if (cc < 0 || jj < 0 || cc >= r->nlon || jj >= r->nlat) continue;
        b = r->owner[jj * r->nlon + cc];
        if (b >= 0 && b != a && b < n) count[b]++;
      }
    }
  }
}
