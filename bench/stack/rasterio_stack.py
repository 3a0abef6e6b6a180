#!/usr/bin/python3
"""The rasterio side of the stack benchmark (docs/performance.md, "Stacks"): reads the same
window from each scene with a ThreadPoolExecutor of N threads and stacks the chips into one
(T, C, H, W) array, timed from the first open to the stacked array, in this (fresh) process.

  bench/stack/rasterio_stack.py --window 384,384,256,256 --threads 8 URL...

Prints one JSON line: {"scenes": N, "threads": N, "ms": X, "shape": [...]}. GDAL options as the
perf harness (../shared/perf/ops.py) sets them. Benchmark only: the tests never run rasterio.
"""
import argparse
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

for k in list(os.environ):
    if k.startswith(("GDAL_", "CPL_", "VSI_")):
        del os.environ[k]
os.environ["GDAL_DISABLE_READDIR_ON_OPEN"] = "EMPTY_DIR"
os.environ["GDAL_HTTP_MERGE_CONSECUTIVE_RANGES"] = "YES"

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
from rasterio.windows import Window  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--window", required=True)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("uris", nargs="+")
    a = ap.parse_args()
    win = Window(*[int(v) for v in a.window.split(",")])
    uris = [("/vsicurl/" + u) if u.startswith("http") else u for u in a.uris]

    def one(u):
        with rasterio.open(u) as src:
            return src.read(window=win)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(a.threads) as pool:
        chips = list(pool.map(one, uris))
    out = np.stack(chips)
    ms = (time.perf_counter() - t0) * 1000
    print(json.dumps({"scenes": len(uris), "threads": a.threads, "ms": round(ms, 1), "shape": list(out.shape)}))


if __name__ == "__main__":
    main()
