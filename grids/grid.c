/* The model grid on a PETSc DMDA, decomposed in x and y only (every rank owns whole columns,
   so vertical solves stay local). Ghost cells outside the physical domain exist
   (DM_BOUNDARY_GHOSTED) so that boundary values sit where the transport stencils read them. */
#include "grids/grid.h"
#include <string.h>
#include "base/memory.h"
#include "grids/metrics.h"

/* Fewest 3-D fields of one value per cell a run holds on the grid (metrics and met), for the
   memory check made before creating it. */
#define GRID_FIELDS_MIN 16

/* Choose px * py = size with at least sw cells per rank in each direction, minimising the
   halo perimeter of a rank's block. Returns px = py = 0 if no split fits. */
static void choose_split(PetscInt size, PetscInt nx, PetscInt ny, PetscInt sw, PetscInt *px,
                         PetscInt *py)
{
  PetscReal best = PETSC_MAX_REAL;
  *px = *py = 0;
  for (PetscInt a = 1; a <= size; a++) {
    PetscInt b = size / a;
    PetscReal perimeter;
    if (a * b != size || nx / a < sw || ny / b < sw) continue;
    perimeter = (PetscReal)nx / (PetscReal)a + (PetscReal)ny / (PetscReal)b;
    if (perimeter < best) {
      best = perimeter;
      *px = a;
      *py = b;
    }
  }
}

