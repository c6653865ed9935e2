/* Size checks before large allocations (see memory.h). The memory one process may use is the
   least of the machine's physical memory (sysconf), the memory limit of its control group (what
   a batch system sets for a job: cgroup v2 memory.max or v1 memory.limit_in_bytes) and its
   address-space limit (ulimit -v). Ranks on one node share it, so the check catches impossible
   requests, not every request that would swap. */
#include "base/memory.h"
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#define GIB (1024.0 * 1024.0 * 1024.0)

PetscErrorCode memory_check_count(MPI_Comm comm, const char *what, double count)
{
  double worst;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(&count, &worst, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCheck(worst <= (double)PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s would need an array of %.4g elements; at most %.4g can be indexed (PETSc built "
             "with %d-bit "
             "indices): use fewer cells, layers or tags, or more ranks",
             what, worst, (double)PETSC_MAX_INT, (int)(8 * sizeof(PetscInt)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The number in a one-line file such as memory.max ("max" or absent: no limit, 0 returned). */
static double file_limit(const char *path)
{
  FILE *f = fopen(path, "r");
  double v = 0;
  if (!f) return 0;
  if (fscanf(f, "%lf", &v) != 1) v = 0;
  fclose(f);
  return v;
}

/* The memory one process may use, bytes, and what sets it; 0 if unknown. */
static double memory_available(const char **source)
{
  static const char *const cgroups[] = {"/sys/fs/cgroup/memory.max",
                                        "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  double have = pages > 0 && size > 0 ? (double)pages * (double)size : 0;
  struct rlimit rl;

  *source = "the machine's memory";
  for (int k = 0; k < 2; k++) {
    double v = file_limit(cgroups[k]);
    if (v > 0 && (have == 0 || v < have)) have = v, *source = "the job's memory limit (cgroup)";
  }
  if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY &&
      (have == 0 || (double)rl.rlim_cur < have))
    have = (double)rl.rlim_cur, *source = "the address-space limit (ulimit -v)";
  return have;
}

PetscErrorCode memory_check_bytes(MPI_Comm comm, const char *what, double bytes)
{
  double worst, have;
  const char *source;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(&bytes, &worst, 1, MPI_DOUBLE, MPI_MAX, comm));
  have = memory_available(&source);
  if (have <= 0) PetscFunctionReturn(PETSC_SUCCESS); /* unknown: not checked */
  PetscCheck(worst <= have, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%s would need at least %.3g GiB on one process; %s is %.3g GiB: use fewer cells, "
             "layers or tags, or more ranks (on more nodes)",
             what, worst / GIB, source, have / GIB);
  PetscFunctionReturn(PETSC_SUCCESS);
}
