/* The source table of a backward run (see adjoint_sources.h). */
#include "model/adjoint_sources.h"
#include <string.h>
#include "model/run_impl.h"
#include "base/atomic_file.h"
#include "base/units.h"

static const char *const side_names[SIDE_N] = {"west", "east", "south", "north", "top"};

/* The emitted contributions summed by (unit + 1, sector, species) and by stack, with the
   emissions, over the ranks (every rank gets them). */
typedef struct {
  PetscInt nu, np;         /* units + 1 (none first), stacks */
  PetscReal *area, *stack; /* [(n*nu + u + 1)*SECTOR_N + sec)*ns + s], [(n*np + q)*ns + s] */
  PetscReal *area_rate;    /* [((u + 1)*SECTOR_N + sec)*ns + s], kg s-1 */
  PetscReal *stack_rate;   /* [q*ns + s], kg s-1 */
} Emitted;

static PetscErrorCode emitted_sum(const Run *r, const AdjointSourceInput *in, Emitted *x)
{
  const Emissions *em = r->emis ? emissions_fields(r->emis) : NULL;
  PetscInt ns = r->nspec, nf = in->nf;

  PetscFunctionBeginUser;
  x->nu = (r->dom ? r->dom->nunit : 0) + 1;
  x->np = r->points ? r->points->n : 0;
  PetscCall(PetscCalloc4(nf * x->nu * SECTOR_N * ns, &x->area, nf * x->np * ns + 1, &x->stack,
                         x->nu * SECTOR_N * ns, &x->area_rate, x->np * ns + 1, &x->stack_rate));
  for (PetscInt e = 0; em && e < em->area.n; e++) {
    PetscInt u = em->area.unit ? em->area.unit[e] + 1 : 0, sec = em->area.profile[e];
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal rate = em->area.rate[e * ns + s];
      if (rate == 0) continue;
      x->area_rate[(u * SECTOR_N + sec) * ns + s] += rate;
      for (PetscInt n = 0; n < nf; n++)
        x->area[((n * x->nu + u) * SECTOR_N + sec) * ns + s] +=
            rate * in->sens_area[(e * ns + s) * nf + n];
    }
  }
  for (PetscInt e = 0; em && e < em->point.n; e++) {
    PetscInt q = em->point.source ? em->point.source[e] : -1;
    if (q < 0 || q >= x->np) continue; /* not from the run's list: none is */
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal rate = em->point.rate[e * ns + s];
      x->stack_rate[q * ns + s] += rate;
      for (PetscInt n = 0; n < nf; n++)
        x->stack[(n * x->np + q) * ns + s] += rate * in->sens_point[(e * ns + s) * nf + n];
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, x->area, (PetscMPIInt)(nf * x->nu * SECTOR_N * ns),
                             MPIU_REAL, MPI_SUM, r->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, x->stack, (PetscMPIInt)(nf * x->np * ns + 1), MPIU_REAL,
                             MPI_SUM, r->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, x->area_rate, (PetscMPIInt)(x->nu * SECTOR_N * ns),
                             MPIU_REAL, MPI_SUM, r->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, x->stack_rate, (PetscMPIInt)(x->np * ns + 1), MPIU_REAL,
                             MPI_SUM, r->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The unit and sector of stack q, as emissions.c credits it (the stack's own unit code, else its
   cell's), found from the entries of the rank that has it; "" and -1 where no rank does. */
static PetscErrorCode stack_units(const Run *r, PetscInt np, PetscInt *unit, PetscInt *sector)
{
  const Emissions *em = r->emis ? emissions_fields(r->emis) : NULL;

  PetscFunctionBeginUser;
  for (PetscInt q = 0; q < np; q++) unit[q] = sector[q] = -2;
  for (PetscInt e = 0; em && e < em->point.n; e++) {
    PetscInt q = em->point.source ? em->point.source[e] : -1;
    if (q < 0 || q >= np) continue;
    unit[q] = em->point.unit ? em->point.unit[e] : -1;
    sector[q] = em->point.profile[e];
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, unit, (PetscMPIInt)np, MPIU_INT, MPI_MAX, r->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sector, (PetscMPIInt)np, MPIU_INT, MPI_MAX, r->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode adjoint_sources_write(const Run *r, const AdjointSourceInput *in)
{
  PetscInt ns = r->nspec, nf = in->nf, *unit, *sector;
  Emitted x;
  PetscMPIInt rank;
  char path[PETSC_MAX_PATH_LEN];
  AtomicFile out;
  const double t_yr = SECONDS_PER_YEAR / KG_PER_T; /* kg s-1 -> t yr-1 */

  PetscFunctionBeginUser;
  PetscCall(emitted_sum(r, in, &x));
  PetscCall(PetscMalloc2(x.np + 1, &unit, x.np + 1, &sector));
  PetscCall(stack_units(r, x.np, unit, sector));
  PetscCallMPI(MPI_Comm_rank(r->comm, &rank));
  PetscCall(
      PetscSNPrintf(path, sizeof(path), "%s/%s_adjoint_sources.csv", r->p.output_dir, r->p.name));
  if (rank == 0) {
    PetscCall(atomic_file_open(path, &out));
    PetscCall(atomic_file_printf(
        &out, "functional,source,unit,sector,species,emission_t_per_year,contribution_ug_m3\n"));
  }
  for (PetscInt n = 0; n < nf; n++) {
    const char *L = in->labels[n];
    PetscReal sum = 0;
    for (PetscInt u = 0; u < x.nu; u++)
      for (PetscInt sec = 0; sec < SECTOR_N; sec++)
        for (PetscInt s = 0; s < ns; s++) {
          PetscReal rate = x.area_rate[(u * SECTOR_N + sec) * ns + s],
                    v = x.area[((n * x.nu + u) * SECTOR_N + sec) * ns + s];
          if (rate == 0) continue;
          sum += v;
          if (rank == 0)
            PetscCall(atomic_file_printf(&out, "%s,area,%s,%s,%s,%.17g,%.17g\n", L,
                                         u ? r->dom->unit[u - 1].code : "", sector_names[sec],
                                         r->species[s].name, rate * t_yr, (double)v));
        }
    for (PetscInt q = 0; q < x.np; q++)
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal rate = x.stack_rate[q * ns + s], v = x.stack[(n * x.np + q) * ns + s];
        if (rate == 0 || sector[q] < 0) continue;
        sum += v;
        if (rank == 0)
          PetscCall(atomic_file_printf(
              &out, "%s,stack:%s,%s,%s,%s,%.17g,%.17g\n", L, r->points->id[q],
              unit[q] >= 0 ? r->dom->unit[unit[q]].code : "", sector_names[sector[q]],
              r->species[s].name, rate * t_yr, (double)v));
      }
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal v = in->initial[n * ns + s];
      sum += v;
      if (rank == 0)
        PetscCall(atomic_file_printf(&out, "%s,%s,,,%s,,%.17g\n", L,
                                     in->initial_parent ? "initial:parent" : "initial",
                                     r->species[s].name, (double)v));
    }
    for (PetscInt side = 0; side < SIDE_TOP; side++)
      for (PetscInt s = 0; s < ns; s++) {
        PetscReal v = in->inflow[(n * SIDE_N + side) * ns + s];
        sum += v;
        if (rank == 0)
          PetscCall(atomic_file_printf(&out, "%s,inflow:%s%s,,,%s,,%.17g\n", L,
                                       in->inflow_parent ? "parent:" : "", side_names[side],
                                       r->species[s].name, (double)v));
      }
    for (PetscInt s = 0; s < ns; s++) {
      PetscReal v = in->top[n * ns + s];
      sum += v;
      if (rank == 0)
        PetscCall(
            atomic_file_printf(&out, "%s,top,,,%s,,%.17g\n", L, r->species[s].name, (double)v));
    }
    if (rank == 0) PetscCall(atomic_file_printf(&out, "%s,J,,,,,%.17g\n", L, (double)in->J[n]));
    PetscCall(PetscPrintf(
        r->comm,
        "adjoint %s: the sources (every unit, sector, stack, the initial state "
        "and the inflow) sum to %.12e ug m-3 (%.1e relative to J)\n",
        L, (double)sum,
        (double)(PetscAbsReal(sum - in->J[n]) / PetscMax(PetscAbsReal(in->J[n]), 1e-300))));
  }
  if (rank == 0) PetscCall(atomic_file_commit(&out));
  PetscCall(PetscFree2(unit, sector));
  PetscCall(PetscFree4(x.area, x.stack, x.area_rate, x.stack_rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}
