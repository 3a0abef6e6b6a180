#!/usr/bin/env python3
"""Python read of a whole COG into numpy next to the C++ Dataset::ReadInto into a kept array,
same process, same file, same thread count.

The file (default 10240 x 10240 uint16, deflate level 6, predictor 2, 512 x 512 tiles: the
u16_deflate_p2 file of bench/read) is written once with cogr.write into --dir and reused.
Rows (median and best of --iterations reads, after one warm-up read each):
  cpp ReadInto kept    Dataset::ReadInto into one kept cogr::Array, called from C++ (no Python)
  py read()            ds.read(1): a fresh numpy array per read (the C++ result's own memory)
  py read(out=kept)    ds.read(1, out=kept): into one kept numpy array
The block cache is off (block_cache_bytes=0) so every read fetches and decodes.

    /usr/bin/python3 bench/python/python_read_bench.py [--size 10240] [--iterations 5]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

import cogr
from cogr import _cogr

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_file(path, size):
    """Smooth field plus hashed noise, as bench/read's files (values differ, sizes are alike)."""
    y = np.arange(size, dtype=np.float64)[:, None]
    x = np.arange(size, dtype=np.float64)[None, :]
    field = 20000 + 8000 * np.sin(x * 2 * np.pi / 2900 + 0.7) * np.cos(y * 2 * np.pi / 3100)
    field += 3000 * np.sin(x * 2 * np.pi / 611) * np.sin(y * 2 * np.pi / 707)
    rng = np.random.default_rng(42)
    data = (field + rng.integers(0, 64, size=(size, size))).astype(np.uint16)[np.newaxis]
    tmp = path + ".part.tif"
    cogr.write(tmp, data, dict(dtype="uint16", tiled=True, blockxsize=512, blockysize=512, compress="deflate",
                               predictor=2, zlevel=6))
    os.replace(tmp, path)


def timed(fn, iterations):
    fn()  # warm-up: page cache, first allocation
    out = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10240)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--dir", default=os.path.join(REPO, "build", "bench_data"))
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, f"py_u16_deflate_p2_{args.size}.tif")
    if not os.path.exists(path):
        t0 = time.perf_counter()
        make_file(path, args.size)
        print(f"wrote {path} ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    ds = cogr.open(path, block_cache_bytes=0)
    mpix = ds.width * ds.height / 1e6
    kept = np.empty((ds.height, ds.width), np.uint16)
    rows = [
        ("cpp ReadInto kept", _cogr._bench_read_into(ds._native(), [1], args.iterations + 1)[1:]),
        ("py read()", timed(lambda: ds.read(1), args.iterations)),
        ("py read(out=kept)", timed(lambda: ds.read(1, out=kept), args.iterations)),
    ]
    base = statistics.median(rows[0][1])
    print(f"{os.path.basename(path)}: {ds.width} x {ds.height} uint16, {cogr.thread_count()} threads, "
          f"{args.iterations} reads each, python {sys.version.split()[0]}")
    print(f"{'row':22s} {'median ms':>10s} {'best ms':>9s} {'Mpix/s':>8s} {'vs C++':>7s}")
    for name, secs in rows:
        med = statistics.median(secs)
        print(f"{name:22s} {med * 1e3:10.1f} {min(secs) * 1e3:9.1f} {mpix / med:8.0f} {base / med:7.2f}")


if __name__ == "__main__":
    main()
