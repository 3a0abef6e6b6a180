"""cogr.dask.read on a dask.distributed LocalCluster (2 worker processes) and the xarray
engine "cogr", against rasterio's recorded arrays."""
import os

import numpy as np
import pytest

import cogr
from conftest import EXPECTED, FIXTURES

TILED = os.path.join(FIXTURES, "tile256x128_u8_deflate.tif")  # 420 x 300, blocks 128 rows x 256 cols
TENTH = os.path.join(FIXTURES, "rasterio__rgb-byte-tenth.tif")


def expected(name):
    return np.load(os.path.join(EXPECTED, name))


def test_dask_chunks_are_aligned_to_blocks():
    import cogr.dask

    a = cogr.dask.read(TILED)
    assert a.shape == (1, 300, 420)
    assert a.chunks == ((1,), (300,), (420,))  # "auto": multiples of the blocks up to ~1024
    b = cogr.dask.read(TILED, chunks=(100, 200))
    assert b.chunks == ((1,), (128, 128, 44), (256, 164))  # rounded up to whole blocks
    c = cogr.dask.read(TENTH, chunks=(3, 20, 20))
    assert c.chunks == ((3,), (34, 34, 3), (79,))  # strips of 34 rows, one block wide
    assert np.array_equal(b.compute(), cogr.open(TILED).read())
    assert np.array_equal(c[1:, 10:50, 5:70].compute(), cogr.open(TENTH).read([2, 3], window=((10, 50), (5, 70))))


def test_dask_on_a_local_cluster_with_two_processes():
    distributed = pytest.importorskip("distributed")
    import cogr.dask

    want = expected("tile256x128_u8_deflate.full_b1.npy")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  scheduler_port=0, silence_logs=40) as cluster, distributed.Client(cluster) as client:
        a = cogr.dask.read(TILED, chunks=(128, 256))
        assert a.npartitions == 6
        got = client.compute(a).result(timeout=120)
        pids = client.run(os.getpid)
        assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
        # The Dataset itself ships to the workers (pickled by URI and options).
        ds = cogr.open(TILED, block_cache_bytes=0)
        remote = client.submit(lambda d: d.read(1, window=cogr.Window(100, 50, 20, 10)), ds).result(timeout=60)
    assert np.array_equal(got, want)
    assert np.array_equal(remote, want[0, 50:60, 100:120])


def test_xarray_open_isel_compute():
    xr = pytest.importorskip("xarray")
    want = expected("rasterio__rgb-byte-tenth.window_interior.npy")  # bands 1-3, window 0,14,79,41
    with xr.open_dataset(TENTH, engine="cogr", mask_and_scale=False) as x:
        v = x["band_data"]
        assert v.dims == ("band", "y", "x") and v.shape == (3, 71, 79)
        assert list(x["band"].values) == [1, 2, 3]
        assert v.attrs["_FillValue"] == 0
        ref = x["spatial_ref"]
        ds = cogr.open(TENTH)
        assert ref.attrs["crs_wkt"] == ds.crs_wkt and ref.attrs["spatial_ref"] == ds.crs_wkt
        t = ds.transform
        assert [float(s) for s in ref.attrs["GeoTransform"].split()] == [t.c, t.a, t.b, t.f, t.d, t.e]
        assert v.encoding.get("grid_mapping") == "spatial_ref"
        # Lazy: nothing read until values are asked for.
        assert isinstance(v.variable._data, xr.core.indexing.LazilyIndexedArray) or not v.variable._in_memory
        sub = v.isel(y=slice(14, 55))
        assert np.array_equal(sub.values, want)
        assert np.array_equal(v.isel(band=1, y=20, x=slice(3, 9)).values, want[1, 6, 3:9])
        assert np.array_equal(v.isel(x=[1, 5, 2], y=3).values, cogr.open(TENTH).read()[:, 3, [1, 5, 2]])
        assert np.array_equal(v[:, ::7, ::5].values, cogr.open(TENTH).read()[:, ::7, ::5])
    with xr.open_dataset(TENTH, engine="cogr") as x:  # default CF decoding: nodata 0 -> NaN
        v = x["band_data"]
        assert v.encoding["_FillValue"] == 0
        full = cogr.open(TENTH).read()
        assert np.array_equal(np.isnan(v.values), full == 0)


def test_xarray_with_dask_chunks():
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(TILED, engine="cogr", chunks={"y": 128, "x": 256}) as x:
        v = x["band_data"]
        assert v.chunks == ((1,), (128, 128, 44), (256, 164))
        assert np.array_equal(v.compute().values, expected("tile256x128_u8_deflate.full_b1.npy"))
