/* Boundary values: a background profile per species, given either as a mixing ratio constant
   in space, or as a concentration at the ground decreasing with height,
     c(z) = c0 exp(-z / H)   (ug m-3, z above ground),   q = c 1e-9 / rho.
   A nested run instead takes its lateral inflow from its parent's boundary files
   (boundary_parent_files, written by model/nest.c): each ghost cell takes the values of the
   parent cell it lies in, interpolated linearly in time between the parent's records; the
   parent's tags are carried into the child's tags of the same label (the families must carry the
   same names), renormalised so that each family sums to the bulk exactly (the parent's tags are
   stored in single precision). A child family that the parent does not have credits the inflow
   to its side tag. */
#include "model/boundary.h"
#include "base/ncinput.h"
#include <stdio.h>
#include <glob.h>
#include <string.h>
#include <netcdf.h>
#include "base/namelist.h"
#include "base/units.h"
#include "base/error.h"
#include "base/ncatt.h"
#include "grids/domain.h"
#include "base/clock.h"

/* The largest mixing ratio a boundary file may hold, kg kg-1: all of the air's mass. */
#define BOUNDARY_Q_MAX 1.0

static const char *const unit_names[] = {"ug_m3", "mixing_ratio", NULL};
enum { UNITS_UG_M3, UNITS_MIXING_RATIO };

typedef struct {
  PetscInt units;
  PetscReal values[PARAM_ARRAY_MAX];
  PetscInt nvalues;
  PetscReal scale_height;
  PetscBool initial;
  char parent_files[PARAM_STRING_LEN], initial_file[PARAM_STRING_LEN];
} Params;

static const ParamSpec params_table[] = {
    {.key = "units",
     .help = "units of boundary_values",
     .type = PARAM_ENUM,
     .offset = offsetof(Params, units),
     .choices = unit_names},
    {.key = "values",
     .units = "ug m-3 or kg kg-1",
     .help = "background value of each species, in the order of the species table (missing: 0)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(Params, values),
     .count_offset = offsetof(Params, nvalues)},
    {.key = "scale_height",
     .units = "m",
     .help = "e-folding height of concentrations in ug m-3 (0: constant with height)",
     .type = PARAM_REAL,
     .def = 1500,
     .min = 0,
     .max = 1e5,
     .offset = offsetof(Params, scale_height)},
    {.key = "initial",
     .help = "start from the boundary profile (false: from zero)",
     .type = PARAM_BOOL,
     .def = 1,
     .offset = offsetof(Params, initial)},
    {.key = "parent_files",
     .help = "boundary files of a parent run (a glob pattern, e.g. 'out/xj27_bdy_*.nc'; empty: the "
             "profile)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, parent_files),
     .sdef = ""},
    {.key = "initial_file",
     .help = "a parent run's state over this domain at its start (<parent>_init_<time>.nc, "
             "written by nest_initial_time), tags included: the run starts from it (empty: from "
             "the profile or zero, see boundary_initial)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, initial_file),
     .sdef = ""},
    {.key = NULL},
};

const ParamGroup boundary_group = {.name = "boundary",
                                   .title = "Boundary and initial values",
                                   .params = params_table,
                                   .params_size = sizeof(Params)};

/* The parent's boundary records. */
typedef struct {
  PetscInt nfile, nrec, ncell, nz, ns, nt;
  char (*file)[PETSC_MAX_PATH_LEN]; /* owned */
  PetscInt *rec_file, *rec_index;   /* record k: file and index in it; owned */
  PetscReal *time;                  /* owned */
  PetscInt i0, j0, ratio;           /* child footprint in the parent (0-based) */
  PetscInt pnx, pny_min, pi_min, pj_min, pwidth, pheight; /* lookup box of parent ring cells */
  PetscInt *cell_of;   /* parent (i,j) in the box -> ring cell, -1; owned */
  PetscInt *ci, *cj;   /* each ring cell's parent indices (0-based), as in the file; owned */
  PetscInt mx, my, sw; /* the child's size and ghost width, which the ring must cover */
  PetscInt *map;       /* parent tag -> child tag (-1: none); owned */
  PetscInt loaded[2];  /* records held in data[0], data[1] */
  PetscReal *q[2];     /* [(cell*nz + k)*ns + s]; owned */
  float *t[2];         /* [((cell*nz + k)*ns + s)*nt + m]; owned */
} Parent;

struct Boundary {
  Params p;
  PetscInt nspec, ntag, nfamily;
  const Tags *tags; /* borrowed */
  Parent *parent;   /* owned; NULL without a parent */
  Parent *start;    /* the parent's state at this run's start; owned; NULL without one */
};

/* Every file matching the pattern, sorted, with its records; the tag map; the cell lookup. */
/* The widest boundary ring a parent writes around its child, in child cells (the advection
   stencil's ghost width is 3). */
#define BOUNDARY_RING_MAX 8

