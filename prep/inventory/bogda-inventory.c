/* bogda-inventory: the Xinjiang default emission inventory, built top-down from published
   totals (ILLUSTRATIVE: no gridded inventory of Xinjiang can be downloaded here; a user with MEIC
   or CAQIEI converts it to the same lat-lon format and sets emissions_gridded_file).

     bogda-inventory -namelist namelists/domains.nml -inventory namelists/inventory.nml -out DIR

   Inputs: the geography of the grid tool (counties, prefectures, land use, control units;
   namelists/domains.nml) and &inventory (namelists/inventory.nml): Xinjiang totals per species
   (../shared/data/EMISSIONS.md, mid-points of the ranges), their sector shares, the share of the
   Urumqi-Changji-Shihezi area (乌-昌-石) where the Department of Ecology and Environment states
   one, named point sources (capacity x emission factor), and a few large cities outside
   Xinjiang. Method:
   1. Every inventory cell is sampled at 3 x 3 points: prefecture, land use, unit kind.
   2. Spatial proxies per sector (area-weighted shares of the cell): power 0.5 urban + key-control,
      industry key-control + 0.3 urban, residential urban + 0.2 cropland (villages), transport
      urban + 0.1 cropland + 0.2 key-control, agriculture cropland + 0.05 grassland (livestock).
   3. Point sources are taken out of their sector's total; the remaining area emissions of each
      species are balanced over (乌-昌-石 or not) x sector by iterative proportional fitting so that
      both the sector totals and the 乌-昌-石 share hold exactly, then spread by the proxies.
   Outputs: DIR/xinjiang_inventory.nc (<species>_<sector>(lat, lon), t yr-1 per cell),
   DIR/xinjiang_points.csv (the point-source format of docs/points.md, header first),
   DIR/xinjiang_inventory_totals.csv (t/yr by prefecture, sector and species, for the checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netcdf.h>
#include "base/error.h"
#include "base/atomic_file.h"
#include "base/namelist.h"
#include "model/emissions/profiles.h"
#include "prep/grid/domain_config.h"
#include "prep/geo/geography.h"
#include "base/csv.h"
#include "physics/species.h"
#include "base/constants.h"
#include "base/version.h"
#include "base/provenance.h"
#include "base/program.h"
#include "base/data_path.h"

#define NSUB 3
#define MAXS 16
#define MAXPT 64

typedef struct {
  PetscReal lon0, lon1, lat0, lat1, res;
  PetscReal total[MAXS], wcs_share[MAXS], share[SECTOR_N][MAXS];
  PetscInt ntotal, nwcs_share, nshare[SECTOR_N];
  PetscInt wcs[PARAM_ARRAY_MAX], nwcs;
  char sites_file[PARAM_STRING_LEN];
  PetscReal ef_power[MAXS], capacity_factor;
  PetscInt nef_power;
  char named_ids[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscReal named_kt[PARAM_ARRAY_MAX];
  PetscInt nnamed_ids, nnamed_kt;
  char outside[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscReal outside_kt[PARAM_ARRAY_MAX];
  PetscInt noutside, noutside_kt;
} Params;

#define SHARE(sec)                                                                                 \
  {                                                                                                \
    .key = "share_" #sec, .units = "1",                                                            \
    .help = "share of each species' Xinjiang total in the " #sec " sector (species order)",        \
    .type = PARAM_REAL_ARRAY, .min = 0, .max = 1, .offset = offsetof(Params, share[SECTOR_##sec]), \
    .count_offset = offsetof(Params, nshare[SECTOR_##sec])                                         \
  }
enum {
  SECTOR_power = SECTOR_POWER,
  SECTOR_industry = SECTOR_INDUSTRY,
  SECTOR_residential = SECTOR_RESIDENTIAL,
  SECTOR_transport = SECTOR_TRANSPORT,
  SECTOR_agriculture = SECTOR_AGRICULTURE
};
static const ParamSpec params_table[] = {
    {.key = "lon0",
     .units = "degrees_east",
     .help = "west edge of the inventory grid",
     .type = PARAM_REAL,
     .def = 70,
     .min = -180,
     .max = 360,
     .offset = offsetof(Params, lon0)},
    {.key = "lon1",
     .units = "degrees_east",
     .help = "east edge",
     .type = PARAM_REAL,
     .def = 99,
     .min = -180,
     .max = 360,
     .offset = offsetof(Params, lon1)},
    {.key = "lat0",
     .units = "degrees_north",
     .help = "south edge",
     .type = PARAM_REAL,
     .def = 33,
     .min = -90,
     .max = 90,
     .offset = offsetof(Params, lat0)},
    {.key = "lat1",
     .units = "degrees_north",
     .help = "north edge",
     .type = PARAM_REAL,
     .def = 51,
     .min = -90,
     .max = 90,
     .offset = offsetof(Params, lat1)},
    {.key = "resolution",
     .units = "degree",
     .help = "grid spacing",
     .type = PARAM_REAL,
     .def = 0.05,
     .min = 0.005,
     .max = 2,
     .offset = offsetof(Params, res)},
    {.key = "total",
     .units = "kt yr-1",
     .help = "Xinjiang total of each species (species order)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e5,
     .offset = offsetof(Params, total),
     .count_offset = offsetof(Params, ntotal)},
    {.key = "wcs_share",
     .units = "1",
     .help = "share of each species in Urumqi-Changji-Shihezi (negative: not constrained)",
     .type = PARAM_REAL_ARRAY,
     .min = -1,
     .max = 1,
     .offset = offsetof(Params, wcs_share),
     .count_offset = offsetof(Params, nwcs_share)},
    SHARE(power),
    SHARE(industry),
    SHARE(residential),
    SHARE(transport),
    SHARE(agriculture),
    {.key = "wcs_prefectures",
     .help = "adcodes of the prefectures counted as Urumqi-Changji-Shihezi",
     .type = PARAM_INT_ARRAY,
     .min = 0,
     .max = 999999,
     .offset = offsetof(Params, wcs),
     .count_offset = offsetof(Params, nwcs)},
    {.key = "sites_file",
     .help = "point sources with capacities (the shared CSV)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, sites_file),
     .sdef = "$BOGDA_DATA/xinjiang_hotspots_and_point_sources.csv"},
    {.key = "ef_power",
     .units = "kg MWh-1",
     .help = "emission factors of coal power per species",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 100,
     .offset = offsetof(Params, ef_power),
     .count_offset = offsetof(Params, nef_power)},
    {.key = "capacity_factor",
     .units = "1",
     .help = "mean load of coal plants",
     .type = PARAM_REAL,
     .def = 0.6,
     .min = 0,
     .max = 1,
     .offset = offsetof(Params, capacity_factor)},
    {.key = "named_ids",
     .help = "non-power point sources: 'ID sector height diameter velocity temperature'",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, named_ids),
     .count_offset = offsetof(Params, nnamed_ids)},
    {.key = "named_kt",
     .units = "kt yr-1",
     .help = "their emissions, one value per species for each source in turn",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e4,
     .offset = offsetof(Params, named_kt),
     .count_offset = offsetof(Params, nnamed_kt)},
    {.key = "outside",
     .help = "cities outside Xinjiang: 'NAME lon lat radius_km'",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, outside),
     .count_offset = offsetof(Params, noutside)},
    {.key = "outside_kt",
     .units = "kt yr-1",
     .help = "their emissions, one value per species for each city in turn",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e4,
     .offset = offsetof(Params, outside_kt),
     .count_offset = offsetof(Params, noutside_kt)},
    {.key = NULL},
};

static const ParamGroup inventory_group = {.name = "inventory",
                                           .title = "Illustrative Xinjiang inventory",
                                           .params = params_table,
                                           .params_size = sizeof(Params)};
#undef SHARE

typedef struct {
  char id[32], name[128], sector[16];
  PetscReal lon, lat, h, d, v, T, kt[MAXS];
  PetscInt pref;
} Point;

typedef struct {
  Params p;
  Geography *geo;
  const SpeciesInfo *sp;
  PetscInt ns, nlon, nlat, ncell;
  PetscInt *pref;   /* prefecture of each sample, -1 outside; [cell*NSUB*NSUB + k] */
  PetscReal *proxy; /* [cell*SECTOR_N + s]: proxy weight (km2) */
  PetscReal *out;   /* [((species*SECTOR_N + sec) * ncell + cell)] t/yr */
  PetscReal
      *tot; /* [((pref+1)*SECTOR_N + sec)*ns + species] t/yr, by the prefecture of each sample */
  Point pt[MAXPT];
  PetscInt npt;
} Inv;

