/* The run's gridded output. One file per segment between checkpoints,
   "<dir>/<name>_<start>.nc" (start as YYYYmmddTHHMMZ), with records every run_output_hours:
     <species>          surface mass concentration, ug m-3          (time, y, x)
     <species>_3d       mass concentration in every layer, ug m-3  (time, lev, y, x), if three_d
     pm25               primary PM2.5 + sulfate + nitrate + ammonium, ug m-3 (time, y, x)
     dry_dep_<species>, wet_dep_<species>   accumulated since the run start, kg m-2
     <species>_tag      surface concentration by tag, ug m-3       (time, tag, y, x), if tags
   Concentrations are the state's mixing ratios times the air density at the record time
   (air mass at the end of the step over the cell volume); base/units.h holds the factor. */
#include "model/output/history.h"
#include <stdio.h>
#include <string.h>
#include "model/output/output.h"
#include "base/clock.h"
#include "base/namelist.h"
#include "base/units.h"
#include "physics/species.h"

typedef struct {
  char species[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt nspecies;
  PetscBool three_d, deposition, tags;
} Params;

static const ParamSpec params_table[] = {
    {.key = "species",
     .help = "species to write (default: all)",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, species),
     .count_offset = offsetof(Params, nspecies)},
    {.key = "three_d",
     .help = "also write every layer",
     .type = PARAM_BOOL,
     .def = 0,
     .offset = offsetof(Params, three_d)},
    {.key = "deposition",
     .help = "write accumulated dry and wet deposition",
     .type = PARAM_BOOL,
     .def = 1,
     .offset = offsetof(Params, deposition)},
    {.key = "tags",
     .help = "write surface concentrations by tag for the chosen species",
     .type = PARAM_BOOL,
     .def = 0,
     .offset = offsetof(Params, tags)},
    {.key = NULL},
};

const ParamGroup history_group = {.name = "output",
                                  .title = "Gridded output",
                                  .params = params_table,
                                  .params_size = sizeof(Params)};

typedef struct {
  PetscInt s; /* species index */
  PetscInt id_surface, id_3d, id_dry, id_wet, id_tag;
} VarIds;

struct History {
  Params p;
  MPI_Comm comm;
  const Grid *grid; /* borrowed */
  const State *st;  /* borrowed */
  const Tags *tags; /* borrowed */
  char dir[PARAM_STRING_LEN], name[PARAM_STRING_LEN];
  PetscInt nout; /* species written */
  VarIds *var;   /* owned */
  PetscInt id_pm25;
  OutputFile *file;  /* the open segment, or NULL */
  PetscReal *rho;    /* air density at the record time, kg m-3, 3D ghosted; owned */
  PetscReal *pm25;   /* PM2.5 mixing ratio, kg kg-1, 3D ghosted; owned */
  PetscReal *zmid;   /* nominal layer-centre heights, nz; owned */
  PetscReal closure; /* largest closure deviation in the segment */
  char first_file[PETSC_MAX_PATH_LEN];
  PetscInt nfiles;
};

