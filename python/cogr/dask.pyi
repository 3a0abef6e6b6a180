from typing import Any, Optional, Sequence, Union

import dask.array

from . import Dataset

def read(path: Optional[str], chunks: Union[str, int, Sequence[int], None] = ..., indexes: Optional[Sequence[int]] = ...,
         dataset: Optional[Dataset] = ..., **options: Any) -> dask.array.Array: ...
