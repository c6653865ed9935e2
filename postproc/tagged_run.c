/* Reading a base run's tagged receptor series (see tagged_run.h). */
#include "postproc/tagged_run.h"
#include <glob.h>
#include <string.h>
#include <netcdf.h>
#include "base/error.h"
#include "base/ncinput.h"

static PetscErrorCode get_ints(int nc, const char *path, const char *name, PetscInt n,
                               PetscInt *out)
{
  int v, *buf;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &buf));
  NcCallFile(nc_inq_varid(nc, name, &v), path);
  NcCallFile(nc_get_var_int(nc, v, buf), path);
  for (PetscInt k = 0; k < n; k++) out[k] = buf[k];
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode get_labels(int nc, const char *path, const char *name, PetscInt n,
                                 char (*out)[TAGGED_RUN_LABEL_LEN])
{
  int v;

  PetscFunctionBeginUser;
  NcCallFile(nc_inq_varid(nc, name, &v), path);
  NcCallFile(nc_get_var_text(nc, v, &out[0][0]), path);
  for (PetscInt k = 0; k < n; k++) out[k][TAGGED_RUN_LABEL_LEN - 1] = '\0';
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The registries of the first file: labels and what each tag stands for. */
static PetscErrorCode read_registries(int nc, const char *path, TaggedRun *b)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(b->ntag, &b->label, b->nrec, &b->rec, b->nsp, &b->spname));
  PetscCall(PetscMalloc6(b->ntag, &b->family, b->ntag, &b->unit, b->ntag, &b->pref, b->ntag,
                         &b->kind, b->ntag, &b->sector, b->ntag, &b->special));
  PetscCall(PetscMalloc2(b->ntag, &b->by, b->ntag, &b->used));
  PetscCall(get_labels(nc, path, "receptor_name", b->nrec, b->rec));
  PetscCall(get_labels(nc, path, "species_name", b->nsp, b->spname));
  if (!b->ntag) PetscFunctionReturn(PETSC_SUCCESS); /* a run without tags */
  PetscCall(get_labels(nc, path, "tag_label", b->ntag, b->label));
  PetscCall(get_ints(nc, path, "tag_family", b->ntag, b->family));
  PetscCall(get_ints(nc, path, "tag_unit", b->ntag, b->unit));
  PetscCall(get_ints(nc, path, "tag_prefecture", b->ntag, b->pref));
  PetscCall(get_ints(nc, path, "tag_kind", b->ntag, b->kind));
  PetscCall(get_ints(nc, path, "tag_sector", b->ntag, b->sector));
  PetscCall(get_ints(nc, path, "tag_special", b->ntag, b->special));
  PetscCall(get_ints(nc, path, "tag_family_by", b->ntag, b->by));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Append the records of one file. */
