/* Building the tag list from the &tags group. */
#include <string.h>
#include "tags.h"
#include "namelist.h"

typedef struct {
  PetscBool enabled;
  char families[PARAM_ARRAY_MAX][PARAM_STRING_LEN];
  PetscInt nfamilies;
} Params;

static const ParamSpec params_table[] = {
  {.key = "enabled", .help = "carry attribution tags", .type = PARAM_BOOL, .def = 0,
   .offset = offsetof(Params, enabled)},
  {.key = "families", .help = "names of the tag families (each partitions the bulk)",
   .type = PARAM_STRING_ARRAY, .offset = offsetof(Params, families),
   .count_offset = offsetof(Params, nfamilies)},
  {.key = NULL},
};

static const char *const side_name[SIDE_N] = {"bc_west", "bc_east", "bc_south", "bc_north", "bc_top"};

static PetscErrorCode add_label(Tags *t, PetscInt n, const char *family, const char *name)
{
  size_t len = strlen(family) + strlen(name) + 2;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(len, &t->label[n]));
  PetscCall(PetscSNPrintf(t->label[n], len, "%s:%s", family, name));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode tags_create(MPI_Comm comm, Tags **tags)
{
  Params p;
  Tags *t;
  PetscInt per_family = 2 + SIDE_N; /* initial, sides, other */

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&p, sizeof(p)));
  PetscCall(namelist_read(comm, "tags", "Attribution tags", params_table, &p));
  PetscCall(PetscNew(&t));
  if (p.enabled) {
    if (p.nfamilies == 0) {
      PetscCall(PetscStrncpy(p.families[0], "source", PARAM_STRING_LEN));
      p.nfamilies = 1;
    }
    t->nfamily = p.nfamilies;
    t->ntag = t->nfamily * per_family;
  }
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->family_start));
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->family_name));
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->tag_initial));
  PetscCall(PetscCalloc1(t->nfamily * SIDE_N + 1, &t->tag_side));
  PetscCall(PetscCalloc1(t->nfamily + 1, &t->tag_other));
  PetscCall(PetscCalloc1(t->ntag + 1, &t->label));
  for (PetscInt f = 0; f < t->nfamily; f++) {
    PetscInt n = f * per_family;
    PetscCall(PetscStrallocpy(p.families[f], &t->family_name[f]));
    t->family_start[f] = n;
    t->tag_initial[f] = n;
    PetscCall(add_label(t, n, p.families[f], "initial"));
    for (PetscInt s = 0; s < SIDE_N; s++) {
      t->tag_side[f * SIDE_N + s] = n + 1 + s;
      PetscCall(add_label(t, n + 1 + s, p.families[f], side_name[s]));
    }
    t->tag_other[f] = n + 1 + SIDE_N;
    PetscCall(add_label(t, n + 1 + SIDE_N, p.families[f], "other"));
  }
  t->family_start[t->nfamily] = t->ntag;
  *tags = t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode tags_destroy(Tags **tags)
{
  Tags *t = *tags;

  PetscFunctionBeginUser;
  if (!t) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt n = 0; n < t->ntag; n++) PetscCall(PetscFree(t->label[n]));
  for (PetscInt f = 0; f < t->nfamily; f++) PetscCall(PetscFree(t->family_name[f]));
  PetscCall(PetscFree(t->label));
  PetscCall(PetscFree(t->family_name));
  PetscCall(PetscFree(t->family_start));
  PetscCall(PetscFree(t->tag_initial));
  PetscCall(PetscFree(t->tag_side));
  PetscCall(PetscFree(t->tag_other));
  PetscCall(PetscFree(*tags));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt tags_family_of(const Tags *t, PetscInt n)
{
  for (PetscInt f = 0; f < t->nfamily; f++)
    if (n < t->family_start[f + 1]) return f;
  return -1;
}
