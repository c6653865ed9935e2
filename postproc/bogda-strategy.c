/* bogda-strategy: the least-cost emission cuts by control unit, sector and precursor that meet
   PM2.5 targets at the hotspots ("one unit, one strategy", 一单元一策略), from a base run's tags
   or from a backward run's source table.

     bogda-strategy -run DIR -domain DOMAIN.nc -strategy S.nml -out OUTDIR
     bogda-strategy -adjoint TABLE.csv -domain DOMAIN.nc [-outer_domain OUTER.nc] -strategy S.nml
                    -out OUTDIR

   With -run, the base run must have a tag family by unit_sector (or unit): its tags give each
   unit's exact contribution to each receptor, split by precursor (postproc/strategy_problem.h),
   and the model's own emission set-up, run again on the run's effective namelist, gives the
   tonnes each tag stands for (postproc/tag_emissions.h); only the units the tags resolve can be
   cut. With -adjoint, a backward run's source table (model/adjoint_sources.h, or the combined
   table of postproc/adjoint_sources.py, read by postproc/adjoint_table.h) gives both for every
   (unit, sector, precursor) of the table at once, stacks counted in their unit and sector as the
   tags count them (postproc/strategy_adjoint.h): every unit is a decision variable. A target's
   receptor mean is then the J of its PM2.5 functional over the table's whole window; daily
   limits (strategy_day_limit) need daily functionals and are refused without them. Stacks named
   in strategy_stacks are variables of their own, apart from their unit and sector: from a
   table's stack rows, or with -run from a tag family by point (postproc/strategy_stacks.h).
   The cheapest cuts that bring every target's
   receptor to its target are a linear programme (postproc/strategy_lp.h, solved by GLPK's
   simplex: a Debian package with a C API, exact vertex optima with the row duals, which are the
   targets' shadow prices). The tool writes the plan's tables, the optimum as a &scenario the
   model runs as it is, and a cost-versus-target curve (postproc/strategy_write.h); a target that
   cannot be met within the caps stops it with the lowest value reachable. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include "base/error.h"
#include "base/atomic_file.h"
#include "base/namelist.h"
#include "base/program.h"
#include "base/version.h"
#include "base/data_path.h"
#include "base/clock.h"
#include "grids/domain.h"
#include "postproc/tagged_run.h"
#include "postproc/tag_emissions.h"
#include "postproc/abatement_cost.h"
#include "postproc/strategy_problem.h"
#include "postproc/strategy_write.h"
#include "postproc/strategy_adjoint.h"
#include "postproc/strategy_stacks.h"
#include "postproc/adjoint_table.h"

#define COUNT(a) ((PetscInt)(sizeof(a) / sizeof((a)[0])))
/* The curve's last point lies this fraction inside the most the caps allow: exactly at it, the
   round-off of the rows' sums may leave it a hair outside. */
#define CURVE_MARGIN 1e-6

static const char usage[] =
    "Usage: bogda-strategy -run DIR -domain DOMAIN.nc -strategy S.nml -out OUTDIR\n"
    "       bogda-strategy -adjoint TABLE.csv -domain DOMAIN.nc [-outer_domain OUTER.nc]\n"
    "                      -strategy S.nml -out OUTDIR [-adjoint_start TIME]\n"
    "  -run DIR             the base run's output folder (its *_receptors_*.nc files with a tag\n"
    "                       family by unit_sector or unit, and its *_effective.nml)\n"
    "  -adjoint FILE        instead of -run: a backward run's source table, <run>_adjoint_sources\n"
    "                       .csv or postproc/adjoint_sources.py's adjoint_sources.csv, with a\n"
    "                       PM2.5 functional over its whole window per receptor: every unit of it\n"
    "                       a decision variable (no strategy_family; strategy_day_limit needs\n"
    "                       daily functionals, RECEPTOR:pm25:H0-H1h of 24 h tiling the window)\n"
    "  -adjoint_start TIME  with -adjoint and strategy_day_limit: the backward run's run_start\n"
    "                       (UTC, YYYY-MM-DDThh:mm:ssZ), its hour 0, which dates the days\n"
    "  -domain FILE         the domain file the base run used\n"
    "  -outer_domain FILE   with -adjoint: the parent's domain file, for a combined table's units\n"
    "  -strategy FILE       the strategy namelist (one &strategy group)\n"
    "  -out DIR             the folder for the plan's files (it must exist)\n"
    "Then postproc/plot_strategy.py OUTDIR draws the cost-versus-target curve.\n";

static const ParamGroup *const groups[] = {&strategy_group};

