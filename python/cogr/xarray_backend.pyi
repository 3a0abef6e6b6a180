from typing import Any, Iterable, Optional

import numpy as np
import xarray as xr
from xarray.backends import BackendArray, BackendEntrypoint

from . import Dataset

class CogrBackendArray(BackendArray):
    dataset: Dataset
    shape: tuple[int, int, int]
    dtype: np.dtype[Any]
    def __init__(self, dataset: Dataset) -> None: ...
    def __getitem__(self, key: Any) -> np.ndarray: ...

def open_cogr_dataset(filename_or_obj: Any, drop_variables: Optional[Iterable[str]] = ..., mask_and_scale: bool = ...,
                      decode_times: bool = ..., decode_coords: Any = ..., use_cftime: Optional[bool] = ...,
                      decode_timedelta: Optional[bool] = ..., **options: Any) -> xr.Dataset: ...

class CogrBackendEntrypoint(BackendEntrypoint):
    def open_dataset(self, filename_or_obj: Any, *, drop_variables: Optional[Iterable[str]] = ..., mask_and_scale: bool = ...,
                     decode_times: bool = ..., decode_coords: Any = ..., use_cftime: Optional[bool] = ...,
                     decode_timedelta: Optional[bool] = ..., **options: Any) -> xr.Dataset: ...
    def guess_can_open(self, filename_or_obj: Any) -> bool: ...
