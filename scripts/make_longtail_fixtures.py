#!/usr/bin/python3
"""Makes tests/data/longtail/: TIFFs of the long tail GDAL reads through libtiff (CCITT, old-style
JPEG, SGILog, subsampled YCbCr, CMYK, 24-bit integers) and of a few layouts where cogr and GDAL
used to differ (big-endian LERC, deflate streams with trailing data, SubIFD overviews, nodata the
dtype cannot hold, a full-size reduced-resolution IFD), with rasterio's answers beside them.

Usage (developer tool, not run by CI; needs cc, libtiff-dev, libtiff-tools, libjpeg-dev, zlib
and python3-rasterio):
    /usr/bin/python3 scripts/make_longtail_fixtures.py

For each NAME.tif it writes NAME.json:
    {"count", "dtype", "width", "height", "nodata", "overviews", "photometric", "reads": [...]}
(a non-finite nodata is the string "nan", "inf" or "-inf")
where each read is {"overview": null|N, "npy": "NAME.rN.npy"} (rasterio's read() of that level),
or {"error": "..."} when rasterio cannot read the file (then cogr must fail too).
The tests (tests/codec/longtail_test.cpp) compare cogr with these recordings exactly.
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import rasterio

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "tests", "data", "longtail")


# ---- a tiny classic-TIFF writer (little-endian) for layouts libtiff cannot write -------------
SHORT, LONG, ASCII, RATIONAL, DOUBLE = 3, 4, 2, 5, 12
TYPE_SIZE = {SHORT: 2, LONG: 4, ASCII: 1, RATIONAL: 8, DOUBLE: 8}


class RawTiff:
    """Appends blobs and IFDs; IFD entries may reference blobs by name (resolved at write)."""

    def __init__(self):
        self.buf = bytearray(b"II*\x00\x00\x00\x00\x00")

    def blob(self, data):
        if len(self.buf) % 2:
            self.buf += b"\x00"
        off = len(self.buf)
        self.buf += data
        return off

    def ifd(self, tags, next_offset=0):
        """tags: {code: (type, values)}; returns the IFD's offset. Values too big for the entry
        go in a blob first."""
        entries = []
        for code in sorted(tags):
            typ, values = tags[code]
            if typ == ASCII:
                raw = values.encode() + b"\x00"
                count = len(raw)
            elif typ == RATIONAL:
                raw = b"".join(struct.pack("<II", n, d) for n, d in values)
                count = len(values)
            else:
                fmt = {SHORT: "<H", LONG: "<I", DOUBLE: "<d"}[typ]
                raw = b"".join(struct.pack(fmt, v) for v in values)
                count = len(values)
            if len(raw) <= 4:
                field = raw.ljust(4, b"\x00")
            else:
                field = struct.pack("<I", self.blob(raw))
            entries.append(struct.pack("<HHI", code, typ, count) + field)
        if len(self.buf) % 2:
            self.buf += b"\x00"
        off = len(self.buf)
        self.buf += struct.pack("<H", len(entries)) + b"".join(entries) + struct.pack("<I", next_offset)
        return off

    def set_next(self, ifd_offset, next_offset):
        n = struct.unpack_from("<H", self.buf, ifd_offset)[0]
        struct.pack_into("<I", self.buf, ifd_offset + 2 + 12 * n, next_offset)

    def set_first(self, ifd_offset):
        struct.pack_into("<I", self.buf, 4, ifd_offset)

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.buf)


def gray_tags(width, height, data_offset, nbytes, extra=None, bits=8, sample_format=1):
    tags = {256: (LONG, [width]), 257: (LONG, [height]), 258: (SHORT, [bits]), 259: (SHORT, [1]),
            262: (SHORT, [1]), 273: (LONG, [data_offset]), 277: (SHORT, [1]), 278: (LONG, [height]),
            279: (LONG, [nbytes]), 339: (SHORT, [sample_format])}
    tags.update(extra or {})
    return tags


def add_gray_image(t, width, height, fill, extra=None, dtype=np.uint8):
    data = (np.arange(width * height).reshape(height, width) * 3 + fill).astype(dtype)
    off = t.blob(data.astype(data.dtype.newbyteorder("<")).tobytes())
    bits = data.dtype.itemsize * 8
    fmt = {"u": 1, "i": 2, "f": 3}[data.dtype.kind]
    return t.ifd(gray_tags(width, height, off, data.nbytes, extra, bits, fmt))


# ---- old-style JPEG (compression 6) around the JPEG streams the C generator wrote -------------
def jpeg_segments(stream):
    """(marker, payload) of each marker segment before the scan, and the scan data (after SOS)."""
    assert stream[:2] == b"\xff\xd8"
    pos, segs = 2, []
    while True:
        marker = stream[pos + 1]
        length = struct.unpack(">H", stream[pos + 2:pos + 4])[0]
        payload = stream[pos + 4:pos + 2 + length]
        segs.append((marker, payload))
        pos += 2 + length
        if marker == 0xDA:
            return segs, stream[pos:]


def ojpeg_jif(stream, width, height, photometric, samples, subsampling, rows_per_strip=True):
    """JPEGInterchangeFormat pointing at the whole stream; the strip is the same stream."""
    t = RawTiff()
    off = t.blob(stream)
    tags = {256: (LONG, [width]), 257: (LONG, [height]), 258: (SHORT, [8] * samples), 259: (SHORT, [6]),
            262: (SHORT, [photometric]), 273: (LONG, [off]), 277: (SHORT, [samples]), 279: (LONG, [len(stream)]),
            284: (SHORT, [1]), 512: (SHORT, [1]), 513: (LONG, [off]), 514: (LONG, [len(stream)])}
    if rows_per_strip:
        tags[278] = (LONG, [height])
    if photometric == 6:
        tags[530] = (SHORT, list(subsampling))
    t.set_first(t.ifd(tags))
    return t


def ojpeg_jif_strips(stream, width, height, rows_per_strip, subsampling):
    """Several strips: JPEGInterchangeFormat points at the stream's header (through SOS), shared by
    every strip; each strip holds one restart interval of the scan (the RST markers dropped)."""
    segs, scan = jpeg_segments(stream)
    header = stream[:len(stream) - len(scan)]
    end = scan.rfind(b"\xff\xd9")
    scan = scan[:end] if end >= 0 else scan
    parts, last = [], 0
    for i in range(len(scan) - 1):
        if scan[i] == 0xFF and 0xD0 <= scan[i + 1] <= 0xD7:
            parts.append(scan[last:i])
            last = i + 2
    parts.append(scan[last:])
    assert len(parts) == (height + rows_per_strip - 1) // rows_per_strip, len(parts)
    t = RawTiff()
    header_off = t.blob(header)
    offs = [t.blob(p) for p in parts]
    tags = {256: (LONG, [width]), 257: (LONG, [height]), 258: (SHORT, [8, 8, 8]), 259: (SHORT, [6]),
            262: (SHORT, [6]), 273: (LONG, offs), 277: (SHORT, [3]), 278: (LONG, [rows_per_strip]),
            279: (LONG, [len(p) for p in parts]), 284: (SHORT, [1]), 512: (SHORT, [1]),
            513: (LONG, [header_off]), 514: (LONG, [len(header)]), 530: (SHORT, list(subsampling))}
    t.set_first(t.ifd(tags))
    return t


def ojpeg_whole_jif_rst_strips(stream, width, height, rows_per_strip, subsampling):
    """Several strips inside one JPEG stream with restart markers, as old scanners wrote them:
    JPEGInterchangeFormat(Length) cover the whole stream; strip k starts after the k-th RST
    marker and ends before the next."""
    segs, scan = jpeg_segments(stream)
    header = stream[:len(stream) - len(scan)]
    rst = [i for i in range(len(scan) - 1) if scan[i] == 0xFF and 0xD0 <= scan[i + 1] <= 0xD7]
    end = scan.rfind(b"\xff\xd9")
    starts, ends = [0] + [i + 2 for i in rst], rst + [end]
    assert len(starts) == (height + rows_per_strip - 1) // rows_per_strip, len(starts)
    t = RawTiff()
    off = t.blob(stream)
    base = off + len(header)
    tags = {256: (LONG, [width]), 257: (LONG, [height]), 258: (SHORT, [8, 8, 8]), 259: (SHORT, [6]),
            262: (SHORT, [6]), 273: (LONG, [base + s for s in starts]), 277: (SHORT, [3]),
            278: (LONG, [rows_per_strip]), 279: (LONG, [e - s for s, e in zip(starts, ends)]), 284: (SHORT, [1]),
            512: (SHORT, [1]), 513: (LONG, [off]), 514: (LONG, [len(stream)]), 530: (SHORT, list(subsampling))}
    t.set_first(t.ifd(tags))
    return t


def ojpeg_jif_strips_continuing(stream, width, height, rows_per_strip, subsampling, whole_jif):
    """Several strips of one entropy-coded scan without restart markers, cut at arbitrary bytes:
    a strip continues the previous one's bit stream (libtiff decodes the earlier strips to reach
    a later one). JPEGInterchangeFormat points at the header (through SOS), or with `whole_jif`
    at the whole stream, scan and EOI included (its length then covers the strips too)."""
    segs, scan = jpeg_segments(stream)
    header = stream[:len(stream) - len(scan)]
    end = scan.rfind(b"\xff\xd9")
    scan = scan[:end] if end >= 0 else scan
    strips = (height + rows_per_strip - 1) // rows_per_strip
    cuts = [0] + [len(scan) * (i + 1) // strips + 3 * i for i in range(strips - 1)] + [len(scan)]
    parts = [scan[cuts[i]:cuts[i + 1]] for i in range(strips)]
    t = RawTiff()
    if whole_jif:
        jif_off = t.blob(stream)
        offs, at = [], jif_off + len(header)
        for p in parts:
            offs.append(at)
            at += len(p)
        jif_len = len(stream)
    else:
        jif_off = t.blob(header)
        offs = [t.blob(p) for p in parts]
        jif_len = len(header)
    tags = {256: (LONG, [width]), 257: (LONG, [height]), 258: (SHORT, [8, 8, 8]), 259: (SHORT, [6]),
            262: (SHORT, [6]), 273: (LONG, offs), 277: (SHORT, [3]), 278: (LONG, [rows_per_strip]),
            279: (LONG, [len(p) for p in parts]), 284: (SHORT, [1]), 512: (SHORT, [1]),
            513: (LONG, [jif_off]), 514: (LONG, [jif_len]), 530: (SHORT, list(subsampling))}
    t.set_first(t.ifd(tags))
    return t


def ojpeg_tables(stream, width, height, subsampling):
    """No JPEGInterchangeFormat: the tables by offset (JPEGQTables, JPEGDCTables, JPEGACTables)
    and the strip holding only the entropy-coded scan."""
    segs, scan = jpeg_segments(stream)
    t = RawTiff()
    qt, dc, ac = {}, {}, {}
    for marker, payload in segs:
        if marker == 0xDB:
            p = 0
            while p < len(payload):
                pq_tq = payload[p]
                assert pq_tq >> 4 == 0
                qt[pq_tq & 15] = payload[p + 1:p + 65]
                p += 65
        elif marker == 0xC4:
            p = 0
            while p < len(payload):
                tc_th = payload[p]
                counts = payload[p + 1:p + 17]
                n = sum(counts)
                table = payload[p + 1:p + 17 + n]
                (ac if tc_th >> 4 else dc)[tc_th & 15] = table
                p += 17 + n
    # Component i uses quantisation table min(i, 1) and Huffman tables min(i, 1) (libjpeg's defaults).
    q_offs = [t.blob(qt[min(i, 1)]) for i in range(3)]
    dc_offs = [t.blob(dc[min(i, 1)]) for i in range(3)]
    ac_offs = [t.blob(ac[min(i, 1)]) for i in range(3)]
    end = scan.rfind(b"\xff\xd9")
    strip = t.blob(scan[:end] if end >= 0 else scan)
    tags = {256: (LONG, [width]), 257: (LONG, [height]), 258: (SHORT, [8, 8, 8]), 259: (SHORT, [6]),
            262: (SHORT, [6]), 273: (LONG, [strip]), 277: (SHORT, [3]), 278: (LONG, [height]),
            279: (LONG, [end if end >= 0 else len(scan)]), 284: (SHORT, [1]), 512: (SHORT, [1]),
            519: (LONG, q_offs), 520: (LONG, dc_offs), 521: (LONG, ac_offs), 530: (SHORT, list(subsampling))}
    t.set_first(t.ifd(tags))
    return t


def build_raw_fixtures(tmp):
    def jpg(name):
        with open(os.path.join(tmp, name), "rb") as f:
            return f.read()

    ojpeg_jif(jpg("ojpeg_ycbcr22.jpg"), 48, 32, 6, 3, (2, 2)).save(os.path.join(tmp, "ojpeg_ycbcr22_jif.tif"))
    ojpeg_jif(jpg("ojpeg_ycbcr22.jpg"), 48, 32, 6, 3, (2, 2), rows_per_strip=False).save(
        os.path.join(tmp, "ojpeg_ycbcr22_jif_no_rps.tif"))
    ojpeg_jif(jpg("ojpeg_ycbcr21.jpg"), 40, 24, 6, 3, (2, 1)).save(os.path.join(tmp, "ojpeg_ycbcr21_jif.tif"))
    ojpeg_jif(jpg("ojpeg_gray.jpg"), 40, 24, 1, 1, None).save(os.path.join(tmp, "ojpeg_gray_jif.tif"))
    ojpeg_tables(jpg("ojpeg_ycbcr22.jpg"), 48, 32, (2, 2)).save(os.path.join(tmp, "ojpeg_ycbcr22_tables.tif"))
    ojpeg_jif_strips(jpg("ojpeg_ycbcr22_rst.jpg"), 48, 48, 16, (2, 2)).save(
        os.path.join(tmp, "ojpeg_ycbcr22_jif_strips.tif"))
    ojpeg_whole_jif_rst_strips(jpg("ojpeg_ycbcr22_rst.jpg"), 48, 48, 16, (2, 2)).save(
        os.path.join(tmp, "ojpeg_ycbcr22_whole_jif_rst_strips.tif"))
    ojpeg_jif_strips_continuing(jpg("ojpeg_ycbcr22_48.jpg"), 48, 48, 16, (2, 2), False).save(
        os.path.join(tmp, "ojpeg_ycbcr22_strips_norst.tif"))
    ojpeg_jif_strips_continuing(jpg("ojpeg_ycbcr22_48.jpg"), 48, 48, 16, (2, 2), True).save(
        os.path.join(tmp, "ojpeg_ycbcr22_strips_norst_whole_jif.tif"))

    # SubIFD overviews: the main image lists two reduced-resolution SubIFDs that also chain to
    # each other (ov32 -> ov16), given smallest first.
    t = RawTiff()
    ov16 = add_gray_image(t, 16, 16, 7, {254: (LONG, [1])})
    ov32 = add_gray_image(t, 32, 32, 5, {254: (LONG, [1])}, )
    t.set_next(ov32, ov16)
    ov8 = add_gray_image(t, 8, 8, 9, {254: (LONG, [1])})
    t.set_next(ov16, ov8)
    main = add_gray_image(t, 64, 64, 1, {330: (LONG, [ov16, ov32, ov8])})
    t.set_first(main)
    t.save(os.path.join(tmp, "subifd_overview_chain.tif"))

    # Same-size reduced-resolution IFD: an overview of factor 1.
    t = RawTiff()
    ov = add_gray_image(t, 24, 16, 100, {254: (LONG, [1])})
    main = add_gray_image(t, 24, 16, 0)
    t.set_next(main, ov)
    t.set_first(main)
    t.save(os.path.join(tmp, "overview_factor1.tif"))

    # GDAL_NODATA values the dtype cannot hold (and a few it can, for contrast).
    for name, dtype, text in [("nodata_u8_m10000", np.uint8, "-10000"), ("nodata_u8_300", np.uint8, "300"),
                              ("nodata_u8_255", np.uint8, "255"), ("nodata_u8_1p5", np.uint8, "1.5"),
                              ("nodata_u16_m1", np.uint16, "-1"), ("nodata_i16_40000", np.int16, "40000"),
                              ("nodata_f32_1e40", np.float32, "1e40"), ("nodata_u8_nan", np.uint8, "nan")]:
        t = RawTiff()
        t.set_first(add_gray_image(t, 10, 6, 0, {42113: (ASCII, text)}, dtype=dtype))
        t.save(os.path.join(tmp, name + ".tif"))


def build_tiffcp_fixtures(tmp):
    """Band-interleaved copies of the pixel-interleaved CMYK fixtures (libtiff-tools' tiffcp)."""
    def tiffcp(src, dst, *args):
        subprocess.check_call(["tiffcp", *args, os.path.join(tmp, src), os.path.join(tmp, dst)])

    tiffcp("cmyk_pixel.tif", "cmyk_band_strips.tif", "-p", "separate", "-r", "8")
    tiffcp("cmyk_pixel.tif", "cmyk_band_tiled.tif", "-p", "separate", "-t", "-w", "16", "-l", "16")
    tiffcp("cmyk_pixel.tif", "cmyk_band_be_lzw.tif", "-B", "-p", "separate", "-c", "lzw", "-r", "5")
    # GDAL reports 4 bands but libtiff's RGBA reader refuses band-interleaved CMYK with an
    # extra sample: rasterio's read fails, so must cogr's.
    tiffcp("cmyk_pixel_extra_alpha.tif", "cmyk_band_extra_alpha.tif", "-p", "separate", "-r", "8")


def record(tmp, name):
    src = os.path.join(tmp, name + ".tif")
    os.replace(src, os.path.join(OUT, name + ".tif"))
    path = os.path.join(OUT, name + ".tif")
    info = {"file": name + ".tif"}
    try:
        with rasterio.open(path) as d:
            info.update(count=d.count, dtype=d.dtypes[0], width=d.width, height=d.height,
                        nodata=None if d.nodata is None else (d.nodata if math.isfinite(d.nodata) else str(d.nodata)),
                        overviews=d.overviews(1), photometric=d.tags(ns="IMAGE_STRUCTURE").get("SOURCE_COLOR_SPACE"))
            reads = []
            levels = [None] + list(range(len(d.overviews(1))))
            for level in levels:
                if level is None:
                    a = d.read()
                else:
                    with rasterio.open(path, overview_level=level) as o:
                        a = o.read()
                npy = "%s.r%d.npy" % (name, len(reads))
                np.save(os.path.join(OUT, npy), a)
                reads.append({"overview": level, "npy": npy})
            info["reads"] = reads
    except Exception as e:  # rasterio cannot read it: cogr must fail too
        info = {"file": name + ".tif", "error": str(e).splitlines()[0]}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
        f.write("\n")
    return info


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".tif", ".json", ".npy")):
            os.remove(os.path.join(OUT, f))
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "longtail_fixtures")
        subprocess.check_call(["cc", "-O1", "-o", exe, os.path.join(REPO, "scripts", "longtail_fixtures.c"),
                               "-ltiff", "-ljpeg", "-lz", "-lm"])
        subprocess.check_call([exe, tmp])
        build_raw_fixtures(tmp)
        build_tiffcp_fixtures(tmp)
        for f in sorted(os.listdir(tmp)):
            if f.endswith(".tif"):
                info = record(tmp, f[:-4])
                size = os.path.getsize(os.path.join(OUT, f))
                assert size < 64 * 1024, (f, size)
                print(f, size, {k: v for k, v in info.items() if k != "reads"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