PetscErrorCode history_create(MPI_Comm comm, const Grid *g, const State *st, const Tags *tags,
                              const char *dir, const char *name, History **hist)
{
  History *h;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&h));
  PetscCall(namelist_read(comm, &history_group, &h->p));
  h->comm = comm;
  h->grid = g;
  h->st = st;
  h->tags = tags;
  PetscCall(PetscStrncpy(h->dir, dir, sizeof(h->dir)));
  PetscCall(PetscStrncpy(h->name, name, sizeof(h->name)));
  h->nout = h->p.nspecies ? h->p.nspecies : st->nspec;
  PetscCall(PetscCalloc1(h->nout, &h->var));
  for (PetscInt n = 0; n < h->nout; n++) {
    h->var[n].s = h->p.nspecies ? species_find(st->patch.species, st->nspec, h->p.species[n]) : n;
    PetscCheck(h->var[n].s >= 0, comm, PETSC_ERR_USER,
               "output_species: unknown species '%s' (see the species table in physics/species.c)",
               h->p.species[n]);
  }
  PetscCheck(!h->p.tags || tags->ntag > 0, comm, PETSC_ERR_USER,
             "output_tags = .true. needs tags_enabled = .true.");
  PetscCall(PetscCalloc1(patch_size3(&g->patch), &h->rho));
  PetscCall(PetscCalloc1(patch_size3(&g->patch), &h->pm25));
  PetscCall(PetscCalloc1(g->spec.nz, &h->zmid));
  *hist = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_destroy(History **hist)
{
  History *h = *hist;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(output_close(&h->file));
  PetscCall(PetscFree(h->var));
  PetscCall(PetscFree(h->rho));
  PetscCall(PetscFree(h->pm25));
  PetscCall(PetscFree(h->zmid));
  PetscCall(PetscFree(*hist));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode define_species(History *h, VarIds *v)
{
  const SpeciesInfo *sp = &h->st->patch.species[v->s];
  char name[PARAM_STRING_LEN], lname[PARAM_STRING_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(lname, sizeof(lname), "surface mass concentration of %s", sp->long_name));
  PetscCall(output_def_var(h->file, sp->name, OUTPUT_2D, "ug m-3", sp->standard_name, lname,
                           &v->id_surface));
  if (h->p.three_d) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_3d", sp->name));
    PetscCall(PetscSNPrintf(lname, sizeof(lname), "mass concentration of %s", sp->long_name));
    PetscCall(
        output_def_var(h->file, name, OUTPUT_3D, "ug m-3", sp->standard_name, lname, &v->id_3d));
  }
  if (h->p.deposition) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "dry_dep_%s", sp->name));
    PetscCall(PetscSNPrintf(lname, sizeof(lname),
                            "dry deposition of %s accumulated since the run start", sp->long_name));
    PetscCall(output_def_var(h->file, name, OUTPUT_2D, "kg m-2", NULL, lname, &v->id_dry));
    PetscCall(PetscSNPrintf(name, sizeof(name), "wet_dep_%s", sp->name));
    PetscCall(PetscSNPrintf(lname, sizeof(lname),
                            "wet deposition of %s accumulated since the run start", sp->long_name));
    PetscCall(output_def_var(h->file, name, OUTPUT_2D, "kg m-2", NULL, lname, &v->id_wet));
  }
  if (h->p.tags) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_tag", sp->name));
    PetscCall(PetscSNPrintf(lname, sizeof(lname),
                            "surface mass concentration of %s by attribution tag", sp->long_name));
    PetscCall(output_def_var(h->file, name, OUTPUT_2D_TAG, "ug m-3", NULL, lname, &v->id_tag));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The file of the segment starting at t. */
