#pragma once
/* The analytic met source (prescribed flows for tests and idealised cases). */
#include "met.h"

extern const MetSourceOps met_source_analytic;
