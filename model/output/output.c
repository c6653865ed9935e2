/* Parallel CF-1.8 NetCDF-4 output (see output.h). Every rank writes the owned block of each
   field with collective I/O; ranks with nothing to write for a variable (a 1D coordinate owned
   elsewhere, a scalar) still take part with an empty count. Fields are stored as 32-bit floats
   (about 7 significant digits, enough for concentrations; the state itself stays in double in
   the checkpoints); coordinates and time are doubles. */
#include "model/output/output.h"
#include <stdio.h>
#include <string.h>
#include "base/error.h"
#include "base/atomic_file.h"
#include "model/output/partial.h"
#include <netcdf_par.h>
#include "grids/crs.h"
#include "base/version.h"
#include "base/provenance.h"

#define OUTPUT_MAX_VARS 512
#define LABEL_LEN 64

typedef struct {
  int id;
  OutputShape shape;
} Var;

struct OutputFile {
  MPI_Comm comm;
  const Grid *g; /* borrowed */
  char path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8];
  int nc, dtime, dlev, dy, dx, dtag, dstr, vtime, vbnds; /* vbnds: time_bnds, -1 if none */
  PetscInt ntag;
  Var var[OUTPUT_MAX_VARS];
  PetscInt nvar;
  size_t record;              /* index of the current record; (size_t)-1 before the first */
  float *buf;                 /* owned block of one variable; owned */
  const PetscReal *nominal_z; /* borrowed until end_def */
  const char *const *labels;  /* tag labels; borrowed until end_def */
};

static PetscErrorCode att_text(OutputFile *f, int var, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_text(f->nc, var, name, strlen(value), value), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode def_coord(OutputFile *f, const char *name, int nd, const int *dims,
                                const char *units, const char *std, const char *lname, int *id)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_def_var(f->nc, name, NC_DOUBLE, nd, dims, id), f->path);
  PetscCall(att_text(f, *id, "units", units));
  if (std) PetscCall(att_text(f, *id, "standard_name", std));
  PetscCall(att_text(f, *id, "long_name", lname));
  NcCallFile(nc_var_par_access(f->nc, *id, NC_COLLECTIVE), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* NetCDF 4.9's NC_NODIMSCALE_ATTACH: parallel HDF5 fails at nc_enddef ("Problem with HDF5
   dimscales") once a few hundred variables share the dimensions (a backward run's footprints:
   a variable per functional and species), as netCDF-C issues 1886 and 2251 report; without the
   attached scales netCDF still records each variable's dimensions, and the CF clients read the
   files as before (tests/regression/cf_clients.sh). */
#ifdef NC_NODIMSCALE_ATTACH
#define CREATE_DIMSCALE NC_NODIMSCALE_ATTACH
#else
#define CREATE_DIMSCALE 0
#endif

