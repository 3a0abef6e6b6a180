// codec: one block's bytes → samples in host order, unpacked to whole bytes.
// Codecs come from a registry keyed by the TIFF Compression code.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/tiff.hpp"
#include "cogr/types.hpp"

namespace cogr::codec {

/// TIFF Compression codes cogr knows by name.
enum CompressionCode : uint16_t {
  kNone = 1,
  kCcittRle = 2,
  kCcittFax3 = 3,
  kCcittFax4 = 4,
  kLzw = 5,
  kOldJpeg = 6,
  kJpeg = 7,
  kAdobeDeflate = 8,
  kPackBits = 32773,
  kDeflate = 32946,
  kLerc = 34887,
  kSgiLog = 34676,
  kSgiLog24 = 34677,
  kLzma = 34925,
  kZstd = 50000,
  kWebp = 50001,
};

/// cogr's name for a compression: "none", "deflate", "zstd", "lzw", "packbits", "jpeg",
/// "webp", "lerc", "lerc_deflate", "lerc_zstd", "lzma", "ccittrle", "ccittfax3", "ccittfax4",
/// "ojpeg", "sgilog", "sgilog24"; "unknown(N)" otherwise.
/// `lerc_parameters` is GDAL's LERC_PARAMETERS tag (version, additional compression).
COGR_EXPORT std::string CompressionName(uint16_t code,
                                        const std::vector<uint32_t>& lerc_parameters = {});

/// Everything a decoder needs to know about one stored block.
struct BlockInfo {
  uint16_t compression = kNone;
  uint16_t predictor = 1;        ///< 1 none, 2 horizontal, 3 floating point
  uint32_t width = 0;            ///< pixels per row as stored (full tile width at edges)
  uint32_t height = 0;           ///< rows stored in this block (a last strip may be short)
  uint16_t samples = 1;          ///< samples per pixel in this block (1 for planar separate)
  uint16_t bits_per_sample = 8;  ///< as stored: 1..64 (complex: the whole pair, e.g. 32 for CInt16)
  uint16_t sample_format = 1;    ///< 1 uint, 2 int, 3 float, 5 complex int, 6 complex float
  bool big_endian = false;       ///< the file's byte order
  uint16_t photometric = 1;      ///< for JPEG/WebP colour handling (6 = YCbCr)
  std::array<uint16_t, 2> ycbcr_subsampling{2, 2};
  ByteSpan jpeg_tables;  ///< JPEGTables tag bytes, may be empty
  std::vector<uint32_t> lerc_parameters;
  uint64_t max_block_bytes = 1ull << 30;  ///< Limits::max_block_bytes
  /// The block's IFD, for the tags the libtiff-backed decoders need besides the fields above
  /// (FillOrder, T4Options, InkSet, old-style JPEG tables, ExtraSamples); null means none.
  /// Must outlive the Decode call.
  const tiff::Ifd* ifd = nullptr;
  /// Nonzero when libtiff converts the block to RGB(A) (see RgbaBands): the samples per pixel
  /// and bits per sample as stored. `samples`, `bits_per_sample` and `sample_format` then
  /// describe what Decode produces (RgbaBands samples of 8-bit unsigned).
  uint16_t stored_samples = 0;
  uint16_t stored_bits = 0;
  /// Blocks decoded together through libtiff's RGBA interface (stored_samples != 0), their
  /// bytes following each other in Decode's `in`; empty for every other block. The caller owns
  /// the values; they must outlive the Decode call.
  /// - part_rows == 0: a band-interleaved image (PlanarConfiguration 2): the byte count of each
  ///   plane's block at this block position, one per stored sample.
  /// - part_rows > 0: old-style JPEG strips 0..n-1 of part_rows rows each, as libtiff reads
  ///   them (it decodes the earlier strips of the one JPEG stream to reach a later one); the
  ///   block is their last `height` rows (whole strips, the last one possibly short).
  std::span<const uint64_t> part_bytes;
  uint32_t part_rows = 0;
};

/// Bands GDAL returns for an image it reads through libtiff's RGBA interface (pixels then
/// come out as 8-bit R, G, B(, A)): 3 for YCbCr outside new-style JPEG (uncompressed, LZW,
/// deflate, old-style JPEG ...), 4 for CMYK (InkSet 1) and CIELAB, when libtiff accepts the
/// layout (8-bit; pixel- or band-interleaved, as libtiff's TIFFRGBAImageOK says: GDAL then
/// reports 4 bands even where libtiff's reader later refuses the layout, e.g. band-interleaved
/// CMYK with an extra sample, and the read fails). 0 for every other image (read as stored) and when cogr
/// is built without libtiff.
int RgbaBands(const tiff::Ifd& ifd, bool big_endian);

/// Sets the fields of `info` that come from the block's IFD beyond the plain ones: `ifd`, and
/// for an RGBA-converted image (RgbaBands != 0) the output layout and `stored_*`. Call it
/// after the plain fields (samples, bits_per_sample, ...) are set from the IFD. Decode then
/// refuses what libtiff cannot read: old-style JPEG outside the RGBA interface (as GDAL),
/// kUnsupported. A band-interleaved RGBA-converted block needs every plane (`plane_bytes`).
Status SetBlockIfd(const tiff::Ifd& ifd, BlockInfo& info);

/// Bytes of one decoded sample: bits rounded up to 1, 2, 4 or 8 (complex: both parts),
/// e.g. 1-bit → 1, 12-bit → 2, 24-bit → 4. 0 if unsupported (> 64 bits).
COGR_EXPORT uint32_t DecodedSampleBytes(const BlockInfo& info);

/// width * height * samples * DecodedSampleBytes, or kLimitExceeded/kInvalidFile on overflow or
/// above info.max_block_bytes.
COGR_EXPORT Result<uint64_t> DecodedSize(const BlockInfo& info);

/// Decodes `in` (one block as stored in the file) into `out`, which must be exactly
/// DecodedSize(info) bytes: decompress, undo the predictor, byte-swap to host order, unpack
/// sub-byte/odd bit depths (MSB-first) to whole bytes. A stream that would produce more or fewer
/// bytes than expected is kInvalidFile; a codec that is not built is kUnsupported naming it.
/// Thread-safe; reuses per-thread scratch buffers.
COGR_EXPORT Status Decode(ByteSpan in, MutableByteSpan out, const BlockInfo& info);

/// Receives rows [first_row, first_row + rows) of a decoded block: `data` holds them without
/// padding, each width * samples * DecodedSampleBytes bytes, in Decode's layout. Valid only
/// during the call.
using RowSink = std::function<void(uint32_t first_row, uint32_t rows, ByteSpan data)>;

/// True when DecodeRows decodes blocks like `info` incrementally (JPEG stored as read, not
/// converted through libtiff's RGBA interface: a band of rows at a
/// time, stopping after the last row asked for); false when it would have to decode the whole
/// block first (then call Decode).
COGR_EXPORT bool DecodesByRows(const BlockInfo& info);

/// Decodes rows [row_begin, row_end) of a block (DecodesByRows(info) must be true) and hands
/// them to `sink` in order, in bands of a few rows held in a small per-thread buffer, so the
/// caller can copy each band while it is in cache. Rows past row_end are not decoded; rows
/// before row_begin are decoded (JPEG is sequential) but not handed over. Errors as Decode,
/// and kInvalidArgument for an empty or out-of-block row range. Rows handed over before an
/// error are valid pixels. Thread-safe.
COGR_EXPORT Status DecodeRows(ByteSpan in, const BlockInfo& info, uint32_t row_begin,
                              uint32_t row_end, const RowSink& sink);

/// True if blocks with this compression code (and LERC parameters) can be decoded.
COGR_EXPORT bool IsSupported(uint16_t compression,
                             const std::vector<uint32_t>& lerc_parameters = {});

/// Names of the codecs compiled into this build, e.g. {"none","deflate","zstd","lzw","packbits"}.
COGR_EXPORT std::vector<std::string> SupportedCodecs();

}  // namespace cogr::codec
