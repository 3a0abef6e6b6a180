"""cogr.catalog: build a catalog of fixtures, query it, open a scene from it."""
import os

import numpy as np
import pytest

import cogr
import cogr.catalog

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data")
SCENES = [os.path.join(DATA, "fixtures", n + ".tif") for n in
          ("b7_u16_band_deflate_t128", "cog_u8_rgb_jpeg_mask_bs256", "crs_custom_lcc")]


@pytest.fixture()
def catalog(tmp_path):
    path = tmp_path / "scenes.gpkg"
    summary = cogr.catalog.build(SCENES, path, concurrency=2)
    assert summary["scenes"] == 3 and summary["without_crs"] == 0 and summary["skipped"] == 0
    assert summary["header_bytes"] > 0
    return cogr.catalog.open(path)


def test_info(catalog):
    info = catalog.info()
    assert info["scenes"] == 3
    assert info["crs"] == {"EPSG:32618": 2, "other": 1}
    assert info["dtypes"] == {"uint16": 1, "uint8": 1, "int16": 1}


def test_query_and_records(catalog):
    hits = catalog.query(bounds=(585500, 4505000, 586000, 4506000), bounds_crs="EPSG:32618")
    assert [h.uri for h in hits] == [SCENES[1]]
    rec = hits[0]
    assert (rec.width, rec.height, rec.count, rec.dtype) == (540, 390, 3, "uint8")
    assert rec.block_shape == (256, 256)
    assert rec.transform == (10.0, 0.0, 583020.0, 0.0, -10.0, 4507980.0)
    assert rec.crs_epsg == 32618 and rec.overviews == [2, 4]
    assert [h.id for h in catalog.query(where="count < 3")] == [3]
    with pytest.raises(cogr.errors.InvalidArgument, match="--where"):
        catalog.query(where="1; DROP TABLE scenes")


def test_open_scene_reads_like_open(catalog):
    rec = catalog.query(where="compression = 'jpeg'")[0]
    window = cogr.Window(256, 0, 256, 256)
    with catalog.open_scene(rec, block_cache_bytes=0) as ds, cogr.open(rec.uri) as direct:
        np.testing.assert_array_equal(ds.read(window=window), direct.read(window=window))


def test_not_a_catalog(tmp_path):
    p = tmp_path / "x.gpkg"
    p.write_text("text")
    with pytest.raises(cogr.errors.InvalidFile, match="not a GeoPackage"):
        cogr.catalog.open(p)


def test_build_skip_errors(tmp_path):
    missing = str(tmp_path / "missing.tif")
    with pytest.raises(cogr.errors.NotFound, match="missing.tif"):
        cogr.catalog.build([SCENES[0], missing], tmp_path / "a.gpkg")
    summary = cogr.catalog.build([SCENES[0], missing], tmp_path / "b.gpkg", skip_errors=True)
    assert summary["scenes"] == 1 and summary["skipped"] == 1
    assert len(summary["errors"]) == 1 and missing in summary["errors"][0]
    assert [r.id for r in cogr.catalog.open(tmp_path / "b.gpkg").query()] == [1]


# EPSG:32618 (the first two scenes): b7 = [583020, 584710] x [4506680, 4507980], the JPEG one
# [583020, 588420] x [4504080, 4507980]. The triangle's box meets both; the triangle (below its
# hypotenuse, y = 4505032 at b7's right edge x = 584710) only the JPEG one.
TRIANGLE = {"type": "Polygon",
            "coordinates": [[[584000, 4504500], [588000, 4504500], [588000, 4507500], [584000, 4504500]]]}
TRIANGLE_BOX = (584000, 4504500, 588000, 4507500)


def test_query_intersects_polygon(catalog):
    assert [h.uri for h in catalog.query(bounds=TRIANGLE_BOX, bounds_crs="EPSG:32618")] == SCENES[:2]
    assert [h.uri for h in catalog.query(intersects=TRIANGLE, intersects_crs="EPSG:32618")] == [SCENES[1]]
    # A square around both with a hole holding b7 whole: b7 is out, the JPEG scene crosses it.
    square = [[582000, 4503000], [589000, 4503000], [589000, 4509000], [582000, 4509000], [582000, 4503000]]
    hole = [[582900, 4506600], [584800, 4506600], [584800, 4508100], [582900, 4508100], [582900, 4506600]]
    holed = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [square, hole]}}]}
    assert [h.uri for h in catalog.query(intersects=holed, intersects_crs="EPSG:32618")] == [SCENES[1]]
    assert [h.uri for h in catalog.query(intersects={"type": "Polygon", "coordinates": [square]},
                                         intersects_crs="EPSG:32618")] == SCENES[:2]
    with pytest.raises(cogr.errors.InvalidArgument, match="only Polygon and MultiPolygon"):
        catalog.query(intersects={"type": "Point", "coordinates": [584000, 4504500]})


def test_stack_intersects_reads_the_polygons_box(catalog):
    # Without window or bounds the polygon's bounding box is read: 4000 m x 3000 m at 10 m.
    st = catalog.stack(intersects=TRIANGLE, intersects_crs="EPSG:32618")
    got = st.read()
    assert got.shape == (1, 3, 300, 400)
    want = cogr.stack([SCENES[1]], bounds=TRIANGLE_BOX, bounds_crs="EPSG:32618").read()
    np.testing.assert_array_equal(got, want)
