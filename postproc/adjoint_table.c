/* A backward run's source table, read for scenario predictions (see adjoint_table.h). */
#include "postproc/adjoint_table.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/lonlat.h"
#include "model/emissions/profiles.h"

static const char *const header[] = {
    "functional",         "source", "unit", "sector", "species", "emission_t_per_year",
    "contribution_ug_m3",
};
static const char *const combined[] = {"inner_domain_ug_m3", "outer_domain_ug_m3"};
#define NHEADER 7
#define BOM "\xEF\xBB\xBF"

static PetscInt find_pref(const Domain *d, PetscInt code)
{
  for (PetscInt p = 0; p < d->npref; p++)
    if (d->pref[p].code == code) return p;
  return -1;
}

static PetscInt find_unit(const Domain *d, const char *code)
{
  for (PetscInt u = 0; u < d->nunit; u++)
    if (!strcmp(d->unit[u].code, code)) return u;
  return -1;
}

/* The prefecture p of o, as an index of d, appended (with its parent) if d lacks it. */
static PetscInt merge_pref(Domain *d, const Domain *o, PetscInt p)
{
  PetscInt q;
  if (p < 0) return -1;
  q = find_pref(d, o->pref[p].code);
  if (q >= 0) return q;
  q = d->npref++;
  d->pref[q] = o->pref[p];
  d->pref[q].parent = merge_pref(d, o, o->pref[p].parent);
  return q;
}

