#!/usr/bin/python3
"""Records rasterio's answers for Dataset's rasterio helpers (developer tool, not run by CI).

Run with Debian's Python (python3-rasterio, GDAL 3.6):  /usr/bin/python3 scripts/record_helper_fixtures.py

For every GeoTIFF in tests/data/fixtures/ plus tests/data/sample.tif and the small files this
script makes in tests/data/helpers/, it writes to tests/data/helpers/rasterio_helpers.json what
rasterio 1.3 says for:
  profile, tags (dataset, each band, each namespace), colormap(1), block_windows(0),
  dataset_mask (whole image, a window, boundless window, out_shape), read_masks(1, out_shape),
  sample at points inside, on the edges and outside the image;
and the overviews GDAL's COG driver builds (OVERVIEWS=AUTO) for a few image and block sizes.
tests/read/helpers_fixtures_test.cpp compares cogr's answers with these.

Conventions (those of scripts/update_fixtures.py and tests/data/fixtures/expected/README.md):
  dtype names are numpy's; NaN, inf are the strings "nan", "inf", "-inf"; a complex value is
  [real, imag]; a mask is {"shape": [h, w], "runs": [value, length, ...]} (C order) or, when it has
  many runs, {"shape", "digest": "descr shape fnv1a64 sum"}: the FNV-1a 64 of its bytes (C order)
  and the sum of its values; block_windows keep every k-th block of a file with many; an answer rasterio could not give is
  {"error": "<message>"}.

Files this script makes (tests/data/helpers/):
  palette_u8_t32.tif   8-bit paletted 40x30 tiled deflate, written by rasterio, then its
                       ColorMap values overwritten with values that are not multiples of 257
                       (as other software writes them) to pin GDAL's 16 -> 8 bit scaling.
  mask_nodata_u16_t16.tif  2-band uint16 48x40, 16x16 tiles, nodata 7, with an internal
                       per-dataset mask (GDAL_TIFF_INTERNAL_MASK) and overviews 2, 4.
"""
import json
import math
import os
import random
import struct
import sys
import warnings

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.transform import Affine
from rasterio.windows import Window

warnings.simplefilter("ignore")
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = os.path.join(repo, "tests", "data")
helpers = os.path.join(data, "helpers")
os.makedirs(helpers, exist_ok=True)
MAX_RUNS = 48  # masks with more runs of equal values are stored as digests
MAX_BLOCK_WINDOWS = 200  # more blocks: every k-th one (and the last) is stored


def make_palette():
    path = os.path.join(helpers, "palette_u8_t32.tif")
    arr = (np.arange(40 * 30).reshape(1, 30, 40) % 256).astype("uint8")
    profile = dict(driver="GTiff", width=40, height=30, count=1, dtype="uint8", tiled=True,
                   blockxsize=32, blockysize=32, compress="deflate", photometric="palette",
                   crs="EPSG:32633", transform=Affine(10, 0, 500000, 0, -10, 4000000))
    cmap = {i: (i, 255 - i, (i * 7) % 256, 255) for i in range(256)}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(arr)
        dst.write_colormap(1, cmap)
    # Overwrite the ColorMap (tag 320, 3 x 256 SHORTs) with values GDAL must scale itself.
    with open(path, "r+b") as f:
        raw = bytearray(f.read())
        assert raw[:4] == b"II*\x00"
        ifd = struct.unpack_from("<I", raw, 4)[0]
        n = struct.unpack_from("<H", raw, ifd)[0]
        for i in range(n):
            code, typ, count, value = struct.unpack_from("<HHII", raw, ifd + 2 + 12 * i)
            if code == 320:
                assert typ == 3 and count == 768
                for k in range(768):
                    v = (k * 331 + 17) % 65536  # red, then green, then blue planes
                    struct.pack_into("<H", raw, value + 2 * k, v)
        f.seek(0)
        f.write(raw)
    return path


