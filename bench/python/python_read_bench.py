#!/usr/bin/env python3
"""Python read of a whole COG into numpy next to the C++ Dataset::ReadInto into a kept array,
same process, same file, same thread count.

The file (default 10240 x 10240 uint16, deflate level 6, predictor 2, 512 x 512 tiles: the
u16_deflate_p2 file of bench/read) is written once with cogr.write into --dir and reused.
Rows (median and best of --iterations reads, after one warm-up read each; the rows take turns;
wall time and process CPU time, since on a shared machine the wall time follows the load):
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
    data = np.empty((1, size, size), np.uint16)
    x = np.arange(size, dtype=np.float64)[None, :]
    rng = np.random.default_rng(42)
    for r0 in range(0, size, 512):  # in row bands, to keep the temporaries small
        y = np.arange(r0, min(size, r0 + 512), dtype=np.float64)[:, None]
        field = 20000 + 8000 * np.sin(x * 2 * np.pi / 2900 + 0.7) * np.cos(y * 2 * np.pi / 3100)
        field += 3000 * np.sin(x * 2 * np.pi / 611) * np.sin(y * 2 * np.pi / 707)
        data[0, r0:r0 + y.shape[0]] = field + rng.integers(0, 64, size=field.shape)
    tmp = path + ".part.tif"
    cogr.write(tmp, data, dict(dtype="uint16", tiled=True, blockxsize=512, blockysize=512, compress="deflate",
                               predictor=2, zlevel=6))
    os.replace(tmp, path)


def measure(rows, iterations):
    """Wall and process-CPU seconds of each row's call; the rows take turns (one warm-up call
    each first), so a change in the machine's load falls on all of them alike."""
    for _, fn in rows:
        fn()
    wall = {name: [] for name, _ in rows}
    cpu = {name: [] for name, _ in rows}
    for _ in range(iterations):
        for name, fn in rows:
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    return wall, cpu


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
    cpp = _cogr._KeptReader(ds._native(), [1])
    rows = [
        ("cpp ReadInto kept", cpp.read),
        ("py read()", lambda: ds.read(1)),
        ("py read(out=kept)", lambda: ds.read(1, out=kept)),
    ]
    wall, cpu = measure(rows, args.iterations)
    base_wall = statistics.median(wall[rows[0][0]])
    base_cpu = statistics.median(cpu[rows[0][0]])
    print(f"{os.path.basename(path)}: {ds.width} x {ds.height} uint16, {cogr.thread_count()} threads, "
          f"{args.iterations} reads each (rows interleaved), python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'row':20s} {'median ms':>10s} {'best ms':>8s} {'Mpix/s':>7s} {'C++/row':>8s} {'cpu ms':>8s} {'C++/row cpu':>12s}")
    for name, _ in rows:
        med, c = statistics.median(wall[name]), statistics.median(cpu[name])
        print(f"{name:20s} {med * 1e3:10.1f} {min(wall[name]) * 1e3:8.1f} {mpix / med:7.0f} {base_wall / med:8.2f} "
              f"{c * 1e3:8.1f} {base_cpu / c:12.2f}")


if __name__ == "__main__":
    main()
