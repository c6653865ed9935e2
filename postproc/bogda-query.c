/* bogda-query: a control unit's emissions and shares at the hotspots, or what a new project would
   add there, from a base run's tags or from its backward run's footprints (the public query page,
   postproc/query_page.py, shows the same numbers: it reads the -page_data export).

     bogda-query -run DIR -domain DOMAIN.nc -unit CODE | -name TEXT          [-json]
     bogda-query -run DIR -domain DOMAIN.nc -lonlat LON,LAT -emit so2=A,nox=B,ppm25=C,nh3=D
                 [-stack_height M] [-json]
     bogda-query -run DIR -domain DOMAIN.nc -lonlat LON,LAT -emit LIST -footprints FP.nc
                 [-stack_height M -stack_diameter M -stack_velocity M/S -stack_temperature K]
                 [-json]
     bogda-query -run DIR -domain DOMAIN.nc -page_data FILE.json

   Without -footprints the coefficients are the unit-average, tag-based ones of postproc/query.h
   (illustrative: a project gets its unit's average, whatever its place in the unit and its
   height). With -footprints (the base run's <run_name>_adjoint_footprints.nc) a project gets, for
   each functional of its backward run, the sensitivity in its own cell and layers times its rates
   (postproc/footprint_query.h): layer 0 for a surface source, exact; for a stack the layers of the
   model's plume rise on the run's met, averaged over the run, an approximation with an error
   estimate (postproc/stack_layers.h). The numbers of -json are printed with 17 significant digits
   (they read back exactly), the text with 4. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/clock.h"
#include "base/program.h"
#include "base/units.h"
#include "model/emissions/point_sources.h"
#include "model/emissions/profiles.h"
#include "postproc/footprint_query.h"
#include "postproc/query.h"
#include "postproc/query_json.h"

#define COUNT(a) ((PetscInt)(sizeof(a) / sizeof((a)[0])))

static const char usage[] =
    "Usage: bogda-query -run DIR -domain DOMAIN.nc (-unit CODE | -name TEXT | -lonlat LON,LAT\n"
    "                   -emit so2=T,nox=T,ppm25=T,nh3=T [-footprints FP.nc [-stack_... ]] |\n"
    "                   -page_data F.json) [-json]\n"
    "  -run DIR           the base run's output folder (receptor files with tags, the effective\n"
    "                     namelist); run from the folder the model ran in (its input paths)\n"
    "  -domain FILE       the domain file the base run used\n"
    "  -unit CODE         a control unit by its code (650102-K1)\n"
    "  -name TEXT         a control unit by (part of) its Chinese or English name\n"
    "  -lonlat LON,LAT    a new project's place, degrees east and north\n"
    "  -emit LIST         its emissions, species=t/yr, comma-separated (so2, nox, nh3, ppm25,\n"
    "                     ppmc); the species not given emit nothing\n"
    "  -footprints FILE   answer from the base run's backward run instead of its tags: its\n"
    "                     <run_name>_adjoint_footprints.nc; for each functional, the footprint of\n"
    "                     the project's cell and layers times its rates (layer 0 without stack\n"
    "                     options: exact for a constant rate where the run is linear)\n"
    "  -stack_height M    its stack height, m (without -footprints recorded only: the\n"
    "                     unit-average coefficient does not depend on it)\n"
    "  -stack_diameter M, -stack_velocity M/S, -stack_temperature K\n"
    "                     with -footprints and -stack_height, all four: a stack, whose layers\n"
    "                     are the model's plume rise (the run's &emission_point) on the base\n"
    "                     run's met (its met_output file, or -met_output FILE) at each step,\n"
    "                     averaged over the run: an approximation (the model puts each step's\n"
    "                     emission into that step's layers; the footprints are integrated over\n"
    "                     the run), given with an error estimate\n"
    "  -json              the answer as JSON (full precision) instead of text\n"
    "  -page_data FILE    every unit, the grid and the hotspots as JSON for the query page\n";

static const char note[] =
    "unit-average, tag-based coefficient (illustrative): the mean contribution of the tags "
    "holding the unit divided by what they emitted of each precursor; a project anywhere in the "
    "unit, at any height, gets the same ug m-3 per t/yr (-footprints answers for its own cell and "
    "layers from a backward run)";

static const char note_footprints[] =
    "footprint-based: the backward run's sensitivity of each functional to a constant source of 1 "
    "kg s-1 in the project's cell and layers (model/output/footprint.h) times the project's "
    "rates (t/yr over the model's 365-day year), summed over the emitted species; exact, to the "
    "footprints' 32-bit rounding, for a source at a constant rate into fixed layers (a surface "
    "source: layer 0) where the run is linear in its emissions (linear chemistry; upwind "
    "transport exactly, PPM nearly)";

static const char note_stack[] =
    "; a stack's layers are the model's plume rise on the base run's met at each of the run's "
    "steps, and the layers' footprints are weighted by the fractions averaged over the run: an "
    "approximation (the model puts each step's emission into that step's layers while the "
    "footprints are integrated over the run; tests/regression/query_footprints.sh measures it), "
    "given with an error estimate for each functional: the largest share of the plume away from "
    "its mean layers at any step times the range of the footprint over the layers it reaches";

/* A new project: its place, its cell, its stack and its emissions (t/yr by species). */
typedef struct {
  PetscReal lon, lat, height, emit[64];
  PetscInt i, j;
} Project;