/* The ring cell parent cell (pi, pj) maps to, -1 if none; pi, pj are clamped to the ring's box. */
static PetscInt parent_cell(const Parent *pa, PetscInt i, PetscInt j)
{
  PetscInt pi = pa->i0 + (i >= 0 ? i / pa->ratio : -((-i - 1) / pa->ratio) - 1);
  PetscInt pj = pa->j0 + (j >= 0 ? j / pa->ratio : -((-j - 1) / pa->ratio) - 1);
  pi = PetscMin(PetscMax(pi, pa->pi_min), pa->pi_min + pa->pwidth - 1);
  pj = PetscMin(PetscMax(pj, pa->pj_min), pa->pj_min + pa->pheight - 1);
  return pa->cell_of[(pj - pa->pj_min) * pa->pwidth + pi - pa->pi_min];
}

/* Every ghost cell of the child (sw wide, corners included) must find its parent cell in the
   ring, and for a start state every cell inside too: a ring with a cell missing would otherwise
   give that ghost another cell's air. */
static PetscErrorCode parent_check_ring(MPI_Comm comm, const Parent *pa, PetscInt mx, PetscInt my,
                                        PetscInt sw, PetscBool inside)
{
  PetscFunctionBeginUser;
  for (PetscInt j = -sw; j < my + sw; j++)
    for (PetscInt i = -sw; i < mx + sw; i++) {
      if (!inside && i >= 0 && i < mx && j >= 0 && j < my) continue;
      PetscCheck(parent_cell(pa, i, j) >= 0, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: the parent's cells (%" PetscInt_FMT ") hold none for the child's %s cell "
                 "(%" PetscInt_FMT ", %" PetscInt_FMT
                 "): the file is cut or was written for another child",
                 pa->file[0], pa->ncell,
                 inside && i >= 0 && i < mx && j >= 0 && j < my ? "inner" : "ghost", i, j);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Open the parent files matching pattern (boundary_parent_files, or the start state of
   boundary_initial_file, one record) into *out. */
static PetscErrorCode parent_open(MPI_Comm comm, Boundary *b, const char *key, const char *pattern,
                                  PetscInt mx, PetscInt my, PetscInt mz, PetscInt sw, Parent **out)
{
  Parent *pa;
  glob_t g;
  char labels[4096][64];

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&pa));
  PetscCheck(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0, comm, PETSC_ERR_FILE_OPEN,
             "boundary_%s = '%s' matches no file", key, pattern);
  pa->nfile = (PetscInt)g.gl_pathc;
  PetscCall(PetscMalloc1(pa->nfile, &pa->file));
  for (PetscInt f = 0; f < pa->nfile; f++)
    PetscCall(PetscStrncpy(pa->file[f], g.gl_pathv[f], PETSC_MAX_PATH_LEN));
  globfree(&g);
  for (PetscInt f = 0; f < pa->nfile; f++) {
    int nc, d, v, att[3], child[2];
    size_t len[5];
    const char *dn[5] = {"time", "cell", "lev", "species", "tag"};
    PetscCall(nc_open_input(pa->file[f], &nc));
    for (PetscInt k = 0; k < 5; k++) {
      NcCallFile(nc_inq_dimid(nc, dn[k], &d), pa->file[f]);
      NcCallFile(nc_inq_dimlen(nc, d, &len[k]), pa->file[f]);
    }
    PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, pa->file[f], "PARENT_I_START",
                            "not a boundary file of a Bogda parent run", &att[0], NULL));
    PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, pa->file[f], "PARENT_J_START",
                            "not a boundary file of a Bogda parent run", &att[1], NULL));
    PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, pa->file[f], "PARENT_GRID_RATIO",
                            "not a boundary file of a Bogda parent run", &att[2], NULL));
    PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, pa->file[f], "CHILD_NX",
                            "not a boundary file of a Bogda parent run", &child[0], NULL));
    PetscCall(ncatt_get_int(comm, nc, NC_GLOBAL, pa->file[f], "CHILD_NY",
                            "not a boundary file of a Bogda parent run", &child[1], NULL));
    PetscCheck(child[0] == mx && child[1] == my, comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s holds boundary values for a child of %d x %d cells (CHILD_NX, CHILD_NY); this "
               "run's grid has %d x %d",
               pa->file[f], child[0], child[1], (int)mx, (int)my);
    if (f == 0) {
      pa->ncell = (PetscInt)len[1], pa->nz = (PetscInt)len[2], pa->ns = (PetscInt)len[3],
      pa->nt = (PetscInt)len[4];
      pa->i0 = att[0] - 1, pa->j0 = att[1] - 1, pa->ratio = att[2];
      PetscCheck(pa->ns == b->nspec, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s has %d species; this run has %d", pa->file[f], (int)pa->ns, (int)b->nspec);
      PetscCheck(pa->nz == mz, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s has %d levels (dimension lev); this run's grid has %d layers", pa->file[f],
                 (int)pa->nz, (int)mz);
      PetscCheck(pa->nt <= 4096, comm, PETSC_ERR_SUP, "%s has more than 4096 tags", pa->file[f]);
      NcCallFile(nc_inq_varid(nc, "tag_label", &v), pa->file[f]);
      NcCallFile(nc_get_var_text(nc, v, &labels[0][0]), pa->file[f]);
    }
    PetscCheck((PetscInt)len[1] == pa->ncell && (PetscInt)len[2] == pa->nz &&
                   (PetscInt)len[4] == pa->nt && att[0] - 1 == pa->i0 && att[1] - 1 == pa->j0 &&
                   att[2] == pa->ratio,
               comm, PETSC_ERR_FILE_UNEXPECTED,
               "%s does not have the layout (dimensions, PARENT_I_START, PARENT_J_START, "
               "PARENT_GRID_RATIO) of %s",
               pa->file[f], pa->file[0]);
    PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)(pa->nrec + len[0]), &pa->time));
    PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)(pa->nrec + len[0]), &pa->rec_file));
    PetscCall(PetscRealloc(sizeof(PetscInt) * (size_t)(pa->nrec + len[0]), &pa->rec_index));
    NcCallFile(nc_inq_varid(nc, "time", &v), pa->file[f]);
    for (size_t r = 0; r < len[0]; r++) {
      double tt;
      NcCallFile(nc_get_var1_double(nc, v, &r, &tt), pa->file[f]);
      PetscCheck(!PetscIsInfOrNanReal(tt) && tt != NC_FILL_DOUBLE, comm, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: time(%zu) is %g; expected a finite time in seconds since 1970-01-01 "
                 "(a NaN, an infinity or netCDF's fill value means a corrupt or unwritten record)",
                 pa->file[f], r, tt);
      if (pa->nrec && r == 0 && tt == pa->time[pa->nrec - 1])
        continue; /* a restarted segment repeats the time its predecessor ended at */
      if (pa->nrec && tt <= pa->time[pa->nrec - 1]) {
        char w[2][32];
        clock_format(tt, w[0], sizeof(w[0]));
        clock_format(pa->time[pa->nrec - 1], w[1], sizeof(w[1]));
        SETERRQ(comm, PETSC_ERR_FILE_UNEXPECTED,
                "%s: time(%zu) = %s does not follow the record before it (%s%s); expected times "
                "increasing within a file and from one file to the next (sorted by name)",
                pa->file[f], r, w[0], w[1], r ? "" : ", the end of the previous file");
      }
      pa->time[pa->nrec] = tt, pa->rec_file[pa->nrec] = f, pa->rec_index[pa->nrec++] = (PetscInt)r;
    }
    if (f == 0) {
      int *ci, *cj;
      PetscInt imin = PETSC_MAX_INT, jmin = PETSC_MAX_INT, imax = -1, jmax = -1;
      PetscCall(PetscMalloc2(pa->ncell, &ci, pa->ncell, &cj));
      PetscCall(PetscMalloc2(pa->ncell, &pa->ci, pa->ncell, &pa->cj));
      NcCallFile(nc_inq_varid(nc, "cell_i", &v), pa->file[f]);
      NcCallFile(nc_get_var_int(nc, v, ci), pa->file[f]);
      NcCallFile(nc_inq_varid(nc, "cell_j", &v), pa->file[f]);
      NcCallFile(nc_get_var_int(nc, v, cj), pa->file[f]);
      for (PetscInt c = 0; c < pa->ncell; c++) {
        /* The ring lies just outside the child: a cell beyond the child's ghost ring belongs to
           another grid (or to a damaged file), and would size the lookup box below. */
        PetscCheck(ci[c] >= -BOUNDARY_RING_MAX && ci[c] < mx + BOUNDARY_RING_MAX &&
                       cj[c] >= -BOUNDARY_RING_MAX && cj[c] < my + BOUNDARY_RING_MAX,
                   comm, PETSC_ERR_FILE_UNEXPECTED,
                   "%s: cell %" PetscInt_FMT " of the boundary ring is at (cell_i, cell_j) = (%d, "
                   "%d); expected the ring around a %" PetscInt_FMT " x %" PetscInt_FMT
                   " child, within %d cells of its edge",
                   pa->file[f], c, ci[c], cj[c], mx, my, BOUNDARY_RING_MAX);
        imin = PetscMin(imin, ci[c]), imax = PetscMax(imax, ci[c]), jmin = PetscMin(jmin, cj[c]),
        jmax = PetscMax(jmax, cj[c]);
      }
      pa->pi_min = imin, pa->pj_min = jmin, pa->pwidth = imax - imin + 1,
      pa->pheight = jmax - jmin + 1;
      PetscCall(PetscMalloc1(pa->pwidth * pa->pheight, &pa->cell_of));
      for (PetscInt k = 0; k < pa->pwidth * pa->pheight; k++) pa->cell_of[k] = -1;
      for (PetscInt c = 0; c < pa->ncell; c++) {
        PetscInt *slot = &pa->cell_of[(cj[c] - jmin) * pa->pwidth + ci[c] - imin];
        PetscCheck(*slot < 0, comm, PETSC_ERR_FILE_UNEXPECTED,
                   "%s: cells %" PetscInt_FMT " and %" PetscInt_FMT
                   " of the boundary ring are both at (cell_i, cell_j) = (%d, %d)",
                   pa->file[f], *slot, c, ci[c], cj[c]);
        *slot = c;
        pa->ci[c] = ci[c], pa->cj[c] = cj[c];
      }
      PetscCall(PetscFree2(ci, cj));
      pa->mx = mx, pa->my = my, pa->sw = sw; /* for parent_check_ring() */
    }
    NcCallFile(nc_close(nc), pa->file[f]);
  }
  PetscCheck(pa->nrec >= 2 || !strcmp(key, "initial_file"), comm, PETSC_ERR_FILE_UNEXPECTED,
             "boundary_%s: fewer than two times in '%s'", key, pattern);
  PetscCall(PetscMalloc1(pa->nt + 1, &pa->map));
  for (PetscInt m = 0; m < pa->nt; m++) {
    pa->map[m] = b->ntag ? tags_find_label(b->tags, labels[m]) : -1;
    if (b->ntag && pa->nt > 1)
      PetscCheck(pa->map[m] >= 0 || strncmp(labels[m], "", 1) == 0, comm, PETSC_ERR_USER,
                 "the parent's tag '%.64s' has no tag of the same label in this run: use the same "
                 "tag families (tags_families) in both",
                 labels[m]);
  }
  for (PetscInt k = 0; k < 2; k++) {
    pa->loaded[k] = -1;
    PetscCall(PetscMalloc1(pa->ncell * pa->nz * pa->ns, &pa->q[k]));
    PetscCall(PetscMalloc1(pa->ncell * pa->nz * pa->ns * PetscMax(pa->nt, 1), &pa->t[k]));
  }
  *out = pa;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode parent_destroy(Parent **out)
{
  Parent *pa = *out;

  PetscFunctionBeginUser;
  if (!pa) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < 2; k++) {
    PetscCall(PetscFree(pa->q[k]));
    PetscCall(PetscFree(pa->t[k]));
  }
  PetscCall(PetscFree(pa->file));
  PetscCall(PetscFree(pa->time));
  PetscCall(PetscFree(pa->rec_file));
  PetscCall(PetscFree(pa->rec_index));
  PetscCall(PetscFree(pa->cell_of));
  PetscCall(PetscFree2(pa->ci, pa->cj));
  PetscCall(PetscFree(pa->map));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Why a mixing ratio read from a boundary file cannot be one (NULL if it can): a NaN, an
   infinity, netCDF's default fill (q or tags never written) or more than BOUNDARY_Q_MAX. */
