/* The run's gridded output. One file per segment between checkpoints,
   "<dir>/<name>_<start>.nc" (start as YYYYmmddTHHMMZ), with records every run_output_hours,
   concentrations as means over the interval that ends at the record time (output_averaging =
   'mean', the default: CF time_bnds and cell_methods "time: mean", the average of the values at
   the end of the interval's steps, as CMAQ's ACONC and CAMx's average files) or as the state at
   that time ('instant', as CMAQ's CONC):
     <species>          surface mass concentration, ug m-3          (time, y, x)
     <species>_3d       mass concentration in every layer, ug m-3  (time, lev, y, x), if three_d
     pm25               primary PM2.5 + sulfate + nitrate + ammonium, ug m-3 (time, y, x)
     dry_dep_<species>, wet_dep_<species>   accumulated since the run start, kg m-2
     <species>_tag      surface concentration by tag, ug m-3       (time, tag, y, x), if tags
   Concentrations are the state's mixing ratios times the air density at the end of the step
   (air mass at the end of the step over the cell volume); base/units.h holds the factor.
   Checkpoints fall on record times and a stopped run stops at one (model/run.c), so no interval
   is cut by a restart. */
#include "model/output/history.h"
#include <stdio.h>
#include <string.h>
#include "model/output/output.h"
#include "base/clock.h"
#include "base/namelist.h"
#include "base/units.h"
#include "physics/species.h"

static const char *const averaging_names[] = {"mean", "instant", NULL};
enum { AVERAGING_MEAN, AVERAGING_INSTANT };

