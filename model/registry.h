#pragma once
/* Name -> operations tables: the physics processes (in the order the namelist lists them, the
   driver looks each up here) and the met sources. Adding a process means adding one line here. */
#include "physics/process.h"
#include "model/met/met.h"

/* Number of registered processes and the i-th one. Not collective. */
PetscInt registry_process_count(void);
const ProcessOps *registry_process(PetscInt i);

/* The process called name, or NULL. Not collective. */
const ProcessOps *registry_find_process(const char *name);

/* Met source names (NULL-terminated, for the &met source enum) and their ops, same order. */
extern const char *const met_source_names[];
const MetSourceOps *const *met_source_list(void);
