// LERC2 blobs (Esri's Limited Error Raster Compression, versions 1-6) decoded by cogr itself.
//
// liblerc trusts a blob of version 3 or later once its Fletcher-32 checksum matches, and a
// checksum is easy to make match: a lookup-table index past the table reads liblerc's heap into
// the pixels, a block claiming fewer values than it has valid pixels reads past its buffer, and
// its lossless-float decoder leaves bytes unwritten for planes it cannot decode. This decoder
// checks every count, index, length and offset against the blob and the block instead, for
// every coding: constant images, raw values, blocks (plain or lookup-table bit stuffing,
// differences between a pixel's values), Huffman-coded bytes and lossless float planes, every
// data type, several values per pixel and several bands with their masks.
#pragma once

#include <cstdint>

#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr::internal {

/// What a run of LERC2 blobs holds (liblerc writes one blob per band, one after the other).
struct Lerc2Info {
  int version = 0;         ///< of the first blob
  uint32_t data_type = 0;  ///< liblerc's codes: 0 int8, 1 uint8, 2 int16, 3 uint16, 4 int32,
                           ///< 5 uint32, 6 float32, 7 float64
  uint32_t depth = 0;      ///< values per pixel
  uint32_t cols = 0, rows = 0;
  uint32_t bands = 0;
  /// 0: every pixel of every band is valid; 1: one mask for all bands; `bands`: one per band.
  uint32_t masks = 0;
  uint64_t bytes = 0;  ///< of all the bands' blobs
};

/// Reads the headers of the blobs at the start of `blob`. kInvalidFile when a header is
/// malformed or the bands disagree on size, depth or data type.
Result<Lerc2Info> ReadLerc2Info(ByteSpan blob);

/// Decodes `info` (from ReadLerc2Info on the same bytes): `values`
/// receives the bands one after the other, each rows x cols pixels of `depth` values of the data
/// type (host order), exactly info.bands * rows * cols * depth values; invalid pixels get 0.
/// `mask`, when not empty, receives info.masks planes of rows x cols bytes, 1 for a valid pixel.
/// Every byte of both is written, or kInvalidFile is returned.
Status DecodeLerc2(ByteSpan blob, const Lerc2Info& info, MutableByteSpan values,
                   MutableByteSpan mask);

}  // namespace cogr::internal
