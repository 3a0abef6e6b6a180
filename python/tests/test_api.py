"""The Python API's own behaviour: argument forms, zero-copy results, out=, errors by code,
pickling, writing, helpers."""
import os
import pickle

import numpy as np
import pytest

import cogr
from conftest import DATA, EXPECTED, FIXTURES, SAMPLE

TENTH = os.path.join(FIXTURES, "rasterio__rgb-byte-tenth.tif")


def expected(name):
    return np.load(os.path.join(EXPECTED, name))


def test_open_read_sample():
    with cogr.open(SAMPLE) as ds:
        assert ds.read(1).shape == (64, 64)
        assert ds.read().shape == (4, 64, 64)
    assert ds.closed
    with pytest.raises(ValueError, match="closed"):
        ds.read(1)


def test_open_pathlike():
    import pathlib

    assert cogr.open(pathlib.Path(SAMPLE)).width == 64


def test_window_forms_are_equivalent():
    ds = cogr.open(TENTH)
    want = expected("rasterio__rgb-byte-tenth.bands_subset.npy")  # bands [3, 1], window 1,2,57,33
    assert np.array_equal(ds.read([3, 1], window=cogr.Window(1, 2, 57, 33)), want)
    assert np.array_equal(ds.read([3, 1], window=((2, 35), (1, 58))), want)
    assert np.array_equal(ds.read([3, 1], window=(slice(2, 35), slice(1, 58))), want)
    assert np.array_equal(ds.read([3, 1], window=cogr.Window.from_slices((2, 35), (1, 58))), want)
    assert cogr.Window.from_slices((2, 35), (1, 58)) == cogr.Window(1, 2, 57, 33)
    assert cogr.Window(1, 2, 57, 33).toranges() == ((2, 35), (1, 58))
    with pytest.raises(ValueError, match="window"):
        ds.read(1, window=(1, 2, 3))


def test_indexes_int_gives_2d_and_list_gives_3d():
    ds = cogr.open(TENTH)
    full = expected("rasterio__rgb-byte-tenth.full_b1.npy")
    assert ds.read(1).shape == (71, 79)
    assert np.array_equal(ds.read(1), full[0])
    assert np.array_equal(ds.read([1]), full)
    assert ds.read().shape == (3, 71, 79)


def test_resampling_by_name_enum_and_int():
    ds = cogr.open(TENTH)
    want = expected("rasterio__rgb-byte-tenth.outshape_nearest.npy")
    assert np.array_equal(ds.read(out_shape=(26, 29)), want)
    assert np.array_equal(ds.read(out_shape=(3, 26, 29), resampling="nearest"), want)
    a = ds.read(out_shape=(26, 29), resampling=cogr.Resampling.average)
    assert np.array_equal(a, ds.read(out_shape=(26, 29), resampling="average"))
    assert np.array_equal(a, ds.read(out_shape=(26, 29), resampling=5))
    with pytest.raises(cogr.errors.InvalidArgument, match="unknown resampling 'foo'"):
        ds.read(1, out_shape=(3, 3), resampling="foo")


def test_read_result_is_the_cpp_memory():
    arr = cogr.open(SAMPLE).read()
    assert not arr.flags.owndata  # the capsule owning the C++ Array is its base
    assert type(arr.base).__name__ == "PyCapsule"
    assert arr.flags.c_contiguous and arr.flags.writeable
    band = cogr.open(SAMPLE).read(2)  # a view of the (1, h, w) result, no copy
    assert isinstance(band.base, np.ndarray) and type(band.base.base).__name__ == "PyCapsule"


def test_out_reads_into_the_callers_array():
    ds = cogr.open(TENTH)
    want = expected("rasterio__rgb-byte-tenth.window_edge.npy")  # bands 1,2,3 window 42,31,37,40
    out = np.full((3, 40, 37), 99, np.uint8)
    got = ds.read(out=out, window=cogr.Window(42, 31, 37, 40))
    assert got is out
    assert np.array_equal(out, want)
    out2 = np.zeros((40, 37), np.uint8)
    assert ds.read(2, out=out2, window=cogr.Window(42, 31, 37, 40)) is out2
    assert np.array_equal(out2, want[1])


@pytest.mark.parametrize("bad,match", [
    (np.zeros((3, 40, 37), np.uint16), "dtype"),
    (np.zeros((3, 41, 37), np.uint8), "shape"),
    (np.zeros((3, 40, 74), np.uint8)[:, :, ::2], "C-contiguous"),
])
def test_out_rejects_wrong_arrays(bad, match):
    with pytest.raises(ValueError, match=match):
        cogr.open(TENTH).read(out=bad, window=cogr.Window(42, 31, 37, 40))


def test_out_rejects_read_only_arrays():
    out = np.zeros((3, 40, 37), np.uint8)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        cogr.open(TENTH).read(out=out, window=cogr.Window(42, 31, 37, 40))