PetscErrorCode output_open(const Grid *g, const char *path, const char *title,
                           const PetscReal *nominal_z, OutputFile **out)
{
  OutputFile *f;
  const Patch *p = &g->patch;
  PetscBool ll = g->spec.proj.kind == PROJ_LATLON ? PETSC_TRUE : PETSC_FALSE;
  int id, d2[2];
  char source[160];

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&f));
  f->comm = g->comm;
  f->g = g;
  f->record = (size_t)-1;
  f->vbnds = -1;
  f->nominal_z = nominal_z;
  PetscCall(PetscStrncpy(f->path, path, sizeof(f->path)));
  PetscCall(atomic_file_tmp_name(path, f->tmp, sizeof(f->tmp)));
  NcCallFile(nc_create_par(f->tmp, NC_NETCDF4 | NC_CLOBBER | CREATE_DIMSCALE, g->comm,
                           MPI_INFO_NULL, &f->nc),
             f->tmp);
  NcCallFile(nc_def_dim(f->nc, "time", NC_UNLIMITED, &f->dtime), f->path);
  NcCallFile(nc_def_dim(f->nc, "lev", (size_t)g->spec.nz, &f->dlev), f->path);
  NcCallFile(nc_def_dim(f->nc, "y", (size_t)g->spec.ny, &f->dy), f->path);
  NcCallFile(nc_def_dim(f->nc, "x", (size_t)g->spec.nx, &f->dx), f->path);
  PetscCall(def_coord(f, "time", 1, &f->dtime, "seconds since 1970-01-01 00:00:00", "time", "time",
                      &f->vtime));
  PetscCall(att_text(f, f->vtime, "calendar", "standard"));
  PetscCall(att_text(f, f->vtime, "axis", "T"));
  PetscCall(def_coord(f, "lev", 1, &f->dlev, "m", "height",
                      "nominal height of the layer centre above flat ground", &id));
  PetscCall(att_text(f, id, "positive", "up"));
  PetscCall(att_text(f, id, "axis", "Z"));
  PetscCall(def_coord(f, "y", 1, &f->dy, ll ? "degrees_north" : "m",
                      ll ? "latitude" : "projection_y_coordinate",
                      "y coordinate of the cell centre", &id));
  PetscCall(att_text(f, id, "axis", "Y"));
  PetscCall(def_coord(f, "x", 1, &f->dx, ll ? "degrees_east" : "m",
                      ll ? "longitude" : "projection_x_coordinate",
                      "x coordinate of the cell centre", &id));
  PetscCall(att_text(f, id, "axis", "X"));
  d2[0] = f->dy;
  d2[1] = f->dx;
  if (!ll) {
    PetscCall(def_coord(f, "lat", 2, d2, "degrees_north", "latitude", "latitude of the cell centre",
                        &id));
    PetscCall(def_coord(f, "lon", 2, d2, "degrees_east", "longitude",
                        "longitude of the cell centre", &id));
  }
  PetscCall(crs_define(f->nc, f->path, &g->spec.proj));
  PetscCall(att_text(f, NC_GLOBAL, "Conventions", "CF-1.8"));
  PetscCall(att_text(f, NC_GLOBAL, "title", title));
  PetscCall(att_text(f, NC_GLOBAL, "institution", "Bogda air-quality model"));
  PetscCall(PetscSNPrintf(source, sizeof(source),
                          "Bogda %s, an MPI-parallel Eulerian air-quality model for Xinjiang",
                          version_string()));
  PetscCall(provenance_nc_attributes(f->nc, f->path, source));
  PetscCall(PetscMalloc1((size_t)p->xm * (size_t)p->ym * (size_t)PetscMax(1, g->spec.nz), &f->buf));
  *out = f;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_attribute(OutputFile *f, const char *key, const char *value)
{
  PetscFunctionBeginUser;
  PetscCall(att_text(f, NC_GLOBAL, key, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_def_tags(OutputFile *f, PetscInt ntag, const char *const *labels)
{
  int id, dims[2];

  PetscFunctionBeginUser;
  PetscCheck(ntag > 0, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: no tags to define", f->path);
  f->ntag = ntag;
  NcCallFile(nc_def_dim(f->nc, "tag", (size_t)ntag, &f->dtag), f->path);
  NcCallFile(nc_def_dim(f->nc, "label_length", LABEL_LEN, &f->dstr), f->path);
  dims[0] = f->dtag;
  dims[1] = f->dstr;
  NcCallFile(nc_def_var(f->nc, "tag_label", NC_CHAR, 2, dims, &id), f->path);
  PetscCall(att_text(f, id, "long_name", "attribution tag: family:group"));
  PetscCall(att_text(f, id, "_Encoding", "utf-8"));
  NcCallFile(nc_var_par_access(f->nc, id, NC_COLLECTIVE), f->path);
  NcCallFile(nc_def_var(f->nc, "tag", NC_INT, 1, &f->dtag, &id), f->path);
  PetscCall(att_text(f, id, "long_name", "tag index (labels in tag_label)"));
  NcCallFile(nc_var_par_access(f->nc, id, NC_COLLECTIVE), f->path);
  PetscCall(PetscFree(f->buf));
  PetscCall(PetscMalloc1((size_t)f->g->patch.xm * (size_t)f->g->patch.ym *
                             (size_t)PetscMax(ntag, f->g->spec.nz),
                         &f->buf));
  f->labels = labels;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_def_var(OutputFile *f, const char *name, OutputShape shape, const char *units,
                              const char *standard_name, const char *long_name, PetscInt *id)
{
  int dims[4], nd = 0, vid;
  float fill = NC_FILL_FLOAT;

  PetscFunctionBeginUser;
  PetscCheck(f->nvar < OUTPUT_MAX_VARS - 1, f->comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s: more than %d variables", f->path, OUTPUT_MAX_VARS - 1);
  PetscCheck(shape != OUTPUT_2D_TAG || f->ntag > 0, f->comm, PETSC_ERR_ORDER,
             "%s: define the tags before %s", f->path, name);
  if (shape != OUTPUT_STATIC) dims[nd++] = f->dtime;
  if (shape == OUTPUT_3D) dims[nd++] = f->dlev;
  if (shape == OUTPUT_2D_TAG) dims[nd++] = f->dtag;
  if (shape != OUTPUT_SCALAR) {
    dims[nd++] = f->dy;
    dims[nd++] = f->dx;
  }
  NcCallFile(nc_def_var(f->nc, name, NC_FLOAT, nd, dims, &vid), f->path);
  NcCallFile(nc_put_att_float(f->nc, vid, "_FillValue", NC_FLOAT, 1, &fill), f->path);
  PetscCall(att_text(f, vid, "units", units));
  PetscCall(att_text(f, vid, "long_name", long_name));
  if (standard_name) PetscCall(att_text(f, vid, "standard_name", standard_name));
  if (shape != OUTPUT_SCALAR) {
    PetscCall(att_text(f, vid, "grid_mapping", "crs"));
    if (f->g->spec.proj.kind != PROJ_LATLON) PetscCall(att_text(f, vid, "coordinates", "lat lon"));
  }
  NcCallFile(nc_var_par_access(f->nc, vid, NC_COLLECTIVE), f->path);
  f->var[f->nvar].id = vid;
  f->var[f->nvar].shape = shape;
  *id = f->nvar++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Write the static coordinates after leaving define mode. */
static PetscErrorCode write_coordinates(OutputFile *f, const char *const *labels)
{
  const Patch *p = &f->g->patch;
  const GridSpec *s = &f->g->spec;
  PetscBool ll = s->proj.kind == PROJ_LATLON ? PETSC_TRUE : PETSC_FALSE;
  PetscMPIInt rank;
  double *v;
  int id;
  size_t st[2], ct[2];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  PetscCall(
      PetscMalloc1((size_t)PetscMax(PetscMax(s->nx, s->ny), PetscMax(s->nz, p->xm * p->ym)), &v));
  for (PetscInt i = 0; i < p->xm; i++)
    v[i] = s->x0 + (PetscReal)(p->xs + i) * s->dx + (ll ? s->proj.ref_lon : 0);
  st[0] = (size_t)p->xs;
  ct[0] = p->ys == 0 ? (size_t)p->xm : 0;
  NcCallFile(nc_inq_varid(f->nc, "x", &id), f->path);
  NcCallFile(nc_put_vara_double(f->nc, id, st, ct, v), f->path);
  for (PetscInt j = 0; j < p->ym; j++)
    v[j] = s->y0 + (PetscReal)(p->ys + j) * s->dy + (ll ? s->proj.ref_lat : 0);
  st[0] = (size_t)p->ys;
  ct[0] = p->xs == 0 ? (size_t)p->ym : 0;
  NcCallFile(nc_inq_varid(f->nc, "y", &id), f->path);
  NcCallFile(nc_put_vara_double(f->nc, id, st, ct, v), f->path);
  for (PetscInt k = 0; k < s->nz; k++) v[k] = f->nominal_z ? f->nominal_z[k] : (PetscReal)k;
  st[0] = 0;
  ct[0] = rank == 0 ? (size_t)s->nz : 0;
  NcCallFile(nc_inq_varid(f->nc, "lev", &id), f->path);
  NcCallFile(nc_put_vara_double(f->nc, id, st, ct, v), f->path);
  if (!ll) {
    const PetscReal *src[2] = {f->g->lat, f->g->lon};
    const char *names[2] = {"lat", "lon"};
    st[0] = (size_t)p->ys;
    st[1] = (size_t)p->xs;
    ct[0] = (size_t)p->ym;
    ct[1] = (size_t)p->xm;
    for (PetscInt n = 0; n < 2; n++) {
      for (PetscInt j = 0; j < p->ym; j++)
        for (PetscInt i = 0; i < p->xm; i++)
          v[j * p->xm + i] = src[n][patch_index2(p, p->xs + i, p->ys + j)];
      NcCallFile(nc_inq_varid(f->nc, names[n], &id), f->path);
      NcCallFile(nc_put_vara_double(f->nc, id, st, ct, v), f->path);
    }
  }
  if (f->ntag) {
    char *text;
    int *index;
    PetscCall(PetscCalloc1((size_t)f->ntag * LABEL_LEN, &text));
    PetscCall(PetscMalloc1(f->ntag, &index));
    for (PetscInt n = 0; n < f->ntag; n++) {
      strncpy(text + n * LABEL_LEN, labels[n], LABEL_LEN - 1);
      index[n] = (int)n;
    }
    st[0] = st[1] = 0;
    ct[0] = rank == 0 ? (size_t)f->ntag : 0;
    ct[1] = LABEL_LEN;
    NcCallFile(nc_inq_varid(f->nc, "tag_label", &id), f->path);
    NcCallFile(nc_put_vara_text(f->nc, id, st, ct, text), f->path);
    NcCallFile(nc_inq_varid(f->nc, "tag", &id), f->path);
    NcCallFile(nc_put_vara_int(f->nc, id, st, ct, index), f->path);
    PetscCall(PetscFree(text));
    PetscCall(PetscFree(index));
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_def_time_bounds(OutputFile *f)
{
  int dnv, d[2];

  PetscFunctionBeginUser;
  NcCallFile(nc_def_dim(f->nc, "nv", 2, &dnv), f->path);
  d[0] = f->dtime, d[1] = dnv;
  NcCallFile(nc_def_var(f->nc, "time_bnds", NC_DOUBLE, 2, d, &f->vbnds), f->path);
  NcCallFile(nc_var_par_access(f->nc, f->vbnds, NC_COLLECTIVE), f->path);
  PetscCall(att_text(f, f->vbnds, "units", "seconds since 1970-01-01 00:00:00"));
  PetscCall(att_text(f, f->vbnds, "calendar", "standard"));
  PetscCall(att_text(f, f->vtime, "bounds", "time_bnds"));
  PetscCall(att_text(f, f->vtime, "comment", "the end of each averaging interval"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_var_attribute(OutputFile *f, PetscInt id, const char *key, const char *value)
{
  PetscFunctionBeginUser;
  PetscCheck(id >= 0 && id < f->nvar, f->comm, PETSC_ERR_ARG_WRONG,
             "%s: bad variable id %" PetscInt_FMT, f->path, id);
  PetscCall(att_text(f, f->var[id].id, key, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_time_bounds(OutputFile *f, PetscReal t0, PetscReal t1)
{
  PetscMPIInt rank;
  size_t st[2], ct[2];
  double v[2] = {t0, t1};

  PetscFunctionBeginUser;
  PetscCheck(f->vbnds >= 0 && f->record != (size_t)-1, f->comm, PETSC_ERR_ORDER,
             "%s: time bounds need output_def_time_bounds and output_new_time", f->path);
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  st[0] = f->record, st[1] = 0;
  ct[0] = rank == 0 ? 1 : 0, ct[1] = 2;
  NcCallFile(nc_put_vara_double(f->nc, f->vbnds, st, ct, v), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_end_def(OutputFile *f)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_enddef(f->nc), f->path);
  PetscCall(write_coordinates(f, f->labels));
  f->labels = NULL;
  f->nominal_z = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_new_time(OutputFile *f, PetscReal t)
{
  PetscMPIInt rank;
  size_t st, ct;
  double v = t;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  f->record = f->record == (size_t)-1 ? 0 : f->record + 1;
  st = f->record;
  ct = rank == 0 ? 1 : 0;
  NcCallFile(nc_put_vara_double(f->nc, f->vtime, &st, &ct, &v), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_write(OutputFile *f, PetscInt id, const PetscReal *a, PetscInt stride,
                            PetscInt offset, const PetscReal *factor, PetscReal scale)
{
  const Patch *p = &f->g->patch;
  const Var *v = &f->var[id];
  PetscInt nlev = v->shape == OUTPUT_3D ? p->mz : (v->shape == OUTPUT_2D_TAG ? f->ntag : 1);
  size_t st[4], ct[4], nd = 0, n = 0;

  PetscFunctionBeginUser;
  PetscCheck(id >= 0 && id < f->nvar && v->shape != OUTPUT_SCALAR, f->comm, PETSC_ERR_ARG_WRONG,
             "%s: bad variable id %" PetscInt_FMT, f->path, id);
  PetscCheck(v->shape == OUTPUT_STATIC || f->record != (size_t)-1, f->comm, PETSC_ERR_ORDER,
             "%s: output_new_time first", f->path);
  for (PetscInt l = 0; l < nlev; l++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c = v->shape == OUTPUT_3D ? patch_index(p, i, j, l) : patch_index2(p, i, j);
        PetscInt at = c * stride + offset + (v->shape == OUTPUT_2D_TAG ? l : 0);
        f->buf[n++] = (float)(a[at] * scale * (factor ? factor[c] : 1));
      }
  if (v->shape != OUTPUT_STATIC) {
    st[nd] = f->record;
    ct[nd++] = 1;
  }
  if (v->shape == OUTPUT_3D || v->shape == OUTPUT_2D_TAG) {
    st[nd] = 0;
    ct[nd++] = (size_t)nlev;
  }
  st[nd] = (size_t)p->ys;
  ct[nd++] = (size_t)p->ym;
  st[nd] = (size_t)p->xs;
  ct[nd++] = (size_t)p->xm;
  NcCallFile(nc_put_vara_float(f->nc, v->id, st, ct, f->buf), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_write_scalar(OutputFile *f, PetscInt id, PetscReal value)
{
  PetscMPIInt rank;
  size_t st, ct;
  float x = (float)value;

  PetscFunctionBeginUser;
  PetscCheck(id >= 0 && id < f->nvar && f->var[id].shape == OUTPUT_SCALAR, f->comm,
             PETSC_ERR_ARG_WRONG, "%s: not a scalar variable", f->path);
  PetscCheck(f->record != (size_t)-1, f->comm, PETSC_ERR_ORDER, "%s: output_new_time first",
             f->path);
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  st = f->record;
  ct = rank == 0 ? 1 : 0;
  NcCallFile(nc_put_vara_float(f->nc, f->var[id].id, &st, &ct, &x), f->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Close the file; rename its temporary to its final name, or with partial to "<path>.part". */
static PetscErrorCode close_file(OutputFile **out, PetscBool partial)
{
  OutputFile *f = *out;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!f) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(atomic_file_nc_close(f->nc, f->path));
  PetscCallMPI(MPI_Barrier(f->comm));
  PetscCallMPI(MPI_Comm_rank(f->comm, &rank));
  if (rank == 0 && partial) PetscCall(partial_keep(f->path));
  if (rank == 0 && !partial) {
    PetscCall(atomic_file_rename(f->path));
    PetscCall(partial_remove(f->path));
  }
  PetscCallMPI(MPI_Barrier(f->comm));
  PetscCall(PetscFree(f->buf));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_close(OutputFile **out)
{
  PetscFunctionBeginUser;
  PetscCall(close_file(out, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_close_partial(OutputFile **out, PetscReal t)
{
  PetscFunctionBeginUser;
  if (!*out) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(partial_mark((*out)->nc, (*out)->path, t));
  PetscCall(close_file(out, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_resume(OutputFile *f, PetscReal t_end, PetscInt *nrec)
{
  PetscFunctionBeginUser;
  PetscCall(partial_copy(f->comm, f->nc, f->path, t_end, nrec));
  if (*nrec > 0) f->record = (size_t)(*nrec - 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}
