"""cogr.stack against rasterio's per-scene answers recorded in tests/data/stack/
(scripts/record_stack_fixtures.py)."""
import json
import os

import numpy as np
import pytest

import cogr

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "stack")


def path(name):
    return os.path.join(DATA, name)


def cases():
    with open(path("cases.json")) as f:
        return json.load(f)


def case(name):
    return next(c for c in cases()["cases"] if c["name"] == name)


def open_case(c, **kw):
    args = dict(indexes=c["bands"] or None)
    if "window" in c:
        args["window"] = c["window"]
    if "bounds" in c:
        args["bounds"] = c["bounds"]
        args["res"] = tuple(c["res"])
    if "out_shape" in c:
        args["out_shape"] = tuple(c["out_shape"])
    if "resampling" in c:
        args["resampling"] = c["resampling"]
    args.update(kw)
    return cogr.stack([path(s) for s in c["scenes"]], **args)


@pytest.mark.parametrize("name", [c["name"] for c in cases()["cases"]])
def test_stack_equals_rasterio(name):
    c = case(name)
    want = np.load(path(c["npy"]))
    st = open_case(c)
    assert st.shape == want.shape
    assert st.dtype == np.uint16
    got = st.read()
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_concat_and_metadata():
    c = case("bounds_mixed_inside")
    st = open_case(c, stack=False)
    assert st.shape == (6, 40, 30)
    assert tuple(st.transform)[:6] == (10.0, 0.0, 500200.0, 0.0, -10.0, 4099900.0)
    assert st.crs_epsg == 32633
    assert st.uris == [path(s) for s in c["scenes"]]
    assert st.scenes[1]["window"] == (5.0, 20.0, 15.0, 20.0)  # s3's own pixels
    np.testing.assert_array_equal(st.read(), np.load(path(c["npy"])).reshape(6, 40, 30))


def test_isel_is_lazy_and_equals_the_slice():
    c = case("bounds_mixed_inside")
    st = open_case(c)
    full = np.load(path(c["npy"]))
    sub = st.isel(time=[2, 1], band=1, y=slice(6, 14), x=slice(4, 14))
    assert sub.shape == (2, 1, 8, 10)
    np.testing.assert_array_equal(sub.read(), full[[2, 1]][:, [1], 6:14, 4:14])
    # Reaching outside the grid: the scenes' own boundless reads give the fill beyond.
    edge = st.isel(time=slice(0, 1), y=slice(-2, 3), x=slice(0, 2))
    assert edge.shape == (1, 2, 5, 2)
    with pytest.raises(IndexError):
        st.isel(time=3)


def test_missing_scene_raises_naming_it():
    missing = path("no_such_scene.tif")
    # The opens happen on first use: metadata, or read() (opens and reads overlapping).
    with pytest.raises(cogr.errors.NotFound) as e:
        cogr.stack([path("s0.tif"), missing]).shape
    assert str(e.value).startswith(f"scene 1 ({missing}): ")
    with pytest.raises(cogr.errors.NotFound) as e:
        cogr.stack([path("s0.tif"), missing], window=(8, 16, 24, 20)).read()
    assert str(e.value).startswith(f"scene 1 ({missing}): ")


def test_missing_scene_filled_and_listed():
    missing = path("no_such_scene.tif")
    st = cogr.stack([path("s0.tif"), missing, path("s1.tif")], window=(8, 16, 24, 20), fill_failed=True)
    arr, failed = st.read(fill_failed=True, return_failed=True)
    assert [i for i, _ in failed] == [1]
    assert missing in failed[0][1]
    want = np.load(path("window_inside.npy"))
    np.testing.assert_array_equal(arr[0], want[0])
    np.testing.assert_array_equal(arr[2], want[1])
    assert (arr[1] == 65535).all()


