/* Meteorology for the time loop: the chosen source's snapshots, interpolated linearly in time,
   and the quantities transport needs, derived in one place:

     air mass of cell (i,j,k)      M = rho dz A                       kg
     air-mass flux, west face      Fx = 1/2 (rho dz_(i-1) + rho dz_i) u_face Lx    kg s-1
     air-mass flux, south face     Fy = 1/2 (rho dz_(j-1) + rho dz_j) v_face Ly    kg s-1

   with A the true cell area and Lx, Ly the true face lengths (grids/metrics.c). The air mass is
   interpolated as (1 - w) M0 + w M1 so that it equals each snapshot's bits at the snapshot
   times; the fluxes and all other fields are taken at the middle of each step. The horizontal
   fluxes do not in general balance the change of air mass; advection_vertical diagnoses the
   vertical flux that closes each column (DESIGN.md "Known traps"). */
#include "model/met/met.h"
#include <stdio.h>
#include <string.h>
#include <petscsys.h>
#include "base/namelist.h"
#include "base/clock.h"
#include "model/registry.h"
#include "base/landuse.h"
#include "grids/vertical.h"

static const ParamSpec met_params[] = {
    {.key = "source",
     .units = "",
     .help = "meteorology source",
     .type = PARAM_ENUM,
     .def = 0,
     .offset = offsetof(MetParams, source),
     .choices = registry_met_source_names},
    {.key = "output",
     .help = "write the source's fields (winds, theta, T, Kz, rho, PBLH, u*, H, precipitation) to "
             "this CF-NetCDF file ('': none)",
     .type = PARAM_STRING,
     .offset = offsetof(MetParams, output),
     .sdef = ""},
    {.key = "output_interval",
     .units = "s",
     .help = "write the met snapshots at whole multiples of this interval since 1970-01-01Z (0: "
             "every snapshot)",
     .type = PARAM_REAL,
     .def = 0,
     .min = 0,
     .max = 1e7,
     .offset = offsetof(MetParams, output_interval)},
    {.key = NULL},
};

const ParamGroup met_group = {
    .name = "met", .title = "Meteorology", .params = met_params, .params_size = sizeof(MetParams)};

/* The 3D and 2D members of MetFields, for loops that treat them all alike. */
#define MET_N3 15
#define MET_N2 7
static PetscReal **fields3(MetFields *m, PetscInt n)
{
  PetscReal **list[MET_N3] = {
      &m->rho,          &m->dz,          &m->zmid, &m->temperature, &m->theta, &m->pressure,
      &m->rel_humidity, &m->cloud_water, &m->u,    &m->v,           &m->kz,    &m->w,
      &m->u_face,       &m->v_face,      NULL};
  return n < MET_N3 ? list[n] : NULL;
}
static PetscReal **fields2(MetFields *m, PetscInt n)
{
  PetscReal **list[MET_N2] = {&m->pblh,       &m->ustar, &m->hfx,    &m->precip,
                              &m->snow_cover, &m->t2,    &m->terrain};
  return n < MET_N2 ? list[n] : NULL;
}

