/* Met source `wrf`: wrfout files read as they are. The model runs on WRF's own grid (projection,
   spacing, C staggering, map factors through grids/metrics.c) or on a window of it, with WRF's
   bottom_top layers as its layers; met_wrf_files lists the files (names or glob patterns), read
   as one time series (model/met/wrf_file.c checks them). Snapshots are WRF's own records;
   model/met/met.c interpolates linearly between them, so any constant interval (1 h, 3 h, ...)
   works.

   Taken as WRF wrote them (k, j, i: layer, row, column of the window; WRF's staggered U and V
   sit on the west and south faces of the cell, as Bogda's face winds do):
     u_face(i,j,k) = U(i,j,k),  v_face(i,j,k) = V(i,j,k)                 grid-relative, m s-1
     u = (U(i) + U(i+1)) / 2,   v = (V(j) + V(j+1)) / 2,  w = (W(k) + W(k+1)) / 2
     terrain = HGT, t2 = T2, ustar = UST, hfx = HFX, pblh = PBLH, snow_cover = SNOWC,
     cloud_water = QCLOUD
   Derived (p0 = 1e5 Pa, R_d, R_v, c_p, g of base/constants.h, as WRF uses them):
     pressure        p = P + PB                                                     Pa
     theta           theta = T + 300, or (T + 300) / (1 + (R_v/R_d) qv) when USE_THETA_M = 1   K
     temperature     T_k = theta (p / p0)^(R_d / c_p)                               K
     virtual temp.   T_v = T_k (1 + (R_v/R_d) qv) / (1 + qv),  qv = QVAPOR          K
     air density     rho = p / (R_d T_v)  (dry air plus vapour)                     kg m-3
     heights         z_k = (PH + PHB)_k / g - HGT at the w levels (k = 0..nz),
                     dz = z_(k+1) - z_k,  zmid = (z_k + z_(k+1)) / 2  above ground   m
     rel. humidity   e = p qv / (R_d/R_v + qv),
                     es = 611.2 exp(17.67 (T_k - 273.15) / (T_k - 29.65))  (Bolton 1980, water),
                     rel_humidity = e / es bounded to [0, 1]
     precipitation   A = RAINC + RAINNC (+ BUCKET_MM (I_RAINC + I_RAINNC) with buckets), mm;
                     rate at record n = (A(n+1) - A(n-1)) / (t(n+1) - t(n-1)), one-sided at
                     the first and last record, in mm h-1, a decrease counting as none; linear
                     interpolation of these rates integrates exactly to A(last) - A(first)
     land use        LANDUSEF fractions, or the dominant LU_INDEX category, mapped onto the
                     classes of base/landuse.h (USGS and MODIS tables below, chosen by MMINLU)
   Where WRF has no value (the variable is missing in the files; a log line says so):
     UST      u* = kappa |U_1| / ln(zmid_1 / z0) (model/met/pbl.c), z0 from the land use and snow
     HFX      0 (a neutral surface layer)
     PBLH     from the bulk Richardson number of model/met/pbl.c on the virtual potential
              temperature theta_v = theta (1 + (R_v/R_d) qv) / (1 + qv), critical value
              met_wrf_ri_crit, bounded to [met_wrf_pblh_min, met_wrf_pblh_max]
     T2       temperature of the lowest layer;  SNOWC, QCLOUD, rain: 0
     land use met_wrf_landuse_missing everywhere
   Kz at the top interface of layer k: EXCH_H at w level k + 1 when the files have it (and
   met_wrf_kz_source is auto or exch_h), else the Holtslag-Boville profile of model/met/pbl.c from
   PBLH, UST and HFX with the Obukhov length of the lowest layer and met_wrf_kz_free above the
   boundary layer; either way bounded to [met_wrf_kz_min, met_wrf_kz_max].
   Every rank reads only its ghosted block of the window (nc_get_vara, clipped at the window's
   edges); ghosts outside the window copy the nearest column inside it (faces: the nearest
   face), as the other sources do, so every value depends only on its own column and results
   are the same on any number of ranks. */
#include "model/met/met_source.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/met/wrf_file.h"
#include "base/namelist.h"
#include "base/clock.h"
#include "model/met/pbl.h"
#include "base/constants.h"
#include "base/landuse.h"

#define THETA_BASE 300.0 /* WRF's base potential temperature T0 of the perturbation T, K */

static const char *const kz_names[] = {"auto", "similarity", "exch_h", NULL};
enum { KZ_AUTO, KZ_SIMILARITY, KZ_EXCH_H };
static const char *const landuse_names[] = {"water",  "barren", "grassland", "cropland",
                                            "forest", "urban",  "snow_ice",  NULL};

