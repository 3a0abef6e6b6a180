"""cogr.dask.read(path, chunks=...): a lazy dask.array whose chunks are aligned to the file's
blocks. Each chunk is one windowed read; the Dataset pickles by URI and open options, so the
graph ships to dask.distributed workers (which reopen it; a persisted header cache makes that
free for remote files)."""
import math

import numpy as np

import dask.array as da

from . import open as _open


class _Reader:
    """A picklable (bands, height, width) array-like over a cogr Dataset for da.from_array."""

    def __init__(self, dataset, bands):
        self.dataset = dataset
        self.bands = list(bands)
        self.shape = (len(self.bands), dataset.height, dataset.width)
        self.dtype = np.dtype(dataset._native().numpy_dtype)
        self.ndim = 3

    def __getitem__(self, key):
        b, y, x = key
        bands = self.bands[b]
        r0, r1, _ = y.indices(self.shape[1])
        c0, c1, _ = x.indices(self.shape[2])
        return self.dataset.read(bands, window=((r0, r1), (c0, c1)))


def _aligned(size, block, want):
    """Chunk lengths along one axis: multiples of `block` (the file's block size) near `want`."""
    step = max(block, int(math.ceil(want / block)) * block) if want and want > 0 else block
    step = min(step, size) if size else 1
    chunks = [step] * (size // step)
    if size % step:
        chunks.append(size % step)
    return tuple(chunks) or (0,)


def read(path, chunks="auto", indexes=None, dataset=None, **options):
    """A lazy dask.array (bands, height, width) of `path` (or of an open `dataset`).

    chunks: "auto" (block multiples of about 1024 pixels a side), an int (pixels a side), or
    (bands, y, x) / (y, x) sizes; y and x are rounded up to multiples of the file's block size so
    that no block is read by two chunks. indexes: 1-based bands (default all)."""
    ds = dataset if dataset is not None else _open(path, **options)
    bands = list(range(1, ds.count + 1)) if indexes is None else [int(i) for i in indexes]
    bh, bw = ds.block_shapes[0]
    if chunks == "auto" or chunks is None:
        band_chunk, want_y, want_x = 1, 1024, 1024
    elif isinstance(chunks, int):
        band_chunk, want_y, want_x = 1, chunks, chunks
    else:
        c = tuple(chunks)
        if len(c) == 2:
            band_chunk, (want_y, want_x) = 1, c
        elif len(c) == 3:
            band_chunk, want_y, want_x = c
        else:
            raise ValueError("chunks must be 'auto', an int, (y, x) or (bands, y, x)")
    band_chunks = _aligned(len(bands), 1, band_chunk if band_chunk and band_chunk > 0 else len(bands))
    chunk_spec = (band_chunks, _aligned(ds.height, bh, want_y), _aligned(ds.width, bw, want_x))
    name = "cogr-read-" + da.core.tokenize(ds.name, tuple(bands), chunk_spec)
    return da.from_array(_Reader(ds, bands), chunks=chunk_spec, name=name, asarray=False, fancy=False)
