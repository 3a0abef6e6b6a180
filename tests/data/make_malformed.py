#!/usr/bin/env python3
"""Writes tests/data/malformed/*.tif: small hand-made broken TIFFs (each < 4 KB) for
tests/tiff/malformed_test.cpp. Python 3 standard library only; output is deterministic.

Each file breaks one rule; the expected outcome is in tests/tiff/malformed_test.cpp:
  truncated_header.tif         6 bytes of a classic header
  bad_magic.tif                a GIF signature
  first_ifd_past_eof.tif       first IFD offset 100000 in a 64-byte file
  next_ifd_past_eof.tif        valid IFD whose next-IFD offset is 99999 (chain ends there)
  self_cycling_2ifds.tif       IFD A -> IFD B -> IFD A
  entry_count_ffff.tif         entry count 65535 in a 64-byte file
  bigtiff_tag_count_overflow.tif  BigTIFF, TileOffsets LONG8 count 2^61+1 (x 8 wraps 2^64)
  tile_offsets_short.tif       4 tiles but 3 TileOffsets
  width_zero.tif               ImageWidth 0
  tile_width_zero.tif          TileWidth 0
  value_offset_past_eof.tif    TileOffsets values at offset 5000 in a small file
  bigtiff_bad_bytesize.tif     BigTIFF header with offset byte size 4
  chain_70_ifds.tif            70 valid 1x1 IFDs chained (tested with max_ifds = 64)
  big_description.tif          valid 1x1 image with a 3000-byte ImageDescription
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "malformed")

BYTE, ASCII, SHORT, LONG, LONG8 = 1, 2, 3, 4, 16
TYPE_SIZE = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, LONG8: 8}
TYPE_FMT = {BYTE: "B", ASCII: "B", SHORT: "H", LONG: "I", LONG8: "Q"}


class Tag:
    """One IFD entry. `values` are packed with the type's format; `count` and `offset`
    override what is written (to lie about them); `raw` replaces the packed values."""

    def __init__(self, code, typ, values, count=None, offset=None, raw=None):
        self.code, self.typ, self.values = code, typ, values
        self.count, self.offset, self.raw = count, offset, raw

    def payload(self, order):
        if self.raw is not None:
            return self.raw
        return struct.pack(order + TYPE_FMT[self.typ] * len(self.values), *self.values)


def build(ifds, bigtiff=False, order="<", first_ifd=None, next_override=None, data=b""):
    """A TIFF whose IFDs (lists of Tags) follow the header in order, each followed by its
    out-of-line values, then `data`. A Tag with offset=-1 gets the offset of `data` written in
    its value field (for a count-1 LONG StripOffsets that is the strip's offset)."""
    head_len = 16 if bigtiff else 8
    entry_len, count_len, next_len, inline = (20, 8, 8, 8) if bigtiff else (12, 2, 4, 4)
    # First pass: sizes, to know every offset.
    layout = []
    pos = head_len
    for tags in ifds:
        ifd_off = pos
        pos += count_len + entry_len * len(tags) + next_len
        value_offs = []
        for t in tags:
            p = t.payload(order)
            if len(p) > inline and t.offset is None:
                value_offs.append(pos)
                pos += len(p) + (len(p) & 1)
            else:
                value_offs.append(None)
        layout.append((ifd_off, value_offs))
    data_off = pos
    out = bytearray()
    magic = b"II" if order == "<" else b"MM"
    first = layout[0][0] if first_ifd is None else first_ifd
    if bigtiff:
        out += magic + struct.pack(order + "HHHQ", 43, 8, 0, first)
    else:
        out += magic + struct.pack(order + "HI", 42, first)
    for i, tags in enumerate(ifds):
        ifd_off, value_offs = layout[i]
        assert len(out) == ifd_off
        nxt = layout[i + 1][0] if i + 1 < len(ifds) else 0
        if next_override and i in next_override:
            nxt = next_override[i]
        out += struct.pack(order + ("Q" if bigtiff else "H"), len(tags))
        for t, voff in zip(tags, value_offs):
            p = t.payload(order)
            count = t.count if t.count is not None else len(p) // TYPE_SIZE[t.typ]
            if t.offset is not None:
                field = struct.pack(order + ("Q" if bigtiff else "I"), data_off if t.offset == -1 else t.offset)
            elif voff is None:
                field = p.ljust(inline, b"\0")
            else:
                field = struct.pack(order + ("Q" if bigtiff else "I"), voff)
            out += struct.pack(order + ("HHQ" if bigtiff else "HHI"), t.code, t.typ, count) + field
        out += struct.pack(order + ("Q" if bigtiff else "I"), nxt)
        for t, voff in zip(tags, value_offs):
            if voff is not None:
                p = t.payload(order)
                assert len(out) == voff
                out += p + (b"\0" if len(p) & 1 else b"")
    assert len(out) == data_off
    out += data
    return bytes(out)


def strip_image(width=1, height=1, extra=()):
    """Tags of a width x height uint8 image in one strip at the start of the data."""
    return [
        Tag(256, SHORT, [width]),
        Tag(257, SHORT, [height]),
        Tag(273, LONG, [0], offset=-1, count=1),
        Tag(279, LONG, [width * height]),
        *extra,
    ]


def tiled_image(width, height, tile_w, tile_h, offsets, counts, typ=LONG, **kw):
    return [
        Tag(256, SHORT, [width]),
        Tag(257, SHORT, [height]),
        Tag(322, SHORT, [tile_w]),
        Tag(323, SHORT, [tile_h]),
        Tag(324, typ, offsets, **kw),
        Tag(325, typ, counts),
    ]


def files():
    f = {}
    f["truncated_header.tif"] = b"II*\0\x08\0"
    f["bad_magic.tif"] = b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00"
    f["first_ifd_past_eof.tif"] = build([strip_image()], first_ifd=100000, data=b"\x07").ljust(64, b"\0")[:64]
    f["next_ifd_past_eof.tif"] = build([strip_image()], next_override={0: 99999}, data=b"\x07")
    # Point IFD B's next offset back at IFD A (offset 8).
    f["self_cycling_2ifds.tif"] = build([strip_image(), strip_image()],
                                        next_override={1: 8}, data=b"\x07")
    f["entry_count_ffff.tif"] = (b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 0xFFFF)).ljust(64, b"\0")
    f["bigtiff_tag_count_overflow.tif"] = build(
        [tiled_image(32, 32, 16, 16, [0], [1], typ=LONG8, count=(1 << 61) + 1, offset=16)],
        bigtiff=True, data=b"\0" * 16)
    f["tile_offsets_short.tif"] = build([tiled_image(32, 32, 16, 16, [200, 201, 202], [1, 1, 1, 1])],
                                        data=b"\0" * 8)
    f["width_zero.tif"] = build([strip_image(width=0, height=16)], data=b"\0")
    f["tile_width_zero.tif"] = build([tiled_image(32, 32, 0, 16, [8], [1])], data=b"\0")
    f["value_offset_past_eof.tif"] = build(
        [tiled_image(32, 32, 16, 16, [0, 0, 0, 0], [1, 1, 1, 1], offset=5000)], data=b"\0")
    f["bigtiff_bad_bytesize.tif"] = b"II+\0" + struct.pack("<HHQ", 4, 0, 16) + b"\0" * 16
    f["chain_70_ifds.tif"] = build([strip_image() for _ in range(70)], data=b"\x07")
    f["big_description.tif"] = build([strip_image(extra=[Tag(270, ASCII, list(b"x" * 2999) + [0])])],
                                     data=b"\x07")
    return f


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, content in sorted(files().items()):
        assert len(content) < 4096, (name, len(content))
        with open(os.path.join(OUT, name), "wb") as fh:
            fh.write(content)
        print(f"{name}: {len(content)} bytes")


if __name__ == "__main__":
    main()