/* Check a requested or chosen split and explain what would work. */
static PetscErrorCode check_split(MPI_Comm comm, const GridSpec *spec, PetscInt sw,
                                  PetscMPIInt size, PetscInt *px, PetscInt *py)
{
  PetscFunctionBeginUser;
  PetscCheck(spec->nx >= sw && spec->ny >= sw, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "a grid of %" PetscInt_FMT " x %" PetscInt_FMT
             " cells is too small for the transport stencil: it needs at least %" PetscInt_FMT
             " cells in x and in y",
             spec->nx, spec->ny, sw);
  if (*px == PETSC_DECIDE && *py == PETSC_DECIDE) {
    choose_split(size, spec->nx, spec->ny, sw, px, py);
    if (*px == 0) {
      /* Say which rank counts would work (the first few up to the largest possible). */
      char list[160] = "";
      PetscInt most = (spec->nx / sw) * (spec->ny / sw), shown = 0;
      for (PetscInt n = 1; n <= most && shown < 12; n++) {
        PetscInt a, b;
        size_t l = strlen(list);
        choose_split(n, spec->nx, spec->ny, sw, &a, &b);
        if (a == 0) continue;
        PetscCall(
            PetscSNPrintf(list + l, sizeof(list) - l, "%s%" PetscInt_FMT, shown ? ", " : "", n));
        shown++;
      }
      SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE,
              "a grid of %" PetscInt_FMT " x %" PetscInt_FMT
              " cells cannot be split over %d ranks with at least %" PetscInt_FMT
              " cells per rank in x and y (the transport halo); rank counts that work: %s%s",
              spec->nx, spec->ny, size, sw, list, shown == 12 ? ", ..." : "");
    }
  } else if (*px == PETSC_DECIDE) {
    PetscCheck(*py > 0 && size % *py == 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "run_py = %" PetscInt_FMT " does not divide the %d ranks", *py, size);
    *px = size / *py;
  } else if (*py == PETSC_DECIDE) {
    PetscCheck(*px > 0 && size % *px == 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
               "run_px = %" PetscInt_FMT " does not divide the %d ranks", *px, size);
    *py = size / *px;
  }
  PetscCheck(*px * *py == size, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "process grid %" PetscInt_FMT " x %" PetscInt_FMT " does not match %d ranks", *px, *py,
             size);
  PetscCheck(spec->nx / *px >= sw && spec->ny / *py >= sw, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "process grid %" PetscInt_FMT " x %" PetscInt_FMT
             " is too fine for a grid of %" PetscInt_FMT " x %" PetscInt_FMT
             " cells: every rank needs at least %" PetscInt_FMT
             " cells in x and y for the transport halo",
             *px, *py, spec->nx, spec->ny, sw);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode fill_patch(Grid *g)
{
  PetscInt xs, ys, zs, xm, ym, zm, gxs, gys, gzs, gxm, gym, gzm;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(g->da, &xs, &ys, &zs, &xm, &ym, &zm));
  PetscCall(DMDAGetGhostCorners(g->da, &gxs, &gys, &gzs, &gxm, &gym, &gzm));
  PetscCheck(zs == 0 && zm == g->spec.nz && gzs == 0 && gzm == g->spec.nz, g->comm, PETSC_ERR_PLIB,
             "the grid must not be decomposed in z");
  g->patch = (Patch){.mx = g->spec.nx,
                     .my = g->spec.ny,
                     .mz = g->spec.nz,
                     .xs = xs,
                     .ys = ys,
                     .xm = xm,
                     .ym = ym,
                     .gxs = gxs,
                     .gys = gys,
                     .gxm = gxm,
                     .gym = gym,
                     .sw = g->sw,
                     .dx = g->spec.dx,
                     .dy = g->spec.dy};
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode grid_create(MPI_Comm comm, const GridSpec *spec, PetscInt sw, PetscInt px,
                           PetscInt py, Grid **grid)
{
  Grid *g;
  PetscMPIInt size;
  PetscInt n2;

  PetscFunctionBeginUser;
  PetscCheck(spec->nx > 0 && spec->ny > 0 && spec->nz > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "grid size %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " must be positive",
             spec->nx, spec->ny, spec->nz);
  PetscCheck(spec->nz <= GRID_MAX_LAYERS, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "%" PetscInt_FMT " layers is more than the %d a grid may have", spec->nz,
             GRID_MAX_LAYERS);
  PetscCheck(spec->dx > 0 && spec->dy > 0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "grid spacing dx = %g, dy = %g must be positive", (double)spec->dx, (double)spec->dy);
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(check_split(comm, spec, sw, size, &px, &py));
  /* The state and tag vectors are checked by state_create. */
  PetscCall(memory_check_count(comm, "a field on the grid",
                               (double)spec->nx * (double)spec->ny * (double)(spec->nz + 1)));
  PetscCall(memory_check_bytes(comm, "the grid's fields",
                               8.0 * GRID_FIELDS_MIN * (double)(spec->nx / px + 2 * sw) *
                                   (double)(spec->ny / py + 2 * sw) * (double)(spec->nz + 1)));
  PetscCall(PetscNew(&g));
  g->spec = *spec;
  g->comm = comm;
  g->sw = sw;
  PetscCall(DMDACreate3d(comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_NONE,
                         DMDA_STENCIL_BOX, spec->nx, spec->ny, spec->nz, px, py, 1, 1, sw, NULL,
                         NULL, NULL, &g->da));
  PetscCall(DMSetUp(g->da));
  {
    const PetscInt *lx, *ly;
    PetscCall(DMDAGetOwnershipRanges(g->da, &lx, &ly, NULL));
    PetscCall(DMDACreate2d(comm, DM_BOUNDARY_GHOSTED, DM_BOUNDARY_GHOSTED, DMDA_STENCIL_BOX,
                           spec->nx, spec->ny, px, py, 1, sw, lx, ly, &g->da2));
    PetscCall(DMSetUp(g->da2));
  }
  PetscCall(fill_patch(g));
  n2 = patch_size2(&g->patch);
  PetscCall(PetscCalloc1(n2, &g->lon));
  PetscCall(PetscCalloc1(n2, &g->lat));
  PetscCall(PetscCalloc1(n2, &g->area));
  PetscCall(PetscCalloc1(n2, &g->width_x));
  PetscCall(PetscCalloc1(n2, &g->width_y));
  PetscCall(PetscCalloc1(n2, &g->mapfac));
  PetscCall(metrics_compute(&g->spec, &g->patch, g->lon, g->lat, g->area, g->width_x, g->width_y,
                            g->mapfac));
  g->patch.area = g->area;
  g->patch.lon = g->lon;
  g->patch.lat = g->lat;
  *grid = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode grid_destroy(Grid **grid)
{
  Grid *g = *grid;

  PetscFunctionBeginUser;
  if (!g) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(DMDestroy(&g->da));
  PetscCall(DMDestroy(&g->da2));
  PetscCall(PetscFree(g->lon));
  PetscCall(PetscFree(g->lat));
  PetscCall(PetscFree(g->area));
  PetscCall(PetscFree(g->width_x));
  PetscCall(PetscFree(g->width_y));
  PetscCall(PetscFree(g->mapfac));
  PetscCall(PetscFree(*grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}
