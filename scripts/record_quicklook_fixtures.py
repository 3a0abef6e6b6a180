#!/usr/bin/python3
"""Records the expected quicklooks (cogr::Quicklook, `cogr quicklook`) of the fixture set into
tests/data/quicklook/: one (height, width, 4) uint8 RGBA .npy per case, and manifest.json listing
each case (file, size, bands, stretch, nodata_transparent, npy).

Run once with Debian's Python (rasterio 1.3.5 / GDAL 3.6.2):

    /usr/bin/python3 scripts/record_quicklook_fixtures.py

The answer is computed here from rasterio's reads, following docs/quicklook.md step by step:
read(indexes, out_shape=(n, h, w), resampling=nearest) (GDAL's overview choice for that
out_shape), dataset_mask(out_shape=(h, w)) when an alpha or the stretch needs it, then the
stretch in numpy (minmax, or np.percentile's default linear method for p2-98), rounded half up
(floor(x + 0.5)) and clipped to 0..255. tests/read/quicklook_test.cpp compares cogr's answer
with each, within 1 per channel.
"""
import json
import os
import sys
import warnings

import numpy as np
import rasterio
from rasterio.enums import ColorInterp, MaskFlags, Resampling

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, "tests", "data")
OUT = os.path.join(DATA, "quicklook")

# Files that are not pictures to look at: corrupt on purpose, or complex data (cogr refuses it).
SKIP = {
    "corrupt_truncated_half_deflate.tif", "rasterio__corrupt.tif", "libertiff__self_cycling.tif",
    "dt_cint16_none_strip16.tif",
}
# Paletted and min-is-white files of the resampling fixtures.
EXTRA = ["resample/pal_u8.tif", "resample/pal_u8_nodata.tif", "resample/pal_u8_256.tif",
         "resample/miniswhite_u8.tif", "resample/f32_huge_nodata.tif", "sample.tif"]


def shape(width, height, size):
    longest = max(width, height)
    side = min(size, longest)

    def scaled(n):
        return min(max(int(np.floor(n * side / longest + 0.5)), 1), side)

    return (scaled(height), side) if width >= height else (side, scaled(width))


def alpha_band(ds):
    for i, ci in enumerate(ds.colorinterp):
        if ci == ColorInterp.alpha:
            return i + 1
    return 0


def default_bands(ds):
    alpha = alpha_band(ds)
    bands = [b for b in range(1, ds.count + 1) if b != alpha][:3]
    return bands if len(bands) == 3 else bands[:1] or [1]


def stretch_range(valid, stretch):
    if valid.size == 0:
        return None
    if stretch == "minmax":
        return float(valid.min()), float(valid.max())
    lo, hi = np.percentile(valid, [2, 98])
    return float(lo), float(hi)


def scale(values, rng):
    if rng is None or not rng[1] > rng[0]:
        return np.zeros(values.shape, np.uint8)
    with np.errstate(invalid="ignore"):
        t = np.floor((values - rng[0]) / (rng[1] - rng[0]) * 255.0 + 0.5)
    t = np.where(np.isnan(t), 0, t)
    return np.clip(t, 0, 255).astype(np.uint8)


def quicklook(ds, size, bands, stretch, nodata_transparent):
    oh, ow = shape(ds.width, ds.height, size)
    bands = bands or default_bands(ds)
    data = ds.read(bands, out_shape=(len(bands), oh, ow), resampling=Resampling.nearest)
    flags = ds.mask_flag_enums[0]
    has_internal_mask = MaskFlags.per_dataset in flags and MaskFlags.alpha not in flags
    alpha_from_mask = nodata_transparent or alpha_band(ds) > 0
    mask = None
    if alpha_from_mask or has_internal_mask:
        mask = ds.dataset_mask(out_shape=(oh, ow), resampling=Resampling.nearest)
    rgba = np.zeros((oh, ow, 4), np.uint8)
    rgba[..., 3] = mask if alpha_from_mask else 255
    if len(bands) == 1 and ds.colorinterp[bands[0] - 1] == ColorInterp.palette:
        cmap = ds.colormap(bands[0])
        for y in range(oh):
            for x in range(ow):
                entry = cmap.get(int(data[0, y, x]))
                if entry is not None:
                    rgba[y, x, :3] = entry[:3]
        return rgba
    nodata = ds.nodata
    for i in range(len(bands)):
        v = data[i].astype(np.float64)
        valid = ~np.isnan(v)
        if nodata is not None and not np.isnan(nodata):
            valid &= v != nodata
        if mask is not None:
            valid &= mask != 0
        out = scale(v, stretch_range(v[valid], stretch))
        if len(bands) == 1:
            rgba[..., 0] = rgba[..., 1] = rgba[..., 2] = out
        else:
            rgba[..., i] = out
        if nodata_transparent:
            rgba[np.isnan(v), 3] = 0
    return rgba


# GDAL 3.6 masks every negative value of this float32 band whose nodata is -FLT_MAX (374 pixels,
# only 111 of them equal to nodata); cogr's dataset_mask masks exact nodata only. Its cases that
# use the mask (the stretch of an unmasked read still skips nodata) are left out.
MASK_DIFFERS = {"resample/f32_huge_nodata.tif"}


def cases(name, ds):
    yield dict(size=64, bands=[], stretch="minmax", nodata_transparent=False)
    if name in MASK_DIFFERS:
        return
    yield dict(size=32, bands=[], stretch="p2-98", nodata_transparent=True)
    if ds.count >= 3:
        yield dict(size=24, bands=[3, 2, 1], stretch="minmax", nodata_transparent=True)
    if ds.count >= 2:
        yield dict(size=24, bands=[2], stretch="p2-98", nodata_transparent=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    files = sorted("fixtures/" + f for f in os.listdir(os.path.join(DATA, "fixtures"))
                   if f.endswith((".tif", ".tiff")) and f not in SKIP) + EXTRA
    manifest = []
    warnings.simplefilter("ignore")
    for rel in files:
        with rasterio.open(os.path.join(DATA, rel)) as ds:
            for k, case in enumerate(cases(rel, ds)):
                rgba = quicklook(ds, **case)
                npy = "%s.%d.npy" % (os.path.splitext(os.path.basename(rel))[0], k)
                np.save(os.path.join(OUT, npy), rgba)
                manifest.append(dict(file=rel, npy=npy, **case))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__,
                   "cases": manifest}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print("%d cases of %d files, %d bytes" % (len(manifest), len(files), total))


if __name__ == "__main__":
    sys.exit(main())
