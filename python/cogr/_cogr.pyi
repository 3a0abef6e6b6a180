# The extension module (pybind11); use the cogr package, not this module.
from typing import Any, Callable, Optional, Sequence

import numpy as np

__version__: str

class Dataset:
    @staticmethod
    def open(uri: str, options: dict[str, Any]) -> Dataset: ...
    @staticmethod
    def open_async(uri: str, options: dict[str, Any], done: Callable[[Optional[Dataset], Optional[BaseException]], None]) -> None: ...
    uri: str
    width: int
    height: int
    count: int
    dtype: str
    numpy_dtype: np.dtype[Any]
    nodata: Optional[float]
    transform: tuple[float, float, float, float, float, float]
    crs_epsg: Optional[int]
    crs_wkt: Optional[str]
    bounds: tuple[float, float, float, float]
    res: tuple[float, float]
    block_shape: list[int]
    compression: str
    interleave: str
    photometric: int
    is_cog: bool
    tiled: bool
    has_mask: bool
    pixel_is_point: bool
    scales: list[float]
    offsets: list[float]
    descriptions: list[str]
    overviews: list[int]
    level_shapes: list[tuple[int, int]]
    io_stats: dict[str, int]
    def xy(self, row: float, col: float, offset: str = ...) -> tuple[float, float]: ...
    def index(self, x: float, y: float, op: str = ...) -> tuple[int, int]: ...
    def read(self, bands: Sequence[int], window: Optional[Sequence[float]], boundless: bool, fill: Optional[float],
             overview: Optional[int], out_shape: Optional[tuple[int, int]], resampling: str, timeout_ms: int,
             out: Optional[np.ndarray], trace: Optional[Trace] = ...) -> np.ndarray: ...
    def quicklook(self, size: int, bands: Sequence[int], stretch: str, nodata_transparent: bool) -> np.ndarray: ...
    def read_mask(self, window: Optional[Sequence[float]], boundless: bool, overview: Optional[int]) -> np.ndarray: ...
    def read_async(self, bands: Sequence[int], window: Optional[Sequence[float]], boundless: bool, fill: Optional[float],
                   overview: Optional[int], out_shape: Optional[tuple[int, int]], resampling: str, timeout_ms: int,
                   done: Callable[[Optional[np.ndarray], Optional[BaseException]], None],
                   trace: Optional[Trace] = ...) -> None: ...

class Trace:
    def __init__(self) -> None: ...
    def to_chrome_json(self) -> str: ...
    def clear(self) -> None: ...
    @property
    def requests(self) -> list[dict[str, Any]]: ...
    @property
    def decodes(self) -> list[dict[str, Any]]: ...

def geojson_bounds(geojson: Sequence[str]) -> Optional[tuple[float, float, float, float]]: ...
def window_from_bounds(left: float, bottom: float, right: float, top: float, transform: Sequence[float]) -> tuple[float, float, float, float]: ...
def window_transform(window: Sequence[float], transform: Sequence[float]) -> tuple[float, ...]: ...
def resampling_names() -> list[str]: ...
def crs_to_wkt(text: str) -> str: ...
def mask(dataset: Dataset, geojson: Sequence[str], crop: bool, pad: bool, all_touched: bool, invert: bool, filled: bool,
         nodata: Optional[float], indexes: Sequence[int]) -> tuple[np.ndarray, Optional[np.ndarray], tuple[float, ...]]: ...
def geometry_mask(geojson: Sequence[str], height: int, width: int, transform: Sequence[float], all_touched: bool,
                  invert: bool) -> np.ndarray: ...
def write(path: str, profile: dict[str, Any], data: np.ndarray) -> None: ...
class _KeptReader:
    def __init__(self, dataset: Dataset, bands: Sequence[int]) -> None: ...
    def read(self) -> float: ...
def set_thread_count(threads: int) -> None: ...
def thread_count() -> int: ...
def async_read_threads() -> int: ...
def set_buffer_pool_bytes(bytes: int) -> None: ...
def buffer_pool_bytes() -> int: ...
def buffer_pool_held_bytes() -> int: ...

class Stack:
    @staticmethod
    def open(uris: Sequence[str], options: dict[str, Any], bands: Sequence[int], window: Optional[Sequence[float]],
             bounds: Optional[Sequence[float]], bounds_crs: Optional[str], crs: Optional[str],
             res: Optional[tuple[float, float]], out_shape: Optional[tuple[int, int]], resampling: str,
             fill: Optional[float], stack: bool, fill_failed: bool, catalog: Optional[Catalog] = ...,
             records: Sequence[SceneRecord] = ..., read: bool = ..., read_fill_failed: bool = ...,
             timeout_ms: int = ...) -> Any: ...
    shape: tuple[int, ...]
    numpy_dtype: np.dtype[Any]
    transform: tuple[float, ...]
    bounds: tuple[float, float, float, float]
    bands: list[int]
    crs_wkt: Optional[str]
    crs_epsg: Optional[int]
    scenes: list[dict[str, Any]]
    def select(self, scenes: Sequence[int], bands: Sequence[int], window: Optional[Sequence[float]]) -> Stack: ...
    def read(self, fill_failed: bool, timeout_ms: int) -> tuple[np.ndarray, list[tuple[int, str]], list[dict[str, float]]]: ...
    def sample(self, points: Sequence[tuple[float, float]], bands: Sequence[int], crs: Optional[str],
               fill_failed: bool) -> tuple[np.ndarray, list[tuple[int, str]]]: ...
class SceneRecord:
    id: int
    uri: str
    size: int
    etag: str
    width: int
    height: int
    count: int
    dtype: str
    compression: str
    crs_epsg: int | None
    crs_wkt: str
    nodata: float | None
    overviews: list[int]
    block_shape: tuple[int, int]
    transform: tuple[float, ...]
    bounds: tuple[float, float, float, float]
    bounds_4326: tuple[float, float, float, float] | None
class Catalog:
    @staticmethod
    def open(path: str) -> Catalog: ...
    @staticmethod
    def build(uris: Sequence[str], path: str, options: dict[str, Any], concurrency: int, batch_rows: int,
              skip_errors: bool) -> dict[str, Any]: ...
    def info(self) -> dict[str, Any]: ...
    def query(self, bounds: tuple[float, float, float, float] | None, bounds_crs: str, where: str, limit: int,
              intersects: Sequence[str] = ..., intersects_crs: str = ...) -> list[SceneRecord]: ...
    def open_scene(self, record: SceneRecord, options: dict[str, Any]) -> Dataset: ...
