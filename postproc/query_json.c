/* bogda-query's JSON (the contract is in query_json.h). */
#include "postproc/query_json.h"
#include <string.h>
#include "base/atomic_file.h"
#include "model/emissions/profiles.h"
#include "base/clock.h"

const char *query_json_kind(PetscInt kind)
{
  static const char *const names[] = {[DOMAIN_UNIT_PRIORITY] = "priority",
                                      [DOMAIN_UNIT_KEY] = "key",
                                      [DOMAIN_UNIT_GENERAL] = "general",
                                      [DOMAIN_UNIT_OUTSIDE] = "outside"};
  return kind >= 0 && kind <= DOMAIN_UNIT_OUTSIDE ? names[kind] : "unknown";
}

void query_json_string(FILE *fp, const char *s)
{
  fputc('"', fp);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(fp, "\\%c", c);
    else if (c < 0x20)
      fprintf(fp, "\\u%04x", c);
    else
      fputc(c, fp);
  }
  fputc('"', fp);
}

/* A number that reads back exactly; JSON has no infinity or NaN. */
static void number(FILE *fp, PetscReal v)
{
  if (PetscIsInfOrNanReal(v))
    fprintf(fp, "null");
  else
    fprintf(fp, "%.17g", (double)v);
}

/* {"so2":v,...} over the first n species names of the run (n = nspec + 1 adds pm25). */
static void by_species(FILE *fp, const Query *q, PetscInt n, const PetscReal *v)
{
  fputc('{', fp);
  for (PetscInt k = 0; k < n; k++) {
    fprintf(fp, "%s\"%s\":", k ? "," : "", q->b->spname[k]);
    number(fp, v[k]);
  }
  fputc('}', fp);
}

/* {"WCS":{...},...}: a species table per hotspot, stride values apart. */
static void by_hotspot(FILE *fp, const Query *q, PetscInt n, PetscInt stride, const PetscReal *v)
{
  fputc('{', fp);
  for (PetscInt h = 0; h < q->b->nrec; h++) {
    fprintf(fp, "%s\"%s\":", h ? "," : "", q->b->rec[h]);
    by_species(fp, q, n, &v[h * stride]);
  }
  fputc('}', fp);
}

static void names(FILE *fp, const char *code, const char *zh, const char *en)
{
  fprintf(fp, "\"code\":");
  query_json_string(fp, code);
  fprintf(fp, ",\"name_zh\":");
  query_json_string(fp, zh);
  fprintf(fp, ",\"name_en\":");
  query_json_string(fp, en);
}

void query_json_unit(FILE *fp, const Query *q, PetscInt u, const QueryUnit *qu)
{
  const Domain *d = q->ue->dom;
  const DomainUnit *un = &d->unit[u];
  PetscInt ns = q->nspec;
  fprintf(fp, "{\"index\":%d,", (int)u);
  names(fp, un->code, un->name_zh, un->name_en);
  fprintf(fp, ",\"kind\":\"%s\",\"county\":%d,\"prefecture\":", query_json_kind(un->kind),
          (int)un->county);
  if (un->prefecture >= 0) {
    char code[32];
    const DomainPrefecture *p = &d->pref[un->prefecture];
    (void)PetscSNPrintf(code, sizeof(code), "%d", (int)p->code);
    fputc('{', fp);
    names(fp, code, p->name_zh, p->name_en);
    fputc('}', fp);
  } else
    fprintf(fp, "null");
  fprintf(fp, ",\"area_km2\":");
  number(fp, un->area_km2);
  fprintf(fp, ",\"point_sources\":%d,\"emissions_t_yr\":{", (int)q->ue->npoints[u]);
  for (PetscInt s = 0; s < SECTOR_N; s++) {
    fprintf(fp, "\"%s\":", sector_names[s]);
    by_species(fp, q, ns, &q->ue->t_yr[(u * SECTOR_N + s) * ns]);
    fputc(',', fp);
  }
  fprintf(fp, "\"total\":");
  by_species(fp, q, ns, qu->emis);
  fprintf(fp, "},\"tags\":");
  if (qu->family >= 0) {
    fprintf(fp, "{\"family\":%d,\"label\":", (int)qu->family);
    query_json_string(fp, q->b->label[qu->tag]);
    fprintf(fp, ",\"resolved\":%s,\"units\":%d}", qu->resolved ? "true" : "false", (int)qu->nunits);
  } else
    fprintf(fp, "null");
  if (qu->family < 0) { /* nothing is known of its shares */
    fprintf(fp, ",\"contribution\":null,\"coefficient\":null}");
    return;
  }
  fprintf(fp, ",\"contribution\":");
  by_hotspot(fp, q, ns + 1, ns + 1, qu->contrib);
  fprintf(fp, ",\"coefficient\":");
  by_hotspot(fp, q, ns, ns, qu->coef);
  fputc('}', fp);
}