/* The stack options: -stack_height, -stack_diameter, -stack_velocity, -stack_temperature. */
enum { STACK_HEIGHT, STACK_DIAMETER, STACK_VELOCITY, STACK_TEMPERATURE, STACK_N };
static const char *const stack_option[STACK_N] = {"-stack_height", "-stack_diameter",
                                                  "-stack_velocity", "-stack_temperature"};
static const char *const stack_unit[STACK_N] = {"m", "m", "m s-1", "K"};
/* Each option's number in a row of the points CSV, whose ranges it takes (zero excluded). */
static const PetscInt stack_point[STACK_N] = {POINT_HEIGHT, POINT_DIAMETER, POINT_VELOCITY,
                                              POINT_TEMPERATURE};

typedef struct {
  PetscReal v[STACK_N];
  PetscBool set[STACK_N];
  PetscInt nset;
} StackOptions;

/* Does text hold part, ignoring the case of ASCII letters? */
static PetscBool holds(const char *text, const char *part)
{
  size_t n = strlen(part);
  for (; *text; text++)
    if (!strncasecmp(text, part, n)) return PETSC_TRUE;
  return n == 0 ? PETSC_TRUE : PETSC_FALSE;
}

/* The unit called code, or named by text (exactly, else as the only unit whose name holds it). */
static PetscErrorCode find_unit(const Domain *d, const char *code, const char *text, PetscInt *u)
{
  PetscInt n = 0;
  char list[256] = "";

  PetscFunctionBeginUser;
  *u = -1;
  for (PetscInt k = 0; k < d->nunit && code[0]; k++)
    if (!strcmp(d->unit[k].code, code)) *u = k;
  PetscCheck(!code[0] || *u >= 0, PETSC_COMM_SELF, PETSC_ERR_USER,
             "-unit %s: no control unit of the domain has this code (see <domain>_units.csv)",
             code);
  if (code[0]) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < d->nunit; k++)
    if (!strcmp(d->unit[k].name_zh, text) || !strcasecmp(d->unit[k].name_en, text)) *u = k;
  if (*u >= 0) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < d->nunit; k++)
    if (strstr(d->unit[k].name_zh, text) || holds(d->unit[k].name_en, text)) {
      size_t l = strlen(list);
      if (n < 4)
        PetscCall(
            PetscSNPrintf(list + l, sizeof(list) - l, "%s%s", n ? ", " : "", d->unit[k].code));
      *u = k, n++;
    }
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_USER, "-name '%s': no control unit's name holds it",
             text);
  PetscCheck(n == 1, PETSC_COMM_SELF, PETSC_ERR_USER,
             "-name '%s': %d units' names hold it (%s%s); give -unit CODE", text, (int)n, list,
             n > 4 ? ", ..." : "");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -lonlat LON,LAT: two finite numbers in range. */