def test_errors_by_code_with_the_cpp_message():
    with pytest.raises(cogr.errors.NotFound) as e:
        cogr.open("/nonexistent/x.tif")
    assert str(e.value) == "/nonexistent/x.tif: No such file or directory"
    assert isinstance(e.value, FileNotFoundError) and isinstance(e.value, cogr.errors.CogrError)
    assert e.value.code == "not_found"
    ds = cogr.open(SAMPLE)
    with pytest.raises(cogr.errors.OutOfRange) as e:
        ds.read(9)
    assert str(e.value) == f"{SAMPLE}: band 9 out of range (file has 4 bands; bands are 1-based)"
    with pytest.raises(cogr.errors.OutOfRange) as e:
        ds.read(1, window=cogr.Window(60, 60, 10, 10))
    assert str(e.value) == (f"{SAMPLE}: window (60, 60, 10, 10) is outside the image (64 x 64); "
                            "use a boundless read")
    bad = os.path.join(DATA, "malformed", "bad_magic.tif")
    with pytest.raises(cogr.errors.InvalidFile) as e:
        cogr.open(bad)
    assert str(e.value) == f"{bad}: not a TIFF file (bad magic 47 49 46 38)"
    short = os.path.join(DATA, "malformed", "tile_offsets_short.tif")
    with pytest.raises(cogr.errors.InvalidFile, match="tag 324 has 3 tile offsets, 4 blocks need one each"):
        cogr.open(short)
    with pytest.raises(cogr.errors.LimitExceeded, match="exceeds max_read_bytes 100"):
        cogr.open(SAMPLE, max_read_bytes=100).read()
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        cogr.open(SAMPLE, colour=1)


def test_every_code_has_a_class():
    names = ["InvalidFile", "Unsupported", "LimitExceeded", "IoError", "Unavailable", "NotFound", "OutOfRange",
             "InvalidArgument", "Cancelled"]
    for n in names:
        cls = getattr(cogr.errors, n)
        assert issubclass(cls, cogr.errors.CogrError)
    assert len({getattr(cogr.errors, n).code for n in names}) == len(names)


def test_pickle_reopens_by_uri_and_options():
    ds = cogr.open(TENTH, block_cache_bytes=0, header_read_bytes=4096)
    ds2 = pickle.loads(pickle.dumps(ds))
    assert ds2 is not ds and ds2.name == TENTH
    assert ds2.options == {"block_cache_bytes": 0, "header_read_bytes": 4096}
    assert np.array_equal(ds2.read(), ds.read())
    w = pickle.loads(pickle.dumps(cogr.Window(1, 2, 3, 4)))
    assert w == cogr.Window(1, 2, 3, 4)


def test_block_windows_cover_the_image_once():
    ds = cogr.open(os.path.join(FIXTURES, "tile256x128_u8_deflate.tif"))  # 420 x 300, blocks 128 x 256
    blocks = list(ds.block_windows())
    assert ds.block_shapes[0] == (128, 256)
    assert len(blocks) == 3 * 2
    assert blocks[0] == ((0, 0), cogr.Window(0, 0, 256, 128))
    assert blocks[-1] == ((2, 1), cogr.Window(256, 256, 164, 44))
    assert sum(w.width * w.height for _, w in blocks) == 420 * 300


def test_sample_equals_pixel_reads():
    ds = cogr.open(TENTH)
    full = ds.read()
    t = ds.transform
    pts = [t * (c + 0.5, r + 0.5) for r, c in ((0, 0), (10, 20), (70, 78))] + [t * (-3, -3)]
    got = list(ds.sample(pts))
    assert [g.tolist() for g in got[:3]] == [full[:, 0, 0].tolist(), full[:, 10, 20].tolist(),
                                             full[:, 70, 78].tolist()]
    assert got[3].tolist() == [0, 0, 0]  # outside: nodata
    assert [g.tolist() for g in ds.sample(pts[:2], indexes=[2])] == [[full[1, 0, 0]], [full[1, 10, 20]]]


def test_profile_round_trips_through_write(tmp_path):
    ds = cogr.open(TENTH)
    p = ds.profile
    assert p["driver"] == "GTiff" and p["dtype"] == "uint8" and p["count"] == 3 and p["nodata"] == 0
    assert (p["width"], p["height"]) == (79, 71)
    out = tmp_path / "copy.tif"
    profile = dict(p, tiled=True, blockxsize=32, blockysize=32, compress="deflate")
    cogr.write(out, ds.read(), profile)
    with cogr.open(out) as copy:
        assert np.array_equal(copy.read(), ds.read())
        assert copy.crs_wkt == ds.crs_wkt
        assert tuple(copy.transform) == tuple(ds.transform)
        assert copy.nodata == 0 and copy.compression == "deflate" and copy.block_shapes[0] == (32, 32)