void query_json_hotspots(FILE *fp, const Query *q)
{
  const TaggedRun *b = q->b;
  const Domain *d = q->ue->dom;
  PetscReal mean[65];
  fputc('[', fp);
  for (PetscInt h = 0; h < b->nrec; h++) {
    for (PetscInt k = 0; k < b->nsp && k < 65; k++) mean[k] = tagged_run_mean_conc(b, h, k);
    fprintf(fp, "%s{", h ? "," : "");
    names(fp, b->rec[h], d->rec[h].name_zh, d->rec[h].name_en);
    fprintf(fp, ",\"mean\":");
    by_species(fp, q, PetscMin(b->nsp, 65), mean);
    fputc('}', fp);
  }
  fputc(']', fp);
}

void query_json_project(FILE *fp, const Query *q, PetscReal lon, PetscReal lat, PetscInt i,
                        PetscInt j, const PetscReal *emit, PetscReal height, const PetscReal *add)
{
  fprintf(fp, "{\"lon\":");
  number(fp, lon);
  fprintf(fp, ",\"lat\":");
  number(fp, lat);
  fprintf(fp, ",\"cell\":[%d,%d],\"stack_height_m\":", (int)i, (int)j);
  number(fp, height);
  fprintf(fp, ",\"emit_t_yr\":");
  by_species(fp, q, q->nspec, emit);
  fprintf(fp, ",\"add\":");
  if (add)
    by_hotspot(fp, q, q->nspec + 1, q->nspec + 1, add);
  else
    fprintf(fp, "null");
  fputc('}', fp);
}

/* The stack of a footprint answer and its plume, or null. */
static void stack(FILE *fp, const FootprintProject *p)
{
  const char *name[] = {"height_m", "diameter_m", "velocity_m_s", "temperature_K"};
  PetscReal val[] = {p->stack.height, p->stack.diameter, p->stack.velocity, p->stack.temperature};
  if (!p->stack_given) {
    fprintf(fp, "null");
    return;
  }
  for (size_t k = 0; k < sizeof(val) / sizeof(val[0]); k++) {
    fprintf(fp, "%s\"%s\":", k ? "," : "{", name[k]);
    number(fp, val[k]);
  }
  fprintf(fp, ",\"met_file\":");
  query_json_string(fp, p->met_path);
  fprintf(fp, ",\"met_records\":%d,\"steps\":%d,\"rise_m\":{\"min\":", (int)p->plume.nrec,
          (int)p->plume.nstep);
  number(fp, p->plume.rise_min);
  fprintf(fp, ",\"mean\":");
  number(fp, p->plume.rise_mean);
  fprintf(fp, ",\"max\":");
  number(fp, p->plume.rise_max);
  fprintf(fp, "},\"plume_bottom_m_mean\":");
  number(fp, p->plume.bottom_mean);
  fprintf(fp, ",\"plume_top_m_mean\":");
  number(fp, p->plume.top_mean);
  fprintf(fp, ",\"spread\":");
  number(fp, p->plume.spread);
  fputc('}', fp);
}

/* "label":...,"receptor":...,"species":... of a functional labelled receptor:species:h0-h1h. */
static void functional_names(FILE *fp, const char *label)
{
  char part[FOOTPRINT_LABEL_LEN], *species, *end;
  (void)PetscStrncpy(part, label, sizeof(part));
  species = strchr(part, ':');
  if (species) *species++ = '\0';
  end = species ? strchr(species, ':') : NULL;
  if (end) *end = '\0';
  fprintf(fp, "\"label\":");
  query_json_string(fp, label);
  fprintf(fp, ",\"receptor\":");
  query_json_string(fp, part);
  fprintf(fp, ",\"species\":");
  query_json_string(fp, species ? species : "");
}

