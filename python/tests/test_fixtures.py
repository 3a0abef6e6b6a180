"""Every fixture of tests/data/fixtures through the Python API, against rasterio's recorded
answers (tests/data/fixtures/expected/NAME.json and NAME.<read>.npy)."""
import glob
import json
import math
import os

import numpy as np
import pytest

import cogr
from conftest import EXPECTED, FIXTURES

DOCS = sorted(glob.glob(os.path.join(EXPECTED, "*.json")))
DOCS = [d for d in DOCS if "contract" in json.load(open(d))]


def load(path):
    with open(path) as f:
        doc = json.load(f)
    case = doc.get("case", {})
    doc["lenient"] = bool(doc.get("lenient_errors") or case.get("lenient_errors"))
    doc["no_crash_only"] = bool(doc.get("no_crash_only") or case.get("no_crash_only"))
    return doc


def test_finds_fixtures():
    assert len(DOCS) >= 60


def same_number(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, str):
        b = float(b)
    if math.isnan(b):
        return math.isnan(a)
    return a == pytest.approx(b, rel=1e-12, abs=1e-9)


def contract_matches(key, actual, expected):
    if key in ("transform", "bounds"):
        return len(actual) == len(expected) and all(same_number(a, b) for a, b in zip(actual, expected))
    if key == "nodata":
        return same_number(actual, expected)
    return actual == expected


@pytest.mark.parametrize("doc_path", DOCS, ids=[os.path.basename(d)[:-5] for d in DOCS])
def test_contract(doc_path):
    doc = load(doc_path)
    if doc["no_crash_only"]:
        try:
            cogr.open(os.path.join(FIXTURES, doc["file"]))
        except cogr.errors.CogrError:
            pass
        return
    try:
        ds = cogr.open(os.path.join(FIXTURES, doc["file"]))
    except cogr.errors.CogrError as e:
        assert doc["lenient"], f"open failed: {e}"
        assert str(e)
        return
    with ds:
        actual = {
            "width": ds.width, "height": ds.height, "count": ds.count, "dtype": ds.dtypes[0],
            "block_shape": list(ds.block_shapes[0]), "compression": ds.compression or "none",
            "crs_epsg": ds.crs_epsg, "crs_wkt": ds.crs_wkt, "transform": list(ds.transform)[:6],
            "nodata": ds.nodata, "overviews": ds.overviews(1), "bounds": list(ds.bounds),
        }
        accept = doc.get("accept", {})
        for key, expected in doc["contract"].items():
            assert key in actual, f"contract key {key} not checked"
            ok = contract_matches(key, actual[key], expected) or any(
                contract_matches(key, actual[key], alt) for alt in accept.get(key, []))
            assert ok, f"{key}: cogr says {actual[key]!r}, rasterio {expected!r}"
        info = doc["info"]
        assert ds.dtypes == tuple(info["dtypes"])
        assert [list(b) for b in ds.block_shapes] == [list(b) for b in info["block_shapes"]]
        assert all(same_number(a, b) for a, b in zip(ds.res, info["res"]))
        assert ds.shape == (info["height"], info["width"])
        assert ds.indexes == tuple(range(1, info["count"] + 1))
        assert len(ds.nodatavals) == len(info["nodatavals"])
        assert all(same_number(a, b) for a, b in zip(ds.nodatavals, info["nodatavals"]))
        assert ds.is_tiled == info["is_tiled"]
        assert list(ds.scales) == info["scales"] and list(ds.offsets) == info["offsets"]
        assert list(ds.descriptions) == info["descriptions"]
        if ds.count > 1:
            assert ds.interleave == info["interleave"].lower()


def compare(actual, expected, cmp, what):
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    if actual.dtype.names:  # complex_int16/32 records vs rasterio's complex64/128
        actual = actual["re"] + 1j * actual["im"].astype(np.float64)
    if cmp.get("mode") == "exact":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
        return
    if np.iscomplexobj(actual) or np.iscomplexobj(expected):
        actual = np.stack([actual.real, actual.imag])
        expected = np.stack([expected.real, expected.imag])
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    both = np.isnan(a) & np.isnan(e)
    assert np.array_equal(np.isnan(a), np.isnan(e)), f"{what}: NaNs differ"
    diff = np.abs(np.where(both, 0, a - e))
    limit = cmp["atol"] + cmp.get("rtol", 0) * np.abs(np.where(both, 0, e))
    assert (diff <= limit).all(), f"{what}: max |diff| {diff.max()} > atol {cmp['atol']}"
    assert diff.mean() <= cmp["max_mean_abs"], f"{what}: mean |diff| {diff.mean()}"


READS = []
for d in DOCS:
    doc = load(d)
    for r in doc["reads"]:
        READS.append(pytest.param(d, r["id"], id=f"{os.path.basename(d)[:-5]}.{r['id']}"))


@pytest.mark.parametrize("doc_path,read_id", READS)
def test_read(doc_path, read_id):
    doc = load(doc_path)
    read = next(r for r in doc["reads"] if r["id"] == read_id)
    args = read["args"]
    kwargs = {}
    if args.get("window") is not None:
        kwargs["window"] = cogr.Window(*args["window"])
    if args.get("overview") is not None:
        kwargs["overview"] = args["overview"]
    if args.get("out_shape") is not None:
        kwargs["out_shape"] = tuple(args["out_shape"])
        kwargs["resampling"] = args.get("resampling") or "nearest"
    try:
        ds = cogr.open(os.path.join(FIXTURES, doc["file"]))
        arr = ds.read(args.get("bands"), **kwargs)
    except cogr.errors.CogrError as e:
        if "expected_error" in read or doc["lenient"] or doc["no_crash_only"]:
            assert str(e)
            return
        raise
    if doc["no_crash_only"]:
        return
    assert "expected_error" not in read, f"rasterio fails here ({read['expected_error']}), cogr returned data"
    assert arr.shape == tuple(read["shape"])
    npy = os.path.join(EXPECTED, read["npy"])
    if not os.path.exists(npy):
        # Left out for size (expected/omitted_npy.txt): the mean of the values is recorded.
        line = next(l for l in open(os.path.join(EXPECTED, "omitted_npy.txt")) if l.startswith(read["npy"] + " "))
        mean = float(line.split()[4])
        vals = arr["re"] if arr.dtype.names else arr
        got = float(np.nanmean(vals.astype(np.float64))) if vals.size else 0.0
        tol = read["compare"].get("max_mean_abs", 0) + 1e-6 * max(1.0, abs(mean))
        assert abs(got - mean) <= tol, f"mean {got} != {mean}"
        return
    compare(arr, np.load(npy), read["compare"], read["id"])
