/* Receptor time series (see receptors.h). Each rank packs, for its owned receptor cells, the
   cell's global index, its receptor weights and its surface concentrations (every species and
   PM2.5, bulk and tags); rank 0 gathers them, orders them by global index and sums. Means over an
   output interval: every rank adds its packed values at the end of each step of the interval
   (the steps are of equal length) and the record holds their average, as CMAQ's ACONC averages
   the values at its synchronisation steps. */
#include "model/output/receptor_series.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netcdf.h>
#include "base/error.h"
#include "base/atomic_file.h"
#include "base/clock.h"
#include "model/output/partial.h"
#include "base/units.h"
#include "base/namelist.h"
#include "grids/domain.h"
#include "physics/species.h"
#include "base/provenance.h"

#define LABEL_LEN 64

static const char *const averaging_names[] = {"mean", "instant", NULL};
enum { AVERAGING_MEAN, AVERAGING_INSTANT };

typedef struct {
  PetscInt averaging;
} Params;

static const ParamSpec params_table[] = {
    {.key = "averaging",
     .help = "records of the receptor series: 'mean' over each output interval (CF time_bnds, "
             "cell_methods time: mean; the average of the values at the end of its steps) or "
             "'instant' (the values at the record time)",
     .type = PARAM_ENUM,
     .offset = offsetof(Params, averaging),
     .choices = averaging_names},
    {.key = NULL},
};

const ParamGroup receptor_output_group = {.name = "receptor_output",
                                          .title = "Receptor time series",
                                          .params = params_table,
                                          .params_size = sizeof(Params)};

struct Receptors {
  MPI_Comm comm;
  const Grid *g;
  const State *st;
  const Tags *tags;
  PetscReal closure_floor; /* run_closure_floor, for tags_closure_deviation() */
  const Domain *dom;
  char dir[PETSC_MAX_PATH_LEN], name[PETSC_MAX_PATH_LEN];
  PetscInt nrec, ncell, nval; /* receptors, local receptor cells, values per cell */
  PetscInt *cell2;            /* patch_index2 of each local receptor cell; owned */
  PetscInt *gidx;             /* global column index; owned */
  PetscReal *pack;            /* local send buffer; owned */
  PetscBool mean;             /* averaging = 'mean' */
  PetscReal *acc;             /* local sums of the packed values over the interval; owned */
  PetscInt nacc;              /* steps summed in acc */
  PetscReal t_last;           /* the previous record's time (start of the interval) */
  int vbnds;                  /* rank 0: time_bnds */
  PetscReal *all;             /* rank 0: gathered cells; owned */
  PetscInt nall;
  PetscMPIInt *counts, *displs;
  PetscReal *sum;                           /* rank 0: [rec][spec+1][1+ntag]; owned */
  PetscReal lat[64], lon[64];               /* weighted receptor centres */
  int nc, vtime, vconc, vcontrib, vclosure; /* rank 0 NetCDF ids */
  AtomicFile csv;                   /* rank 0: the segment's CSV, under its temporary name */
  char path_nc[PETSC_MAX_PATH_LEN]; /* the segment's NetCDF file (final name; written as .tmp) */
  size_t record;
};

static PetscInt nsp(const Receptors *r)
{
  return r->st->nspec + 1;
} /* species and PM2.5 */