def test_timeout_is_not_a_failed_scene(tmp_path):
    # fill_failed fills scenes that fail on their own, not scenes the read's own timeout cut
    # short: past it the read raises (it used to return fill for them).
    big = str(tmp_path / "big.tif")
    data = np.random.default_rng(1).integers(1, 4000, (1, 2048, 2048), dtype=np.uint16)
    cogr.write(big, data, tiled=True, blockxsize=256, blockysize=256, compress="deflate")
    st = cogr.stack([big, big], window=(0, 0, 2048, 2048), fill_failed=True)
    with pytest.raises(cogr.errors.Cancelled) as e:
        st.read(fill_failed=True, timeout_ms=1)
    assert str(e.value) == f"scene 0 ({big}): read deadline exceeded (timeout 1 ms)"
    arr, failed = st.read(fill_failed=True, timeout_ms=60000, return_failed=True)
    assert failed == []
    np.testing.assert_array_equal(arr[:, 0], np.concatenate([data, data]))


def test_other_crs_raises_naming_it():
    other = path("s4_32634.tif")
    with pytest.raises(cogr.errors.InvalidArgument) as e:
        cogr.stack([path("s0.tif"), other]).read()
    assert str(e.value) == f"scene 1 ({other}): CRS EPSG:32634 differs from the stack's EPSG:32633 (a stack does not reproject)"


def test_sample_equals_rasterio():
    s = cases()["sample"]
    want = np.load(path(s["npy"]))
    st = cogr.stack([path(p) for p in s["scenes"]])
    got = st.sample(s["points"], indexes=s["bands"])
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(st.sample(s["points_4326"], indexes=s["bands"], crs="EPSG:4326"), want)


def test_stack_through_catalog_sends_no_header_request(nginx, tmp_path):
    """A catalog of 3 scenes over nginx, then cogr.stack(catalog=...): one data GET per scene,
    none for a header, the pixels of cogr.stack(uris)."""
    import cogr.catalog

    uris = [nginx.url(f"io/cog_u8_deflate_256_t32.tif?t=py-cat-{i}") for i in range(3)]
    cogr.catalog.build(uris, tmp_path / "scenes.gpkg", memory_header_cache=False, persisted_header_cache=False)
    cat = cogr.catalog.open(tmp_path / "scenes.gpkg")
    before = len(nginx.requests())
    st = cogr.stack(catalog=cat, where="fid >= 2", window=(40, 72, 80, 80), block_cache_bytes=0)
    assert st.uris == uris[1:]
    assert len(nginx.requests()) == before  # the opens sent nothing
    arr, failed, stats = st.read_stats()
    assert failed == []
    assert [s["requests"] for s in stats] == [1, 1]
    lines = nginx.requests()[before:]
    assert len(lines) == 2
    for line in lines:  # window bytes only: no GET of the header prefix (bytes=0-...)
        assert line[0].startswith("GET /io/cog_u8_deflate_256_t32.tif?t=py-cat-")
        assert line[2] == "206"
        assert line[1].startswith("bytes=") and not line[1].startswith("bytes=0-")
    direct = cogr.stack([u + "-direct" for u in uris[1:]], window=(40, 72, 80, 80),
                        memory_header_cache=False, persisted_header_cache=False).read()
    assert arr.shape == (2, 1, 80, 80)
    assert np.array_equal(arr, direct)
    # Catalog.stack is the same call.
    assert np.array_equal(cat.stack(where="fid >= 2", window=(40, 72, 80, 80)).read(), direct)
    with pytest.raises(cogr.errors.NotFound, match="no scene matches the query"):
        cogr.stack(catalog=cat, where="fid > 9", window=(0, 0, 8, 8))
    with pytest.raises(ValueError, match="give uris or catalog, not both"):
        cogr.stack(uris, catalog=cat)


@pytest.mark.parametrize("name", [c["name"] for c in cases()["cases"]])
def test_read_first_opens_and_reads_at_once(name):
    # read() before any metadata: each scene's read starts as its open completes
    # (cogr::Stack::OpenAndRead); the metadata then comes from the stack that read opened.
    c = case(name)
    want = np.load(path(c["npy"]))
    st = open_case(c)
    got, failed, stats = st.read_stats()
    np.testing.assert_array_equal(got, want)
    assert failed == [] and len(stats) == len(c["scenes"])
    assert st.shape == want.shape and st.dtype == np.uint16
