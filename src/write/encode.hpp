// write: block encoders — predictors (forward direction) and compressors (deflate, zstd, TIFF
// LZW). The inverse of src/codec; kept apart because decoders must never depend on encoders.
#pragma once

#include <cstdint>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/types.hpp"
#include "cogr/write.hpp"

namespace cogr::internal {

/// Applies predictor 2 in place to host-order integers: within each of `rows` rows of `width`
/// pixels of `samples` words of `word_bytes` (1, 2, 4 or 8) bytes, every word becomes its
/// difference with the same sample of the previous pixel (wrapping), as libtiff's horDiff.
void ApplyHorizontalPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                              uint32_t word_bytes);

/// Applies predictor 3 (TIFF Technical Note 3) in place to host-order floats of `word_bytes`
/// (2, 4 or 8) bytes: per row, split the words into byte planes, most significant plane
/// first, then difference the bytes with stride `samples`, as libtiff's fpDiff.
/// `row_scratch` is resized to one row.
void ApplyFloatPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                         uint32_t word_bytes, std::vector<uint8_t>& row_scratch);

/// TIFF LZW (Compression 5) as libtiff writes it: MSB-first codes of 9..12 bits, a Clear code
/// first, the code width growing one code early, Clear when the table is full, EOI last.
/// Replaces `out` with the stream.
void LzwCompress(ByteSpan in, std::vector<uint8_t>& out);

/// A zlib stream (Compression 8) made by libdeflate at `level` (1..12). Replaces `out`.
Status DeflateCompress(ByteSpan in, int level, std::vector<uint8_t>& out);

/// One Zstandard frame (Compression 50000) at `level` (1..22). Replaces `out`. kUnsupported
/// when cogr was built without zstd.
Status ZstdCompress(ByteSpan in, int level, std::vector<uint8_t>& out);

/// True when this build can write `c`.
bool CanCompress(write::Compression c);

/// An upper bound of the compressed size of `n` input bytes (including codec headers).
uint64_t CompressBound(write::Compression c, uint64_t n);

/// Compresses one block with `c` into `out`.
Status Compress(write::Compression c, int level, ByteSpan in, std::vector<uint8_t>& out);

}  // namespace cogr::internal
