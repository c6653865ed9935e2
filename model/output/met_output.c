/* met_output (see met_output.h): one record per met snapshot that is due, in a file written
   through model/output/output.c (parallel, CF-1.8, grid mapping "crs", 2D lat/lon; named
   "<path>.tmp" until closed). Variables, at the snapshot time: u, v          earth-relative wind at
   the cell centre, m s-1: the grid-relative (u, v) turned by the projection's rotation a at the
   cell's longitude, u_e = u cos a + v sin a,  v_e = -u sin a + v cos a   (grids/projection.h) w
   vertical wind at the cell centre, m s-1 (sources that have it: wrf) theta, temperature (K), rho
   (kg m-3), kz (m2 s-1, at the layer's top interface) pblh (m), ustar (m s-1), hfx (W m-2), precip
   (mm h-1) zmid, zface   heights of the layer centre and of its top interface above ground, m
     terrain       surface height above sea level, m
   A snapshot is due when interval is 0 or its time is a whole multiple of interval since
   1970-01-01Z (interval 10800: 00, 03, 06 ... UTC). */
#include "model/output/met_output.h"
#include "model/output/output.h"

typedef enum {
  O_U,
  O_V,
  O_W,
  O_THETA,
  O_T,
  O_RHO,
  O_KZ,
  O_PBLH,
  O_USTAR,
  O_HFX,
  O_PRECIP,
  O_ZMID,
  O_ZFACE,
  O_TERRAIN,
  O_N
} Var;

static const struct {
  const char *name, *units, *standard, *long_name;
  OutputShape shape;
} vars[O_N] = {
    {"u", "m s-1", "eastward_wind", "eastward wind at the cell centre", OUTPUT_3D},
    {"v", "m s-1", "northward_wind", "northward wind at the cell centre", OUTPUT_3D},
    {"w", "m s-1", "upward_air_velocity", "vertical wind at the cell centre", OUTPUT_3D},
    {"theta", "K", "air_potential_temperature", "potential temperature", OUTPUT_3D},
    {"temperature", "K", "air_temperature", "air temperature", OUTPUT_3D},
    {"rho", "kg m-3", "air_density", "air density", OUTPUT_3D},
    {"kz", "m2 s-1", "atmosphere_heat_diffusivity",
     "vertical diffusivity at the top interface of the layer", OUTPUT_3D},
    {"pblh", "m", "atmosphere_boundary_layer_thickness", "boundary-layer height", OUTPUT_2D},
    {"ustar", "m s-1", NULL, "friction velocity", OUTPUT_2D},
    {"hfx", "W m-2", "surface_upward_sensible_heat_flux", "upward surface sensible heat flux",
     OUTPUT_2D},
    {"precip", "mm h-1", "lwe_precipitation_rate", "surface precipitation rate", OUTPUT_2D},
    {"zmid", "m", "height", "height of the layer centre above ground", OUTPUT_3D},
    {"zface", "m", "height", "height of the layer's top interface above ground", OUTPUT_3D},
    {"terrain", "m", "surface_altitude", "terrain height above sea level", OUTPUT_2D},
};

struct MetOutput {
  const Grid *g; /* borrowed */
  char path[PETSC_MAX_PATH_LEN], source[64];
  PetscReal interval, last;
  PetscReal resume; /* the time of the checkpoint a resumed run starts from, or PETSC_MIN_REAL */
  OutputFile *file; /* owned; NULL before the first record */
  PetscInt id[O_N];
  PetscReal *ue, *ve; /* earth-relative winds, 3D ghosted; owned */
  PetscReal *zf;      /* layer-top heights above ground, 3D ghosted; owned */
  PetscReal *zmid;    /* nominal layer-centre heights; owned */
};

