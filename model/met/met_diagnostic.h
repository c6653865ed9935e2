#pragma once
/* The diagnostic met source: winter meteorology over the domain file's terrain, mass-consistent. */
#include "model/met/met.h"

extern const MetSourceOps met_source_diagnostic;

/* KSP iterations and largest remaining cell divergence (kg s-1) of the last adjustment solved
   by the source context ctx (for tests and logs). Not collective. */
PetscErrorCode met_diagnostic_last_solve(void *ctx, PetscInt *its, PetscReal *divergence);
