"""Dataset.quicklook: the RGBA arrays recorded from rasterio (tests/data/quicklook, by
scripts/record_quicklook_fixtures.py) within 1 per channel, and the errors by code."""
import json
import os

import numpy as np
import pytest

import cogr
from conftest import DATA, SAMPLE

QUICKLOOK = os.path.join(DATA, "quicklook")


def _cases():
    with open(os.path.join(QUICKLOOK, "manifest.json")) as f:
        return json.load(f)["cases"]


@pytest.mark.parametrize("case", _cases()[::7], ids=lambda c: c["npy"])
def test_matches_recorded_answer(case):
    expected = np.load(os.path.join(QUICKLOOK, case["npy"]))
    with cogr.open(os.path.join(DATA, case["file"])) as ds:
        rgba = ds.quicklook(size=case["size"], bands=case["bands"] or None, stretch=case["stretch"],
                            nodata_transparent=case["nodata_transparent"])
    assert rgba.dtype == np.uint8
    assert rgba.shape == expected.shape
    assert np.abs(rgba.astype(np.int16) - expected.astype(np.int16)).max() <= 1


def test_shape_bands_and_alpha():
    with cogr.open(SAMPLE) as ds:  # 64 x 64 RGBA with an alpha band
        rgba = ds.quicklook(size=32)
        assert rgba.shape == (32, 32, 4)
        assert rgba.flags["C_CONTIGUOUS"]
        alpha = ds.dataset_mask(out_shape=(32, 32))
        np.testing.assert_array_equal(rgba[..., 3], alpha)
        grey = ds.quicklook(size=32, bands=2)
        np.testing.assert_array_equal(grey[..., 0], grey[..., 1])
        np.testing.assert_array_equal(grey[..., 0], grey[..., 2])
        swapped = ds.quicklook(size=32, bands=[3, 2, 1])
        np.testing.assert_array_equal(swapped[..., 0], rgba[..., 2])
        assert ds.quicklook(size=1000).shape == (64, 64, 4)  # never enlarged


def test_errors():
    with cogr.open(SAMPLE) as ds:
        with pytest.raises(cogr.errors.InvalidArgument, match="got 2"):
            ds.quicklook(bands=[1, 2])
        with pytest.raises(cogr.errors.InvalidArgument, match=r"unknown stretch 'p1-99' \(expected minmax or p2-98\)"):
            ds.quicklook(stretch="p1-99")
        with pytest.raises(cogr.errors.InvalidArgument, match=r"quicklook size 20000 out of range \(1..16384\)"):
            ds.quicklook(size=20000)
        with pytest.raises(cogr.errors.OutOfRange, match="band 9 out of range"):
            ds.quicklook(bands=9)
