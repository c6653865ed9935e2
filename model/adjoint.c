/* Backward (adjoint) runs (issue 15, items 2 and 3; adjoint.h says what they give).

   The tagged model is linear in the tags: step n maps t_{n+1} = M_n t_n + b_n, M_n the product of
   the processes' (and sub-steps') tag maps with coefficients from the bulk, b_n what emissions
   and inflow put in. A functional J = sum_m <w_m, t_m> (m over the step ends in its window, w_m
   the receptor weights times the density and the unit factor, over the number of steps) is then
     J = <lambda_0, t_0> + sum_n <lambda_{n+1}, b_n>,   lambda_n = M_n^T lambda_{n+1} + w_n,
   so one sweep of lambda backward gives every tag's share at once: the initial state (t_0 by
   tag), the emissions (b_n by tag: each entry's rates times the sensitivities the emission
   transposes accumulate, Fields.sens_area and sens_point) and the inflow (the lateral ghost
   values and the values above the top, by tag: the bc_* tags of every family). Lambda has the
   tag layout with one value a functional (a State whose tags are the functionals). The
   footprints (model/output/footprint.h) add up, at every call of emission_area, what a constant
   source of 1 kg s-1 in each cell would give (lambda times emission_area's coefficient).

   Schedule. Forward, the bulk mixing ratios (the ghosted local array) are kept in memory at
   the start of every k-th step (adjoint_snapshot_steps) and at the end, with the processes'
   step counts at every step (the air mass at a step's start is the met's; the counts give every
   process's number of sub-steps in every step, so the backward sweep replays the forward's dt
   exactly). Backward, interval by interval from the last: the bulk at the start of each step of
   the interval is recomputed forward from the kept state (k - 1 steps), then for each step n of
   the interval, last first: the met of step n is prepared again (run_step_prepare), the step is
   recomputed on the bulk alone from its start with this file's own process contexts, keeping
   the bulk (q, air mass) and vdep before every process call and sub-step; the recomputed end
   must equal the start of step n + 1 bit for bit (checked: a met source or a process that does
   not replay exactly stops the run rather than give wrong sensitivities); then the forcing
   dJ/dt at the end of step n is added to lambda and the transposes are applied in the exact
   reverse order of the calls, each with its f->step (the x/y order of advection), time, dt and
   bulk; after a process with stencil_width > 0, the boundary fill's transpose (inflow credited
   by tag, outflow copies given back to the edge cells) and then halo_add_ghosts, the reverse of
   the forward's exchange and fill. The results are the same bits for every k.
   Memory, per rank, in values of the ghosted local q (nspec a cell): N / k + k + 3 bulk states
   for N steps (k = 1: N + 3; k = sqrt(N): about 2 sqrt(N)); one step's records, a bulk state,
   an air mass and a vdep for every process call and sub-step of the step; lambda (nspec x
   functionals a cell); the sensitivities to the emission entries and the top. The log gives the
   figures. For the att27 test case (20 x 12 x 16 cells, 8 species, 16 steps, k = 1) about 7 MB.
   Cost: N bulk-only steps recomputed, plus N - N / k more for k > 1 (at most two bulk passes
   over the run), and N transposed steps (a transposed process costs about its forward tag update
   with one tag per functional): a backward run with F functionals costs about a forward run
   with F tags plus one or two without.
   Snapshots on disk (base/spill.h): the kept states fill adjoint_snapshot_memory_mb
   per rank (default 1024 MB), the first of them; the rest go to a file per rank in run_output_dir,
   <run_name>_adjoint_snapshots_<rank>.tmp, written once forward and read once backward (N / k + 1
   states of the ghosted local q, raw bytes: the same bits as in memory), and removed at the end; 0
   puts every state on disk, leaving in memory only an interval's k + 1 states and one step's
   records. The disk traffic is the states' size twice; the log gives the figures in memory and on
   disk (att27, 12 steps, 2 ranks: 3.7 MB on disk, 0.6 MB left in memory, instead of 4.2 MB).
   Restart (model/adjoint_resume.c; the file's layout: model/adjoint_checkpoint.h). Every
   run_checkpoint_hours of the sweep (after step n is swept back with n a multiple of the
   checkpoint's steps, counted from the start as forward), and when a signal or run_wall_hours asks
   the run to stop (model/stop.h; adjoint_stop_steps in tests), <run_name>_adjoint_checkpoint.bin
   takes the sweep's whole state: n, lambda at the start of step n (with its ghosts), the
   footprints, the sensitivities to the emission entries and the top, the contributions summed so
   far (by tag, and by species: initial, inflow, top) and the forward J. A stopped run then exits
   with status 3 and writes no results. A run with run_restart ('latest': that file if there is one,
   else the sweep starts from the end; or its path) reads and checks it first (a damaged file, or
   one of another configuration, is refused in one line before any work), runs the forward again
   from run_start (for the snapshots; the forward checkpoints are not used: the sweep needs the bulk
   of every step), checks that its J is the file's bit for bit (else it is another run's, refused),
   and sweeps back from step n: the interval holding step n - 1 is recomputed from its kept start up
   to step n, then the sweep goes on as unbroken, so the results are the same bits. A restart costs
   one forward run (with its tags) and part of one interval; the checkpoint holds about lambda and
   the footprints (2 x nspec x F values a ghosted cell). It is per rank (lambda with ghosts,
   per-rank sums): a sweep resumes on the number of ranks that wrote it. A hand-off run (either
   side) neither checkpoints nor stops in its sweep, and refuses run_restart: its records are
   written as the sweep goes.

   Without tags (tags_enabled false) the run still gives every source: the source table
   (model/adjoint_sources.h) takes the emissions by unit, sector and species from the entries'
   sensitivities, and the initial state, the inflow by side and the top by species from lambda
   and the forward's bulk; the tag table needs tags.

   Nesting (model/adjoint_handoff.h). In a child reading its parent's files, the transposed fill
   also gives the sensitivities to the parent's boundary records (the interpolation weights times
   lambda) and the start state's (lambda at the start), written to <run_name>_adjoint_handoff.nc;
   the parent run repeated with adjoint_handoff_file takes them as its functionals: at each step
   end that is a record time, J grows by mu . q forward and lambda by mu backward. It checks
   before sweeping back that its mu . q equals what the child took from it (1e-9 of J), which
   fails for any other parent run.

   Reductions: the contributions are per-rank sums reduced with MPI_SUM (their last bits depend
   on the rank count, as any floating-point sum over ranks); halo_add_ghosts is not bitwise
   rank-independent either where a cell collects 3 or more inexact contributions (model/halo.c),
   so lambda itself may differ in its last bits between rank counts. */
#include "model/adjoint.h"
#include "model/adjoint_impl.h"
#include "model/adjoint_resume.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <petsctime.h>
#include "model/output/footprint.h"
#include "model/adjoint_sources.h"
#include "model/stop.h"
#include "base/namelist.h"
#include "base/atomic_file.h"
#include "base/memory.h"
#include "base/units.h"
#include "base/clock.h"
#include "base/lonlat.h"

