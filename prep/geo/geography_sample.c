/* What one point of the map is: terrain height, land-use category, county and control unit.
   The grid tool calls this at every sub-sample of every model cell and averages.

   Terrain: bilinear interpolation in the DEM (m above sea level).

   Land use (base/landuse.h categories), the first rule that applies:
     0. a user land-use grid (&grid_tool landuse_file) holding a category code 0..6 at the
        nearest node: that category (other values fall through to the rules below);
     1. water: inside a lake ellipse of the lakes table;
     2. urban: within landuse_urban_radius_seat of a county seat, or landuse_urban_radius_city
        of a city of the hotspot table;
     3. snow_ice: h >= max(landuse_snowline_min, landuse_snowline_ref + landuse_snowline_lapse *
        (landuse_snowline_lat - lat)), a snow line rising southward (Altai ~3100 m, Tianshan
        ~3600 m, Kunlun 5000+ m on this smoothed DEM; calibrated so that Xinjiang's snow and ice
        is ~27,000 km2, near the ~26,000 km2 of its glacier inventory);
     4. forest: lat >= landuse_forest_lat_min, landuse_forest_height_min <= h <=
        landuse_forest_height_max, and the slope faces north (terrain higher one DEM spacing to
        the south than to the north): the spruce and larch belts of the Tianshan and Altai;
     5. cropland: within landuse_crop_radius of a county seat and h <= landuse_crop_height_max
        (irrigated oases grow around the seats, below the mountains);
     6. grassland: landuse_grass_height_min <= h < landuse_grass_height_max (mountain meadows;
        above it the plateau is cold desert), or lat >= landuse_steppe_lat (northern steppe);
     7. barren: everything else (Taklimakan, Gurbantunggut, Gobi, Kumtag, the high plateau).
   The rule knows nothing of rainfall or irrigation: the shares it gives Xinjiang are the
   right order of magnitude (see the grid tool's report), the map is coarse.

   County: the owner of the point's pixel in the county raster (-1 outside Xinjiang).

   Control unit. Outside Xinjiang: the first box of the outside-regions table that holds the
   point. Inside, with derived units, the county's
     key control (重点管控) if within units_key_radius_seat of a county seat or city, or within
       units_key_radius_source of a point source of the hotspot table (urban cores, industrial
       parks and the large plants);
     priority protection (优先保护) otherwise if h >= units_protect_height or the land use is
       water, snow_ice or forest (high mountains, glaciers, lakes, mountain forests; the
       protected areas themselves are not in the data);
     general (一般管控) otherwise.
   With official units, the owner of the point's pixel in the unit raster.

   Units: m, degrees. Namelist keys: &landuse landuse_*, &units units_* (prep/grid/domain_config.c).
 */
#include "prep/geo/geography.h"
#include "base/constants.h"

void geography_offset(PetscReal lon0, PetscReal lat0, PetscReal lon, PetscReal lat, PetscReal *east,
                      PetscReal *north)
{
  *east = (lon - lon0) * CONST_DEG2RAD * CONST_EARTH_RADIUS *
          PetscCosReal(0.5 * (lat + lat0) * CONST_DEG2RAD);
  *north = (lat - lat0) * CONST_DEG2RAD * CONST_EARTH_RADIUS;
}

PetscErrorCode geography_near_create(const Geography *g, GeoNear **near)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(near));
  PetscCall(PetscMalloc1(g->nlake + 1, &(*near)->lake));
  PetscCall(PetscMalloc1(g->nsite + 1, &(*near)->site));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode geography_near_destroy(GeoNear **near)
{
  PetscFunctionBeginUser;
  if (!*near) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*near)->lake));
  PetscCall(PetscFree((*near)->site));
  PetscCall(PetscFree(*near));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void geography_near(const Geography *g, PetscReal lon, PetscReal lat, PetscReal reach,
                    GeoNear *near)
{
  PetscReal e, n;

  near->nlake = near->nsite = 0;
  for (PetscInt k = 0; k < g->nlake; k++) {
    geography_offset(g->lake[k].lon, g->lake[k].lat, lon, lat, &e, &n);
    if (e * e + n * n <= PetscSqr(reach + g->lake[k].a)) near->lake[near->nlake++] = k;
  }
  for (PetscInt k = 0; k < g->nsite; k++) {
    const GeoSite *s = &g->site[k];
    PetscReal r = PetscMax(s->r_urban, PetscMax(s->r_key, s->r_crop));
    geography_offset(s->lon, s->lat, lon, lat, &e, &n);
    if (e * e + n * n <= PetscSqr(reach + r)) near->site[near->nsite++] = k;
  }
}

