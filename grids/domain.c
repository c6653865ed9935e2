/* Reading a domain file: every rank opens it read-only and reads the rectangle of cells its
   ghosted patch overlaps (clamped to the domain), then fills the ghosts outside the domain from
   the nearest edge cell. The cover lists are stored by cell, so each row of the rectangle is
   one contiguous slice of them. */
#include "grids/domain.h"
#include "base/provenance.h"
#include "base/ncinput.h"
#include <string.h>
#include "base/error.h"
#include "base/ncatt.h"
#include "grids/vertical.h"

#define DOMAIN_GRID_RTOL                                                                           \
  1e-9 /* relative tolerance when comparing the file's grid with the model's */
/* Fractions (land use, cover, receptor weights) may exceed 1 by this round-off. */
#define DOMAIN_FRACTION_TOL 1e-9
/* Terrain heights accepted, m: below the lowest land (the Dead Sea shore) or above the highest
   summit is a corrupt field. */
#define DOMAIN_TERRAIN_MIN -500.0
#define DOMAIN_TERRAIN_MAX 9000.0

/* Values of variable name that index a table of n entries (or -1 when none_ok) must lie in it. */
static PetscErrorCode check_index(const char *path, const char *name, const char *dim, PetscInt k,
                                  PetscInt v, PetscBool none_ok, PetscInt n, const char *table)
{
  PetscFunctionBeginUser;
  PetscCheck((v >= 0 || (none_ok && v == -1)) && v < n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: %s(%s = %" PetscInt_FMT ") = %" PetscInt_FMT "; expected %s0 to %" PetscInt_FMT
             ", an index into the %" PetscInt_FMT " %s",
             path, name, dim, k, v, none_ok ? "-1 (none) or " : "", n - 1, n, table);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A field's value at file cell (lead, j, i) must be finite and within [lo, hi]. */
static PetscErrorCode check_value(const char *path, const char *name, const char *lead_dim,
                                  PetscInt lead, PetscInt j, PetscInt i, PetscReal v, PetscReal lo,
                                  PetscReal hi)
{
  char at[64];

  PetscFunctionBeginUser;
  if (!PetscIsInfOrNanReal(v) && v >= lo && v <= hi) PetscFunctionReturn(PETSC_SUCCESS);
  if (lead_dim)
    PetscCall(PetscSNPrintf(
        at, sizeof(at), "(%s, y, x) = (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ")",
        lead_dim, lead, j, i));
  else
    PetscCall(
        PetscSNPrintf(at, sizeof(at), "(y, x) = (%" PetscInt_FMT ", %" PetscInt_FMT ")", j, i));
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
          "%s: %s = %g at %s; expected a finite value from %g to %g", path, name, (double)v, at,
          (double)lo, (double)hi);
}

