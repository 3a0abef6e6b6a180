#!/usr/bin/env python3
"""Makes the fixtures of cogr's io tests (stdlib only; run from this folder).

cog_u8_deflate_256_t32.tif: a 256x256 uint8 single-band image, 32x32 deflate tiles (8x8 tiles,
row-major), laid out as GDAL's COG driver does: header, GDAL structural metadata ("ghost
area"), the IFD and its arrays, then the tiles, each with a 4-byte size leader and a trailer
repeating its last 4 bytes. Pixel (x, y) = (x * 3 + y * 7 + noise) & 255, where noise comes
from a fixed LCG, so tiles compress to ~0.9 KiB each and the file (~70 KiB) is larger than
the 32 KiB header prefix: block reads really go to the server.
"""
import struct
import zlib

W = H = 256
T = 32


def pixels():
    seed = 12345
    rows = []
    for y in range(H):
        row = bytearray(W)
        for x in range(W):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            row[x] = (x * 3 + y * 7 + ((seed >> 16) & 0x3F)) & 0xFF
        rows.append(row)
    return rows


def main():
    rows = pixels()
    tiles = []
    for ty in range(H // T):
        for tx in range(W // T):
            raw = b"".join(bytes(rows[ty * T + r][tx * T:(tx + 1) * T]) for r in range(T))
            tiles.append(zlib.compress(raw, 6))
    rest = ("LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n"
            "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ")
    ghost = ("GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n" % len(rest) + rest).encode()
    n = len(tiles)
    ifd_off = 8 + len(ghost)
    ifd_off += ifd_off & 1
    entries = 11
    ifd_size = 2 + entries * 12 + 4
    offsets_off = ifd_off + ifd_size
    counts_off = offsets_off + 4 * n
    data_off = counts_off + 4 * n
    tile_offsets, pos, body = [], data_off, b""
    for t in tiles:
        leader = struct.pack("<I", len(t))
        tile_offsets.append(pos + 4)
        chunk = leader + t + t[-4:]
        body += chunk
        pos += len(chunk)
    tags = [
        (256, 3, 1, W), (257, 3, 1, H), (258, 3, 1, 8), (259, 3, 1, 8), (262, 3, 1, 1),
        (277, 3, 1, 1), (322, 3, 1, T), (323, 3, 1, T), (324, 4, n, offsets_off),
        (325, 4, n, counts_off), (339, 3, 1, 1),
    ]
    assert len(tags) == entries
    ifd = struct.pack("<H", entries)
    for code, typ, count, value in tags:
        if typ == 3 and count == 1:
            ifd += struct.pack("<HHIHH", code, typ, count, value, 0)
        else:
            ifd += struct.pack("<HHII", code, typ, count, value)
    ifd += struct.pack("<I", 0)
    out = b"II" + struct.pack("<HI", 42, ifd_off) + ghost
    out += b"\0" * (ifd_off - len(out))
    out += ifd + struct.pack("<%dI" % n, *tile_offsets) + struct.pack("<%dI" % n, *[len(t) for t in tiles])
    assert len(out) == data_off
    out += body
    with open("cog_u8_deflate_256_t32.tif", "wb") as f:
        f.write(out)
    print("cog_u8_deflate_256_t32.tif", len(out), "bytes, tiles at", data_off)


if __name__ == "__main__":
    main()
