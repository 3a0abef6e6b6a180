#!/usr/bin/python3
"""Records rasterio's answers for the Python package's tests (developer tool, not run by CI).

Run with Debian's Python (python3-rasterio, GDAL 3.6):  /usr/bin/python3 scripts/record_python_answers.py

For a few fixtures of tests/data/fixtures/ (nodata, NaN nodata, internal mask, alpha, rotated,
sparse) and tests/data/sample.tif it writes what rasterio 1.3 says for xy, index, window,
read_masks, masked reads, boundless reads (with and without fill_value), rasterio.mask.mask
(crop, all_touched, invert, filled=False) and the pixel-centre coordinates an xarray backend
gives, into tests/data/python/rasterio_answers.json (scalars) and tests/data/python/NAME.npz
(arrays, compressed). python/tests/ compares cogr's answers with these; tests never import
rasterio. Idempotent: rewrites both.
"""
import json
import math
import os
import warnings

import numpy as np
import rasterio
import rasterio.mask
from rasterio.windows import Window

warnings.simplefilter("ignore")
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = os.path.join(repo, "tests", "data")
out_dir = os.path.join(data, "python")
os.makedirs(out_dir, exist_ok=True)

FILES = [
    "sample.tif",
    "fixtures/rasterio__rgb-byte-tenth.tif",         # nodata 0, 3 bands, strips
    "fixtures/cog_u8_rgb_jpeg_mask_bs256.tif",       # internal mask, overviews, JPEG
    "fixtures/nd_f32_nan_t128.tif",                  # NaN nodata
    "fixtures/rasterio__rotated.tif",                # rotated transform
    "fixtures/rgba_u8_pixel_alpha_deflate_t128.tif", # alpha band
    "fixtures/sparse_u8_nodata255_t128.tif",         # sparse blocks, nodata 255
    "fixtures/cogeotiff__DEM_BS28_2016_1000_1141.tif",  # float nodata -9999, 28-row blocks
]
MASK_FILES = {"fixtures/rasterio__rgb-byte-tenth.tif", "fixtures/sparse_u8_nodata255_t128.tif", "sample.tif"}


def num(v):
    if v is None:
        return None
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def shapes_for(src):
    """A diamond and a small square, given in pixel coordinates, mapped to the CRS."""
    w, h = src.width, src.height
    t = src.transform

    def ring(pts):
        ring = [tuple(t * (c, r)) for c, r in pts]
        return ring + [ring[0]]

    diamond = {"type": "Polygon", "coordinates": [ring([(w * 0.5, h * 0.1), (w * 0.85, h * 0.5), (w * 0.5, h * 0.9),
                                                        (w * 0.15, h * 0.5)])]}
    square = {"type": "Polygon", "coordinates": [ring([(w * 0.05, h * 0.05), (w * 0.05 + 3.3, h * 0.05),
                                                       (w * 0.05 + 3.3, h * 0.05 + 2.7), (w * 0.05, h * 0.05 + 2.7)])]}
    return [diamond, square]


