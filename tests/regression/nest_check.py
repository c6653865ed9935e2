#!/usr/bin/python3
"""Checks and test files for tests/regression/nest.sh (one-way nesting).

  nest_check.py ring BDY.nc CHECKPOINT.bin
      the last record of a parent's boundary file against the parent's checkpoint at the same
      time: q of every ring cell (cell_i, cell_j), level and species equals the checkpoint's
      mixing ratio there bitwise; prints the number of values compared.
  nest_check.py nan BDY.nc OUT.nc REC CELL LEV SPECIES
      copies a boundary file with q at that place set to NaN.
  nest_check.py attr BDY.nc OUT.nc NAME VALUE
      copies a boundary file with its integer attribute NAME set to VALUE.
  nest_check.py set BDY.nc OUT.nc VAR VALUE INDEX...
      copies a boundary file with variable VAR at INDEX set to VALUE (a float: nan, 1e30).
  nest_check.py unwritten BDY.nc OUT.nc
      copies a boundary file but for q, which is defined and never written (netCDF's fill value)
      except at one place of its last record.
  nest_check.py cut BDY.nc OUT.nc DIM
      copies a boundary file without the last element of dimension DIM (cell: a cut ring, lev).
  nest_check.py start INIT.nc CHILD_CHECKPOINT.bin I0 J0 RATIO
      a child's state against the start state it read (0-based footprint start I0, J0): every
      child cell holds its parent cell's mixing ratios bitwise; prints the number of values.
The ring check works as well on a child's start state (<parent>_init_<time>.nc), whose cells are
the footprint and the ring.
Checkpoints are read with tests/tools/checkpoint.py.
Exit status 0 when the check holds."""
import os
import shutil
import sys

import numpy as np
from netCDF4 import Dataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from checkpoint import read_q  # noqa: E402


def ring(bdy, ck):
    t, q = read_q(ck)
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


def start(init, ck, i0, j0, ratio):
    """A child's state (its checkpoint, after processes that change nothing) against the start
    state it read: every child cell (i, j, k) holds the parent cell (i0 + i // ratio,
    j0 + j // ratio, k) bitwise."""
    _, q = read_q(ck)  # (lev, y, x, species)
    with Dataset(init) as d:
        ci, cj, b = d["cell_i"][:], d["cell_j"][:], np.asarray(d["q"][0])
    at = {(int(i), int(j)): c for c, (i, j) in enumerate(zip(ci, cj))}
    nz, ny, nx, ns = q.shape
    want = np.empty_like(q)
    for j in range(ny):
        for i in range(nx):
            want[:, j, i, :] = b[at[(i0 + i // ratio, j0 + j // ratio)]]
    if not np.array_equal(q, want):
        sys.exit(f"the child's state differs from the parent's: largest difference {np.max(np.abs(q - want)):.3e}")
    print(q.size)


def unwritten(src, dst):
    with Dataset(src) as a, Dataset(dst, "w") as b:
        for name, dim in a.dimensions.items():
            b.createDimension(name, None if dim.isunlimited() else len(dim))
        b.setncatts({k: a.getncattr(k) for k in a.ncattrs()})
        for name, v in a.variables.items():
            w = b.createVariable(name, v.datatype, v.dimensions)
            w.setncatts({k: v.getncattr(k) for k in v.ncattrs()})
            v.set_auto_mask(False)
            w.set_auto_mask(False)
            v.set_auto_chartostring(False)  # labels copied as bytes (they declare _Encoding)
            w.set_auto_chartostring(False)
            if name != "q":
                w[:] = v[:]
            else:
                w[len(a.dimensions["time"]) - 1, 0, 0, 0] = 0.0


def cut(src, dst, cut_dim):
    """Copy src to dst with the last element of dimension cut_dim left out (a cut ring, a level
    missing)."""
    with Dataset(src) as a, Dataset(dst, "w") as b:
        for name, dim in a.dimensions.items():
            n = len(dim) - (name == cut_dim)
            b.createDimension(name, None if dim.isunlimited() else n)
        b.setncatts({k: a.getncattr(k) for k in a.ncattrs()})
        for name, v in a.variables.items():
            w = b.createVariable(name, v.datatype, v.dimensions)
            w.setncatts({k: v.getncattr(k) for k in v.ncattrs()})
            v.set_auto_mask(False)
            w.set_auto_mask(False)
            v.set_auto_chartostring(False)  # labels copied as bytes (they declare _Encoding)
            w.set_auto_chartostring(False)
            index = tuple(slice(0, -1) if d == cut_dim else slice(None) for d in v.dimensions)
            w[:] = v[index] if v.dimensions else v.getValue()


def main():
    cmd = sys.argv[1]
    if cmd == "ring":
        ring(sys.argv[2], sys.argv[3])
    elif cmd == "nan":
        shutil.copy(sys.argv[2], sys.argv[3])
        rec, cell, lev, s = (int(v) for v in sys.argv[4:8])
        with Dataset(sys.argv[3], "a") as d:
            d["q"][rec, cell, lev, s] = np.nan
    elif cmd == "attr":
        shutil.copy(sys.argv[2], sys.argv[3])
        with Dataset(sys.argv[3], "a") as d:
            d.setncattr(sys.argv[4], np.int32(int(sys.argv[5])))
    elif cmd == "set":
        shutil.copy(sys.argv[2], sys.argv[3])
        with Dataset(sys.argv[3], "a") as d:
            d.set_auto_mask(False)
            d[sys.argv[4]][tuple(int(v) for v in sys.argv[6:])] = float(sys.argv[5])
    elif cmd == "start":
        start(sys.argv[2], sys.argv[3], *(int(v) for v in sys.argv[4:7]))
    elif cmd == "cut":
        cut(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "unwritten":
        unwritten(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
