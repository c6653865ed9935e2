#pragma once
/* Opening an input NetCDF file without trusting its bytes. A damaged NetCDF-4 (HDF5) file can
   crash or hang inside the HDF5 library while it is being opened or read, before any check of
   ours runs (a fuzzed domain file made libhdf5 free a garbage pointer in H5G__dense_iterate).
   So each input file is first opened in a child process that reads its whole structure (and,
   for files up to NC_PROBE_DATA_MAX bytes, such as domain files, every variable's values: larger
   files, the boundary files and inventories, are read twice otherwise); if the child is killed by
   a signal or does not finish in NC_PROBE_SECONDS, the file is refused with one message. The
   child calls no MPI and ends with _exit(). Each path is probed once per process. */
#include <petscsys.h>

#define NC_PROBE_SECONDS 60
#define NC_PROBE_DATA_MAX (8.0 * 1024 * 1024)

/* Probe path as above, then nc_open it read-only into *nc; errors name the file. Not collective. */
PetscErrorCode nc_open_input(const char *path, int *nc);
