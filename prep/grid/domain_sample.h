#pragma once
/* Sampling the geography over model cells: each cell is covered by n x n sub-samples evenly
   spaced on the projection plane (n a power of two), each classified by geography_sample; a
   cell's terrain is the mean of its sub-samples' heights (an area average of the bilinear DEM
   surface, not a point value), and its land-use, unit and receptor shares are the counts of
   sub-samples over n^2. As n^2 is a power of two, every share is exact in binary and the shares
   of a cell add up to 1 exactly. */
#include "prep/grid/receptor_masks.h"

typedef struct {
  PetscInt j0, j1, nx; /* rows j0 <= j < j1 of a grid nx cells wide */
  PetscInt nsub;       /* sub-samples per cell in x and y */
  PetscReal *terrain;  /* m, per cell (row-major from (0, j0)); owned */
  PetscReal *landuse;  /* [cell * LANDUSE_N + c]; owned */
  PetscReal *receptor; /* [cell * nrec + r]: share of the cell inside receptor r; owned */
  PetscInt *ncover;    /* units covering each cell; owned */
  PetscInt ncover_total;
  PetscInt *cover_unit; /* unit index of each cover entry, cells in order, units ascending; owned */
  PetscReal *cover_fraction; /* share of the cell; owned */
} DomainSamples;

/* The number of sub-samples per cell: the least power of two n with max(dx, dy) / n <= spacing
   (at most DOMAIN_SAMPLE_MAX). */
PetscInt domain_sample_count(const GridSpec *spec, PetscReal spacing);

/* Check that the DEM covers every sub-sample on the domain's outer edge (the extreme latitudes
   and longitudes of a projected rectangle lie on its edge); fails naming the DEM file, the
   domain and a point outside. Not collective. */
PetscErrorCode domain_sample_check_dem(const Geography *g, const GridSpec *spec, const char *name,
                                       PetscInt nsub);

/* Check that the model top of domain d lies above its highest terrain with every layer at least
   VERTICAL_DZ_MIN thick there (grids/vertical.h): rank 0 holds every row in all (NULL on the
   other ranks). Fails naming the key that set the top, its value, the highest terrain and its
   cell. Collective on comm. */
PetscErrorCode domain_sample_check_top(MPI_Comm comm, const DomainDef *d, const DomainSamples *all);

/* Sample rows j0 <= j < j1. Not collective. */
PetscErrorCode domain_sample_rows(const Geography *g, const ReceptorSet *rs, const GridSpec *spec,
                                  PetscInt nsub, PetscInt j0, PetscInt j1, DomainSamples **s);

/* Free and set the handle to NULL; no-op on NULL. */
PetscErrorCode domain_sample_destroy(DomainSamples **s);
