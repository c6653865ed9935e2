#!/usr/bin/python3
"""The records of a Bogda checkpoint (model/checkpoint.c), for test scripts.

  checkpoint.py range CHECKPOINT.bin
      prints the smallest and the largest mixing ratio.
  checkpoint.py nan CHECKPOINT.bin OUT.bin
      copies the checkpoint with the middle value of q set to NaN and q's checksum made anew, so
      that the NaN gets past the reader (the test is of what the run does with it).
  checkpoint.py flip CHECKPOINT.bin OUT.bin RECORD
      copies the checkpoint with the lowest bit of the middle value of RECORD (header, q,
      dep_dry, dep_wet, tag or checksums) flipped and the checksums left as they were: a damaged
      file.
  checkpoint.py verify CHECKPOINT.bin
      recomputes every record's checksum, prints one line a record, and exits 1 if any differs
      from the one the file records.
Layout (format version 2): big-endian doubles, a header [magic, version, t, nstep, nprocess,
nspec, ntag, nx, ny, nz, counters, budget totals], then PETSc's Vec records (class id 1211214
and length as 32-bit integers, then the values) q, dep_dry, dep_wet and, with tags, tag, in
natural order ((k ny + j) nx + i) dof + d, then one 64-bit checksum for the header and each
vector. A checksum is the sum mod 2^64, over the record's values at positions p, of
splitmix64's finaliser of (the value's bits XOR p * 0x9e3779b97f4a7c15) (base/checksum.h)."""
import struct
import sys

import numpy as np

VEC_CLASSID = 1211214
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix(x):
    """The splitmix64 finaliser, on an array of uint64 (numpy's uint64 arithmetic wraps)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def checksum(data, at, n):
    """The checksum of the n doubles of data at byte offset at (positions 0 .. n-1)."""
    bits = np.frombuffer(data, dtype=">u8", count=n, offset=at).astype(np.uint64)
    p = np.arange(n, dtype=np.uint64)
    return int(mix(bits ^ (p * GOLDEN)).sum(dtype=np.uint64))


def records(data, path):
    """The header and a list of (name, byte offset of the first value, count) for the header,
    each vector and the checksums record, in file order."""
    h = struct.unpack(">10d", data[:80])
    if h[1] != 2:
        sys.exit(f"{path}: format version {h[1]:g}, not 2")
    nq = int(h[9] * h[8] * h[7] * h[5])
    at = data.find(struct.pack(">ii", VEC_CLASSID, nq), 80)
    if at < 0 or at % 8:
        sys.exit(f"{path}: no q record of {nq} values")
    out = [("header", 0, at // 8)]
    for name in ["q", "dep_dry", "dep_wet"] + (["tag"] if h[6] > 0 else []):
        classid, n = struct.unpack_from(">ii", data, at)
        if classid != VEC_CLASSID:
            sys.exit(f"{path}: no {name} record at byte {at}")
        out.append((name, at + 8, n))
        at += 8 + 8 * n
    if at + 8 * len(out) != len(data):
        sys.exit(f"{path}: {len(data) - at} bytes after the vectors, not {8 * len(out)} checksums")
    out.append(("checksums", at, len(out)))
    return h, out


def set_checksum(data, recs, name):
    """Write anew the checksum of record name into data."""
    where = recs[-1][1]
    for k, (n, at, count) in enumerate(recs[:-1]):
        if n == name:
            struct.pack_into(">Q", data, where + 8 * k, checksum(data, at, count))


def read_q(path):
    """The time of the checkpoint and q as an array (nz, ny, nx, nspec)."""
    data = open(path, "rb").read()
    h, recs = records(data, path)
    shape = tuple(int(v) for v in (h[9], h[8], h[7], h[5]))
    return h[2], np.frombuffer(data, dtype=">f8", count=recs[1][2], offset=recs[1][1]).reshape(shape)


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "range":
        q = read_q(path)[1]
        print(f"{q.min():.17g} {q.max():.17g}")
    elif cmd in ("nan", "flip"):
        data = bytearray(open(path, "rb").read())
        _, recs = records(data, path)
        name = "q" if cmd == "nan" else sys.argv[4]
        match = [r for r in recs if r[0] == name]
        if not match:
            sys.exit(f"{path} has no record {name}")
        _, at, n = match[0]
        k = at + 8 * (n // 2)
        if cmd == "nan":
            struct.pack_into(">d", data, k, float("nan"))
            set_checksum(data, recs, "q")
        else:
            data[k + 7] ^= 1  # the lowest bit of a big-endian 8-byte value
        open(sys.argv[3], "wb").write(data)
    elif cmd == "verify":
        data = open(path, "rb").read()
        _, recs = records(data, path)
        stored = struct.unpack_from(f">{len(recs) - 1}Q", data, recs[-1][1])
        bad = 0
        for (name, at, n), want in zip(recs[:-1], stored):
            got = checksum(data, at, n)
            bad += got != want
            print(f"{name}: {n} values, checksum 0x{got:016x}, {'equal to' if got == want else 'DIFFERENT from'}"
                  f" the recorded 0x{want:016x}")
        sys.exit(1 if bad else 0)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
