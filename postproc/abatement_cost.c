/* Reading the marginal abatement cost table (see abatement_cost.h). */
#include "postproc/abatement_cost.h"
#include <string.h>
#include "base/csv.h"
#include "base/data_path.h"
#include "physics/species.h"

/* Is species k something a cost curve can be given for: an emitted species that PM2.5 is made
   of (primary) or from (a precursor)? */
static PetscBool is_precursor(const SpeciesInfo *sp, PetscInt nspec, PetscInt k)
{
  if (sp[k].precursor) return PETSC_FALSE;
  if (sp[k].in_pm25) return PETSC_TRUE;
  for (PetscInt q = 0; q < nspec; q++)
    if (sp[q].precursor && !strcmp(sp[q].precursor, sp[k].name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Add row r of t to its curve. */
static PetscErrorCode add_row(const CsvTable *t, PetscInt r, const PetscInt col[4],
                              AbatementCosts *c)
{
  PetscInt nspec;
  const SpeciesInfo *sp = species_table(&nspec);
  const char *sector = csv_text(t, r, col[0]), *prec = csv_text(t, r, col[1]);
  PetscInt s = profiles_sector(sector), k = species_find(sp, nspec, prec), line = t->line[r];
  PetscReal upto, price;
  AbatementCurve *cv;

  PetscFunctionBeginUser;
  PetscCheck(s >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%d: sector \"%s\" is not one of power, industry, residential, transport, "
             "agriculture",
             t->path, (int)line, sector);
  PetscCheck(k >= 0 && is_precursor(sp, nspec, k), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%d: precursor \"%s\" is not one of so2, nox, nh3, ppm25 (the emitted species "
             "PM2.5 is made of or from)",
             t->path, (int)line, prec);
  PetscCall(csv_real(t, r, col[2], &upto));
  PetscCall(csv_real(t, r, col[3], &price));
  cv = &c->curve[s * nspec + k];
  PetscCheck(cv->ntier < ABATEMENT_TIER_MAX, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s:%d: more than %d tiers for %s %s", t->path, (int)line, ABATEMENT_TIER_MAX, sector,
             prec);
  PetscCheck(upto > (cv->ntier ? cv->upto[cv->ntier - 1] : 0) && upto <= 1, PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s:%d: tier_upto_fraction = %g for %s %s; expected a fraction above the previous "
             "tier's (%g) and at most 1",
             t->path, (int)line, (double)upto, sector, prec,
             (double)(cv->ntier ? cv->upto[cv->ntier - 1] : 0));
  PetscCheck(price >= (cv->ntier ? cv->price[cv->ntier - 1] : 0), PETSC_COMM_SELF,
             PETSC_ERR_FILE_UNEXPECTED,
             "%s:%d: yuan_per_tonne = %g for %s %s; expected at least %g, the previous tier's "
             "(marginal costs may not decrease: the curve must be convex)",
             t->path, (int)line, (double)price, sector, prec,
             (double)(cv->ntier ? cv->price[cv->ntier - 1] : 0));
  if (!cv->ntier) cv->line = line;
  cv->upto[cv->ntier] = upto;
  cv->price[cv->ntier++] = price;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode abatement_costs_read(const char *path, AbatementCosts **out)
{
  static const char *const names[4] = {"sector", "precursor", "tier_upto_fraction",
                                       "yuan_per_tonne"};
  AbatementCosts *c;
  CsvTable *t;
  PetscInt col[4];

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  PetscCall(data_path_expand(path, c->path, sizeof(c->path)));
  species_table(&c->nspec);
  PetscCall(PetscCalloc1(SECTOR_N * c->nspec, &c->curve));
  PetscCall(csv_read(c->path, &t));
  for (PetscInt k = 0; k < 4; k++) PetscCall(csv_column(t, names[k], &col[k]));
  PetscCheck(t->nrow > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s: no cost rows (only a header)", c->path);
  for (PetscInt r = 0; r < t->nrow; r++) PetscCall(add_row(t, r, col, c));
  PetscCall(csv_destroy(&t));
  *out = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode abatement_costs_destroy(AbatementCosts **c)
{
  PetscFunctionBeginUser;
  if (!*c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*c)->curve));
  PetscCall(PetscFree(*c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const AbatementCurve *abatement_costs_curve(const AbatementCosts *c, PetscInt s, PetscInt k)
{
  return &c->curve[s * c->nspec + k];
}
