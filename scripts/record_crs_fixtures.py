#!/usr/bin/python3
"""Records rasterio's CRS answers for GeoKey sets GDAL has special rules for: compound CRSs
(horizontal + vertical EPSG codes, GeoTIFF 1.0 and 1.1 key directories), user-defined
geographic CRSs (custom angular units, prime meridian, geodetic datum, ellipsoid) and
Transverse Mercator South Orientated.

Run once with Debian's Python (rasterio 1.3.5 / GDAL 3.6.2 / PROJ 9.1):

    /usr/bin/python3 scripts/record_crs_fixtures.py

For every case it writes a 1x1 uint8 GeoTIFF with the keys (Python struct, no GDAL on the
writing side) to a temporary directory, opens it with rasterio and records the keys with
crs.to_wkt() and crs.to_epsg() (null when rasterio has no CRS) in tests/data/crs/geokeys.json.
tests/geo/crs_geokeys_fixtures_test.cpp builds geo::Crs::FromGeoKeys from the same keys and
compares.
"""
import json
import os
import struct
import sys
import tempfile
import warnings

import rasterio

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "data", "crs")

def K(base, extra):
    out = dict(base)
    out.update(extra)
    return out


GEOG = {1024: 2, 1025: 1}
PROJ = {1024: 1, 1025: 1}

# (name, keys, minor revision of the key directory). Values: int = SHORT, float or list of
# floats = DOUBLE, str = ASCII.
CASES = [
    # Compound: horizontal EPSG + VerticalCSTypeGeoKey (4096).
    ("compound_4326_5773_v11", K(GEOG, {2048: 4326, 4096: 5773}), 1),
    ("compound_4326_5773_v10", K(GEOG, {2048: 4326, 4096: 5773}), 0),
    ("compound_32631_5773_v11", K(PROJ, {3072: 32631, 4096: 5773}), 1),
    ("compound_32631_5703_v11", K(PROJ, {3072: 32631, 4096: 5703, 4099: 9001}), 1),
    ("compound_4269_5703_v11_citation",
     K(GEOG, {2048: 4269, 4096: 5703, 4097: "NAVD88 height", 4099: 9001}), 1),
    ("compound_4326_3855_v11", K(GEOG, {2048: 4326, 4096: 3855}), 1),
    ("compound_4326_vdatum_only_v11", K(GEOG, {2048: 4326, 4098: 5103, 4099: 9001}), 1),
    ("compound_32632_5773_feet_v11", K(PROJ, {3072: 32632, 4096: 5773, 4099: 9002}), 1),
    # User-defined geographic CRSs.
    ("geog_user_wgs84_datum_grads",
     K(GEOG, {2048: 32767, 2050: 6326, 2054: 9105}), 0),
    ("geog_user_wgs84_datum_radians",
     K(GEOG, {2048: 32767, 2050: 6326, 2054: 9101}), 0),
    ("geog_user_paris_pm",
     K(GEOG, {2048: 32767, 2050: 6326, 2051: 8903, 2054: 9102}), 0),
    ("geog_user_custom_pm_longitude",
     K(GEOG, {2048: 32767, 2050: 6326, 2051: 32767, 2061: 2.5, 2054: 9102}), 0),
    ("geog_user_custom_pm_in_grads",
     K(GEOG, {2048: 32767, 2050: 6326, 2051: 32767, 2061: 2.5969213, 2054: 9105}), 0),
    ("geog_user_ntf_paris_grads",
     K(GEOG, {2048: 32767, 2050: 6807, 2051: 8903, 2054: 9105}), 0),
    ("geog_user_custom_datum_wgs84_ellipsoid",
     K(GEOG, {2048: 32767, 2050: 32767, 2056: 7030, 2054: 9102,
                   2049: "GCS Name = my geog|Datum = my datum|Ellipsoid = WGS 84|Primem = Greenwich|"}), 0),
    ("geog_user_custom_datum_custom_ellipsoid",
     K(GEOG, {2048: 32767, 2050: 32767, 2056: 32767, 2057: 6378000.0, 2059: 300.0,
                   2054: 9102}), 0),
    ("geog_user_custom_datum_axes",
     K(GEOG, {2048: 32767, 2050: 32767, 2056: 32767, 2057: 6377397.155, 2058: 6356078.963,
                   2054: 9102}), 0),
    ("geog_user_custom_angular_unit_size",
     K(GEOG, {2048: 32767, 2050: 6326, 2054: 32767, 2055: 0.0002908882086657216}), 0),
    ("geog_user_datum_code_only", K(GEOG, {2048: 32767, 2050: 6267}), 0),
    ("geog_user_custom_datum_citation_only",
     K(GEOG, {2048: 32767, 2050: 32767, 2056: 7019, 2049: "my custom geog"}), 0),
    ("geog_epsg_4807_ntf_paris", K(GEOG, {2048: 4807}), 0),
    ("geog_epsg_4807_with_units_key", K(GEOG, {2048: 4807, 2054: 9105}), 0),
    ("proj_lcc_on_user_geog_grads",
     K(PROJ, {2048: 32767, 2050: 6807, 2051: 8903, 2054: 9105, 3072: 32767, 3074: 32767,
                   3075: 9, 3076: 9001, 3080: 0.0, 3081: 52.0, 3092: 0.99987742,
                   3082: 600000.0, 3083: 2200000.0}), 0),
    ("proj_lcc_on_user_pm_in_grads",
     K(PROJ, {2048: 32767, 2050: 6326, 2051: 32767, 2061: 2.5969213, 2054: 9105,
                   3072: 32767, 3074: 32767, 3075: 9, 3076: 9001, 3080: 0.0, 3081: 52.0,
                   3092: 0.99987742, 3082: 600000.0, 3083: 2200000.0}), 0),
    # Transverse Mercator South Orientated.
    ("tm_south_epsg_2053", K(PROJ, {3072: 2053}), 0),
    ("tm_south_user_defined",
     K(PROJ, {2048: 4148, 3072: 32767, 3074: 32767, 3075: 27, 3076: 9001, 3080: 29.0,
                   3081: 0.0, 3092: 1.0, 3082: 0.0, 3083: 0.0}), 0),
    ("tm_south_user_defined_offsets",
     K(PROJ, {2048: 4326, 3072: 32767, 3074: 32767, 3075: 27, 3076: 9001, 3080: 25.0,
                   3081: -10.0, 3092: 0.9996, 3082: 500000.0, 3083: 10000000.0}), 0),
    ("tm_south_projection_code_only",
     K(PROJ, {2048: 4148, 3072: 32767, 3074: 17529, 3076: 9001}), 0),
]


