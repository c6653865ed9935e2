#pragma once
/* The geography a domain is built from, independent of any grid: terrain (a lat-lon DEM), the
   counties and prefectures of Xinjiang with their seats, the control-unit registry of the
   "1+14+N" zoning, the source regions outside Xinjiang, lakes, settlements and large point
   sources; and the classification of one point (lon, lat) into terrain height, land-use
   category, county and control unit. The rules are documented in geography_sample.c. */
#include "prep/geo/dem.h"
#include "prep/geo/polygon.h"
#include "base/landuse.h"
#include "base/param.h"

#define GEO_NAME_LEN 128 /* longest name, bytes of UTF-8 including the NUL */
#define GEO_CODE_LEN 32  /* longest unit code */

/* Kinds of control unit (the unit_kind variable of the domain file). */
typedef enum {
  UNIT_PRIORITY = 0, /* priority protection, 优先保护 */
  UNIT_KEY = 1,      /* key control, 重点管控 */
  UNIT_GENERAL = 2,  /* general control, 一般管控 */
  UNIT_OUTSIDE = 3,  /* a source region outside Xinjiang */
  UNIT_NKIND
} UnitKind;

typedef struct {
  char code[GEO_CODE_LEN], name_zh[GEO_NAME_LEN], name_en[GEO_NAME_LEN];
  PetscInt kind;       /* UnitKind */
  PetscInt county;     /* county index, -1 outside Xinjiang */
  PetscInt prefecture; /* prefecture index, -1 outside Xinjiang */
} GeoUnit;

typedef struct {
  PetscInt adcode;
  char name_zh[GEO_NAME_LEN], name_en[GEO_NAME_LEN];
  PetscInt parent; /* for a city of the XPCC (a county-level city on its own): the prefecture it
                      sits in; else -1 */
} GeoPrefecture;

typedef struct {
  PetscInt adcode;
  char name_zh[GEO_NAME_LEN], name_en[GEO_NAME_LEN], short_en[GEO_NAME_LEN];
  PetscInt prefecture; /* index */
  PetscReal seat[2];   /* lon, lat of the government seat, degrees */
} GeoCounty;

/* A settlement or a point source: the discs around it that are urban land, key-control land
   and (seats only) irrigated oasis within reach. Radii in m, 0 if the disc does not apply. */
typedef struct {
  PetscReal lon, lat;
  PetscReal r_urban, r_key, r_crop;
} GeoSite;

/* A lake as an ellipse: centre, semi-axes (m) and the azimuth of the major axis (radians). */
typedef struct {
  PetscReal lon, lat, a, b, azimuth;
} GeoLake;

/* A longitude-latitude box of an outside source region (unit index). */
typedef struct {
  PetscReal box[4];
  PetscInt unit;
} GeoBox;

/* Inputs and rule parameters (the &grid_tool, &landuse and &units namelist groups). */
typedef struct {
  char counties_file[PARAM_STRING_LEN], outline_file[PARAM_STRING_LEN],
      sites_file[PARAM_STRING_LEN];
  char county_names_file[PARAM_STRING_LEN], lakes_file[PARAM_STRING_LEN],
      outside_file[PARAM_STRING_LEN];
  char dem_file[PARAM_STRING_LEN], dem_variable[PARAM_STRING_LEN];
  char landuse_file[PARAM_STRING_LEN], landuse_variable[PARAM_STRING_LEN],
      units_file[PARAM_STRING_LEN];
  PetscInt raster_per_degree;   /* pixels per degree of the county and unit rasters */
  PetscReal units_min_coverage; /* least share of Xinjiang an official unit file must cover */
  /* Land-use rule (&landuse). */
  PetscReal urban_radius_seat, urban_radius_city, crop_radius, crop_height_max;
  PetscReal snowline_ref, snowline_lat, snowline_lapse, snowline_min;
  PetscReal forest_lat_min, forest_height_min, forest_height_max;
  PetscReal grass_height_min, grass_height_max, steppe_lat;
  /* Unit rule (&units). */
  PetscReal protect_height, key_radius_seat, key_radius_source;
} GeoParams;

typedef struct {
  GeoParams p;
  PetscInt ncounty, npref, nunit, nsite, nlake, nbox;
  GeoCounty *county;            /* sorted by adcode; owned */
  GeoPrefecture *pref;          /* sorted by adcode; owned */
  GeoUnit *unit;                /* units inside Xinjiang first, then the outside regions; owned */
  GeoSite *site;                /* owned */
  GeoLake *lake;                /* owned */
  GeoBox *box;                  /* in the order they are tried; owned */
  PetscBool official;           /* units from an official polygon file, not derived */
  PolygonRaster *county_raster; /* owner = county index, gaps inside the outline filled; owned */
  PolygonRaster *unit_raster;   /* official units only: owner = unit index; owned */
  Dem *dem;                     /* terrain, m; owned */
  Dem *landuse;                 /* user land-use grid (LandUse codes), or NULL; owned */
  PetscReal reach;              /* largest site radius, m */
} Geography;

/* Read every input named in p and build the registries and rasters. Fails naming the file and
   the problem. Not collective (every rank builds the same geography). */
PetscErrorCode geography_create(const GeoParams *p, Geography **g);

/* Free everything and set the handle to NULL; no-op on NULL. */
PetscErrorCode geography_destroy(Geography **g);

/* What the input files of p are (base/data_path.h data_path_sources(): basename, source and
   licence of each), for the source_data attribute of the files built from them. Not collective. */
void geography_sources(const GeoParams *p, char *out, size_t len);

/* Index of the county or prefecture called name (adcode, Chinese or English name, or the
   county's short English name, case-insensitive); *county and *pref are -1 if not found.
   Fails if the name is ambiguous. Not collective. */
PetscErrorCode geography_find_place(const Geography *g, const char *name, PetscInt *county,
                                    PetscInt *pref);

/* Lakes and sites that can matter within reach (m) of (lon, lat), for geography_sample. */
typedef struct {
  PetscInt nlake, nsite;
  PetscInt *lake, *site; /* indices; owned (sized for all lakes and sites) */
} GeoNear;

PetscErrorCode geography_near_create(const Geography *g, GeoNear **near);
PetscErrorCode geography_near_destroy(GeoNear **near);
void geography_near(const Geography *g, PetscReal lon, PetscReal lat, PetscReal reach,
                    GeoNear *near);

/* What one point is. */
typedef struct {
  PetscReal h;      /* terrain height, m (bilinear in the DEM) */
  PetscInt landuse; /* LandUse */
  PetscInt county;  /* county index, -1 outside Xinjiang */
  PetscInt unit;    /* unit index */
} GeoSample;

/* Classify (lon, lat), which the DEM must cover, using only the lakes and sites in near. */
void geography_sample(const Geography *g, const GeoNear *near, PetscReal lon, PetscReal lat,
                      GeoSample *s);

/* Local east and north distances (m) from (lon0, lat0) to (lon, lat) on the sphere, in the
   equirectangular approximation (good to 0.1 % within 100 km). */
void geography_offset(PetscReal lon0, PetscReal lat0, PetscReal lon, PetscReal lat, PetscReal *east,
                      PetscReal *north);
