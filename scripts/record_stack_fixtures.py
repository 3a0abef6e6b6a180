#!/usr/bin/env python3
"""Records the scenes and rasterio's answers checked by tests/stack/stack_test.cpp and
python/tests/test_stack.py into tests/data/stack/.

Scenes (2-band uint16, 32x32 deflate tiles, written here with rasterio):
  s0.tif, s1.tif, s2.tif  64x64, EPSG:32633, Affine(10, 0, 500000, 0, -10, 4100000);
                          nodata 65535 (s0, s1) and none (s2)
  s3.tif                  40x40 at 20 m, EPSG:32633, Affine(20, 0, 500100, 0, -20, 4100300),
                          nodata 65535 (another grid)
  s4_32634.tif            as s0 but EPSG:32634 (the CRS-mismatch error)

Each case of cases.json names its scenes, the stack's options and an .npy file holding what
rasterio gives scene by scene, stacked to (T, C, H, W):
  - pixel windows: src.read(indexes, window=W, boundless=True, fill_value=fill) with
    fill = the scene's nodata, else 0 (cogr's default);
  - bounds: the target grid is the box at the resolution; a scene on that grid reads
    windows.from_bounds(box, src.transform) boundless; a scene on another grid reads the part of
    the grid its image covers, src.read(indexes, window=<that part in scene pixels>,
    out_shape=<that part in target pixels>, resampling=R), the rest being fill (cogr reads the same
    way: GDAL cannot resample a boundless window);
  - out_shape: src.read(indexes, window=W, out_shape=(C, H, W), resampling=R).
Samples: list(src.sample(points, indexes)) per scene, points also given in EPSG:4326 (converted
with rasterio.warp.transform to the scenes' CRS for the answer).

Run: python3 scripts/record_stack_fixtures.py   (GDAL only here; the tests read the files.)
"""
import json
import math
import os

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.transform import Affine
from rasterio.warp import transform as warp_transform
from rasterio.windows import Window, from_bounds

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "stack")


def write_scene(name, width, height, transform, crs, nodata, seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 60000, size=(2, height, width), dtype=np.uint16)
    profile = dict(driver="GTiff", width=width, height=height, count=2, dtype="uint16", crs=CRS.from_epsg(crs),
                   transform=transform, tiled=True, blockxsize=32, blockysize=32, compress="deflate")
    if nodata is not None:
        profile["nodata"] = nodata
        data[:, 0, 0] = nodata  # one nodata pixel per band
    with rasterio.open(os.path.join(OUT, name), "w", **profile) as dst:
        dst.write(data)


def fill_of(src):
    return src.nodata if src.nodata is not None else 0


def read_window_case(paths, bands, window):
    chips = []
    for p in paths:
        with rasterio.open(os.path.join(OUT, p)) as src:
            chips.append(src.read(bands, window=window, boundless=True, fill_value=fill_of(src)))
    return np.stack(chips)


def read_bounds_case(paths, bands, box, res, resampling):
    left, bottom, right, top = box
    width = math.ceil((right - left) / res[0] - 1e-6)
    height = math.ceil((top - bottom) / res[1] - 1e-6)
    chips = []
    for p in paths:
        with rasterio.open(os.path.join(OUT, p)) as src:
            win = from_bounds(left, bottom, left + width * res[0], top, src.transform)
            win = Window(*(round(v, 6) for v in (win.col_off, win.row_off, win.width, win.height)))
            sx, sy = win.width / width, win.height / height
            if sx == 1 and sy == 1:
                chips.append(src.read(bands, window=win, boundless=True, fill_value=fill_of(src)))
                continue
            out = np.full((len(bands), height, width), fill_of(src), dtype=src.dtypes[0])
            c0 = max(0, math.ceil((0 - win.col_off) / sx - 1e-6))
            r0 = max(0, math.ceil((0 - win.row_off) / sy - 1e-6))
            c1 = min(width, math.floor((src.width - win.col_off) / sx + 1e-6))
            r1 = min(height, math.floor((src.height - win.row_off) / sy + 1e-6))
            if c1 > c0 and r1 > r0:
                inner = Window(win.col_off + c0 * sx, win.row_off + r0 * sy, (c1 - c0) * sx, (r1 - r0) * sy)
                out[:, r0:r1, c0:c1] = src.read(bands, window=inner, out_shape=(len(bands), r1 - r0, c1 - c0),
                                                resampling=Resampling[resampling])
            chips.append(out)
    return np.stack(chips), [left, top, res[0], res[1]]


