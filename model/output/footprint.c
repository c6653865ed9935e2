/* Footprints of a backward run (see footprint.h), written with model/output/output.h. */
#include "model/output/footprint.h"
#include <stdio.h>
#include "model/output/output.h"
#include "base/param.h"
#include "physics/species.h"

PetscErrorCode footprint_write(const Grid *g, const Patch *p, const char *path,
                               const char *const *labels, const PetscReal *foot, PetscReal t_start,
                               PetscReal t_end)
{
  PetscInt nz = g->spec.nz, ns = p->nspec, nf = p->ntag, *id;
  PetscReal *zmid;
  OutputFile *f;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(nz, &zmid, ns * nf, &id));
  for (PetscInt k = 0; k < nz; k++) zmid[k] = 0.5 * (g->spec.z_iface[k] + g->spec.z_iface[k + 1]);
  PetscCall(
      output_open(g, path, "Bogda backward run: footprints of the receptor functionals", zmid, &f));
  PetscCall(output_def_time_bounds(f));
  for (PetscInt n = 0; n < nf; n++)
    for (PetscInt s = 0; s < ns; s++) {
      char name[64], lname[PARAM_STRING_LEN + 128];
      snprintf(name, sizeof(name), "sens_%d_%s", (int)(n + 1), p->species[s].name);
      snprintf(lname, sizeof(lname),
               "sensitivity of %s to a constant source of %s in the cell over the whole run",
               labels[n], p->species[s].name);
      PetscCall(
          output_def_var(f, name, OUTPUT_3D, "ug m-3 (kg s-1)-1", NULL, lname, &id[n * ns + s]));
      PetscCall(output_var_attribute(f, id[n * ns + s], "functional", labels[n]));
    }
  PetscCall(output_end_def(f));
  PetscCall(output_new_time(f, t_end));
  PetscCall(output_time_bounds(f, t_start, t_end));
  for (PetscInt n = 0; n < nf; n++)
    for (PetscInt s = 0; s < ns; s++)
      PetscCall(output_write(f, id[n * ns + s], foot, ns * nf, s * nf + n, NULL, 1));
  PetscCall(output_close(&f));
  PetscCall(PetscFree2(zmid, id));
  PetscFunctionReturn(PETSC_SUCCESS);
}
