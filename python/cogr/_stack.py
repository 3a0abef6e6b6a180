"""cogr.stack: many scenes as one lazy (T, C, H, W) array, a thin layer over cogr::Stack."""
import os

from . import _cogr, errors
from ._dataset import BoundingBox, _affine, _resampling_name, _window_tuple


def _positions(sel, n, what):
    """isel's selector (None, int, slice or sequence of ints) → 0-based positions ([] = all)."""
    if sel is None:
        return []
    if isinstance(sel, slice):
        return list(range(n))[sel]
    if isinstance(sel, int):
        sel = [sel]
    out = []
    for i in sel:
        i = int(i)
        if i < -n or i >= n:
            raise IndexError(f"{what} position {i} out of range ({n} {what}s)")
        out.append(i % n)
    return out


def _span(sel, n, what):
    """isel's y/x selector (None or a slice with step 1, may reach outside) → (offset, length)."""
    if sel is None:
        return 0, n
    if not isinstance(sel, slice) or sel.step not in (None, 1):
        raise ValueError(f"{what} must be a slice with step 1")
    start = 0 if sel.start is None else int(sel.start)
    stop = n if sel.stop is None else int(sel.stop)
    if stop <= start:
        raise ValueError(f"{what} slice {start}:{stop} is empty")
    return start, stop - start


class Stack:
    """Scenes read as one array. Lazy: shape, dtype, transform and scenes are known without
    reading pixels; isel() gives a new lazy Stack; read() reads every scene at once.

    cogr.stack() opens nothing yet: the first use opens every scene (all opens in flight). When
    that first use is read(), each scene's read starts as soon as its own open completes
    (cogr::Stack::OpenAndRead) instead of after the slowest open. Errors of the opens (naming
    the scene) are raised by that first use."""

    def __init__(self, native=None, open_args=None):
        self._opened = native
        self._open_args = open_args

    @property
    def _native(self):
        if self._opened is None:
            self._opened = _cogr.Stack.open(*self._open_args)
            self._open_args = None
        return self._opened

    def _read(self, fill_failed, timeout_ms):
        if self._opened is None:
            native, arr, failed, stats = _cogr.Stack.open(*self._open_args, read=True,
                                                          read_fill_failed=bool(fill_failed),
                                                          timeout_ms=int(timeout_ms))
            self._opened, self._open_args = native, None
            return arr, failed, stats
        return self._native.read(bool(fill_failed), int(timeout_ms))

    @property
    def shape(self):
        """(T, C, H, W), or (T*C, H, W) for stack=False."""
        return self._native.shape

    @property
    def dtype(self):
        return self._native.numpy_dtype

    @property
    def transform(self):
        return _affine(self._native.transform)

    @property
    def bounds(self):
        return BoundingBox(*self._native.bounds)

    @property
    def bands(self):
        """The 1-based band indexes read from every scene."""
        return list(self._native.bands)

    @property
    def crs(self):
        """The stack's CRS as WKT (None when the scenes have none)."""
        return self._native.crs_wkt

    @property
    def crs_epsg(self):
        return self._native.crs_epsg

    @property
    def scenes(self):
        """One dict per scene: uri, window (its own pixels), fill, nodata, transform, width,
        height; error is None, or why the scene failed to open (fill_failed=True)."""
        return self._native.scenes

    @property
    def uris(self):
        return [s["uri"] for s in self._native.scenes]

    def __len__(self):
        return len(self._native.scenes)

    def __repr__(self):
        return f"<cogr.Stack shape={self.shape} dtype={self.dtype}>"

    def isel(self, time=None, band=None, y=None, x=None):
        """A new lazy Stack of some scenes (time), bands (band: positions into .bands) and a pixel
        slice of the grid (y, x: slices with step 1, which may reach outside: boundless)."""
        n_scenes, n_bands = len(self), len(self.bands)
        height, width = self.shape[-2], self.shape[-1]
        scenes = _positions(time, n_scenes, "scene")
        bands = _positions(band, n_bands, "band")
        if time is not None and not scenes:
            raise ValueError("time selects no scene")
        if band is not None and not bands:
            raise ValueError("band selects no band")
        window = None
        if y is not None or x is not None:
            row_off, h = _span(y, height, "y")
            col_off, w = _span(x, width, "x")
            window = [float(col_off), float(row_off), float(w), float(h)]
        return Stack(self._native.select(scenes, bands, window))

    def read(self, fill_failed=False, timeout_ms=0, return_failed=False):
        """Reads every scene at once (all reads in flight) into one numpy array of .shape; each
        scene decodes straight into its slice. A failing scene raises (its URI in the message)
        unless fill_failed=True: it is then filled. return_failed=True returns (array, failed),
        failed a list of (scene index, message). timeout_ms bounds the whole read (0 = none):
        past it, cogr.errors.Cancelled is raised, fill_failed or not."""
        arr, failed, _ = self._read(fill_failed, timeout_ms)
        return (arr, failed) if return_failed else arr

    def read_stats(self, fill_failed=False, timeout_ms=0):
        """read() that also returns the per-scene costs: (array, failed, stats), stats one dict
        per scene (ms, requests, bytes_fetched)."""
        return self._read(fill_failed, timeout_ms)

    def sample(self, xy, indexes=None, crs=None, fill_failed=False):
        """Values at points (x, y) in every scene, as rasterio's sample() scene by scene: an
        array (T, points, bands). crs: the points' CRS (default: the stack's)."""
        bands = [] if indexes is None else ([int(indexes)] if isinstance(indexes, int) else [int(b) for b in indexes])
        points = [(float(px), float(py)) for px, py in xy]
        crs_text = None if crs is None else (crs if isinstance(crs, str) else str(crs))
        arr, _ = self._native.sample(points, bands, crs_text, bool(fill_failed))
        return arr