static const char *bad_mixing_ratio(PetscReal v)
{
  if (PetscIsInfOrNanReal(v)) return "a NaN or an infinity";
  if (v == NC_FILL_DOUBLE || v == (double)NC_FILL_FLOAT)
    return "netCDF's default fill value: the variable was never written there";
  if (PetscAbsReal(v) > BOUNDARY_Q_MAX) return "larger than any mixing ratio";
  return NULL;
}

/* Make slot k hold record r. */
static PetscErrorCode parent_load(Parent *pa, PetscInt k, PetscInt r)
{
  int nc, v;
  const char *path;
  size_t st[5] = {(size_t)pa->rec_index[r], 0, 0, 0, 0},
         ct[5] = {1, (size_t)pa->ncell, (size_t)pa->nz, (size_t)pa->ns,
                  (size_t)PetscMax(pa->nt, 1)};

  PetscFunctionBeginUser;
  if (pa->loaded[k] == r) PetscFunctionReturn(PETSC_SUCCESS);
  path = pa->file[pa->rec_file[r]];
  PetscCall(nc_open_input(path, &nc));
  NcCallFile(nc_inq_varid(nc, "q", &v), path);
  NcCallFile(nc_get_vara_double(nc, v, st, ct, pa->q[k]), path);
  NcCallFile(nc_inq_varid(nc, "tags", &v), path);
  NcCallFile(nc_get_vara_float(nc, v, st, ct, pa->t[k]), path);
  NcCallFile(nc_close(nc), path);
  for (size_t e = 0; e < ct[1] * ct[2] * ct[3]; e++) {
    PetscReal x = pa->q[k][e];
    const char *what = bad_mixing_ratio(x), *var = "q";
    char when[32], tag[32] = "";
    for (size_t m = 0; !what && pa->nt && m < ct[4]; m++) {
      x = (PetscReal)pa->t[k][e * ct[4] + m];
      if ((what = bad_mixing_ratio(x))) {
        var = "tags";
        PetscCall(PetscSNPrintf(tag, sizeof(tag), ", tag %d", (int)m));
      }
    }
    if (!what) continue;
    clock_format(pa->time[r], when, sizeof(when));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
            "%s: %s at %s, (cell, lev, species) = (%d, %d, %d)%s in the file's indices: %s (%g); "
            "expected finite mixing ratios of at most %g kg/kg",
            path, var, when, (int)(e / (ct[2] * ct[3])), (int)(e / ct[3] % ct[2]), (int)(e % ct[3]),
            tag, what, (double)x, (double)BOUNDARY_Q_MAX);
  }
  pa->loaded[k] = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The records r, r + 1 bracketing t and the weight w of r + 1 (t inside the records). */
