#pragma once
/* A set of wrfout files read as one time series: the file list (names or glob patterns), the
   record times, the grid the files describe, and reads of blocks of variables. Every check that
   can fail (missing file or variable, files on different grids, times out of order or with a
   gap, an unsupported projection, a window outside the grid) fails here, at open, with the
   file and the variable or attribute named. Every rank reads the same metadata and reaches the
   same decisions; block reads are local (plain serial NetCDF, each rank its own block). */
#include <petscsys.h>
#include "grids/grid.h"
#include "base/param.h"

typedef struct {
  PetscInt nfile;                   /* files */
  char (*path)[PETSC_MAX_PATH_LEN]; /* the files, in the order given (patterns sorted); owned */
  PetscInt ntime;                   /* records over all files */
  PetscReal *time;                  /* record times, s since 1970-01-01Z, increasing; owned */
  PetscInt *file_of, *rec_of;       /* record n: file and index in it; owned */
  PetscBool *on_grid;               /* record n on the first record's grid (moving nest); owned */
  PetscReal interval;               /* time between records, s */
  PetscInt nx, ny, nz;              /* west_east, south_north, bottom_top */
  PetscInt map_proj;                /* MAP_PROJ */
  PetscReal dx, dy, truelat1, truelat2, stand_lon, cen_lat, cen_lon; /* global attributes */
  PetscInt full_nx, full_ny; /* cells of the domain the attributes describe */
  PetscReal lat0, lon0;      /* XLAT, XLONG of the first mass point, first record */
  PetscBool theta_m;         /* USE_THETA_M = 1: T is the perturbation of moist theta */
  PetscReal bucket_mm;       /* BUCKET_MM (rain bucket size, mm; <= 0: no buckets) */
  char mminlu[64];           /* MMINLU, the land-use classification */
  int nc;                    /* the open file, or -1 */
  PetscInt open;             /* index of the open file, or -1 */
} WrfFiles;

/* Expand the patterns (each a file name or a glob pattern, matches sorted by name), read the
   times and global attributes of every file, and check them: every file exists and has the
   variables named in required (NULL-terminated) and the same dimensions and map attributes as
   the first; the times strictly increase over the concatenation at one constant interval; there
   are at least two. Collective on comm (every rank reads the metadata itself). */
PetscErrorCode wrf_files_open(MPI_Comm comm, const char (*patterns)[PARAM_STRING_LEN],
                              PetscInt npattern, const char *const *required, WrfFiles **w);

/* Close and free; no-op on NULL. Not collective. */
PetscErrorCode wrf_files_destroy(WrfFiles **w);

/* has[v]: whether every file has the variable names[v] (n names). Not collective. */
PetscErrorCode wrf_files_has(WrfFiles *w, PetscInt n, const char *const *names, PetscBool *has);

/* The grid of the files, or of the window of nx by ny cells (0: to the edge) starting at cell
   (i0, j0) of the files' grid: projection from MAP_PROJ, TRUELAT1/2, STAND_LON, CEN_LAT and
   CEN_LON, the crop's place in the described domain from XLAT/XLONG, nominal layer interfaces
   from (PH + PHB) / g of the window's first column at the first record. Collective on comm. */
PetscErrorCode wrf_files_grid_spec(MPI_Comm comm, WrfFiles *w, PetscInt i0, PetscInt j0,
                                   PetscInt nx, PetscInt ny, GridSpec *spec);

/* Read a block of variable name at record rec (of the concatenation) into buf, as doubles:
   start and count give the spatial dimensions (nd of them: 2 for (y, x), 3 for (z, y, x)), in
   the file's order; a variable without a Time dimension is read whatever rec is. Fails naming
   the file and variable if the variable has another number of spatial dimensions, and naming
   also the time and the indices if a value read is a NaN, an infinity or netCDF's fill value,
   or a wind (U, V, W) beyond MET_WIND_MAX or MET_W_MAX (model/met/met_source.h).
   Not collective. */
PetscErrorCode wrf_files_read(WrfFiles *w, PetscInt rec, const char *name, PetscInt nd,
                              const size_t *start, const size_t *count, PetscReal *buf);

/* Length of the n-th spatial dimension (0: slowest) of variable name in the first file. */
PetscErrorCode wrf_files_dim(WrfFiles *w, const char *name, PetscInt n, PetscInt *len);

/* The record whose time is t, or -1. Not collective. */
PetscInt wrf_files_record(const WrfFiles *w, PetscReal t);