/* The functionals of a footprint answer: label, receptor, species and what the project adds. */
static void functionals(FILE *fp, const Query *q, const FootprintProject *p)
{
  const FootprintColumn *fc = p->fc;
  PetscInt ns = q->nspec;
  fputc('[', fp);
  for (PetscInt n = 0; n < fc->nf; n++) {
    fprintf(fp, "%s{", n ? "," : "");
    functional_names(fp, fc->label[n]);
    fprintf(fp, ",\"add\":");
    number(fp, p->by[n * (ns + 1) + ns]);
    if (p->stack_given) {
      fprintf(fp, ",\"error_estimate\":");
      number(fp, p->est[n]);
    }
    fprintf(fp, ",\"by_species\":");
    by_species(fp, q, ns, &p->by[n * (ns + 1)]);
    fputc('}', fp);
  }
  fputc(']', fp);
}

void query_json_footprint_project(FILE *fp, const Query *q, const FootprintProject *p)
{
  const GridSpec *g = &q->ue->grid->spec;
  char t0[32], t1[32];
  PetscInt n = 0;
  clock_format(p->fc->t_start, t0, sizeof(t0));
  clock_format(p->fc->t_end, t1, sizeof(t1));
  fprintf(fp, "{\"lon\":");
  number(fp, p->lon);
  fprintf(fp, ",\"lat\":");
  number(fp, p->lat);
  fprintf(fp, ",\"cell\":[%d,%d],\"footprints\":", (int)p->fc->i, (int)p->fc->j);
  query_json_string(fp, p->path);
  fprintf(fp, ",\"run\":{\"start\":\"%s\",\"end\":\"%s\"},\"stack\":", t0, t1);
  stack(fp, p);
  fprintf(fp, ",\"emit_t_yr\":");
  by_species(fp, q, q->nspec, p->emit);
  fprintf(fp, ",\"emit_kg_s\":");
  by_species(fp, q, q->nspec, p->rate);
  fprintf(fp, ",\"layers\":[");
  for (PetscInt k = 0; k < g->nz; k++) {
    if (p->frac[k] == 0) continue;
    fprintf(fp, "%s{\"k\":%d,\"fraction\":", n++ ? "," : "", (int)k);
    number(fp, p->frac[k]);
    fprintf(fp, ",\"bottom_m\":");
    number(fp, g->z_iface[k]);
    fprintf(fp, ",\"top_m\":");
    number(fp, g->z_iface[k + 1]);
    fputc('}', fp);
  }
  fprintf(fp, "],\"functionals\":");
  functionals(fp, q, p);
  fputc('}', fp);
}

/* The grid: size, spacing, origin, projection constants and the unit of every cell. */
static void grid(FILE *fp, const Query *q)
{
  const GridSpec *s = &q->ue->grid->spec;
  const Projection *p = &s->proj;
  const char *gname[] = {"dx", "dy", "x0", "y0"};
  const char *pname[] = {"truelat1", "stand_lon", "radius", "cone", "hemi", "x0", "y0"};
  PetscReal gval[] = {s->dx, s->dy, s->x0, s->y0};
  PetscReal pval[] = {p->truelat1, p->stand_lon, p->radius, p->cone, p->hemi, p->x0, p->y0};
  fprintf(fp, "{\"nx\":%d,\"ny\":%d", (int)s->nx, (int)s->ny);
  for (size_t k = 0; k < sizeof(gval) / sizeof(gval[0]); k++) {
    fprintf(fp, ",\"%s\":", gname[k]);
    number(fp, gval[k]);
  }
  fprintf(fp, ",\"projection\":{\"kind\":%d", (int)p->kind);
  for (size_t k = 0; k < sizeof(pval) / sizeof(pval[0]); k++) {
    fprintf(fp, ",\"%s\":", pname[k]);
    number(fp, pval[k]);
  }
  fprintf(fp, "},\"cell_unit\":[");
  for (PetscInt j = 0; j < s->ny; j++)
    for (PetscInt i = 0; i < s->nx; i++)
      fprintf(fp, "%s%d", i || j ? "," : "", (int)unit_emissions_cell_unit(q->ue, i, j));
  fprintf(fp, "],\"hotspot_cells\":{");
  for (PetscInt r = 0; r < q->ue->dom->nrec; r++) {
    PetscInt n = 0;
    fprintf(fp, "%s\"%s\":[", r ? "," : "", q->b->rec[r]);
    for (PetscInt j = 0; j < s->ny; j++)
      for (PetscInt i = 0; i < s->nx; i++)
        if (q->ue->dom->receptor_weight[patch_index2(&q->ue->grid->patch, i, j) * q->ue->dom->nrec +
                                        r] > 0)
          fprintf(fp, "%s%d", n++ ? "," : "", (int)(j * s->nx + i));
    fputc(']', fp);
  }
  fprintf(fp, "}}");
}