PetscErrorCode met_fields_create(const Patch *p, MetFields **met)
{
  MetFields *m;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&m));
  for (PetscInt n = 0; fields3(m, n); n++) PetscCall(PetscCalloc1(patch_size3(p), fields3(m, n)));
  for (PetscInt n = 0; fields2(m, n); n++) PetscCall(PetscCalloc1(patch_size2(p), fields2(m, n)));
  PetscCall(PetscCalloc1(patch_size2(p) * LANDUSE_N, &m->landuse));
  *met = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_fields_destroy(MetFields **met)
{
  MetFields *m = *met;

  PetscFunctionBeginUser;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt n = 0; fields3(m, n); n++) PetscCall(PetscFree(*fields3(m, n)));
  for (PetscInt n = 0; fields2(m, n); n++) PetscCall(PetscFree(*fields2(m, n)));
  PetscCall(PetscFree(m->landuse));
  PetscCall(PetscFree(*met));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_read_source(MPI_Comm comm, MetParams *p, const MetSourceOps **ops)
{
  PetscFunctionBeginUser;
  PetscCall(namelist_read(comm, &met_group, p));
  *ops = registry_met_source(p->source);
  PetscCheck(!strcmp((*ops)->name, registry_met_source_names[p->source]), comm, PETSC_ERR_PLIB,
             "the met source registered as '%s' calls itself '%s'",
             registry_met_source_names[p->source], (*ops)->name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_create(const Grid *g, const MetSourceOps *ops, Met **met)
{
  Met *m;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&m));
  m->grid = g;
  m->ops = ops;
  PetscCall(ops->create(g, &m->ctx));
  for (PetscInt n = 0; n < 2; n++) {
    PetscCall(met_fields_create(&g->patch, &m->snap[n]));
    PetscCall(PetscCalloc1(patch_size3(&g->patch), &m->mass_snap[n]));
    m->snap_time[n] = PETSC_MIN_REAL;
  }
  PetscCall(met_fields_create(&g->patch, &m->now));
  PetscCall(PetscCalloc1(patch_size3(&g->patch), &m->air_mass_start));
  PetscCall(PetscCalloc1(patch_size3(&g->patch), &m->air_mass_end));
  PetscCall(PetscCalloc1(patch_size3(&g->patch), &m->flux_x));
  PetscCall(PetscCalloc1(patch_size3(&g->patch), &m->flux_y));
  *met = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_destroy(Met **met)
{
  Met *m = *met;

  PetscFunctionBeginUser;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(m->ops->destroy(&m->ctx));
  for (PetscInt n = 0; n < 2; n++) {
    PetscCall(met_fields_destroy(&m->snap[n]));
    PetscCall(PetscFree(m->mass_snap[n]));
  }
  for (PetscInt n = 0; n < m->ncache; n++) PetscCall(PetscFree(m->cache[n]));
  PetscCall(PetscFree4(m->cache, m->cache_time, m->cache_has_w, m->cache_used));
  PetscCall(spill_destroy(&m->spill));
  PetscCall(PetscFree2(m->spill_time, m->spill_has_w));
  PetscCall(met_fields_destroy(&m->now));
  PetscCall(PetscFree(m->air_mass_start));
  PetscCall(PetscFree(m->air_mass_end));
  PetscCall(PetscFree(m->flux_x));
  PetscCall(PetscFree(m->flux_y));
  PetscCall(PetscFree(*met));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Air mass of every ghosted cell of a snapshot. */
static void snapshot_mass(const Grid *g, const MetFields *s, PetscReal *mass)
{
  const Patch *p = &g->patch;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        mass[c] = s->rho[c] * s->dz[c] * g->area[patch_index2(p, i, j)];
      }
}

/* Whether v lies in [lo, hi] (false for a NaN). */
static PetscBool within(PetscReal v, PetscReal lo, PetscReal hi)
{
  return v >= lo && v <= hi ? PETSC_TRUE : PETSC_FALSE;
}

/* Stop on a snapshot value that transport cannot use, naming the source, the time, the field,
   the cell and the bound. */
static PetscErrorCode refuse_value(const Met *m, const MetFields *s, const char *field, PetscInt i,
                                   PetscInt j, PetscInt k, PetscReal v, const char *expected)
{
  char when[32], value[32];

  PetscFunctionBeginUser;
  clock_format(s->time, when, sizeof(when));
  snprintf(value, sizeof(value), "%g", (double)v); /* PETSc's printf would print "nan." */
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
          "met source '%s' at %s: %s = %s at cell (i, j, k) = (%" PetscInt_FMT ", %" PetscInt_FMT
          ", %" PetscInt_FMT "): expected %s; check the source's input (&met_%s)",
          m->ops->name, when, field, value, i, j, k, expected, m->ops->name);
}

/* Every source's snapshot, whatever its input, must have winds within MET_WIND_MAX and MET_W_MAX
   (met_source.h), positive air density and layers at least VERTICAL_DZ_MIN thick on the owned
   cells and their east and north faces: a wind of 1e6 m s-1 made the run sub-step for ever, and
   a negative density (a negative WRF pressure) put NaN in the state. Not collective: a rank that
   fails stops the job. */
