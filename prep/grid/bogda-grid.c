/* bogda-grid: build the domain files of the Bogda model from the shipped Xinjiang data.

     bogda-grid -namelist namelists/domains.nml [-domain xj27,ns9] -out DIR

   For each domain (all of grid_tool_domains unless -domain lists some) it writes
   DIR/<name>_domain.nc and DIR/<name>_units.csv (prep/grid/domain_write.c describes them). Every
   rank reads the inputs and builds the same geography; the rows of cells are split over the
   ranks, each cell is sampled on its own (prep/grid/domain_sample.c), and rank 0 gathers the rows
   and writes the files. As no result depends on which rank sampled a cell, the files are the
   same whatever the number of ranks.

   Any namelist key can be overridden on the command line as -<group>_<key> value, for example
   -domain_xj27_nx 120 or -grid_tool_units_file my_units.geojson. */
#include "prep/grid/domain_write.h"
#include <string.h>
#include "base/namelist.h"
#include "base/memory.h"
#include "base/atomic_file.h"
#include "base/program.h"
#include "base/data_path.h"

static const char usage[] =
    "Usage: bogda-grid -namelist FILE -out DIR [-domain A,B] [-group_key value ...]\n"
    "  -namelist FILE       the grid tool's namelist (namelists/domains.nml)\n"
    "  -out DIR             the folder for <name>_domain.nc and <name>_units.csv (it must exist)\n"
    "  -domain A,B          the domains to build (default: all of grid_tool_domains)\n"
    "  -namelist_reference  print the reference of every group in Markdown (docs/grid.md)\n";

