#pragma once
/* The diagnostic met source (model/met/met_diagnostic.c, registered as met_source_diagnostic):
   winter meteorology over the domain file's terrain, mass-consistent. What it offers beyond the
   contract of model/met/met_source.h. */
#include "model/met/met_source.h"

/* KSP iterations and largest remaining cell divergence (kg s-1) of the last adjustment solved
   by the source context ctx (for tests and logs). Not collective. */
PetscErrorCode met_diagnostic_last_solve(void *ctx, PetscInt *its, PetscReal *divergence);