typedef struct {
  char files[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt nfiles, window_i, window_j, window_nx, window_ny, kz_source, landuse_missing;
  PetscReal kz_min, kz_max, kz_free, ri_crit, pblh_min, pblh_max;
} Params;

#define REAL(k, u, h, d, lo, hi, f)                                                                \
  {                                                                                                \
    .key = k, .units = u, .help = h, .type = PARAM_REAL, .def = d, .min = lo, .max = hi,           \
    .offset = offsetof(Params, f)                                                                  \
  }
#define INT(k, h, d, f)                                                                            \
  {                                                                                                \
    .key = k, .help = h, .type = PARAM_INT, .def = d, .min = 0, .max = 1e6,                        \
    .offset = offsetof(Params, f)                                                                  \
  }
static const ParamSpec params_table[] = {
    {.key = "files",
     .help = "wrfout files in time order: names or glob patterns (each pattern's matches sorted by "
             "name)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, files),
     .count_offset = offsetof(Params, nfiles)},
    INT("window_i", "first column (west_east, 0-based) of the window the model runs on", 0,
        window_i),
    INT("window_j", "first row (south_north, 0-based) of the window", 0, window_j),
    INT("window_nx", "columns of the window (0: to the east edge)", 0, window_nx),
    INT("window_ny", "rows of the window (0: to the north edge)", 0, window_ny),
    {.key = "kz_source",
     .help = "Kz from WRF's EXCH_H (auto: when the files have it) or the similarity profile",
     .type = PARAM_ENUM,
     .offset = offsetof(Params, kz_source),
     .choices = kz_names},
    {.key = "kz_min",
     .units = "m2 s-1",
     .help = "lower bound on Kz",
     .type = PARAM_REAL,
     .def = 0.1,
     .min = 0,
     .max = 100,
     .offset = offsetof(Params, kz_min),
     .at_most = "kz_max"},
    REAL("kz_max", "m2 s-1", "upper bound on Kz", 500, 1, 1e4, kz_max),
    REAL("kz_free", "m2 s-1", "Kz above the boundary layer (similarity profile)", 0.2, 0, 100,
         kz_free),
    REAL("ri_crit", "1", "critical bulk Richardson number of a diagnosed PBLH", 0.25, 0.01, 10,
         ri_crit),
    {.key = "pblh_min",
     .units = "m",
     .help = "lower bound on a diagnosed PBLH",
     .type = PARAM_REAL,
     .def = 20,
     .min = 1,
     .max = 1e4,
     .offset = offsetof(Params, pblh_min),
     .at_most = "pblh_max"},
    REAL("pblh_max", "m", "upper bound on a diagnosed PBLH", 5000, 10, 3e4, pblh_max),
    {.key = "landuse_missing",
     .help =
         "land-use class where the files have neither LANDUSEF nor LU_INDEX (or an unknown MMINLU)",
     .type = PARAM_ENUM,
     .def = LANDUSE_GRASSLAND,
     .offset = offsetof(Params, landuse_missing),
     .choices = landuse_names},
    {.key = NULL},
};
#undef REAL
#undef INT

/* WRF land-use categories (1-based; entry 0 unused) onto base/landuse.h classes.
   USGS: 1 urban; 2-6 cropland and its mosaics; 7 grassland, 8 shrubland, 9 mixed shrubland and
   grassland, 10 savanna; 11-15 forests; 16 water; 17 herbaceous and 18 wooded wetland; 19 barren;
   20 herbaceous, 21 wooded, 22 mixed and 23 bare tundra; 24 snow or ice; the 28-category
   extension: 25 playa, 26 lava, 27 white sand, 28 lakes. Five categories a line. */
/* clang-format off */
static const PetscInt usgs_map[] = {
  -1,                LANDUSE_URBAN,     LANDUSE_CROPLAND,  LANDUSE_CROPLAND,  LANDUSE_CROPLAND,
  LANDUSE_CROPLAND,  LANDUSE_CROPLAND,  LANDUSE_GRASSLAND, LANDUSE_GRASSLAND, LANDUSE_GRASSLAND,
  LANDUSE_GRASSLAND, LANDUSE_FOREST,    LANDUSE_FOREST,    LANDUSE_FOREST,    LANDUSE_FOREST,
  LANDUSE_FOREST,    LANDUSE_WATER,     LANDUSE_GRASSLAND, LANDUSE_FOREST,    LANDUSE_BARREN,
  LANDUSE_GRASSLAND, LANDUSE_FOREST,    LANDUSE_GRASSLAND, LANDUSE_BARREN,    LANDUSE_SNOW_ICE,
  LANDUSE_BARREN,    LANDUSE_BARREN,    LANDUSE_BARREN,    LANDUSE_WATER};
/* MODIS (modified IGBP): 1-5 forests; 6 closed and 7 open shrublands, 8 woody savannas,
   9 savannas, 10 grasslands, 11 permanent wetlands; 12 croplands; 13 urban; 14 cropland and
   natural vegetation mosaic; 15 snow and ice; 16 barren; 17 water; 18 wooded, 19 mixed and
   20 barren tundra; 21 lakes. */
static const PetscInt modis_map[] = {
  -1,                LANDUSE_FOREST,    LANDUSE_FOREST,    LANDUSE_FOREST,    LANDUSE_FOREST,
  LANDUSE_FOREST,    LANDUSE_GRASSLAND, LANDUSE_GRASSLAND, LANDUSE_GRASSLAND, LANDUSE_GRASSLAND,
  LANDUSE_GRASSLAND, LANDUSE_GRASSLAND, LANDUSE_CROPLAND,  LANDUSE_URBAN,     LANDUSE_CROPLAND,
  LANDUSE_SNOW_ICE,  LANDUSE_BARREN,    LANDUSE_WATER,     LANDUSE_FOREST,    LANDUSE_GRASSLAND,
  LANDUSE_BARREN,    LANDUSE_WATER};
/* clang-format on */

/* Optional variables; which of them the files have. */
typedef enum {
  V_QCLOUD,
  V_W,
  V_PBLH,
  V_UST,
  V_HFX,
  V_T2,
  V_SNOWC,
  V_LU_INDEX,
  V_LANDUSEF,
  V_EXCH_H,
  V_RAINC,
  V_RAINNC,
  V_I_RAINC,
  V_I_RAINNC,
  V_N
} Optional;
static const char *const optional_names[V_N] = {
    "QCLOUD",   "W",        "PBLH",   "UST",   "HFX",    "T2",      "SNOWC",
    "LU_INDEX", "LANDUSEF", "EXCH_H", "RAINC", "RAINNC", "I_RAINC", "I_RAINNC"};
static const char *const required_names[] = {"Times", "XLAT", "XLONG", "U",      "V",   "T", "P",
                                             "PB",    "PH",   "PHB",   "QVAPOR", "HGT", NULL};

/* Block buffers: the variables over this rank's block of the window, file order (k, j, i). */
typedef enum {
  B_P,
  B_PB,
  B_T,
  B_QV,
  B_QC,
  B_PH,
  B_PHB,
  B_U,
  B_V,
  B_W,
  B_EXCH,
  B_HGT,
  B_PBLH,
  B_UST,
  B_HFX,
  B_T2,
  B_SNOWC,
  B_LU,
  B_ACC0,
  B_ACC1,
  B_WORK,
  B_N
} Buffer;

typedef struct {
  Params p;
  WrfFiles *w;         /* owned */
  PetscInt nx, ny, nz; /* window size */
  PetscBool has[V_N];
  PetscBool use_exch;
  const PetscInt *lu_map;      /* category -> class, or NULL (no usable land use); static */
  PetscInt lu_ncat;            /* entries of lu_map */
  PetscInt nlandcat;           /* LANDUSEF categories */
  PetscInt bi0, bj0, bni, bnj; /* this rank's block of mass points, window coordinates */
  PetscReal *buf[B_N];         /* owned */
  PetscReal *luf;              /* LANDUSEF block; owned */
} Ctx;

extern const MetSourceOps met_source_wrf; /* at the end of this file */

static PetscErrorCode read_params(MPI_Comm comm, Params *p)
{
  PetscFunctionBeginUser;
  PetscCall(namelist_read(comm, &met_source_wrf.group, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The window in the files' grid, checked. */
static PetscErrorCode window(MPI_Comm comm, const Params *p, const WrfFiles *w, PetscInt *nx,
                             PetscInt *ny)
{
  PetscFunctionBeginUser;
  *nx = p->window_nx ? p->window_nx : w->nx - p->window_i;
  *ny = p->window_ny ? p->window_ny : w->ny - p->window_j;
  PetscCheck(*nx >= 1 && *ny >= 1 && p->window_i + *nx <= w->nx && p->window_j + *ny <= w->ny, comm,
             PETSC_ERR_ARG_OUTOFRANGE,
             "met_wrf_window_i, _j, _nx, _ny: the window of columns [%d, %d) and rows [%d, %d) "
             "lies outside the WRF grid of %s (west_east = %d, south_north = %d)",
             (int)p->window_i, (int)(p->window_i + *nx), (int)p->window_j, (int)(p->window_j + *ny),
             w->path[0], (int)w->nx, (int)w->ny);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode open_files(MPI_Comm comm, const Params *p, WrfFiles **w)
{
  PetscFunctionBeginUser;
  PetscCall(wrf_files_open(comm, p->files, p->nfiles, required_names, w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode grid_spec(MPI_Comm comm, GridSpec *spec)
{
  Params *p;
  WrfFiles *w;
  PetscInt nx, ny;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  PetscCall(read_params(comm, p));
  PetscCall(open_files(comm, p, &w));
  PetscCall(window(comm, p, w, &nx, &ny));
  PetscCall(wrf_files_grid_spec(comm, w, p->window_i, p->window_j, nx, ny, spec));
  PetscCall(wrf_files_destroy(&w));
  PetscCall(PetscFree(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The value of an effective configuration key ("group_key"), or NULL if it was not read. */
static const char *effective(const char *name)
{
  for (PetscInt n = 0; n < namelist_count(); n++) {
    const char *key, *value;
    PetscBool is_default;
    if (namelist_entry(n, &key, &value, &is_default) == PETSC_SUCCESS && !strcmp(key, name))
      return value;
  }
  return NULL;
}

/* The records that cover [t0, t1]. */
static void records_of(const WrfFiles *w, PetscReal t0, PetscReal t1, PetscInt *n0, PetscInt *n1)
{
  *n0 = (PetscInt)PetscFloorReal((t0 - w->time[0]) / w->interval + 1e-9);
  *n1 = (PetscInt)PetscCeilReal((t1 - w->time[0]) / w->interval - 1e-9);
  *n0 = PetscMin(PetscMax(*n0, 0), w->ntime - 2);
  *n1 = PetscMin(PetscMax(*n1, *n0 + 1), w->ntime - 1);
}

/* Fail unless record n lies on the first record's grid. */
static PetscErrorCode check_record(MPI_Comm comm, const WrfFiles *w, PetscInt n)
{
  char a[32], f[32];

  PetscFunctionBeginUser;
  clock_format(w->time[n], a, sizeof(a));
  clock_format(w->time[0], f, sizeof(f));
  PetscCheck(w->on_grid[n], comm, PETSC_ERR_SUP,
             "%s: variables XLAT/XLONG at %s differ from those at %s: the domain moves (a moving "
             "nest), and the met source wrf runs on a fixed grid",
             w->path[w->file_of[n]], a, f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fail unless [t0, t1] lies within the files' times, on the first record's grid. */
static PetscErrorCode check_span(MPI_Comm comm, const WrfFiles *w, PetscReal t0, PetscReal t1)
{
  char a[32], b[32], f[32], l[32];
  PetscInt n0, n1;

  PetscFunctionBeginUser;
  clock_format(t0, a, sizeof(a));
  clock_format(t1, b, sizeof(b));
  clock_format(w->time[0], f, sizeof(f));
  clock_format(w->time[w->ntime - 1], l, sizeof(l));
  PetscCheck(t0 >= w->time[0] - 1e-3 && t1 <= w->time[w->ntime - 1] + 1e-3, comm,
             PETSC_ERR_ARG_OUTOFRANGE,
             "met_wrf_files: %s to %s is outside the times of the WRF files, %s (variable Times "
             "of %s) to %s (of %s)",
             a, b, f, w->path[0], l, w->path[w->nfile - 1]);
  records_of(w, t0, t1, &n0, &n1);
  for (PetscInt n = n0; n <= n1; n++) PetscCall(check_record(comm, w, n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Which optional variables the files have, and the log lines that say what replaces the missing. */
static PetscErrorCode inventory(MPI_Comm comm, Ctx *c)
{
  WrfFiles *w = c->w;
  const char *f = w->path[0];

  PetscFunctionBeginUser;
  PetscCall(wrf_files_has(w, V_N, optional_names, c->has));
  c->use_exch = c->has[V_EXCH_H] && c->p.kz_source != KZ_SIMILARITY ? PETSC_TRUE : PETSC_FALSE;
  PetscCheck(c->use_exch || c->p.kz_source != KZ_EXCH_H, comm, PETSC_ERR_FILE_UNEXPECTED,
             "%s: variable EXCH_H is missing, but met_wrf_kz_source = 'exch_h' asks for it", f);
  if (c->use_exch) {
    PetscInt len;
    PetscCall(wrf_files_dim(w, "EXCH_H", 0, &len));
    PetscCheck(len == w->nz + 1, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s: variable EXCH_H has %d levels, expected bottom_top_stag = %d", f, (int)len,
               (int)(w->nz + 1));
  }
  if (!strncmp(w->mminlu, "USGS", 4))
    c->lu_map = usgs_map, c->lu_ncat = (PetscInt)(sizeof(usgs_map) / sizeof(usgs_map[0]));
  else if (strstr(w->mminlu, "MODIS"))
    c->lu_map = modis_map, c->lu_ncat = (PetscInt)(sizeof(modis_map) / sizeof(modis_map[0]));
  if (c->has[V_LANDUSEF]) PetscCall(wrf_files_dim(w, "LANDUSEF", 0, &c->nlandcat));
  PetscCall(PetscPrintf(comm,
                        "met_wrf: %d file(s), %d times from %s every %.6g h; grid %d x %d x %d "
                        "(window at column %d, row %d of %d x %d)\n",
                        (int)w->nfile, (int)w->ntime, f, (double)(w->interval / 3600), (int)c->nx,
                        (int)c->ny, (int)c->nz, (int)c->p.window_i, (int)c->p.window_j, (int)w->nx,
                        (int)w->ny));
  if (!c->has[V_PBLH])
    PetscCall(PetscPrintf(comm,
                          "met_wrf: %s has no PBLH: the boundary-layer height is diagnosed from a "
                          "bulk Richardson number (critical value %.6g)\n",
                          f, (double)c->p.ri_crit));
  if (!c->has[V_UST])
    PetscCall(PetscPrintf(
        comm, "met_wrf: %s has no UST: u* from the log law over the land-use roughness\n", f));
  if (!c->has[V_HFX])
    PetscCall(
        PetscPrintf(comm, "met_wrf: %s has no HFX: a neutral surface layer (H = 0) for Kz\n", f));
  if (!c->lu_map || (!c->has[V_LU_INDEX] && !c->has[V_LANDUSEF]))
    PetscCall(PetscPrintf(comm,
                          "met_wrf: %s has no usable land use (LANDUSEF, LU_INDEX with MMINLU "
                          "'%s'): '%s' everywhere\n",
                          f, w->mminlu, landuse_names[c->p.landuse_missing]));
  PetscCall(PetscPrintf(comm, "met_wrf: Kz from %s\n",
                        c->use_exch ? "WRF's EXCH_H"
                                    : "the Holtslag-Boville profile of PBLH, UST and HFX"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Values in block buffer b: staggered U and V have one more column or row, the w-level
   variables one more level, the 2D ones a single level. */
static PetscInt buffer_size(const Ctx *c, Buffer b)
{
  PetscInt n2 = c->bni * c->bnj;
  switch (b) {
  case B_U:
    return c->nz * c->bnj * (c->bni + 1);
  case B_V:
    return c->nz * (c->bnj + 1) * c->bni;
  case B_PH:
  case B_PHB:
  case B_W:
  case B_EXCH:
    return (c->nz + 1) * n2;
  default:
    return b >= B_HGT ? n2 : c->nz * n2;
  }
}

static PetscErrorCode create(const Grid *g, void **ctx)
{
  Ctx *c;
  const Patch *pa = &g->patch;
  const char *start = effective("run_start"), *hours = effective("run_hours");
  PetscInt n2;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  PetscCall(read_params(g->comm, &c->p));
  PetscCall(open_files(g->comm, &c->p, &c->w));
  PetscCall(window(g->comm, &c->p, c->w, &c->nx, &c->ny));
  c->nz = c->w->nz;
  PetscCheck(c->nx == g->spec.nx && c->ny == g->spec.ny && c->nz == g->spec.nz, g->comm,
             PETSC_ERR_ARG_INCOMP,
             "the WRF window of %d x %d x %d cells differs from the grid's %d x %d x %d",
             (int)c->nx, (int)c->ny, (int)c->nz, (int)g->spec.nx, (int)g->spec.ny, (int)g->spec.nz);
  if (start) { /* a run: its span must lie within the files (a test calls the source without one) */
    char text[PARAM_STRING_LEN];
    PetscReal t0;
    PetscCall(PetscStrncpy(text, start + (start[0] == '\'' ? 1 : 0), sizeof(text)));
    if (strchr(text, '\'')) *strchr(text, '\'') = 0; /* the effective value of a string is quoted */
    PetscCall(clock_parse(text, &t0));
    PetscCall(check_span(g->comm, c->w, t0, hours ? t0 + 3600 * atof(hours) : t0));
  }
  PetscCall(inventory(g->comm, c));
  c->bi0 = PetscMax(pa->gxs, 0);
  c->bj0 = PetscMax(pa->gys, 0);
  c->bni = PetscMin(pa->gxs + pa->gxm, c->nx) - c->bi0;
  c->bnj = PetscMin(pa->gys + pa->gym, c->ny) - c->bj0;
  n2 = c->bni * c->bnj;
  for (PetscInt b = 0; b < B_N; b++) PetscCall(PetscCalloc1(buffer_size(c, (Buffer)b), &c->buf[b]));
  PetscCall(PetscCalloc1(PetscMax(c->nlandcat, 1) * n2, &c->luf));
  *ctx = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode destroy(void **ctx)
{
  Ctx *c = (Ctx *)*ctx;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(wrf_files_destroy(&c->w));
  for (PetscInt b = 0; b < B_N; b++) PetscCall(PetscFree(c->buf[b]));
  PetscCall(PetscFree(c->luf));
  PetscCall(PetscFree(*ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode bracket(void *ctx, PetscReal t, PetscReal *t0, PetscReal *t1)
{
  Ctx *c = (Ctx *)ctx;
  const WrfFiles *w = c->w;
  PetscInt n0, n1;

  PetscFunctionBeginUser;
  PetscCall(check_span(PETSC_COMM_SELF, w, t, t));
  records_of(w, t, t, &n0, &n1);
  if (w->time[n0 + 1] <= t && n0 + 2 < w->ntime) n0++;
  *t0 = w->time[n0];
  *t1 = w->time[n0 + 1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Read variable name at record rec over the block: nk levels of mass points (nk = 0: 2D), or
   with one more column (xs) or row (ys) for staggered variables. */
static PetscErrorCode read_block(Ctx *c, PetscInt rec, const char *name, PetscInt nk, PetscInt xs,
                                 PetscInt ys, PetscReal *buf)
{
  size_t st[3] = {0, (size_t)(c->p.window_j + c->bj0), (size_t)(c->p.window_i + c->bi0)};
  size_t ct[3] = {(size_t)nk, (size_t)(c->bnj + ys), (size_t)(c->bni + xs)};

  PetscFunctionBeginUser;
  if (nk)
    PetscCall(wrf_files_read(c->w, rec, name, 3, st, ct, buf));
  else
    PetscCall(wrf_files_read(c->w, rec, name, 2, st + 1, ct + 1, buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Accumulated precipitation A of record rec over the block into acc, mm. */
static PetscErrorCode accumulated(Ctx *c, PetscInt rec, PetscReal *acc)
{
  PetscInt n2 = c->bni * c->bnj;
  PetscReal *work = c->buf[B_WORK];
  const Optional parts[4] = {V_RAINC, V_RAINNC, V_I_RAINC, V_I_RAINNC};

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < n2; k++) acc[k] = 0;
  for (PetscInt n = 0; n < 4; n++) {
    PetscReal scale = n < 2 ? 1 : c->w->bucket_mm;
    if (!c->has[parts[n]] || scale <= 0) continue;
    PetscCall(read_block(c, rec, optional_names[parts[n]], 0, 0, 0, work));
    for (PetscInt k = 0; k < n2; k++) acc[k] += scale * work[k];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every variable of record rec over the block. */
static PetscErrorCode read_record(Ctx *c, PetscInt rec)
{
  const struct {
    Buffer b;
    const char *name;
    PetscInt v; /* optional variable, or -1 */
    PetscInt nk, xs, ys;
  } list[] = {
      {B_P, "P", -1, c->nz, 0, 0},
      {B_PB, "PB", -1, c->nz, 0, 0},
      {B_T, "T", -1, c->nz, 0, 0},
      {B_QV, "QVAPOR", -1, c->nz, 0, 0},
      {B_QC, "QCLOUD", V_QCLOUD, c->nz, 0, 0},
      {B_PH, "PH", -1, c->nz + 1, 0, 0},
      {B_PHB, "PHB", -1, c->nz + 1, 0, 0},
      {B_U, "U", -1, c->nz, 1, 0},
      {B_V, "V", -1, c->nz, 0, 1},
      {B_W, "W", V_W, c->nz + 1, 0, 0},
      {B_EXCH, "EXCH_H", V_EXCH_H, c->nz + 1, 0, 0},
      {B_HGT, "HGT", -1, 0, 0, 0},
      {B_PBLH, "PBLH", V_PBLH, 0, 0, 0},
      {B_UST, "UST", V_UST, 0, 0, 0},
      {B_HFX, "HFX", V_HFX, 0, 0, 0},
      {B_T2, "T2", V_T2, 0, 0, 0},
      {B_SNOWC, "SNOWC", V_SNOWC, 0, 0, 0},
      {B_LU, "LU_INDEX", V_LU_INDEX, 0, 0, 0},
  };
  const WrfFiles *w = c->w;

  PetscFunctionBeginUser;
  for (size_t n = 0; n < sizeof(list) / sizeof(list[0]); n++) {
    if (list[n].v >= 0 && !c->has[list[n].v]) continue;
    if (list[n].b == B_EXCH && !c->use_exch) continue;
    PetscCall(
        read_block(c, rec, list[n].name, list[n].nk, list[n].xs, list[n].ys, c->buf[list[n].b]));
  }
  if (c->has[V_LANDUSEF]) PetscCall(read_block(c, rec, "LANDUSEF", c->nlandcat, 0, 0, c->luf));
  PetscCall(accumulated(c, PetscMax(rec - 1, 0), c->buf[B_ACC0]));
  PetscCall(accumulated(c, PetscMin(rec + 1, w->ntime - 1), c->buf[B_ACC1]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Land-use fractions of block column b into lu[LANDUSE_N]. */
static void landuse_column(const Ctx *c, PetscInt b, PetscReal *lu)
{
  PetscInt n2 = c->bni * c->bnj;
  PetscReal sum = 0;

  for (PetscInt l = 0; l < LANDUSE_N; l++) lu[l] = 0;
  if (c->lu_map && c->has[V_LANDUSEF]) {
    for (PetscInt cat = 0; cat < c->nlandcat; cat++) {
      PetscInt cls = cat + 1 < c->lu_ncat ? c->lu_map[cat + 1] : c->p.landuse_missing;
      lu[cls] += c->luf[cat * n2 + b];
      sum += c->luf[cat * n2 + b];
    }
  } else if (c->lu_map && c->has[V_LU_INDEX]) {
    PetscInt cat = (PetscInt)(c->buf[B_LU][b] + 0.5);
    lu[cat >= 1 && cat < c->lu_ncat ? c->lu_map[cat] : c->p.landuse_missing] = 1;
    sum = 1;
  }
  if (sum <= 0) lu[c->p.landuse_missing] = sum = 1;
  for (PetscInt l = 0; l < LANDUSE_N; l++) lu[l] /= sum;
}

/* Saturation vapour pressure over water, Pa (Bolton 1980). */
static PetscReal saturation_pressure(PetscReal temperature)
{
  return 611.2 * PetscExpReal(17.67 * (temperature - 273.15) / (temperature - 29.65));
}

/* The thermodynamic fields of block column b into patch column (i, j); theta_v for the PBLH. */
static void thermo_column(const Ctx *c, const Patch *pa, PetscInt b, PetscInt i, PetscInt j,
                          MetFields *m, PetscReal *theta_v)
{
  PetscInt n2 = c->bni * c->bnj;
  const PetscReal *const *B = (const PetscReal *const *)c->buf;
  PetscReal eps = CONST_R_DRY / CONST_R_VAPOUR, hgt = B[B_HGT][b];

  for (PetscInt k = 0; k < c->nz; k++) {
    PetscInt q = k * n2 + b, p3 = patch_index(pa, i, j, k);
    PetscReal qv = B[B_QV][q], p = B[B_P][q] + B[B_PB][q], moist = (1 + qv / eps) / (1 + qv);
    PetscReal theta =
        c->w->theta_m ? (B[B_T][q] + THETA_BASE) / (1 + qv / eps) : B[B_T][q] + THETA_BASE;
    PetscReal T = theta * PetscPowReal(p / CONST_P0, CONST_R_DRY / CONST_CP_DRY);
    PetscReal zlo = (B[B_PH][q] + B[B_PHB][q]) / CONST_GRAVITY - hgt,
              zhi = (B[B_PH][q + n2] + B[B_PHB][q + n2]) / CONST_GRAVITY - hgt;
    m->pressure[p3] = p;
    m->theta[p3] = theta;
    m->temperature[p3] = T;
    m->rho[p3] = p / (CONST_R_DRY * T * moist);
    m->dz[p3] = zhi - zlo;
    m->zmid[p3] = 0.5 * (zlo + zhi);
    m->rel_humidity[p3] = PetscMin(PetscMax(p * qv / (eps + qv) / saturation_pressure(T), 0), 1);
    m->cloud_water[p3] = c->has[V_QCLOUD] ? B[B_QC][q] : 0;
    m->w[p3] = c->has[V_W] ? 0.5 * (B[B_W][q] + B[B_W][q + n2]) : 0;
    theta_v[k] = theta * moist;
  }
}

/* Face and centre winds of patch column (i, j), from the block's staggered U and V. */
static void wind_column(const Ctx *c, const Patch *pa, PetscInt i, PetscInt j, MetFields *m)
{
  PetscInt ci = PetscMin(PetscMax(i, 0), c->nx - 1) - c->bi0,
           cj = PetscMin(PetscMax(j, 0), c->ny - 1) - c->bj0;
  PetscInt fi = PetscMin(PetscMax(i, 0), c->nx) - c->bi0,
           fj = PetscMin(PetscMax(j, 0), c->ny) - c->bj0;
  PetscInt nu = c->bni + 1, nv = c->bni;
  const PetscReal *U = c->buf[B_U], *V = c->buf[B_V];

  for (PetscInt k = 0; k < c->nz; k++) {
    PetscInt p3 = patch_index(pa, i, j, k);
    m->u_face[p3] = U[(k * c->bnj + cj) * nu + fi];
    m->v_face[p3] = V[(k * (c->bnj + 1) + fj) * nv + ci];
    m->u[p3] = 0.5 * (U[(k * c->bnj + cj) * nu + ci] + U[(k * c->bnj + cj) * nu + ci + 1]);
    m->v[p3] =
        0.5 * (V[(k * (c->bnj + 1) + cj) * nv + ci] + V[(k * (c->bnj + 1) + cj + 1) * nv + ci]);
  }
}

/* Surface fields, boundary layer and Kz of patch column (i, j) (block column b). */
static void surface_column(const Ctx *c, const Patch *pa, PetscInt b, PetscInt i, PetscInt j,
                           PetscReal rate_hours, const PetscReal *theta_v, MetFields *m)
{
  const PetscReal *const *B = (const PetscReal *const *)c->buf;
  PetscInt p2 = patch_index2(pa, i, j), p0 = patch_index(pa, i, j, 0), n2 = c->bni * c->bnj;
  PetscReal *lu = &m->landuse[p2 * LANDUSE_N], L, z[GRID_MAX_LAYERS], u[GRID_MAX_LAYERS],
            v[GRID_MAX_LAYERS];

  landuse_column(c, b, lu);
  m->terrain[p2] = B[B_HGT][b];
  m->snow_cover[p2] = c->has[V_SNOWC] ? B[B_SNOWC][b] : 0;
  m->t2[p2] = c->has[V_T2] ? B[B_T2][b] : m->temperature[p0];
  m->precip[p2] = PetscMax(B[B_ACC1][b] - B[B_ACC0][b], 0) / rate_hours;
  m->hfx[p2] = c->has[V_HFX] ? B[B_HFX][b] : 0;
  m->ustar[p2] = c->has[V_UST]
                     ? B[B_UST][b]
                     : pbl_ustar_log_law(PetscSqrtReal(PetscSqr(m->u[p0]) + PetscSqr(m->v[p0])),
                                         m->zmid[p0], pbl_roughness(lu, m->snow_cover[p2]));
  for (PetscInt k = 0; k < c->nz; k++) {
    PetscInt p3 = patch_index(pa, i, j, k);
    z[k] = m->zmid[p3];
    u[k] = m->u[p3];
    v[k] = m->v[p3];
  }
  m->pblh[p2] = c->has[V_PBLH] ? B[B_PBLH][b]
                               : pbl_height_richardson(c->nz, z, theta_v, u, v, m->ustar[p2],
                                                       c->p.ri_crit, c->p.pblh_min, c->p.pblh_max);
  L = pbl_obukhov_length(m->rho[p0], m->temperature[p0], m->ustar[p2], m->hfx[p2]);
  for (PetscInt k = 0; k < c->nz; k++) {
    PetscInt p3 = patch_index(pa, i, j, k);
    PetscReal kz = c->use_exch ? B[B_EXCH][(k + 1) * n2 + b] : -1;
    if (c->use_exch)
      m->kz[p3] = PetscMin(PetscMax(kz, c->p.kz_min), c->p.kz_max);
    else
      m->kz[p3] = pbl_kz(m->zmid[p3] + 0.5 * m->dz[p3], m->pblh[p2], m->ustar[p2], L, c->p.kz_free,
                         c->p.kz_min, c->p.kz_max);
  }
}

static PetscErrorCode fill(void *ctx, const Grid *g, PetscReal t, MetFields *m)
{
  Ctx *c = (Ctx *)ctx;
  const WrfFiles *w = c->w;
  const Patch *pa = &g->patch;
  PetscInt rec = wrf_files_record(w, t);
  PetscReal theta_v[GRID_MAX_LAYERS], hours;

  PetscFunctionBeginUser;
  PetscCheck(rec >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "met_wrf: %.6g s is not a time of the WRF files", (double)t);
  PetscCall(check_record(PETSC_COMM_SELF, w, rec));
  PetscCall(read_record(c, rec));
  hours = (w->time[PetscMin(rec + 1, w->ntime - 1)] - w->time[PetscMax(rec - 1, 0)]) / 3600;
  m->has_w = c->has[V_W];
  for (PetscInt j = pa->gys; j < pa->gys + pa->gym; j++)
    for (PetscInt i = pa->gxs; i < pa->gxs + pa->gxm; i++) {
      PetscInt b = (PetscMin(PetscMax(j, 0), c->ny - 1) - c->bj0) * c->bni +
                   PetscMin(PetscMax(i, 0), c->nx - 1) - c->bi0;
      thermo_column(c, pa, b, i, j, m, theta_v);
      wind_column(c, pa, i, j, m);
      surface_column(c, pa, b, i, j, hours, theta_v, m);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

const MetSourceOps met_source_wrf = {
    .name = "wrf",
    .group = {.name = "met_wrf",
              .title = "WRF meteorology (wrfout files)",
              .params = params_table,
              .params_size = sizeof(Params)},
    .grid_spec = grid_spec,
    .create = create,
    .bracket = bracket,
    .fill = fill,
    .destroy = destroy,
};
