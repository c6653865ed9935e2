#pragma once
/* The wrf met source: wrfout files read as they are, on WRF's grid or a window of it. */
#include "model/met/met.h"

extern const MetSourceOps met_source_wrf;