def test_write_mode_and_overviews(tmp_path):
    from affine import Affine

    path = tmp_path / "w.tif"
    data = (np.arange(2 * 64 * 96) % 251).astype(np.uint16).reshape(2, 64, 96)
    profile = dict(driver="GTiff", width=96, height=64, count=2, dtype="uint16", crs="EPSG:32633",
                   transform=Affine(10, 0, 500000, 0, -10, 4000000), nodata=65535, tiled=True,
                   blockxsize=32, blockysize=32, compress="zstd", predictor=2, overviews=[2, 4])
    with cogr.open(path, "w", **profile) as dst:
        dst.write(data[0], 1)
        dst.write(data[1:], [2])
    assert not (tmp_path / "w.tif.tmp").exists()
    with cogr.open(path) as src:
        assert np.array_equal(src.read(), data)
        assert src.crs_epsg == 32633 and src.nodata == 65535 and src.overviews(1) == [2, 4]
        assert src.compression == "zstd" and src.is_cog
        assert tuple(src.transform)[:6] == (10, 0, 500000, 0, -10, 4000000)
        assert np.array_equal(src.read(1, overview=0), data[0, ::2, ::2])  # nearest overview


def test_write_errors_leave_no_file(tmp_path):
    path = tmp_path / "bad.tif"
    with pytest.raises(cogr.errors.InvalidArgument, match="blockxsize"):
        cogr.write(path, np.zeros((1, 32, 32), np.uint8), blockxsize=30)
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match="dtype"):
        cogr.write(path, np.zeros((1, 32, 32), np.uint8), dtype="uint16")
    with pytest.raises(TypeError, match="unsupported profile key 'colour'"):
        cogr.write(path, np.zeros((1, 32, 32), np.uint8), colour=1)
    assert os.listdir(tmp_path) == []


def test_geometry_mask():
    from affine import Affine

    square = {"type": "Polygon", "coordinates": [[(1, -1), (3, -1), (3, -3), (1, -3), (1, -1)]]}
    m = cogr.geometry_mask([square], (4, 5), Affine(1, 0, 0, 0, -1, 0))
    want = np.ones((4, 5), bool)
    want[1:3, 1:3] = False
    assert np.array_equal(m, want)
    assert np.array_equal(cogr.geometry_mask([square], (4, 5), Affine(1, 0, 0, 0, -1, 0), invert=True), ~want)


def test_mask_errors():
    ds = cogr.open(TENTH)
    far = {"type": "Point", "coordinates": [0, 0]}
    with pytest.raises(cogr.errors.InvalidArgument, match="Input shapes do not overlap raster."):
        cogr.mask(ds, [far], crop=True)
    with pytest.raises(cogr.errors.InvalidArgument, match="GeoJSON"):
        cogr.mask(ds, ['{"type": "Polygon"}'])


def test_xy_index_window_helpers():
    ds = cogr.open(TENTH)
    x, y = ds.xy(0, 0)
    assert ds.index(x, y) == (0, 0)
    win = ds.window(*ds.bounds)
    assert tuple(win) == pytest.approx((0, 0, 79, 71))
    assert tuple(ds.window_transform(cogr.Window(1, 2, 3, 4)))[:6] == pytest.approx(
        tuple(ds.transform * ds.transform.translation(1, 2))[:6])


def test_threads_setting():
    n = cogr.thread_count()
    assert n >= 1
    cogr.set_thread_count(1)
    try:
        assert cogr.thread_count() == 1
        assert cogr.open(SAMPLE).read().shape == (4, 64, 64)
    finally:
        cogr.set_thread_count(0)


def test_buffer_pool_reuses_freed_results_only():
    path = os.path.join(FIXTURES, "tile256x128_u8_deflate.tif")  # 420 x 300 uint8: below 1 MiB
    big = os.path.join(FIXTURES, "b7_u16_band_deflate_t128.tif")  # 7 x 130 x 169 uint16: below too
    assert cogr.buffer_pool_bytes()[0] == 256 << 20
    ds = cogr.open(SAMPLE)
    cogr.set_buffer_pool_bytes(0)
    assert cogr.buffer_pool_bytes() == (0, 0)
    cogr.set_buffer_pool_bytes(64 << 20)
    try:
        # A 1 MiB+ read: boundless, 3 x 512 x 1024 uint8 = 1.5 MiB of fill and pixels.
        win = cogr.Window(-100, -100, 1024, 512)
        a = ds.read([1, 2, 3], window=win, boundless=True, fill_value=3)
        b = ds.read([1, 2, 3], window=win, boundless=True, fill_value=3)
        assert not np.shares_memory(a, b) and np.array_equal(a, b)
        assert cogr.buffer_pool_bytes()[1] == 0
        want = a.copy()
        addr = a.__array_interface__["data"][0]
        del a
        assert cogr.buffer_pool_bytes()[1] == 3 * 512 * 1024
        c = ds.read([1, 2, 3], window=win, boundless=True, fill_value=3)
        assert c.__array_interface__["data"][0] == addr  # the freed memory, every byte rewritten
        assert np.array_equal(c, want) and cogr.buffer_pool_bytes()[1] == 0
        c[...] = 77  # caller's scribbles on a freed array do not reach the next read
        del c
        assert np.array_equal(ds.read([1, 2, 3], window=win, boundless=True, fill_value=3), want)
        assert cogr.open(path).read().nbytes < (1 << 20) and cogr.open(big).read().nbytes < (1 << 20)
        assert cogr.buffer_pool_bytes()[1] <= 3 * 512 * 1024
    finally:
        cogr.set_buffer_pool_bytes(256 << 20)
