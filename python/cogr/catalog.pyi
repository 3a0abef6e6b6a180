import os
from typing import Any, Iterable, Sequence

from ._cogr import SceneRecord
from . import Dataset, Stack

def build(uris: Iterable[str | os.PathLike[str]], path: str | os.PathLike[str], concurrency: int = ...,
          batch_rows: int = ..., skip_errors: bool = ..., **options: Any) -> dict[str, Any]: ...
def open(path: str | os.PathLike[str]) -> Catalog: ...  # noqa: A001

class Catalog:
    path: str
    def info(self) -> dict[str, Any]: ...
    def query(self, bounds: Sequence[float] | None = ..., bounds_crs: str = ..., where: str = ...,
              limit: int = ..., intersects: Any = ..., intersects_crs: str = ...) -> list[SceneRecord]: ...
    def stack(self, bounds: Sequence[float] | None = ..., where: str = ..., intersects: Any = ...,
              **kwargs: Any) -> Stack: ...
    def open_scene(self, record: SceneRecord, **options: Any) -> Dataset: ...
