/* bogda-predict: scenario concentrations at the hotspots from a base run's tags, without a
   model run (the source-receptor matrix; exact while the model is linear in the emissions).

     bogda-predict -run DIR -domain DOMAIN.nc -scenarios a.nml[,b.nml,...] [-out table.csv]

   For every scenario file (one &scenario group, model/emissions/scenario.h) and every receptor,
   species and output time, the prediction is the sum over the tags of one family of the base run's
   contribution times the factor the scenario puts on that tag's emissions, taken for the
   species the contribution was made from (sulfate from SO2, nitrate from NOx, ammonium from NH3:
   physics/species.c's precursors; PM2.5 as the sum of its components). A tag stands for a set of
   (control unit, sector) pairs (one unit, a prefecture, a kind, Xinjiang, a sector, a unit and a
   sector, a stack); the prediction is exact only if the scenario gives every pair of each tag the
   same factor. The tool uses the first family where that holds, and refuses (naming the rule and
   a family that would resolve it) when none does. Writes a CSV of episode means:
     scenario,receptor,species,base,predicted,change,change_percent,family */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "base/error.h"
#include "base/atomic_file.h"
#include "base/namelist.h"
#include "base/program.h"
#include "model/emissions/scenario.h"
#include "model/emissions/profiles.h"
#include "grids/domain.h"
#include "physics/species.h"
#include "postproc/tagged_run.h"

#define COUNT(a) ((PetscInt)(sizeof(a) / sizeof((a)[0])))

static const char usage[] =
    "Usage: bogda-predict -run DIR -domain DOMAIN.nc -scenarios A.nml[,B.nml,...] [-out T.csv]\n"
    "  -run DIR             the base run's output folder (its *_receptors_*.nc files, with tags)\n"
    "  -domain FILE         the domain file the base run used\n"
    "  -scenarios FILES     scenario namelists, one &scenario group each\n"
    "  -out FILE            the table (CSV; default: standard output; the log goes to\n"
    "                       standard error)\n";

/* The namelist groups of a scenario file. */
static const ParamGroup *const groups[] = {&scenario_group};

/* The factor of tag n for species k, or -1 if the scenario treats its pairs differently. */
static PetscReal tag_factor(const TaggedRun *b, const Domain *d, const Scenario *sc, PetscInt n,
                            PetscInt k)
{
  PetscReal f = -2;
  if (b->special[n] == 1 || b->special[n] == 2 || !b->used[n]) return 1;
  if (!strncmp(strchr(b->label[n], ':') + 1, "pt:", 3)) {
    PetscInt s = b->sector[n] >= 0 ? b->sector[n] : 0;
    return scenario_point_factor(sc, strchr(b->label[n], ':') + 4, -1, s, k);
  }
  for (PetscInt u = -1; u < d->nunit; u++)
    for (PetscInt s = 0; s < SECTOR_N; s++) {
      PetscReal g;
      if (!tagged_run_covers(b, d, n, u, s)) continue;
      g = scenario_factor(sc, u, s, k);
      if (f == -2)
        f = g;
      else if (g != f)
        return -1;
    }
  return f == -2 ? 1 : f;
}

/* Every scenario file of the comma-separated list: its keys and rules, before any prediction is
   written; *n their number. */