PetscErrorCode met_output_create(const Grid *g, const char *path, PetscReal interval,
                                 const char *source, MetOutput **out)
{
  MetOutput *o;
  PetscInt n3 = patch_size3(&g->patch);

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&o));
  PetscCall(PetscCalloc4(n3, &o->ue, n3, &o->ve, n3, &o->zf, g->spec.nz, &o->zmid));
  PetscCall(PetscStrncpy(o->path, path, sizeof(o->path)));
  PetscCall(PetscStrncpy(o->source, source, sizeof(o->source)));
  o->g = g;
  o->interval = interval;
  o->last = PETSC_MIN_REAL;
  o->resume = PETSC_MIN_REAL;
  for (PetscInt k = 0; k < g->spec.nz; k++)
    o->zmid[k] = 0.5 * (g->spec.z_iface[k] + g->spec.z_iface[k + 1]);
  *out = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode open_file(MetOutput *o, PetscBool has_w)
{
  PetscFunctionBeginUser;
  PetscCall(output_open(o->g, o->path, "Bogda meteorology (met_output)", o->zmid, &o->file));
  PetscCall(output_attribute(o->file, "met_source", o->source));
  for (PetscInt n = 0; n < O_N; n++) {
    o->id[n] = -1;
    if (n == O_W && !has_w) continue;
    PetscCall(output_def_var(o->file, vars[n].name, vars[n].shape, vars[n].units, vars[n].standard,
                             vars[n].long_name, &o->id[n]));
  }
  PetscCall(output_end_def(o->file));
  if (o->resume > PETSC_MIN_REAL) {
    PartialStatus status;
    PetscInt nrec;
    PetscCall(partial_probe(o->g->comm, o->path, o->resume, &status));
    if (status == PARTIAL_STALE)
      PetscCall(PetscPrintf(o->g->comm,
                            "WARNING: %s.part ends before the restart; %s starts anew at it\n",
                            o->path, o->path));
    if (status == PARTIAL_USABLE) {
      PetscCall(output_resume(o->file, o->resume, &nrec));
      o->last = o->resume; /* the snapshots up to the restart are in */
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_output_resume(MetOutput *o, PetscReal t_end)
{
  PetscFunctionBeginUser;
  if (o) o->resume = t_end;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_output_close_partial(MetOutput *o, PetscReal t)
{
  PetscFunctionBeginUser;
  if (o) PetscCall(output_close_partial(&o->file, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Earth-relative winds at the cell centres, and the layer tops. */
static void earth_winds(MetOutput *o, const MetFields *s)
{
  const Patch *p = &o->g->patch;
  for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
    for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
      PetscReal a = projection_rotation(&o->g->spec.proj, o->g->lon[patch_index2(p, i, j)]),
                ca = PetscCosReal(a), sa = PetscSinReal(a);
      for (PetscInt k = 0; k < p->mz; k++) {
        PetscInt c = patch_index(p, i, j, k);
        o->ue[c] = s->u[c] * ca + s->v[c] * sa;
        o->ve[c] = -s->u[c] * sa + s->v[c] * ca;
        o->zf[c] = s->zmid[c] + 0.5 * s->dz[c];
      }
    }
}

PetscErrorCode met_output_write(MetOutput *o, const MetFields *s)
{
  const PetscReal *field[O_N];

  PetscFunctionBeginUser;
  if (!o || s->time <= o->last) PetscFunctionReturn(PETSC_SUCCESS);
  if (o->interval > 0 &&
      PetscAbsReal(s->time / o->interval - PetscFloorReal(s->time / o->interval + 0.5)) > 1e-9)
    PetscFunctionReturn(PETSC_SUCCESS);
  if (!o->file) PetscCall(open_file(o, s->has_w));
  if (s->time <= o->last) PetscFunctionReturn(PETSC_SUCCESS); /* a resumed file holds it */
  earth_winds(o, s);
  field[O_U] = o->ue;
  field[O_V] = o->ve;
  field[O_W] = s->w;
  field[O_THETA] = s->theta;
  field[O_T] = s->temperature;
  field[O_RHO] = s->rho;
  field[O_KZ] = s->kz;
  field[O_PBLH] = s->pblh;
  field[O_USTAR] = s->ustar;
  field[O_HFX] = s->hfx;
  field[O_PRECIP] = s->precip;
  field[O_ZMID] = s->zmid;
  field[O_ZFACE] = o->zf;
  field[O_TERRAIN] = s->terrain;
  PetscCall(output_new_time(o->file, s->time));
  for (PetscInt n = 0; n < O_N; n++)
    if (o->id[n] >= 0) PetscCall(output_write(o->file, o->id[n], field[n], 1, 0, NULL, 1));
  o->last = s->time;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode met_output_destroy(MetOutput **out)
{
  PetscFunctionBeginUser;
  if (!*out) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(output_close(&(*out)->file));
  PetscCall(PetscFree4((*out)->ue, (*out)->ve, (*out)->zf, (*out)->zmid));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
