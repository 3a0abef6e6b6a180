"""xarray backend "cogr": xr.open_dataset(path, engine="cogr").

A lazy (band, y, x) variable "band_data" read through cogr on access, coordinates band (1-based),
y and x at pixel centres from the transform, the CRS in a "spatial_ref" coordinate with the
attributes rioxarray writes (crs_wkt, spatial_ref, GeoTransform), and nodata as _FillValue
(xarray's CF decoding then masks it unless mask_and_scale=False).
"""
import os

import numpy as np
from xarray.backends import BackendArray, BackendEntrypoint
from xarray.core import indexing

import xarray as xr

from . import open as _open


class CogrBackendArray(BackendArray):
    """(band, y, x) of a cogr Dataset; a basic-indexing key becomes one windowed read."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.shape = (dataset.count, dataset.height, dataset.width)
        self.dtype = np.dtype(dataset._native().numpy_dtype)

    def __getitem__(self, key):
        return indexing.explicit_indexing_adapter(key, self.shape, indexing.IndexingSupport.BASIC, self._raw_getitem)

    def _raw_getitem(self, key):
        band_key, y_key, x_key = key
        squeeze = []
        bands = np.arange(1, self.shape[0] + 1)[band_key]
        if np.ndim(bands) == 0:
            bands, squeeze = [int(bands)], squeeze + [0]
        ranges = []
        for axis, k in ((1, y_key), (2, x_key)):
            n = self.shape[axis]
            if isinstance(k, slice):
                start, stop, step = k.indices(n)
                ranges.append((start, max(stop, start), step))
            else:
                i = int(k) + (n if int(k) < 0 else 0)
                ranges.append((i, i + 1, 1))
                squeeze.append(axis)
        (r0, r1, rs), (c0, c1, cs) = ranges
        if len(bands) == 0 or r1 <= r0 or c1 <= c0:
            out = np.empty((len(bands), max(0, r1 - r0), max(0, c1 - c0)), self.dtype)
        else:
            out = self.dataset.read([int(b) for b in bands], window=((r0, r1), (c0, c1)))
        if rs != 1 or cs != 1:
            out = out[:, ::rs, ::cs]
        return out.squeeze(axis=tuple(squeeze)) if squeeze else out


def _spatial_ref(ds):
    attrs = {}
    wkt = ds.crs_wkt
    if wkt:
        attrs["crs_wkt"] = wkt
        attrs["spatial_ref"] = wkt
    t = ds.transform
    attrs["GeoTransform"] = " ".join(repr(float(v)) for v in (t.c, t.a, t.b, t.f, t.d, t.e))
    return xr.Variable((), np.int64(0), attrs)


def open_cogr_dataset(filename_or_obj, drop_variables=None, mask_and_scale=True, decode_times=True,
                      decode_coords=True, use_cftime=None, decode_timedelta=None, **options):
    ds = _open(os.fspath(filename_or_obj), **options)
    t = ds.transform
    coords = {"band": np.arange(1, ds.count + 1)}
    if t.b == 0 and t.d == 0:
        coords["x"] = t.c + t.a * (np.arange(ds.width) + 0.5)
        coords["y"] = t.f + t.e * (np.arange(ds.height) + 0.5)
    coords["spatial_ref"] = _spatial_ref(ds)
    attrs = {}
    if ds.nodata is not None:
        attrs["_FillValue"] = ds.nodata
    scales, offsets = ds.scales, ds.offsets
    if any(s != 1.0 for s in scales):
        attrs["scale_factor"] = scales[0]
    if any(o != 0.0 for o in offsets):
        attrs["add_offset"] = offsets[0]
    data = indexing.LazilyIndexedArray(CogrBackendArray(ds))
    var = xr.Variable(("band", "y", "x"), data, attrs, encoding={"grid_mapping": "spatial_ref"})
    variables = {"band_data": var}
    for name, value in coords.items():
        variables[name] = value if isinstance(value, xr.Variable) else xr.Variable((name,), value)
    if drop_variables:
        variables = {k: v for k, v in variables.items() if k not in drop_variables}
    # CF decoding as xarray's own backends do it: _FillValue masked to NaN, scale_factor/add_offset.
    variables, attributes, _ = xr.conventions.decode_cf_variables(
        variables, {}, mask_and_scale=mask_and_scale, decode_times=decode_times, decode_coords=decode_coords,
        use_cftime=use_cftime, decode_timedelta=decode_timedelta)
    out = xr.Dataset({k: v for k, v in variables.items() if k not in coords},
                     coords={k: v for k, v in variables.items() if k in coords}, attrs=attributes)
    out.set_close(ds.close)
    return out


class CogrBackendEntrypoint(BackendEntrypoint):
    """xr.open_dataset(path, engine="cogr", **cogr_open_options)."""

    description = "Open GeoTIFF/COG files (local or remote) lazily with cogr"
    url = "https://github.com/"
    open_dataset_parameters = ("filename_or_obj", "drop_variables", "mask_and_scale", "decode_times",
                               "decode_coords", "use_cftime", "decode_timedelta")

    def open_dataset(self, filename_or_obj, *, drop_variables=None, mask_and_scale=True, decode_times=True,
                     decode_coords=True, use_cftime=None, decode_timedelta=None, **options):
        return open_cogr_dataset(filename_or_obj, drop_variables=drop_variables, mask_and_scale=mask_and_scale,
                                 decode_times=decode_times, decode_coords=decode_coords, use_cftime=use_cftime,
                                 decode_timedelta=decode_timedelta, **options)

    def guess_can_open(self, filename_or_obj):
        try:
            ext = os.path.splitext(os.fspath(filename_or_obj))[1].lower()
        except TypeError:
            return False
        return ext in (".tif", ".tiff")
