/* The grid tool's building blocks on inputs with known answers: the polygon reader on GeoJSON (and
   its refusals), point-in-polygon, spherical areas and the owner raster on squares, the DEM readers
   (NetCDF and ESRI ASCII agree; bilinear interpolation is exact on a plane), the CSV reader's
   refusals, and the geography built from the shipped data (counties, prefectures, XPCC parents,
   place names, units, receptors' errors). Writes scratch files under build/tests/tmp. */
#include <stdio.h>
#include <string.h>
#include "tests/tap.h"
#include "base/csv.h"
#include "prep/grid/receptor_masks.h"
#include "base/constants.h"
#include "base/error.h"

#define TMP "build/tests/tmp/test_domain"
#define AREA_RTOL 1e-12

static PetscErrorCode quiet_handler(MPI_Comm comm, int line, const char *fun, const char *file,
                                    PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm;
  (void)line;
  (void)fun;
  (void)file;
  (void)p;
  (void)mess;
  (void)ctx;
  return n;
}

static void write_text(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  if (!fp) return;
  fputs(text, fp);
  fclose(fp);
}

/* A unit square (0..1, 0..1 degrees) with a hole (0.3..0.7), and a second polygon far away. */
static const char *square = "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": "
                            "\"Feature\", \"properties\": {\"name\": \"sq\\u00e9\", "
                            "\"adcode\": \"650102\", \"label_point\": [0.5, 0.9], \"n\": 2.385},\n "
                            "\"geometry\": {\"type\": \"MultiPolygon\", "
                            "\"coordinates\": [[[[0,0],[1,0],[1,1],[0,1],[0,0]], "
                            "[[0.3,0.3],[0.3,0.7],[0.7,0.7],[0.7,0.3],[0.3,0.3]]],"
                            " [[[10,10],[11,10],[11,11],[10,10]]]]}}]}";

