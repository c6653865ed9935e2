/* bogda-predict: scenario concentrations at the hotspots without a model run, exact while the
   model is linear in the emissions, from either a base run's tags or a backward run's table of
   every source.

     bogda-predict -run DIR -domain DOMAIN.nc -scenarios a.nml[,b.nml,...] [-out table.csv]
     bogda-predict -adjoint TABLE.csv -domain DOMAIN.nc [-outer_domain OUTER.nc]
                   -scenarios a.nml[,b.nml,...] [-out table.csv]

   Each scenario file holds one &scenario group (model/emissions/scenario.h; runs/split_scenarios.sh
   splits a set file).

   -run: for every receptor, species and output time, the prediction is the sum over the tags of
   one family of the base run's contribution times the factor the scenario puts on that tag's
   emissions, taken for the species the contribution was made from (sulfate from SO2, nitrate from
   NOx, ammonium from NH3: physics/species.c's precursors; PM2.5 as the sum of its components). A
   tag stands for a set of (control unit, sector) pairs (one unit, a prefecture, a kind, Xinjiang,
   a sector, a unit and a sector, a stack); the prediction is exact only if the scenario gives
   every pair of each tag the same factor. The tool uses the first family where that holds, and
   refuses (naming the rule and a family that would resolve it) when none does. The rows are
   episode means.
   With -bounded, a scenario no family resolves is predicted from the family that leaves the
   least PM2.5 unresolved, with bounds: each tag whose pairs the scenario treats differently (in a
   nested run, typically the parent's prefecture tags that bring back the air of the units in
   its initial state and inflow) takes the emission-weighted mean of its pairs' factors
   (postproc/unit_emissions.h: the run's own units' emissions, or with -parent_run the parent
   run's, which the parent's prefecture tags carry; the midpoint where they emit nothing), and the
   bounds take each such tag at its pairs' smallest and largest factor. Tag
   contributions are not negative (the tag map's coefficients are the bulk's shares), so the
   response lies between the bounds; the exact answer needs a finer family or the backward runs
   (-adjoint).

   -adjoint: a backward run's source table (model/adjoint_sources.h: a run's
   <run_name>_adjoint_sources.csv, or adjoint_sources.csv from postproc/adjoint_sources.py, which
   adds a nested child's parent) lists every functional's contribution from each control unit,
   sector and emitted species, each stack, the initial state and the inflow. A scenario scaling
   some emissions by f changes the functional by the sum over their rows of (f - 1) times the
   contribution, with f from the model's own rules (scenario_factor for the gridded rows,
   scenario_point_factor for the stacks), so every scenario is resolved, whatever tags the run had
   (none needed). The table's unit codes are looked up in -domain, then in -outer_domain (the
   parent's units outside the child). A row is a functional, RECEPTOR:SPECIES:H0-H1h (RECEPTOR a
   receptor of -domain, or a point such as 87.62E43.83N for the cell holding it): its window mean,
   the episode mean when the window is the whole run.

   Writes a CSV: scenario,receptor,species,base,predicted,change,change_percent,family,
   predicted_low,predicted_high,window (family: the tag family used, or 'adjoint'; the bounds equal
   predicted where the prediction is exact; window: 'run' for the tags' episode mean, the
   functional's H0-H1h for -adjoint, so that a day's row, adjoint_daily, is told from the
   period's). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "base/error.h"
#include "base/atomic_file.h"
#include "base/namelist.h"
#include "base/program.h"
#include "model/emissions/scenario.h"
#include "model/emissions/profiles.h"
#include "model/emissions/point_sources.h"
#include "grids/domain.h"
#include "physics/species.h"
#include "postproc/tagged_run.h"
#include "postproc/adjoint_table.h"
#include "postproc/unit_emissions.h"

#define COUNT(a) ((PetscInt)(sizeof(a) / sizeof((a)[0])))

static const char usage[] =
    "Usage: bogda-predict -run DIR -domain DOMAIN.nc -scenarios A.nml[,B.nml,...] [-bounded]\n"
    "                     [-parent_run DIR -outer_domain OUTER.nc] [-out T.csv]\n"
    "       bogda-predict -adjoint TABLE.csv -domain DOMAIN.nc [-outer_domain OUTER.nc]\n"
    "                     -scenarios A.nml[,B.nml,...] [-out T.csv]\n"
    "  -run DIR             the base run's output folder (its *_receptors_*.nc files, with tags)\n"
    "  -adjoint FILE        instead of -run: a backward run's source table, <run>_adjoint_sources\n"
    "                       .csv or postproc/adjoint_sources.py's adjoint_sources.csv (exact for\n"
    "                       every scenario; no tags needed)\n"
    "  -domain FILE         the domain file the base run used\n"
    "  -outer_domain FILE   with -adjoint: the parent's domain file, for a combined table's units\n"
    "                       of the outer domain; with -parent_run: that run's domain file\n"
    "  -scenarios FILES     scenario namelists, one &scenario group each\n"
    "  -bounded             with -run: predict a scenario no tag family resolves exactly, from\n"
    "                       the family that leaves the least PM2.5 unresolved, with bounds\n"
    "                       (columns predicted_low and predicted_high)\n"
    "  -parent_run DIR      with -bounded: weight a bounded tag's units by the emissions of the\n"
    "                       run in DIR (the parent of a nested run, with -outer_domain its\n"
    "                       domain file), whose inflow the base run's prefecture tags carry\n"
    "  -out FILE            the table (CSV, a row per scenario, receptor and species or\n"
    "                       functional; its last column, window, is 'run' for the tags' means\n"
    "                       and the functional's H0-H1h for -adjoint; default: standard\n"
    "                       output; the log goes to standard error)\n";

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

/* The emissions that weight a bounded tag's factors: a run's unit totals, and the index there of
   each unit of the run's domain (by code; -1: not there). */
