#pragma once
/* CF-1.8 NetCDF-4 files written in parallel by all ranks of the grid: concentrations, tags,
   deposition, met fields. Each rank writes the owned part of a ghosted patch array. A file
   carries the name "<path>.tmp" until output_close renames it, so nothing half-written looks
   finished. Coordinates: x, y (projection metres, or degrees for lat-lon grids), lev (layer
   index with the nominal layer-centre height), 2D lat and lon, a grid_mapping variable "crs"
   that GDAL and CDO recognise, and a CF time axis "seconds since 1970-01-01 00:00:00". */
#include <petscsys.h>
#include "grids/grid.h"
#include "model/output/partial.h"

typedef struct OutputFile OutputFile;

typedef enum {
  OUTPUT_2D,     /* (time, y, x) */
  OUTPUT_3D,     /* (time, lev, y, x) */
  OUTPUT_2D_TAG, /* (time, tag, y, x) */
  OUTPUT_STATIC, /* (y, x), no time */
  OUTPUT_SCALAR  /* (time): one value per record, e.g. a diagnostic */
} OutputShape;

/* Open path.tmp for writing (clobbering), define dimensions, coordinates, the CRS and global
   attributes Conventions, title, institution, source, and the provenance of base/provenance.h
   (history: the command with the run folder's paths made relative; the run's inputs, the
   effective namelist beside it; no absolute path). nominal_z gives the nominal
   layer-centre heights (nz values, m above ground) for the lev coordinate. Collective. */
PetscErrorCode output_open(const Grid *g, const char *path, const char *title,
                           const PetscReal *nominal_z, OutputFile **f);

/* Add a text global attribute (define mode only). Collective. */
PetscErrorCode output_attribute(OutputFile *f, const char *key, const char *value);

/* Define the tag dimension with one label per tag ("tag" coordinate of strings). Collective. */
PetscErrorCode output_def_tags(OutputFile *f, PetscInt ntag, const char *const *labels);

/* Define a float variable; standard_name may be NULL. Returns its id. Collective. */
PetscErrorCode output_def_var(OutputFile *f, const char *name, OutputShape shape, const char *units,
                              const char *standard_name, const char *long_name, PetscInt *id);

/* Define time_bnds (time, nv) and make it the bounds of time: the records are means over
   intervals that end at their times (define mode only). Collective. */
PetscErrorCode output_def_time_bounds(OutputFile *f);

/* Add a text attribute to variable id (define mode only). Collective. */
PetscErrorCode output_var_attribute(OutputFile *f, PetscInt id, const char *key, const char *value);

/* The current record's time bounds [t0, t1] (after output_new_time). Collective. */
PetscErrorCode output_time_bounds(OutputFile *f, PetscReal t0, PetscReal t1);

/* Leave define mode. Collective. */
PetscErrorCode output_end_def(OutputFile *f);

/* Start a new time record at t (s since 1970-01-01Z); later writes go to it. Collective. */
PetscErrorCode output_new_time(OutputFile *f, PetscReal t);

/* Write the owned part of ghosted patch array a into variable id at the current record:
   value(i,j[,k]) = a[index*stride + offset] * scale * (factor ? factor[index] : 1), with index
   the patch_index (3D) or patch_index2 (2D) of the cell. For OUTPUT_2D_TAG, tag n is at
   a[index*stride + offset + n]. Collective. */
PetscErrorCode output_write(OutputFile *f, PetscInt id, const PetscReal *a, PetscInt stride,
                            PetscInt offset, const PetscReal *factor, PetscReal scale);

/* Write one value of an OUTPUT_SCALAR variable at the current record (every rank passes the
   same value). Collective. */
PetscErrorCode output_write_scalar(OutputFile *f, PetscInt id, PetscReal value);

/* Close the file and rename path.tmp to path (removing a path.part it was resumed from).
   Collective. No-op on NULL. */
PetscErrorCode output_close(OutputFile **f);

/* Close the file as a partial output up to t, "<path>.part", for a run that resumes from the
   checkpoint at t (model/output/partial.h). Collective. No-op on NULL. */
PetscErrorCode output_close_partial(OutputFile **f, PetscReal t);

/* Right after output_end_def: copy the records up to t_end from "<path>.part" (which
   partial_probe found usable); later records follow them. *nrec: the records copied.
   Collective. */
PetscErrorCode output_resume(OutputFile *f, PetscReal t_end, PetscInt *nrec);