static PetscErrorCode test_geojson(void)
{
  const char *bad[][2] = {
      {"{\"type\": \"FeatureCollection\", \"features\": [", "truncated file"},
      {"{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"geometry\": "
       "{\"type\": \"LineString\", \"coordinates\": [[0,0],[1,1]]}}]}",
       "LineString"},
      {"{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"geometry\": "
       "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0],[1,1],[0,1]]]}}]}",
       "unclosed ring"},
      {"{\"type\": \"Feature\"}", "not a FeatureCollection"},
      {"{\"type\": \"FeatureCollection\", \"features\": [] } x", "trailing text"},
      {"{\"type\": \"FeatureCollection\", \"features\": [01]}", "bad number"}};
  GeoCollection *c;
  PetscReal lp[2];
  const char *name;

  PetscFunctionBeginUser;
  write_text(TMP "/square.geojson", square);
  PetscCall(vector_read(TMP "/square.geojson", &c));
  PetscCall(vector_get_text(c, 0, "name", &name));
  PetscCall(vector_get_reals(c, 0, "label_point", 2, lp));
  tap_ok(c->n == 1 && c->feature[0].nring == 3 && c->feature[0].outer[0] &&
             !c->feature[0].outer[1] && c->feature[0].outer[2],
         "GeoJSON: one feature, three rings (outer, hole, outer)");
  tap_ok(!strcmp(name, "sq\xc3\xa9") && lp[0] == 0.5 && lp[1] == 0.9,
         "GeoJSON: properties, with a \\u escape as UTF-8");
  tap_ok(polygon_contains(&c->feature[0], 0.1, 0.1) &&
             !polygon_contains(&c->feature[0], 0.5, 0.5) &&
             polygon_contains(&c->feature[0], 10.7, 10.2) &&
             !polygon_contains(&c->feature[0], 1.5, 0.5),
         "point in polygon: in the square, not in its hole, in the second polygon, not outside");
  {
    PetscReal R = CONST_EARTH_RADIUS, d = CONST_DEG2RAD;
    PetscReal exact = R * R *
                      (1 * d * (PetscSinReal(1 * d) - 0) -
                       0.4 * d * (PetscSinReal(0.7 * d) - PetscSinReal(0.3 * d)) +
                       1 * d * (PetscSinReal(11 * d) - PetscSinReal(10 * d)) / 2);
    /* The triangle's area: the (lon, sin lat) trapezoid rule is exact for edges of constant
       longitude or latitude, and the hypotenuse is integrated by the same rule on both sides. */
    PetscReal tri = R * R * d * 0.5 * (PetscSinReal(11 * d) - PetscSinReal(10 * d));
    exact =
        R * R * (d * PetscSinReal(d) - 0.4 * d * (PetscSinReal(0.7 * d) - PetscSinReal(0.3 * d))) +
        tri;
    tap_ok(PetscAbsReal(polygon_area(&c->feature[0], R) / exact - 1) < AREA_RTOL,
           "spherical area %.6e m2 (exact %.6e)", (double)polygon_area(&c->feature[0], R),
           (double)exact);
  }
  {
    PolygonRaster *r, *mask;
    PetscInt n = 0, filled, left;
    PetscReal bb[4] = {0, 2, 0, 2};
    PetscCall(polygon_raster_create(bb, 10, &r));
    PetscCall(polygon_raster_create(bb, 10, &mask));
    PetscCall(polygon_raster_fill(r, &c->feature[0], 7));
    for (PetscInt k = 0; k < r->nlon * r->nlat; k++) n += r->owner[k] == 7;
    tap_ok(n == 100 - 16,
           "raster at 10 per degree: 84 pixel centres in the square outside its hole (got "
           "%" PetscInt_FMT ")",
           n);
    for (PetscInt k = 0; k < mask->nlon * mask->nlat; k++) mask->owner[k] = 0;
    PetscCall(polygon_raster_fill_gaps(r, mask, &filled, &left));
    tap_ok(filled == 400 - 84 && left == 0 && polygon_raster_owner(r, 1.95, 1.95) == 7,
           "gap filling gives every masked pixel an owner");
    PetscCall(polygon_raster_destroy(&r));
    PetscCall(polygon_raster_destroy(&mask));
  }
  PetscCall(vector_destroy(&c));
  PetscCall(PetscPushErrorHandler(quiet_handler, NULL));
  for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
    write_text(TMP "/bad.geojson", bad[k][0]);
    tap_ok(vector_read(TMP "/bad.geojson", &c) == PETSC_ERR_FILE_UNEXPECTED, "GeoJSON refused: %s",
           bad[k][1]);
  }
  tap_ok(vector_read(TMP "/missing.geojson", &c) == PETSC_ERR_FILE_OPEN,
         "GeoJSON refused: missing file");
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A plane z = 2.385 lon - 1.25 lat + 100 on a 5 x 4 grid, as ASCII (corner-registered) and NetCDF
   (north row first, to test the flip). */
