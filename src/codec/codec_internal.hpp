// Internals of the codec module: the per-codec entry points the registry dispatches to, the
// sample post-processing steps (byte swap, predictors, bit unpacking) and per-thread scratch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cogr/codec.hpp"
#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr::internal {

// ---------------------------------------------------------------------------------------------
// Per-thread scratch buffers. Each slot is a buffer that only grows, so a thread decoding blocks
// of one size allocates once. Spans stay valid until the next call for the same slot on the same
// thread. Slots let one decode use several buffers at once.
enum class ScratchSlot : uint8_t { kPacked = 0, kRow, kLercBlob, kLercMask, kLercBands, kCount };
MutableByteSpan Scratch(ScratchSlot slot, size_t bytes);
/// Frees scratch buffers that grew past a size worth keeping (one huge block must not pin its
/// memory in every worker thread forever). Called at the end of each Decode.
void TrimScratch();

// ---------------------------------------------------------------------------------------------
// Byte-stream codecs. Each fills `out` exactly: a stream that ends early or would write past
// `out` is kInvalidFile. They never allocate by a size the stream claims.
Status CopyUncompressed(ByteSpan in, MutableByteSpan out);
Status InflateZlib(ByteSpan in, MutableByteSpan out);
Status LzwDecompress(ByteSpan in, MutableByteSpan out);
Status PackBitsDecompress(ByteSpan in, MutableByteSpan out);
#ifdef COGR_HAVE_ZSTD
Status ZstdDecompress(ByteSpan in, MutableByteSpan out);
#endif
#ifdef COGR_HAVE_LZMA
Status LzmaDecompress(ByteSpan in, MutableByteSpan out);
#endif

/// Like InflateZlib/ZstdDecompress but for wrappers whose inner size is not known in advance
/// (LERC): decodes at most out.size() bytes and returns how many were produced.
Result<size_t> InflateZlibUpTo(ByteSpan in, MutableByteSpan out);
#ifdef COGR_HAVE_ZSTD
Result<size_t> ZstdDecompressUpTo(ByteSpan in, MutableByteSpan out);
#endif

// ---------------------------------------------------------------------------------------------
// Image codecs: they produce the final layout (host order, whole-byte samples) themselves.
// `out` is exactly codec::DecodedSize(info) bytes.
#ifdef COGR_HAVE_JPEG
Status DecodeJpeg(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info);
/// codec::DecodeRows for JPEG: 16 rows at a time, stopping after row_end.
Status DecodeJpegRows(ByteSpan in, const codec::BlockInfo& info, uint32_t row_begin,
                      uint32_t row_end, const codec::RowSink& sink);
#endif
#ifdef COGR_HAVE_WEBP
Status DecodeWebp(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info);
#endif
#ifdef COGR_HAVE_LERC
Status DecodeLerc(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info);
#endif

// ---------------------------------------------------------------------------------------------
// The libtiff-backed long tail (libtiff.cpp).
/// Compressions only libtiff decodes: CCITT RLE/Group 3/Group 4, old-style JPEG, SGILog(24).
bool IsLibtiffCompression(uint16_t compression);
/// codec::RgbaBands (0 without libtiff).
int LibtiffRgbaBands(const tiff::Ifd& ifd, bool big_endian);
#ifdef COGR_HAVE_LIBTIFF
/// Decodes a block through libtiff: TIFFReadEncodedStrip for the libtiff-only compressions,
/// the RGBA interface when info.stored_samples != 0.
Status DecodeLibtiff(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info);
#endif

// ---------------------------------------------------------------------------------------------
// Sample post-processing (predictor.cpp, unpack.cpp). `data` holds `rows` rows of
// `values_per_row` words of `word_bytes` bytes each, without padding; no alignment is assumed.

/// True when file bytes must be reversed to reach host order.
bool NeedsSwap(bool file_big_endian);

/// Reverses the bytes of every `word_bytes`-byte word (any size 1..16; 1 is a no-op).
void SwapWords(MutableByteSpan data, uint32_t word_bytes);

/// Undoes predictor 2 (horizontal differencing) on host-order integers: within each row, each
/// sample adds the same sample of the previous pixel, with wrap-around. `word_bytes` is 1, 2, 4
/// or 8; `samples` is the pixel stride in words.
void UndoHorizontalPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                             uint32_t word_bytes);

/// Undoes predictor 3 (TIFF Technical Note 3 floating point predictor) in place: per row, undo
/// the byte differencing (stride `samples` bytes), then gather the byte planes, most significant
/// plane first, into host-order words of `word_bytes` bytes (2, 3, 4 or 8). The plane order is
/// fixed by the note, so the file's byte order plays no part. `row_scratch` must hold one row.
void UndoFloatPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                        uint32_t word_bytes, MutableByteSpan row_scratch);

/// Widens host-order words of `in_bytes` bytes to host-order words of `out_bytes` bytes:
/// integers zero-extend (3 → 4, 5..7 → 8); with `is_float`, 16-bit half and 24-bit floats
/// become float32. out.size() == in.size() / in_bytes * out_bytes.
void WidenWords(ByteSpan in, MutableByteSpan out, uint32_t in_bytes, uint32_t out_bytes,
                bool is_float);

/// Unpacks MSB-first packed samples of `bits` bits (1..63, rows starting on a byte boundary, as
/// TIFF stores them) into host-order words of `out_bytes` bytes (1, 2, 4 or 8), zero-extended.
void UnpackBits(ByteSpan packed, MutableByteSpan out, uint64_t values_per_row, uint64_t rows,
                uint32_t bits, uint32_t out_bytes);

/// IEEE half (binary16) and GDAL's 24-bit float (1 sign, 7 exponent bits biased by 63,
/// 16 mantissa bits) to float32 bit patterns.
uint32_t HalfToFloatBits(uint16_t h);
uint32_t Float24ToFloatBits(uint32_t f24);

/// "16384" style helpers for messages.
inline std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace cogr::internal