def main():
    os.makedirs(OUT, exist_ok=True)
    t10 = Affine(10, 0, 500000, 0, -10, 4100000)
    write_scene("s0.tif", 64, 64, t10, 32633, 65535, 1)
    write_scene("s1.tif", 64, 64, t10, 32633, 65535, 2)
    write_scene("s2.tif", 64, 64, t10, 32633, None, 3)
    write_scene("s3.tif", 40, 40, Affine(20, 0, 500100, 0, -20, 4100300), 32633, 65535, 4)
    write_scene("s4_32634.tif", 64, 64, t10, 32634, 65535, 5)

    cases = []

    def save(name, array, **kw):
        np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(array))
        cases.append(dict(name=name, npy=name + ".npy", **kw))

    same = ["s0.tif", "s1.tif", "s2.tif"]
    # Inside the images, all bands.
    save("window_inside", read_window_case(same, [1, 2], Window(8, 16, 24, 20)), scenes=same, bands=[],
         window=[8, 16, 24, 20])
    # Reaching past the top-left and the right edge, bands reordered.
    save("window_boundless", read_window_case(same, [2, 1], Window(-8, 50, 80, 20)), scenes=same, bands=[2, 1],
         window=[-8, 50, 80, 20])
    # Entirely outside.
    save("window_outside", read_window_case(same, [1], Window(100, 100, 5, 4)), scenes=same, bands=[1],
         window=[100, 100, 5, 4])

    # Bounds on two grids: s3 (20 m) resampled to the 10 m target.
    mixed = ["s0.tif", "s3.tif", "s2.tif"]
    arr, grid = read_bounds_case(mixed, [1, 2], (500200, 4099500, 500500, 4099900), (10, 10), "nearest")
    save("bounds_mixed_inside", arr, scenes=mixed, bands=[], bounds=[500200, 4099500, 500500, 4099900],
         res=[10, 10], resampling="nearest", grid=grid)
    arr, grid = read_bounds_case(mixed, [2], (500000, 4099400, 500300, 4099700), (10, 10), "nearest")
    save("bounds_mixed_edge", arr, scenes=mixed, bands=[2], bounds=[500000, 4099400, 500300, 4099700],
         res=[10, 10], resampling="nearest", grid=grid)
    # Bounds on the scenes' own grid, reaching outside them (boundless).
    arr, grid = read_bounds_case(same, [1, 2], (499900, 4099300, 500200, 4099500), (10, 10), "nearest")
    save("bounds_same_edge", arr, scenes=same, bands=[], bounds=[499900, 4099300, 500200, 4099500], res=[10, 10],
         resampling="nearest", grid=grid)

    # out_shape of a pixel window.
    chips = []
    for p in same:
        with rasterio.open(os.path.join(OUT, p)) as src:
            chips.append(src.read([1, 2], window=Window(0, 0, 64, 64), out_shape=(2, 16, 16),
                                  resampling=Resampling.average))
    save("out_shape_average", np.stack(chips), scenes=same, bands=[], window=[0, 0, 64, 64], out_shape=[16, 16],
         resampling="average")

    # Samples: pixel centres inside, one point outside every scene, one outside s3 only.
    pts = [(500005.0, 4099995.0), (500123.0, 4099777.0), (500555.0, 4099405.0), (500635.0, 4099365.0),
           (499000.0, 4099000.0), (500105.0, 4099705.0)]
    samples = ["s0.tif", "s3.tif", "s2.tif"]
    values = []
    for p in samples:
        with rasterio.open(os.path.join(OUT, p)) as src:
            values.append(np.array(list(src.sample(pts, indexes=[2, 1]))))
    lon, lat = warp_transform(CRS.from_epsg(32633), CRS.from_epsg(4326), [p[0] for p in pts], [p[1] for p in pts])
    np.save(os.path.join(OUT, "sample.npy"), np.stack(values).astype(np.uint16))
    sample = dict(scenes=samples, bands=[2, 1], points=[list(p) for p in pts],
                  points_4326=[[a, b] for a, b in zip(lon, lat)], npy="sample.npy")

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(dict(rasterio=rasterio.__version__, gdal=rasterio.__gdal_version__, cases=cases, sample=sample), f,
                  indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