PetscErrorCode adjoint_table_registry(const char *path, const char *outer, Domain **out)
{
  Domain *d, *o = NULL, *m;

  PetscFunctionBeginUser;
  PetscCall(domain_read_registries(path, &d));
  if (!outer || !outer[0]) {
    *out = d;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(domain_read_registries(outer, &o));
  PetscCall(PetscNew(&m));
  PetscCall(PetscMalloc1(d->nunit + o->nunit + 1, &m->unit));
  PetscCall(PetscMalloc1(d->npref + o->npref + 1, &m->pref));
  PetscCall(PetscMalloc1(d->nrec + 1, &m->rec));
  m->nunit = d->nunit;
  m->npref = d->npref;
  m->nrec = d->nrec;
  if (d->nunit) PetscCall(PetscArraycpy(m->unit, d->unit, d->nunit));
  if (d->npref) PetscCall(PetscArraycpy(m->pref, d->pref, d->npref));
  if (d->nrec) PetscCall(PetscArraycpy(m->rec, d->rec, d->nrec));
  for (PetscInt u = 0; u < o->nunit; u++) {
    if (find_unit(m, o->unit[u].code) >= 0) continue;
    m->unit[m->nunit] = o->unit[u];
    m->unit[m->nunit++].prefecture = merge_pref(m, o, o->unit[u].prefecture);
  }
  PetscCall(domain_destroy(&d));
  PetscCall(domain_destroy(&o));
  *out = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Field (row, col) as a finite number (subnormal values included: a far source's share may be
   one), or 0 if blank_ok and the field is empty. */
static PetscErrorCode real_field(const CsvTable *c, PetscInt row, PetscInt col, PetscBool blank_ok,
                                 PetscReal *v)
{
  const char *s = csv_text(c, row, col);
  char *end;

  PetscFunctionBeginUser;
  if (blank_ok && !*s) {
    *v = 0;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  *v = strtod(s, &end);
  PetscCheck(end != s && !*end && isfinite(*v), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": %s = '%s': expected a finite number", c->path, c->line[row],
             c->header[col], s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The header: the run's seven columns, or those and the two of a combined table. */
static PetscErrorCode check_header(CsvTable *c)
{
  PetscBool ok = c->ncol == NHEADER || c->ncol == NHEADER + 2;

  PetscFunctionBeginUser;
  if (!strncmp(c->header[0], BOM, strlen(BOM))) c->header[0] += strlen(BOM);
  for (PetscInt k = 0; ok && k < c->ncol; k++)
    ok = !strcmp(c->header[k], k < NHEADER ? header[k] : combined[k - NHEADER]);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:1: not a backward run's source table: expected the header "
             "functional,source,unit,sector,species,emission_t_per_year,contribution_ug_m3 "
             "(and inner_domain_ug_m3,outer_domain_ug_m3 in a combined table)",
             c->path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The functional labelled L (appended if new): its receptor (one of d's, or a point: base/lonlat.h)
   and species from the label. */
static PetscErrorCode functional(AdjointTable *t, const Domain *d, const CsvTable *c, PetscInt row,
                                 PetscInt *n)
{
  const char *L = csv_text(c, row, 0);
  char buf[ADJOINT_TABLE_LABEL_LEN], *rec, *spec, *win, *save = NULL, *end = buf;
  PetscBool found = PETSC_FALSE;
  PetscReal lon, lat;
  double h0, h1;

  PetscFunctionBeginUser;
  if (*n >= 0 && !strcmp(t->label[*n], L)) PetscFunctionReturn(PETSC_SUCCESS);
  for (*n = 0; *n < t->nfun; (*n)++)
    if (!strcmp(t->label[*n], L)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscStrncpy(buf, L, sizeof(buf)));
  rec = strtok_r(buf, ":", &save);
  spec = strtok_r(NULL, ":", &save);
  win = strtok_r(NULL, ":", &save);
  h0 = win ? strtod(win, &end) : 0;
  h1 = win && *end == '-' ? strtod(end + 1, &end) : -1;
  PetscCheck(strlen(L) < sizeof(buf) && win && !strtok_r(NULL, ":", &save) && !strcmp(end, "h") &&
                 h1 > h0,
             PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": functional '%s': expected RECEPTOR:SPECIES:H0-H1h (e.g. "
             "WCS:pm25:0-120h)",
             c->path, c->line[row], L);
  for (PetscInt r = 0; r < d->nrec && !found; r++) found = !strcmp(d->rec[r].name, rec);
  found = found || lonlat_parse(rec, &lon, &lat);
  PetscCheck(found, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": functional '%s': no receptor '%s' in the domain file "
             "(-domain), nor a point such as " LONLAT_EXAMPLE,
             c->path, c->line[row], L, rec);
  PetscCall(PetscStrncpy(t->label[*n], L, ADJOINT_TABLE_LABEL_LEN));
  PetscCall(PetscStrncpy(t->receptor[*n], rec, ADJOINT_TABLE_LABEL_LEN));
  PetscCall(PetscStrncpy(t->species[*n], spec, ADJOINT_TABLE_LABEL_LEN));
  t->J[*n] = NAN; /* until its J row */
  t->nfun++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Row row's source, unit, sector and species into contribution row m of t. */
static PetscErrorCode source(AdjointTable *t, const Domain *d, const char *domains,
                             const SpeciesInfo *sp, PetscInt nspec, const CsvTable *c, PetscInt row,
                             PetscInt m, PetscInt *last_unit)
{
  const char *src = csv_text(c, row, 1), *unit = csv_text(c, row, 2), *sec = csv_text(c, row, 3),
             *spec = csv_text(c, row, 4);
  PetscInt line = c->line[row];

  PetscFunctionBeginUser;
  t->unit[m] = t->sector[m] = t->spec[m] = -1;
  t->stack[m][0] = 0;
  PetscCheck(strcmp(src, "initial:parent") && strncmp(src, "inflow:parent:", 14), PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": source '%s' is air from a parent domain, which a scenario "
             "changes too: combine the table with the parent's hand-off run first "
             "(postproc/adjoint_sources.py --parent) and predict from its adjoint_sources.csv",
             c->path, line, src);
  if (!strcmp(src, "initial") || !strncmp(src, "inflow:", 7) || !strcmp(src, "top")) {
    t->kind[m] = ADJOINT_ROW_FIXED;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(!strcmp(src, "area") || (!strncmp(src, "stack:", 6) && src[6]), PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": source '%s': expected J, area, stack:<id>, initial, "
             "inflow:<side> or top",
             c->path, line, src);
  t->kind[m] = src[0] == 'a' ? ADJOINT_ROW_AREA : ADJOINT_ROW_STACK;
  if (t->kind[m] == ADJOINT_ROW_STACK) {
    PetscInt q = t->nstack;
    PetscCheck(strlen(src + 6) < sizeof(t->stack_id[0]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": stack id '%s' is longer than %d", c->path, line, src + 6,
               (int)sizeof(t->stack_id[0]) - 1);
    PetscCall(PetscStrncpy(t->stack[m], src + 6, ADJOINT_TABLE_LABEL_LEN));
    for (PetscInt k = 0; k < t->nstack && q == t->nstack; k++)
      if (!strcmp(t->stack_id[k], src + 6)) q = k;
    if (q == t->nstack) PetscCall(PetscStrncpy(t->stack_id[t->nstack++], src + 6, 32));
  }
  if (unit[0]) {
    if (*last_unit < 0 || strcmp(d->unit[*last_unit].code, unit)) *last_unit = find_unit(d, unit);
    PetscCheck(*last_unit >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s:%" PetscInt_FMT ": unit '%s' is a control unit of none of %s", c->path, line,
               unit, domains);
    t->unit[m] = *last_unit;
  }
  t->sector[m] = profiles_sector(sec);
  PetscCheck(t->sector[m] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": sector '%s' is not one of the model's sectors", c->path, line,
             sec);
  t->spec[m] = species_find(sp, nspec, spec);
  PetscCheck(t->spec[m] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%" PetscInt_FMT ": species '%s' is not one of the model's species", c->path, line,
             spec);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_table_read(const char *path, const Domain *d, const char *domains,
                                  const SpeciesInfo *sp, PetscInt nspec, AdjointTable **out)
{
  CsvTable *c;
  AdjointTable *t;
  PetscInt n = -1, last_unit = -1;

  PetscFunctionBeginUser;
  PetscCall(csv_read(path, &c));
  PetscCall(check_header(c));
  PetscCall(PetscNew(&t));
  PetscCall(PetscMalloc4(c->nrow + 1, &t->label, c->nrow + 1, &t->receptor, c->nrow + 1,
                         &t->species, c->nrow + 1, &t->J));
  PetscCall(PetscMalloc5(c->nrow + 1, &t->fun, c->nrow + 1, &t->kind, c->nrow + 1, &t->unit,
                         c->nrow + 1, &t->sector, c->nrow + 1, &t->spec));
  PetscCall(PetscMalloc4(c->nrow + 1, &t->stack, c->nrow + 1, &t->value, c->nrow + 1, &t->stack_id,
                         c->nrow + 1, &t->emission));
  for (PetscInt row = 0; row < c->nrow; row++) {
    PetscReal v, e;
    PetscCall(functional(t, d, c, row, &n));
    PetscCall(real_field(c, row, 6, PETSC_FALSE, &v));
    PetscCall(real_field(c, row, 5, PETSC_TRUE, &e));
    if (!strcmp(csv_text(c, row, 1), "J")) {
      PetscCheck(isnan(t->J[n]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
                 "%s:%" PetscInt_FMT ": a second J row for functional '%s'", path, c->line[row],
                 t->label[n]);
      t->J[n] = v;
      continue;
    }
    PetscCall(source(t, d, domains, sp, nspec, c, row, t->nrow, &last_unit));
    t->fun[t->nrow] = n;
    t->emission[t->nrow] = e;
    t->value[t->nrow++] = v;
  }
  PetscCheck(t->nfun > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no rows: the table holds no functional", path);
  for (n = 0; n < t->nfun; n++)
    PetscCheck(!isnan(t->J[n]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s: functional '%s' has no J row (its value)", path, t->label[n]);
  PetscCall(csv_destroy(&c));
  *out = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_table_load(const char *tpath, const char *path, const char *outer,
                                  Domain **d, AdjointTable **t)
{
  char domains[3 * PETSC_MAX_PATH_LEN];
  const SpeciesInfo *sp;
  PetscInt nspec;

  PetscFunctionBeginUser;
  sp = species_table(&nspec);
  PetscCall(adjoint_table_registry(path, outer, d));
  if (outer && outer[0])
    PetscCall(PetscSNPrintf(domains, sizeof(domains), "%s (-domain) and %s (-outer_domain)", path,
                            outer));
  else
    PetscCall(PetscSNPrintf(domains, sizeof(domains),
                            "%s (-domain; a nested run's combined table needs its parent's "
                            "domain file too: -outer_domain OUTER.nc)",
                            path));
  PetscCall(adjoint_table_read(tpath, *d, domains, sp, nspec, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_table_destroy(AdjointTable **out)
{
  AdjointTable *t = *out;

  PetscFunctionBeginUser;
  if (!t) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4(t->label, t->receptor, t->species, t->J));
  PetscCall(PetscFree5(t->fun, t->kind, t->unit, t->sector, t->spec));
  PetscCall(PetscFree4(t->stack, t->value, t->stack_id, t->emission));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
