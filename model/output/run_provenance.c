/* The run's provenance notes (see run_provenance.h), from the effective configuration's text. */
#include "model/output/run_provenance.h"
#include <string.h>
#include "base/namelist.h"
#include "base/provenance.h"

#define NOTE_LEN 4096

/* The value of key in the effective configuration, without the quotes of its strings ("'a',
   'b'" -> "a, b"; "''" -> ""), into out[len]; "" for a key not read. */
static PetscErrorCode value_of(const char *key, char *out, size_t len)
{
  size_t n = 0;

  PetscFunctionBeginUser;
  out[0] = '\0';
  for (PetscInt k = 0; k < namelist_count(); k++) {
    const char *kk, *v;
    PetscBool is_default;
    PetscCall(namelist_entry(k, &kk, &v, &is_default));
    if (strcmp(kk, key)) continue;
    for (; *v && n + 1 < len; v++)
      if (*v != '\'') out[n++] = *v;
    out[n] = '\0';
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode note_meteorology(void)
{
  char source[64], files[NOTE_LEN - 128], text[NOTE_LEN];

  PetscFunctionBeginUser;
  PetscCall(value_of("met_source", source, sizeof(source)));
  if (!strcmp(source, "wrf")) {
    PetscCall(value_of("met_wrf_files", files, sizeof(files)));
    PetscCall(PetscSNPrintf(text, sizeof(text), "wrf: WRF model output, files %s", files));
  } else if (!strcmp(source, "diagnostic"))
    PetscCall(PetscStrncpy(text,
                           "diagnostic: ILLUSTRATIVE winds, boundary layer, clouds and rain built "
                           "by Bogda from a few synoptic numbers (&met_diagnostic) over the "
                           "domain's terrain; not observed or forecast meteorology",
                           sizeof(text)));
  else if (!strcmp(source, "analytic"))
    PetscCall(PetscStrncpy(text, "analytic: a prescribed test flow (&met_analytic)", sizeof(text)));
  else
    PetscCall(PetscSNPrintf(text, sizeof(text), "%s", source));
  PetscCall(provenance_note("meteorology", text, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode note_emissions(void)
{
  char gridded[PETSC_MAX_PATH_LEN], points[PETSC_MAX_PATH_LEN], text[NOTE_LEN];

  PetscFunctionBeginUser;
  PetscCall(value_of("emissions_gridded_file", gridded, sizeof(gridded)));
  PetscCall(value_of("emissions_points_file", points, sizeof(points)));
  PetscCall(PetscSNPrintf(text, sizeof(text), "gridded: %s; point sources: %s",
                          gridded[0] ? gridded : "none", points[0] ? points : "none"));
  PetscCall(provenance_note("emissions", text, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode run_provenance_record(const char *output_dir, const char *name)
{
  char text[NOTE_LEN], file[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(text, sizeof(text), "%s/%s_effective.nml", output_dir, name));
  PetscCall(provenance_note("bogda_effective_namelist", text, PETSC_TRUE));
  PetscCall(note_meteorology());
  PetscCall(note_emissions());
  PetscCall(value_of("run_domain_file", file, sizeof(file)));
  if (file[0]) {
    PetscCall(
        PetscSNPrintf(text, sizeof(text), "%s (built from the data source_data names)", file));
    PetscCall(provenance_note("domain", text, PETSC_TRUE));
  }
  PetscCall(value_of("boundary_parent_files", file, sizeof(file)));
  if (file[0]) PetscCall(provenance_note("boundary_parent_files", file, PETSC_TRUE));
  PetscCall(value_of("boundary_initial_file", file, sizeof(file)));
  if (file[0]) PetscCall(provenance_note("boundary_initial_file", file, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
