"""Dataset: rasterio's DatasetReader names over cogr's C++ Dataset (cogr._cogr)."""
import asyncio
import enum
import math
from collections import namedtuple

import numpy as np

from . import _cogr

try:
    from affine import Affine as _Affine
except ImportError:  # pragma: no cover - python3-affine is a dependency
    _Affine = None

try:
    import pyproj as _pyproj
except ImportError:  # pragma: no cover - optional
    _pyproj = None

BoundingBox = namedtuple("BoundingBox", ("left", "bottom", "right", "top"))
"""rasterio.coords.BoundingBox(left, bottom, right, top)."""


class Resampling(enum.IntEnum):
    """Resampling kernels of out_shape reads; values are rasterio's (rasterio.enums.Resampling)."""

    nearest = 0
    bilinear = 1
    cubic = 2
    average = 5
    mode = 6
    max = 8
    min = 9
    med = 10
    q1 = 11
    q3 = 12


class Window:
    """rasterio.windows.Window(col_off, row_off, width, height); offsets and sizes may be fractional."""

    __slots__ = ("col_off", "row_off", "width", "height")

    def __init__(self, col_off, row_off, width, height):
        self.col_off = col_off
        self.row_off = row_off
        self.width = width
        self.height = height

    @classmethod
    def from_slices(cls, rows, cols):
        """Window from ((row_start, row_stop), (col_start, col_stop)) or two slice objects."""
        r0, r1 = _range(rows, "rows")
        c0, c1 = _range(cols, "cols")
        return cls(c0, r0, c1 - c0, r1 - r0)

    def toranges(self):
        """((row_start, row_stop), (col_start, col_stop))."""
        return ((self.row_off, self.row_off + self.height), (self.col_off, self.col_off + self.width))

    def toslices(self):
        """(slice(row_start, row_stop), slice(col_start, col_stop))."""
        (r0, r1), (c0, c1) = self.toranges()
        return (slice(r0, r1), slice(c0, c1))

    def flatten(self):
        return (self.col_off, self.row_off, self.width, self.height)

    def todict(self):
        return {"col_off": self.col_off, "row_off": self.row_off, "width": self.width, "height": self.height}

    def __iter__(self):
        return iter(self.flatten())

    def __eq__(self, other):
        try:
            return self.flatten() == _window_tuple(other)
        except (TypeError, ValueError):
            return NotImplemented

    def __hash__(self):
        return hash(self.flatten())

    def __repr__(self):
        return "Window(col_off={}, row_off={}, width={}, height={})".format(*self.flatten())

    def __reduce__(self):
        return (Window, self.flatten())


def _range(r, what):
    if isinstance(r, slice):
        if r.start is None or r.stop is None or r.step not in (None, 1):
            raise ValueError(f"{what}: a slice needs a start and a stop and no step")
        return r.start, r.stop
    try:
        a, b = r
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be (start, stop), not {r!r}") from None
    return a, b


def _window_tuple(window):
    """(col_off, row_off, width, height) floats of a cogr/rasterio Window or ((r0, r1), (c0, c1))."""
    if window is None:
        return None
    if hasattr(window, "col_off"):
        return (float(window.col_off), float(window.row_off), float(window.width), float(window.height))
    try:
        rows, cols = window
    except (TypeError, ValueError):
        raise ValueError(f"window must be a Window or ((row_start, row_stop), (col_start, col_stop)), not {window!r}") from None
    return tuple(float(v) for v in Window.from_slices(rows, cols).flatten())


def _resampling_name(resampling):
    if isinstance(resampling, str):
        return resampling
    name = getattr(resampling, "name", None)
    if name is None:
        name = Resampling(int(resampling)).name
    return name


def _bands(indexes, count):
    """(1-based band list, whether the result is 2-D)."""
    if indexes is None:
        return list(range(1, count + 1)), False
    if isinstance(indexes, (int, np.integer)):
        return [int(indexes)], True
    return [int(i) for i in indexes], False


def _affine(t):
    return _Affine(*t) if _Affine is not None else tuple(t)


_ROUND_OPS = {math.floor: "floor", math.ceil: "ceil", round: "round", np.floor: "floor", np.ceil: "ceil",
              np.round: "round"}


def _resolve(fut, arr, exc):
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(arr)


