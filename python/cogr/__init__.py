"""cogr: read Cloud-Optimized GeoTIFFs and GeoTIFFs (local, http(s), s3://, gs://, az://) into
numpy arrays with rasterio's names, through cogr's C++ library (no GDAL).

    import cogr
    with cogr.open("tests/data/sample.tif") as ds:
        band = ds.read(1, window=cogr.Window(0, 0, 256, 256))

See docs/python.md for the whole API (asyncio, xarray engine "cogr", Dask, masks, writing).
"""
import asyncio
import json
import os

import numpy as np

from . import _cogr, errors
from ._dataset import BoundingBox, Dataset, Resampling, Window, _affine, _bands, _resolve, _window_tuple
from ._stack import Stack, stack

__version__ = _cogr.__version__

# The request timeline: open(..., trace=t), ds.read(..., trace=t), t.to_chrome_json() (docs/trace.md).
Trace = _cogr.Trace

__all__ = [
    "open", "open_async", "stack", "Stack", "write", "mask", "geometry_mask", "Dataset", "DatasetWriter", "Window",
    "Resampling", "BoundingBox", "errors", "set_thread_count", "thread_count", "set_buffer_pool_bytes",
    "buffer_pool_bytes", "Trace", "__version__",
]


def _uri(path):
    return os.fspath(path) if isinstance(path, os.PathLike) else path


def open(fp, mode="r", **options):  # noqa: A001 - rasterio's name
    """Opens a GeoTIFF/COG for reading (mode "r") or creates one (mode "w").

    Reading: fp is a path or a URI (file://, http(s)://, s3://, gs://, az://); options are the
    C++ OpenOptions (header_read_bytes, block_cache_bytes, timeout_ms, max_read_bytes, headers,
    verify_tls, max_retries, ... see docs/python.md). The GIL is released while it opens.
    Writing: options are a rasterio profile (width, height, count, dtype, crs, transform,
    nodata, tiled, blockxsize, blockysize, compress, predictor, interleave, overviews, ...);
    the file is written when the DatasetWriter closes.
    """
    uri = _uri(fp)
    if mode == "r":
        return Dataset(_cogr.Dataset.open(uri, options), uri, options)
    if mode == "w":
        return DatasetWriter(uri, options)
    raise ValueError(f"mode must be 'r' or 'w', not {mode!r}")


async def open_async(fp, **options):
    """open() on asyncio, for reading: the open runs on cogr's async executor (Dataset::OpenAsync,
    no Python thread) and the awaiting task resumes through loop.call_soon_threadsafe."""
    uri = _uri(fp)
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def done(native, exc):  # on a cogr executor thread, GIL held
        try:
            loop.call_soon_threadsafe(_resolve, fut, native, exc)
        except RuntimeError:  # the loop was closed meanwhile
            pass

    _cogr.Dataset.open_async(uri, options, done)
    return Dataset(await fut, uri, options)


def set_thread_count(threads):
    """Threads one read may use to fetch and decode blocks (0 = hardware threads)."""
    _cogr.set_thread_count(int(threads))


def thread_count():
    return _cogr.thread_count()


def set_buffer_pool_bytes(nbytes):
    """Memory of freed read results (arrays of 1 MiB or more, at most 4) kept for the next reads
    of the same size, so a loop of reads into fresh arrays costs what reads into one kept array
    cost. Default 256 MiB; 0 turns the pool off and releases what it holds."""
    _cogr.set_buffer_pool_bytes(int(nbytes))


def buffer_pool_bytes():
    """(capacity, bytes held now) of the pool of set_buffer_pool_bytes."""
    return _cogr.buffer_pool_bytes(), _cogr.buffer_pool_held_bytes()


# -- writing ------------------------------------------------------------------------------


def _native_profile(profile):
    """A profile with the values the C++ writer takes: CRS as EPSG int or text, transform as 6
    numbers, dtype as its numpy name."""
    out = {}
    for key, value in profile.items():
        k = key.lower()
        if k == "crs" and value is not None and not isinstance(value, (int, str)):
            epsg = value.to_epsg() if hasattr(value, "to_epsg") else None
            value = epsg if epsg is not None else value.to_wkt()
        elif k == "transform" and value is not None:
            value = tuple(value)[:6] if not hasattr(value, "a") else (value.a, value.b, value.c, value.d, value.e,
                                                                       value.f)
        elif k == "dtype" and value is not None:
            value = value if isinstance(value, str) and value.startswith("complex_int") else np.dtype(value).name
        elif k == "overviews" and value is not None:
            value = list(value)
        out[k] = value
    return out


