#pragma once
/* Ghost exchange of a DMDA local vector that sends only the ghost slabs: each rank posts one
   message to each of its up to eight neighbours in x and y (the box stencil's corners
   included), described by MPI subarray types on the local array itself, so neither the interior
   nor a global vector is copied (PETSc's DMLocalToLocal also copies every owned point). Ghosts
   outside the physical domain are left alone. The DMDA must not be decomposed in z, and every
   rank must own at least the stencil width in x and y. */
#include <petscdmda.h>

typedef struct Halo Halo;

/* The exchange for local vectors of da. Collective. */
PetscErrorCode halo_create(DM da, Halo **h);

/* Fill the ghosts of local (a local vector of the DMDA h was made for) from their owners, in
   place. Collective. */
PetscErrorCode halo_exchange(Halo *h, Vec local);

/* The transpose of halo_exchange, for backward runs: add every ghost inside the domain of local
   to the owned cell it copies, on its owner, and zero it; ghosts outside the physical domain
   are left alone (they are the caller's: inflow sensitivities). The additions into one owned
   cell are made in a fixed order of the neighbours, not in the order messages arrive, so the
   result is reproducible; halo.c says when it is also the same bits on any rank count. The
   first call allocates the receive buffers. Collective. */
PetscErrorCode halo_add_ghosts(Halo *h, Vec local);

/* No-op on NULL. Collective (it frees a communicator). */
PetscErrorCode halo_destroy(Halo **h);
