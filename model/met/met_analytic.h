#pragma once
/* The analytic met source (prescribed flows for tests and idealised cases). */
#include "model/met/met.h"

extern const MetSourceOps met_source_analytic;