/* The footprints' layer 0 for the page's surface projects: the run's span, the functionals, the
   emitted species (indices) and, for every cell c = j * nx + i, [functional][emitted species]. */
static void page_footprints(FILE *fp, const Query *q, const char *fpath, const FootprintColumn *fc)
{
  PetscInt ns = q->nspec, ncell = q->ue->grid->spec.nx * q->ue->grid->spec.ny, m = 0;
  char t0[32], t1[32];
  clock_format(fc->t_start, t0, sizeof(t0));
  clock_format(fc->t_end, t1, sizeof(t1));
  fprintf(fp, "{\"file\":");
  query_json_string(fp, fpath);
  fprintf(fp, ",\"run\":{\"start\":\"%s\",\"end\":\"%s\"},\"functionals\":[", t0, t1);
  for (PetscInt n = 0; n < fc->nf; n++) {
    fprintf(fp, "%s{", n ? "," : "");
    functional_names(fp, fc->label[n]);
    fputc('}', fp);
  }
  fprintf(fp, "],\"species\":[");
  for (PetscInt k = 0; k < ns; k++)
    if (q->src[k] == k) fprintf(fp, "%s%d", m++ ? "," : "", (int)k);
  fprintf(fp, "],\"surface\":[");
  for (PetscInt c = 0; c < ncell; c++) {
    fprintf(fp, "%s[", c ? ",\n" : "");
    for (PetscInt n = 0; n < fc->nf; n++) {
      fprintf(fp, "%s[", n ? "," : "");
      m = 0;
      for (PetscInt k = 0; k < ns; k++)
        if (q->src[k] == k) {
          if (m++) fputc(',', fp);
          number(fp, fc->surface[(c * fc->nf + n) * ns + k]);
        }
      fputc(']', fp);
    }
    fputc(']', fp);
  }
  fprintf(fp, "]}");
}

PetscErrorCode query_json_page(const char *path, const Query *q, const char *fpath,
                               const char *dpath)
{
  const Domain *d = q->ue->dom;
  FootprintColumn fc;
  AtomicFile out;
  FILE *fp;

  PetscFunctionBeginUser;
  if (fpath[0]) PetscCall(footprint_surface_read(fpath, q->ue->grid, dpath, q->sp, q->nspec, &fc));
  PetscCall(atomic_file_open(path, &out));
  fp = out.fp; /* atomic_file_commit() finds the errors of the fprintf() calls below */
  fprintf(fp, "{\"species\":[");
  for (PetscInt k = 0; k <= q->nspec; k++) fprintf(fp, "%s\"%s\"", k ? "," : "", q->b->spname[k]);
  fprintf(fp, "],\"source\":[");
  for (PetscInt k = 0; k < q->nspec; k++) fprintf(fp, "%s%d", k ? "," : "", (int)q->src[k]);
  fprintf(fp, "],\"in_pm25\":[");
  for (PetscInt k = 0; k < q->nspec; k++) fprintf(fp, "%s%d", k ? "," : "", (int)q->sp[k].in_pm25);
  fprintf(fp, "],\"sectors\":[");
  for (PetscInt s = 0; s < SECTOR_N; s++) fprintf(fp, "%s\"%s\"", s ? "," : "", sector_names[s]);
  fprintf(fp, "],\"hotspots\":");
  query_json_hotspots(fp, q);
  fprintf(fp, ",\"units\":[");
  for (PetscInt u = 0; u < d->nunit; u++) {
    QueryUnit qu;
    PetscCall(query_unit(q, u, &qu));
    if (u) fputc(',', fp);
    query_json_unit(fp, q, u, &qu);
    fputc('\n', fp);
    PetscCall(query_unit_free(&qu));
  }
  fprintf(fp, "],\"grid\":");
  grid(fp, q);
  fprintf(fp, ",\"footprints\":");
  if (fpath[0])
    page_footprints(fp, q, fpath, &fc);
  else
    fprintf(fp, "null");
  fprintf(fp, "}\n");
  PetscCall(atomic_file_commit(&out));
  if (fpath[0]) PetscCall(footprint_column_free(&fc));
  PetscFunctionReturn(PETSC_SUCCESS);
}
