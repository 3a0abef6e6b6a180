// Fuzz entry points: the harness library cogr_fuzz_harness (fuzz/CMakeLists.txt), not part of
// libcogr. The libFuzzer targets in fuzz/ are a few lines calling these, and
// tests/fuzz_regressions_test.cpp links the same library, so it replays every input of
// fuzz/regressions/ through exactly the code the fuzzers ran, in the normal test build.
//
// Contract of every Fuzz* function: any input bytes are accepted; hostile input ends in an
// error Status, never a crash, a read outside a buffer, an allocation above FuzzLimits() or a
// long loop. A broken internal invariant (e.g. a parsed IFD whose block table does not match
// its geometry) aborts, so the fuzzer reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "cogr/status.hpp"
#include "cogr/tiff.hpp"
#include "cogr/types.hpp"
#include "tiff/ifd_parse.hpp"

// A broken invariant is a bug of cogr, not of the input: abort so that the fuzzer keeps the
// input as a crash (and the regression test fails loudly).
#define COGR_FUZZ_CHECK(cond, what)                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "fuzz invariant violated: %s (%s)\n", what, #cond); \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

namespace cogr::internal {

/// The tight limits every fuzz entry point uses: small enough that one input cannot make a run
/// allocate more than a few tens of MiB, large enough for every file of tests/data.
Limits FuzzLimits();

// ---- (1) header + IFD walk --------------------------------------------------------------------

/// The bytes are a whole file: tiff::Open on them (through a fetch callback, with a small
/// first read so the NeedBytes loop runs), then every IFD is walked: its block table checked
/// against its geometry, GeoKeys and GDAL metadata parsed. Returns the first error.
Status FuzzOpen(const uint8_t* data, size_t size);

// ---- (2) one codec ----------------------------------------------------------------------------

/// Bytes before the block in a FuzzDecode input.
inline constexpr size_t kFuzzDecodeHeaderBytes = 10;

/// FuzzDecode input layout (all little-endian):
///   [0,2) width - 1 (low 12 bits)   [2,4) height - 1 (low 12 bits)
///   [4]   bits 0-1 samples - 1, bits 2-6 index into the (bits, SampleFormat) table
///   [5]   bits 0-1 predictor (1, 2, 3, 4), bit 2 big-endian, bits 3-5 photometric index
///   [6]   bits 0-2 YCbCr subsampling index, bit 3 LERC parameters present, bits 4-5 LERC's
///         additional compression (0 none, 1 deflate, 2 zstd, 3 unknown), bit 6 libtiff's RGBA
///         conversion (always on for old-style JPEG): the block decodes to 3 (YCbCr) or 4 bands
///         of uint8 from `samples` stored samples; bit 7 (with bit 6) band-interleaved: the
///         block is `samples` planes, the byte counts of all but the last given as LE32 values
///         at the block's start (clamped to what is there), the last plane the rest; for
///         old-style JPEG the parts are instead (byte [9] >> 4) + 1 strips of
///         8 * ((byte [9] & 15) + 1) rows (codec::BlockInfo::part_rows), counted the same way
///   [7,9) JPEGTables length (the bytes right after the header; clamped to what is there)
///   [9]   picks the row range of the codec::DecodeRows check (codecs that decode by rows)
///   then the JPEGTables, then the block as stored.
/// Decodes the block with `compression` into a buffer of exactly DecodedSize bytes.
Status FuzzDecode(uint16_t compression, const uint8_t* data, size_t size);

/// Builds a FuzzDecode input for `info` (whose compression is not encoded: the target fixes it).
/// nullopt when the geometry cannot be expressed (e.g. a width above 4096 or a sample layout
/// outside the table); used by the seed-corpus tool and the tests.
std::optional<std::vector<uint8_t>> EncodeFuzzDecodeInput(const codec::BlockInfo& info,
                                                          ByteSpan block);

// ---- (3) open + one read ----------------------------------------------------------------------

/// Bytes before the file in a FuzzRead input.
inline constexpr size_t kFuzzReadHeaderBytes = 16;

/// What the header of a FuzzRead input asks for.
struct FuzzReadRequest {
  std::optional<geo::Window> window;  ///< integer offsets in [-32768, 32767], sizes in [0, 65535]
  bool boundless = false;
  std::optional<int> overview;                             ///< in [-128, 127]
  bool mask = false;                                       ///< ReadMask instead of Read
  std::optional<std::pair<uint64_t, uint64_t>> out_shape;  ///< each in [1, 256]
  Resampling resampling = Resampling::kNearest;
  std::vector<int> bands;                  ///< 1-based, each in [1, 8]
  std::optional<double> fill;              ///< in [-128, 127]
  uint64_t header_read_bytes = 64 * 1024;  ///< 16 << k, k in [0, 12]
  bool no_block_cache = false;             ///< block_cache_bytes = 0 (JPEG then decodes by rows)
};

/// FuzzRead input layout: [0] flags (bit 0 window, 1 boundless, 2 overview, 3 mask, 4 out_shape,
/// 5 fill, 6 no block cache), [1,3) [3,5) col/row offset (int16), [5,7) [7,9) width/height (uint16), [9] overview
/// (int8), [10] band bit set (bit i = band i + 1; 0 = all), [11] [12] out_shape height/width - 1,
/// [13] resampling, [14] fill (int8), [15] header read size k; then the file.
FuzzReadRequest DecodeFuzzReadRequest(const uint8_t* header);
std::vector<uint8_t> EncodeFuzzReadInput(const FuzzReadRequest& request, ByteSpan file);

/// Dataset::Open over an io::MemorySource of the file part, the metadata accessors, then one
/// Read (or ReadMask) as the header asks. Returns the first error.
Status FuzzRead(const uint8_t* data, size_t size);

// ---- (5) GeoKeys → CRS ------------------------------------------------------------------------

/// FuzzGeoKeys input layout: [0,2) n = number of GeoKeyDirectory SHORTs (LE; clamped), n SHORTs
/// (LE), [1 byte] m = number of GeoDoubleParams, m doubles (LE), then GeoAsciiParams to the end.
/// tiff::ParseGeoKeys on those three tags, then geo::Crs::FromGeoKeys and every Crs accessor.
Status FuzzGeoKeys(const uint8_t* data, size_t size);

/// Builds a FuzzGeoKeys input from an IFD's three GeoTIFF tags (directory clamped to 65535
/// values, doubles to 255).
std::vector<uint8_t> EncodeFuzzGeoKeysInput(const tiff::Ifd& ifd);

// ---- (4) GeoJSON → rasterize ------------------------------------------------------------------

/// Bytes before the GeoJSON text in a FuzzGeoJson input.
inline constexpr size_t kFuzzGeoJsonHeaderBytes = 4;

/// FuzzGeoJson input layout: [0] grid width - 1, [1] grid height - 1, [2] bit 0 all_touched,
/// bit 1 invert, bits 2-3 transform (0 identity, 1 north-up 0.5-unit pixels at (-10, 10),
/// 2 1-degree pixels at (-180, 90), 3 rotated), [3] pad (pixels) for GeometryWindow; then the
/// GeoJSON text. mask::ParseGeoJson, then every geometry's Bounds, mask::Rasterize,
/// mask::GeometryMask and mask::GeometryWindow on that grid. Returns the first error.
Status FuzzGeoJson(const uint8_t* data, size_t size);

// ---- (6) catalog stored headers and footprints -------------------------------------------------

/// Bytes before the blob in a FuzzCatalogHeader input.
inline constexpr size_t kFuzzCatalogHeaderBytes = 9;

/// FuzzCatalogHeader input layout: [0] bit 0 set: the blob is a footprint geometry, else a
/// stored header; [1,9) the object's size (LE uint64); then the blob, as a catalog's `header`
/// (or `geom`) column holds it. A header goes through internal::DecodeHeader (as Catalog::Header
/// and Query read it); when it decodes, it must re-encode to a blob that decodes the same, and
/// for an object of at most 4 MiB the file is rebuilt from the chunks (zeros elsewhere) and
/// opened with the header as io::KnownHeader (Dataset::Open, FuzzLimits), as OpenScene does.
/// A footprint goes through internal::ParseGpkgPolygon and the polygon-query test.
Status FuzzCatalogHeader(const uint8_t* data, size_t size);

/// FuzzCatalogHeader inputs for one TIFF file (seeds): its stored header as Catalog::Build
/// makes it, and its outline as a footprint blob. Empty when the file does not open.
std::vector<std::vector<uint8_t>> EncodeFuzzCatalogInputs(const std::vector<uint8_t>& file);

// ---- replay ----------------------------------------------------------------------------------

/// Runs the entry point of fuzz target `target` ("tiff_open", "read_window", "geokeys_crs",
/// "geojson", "catalog_header", "decode_<codec>" for none, lzw, jpeg, deflate, packbits, lerc, lzma, zstd, webp) on the bytes;
/// kInvalidArgument for an unknown target. Used by the regression test and cogr_fuzz_replay.
Status FuzzReplay(std::string_view target, const uint8_t* data, size_t size);

}  // namespace cogr::internal
