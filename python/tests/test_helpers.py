"""profile, tags, colormap, block_windows, dataset_mask, read_masks(out_shape) and sample through
the Python API, against rasterio's answers in tests/data/helpers/rasterio_helpers.json (recorded
by scripts/record_helper_fixtures.py for every fixture)."""
import json
import math
import os

import numpy as np
import pytest

import cogr
from conftest import DATA

with open(os.path.join(DATA, "helpers", "rasterio_helpers.json")) as f:
    RECORDED = json.load(f)["files"]
IDS = [f["file"] for f in RECORDED]
GDAL_NAMESPACES = {"IMAGE_STRUCTURE", "SUBDATASETS", "DERIVED_SUBDATASETS"}


def open_recorded(f):
    return cogr.open(os.path.join(DATA, f["file"]), block_cache_bytes=0)


def num(v):
    return float(v) if isinstance(v, str) else v


def same_num(a, b):
    return (a is None and b is None) or (a is not None and b is not None and (
        (math.isnan(a) and math.isnan(b)) or a == b))


def mask_from(want):
    """A recorded mask {"shape", "runs"} as an array, or None for a digest-only record."""
    if "runs" not in want:
        return None
    runs = want["runs"]
    flat = np.concatenate([np.full(runs[i + 1], runs[i], np.uint8) for i in range(0, len(runs), 2)])
    return flat.reshape(want["shape"])


def fnv_digest(m):
    h = 0xcbf29ce484222325
    for b in np.ascontiguousarray(m, np.uint8).tobytes():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"|u1 {m.shape[0]}x{m.shape[1]} {h:016x} {int(m.astype(np.uint64).sum())}"


def check_mask(got, want, what):
    assert list(got.shape) == want["shape"], what
    expected = mask_from(want)
    if expected is None:
        assert fnv_digest(got) == want["digest"], what
    else:
        np.testing.assert_array_equal(got, expected, err_msg=what)


def test_recorded_for_every_fixture():
    assert len(RECORDED) == 69


@pytest.mark.parametrize("f", RECORDED, ids=IDS)
def test_profile(f):
    want = f["profile"]
    p = open_recorded(f).profile
    assert set(p) == set(want)
    for key in ("driver", "dtype", "width", "height", "count", "tiled", "interleave", "blockysize", "blockxsize",
                "compress", "photometric"):
        if key in want:
            assert p[key] == want[key], key
    assert same_num(p["nodata"], num(want["nodata"]))
    assert list(p["transform"])[:6] == want["transform"]
    if want["crs"] is None:
        assert p["crs"] is None
    else:
        pyproj = pytest.importorskip("pyproj")
        assert p["crs"] == pyproj.CRS.from_wkt(want["crs"])
        assert open_recorded(f).crs_wkt == want["crs"]


@pytest.mark.parametrize("f", RECORDED, ids=IDS)
def test_tags(f):
    ds = open_recorded(f)
    cases = [(0, ns, want) for ns, want in f["tags"]["dataset"].items()]
    cases += [(int(b), ns, want) for b, nss in f["tags"]["bands"].items() for ns, want in nss.items()]
    for band, ns, want in cases:
        if ns in GDAL_NAMESPACES:
            with pytest.raises(cogr.errors.Unsupported):
                ds.tags(band, ns)
            continue
        assert ds.tags(band, ns or None) == want, (band, ns)
    with pytest.raises(cogr.errors.OutOfRange):
        ds.tags(ds.count + 1)


@pytest.mark.parametrize("f", RECORDED, ids=IDS)
def test_colormap(f):
    ds = open_recorded(f)
    want = f["colormap"]
    if "error" in want:
        with pytest.raises(cogr.errors.NotFound) as e:
            ds.colormap(1)
        assert str(e.value) == f"{ds.name}: {want['error']}"
        return
    got = ds.colormap(1)
    assert len(got) == want["count"]
    for i, rgba in want["entries"].items():  # the recording keeps a sample of large tables
        assert list(got[int(i)]) == rgba, i


@pytest.mark.parametrize("f", RECORDED, ids=IDS)
def test_block_windows(f):
    ds = open_recorded(f)
    blocks = list(ds.block_windows())
    want = f["block_windows"]
    assert len(blocks) == want["count"]
    for e in want["entries"]:
        (row, col), w = blocks[e[0]]
        assert [e[0], row, col, w.col_off, w.row_off, w.width, w.height] == e
    assert len(list(ds.block_windows(1))) == len(blocks)
    with pytest.raises(cogr.errors.OutOfRange):
        list(ds.block_windows(ds.count + 1))


@pytest.mark.parametrize("f", RECORDED, ids=IDS)
def test_dataset_mask(f):
    ds = open_recorded(f)
    m = f["dataset_mask"]

    def check(what, want, **kw):
        if "error" in want:
            with pytest.raises(cogr.errors.CogrError):
                ds.dataset_mask(**kw)
            return
        check_mask(ds.dataset_mask(**kw), want, what)

    if "full" in m:
        check("full", m["full"])
    check("window", m["window"]["mask"], window=cogr.Window(*m["window"]["window"]))
    t = ds.transform
    if t.b == 0 and t.d == 0:  # rasterio resamples boundless windows of rotated files north-up
        check("boundless", m["boundless"]["mask"], window=cogr.Window(*m["boundless"]["window"]), boundless=True)
    for s in m["out_shape"]:
        check(f"out_shape {s['out_shape']}", s["mask"], out_shape=tuple(s["out_shape"]))


@pytest.mark.parametrize("f", RECORDED, ids=IDS)
def test_read_masks_out_shape(f):
    ds = open_recorded(f)
    for s in f["read_masks_1"]:
        if "error" in s["mask"]:
            continue
        check_mask(ds.read_masks(1, out_shape=tuple(s["out_shape"])), s["mask"], f"read_masks(1, {s['out_shape']})")


def sample_values_match(got, want):
    for g, w in zip(got, want):
        if isinstance(w, list):  # complex_int16 as [re, im]
            assert (int(g["re"]), int(g["im"])) == tuple(w)
        else:
            assert same_num(float(g), num(w)), (g, w)


@pytest.mark.parametrize("f", RECORDED, ids=IDS)
def test_sample(f):
    ds = open_recorded(f)
    s = f["sample"]
    points = [tuple(p) for p in s["points"]]
    if "error" in s["values"]:
        if s["values"]["error"] == "data type 'complex_int16' not understood":
            got = list(ds.sample(points[:4]))  # numpy has no complex_int16; cogr can sample it
            assert len(got) == 4 and got[0].dtype.names == ("re", "im")
        else:
            with pytest.raises(cogr.errors.CogrError):
                list(ds.sample(points))
        return
    got = list(ds.sample(points))
    assert len(got) == len(points)
    for g, w in zip(got, s["values"]):
        assert g.shape == (ds.count,)
        sample_values_match(g, w)
    if "sample_bands" in f and "error" not in f["sample_bands"]["values"]:
        bands = f["sample_bands"]["bands"]
        for g, w in zip(ds.sample(points[:12], indexes=bands), f["sample_bands"]["values"]):
            sample_values_match(g, w)
