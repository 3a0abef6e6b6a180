#!/usr/bin/python3
"""Records rasterio.mask.mask's answers for generated cases into tests/data/mask/.

Run once with Debian's Python (rasterio 1.3.5 / GDAL 3.6.2):

    /usr/bin/python3 scripts/record_mask_fixtures.py

It also writes rasterize_NN.json: 1000 small grids with random transforms (north-up and
south-up) and geometries (polygons, lines, points, multi-), and the pixels
rasterio.features.rasterize burns with and without all_touched (packbits, hex), which
tests/mask/mask_fixtures_test.cpp compares with mask::Rasterize.

It writes small GeoTIFFs (r_*.tif, one per raster kind) and cases_NN.json (at most 40 cases
each). A case is: the raster file, a list of GeoJSON geometries (world coordinates), the
keyword arguments of rasterio.mask.mask (all_touched, invert, crop, pad, filled, nodata,
indexes) and rasterio's answer: either the error text, or the output shape, dtype, transform,
the mask (numpy.packbits of the masked array's mask in C order, hex) and the FNV-1a 64 digest
of the filled output's bytes (NaNs canonical). tests/mask/mask_fixtures_test.cpp runs cogr's
mask::Mask on every case and compares exactly. Deterministic: the same seeds give the same
files.
"""
import json
import math
import os
import struct
import sys
import warnings

import numpy as np
import rasterio
import rasterio.mask
from affine import Affine
from rasterio.crs import CRS

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "data", "mask")
CASES_PER_FILE = 40

# name: (width, height, bands, dtype, transform, crs, nodata, coordinate decimals)
RASTERS = {
    "r_u8_utm": (23, 17, 1, "uint8", Affine(10, 0, 500000, 0, -10, 4100000), "EPSG:32631", 0, 3),
    "r_u8_4326": (37, 29, 1, "uint8", Affine(0.1, 0, -10.0, 0, -0.1, 50.0), "EPSG:4326", None, 6),
    "r_f32_nan": (31, 25, 1, "float32", Affine(1 / 120, 0, 5.0, 0, -1 / 120, 45.0), "EPSG:4326",
                  float("nan"), 7),
    "r_i16_3b": (19, 13, 3, "int16", Affine(0.5, 0, 100.25, 0, -0.5, 20.75), "EPSG:3857", -9999,
                 4),
    "r_f64_4326": (29, 21, 1, "float64", Affine(0.25, 0, -180.0, 0, -0.25, 90.0), "EPSG:4326",
                   -1e30, 5),
    "r_u8_tiny": (3, 2, 1, "uint8", Affine(1, 0, 0, 0, -1, 2), "EPSG:32631", None, 4),
    "r_u8_southup": (17, 13, 1, "uint8", Affine(2, 0, 100, 0, 2, 50), "EPSG:32631", 255, 3),
    "r_u16_1x1": (1, 1, 1, "uint16", Affine(30, 0, 600000, 0, -30, 5000000), "EPSG:32631", 7, 3),
}


def fnv64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def digest(arr):
    a = np.ascontiguousarray(arr)
    if a.dtype.kind == "f":
        a = a.copy()
        a[np.isnan(a)] = np.nan  # canonical quiet NaN
        a = a.astype(a.dtype.newbyteorder("<"))
    return fnv64(a.tobytes())


def write_raster(name, spec, rng):
    width, height, bands, dtype, transform, crs, nodata, _ = spec
    path = os.path.join(OUT, name + ".tif")
    if np.dtype(dtype).kind == "f":
        data = rng.uniform(-1000, 1000, size=(bands, height, width)).astype(dtype)
    else:
        info = np.iinfo(dtype)
        data = rng.integers(max(info.min, -30000), min(info.max, 30000) + 1,
                            size=(bands, height, width)).astype(dtype)
    if nodata is not None and width * height > 1:
        holes = rng.random(size=(bands, height, width)) < 0.08
        data[holes] = nodata
    profile = dict(driver="GTiff", width=width, height=height, count=bands, dtype=dtype,
                   transform=transform, crs=CRS.from_user_input(crs))
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data)
    return path