answers = {}
for rel in FILES:
    path = os.path.join(data, rel)
    stem = os.path.splitext(os.path.basename(rel))[0]
    arrays = {}
    a = {"file": rel, "npz": stem + ".npz"}
    with rasterio.open(path) as src:
        w, h, t = src.width, src.height, src.transform
        a["width"], a["height"], a["count"] = w, h, src.count
        a["dtypes"] = list(src.dtypes)
        a["nodata"] = num(src.nodata)
        a["transform"] = list(t)[:6]
        a["bounds"] = list(src.bounds)
        a["res"] = list(src.res)
        a["block_shapes"] = [list(b) for b in src.block_shapes]
        a["is_tiled"] = bool(src.is_tiled)
        a["crs_wkt"] = src.crs.to_wkt() if src.crs else None
        a["crs_epsg"] = src.crs.to_epsg() if src.crs else None
        a["overviews"] = src.overviews(1)
        a["xy"] = []
        for row, col in ((0, 0), (3, 5), (h - 1, w - 1), (2.5, 7.25), (-1, w + 2)):
            for offset in ("center", "ul", "ur", "ll", "lr"):
                x, y = src.xy(row, col, offset=offset)
                a["xy"].append([row, col, offset, x, y])
        a["index"] = []
        for row, col in ((0, 0), (3, 5), (h - 1, w - 1), (1.5, 2.5), (-3, w + 4)):
            x, y = t * (col + 0.3, row + 0.7)
            for opname, op in (("floor", math.floor), ("ceil", math.ceil)):
                r, c = src.index(x, y, op=op)
                a["index"].append([x, y, opname, int(r), int(c)])
        if t.b == 0 and t.d == 0:
            left, top = t * (w * 0.2, h * 0.3)
            right, bottom = t * (w * 0.7 + 0.4, h * 0.8 + 0.6)
            win = src.window(min(left, right), min(bottom, top), max(left, right), max(bottom, top))
            a["window"] = [[min(left, right), min(bottom, top), max(left, right), max(bottom, top)],
                           [win.col_off, win.row_off, win.width, win.height]]
        arrays["read_masks"] = src.read_masks()
        mwin = Window(w // 4, h // 5, max(1, w // 2), max(1, h // 3))
        a["masks_window"] = [mwin.col_off, mwin.row_off, mwin.width, mwin.height]
        arrays["read_masks_window"] = src.read_masks(window=mwin)
        arrays["dataset_mask"] = src.dataset_mask()
        m = src.read(1, masked=True)
        arrays["masked_b1_mask"] = np.ma.getmaskarray(m).astype(np.uint8)
        a["masked_fill_value"] = num(m.fill_value) if src.nodata is not None else None
        bwin = Window(-5, -3, max(2, min(w // 2, 40)), max(2, min(h // 2, 30)))
        a["boundless_window"] = [bwin.col_off, bwin.row_off, bwin.width, bwin.height]
        arrays["boundless"] = src.read(window=bwin, boundless=True)
        if not np.dtype(src.dtypes[0]).kind == "c":
            arrays["boundless_fill7"] = src.read(window=bwin, boundless=True, fill_value=7)
            mb = src.read(window=bwin, boundless=True, masked=True)
            arrays["boundless_masked_mask"] = np.ma.getmaskarray(mb).astype(np.uint8)
        a["x_coords"] = [src.xy(0, c)[0] for c in range(w)] if t.b == 0 and t.d == 0 else None
        a["y_coords"] = [src.xy(r, 0)[1] for r in range(h)] if t.b == 0 and t.d == 0 else None
        if rel in MASK_FILES:
            shapes = shapes_for(src)
            a["mask_shapes"] = shapes
            cases = {"default": {}, "crop": {"crop": True}, "crop_pad": {"crop": True, "pad": True},
                     "all_touched": {"all_touched": True}, "invert": {"invert": True},
                     "nodata9": {"nodata": 9}, "unfilled": {"filled": False, "crop": True}}
            a["mask_cases"] = {}
            for name, kw in cases.items():
                img, tr = rasterio.mask.mask(src, shapes, **kw)
                arrays["mask_" + name] = img.data if np.ma.isMaskedArray(img) else img
                if np.ma.isMaskedArray(img):
                    arrays["mask_" + name + "_mask"] = np.ma.getmaskarray(img).astype(np.uint8)
                a["mask_cases"][name] = {"kwargs": kw, "transform": list(tr)[:6]}
    np.savez_compressed(os.path.join(out_dir, stem + ".npz"), **arrays)
    answers[rel] = a

with open(os.path.join(out_dir, "rasterio_answers.json"), "w") as f:
    json.dump({"meta": {"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__}, "files": answers},
              f, indent=1, sort_keys=True)
print(f"{len(answers)} files -> {out_dir}")
