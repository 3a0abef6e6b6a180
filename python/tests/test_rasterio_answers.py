"""Methods of cogr.Dataset and cogr.mask against rasterio's answers recorded by
scripts/record_python_answers.py (tests/data/python/)."""
import math
import os

import numpy as np
import pytest

import cogr
from conftest import ANSWERS, DATA, assert_same, load_answers, num

FILES = load_answers()
NAMES = sorted(FILES)

# Known differences from rasterio that are the C++ library's to fix; strict, so a fix shows up.
XFAIL = {}
# rasterio's boundless reads go through a VRT whose sources treat nodata as transparent, so
# pixels equal to nodata INSIDE the image also come back as fill_value; cogr fills only the
# pixels outside the image.
FILL_QUIRK = "rasterio's boundless VRT also turns in-image nodata pixels into fill_value; cogr fills only outside"
for n in NAMES:
    if FILES[n]["nodata"] is not None:
        XFAIL[("boundless_fill", n)] = FILL_QUIRK


def params(kind, names):
    return [pytest.param(n, id=n, marks=pytest.mark.xfail(strict=True, reason=XFAIL[(kind, n)]))
            if (kind, n) in XFAIL else pytest.param(n, id=n) for n in names]


def open_file(rel):
    return cogr.open(os.path.join(DATA, rel))


def arrays(rel):
    return np.load(os.path.join(ANSWERS, FILES[rel]["npz"]))


@pytest.mark.parametrize("rel", NAMES)
def test_metadata(rel):
    a = FILES[rel]
    with open_file(rel) as ds:
        assert (ds.width, ds.height, ds.count) == (a["width"], a["height"], a["count"])
        assert list(ds.dtypes) == a["dtypes"]
        assert tuple(ds.transform)[:6] == pytest.approx(tuple(a["transform"]))
        assert tuple(ds.bounds) == pytest.approx(tuple(a["bounds"]))
        assert ds.res == pytest.approx(tuple(a["res"]))
        assert [list(b) for b in ds.block_shapes] == a["block_shapes"]
        assert ds.overviews(1) == a["overviews"]
        assert ds.crs_wkt == a["crs_wkt"]
        nodata = num(a["nodata"])
        if nodata is None:
            assert ds.nodata is None
        elif math.isnan(nodata):
            assert math.isnan(ds.nodata)
        else:
            assert ds.nodata == nodata


@pytest.mark.parametrize("rel", NAMES)
def test_crs_object(rel):
    a = FILES[rel]
    ds = open_file(rel)
    crs = ds.crs
    if a["crs_wkt"] is None:
        assert crs is None
        return
    pyproj = pytest.importorskip("pyproj")
    assert isinstance(crs, pyproj.CRS)
    assert crs.to_epsg() == a["crs_epsg"]
    assert crs == pyproj.CRS.from_wkt(a["crs_wkt"])


@pytest.mark.parametrize("rel", NAMES)
def test_xy(rel):
    ds = open_file(rel)
    for row, col, offset, x, y in FILES[rel]["xy"]:
        assert ds.xy(row, col, offset=offset) == pytest.approx((x, y), rel=1e-12, abs=1e-9), (row, col, offset)
    rows = [r for r, _, o, _, _ in FILES[rel]["xy"] if o == "center"]
    cols = [c for _, c, o, _, _ in FILES[rel]["xy"] if o == "center"]
    xs, ys = ds.xy(rows, cols)
    assert xs == pytest.approx([x for _, _, o, x, _ in FILES[rel]["xy"] if o == "center"])
    assert ys == pytest.approx([y for _, _, o, _, y in FILES[rel]["xy"] if o == "center"])


@pytest.mark.parametrize("rel", NAMES)
def test_index(rel):
    ds = open_file(rel)
    for x, y, op, row, col in FILES[rel]["index"]:
        fn = {"floor": math.floor, "ceil": math.ceil}[op]
        assert ds.index(x, y, op=fn) == (row, col), (x, y, op)
        assert ds.index(x, y, op=op) == (row, col)