def stack(uris=None, indexes=None, window=None, bounds=None, bounds_crs=None, crs=None, res=None, out_shape=None,
          resampling="nearest", fill_value=None, stack=True, fill_failed=False, catalog=None, where="",
          intersects=None, intersects_crs="", **options):  # noqa: A002
    """The scenes as a lazy Stack (cogr::Stack), opened (all opens in flight at once) on first
    use; a first read() starts each scene's read as its open completes.

    indexes: 1-based bands (default: all of the first scene). window: a pixel window
    (cogr.Window or (col_off, row_off, width, height)) of the scenes' common grid. bounds:
    (left, bottom, right, top) in bounds_crs (default: the stack's CRS); the target grid is
    that box at res (a number or (x, y); default the first scene's) in crs (default the first
    scene's); scenes on other grids are resampled with `resampling`. No reprojection: a scene in
    another CRS raises. out_shape: (H, W) of the result. fill_value: pixels outside a scene
    (default its nodata, else 0). stack=False gives (T*C, H, W). fill_failed: scenes that fail
    to open are kept and read as fill. options: open options as for cogr.open.

    catalog (a cogr.catalog.Catalog or its path) instead of uris: the scenes matching bounds
    (in bounds_crs, default EPSG:4326 here) and the SQL expression where, in the catalog's
    order, each opened from its stored header (no header request). intersects (GeoJSON-like
    polygons, see Catalog.query, in intersects_crs, default EPSG:4326) keeps the scenes whose
    footprint meets them; without window and bounds their bounding box is the bounds.
    """
    records = []
    if catalog is not None:
        if uris is not None:
            raise ValueError("give uris or catalog, not both")
        from . import catalog as _catalog

        cat = catalog if isinstance(catalog, _catalog.Catalog) else _catalog.open(catalog)
        name = cat.path
        if intersects is not None and window is None and bounds is None:
            bounds, bounds_crs = _catalog._intersects_bounds(intersects), intersects_crs or None
        if bounds is not None and bounds_crs is None:
            bounds_crs = "EPSG:4326"
        records = cat.query(bounds=bounds, bounds_crs=bounds_crs or "", where=where, intersects=intersects,
                            intersects_crs=intersects_crs)
        if not records:
            raise errors.NotFound(f"{name}: no scene matches the query")
        uris = [r.uri for r in records]
    elif where or intersects is not None:
        raise ValueError("where and intersects need catalog")
    if uris is None:
        raise ValueError("give uris or catalog")
    paths = [os.fspath(u) for u in uris]
    bands = [] if indexes is None else ([int(indexes)] if isinstance(indexes, int) else [int(b) for b in indexes])
    if window is None:
        win = None
    elif not hasattr(window, "col_off") and len(window) == 4:
        win = [float(v) for v in window]
    else:
        win = [float(v) for v in _window_tuple(window)]
    box = None if bounds is None else [float(v) for v in bounds]
    if res is not None and not isinstance(res, (tuple, list)):
        res = (float(res), float(res))
    shape = None if out_shape is None else (int(out_shape[-2]), int(out_shape[-1]))
    return Stack(open_args=(paths, options, bands, win, box, None if bounds_crs is None else str(bounds_crs),
                            None if crs is None else str(crs), None if res is None else (float(res[0]), float(res[1])),
                            shape, _resampling_name(resampling), fill_value, bool(stack), bool(fill_failed),
                            cat._cat if records else None, records))