def make_mask_nodata():
    path = os.path.join(helpers, "mask_nodata_u16_t16.tif")
    rng = np.random.default_rng(7)
    arr = rng.integers(0, 20, size=(2, 40, 48)).astype("uint16")
    mask = np.full((40, 48), 255, dtype="uint8")
    mask[5:20, 10:30] = 0
    mask[30:, :7] = 0
    profile = dict(driver="GTiff", width=48, height=40, count=2, dtype="uint16", tiled=True,
                   blockxsize=16, blockysize=16, compress="deflate", nodata=7,
                   crs="EPSG:4326", transform=Affine(0.5, 0, 10, 0, -0.5, 50))
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True):
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(arr)
            dst.write_mask(mask)
        with rasterio.open(path, "r+") as dst:
            dst.build_overviews([2, 4], Resampling.nearest)
    return path


def num(v):
    if isinstance(v, (complex, np.complexfloating)):
        return [num(v.real), num(v.imag)]
    if isinstance(v, (np.integer, int)):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def digest(a):
    a = np.ascontiguousarray(a)
    fnv = 0xcbf29ce484222325
    for byte in a.tobytes():
        fnv = ((fnv ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    shape = "x".join(str(d) for d in a.shape)
    return f"{a.dtype.str} {shape} {fnv:016x} {int(a.astype('int64').sum())}"


def mask_answer(a):
    """A uint8 mask: its runs [value, length, ...] (C order) when there are few, else its digest."""
    a = np.asarray(a, dtype="uint8")
    flat = a.reshape(-1)
    runs = []
    for v in flat.tolist():
        if runs and runs[-2] == v:
            runs[-1] += 1
        else:
            runs += [v, 1]
        if len(runs) > 2 * MAX_RUNS:
            return {"shape": list(a.shape), "digest": digest(a)}
    return {"shape": list(a.shape), "runs": runs}


def guard(f):
    try:
        return f()
    except Exception as e:  # noqa: BLE001 — the error is the recorded answer
        return {"error": str(e)}


def points_for(src, rng):
    """(x, y) points: pixel positions inside, on the edges and outside the image."""
    w, h, t = src.width, src.height, src.transform
    pix = []
    for _ in range(24):
        pix.append((rng.randrange(w) + rng.random(), rng.randrange(h) + rng.random()))
    pix += [(0.0, 0.0), (w - 0.5, h - 0.5), (w - 0.5, 0.5), (0.5, h - 0.5), (w / 2, h / 2)]
    pix += [(w, h), (w, 0.5), (0.5, h), (-0.5, 2.5), (2.5, -0.5), (w + 3.5, 2.5), (2.5, h + 10.5),
            (-1e6, -1e6), (1e9, 1e9)]
    return [list(t * p) for p in pix]


def record(path):
    name = os.path.relpath(path, data)
    out = {"file": name}
    with rasterio.open(path) as src:
        p = dict(src.profile)
        p["dtype"] = str(p["dtype"])
        p["crs"] = p["crs"].to_wkt() if p.get("crs") else None
        p["transform"] = list(p["transform"])[:6]
        if p.get("nodata") is not None:
            p["nodata"] = num(p["nodata"])
        out["profile"] = p
        out["mask_flags"] = [[f.name for f in flags] for flags in src.mask_flag_enums]
        tags = {"dataset": {}, "bands": {}}
        namespaces = [""] + sorted(set(src.tag_namespaces() or []) - {""})
        for ns in namespaces + ["IMAGE_STRUCTURE"]:
            tags["dataset"][ns] = guard(lambda: dict(src.tags(ns=ns or None)))
        for b in range(1, min(src.count, 8) + 1):
            bns = [""] + sorted(set(src.tag_namespaces(b) or []) - {""})
            tags["bands"][str(b)] = {ns: guard(lambda: dict(src.tags(b, ns=ns or None))) for ns in bns}
        out["tags"] = tags
        out["colormap"] = guard(lambda: {str(k): list(v) for k, v in src.colormap(1).items()})
        bws = list(src.block_windows(0))
        step = 1 if len(bws) <= MAX_BLOCK_WINDOWS else len(bws) // 100
        keep = sorted(set(range(0, len(bws), step)) | {len(bws) - 1})
        out["block_windows"] = {"count": len(bws), "entries": [
            [i, bws[i][0][0], bws[i][0][1], bws[i][1].col_off, bws[i][1].row_off, bws[i][1].width, bws[i][1].height]
            for i in keep]}
        w, h = src.width, src.height
        small = w * h <= 4_000_000
        masks = {}
        if small:
            masks["full"] = guard(lambda: mask_answer(src.dataset_mask()))
        win = Window(w // 3, h // 4, max(1, min(33, w - w // 3)), max(1, min(21, h - h // 4)))
        masks["window"] = {"window": [win.col_off, win.row_off, win.width, win.height],
                           "mask": guard(lambda: mask_answer(src.dataset_mask(window=win)))}
        bwin = Window(-5, h - 7, 17, 12)
        masks["boundless"] = {"window": [bwin.col_off, bwin.row_off, bwin.width, bwin.height],
                              "mask": guard(lambda: mask_answer(src.dataset_mask(window=bwin, boundless=True)))}
        shapes = sorted({(max(1, h // 3), max(1, w // 3)), (7, 9), (min(h * 2, 300), min(w * 2, 300))})
        masks["out_shape"] = [{"out_shape": list(s), "mask": guard(lambda: mask_answer(src.dataset_mask(out_shape=s)))}
                              for s in shapes]
        out["dataset_mask"] = masks
        out["read_masks_1"] = [{"out_shape": list(s), "mask": guard(lambda: mask_answer(src.read_masks(1, out_shape=s)))}
                               for s in shapes]
        rng = random.Random(name)
        pts = points_for(src, rng)

        def sample():
            return [[num(v) for v in vals] for vals in src.sample(pts)]
        out["sample"] = {"points": pts, "values": guard(sample)}
        if src.count >= 2:
            sub = [src.count, 1]
            out["sample_bands"] = {"bands": sub, "values": guard(lambda: [[num(v) for v in vals]
                                                                          for vals in src.sample(pts[:12], indexes=sub)])}
    return out


def cog_overviews():
    """GDAL's COG driver (OVERVIEWS=AUTO): the overviews it builds for an image size and BLOCKSIZE."""
    from rasterio.shutil import copy as rio_copy
    out = []
    for w, h, bs in [(10240, 10240, 512), (513, 100, 512), (512, 512, 512), (1000, 3000, 256), (2049, 700, 512),
                     (600, 40, 16), (4097, 4097, 1024)]:
        src_path, path = f"/vsimem/src_{w}_{h}.tif", f"/vsimem/cog_{w}_{h}_{bs}.tif"
        with rasterio.open(src_path, "w", driver="GTiff", width=w, height=h, count=1, dtype="uint8",
                           tiled=True, compress="deflate") as tmp:
            tmp.write(np.zeros((1, h, w), dtype="uint8"))
        rio_copy(src_path, path, driver="COG", BLOCKSIZE=str(bs), COMPRESS="DEFLATE")
        with rasterio.open(path) as cog:
            factors = cog.overviews(1)
        sizes = []
        for i in range(len(factors)):
            with rasterio.open(path, overview_level=i) as o:
                sizes.append([o.width, o.height])
        out.append({"width": w, "height": h, "blocksize": bs, "factors": factors, "sizes": sizes})
    return out


def main():
    extra = [make_palette(), make_mask_nodata()]
    fx = os.path.join(data, "fixtures")
    files = sorted(os.path.join(fx, f) for f in os.listdir(fx) if f.endswith((".tif", ".tiff")))
    files += [os.path.join(data, "sample.tif")] + extra
    docs = []
    for f in files:
        try:
            docs.append(record(f))
        except Exception as e:  # noqa: BLE001 — rasterio cannot open it: nothing to compare
            print(f"skipped {os.path.relpath(f, data)}: {e}", file=sys.stderr)
    cog = cog_overviews()
    meta = {"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__,
            "generated_by": "scripts/record_helper_fixtures.py"}
    with open(os.path.join(helpers, "rasterio_helpers.json"), "w") as f:
        json.dump({"meta": meta, "files": docs, "cog_overviews": cog}, f, indent=None, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"{len(docs)} files recorded; {os.path.getsize(os.path.join(helpers, 'rasterio_helpers.json'))} bytes")


if __name__ == "__main__":
    main()
