#pragma once
/* Size checks made before a large allocation, so that a domain too big for the machine or for
   32-bit indices is refused with what it would need, instead of overflowing an index or dying in
   the allocator (or being killed by the system with a status scripts read as SIGTERM). */
#include <petscsys.h>

/* Refuse when count elements of what (a vector, a raster) cannot be indexed by a PetscInt.
   Collective on comm: the largest count over the ranks decides. */
PetscErrorCode memory_check_count(MPI_Comm comm, const char *what, double count);

/* Refuse when bytes, what one process would allocate at least for what, exceeds the memory of
   the machine it runs on. Collective on comm: the largest request over the ranks decides. */
PetscErrorCode memory_check_bytes(MPI_Comm comm, const char *what, double bytes);