static PetscErrorCode segment_path(const History *h, PetscReal t, char *path, size_t len)
{
  char when[32];

  PetscFunctionBeginUser;
  clock_format_compact(t, when, sizeof(when));
  PetscCall(PetscSNPrintf(path, len, "%s/%s_%s.nc", h->dir, h->name, when));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_open(History *h, PetscReal t)
{
  char path[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(segment_path(h, t, path, sizeof(path)));
  if (!h->nfiles++) PetscCall(PetscStrncpy(h->first_file, path, sizeof(h->first_file)));
  for (PetscInt k = 0; k < h->grid->spec.nz; k++)
    h->zmid[k] = 0.5 * (h->grid->spec.z_iface[k] + h->grid->spec.z_iface[k + 1]);
  PetscCall(output_open(h->grid, path, "Bogda air-quality model output", h->zmid, &h->file));
  if (h->p.tags)
    PetscCall(output_def_tags(h->file, h->tags->ntag, (const char *const *)h->tags->label));
  for (PetscInt n = 0; n < h->nout; n++) PetscCall(define_species(h, &h->var[n]));
  /* pm25 is a dry sum of the model's components, not the ambient (wet) aerosol that
     mass_concentration_of_pm2p5_ambient_aerosol_particles_in_air names. The CF standard-name
     table (version 83) has no dry PM2.5 mass concentration (only mass_fraction_of_pm2p5_dry_
     aerosol_particles_in_air, a mass fraction, and dry names for single components such as
     sulfate), so pm25 carries a long_name and no standard_name. */
  PetscCall(output_def_var(h->file, "pm25", OUTPUT_2D, "ug m-3", NULL,
                           "surface dry PM2.5: primary PM2.5 + sulfate + nitrate + ammonium (no "
                           "aerosol water)",
                           &h->id_pm25));
  PetscCall(output_end_def(h->file));
  h->closure = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Air density at the record time, and the PM2.5 mixing ratio. */
static void derive(History *h, const Met *met, const PetscReal *q)
{
  const Patch *p = &h->st->patch;
  const SpeciesInfo *sp = p->species;
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->gys; j < p->gys + p->gym; j++)
      for (PetscInt i = p->gxs; i < p->gxs + p->gxm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        PetscReal sum = 0;
        h->rho[c] = met->air_mass_end[c] / (met->now->dz[c] * h->grid->area[patch_index2(p, i, j)]);
        for (PetscInt s = 0; s < p->nspec; s++)
          if (sp[s].in_pm25) sum += q[c * p->nspec + s];
        h->pm25[c] = sum;
      }
}

PetscErrorCode history_write(History *h, PetscReal t, const Met *met, const PetscReal *budget)
{
  const PetscReal *q, *tag = NULL, *dry, *wet;
  PetscInt ns = h->st->nspec, nt = h->st->ntag;

  PetscFunctionBeginUser;
  (void)budget;
  PetscCall(VecGetArrayRead(h->st->q, &q));
  PetscCall(VecGetArrayRead(h->st->dep_dry, &dry));
  PetscCall(VecGetArrayRead(h->st->dep_wet, &wet));
  if (h->st->tag) PetscCall(VecGetArrayRead(h->st->tag, &tag));
  derive(h, met, q);
  PetscCall(output_new_time(h->file, t));
  for (PetscInt n = 0; n < h->nout; n++) {
    const VarIds *v = &h->var[n];
    PetscCall(output_write(h->file, v->id_surface, q, ns, v->s, h->rho, UNITS_UG_PER_KG));
    if (h->p.three_d)
      PetscCall(output_write(h->file, v->id_3d, q, ns, v->s, h->rho, UNITS_UG_PER_KG));
    if (h->p.deposition) {
      PetscCall(output_write(h->file, v->id_dry, dry, ns, v->s, NULL, 1));
      PetscCall(output_write(h->file, v->id_wet, wet, ns, v->s, NULL, 1));
    }
    if (h->p.tags)
      PetscCall(output_write(h->file, v->id_tag, tag, ns * nt, v->s * nt, h->rho, UNITS_UG_PER_KG));
  }
  PetscCall(output_write(h->file, h->id_pm25, h->pm25, 1, 0, h->rho, UNITS_UG_PER_KG));
  if (tag) PetscCall(VecRestoreArrayRead(h->st->tag, &tag));
  PetscCall(VecRestoreArrayRead(h->st->dep_wet, &wet));
  PetscCall(VecRestoreArrayRead(h->st->dep_dry, &dry));
  PetscCall(VecRestoreArrayRead(h->st->q, &q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_closure(History *h, PetscReal deviation)
{
  PetscFunctionBeginUser;
  h->closure = PetscMax(h->closure, deviation);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_close(History *h)
{
  PetscFunctionBeginUser;
  PetscCall(output_close(&h->file));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_close_partial(History *h, PetscReal t)
{
  PetscFunctionBeginUser;
  PetscCall(output_close_partial(&h->file, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_resume(History *h, PetscReal t0, PetscReal t, PetscInt expect,
                              PartialResume *how)
{
  char path[PETSC_MAX_PATH_LEN];
  PartialStatus status;
  PetscInt nrec;

  PetscFunctionBeginUser;
  PetscCall(segment_path(h, t0, path, sizeof(path)));
  PetscCall(partial_probe(h->comm, path, t, &status));
  *how = status == PARTIAL_USABLE ? RESUME_CONTINUED : RESUME_ANEW;
  if (*how == RESUME_ANEW) {
    PetscCall(history_open(h, t));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(history_open(h, t0));
  PetscCall(output_resume(h->file, t, &nrec));
  PetscCall(partial_check_count(h->comm, path, nrec, expect));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_summary(History *h, const PetscReal *budget)
{
  PetscReal *total;
  PetscInt ns = h->st->nspec;
  static const char *const term[BUDGET_NTERMS] = {"emitted", "dry dep", "wet dep", "chem +",
                                                  "chem -",  "inflow",  "outflow"};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(BUDGET_NTERMS * ns, &total));
  PetscCallMPI(
      MPI_Allreduce(budget, total, (PetscMPIInt)(BUDGET_NTERMS * ns), MPIU_REAL, MPI_SUM, h->comm));
  PetscCall(PetscPrintf(h->comm, "budget over the run, kg:\n%-8s", "species"));
  for (PetscInt b = 0; b < BUDGET_NTERMS; b++) PetscCall(PetscPrintf(h->comm, " %11s", term[b]));
  PetscCall(PetscPrintf(h->comm, "\n"));
  for (PetscInt s = 0; s < ns; s++) {
    PetscCall(PetscPrintf(h->comm, "%-8s", h->st->patch.species[s].name));
    for (PetscInt b = 0; b < BUDGET_NTERMS; b++)
      PetscCall(PetscPrintf(h->comm, " %11.4e", (double)total[b * ns + s]));
    PetscCall(PetscPrintf(h->comm, "\n"));
  }
  PetscCall(PetscPrintf(h->comm, "output: %" PetscInt_FMT " file(s) in %s, the first %s\n",
                        h->nfiles, h->dir, h->first_file));
  PetscCall(PetscFree(total));
  PetscFunctionReturn(PETSC_SUCCESS);
}
