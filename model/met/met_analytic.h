#pragma once
#include <stdio.h>
/* The analytic met source (prescribed flows for tests and idealised cases). */
#include "model/met/met.h"

extern const MetSourceOps met_source_analytic;

/* The Markdown reference of the &met_analytic group (for the generated namelist reference). */
PetscErrorCode met_analytic_reference(FILE *fp);