static PetscErrorCode check_snapshot(const Met *m, const MetFields *s)
{
  const Patch *p = &m->grid->patch;
  char wind[192], vert[192], thick[64];

  PetscFunctionBeginUser;
  snprintf(wind, sizeof(wind), "|u| <= %.6g m s-1; more is " MET_WIND_WHY, MET_WIND_MAX);
  snprintf(vert, sizeof(vert), "|w| <= %.6g m s-1; more is " MET_WIND_WHY, MET_W_MAX);
  snprintf(thick, sizeof(thick), "a layer at least %.6g m thick (VERTICAL_DZ_MIN)",
           VERTICAL_DZ_MIN);
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j <= p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i <= p->xs + p->xm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        PetscBool owned = i < p->xs + p->xm && j < p->ys + p->ym ? PETSC_TRUE : PETSC_FALSE;
        if (j < p->ys + p->ym && !within(s->u_face[c], -MET_WIND_MAX, MET_WIND_MAX))
          PetscCall(refuse_value(m, s, "u_face (west face, m s-1)", i, j, k, s->u_face[c], wind));
        if (i < p->xs + p->xm && !within(s->v_face[c], -MET_WIND_MAX, MET_WIND_MAX))
          PetscCall(refuse_value(m, s, "v_face (south face, m s-1)", i, j, k, s->v_face[c], wind));
        if (!owned) continue;
        if (s->has_w && !within(s->w[c], -MET_W_MAX, MET_W_MAX))
          PetscCall(refuse_value(m, s, "w (m s-1)", i, j, k, s->w[c], vert));
        if (!(s->rho[c] > 0) || PetscIsInfOrNanReal(s->rho[c]))
          PetscCall(refuse_value(m, s, "air density (kg m-3)", i, j, k, s->rho[c],
                                 "a positive, finite density"));
        if (!(s->dz[c] >= VERTICAL_DZ_MIN) || PetscIsInfOrNanReal(s->dz[c]))
          PetscCall(refuse_value(m, s, "layer thickness dz (m)", i, j, k, s->dz[c], thick));
      }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The values of one packed snapshot record (met_snapshot_bytes). */
static PetscInt record_len(const Met *m)
{
  return (PetscInt)(met_snapshot_bytes(m) / sizeof(PetscReal));
}

/* Pack snapshot a and its air mass into record r (pack) or unpack r into them: the 3D fields,
   the air mass, the 2D fields, the land use. */
static void pack_snapshot(const Patch *p, MetFields *a, PetscReal *mass, PetscReal *r,
                          PetscBool pack)
{
  PetscInt n3 = patch_size3(p), n2 = patch_size2(p);
  PetscReal *at = r;

#define MOVE(x, len)                                                                               \
  do {                                                                                             \
    if (pack)                                                                                      \
      memcpy(at, (x), (size_t)(len) * sizeof(PetscReal));                                          \
    else                                                                                           \
      memcpy((x), at, (size_t)(len) * sizeof(PetscReal));                                          \
    at += (len);                                                                                   \
  } while (0)
  for (PetscInt n = 0; fields3(a, n); n++) MOVE(*fields3(a, n), n3);
  MOVE(mass, n3);
  for (PetscInt n = 0; fields2(a, n); n++) MOVE(*fields2(a, n), n2);
  MOVE(a->landuse, n2 * LANDUSE_N);
#undef MOVE
}

PetscErrorCode met_cache_enable(Met *m, PetscInt n)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ncache == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "met cache enabled twice");
  PetscCall(PetscCalloc4(n, &m->cache, n, &m->cache_time, n, &m->cache_has_w, n, &m->cache_used));
  for (PetscInt c = 0; c < n; c++) {
    PetscCall(PetscMalloc1(record_len(m), &m->cache[c]));
    m->cache_time[c] = PETSC_MIN_REAL;
  }
  m->ncache = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_cache_spill(Met *m, MPI_Comm comm, PetscInt64 n, const char *dir,
                               const char *name)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ncache > 0 && !m->spill, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE,
             "met_cache_spill: the cache is not enabled, or already spills");
  PetscCall(spill_create(comm, record_len(m), n, 0, dir, name,
                         "the met snapshots a backward run steps back over", &m->spill));
  PetscCall(PetscMalloc2(n, &m->spill_time, n, &m->spill_has_w));
  m->maxspill = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cache entry c is let go of: its record onto the disk tier, unless it is there already or
   the tier is full. */
static PetscErrorCode spill_entry(Met *m, PetscInt c)
{
  PetscFunctionBeginUser;
  if (!m->spill || m->cache_time[c] == PETSC_MIN_REAL || m->nspill == m->maxspill)
    PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt64 e = 0; e < m->nspill; e++)
    if (m->spill_time[e] == m->cache_time[c]) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(spill_put(m->spill, m->nspill, m->cache[c]));
  m->spill_time[m->nspill] = m->cache_time[c];
  m->spill_has_w[m->nspill++] = m->cache_has_w[c];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The record at t from the disk tier into cache entry c, if the tier holds it (*found). */