static void bracket_of(const Parent *pa, PetscReal t, PetscInt *r, PetscReal *w)
{
  PetscInt k = 0;
  while (k + 2 < pa->nrec && pa->time[k + 1] <= t) k++;
  *r = k;
  *w = (t - pa->time[k]) / (pa->time[k + 1] - pa->time[k]);
}

/* Records bracketing t in slots 0 and 1, and the weight of slot 1. */
static PetscErrorCode parent_bracket(Parent *pa, PetscReal t, PetscReal *w)
{
  PetscInt r;

  PetscFunctionBeginUser;
  PetscCheck(t >= pa->time[0] && t <= pa->time[pa->nrec - 1], PETSC_COMM_SELF, PETSC_ERR_USER,
             "time %g s lies outside the parent's boundary records (%g to %g s)", (double)t,
             (double)pa->time[0], (double)pa->time[pa->nrec - 1]);
  bracket_of(pa, t, &r, w);
  PetscCall(parent_load(pa, 0, r));
  PetscCall(parent_load(pa, 1, r + 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode boundary_create(MPI_Comm comm, const State *st, const Tags *tags, Boundary **bnd)
{
  Boundary *b;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&b));
  PetscCall(namelist_read(comm, &boundary_group, &b->p));
  PetscCheck(b->p.nvalues <= st->nspec, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "boundary_values has %" PetscInt_FMT " values but there are %" PetscInt_FMT " species",
             b->p.nvalues, st->nspec);
  b->nspec = st->nspec;
  b->ntag = st->ntag;
  b->nfamily = tags->nfamily;
  b->tags = tags;
  if (b->p.parent_files[0])
    PetscCall(parent_open(comm, b, "parent_files", b->p.parent_files, st->patch.mx, st->patch.my,
                          st->patch.mz, st->grid->sw, &b->parent));
  if (b->p.initial_file[0]) {
    PetscCall(parent_open(comm, b, "initial_file", b->p.initial_file, st->patch.mx, st->patch.my,
                          st->patch.mz, st->grid->sw, &b->start));
    PetscCall(
        parent_check_ring(comm, b->start, st->patch.mx, st->patch.my, st->grid->sw, PETSC_TRUE));
  }
  *bnd = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode boundary_check_parent(MPI_Comm comm, const Boundary *b, const char *domain_file,
                                     PetscReal t0, PetscReal t1)
{
  const Parent *pa = b->parent;
  char w[4][32];

  PetscFunctionBeginUser;
  if (!pa) PetscFunctionReturn(PETSC_SUCCESS);
  if (domain_file[0]) {
    DomainNest dn;
    PetscCall(domain_nest(domain_file, &dn));
    PetscCheck(dn.i_start == pa->i0 + 1 && dn.j_start == pa->j0 + 1 && dn.ratio == pa->ratio, comm,
               PETSC_ERR_FILE_UNEXPECTED,
               "boundary_parent_files = '%s' were written for a child starting at parent cell (%d, "
               "%d) with ratio %d; the run's domain "
               "file %s starts at (%d, %d) with ratio %d (PARENT_I_START, PARENT_J_START, "
               "PARENT_GRID_RATIO)",
               b->p.parent_files, (int)pa->i0 + 1, (int)pa->j0 + 1, (int)pa->ratio, domain_file,
               (int)dn.i_start, (int)dn.j_start, (int)dn.ratio);
  }
  PetscCall(parent_check_ring(comm, pa, pa->mx, pa->my, pa->sw, PETSC_FALSE));
  if (t0 >= pa->time[0] && t1 <= pa->time[pa->nrec - 1]) PetscFunctionReturn(PETSC_SUCCESS);
  clock_format(t0, w[0], sizeof(w[0]));
  clock_format(t1, w[1], sizeof(w[1]));
  clock_format(pa->time[0], w[2], sizeof(w[2]));
  clock_format(pa->time[pa->nrec - 1], w[3], sizeof(w[3]));
  SETERRQ(comm, PETSC_ERR_USER,
          "boundary_parent_files = '%s' hold boundary values from %s to %s; this run goes from %s "
          "to %s",
          b->p.parent_files, w[2], w[3], w[0], w[1]);
}

PetscErrorCode boundary_destroy(Boundary **b)
{
  PetscFunctionBeginUser;
  if (!*b) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(parent_destroy(&(*b)->parent));
  PetscCall(parent_destroy(&(*b)->start));
  PetscCall(PetscFree(*b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Background mixing ratio of species s at height z above ground in air of density rho. */
static PetscReal background(const Boundary *b, PetscInt s, PetscReal z, PetscReal rho)
{
  PetscReal v = s < b->p.nvalues ? b->p.values[s] : 0;
  if (b->p.units == UNITS_MIXING_RATIO) return v;
  if (b->p.scale_height > 0) v *= PetscExpReal(-z / b->p.scale_height);
  return units_ugm3_to_mixing_ratio(v, rho);
}

/* Cell c (grid cell (i, j, k)) takes the parent's values pa, interpolated with weight w between
   the loaded records, its tags mapped by label and each family renormalised; side < 0 for a
   start state (a family no parent tag maps to is initial air). */
static void set_from_parent(const Boundary *b, const Parent *pa, PetscInt i, PetscInt j, PetscInt k,
                            PetscReal w, PetscInt c, PetscInt side, PetscReal *q, PetscReal *tag)
{
  PetscInt cell = parent_cell(pa, i, j); /* found: parent_check_ring() */
  for (PetscInt s = 0; s < b->nspec; s++) {
    PetscInt at = (cell * pa->nz + k) * pa->ns + s;
    PetscReal v = (1 - w) * pa->q[0][at] + w * pa->q[1][at];
    q[c * b->nspec + s] = v;
    if (!tag) continue;
    {
      PetscReal *t = &tag[(c * b->nspec + s) * b->ntag];
      for (PetscInt n = 0; n < b->ntag; n++) t[n] = 0;
      for (PetscInt m = 0; m < pa->nt; m++)
        if (pa->map[m] >= 0)
          t[pa->map[m]] += (1 - w) * (PetscReal)pa->t[0][at * pa->nt + m] +
                           w * (PetscReal)pa->t[1][at * pa->nt + m];
      for (PetscInt f = 0; f < b->nfamily; f++) {
        PetscReal sum = 0;
        for (PetscInt n = b->tags->family_start[f]; n < b->tags->family_start[f + 1]; n++)
          sum += t[n];
        if (sum > 0)
          for (PetscInt n = b->tags->family_start[f]; n < b->tags->family_start[f + 1]; n++)
            t[n] *= v / sum;
        else /* no parent tag maps here: the side's inflow, or for a start state initial air */
          t[side < 0 ? b->tags->tag_initial[f] : b->tags->tag_side[f * SIDE_N + side]] = v;
      }
    }
  }
}

/* Ghost cell c takes the background, credited to tag n_side of every family. */
static void set_inflow(const Boundary *b, const MetFields *m, PetscInt c, Side side, PetscReal *q,
                       PetscReal *tag)
{
  for (PetscInt s = 0; s < b->nspec; s++) {
    q[c * b->nspec + s] = background(b, s, m->zmid[c], m->rho[c]);
    if (!tag) continue;
    PetscReal *t = &tag[(c * b->nspec + s) * b->ntag];
    for (PetscInt n = 0; n < b->ntag; n++) t[n] = 0;
    for (PetscInt f = 0; f < b->nfamily; f++)
      t[b->tags->tag_side[f * SIDE_N + side]] = q[c * b->nspec + s];
  }
}

static void copy_cell(const Boundary *b, PetscInt from, PetscInt to, PetscReal *q, PetscReal *tag)
{
  for (PetscInt s = 0; s < b->nspec; s++) q[to * b->nspec + s] = q[from * b->nspec + s];
  if (tag)
    for (PetscInt n = 0; n < b->nspec * b->ntag; n++)
      tag[to * b->nspec * b->ntag + n] = tag[from * b->nspec * b->ntag + n];
}

static PetscInt clamp(PetscInt v, PetscInt lo, PetscInt hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

/* One ghost cell outside the physical domain: grid cell (i, j, k) at patch offset c, the edge
   cell it copies where air flows out, whether air flows in through its side's face, and the
   side. */
typedef struct {
  PetscInt i, j, k, c, edge;
  PetscBool inflow;
  Side side;
} Ghost;

/* Visit the ghost cells outside the physical domain in the fill's order: the west and east
   ghosts of the rows inside the domain, then the south and north rows, corners included (they
   copy from the rows just completed); reverse: the two groups in the other order, for the
   transpose. */
static void each_ghost(const Patch *p, const Met *met, PetscBool reverse,
                       void (*visit)(void *ctx, const Ghost *g), void *ctx)
{
  PetscInt jlo = PetscMax(p->gys, 0), jhi = PetscMin(p->gys + p->gym, p->my);

  for (PetscInt pass = 0; pass < 2; pass++) {
    PetscBool rows = (pass == 1) != reverse; /* the south and north rows */
    for (PetscInt k = 0; k < p->mz; k++)
      for (PetscInt j = rows ? p->gys : jlo; j < (rows ? p->gys + p->gym : jhi); j++) {
        if (rows && j >= 0 && j < p->my) continue;
        for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
          Ghost g = {.i = i, .j = j, .k = k, .c = patch_index(p, i, j, k)};
          PetscInt face;
          if (!rows && i >= 0 && i < p->mx) continue;
          if (rows) {
            g.edge = patch_index(p, i, clamp(j, 0, p->my - 1), k);
            face = patch_index(p, i, j < 0 ? 0 : p->my, k);
            g.inflow = j < 0 ? met->flux_y[face] > 0 : met->flux_y[face] < 0;
            g.side = j < 0 ? SIDE_SOUTH : SIDE_NORTH;
          } else {
            g.edge = patch_index(p, clamp(i, 0, p->mx - 1), j, k);
            face = patch_index(p, i < 0 ? 0 : p->mx, j, k);
            g.inflow = i < 0 ? met->flux_x[face] > 0 : met->flux_x[face] < 0;
            g.side = i < 0 ? SIDE_WEST : SIDE_EAST;
          }
          visit(ctx, &g);
        }
      }
  }
}

typedef struct {
  const Boundary *b;
  const Met *met;
  PetscReal w; /* the parent's interpolation weight */
  PetscReal *q, *tag, *air_mass;
} Fill;

static void fill_ghost(void *ctx, const Ghost *g)
{
  Fill *f = (Fill *)ctx;
  const Boundary *b = f->b;
  if (g->inflow && b->parent)
    set_from_parent(b, b->parent, g->i, g->j, g->k, f->w, g->c, g->side, f->q, f->tag);
  else if (g->inflow)
    set_inflow(b, f->met->now, g->c, g->side, f->q, f->tag);
  else
    copy_cell(b, g->edge, g->c, f->q, f->tag);
  f->air_mass[g->c] = f->met->air_mass_start[g->c];
}

PetscErrorCode boundary_fill_ghosts(const Boundary *b, const Patch *p, const Met *met, PetscReal *q,
                                    PetscReal *tag, PetscReal *air_mass)
{
  Fill f = {.b = b, .met = met, .q = q, .tag = tag, .air_mass = air_mass};

  PetscFunctionBeginUser;
  if (b->parent) PetscCall(parent_bracket(b->parent, met->now->time, &f.w));
  each_ghost(p, met, PETSC_FALSE, fill_ghost, &f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  const Boundary *b;
  const BoundaryTranspose *bt;
  PetscInt nf;
  PetscReal *lam;
  PetscReal w;       /* the parent's interpolation weight */
  PetscReal *rec[2]; /* the sensitivities to the bracketing parent records, or NULL */
} FillTranspose;

/* The transpose of one ghost cell's fill: inflow credits lam . tag_bnd to contrib (and
   lam . q_bnd to the side's inflow, lam times the interpolation weights to the parent's records),
   outflow gives lam back to the edge cell it copied; the ghost's lam is zeroed either way. */
static void fill_ghost_transpose(void *ctx, const Ghost *g)
{
  const FillTranspose *f = (const FillTranspose *)ctx;
  const BoundaryTranspose *bt = f->bt;
  PetscInt ns = f->b->nspec, nt = f->b->ntag, nf = f->nf;
  PetscInt cell = g->inflow && f->rec[0] ? parent_cell(f->b->parent, g->i, g->j) : -1;
  for (PetscInt s = 0; s < ns; s++) {
    PetscReal *l = &f->lam[(g->c * ns + s) * nf];
    PetscInt at = cell >= 0 ? ((cell * f->b->parent->nz + g->k) * ns + s) * nf : -1;
    for (PetscInt n = 0; n < nf; n++) {
      if (l[n] == 0) continue;
      if (g->inflow) {
        if (bt->tag_bnd && bt->contrib) {
          const PetscReal *tb = &bt->tag_bnd[(g->c * ns + s) * nt];
          for (PetscInt m = 0; m < nt; m++)
            if (tb[m] != 0) bt->contrib[n * nt + m] += l[n] * tb[m];
        }
        if (bt->inflow)
          bt->inflow[(n * SIDE_N + g->side) * ns + s] += l[n] * bt->q_bnd[g->c * ns + s];
        if (at >= 0) {
          f->rec[0][at + n] += (1 - f->w) * l[n];
          f->rec[1][at + n] += f->w * l[n];
        }
      } else
        f->lam[(g->edge * ns + s) * nf + n] += l[n];
      l[n] = 0;
    }
  }
}

PetscErrorCode boundary_fill_ghosts_transpose(const Boundary *b, const Patch *p, const Met *met,
                                              const BoundaryTranspose *bt, PetscReal *lam)
{
  FillTranspose f = {.b = b, .bt = bt, .nf = p->ntag, .lam = lam};

  PetscFunctionBeginUser;
  if (b->parent && bt->parent_record) {
    PetscInt r;
    bracket_of(b->parent, met->now->time, &r, &f.w);
    PetscCall(bt->parent_record(bt->ctx, r, &f.rec[0]));
    PetscCall(bt->parent_record(bt->ctx, r + 1, &f.rec[1]));
  }
  each_ghost(p, met, PETSC_TRUE, fill_ghost_transpose, &f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode boundary_parent_layout(const Boundary *b, PetscBool start, BoundaryParentLayout *L)
{
  const Parent *pa = start ? b->start : b->parent;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(L, sizeof(*L)));
  if (!pa) PetscFunctionReturn(PETSC_SUCCESS);
  *L = (BoundaryParentLayout){.nrec = pa->nrec,
                              .ncell = pa->ncell,
                              .nz = pa->nz,
                              .ns = pa->ns,
                              .time = pa->time,
                              .cell_i = pa->ci,
                              .cell_j = pa->cj,
                              .file = pa->file[0]};
  PetscFunctionReturn(PETSC_SUCCESS);
}

void boundary_parent_records(const Boundary *b, PetscReal t, PetscInt *r, PetscReal *w)
{
  bracket_of(b->parent, t, r, w);
}

void boundary_initial_transpose(const Boundary *b, const Patch *p, const PetscReal *lam,
                                PetscReal *sens)
{
  const Parent *pa = b->start;
  PetscInt ns = b->nspec, nf = p->ntag;

  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c = patch_index(p, i, j, k), cell = parent_cell(pa, i, j);
        for (PetscInt s = 0; s < ns; s++)
          for (PetscInt n = 0; n < nf; n++)
            sens[((cell * pa->nz + k) * ns + s) * nf + n] += lam[(c * ns + s) * nf + n];
      }
}

PetscErrorCode boundary_fill_top(const Boundary *b, const Patch *p, const Met *met,
                                 PetscReal *q_top, PetscReal *tag_top)
{
  const MetFields *m = met->now;

  PetscFunctionBeginUser;
  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
      PetscInt c2 = patch_index2(p, i, j), c = patch_index(p, i, j, p->mz - 1);
      PetscReal ztop = m->zmid[c] + 0.5 * m->dz[c];
      for (PetscInt s = 0; s < b->nspec; s++) {
        PetscReal v = background(b, s, ztop, m->rho[c]);
        q_top[c2 * b->nspec + s] = v;
        if (!tag_top) continue;
        PetscReal *t = &tag_top[(c2 * b->nspec + s) * b->ntag];
        for (PetscInt n = 0; n < b->ntag; n++) t[n] = 0;
        for (PetscInt f = 0; f < b->nfamily; f++) t[b->tags->tag_side[f * SIDE_N + SIDE_TOP]] = v;
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode boundary_initial(const Boundary *b, const Patch *p, const Met *met, PetscReal t0,
                                PetscReal *q, PetscReal *tag)
{
  const MetFields *m = met->now;

  PetscFunctionBeginUser;
  if (b->start) {
    /* The parent's state at this run's start: every cell, ghosts included, from the parent cell
       holding it (a ratio r nest has r x r cells in each), at the same level. */
    Parent *pa = b->start;
    PetscInt r = -1;
    char w[2][32];
    for (PetscInt n = 0; n < pa->nrec; n++)
      if (PetscAbsReal(pa->time[n] - t0) < 1e-3) r = n;
    clock_format(t0, w[0], sizeof(w[0]));
    clock_format(pa->time[0], w[1], sizeof(w[1]));
    PetscCheck(r >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
               "boundary_initial_file = '%s' holds the parent's state at %s; this run starts at %s",
               b->p.initial_file, w[1], w[0]);
    PetscCall(parent_load(pa, 0, r));
    PetscCall(parent_load(pa, 1, r));
    for (PetscInt k = 0; k < p->mz; k++)
      for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
        for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++)
          set_from_parent(b, pa, i, j, k, 0, patch_index(p, i, j, k), -1, q, tag);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        for (PetscInt s = 0; s < b->nspec; s++) {
          PetscReal v = b->p.initial ? background(b, s, m->zmid[c], m->rho[c]) : 0;
          q[c * b->nspec + s] = v;
          if (!tag) continue;
          PetscReal *t = &tag[(c * b->nspec + s) * b->ntag];
          for (PetscInt n = 0; n < b->ntag; n++) t[n] = 0;
          for (PetscInt f = 0; f < b->nfamily; f++) t[b->tags->tag_initial[f]] = v;
        }
      }
  PetscFunctionReturn(PETSC_SUCCESS);
}
