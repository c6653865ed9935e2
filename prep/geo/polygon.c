/* Polygon tests and the owner raster. The raster is filled by scan lines: for each pixel row,
   the crossings of the row's centre latitude with every edge (half-open in latitude, so a vertex
   on the line counts once) are sorted, and the pixels whose centres lie between crossings 2k and
   2k+1 are inside. This is the even-odd rule of polygon_contains, evaluated at pixel centres,
   at a cost proportional to the edges times the rows they span rather than to the pixels times
   the vertices. */
#include "prep/geo/polygon.h"
#include <stdlib.h>

/* Most gap-filling passes: a pass fills one pixel's width of every gap, and the gaps between real
   county polygons and the region's outline are slivers of a few pixels. Each pass costs a sweep
   of the whole raster, so a wide gap (a bad outline) would take minutes or hours. */
#define POLYGON_MAX_PASSES 256

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
  PetscCall(PetscFree(prev));
  PetscCheck(!changed, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "a gap between the polygons and the outline is more than %d pixels (%g degrees) "
             "wide: the outline and the polygons do not match (a position of one moved far away?)",
             POLYGON_MAX_PASSES, (double)(POLYGON_MAX_PASSES * r->res));
  *left = 0;
  for (PetscInt k = 0; k < n; k++)
    if (r->owner[k] < 0 && mask->owner[k] >= 0) (*left)++;
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

/* Orientation of c against the line a -> b: > 0 left, < 0 right, 0 collinear. */
static PetscReal orient(const PetscReal *a, const PetscReal *b, const PetscReal *c)
{
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/* Whether segments a-b and c-d cross properly: each pair of ends strictly on both sides of the
   other segment. Touching, a shared vertex and collinear overlaps (the zero-width spikes of
   boundaries snapped to a grid) do not count: they change no even-odd inside. */
static PetscBool segments_cross(const PetscReal *a, const PetscReal *b, const PetscReal *c,
                                const PetscReal *d)
{
  PetscReal o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))
             ? PETSC_TRUE
             : PETSC_FALSE;
}