/* A global attribute of the domain file in the model's types (base/ncatt.h reads it). */
static PetscErrorCode get_real(int nc, const char *path, const char *name, PetscReal *v)
{
  double d = 0;

  PetscFunctionBeginUser;
  PetscCall(ncatt_get_double(PETSC_COMM_SELF, nc, NC_GLOBAL, path, name, "not a Bogda domain file",
                             &d, NULL));
  *v = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode get_int(int nc, const char *path, const char *name, const char *what,
                              PetscInt *v)
{
  int i = 0;

  PetscFunctionBeginUser;
  PetscCall(ncatt_get_int(PETSC_COMM_SELF, nc, NC_GLOBAL, path, name, what, &i, NULL));
  *v = i;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_spec(int nc, const char *path, GridSpec *s)
{
  PetscInt kind = 0;
  int var;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(get_int(nc, path, "MAP_PROJ", "not a Bogda domain file", &kind));
  s->proj.kind = (ProjectionKind)kind;
  PetscCall(get_real(nc, path, "TRUELAT1", &s->proj.truelat1));
  PetscCall(get_real(nc, path, "TRUELAT2", &s->proj.truelat2));
  PetscCall(get_real(nc, path, "STAND_LON", &s->proj.stand_lon));
  PetscCall(get_real(nc, path, "REF_LAT", &s->proj.ref_lat));
  PetscCall(get_real(nc, path, "REF_LON", &s->proj.ref_lon));
  PetscCall(get_real(nc, path, "DX", &s->dx));
  PetscCall(get_real(nc, path, "DY", &s->dy));
  PetscCall(get_real(nc, path, "X0", &s->x0));
  PetscCall(get_real(nc, path, "Y0", &s->y0));
  PetscCall(get_int(nc, path, "NX", "not a Bogda domain file", &s->nx));
  PetscCall(get_int(nc, path, "NY", "not a Bogda domain file", &s->ny));
  PetscCall(get_int(nc, path, "NZ", "not a Bogda domain file", &s->nz));
  PetscCheck(s->nz > 0 && s->nz <= GRID_MAX_LAYERS, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: NZ = %" PetscInt_FMT " is out of range", path, s->nz);
  NcCallFile(nc_inq_varid(nc, "z_iface", &var), path);
  NcCallFile(nc_get_var_double(nc, var, s->z_iface), path);
  PetscCall(vertical_check_levels(path, "z_iface", s->nz, s->z_iface));
  PetscCall(projection_setup(&s->proj));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_grid_spec(const char *path, GridSpec *spec)
{
  int nc;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, &nc));
  PetscCall(read_spec(nc, path, spec));
  NcCallFile(nc_close(nc), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_nest(const char *path, DomainNest *n)
{
  const char *att[5] = {"PARENT_I_START", "PARENT_J_START", "PARENT_GRID_RATIO", "NX", "NY"};
  PetscInt *v[5] = {&n->i_start, &n->j_start, &n->ratio, &n->nx, &n->ny};
  int nc;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, &nc));
  for (PetscInt k = 0; k < 5; k++)
    PetscCall(get_int(nc, path, att[k], "not a nested domain file", v[k]));
  NcCallFile(nc_close(nc), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool close_to(PetscReal a, PetscReal b, PetscReal scale)
{
  return PetscAbsReal(a - b) <= DOMAIN_GRID_RTOL * scale ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode check_grid(const char *path, const GridSpec *f, const GridSpec *m)
{
  PetscFunctionBeginUser;
  PetscCheck(f->proj.kind == m->proj.kind && f->nx == m->nx && f->ny == m->ny &&
                 close_to(f->dx, m->dx, m->dx) && close_to(f->dy, m->dy, m->dy) &&
                 close_to(f->x0, m->x0, m->dx) && close_to(f->y0, m->y0, m->dy) &&
                 close_to(f->proj.ref_lat, m->proj.ref_lat, 1) &&
                 close_to(f->proj.ref_lon, m->proj.ref_lon, 1) &&
                 close_to(f->proj.truelat1, m->proj.truelat1, 1) &&
                 close_to(f->proj.stand_lon, m->proj.stand_lon, 1),
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the domain file's grid (MAP_PROJ %d, %" PetscInt_FMT " x %" PetscInt_FMT
             " cells of %g m, origin %g, %g) is not the model's (MAP_PROJ %d, %" PetscInt_FMT
             " x %" PetscInt_FMT " of %g m, origin %g, %g)",
             path, (int)f->proj.kind, f->nx, f->ny, (double)f->dx, (double)f->x0, (double)f->y0,
             (int)m->proj.kind, m->nx, m->ny, (double)m->dx, (double)m->x0, (double)m->y0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode dim_len(int nc, const char *path, const char *name, PetscInt *n)
{
  int id;
  size_t len;

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_dimid(nc, name, &id), path);
  NcCallFile(nc_inq_dimlen(nc, id, &len), path);
  *n = (PetscInt)len;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* String k of character variable name[n, strlen] into out (DOMAIN_NAME_LEN bytes). */
static PetscErrorCode get_string(int nc, const char *path, const char *name, PetscInt k, char *out)
{
  int var;
  size_t start[2] = {(size_t)k, 0}, count[2] = {1, DOMAIN_NAME_LEN};

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varid(nc, name, &var), path);
  NcCallFile(nc_get_vara_text(nc, var, start, count, out), path);
  out[DOMAIN_NAME_LEN - 1] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode get_ints(int nc, const char *path, const char *name, PetscInt n,
                               PetscInt *out, size_t stride_bytes)
{
  int var, *a;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n + 1, &a));
  NcCallFile(nc_inq_varid(nc, name, &var), path);
  NcCallFile(nc_get_var_int(nc, var, a), path);
  for (PetscInt k = 0; k < n; k++) *(PetscInt *)((char *)out + (size_t)k * stride_bytes) = a[k];
  PetscCall(PetscFree(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_registries(int nc, const char *path, Domain *d)
{
  int var;
  double *a;

  PetscFunctionBeginUser;
  PetscCall(dim_len(nc, path, "unit", &d->nunit));
  PetscCall(dim_len(nc, path, "prefecture", &d->npref));
  PetscCall(dim_len(nc, path, "receptor", &d->nrec));
  PetscCall(PetscCalloc1(d->nunit, &d->unit));
  PetscCall(PetscCalloc1(d->npref, &d->pref));
  PetscCall(PetscCalloc1(d->nrec + 1, &d->rec));
  for (PetscInt u = 0; u < d->nunit; u++) {
    PetscCall(get_string(nc, path, "unit_code", u, d->unit[u].code));
    PetscCall(get_string(nc, path, "unit_name_zh", u, d->unit[u].name_zh));
    PetscCall(get_string(nc, path, "unit_name_en", u, d->unit[u].name_en));
  }
  PetscCall(get_ints(nc, path, "unit_kind", d->nunit, &d->unit[0].kind, sizeof(DomainUnit)));
  PetscCall(get_ints(nc, path, "unit_county", d->nunit, &d->unit[0].county, sizeof(DomainUnit)));
  PetscCall(
      get_ints(nc, path, "unit_prefecture", d->nunit, &d->unit[0].prefecture, sizeof(DomainUnit)));
  for (PetscInt u = 0; u < d->nunit; u++) {
    PetscCall(check_index(path, "unit_kind", "unit", u, d->unit[u].kind, PETSC_FALSE,
                          DOMAIN_UNIT_OUTSIDE + 1, "unit kinds"));
    PetscCall(check_index(path, "unit_prefecture", "unit", u, d->unit[u].prefecture, PETSC_TRUE,
                          d->npref, "prefectures"));
  }
  PetscCall(PetscMalloc1(d->nunit, &a));
  NcCallFile(nc_inq_varid(nc, "unit_area_km2", &var), path);
  NcCallFile(nc_get_var_double(nc, var, a), path);
  for (PetscInt u = 0; u < d->nunit; u++) {
    PetscCheck(!PetscIsInfOrNanReal(a[u]) && a[u] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: unit_area_km2(unit = %" PetscInt_FMT ") = %g; expected a finite area >= 0",
               path, u, a[u]);
    d->unit[u].area_km2 = a[u];
  }
  PetscCall(PetscFree(a));
  for (PetscInt q = 0; q < d->npref; q++) {
    PetscCall(get_string(nc, path, "prefecture_name_zh", q, d->pref[q].name_zh));
    PetscCall(get_string(nc, path, "prefecture_name_en", q, d->pref[q].name_en));
  }
  PetscCall(
      get_ints(nc, path, "prefecture_code", d->npref, &d->pref[0].code, sizeof(DomainPrefecture)));
  PetscCall(get_ints(nc, path, "prefecture_parent", d->npref, &d->pref[0].parent,
                     sizeof(DomainPrefecture)));
  for (PetscInt q = 0; q < d->npref; q++)
    PetscCall(check_index(path, "prefecture_parent", "prefecture", q, d->pref[q].parent, PETSC_TRUE,
                          d->npref, "prefectures"));
  for (PetscInt r = 0; r < d->nrec; r++) {
    PetscCall(get_string(nc, path, "receptor_name", r, d->rec[r].name));
    PetscCall(get_string(nc, path, "receptor_name_zh", r, d->rec[r].name_zh));
    PetscCall(get_string(nc, path, "receptor_name_en", r, d->rec[r].name_en));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The clamped rectangle of file cells a patch's ghosted block overlaps. */
typedef struct {
  PetscInt i0, j0, ni, nj;
} Window;

static PetscInt clamp(PetscInt v, PetscInt n)
{
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/* Read [lead..., y, x] variable name over the window: nlead leading entries (0 for 2D). */
static PetscErrorCode read_window(int nc, const char *path, const char *name, const Window *w,
                                  PetscInt nlead, PetscReal *out)
{
  int var;
  size_t start[3] = {0, (size_t)w->j0, (size_t)w->i0},
         count[3] = {(size_t)nlead, (size_t)w->nj, (size_t)w->ni};

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varid(nc, name, &var), path);
  if (nlead)
    NcCallFile(nc_get_vara_double(nc, var, start, count, out), path);
  else
    NcCallFile(nc_get_vara_double(nc, var, start + 1, count + 1, out), path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every value of the window of variable name ([lead, y, x], nlead 0 for 2D) must be finite and
   within [lo, hi]. */
static PetscErrorCode check_window(const char *path, const char *name, const char *lead_dim,
                                   const Window *w, PetscInt nlead, const PetscReal *a,
                                   PetscReal lo, PetscReal hi)
{
  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < PetscMax(nlead, 1); c++)
    for (PetscInt j = 0; j < w->nj; j++)
      for (PetscInt i = 0; i < w->ni; i++)
        PetscCall(check_value(path, name, lead_dim, c, w->j0 + j, w->i0 + i,
                              a[(c * w->nj + j) * w->ni + i], lo, hi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cell coordinates and areas, which the model does not use but the post-processing does. */
static PetscErrorCode check_coordinates(int nc, const char *path, const Window *w, PetscReal *a)
{
  PetscFunctionBeginUser;
  PetscCall(read_window(nc, path, "lat", w, 0, a));
  PetscCall(check_window(path, "lat", NULL, w, 0, a, -90, 90));
  PetscCall(read_window(nc, path, "lon", w, 0, a));
  PetscCall(check_window(path, "lon", NULL, w, 0, a, -360, 360));
  PetscCall(read_window(nc, path, "cell_area", w, 0, a));
  PetscCall(check_window(path, "cell_area (m2)", NULL, w, 0, a, PETSC_SMALL, PETSC_MAX_REAL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* bogda-grid refuses a model top that is not above every column with layers thick enough
   (grids/vertical.h), so a file that fails this is another tool's or was edited; its squeezed
   layers would hold negative air mass. */
PetscErrorCode domain_check_top(MPI_Comm comm, const char *path, const GridSpec *s, PetscInt i0,
                                PetscInt j0, PetscInt ni, PetscInt nj, const PetscReal *terrain)
{
  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < nj; j++)
    for (PetscInt i = 0; i < ni; i++) {
      char top[PETSC_MAX_PATH_LEN + 32], where[64];
      if (vertical_thinnest(s->nz, s->z_iface, terrain[j * ni + i]) >= VERTICAL_DZ_MIN) continue;
      PetscCall(
          PetscSNPrintf(top, sizeof(top), "%s: the model top z_iface(%d)", path, (int)s->nz + 1));
      PetscCall(PetscSNPrintf(where, sizeof(where),
                              "terrain(y, x) = (%" PetscInt_FMT ", %" PetscInt_FMT ")", j0 + j,
                              i0 + i));
      PetscCall(vertical_check_terrain(comm, s->nz, s->z_iface, terrain[j * ni + i], top, where,
                                       "bogda-grid writes no such file (it refuses a model top "
                                       "that low): rebuild the domain with bogda-grid"));
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode read_fields(int nc, const char *path, const GridSpec *s, const Patch *p,
                                  const Window *w, Domain *d)
{
  PetscInt nw = w->ni * w->nj, n2 = patch_size2(p);
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nw * PetscMax(LANDUSE_N, PetscMax(d->nrec, 1)), &a));
  PetscCall(PetscMalloc1(n2, &d->terrain));
  PetscCall(PetscMalloc1(n2 * LANDUSE_N, &d->landuse));
  PetscCall(PetscCalloc1(n2 * d->nrec + 1, &d->receptor_weight));
  PetscCall(check_coordinates(nc, path, w, a));
  PetscCall(read_window(nc, path, "terrain", w, 0, a));
  PetscCall(
      check_window(path, "terrain (m)", NULL, w, 0, a, DOMAIN_TERRAIN_MIN, DOMAIN_TERRAIN_MAX));
  PetscCall(domain_check_top(PETSC_COMM_SELF, path, s, w->i0, w->j0, w->ni, w->nj, a));
  for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
    for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++)
      d->terrain[patch_index2(p, i, j)] =
          a[(clamp(j, p->my) - w->j0) * w->ni + clamp(i, p->mx) - w->i0];
  PetscCall(read_window(nc, path, "landuse_fraction", w, LANDUSE_N, a));
  PetscCall(check_window(path, "landuse_fraction", "landuse", w, LANDUSE_N, a, 0,
                         1 + DOMAIN_FRACTION_TOL));
  for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
    for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++)
      for (PetscInt c = 0; c < LANDUSE_N; c++)
        d->landuse[patch_index2(p, i, j) * LANDUSE_N + c] =
            a[c * nw + (clamp(j, p->my) - w->j0) * w->ni + clamp(i, p->mx) - w->i0];
  if (d->nrec) {
    PetscCall(read_window(nc, path, "receptor_weight", w, d->nrec, a));
    PetscCall(check_window(path, "receptor_weight", "receptor", w, d->nrec, a, 0,
                           1 + DOMAIN_FRACTION_TOL));
  }
  for (PetscInt j = PetscMax(p->gys, 0); j < PetscMin(p->gys + p->gym, p->my); j++)
    for (PetscInt i = PetscMax(p->gxs, 0); i < PetscMin(p->gxs + p->gxm, p->mx); i++)
      for (PetscInt r = 0; r < d->nrec; r++)
        d->receptor_weight[patch_index2(p, i, j) * d->nrec + r] =
            a[r * nw + (j - w->j0) * w->ni + i - w->i0];
  PetscCall(PetscFree(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cover lists of a row of the window must follow each other in the file (the reader takes
   a row's lists as one slice), within its cover dimension. */
static PetscErrorCode check_cover_rows(const char *path, const Window *w, PetscInt ncover,
                                       const int *start, const int *count)
{
  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < w->nj; j++)
    for (PetscInt i = 0; i < w->ni; i++) {
      PetscInt k = j * w->ni + i, expect = i ? start[k - 1] + count[k - 1] : start[k];
      PetscCheck(
          count[k] >= 0 && start[k] >= 0 && start[k] == expect &&
              (PetscInt64)start[k] + count[k] <= (PetscInt64)ncover,
          PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
          "%s: cover_start, cover_count at (y, x) = (%" PetscInt_FMT ", %" PetscInt_FMT
          ") are %d, %d; expected a list of >= 0 entries starting at %" PetscInt_FMT
          " (where the previous cell's ends) and ending within the %" PetscInt_FMT " cover entries",
          path, w->j0 + j, w->i0 + i, start[k], count[k], i ? expect : (PetscInt)start[k], ncover);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cover entries of the window, row by row, then per ghosted column by clamping. */
static PetscErrorCode read_cover(int nc, const char *path, const Patch *p, const Window *w,
                                 Domain *d)
{
  PetscInt nw = w->ni * w->nj, n2 = patch_size2(p), total = 0, ncover, *first, *row_start;
  int vs, vc, vu, vf, *start, *count, *unit;
  PetscReal *frac;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc4(nw, &start, nw, &count, nw, &first, w->nj + 1, &row_start));
  NcCallFile(nc_inq_varid(nc, "cover_start", &vs), path);
  NcCallFile(nc_inq_varid(nc, "cover_count", &vc), path);
  NcCallFile(nc_inq_varid(nc, "cover_unit", &vu), path);
  NcCallFile(nc_inq_varid(nc, "cover_fraction", &vf), path);
  {
    size_t s[2] = {(size_t)w->j0, (size_t)w->i0}, c[2] = {(size_t)w->nj, (size_t)w->ni};
    NcCallFile(nc_get_vara_int(nc, vs, s, c, start), path);
    NcCallFile(nc_get_vara_int(nc, vc, s, c, count), path);
  }
  PetscCall(dim_len(nc, path, "cover", &ncover));
  PetscCall(check_cover_rows(path, w, ncover, start, count));
  for (PetscInt r = 0; r < w->nj; r++) {
    row_start[r] = total;
    total += start[r * w->ni + w->ni - 1] + count[r * w->ni + w->ni - 1] - start[r * w->ni];
  }
  row_start[w->nj] = total;
  PetscCall(PetscMalloc2(total + 1, &unit, total + 1, &frac));
  for (PetscInt r = 0; r < w->nj; r++) {
    size_t s = (size_t)start[r * w->ni], c = (size_t)(row_start[r + 1] - row_start[r]);
    NcCallFile(nc_get_vara_int(nc, vu, &s, &c, unit + row_start[r]), path);
    NcCallFile(nc_get_vara_double(nc, vf, &s, &c, frac + row_start[r]), path);
    for (PetscInt q = 0; q < w->ni; q++)
      first[r * w->ni + q] = row_start[r] + start[r * w->ni + q] - start[r * w->ni];
    for (PetscInt e = row_start[r]; e < row_start[r + 1]; e++) {
      PetscInt k = (PetscInt)s + e - row_start[r];
      PetscCall(
          check_index(path, "cover_unit", "cover", k, unit[e], PETSC_FALSE, d->nunit, "units"));
      PetscCheck(!PetscIsInfOrNanReal(frac[e]) && frac[e] >= 0 &&
                     frac[e] <= 1 + DOMAIN_FRACTION_TOL,
                 PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s: cover_fraction(cover = %" PetscInt_FMT ") = %g; expected a share of the cell "
                 "from 0 to 1",
                 path, k, frac[e]);
    }
  }
  PetscCall(PetscMalloc1(n2 + 1, &d->cover_start));
  d->cover_start[0] = 0;
  for (PetscInt pass = 0; pass < 2; pass++) {
    PetscInt e = 0;
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt k = (clamp(j, p->my) - w->j0) * w->ni + clamp(i, p->mx) - w->i0;
        for (PetscInt q = 0; q < count[k]; q++, e++)
          if (pass) {
            d->cover_unit[e] = unit[first[k] + q];
            d->cover_fraction[e] = frac[first[k] + q];
          }
        if (!pass) d->cover_start[patch_index2(p, i, j) + 1] = e;
      }
    if (!pass) PetscCall(PetscMalloc2(e + 1, &d->cover_unit, e + 1, &d->cover_fraction));
  }
  PetscCall(PetscFree2(unit, frac));
  PetscCall(PetscFree4(start, count, first, row_start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The data the domain file was built from (its source_data, bogda-grid's), for the provenance of
   every file the run writes (base/provenance.h); nothing if the file does not say. */
static PetscErrorCode note_sources(int nc)
{
  char text[4096];
  size_t len = 0;
  nc_type type;

  PetscFunctionBeginUser;
  if (nc_inq_att(nc, NC_GLOBAL, "source_data", &type, &len) == NC_NOERR && type == NC_CHAR &&
      len < sizeof(text) && nc_get_att_text(nc, NC_GLOBAL, "source_data", text) == NC_NOERR) {
    text[len] = '\0';
    PetscCall(provenance_note("source_data", text, PETSC_FALSE));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_read(const Grid *g, const char *path, Domain **out)
{
  const Patch *p = &g->patch;
  GridSpec spec;
  Window w;
  Domain *d;
  int nc;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, &nc));
  PetscCall(read_spec(nc, path, &spec));
  PetscCall(check_grid(path, &spec, &g->spec));
  PetscCall(PetscNew(&d));
  PetscCall(read_registries(nc, path, d));
  w.i0 = clamp(p->gxs, p->mx);
  w.j0 = clamp(p->gys, p->my);
  w.ni = clamp(p->gxs + p->gxm - 1, p->mx) - w.i0 + 1;
  w.nj = clamp(p->gys + p->gym - 1, p->my) - w.j0 + 1;
  PetscCall(read_fields(nc, path, &spec, p, &w, d));
  PetscCall(read_cover(nc, path, p, &w, d));
  PetscCall(note_sources(nc));
  NcCallFile(nc_close(nc), path);
  *out = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_read_registries(const char *path, Domain **out)
{
  Domain *d;
  int nc;

  PetscFunctionBeginUser;
  PetscCall(nc_open_input(path, &nc));
  PetscCall(PetscNew(&d));
  PetscCall(read_registries(nc, path, d));
  NcCallFile(nc_close(nc), path);
  *out = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode domain_destroy(Domain **dp)
{
  Domain *d = *dp;

  PetscFunctionBeginUser;
  if (!d) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(d->unit));
  PetscCall(PetscFree(d->pref));
  PetscCall(PetscFree(d->rec));
  PetscCall(PetscFree(d->terrain));
  PetscCall(PetscFree(d->landuse));
  PetscCall(PetscFree(d->receptor_weight));
  PetscCall(PetscFree(d->cover_start));
  PetscCall(PetscFree2(d->cover_unit, d->cover_fraction));
  PetscCall(PetscFree(*dp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