static const ParamSpec params_table[] = {
    {.key = "enabled",
     .help = "after the forward run, run the adjoint backward from the functionals and write "
             "every tag's contribution to each (<run_name>_adjoint_contributions.csv)",
     .type = PARAM_BOOL,
     .def = 0,
     .offset = offsetof(Params, enabled)},
    {.key = "receptors",
     .help = "receptor of each functional: a receptor of the domain file (e.g. 'WCS'), or a point "
             "written as degrees east then north, e.g. '87.62E43.83N' (W and S for west and "
             "south), for the surface concentration of the grid cell holding it",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, receptors),
     .count_offset = offsetof(Params, nreceptors)},
    {.key = "species",
     .help = "species of each functional, or 'pm25' (the species counted in PM2.5); one value "
             "for all",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, species),
     .count_offset = offsetof(Params, nspecies)},
    {.key = "window_start",
     .units = "h",
     .help = "start of each functional's averaging window, hours since run_start (one value for "
             "all; none: 0)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(Params, window_start),
     .count_offset = offsetof(Params, nwindow_start)},
    {.key = "window_end",
     .units = "h",
     .help = "end of each functional's averaging window, hours since run_start (one value for "
             "all; none: run_hours)",
     .type = PARAM_REAL_ARRAY,
     .min = 0,
     .max = 1e6,
     .offset = offsetof(Params, window_end),
     .count_offset = offsetof(Params, nwindow_end)},
    {.key = "daily",
     .help = "receptors (of adjoint_receptors) whose functionals also give one functional for "
             "each whole Beijing day (UTC+8, 00 to 24 h) of their window, with the same species: "
             "the daily means a GB 3095-2012 daily limit or a strategy's day limit needs",
     .type = PARAM_STRING_ARRAY,
     .offset = offsetof(Params, daily),
     .count_offset = offsetof(Params, ndaily)},
    {.key = "snapshot_steps",
     .help = "keep the bulk at the start of every this many steps (and the end), recomputing the "
             "steps between: memory of run steps / k + k bulk states instead of run steps, "
             "for one more bulk pass when k > 1; the results are the same bits for any k",
     .type = PARAM_INT,
     .def = 1,
     .min = 1,
     .max = 1e6,
     .offset = offsetof(Params, snapshot_steps)},
    {.key = "snapshot_memory_mb",
     .units = "MB",
     .help = "memory per rank for the kept bulk states: those beyond it go to a file per rank in "
             "run_output_dir (<run_name>_adjoint_snapshots_<rank>.tmp, removed at the end), read "
             "back as the same bits (0: all on disk)",
     .type = PARAM_REAL,
     .def = 1024,
     .min = 0,
     .max = 1e9,
     .offset = offsetof(Params, snapshot_memory_mb)},
    {.key = "met_memory_mb",
     .units = "MB",
     .help = "memory per rank for copies of the met snapshots the source filled, which the sweep "
             "takes again instead of having the source fill them anew (the diagnostic source "
             "solves for its winds at each); at least the snapshots a snapshot_steps interval "
             "spans are kept, whatever this says; the others go to a file per rank in "
             "run_output_dir (<run_name>_adjoint_met_<rank>.tmp, removed at the end), read back "
             "as the same bits",
     .type = PARAM_REAL,
     .def = 256,
     .min = 0,
     .max = 1e9,
     .offset = offsetof(Params, met_memory_mb)},
    {.key = "stop_steps",
     .help = "for tests: stop the backward sweep as SIGUSR1 would (a checkpoint, exit status 3) "
             "once this many steps are swept back in this invocation (0: never)",
     .type = PARAM_INT,
     .def = 0,
     .min = 0,
     .max = 1e9,
     .offset = offsetof(Params, stop_steps)},
    {.key = "handoff_file",
     .help = "a nested child's <run_name>_adjoint_handoff.nc: this run (the parent run that wrote "
             "the child's boundary files, repeated) sweeps back the part of the child's "
             "functionals that came from it, crediting every source of this domain (adjoint_"
             "receptors then empty)",
     .type = PARAM_STRING,
     .offset = offsetof(Params, handoff_file),
     .sdef = ""},
    {.key = NULL},
};

const ParamGroup adjoint_group = {.name = "adjoint",
                                  .title = "Backward (adjoint) runs from receptor functionals",
                                  .params = params_table,
                                  .params_size = sizeof(Params)};

static const char *const part_names[PART_N] = {"initial state", "emitted", "lateral inflow",
                                               "top inflow"};

/* The receptor of functional n, rec = adjoint_receptors(n + 1): a receptor of the domain file,
   or else a point (base/lonlat.h) inside the grid, whose cell the functional then takes (the
   cell grid_spec_cell finds, as for a point source). */