static PetscErrorCode check_scenarios(const char *list, Domain *d, const SpeciesInfo *sp,
                                      PetscInt nspec, PetscInt *n)
{
  char *copy;

  PetscFunctionBeginUser;
  *n = 0;
  PetscCall(PetscStrallocpy(list, &copy));
  for (char *save = NULL, *file = strtok_r(copy, ",", &save); file;
       file = strtok_r(NULL, ",", &save)) {
    Scenario *sc;
    PetscCall(namelist_reset());
    PetscCall(namelist_load(PETSC_COMM_WORLD, file));
    PetscCall(namelist_check_known(PETSC_COMM_WORLD, groups, COUNT(groups)));
    PetscCall(scenario_create(PETSC_COMM_WORLD, d, sp, nspec, &sc));
    PetscCall(namelist_check_unused(PETSC_COMM_WORLD, NULL, 0));
    PetscCall(scenario_destroy(&sc));
    (*n)++;
  }
  PetscCall(PetscFree(copy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode predict(void)
{
  char run[PETSC_MAX_PATH_LEN] = "", dpath[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "",
       list[8192] = "";
  TaggedRun b;
  Domain *d;
  const SpeciesInfo *sp;
  PetscInt nspec, nfam = 0, nscen;
  FILE *fp = stdout;
  AtomicFile table;

  PetscFunctionBeginUser;
  PetscCall(program_serial("bogda-predict"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-run", run, sizeof(run), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-domain", dpath, sizeof(dpath), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-scenarios", list, sizeof(list), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof(out), NULL));
  PetscCheck(run[0] && dpath[0] && list[0], PETSC_COMM_WORLD, PETSC_ERR_USER,
             "usage: bogda-predict -run DIR -domain DOMAIN.nc -scenarios a.nml[,b.nml] [-out "
             "table.csv] (bogda-predict -help lists every option)");
  PetscCall(tagged_run_read(run, &b));
  PetscCall(domain_read_registries(dpath, &d));
  sp = species_table(&nspec);
  PetscCheck(b.nsp == nspec + 1, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED,
             "the run has %d species; this program knows %d", (int)b.nsp - 1, (int)nspec);
  PetscCall(check_scenarios(list, d, sp, nspec, &nscen));
  for (PetscInt n = 0; n < b.ntag; n++) nfam = PetscMax(nfam, b.family[n] + 1);
  if (out[0]) {
    PetscCall(atomic_file_open(out, &table));
    fp = table.fp; /* atomic_file_commit() finds the errors of the fprintf() calls below */
  }
  fprintf(fp, "scenario,receptor,species,base,predicted,change,change_percent,family\n");
  for (char *save = NULL, *file = strtok_r(list, ",", &save); file;
       file = strtok_r(NULL, ",", &save)) {
    Scenario *sc;
    PetscReal *fac;
    PetscInt fam = -1;
    PetscCall(namelist_reset());
    PetscCall(namelist_load(PETSC_COMM_WORLD, file));
    PetscCall(scenario_create(PETSC_COMM_WORLD, d, sp, nspec, &sc));
    PetscCall(namelist_check_unused(PETSC_COMM_WORLD, NULL, 0));
    PetscCall(PetscMalloc1(b.ntag * nspec, &fac));
    for (PetscInt n = 0; n < b.ntag; n++)
      for (PetscInt k = 0; k < nspec; k++) fac[n * nspec + k] = tag_factor(&b, d, sc, n, k);
    for (PetscInt f = 0; f < nfam && fam < 0; f++) {
      PetscBool exact = PETSC_TRUE;
      for (PetscInt n = 0; n < b.ntag; n++)
        if (b.family[n] == f)
          for (PetscInt k = 0; k < nspec; k++) exact = exact && fac[n * nspec + k] >= 0;
      if (exact) fam = f;
    }
    PetscCheck(fam >= 0, PETSC_COMM_WORLD, PETSC_ERR_USER,
               "%s: no tag family of the run resolves this scenario's rules exactly (a rule splits "
               "a tag's units or sectors); "
               "run the base case with a finer family, e.g. tags_family_by = 'unit_sector'",
               file);
    for (PetscInt r = 0; r < b.nrec; r++)
      for (PetscInt k = 0; k < b.nsp; k++) {
        PetscReal base = 0, pred = 0;
        for (PetscInt t = 0; t < b.nt; t++) {
          const PetscReal *c = &b.contrib[((t * b.nrec + r) * b.nsp + k) * b.ntag];
          base += b.conc[(t * b.nrec + r) * b.nsp + k] / (PetscReal)b.nt;
          for (PetscInt n = 0; n < b.ntag; n++) {
            PetscReal f = 0;
            if (b.family[n] != fam) continue;
            if (k < nspec) {
              f = fac[n * nspec + tagged_run_source(sp, nspec, k)];
              pred += c[n] * f / (PetscReal)b.nt;
            } else { /* PM2.5: each component with its own source species */
              for (PetscInt q = 0; q < nspec; q++) {
                if (!sp[q].in_pm25) continue;
                pred += b.contrib[((t * b.nrec + r) * b.nsp + q) * b.ntag + n] *
                        fac[n * nspec + tagged_run_source(sp, nspec, q)] / (PetscReal)b.nt;
              }
            }
          }
        }
        fprintf(fp, "%s,%s,%s,%.17g,%.17g,%.17g,%.4f,%d\n", scenario_name(sc), b.rec[r],
                b.spname[k], (double)base, (double)pred, (double)(pred - base),
                base > 0 ? (double)(100 * (pred - base) / base) : 0.0, (int)fam);
      }
    PetscCall(PetscFree(fac));
    PetscCall(scenario_destroy(&sc));
  }
  if (out[0])
    PetscCall(atomic_file_commit(&table));
  else
    PetscCheck(fflush(stdout) == 0 && !ferror(stdout), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
               "standard output: cannot write: %s", strerror(errno));
  PetscCall(domain_destroy(&d));
  PetscCall(tagged_run_free(&b));
  fprintf(stderr, "bogda-predict: completed: %d scenario%s predicted from %s; the table is %s\n",
          (int)nscen, nscen == 1 ? "" : "s", run, out[0] ? out : "on standard output");
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Program prog = {.name = "bogda-predict",
                  .purpose = "scenario concentrations at the receptors from a base run's tags",
                  .usage = usage,
                  .groups = groups,
                  .ngroups = COUNT(groups),
                  .groups_note = "(one &scenario group in each -scenarios file)\n",
                  .log_stderr = PETSC_TRUE};
  PetscBool done;

  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : predict());
}
