/* bogda-query: a control unit's emissions and shares at the hotspots, or what a new project would
   add there, from a base run's tags (the public query page, postproc/query_page.py, shows the
   same numbers: it reads the -page_data export).

     bogda-query -run DIR -domain DOMAIN.nc -unit CODE | -name TEXT          [-json]
     bogda-query -run DIR -domain DOMAIN.nc -lonlat LON,LAT -emit so2=A,nox=B,ppm25=C,nh3=D
                 [-stack_height M] [-json]
     bogda-query -run DIR -domain DOMAIN.nc -page_data FILE.json

   The coefficients are the unit-average, tag-based ones of postproc/query.h (illustrative: a
   project gets its unit's average, whatever its place in the unit and its height). The numbers of
   -json are printed with 17 significant digits (they read back exactly), the text with 4. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/program.h"
#include "model/emissions/profiles.h"
#include "postproc/query.h"
#include "postproc/query_json.h"

#define COUNT(a) ((PetscInt)(sizeof(a) / sizeof((a)[0])))

static const char usage[] =
    "Usage: bogda-query -run DIR -domain DOMAIN.nc (-unit CODE | -name TEXT | -lonlat LON,LAT\n"
    "                   -emit so2=T,nox=T,ppm25=T,nh3=T [-stack_height M] | -page_data F.json)\n"
    "                   [-json]\n"
    "  -run DIR           the base run's output folder (receptor files with tags, the effective\n"
    "                     namelist); run from the folder the model ran in (its input paths)\n"
    "  -domain FILE       the domain file the base run used\n"
    "  -unit CODE         a control unit by its code (650102-K1)\n"
    "  -name TEXT         a control unit by (part of) its Chinese or English name\n"
    "  -lonlat LON,LAT    a new project's place, degrees east and north\n"
    "  -emit LIST         its emissions, species=t/yr, comma-separated (so2, nox, nh3, ppm25,\n"
    "                     ppmc); the species not given emit nothing\n"
    "  -stack_height M    its stack height, m (recorded; the unit-average coefficient does not\n"
    "                     depend on it)\n"
    "  -json              the answer as JSON (full precision) instead of text\n"
    "  -page_data FILE    every unit, the grid and the hotspots as JSON for the query page\n";

static const char note[] =
    "unit-average, tag-based coefficient (illustrative): the mean contribution of the tags "
    "holding the unit divided by what they emitted of each precursor; a project anywhere in the "
    "unit, at any height, gets the same ug m-3 per t/yr until receptor footprints exist";

/* A new project: its place, its cell, its stack and its emissions (t/yr by species). */
typedef struct {
  PetscReal lon, lat, height, emit[64];
  PetscInt i, j;
} Project;

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

static PetscErrorCode answer_project(const Query *q, const char *where, const char *list,
                                     PetscReal height, PetscBool json)
{
  Project pr = {.height = height};
  PetscReal *add;
  PetscInt u;
  QueryUnit qu;

  PetscFunctionBeginUser;
  PetscCall(parse_lonlat(where, &pr.lon, &pr.lat));
  PetscCheck(q->nspec <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 64 species");
  PetscCall(parse_emit(q, list, pr.emit));
  PetscCheck(unit_emissions_cell(q->ue, pr.lon, pr.lat, &pr.i, &pr.j), PETSC_COMM_SELF,
             PETSC_ERR_ARG_OUTOFRANGE, "-lonlat %s: the point lies outside the run's domain",
             where);
  u = unit_emissions_cell_unit(q->ue, pr.i, pr.j);
  PetscCheck(u >= 0, PETSC_COMM_SELF, PETSC_ERR_USER, "-lonlat %s: cell (%d, %d) has no unit",
             where, (int)pr.i, (int)pr.j);
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

static PetscErrorCode query_main(void)
{
  char run[PETSC_MAX_PATH_LEN] = "", dpath[PETSC_MAX_PATH_LEN] = "", code[128] = "", name[256] = "",
       where[128] = "", list[1024] = "", page[PETSC_MAX_PATH_LEN] = "";
  PetscBool json = PETSC_FALSE, set;
  PetscReal height = 0;
  PetscInt u, asked;
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
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-json", &json, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-stack_height", &height, &set));
  asked = (code[0] ? 1 : 0) + (name[0] ? 1 : 0) + (where[0] ? 1 : 0) + (page[0] ? 1 : 0);
  PetscCheck(run[0] && dpath[0] && asked == 1, PETSC_COMM_SELF, PETSC_ERR_USER,
             "usage: bogda-query -run DIR -domain DOMAIN.nc and one of -unit CODE, -name TEXT, "
             "-lonlat LON,LAT -emit LIST, -page_data FILE (bogda-query -help)");
  PetscCheck(!where[0] || list[0], PETSC_COMM_SELF, PETSC_ERR_USER,
             "-lonlat %s needs -emit so2=T,nox=T,ppm25=T,nh3=T (t/yr)", where);
  PetscCheck(!set || (height >= 0 && height < 1000), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "-stack_height %g: expected a height in m between 0 and 1000", (double)height);
  PetscCall(query_create(run, dpath, &q));
  if (page[0])
    PetscCall(query_json_page(page, q));
  else if (where[0])
    PetscCall(answer_project(q, where, list, height, json));
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
                             "base run's tags",
                  .usage = usage,
                  .groups = NULL,
                  .ngroups = 0,
                  .log_stderr = PETSC_TRUE};
  PetscBool done;

  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : query_main());
}