def write(path, array, profile=None, **kwargs):
    """Writes a (count, height, width) or (height, width) array as a tiled GeoTIFF/COG.

    profile (and keyword arguments, which win) is a rasterio profile; width, height, count and
    dtype default to the array's. The file appears complete or not at all."""
    arr = np.asarray(array)
    if arr.ndim == 2:
        arr = arr[np.newaxis]
    if arr.ndim != 3:
        raise ValueError("array must be (count, height, width) or (height, width)")
    p = {"count": arr.shape[0], "height": arr.shape[1], "width": arr.shape[2], "dtype": arr.dtype.name}
    p.update(dict(profile or {}))
    p.update(kwargs)
    _cogr.write(_uri(path), _native_profile(p), np.ascontiguousarray(arr))


class DatasetWriter:
    """open(path, "w", **profile): band data collects in memory; close() writes the file."""

    def __init__(self, path, profile):
        self.name = path
        self.profile = dict(profile)
        try:
            self.width, self.height = int(profile["width"]), int(profile["height"])
            self.count = int(profile.get("count", 1))
            dtype = np.dtype(profile.get("dtype", "uint8"))
        except KeyError as e:
            raise errors.InvalidArgument(f"{path}: the profile has no {e.args[0]}") from None
        self.dtypes = (dtype.name,) * self.count
        self.nodata = profile.get("nodata")
        self.transform = _affine(_native_profile({"transform": profile["transform"]})["transform"]) \
            if profile.get("transform") is not None else None
        self.crs = profile.get("crs")
        fill = 0 if self.nodata is None else self.nodata
        self._data = np.full((self.count, self.height, self.width), fill, dtype=dtype)
        self.closed = False

    @property
    def mode(self):
        return "w"

    def write(self, arr, indexes=None, window=None):
        """rasterio's write: a 3-D array to `indexes` (default all bands) or a 2-D one to one band."""
        if self.closed:
            raise ValueError("I/O operation on a closed dataset")
        bands, squeeze = _bands(indexes, self.count)
        arr = np.asarray(arr)
        if squeeze or arr.ndim == 2:
            arr = arr.reshape((1,) + arr.shape[-2:]) if arr.ndim == 2 else arr
        target = self._data
        idx = [b - 1 for b in bands]
        if any(i < 0 or i >= self.count for i in idx):
            raise errors.OutOfRange(f"band out of range (the profile has {self.count} bands)")
        if window is None:
            target[idx] = arr
        else:
            c, r, w, h = (int(round(v)) for v in _window_tuple(window))
            for k, i in enumerate(idx):
                target[i, r:r + h, c:c + w] = arr[k]

    def close(self):
        if not self.closed:
            self.closed = True
            write(self.name, self._data, self.profile)
            self._data = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:  # nothing is written after an error
            self.closed = True
            self._data = None


# -- masking ------------------------------------------------------------------------------


def _geojson_texts(shapes):
    texts = []
    for s in shapes:
        if isinstance(s, str):
            texts.append(s)
            continue
        if hasattr(s, "__geo_interface__"):
            s = s.__geo_interface__
        texts.append(json.dumps(s))
    return texts


def mask(dataset, shapes, all_touched=False, invert=False, nodata=None, filled=True, crop=False, pad=False,
         pad_width=0.5, indexes=None):
    """rasterio.mask.mask over cogr's C++ mask module: (out_image, out_transform).

    shapes: GeoJSON-like dicts, objects with __geo_interface__, or GeoJSON text (geometries,
    Features or FeatureCollections), in the dataset's CRS. filled=False gives a numpy.ma array
    masked outside the shapes (and at the file's nodata)."""
    if pad and pad_width != 0.5:
        raise errors.InvalidArgument("pad_width other than 0.5 is not supported")
    ds = dataset._native() if isinstance(dataset, Dataset) else dataset
    bands, squeeze = _bands(indexes, ds.count)
    if indexes is None:
        bands = []
    data, valid, transform = _cogr.mask(ds, _geojson_texts(shapes), crop, pad, all_touched, invert, filled, nodata,
                                        bands)
    if not filled:
        data = np.ma.masked_array(data, mask=valid == 0)
    if squeeze:
        data = data[0]
    return data, _affine(transform)


def geometry_mask(geometries, out_shape, transform, all_touched=False, invert=False):
    """rasterio.features.geometry_mask: bool array, True outside the shapes (inside with invert)."""
    h, w = (int(v) for v in out_shape)
    t = (transform.a, transform.b, transform.c, transform.d, transform.e, transform.f) if hasattr(transform, "a") \
        else tuple(transform)[:6]
    return _cogr.geometry_mask(_geojson_texts(geometries), h, w, t, all_touched, invert)[0].astype(bool)