static PetscErrorCode parse_lonlat(const char *text, PetscReal *lon, PetscReal *lat)
{
  char *end;
  double a, b;

  PetscFunctionBeginUser;
  errno = 0;
  a = strtod(text, &end);
  PetscCheck(end != text && *end == ',', PETSC_COMM_SELF, PETSC_ERR_USER,
             "-lonlat '%s': expected LON,LAT in degrees (87.6,43.8)", text);
  b = strtod(end + 1, &end);
  PetscCheck(!errno && !*end && end != text, PETSC_COMM_SELF, PETSC_ERR_USER,
             "-lonlat '%s': expected LON,LAT in degrees (87.6,43.8)", text);
  PetscCheck(a >= -180 && a <= 180 && b >= -90 && b <= 90, PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE,
             "-lonlat '%s': longitude must lie in [-180, 180] and latitude in [-90, 90]", text);
  *lon = a, *lat = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -emit so2=T,nox=T,...: t/yr of source species (those some species is made from). */
static PetscErrorCode parse_emit(const Query *q, const char *text, PetscReal *emit)
{
  char *copy;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < q->nspec; k++) emit[k] = 0;
  PetscCall(PetscStrallocpy(text, &copy));
  for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
       item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '='), *end;
    PetscInt k = -1;
    PetscBool source = PETSC_FALSE;
    double v;
    PetscCheck(eq, PETSC_COMM_SELF, PETSC_ERR_USER,
               "-emit: '%s' is not species=t/yr (so2=120,nox=80)", item);
    *eq = '\0';
    k = species_find(q->sp, q->nspec, item);
    for (PetscInt j = 0; j < q->nspec && k >= 0; j++) source = source || q->src[j] == k;
    PetscCheck(k >= 0 && source, PETSC_COMM_SELF, PETSC_ERR_USER,
               "-emit: species '%s' is not an emitted species the tags resolve; expected so2, "
               "nox, nh3, ppm25 or ppmc",
               item);
    errno = 0;
    v = strtod(eq + 1, &end);
    PetscCheck(!errno && end != eq + 1 && !*end && v >= 0 && v < 1e9, PETSC_COMM_SELF,
               PETSC_ERR_USER, "-emit: %s = '%s' is not a rate in t/yr between 0 and 1e9", item,
               eq + 1);
    emit[k] = v;
  }
  PetscCall(PetscFree(copy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The text answer about a unit. */
static void print_unit(const Query *q, PetscInt u, const QueryUnit *qu)
{
  const Domain *d = q->ue->dom;
  const DomainUnit *un = &d->unit[u];
  PetscInt ns = q->nspec;
  printf("unit %s  %s  %s\n", un->code, un->name_zh, un->name_en);
  printf("kind %s; county %d; prefecture %s %s; area %.4g km2; %d point source(s)\n",
         query_json_kind(un->kind), (int)un->county,
         un->prefecture >= 0 ? d->pref[un->prefecture].name_zh : "-",
         un->prefecture >= 0 ? d->pref[un->prefecture].name_en : "outside Xinjiang",
         (double)un->area_km2, (int)q->ue->npoints[u]);
  printf("emissions, t/yr:\n%-12s", "sector");
  for (PetscInt k = 0; k < ns; k++) printf(" %10s", q->sp[k].name);
  for (PetscInt s = 0; s < SECTOR_N; s++) {
    printf("\n%-12s", sector_names[s]);
    for (PetscInt k = 0; k < ns; k++)
      printf(" %10.4g", (double)q->ue->t_yr[(u * SECTOR_N + s) * ns + k]);
  }
  printf("\n%-12s", "total");
  for (PetscInt k = 0; k < ns; k++) printf(" %10.4g", (double)qu->emis[k]);
  printf("\n");
}

/* The text table of hotspots: mean, and the unit's contribution or the project's addition. */
static void print_hotspots(const Query *q, const QueryUnit *qu, const PetscReal *add,
                           const char *what)
{
  const TaggedRun *b = q->b;
  const Domain *d = q->ue->dom;
  PetscInt ns = q->nspec;
  if (qu->family < 0) {
    printf("no tag family of the run holds this unit's emissions: no contribution known\n");
    return;
  }
  printf("tags: %s (family %d, %s: %d unit(s))\n", b->label[qu->tag], (int)qu->family,
         qu->resolved ? "the unit alone" : "a group of units; the unit's share is estimated",
         (int)qu->nunits);
  printf("note: %s\n", note);
  for (PetscInt h = 0; h < b->nrec; h++) {
    printf("hotspot %s %s (%s), ug m-3:\n  %-26s", b->rec[h], d->rec[h].name_zh, d->rec[h].name_en,
           "");
    for (PetscInt k = 0; k <= ns; k++) printf(" %10s", b->spname[k]);
    printf("\n  %-26s", "mean over the run");
    for (PetscInt k = 0; k <= ns; k++) printf(" %10.4g", (double)tagged_run_mean_conc(b, h, k));
    printf("\n  %-26s", what);
    for (PetscInt k = 0; k <= ns; k++) printf(" %10.4g", (double)add[h * (ns + 1) + k]);
    printf("\n  %-26s", "coefficient per t/yr");
    for (PetscInt k = 0; k < ns; k++) printf(" %10.4g", (double)qu->coef[h * ns + k]);
    printf("\n");
  }
}

/* The JSON answer: the note, the project (if pr), the unit and the hotspots. */
static void print_json(const Query *q, PetscInt u, const QueryUnit *qu, const Project *pr,
                       const PetscReal *add)
{
  printf("{\"note\":");
  query_json_string(stdout, note);
  if (pr) {
    printf(",\"project\":");
    query_json_project(stdout, q, pr->lon, pr->lat, pr->i, pr->j, pr->emit, pr->height,
                       qu->family >= 0 ? add : NULL);
  }
  printf(",\"unit\":");
  query_json_unit(stdout, q, u, qu);
  printf(",\"hotspots\":");
  query_json_hotspots(stdout, q);
  printf("}\n");
}

static PetscErrorCode answer_unit(const Query *q, PetscInt u, PetscBool json)
{
  QueryUnit qu;

  PetscFunctionBeginUser;
  PetscCall(query_unit(q, u, &qu));
  if (json)
    print_json(q, u, &qu, NULL, NULL);
  else {
    print_unit(q, u, &qu);
    print_hotspots(q, &qu, qu.contrib, "contribution of the unit");
  }
  PetscCall(query_unit_free(&qu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The project's place, cell, unit and emissions from -lonlat and -emit. */
static PetscErrorCode place_project(const Query *q, const char *where, const char *list,
                                    Project *pr, PetscInt *u)
{
  PetscFunctionBeginUser;
  PetscCall(parse_lonlat(where, &pr->lon, &pr->lat));
  PetscCheck(q->nspec <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 64 species");
  PetscCall(parse_emit(q, list, pr->emit));
  PetscCheck(unit_emissions_cell(q->ue, pr->lon, pr->lat, &pr->i, &pr->j), PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE, "-lonlat %s: the point lies outside the run's domain",
             where);
  *u = unit_emissions_cell_unit(q->ue, pr->i, pr->j);
  PetscCheck(*u >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "-lonlat %s: cell (%d, %d) has no unit",
             where, (int)pr->i, (int)pr->j);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode answer_project(const Query *q, const char *where, const char *list,
                                     PetscReal height, PetscBool json)
{
  Project pr = {.height = height};
  PetscReal *add;
  PetscInt u;
  QueryUnit qu;

  PetscFunctionBeginUser;
  PetscCall(place_project(q, where, list, &pr, &u));
  PetscCall(query_unit(q, u, &qu));
  PetscCall(PetscMalloc1(q->b->nrec * (q->nspec + 1), &add));
  query_project(q, &qu, pr.emit, add);
  if (json)
    print_json(q, u, &qu, &pr, add);
  else {
    printf("project at %.6g E %.6g N: cell (i, j) = (%d, %d) (0-based), stack height %.4g m\n",
           (double)pr.lon, (double)pr.lat, (int)pr.i, (int)pr.j, (double)pr.height);
    print_unit(q, u, &qu);
    print_hotspots(q, &qu, add, "added by the project");
  }
  PetscCall(PetscFree(add));
  PetscCall(query_unit_free(&qu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The stack options, checked: without -footprints only -stack_height (recorded), in [0, 1000) m;
   with it none (a surface source) or all four, each above its minimum and at most its maximum. */
static PetscErrorCode read_stack(PetscBool footprints, StackOptions *so)
{
  char missing[128] = "";

  PetscFunctionBeginUser;
  so->nset = 0;
  for (PetscInt k = 0; k < STACK_N; k++) {
    so->v[k] = 0;
    PetscCall(PetscOptionsGetReal(NULL, NULL, stack_option[k], &so->v[k], &so->set[k]));
    so->nset += so->set[k] ? 1 : 0;
    if (!so->set[k]) PetscCall(PetscStrlcat(missing, missing[0] ? ", " : " ", sizeof(missing)));
    if (!so->set[k]) PetscCall(PetscStrlcat(missing, stack_option[k], sizeof(missing)));
    PetscCheck(footprints || k == STACK_HEIGHT || !so->set[k], PETSC_COMM_SELF, PETSC_ERR_USER,
               "%s needs -footprints FILE.nc (the tag-based answer does not depend on the stack)",
               stack_option[k]);
  }
  PetscCheck(footprints || !so->set[STACK_HEIGHT] ||
                 (so->v[STACK_HEIGHT] >= point_sources_min[POINT_HEIGHT] &&
                  so->v[STACK_HEIGHT] <= point_sources_max[POINT_HEIGHT]),
             PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "-stack_height %g: expected a height in m between %g and %g",
             (double)so->v[STACK_HEIGHT], (double)point_sources_min[POINT_HEIGHT],
             (double)point_sources_max[POINT_HEIGHT]);
  if (!footprints) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(so->nset == 0 || so->nset == STACK_N, PETSC_COMM_SELF, PETSC_ERR_USER,
             "a stack needs all of -stack_height M -stack_diameter M -stack_velocity M/S "
             "-stack_temperature K (missing:%s), a surface source none",
             missing);
  for (PetscInt k = 0; k < STACK_N && so->nset; k++)
    PetscCheck(so->v[k] > point_sources_min[stack_point[k]] &&
                   so->v[k] <= point_sources_max[stack_point[k]],
               PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "%s %g: expected more than %g and at most %g %s", stack_option[k], (double)so->v[k],
               (double)point_sources_min[stack_point[k]], (double)point_sources_max[stack_point[k]],
               stack_unit[k]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The base run's span and time step from its effective namelist (run_start, run_hours, run_dt),
   checked against the footprints' span: footprints of another run are refused. */
static PetscErrorCode run_span(const Query *q, const char *fpath, const FootprintColumn *fc,
                               PetscReal *dt)
{
  char start[64] = "", a[32], b[32], c[32], d[32];
  PetscReal t0 = 0, hours = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-run_start", start, sizeof(start), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-run_hours", &hours, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-run_dt", dt, NULL));
  PetscCall(clock_parse(start, &t0));
  clock_format(fc->t_start, a, sizeof(a));
  clock_format(fc->t_end, b, sizeof(b));
  clock_format(t0, c, sizeof(c));
  clock_format(t0 + 3600 * hours, d, sizeof(d));
  PetscCheck(PetscAbsReal(fc->t_start - t0) < 1e-3 &&
                 PetscAbsReal(fc->t_end - (t0 + 3600 * hours)) < 1e-3,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: footprints of a run from %s to %s; the base run (%s) ran from %s to %s: give "
             "the footprints of its own backward run",
             fpath, a, b, q->ue->nml, c, d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The layers of the project's emission: layer 0 for a surface source, else the stack's plume
   averaged over the run on the base run's met (postproc/stack_layers.h). */
static PetscErrorCode project_layers(const Query *q, const char *dpath, const StackOptions *so,
                                     PetscReal dt, char *met, size_t len, FootprintProject *fp)
{
  PlumeRiseParams prp;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < q->ue->grid->spec.nz; k++) fp->frac[k] = fp->reach[k] = 0;
  for (PetscInt n = 0; n < fp->fc->nf; n++) fp->est[n] = 0;
  fp->stack_given = so->nset ? PETSC_TRUE : PETSC_FALSE;
  if (!fp->stack_given) {
    fp->frac[0] = fp->reach[0] = 1;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  fp->stack = (Stack){so->v[STACK_HEIGHT], so->v[STACK_DIAMETER], so->v[STACK_VELOCITY],
                      so->v[STACK_TEMPERATURE]};
  PetscCall(unit_emissions_input_path(q->ue->nml, "met_output", met, len));
  PetscCheck(met[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s: met_output is empty: a stack's plume rise needs the base run's met (run it with "
             "-met_output FILE -met_output_interval 0, or give -met_output FILE)",
             q->ue->nml);
  fp->met_path = met;
  PetscCall(stack_layers_params(&prp));
  PetscCall(stack_layers_mean(met, q->ue->grid, dpath, &prp, &fp->stack, fp->fc->i, fp->fc->j,
                              fp->fc->t_start, fp->fc->t_end, dt, fp->frac, fp->reach, &fp->plume));
  footprint_column_spread(fp->fc, fp->reach, fp->rate, fp->plume.spread, fp->est);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The note of a footprint answer: the method, and for a stack the approximation. */
static void footprint_note(const FootprintProject *fp, char *buf, size_t len)
{
  (void)PetscSNPrintf(buf, len, "%s%s", note_footprints, fp->stack_given ? note_stack : "");
}

/* The text answer from the footprints: the file, the note, the layers and every functional. */
static void print_footprints(const Query *q, const FootprintProject *fp)
{
  const FootprintColumn *fc = fp->fc;
  const GridSpec *g = &q->ue->grid->spec;
  PetscInt ns = q->nspec;
  char t0[32], t1[32], text[2048];

  clock_format(fc->t_start, t0, sizeof(t0));
  clock_format(fc->t_end, t1, sizeof(t1));
  footprint_note(fp, text, sizeof(text));
  printf("footprints: %s, the backward run from %s to %s\nnote: %s\n", fp->path, t0, t1, text);
  if (fp->stack_given)
    printf("stack: height %.4g m, diameter %.4g m, exit %.4g m s-1 at %.4g K; plume rise on %s (%d "
           "records, %d steps): %.4g to %.4g m, mean %.4g m; mean plume %.4g to %.4g m above "
           "ground; at most %.4g of it away from the mean layers at any step\n",
           (double)fp->stack.height, (double)fp->stack.diameter, (double)fp->stack.velocity,
           (double)fp->stack.temperature, fp->met_path, (int)fp->plume.nrec, (int)fp->plume.nstep,
           (double)fp->plume.rise_min, (double)fp->plume.rise_max, (double)fp->plume.rise_mean,
           (double)fp->plume.bottom_mean, (double)fp->plume.top_mean, (double)fp->plume.spread);
  else
    printf("surface source (no stack options): layer 0\n");
  printf("layers (k: fraction, nominal heights):");
  for (PetscInt k = 0; k < g->nz; k++)
    if (fp->frac[k] > 0)
      printf(" %d: %.4g (%.4g-%.4g m)", (int)k, (double)fp->frac[k], (double)g->z_iface[k],
             (double)g->z_iface[k + 1]);
  printf("\n%-28s %12s", "functional", "added ug m-3");
  if (fp->stack_given) printf(" %12s", "error est.");
  for (PetscInt s = 0; s < ns; s++)
    if (fp->rate[s] > 0) printf(" %10s", q->sp[s].name);
  printf("\n%-28s %12s", "emission, kg s-1", "");
  if (fp->stack_given) printf(" %12s", "");
  for (PetscInt s = 0; s < ns; s++)
    if (fp->rate[s] > 0) printf(" %10.4g", (double)fp->rate[s]);
  for (PetscInt n = 0; n < fc->nf; n++) {
    printf("\n%-28s %12.4g", fc->label[n], (double)fp->by[n * (ns + 1) + ns]);
    if (fp->stack_given) printf(" %12.4g", (double)fp->est[n]);
    for (PetscInt s = 0; s < ns; s++)
      if (fp->rate[s] > 0) printf(" %10.4g", (double)fp->by[n * (ns + 1) + s]);
  }
  printf("\n");
}

static void print_footprint_json(const Query *q, PetscInt u, const QueryUnit *qu,
                                 const FootprintProject *fp)
{
  char text[2048];
  footprint_note(fp, text, sizeof(text));
  printf("{\"note\":");
  query_json_string(stdout, text);
  printf(",\"method\":\"footprints\",\"project\":");
  query_json_footprint_project(stdout, q, fp);
  printf(",\"unit\":");
  query_json_unit(stdout, q, u, qu);
  printf(",\"hotspots\":");
  query_json_hotspots(stdout, q);
  printf("}\n");
}

/* A project answered from a backward run's footprints (postproc/footprint_query.h). */
static PetscErrorCode answer_footprints(const Query *q, const char *dpath, const char *fpath,
                                        const char *where, const char *list, const StackOptions *so,
                                        PetscBool json)
{
  Project pr = {.height = so->v[STACK_HEIGHT]};
  FootprintColumn fc;
  FootprintProject fp = {.path = fpath, .fc = &fc};
  char met[PETSC_MAX_PATH_LEN] = "";
  PetscInt u, ns = q->nspec;
  PetscReal dt;
  QueryUnit qu;

  PetscFunctionBeginUser;
  PetscCall(place_project(q, where, list, &pr, &u));
  PetscCall(footprint_column_read(fpath, q->ue->grid, dpath, q->sp, ns, pr.i, pr.j, &fc));
  PetscCall(run_span(q, fpath, &fc, &dt));
  PetscCall(PetscMalloc6(ns, &fp.emit, ns, &fp.rate, fc.nz, &fp.frac, fc.nf * (ns + 1), &fp.by,
                         fc.nz, &fp.reach, fc.nf, &fp.est));
  fp.lon = pr.lon, fp.lat = pr.lat;
  for (PetscInt s = 0; s < ns; s++) {
    fp.emit[s] = pr.emit[s];
    fp.rate[s] = pr.emit[s] * KG_PER_T / SECONDS_PER_YEAR; /* as the model's inventory reader */
  }
  PetscCall(project_layers(q, dpath, so, dt, met, sizeof(met), &fp));
  footprint_column_add(&fc, fp.frac, fp.rate, fp.by);
  PetscCall(query_unit(q, u, &qu));
  if (json)
    print_footprint_json(q, u, &qu, &fp);
  else {
    printf("project at %.6g E %.6g N: cell (i, j) = (%d, %d) (0-based)\n", (double)pr.lon,
           (double)pr.lat, (int)pr.i, (int)pr.j);
    print_unit(q, u, &qu);
    print_footprints(q, &fp);
  }
  PetscCall(query_unit_free(&qu));
  PetscCall(PetscFree6(fp.emit, fp.rate, fp.frac, fp.by, fp.reach, fp.est));
  PetscCall(footprint_column_free(&fc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode query_main(void)
{
  char run[PETSC_MAX_PATH_LEN] = "", dpath[PETSC_MAX_PATH_LEN] = "", code[128] = "", name[256] = "",
       where[128] = "", list[1024] = "", page[PETSC_MAX_PATH_LEN] = "",
       fpath[PETSC_MAX_PATH_LEN] = "";
  PetscBool json = PETSC_FALSE;
  PetscInt u, asked;
  StackOptions so;
  Query *q;

  PetscFunctionBeginUser;
  PetscCall(program_serial("bogda-query"));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-run", run, sizeof(run), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-domain", dpath, sizeof(dpath), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-unit", code, sizeof(code), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-name", name, sizeof(name), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-lonlat", where, sizeof(where), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-emit", list, sizeof(list), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-page_data", page, sizeof(page), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-footprints", fpath, sizeof(fpath), NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-json", &json, NULL));
  asked = (code[0] ? 1 : 0) + (name[0] ? 1 : 0) + (where[0] ? 1 : 0) + (page[0] ? 1 : 0);
  PetscCheck(run[0] && dpath[0] && asked == 1, PETSC_COMM_SELF, PETSC_ERR_USER,
             "usage: bogda-query -run DIR -domain DOMAIN.nc and one of -unit CODE, -name TEXT, "
             "-lonlat LON,LAT -emit LIST, -page_data FILE (bogda-query -help)");
  PetscCheck(!where[0] || list[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "-lonlat %s needs -emit so2=T,nox=T,ppm25=T,nh3=T (t/yr)", where);
  PetscCheck(!fpath[0] || where[0] || page[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "-footprints %s answers a new project: give -lonlat LON,LAT -emit LIST (or export it "
             "with -page_data)",
             fpath);
  PetscCall(read_stack(fpath[0] ? PETSC_TRUE : PETSC_FALSE, &so));
  PetscCall(query_create(run, dpath, &q));
  if (page[0])
    PetscCall(query_json_page(page, q, fpath, dpath));
  else if (where[0] && fpath[0])
    PetscCall(answer_footprints(q, dpath, fpath, where, list, &so, json));
  else if (where[0])
    PetscCall(answer_project(q, where, list, so.v[STACK_HEIGHT], json));
  else {
    PetscCall(find_unit(q->ue->dom, code, name, &u));
    PetscCall(answer_unit(q, u, json));
  }
  PetscCheck(fflush(stdout) == 0 && !ferror(stdout), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE,
             "standard output: cannot write: %s", strerror(errno));
  PetscCall(query_destroy(&q));
  fprintf(stderr, "bogda-query: completed: %s\n", page[0] ? page : "answer on standard output");
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Program prog = {.name = "bogda-query",
                  .purpose = "a control unit's or a new project's share at the hotspots, from a "
                             "base run's tags or its backward run's footprints",
                  .usage = usage,
                  .groups = NULL,
                  .ngroups = 0,
                  .log_stderr = PETSC_TRUE};
  PetscBool done;

  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : query_main());
}