class Dataset:
    """An open GeoTIFF/COG (rasterio's DatasetReader). Thread-safe: read from many threads at once.

    Make one with cogr.open(); it is a context manager and pickles by URI and open options.
    """

    def __init__(self, native, uri, options):
        self._ds = native
        self._uri = uri
        self._options = dict(options)
        self._closed = False
        self._crs = None
        self._crs_done = False

    # -- lifecycle -------------------------------------------------------------------------
    def close(self):
        """Drops the C++ Dataset (reads running in other threads keep it alive until they end)."""
        self._closed = True
        self._ds = None

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __reduce__(self):
        return (_reopen, (self._uri, self._options))

    def __repr__(self):
        state = "closed" if self._closed else "open"
        return f"<{state} cogr.Dataset name='{self._uri}' mode='r'>"

    def _native(self):
        if self._closed:
            raise ValueError("I/O operation on a closed dataset")
        return self._ds

    # -- metadata --------------------------------------------------------------------------
    @property
    def name(self):
        return self._uri

    @property
    def mode(self):
        return "r"

    @property
    def options(self):
        """The keyword options the dataset was opened with."""
        return dict(self._options)

    @property
    def driver(self):
        return "GTiff"

    @property
    def width(self):
        return self._native().width

    @property
    def height(self):
        return self._native().height

    @property
    def shape(self):
        return (self.height, self.width)

    @property
    def count(self):
        return self._native().count

    @property
    def indexes(self):
        return tuple(range(1, self.count + 1))

    @property
    def dtypes(self):
        return (self._native().dtype,) * self.count

    @property
    def nodata(self):
        return self._native().nodata

    @property
    def nodatavals(self):
        return (self.nodata,) * self.count

    @property
    def transform(self):
        return _affine(self._native().transform)

    @property
    def crs(self):
        """pyproj.CRS when pyproj is importable, else the WKT string; None without a CRS."""
        if not self._crs_done:
            wkt, epsg = self._native().crs()
            crs = None
            if wkt is not None:
                if _pyproj is not None:
                    crs = _pyproj.CRS.from_epsg(epsg) if epsg is not None else _pyproj.CRS.from_wkt(wkt)
                else:
                    crs = wkt
            self._crs, self._crs_done = crs, True
        return self._crs

    @property
    def crs_wkt(self):
        """WKT1 (GDAL's dialect, as rasterio's crs.to_wkt()) or None."""
        return self._native().crs_wkt

    @property
    def crs_epsg(self):
        return self._native().crs_epsg

    @property
    def bounds(self):
        return BoundingBox(*self._native().bounds)

    @property
    def res(self):
        return tuple(self._native().res)

    @property
    def block_shapes(self):
        return [tuple(self._native().block_shape)] * self.count

    @property
    def compression(self):
        c = self._native().compression
        return None if c == "none" else c

    @property
    def interleave(self):
        return self._native().interleave

    @property
    def is_tiled(self):
        return self._native().tiled

    @property
    def is_cog(self):
        return self._native().is_cog

    @property
    def descriptions(self):
        return tuple(d or None for d in self._native().descriptions)

    @property
    def scales(self):
        return tuple(self._native().scales)

    @property
    def offsets(self):
        return tuple(self._native().offsets)

    @property
    def io_stats(self):
        """What the source has cost so far: requests, bytes_fetched, bytes_used, retries, cache_hits."""
        return self._native().io_stats

    def overviews(self, bidx=1):
        """Decimation factors of the overviews of band `bidx` (rasterio's src.overviews(1))."""
        self._check_band(bidx)
        return list(self._native().overviews)

    def _check_band(self, bidx):
        if not 1 <= int(bidx) <= self.count:
            from .errors import OutOfRange

            raise OutOfRange(f"band {bidx} out of range (file has {self.count} bands; bands are 1-based)")

    @property
    def profile(self):
        """rasterio's profile (Dataset::profile): the keys cogr.write() takes to make a file like this one."""
        p = self._native().profile()
        p["crs"] = self.crs
        p["transform"] = _affine(p["transform"])
        order = ("driver", "dtype", "nodata", "width", "height", "count", "crs", "transform", "blockxsize",
                 "blockysize", "tiled", "compress", "interleave", "photometric")
        return {k: p[k] for k in order if k in p}

    def tags(self, bidx=0, ns=None):
        """rasterio's tags(bidx, ns): GDAL_METADATA items of the dataset (bidx 0) or a band, plus
        GDAL's TIFFTAG_* items and AREA_OR_POINT for the dataset."""
        return dict(self._native().tags(int(bidx), ns or ""))

    def colormap(self, bidx=1):
        """rasterio's colormap(bidx): {index: (r, g, b, a)} of a paletted band; cogr.errors.NotFound
        ("NULL color table") when the band has none."""
        return self._native().colormap(int(bidx))

    @property
    def meta(self):
        keys = ("driver", "dtype", "nodata", "width", "height", "count", "crs", "transform")
        p = self.profile
        return {k: p[k] for k in keys}

    # -- coordinates -----------------------------------------------------------------------
    def xy(self, row, col, offset="center"):
        """(x, y) of pixel (row, col): its centre by default (rasterio's dataset.xy)."""
        ds = self._native()
        if np.ndim(row) == 0 and np.ndim(col) == 0:
            return tuple(ds.xy(float(row), float(col), offset))
        pts = [ds.xy(float(r), float(c), offset) for r, c in zip(np.ravel(row), np.ravel(col))]
        return [p[0] for p in pts], [p[1] for p in pts]

    def index(self, x, y, op=math.floor):
        """(row, col) of the pixel holding (x, y), rounded by op (math.floor, round, math.ceil)."""
        name = op if isinstance(op, str) else _ROUND_OPS.get(op)
        if name is None:
            raise ValueError("op must be math.floor, math.ceil, round or their names")
        ds = self._native()
        if np.ndim(x) == 0 and np.ndim(y) == 0:
            return tuple(ds.index(float(x), float(y), name))
        pts = [ds.index(float(a), float(b), name) for a, b in zip(np.ravel(x), np.ravel(y))]
        return [p[0] for p in pts], [p[1] for p in pts]

    def window(self, left, bottom, right, top):
        """The Window covering a bounding box (rasterio's dataset.window / windows.from_bounds)."""
        return Window(*_cogr.window_from_bounds(left, bottom, right, top, tuple(self._native().transform)))

    def window_transform(self, window):
        return _affine(_cogr.window_transform(_window_tuple(window), tuple(self._native().transform)))

    def window_bounds(self, window):
        w = _window_tuple(window)
        t = self.window_transform(window)
        x0, y0 = t.c, t.f
        x1 = t.a * w[2] + t.b * w[3] + t.c
        y1 = t.d * w[2] + t.e * w[3] + t.f
        return BoundingBox(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def block_windows(self, bidx=0):
        """Yields ((block_row, block_col), Window) of every block, row by row (rasterio's)."""
        for row, col, c, r, w, h in self._native().block_windows(int(bidx)):
            yield (row, col), Window(int(c), int(r), int(w), int(h))

    def block_window(self, bidx, i, j):
        for (bj, bi), win in self.block_windows(bidx):
            if (bj, bi) == (i, j):
                return win
        raise IndexError(f"block ({i}, {j}) out of range")

    # -- reads -----------------------------------------------------------------------------
    def _read_args(self, indexes, window, out_shape, resampling, boundless, fill_value, overview, timeout_ms,
                   trace=None):
        ds = self._native()
        bands, squeeze = _bands(indexes, ds.count)
        shape = None
        if out_shape is not None:
            shape = tuple(int(v) for v in tuple(out_shape)[-2:])
        return dict(bands=bands, window=_window_tuple(window), boundless=bool(boundless),
                    fill=None if fill_value is None else float(fill_value), overview=overview, out_shape=shape,
                    resampling=_resampling_name(resampling), timeout_ms=int(timeout_ms), trace=trace), squeeze

    def read(self, indexes=None, out=None, window=None, masked=False, out_shape=None, boundless=False,
             resampling=Resampling.nearest, fill_value=None, out_dtype=None, overview=None, timeout_ms=0,
             trace=None):
        """Reads bands into a numpy array (rasterio's read).

        indexes: a band (2-D result) or a list of bands (3-D), 1-based; default all bands.
        window: cogr.Window / rasterio Window or ((row_start, row_stop), (col_start, col_stop)).
        out_shape: (height, width) or (bands, height, width): resample to this size with
        `resampling` (a name or cogr.Resampling). boundless: pixels outside the image get
        fill_value (default nodata, else 0). out: a C-contiguous array of the read's dtype and
        shape to read into. masked: a numpy.ma array masked like rasterio (read_masks == 0).
        overview: read overview level N (0-based) instead of the full resolution.
        timeout_ms: fail with cogr.errors.Cancelled past this time (0 = none).
        trace: a cogr.Trace that records the read's requests and block decodes (docs/trace.md).
        The array is the C++ read's own memory; the GIL is released while it reads.
        """
        args, squeeze = self._read_args(indexes, window, out_shape, resampling, boundless, fill_value, overview,
                                        timeout_ms, trace)
        if out is not None:
            target = out.data if isinstance(out, np.ma.MaskedArray) else out
            if not isinstance(target, np.ndarray):
                raise ValueError("out must be a numpy array")
            self._ds.read(out=target, **args)
            arr = target
        else:
            arr = self._native().read(out=None, **args)
            if squeeze:
                arr = arr[0]
        if out_dtype is not None and np.dtype(out_dtype) != arr.dtype:
            arr = arr.astype(out_dtype)
        if masked:
            masks = self.read_masks(indexes, window=window, out_shape=out_shape, boundless=boundless,
                                    overview=overview, timeout_ms=timeout_ms)
            arr = np.ma.masked_array(arr, mask=masks.reshape(arr.shape) == 0)
            if self.nodata is not None:
                arr.fill_value = self.nodata
        return arr

    def read_masks(self, indexes=None, out=None, out_shape=None, window=None, boundless=False,
                   resampling=Resampling.nearest, overview=None, timeout_ms=0):
        """Per-band valid masks (uint8, 255 valid, 0 invalid) by GDAL's rule, as rasterio's:
        a per-dataset mask (internal mask IFD) for every band; else with an alpha band, the
        alpha values for the other bands and all valid for the alpha band itself; else with
        nodata, pixel != nodata band by band; else all valid (outside the image in a boundless
        read: invalid)."""
        ds = self._native()
        bands, squeeze = _bands(indexes, ds.count)
        nodata, alpha = ds.nodata, ds.alpha_band
        shape = None if out_shape is None else tuple(int(v) for v in tuple(out_shape)[-2:])
        args = dict(window=_window_tuple(window), boundless=bool(boundless), overview=overview, out_shape=shape,
                    resampling=_resampling_name(resampling))
        if ds.has_mask or alpha or nodata is None:
            m = ds.dataset_mask(**args)[0]
            masks = np.empty((len(bands),) + m.shape, np.uint8)
            for i, b in enumerate(bands):
                masks[i] = 255 if (b == alpha and not ds.has_mask) else m
        else:
            rargs, _ = self._read_args(bands, window, out_shape, resampling, boundless, nodata, overview, timeout_ms)
            data = ds.read(out=None, **rargs)
            valid = ~np.isnan(data) if np.isnan(nodata) else data != nodata
            masks = valid.astype(np.uint8) * np.uint8(255)
        if squeeze:
            masks = masks[0]
        if out is not None:
            out[...] = masks
            return out
        return masks

    def dataset_mask(self, window=None, out_shape=None, boundless=False, resampling=Resampling.nearest,
                     overview=None):
        """One (height, width) uint8 mask for all bands (Dataset::dataset_mask, GDAL's rule: the
        file's mask, else the alpha band, else 0 where every band is nodata, else all 255)."""
        shape = None if out_shape is None else tuple(int(v) for v in tuple(out_shape)[-2:])
        return self._native().dataset_mask(window=_window_tuple(window), boundless=bool(boundless),
                                           overview=overview, out_shape=shape,
                                           resampling=_resampling_name(resampling))[0]

    def quicklook(self, size=512, bands=None, stretch="minmax", nodata_transparent=False):
        """A small 8-bit picture: a (height, width, 4) uint8 RGBA array (cogr::Quicklook; see
        docs/quicklook.md). The longest side is min(size, the image's), read from the overview
        that serves it with nearest resampling. bands: one (grey, or the palette of a paletted
        band) or three (red, green, blue), 1-based; None = 1, 2, 3 when the file has three bands
        that are not alpha, else 1. stretch: "minmax" or "p2-98" per band over the valid pixels.
        nodata_transparent: alpha 0 where GDAL's dataset mask is 0 or a shown band is NaN; an
        alpha band is the alpha either way."""
        if isinstance(bands, int):
            bands = [bands]
        return self._native().quicklook(size=int(size), bands=[int(b) for b in (bands or [])],
                                        stretch=str(stretch), nodata_transparent=bool(nodata_transparent))

    def sample(self, xy, indexes=None, masked=False):
        """Yields one array of band values (shape (bands,)) per (x, y), like rasterio's sample()
        (Dataset::Sample: each touched block read once); points outside the image give nodata
        (or 0). masked=True: numpy.ma arrays masked by read_masks at each pixel."""
        ds = self._native()
        bands, _ = _bands(indexes, ds.count)
        points = [(float(x), float(y)) for x, y in xy]
        values = ds.sample(points, bands)[0] if points else np.empty((0, len(bands)), ds.numpy_dtype)
        for (x, y), v in zip(points, values):
            if masked:
                row, col = ds.index(x, y, "floor")
                m = self.read_masks(bands, window=Window(col, row, 1, 1), boundless=True)[:, 0, 0]
                yield np.ma.masked_array(v, mask=m == 0)
            else:
                yield v

    async def read_async(self, indexes=None, window=None, out_shape=None, boundless=False,
                         resampling=Resampling.nearest, fill_value=None, overview=None, timeout_ms=0,
                         trace=None):
        """read() on asyncio: the read runs on cogr's read executor (no Python thread) and the
        awaiting task resumes through loop.call_soon_threadsafe when it ends."""
        args, squeeze = self._read_args(indexes, window, out_shape, resampling, boundless, fill_value, overview,
                                        timeout_ms, trace)
        loop = asyncio.get_running_loop()
        fut = loop.create_future()

        def done(arr, exc):  # on a cogr executor thread, GIL held
            try:
                loop.call_soon_threadsafe(_resolve, fut, arr, exc)
            except RuntimeError:  # the loop was closed meanwhile
                pass

        self._native().read_async(done=done, **args)
        arr = await fut
        return arr[0] if squeeze else arr


def _reopen(uri, options):
    from . import open as _open

    return _open(uri, **options)