static PetscErrorCode functional_receptor(Functional *fn, const Run *r, PetscInt n, const char *rec)
{
  const GridSpec *s = &r->grid->spec;
  PetscInt nrec = r->dom ? r->dom->nrec : 0;
  PetscReal lon, lat, ext[4];
  PetscBool inside;
  char names[256] = "";

  PetscFunctionBeginUser;
  fn->rec = fn->i = fn->j = -1;
  for (PetscInt k = 0; k < nrec; k++) {
    if (!strcmp(r->dom->rec[k].name, rec)) fn->rec = k;
    PetscCall(PetscStrlcat(names, k ? ", " : "", sizeof(names)));
    PetscCall(PetscStrlcat(names, r->dom->rec[k].name, sizeof(names)));
  }
  if (fn->rec >= 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(lonlat_parse(rec, &lon, &lat), r->comm, PETSC_ERR_USER,
             "adjoint_receptors(%" PetscInt_FMT ") = '%s': no receptor of that name in the domain "
             "file %s (its receptors: %s), nor a point such as '" LONLAT_EXAMPLE
             "' (degrees east, then north; W and S for west and south)",
             n + 1, rec, r->p.domain_file[0] ? r->p.domain_file : "(run_domain_file: none)",
             nrec ? names : "none");
  inside = grid_spec_cell(s, lon, lat, &fn->i, &fn->j);
  grid_spec_extent(s, ext);
  PetscCheck(
      inside, r->comm, PETSC_ERR_ARG_OUTOFRANGE,
      "adjoint_receptors(%" PetscInt_FMT ") = '%s': the point lies outside the domain "
      "(%" PetscInt_FMT " x %" PetscInt_FMT " cells spanning longitudes %.2f to %.2f and "
      "latitudes %.2f to %.2f, degrees east and north; the point falls at cell (%" PetscInt_FMT
      ", %" PetscInt_FMT "))",
      n + 1, rec, s->nx, s->ny, (double)ext[0], (double)ext[1], (double)ext[2], (double)ext[3],
      fn->i, fn->j);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The window of the namelist's functional n, hours since run_start. */
static void window_of(const Params *p, const Run *r, PetscInt n, PetscReal *h0, PetscReal *h1)
{
  *h0 = p->nwindow_start ? p->window_start[p->nwindow_start == 1 ? 0 : n] : 0;
  *h1 = p->nwindow_end ? p->window_end[p->nwindow_end == 1 ? 0 : n] : r->p.hours;
}

/* The whole Beijing days (UTC+8) in the window h0..h1 (hours since run_start): the first starts
   at *d0 h, and there are *nd of them. */
static void beijing_days(const Run *r, PetscReal h0, PetscReal h1, PetscReal *d0, PetscInt *nd)
{
  const PetscReal day = 86400, bjt = 8 * 3600; /* s */
  PetscReal t0 = r->t_start + 3600 * h0, first = PetscCeilReal((t0 + bjt) / day) * day - bjt;

  *d0 = (first - r->t_start) / 3600;
  *nd = h1 > *d0 ? (PetscInt)PetscFloorReal((h1 - *d0) / 24) : 0;
}

/* Is rec among the namelist's daily receptors? */
static PetscBool is_daily(const Params *p, const char *rec)
{
  for (PetscInt d = 0; d < p->ndaily; d++)
    if (!strcmp(p->daily[d], rec)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Functional fn over h0..h1 h from the namelist's functional n (its receptor and species),
   checked against the domain, the species and the run. */
static PetscErrorCode functional_setup(const Adjoint *A, const Run *r, PetscInt n, PetscReal h0,
                                       PetscReal h1, Functional *fn)
{
  const Params *p = A->p;
  const char *rec = p->receptors[n], *sp = p->species[p->nspecies == 1 ? 0 : n];

  PetscFunctionBeginUser;
  PetscCall(functional_receptor(fn, r, n, rec));
  fn->spec = strcmp(sp, "pm25") ? species_find(r->species, r->nspec, sp) : -1;
  PetscCheck(fn->spec >= 0 || !strcmp(sp, "pm25"), r->comm, PETSC_ERR_USER,
             "adjoint_species: '%s' is neither a species of the model nor 'pm25'", sp);
  PetscCall(run_steps_in(r, h0, "adjoint_window_start", &fn->m0));
  PetscCall(run_steps_in(r, h1, "adjoint_window_end", &fn->m1));
  PetscCheck(fn->m0 < fn->m1 && h1 <= r->p.hours, r->comm, PETSC_ERR_USER,
             "adjoint window %g h to %g h of functional %" PetscInt_FMT
             " is empty or ends after run_hours = %g",
             (double)h0, (double)h1, n + 1, (double)r->p.hours);
  /* The C library's %g: PETSc's prints "4." for 4. */
  int len = snprintf(fn->label, sizeof(fn->label), "%s:%s:%g-%gh", rec, sp, (double)h0, (double)h1);
  PetscCheck(len >= 0 && (size_t)len < sizeof(fn->label), r->comm, PETSC_ERR_USER,
             "adjoint_receptors: the label of functional %" PetscInt_FMT
             " ('%s', '%s') is longer than %d characters",
             n + 1, rec, sp, (int)sizeof(fn->label) - 1);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The namelist's counts, and what a backward run needs of the forward run. */
static PetscErrorCode check_params(const Params *p, const Run *r)
{
  PetscInt nf = p->nreceptors;

  PetscFunctionBeginUser;
  if (p->handoff_file[0]) {
    PetscCheck(nf == 0 && p->nspecies == 0 && p->nwindow_start == 0 && p->nwindow_end == 0 &&
                   p->ndaily == 0,
               r->comm, PETSC_ERR_USER,
               "adjoint_handoff_file = '%s': the functionals are the child's, from the file; "
               "give no adjoint_receptors, adjoint_species, adjoint windows or adjoint_daily",
               p->handoff_file);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(nf > 0, r->comm, PETSC_ERR_USER, "adjoint_enabled: adjoint_receptors lists none");
  PetscCheck(p->nspecies == nf || p->nspecies == 1, r->comm, PETSC_ERR_USER,
             "adjoint_species has %" PetscInt_FMT " values for %" PetscInt_FMT
             " receptors: give one for all or one each",
             p->nspecies, nf);
  PetscCheck(p->nwindow_start <= 1 || p->nwindow_start == nf, r->comm, PETSC_ERR_USER,
             "adjoint_window_start has %" PetscInt_FMT " values for %" PetscInt_FMT " functionals",
             p->nwindow_start, nf);
  PetscCheck(p->nwindow_end <= 1 || p->nwindow_end == nf, r->comm, PETSC_ERR_USER,
             "adjoint_window_end has %" PetscInt_FMT " values for %" PetscInt_FMT " functionals",
             p->nwindow_end, nf);
  for (PetscInt d = 0; d < p->ndaily; d++) {
    PetscBool listed = PETSC_FALSE;
    for (PetscInt n = 0; n < nf; n++) listed = listed || !strcmp(p->receptors[n], p->daily[d]);
    PetscCheck(listed, r->comm, PETSC_ERR_USER,
               "adjoint_daily(%" PetscInt_FMT ") = '%s': not one of adjoint_receptors", d + 1,
               p->daily[d]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The functionals of the namelist, each followed, for a daily receptor, by one for each whole
   Beijing day of its window (at most PARAM_ARRAY_MAX in all, as a hand-off file holds). */
static PetscErrorCode functionals_setup(Adjoint *A, const Run *r)
{
  const Params *p = A->p;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(PARAM_ARRAY_MAX, &A->fn));
  A->nf = 0;
  for (PetscInt n = 0; n < p->nreceptors; n++) {
    PetscReal h0, h1, d0 = 0;
    PetscInt nd = 0;
    window_of(p, r, n, &h0, &h1);
    if (is_daily(p, p->receptors[n])) {
      char window[64]; /* the C library's %g: PETSc's prints "4." for 4. */
      beijing_days(r, h0, h1, &d0, &nd);
      snprintf(window, sizeof(window), "%g h to %g h", (double)h0, (double)h1);
      PetscCheck(nd > 0, r->comm, PETSC_ERR_USER,
                 "adjoint_daily: functional %" PetscInt_FMT
                 " ('%s', %s) holds no whole Beijing day (UTC+8)",
                 n + 1, p->receptors[n], window);
    }
    PetscCheck(A->nf + 1 + nd <= PARAM_ARRAY_MAX, r->comm, PETSC_ERR_USER,
               "adjoint_receptors with adjoint_daily: more than %d functionals (at functional "
               "%" PetscInt_FMT "); at most %d travel in one backward run",
               PARAM_ARRAY_MAX, n + 1, PARAM_ARRAY_MAX);
    PetscCall(functional_setup(A, r, n, h0, h1, &A->fn[A->nf++]));
    for (PetscInt d = 0; d < nd; d++)
      PetscCall(functional_setup(A, r, n, d0 + 24 * (PetscReal)d, d0 + 24 * (PetscReal)(d + 1),
                                 &A->fn[A->nf++]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_create(Run *r, Adjoint **out)
{
  Adjoint *A;
  Params *p;
  const Emissions *em = r->emis ? emissions_fields(r->emis) : NULL;
  PetscInt ns = r->nspec;

  PetscFunctionBeginUser;
  *out = NULL;
  PetscCall(PetscNew(&p));
  PetscCall(namelist_read(r->comm, &adjoint_group, p));
  if (!p->enabled) {
    PetscCall(PetscFree(p));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(check_params(p, r));
  PetscCall(PetscNew(&A));
  A->p = p;
  PetscCall(run_steps_in(r, r->p.hours, "run_hours", &A->nstep));
  if (p->handoff_file[0]) {
    PetscCall(handoff_in_open(r, p->handoff_file, A->nstep, &A->hin));
    A->nf = handoff_in_count(A->hin);
    PetscCall(PetscCalloc1(A->nf, &A->fn));
    for (PetscInt n = 0; n < A->nf; n++) {
      Functional *fn = &A->fn[n];
      PetscCall(PetscStrncpy(fn->label, handoff_in_label(A->hin, n), sizeof(fn->label)));
      fn->rec = fn->i = fn->j = -1; /* no receptor term: the hand-off's records only */
      fn->m0 = fn->m1 = -1;
    }
  } else
    PetscCall(functionals_setup(A, r));
  PetscCall(state_create(r->grid, r->species, ns, A->nf, &A->ast));
  A->bulk = A->ast->patch;
  A->bulk.ntag = 0;
  A->nslot = r->nslot;
  PetscCall(PetscCalloc2(r->nslot, &A->ctx, r->nslot, &A->ops));
  for (PetscInt i = 0; i < r->nslot; i++) {
    A->ops[i] = r->slot[i].ops;
    PetscCall(A->ops[i]->init(r->slot[i].params, &A->ast->patch, &A->ctx[i]));
  }
  A->len = patch_size3(&A->ast->patch) * ns;
  A->k = p->snapshot_steps;
  {
    /* Copies of the met snapshots, taken again rather than filled anew as the sweep steps back
       over them: as many as adjoint_met_memory_mb holds, up to the run's, and at least the ones
       an interval of k steps spans and the one before it (the cache keeps the most recently
       used, which are the ones the sweep needs next); the copies it lets go of go to disk, from
       where the sweep reads them back (a wind solve each of the diagnostic source saved). */
    double mb = met_snapshot_bytes(r->met) / 1048576.0; /* one copy */
    PetscReal interval;
    PetscInt least, all, n;
    PetscCall(met_interval(r->met, r->t_start, &interval));
    least = (PetscInt)PetscCeilReal((PetscReal)A->k * r->p.dt / interval) + 2;
    all = (PetscInt)PetscCeilReal((PetscReal)A->nstep * r->p.dt / interval) + 1;
    n = PetscMin(all, PetscMax(least, (PetscInt)(p->met_memory_mb / mb)));
    PetscCall(met_cache_enable(r->met, n));
    if (n < all) { /* the others on disk, rather than filled again */
      char name[PETSC_MAX_PATH_LEN];
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s_adjoint_met", r->p.name));
      PetscCall(met_cache_spill(r->met, r->comm, all, r->p.output_dir, name));
    }
    PetscCall(PetscPrintf(r->comm,
                          "adjoint: the met keeps copies of the %" PetscInt_FMT
                          " snapshots it took last (of the run's %" PetscInt_FMT
                          "), %.1f MB on rank 0",
                          n, all, mb * (double)n));
    if (n < all)
      PetscCall(PetscPrintf(r->comm,
                            ", and the others on disk (%s_adjoint_met_<rank>.tmp, up to %.1f MB)",
                            r->p.name, mb * (double)(all - n)));
    PetscCall(PetscPrintf(r->comm, "\n"));
  }
  {
    PetscInt64 nkeep = A->nstep / A->k + 1 + (A->nstep % A->k ? 1 : 0);
    double bytes = 8.0 * (double)A->len * (double)nkeep, mem = 1048576.0 * p->snapshot_memory_mb;
    PetscCall(memory_check_bytes(r->comm, "the backward run's bulk snapshots",
                                 PetscMin(bytes, mem) + 8.0 * (double)A->len * (double)(A->k + 1)));
    char name[PETSC_MAX_PATH_LEN];
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_adjoint_snapshots", r->p.name));
    PetscCall(spill_create(r->comm, A->len, nkeep, mem, r->p.output_dir, name,
                           "the backward run's bulk snapshots", &A->snap));
    PetscCall(PetscMalloc1((A->k + 1) * A->len, &A->span));
  }
  PetscCall(PetscCalloc1((A->nstep + 1) * r->nslot, &A->count));
  PetscCall(PetscCalloc1(A->nstep * r->nslot * r->st->patch.mz, &A->layer_count));
  PetscCall(PetscCalloc1(A->nf, &A->J));
  PetscCall(PetscLogStageRegister("adjoint", &A->stage));
  PetscCall(PetscCalloc1(A->len * A->nf, &A->foot));
  A->emission_slot = -1;
  for (PetscInt i = 0; i < r->nslot; i++)
    if (!strcmp(r->slot[i].ops->group.name, "emission_area")) A->emission_slot = i;
  A->nsens_area = (em ? em->area.n : 0) * ns * A->nf + 1;
  A->nsens_point = (em ? em->point.n : 0) * ns * A->nf + 1;
  PetscCall(PetscCalloc1(A->nsens_area, &A->sens_area));
  PetscCall(PetscCalloc1(A->nsens_point, &A->sens_point));
  PetscCall(PetscCalloc1(patch_size2(&A->ast->patch) * ns * A->nf, &A->sens_top));
  PetscCall(PetscCalloc1(BUDGET_NTERMS * ns, &A->budget));
  PetscCall(PetscCalloc2(PART_N * A->nf * r->tags->ntag + 1, &A->part, A->nf * r->tags->ntag + 1,
                         &A->contrib));
  PetscCall(
      PetscCalloc3(A->nf * ns, &A->initial, A->nf * SIDE_N * ns, &A->inflow, A->nf * ns, &A->top));
  {
    const char **labels;
    PetscCall(PetscMalloc1(A->nf, &labels));
    for (PetscInt n = 0; n < A->nf; n++) labels[n] = A->fn[n].label;
    PetscCall(handoff_out_create(r, A->nf, labels, A->nstep, &A->hout));
    PetscCall(PetscFree(labels));
  }
  PetscCall(adjoint_resume_setup(A, r));
  *out = A;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_destroy(Adjoint **out)
{
  Adjoint *A = *out;

  PetscFunctionBeginUser;
  if (!A) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(A->p));
  PetscCall(PetscFree(A->fn));
  for (PetscInt c = 0; c < A->capcall; c++)
    PetscCall(PetscFree3(A->call[c].q, A->call[c].am, A->call[c].vdep));
  PetscCall(PetscFree(A->call));
  for (PetscInt i = 0; i < A->nslot; i++) PetscCall(A->ops[i]->finalize(&A->ctx[i]));
  PetscCall(PetscFree2(A->ctx, A->ops));
  PetscCall(state_destroy(&A->ast));
  PetscCall(spill_destroy(&A->snap));
  PetscCall(PetscFree(A->span));
  PetscCall(PetscFree(A->count));
  PetscCall(PetscFree(A->layer_count));
  PetscCall(PetscFree(A->J));
  PetscCall(PetscFree(A->foot));
  PetscCall(PetscFree(A->sens_area));
  PetscCall(PetscFree(A->sens_point));
  PetscCall(PetscFree(A->sens_top));
  PetscCall(PetscFree(A->budget));
  PetscCall(PetscFree2(A->part, A->contrib));
  PetscCall(PetscFree3(A->initial, A->inflow, A->top));
  PetscCall(handoff_out_destroy(&A->hout));
  PetscCall(handoff_in_destroy(&A->hin));
  PetscCall(PetscFree(A->J_ck));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The index in A->snap of the bulk at the start of step n (steps 0, k, 2k, ... and the end), -1
   if it is not kept. */
static PetscInt64 snapshot(const Adjoint *A, PetscInt64 n)
{
  if (n == A->nstep) return A->nstep / A->k + (A->nstep % A->k ? 1 : 0);
  return n % A->k ? -1 : n / A->k;
}

/* Keep the bulk q at the start of step n if it is a snapshot's, and the processes' counts. */
static PetscErrorCode keep(Adjoint *A, const Run *r, PetscInt64 n)
{
  const PetscReal *q;
  PetscInt64 to = snapshot(A, n);

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(r->st->q, &q));
  if (to >= 0) PetscCall(spill_put(A->snap, to, q));
  PetscCall(VecRestoreArrayRead(r->st->q, &q));
  for (PetscInt i = 0; i < r->nslot; i++) A->count[n * r->nslot + i] = r->slot[i].count;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_record(Adjoint *A, const Run *r)
{
  PetscFunctionBeginUser;
  if (!A) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(keep(A, r, r->nstep));
  if (r->nstep == 0 && A->hin) { /* a hand-off record at the run's start */
    const PetscReal *q;
    PetscCall(VecGetArrayRead(r->st->q, &q));
    PetscCall(handoff_in_at(A->hin, r, 0, q, A->J, NULL));
    PetscCall(VecRestoreArrayRead(r->st->q, &q));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The weight of cell (i, j), c2 its 2D local index, in functional fn: its receptor's mask, or 1 in
   a point's cell and 0 elsewhere. */
static PetscReal weight(const Run *r, const Functional *fn, PetscInt i, PetscInt j, PetscInt c2)
{
  if (fn->rec < 0) return i == fn->i && j == fn->j ? 1 : 0;
  return r->dom->receptor_weight[c2 * r->dom->nrec + fn->rec];
}

/* At the end of step m - 1 (m steps done, the met still that step's): with q, add each
   functional's share of the receptor value to J; with lam, add dJ/dt to lam. The weights, the
   density and the unit factor are the receptor series' (model/output/receptor_series.c, pack). */
static void functionals_at(const Adjoint *A, const Run *r, PetscInt64 m, const PetscReal *q,
                           PetscReal *J, PetscReal *lam)
{
  const Patch *p = &r->st->patch;
  const Met *met = r->met;
  PetscInt ns = r->nspec, nf = A->nf;

  for (PetscInt n = 0; n < nf; n++) {
    const Functional *fn = &A->fn[n];
    PetscReal inv = 1 / (PetscReal)(fn->m1 - fn->m0);
    if (m <= fn->m0 || m > fn->m1) continue;
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c2 = patch_index2(p, i, j), c = c2; /* the lowest layer */
        PetscReal w = weight(r, fn, i, j, c2), rho;
        if (!(w > 0)) continue;
        rho = met->air_mass_end[c] / (met->now->dz[c] * r->grid->area[c2]);
        for (PetscInt s = 0; s < ns; s++) {
          if (!(fn->spec == s || (fn->spec < 0 && p->species[s].in_pm25))) continue;
          if (J) J[n] += w * units_mixing_ratio_to_ugm3(q[c * ns + s], rho) * inv;
          if (lam) lam[(c * ns + s) * nf + n] += w * units_mixing_ratio_to_ugm3(1, rho) * inv;
        }
      }
  }
}

PetscErrorCode adjoint_accumulate(Adjoint *A, const Run *r)
{
  const PetscReal *q;

  PetscFunctionBeginUser;
  if (!A) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < r->nslot; i++) /* the layers' sub-steps of the step just taken */
    if (r->slot[i].layer_substeps)
      PetscCall(PetscArraycpy(&A->layer_count[((r->nstep - 1) * r->nslot + i) * r->st->patch.mz],
                              r->slot[i].layer_substeps, r->st->patch.mz));
  if (r->nstep == A->nstep) PetscCall(keep(A, r, r->nstep));
  PetscCall(VecGetArrayRead(r->st->q, &q));
  functionals_at(A, r, r->nstep, q, A->J, NULL);
  PetscCall(handoff_in_at(A->hin, r, r->nstep, q, A->J, NULL));
  PetscCall(VecRestoreArrayRead(r->st->q, &q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Keep the bulk of f and the vdep before process call number ncall of the step. */
static PetscErrorCode keep_call(Adjoint *A, const Run *r, PetscInt slot, PetscInt64 step,
                                PetscReal t, PetscReal h, const Fields *f)
{
  PetscInt n3 = patch_size3(&A->bulk), n2 = patch_size2(&A->bulk);
  Call *c;

  PetscFunctionBeginUser;
  if (A->ncall == A->capcall) {
    Call *more;
    PetscCall(PetscCalloc1(2 * A->capcall + 4, &more));
    if (A->capcall) PetscCall(PetscArraycpy(more, A->call, A->capcall));
    PetscCall(PetscFree(A->call));
    A->call = more;
    for (PetscInt k = A->capcall; k < 2 * A->capcall + 4; k++)
      PetscCall(
          PetscMalloc3(A->len, &A->call[k].q, n3, &A->call[k].am, n2 * r->nspec, &A->call[k].vdep));
    A->capcall = 2 * A->capcall + 4;
  }
  c = &A->call[A->ncall++];
  c->slot = slot;
  c->step = step;
  c->substep = f->substep;
  c->layers = f->layer_substeps;
  c->t = t;
  c->h = h;
  PetscCall(PetscArraycpy(c->q, f->q, A->len));
  PetscCall(PetscArraycpy(c->am, f->air_mass, n3));
  PetscCall(PetscArraycpy(c->vdep, f->vdep, n2 * r->nspec));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Stop unless the recomputed bulk (owned cells) is ref, the forward's at the start of step
   n + 1 (kept, or recomputed from a kept one). */
static PetscErrorCode check_replay(Adjoint *A, const Run *r, PetscInt64 n, const PetscReal *ref)
{
  const Patch *p = &A->bulk;
  const PetscReal *q;
  PetscInt ns = p->nspec, bad = 0, all;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(A->ast->q, &q));
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++)
        for (PetscInt s = 0; s < ns; s++) {
          PetscInt e = patch_index(p, i, j, k) * ns + s;
          if (q[e] != ref[e]) bad = 1;
        }
  PetscCall(VecRestoreArrayRead(A->ast->q, &q));
  PetscCallMPI(MPI_Allreduce(&bad, &all, 1, MPIU_INT, MPI_MAX, r->comm));
  PetscCheck(!all, r->comm, PETSC_ERR_PLIB,
             "adjoint: step %" PetscInt64_FMT
             " recomputed from its start does not give the forward run's bulk bit for bit (a met "
             "source or a process that does not replay): the sensitivities would be wrong",
             n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Recompute step n on the bulk alone from start, with calls keeping every call's bulk, as
   run.c's apply_process steps it: the ghosts refreshed and filled before each call of a process
   with stencil_width > 0, the forward's number of sub-steps, times and counts. f is prepared;
   the result is in A->ast->q. */
static PetscErrorCode recompute(Adjoint *A, Run *r, PetscInt64 n, const PetscReal *start,
                                PetscBool calls, Fields *f)
{
  State *st = A->ast;
  PetscReal t = run_step_time(r, n);

  PetscFunctionBeginUser;
  A->ncall = 0;
  PetscCall(state_get_fields(A->ast, PETSC_FALSE, f));
  PetscCall(PetscArraycpy(f->q, start, A->len));
  PetscCall(PetscArraycpy(f->air_mass, r->met->air_mass_start, patch_size3(&A->bulk)));
  PetscCall(state_restore_fields(A->ast, PETSC_FALSE, f));
  f->tag = NULL;
  for (PetscInt i = 0; i < r->nslot; i++) {
    const ProcessOps *ops = r->slot[i].ops;
    PetscInt64 c0 = A->count[n * r->nslot + i], nsub = A->count[(n + 1) * r->nslot + i] - c0;
    PetscReal h = r->p.dt / (PetscReal)nsub;
    for (PetscInt64 k = 0; k < nsub; k++) {
      ProcessStatus status = PROCESS_OK;
      if (ops->stencil_width > 0) {
        PetscCall(halo_exchange(st->halo_q, st->q));
        PetscCall(halo_exchange(st->halo_air, st->air_mass));
      }
      PetscCall(state_get_fields(A->ast, PETSC_FALSE, f));
      if (ops->stencil_width > 0)
        PetscCall(boundary_fill_ghosts(r->bnd, &A->bulk, r->met, f->q, NULL, f->air_mass));
      f->layer_substeps =
          ops->layer_max_dt ? &A->layer_count[(n * r->nslot + i) * A->bulk.mz] : NULL;
      f->substep = (PetscInt)k;
      f->sync_step = n;
      f->sync_dt = r->p.dt;
      if (calls) PetscCall(keep_call(A, r, i, c0 + k, t + (PetscReal)k * h, h, f));
      f->step = c0 + k;
      PetscCall(ops->step(A->ctx[i], &A->bulk, t + (PetscReal)k * h, h, f, &status));
      f->layer_substeps = NULL;
      PetscCall(state_restore_fields(A->ast, PETSC_FALSE, f));
      PetscCheck(status == PROCESS_OK, PETSC_COMM_SELF, PETSC_ERR_PLIB,
                 "adjoint: process %s failed in the recomputation of step %" PetscInt64_FMT,
                 ops->group.name, n);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The contributions of the values above the top in step n (r->q_top and r->tag_top, the
   forward's): the sensitivities the transposes accumulated over the step, times those values; then
   zeroed. */
static void credit_top(Adjoint *A, const Run *r)
{
  const Patch *p = &A->ast->patch;
  PetscInt ns = r->nspec, nf = A->nf, nt = r->tags->ntag;
  PetscReal *part = &A->part[PART_TOP * nf * nt];

  for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
    for (PetscInt i = p->xs; i < p->xs + p->xm; i++)
      for (PetscInt s = 0; s < ns; s++) {
        PetscInt c = patch_index2(p, i, j) * ns + s;
        const PetscReal *top = nt ? &r->tag_top[c * nt] : NULL;
        for (PetscInt n = 0; n < nf; n++) {
          PetscReal l = A->sens_top[c * nf + n];
          if (l == 0) continue;
          A->top[n * ns + s] += l * r->q_top[c];
          for (PetscInt m = 0; m < nt; m++) part[n * nt + m] += l * top[m];
          A->sens_top[c * nf + n] = 0;
        }
      }
}

/* The footprints at a call of emission_area: a constant source of 1 kg s-1 in cell c adds
   h / m(c) to its mixing ratio there, m the air mass at the call's start (emission_area's own
   coefficient), so each functional's sensitivity to it grows by lambda h / m. */
static void footprint_add(Adjoint *A, const Call *cl, const PetscReal *lam)
{
  const Patch *p = &A->ast->patch;
  PetscInt w = p->nspec * A->nf;

  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++) {
        PetscInt c = patch_index(p, i, j, k);
        PetscReal coef = cl->h / cl->am[c];
        for (PetscInt e = 0; e < w; e++) A->foot[c * w + e] += lam[c * w + e] * coef;
      }
}

/* Step n backward: add the forcing at its end to lambda, then the transposes of its calls in
   reverse order; tag_bnd holds the forward's tags in the ghosts outside the domain for this
   step's met (the boundary fill is the same for all its sub-steps). */
static PetscErrorCode sweep_back(Adjoint *A, Run *r, PetscInt64 n, Fields *f,
                                 const PetscReal *q_bnd, const PetscReal *tag_bnd)
{
  State *st = A->ast;
  PetscInt nt = r->tags->ntag;
  BoundaryTranspose bt = {.q_bnd = q_bnd,
                          .tag_bnd = nt ? tag_bnd : NULL,
                          .contrib = nt ? &A->part[PART_LATERAL * A->nf * nt] : NULL,
                          .inflow = A->inflow,
                          .parent_record = A->hout ? handoff_out_record : NULL,
                          .ctx = A->hout};

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(st->tag, &f->tag));
  PetscCall(VecGetArray(st->dep_dry, &f->dep_dry)); /* scratch: the transposes advance the bulk */
  PetscCall(VecGetArray(st->dep_wet, &f->dep_wet));
  functionals_at(A, r, n + 1, NULL, NULL, f->tag);
  PetscCall(handoff_in_at(A->hin, r, n + 1, NULL, NULL, f->tag));
  f->tag_top = NULL; /* the transposes read no top values: they accumulate sens_top */
  f->sens_area = A->sens_area;
  f->sens_point = A->sens_point;
  f->sens_top = A->sens_top;
  for (PetscInt c = A->ncall - 1; c >= 0; c--) {
    const Call *cl = &A->call[c];
    const ProcessOps *ops = r->slot[cl->slot].ops;
    ProcessStatus status = PROCESS_OK;
    if (!ops->transpose) continue;
    f->q = cl->q;
    f->air_mass = cl->am;
    f->vdep = cl->vdep;
    f->step = cl->step;
    f->substep = cl->substep;
    f->layer_substeps = cl->layers;
    f->sync_step = n;
    f->sync_dt = r->p.dt;
    PetscCall(ops->transpose(A->ctx[cl->slot], &st->patch, cl->t, cl->h, f, &status));
    PetscCheck(status == PROCESS_OK, PETSC_COMM_SELF, PETSC_ERR_PLIB,
               "adjoint: the transpose of %s failed in step %" PetscInt64_FMT, ops->group.name, n);
    if (cl->slot == A->emission_slot) footprint_add(A, cl, f->tag);
    if (ops->stencil_width > 0) {
      PetscCall(boundary_fill_ghosts_transpose(r->bnd, &st->patch, r->met, &bt, f->tag));
      PetscCall(VecRestoreArray(st->tag, &f->tag));
      PetscCall(halo_add_ghosts(st->halo_tag, st->tag));
      PetscCall(VecGetArray(st->tag, &f->tag));
    }
  }
  PetscCall(VecRestoreArray(st->dep_wet, &f->dep_wet));
  PetscCall(VecRestoreArray(st->dep_dry, &f->dep_dry));
  PetscCall(VecRestoreArray(st->tag, &f->tag));
  f->sens_area = f->sens_point = f->sens_top = NULL;
  credit_top(A, r);
  PetscCall(handoff_out_flush(A->hout, r, r->met->now->time));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The forward's bulk and tags in the ghosts outside the domain for the met of the step prepared:
   the run's state vectors (free once the forward run is over) take the fill; their arrays are
   returned, to be restored with restore_boundary. */
static PetscErrorCode boundary_values(Run *r, PetscReal **q, PetscReal **tag)
{
  PetscReal *am;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(r->st->q, q));
  PetscCall(VecGetArray(r->st->air_mass, &am));
  *tag = NULL;
  if (r->tags->ntag) PetscCall(VecGetArray(r->st->tag, tag));
  PetscCall(boundary_fill_ghosts(r->bnd, &r->st->patch, r->met, *q, *tag, am));
  PetscCall(VecRestoreArray(r->st->air_mass, &am));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode restore_boundary(Run *r, PetscReal **q, PetscReal **tag)
{
  PetscFunctionBeginUser;
  PetscCall(VecRestoreArray(r->st->q, q));
  if (*tag) PetscCall(VecRestoreArray(r->st->tag, tag));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The emissions' and the initial state's contributions, once lambda is at the start. */
static PetscErrorCode credit_sources(Adjoint *A, Run *r)
{
  const Emissions *em = r->emis ? emissions_fields(r->emis) : NULL;
  const Patch *p = &r->st->patch;
  PetscInt ns = r->nspec, nf = A->nf, nt = r->tags->ntag;
  PetscReal *q, *tag, *emitted = &A->part[PART_EMITTED * nf * nt],
                      *initial = &A->part[PART_INITIAL * nf * nt];
  const PetscReal *lam;

  PetscFunctionBeginUser;
  for (PetscInt e = 0; em && nt && e < em->area.n; e++)
    for (PetscInt fam = 0; fam < em->nfamily; fam++) {
      PetscInt m = em->area.tag[e * em->nfamily + fam];
      for (PetscInt s = 0; s < ns && m >= 0; s++)
        for (PetscInt n = 0; n < nf; n++)
          emitted[n * nt + m] += em->area.rate[e * ns + s] * A->sens_area[(e * ns + s) * nf + n];
    }
  for (PetscInt e = 0; em && nt && e < em->point.n; e++)
    for (PetscInt fam = 0; fam < em->nfamily; fam++) {
      PetscInt m = em->point.tag[e * em->nfamily + fam];
      for (PetscInt s = 0; s < ns && m >= 0; s++)
        for (PetscInt n = 0; n < nf; n++)
          emitted[n * nt + m] += em->point.rate[e * ns + s] * A->sens_point[(e * ns + s) * nf + n];
    }
  /* The initial state by tag, as initial_state() in run.c made it (the met is step 0's). */
  PetscCall(VecGetArray(r->st->q, &q));
  tag = NULL;
  if (nt) PetscCall(VecGetArray(r->st->tag, &tag));
  PetscCall(boundary_initial(r->bnd, p, r->met, r->t_start, q, tag));
  PetscCall(VecGetArrayRead(A->ast->tag, &lam));
  handoff_out_initial(A->hout, r, lam);
  for (PetscInt k = 0; k < p->mz; k++)
    for (PetscInt j = p->ys; j < p->ys + p->ym; j++)
      for (PetscInt i = p->xs; i < p->xs + p->xm; i++)
        for (PetscInt s = 0; s < ns; s++) {
          PetscInt c = patch_index(p, i, j, k) * ns + s;
          for (PetscInt n = 0; n < nf; n++) {
            PetscReal l = lam[c * nf + n];
            if (l == 0) continue;
            A->initial[n * ns + s] += l * q[c];
            for (PetscInt m = 0; m < nt; m++) initial[n * nt + m] += l * tag[c * nt + m];
          }
        }
  PetscCall(VecRestoreArrayRead(A->ast->tag, &lam));
  if (nt) PetscCall(VecRestoreArray(r->st->tag, &tag));
  PetscCall(VecRestoreArray(r->st->q, &q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The table (rank 0) and the log: each functional's J, then every tag's contribution; per
   family the sum of its tags against J. contrib and J are global. */
static PetscErrorCode report(const Adjoint *A, const Run *r)
{
  const Tags *tg = r->tags;
  PetscInt nt = tg->ntag;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  if (rank == 0 && nt) {
    char path[PETSC_MAX_PATH_LEN];
    AtomicFile out;
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s_adjoint_contributions.csv", r->p.output_dir,
                            r->p.name));
    PetscCall(atomic_file_open(path, &out));
    PetscCall(atomic_file_printf(&out, "functional,tag,contribution_ug_m3\n"));
    for (PetscInt n = 0; n < A->nf; n++) {
      PetscCall(atomic_file_printf(&out, "%s,J,%.17g\n", A->fn[n].label, (double)A->J[n]));
      for (PetscInt m = 0; m < nt; m++)
        PetscCall(atomic_file_printf(&out, "%s,%s,%.17g\n", A->fn[n].label, tg->label[m],
                                     (double)A->contrib[n * nt + m]));
    }
    PetscCall(atomic_file_commit(&out));
  }
  for (PetscInt n = 0; n < A->nf; n++) {
    PetscReal J = A->J[n];
    PetscCall(
        PetscPrintf(r->comm, "adjoint %s: J = %.12e ug m-3 (forward)", A->fn[n].label, (double)J));
    for (PetscInt fam = 0; fam < tg->nfamily; fam++) {
      PetscReal sum = 0;
      for (PetscInt m = tg->family_start[fam]; m < tg->family_start[fam + 1]; m++)
        sum += A->contrib[n * nt + m];
      PetscCall(PetscPrintf(r->comm, "; %s tags sum to %.12e (%.1e relative)", tg->family_name[fam],
                            (double)sum, (double)(PetscAbsReal(sum - J) / PetscMax(J, 1e-300))));
    }
    PetscCall(PetscPrintf(r->comm, "; by source:"));
    for (PetscInt k = 0; k < PART_N; k++) {
      PetscReal sum = 0;
      PetscInt ns = r->nspec;
      if (k == PART_EMITTED) { /* by tag: one family partitions the emitted air */
        if (!nt) continue;
        for (PetscInt m = tg->family_start[0]; m < tg->family_start[1]; m++)
          sum += A->part[(k * A->nf + n) * nt + m];
      }
      for (PetscInt s = 0; s < ns; s++) {
        if (k == PART_INITIAL) sum += A->initial[n * ns + s];
        if (k == PART_TOP) sum += A->top[n * ns + s];
        for (PetscInt side = 0; side < SIDE_TOP && k == PART_LATERAL; side++)
          sum += A->inflow[(n * SIDE_N + side) * ns + s];
      }
      PetscCall(PetscPrintf(r->comm, "%s %s %.6e", k ? "," : "", part_names[k], (double)sum));
    }
    PetscCall(PetscPrintf(r->comm, "\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The log: the processes replayed with sub-steps, the memory kept and the bulk recomputed. */
static PetscErrorCode log_schedule(const Adjoint *A, const Run *r)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < r->nslot; i++) {
    PetscInt64 lo = INT64_MAX, hi = 0;
    for (PetscInt64 n = 0; n < A->nstep; n++) {
      PetscInt64 k = A->count[(n + 1) * r->nslot + i] - A->count[n * r->nslot + i];
      lo = PetscMin(lo, k);
      hi = PetscMax(hi, k);
    }
    if (hi > 1)
      PetscCall(PetscPrintf(r->comm,
                            "adjoint: %s replayed with %" PetscInt64_FMT " to %" PetscInt64_FMT
                            " sub-steps a step\n",
                            r->slot[i].ops->group.name, lo, hi));
  }
  {
    PetscInt64 nmem, ndisk;
    PetscInt n3 = patch_size3(&A->bulk), n2 = patch_size2(&A->bulk);
    double mb = 8.0 / 1048576.0, keep, disk;
    double step = mb * (double)A->capcall * (double)(A->len + n3 + n2 * r->nspec);
    spill_counts(A->snap, &nmem, &ndisk);
    keep = mb * (double)((nmem + A->k + 1) * A->len);
    disk = mb * (double)(ndisk * A->len);
    PetscCall(PetscPrintf(r->comm,
                          "adjoint: the bulk kept every %" PetscInt64_FMT
                          " steps, %.1f MB in memory and %.1f MB on disk (%" PetscInt64_FMT
                          " of %" PetscInt64_FMT
                          " states) on rank 0, a step's records %.1f MB; %" PetscInt64_FMT
                          " bulk steps recomputed for %" PetscInt64_FMT " forward steps\n",
                          A->k, keep, disk, ndisk, nmem + ndisk, step,
                          A->nstep + A->nstep - (A->nstep + A->k - 1) / A->k, A->nstep));
  }
  PetscCall(PetscPrintf(r->comm,
                        "adjoint: the met source filled %" PetscInt64_FMT
                        " snapshots in all, forward and backward; %" PetscInt64_FMT
                        " copies read back from disk on rank 0\n",
                        r->met->fills, r->met->unspills));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One line per output interval swept back: the time reached, wall time and ETA (the sweep of
   this invocation began at step from). */
static PetscErrorCode progress(const Adjoint *A, const Run *r, PetscInt64 n, PetscInt64 from,
                               PetscLogDouble t0)
{
  PetscLogDouble now;
  char when[32], wall[32], eta[32];

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&now));
  clock_format(run_step_time(r, n), when, sizeof(when));
  clock_format_duration(now - t0, wall, sizeof(wall));
  clock_format_duration((now - t0) / (double)(from - n) * (double)n, eta, sizeof(eta));
  PetscCall(PetscPrintf(r->comm, "%s  %6.1f/%.1f h swept back  wall %s  ETA %s  (adjoint)\n", when,
                        (double)((A->nstep - n) * r->p.dt / 3600.0), (double)r->p.hours, wall,
                        eta));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The met, top values, emissions and work arrays of step n, for its recomputation. */
static PetscErrorCode prepare(Adjoint *A, Run *r, PetscInt64 n, Fields *f)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(f, sizeof(*f)));
  PetscCall(run_step_prepare(r, n, PETSC_FALSE, f));
  f->budget = A->budget; /* the run's budget is the forward's */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A hand-off run must be the parent run that wrote the child's files: the forward run's sum
   mu . q over the records must be the child's part from the parent (its lambda times the values it
   read), the same sum up to round-off. */
static PetscErrorCode check_handoff(const Adjoint *A, const Run *r)
{
  PetscReal J[PARAM_ARRAY_MAX];

  PetscFunctionBeginUser;
  if (!A->hin) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Allreduce(A->J, J, (PetscMPIInt)A->nf, MPIU_REAL, MPI_SUM, r->comm));
  for (PetscInt n = 0; n < A->nf; n++) {
    PetscReal Jc, from, d;
    handoff_in_child(A->hin, n, &Jc, &from);
    d = PetscAbsReal(J[n] - from) / PetscMax(PetscAbsReal(Jc), 1e-300);
    PetscCheck(d < 1e-9, r->comm, PETSC_ERR_USER,
               "adjoint_handoff_file = '%s': functional %s: this run gives %.12e ug m-3 from the "
               "child's records, the child took %.12e ug m-3 from its parent (%.1e of its J): this "
               "run is not the one that wrote the child's boundary files",
               A->p->handoff_file, A->fn[n].label, (double)J[n], (double)from, (double)d);
    PetscCall(PetscPrintf(r->comm,
                          "adjoint %s: the child took %.12e ug m-3 from this run, which gives "
                          "%.12e from its records (%.1e of the child's J = %.12e)\n",
                          A->fn[n].label, (double)from, (double)J[n], (double)d, (double)Jc));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_run(Adjoint *A, Run *r, int *stopped)
{
  PetscLogDouble t0, t1;
  Fields f;
  PetscInt64 from = A ? A->from : 0, swept = 0;

  PetscFunctionBeginUser;
  *stopped = STOP_NONE;
  if (!A) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(check_handoff(A, r));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogStagePush(A->stage));
  if (A->resume[0])
    PetscCall(adjoint_resume_check(A, r));
  else
    PetscCall(VecZeroEntries(A->ast->tag));
  /* The intervals [s0, s1) between kept states, last first, up to step from (where lambda is):
     the bulk at the start of each of their steps recomputed forward into A->span, then the steps
     swept back one by one. */
  for (PetscInt64 s0 = (from - 1) / A->k * A->k; s0 >= 0; s0 -= A->k) {
    PetscInt64 s1 = PetscMin(s0 + A->k, A->nstep), e = PetscMin(s1, from);
    PetscInt64 last = e == s1 ? s1 - 1 : e; /* the span recomputed up to this step's start */
    PetscCall(spill_get(A->snap, snapshot(A, s0), A->span));
    for (PetscInt64 n = s0; n < last; n++) {
      const PetscReal *q;
      PetscCall(prepare(A, r, n, &f));
      PetscCall(recompute(A, r, n, &A->span[(n - s0) * A->len], PETSC_FALSE, &f));
      PetscCall(VecGetArrayRead(A->ast->q, &q));
      PetscCall(PetscArraycpy(&A->span[(n - s0 + 1) * A->len], q, A->len));
      PetscCall(VecRestoreArrayRead(A->ast->q, &q));
    }
    if (e == s1) PetscCall(spill_get(A->snap, snapshot(A, s1), &A->span[(s1 - s0) * A->len]));
    for (PetscInt64 n = e - 1; n >= s0; n--) {
      PetscReal *q_bnd, *tag_bnd;
      PetscCall(prepare(A, r, n, &f));
      PetscCall(boundary_values(r, &q_bnd, &tag_bnd));
      PetscCall(recompute(A, r, n, &A->span[(n - s0) * A->len], PETSC_TRUE, &f));
      PetscCall(check_replay(A, r, n, &A->span[(n - s0 + 1) * A->len]));
      PetscCall(sweep_back(A, r, n, &f, q_bnd, tag_bnd));
      PetscCall(restore_boundary(r, &q_bnd, &tag_bnd));
      if (n % r->steps_per_output == 0) PetscCall(progress(A, r, n, from, t0));
      PetscCall(adjoint_resume_after_step(A, r, n, ++swept, t0, stopped));
      if (*stopped) {
        PetscCall(PetscLogStagePop());
        PetscFunctionReturn(PETSC_SUCCESS);
      }
    }
  }
  if (A->hin) { /* a hand-off record at the run's start */
    PetscReal *lam;
    PetscCall(VecGetArray(A->ast->tag, &lam));
    PetscCall(handoff_in_at(A->hin, r, 0, NULL, NULL, lam));
    PetscCall(VecRestoreArray(A->ast->tag, &lam));
  }
  PetscCall(credit_sources(A, r));
  {
    PetscInt len = A->nf * r->tags->ntag;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, A->part, (PetscMPIInt)(PART_N * len), MPIU_REAL,
                               MPI_SUM, r->comm));
    for (PetscInt e = 0; e < len; e++) {
      A->contrib[e] = 0;
      for (PetscInt k = 0; k < PART_N; k++) A->contrib[e] += A->part[k * len + e];
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, A->J, (PetscMPIInt)A->nf, MPIU_REAL, MPI_SUM, r->comm));
  {
    PetscInt ns = r->nspec;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, A->initial, (PetscMPIInt)(A->nf * ns), MPIU_REAL,
                               MPI_SUM, r->comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, A->inflow, (PetscMPIInt)(A->nf * SIDE_N * ns),
                               MPIU_REAL, MPI_SUM, r->comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, A->top, (PetscMPIInt)(A->nf * ns), MPIU_REAL, MPI_SUM,
                               r->comm));
  }
  PetscCall(PetscLogStagePop());
  PetscCall(report(A, r));
  {
    char path[PETSC_MAX_PATH_LEN];
    const char **labels;
    BoundaryParentLayout L, S;
    PetscReal *from_parent;
    PetscInt ns = r->nspec;
    PetscCall(boundary_parent_layout(r->bnd, PETSC_FALSE, &L));
    PetscCall(boundary_parent_layout(r->bnd, PETSC_TRUE, &S));
    PetscCall(PetscMalloc2(A->nf, &labels, A->nf, &from_parent));
    for (PetscInt n = 0; n < A->nf; n++) {
      labels[n] = A->fn[n].label;
      from_parent[n] = 0;
      for (PetscInt s = 0; s < ns; s++) {
        if (S.nrec) from_parent[n] += A->initial[n * ns + s];
        for (PetscInt side = 0; side < SIDE_TOP && L.nrec; side++)
          from_parent[n] += A->inflow[(n * SIDE_N + side) * ns + s];
      }
    }
    {
      AdjointSourceInput in = {.nf = A->nf,
                               .labels = labels,
                               .J = A->J,
                               .sens_area = A->sens_area,
                               .sens_point = A->sens_point,
                               .initial = A->initial,
                               .inflow = A->inflow,
                               .top = A->top,
                               .initial_parent = S.nrec > 0,
                               .inflow_parent = L.nrec > 0};
      PetscCall(adjoint_sources_write(r, &in));
    }
    PetscCall(handoff_out_close(A->hout, A->J, from_parent));
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s_adjoint_footprints.nc", r->p.output_dir,
                            r->p.name));
    PetscCall(footprint_write(r->grid, &A->ast->patch, path, labels, A->foot, r->t_start,
                              run_step_time(r, A->nstep)));
    PetscCall(PetscFree2(labels, from_parent));
  }
  PetscCall(log_schedule(A, r));
  PetscCall(adjoint_resume_finish(A, r));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(r->comm,
                        "adjoint: %" PetscInt_FMT " functionals swept back over %" PetscInt64_FMT
                        " steps in %.1f s wall; contributions in %s/%s_adjoint_sources.csv\n",
                        A->nf, A->nstep, (double)(t1 - t0), r->p.output_dir, r->p.name));
  PetscFunctionReturn(PETSC_SUCCESS);
}
