/* Ghost-slab exchange (see halo.h). */
#include "model/halo.h"

/* Tags of the reverse exchange's messages: the forward's plus this, so the two never match. */
#define REVERSE_TAG 9

struct Halo {
  MPI_Comm comm; /* a duplicate of the DMDA's: these messages meet no others */
  PetscInt n;    /* neighbours */
  PetscMPIInt rank[8], send_tag[8], recv_tag[8];
  MPI_Datatype send[8], recv[8]; /* my owned slab for it, my ghost slab it fills */
  MPI_Request req[16];
  /* For the reverse exchange: the local array's shape, each neighbour's two slabs (rows
     [j0, j0 + nj), columns [i0, i0 + ni), all layers, local coordinates), and receive buffers
     (owned, allocated at the first halo_add_ghosts) at offset[n] of buf. */
  PetscInt gzm, gym, gxm, dof;
  PetscInt own_j0[8], own_i0[8], ghost_j0[8], ghost_i0[8], nj[8], ni[8];
  PetscInt offset[9];
  PetscReal *buf;
};

/* A subarray of the local array [k][j][i*dof + d]: all layers, rows [j0, j0+nj), columns
   [i0, i0+ni), in local (ghosted) coordinates. */
static PetscErrorCode slab(PetscInt gzm, PetscInt gym, PetscInt gxm, PetscInt dof, PetscInt j0,
                           PetscInt nj, PetscInt i0, PetscInt ni, MPI_Datatype *type)
{
  PetscMPIInt sizes[3], sub[3], start[3];

  PetscFunctionBeginUser;
  PetscCall(PetscMPIIntCast(gzm, &sizes[0]));
  PetscCall(PetscMPIIntCast(gym, &sizes[1]));
  PetscCall(PetscMPIIntCast(gxm * dof, &sizes[2]));
  sub[0] = sizes[0];
  PetscCall(PetscMPIIntCast(nj, &sub[1]));
  PetscCall(PetscMPIIntCast(ni * dof, &sub[2]));
  start[0] = 0;
  PetscCall(PetscMPIIntCast(j0, &start[1]));
  PetscCall(PetscMPIIntCast(i0 * dof, &start[2]));
  PetscCallMPI(MPI_Type_create_subarray(3, sizes, sub, start, MPI_ORDER_C, MPIU_REAL, type));
  PetscCallMPI(MPI_Type_commit(type));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode halo_create(DM da, Halo **out)
{
  Halo *h;
  PetscInt dim, dof, sw, pz, xs, ys, zs, xm, ym, zm, gxs, gys, gzs, gxm, gym, gzm;
  const PetscMPIInt *nb;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&h));
  {
    MPI_Comm comm;
    PetscCall(PetscObjectGetComm((PetscObject)da, &comm));
    PetscCallMPI(MPI_Comm_dup(comm, &h->comm));
  }
  PetscCall(
      DMDAGetInfo(da, &dim, NULL, NULL, NULL, NULL, NULL, &pz, &dof, &sw, NULL, NULL, NULL, NULL));
  PetscCheck(dim == 3 && pz == 1, h->comm, PETSC_ERR_ARG_WRONG,
             "halo_create: a 3D DMDA undivided in z is expected");
  PetscCall(DMDAGetCorners(da, &xs, &ys, &zs, &xm, &ym, &zm));
  PetscCall(DMDAGetGhostCorners(da, &gxs, &gys, &gzs, &gxm, &gym, &gzm));
  PetscCheck(xm >= sw && ym >= sw, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ,
             "halo_create: a rank owns %" PetscInt_FMT " x %" PetscInt_FMT
             " cells, fewer than the stencil width %" PetscInt_FMT,
             xm, ym, sw);
  PetscCall(DMDAGetNeighbors(da, &nb));
  for (PetscInt dy = -1; dy <= 1; dy++)
    for (PetscInt dx = -1; dx <= 1; dx++) {
      PetscMPIInt r = nb[9 + (dy + 1) * 3 + (dx + 1)]; /* the z = 0 plane of the 27 */
      PetscInt n = h->n;
      /* Owned cells next to the neighbour, and the ghost cells on its side. */
      PetscInt si = dx < 0 ? xs : (dx > 0 ? xs + xm - sw : xs),
               sj = dy < 0 ? ys : (dy > 0 ? ys + ym - sw : ys);
      PetscInt gi = dx < 0 ? xs - sw : (dx > 0 ? xs + xm : xs),
               gj = dy < 0 ? ys - sw : (dy > 0 ? ys + ym : ys);
      PetscInt ni = dx ? sw : xm, nj = dy ? sw : ym;
      if ((!dx && !dy) || r < 0) continue;
      h->rank[n] = r;
      h->send_tag[n] = (PetscMPIInt)((dy + 1) * 3 + (dx + 1));
      h->recv_tag[n] = (PetscMPIInt)((1 - dy) * 3 + (1 - dx));
      PetscCall(slab(gzm, gym, gxm, dof, sj - gys, nj, si - gxs, ni, &h->send[n]));
      PetscCall(slab(gzm, gym, gxm, dof, gj - gys, nj, gi - gxs, ni, &h->recv[n]));
      h->own_j0[n] = sj - gys;
      h->own_i0[n] = si - gxs;
      h->ghost_j0[n] = gj - gys;
      h->ghost_i0[n] = gi - gxs;
      h->nj[n] = nj;
      h->ni[n] = ni;
      h->offset[n + 1] = h->offset[n] + gzm * nj * ni * dof;
      h->n++;
    }
  h->gzm = gzm;
  h->gym = gym;
  h->gxm = gxm;
  h->dof = dof;
  *out = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode halo_exchange(Halo *h, Vec local)
{
  PetscReal *a;

  PetscFunctionBeginUser;
  if (!h->n) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecGetArray(local, &a));
  for (PetscInt n = 0; n < h->n; n++)
    PetscCallMPI(MPI_Irecv(a, 1, h->recv[n], h->rank[n], h->recv_tag[n], h->comm, &h->req[n]));
  for (PetscInt n = 0; n < h->n; n++)
    PetscCallMPI(
        MPI_Isend(a, 1, h->send[n], h->rank[n], h->send_tag[n], h->comm, &h->req[h->n + n]));
  PetscCallMPI(MPI_Waitall((PetscMPIInt)(2 * h->n), h->req, MPI_STATUSES_IGNORE));
  PetscCall(VecRestoreArray(local, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Add the contiguous block v into slab n of the local array a, or with v NULL zero that slab;
   own selects the owned slab or the ghost slab. The block is in the slab's C order (layer, row,
   column and dof), the order of the MPI subarray type. */
static void slab_apply(const Halo *h, PetscInt n, PetscBool own, const PetscReal *v, PetscReal *a)
{
  PetscInt j0 = own ? h->own_j0[n] : h->ghost_j0[n], i0 = own ? h->own_i0[n] : h->ghost_i0[n],
           len = h->ni[n] * h->dof;
  for (PetscInt k = 0; k < h->gzm; k++)
    for (PetscInt j = 0; j < h->nj[n]; j++) {
      PetscReal *row = &a[((k * h->gym + j0 + j) * h->gxm + i0) * h->dof];
      if (v)
        for (PetscInt l = 0; l < len; l++) row[l] += *v++;
      else
        for (PetscInt l = 0; l < len; l++) row[l] = 0;
    }
}

/* The transpose of halo_exchange (see halo.h). Each rank sends each ghost slab to the
   neighbour that owns it, which receives it into a buffer of its own; only when every message
   has arrived are the buffers added into the owned slabs, in the fixed order of the neighbours
   (south-west, south, south-east, west, east, north-west, north, north-east), whatever the
   order the messages arrived in. An owned cell thus ends as
     ((own + c_1) + c_2) + ...   with c_1, c_2, ... its ghost copies in that order,
   a fixed function of the decomposition. The sum is the same bits on any rank count when the
   cell's nonzero terms are at most two (x + 0 = x for x nonzero and a + b = b + a in IEEE
   arithmetic: a one-cell shift or an upwind step) or when every partial sum is exact; three or
   more inexact terms are grouped by the decomposition (on one rank the caller's own loop did
   the sum), and no order chosen here can undo that: a caller that needs the same bits there
   computes each owned value in one place (gather form, after halo_exchange). The ghost slabs
   are zeroed last, after the sends have completed. */
PetscErrorCode halo_add_ghosts(Halo *h, Vec local)
{
  PetscReal *a;

  PetscFunctionBeginUser;
  if (!h->n) PetscFunctionReturn(PETSC_SUCCESS);
  if (!h->buf) PetscCall(PetscMalloc1(h->offset[h->n], &h->buf));
  PetscCall(VecGetArray(local, &a));
  for (PetscInt n = 0; n < h->n; n++) {
    PetscMPIInt count;
    PetscCall(PetscMPIIntCast(h->offset[n + 1] - h->offset[n], &count));
    PetscCallMPI(MPI_Irecv(h->buf + h->offset[n], count, MPIU_REAL, h->rank[n],
                           h->recv_tag[n] + REVERSE_TAG, h->comm, &h->req[n]));
  }
  for (PetscInt n = 0; n < h->n; n++)
    PetscCallMPI(MPI_Isend(a, 1, h->recv[n], h->rank[n], h->send_tag[n] + REVERSE_TAG, h->comm,
                           &h->req[h->n + n]));
  PetscCallMPI(MPI_Waitall((PetscMPIInt)(2 * h->n), h->req, MPI_STATUSES_IGNORE));
  for (PetscInt n = 0; n < h->n; n++) slab_apply(h, n, PETSC_TRUE, h->buf + h->offset[n], a);
  for (PetscInt n = 0; n < h->n; n++) slab_apply(h, n, PETSC_FALSE, NULL, a);
  PetscCall(VecRestoreArray(local, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode halo_destroy(Halo **out)
{
  Halo *h = *out;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt n = 0; n < h->n; n++) {
    PetscCallMPI(MPI_Type_free(&h->send[n]));
    PetscCallMPI(MPI_Type_free(&h->recv[n]));
  }
  PetscCallMPI(MPI_Comm_free(&h->comm));
  PetscCall(PetscFree(h->buf));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(PETSC_SUCCESS);
}
