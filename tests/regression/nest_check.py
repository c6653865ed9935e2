#!/usr/bin/python3
"""Checks and test files for tests/regression/nest.sh (one-way nesting).

  nest_check.py ring BDY.nc CHECKPOINT.bin
      the last record of a parent's boundary file against the parent's checkpoint at the same
      time: q of every ring cell (cell_i, cell_j), level and species equals the checkpoint's
      mixing ratio there bitwise; prints the number of values compared.
  nest_check.py range CHECKPOINT.bin
      prints the smallest and the largest mixing ratio of a checkpoint.
  nest_check.py nan BDY.nc OUT.nc REC CELL LEV SPECIES
      copies a boundary file with q at that place set to NaN.
  nest_check.py attr BDY.nc OUT.nc NAME VALUE
      copies a boundary file with its integer attribute NAME set to VALUE.
Checkpoints (model/checkpoint.c): big-endian doubles, a header [magic, version, t, nstep,
nprocess, nspec, ntag, nx, ny, nz, ...], then PETSc's Vec records (class id 1211214, length),
q first, in natural order ((k ny + j) nx + i) nspec + s.
Exit status 0 when the check holds."""
import shutil
import struct
import sys

import numpy as np
from netCDF4 import Dataset


def checkpoint_q(path):
    b = open(path, "rb").read()
    h = struct.unpack(">10d", b[:80])
    ns, nx, ny, nz = (int(v) for v in (h[5], h[7], h[8], h[9]))
    n = ns * nx * ny * nz
    at = b.find(struct.pack(">ii", 1211214, n), 80)
    if at < 0:
        sys.exit(f"{path}: no q record of {n} values")
    q = np.frombuffer(b, dtype=">f8", count=n, offset=at + 8)
    return h[2], q.reshape(nz, ny, nx, ns)


def ring(bdy, ck):
    t, q = checkpoint_q(ck)
    with Dataset(bdy) as d:
        times = d["time"][:]
        r = int(np.argmin(np.abs(times - t)))
        if abs(times[r] - t) > 1e-3:
            sys.exit(f"{bdy} has no record at the checkpoint's time {t}")
        ci, cj, b = d["cell_i"][:], d["cell_j"][:], d["q"][r]
    want = q[:, cj, ci, :].transpose(1, 0, 2)  # (cell, lev, species)
    if b.shape != want.shape or not np.array_equal(np.asarray(b), want):
        sys.exit(f"ring values differ: largest difference {np.max(np.abs(np.asarray(b) - want)):.3e}")
    print(b.size)


def main():
    cmd = sys.argv[1]
    if cmd == "ring":
        ring(sys.argv[2], sys.argv[3])
    elif cmd == "range":
        q = checkpoint_q(sys.argv[2])[1]
        print(f"{q.min():.17g} {q.max():.17g}")
    elif cmd == "nan":
        shutil.copy(sys.argv[2], sys.argv[3])
        rec, cell, lev, s = (int(v) for v in sys.argv[4:8])
        with Dataset(sys.argv[3], "a") as d:
            d["q"][rec, cell, lev, s] = np.nan
    elif cmd == "attr":
        shutil.copy(sys.argv[2], sys.argv[3])
        with Dataset(sys.argv[3], "a") as d:
            d.setncattr(sys.argv[4], np.int32(int(sys.argv[5])))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
