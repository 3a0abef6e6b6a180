"""Scene catalogs: a GeoPackage of scenes with their parsed headers (docs/catalog.md).

    import cogr.catalog
    cogr.catalog.build(["a.tif", "https://host/b.tif"], "scenes.gpkg")
    cat = cogr.catalog.open("scenes.gpkg")
    hits = cat.query(bounds=(12.3, 41.8, 12.6, 42.0), where="count >= 4")
    with cat.open_scene(hits[0]) as ds:      # no header request
        band = ds.read(1)
    chips = cat.stack(bounds=(12.3, 41.8, 12.6, 42.0), res=10).read()  # (T, C, H, W)
"""
import os

from . import _cogr
from ._dataset import Dataset

__all__ = ["build", "open", "Catalog"]


def _path(p):
    return os.fspath(p)


def _shape_texts(intersects):
    """GeoJSON text of polygons given as one GeoJSON-like object (dict, text, object with
    __geo_interface__) or a list of them."""
    if intersects is None:
        return []
    from . import _geojson_texts

    if isinstance(intersects, (list, tuple)):
        return _geojson_texts(intersects)
    return _geojson_texts([intersects])


def _intersects_bounds(intersects):
    """(left, bottom, right, top) of the polygons, in their own coordinates."""
    return _cogr.geojson_bounds(_shape_texts(intersects))


def build(uris, path, concurrency=64, batch_rows=500, skip_errors=False, **options):
    """Opens every URI (concurrency in flight) and writes the catalog at path (a new file).

    options are the open options of cogr.open (header_read_bytes, timeout_ms, headers, ...).
    skip_errors leaves out scenes that cannot be opened instead of raising. Returns
    {"scenes", "header_bytes", "without_crs", "skipped", "errors"} (errors: the first 100
    messages). The GIL is released while it runs.
    """
    return _cogr.Catalog.build([_path(u) if isinstance(u, os.PathLike) else u for u in uris], _path(path),
                               options, int(concurrency), int(batch_rows), bool(skip_errors))


def open(path):  # noqa: A001 - as cogr.open
    """Opens a catalog read-only."""
    return Catalog(_cogr.Catalog.open(_path(path)), _path(path))


class Catalog:
    """A catalog open for reading (thread-safe)."""

    def __init__(self, native, path=""):
        self._cat = native
        self.path = path

    def info(self):
        """{"scenes", "extent_4326", "crs", "dtypes"}."""
        return self._cat.info()

    def query(self, bounds=None, bounds_crs="", where="", limit=0, intersects=None, intersects_crs=""):
        """SceneRecords whose EPSG:4326 footprint envelope intersects bounds (left, bottom,
        right, top in bounds_crs, default EPSG:4326), whose footprint polygon shares a point with
        intersects (Polygon/MultiPolygon GeoJSON-like dicts, text or __geo_interface__ objects:
        a geometry, Feature, FeatureCollection or a list of them; holes count; in
        intersects_crs, default EPSG:4326) and for which the SQL expression where holds
        (read-only, catalog columns only), in build order."""
        return self._cat.query(None if bounds is None else tuple(float(v) for v in bounds), bounds_crs or "",
                               where or "", int(limit), _shape_texts(intersects), intersects_crs or "")

    def stack(self, bounds=None, where="", intersects=None, **kwargs):
        """cogr.stack(catalog=self, bounds=..., where=..., intersects=..., ...): the matching
        scenes as one lazy Stack, each opened from its stored header (no header request)."""
        from ._stack import stack

        return stack(catalog=self, bounds=bounds, where=where, intersects=intersects, **kwargs)

    def open_scene(self, record, **options):
        """The scene's Dataset, opened from its stored header: no header request."""
        return Dataset(self._cat.open_scene(record, options), record.uri, options)