static PetscBool is_wcs(const Inv *v, PetscInt pref)
{
  if (pref < 0) return PETSC_FALSE;
  for (PetscInt k = 0; k < v->p.nwcs; k++)
    if (v->geo->pref[pref].adcode == v->p.wcs[k]) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Sample every cell: prefecture and the sector proxies. */
static PetscErrorCode sample(Inv *v)
{
  GeoNear *near;
  PetscReal reach = 2 * v->p.res * CONST_DEG2RAD * CONST_EARTH_RADIUS;

  PetscFunctionBeginUser;
  PetscCall(geography_near_create(v->geo, &near));
  for (PetscInt a = 0; a < v->nlat; a++)
    for (PetscInt b = 0; b < v->nlon; b++) {
      PetscInt c = a * v->nlon + b;
      PetscReal lat = v->p.lat0 + (a + 0.5) * v->p.res, lon = v->p.lon0 + (b + 0.5) * v->p.res;
      PetscReal area = PetscSqr(v->p.res * CONST_DEG2RAD * CONST_EARTH_RADIUS / 1000) *
                       PetscCosReal(lat * CONST_DEG2RAD) / (NSUB * NSUB);
      geography_near(v->geo, lon, lat, reach, near);
      for (PetscInt s = 0; s < SECTOR_N; s++) v->proxy[c * SECTOR_N + s] = 0;
      for (PetscInt k = 0; k < NSUB * NSUB; k++) {
        GeoSample smp;
        PetscReal x = lon + v->p.res * (((k % NSUB) + 0.5) / NSUB - 0.5),
                  y = lat + v->p.res * (((k / NSUB) + 0.5) / NSUB - 0.5);
        PetscInt pr;
        PetscReal urban, crop, grass, key;
        geography_sample(v->geo, near, x, y, &smp);
        pr = smp.county >= 0 ? v->geo->county[smp.county].prefecture : -1;
        v->pref[c * NSUB * NSUB + k] = pr;
        urban = smp.landuse == LANDUSE_URBAN ? area : 0;
        crop = smp.landuse == LANDUSE_CROPLAND ? area : 0;
        grass = smp.landuse == LANDUSE_GRASSLAND ? area : 0;
        key = v->geo->unit[smp.unit].kind == UNIT_KEY ? area : 0;
        v->proxy[c * SECTOR_N + SECTOR_POWER] += 0.5 * urban + key;
        v->proxy[c * SECTOR_N + SECTOR_INDUSTRY] += key + 0.3 * urban;
        v->proxy[c * SECTOR_N + SECTOR_RESIDENTIAL] += urban + 0.2 * crop;
        v->proxy[c * SECTOR_N + SECTOR_TRANSPORT] += urban + 0.1 * crop + 0.2 * key;
        v->proxy[c * SECTOR_N + SECTOR_AGRICULTURE] += crop + 0.05 * grass;
      }
    }
  PetscCall(geography_near_destroy(&near));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The point sources: coal plants from the sites file (capacity x factor), named others from the
 * namelist. */
static PetscErrorCode points(Inv *v)
{
  CsvTable *csv;
  PetscInt cid, cname, ckind, clon, clat, ccap;

  PetscFunctionBeginUser;
  PetscCall(csv_read(v->p.sites_file, &csv));
  PetscCall(csv_column(csv, "id", &cid));
  PetscCall(csv_column(csv, "name_en", &cname));
  PetscCall(csv_column(csv, "kind", &ckind));
  PetscCall(csv_column(csv, "lon_wgs84", &clon));
  PetscCall(csv_column(csv, "lat_wgs84", &clat));
  PetscCall(csv_column(csv, "capacity_or_size", &ccap));
  for (PetscInt r = 0; r < csv->nrow; r++) {
    const char *kind = csv_text(csv, r, ckind);
    Point *q;
    if (strcmp(kind, "coal_power")) continue;
    PetscCheck(v->npt < MAXPT, PETSC_COMM_SELF, PETSC_ERR_SUP, "too many point sources");
    q = &v->pt[v->npt++];
    PetscCall(PetscStrncpy(q->id, csv_text(csv, r, cid), sizeof(q->id)));
    PetscCall(PetscStrncpy(q->name, csv_text(csv, r, cname), sizeof(q->name)));
    PetscCall(PetscStrncpy(q->sector, "power", sizeof(q->sector)));
    PetscCall(csv_real(csv, r, clon, &q->lon));
    PetscCall(csv_real(csv, r, clat, &q->lat));
    PetscCheck(q->lon >= -180 && q->lon <= 360 && q->lat >= -90 && q->lat <= 90, PETSC_COMM_SELF,
               PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": site %s at (%g, %g) is outside [-180, 360] x [-90, 90] "
               "(expected WGS84 longitude and latitude in degrees)",
               v->p.sites_file, csv->line[r], q->id, (double)q->lon, (double)q->lat);
    {
      /* The column reads like "150 MW (2001)": the capacity is the leading number. */
      PetscReal mw = strtod(csv_text(csv, r, ccap), NULL), mwh;
      mwh = mw * 8760 * v->p.capacity_factor;
      PetscCheck(mw > 0 && mw < 1e5, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s:%" PetscInt_FMT ": coal plant %s has a capacity of %g MW; expected 0 < MW < "
                 "1e5",
                 v->p.sites_file, csv->line[r], q->id, (double)mw);
      for (PetscInt s = 0; s < v->ns; s++)
        q->kt[s] = s < v->p.nef_power ? v->p.ef_power[s] * mwh / 1e6 : 0;
      /* Stacks after the size of the unit: large units have taller, wider stacks. */
      q->h = mw >= 300 ? 210 : 150;
      q->d = mw >= 300 ? 7 : 5;
      q->v = 18;
      q->T = 400;
    }
  }
  for (PetscInt k = 0; k < v->p.nnamed_ids; k++) {
    char id[32], sector[16];
    double h, d, vel, T;
    Point *q;
    PetscInt row = -1;
    PetscCheck(
        sscanf(v->p.named_ids[k], "%31s %15s %lf %lf %lf %lf", id, sector, &h, &d, &vel, &T) == 6,
        PETSC_COMM_SELF, PETSC_ERR_USER,
        "inventory_named_ids(%d) = '%s': expected 'ID sector height diameter velocity temperature'",
        (int)k + 1, v->p.named_ids[k]);
    PetscCheck(profiles_sector(sector) >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "inventory_named_ids(%d): unknown sector '%s'", (int)k + 1, sector);
    for (PetscInt r = 0; r < csv->nrow; r++)
      if (!strcmp(csv_text(csv, r, cid), id)) row = r;
    PetscCheck(row >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "inventory_named_ids(%d): no source %s in %s", (int)k + 1, id, v->p.sites_file);
    q = &v->pt[v->npt++];
    PetscCall(PetscStrncpy(q->id, id, sizeof(q->id)));
    PetscCall(PetscStrncpy(q->name, csv_text(csv, row, cname), sizeof(q->name)));
    PetscCall(PetscStrncpy(q->sector, sector, sizeof(q->sector)));
    q->lon = atof(csv_text(csv, row, clon));
    q->lat = atof(csv_text(csv, row, clat));
    q->h = h, q->d = d, q->v = vel, q->T = T;
    PetscCheck(v->p.nnamed_kt >= (k + 1) * v->ns, PETSC_COMM_SELF, PETSC_ERR_USER,
               "inventory_named_kt needs %d values per named source", (int)v->ns);
    for (PetscInt s = 0; s < v->ns; s++) q->kt[s] = v->p.named_kt[k * v->ns + s];
  }
  PetscCall(csv_destroy(&csv));
  {
    /* The prefecture each point lies in, from the county raster. */
    GeoNear *near;
    PetscCall(geography_near_create(v->geo, &near));
    for (PetscInt k = 0; k < v->npt; k++) {
      GeoSample smp;
      geography_near(v->geo, v->pt[k].lon, v->pt[k].lat, 1000, near);
      geography_sample(v->geo, near, v->pt[k].lon, v->pt[k].lat, &smp);
      v->pt[k].pref = smp.county >= 0 ? v->geo->county[smp.county].prefecture : -1;
    }
    PetscCall(geography_near_destroy(&near));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Area emissions of species s: balance (WCS, rest) x sector, then spread by the proxies. */
static PetscErrorCode spread(Inv *v, PetscInt s)
{
  PetscReal target_sec[SECTOR_N], m[2][SECTOR_N] = {{0}}, w[2][SECTOR_N] = {{0}}, target_reg[2],
                                  total = v->p.total[s] * 1000;
  PetscReal pts[2] = {0, 0}, share = s < v->p.nwcs_share ? v->p.wcs_share[s] : -1;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < v->npt; k++)
    pts[is_wcs(v, v->pt[k].pref) ? 0 : 1] += v->pt[k].kt[s] * 1000 * (v->pt[k].pref >= 0);
  for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
    PetscReal in_sec = 0;
    for (PetscInt k = 0; k < v->npt; k++)
      if (v->pt[k].pref >= 0 && profiles_sector(v->pt[k].sector) == sec)
        in_sec += v->pt[k].kt[s] * 1000;
    target_sec[sec] = total * v->p.share[sec][s] - in_sec;
    PetscCheck(target_sec[sec] >= -1e-9 * total, PETSC_COMM_SELF, PETSC_ERR_USER,
               "inventory: point sources of %s in sector %s (%g t) exceed the sector total %g t",
               v->sp[s].name, sector_names[sec], (double)in_sec,
               (double)(total * v->p.share[sec][s]));
    target_sec[sec] = PetscMax(target_sec[sec], 0);
  }
  for (PetscInt c = 0; c < v->ncell; c++)
    for (PetscInt k = 0; k < NSUB * NSUB; k++) {
      PetscInt pr = v->pref[c * NSUB * NSUB + k];
      if (pr < 0) continue;
      for (PetscInt sec = 0; sec < SECTOR_N; sec++)
        w[is_wcs(v, pr) ? 0 : 1][sec] += v->proxy[c * SECTOR_N + sec] / (NSUB * NSUB);
    }
  /* Start from the proxies' own split and fit rows (regions) and columns (sectors). */
  for (PetscInt r = 0; r < 2; r++)
    for (PetscInt sec = 0; sec < SECTOR_N; sec++) m[r][sec] = w[r][sec] > 0 ? w[r][sec] : 0;
  if (share >= 0)
    target_reg[0] = share * total - pts[0], target_reg[1] = (1 - share) * total - pts[1];
  for (PetscInt it = 0; it < 500; it++) {
    for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
      PetscReal col = m[0][sec] + m[1][sec];
      for (PetscInt r = 0; r < 2; r++) m[r][sec] = col > 0 ? m[r][sec] * target_sec[sec] / col : 0;
    }
    if (share < 0) break;
    for (PetscInt r = 0; r < 2; r++) {
      PetscReal row = 0;
      for (PetscInt sec = 0; sec < SECTOR_N; sec++) row += m[r][sec];
      PetscCheck(target_reg[r] >= 0 && row > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
                 "inventory: cannot meet the Urumqi-Changji-Shihezi share of %s", v->sp[s].name);
      for (PetscInt sec = 0; sec < SECTOR_N; sec++) m[r][sec] *= target_reg[r] / row;
    }
  }
  /* Spread each (region, sector) amount by the proxy over its samples. */
  for (PetscInt c = 0; c < v->ncell; c++)
    for (PetscInt k = 0; k < NSUB * NSUB; k++) {
      PetscInt pr = v->pref[c * NSUB * NSUB + k], r;
      if (pr < 0) continue;
      r = is_wcs(v, pr) ? 0 : 1;
      for (PetscInt sec = 0; sec < SECTOR_N; sec++)
        if (w[r][sec] > 0) {
          PetscReal e = m[r][sec] * v->proxy[c * SECTOR_N + sec] / (NSUB * NSUB) / w[r][sec];
          v->out[(s * SECTOR_N + sec) * v->ncell + c] += e;
          v->tot[((pr + 1) * SECTOR_N + sec) * v->ns + s] += e;
        }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cities outside Xinjiang: a cone of emissions over a disc, split residential 50 %, power 30 %,
 * transport 20 %. */
static PetscErrorCode outside(Inv *v)
{
  static const PetscReal split[SECTOR_N] = {0.3, 0, 0.5, 0.2, 0};

  PetscFunctionBeginUser;
  PetscCheck(v->p.noutside_kt == v->p.noutside * v->ns, PETSC_COMM_SELF, PETSC_ERR_USER,
             "inventory_outside_kt needs %d values per city", (int)v->ns);
  for (PetscInt k = 0; k < v->p.noutside; k++) {
    char name[64];
    double lon, lat, rad, sum = 0;
    PetscCheck(sscanf(v->p.outside[k], "%63s %lf %lf %lf", name, &lon, &lat, &rad) == 4,
               PETSC_COMM_SELF, PETSC_ERR_USER,
               "inventory_outside(%d) = '%s': expected 'NAME lon lat radius_km'", (int)k + 1,
               v->p.outside[k]);
    for (PetscInt pass = 0; pass < 2; pass++)
      for (PetscInt c = 0; c < v->ncell; c++) {
        PetscReal e, n, lo = v->p.lon0 + ((c % v->nlon) + 0.5) * v->p.res,
                        la = v->p.lat0 + ((c / v->nlon) + 0.5) * v->p.res, r, wgt;
        geography_offset(lon, lat, lo, la, &e, &n);
        r = PetscSqrtReal(e * e + n * n) / 1000;
        if (r >= rad) continue;
        wgt = 1 - r / rad;
        if (pass == 0)
          sum += wgt;
        else
          for (PetscInt s = 0; s < v->ns; s++)
            for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
              PetscReal amount = v->p.outside_kt[k * v->ns + s] * 1000 * split[sec] * wgt / sum;
              v->out[(s * SECTOR_N + sec) * v->ncell + c] += amount;
              v->tot[sec * v->ns + s] += amount;
            }
      }
    PetscCheck(sum > 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "inventory_outside(%d): %s lies outside the inventory grid", (int)k + 1, name);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A text attribute of variable var (NC_GLOBAL: of the file). */
static PetscErrorCode att(int nc, int var, const char *name, const char *text, const char *path)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_text(nc, var, name, strlen(text), text), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The lat and lon axes of the inventory, with their CF cell bounds (the cells' edges). */
static PetscErrorCode write_axes(Inv *v, int nc, const int dims[2], const char *path)
{
  int dnv, vid, vb, bd[2];
  PetscReal *coord, *bnds;

  PetscFunctionBeginUser;
  NcCallFile(nc_def_dim(nc, "nv", 2, &dnv), path);
  PetscCall(
      PetscMalloc2(PetscMax(v->nlat, v->nlon), &coord, 2 * PetscMax(v->nlat, v->nlon), &bnds));
  for (PetscInt k = 0; k < 2; k++) {
    const char *nm = k ? "lon" : "lat", *units = k ? "degrees_east" : "degrees_north";
    char bname[16];
    PetscInt n = k ? v->nlon : v->nlat;
    PetscReal o = k ? v->p.lon0 : v->p.lat0;
    PetscCall(PetscSNPrintf(bname, sizeof(bname), "%s_bnds", nm));
    NcCallFile(nc_def_var(nc, nm, NC_DOUBLE, 1, &dims[k], &vid), path);
    PetscCall(att(nc, vid, "units", units, path));
    PetscCall(att(nc, vid, "standard_name", k ? "longitude" : "latitude", path));
    PetscCall(att(nc, vid, "long_name",
                  k ? "longitude of the cell centre" : "latitude of the cell centre", path));
    PetscCall(att(nc, vid, "axis", k ? "X" : "Y", path));
    PetscCall(att(nc, vid, "bounds", bname, path));
    bd[0] = dims[k], bd[1] = dnv;
    NcCallFile(nc_def_var(nc, bname, NC_DOUBLE, 2, bd, &vb), path);
    PetscCall(att(nc, vb, "units", units, path));
    for (PetscInt i = 0; i < n; i++) {
      coord[i] = o + (i + 0.5) * v->p.res;
      bnds[2 * i] = o + (PetscReal)i * v->p.res;
      bnds[2 * i + 1] = o + (PetscReal)(i + 1) * v->p.res;
    }
    NcCallFile(nc_put_var_double(nc, vid, coord), path);
    NcCallFile(nc_put_var_double(nc, vb, bnds), path);
  }
  PetscCall(PetscFree2(coord, bnds));
  {
    /* The lon-lat coordinates are WGS84 (the site table's), for GDAL and the CF clients. */
    const double a = 6378137.0, inv_f = 298.257223563, pm = 0;
    NcCallFile(nc_def_var(nc, "crs", NC_INT, 0, NULL, &vid), path);
    PetscCall(att(nc, vid, "grid_mapping_name", "latitude_longitude", path));
    NcCallFile(nc_put_att_double(nc, vid, "semi_major_axis", NC_DOUBLE, 1, &a), path);
    NcCallFile(nc_put_att_double(nc, vid, "inverse_flattening", NC_DOUBLE, 1, &inv_f), path);
    NcCallFile(nc_put_att_double(nc, vid, "longitude_of_prime_meridian", NC_DOUBLE, 1, &pm), path);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode write_outputs(Inv *v, const char *dir)
{
  char path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8], about[4096];
  int nc, dlat, dlon, dims[2], vid;
  AtomicFile out;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/xinjiang_inventory.nc", dir));
  PetscCall(atomic_file_tmp_name(path, tmp, sizeof(tmp)));
  NcCallFile(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &nc), tmp);
  NcCallFile(nc_def_dim(nc, "lat", (size_t)v->nlat, &dlat), tmp);
  NcCallFile(nc_def_dim(nc, "lon", (size_t)v->nlon, &dlon), tmp);
  dims[0] = dlat, dims[1] = dlon;
  PetscCall(write_axes(v, nc, dims, tmp));
  PetscCall(att(nc, NC_GLOBAL, "Conventions", "CF-1.8", tmp));
  PetscCall(att(nc, NC_GLOBAL, "title",
                "Bogda default emission inventory for Xinjiang: ILLUSTRATIVE, built top-down from "
                "published totals (prep/inventory/bogda-inventory.c)",
                tmp));
  PetscCall(PetscSNPrintf(about, sizeof(about),
                          "bogda-inventory %s (prep/inventory/bogda-inventory.c)",
                          version_string()));
  PetscCall(provenance_nc_attributes(nc, path, about));
  PetscCall(att(nc, NC_GLOBAL, "comment",
                "ILLUSTRATIVE: Xinjiang totals per species and sector (the mid-points of the "
                "published ranges, namelist &inventory), spread over the cells by land-use and "
                "control-unit proxies; not a bottom-up inventory. Replace it by MEIC or CAQIEI "
                "converted to this format (emissions_gridded_file).",
                tmp));
  geography_sources(&v->geo->p, about, sizeof(about));
  PetscCall(att(nc, NC_GLOBAL, "source_data", about, tmp));
  for (PetscInt s = 0; s < v->ns; s++)
    for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
      char name[64], lname[256];
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s_%s", v->sp[s].name, sector_names[sec]));
      PetscCall(PetscSNPrintf(lname, sizeof(lname), "emission of %s from the %s sector in the cell",
                              v->sp[s].long_name, sector_names[sec]));
      NcCallFile(nc_def_var(nc, name, NC_DOUBLE, 2, dims, &vid), tmp);
      NcCallFile(nc_def_var_deflate(nc, vid, 1, 1, 4), tmp);
      PetscCall(att(nc, vid, "units", "t yr-1", tmp));
      PetscCall(att(nc, vid, "long_name", lname, tmp));
      PetscCall(att(nc, vid, "grid_mapping", "crs", tmp));
      /* An annual rate: the mean over the inventory year of the emission rate (time: mean), given
         as the cell's total, summed over its area (area: sum), not per square metre. */
      PetscCall(att(nc, vid, "cell_methods", "area: sum time: mean", tmp));
      PetscCall(att(nc, vid, "comment",
                    "annual rate: the mean emission rate over the year (time: mean), as the total "
                    "of the cell (area: sum), in tonnes per year",
                    tmp));
      NcCallFile(nc_put_var_double(nc, vid, &v->out[(s * SECTOR_N + sec) * v->ncell]), tmp);
    }
  PetscCall(atomic_file_nc_close(nc, path));
  PetscCall(atomic_file_rename(path));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/xinjiang_points.csv", dir));
  PetscCall(atomic_file_open(path, &out));
  /* The header comes first and there is no comment line: the file is the format users copy for
     their own stacks, and pandas or csv.DictReader take a first comment line for the header (the
     columns are explained in docs/points.md). */
  PetscCall(atomic_file_printf(
      &out, "id,name,lon,lat,height_m,diameter_m,velocity_m_s,temperature_K,sector"));
  for (PetscInt s = 0; s < v->ns; s++)
    PetscCall(atomic_file_printf(&out, ",%s_t_yr", v->sp[s].name));
  PetscCall(atomic_file_printf(&out, "\n"));
  for (PetscInt k = 0; k < v->npt; k++) {
    const Point *q = &v->pt[k];
    PetscCall(atomic_file_printf(&out, "%s,\"%s\",%.4f,%.4f,%g,%g,%g,%g,%s", q->id, q->name,
                                 (double)q->lon, (double)q->lat, (double)q->h, (double)q->d,
                                 (double)q->v, (double)q->T, q->sector));
    for (PetscInt s = 0; s < v->ns; s++) {
      char text[32];
      namelist_real_text((double)(q->kt[s] * 1000), text, sizeof(text));
      PetscCall(atomic_file_printf(&out, ",%s", text));
    }
    PetscCall(atomic_file_printf(&out, "\n"));
  }
  PetscCall(atomic_file_commit(&out));
  /* Totals by prefecture (of every sample) and sector, points included. */
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/xinjiang_inventory_totals.csv", dir));
  PetscCall(atomic_file_open(path, &out));
  PetscCall(atomic_file_printf(&out, "prefecture_code,sector,species,t_per_year\n"));
  for (PetscInt q = -1; q < v->geo->npref; q++)
    for (PetscInt sec = 0; sec < SECTOR_N; sec++)
      for (PetscInt s = 0; s < v->ns; s++) {
        PetscReal sum = v->tot[((q + 1) * SECTOR_N + sec) * v->ns + s];
        for (PetscInt k = 0; k < v->npt; k++)
          if (v->pt[k].pref == q && profiles_sector(v->pt[k].sector) == sec)
            sum += v->pt[k].kt[s] * 1000;
        if (sum > 0) {
          char text[32];
          namelist_real_text((double)sum, text, sizeof(text));
          PetscCall(atomic_file_printf(&out, "%d,%s,%s,%s\n",
                                       q >= 0 ? (int)v->geo->pref[q].adcode : 0, sector_names[sec],
                                       v->sp[s].name, text));
        }
      }
  PetscCall(atomic_file_commit(&out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char usage[] =
    "Usage: bogda-inventory -namelist DOMAINS.nml -inventory INVENTORY.nml -out DIR\n"
    "  -namelist FILE       the grid tool's namelist, for the geography (namelists/domains.nml)\n"
    "  -inventory FILE      the &inventory namelist (namelists/inventory.nml)\n"
    "  -out DIR             the folder for xinjiang_inventory.nc, xinjiang_points.csv and\n"
    "                       xinjiang_inventory_totals.csv (it must exist)\n"
    "  -namelist_reference  print the reference of &inventory in Markdown (docs/inventory.md)\n";

/* Read and check every input (both namelists, the shares) before any work. */
static PetscErrorCode read_inputs(MPI_Comm comm, Inv *v, ToolConfig **cfg, char *dir, size_t len)
{
  char nml[PETSC_MAX_PATH_LEN] = "", inv[PETSC_MAX_PATH_LEN] = "";
  PetscBool has_nml, has_inv, has_out;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-namelist", nml, sizeof(nml), &has_nml));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-inventory", inv, sizeof(inv), &has_inv));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", dir, len, &has_out));
  PetscCheck(has_nml && has_inv && has_out, comm, PETSC_ERR_ARG_WRONG,
             "usage: bogda-inventory -namelist DOMAINS.nml -inventory INVENTORY.nml -out DIR "
             "(bogda-inventory -help lists every option)");
  PetscCall(domain_config_read(comm, nml, cfg));
  PetscCall(namelist_load(comm, inv));
  PetscCall(namelist_read(comm, &inventory_group, &v->p));
  PetscCall(namelist_check_unused(comm, NULL, 0));
  PetscCall(data_path_expand(v->p.sites_file, v->p.sites_file, sizeof(v->p.sites_file)));
  v->sp = species_table(&v->ns);
  PetscCheck(v->p.ntotal == v->ns, comm, PETSC_ERR_USER,
             "inventory_total needs %d values (one per species), got %d", (int)v->ns,
             (int)v->p.ntotal);
  for (PetscInt s = 0; s < v->ns; s++) {
    PetscReal sum = 0;
    for (PetscInt sec = 0; sec < SECTOR_N; sec++) {
      PetscCheck(v->p.nshare[sec] == v->ns, comm, PETSC_ERR_USER,
                 "inventory_share_%s needs %d values", sector_names[sec], (int)v->ns);
      sum += v->p.share[sec][s];
    }
    PetscCheck(v->p.total[s] == 0 || PetscAbsReal(sum - 1) < 1e-9, comm, PETSC_ERR_USER,
               "inventory: the sector shares of %s sum to %g, not 1", v->sp[s].name, (double)sum);
  }
  PetscCall(atomic_file_check_folder(dir, "-out"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode run(MPI_Comm comm)
{
  char dir[PETSC_MAX_PATH_LEN] = "";
  ToolConfig *cfg;
  Inv v;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&t0));
  PetscCall(PetscMemzero(&v, sizeof(v)));
  PetscCall(read_inputs(comm, &v, &cfg, dir, sizeof(dir)));
  PetscCall(geography_create(&cfg->geo, &v.geo));
  v.nlon = (PetscInt)PetscFloorReal((v.p.lon1 - v.p.lon0) / v.p.res + 0.5);
  v.nlat = (PetscInt)PetscFloorReal((v.p.lat1 - v.p.lat0) / v.p.res + 0.5);
  v.ncell = v.nlon * v.nlat;
  PetscCall(PetscMalloc2(v.ncell * NSUB * NSUB, &v.pref, v.ncell * SECTOR_N, &v.proxy));
  PetscCall(PetscCalloc1(v.ncell * SECTOR_N * v.ns, &v.out));
  PetscCall(PetscCalloc1((v.geo->npref + 1) * SECTOR_N * v.ns, &v.tot));
  PetscCall(sample(&v));
  PetscCall(points(&v));
  for (PetscInt s = 0; s < v.ns; s++) PetscCall(spread(&v, s));
  PetscCall(outside(&v));
  PetscCall(write_outputs(&v, dir));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(comm,
                        "bogda-inventory: completed: inventory written to %s (%d x %d cells of %g "
                        "degree, %d point sources) in %.1f s\n",
                        dir, (int)v.nlon, (int)v.nlat, (double)v.p.res, (int)v.npt, t1 - t0));
  PetscCall(PetscFree2(v.pref, v.proxy));
  PetscCall(PetscFree(v.out));
  PetscCall(PetscFree(v.tot));
  PetscCall(geography_destroy(&v.geo));
  PetscCall(domain_config_destroy(&cfg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const ParamGroup *groups[8];
  PetscInt ngrid;
  const ParamGroup *const *grid = domain_config_groups(&ngrid);
  Program prog = {
      .name = "bogda-inventory",
      .purpose = "build the illustrative Xinjiang emission inventory",
      .usage = usage,
      .groups = groups,
      .groups_note = DATA_NOTE "The geography's groups are the grid tool's (from "
                               "the -namelist file); &inventory is read from\n"
                               "the -inventory file.\n",
      .reference_title = "bogda-inventory namelist reference",
      .reference_intro =
          "The inventory builder `bin/bogda-inventory -namelist DOMAINS.nml "
          "-inventory INVENTORY.nml -out DIR` reads `&inventory` from the "
          "`-inventory` file (`namelists/inventory.nml`) and the geography (the "
          "groups `&grid_tool`, `&landuse`, `&units`, `&receptor` and "
          "`&domain_<name>`) from the grid tool's namelist given as `-namelist`: "
          "those are documented in `docs/grid.md`. An array in `(species order)` holds one "
          "value per species, in the order of the species table "
          "(`physics/species.c`). The inventory it builds is illustrative "
          "(`prep/inventory/bogda-inventory.c`); its point sources are written in "
          "the format of `docs/points.md`.\n\n",
      .reference_groups = (const ParamGroup *const[]){&inventory_group},
      .nreference_groups = 1};
  PetscBool done;

  for (PetscInt g = 0; g < ngrid && g < 7; g++) groups[prog.ngroups++] = grid[g];
  groups[prog.ngroups++] = &inventory_group;
  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : run(PETSC_COMM_WORLD));
}