/* The strategy namelist's group, read (again after another namelist was loaded). */
static PetscErrorCode read_strategy(const char *path, StrategyParams *prm)
{
  PetscFunctionBeginUser;
  PetscCall(namelist_reset());
  PetscCall(namelist_load(PETSC_COMM_WORLD, path));
  PetscCall(namelist_check_known(PETSC_COMM_WORLD, groups, COUNT(groups)));
  PetscCall(namelist_read(PETSC_COMM_WORLD, &strategy_group, prm));
  PetscCall(namelist_check_unused(PETSC_COMM_WORLD, NULL, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The base run's effective namelist: the one *_effective.nml of its folder. */
static PetscErrorCode effective_namelist(const char *dir, char *path, size_t len)
{
  char pattern[PETSC_MAX_PATH_LEN];
  glob_t g;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(pattern, sizeof(pattern), "%s/*_effective.nml", dir));
  PetscCheck(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc == 1, PETSC_COMM_SELF,
             PETSC_ERR_FILE_OPEN,
             "%s: expected one effective namelist %s (the model writes it at the end of a run), "
             "found %d",
             dir, pattern, (int)g.gl_pathc);
  PetscCall(PetscStrncpy(path, g.gl_pathv[0], len));
  globfree(&g);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cost-versus-target curve: every target's reduction scaled by s, for curve_points values of
   s evenly up to the most the caps allow at every target together (cutting everything to its cap
   reaches each row's maximum at once, as no coefficient is negative), and the targets as asked. */
static PetscErrorCode solve_curve(const StrategyParams *prm, StrategyProblem *pb,
                                  const StrategySolution *asked, StrategyCurve *cv)
{
  PetscReal smax = PETSC_MAX_REAL, *rhs;
  StrategySolution sol;
  PetscInt np = prm->curve_points, p = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(cv, sizeof(*cv)));
  for (PetscInt x = 0; x < pb->nrow; x++)
    if (pb->row_kind[x] == ROW_TARGET && pb->rhs[x] > 0)
      smax = PetscMin(smax, strategy_lp_row_max(&pb->lp, x) / pb->rhs[x]);
  if (smax == PETSC_MAX_REAL) np = 0; /* every target is met already */
  PetscCall(
      PetscMalloc3(np + 1, &cv->scale, np + 1, &cv->cost, (np + 1) * pb->nrow + 1, &cv->dual));
  PetscCall(PetscMalloc2(pb->nvar, &sol.y, pb->nrow, &rhs));
  PetscCall(PetscArraycpy(rhs, pb->rhs, pb->nrow));
  for (PetscInt k = 1; k <= np; k++) {
    PetscReal s = smax * (1 - CURVE_MARGIN) * (PetscReal)k / (PetscReal)np;
    if (!p && s >= 1) { /* the targets as asked, in their place */
      cv->asked = cv->npoint, cv->scale[cv->npoint] = 1, cv->cost[cv->npoint] = asked->cost;
      PetscCall(PetscArraycpy(&cv->dual[cv->npoint * pb->nrow], asked->dual, pb->nrow));
      cv->npoint++, p = 1;
      if (s == 1) continue;
    }
    for (PetscInt x = 0; x < pb->nrow; x++)
      pb->rhs[x] = pb->row_kind[x] == ROW_TARGET ? s * rhs[x] : rhs[x];
    sol.dual = &cv->dual[cv->npoint * pb->nrow];
    PetscCall(strategy_lp_solve(&pb->lp, &sol));
    cv->scale[cv->npoint] = s, cv->cost[cv->npoint] = sol.optimal ? sol.cost : -1;
    cv->npoint++;
  }
  PetscCall(PetscArraycpy(pb->rhs, rhs, pb->nrow));
  PetscCall(PetscFree2(sol.y, rhs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The base run's tags at run as the problem's coefficients: the run b, the registry d and the
   tonnes of each tag t_yr, from the model's own emission set-up run again (which loads the run's
   namelist, so the strategy's is read again after it); the named stacks moved from a point
   family into the plan's (postproc/strategy_stacks.h). */
static PetscErrorCode load_run(const char *run, const char *dpath, const char *nml,
                               StrategyParams *prm, TaggedRun *b, Domain **d, PetscReal **t_yr)
{
  char eff[PETSC_MAX_PATH_LEN];
  PetscInt nspec, family = -1, *host, *unit;

  PetscFunctionBeginUser;
  PetscCall(tagged_run_read(run, b));
  PetscCall(domain_read_registries(dpath, d));
  species_table(&nspec);
  PetscCheck(b->nsp == nspec + 1, PETSC_COMM_WORLD, PETSC_ERR_FILE_UNEXPECTED,
             "%s: the run has %d species; this program knows %d", run, (int)b->nsp - 1, (int)nspec);
  PetscCall(effective_namelist(run, eff, sizeof(eff)));
  PetscCall(PetscMalloc1(b->ntag * SECTOR_N * nspec, t_yr));
  PetscCall(strategy_problem_family(prm, b, &family));
  PetscCall(PetscMalloc2(b->ntag + 1, &host, b->ntag + 1, &unit));
  PetscCall(tag_emissions_compute(PETSC_COMM_WORLD, eff, dpath, b, family, *t_yr,
                                  prm->nstacks ? host : NULL, unit));
  PetscCall(read_strategy(nml, prm));
  PetscCall(strategy_stacks_move(prm, run, family, host, unit, *d, b, *t_yr));
  PetscCall(PetscFree2(host, unit));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The backward run's source table at table as the problem's coefficients, every unit of it (and
   of the outer domain file, for a combined table) a decision variable. */
static PetscErrorCode load_adjoint(const char *table, const char *dpath, const char *opath,
                                   const StrategyParams *prm, TaggedRun *b, Domain **d,
                                   PetscReal **t_yr)
{
  AdjointTable *t;
  char text[64] = "";
  PetscReal start = -1;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-adjoint_start", text, sizeof(text), &set));
  if (set) {
    PetscErrorCode ierr;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = clock_parse(text, &start);
    PetscCall(PetscPopErrorHandler());
    PetscCheck(!ierr, PETSC_COMM_SELF, PETSC_ERR_USER,
               "-adjoint_start %s: expected a UTC time YYYY-MM-DDThh:mm:ssZ (the backward run's "
               "run_start)",
               text);
  }
  PetscCall(adjoint_table_load(table, dpath, opath, d, &t));
  PetscCall(strategy_adjoint_run(t, table, *d, prm, start, b, t_yr));
  PetscCall(adjoint_table_destroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode plan(void)
{
  char run[PETSC_MAX_PATH_LEN] = "", adj[PETSC_MAX_PATH_LEN] = "", dpath[PETSC_MAX_PATH_LEN] = "",
       opath[PETSC_MAX_PATH_LEN] = "", nml[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "";
  StrategyParams *prm;
  TaggedRun b;
  Domain *d;
  AbatementCosts *costs;
  StrategyProblem *pb;
  StrategySolution sol;
  StrategyCurve curve;
  PetscReal *t_yr, t0, t1;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(program_serial("bogda-strategy"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-run", run, sizeof(run), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-adjoint", adj, sizeof(adj), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-domain", dpath, sizeof(dpath), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-outer_domain", opath, sizeof(opath), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-strategy", nml, sizeof(nml), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof(out), NULL));
  PetscCheck(!run[0] != !adj[0] && dpath[0] && nml[0] && out[0], PETSC_COMM_WORLD, PETSC_ERR_USER,
             "usage: bogda-strategy -run DIR | -adjoint TABLE.csv, -domain DOMAIN.nc -strategy "
             "S.nml -out OUTDIR (one of -run and -adjoint; bogda-strategy -help lists every "
             "option)");
  PetscCheck(!opath[0] || adj[0], PETSC_COMM_WORLD, PETSC_ERR_USER,
             "-outer_domain %s: only with -adjoint (a tagged run's units are its own domain's)",
             opath);
  PetscCall(atomic_file_check_folder(out, "-out"));
  PetscCall(PetscNew(&prm));
  PetscCall(read_strategy(nml, prm));
  PetscCall(abatement_costs_read(prm->cost_file, &costs));
  if (run[0])
    PetscCall(load_run(run, dpath, nml, prm, &b, &d, &t_yr));
  else
    PetscCall(load_adjoint(adj, dpath, opath, prm, &b, &d, &t_yr));
  PetscCall(strategy_problem_create(prm, &b, d, t_yr, costs, &pb));
  PetscCall(strategy_problem_check_reachable(pb, &b, d));
  PetscCall(PetscMalloc2(pb->nvar, &sol.y, pb->nrow, &sol.dual));
  PetscCall(PetscTime(&t0));
  PetscCall(strategy_lp_solve(&pb->lp, &sol));
  PetscCall(PetscTime(&t1));
  PetscCheck(sol.optimal, PETSC_COMM_WORLD, PETSC_ERR_USER,
             "the targets cannot be met together within the caps (GLPK finds no feasible plan)");
  PetscCall(solve_curve(prm, pb, &sol, &curve));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!rank) {
    StrategyResult res = {.prm = prm,
                          .b = &b,
                          .d = d,
                          .pb = pb,
                          .sol = &sol,
                          .curve = &curve,
                          .run = run[0] ? run : adj,
                          .version = version_string()};
    PetscCall(strategy_write_all(&res, out));
  }
  fprintf(stderr,
          "bogda-strategy: completed: plan %s over %s: %d variables, %d rows, cost %.6g yuan a "
          "year, solved in %.3f s; %d curve points; the files are in %s\n",
          prm->name, run[0] ? run : adj, (int)pb->nvar, (int)pb->nrow, (double)sol.cost,
          (double)(t1 - t0), (int)curve.npoint, out);
  PetscCall(PetscFree3(curve.scale, curve.cost, curve.dual));
  PetscCall(PetscFree2(sol.y, sol.dual));
  PetscCall(strategy_problem_destroy(&pb));
  PetscCall(PetscFree(t_yr));
  PetscCall(domain_destroy(&d));
  PetscCall(tagged_run_free(&b));
  PetscCall(abatement_costs_destroy(&costs));
  PetscCall(PetscFree(prm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Program prog = {.name = "bogda-strategy",
                  .purpose = "least-cost cuts by control unit that meet PM2.5 targets at the "
                             "hotspots, from a base run's tags or a backward run's source table",
                  .usage = usage,
                  .groups = groups,
                  .ngroups = COUNT(groups),
                  .groups_note = "(one &strategy group in the -strategy file)\n",
                  .log_stderr = PETSC_TRUE};
  PetscBool done;

  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : plan());
}