typedef struct {
  char species[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt nspecies, averaging;
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
    {.key = "averaging",
     .help = "concentration records: 'mean' over each output interval (CF time_bnds, cell_methods "
             "time: mean; the average of the values at the end of its steps, as CMAQ's ACONC) or "
             "'instant' (the state at the record time, as CMAQ's CONC); deposition is always the "
             "amount accumulated since the run start",
     .type = PARAM_ENUM,
     .def = AVERAGING_MEAN,
     .offset = offsetof(Params, averaging),
     .choices = averaging_names},
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
  OutputFile *file; /* the open segment, or NULL */
  /* Concentrations at the end of the step (now) and their sums over the interval's steps (acc),
     ug m-3, ghosted layouts (only owned cells are set): surface [patch_index2*nout + n], 3D
     [patch_index*nout + n] (three_d), tags [(patch_index2*nout + n)*ntag + m] (tags), PM2.5
     [patch_index2]; owned. */
  PetscReal *now[4], *acc[4];
  PetscInt nacc;     /* steps summed in acc */
  PetscReal t_last;  /* the end of the last record's interval (the segment's start at first) */
  PetscReal *zmid;   /* nominal layer-centre heights, nz; owned */
  PetscReal closure; /* largest closure deviation in the segment */
  char first_file[PETSC_MAX_PATH_LEN];
  PetscInt nfiles;
};

/* The lengths of h->now[a]. */
static PetscInt now_len(const History *h, PetscInt a)
{
  PetscInt n2 = patch_size2(&h->st->patch), n3 = patch_size3(&h->st->patch);
  PetscInt len[4] = {n2 * h->nout, h->p.three_d ? n3 * h->nout : 0,
                     h->p.tags ? n2 * h->nout * h->st->ntag : 0, n2};
  return len[a];
}

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
  for (PetscInt a = 0; a < 4; a++) {
    PetscCall(PetscCalloc1(now_len(h, a) + 1, &h->now[a]));
    PetscCall(PetscCalloc1(h->p.averaging == AVERAGING_MEAN ? now_len(h, a) + 1 : 1, &h->acc[a]));
  }
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
  for (PetscInt a = 0; a < 4; a++) {
    PetscCall(PetscFree(h->now[a]));
    PetscCall(PetscFree(h->acc[a]));
  }
  PetscCall(PetscFree(h->zmid));
  PetscCall(PetscFree(*hist));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A concentration variable of a file of means says so. */
static PetscErrorCode cell_methods(History *h, PetscInt id)
{
  PetscFunctionBeginUser;
  if (h->p.averaging == AVERAGING_MEAN)
    PetscCall(output_var_attribute(h->file, id, "cell_methods", "time: mean"));
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
  PetscCall(cell_methods(h, v->id_surface));
  if (h->p.three_d) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_3d", sp->name));
    PetscCall(PetscSNPrintf(lname, sizeof(lname), "mass concentration of %s", sp->long_name));
    PetscCall(
        output_def_var(h->file, name, OUTPUT_3D, "ug m-3", sp->standard_name, lname, &v->id_3d));
    PetscCall(cell_methods(h, v->id_3d));
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
    PetscCall(cell_methods(h, v->id_tag));
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
  PetscCall(cell_methods(h, h->id_pm25));
  if (h->p.averaging == AVERAGING_MEAN) PetscCall(output_def_time_bounds(h->file));
  PetscCall(output_end_def(h->file));
  h->closure = 0;
  h->t_last = t;
  h->nacc = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The concentrations at the end of the step into h->now (owned cells), ug m-3. */
static void convert(History *h, const Met *met, const PetscReal *q, const PetscReal *tag)
{
  const Patch *p = &h->st->patch;
  const SpeciesInfo *sp = p->species;
  PetscInt ns = p->nspec, nt = h->st->ntag, no = h->nout;

  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c = patch_index(p, i, j, k), c2 = patch_index2(p, i, j);
        PetscReal f =
            UNITS_UG_PER_KG * met->air_mass_end[c] / (met->now->dz[c] * h->grid->area[c2]);
        if (h->p.three_d)
          for (PetscInt n = 0; n < no; n++) h->now[1][c * no + n] = q[c * ns + h->var[n].s] * f;
        if (k > 0) continue;
        for (PetscInt n = 0; n < no; n++) h->now[0][c2 * no + n] = q[c * ns + h->var[n].s] * f;
        if (h->p.tags)
          for (PetscInt n = 0; n < no; n++)
            for (PetscInt m = 0; m < nt; m++)
              h->now[2][(c2 * no + n) * nt + m] = tag[(c * ns + h->var[n].s) * nt + m] * f;
        h->now[3][c2] = 0;
        for (PetscInt s = 0; s < ns; s++)
          if (sp[s].in_pm25) h->now[3][c2] += q[c * ns + s];
        h->now[3][c2] *= f;
      }
}

/* The concentrations at the end of the step just taken. */
static PetscErrorCode sample(History *h, const Met *met)
{
  const PetscReal *q, *tag = NULL;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(h->st->q, &q));
  if (h->st->tag) PetscCall(VecGetArrayRead(h->st->tag, &tag));
  convert(h, met, q, tag);
  if (tag) PetscCall(VecRestoreArrayRead(h->st->tag, &tag));
  PetscCall(VecRestoreArrayRead(h->st->q, &q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode history_accumulate(History *h, const Met *met)
{
  PetscFunctionBeginUser;
  if (h->p.averaging != AVERAGING_MEAN) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(sample(h, met));
  for (PetscInt a = 0; a < 4; a++)
    for (PetscInt k = 0, n = now_len(h, a); k < n; k++) h->acc[a][k] += h->now[a][k];
  h->nacc++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscBool history_means(const History *h)
{
  return h->p.averaging == AVERAGING_MEAN ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode history_write(History *h, PetscReal t, const Met *met, const PetscReal *budget)
{
  const PetscReal *dry, *wet, *val[4];
  PetscInt ns = h->st->nspec, nt = h->st->ntag, no = h->nout;
  PetscReal scale = 1;

  PetscFunctionBeginUser;
  (void)budget;
  if (h->p.averaging == AVERAGING_MEAN) {
    PetscCheck(h->nacc > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB,
               "history: a mean record with no step summed");
    scale = 1 / (PetscReal)h->nacc;
  } else
    PetscCall(sample(h, met));
  for (PetscInt a = 0; a < 4; a++)
    val[a] = h->p.averaging == AVERAGING_MEAN ? h->acc[a] : h->now[a];
  PetscCall(VecGetArrayRead(h->st->dep_dry, &dry));
  PetscCall(VecGetArrayRead(h->st->dep_wet, &wet));
  PetscCall(output_new_time(h->file, t));
  if (h->p.averaging == AVERAGING_MEAN) PetscCall(output_time_bounds(h->file, h->t_last, t));
  for (PetscInt n = 0; n < no; n++) {
    const VarIds *v = &h->var[n];
    PetscCall(output_write(h->file, v->id_surface, val[0], no, n, NULL, scale));
    if (h->p.three_d) PetscCall(output_write(h->file, v->id_3d, val[1], no, n, NULL, scale));
    if (h->p.deposition) {
      PetscCall(output_write(h->file, v->id_dry, dry, ns, v->s, NULL, 1));
      PetscCall(output_write(h->file, v->id_wet, wet, ns, v->s, NULL, 1));
    }
    if (h->p.tags)
      PetscCall(output_write(h->file, v->id_tag, val[2], no * nt, n * nt, NULL, scale));
  }
  PetscCall(output_write(h->file, h->id_pm25, val[3], 1, 0, NULL, scale));
  PetscCall(VecRestoreArrayRead(h->st->dep_wet, &wet));
  PetscCall(VecRestoreArrayRead(h->st->dep_dry, &dry));
  if (h->p.averaging == AVERAGING_MEAN)
    for (PetscInt a = 0; a < 4; a++) PetscCall(PetscArrayzero(h->acc[a], now_len(h, a)));
  h->nacc = 0;
  h->t_last = t;
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
  h->t_last = t;
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
