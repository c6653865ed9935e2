#!/usr/bin/python3
"""The mixing ratios q of a Bogda checkpoint (model/checkpoint.c), for test scripts.

  checkpoint.py range CHECKPOINT.bin
      prints the smallest and the largest mixing ratio.
  checkpoint.py nan CHECKPOINT.bin OUT.bin
      copies the checkpoint with the middle value of q set to NaN.
Layout: big-endian doubles, a header [magic, version, t, nstep, nprocess, nspec, ntag, nx, ny,
nz, ...], then PETSc's Vec records (class id 1211214 and length as 32-bit integers, then the
values), q first, in natural order ((k ny + j) nx + i) nspec + s."""
import struct
import sys

import numpy as np

VEC_CLASSID = 1211214


def q_record(data, path):
    """The header, the byte offset of q's first value and the shape (nz, ny, nx, nspec)."""
    h = struct.unpack(">10d", data[:80])
    shape = tuple(int(v) for v in (h[9], h[8], h[7], h[5]))
    n = int(np.prod(shape))
    at = data.find(struct.pack(">ii", VEC_CLASSID, n), 80)
    if at < 0:
        sys.exit(f"{path}: no q record of {n} values")
    return h, at + 8, shape


def read_q(path):
    """The time of the checkpoint and q as an array (nz, ny, nx, nspec)."""
    data = open(path, "rb").read()
    h, at, shape = q_record(data, path)
    return h[2], np.frombuffer(data, dtype=">f8", count=int(np.prod(shape)), offset=at).reshape(shape)


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "range":
        q = read_q(path)[1]
        print(f"{q.min():.17g} {q.max():.17g}")
    elif cmd == "nan":
        data = bytearray(open(path, "rb").read())
        _, at, shape = q_record(data, path)
        struct.pack_into(">d", data, at + 8 * (int(np.prod(shape)) // 2), float("nan"))
        open(sys.argv[3], "wb").write(data)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
