#!/usr/bin/python3
"""Records rasterio's resampled reads (read(out_shape=..., resampling=...)) into
tests/data/resample/ for the classes where GDAL has special rules: paletted bands, min-is-white,
RGBA with an alpha band, float rasters with huge values and nodata.

Run once with Debian's Python (rasterio 1.3.5 / GDAL 3.6.2):

    /usr/bin/python3 scripts/record_resample_fixtures.py

It writes small GeoTIFFs (one per class) and reads.json: for each read the file, the
out_shape (bands, height, width), the resampling name, an optional window, and rasterio's
answer (dtype and the array's little-endian bytes as hex). tests/read/resample_gdal_test.cpp
compares cogr's Dataset::Read with every read exactly.
"""
import json
import os
import sys

import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.windows import Window

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "data", "resample")
T = Affine(30, 0, 400000, 0, -30, 4000000)


def blocks(rng, h, w, lo, hi, cell=3):
    small = rng.integers(lo, hi, size=((h + cell - 1) // cell, (w + cell - 1) // cell))
    big = np.kron(small, np.ones((cell, cell), dtype=small.dtype))[:h, :w]
    noise = rng.random((h, w)) < 0.2
    big[noise] = rng.integers(lo, hi, size=int(noise.sum()))
    return big


def write(name, data, dtype, **kw):
    path = os.path.join(OUT, name)
    colormap = kw.pop("colormap", None)
    profile = dict(driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                   dtype=dtype, transform=T, crs="EPSG:32631", **kw)
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data.astype(dtype))
        if colormap:
            ds.write_colormap(1, colormap)
    return name


def make_files(rng):
    files = []
    h, w = 23, 29
    # Paletted uint8, 16 entries (some transparent), with and without nodata.
    cmap = {i: (int(rng.integers(256)), int(rng.integers(256)), int(rng.integers(256)),
                0 if i in (3, 9) else 255) for i in range(16)}
    pal = blocks(rng, h, w, 0, 16)[None]
    files.append(write("pal_u8.tif", pal, "uint8", colormap=cmap, photometric="PALETTE"))
    files.append(write("pal_u8_nodata.tif", pal, "uint8", colormap=cmap, photometric="PALETTE",
                       nodata=5))
    # Full 256-entry palette.
    cmap256 = {i: (i, 255 - i, (i * 7) % 256, 255) for i in range(256)}
    files.append(write("pal_u8_256.tif", blocks(rng, h, w, 0, 256)[None], "uint8",
                       colormap=cmap256, photometric="PALETTE"))
    # Min-is-white, uint8 and uint16.
    files.append(write("miniswhite_u8.tif", blocks(rng, h, w, 0, 256)[None], "uint8",
                       photometric="MINISWHITE"))
    files.append(write("miniswhite_u16.tif", blocks(rng, h, w, 0, 65536)[None], "uint16",
                       photometric="MINISWHITE"))
    # RGBA with an alpha band: transparent, opaque and partial alpha.
    rgb = np.stack([blocks(rng, h, w, 0, 256) for _ in range(3)])
    alpha = blocks(rng, h, w, 0, 3) * 127
    alpha[alpha == 254] = 255
    files.append(write("rgba_u8.tif", np.concatenate([rgb, alpha[None]]), "uint8",
                       photometric="RGB", alpha="YES"))
    # RGB + unassociated alpha as ExtraSamples=2 (unspecified) is not alpha for GDAL.
    # Float rasters with huge values and nodata.
    f = rng.uniform(-3e38, 3e38, size=(h, w)).astype("float32")
    f[rng.random((h, w)) < 0.15] = -3.4028234663852886e38
    f[rng.random((h, w)) < 0.05] = 3.4028234663852886e38
    files.append(write("f32_huge_nodata.tif", f[None], "float32",
                       nodata=-3.4028234663852886e38))
    g = rng.uniform(-1e300, 1e300, size=(h, w))
    g[rng.random((h, w)) < 0.15] = -1e308
    files.append(write("f64_huge_nodata.tif", g[None], "float64", nodata=-1e308))
    f2 = rng.uniform(1e37, 3e38, size=(h, w)).astype("float32")
    f2[rng.random((h, w)) < 0.2] = np.nan
    files.append(write("f32_huge_nan.tif", f2[None], "float32", nodata=float("nan")))
    return files


METHODS = ["nearest", "bilinear", "cubic", "average", "mode"]
SHAPES = [(11, 13), (7, 9), (17, 21), (31, 37), (5, 29)]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    rng = np.random.default_rng(20261203)
    files = make_files(rng)
    reads = []
    for name in files:
        with rasterio.open(os.path.join(OUT, name)) as ds:
            for method in METHODS:
                for oh, ow in SHAPES:
                    if ds.dtypes[0].startswith("float") and oh * ow > 400:
                        continue  # keep the float fixtures small
                    for window in (None, (3, 2, 19, 17)):
                        if window and oh * ow > 300:
                            continue
                        win = Window(*window) if window else None
                        data = ds.read(out_shape=(ds.count, oh, ow), window=win,
                                       resampling=Resampling[method])
                        a = np.ascontiguousarray(data)
                        a = a.astype(a.dtype.newbyteorder("<"))
                        reads.append({"file": name, "resampling": method,
                                      "out_shape": list(a.shape), "window": window,
                                      "dtype": a.dtype.str, "hex": a.tobytes().hex()})
    # Split into files below 64 KiB.
    chunks, cur, size = [], [], 0
    for r in reads:
        n = len(r["hex"]) + 200
        if cur and size + n > 60000:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(r)
        size += n
    chunks.append(cur)
    for i, chunk in enumerate(chunks):
        with open(os.path.join(OUT, "reads_%02d.json" % i), "w") as f:
            json.dump({"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__,
                       "reads": chunk}, f, separators=(",", ":"))
            f.write("\n")
    print("%d reads of %d files in %d json files" % (len(reads), len(files), len(chunks)))


if __name__ == "__main__":
    sys.exit(main())