class Gen:
    """Shape generators in pixel space; world coordinates rounded to the raster's decimals."""

    def __init__(self, spec, rng):
        self.w, self.h, _, _, self.t, _, _, self.dec = spec
        self.rng = rng

    def world(self, c, r):
        x, y = self.t * (float(c), float(r))
        return [round(x, self.dec), round(y, self.dec)]

    def ring(self, pts):
        ring = [self.world(c, r) for c, r in pts]
        ring.append(list(ring[0]))
        return ring

    def snap(self, v, step):
        return round(v / step) * step

    def pt(self, margin=0.3, step=None):
        c = self.rng.uniform(-margin * self.w, (1 + margin) * self.w)
        r = self.rng.uniform(-margin * self.h, (1 + margin) * self.h)
        if step:
            c, r = self.snap(c, step), self.snap(r, step)
        return c, r

    def star(self, step=None, n=None, centre=None, radius=None):
        n = n or int(self.rng.integers(3, 13))
        cc, cr = centre or self.pt(0.1)
        rad = radius or self.rng.uniform(0.3, 0.7) * max(self.w, self.h)
        angles = np.sort(self.rng.uniform(0, 2 * math.pi, n))
        pts = []
        for a in angles:
            rr = rad * self.rng.uniform(0.3, 1.0)
            c, r = cc + rr * math.cos(a), cr + rr * math.sin(a)
            if step:
                c, r = self.snap(c, step), self.snap(r, step)
            pts.append((c, r))
        return pts

    def rect(self, step=None, margin=0.3):
        (c0, r0), (c1, r1) = self.pt(margin, step), self.pt(margin, step)
        if c0 == c1:
            c1 += step or 1
        if r0 == r1:
            r1 += step or 1
        return [(c0, r0), (c1, r0), (c1, r1), (c0, r1)]

    def polygon(self, kind):
        rng = self.rng
        step = {"snap": 0.5, "quarter": 0.25, "int": 1.0}.get(kind)
        if kind == "rect":
            return {"type": "Polygon", "coordinates": [self.ring(self.rect(step=0.5))]}
        if kind == "tri_centres":
            pts = [(self.snap(self.pt(0.2)[0], 1) + 0.5, self.snap(self.pt(0.2)[1], 1) + 0.5)
                   for _ in range(3)]
            return {"type": "Polygon", "coordinates": [self.ring(pts)]}
        if kind == "holes":
            cc, cr = self.w / 2 + rng.uniform(-2, 2), self.h / 2 + rng.uniform(-2, 2)
            outer = self.star(step=rng.choice([None, 0.5]), n=int(rng.integers(4, 10)),
                              centre=(cc, cr), radius=max(self.w, self.h) * 0.6)
            rings = [self.ring(outer)]
            for _ in range(int(rng.integers(1, 3))):
                hc = (cc + rng.uniform(-2, 2), cr + rng.uniform(-2, 2))
                hole = self.star(step=rng.choice([None, 0.5]), n=int(rng.integers(3, 7)),
                                 centre=hc, radius=min(self.w, self.h) * 0.25)
                rings.append(self.ring(hole[::-1]))
            return {"type": "Polygon", "coordinates": rings}
        if kind == "edge":
            # Vertices on the raster's edges and corners, part of the shape outside.
            w, h = self.w, self.h
            choices = [(0, 0), (w, 0), (w, h), (0, h), (-2, h / 2), (w + 2, h / 2),
                       (w / 2, -2), (w / 2, h + 2), (0, h / 2), (w, h / 2), (w / 2, 0),
                       (w / 2, h), (self.snap(w / 3, 0.5), 0), (0, self.snap(h / 3, 0.5))]
            idx = sorted(rng.choice(len(choices), size=int(rng.integers(3, 6)), replace=False))
            pts = [choices[i] for i in idx]
            cx = sum(p[0] for p in pts) / len(pts)
            cy = sum(p[1] for p in pts) / len(pts)
            pts.sort(key=lambda p: math.atan2(p[1] - cy, p[0] - cx))
            return {"type": "Polygon", "coordinates": [self.ring(pts)]}
        if kind == "tiny":
            c, r = self.pt(0.0)
            s = rng.uniform(0.05, 0.9)
            return {"type": "Polygon", "coordinates": [self.ring(
                [(c, r), (c + s, r), (c + s, r + s * rng.uniform(0.3, 1.5))])]}
        if kind == "outside":
            c = self.w * rng.uniform(1.5, 3)
            return {"type": "Polygon", "coordinates": [self.ring(
                [(c, 0), (c + 2, 0), (c + 2, 2), (c, 2)])]}
        if kind == "line":
            pts = [self.pt(0.1, rng.choice([None, 0.5])) for _ in range(int(rng.integers(2, 5)))]
            return {"type": "LineString", "coordinates": [self.world(c, r) for c, r in pts]}
        if kind == "point":
            c, r = self.pt(0.0, rng.choice([None, 0.5]))
            return {"type": "Point", "coordinates": self.world(c, r)}
        # star shapes: random, snapped to half/quarter/whole pixels
        return {"type": "Polygon", "coordinates": [self.ring(self.star(step=step))]}

    def geometry(self, kind):
        if kind == "multi":
            parts = [self.polygon(self.rng.choice(["rand", "snap", "rect", "holes"]))
                     for _ in range(int(self.rng.integers(2, 4)))]
            return {"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in parts]}
        return self.polygon(kind)


KINDS = ["rand", "rand", "snap", "snap", "quarter", "int", "rect", "rect", "tri_centres", "holes",
         "holes", "multi", "multi", "edge", "edge", "tiny", "outside", "line", "point"]


def run_case(path, shapes, opts):
    kwargs = {k: v for k, v in opts.items() if k != "nodata" or v is not None}
    with rasterio.open(path) as ds, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            masked, transform = rasterio.mask.mask(ds, shapes, **dict(kwargs, filled=False))
        except Exception as e:  # noqa: BLE001 - the error text is the answer
            return {"error": str(e)}
        nodata = opts.get("nodata")
        if nodata is None:
            nodata = ds.nodata if ds.nodata is not None else 0
    filled = masked.filled(nodata)
    mask = np.ma.getmaskarray(masked)
    return {
        "shape": list(filled.shape),
        "dtype": filled.dtype.str,
        "transform": list(transform)[:6],
        "mask": np.packbits(mask.ravel()).tobytes().hex(),
        "fnv": digest(filled),
    }


def rasterize_cases(n, seed):
    """Small grids, random transforms (north-up and south-up) and geometries, both all_touched
    values: rasterio.features.rasterize's burned pixels."""
    from rasterio.features import rasterize
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        w, h = int(rng.integers(1, 13)), int(rng.integers(1, 13))
        res = float(rng.choice([1, 0.5, 0.1, 1 / 3, 30, 0.25]))
        ysign = -1 if rng.random() < 0.7 else 1
        t = Affine(res, 0, float(rng.choice([0, 100.5, -7.3])), 0, ysign * res,
                   float(rng.choice([0, 50, 12.7])))
        step = [None, 0.5, 0.25, 1.0][int(rng.integers(4))]

        def pt():
            c, r = rng.uniform(-3, w + 3), rng.uniform(-3, h + 3)
            if step:
                c, r = round(c / step) * step, round(r / step) * step
            x, y = t * (c, r)
            return [round(x, 9), round(y, 9)]

        kind = ["line", "poly", "poly", "point", "mline", "mpoint"][int(rng.integers(6))]
        if kind == "line":
            g = {"type": "LineString", "coordinates": [pt() for _ in range(int(rng.integers(2, 6)))]}
        elif kind == "mline":
            g = {"type": "MultiLineString",
                 "coordinates": [[pt() for _ in range(int(rng.integers(2, 5)))] for _ in range(2)]}
        elif kind == "point":
            g = {"type": "Point", "coordinates": pt()}
        elif kind == "mpoint":
            g = {"type": "MultiPoint", "coordinates": [pt() for _ in range(3)]}
        else:
            ring = [pt() for _ in range(int(rng.integers(3, 8)))]
            ring.append(list(ring[0]))
            g = {"type": "Polygon", "coordinates": [ring]}
        burned = {}
        for at in (False, True):
            a = rasterize([g], out_shape=(h, w), transform=t, all_touched=at, fill=0,
                          default_value=1, dtype="uint8")
            burned["all_touched" if at else "centre"] = np.packbits(a.ravel()).tobytes().hex()
        out.append({"id": "rasterize/%04d" % i, "width": w, "height": h,
                    "transform": list(t)[:6], "shape": g, "expected": burned})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.startswith(("cases_", "r_", "rasterize_")):
            os.remove(os.path.join(OUT, name))
    cases = []
    for ri, (name, spec) in enumerate(sorted(RASTERS.items())):
        rng = np.random.default_rng(1000 + ri)
        path = write_raster(name, spec, rng)
        n_cases = 12 if spec[0] * spec[1] <= 6 else 90
        for i in range(n_cases):
            seed = 10000 * (ri + 1) + i
            rng = np.random.default_rng(seed)
            gen = Gen(spec, rng)
            n_shapes = 1 if rng.random() < 0.8 else 2
            kinds = [KINDS[int(rng.integers(len(KINDS)))] for _ in range(n_shapes)]
            shapes = [gen.geometry(k) for k in kinds]
            crop = bool(rng.random() < 0.4)
            opts = {
                "all_touched": bool(rng.random() < 0.5),
                "invert": (not crop) and bool(rng.random() < 0.25),
                "crop": crop,
                "pad": crop and bool(rng.random() < 0.3),
                "nodata": None,
                "indexes": None,
            }
            if rng.random() < 0.15:
                opts["nodata"] = float(rng.choice([5.0, -1.0, 250.0]))
            if spec[2] > 1 and rng.random() < 0.4:
                opts["indexes"] = [int(b) for b in rng.permutation(spec[2])[:2] + 1]
            expected = run_case(path, shapes, opts)
            cases.append({"id": "%s/%03d" % (name, i), "seed": seed, "kinds": kinds,
                          "raster": name + ".tif", "shapes": shapes, "options": opts,
                          "expected": expected})
    for n in range(0, len(cases), CASES_PER_FILE):
        out = os.path.join(OUT, "cases_%02d.json" % (n // CASES_PER_FILE))
        with open(out, "w") as f:
            json.dump({"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__,
                       "cases": cases[n:n + CASES_PER_FILE]}, f, separators=(",", ":"))
            f.write("\n")
    rcases = rasterize_cases(1000, 424242)
    for n in range(0, len(rcases), 200):
        out = os.path.join(OUT, "rasterize_%02d.json" % (n // 200))
        with open(out, "w") as f:
            json.dump({"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__,
                       "cases": rcases[n:n + 200]}, f, separators=(",", ":"))
            f.write("\n")
    errors = sum(1 for c in cases if "error" in c["expected"])
    print("%d cases (%d errors) in %s" % (len(cases), errors, OUT))


if __name__ == "__main__":
    sys.exit(main())
