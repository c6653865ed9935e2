#pragma once
/* The registry: the physics processes (the driver looks up each name run_processes lists), the
   met sources (the &met key source chooses one), and the list of every namelist group the model
   knows, which serves the reading (-help), the generated reference (docs/namelist.md) and the
   unknown-group check. Adding a process or a met source is one line in model/registry.c. */
#include <stdio.h>
#include "base/param.h"
#include "physics/process.h"
#include "model/met/met_source.h"

/* Number of registered processes and the i-th one, in the default operator order. Not
   collective. */
PetscInt registry_process_count(void);
const ProcessOps *registry_process(PetscInt i);

/* The process called name (case-insensitive), or NULL. Not collective. */
const ProcessOps *registry_find_process(const char *name);

/* The met source names, NULL-terminated: the choices of the &met key source, the first the
   default. */
extern const char *const registry_met_source_names[];

/* The met source registry_met_source_names[i] names. Not collective. */
const MetSourceOps *registry_met_source(PetscInt i);

/* Every namelist group of the model: its own groups (run, met, boundary, ...), then each met
   source's, then each process's. Sets *n to their number. Not collective. */
const ParamGroup *const *registry_groups(PetscInt *n);

/* Print the Markdown reference of every group of registry_groups() to fp (docs/namelist.md,
   make docs). Not collective. */
PetscErrorCode registry_reference(FILE *fp);