static PetscErrorCode read_records(int nc, const char *path, PetscInt nt, TaggedRun *b)
{
  PetscInt n1 = b->nrec * b->nsp, all = b->nt + nt;
  int v;

  PetscFunctionBeginUser;
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)all, &b->time));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)(all * n1), &b->conc));
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)(all * n1 * b->ntag), &b->contrib));
  NcCallFile(nc_inq_varid(nc, "time", &v), path);
  NcCallFile(nc_get_var_double(nc, v, &b->time[b->nt]), path);
  NcCallFile(nc_inq_varid(nc, "conc", &v), path);
  NcCallFile(nc_get_var_double(nc, v, &b->conc[b->nt * n1]), path);
  if (b->ntag) {
    NcCallFile(nc_inq_varid(nc, "contribution", &v), path);
    NcCallFile(nc_get_var_double(nc, v, &b->contrib[b->nt * n1 * b->ntag]), path);
  }
  b->nt = all;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode tagged_run_read(const char *dir, TaggedRun *b)
{
  char pattern[PETSC_MAX_PATH_LEN];
  glob_t g;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(b, sizeof(*b)));
  PetscCall(PetscSNPrintf(pattern, sizeof(pattern), "%s/*_receptors_*.nc", dir));
  PetscCheck(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0, PETSC_COMM_SELF,
             PETSC_ERR_FILE_OPEN, "no receptor files %s", pattern);
  for (size_t f = 0; f < g.gl_pathc; f++) {
    const char *path = g.gl_pathv[f];
    int nc, d;
    size_t len[4];
    const char *dn[4] = {"time", "receptor", "species", "tag"};
    PetscCall(nc_open_input(path, &nc));
    for (PetscInt k = 0; k < 4; k++) {
      NcCallFile(nc_inq_dimid(nc, dn[k], &d), path);
      NcCallFile(nc_inq_dimlen(nc, d, &len[k]), path);
    }
    if (nc_inq_varid(nc, "tag_label", &d) != NC_NOERR) len[3] = 0; /* a run without tags */
    if (f == 0) {
      b->nrec = (PetscInt)len[1], b->nsp = (PetscInt)len[2], b->ntag = (PetscInt)len[3];
      PetscCall(read_registries(nc, path, b));
    }
    PetscCheck((PetscInt)len[1] == b->nrec && (PetscInt)len[2] == b->nsp &&
                   (PetscInt)len[3] == b->ntag,
               PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
               "%s does not match the other receptor files of %s", path, dir);
    PetscCall(read_records(nc, path, (PetscInt)len[0], b));
    NcCallFile(nc_close(nc), path);
  }
  globfree(&g);
  for (PetscInt n = 0; n < b->ntag; n++) b->used[n] = PETSC_FALSE;
  for (PetscInt x = 0; x < b->nt * b->nrec * b->nsp; x++)
    for (PetscInt n = 0; n < b->ntag; n++)
      if (b->contrib[x * b->ntag + n] != 0) b->used[n] = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode tagged_run_free(TaggedRun *b)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(b->time));
  PetscCall(PetscFree(b->conc));
  PetscCall(PetscFree(b->contrib));
  PetscCall(PetscFree3(b->label, b->rec, b->spname));
  PetscCall(PetscFree6(b->family, b->unit, b->pref, b->kind, b->sector, b->special));
  PetscCall(PetscFree2(b->by, b->used));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt tagged_run_source(const SpeciesInfo *sp, PetscInt nspec, PetscInt k)
{
  return sp[k].precursor ? species_find(sp, nspec, sp[k].precursor) : k;
}

PetscBool tagged_run_covers(const TaggedRun *b, const Domain *d, PetscInt n, PetscInt u, PetscInt s)
{
  const DomainUnit *un = u >= 0 ? &d->unit[u] : NULL;
  if (b->special[n] != TAGGED_RUN_EMISSIONS && b->special[n] != TAGGED_RUN_OTHER)
    return PETSC_FALSE;
  if (b->sector[n] >= 0 && b->sector[n] != s) return PETSC_FALSE;
  if (b->special[n] == TAGGED_RUN_OTHER) /* a stack family's "other" holds all area emissions */
    return b->by[n] == TAGGED_RUN_BY_POINT ? PETSC_TRUE : u < 0;
  if (b->unit[n] >= 0) return u == b->unit[n];
  if (b->pref[n] >= 0) return un && un->kind != DOMAIN_UNIT_OUTSIDE && un->prefecture == b->pref[n];
  if (b->kind[n] >= 0) return un && un->kind == b->kind[n];
  if (b->kind[n] == -2) return un && un->kind != DOMAIN_UNIT_OUTSIDE;
  return b->sector[n] >= 0; /* a sector tag: every unit */
}

PetscReal tagged_run_mean_contribution(const TaggedRun *b, PetscInt r, PetscInt k, PetscInt n)
{
  PetscReal m = 0;
  for (PetscInt t = 0; t < b->nt; t++)
    m += b->contrib[((t * b->nrec + r) * b->nsp + k) * b->ntag + n] / (PetscReal)b->nt;
  return m;
}

PetscReal tagged_run_mean_conc(const TaggedRun *b, PetscInt r, PetscInt k)
{
  PetscReal m = 0;
  for (PetscInt t = 0; t < b->nt; t++)
    m += b->conc[(t * b->nrec + r) * b->nsp + k] / (PetscReal)b->nt;
  return m;
}