@pytest.mark.parametrize("rel", [n for n in NAMES if FILES[n].get("window")])
def test_window_from_bounds(rel):
    box, expected = FILES[rel]["window"]
    win = open_file(rel).window(*box)
    assert isinstance(win, cogr.Window)
    assert tuple(win) == pytest.approx(tuple(expected), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("rel", params("read_masks", NAMES))
def test_read_masks(rel):
    a, arr = FILES[rel], arrays(rel)
    ds = open_file(rel)
    assert_same(ds.read_masks(), arr["read_masks"], "read_masks()")
    assert_same(ds.read_masks(1), arr["read_masks"][0], "read_masks(1)")
    assert_same(ds.read_masks(window=cogr.Window(*a["masks_window"])), arr["read_masks_window"], "window")
    assert ds.read_masks().dtype == np.uint8


@pytest.mark.parametrize("rel", params("dataset_mask", NAMES))
def test_dataset_mask(rel):
    assert_same(open_file(rel).dataset_mask(), arrays(rel)["dataset_mask"], "dataset_mask()")


@pytest.mark.parametrize("rel", params("masked", NAMES))
def test_masked_read(rel):
    a, arr = FILES[rel], arrays(rel)
    ds = open_file(rel)
    m = ds.read(1, masked=True)
    assert isinstance(m, np.ma.MaskedArray)
    assert_same(np.ma.getmaskarray(m).astype(np.uint8), arr["masked_b1_mask"], "mask of read(1, masked=True)")
    assert_same(m.data, ds.read(1), "data of the masked read")
    if a["masked_fill_value"] is not None and not isinstance(a["masked_fill_value"], str):
        assert m.fill_value == a["masked_fill_value"]


@pytest.mark.parametrize("rel", NAMES)
def test_boundless(rel):
    a, arr = FILES[rel], arrays(rel)
    got = open_file(rel).read(window=cogr.Window(*a["boundless_window"]), boundless=True)
    if got.dtype.names:
        got = got["re"] + 1j * got["im"]
    assert_same(got, arr["boundless"], "boundless read")


@pytest.mark.parametrize("rel", params("boundless_fill", [n for n in NAMES if "boundless_fill7" in arrays(n)]))
def test_boundless_fill_value(rel):
    a, arr = FILES[rel], arrays(rel)
    got = open_file(rel).read(window=cogr.Window(*a["boundless_window"]), boundless=True, fill_value=7)
    assert_same(got, arr["boundless_fill7"], "fill_value=7")


@pytest.mark.parametrize("rel", params("boundless_masked", [n for n in NAMES if "boundless_masked_mask" in arrays(n)]))
def test_boundless_masked(rel):
    a, arr = FILES[rel], arrays(rel)
    mb = open_file(rel).read(window=cogr.Window(*a["boundless_window"]), boundless=True, masked=True)
    assert_same(np.ma.getmaskarray(mb).astype(np.uint8), arr["boundless_masked_mask"], "boundless masked")


MASK_CASES = []
for n in NAMES:
    for case in FILES[n].get("mask_cases", {}):
        reason = XFAIL.get(("mask_" + case, n))
        MASK_CASES.append(pytest.param(n, case, id=f"{n}-{case}",
                                       marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else []))


@pytest.mark.parametrize("rel,name", MASK_CASES)
def test_mask(rel, name):
    a, arr = FILES[rel], arrays(rel)
    case = a["mask_cases"][name]
    img, transform = cogr.mask(open_file(rel), a["mask_shapes"], **case["kwargs"])
    assert tuple(transform)[:6] == pytest.approx(tuple(case["transform"])), name
    data = img.data if np.ma.isMaskedArray(img) else img
    assert_same(data, arr["mask_" + name], f"mask {name}")
    if "mask_" + name + "_mask" in arr:
        assert isinstance(img, np.ma.MaskedArray)
        assert_same(np.ma.getmaskarray(img).astype(np.uint8), arr["mask_" + name + "_mask"], f"mask {name} mask")
    else:
        assert not isinstance(img, np.ma.MaskedArray)


@pytest.mark.parametrize("rel", [n for n in NAMES if FILES[n].get("x_coords")])
def test_pixel_centres(rel):
    """The coordinates the xarray backend gives are rasterio's xy of pixel centres."""
    xr = pytest.importorskip("xarray")
    a = FILES[rel]
    with xr.open_dataset(os.path.join(DATA, rel), engine="cogr") as x:
        np.testing.assert_allclose(x["x"].values, a["x_coords"], rtol=1e-12)
        np.testing.assert_allclose(x["y"].values, a["y_coords"], rtol=1e-12)
