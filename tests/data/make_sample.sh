#!/usr/bin/env bash
# Makes tests/data/sample.tif, the README quick-start sample: a 64x64 RGBA uint8 COG (zstd,
# 16x16 tiles, EPSG:3857, overviews 2/4/8/16, 3.5 KB). It is not generated (no GDAL here): it is
# blacha/cogeotiff's packages/core/data/rgba8_cog.tiff (MIT, commit c9e9a2ad), already in the
# conformance fixtures as fixtures/cogeotiff__rgba8_cog.tiff. The checksum pins the bytes.
set -euo pipefail
cd "$(dirname "$0")"
src=fixtures/cogeotiff__rgba8_cog.tiff
want=3c5d895c87ce93acf945be4f6567734cd8850acc897eb3377d04b66f3fe4ade2
got=$(sha256sum "$src" | cut -d' ' -f1)
if [[ "$got" != "$want" ]]; then
  echo "make_sample.sh: $src has sha256 $got, expected $want" >&2
  exit 1
fi
cp "$src" sample.tif
echo "tests/data/sample.tif: $(stat -c %s sample.tif) bytes"
