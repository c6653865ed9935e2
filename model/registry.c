/* The process and met-source tables. Adding a process: write physics/<name>.c exporting
   process_<name>, declare it below and add it to the table; the namelist lists it by name. */
#include "model/registry.h"
#include <strings.h>
#include "model/met/met_analytic.h"
#include "model/met/met_diagnostic.h"
#include "model/met/met_wrf.h"

extern const ProcessOps process_emission_area, process_emission_point, process_deposition_dry,
    process_mixing_vertical, process_advection_horizontal, process_advection_vertical,
    process_chemistry, process_deposition_wet;

/* In the default operator order (DESIGN.md "How data flows"). */
static const ProcessOps *const processes[] = {
    &process_emission_area,   &process_emission_point,       &process_deposition_dry,
    &process_mixing_vertical, &process_advection_horizontal, &process_advection_vertical,
    &process_chemistry,       &process_deposition_wet,
};

PetscInt registry_process_count(void)
{
  return (PetscInt)(sizeof(processes) / sizeof(processes[0]));
}

const ProcessOps *registry_process(PetscInt i)
{
  return processes[i];
}

const ProcessOps *registry_find_process(const char *name)
{
  for (PetscInt i = 0; i < registry_process_count(); i++)
    if (!strcasecmp(processes[i]->name, name)) return processes[i];
  return NULL;
}

const char *const met_source_names[] = {"analytic", "diagnostic", "wrf", NULL};

static const MetSourceOps *const met_sources[] = {&met_source_analytic, &met_source_diagnostic,
                                                  &met_source_wrf};

const MetSourceOps *const *met_source_list(void)
{
  return met_sources;
}