static PetscErrorCode unspill(Met *m, PetscReal t, PetscInt c, PetscBool *found)
{
  PetscFunctionBeginUser;
  *found = PETSC_FALSE;
  for (PetscInt64 e = 0; e < m->nspill && !*found; e++)
    if (m->spill_time[e] == t) {
      PetscCall(spill_get(m->spill, e, m->cache[c]));
      m->cache_has_w[c] = m->spill_has_w[e];
      *found = PETSC_TRUE;
      m->unspills++;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

double met_snapshot_bytes(const Met *m)
{
  const Patch *p = &m->grid->patch;
  /* The MET_N3 - 1 fields of fields3 (its list ends with NULL) and the air mass; the MET_N2
     fields of fields2 and the land use. */
  return 8.0 * ((double)MET_N3 * (double)patch_size3(p) +
                (double)(MET_N2 + LANDUSE_N) * (double)patch_size2(p));
}

PetscErrorCode met_interval(Met *m, PetscReal t, PetscReal *interval)
{
  PetscReal t0, t1;

  PetscFunctionBeginUser;
  PetscCall(m->ops->bracket(m->ctx, t, &t0, &t1));
  *interval = t1 - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The source's snapshot at t into s (and its air mass into mass): from the cache if it holds
   t, else from its disk tier if that does (read into the cache's least recently used entry,
   whose record goes to the tier first), else filled by the source, checked and packed into that
   entry. */
static PetscErrorCode take_snapshot(Met *m, PetscReal t, MetFields *s, PetscReal *mass)
{
  const Patch *p = &m->grid->patch;
  PetscInt oldest = 0;
  PetscBool found = PETSC_FALSE;

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < m->ncache; c++) {
    if (m->cache_time[c] == t) {
      pack_snapshot(p, s, mass, m->cache[c], PETSC_FALSE);
      s->time = t;
      s->has_w = m->cache_has_w[c];
      m->cache_used[c] = ++m->uses;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    if (m->cache_used[c] < m->cache_used[oldest]) oldest = c;
  }
  if (m->ncache) {
    PetscCall(spill_entry(m, oldest));
    m->cache_time[oldest] = PETSC_MIN_REAL; /* until it holds t */
    PetscCall(unspill(m, t, oldest, &found));
  }
  if (found) {
    pack_snapshot(p, s, mass, m->cache[oldest], PETSC_FALSE);
    s->time = t;
    s->has_w = m->cache_has_w[oldest];
  } else {
    PetscCall(m->ops->fill(m->ctx, m->grid, t, s));
    m->fills++;
    s->time = t;
    PetscCall(check_snapshot(m, s));
    snapshot_mass(m->grid, s, mass);
    if (m->ncache) {
      pack_snapshot(p, s, mass, m->cache[oldest], PETSC_TRUE);
      m->cache_has_w[oldest] = s->has_w;
    }
  }
  if (m->ncache) {
    m->cache_time[oldest] = t;
    m->cache_used[oldest] = ++m->uses;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Make snap[0], snap[1] the source's snapshots bracketing t (reusing one already read). */
static PetscErrorCode load_bracket(Met *m, PetscReal t)
{
  PetscReal t0, t1;

  PetscFunctionBeginUser;
  PetscCall(m->ops->bracket(m->ctx, t, &t0, &t1));
  if (m->snap_time[0] == t0 && m->snap_time[1] == t1) PetscFunctionReturn(PETSC_SUCCESS);
  if (m->snap_time[1] == t0) { /* slide forward */
    MetFields *tmp = m->snap[0];
    PetscReal *tmass = m->mass_snap[0];
    m->snap[0] = m->snap[1];
    m->mass_snap[0] = m->mass_snap[1];
    m->snap[1] = tmp;
    m->mass_snap[1] = tmass;
    m->snap_time[0] = t0;
  } else {
    PetscCall(take_snapshot(m, t0, m->snap[0], m->mass_snap[0]));
    m->snap_time[0] = t0;
  }
  PetscCall(take_snapshot(m, t1, m->snap[1], m->mass_snap[1]));
  m->snap_time[1] = t1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void interpolate(PetscInt n, const PetscReal *a, const PetscReal *b, PetscReal w,
                        PetscReal *out)
{
  for (PetscInt c = 0; c < n; c++) out[c] = (1 - w) * a[c] + w * b[c];
}

/* Face air-mass fluxes from the interpolated fields. The outermost ghost row and column have
   no upwind neighbour; their faces are given the neighbouring face's column mass. */
static void face_fluxes(const Grid *g, const MetFields *s, PetscReal *fx, PetscReal *fy)
{
  const Patch *p = &g->patch;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt c = patch_index(p, i, j, k), c2 = patch_index2(p, i, j);
        PetscInt cw = i > p->gxs ? patch_index(p, i - 1, j, k) : c;
        PetscInt cs = j > p->gys ? patch_index(p, i, j - 1, k) : c;
        PetscReal colx = 0.5 * (s->rho[cw] * s->dz[cw] + s->rho[c] * s->dz[c]);
        PetscReal coly = 0.5 * (s->rho[cs] * s->dz[cs] + s->rho[c] * s->dz[c]);
        fx[c] = colx * s->u_face[c] * g->width_x[c2];
        fy[c] = coly * s->v_face[c] * g->width_y[c2];
      }
}

PetscErrorCode met_check_step(Met *m, PetscReal t, PetscReal dt)
{
  PetscReal t0, t1, ratio;

  PetscFunctionBeginUser;
  PetscCall(m->ops->bracket(m->ctx, t, &t0, &t1));
  ratio = (t1 - t0) / dt;
  PetscCheck(PetscAbsReal(ratio - PetscFloorReal(ratio + 0.5)) < 1e-9 && ratio >= 1, m->grid->comm,
             PETSC_ERR_ARG_INCOMP,
             "the met interval %g s of source '%s' is not a whole multiple of the time step "
             "run_dt = %g s; choose run_dt to divide it",
             (double)(t1 - t0), m->ops->name, (double)dt);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_advance(Met *m, PetscReal t, PetscReal dt)
{
  const Patch *p = &m->grid->patch;
  PetscInt n3 = patch_size3(p), n2 = patch_size2(p);
  PetscReal t0, t1, w0, w1, wmid;

  PetscFunctionBeginUser;
  PetscCall(load_bracket(m, t + 0.5 * dt));
  t0 = m->snap_time[0];
  t1 = m->snap_time[1];
  w0 = (t - t0) / (t1 - t0);
  w1 = (t + dt - t0) / (t1 - t0);
  wmid = (t + 0.5 * dt - t0) / (t1 - t0);
  PetscCheck(w0 >= -1e-12 && w1 <= 1 + 1e-12, m->grid->comm, PETSC_ERR_PLIB,
             "step [%g, %g] s straddles met snapshots at %g and %g s", (double)t, (double)(t + dt),
             (double)t0, (double)t1);
  interpolate(n3, m->mass_snap[0], m->mass_snap[1], w0, m->air_mass_start);
  interpolate(n3, m->mass_snap[0], m->mass_snap[1], w1, m->air_mass_end);
  for (PetscInt n = 0; fields3(m->now, n); n++)
    interpolate(n3, *fields3(m->snap[0], n), *fields3(m->snap[1], n), wmid, *fields3(m->now, n));
  for (PetscInt n = 0; fields2(m->now, n); n++)
    interpolate(n2, *fields2(m->snap[0], n), *fields2(m->snap[1], n), wmid, *fields2(m->now, n));
  interpolate(n2 * LANDUSE_N, m->snap[0]->landuse, m->snap[1]->landuse, wmid, m->now->landuse);
  m->now->time = t + 0.5 * dt;
  m->now->has_w = m->snap[0]->has_w;
  face_fluxes(m->grid, m->now, m->flux_x, m->flux_y);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_air_mass_at(Met *m, PetscReal t, PetscReal *mass)
{
  PetscReal w;

  PetscFunctionBeginUser;
  PetscCall(load_bracket(m, t));
  w = (t - m->snap_time[0]) / (m->snap_time[1] - m->snap_time[0]);
  interpolate(patch_size3(&m->grid->patch), m->mass_snap[0], m->mass_snap[1], w, mass);
  PetscFunctionReturn(PETSC_SUCCESS);
}

void met_set_fields(const Met *m, Fields *f)
{
  const MetFields *s = m->now;
  f->air_mass_next = m->air_mass_end;
  f->flux_x = m->flux_x;
  f->flux_y = m->flux_y;
  f->rho = s->rho;
  f->dz = s->dz;
  f->zmid = s->zmid;
  f->temperature = s->temperature;
  f->theta = s->theta;
  f->pressure = s->pressure;
  f->rel_humidity = s->rel_humidity;
  f->cloud_water = s->cloud_water;
  f->u = s->u;
  f->v = s->v;
  f->kz = s->kz;
  f->pblh = s->pblh;
  f->ustar = s->ustar;
  f->hfx = s->hfx;
  f->precip = s->precip;
  f->snow_cover = s->snow_cover;
  f->t2 = s->t2;
  f->land_use = s->landuse;
  f->terrain = s->terrain;
}