typedef struct {
  UnitEmissions *ue;
  PetscInt *index;
} Weights;

/* The unit totals of the run in folder dir with domain file dpath (the base run's, or its
   parent's: -parent_run), matched by code to the units of d. */
static PetscErrorCode weights_create(const char *dir, const char *dpath, const Domain *d,
                                     Weights *wt)
{
  PetscFunctionBeginUser;
  PetscCall(unit_emissions_create(dir, dpath, &wt->ue));
  PetscCall(PetscMalloc1(d->nunit + 1, &wt->index));
  for (PetscInt u = 0; u < d->nunit; u++) {
    wt->index[u] = -1;
    for (PetscInt v = 0; v < wt->ue->dom->nunit && wt->index[u] < 0; v++)
      if (!strcmp(wt->ue->dom->unit[v].code, d->unit[u].code)) wt->index[u] = v;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The range lo..hi of the factors the scenario puts on the (unit, sector) pairs of tag n for
   species k, and their mean *w weighted by the pairs' emissions of k in wt (the midpoint where
   they emit none). */
static void tag_factor_range(const TaggedRun *b, const Domain *d, const Weights *wt,
                             const Scenario *sc, PetscInt n, PetscInt k, PetscReal *lo,
                             PetscReal *hi, PetscReal *w)
{
  const UnitEmissions *ue = wt->ue;
  PetscReal sum = 0, weight = 0;
  *lo = PETSC_MAX_REAL, *hi = -PETSC_MAX_REAL;
  for (PetscInt u = -1; u < d->nunit; u++)
    for (PetscInt s = 0; s < SECTOR_N; s++) {
      PetscReal g, e;
      if (!tagged_run_covers(b, d, n, u, s)) continue;
      g = scenario_factor(sc, u, s, k);
      e = u >= 0 && wt->index[u] >= 0 ? ue->t_yr[(wt->index[u] * SECTOR_N + s) * ue->nspec + k] : 0;
      *lo = PetscMin(*lo, g), *hi = PetscMax(*hi, g);
      sum += e * g, weight += e;
    }
  if (*lo > *hi) *lo = *hi = 1; /* no pair: nothing the scenario scales */
  *w = weight > 0 ? sum / weight : (*lo + *hi) / 2;
}

/* Every scenario file of the comma-separated list: its keys and rules, and with ps (not NULL)
   its point: terms against the stacks of ps (from the file ppath), before any prediction is
   written; *n their number. */
static PetscErrorCode check_scenarios(const char *list, Domain *d, const SpeciesInfo *sp,
                                      PetscInt nspec, const PointSources *ps, const char *ppath,
                                      PetscInt *n)
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
    if (ps) PetscCall(scenario_check_points(PETSC_COMM_WORLD, sc, ps, ppath));
    PetscCall(scenario_destroy(&sc));
    (*n)++;
  }
  PetscCall(PetscFree(copy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The output table: out (atomic_file.h), or standard output if out is empty. */
static PetscErrorCode table_open(const char *out, AtomicFile *table, FILE **fp)
{
  PetscFunctionBeginUser;
  *fp = stdout;
  if (out[0]) {
    PetscCall(atomic_file_open(out, table));
    *fp = table->fp; /* atomic_file_commit() finds the errors of the fprintf() calls */
  }
  fprintf(*fp, "scenario,receptor,species,base,predicted,change,change_percent,family,"
               "predicted_low,predicted_high,window\n");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode table_close(const char *out, AtomicFile *table)
{
  PetscFunctionBeginUser;
  if (out[0])
    PetscCall(atomic_file_commit(table));
  else
    PetscCheck(fflush(stdout) == 0 && !ferror(stdout), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
               "standard output: cannot write: %s", strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The episode-mean contribution at receptor r, species k (nspec: PM2.5) of family fam's tags
   with each tag's source species scaled by f[n * nspec + source]; with lo and hi (not NULL), the
   bounds from the factor ranges lo..hi into *low and *high. */
static void tag_sum(const TaggedRun *b, const SpeciesInfo *sp, PetscInt nspec, PetscInt fam,
                    PetscInt r, PetscInt k, const PetscReal *f, const PetscReal *lo,
                    const PetscReal *hi, PetscReal *pred, PetscReal *low, PetscReal *high)
{
  *pred = *low = *high = 0;
  for (PetscInt t = 0; t < b->nt; t++)
    for (PetscInt n = 0; n < b->ntag; n++) {
      if (b->family[n] != fam) continue;
      for (PetscInt q = 0; q < nspec; q++) {
        PetscReal c;
        PetscInt src;
        if (k < nspec ? q != k : !sp[q].in_pm25) continue; /* PM2.5: each of its components */
        c = b->contrib[((t * b->nrec + r) * b->nsp + q) * b->ntag + n] / (PetscReal)b->nt;
        src = n * nspec + tagged_run_source(sp, nspec, q);
        *pred += c * f[src];
        if (lo) {
          *low += PetscMin(c * lo[src], c * hi[src]);
          *high += PetscMax(c * lo[src], c * hi[src]);
        }
      }
    }
  if (!lo) *low = *high = *pred;
}

/* The family that leaves the least PM2.5 unresolved under the factors fac (-1: a tag whose pairs
   differ), summed over the receptors: its index, and in *left that PM2.5 (ug m-3). */
static PetscInt least_unresolved(const TaggedRun *b, const SpeciesInfo *sp, PetscInt nspec,
                                 PetscInt nfam, const PetscReal *fac, PetscReal *left)
{
  PetscInt best = -1;
  *left = PETSC_MAX_REAL;
  for (PetscInt f = 0; f < nfam; f++) {
    PetscReal u = 0;
    PetscBool any = PETSC_FALSE;
    for (PetscInt n = 0; n < b->ntag; n++) {
      PetscBool mixed = PETSC_FALSE;
      if (b->family[n] != f) continue;
      any = PETSC_TRUE;
      for (PetscInt k = 0; k < nspec; k++) mixed = mixed || fac[n * nspec + k] < 0;
      if (!mixed) continue;
      for (PetscInt t = 0; t < b->nt; t++)
        for (PetscInt r = 0; r < b->nrec; r++)
          for (PetscInt q = 0; q < nspec; q++)
            if (sp[q].in_pm25)
              u += b->contrib[((t * b->nrec + r) * b->nsp + q) * b->ntag + n] / (PetscReal)b->nt;
    }
    if (any && u < *left) *left = u, best = f;
  }
  return best;
}

/* The prediction from the tags of the run in folder run (bounded: see -bounded at the top). */
static PetscErrorCode predict_tags(const char *run, const char *dpath, char *list, const char *out,
                                   PetscBool bounded, const char *prun, const char *opath)
{
  TaggedRun b;
  Domain *d;
  Weights wt = {NULL, NULL};
  const SpeciesInfo *sp;
  PetscInt nspec, nfam = 0, nscen, nbounded = 0;
  char note[64] = "";
  FILE *fp;
  AtomicFile table;

  PetscFunctionBeginUser;
  PetscCall(tagged_run_read(run, &b));
  PetscCall(domain_read_registries(dpath, &d));
  sp = species_table(&nspec);
  PetscCheck(b.nsp == nspec + 1, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED,
             "the run has %d species; this program knows %d", (int)b.nsp - 1, (int)nspec);
  PetscCall(check_scenarios(list, d, sp, nspec, NULL, NULL, &nscen));
  for (PetscInt n = 0; n < b.ntag; n++) nfam = PetscMax(nfam, b.family[n] + 1);
  PetscCall(table_open(out, &table, &fp));
  for (char *save = NULL, *file = strtok_r(list, ",", &save); file;
       file = strtok_r(NULL, ",", &save)) {
    Scenario *sc;
    PetscReal *fac, *w = NULL, *lo = NULL, *hi = NULL, left = 0;
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
    PetscCheck(fam >= 0 || bounded, PETSC_COMM_WORLD, PETSC_ERR_USER,
               "%s: no tag family of the run resolves this scenario's rules exactly (a rule splits "
               "a tag's units or sectors); "
               "run the base case with a finer family, e.g. tags_family_by = 'unit_sector', or "
               "predict it from the backward runs (-adjoint), or with bounds (-bounded)",
               file);
    if (fam < 0) { /* bounded: the mixed tags at their weighted factor, the bounds at the range */
      fam = least_unresolved(&b, sp, nspec, nfam, fac, &left);
      if (!wt.ue) PetscCall(weights_create(prun[0] ? prun : run, prun[0] ? opath : dpath, d, &wt));
      PetscCall(PetscMalloc3(b.ntag * nspec, &w, b.ntag * nspec, &lo, b.ntag * nspec, &hi));
      for (PetscInt n = 0; n < b.ntag * nspec; n++) {
        w[n] = lo[n] = hi[n] = fac[n];
        if (fac[n] < 0)
          tag_factor_range(&b, d, &wt, sc, n / nspec, n % nspec, &lo[n], &hi[n], &w[n]);
      }
      nbounded++;
      fprintf(stderr,
              "bogda-predict: %s: no family resolves it exactly; family %d leaves %.4g ug m-3 of "
              "PM2.5 (summed over the receptors) to tags whose units or sectors it treats "
              "differently: predicted with bounds\n",
              scenario_name(sc), (int)fam, (double)left);
    }
    for (PetscInt r = 0; r < b.nrec; r++)
      for (PetscInt k = 0; k < b.nsp; k++) {
        PetscReal base = 0, pred, low, high;
        for (PetscInt t = 0; t < b.nt; t++)
          base += b.conc[(t * b.nrec + r) * b.nsp + k] / (PetscReal)b.nt;
        tag_sum(&b, sp, nspec, fam, r, k, w ? w : fac, lo, hi, &pred, &low, &high);
        fprintf(fp, "%s,%s,%s,%.17g,%.17g,%.17g,%.4f,%d,%.17g,%.17g,run\n", scenario_name(sc),
                b.rec[r], b.spname[k], (double)base, (double)pred, (double)(pred - base),
                base > 0 ? (double)(100 * (pred - base) / base) : 0.0, (int)fam, (double)low,
                (double)high);
      }
    if (w) PetscCall(PetscFree3(w, lo, hi));
    PetscCall(PetscFree(fac));
    PetscCall(scenario_destroy(&sc));
  }
  PetscCall(table_close(out, &table));
  PetscCall(unit_emissions_destroy(&wt.ue));
  PetscCall(PetscFree(wt.index));
  PetscCall(domain_destroy(&d));
  PetscCall(tagged_run_free(&b));
  if (nbounded) snprintf(note, sizeof(note), " (%d with bounds)", (int)nbounded);
  fprintf(stderr, "bogda-predict: completed: %d scenario%s predicted from %s%s; the table is %s\n",
          (int)nscen, nscen == 1 ? "" : "s", run, note, out[0] ? out : "on standard output");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Each functional of the table under scenario sc: J plus (f - 1) times every emission row. */
static void write_adjoint_rows(FILE *fp, const AdjointTable *t, const Scenario *sc)
{
  for (PetscInt n = 0; n < t->nfun; n++) {
    PetscReal base = t->J[n], change = 0;
    for (PetscInt m = 0; m < t->nrow; m++) {
      PetscReal f = 1;
      if (t->fun[m] != n) continue;
      if (t->kind[m] == ADJOINT_ROW_AREA)
        f = scenario_factor(sc, t->unit[m], t->sector[m], t->spec[m]);
      else if (t->kind[m] == ADJOINT_ROW_STACK)
        f = scenario_point_factor(sc, t->stack[m], t->unit[m], t->sector[m], t->spec[m]);
      change += (f - 1) * t->value[m];
    }
    /* adjoint_table_read took only labels RECEPTOR:SPECIES:H0-H1h: the window follows the last ':'
     */
    const char *window = strrchr(t->label[n], ':') + 1;
    fprintf(fp, "%s,%s,%s,%.17g,%.17g,%.17g,%.4f,adjoint,%.17g,%.17g,%s\n", scenario_name(sc),
            t->receptor[n], t->species[n], (double)base, (double)(base + change), (double)change,
            base > 0 ? (double)(100 * change / base) : 0.0, (double)(base + change),
            (double)(base + change), window);
  }
}

/* The prediction from the backward run's source table at tpath. */
static PetscErrorCode predict_adjoint(const char *tpath, const char *dpath, const char *opath,
                                      char *list, const char *out)
{
  Domain *d;
  AdjointTable *t;
  const SpeciesInfo *sp;
  PetscInt nspec, nscen;
  PointSources ps; /* the table's stacks, for the scenarios' point: terms; ids borrowed */
  FILE *fp;
  AtomicFile table;

  PetscFunctionBeginUser;
  sp = species_table(&nspec);
  PetscCall(adjoint_table_load(tpath, dpath, opath, &d, &t));
  ps = (PointSources){.n = t->nstack, .id = t->stack_id};
  PetscCall(check_scenarios(list, d, sp, nspec, &ps, tpath, &nscen));
  PetscCall(table_open(out, &table, &fp));
  for (char *save = NULL, *file = strtok_r(list, ",", &save); file;
       file = strtok_r(NULL, ",", &save)) {
    Scenario *sc;
    PetscCall(namelist_reset());
    PetscCall(namelist_load(PETSC_COMM_WORLD, file));
    PetscCall(scenario_create(PETSC_COMM_WORLD, d, sp, nspec, &sc));
    write_adjoint_rows(fp, t, sc);
    PetscCall(scenario_destroy(&sc));
  }
  PetscCall(table_close(out, &table));
  fprintf(stderr,
          "bogda-predict: completed: %d scenario%s predicted for %d functional%s from the "
          "backward run's table %s; the table is %s\n",
          (int)nscen, nscen == 1 ? "" : "s", (int)t->nfun, t->nfun == 1 ? "" : "s", tpath,
          out[0] ? out : "on standard output");
  PetscCall(adjoint_table_destroy(&t));
  PetscCall(domain_destroy(&d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode predict(void)
{
  char run[PETSC_MAX_PATH_LEN] = "", adj[PETSC_MAX_PATH_LEN] = "", dpath[PETSC_MAX_PATH_LEN] = "",
       opath[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "", list[8192] = "",
       prun[PETSC_MAX_PATH_LEN] = "";
  PetscBool bounded = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(program_serial("bogda-predict"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-run", run, sizeof(run), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-adjoint", adj, sizeof(adj), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-domain", dpath, sizeof(dpath), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-outer_domain", opath, sizeof(opath), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-scenarios", list, sizeof(list), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof(out), NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-bounded", &bounded, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-parent_run", prun, sizeof(prun), NULL));
  PetscCheck(!run[0] != !adj[0] && dpath[0] && list[0], PETSC_COMM_WORLD, PETSC_ERR_USER,
             "usage: bogda-predict -run DIR | -adjoint TABLE.csv, -domain DOMAIN.nc -scenarios "
             "a.nml[,b.nml] [-out table.csv] (one of -run and -adjoint; bogda-predict -help lists "
             "every option)");
  PetscCheck(!bounded || run[0], PETSC_COMM_WORLD, PETSC_ERR_USER,
             "-bounded: only with -run (a backward run's table resolves every scenario exactly)");
  PetscCheck(!prun[0] || (bounded && opath[0]), PETSC_COMM_WORLD, PETSC_ERR_USER,
             "-parent_run %s: only with -bounded and -outer_domain (the parent's domain file)",
             prun);
  PetscCheck(!opath[0] || adj[0] || prun[0], PETSC_COMM_WORLD, PETSC_ERR_USER,
             "-outer_domain %s: only with -adjoint or -parent_run (a tagged run's units are its "
             "own domain's)",
             opath);
  if (adj[0])
    PetscCall(predict_adjoint(adj, dpath, opath, list, out));
  else
    PetscCall(predict_tags(run, dpath, list, out, bounded, prun, opath));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Program prog = {
      .name = "bogda-predict",
      .purpose = "scenario concentrations at the receptors from a base run's tags or backward run",
      .usage = usage,
      .groups = groups,
      .ngroups = COUNT(groups),
      .groups_note = "(one &scenario group in each -scenarios file)\n",
      .log_stderr = PETSC_TRUE};
  PetscBool done;

  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : predict());
}
