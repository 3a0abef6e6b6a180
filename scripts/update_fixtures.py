#!/usr/bin/env python3
"""Copies the known-answer fixtures into tests/data/fixtures/ (developer tool, not run by CI).

Source: a fixture tree laid out as generated/ and realworld/, each with expected/NAME.json and
expected/NAME.<read-id>.npy (default /work/shared/fixtures). Every fixture whose .tif is smaller
than 300 KB is copied with its expected json. To keep the repository small (~8 MB of test
data), an expected .npy is copied only if it is at most 140 KB (plain reads) or 32 KB
(out_shape reads, which need resampling); the others are listed in
expected/omitted_npy.txt with a digest: dtype, shape, FNV-1a 64 of the data (NaNs made
canonical), the mean and NaN count of its scalars. tests/read/fixtures_test.cpp checks exact reads
of those against the digest and lossy ones against the mean. Informational arrays (rasterio's dataset_mask, not part of cogr's contract)
are not copied.

Usage: scripts/update_fixtures.py [SOURCE_DIR]   (idempotent: rewrites the destination)
"""
import array
import ast
import json
import math
import os
import shutil
import struct
import sys

MAX_TIF_BYTES = 300 * 1024
MAX_NPY_BYTES = 140 * 1024
MAX_OUT_SHAPE_NPY_BYTES = 32 * 1024

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src_root = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures"
dst = os.path.join(repo, "tests", "data", "fixtures")
dst_expected = os.path.join(dst, "expected")

# Start from a clean expected/ so that fixtures dropped upstream disappear here too.
if os.path.isdir(dst_expected):
    shutil.rmtree(dst_expected)
os.makedirs(dst_expected)
for name in os.listdir(dst):
    if name.endswith((".tif", ".tiff")):
        os.remove(os.path.join(dst, name))

# numpy descr → (array typecode, scalars per element, is_float)
DESCRS = {
    "|u1": ("B", 1, False), "|i1": ("b", 1, False), "<u2": ("H", 1, False), "<i2": ("h", 1, False),
    "<u4": ("I", 1, False), "<i4": ("i", 1, False), "<u8": ("Q", 1, False), "<i8": ("q", 1, False),
    "<f4": ("f", 1, True), "<f8": ("d", 1, True), "<c8": ("f", 2, True), "<c16": ("d", 2, True),
}


def npy_digest(path):
    """'descr shape fnv mean nan_count' of an .npy file, as fixtures_test.cpp recomputes it."""
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:6] == b"\x93NUMPY", path
    if raw[6] == 1:
        header_len, pos = struct.unpack_from("<H", raw, 8)[0], 10
    else:
        header_len, pos = struct.unpack_from("<I", raw, 8)[0], 12
    header = ast.literal_eval(raw[pos:pos + header_len].decode("latin1"))
    assert not header["fortran_order"], path
    descr = header["descr"]
    code, _, is_float = DESCRS[descr]
    values = array.array(code)
    values.frombytes(raw[pos + header_len:])
    fnv = 0xcbf29ce484222325
    total, count, nans = 0.0, 0, 0
    item = values.itemsize
    canonical_nan = {4: struct.pack("<I", 0x7fc00000), 8: struct.pack("<Q", 0x7ff8000000000000)}
    data = raw[pos + header_len:]
    for i, v in enumerate(values):
        b = data[i * item:(i + 1) * item]
        if is_float and math.isnan(v):
            b = canonical_nan[item]
            nans += 1
        else:
            total += float(v)
            count += 1
        for byte in b:
            fnv = ((fnv ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    mean = total / count if count else 0.0
    shape = "x".join(str(d) for d in header["shape"])
    return f"{descr} {shape} {fnv:016x} {mean!r} {nans}"


copied, skipped, omitted = [], [], []
total = 0
for group in ("generated", "realworld"):
    exp_dir = os.path.join(src_root, group, "expected")
    for json_name in sorted(os.listdir(exp_dir)):
        if not json_name.endswith(".json"):
            continue
        with open(os.path.join(exp_dir, json_name)) as f:
            doc = json.load(f)
        if "contract" not in doc:  # index.json
            continue
        tif = os.path.join(src_root, group, doc["file"])
        tif_bytes = os.path.getsize(tif)
        if tif_bytes >= MAX_TIF_BYTES:
            skipped.append((doc["file"], tif_bytes))
            continue
        shutil.copyfile(tif, os.path.join(dst, doc["file"]))
        shutil.copyfile(os.path.join(exp_dir, json_name), os.path.join(dst_expected, json_name))
        total += tif_bytes + os.path.getsize(os.path.join(exp_dir, json_name))
        for read in doc["reads"]:
            if "npy" not in read:
                continue
            npy = os.path.join(exp_dir, read["npy"])
            npy_bytes = os.path.getsize(npy)
            cap = MAX_OUT_SHAPE_NPY_BYTES if read["args"].get("out_shape") else MAX_NPY_BYTES
            if npy_bytes > cap:
                omitted.append(f'{read["npy"]} {npy_digest(npy)}')
                continue
            shutil.copyfile(npy, os.path.join(dst_expected, read["npy"]))
            total += npy_bytes
        copied.append((group, doc["file"], tif_bytes))

with open(os.path.join(dst_expected, "omitted_npy.txt"), "w") as f:
    f.write("# Expected arrays left out to keep the repository small (see scripts/update_fixtures.py).\n")
    f.write("# fixtures_test.cpp checks exact reads against the digest, lossy ones against the mean.\n")
    f.write("# name descr shape(BxHxW) fnv1a64(data, NaNs canonical) mean(non-NaN scalars) nan_count\n")
    for name in sorted(omitted):
        f.write(name + "\n")

shutil.copyfile(os.path.join(src_root, "realworld", "SOURCES.md"), os.path.join(dst, "SOURCES.md"))
shutil.copyfile(os.path.join(src_root, "README.md"), os.path.join(dst_expected, "README.md"))

for group, name, size in copied:
    print(f"{group:10s} {size:8d} {name}")
for name, size in skipped:
    print(f"skipped (>= 300 KB) {size:8d} {name}")
print(f"{len(copied)} fixtures, {len(omitted)} npy omitted, {total} bytes of tif+json+npy")