def geotiff(keys, minor):
    """A little-endian 1x1 uint8 GeoTIFF with these GeoKeys (bytes)."""
    shorts, doubles, ascii = [], [], ""
    entries = []
    for key in sorted(keys):
        v = keys[key]
        if isinstance(v, int):
            entries.append((key, 0, 1, v))
        elif isinstance(v, str):
            text = v + "|"
            entries.append((key, 34737, len(text), len(ascii)))
            ascii += text
        else:
            vals = v if isinstance(v, list) else [v]
            entries.append((key, 34736, len(vals), len(doubles)))
            doubles.extend(float(x) for x in vals)
    shorts = [1, 1, minor, len(entries)]
    for e in entries:
        shorts.extend(e)
    tags = [
        (256, 3, [1]), (257, 3, [1]), (258, 3, [8]), (259, 3, [1]), (262, 3, [1]),
        (273, 4, [0]), (277, 3, [1]), (278, 3, [1]), (279, 4, [1]),
        (33550, 12, [1.0, 1.0, 0.0]), (33922, 12, [0.0, 0.0, 0.0, 100.0, 50.0, 0.0]),
        (34735, 3, shorts),
    ]
    if doubles:
        tags.append((34736, 12, doubles))
    if ascii:
        tags.append((34737, 2, list((ascii + "\0").encode("latin1"))))
    tags.sort()
    fmt = {3: "H", 4: "I", 12: "d", 2: "B"}
    size = {3: 2, 4: 4, 12: 8, 2: 1}
    ifd_offset = 8
    data_offset = ifd_offset + 2 + 12 * len(tags) + 4
    blobs = b""
    ifd = struct.pack("<H", len(tags))
    pixel_offset = None
    for code, typ, vals in tags:
        raw = struct.pack("<%d%s" % (len(vals), fmt[typ]), *vals)
        if len(raw) <= 4:
            ifd += struct.pack("<HHI", code, typ, len(vals)) + raw.ljust(4, b"\0")
        else:
            off = data_offset + len(blobs)
            ifd += struct.pack("<HHII", code, typ, len(vals), off)
            blobs += raw + (b"\0" if len(raw) % 2 else b"")
    ifd += struct.pack("<I", 0)
    pixel_offset = data_offset + len(blobs)
    out = bytearray(b"II*\0" + struct.pack("<I", ifd_offset) + ifd + blobs + b"\x07")
    # Patch StripOffsets (273) to the pixel byte.
    pos = 10
    for code, typ, vals in tags:
        if code == 273:
            struct.pack_into("<I", out, pos + 8, pixel_offset)
        pos += 12
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, keys, minor in CASES:
            path = os.path.join(tmp, name + ".tif")
            with open(path, "wb") as f:
                f.write(geotiff(keys, minor))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with rasterio.open(path) as ds:
                    assert ds.read(1)[0, 0] == 7, name
                    crs = ds.crs
                    wkt = crs.to_wkt() if crs else None
                    epsg = crs.to_epsg() if crs else None
            records.append({
                "name": name,
                "key_directory_minor": minor,
                "keys": {str(k): v for k, v in sorted(keys.items())},
                "wkt": wkt,
                "epsg": epsg,
            })
    with open(os.path.join(OUT, "geokeys.json"), "w") as f:
        json.dump({"rasterio": rasterio.__version__, "gdal": rasterio.__gdal_version__,
                   "cases": records}, f, indent=1)
        f.write("\n")
    print("%d CRS cases in %s" % (len(records), OUT))


if __name__ == "__main__":
    sys.exit(main())