static PetscErrorCode write_plane(void)
{
  FILE *fp = fopen(TMP "/plane.asc", "w");
  int nc, dlat, dlon, vlat, vlon, vz, dims[2];
  double lat[4], lon[5], z[20];

  PetscFunctionBeginUser;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write " TMP "/plane.asc");
  fprintf(fp,
          "ncols 5\nnrows 4\nxllcorner 79.75\nyllcorner 39.75\ncellsize 0.5\nNODATA_value -9999\n");
  for (int j = 3; j >= 0; j--) {
    for (int i = 0; i < 5; i++)
      fprintf(fp, "%.6f ", 2.385 * (80 + 0.5 * i) - 1.25 * (40 + 0.5 * j) + 100);
    fprintf(fp, "\n");
  }
  fclose(fp);
  for (int j = 0; j < 4; j++) lat[j] = 41.5 - 0.5 * j;
  for (int i = 0; i < 5; i++) lon[i] = 80 + 0.5 * i;
  for (int j = 0; j < 4; j++)
    for (int i = 0; i < 5; i++) z[j * 5 + i] = 2.385 * lon[i] - 1.25 * lat[j] + 100;
  NcCall(nc_create(TMP "/plane.nc", NC_CLOBBER, &nc));
  NcCall(nc_def_dim(nc, "lat", 4, &dlat));
  NcCall(nc_def_dim(nc, "lon", 5, &dlon));
  NcCall(nc_def_var(nc, "lat", NC_DOUBLE, 1, &dlat, &vlat));
  NcCall(nc_def_var(nc, "lon", NC_DOUBLE, 1, &dlon, &vlon));
  NcCall(nc_put_att_text(nc, vlat, "units", 13, "degrees_north"));
  NcCall(nc_put_att_text(nc, vlon, "units", 12, "degrees_east"));
  dims[0] = dlat;
  dims[1] = dlon;
  NcCall(nc_def_var(nc, "height", NC_DOUBLE, 2, dims, &vz));
  NcCall(nc_enddef(nc));
  NcCall(nc_put_var_double(nc, vlat, lat));
  NcCall(nc_put_var_double(nc, vlon, lon));
  NcCall(nc_put_var_double(nc, vz, z));
  NcCall(nc_close(nc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode test_dem(void)
{
  Dem *a, *b;
  PetscReal worst = 0;
  PetscInt diff = 0;

  PetscFunctionBeginUser;
  PetscCall(write_plane());
  PetscCall(dem_read(TMP "/plane.asc", NULL, &a));
  PetscCall(dem_read(TMP "/plane.nc", "height", &b));
  tap_ok(a->nlon == 5 && a->nlat == 4 && a->lon0 == 80 && a->lat0 == 40 && b->lon0 == 80 &&
             b->lat0 == 40 && b->dlat == 0.5,
         "ASCII (corner-registered) and NetCDF (north first) grids have the same nodes");
  for (PetscReal lon = 80; lon <= 82; lon += 0.137)
    for (PetscReal lat = 40; lat <= 41.5; lat += 0.111) {
      PetscReal exact = 2.385 * lon - 1.25 * lat + 100;
      worst = PetscMax(worst, PetscMax(PetscAbsReal(dem_bilinear(a, lon, lat) - exact),
                                       PetscAbsReal(dem_bilinear(b, lon, lat) - exact)));
    }
  tap_ok(worst < 1e-5,
         "bilinear interpolation of a plane is exact to the file's digits (worst %.2e m)",
         (double)worst);
  tap_ok(!dem_covers(a, 79.9, 40.5) && !dem_covers(a, 80.5, 41.6) && dem_covers(a, 82, 41.5),
         "coverage ends at the outer nodes");
  PetscCall(dem_destroy(&a));
  PetscCall(dem_destroy(&b));
  PetscCall(dem_read("data/etopo5_xinjiang_65-105E_30-52N.nc", NULL, &a));
  PetscCall(dem_read("data/etopo5_xinjiang_65-105E_30-52N.asc", NULL, &b));
  for (PetscInt k = 0; k < a->nlon * a->nlat; k++) diff += a->z[k] != b->z[k];
  tap_ok(diff == 0 && a->nlon == b->nlon && a->nlat == b->nlat && a->zmin == 0 && a->zmax == 7833,
         "the shipped ETOPO5 grid reads the same from NetCDF and ESRI ASCII (range %g..%g m)",
         (double)a->zmin, (double)a->zmax);
  PetscCall(dem_destroy(&a));
  PetscCall(dem_destroy(&b));
  PetscCall(PetscPushErrorHandler(quiet_handler, NULL));
  write_text(TMP "/bad.asc", "ncols 2\nnrows 2\nxllcenter 0\nyllcenter 0\ncellsize 1\n1 2 3\n");
  tap_ok(dem_read(TMP "/bad.asc", NULL, &a) == PETSC_ERR_FILE_UNEXPECTED,
         "a short ASCII grid is refused");
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode test_csv(void)
{
  CsvTable *t;
  PetscReal v;
  PetscInt col;

  PetscFunctionBeginUser;
  write_text(TMP "/t.csv", "# comment\na,b\n1.5,x\n\n2,y\r\n");
  PetscCall(csv_read(TMP "/t.csv", &t));
  PetscCall(csv_column(t, "a", &col));
  PetscCall(csv_real(t, 1, col, &v));
  tap_ok(t->nrow == 2 && t->ncol == 2 && v == 2 && !strcmp(csv_text(t, 1, 1), "y") &&
             t->line[1] == 5,
         "CSV: comments, blank lines and CR skipped, line numbers kept");
  PetscCall(PetscPushErrorHandler(quiet_handler, NULL));
  tap_ok(csv_column(t, "c", &col) == PETSC_ERR_FILE_UNEXPECTED,
         "CSV: an unknown column is refused");
  tap_ok(csv_real(t, 0, 1, &v) == PETSC_ERR_FILE_UNEXPECTED,
         "CSV: text where a number is expected is refused");
  PetscCall(csv_destroy(&t));
  write_text(TMP "/cr.csv", "# comment\ra,b\r1.5,x\r2,y\r");
  PetscCall(csv_read(TMP "/cr.csv", &t));
  tap_ok(t->nrow == 2 && t->ncol == 2 && !strcmp(csv_text(t, 1, 1), "y") && t->line[1] == 4,
         "CR-only line ends read as line ends: %d rows, the second on line %d", (int)t->nrow,
         (int)t->line[t->nrow - 1]);
  PetscCall(csv_destroy(&t));
  write_text(TMP "/nan.csv", "a,b\nnan,1\ninf,2\n");
  PetscCall(csv_read(TMP "/nan.csv", &t));
  tap_ok(csv_real(t, 0, 0, &v) == PETSC_ERR_FILE_UNEXPECTED &&
             csv_real(t, 1, 0, &v) == PETSC_ERR_FILE_UNEXPECTED,
         "nan and inf are not finite numbers");
  PetscCall(csv_destroy(&t));
  write_text(TMP "/bad.csv", "a,b\n1,2,3\n");
  tap_ok(csv_read(TMP "/bad.csv", &t) == PETSC_ERR_FILE_UNEXPECTED,
         "CSV: a row with too many fields is refused");
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode test_geography(void)
{
  ToolConfig *cfg;
  Geography *g;
  ReceptorSet *rs;
  PetscInt county, pref, xpcc = 0, seats = 0, parents_ok = 0;
  char bad_city[PARAM_STRING_LEN] = "WCS: Urumqi; Atlantis";

  PetscFunctionBeginUser;
  PetscCall(domain_config_read(PETSC_COMM_WORLD, "namelists/domains.nml", &cfg));
  PetscCall(geography_create(&cfg->geo, &g));
  tap_ok(g->ncounty == 105 && g->npref == 23 && g->nunit == 3 * 105 + 5,
         "105 counties, 23 prefecture-level entries (14 + 9 XPCC cities), 320 units (got "
         "%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ")",
         g->ncounty, g->npref, g->nunit);
  for (PetscInt q = 0; q < g->npref; q++) {
    if (g->pref[q].parent < 0) continue;
    xpcc++;
    parents_ok += g->pref[g->pref[q].parent].parent < 0 && g->pref[q].adcode / 100 == 6590;
  }
  tap_ok(xpcc == 9 && parents_ok == 9,
         "the 9 XPCC cities have a parent prefecture that is not an XPCC city");
  for (PetscInt c = 0; c < g->ncounty; c++)
    seats +=
        polygon_raster_owner(g->county_raster, g->county[c].seat[0], g->county[c].seat[1]) == c;
  tap_ok(seats == g->ncounty,
         "every county seat lies in its own county on the raster (%" PetscInt_FMT
         " of %" PetscInt_FMT ")",
         seats, g->ncounty);
  PetscCall(geography_find_place(g, "Urumqi", &county, &pref));
  tap_ok(county < 0 && pref >= 0 && g->pref[pref].adcode == 650100,
         "'Urumqi' names the prefecture-level city");
  PetscCall(geography_find_place(g, "Changji", &county, &pref));
  tap_ok(county >= 0 && g->county[county].adcode == 652301,
         "'Changji' names Changji City (short name)");
  PetscCall(geography_find_place(g, "石河子市", &county, &pref));
  tap_ok(county >= 0 && g->county[county].adcode == 659001 && pref < 0,
         "'石河子市' names the XPCC city Shihezi");
  PetscCall(geography_find_place(g, "Yining", &county, &pref));
  tap_ok(county < 0 && pref < 0, "'Yining' alone names nothing (Yining City or Yining County)");
  PetscCall(receptor_masks_create(g, cfg->receptor, cfg->path, &rs));
  tap_ok(rs->n == 19 && !strcmp(rs->r[2].name, "YN") && rs->r[0].county[0] &&
             !strcmp(rs->r[3].name, "WCS.Urumqi") && rs->r[3].county[0] && !rs->r[4].county[0],
         "three zones and their 16 cities; WCS and WCS.Urumqi include Urumqi's districts, "
         "WCS.Changji does not");
  PetscCall(receptor_masks_destroy(&rs));
  /* A disc and a polygon as extra receptor parts. */
  PetscCall(PetscStrncpy(cfg->receptor->points[cfg->receptor->npoints++], "KDW: 84.9 44.43 5",
                         PARAM_STRING_LEN));
  PetscCall(PetscStrncpy(cfg->receptor->polygon[cfg->receptor->npolygon++],
                         "YN: " TMP "/square.geojson", PARAM_STRING_LEN));
  PetscCall(receptor_masks_create(g, cfg->receptor, cfg->path, &rs));
  {
    GeoSample desert = {.h = 1000, .landuse = LANDUSE_BARREN, .county = -1, .unit = 0};
    tap_ok(receptor_masks_contains(rs, 1, &desert, 84.9, 44.46) &&
               !receptor_masks_contains(rs, 1, &desert, 84.9, 44.5) &&
               receptor_masks_contains(rs, 2, &desert, 0.1, 0.1) &&
               !receptor_masks_contains(rs, 2, &desert, 0.5, 0.5),
           "receptor discs (5 km) and polygons (with their holes) hold the right points");
  }
  PetscCall(receptor_masks_destroy(&rs));
  cfg->receptor->npoints = cfg->receptor->npolygon = 0;
  PetscCall(PetscPushErrorHandler(quiet_handler, NULL));
  PetscCall(PetscStrncpy(cfg->receptor->points[cfg->receptor->npoints++], "XYZ: 84.9 44.43 5",
                         PARAM_STRING_LEN));
  tap_ok(receptor_masks_create(g, cfg->receptor, cfg->path, &rs) == PETSC_ERR_ARG_WRONG,
         "a receptor entry naming an unknown receptor is refused");
  PetscCall(PetscStrncpy(cfg->receptor->points[0], "KDW: 84.9 44.43", PARAM_STRING_LEN));
  tap_ok(receptor_masks_create(g, cfg->receptor, cfg->path, &rs) == PETSC_ERR_ARG_WRONG,
         "a disc without its radius is refused");
  cfg->receptor->npoints = 0;
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscStrncpy(cfg->receptor->cities[0], bad_city, PARAM_STRING_LEN));
  PetscCall(PetscPushErrorHandler(quiet_handler, NULL));
  tap_ok(receptor_masks_create(g, cfg->receptor, cfg->path, &rs) == PETSC_ERR_ARG_WRONG,
         "a receptor naming an unknown city is refused");
  PetscCall(PetscPopErrorHandler());
  PetscCall(geography_destroy(&g));
  PetscCall(domain_config_destroy(&cfg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscMkdir("build"));
  PetscCall(PetscMkdir("build/tests"));
  PetscCall(PetscMkdir("build/tests/tmp"));
  PetscCall(PetscMkdir(TMP));
  PetscCall(test_geojson());
  PetscCall(test_dem());
  PetscCall(test_csv());
  PetscCall(test_geography());
  PetscCall(PetscFinalize());
  return tap_done();
}