PetscErrorCode receptor_series_create(MPI_Comm comm, const Grid *g, const State *st,
                                      const Domain *dom, const Tags *tags, PetscReal closure_floor,
                                      const char *dir, const char *name, Receptors **out)
{
  Receptors *r;
  const Patch *p = &st->patch;
  PetscMPIInt size, rank;
  PetscReal loc[128] = {0};
  Params prm;

  PetscFunctionBeginUser;
  PetscCall(namelist_read(comm, &receptor_output_group, &prm));
  PetscCall(PetscNew(&r));
  r->mean = prm.averaging == AVERAGING_MEAN ? PETSC_TRUE : PETSC_FALSE;
  r->comm = comm;
  r->g = g;
  r->st = st;
  r->tags = tags;
  r->closure_floor = closure_floor;
  r->dom = dom;
  r->nrec = dom ? dom->nrec : 0;
  PetscCheck(r->nrec <= 64, comm, PETSC_ERR_SUP, "at most 64 receptors, the domain has %d",
             (int)r->nrec);
  PetscCall(PetscStrncpy(r->dir, dir, sizeof(r->dir)));
  PetscCall(PetscStrncpy(r->name, name, sizeof(r->name)));
  *out = r;
  if (!r->nrec) PetscFunctionReturn(PETSC_SUCCESS);
  r->nval = 1 + r->nrec + nsp(r) * (1 + st->ntag);
  PetscCall(PetscMalloc2(p->xm * p->ym, &r->cell2, p->xm * p->ym, &r->gidx));
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt c2 = patch_index2(p, i, j);
      PetscBool any = PETSC_FALSE;
      for (PetscInt k = 0; k < r->nrec; k++) {
        PetscReal w = dom->receptor_weight[c2 * r->nrec + k];
        any = any || w > 0;
        loc[2 * k] += w * p->lat[c2];
        loc[2 * k + 1] += w * p->lon[c2];
      }
      if (!any) continue;
      r->cell2[r->ncell] = c2;
      r->gidx[r->ncell++] = j * p->mx + i;
    }
  PetscCallMPI(
      MPI_Allreduce(MPI_IN_PLACE, loc, (PetscMPIInt)(2 * r->nrec), MPIU_REAL, MPI_SUM, comm));
  for (PetscInt k = 0; k < r->nrec; k++) r->lat[k] = loc[2 * k], r->lon[k] = loc[2 * k + 1];
  PetscCall(PetscMalloc1(r->ncell * r->nval + 1, &r->pack));
  PetscCall(PetscCalloc1(r->ncell * r->nval + 1, &r->acc));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMalloc2(size, &r->counts, size, &r->displs));
  {
    PetscMPIInt mine = (PetscMPIInt)(r->ncell * r->nval);
    PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, r->counts, 1, MPI_INT, 0, comm));
  }
  if (rank == 0) {
    PetscInt total = 0;
    for (PetscMPIInt q = 0; q < size; q++) r->displs[q] = (PetscMPIInt)total, total += r->counts[q];
    r->nall = total / r->nval;
    PetscCall(PetscMalloc1(total + 1, &r->all));
    PetscCall(PetscMalloc1(r->nrec * nsp(r) * (1 + st->ntag), &r->sum));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_series_destroy(Receptors **out)
{
  Receptors *r = *out;

  PetscFunctionBeginUser;
  if (!r) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(receptor_series_close(r));
  if (r->nrec) {
    PetscCall(PetscFree2(r->cell2, r->gidx));
    PetscCall(PetscFree(r->pack));
    PetscCall(PetscFree(r->acc));
    PetscCall(PetscFree2(r->counts, r->displs));
    PetscCall(PetscFree(r->all));
    PetscCall(PetscFree(r->sum));
  }
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode att_text(Receptors *r, int var, const char *name, const char *text)
{
  PetscFunctionBeginUser;
  NcCallFile(nc_put_att_text(r->nc, var, name, strlen(text), text), r->path_nc);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode def_labels(Receptors *r, int dim_n, int dim_len, const char *var,
                                 const char *lname, PetscInt n, const char *const *labels)
{
  int id, dims[2] = {dim_n, dim_len};
  char *text;

  PetscFunctionBeginUser;
  NcCallFile(nc_def_var(r->nc, var, NC_CHAR, 2, dims, &id), r->path_nc);
  NcCallFile(nc_put_att_text(r->nc, id, "long_name", strlen(lname), lname), r->path_nc);
  /* The labels are UTF-8 (receptor and unit names in Chinese): netCDF4-python and xarray decode
     a character array to strings in the encoding this attribute names, and return raw bytes
     without it. */
  PetscCall(att_text(r, id, "_Encoding", "utf-8"));
  PetscCall(PetscCalloc1(n * LABEL_LEN, &text));
  for (PetscInt k = 0; k < n; k++) strncpy(text + k * LABEL_LEN, labels[k], LABEL_LEN - 1);
  NcCallFile(nc_enddef(r->nc), r->path_nc);
  NcCallFile(nc_put_var_text(r->nc, id, text), r->path_nc);
  NcCallFile(nc_redef(r->nc), r->path_nc);
  PetscCall(PetscFree(text));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* CF flag_values and flag_meanings (blank-separated) on variable var: the vocabulary of its codes.
 */
static PetscErrorCode def_flags(Receptors *r, const char *var, PetscInt n, const int *values,
                                const char *const *meanings)
{
  char text[256] = "";
  int id;

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varid(r->nc, var, &id), r->path_nc);
  for (PetscInt k = 0; k < n; k++) {
    if (k) PetscCall(PetscStrlcat(text, " ", sizeof(text)));
    PetscCall(PetscStrlcat(text, meanings[k], sizeof(text)));
  }
  NcCallFile(nc_put_att_int(r->nc, id, "flag_values", NC_INT, (size_t)n, values), r->path_nc);
  PetscCall(att_text(r, id, "flag_meanings", text));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The vocabulary of tag_family_by, tag_special and tag_kind (model/tags.c), and of tag_sector
   (model/emissions/profiles.h). */
static PetscErrorCode def_tag_flags(Receptors *r)
{
  int values[16];
  PetscInt n = 0;

  PetscFunctionBeginUser;
  while (tags_by_names[n]) values[n] = (int)n, n++;
  PetscCall(def_flags(r, "tag_family_by", n, values, tags_by_names));
  for (n = 0; n < TAG_SPECIAL_N; n++) values[n] = (int)n;
  PetscCall(def_flags(r, "tag_special", TAG_SPECIAL_N, values, tags_special_names));
  PetscCall(def_flags(r, "tag_kind", TAGS_KIND_N, tags_kind_values, tags_kind_meanings));
  {
    const char *names[SECTOR_N + 1] = {"none"};
    values[0] = -1;
    for (n = 0; n < SECTOR_N; n++) values[n + 1] = (int)n, names[n + 1] = sector_names[n];
    PetscCall(def_flags(r, "tag_sector", SECTOR_N + 1, values, names));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode def_int(Receptors *r, int dim, const char *var, const char *lname, PetscInt n,
                              const PetscInt *v)
{
  int id, *buf;

  PetscFunctionBeginUser;
  NcCallFile(nc_def_var(r->nc, var, NC_INT, 1, &dim, &id), r->path_nc);
  NcCallFile(nc_put_att_text(r->nc, id, "long_name", strlen(lname), lname), r->path_nc);
  PetscCall(PetscMalloc1(n, &buf));
  for (PetscInt k = 0; k < n; k++) buf[k] = (int)v[k];
  NcCallFile(nc_enddef(r->nc), r->path_nc);
  NcCallFile(nc_put_var_int(r->nc, id, buf), r->path_nc);
  NcCallFile(nc_redef(r->nc), r->path_nc);
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: create the NetCDF file of the segment with its registry variables. */
static PetscErrorCode open_nc(Receptors *r)
{
  const Tags *tg = r->tags;
  PetscInt ns = nsp(r), nt = tg->ntag;
  int dt, dr, ds, dg, dl, dims[4], id;
  const char **names;
  PetscInt *meta;
  double ll[64];
  char tmp[PETSC_MAX_PATH_LEN + 8];

  PetscFunctionBeginUser;
  PetscCall(atomic_file_tmp_name(r->path_nc, tmp, sizeof(tmp)));
  NcCallFile(nc_create(tmp, NC_NETCDF4 | NC_CLOBBER, &r->nc), r->path_nc);
  NcCallFile(nc_def_dim(r->nc, "time", NC_UNLIMITED, &dt), r->path_nc);
  NcCallFile(nc_def_dim(r->nc, "receptor", (size_t)r->nrec, &dr), r->path_nc);
  NcCallFile(nc_def_dim(r->nc, "species", (size_t)ns, &ds), r->path_nc);
  NcCallFile(nc_def_dim(r->nc, "tag", (size_t)PetscMax(nt, 1), &dg), r->path_nc);
  NcCallFile(nc_def_dim(r->nc, "label_length", LABEL_LEN, &dl), r->path_nc);
  PetscCall(att_text(r, NC_GLOBAL, "Conventions", "CF-1.8"));
  PetscCall(att_text(r, NC_GLOBAL, "featureType", "timeSeries"));
  PetscCall(att_text(r, NC_GLOBAL, "title", "Bogda receptor time series by tag"));
  PetscCall(provenance_nc_attributes(r->nc, r->path_nc, NULL));
  NcCallFile(nc_def_var(r->nc, "time", NC_DOUBLE, 1, &dt, &r->vtime), r->path_nc);
  PetscCall(att_text(r, r->vtime, "units", "seconds since 1970-01-01 00:00:00"));
  PetscCall(att_text(r, r->vtime, "standard_name", "time"));
  PetscCall(att_text(r, r->vtime, "calendar", "standard"));
  if (r->mean) {
    int db, bd[2];
    NcCallFile(nc_def_dim(r->nc, "nv", 2, &db), r->path_nc);
    bd[0] = dt, bd[1] = db;
    PetscCall(att_text(r, r->vtime, "bounds", "time_bnds"));
    PetscCall(att_text(r, r->vtime, "comment", "the end of each averaging interval"));
    NcCallFile(nc_def_var(r->nc, "time_bnds", NC_DOUBLE, 2, bd, &r->vbnds), r->path_nc);
    PetscCall(att_text(r, r->vbnds, "units", "seconds since 1970-01-01 00:00:00"));
    PetscCall(att_text(r, r->vbnds, "calendar", "standard"));
  }
  for (PetscInt k = 0; k < r->nrec; k++) ll[k] = r->lat[k];
  NcCallFile(nc_def_var(r->nc, "lat", NC_DOUBLE, 1, &dr, &id), r->path_nc);
  PetscCall(att_text(r, id, "units", "degrees_north"));
  PetscCall(att_text(r, id, "standard_name", "latitude"));
  NcCallFile(nc_put_var_double(r->nc, id, ll), r->path_nc);
  for (PetscInt k = 0; k < r->nrec; k++) ll[k] = r->lon[k];
  NcCallFile(nc_def_var(r->nc, "lon", NC_DOUBLE, 1, &dr, &id), r->path_nc);
  PetscCall(att_text(r, id, "units", "degrees_east"));
  PetscCall(att_text(r, id, "standard_name", "longitude"));
  NcCallFile(nc_put_var_double(r->nc, id, ll), r->path_nc);
  PetscCall(PetscMalloc1(PetscMax(PetscMax(nt, ns), r->nrec) + 1, &names));
  for (PetscInt k = 0; k < r->nrec; k++) names[k] = r->dom->rec[k].name;
  PetscCall(def_labels(r, dr, dl, "receptor_name", "receptor (hotspot) code", r->nrec, names));
  /* The station identifier of a CF timeSeries (CF-1.8 section 9.5): one per receptor. */
  NcCallFile(nc_inq_varid(r->nc, "receptor_name", &id), r->path_nc);
  PetscCall(att_text(r, id, "cf_role", "timeseries_id"));
  for (PetscInt k = 0; k < r->nrec; k++) names[k] = r->dom->rec[k].name_en;
  PetscCall(def_labels(r, dr, dl, "receptor_name_en", "receptor name", r->nrec, names));
  for (PetscInt k = 0; k < r->nrec; k++) names[k] = r->dom->rec[k].name_zh;
  PetscCall(def_labels(r, dr, dl, "receptor_name_zh", "receptor name (Chinese)", r->nrec, names));
  for (PetscInt k = 0; k < ns - 1; k++) names[k] = r->st->patch.species[k].name;
  names[ns - 1] = "pm25";
  PetscCall(
      def_labels(r, ds, dl, "species_name", "species (pm25 = ppm25 + so4 + no3 + nh4)", ns, names));
  if (nt) {
    PetscCall(def_labels(r, dg, dl, "tag_label", "attribution tag, family:group", nt,
                         (const char *const *)tg->label));
    PetscCall(PetscMalloc1(nt, &meta));
    {
      const char *which[7] = {"tag_family", "tag_unit",    "tag_prefecture", "tag_kind",
                              "tag_sector", "tag_special", "tag_family_by"};
      const char *help[7] = {"family index",
                             "control-unit index (unit_id - 1), -1 if not one unit",
                             "prefecture index, -1 if not one prefecture",
                             "unit kind of a kind or region tag (flag_meanings)",
                             "sector of the tag's emissions (flag_meanings)",
                             "what the tag stands for (flag_meanings)",
                             "grouping of the tag's family (flag_meanings)"};
      for (PetscInt m = 0; m < 7; m++) {
        for (PetscInt n = 0; n < nt; n++) {
          const TagInfo *ti = &tg->info[n];
          const PetscInt v[7] = {ti->family, ti->unit,    ti->prefecture,           ti->kind,
                                 ti->sector, ti->special, tg->family_by[ti->family]};
          meta[n] = v[m];
        }
        PetscCall(def_int(r, dg, which[m], help[m], nt, meta));
      }
    }
    PetscCall(def_tag_flags(r));
    PetscCall(PetscFree(meta));
  }
  PetscCall(PetscFree(names));
  dims[0] = dt, dims[1] = dr, dims[2] = ds, dims[3] = dg;
  NcCallFile(nc_def_var(r->nc, "conc", NC_DOUBLE, 3, dims, &r->vconc), r->path_nc);
  PetscCall(att_text(r, r->vconc, "units", "ug m-3"));
  PetscCall(att_text(r, r->vconc, "long_name", "receptor-mean surface mass concentration (bulk)"));
  NcCallFile(nc_def_var(r->nc, "contribution", NC_DOUBLE, 4, dims, &r->vcontrib), r->path_nc);
  PetscCall(att_text(r, r->vcontrib, "units", "ug m-3"));
  PetscCall(att_text(r, r->vcontrib, "long_name", "receptor-mean surface concentration by tag"));
  {
    const char *cm =
        r->mean ? "time: mean (interval: 1 step) area: mean" : "time: point area: mean";
    PetscCall(att_text(r, r->vconc, "cell_methods", cm));
    PetscCall(att_text(r, r->vcontrib, "cell_methods", cm));
    PetscCall(att_text(r, r->vconc, "coordinates", "lat lon receptor_name species_name"));
    PetscCall(att_text(r, r->vcontrib, "coordinates",
                       nt ? "lat lon receptor_name species_name tag_label"
                          : "lat lon receptor_name species_name"));
  }
  NcCallFile(nc_def_var(r->nc, "closure", NC_DOUBLE, 1, dims, &r->vclosure), r->path_nc);
  PetscCall(att_text(r, r->vclosure, "units", "1"));
  PetscCall(att_text(r, r->vclosure, "long_name",
                     "largest relative deviation of a tag family's sum from the bulk"));
  PetscCall(att_text(r, r->vclosure, "comment",
                     "max over families, species and receptors of |sum of the family's tags - "
                     "bulk| / (|bulk| + closure_floor)"));
  {
    double floor_value = (double)r->closure_floor;
    NcCallFile(nc_put_att_double(r->nc, r->vclosure, "closure_floor", NC_DOUBLE, 1, &floor_value),
               r->path_nc);
  }
  NcCallFile(nc_enddef(r->nc), r->path_nc);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The NetCDF or CSV file (ext "nc" or "csv") of the segment starting at t. */
static PetscErrorCode segment_path(const Receptors *r, PetscReal t, const char *ext, char *path,
                                   size_t len)
{
  char when[32];

  PetscFunctionBeginUser;
  clock_format_compact(t, when, sizeof(when));
  PetscCall(PetscSNPrintf(path, len, "%s/%s_receptors_%s.%s", r->dir, r->name, when, ext));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_series_open(Receptors *r, PetscReal t)
{
  PetscMPIInt rank;
  char csv[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  if (!r->nrec) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  PetscCall(segment_path(r, t, "nc", r->path_nc, sizeof(r->path_nc)));
  PetscCall(segment_path(r, t, "csv", csv, sizeof(csv)));
  r->record = 0;
  r->t_last = t;
  if (rank) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(open_nc(r));
  PetscCall(atomic_file_open(csv, &r->csv));
  PetscCall(atomic_file_printf(&r->csv, "time,receptor,species,bulk_ug_m3"));
  for (PetscInt n = 0; n < r->tags->ntag; n++)
    PetscCall(atomic_file_printf(&r->csv, ",%s", r->tags->label[n]));
  PetscCall(atomic_file_printf(&r->csv, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int by_index(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return x < y ? -1 : x > y;
}

/* Pack this rank's receptor cells: index, weights, concentrations (bulk and tags) in ug m-3. */
static PetscErrorCode pack(Receptors *r, const Met *met)
{
  const Patch *p = &r->st->patch;
  PetscInt ns = r->st->nspec, nt = r->st->ntag, nv = nsp(r) * (1 + nt);
  const PetscReal *q, *tag = NULL;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(r->st->q, &q));
  if (nt) PetscCall(VecGetArrayRead(r->st->tag, &tag));
  for (PetscInt k = 0; k < r->ncell; k++) {
    PetscInt c2 = r->cell2[k],
             c = c2; /* the lowest layer: patch_index(i, j, 0) == patch_index2(i, j) */
    PetscReal rho = met->air_mass_end[c] / (met->now->dz[c] * r->g->area[c2]),
              *v = &r->pack[k * r->nval];
    PetscReal *val = v + 1 + r->nrec;
    v[0] = (PetscReal)r->gidx[k];
    for (PetscInt e = 0; e < r->nrec; e++) v[1 + e] = r->dom->receptor_weight[c2 * r->nrec + e];
    for (PetscInt x = 0; x < nv; x++) val[x] = 0;
    for (PetscInt s = 0; s < ns; s++) {
      PetscBool pm = p->species[s].in_pm25;
      PetscReal b = units_mixing_ratio_to_ugm3(q[c * ns + s], rho);
      val[s * (1 + nt)] = b;
      if (pm) val[ns * (1 + nt)] += b;
      for (PetscInt n = 0; n < nt; n++) {
        PetscReal tv = units_mixing_ratio_to_ugm3(tag[(c * ns + s) * nt + n], rho);
        val[s * (1 + nt) + 1 + n] = tv;
        if (pm) val[ns * (1 + nt) + 1 + n] += tv;
      }
    }
  }
  if (nt) PetscCall(VecRestoreArrayRead(r->st->tag, &tag));
  PetscCall(VecRestoreArrayRead(r->st->q, &q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool receptor_series_means(const Receptors *r)
{
  return r->nrec && r->mean ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode receptor_series_accumulate(Receptors *r, const Met *met)
{
  PetscFunctionBeginUser;
  if (!r->nrec || !r->mean) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(pack(r, met));
  for (PetscInt k = 0; k < r->ncell * r->nval; k++) r->acc[k] += r->pack[k];
  r->nacc++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_series_write(Receptors *r, PetscReal t, const Met *met)
{
  PetscMPIInt rank;
  PetscInt nt = r->st->ntag, nsv = nsp(r), nv = nsv * (1 + nt);
  const Tags *tg = r->tags;
  PetscReal t0 = r->t_last;

  PetscFunctionBeginUser;
  if (!r->nrec) PetscFunctionReturn(PETSC_SUCCESS);
  if (!r->mean)
    PetscCall(pack(r, met));
  else {
    /* The interval's mean. receptor_series_accumulate() packed this step already: the index and
       weight fields of r->pack are its (they do not change), the values are replaced. */
    PetscCheck(r->nacc > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB,
               "receptor series: a mean record with no step summed");
    for (PetscInt k = 0; k < r->ncell; k++)
      for (PetscInt x = 1 + r->nrec; x < r->nval; x++)
        r->pack[k * r->nval + x] = r->acc[k * r->nval + x] / (PetscReal)r->nacc;
    PetscCall(PetscArrayzero(r->acc, r->ncell * r->nval));
    r->nacc = 0;
  }
  r->t_last = t;
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  PetscCallMPI(MPI_Gatherv(r->pack, (PetscMPIInt)(r->ncell * r->nval), MPIU_REAL, r->all, r->counts,
                           r->displs, MPIU_REAL, 0, r->comm));
  if (rank) PetscFunctionReturn(PETSC_SUCCESS);
  qsort(r->all, (size_t)r->nall, sizeof(PetscReal) * (size_t)r->nval, by_index);
  PetscCall(PetscArrayzero(r->sum, r->nrec * nv));
  for (PetscInt k = 0; k < r->nall; k++) {
    const PetscReal *v = &r->all[k * r->nval], *val = v + 1 + r->nrec;
    for (PetscInt e = 0; e < r->nrec; e++)
      if (v[1 + e] > 0)
        for (PetscInt x = 0; x < nv; x++) r->sum[e * nv + x] += v[1 + e] * val[x];
  }
  {
    size_t st[4] = {r->record, 0, 0, 0},
           ct[4] = {1, (size_t)r->nrec, (size_t)nsv, (size_t)PetscMax(nt, 1)};
    double *conc, *contrib, closure = 0, tt = t;
    char when[32];
    PetscCall(PetscMalloc2(r->nrec * nsv, &conc, r->nrec * nsv * PetscMax(nt, 1), &contrib));
    clock_format(t, when, sizeof(when));
    for (PetscInt e = 0; e < r->nrec; e++)
      for (PetscInt s = 0; s < nsv; s++) {
        const PetscReal *v = &r->sum[e * nv + s * (1 + nt)];
        conc[e * nsv + s] = v[0];
        for (PetscInt n = 0; n < PetscMax(nt, 1); n++)
          contrib[(e * nsv + s) * PetscMax(nt, 1) + n] = nt ? v[1 + n] : 0;
        closure = PetscMax(closure, tags_closure_deviation(tg, v + 1, v[0], r->closure_floor));
        PetscCall(atomic_file_printf(&r->csv, "%s,%s,%s,%.8g", when, r->dom->rec[e].name,
                                     s < nsv - 1 ? r->st->patch.species[s].name : "pm25",
                                     (double)v[0]));
        for (PetscInt n = 0; n < nt; n++)
          PetscCall(atomic_file_printf(&r->csv, ",%.8g", (double)v[1 + n]));
        PetscCall(atomic_file_printf(&r->csv, "\n"));
      }
    NcCallFile(nc_put_vara_double(r->nc, r->vtime, st, ct, &tt), r->path_nc);
    if (r->mean) {
      double b[2] = {t0, t};
      size_t bs[2] = {r->record, 0}, bc[2] = {1, 2};
      NcCallFile(nc_put_vara_double(r->nc, r->vbnds, bs, bc, b), r->path_nc);
    }
    NcCallFile(nc_put_vara_double(r->nc, r->vconc, st, ct, conc), r->path_nc);
    NcCallFile(nc_put_vara_double(r->nc, r->vcontrib, st, ct, contrib), r->path_nc);
    NcCallFile(nc_put_vara_double(r->nc, r->vclosure, st, ct, &closure), r->path_nc);
    PetscCall(PetscFree2(conc, contrib));
  }
  r->record++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Close the segment's files: under their final names, or as partial files up to t. */
static PetscErrorCode close_files(Receptors *r, PetscBool partial, PetscReal t)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!r->nrec || !r->path_nc[0]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  if (rank == 0 && r->csv.fp) {
    char csv[PETSC_MAX_PATH_LEN], part[PETSC_MAX_PATH_LEN + 8];
    PetscCall(PetscStrncpy(csv, r->csv.path, sizeof(csv)));
    PetscCall(partial_name(csv, part, sizeof(part)));
    PetscCall(partial_close_nc(r->nc, r->path_nc, partial, t));
    PetscCall(atomic_file_commit_to(&r->csv, partial ? part : csv));
    if (!partial) PetscCall(partial_remove(csv));
  }
  r->path_nc[0] = '\0';
  PetscCallMPI(MPI_Barrier(r->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_series_close(Receptors *r)
{
  PetscFunctionBeginUser;
  PetscCall(close_files(r, PETSC_FALSE, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_series_close_partial(Receptors *r, PetscReal t)
{
  PetscFunctionBeginUser;
  PetscCall(close_files(r, PETSC_TRUE, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: append to the segment's CSV the first n lines after the header of its partial file. */
static PetscErrorCode resume_csv(Receptors *r, PetscInt n)
{
  char part[PETSC_MAX_PATH_LEN + 8], *line = NULL;
  size_t cap = 0;
  FILE *fp;
  PetscInt got = 0;

  PetscFunctionBeginUser;
  PetscCall(partial_name(r->csv.path, part, sizeof(part)));
  fp = fopen(part, "r");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: cannot read it: %s", part,
             strerror(errno));
  if (getline(&line, &cap, fp) > 0)
    while (got < n && getline(&line, &cap, fp) > 0) {
      PetscCall(atomic_file_printf(&r->csv, "%s", line));
      got++;
    }
  free(line);
  (void)fclose(fp);
  PetscCheck(got == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s holds %" PetscInt_FMT " rows where its NetCDF twin needs %" PetscInt_FMT, part,
             got, n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode receptor_series_resume(Receptors *r, PetscReal t0, PetscReal t, PetscInt expect,
                                      PartialResume *how)
{
  char path[PETSC_MAX_PATH_LEN];
  PartialStatus status;
  PetscMPIInt rank;
  PetscInt nrec;

  PetscFunctionBeginUser;
  *how = RESUME_INACTIVE;
  if (!r->nrec) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(segment_path(r, t0, "nc", path, sizeof(path)));
  PetscCall(partial_probe(r->comm, path, t, &status));
  *how = status == PARTIAL_USABLE ? RESUME_CONTINUED : RESUME_ANEW;
  if (*how == RESUME_ANEW) {
    PetscCall(receptor_series_open(r, t));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(receptor_series_open(r, t0));
  PetscCall(partial_continue_rank0(r->comm, r->nc, r->path_nc, t, expect, &nrec));
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  if (rank == 0) PetscCall(resume_csv(r, nrec * r->nrec * nsp(r)));
  r->record = (size_t)nrec;
  r->t_last = t; /* the next mean starts at the checkpoint, an output time (model/run.c) */
  PetscFunctionReturn(PETSC_SUCCESS);
}