/* Gather an array of per-rank counts n (elements) from every rank to rank 0 into all. */
static PetscErrorCode gather(MPI_Comm comm, const void *local, PetscInt n, MPI_Datatype type,
                             void *all)
{
  PetscMPIInt size, rank, mine = (PetscMPIInt)n, *counts = NULL, *displs = NULL;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) PetscCall(PetscMalloc2(size, &counts, size, &displs));
  PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, comm));
  if (rank == 0) {
    displs[0] = 0;
    for (PetscMPIInt r = 1; r < size; r++) displs[r] = displs[r - 1] + counts[r - 1];
  }
  PetscCallMPI(MPI_Gatherv(local, mine, type, all, counts, displs, type, 0, comm));
  if (rank == 0) PetscCall(PetscFree2(counts, displs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 receives every row of the domain in all (allocated here, NULL elsewhere). */
static PetscErrorCode gather_samples(MPI_Comm comm, const GridSpec *spec, PetscInt nrec,
                                     const DomainSamples *mine, DomainSamples **all)
{
  PetscMPIInt rank;
  PetscInt n = spec->nx * spec->ny, nloc = (mine->j1 - mine->j0) * spec->nx, total = 0;
  DomainSamples *a = NULL;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Reduce(&mine->ncover_total, &total, 1, MPIU_INT, MPI_SUM, 0, comm));
  if (rank == 0) {
    PetscCall(PetscNew(&a));
    *a = (DomainSamples){
        .j0 = 0, .j1 = spec->ny, .nx = spec->nx, .nsub = mine->nsub, .ncover_total = total};
    PetscCall(PetscMalloc1(n, &a->terrain));
    PetscCall(PetscMalloc1(n * LANDUSE_N, &a->landuse));
    PetscCall(PetscMalloc1(n * nrec + 1, &a->receptor));
    PetscCall(PetscMalloc1(n, &a->ncover));
    PetscCall(PetscMalloc1(total + 1, &a->cover_unit));
    PetscCall(PetscMalloc1(total + 1, &a->cover_fraction));
  }
  PetscCall(gather(comm, mine->terrain, nloc, MPIU_REAL, a ? a->terrain : NULL));
  PetscCall(gather(comm, mine->landuse, nloc * LANDUSE_N, MPIU_REAL, a ? a->landuse : NULL));
  PetscCall(gather(comm, mine->receptor, nloc * nrec, MPIU_REAL, a ? a->receptor : NULL));
  PetscCall(gather(comm, mine->ncover, nloc, MPIU_INT, a ? a->ncover : NULL));
  PetscCall(gather(comm, mine->cover_unit, mine->ncover_total, MPIU_INT, a ? a->cover_unit : NULL));
  PetscCall(gather(comm, mine->cover_fraction, mine->ncover_total, MPIU_REAL,
                   a ? a->cover_fraction : NULL));
  *all = a;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode build_domain(MPI_Comm comm, const ToolConfig *cfg, const DomainDef *d,
                                   const Geography *g, const ReceptorSet *rs, const char *out)
{
  const GridSpec *spec = &d->spec;
  PetscMPIInt rank, size;
  PetscInt nsub = domain_sample_count(spec, cfg->subsample_spacing);
  DomainSamples *mine, *all;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&t0));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  {
    /* Rank 0 gathers every cell's terrain, land use, receptor weights and covers (about two
       units a cell) and writes the file from them: check the sizes before sampling. */
    double n = (double)spec->nx * (double)spec->ny,
           per = (double)PetscMax(PetscMax(LANDUSE_N, rs->n), spec->nz + 1);
    char what[96];
    PetscCall(PetscSNPrintf(what, sizeof(what),
                            "domain %s (%" PetscInt_FMT " x %" PetscInt_FMT " cells)", d->name,
                            spec->nx, spec->ny));
    PetscCall(memory_check_count(comm, what, n * per));
    PetscCall(memory_check_bytes(comm, what, n * (8.0 * (2 + LANDUSE_N + rs->n) + 4 + 2 * 12)));
  }
  PetscCall(domain_sample_check_dem(g, spec, d->name, nsub));
  PetscCall(domain_sample_rows(g, rs, spec, nsub, spec->ny * rank / size,
                               spec->ny * (rank + 1) / size, &mine));
  PetscCall(gather_samples(comm, spec, rs->n, mine, &all));
  PetscCall(domain_sample_check_top(comm, d, all));
  if (rank == 0) PetscCall(domain_write(cfg, d, g, rs, all, out));
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(comm,
                        "bogda-grid: %s: %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT
                        " cells of %g x %g, %" PetscInt_FMT " x %" PetscInt_FMT
                        " sub-samples per cell, %d rank(s), %.2f s -> %s/%s_domain.nc\n",
                        d->name, spec->nx, spec->ny, spec->nz, (double)spec->dx, (double)spec->dy,
                        nsub, nsub, size, t1 - t0, out, d->name));
  PetscCall(domain_sample_destroy(&mine));
  PetscCall(domain_sample_destroy(&all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether domain name is in the comma-separated list (an empty list selects all). */
static PetscBool selected(const char *list, const char *name)
{
  size_t n = strlen(name);
  if (!list[0]) return PETSC_TRUE;
  for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
    if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0)) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscErrorCode run(MPI_Comm comm)
{
  char nml[PETSC_MAX_PATH_LEN] = "", out[PETSC_MAX_PATH_LEN] = "", list[PETSC_MAX_PATH_LEN] = "";
  PetscBool has_nml, has_out;
  ToolConfig *cfg;
  Geography *g;
  ReceptorSet *rs;
  PetscInt built = 0;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-namelist", nml, sizeof(nml), &has_nml));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof(out), &has_out));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-domain", list, sizeof(list), NULL));
  PetscCheck(has_nml && has_out, comm, PETSC_ERR_ARG_WRONG,
             "usage: bogda-grid -namelist FILE -out DIR [-domain A,B] (bogda-grid -help lists "
             "every option)");
  PetscCall(PetscTime(&t0));
  PetscCall(domain_config_read(comm, nml, &cfg));
  for (PetscInt k = 0; k < cfg->ndomain; k++)
    if (selected(list, cfg->domain[k].name)) built++;
  PetscCheck(built > 0, comm, PETSC_ERR_ARG_WRONG,
             "%s: -domain %s names none of the domains in grid_tool_domains", nml, list);
  PetscCall(atomic_file_check_folder(out, "-out"));
  PetscCall(geography_create(&cfg->geo, &g));
  PetscCall(receptor_masks_create(g, cfg->receptor, nml, &rs));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(comm,
                        "bogda-grid: inputs read, %" PetscInt_FMT " counties, %" PetscInt_FMT
                        " prefectures, %" PetscInt_FMT " units, %" PetscInt_FMT
                        " receptors, county raster %" PetscInt_FMT " x %" PetscInt_FMT ", %.2f s\n",
                        g->ncounty, g->npref, g->nunit, rs->n, g->county_raster->nlon,
                        g->county_raster->nlat, t1 - t0));
  for (PetscInt k = 0; k < cfg->ndomain; k++) {
    if (!selected(list, cfg->domain[k].name)) continue;
    PetscCall(build_domain(comm, cfg, &cfg->domain[k], g, rs, out));
  }
  PetscCall(PetscTime(&t1));
  PetscCall(PetscPrintf(
      comm, "bogda-grid: completed: %" PetscInt_FMT " domain%s written to %s in %.1f s\n", built,
      built == 1 ? "" : "s", out, t1 - t0));
  PetscCall(receptor_masks_destroy(&rs));
  PetscCall(geography_destroy(&g));
  PetscCall(domain_config_destroy(&cfg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Program prog = {.name = "bogda-grid",
                  .purpose = "build the domain files of the Bogda model from the Xinjiang data",
                  .usage = usage,
                  .groups_note = DATA_NOTE "One group &domain_<name> for each domain, e.g. "
                                           "&domain_xj27 with -domain_xj27_nx, ...\n",
                  .reference_title = "bogda-grid namelist reference",
                  .reference_intro =
                      "The domain builder `bin/bogda-grid -namelist FILE -out DIR` reads these "
                      "groups from its namelist (`namelists/domains.nml`). The input files "
                      "default to the shipped data, `'$BOGDA_DATA/...'`: the folder the "
                      "environment variable `BOGDA_DATA` names, else `data/` beside the "
                      "program's folder (`bin/../data`); `data/README.md` says what each is. "
                      "There is one group `&domain_<name>` for each name in "
                      "`grid_tool_domains` (`&domain_xj27` with `-domain_xj27_nx`, ...).\n\n"};
  PetscBool done;

  prog.groups = domain_config_groups(&prog.ngroups);
  PetscCall(program_start(&argc, &argv, &prog, &done));
  return program_end(done ? PETSC_SUCCESS : run(PETSC_COMM_WORLD));
}