static PetscBool in_lake(const GeoLake *l, PetscReal lon, PetscReal lat)
{
  PetscReal e, n, along, across;
  geography_offset(l->lon, l->lat, lon, lat, &e, &n);
  along = e * PetscSinReal(l->azimuth) + n * PetscCosReal(l->azimuth);
  across = e * PetscCosReal(l->azimuth) - n * PetscSinReal(l->azimuth);
  return PetscSqr(along / l->a) + PetscSqr(across / l->b) <= 1 ? PETSC_TRUE : PETSC_FALSE;
}

/* Which discs of the near sites hold the point. */
static void site_discs(const Geography *g, const GeoNear *near, PetscReal lon, PetscReal lat,
                       PetscBool *urban, PetscBool *key, PetscBool *crop)
{
  *urban = *key = *crop = PETSC_FALSE;
  for (PetscInt k = 0; k < near->nsite; k++) {
    const GeoSite *s = &g->site[near->site[k]];
    PetscReal e, n, d2;
    geography_offset(s->lon, s->lat, lon, lat, &e, &n);
    d2 = e * e + n * n;
    if (d2 <= s->r_urban * s->r_urban) *urban = PETSC_TRUE;
    if (d2 <= s->r_key * s->r_key) *key = PETSC_TRUE;
    if (d2 <= s->r_crop * s->r_crop) *crop = PETSC_TRUE;
  }
}

static PetscInt landuse_rule(const Geography *g, const GeoNear *near, PetscReal lon, PetscReal lat,
                             PetscReal h, PetscBool urban, PetscBool crop)
{
  const GeoParams *p = &g->p;
  PetscReal snowline =
      PetscMax(p->snowline_min, p->snowline_ref + p->snowline_lapse * (p->snowline_lat - lat));

  if (g->landuse && dem_covers(g->landuse, lon, lat)) {
    PetscReal v = dem_nearest(g->landuse, lon, lat);
    if (v >= 0 && v < LANDUSE_N && v == PetscFloorReal(v)) return (PetscInt)v;
  }
  for (PetscInt k = 0; k < near->nlake; k++)
    if (in_lake(&g->lake[near->lake[k]], lon, lat)) return LANDUSE_WATER;
  if (urban) return LANDUSE_URBAN;
  if (h >= snowline) return LANDUSE_SNOW_ICE;
  if (lat >= p->forest_lat_min && h >= p->forest_height_min && h <= p->forest_height_max) {
    const Dem *d = g->dem;
    PetscReal south = lat - d->dlat, north = lat + d->dlat;
    if (dem_covers(d, lon, south) && dem_covers(d, lon, north) &&
        dem_bilinear(d, lon, south) > dem_bilinear(d, lon, north))
      return LANDUSE_FOREST;
  }
  if (crop && h <= p->crop_height_max) return LANDUSE_CROPLAND;
  if ((h >= p->grass_height_min && h < p->grass_height_max) || lat >= p->steppe_lat)
    return LANDUSE_GRASSLAND;
  return LANDUSE_BARREN;
}

static PetscInt outside_unit(const Geography *g, PetscReal lon, PetscReal lat)
{
  for (PetscInt k = 0; k < g->nbox; k++) {
    const PetscReal *b = g->box[k].box;
    if (lon >= b[0] && lon <= b[1] && lat >= b[2] && lat <= b[3]) return g->box[k].unit;
  }
  return g->box[g->nbox - 1].unit;
}

void geography_sample(const Geography *g, const GeoNear *near, PetscReal lon, PetscReal lat,
                      GeoSample *s)
{
  PetscBool urban, key, crop;
  PetscInt kind;

  site_discs(g, near, lon, lat, &urban, &key, &crop);
  s->h = dem_bilinear(g->dem, lon, lat);
  s->landuse = landuse_rule(g, near, lon, lat, s->h, urban, crop);
  s->county = polygon_raster_owner(g->county_raster, lon, lat);
  if (g->official) {
    s->unit = polygon_raster_owner(g->unit_raster, lon, lat);
    if (s->unit < 0) s->unit = outside_unit(g, lon, lat);
    return;
  }
  if (s->county < 0) {
    s->unit = outside_unit(g, lon, lat);
    return;
  }
  if (key)
    kind = UNIT_KEY;
  else if (s->h >= g->p.protect_height || s->landuse == LANDUSE_WATER ||
           s->landuse == LANDUSE_SNOW_ICE || s->landuse == LANDUSE_FOREST)
    kind = UNIT_PRIORITY;
  else
    kind = UNIT_GENERAL;
  s->unit = UNIT_OUTSIDE * s->county + kind;
}