PetscErrorCode polygon_ring_crossings(const GeoFeature *f, PetscInt ring, PetscInt max,
                                      PetscInt *e1, PetscInt *e2, PetscInt *found)
{
  const PetscReal *v = &f->lonlat[2 * f->ring_start[ring]];
  PetscInt n = f->ring_start[ring + 1] - f->ring_start[ring] - 1; /* edges; the last vertex
                                                                     repeats the first */
  PetscInt side, ncell, *count, *start, *edge;
  PetscReal bb[4] = {PETSC_MAX_REAL, -PETSC_MAX_REAL, PETSC_MAX_REAL, -PETSC_MAX_REAL}, w, h;

  PetscFunctionBeginUser;
  *found = 0;
  if (n < 4) PetscFunctionReturn(PETSC_SUCCESS); /* a triangle cannot cross itself */
  for (PetscInt k = 0; k <= n; k++) {
    bb[0] = PetscMin(bb[0], v[2 * k]), bb[1] = PetscMax(bb[1], v[2 * k]);
    bb[2] = PetscMin(bb[2], v[2 * k + 1]), bb[3] = PetscMax(bb[3], v[2 * k + 1]);
  }
  /* Edges binned on a grid of about n cells over the ring's box, so that only edges sharing a
     cell are compared: about linear in n for the rings of real boundaries. */
  side = PetscMax(1, (PetscInt)PetscSqrtReal((PetscReal)n));
  ncell = side * side;
  w = (bb[1] - bb[0]) / (PetscReal)side, h = (bb[3] - bb[2]) / (PetscReal)side;
  if (w <= 0) w = 1;
  if (h <= 0) h = 1;
  PetscCall(PetscCalloc2(ncell + 1, &count, ncell + 1, &start));
  for (PetscInt pass = 0; pass < 2; pass++) {
    if (pass) {
      for (PetscInt c = 0; c < ncell; c++) start[c + 1] = start[c] + count[c];
      PetscCall(PetscMalloc1(start[ncell] + 1, &edge));
      PetscCall(PetscArrayzero(count, ncell));
    }
    for (PetscInt k = 0; k < n; k++) {
      const PetscReal *a = &v[2 * k], *b = &v[2 * k + 2];
      PetscInt i0 = PetscMin(side - 1, (PetscInt)((PetscMin(a[0], b[0]) - bb[0]) / w)),
               i1 = PetscMin(side - 1, (PetscInt)((PetscMax(a[0], b[0]) - bb[0]) / w)),
               j0 = PetscMin(side - 1, (PetscInt)((PetscMin(a[1], b[1]) - bb[2]) / h)),
               j1 = PetscMin(side - 1, (PetscInt)((PetscMax(a[1], b[1]) - bb[2]) / h));
      for (PetscInt j = j0; j <= j1; j++)
        for (PetscInt i = i0; i <= i1; i++) {
          PetscInt c = j * side + i;
          if (pass) edge[start[c] + count[c]] = k;
          count[c]++;
        }
    }
  }
  for (PetscInt c = 0; c < ncell && *found < max; c++)
    for (PetscInt x = start[c]; x < start[c] + count[c] && *found < max; x++)
      for (PetscInt y = x + 1; y < start[c] + count[c] && *found < max; y++) {
        PetscInt a = PetscMin(edge[x], edge[y]), b = PetscMax(edge[x], edge[y]), dup = 0;
        /* Neighbouring edges share a vertex by construction. */
        if (b == a + 1 || (a == 0 && b == n - 1)) continue;
        if (!segments_cross(&v[2 * a], &v[2 * a + 2], &v[2 * b], &v[2 * b + 2])) continue;
        /* A pair sharing several cells is found in each of them: keep it once. */
        for (PetscInt q = 0; q < *found; q++) dup += e1[q] == a && e2[q] == b;
        if (dup) continue;
        e1[*found] = a, e2[*found] = b, (*found)++;
      }
  PetscCall(PetscFree(edge));
  PetscCall(PetscFree2(count, start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscReal polygon_loop_fraction(const GeoFeature *f, PetscInt ring, PetscInt e1, PetscInt e2)
{
  const PetscReal *v = &f->lonlat[2 * f->ring_start[ring]];
  PetscInt n = f->ring_start[ring + 1] - f->ring_start[ring] - 1;
  const PetscReal *a = &v[2 * e1], *b = &v[2 * e1 + 2], *c = &v[2 * e2], *d = &v[2 * e2 + 2];
  PetscReal den = (b[0] - a[0]) * (d[1] - c[1]) - (b[1] - a[1]) * (d[0] - c[0]);
  PetscReal t =
      den != 0 ? ((c[0] - a[0]) * (d[1] - c[1]) - (c[1] - a[1]) * (d[0] - c[0])) / den : 0;
  PetscReal x[2] = {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])}, loop = 0, rest = 0;

  /* Shoelace sums in degrees (a ratio of nearby areas needs no projection): the loop is
     x, v[e1 + 1], ..., v[e2], x; the rest is x, v[e2 + 1], ..., v[n] = v[0], ..., v[e1], x. */
  {
    const PetscReal *p = x;
    for (PetscInt k = e1 + 1; k <= e2; k++) {
      loop += p[0] * v[2 * k + 1] - v[2 * k] * p[1];
      p = &v[2 * k];
    }
    loop += p[0] * x[1] - x[0] * p[1];
  }
  {
    const PetscReal *p = x;
    for (PetscInt m = e2 + 1; m <= n + e1; m++) {
      PetscInt k = m % n;
      rest += p[0] * v[2 * k + 1] - v[2 * k] * p[1];
      p = &v[2 * k];
    }
    rest += p[0] * x[1] - x[0] * p[1];
  }
  loop = PetscAbsReal(loop), rest = PetscAbsReal(rest);
  return loop + rest > 0 ? PetscMin(loop, rest) / (loop + rest) : 0;
}
