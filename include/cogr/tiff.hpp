// tiff: bytes in, structs out. Never does I/O: tiff::Open parses a file through a fetch
// callback, asking only for the bytes each step needs (the parser itself: src/tiff/ifd_parse.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr::internal {
struct IfdAccess;  // src/tiff/ifd_fields.hpp
}  // namespace cogr::internal

namespace cogr::tiff {

enum class ByteOrder : uint8_t { kLittle, kBig };

struct Header {
  ByteOrder byte_order = ByteOrder::kLittle;
  bool bigtiff = false;
  uint64_t first_ifd_offset = 0;
  uint32_t size_bytes() const { return bigtiff ? 16 : 8; }
};

/// Parses the 8-byte (classic) or 16-byte (BigTIFF) header at the start of `bytes`.
/// kInvalidFile "not a TIFF file" when the magic is wrong; "truncated" when too short.
COGR_EXPORT Result<Header> ParseHeader(ByteSpan bytes);

/// Tag codes of the TIFF 6, GeoTIFF and GDAL specs that cogr reads.
enum class TagCode : uint16_t {
  kNewSubfileType = 254,
  kImageWidth = 256,
  kImageLength = 257,
  kBitsPerSample = 258,
  kCompression = 259,
  kPhotometric = 262,
  kImageDescription = 270,
  kStripOffsets = 273,
  kSamplesPerPixel = 277,
  kRowsPerStrip = 278,
  kStripByteCounts = 279,
  kPlanarConfiguration = 284,
  kPredictor = 317,
  kTileWidth = 322,
  kTileLength = 323,
  kTileOffsets = 324,
  kTileByteCounts = 325,
  kSubIfds = 330,
  kExtraSamples = 338,
  kSampleFormat = 339,
  kJpegTables = 347,
  kYCbCrSubSampling = 530,
  kModelPixelScale = 33550,
  kModelTiepoint = 33922,
  kModelTransformation = 34264,
  kGeoKeyDirectory = 34735,
  kGeoDoubleParams = 34736,
  kGeoAsciiParams = 34737,
  kGdalMetadata = 42112,
  kGdalNodata = 42113,
  kLercParameters = 50674,
};

/// GeoKey ids (GeoTIFF 1.1, section 7; names without the "GeoKey" suffix), the keys of the
/// map ParseGeoKeys returns and of Dataset::geokeys(). Unscoped so that an id indexes that map
/// directly: `keys.find(tiff::GeoKey::kProjectedCSType)`.
enum GeoKey : uint16_t {
  kGTModelType = 1024,
  kGTRasterType = 1025,
  kGTCitation = 1026,
  kGeographicType = 2048,
  kGeogCitation = 2049,
  kGeogGeodeticDatum = 2050,
  kGeogPrimeMeridian = 2051,
  kGeogLinearUnits = 2052,
  kGeogLinearUnitSize = 2053,
  kGeogAngularUnits = 2054,
  kGeogAngularUnitSize = 2055,
  kGeogEllipsoid = 2056,
  kGeogSemiMajorAxis = 2057,
  kGeogSemiMinorAxis = 2058,
  kGeogInvFlattening = 2059,
  kGeogAzimuthUnits = 2060,
  kGeogPrimeMeridianLong = 2061,
  kGeogTOWGS84 = 2062,
  kProjectedCSType = 3072,
  kPCSCitation = 3073,
  kProjection = 3074,
  kProjCoordTrans = 3075,
  kProjLinearUnits = 3076,
  kProjLinearUnitSize = 3077,
  kProjStdParallel1 = 3078,
  kProjStdParallel2 = 3079,
  kProjNatOriginLong = 3080,
  kProjNatOriginLat = 3081,
  kProjFalseEasting = 3082,
  kProjFalseNorthing = 3083,
  kProjFalseOriginLong = 3084,
  kProjFalseOriginLat = 3085,
  kProjFalseOriginEasting = 3086,
  kProjFalseOriginNorthing = 3087,
  kProjCenterLong = 3088,
  kProjCenterLat = 3089,
  kProjCenterEasting = 3090,
  kProjCenterNorthing = 3091,
  kProjScaleAtNatOrigin = 3092,
  kProjScaleAtCenter = 3093,
  kProjAzimuthAngle = 3094,
  kProjStraightVertPoleLong = 3095,
  kProjRectifiedGridAngle = 3096,
  kVerticalCSType = 4096,
  kVerticalCitation = 4097,
  kVerticalDatum = 4098,
  kVerticalUnits = 4099,
};

enum class TagType : uint16_t {
  kByte = 1,
  kAscii = 2,
  kShort = 3,
  kLong = 4,
  kRational = 5,
  kSByte = 6,
  kUndefined = 7,
  kSShort = 8,
  kSLong = 9,
  kSRational = 10,
  kFloat = 11,
  kDouble = 12,
  kIfd = 13,
  kLong8 = 16,
  kSLong8 = 17,
  kIfd8 = 18,
};
/// Bytes of one value of `type`; 0 for an unknown type.
COGR_EXPORT uint32_t TagTypeSize(TagType type);

/// One raw IFD entry as stored.
struct TagEntry {
  uint16_t code = 0;
  TagType type = TagType::kByte;
  uint64_t count = 0;
  /// File offset of the value bytes (inside the entry itself when the value is inline).
  uint64_t value_offset = 0;
  bool is_inline = false;
};

/// A block table (TileOffsets/StripOffsets or TileByteCounts/StripByteCounts) left in the file
/// at open because it is large (> Limits::lazy_block_table_bytes) and its bytes were not among
/// those fetched for the header. Reads fetch just the values they need (read::Dataset caches
/// them in pages). ParseIfd checked that the values lie inside the file, that there is one per
/// block, and that the type is SHORT, LONG or LONG8; each value still needs checking when used.
struct LazyTable {
  uint64_t offset = 0;  ///< file offset of value 0
  uint64_t count = 0;   ///< values used: Ifd::block_count()
  TagType type = TagType::kLong;
  uint32_t value_size() const { return TagTypeSize(type); }
  /// File bytes of values [first, first + n) (first + n <= count).
  ByteRange Values(uint64_t first, uint64_t n) const {
    return {offset + first * value_size(), n * value_size()};
  }
};

/// A tag kept as stored, for the libtiff-backed decoders (FillOrder, T4Options, T6Options,
/// InkSet, YCbCrCoefficients, YCbCrPositioning, ReferenceBlackWhite, the old-style JPEG tags):
/// cogr hands them to libtiff unchanged. ParseIfd checked type, count (<= kMaxRawTagBytes of
/// value) and bounds.
struct RawTag {
  uint16_t code = 0;
  TagType type = TagType::kByte;
  uint64_t count = 0;
  std::vector<uint8_t> value;  ///< count * TagTypeSize(type) bytes in the file's byte order
  /// Old-style JPEG tags whose values are file offsets (JPEGInterchangeFormat 513, JPEGQTables
  /// 519, JPEGDCTables 520, JPEGACTables 521): the bytes each offset points at, clamped to the
  /// file and to kMaxOjpegTableBytes (kMaxOjpegHeaderBytes for 513).
  std::vector<std::vector<uint8_t>> pointed;
};
/// Limits of RawTag values and of the old-style JPEG data they point at.
inline constexpr uint64_t kMaxRawTagBytes = 4096;
inline constexpr uint64_t kMaxOjpegTableBytes = 16 + 256;
inline constexpr uint64_t kMaxOjpegHeaderBytes = 64 * 1024;

/// One IFD, with the well-known tags decoded (host order) and all entries kept raw.
/// Read-only: tiff::Open fills it (cogr's own code writes it through src/tiff/ifd_fields.hpp).
class COGR_EXPORT Ifd {
 public:
  uint64_t offset() const { return f_.offset; }                    ///< file offset of this IFD
  uint64_t next_ifd_offset() const { return f_.next_ifd_offset; }  ///< 0 at the chain's end
  /// Every entry in file order. Only the tags of TagCode are validated (type, count, bounds,
  /// limits); the others are kept raw and unchecked: check their ranges before reading them.
  const std::vector<TagEntry>& entries() const { return f_.entries; }

  /// NewSubfileType bits: 1 reduced resolution, 4 mask.
  uint64_t subfile_type() const { return f_.subfile_type; }
  uint64_t width() const { return f_.width; }
  uint64_t height() const { return f_.height; }
  uint16_t samples_per_pixel() const { return f_.samples_per_pixel; }  ///< default 1
  /// One per sample (a single value is repeated).
  const std::vector<uint16_t>& bits_per_sample() const { return f_.bits_per_sample; }
  /// One per sample; default 1 (uint).
  const std::vector<uint16_t>& sample_format() const { return f_.sample_format; }
  uint16_t compression() const { return f_.compression; }  ///< default 1 (none)
  uint16_t photometric() const { return f_.photometric; }  ///< default 1 (BlackIsZero)
  /// 1 contiguous ("pixel"), 2 separate ("band"); default 1.
  uint16_t planar_config() const { return f_.planar_config; }
  uint16_t predictor() const { return f_.predictor; }  ///< default 1 (none)
  bool tiled() const { return f_.tiled; }
  /// Block size: the tile size, or (width, rows per strip clamped to height) for strips.
  uint64_t block_width() const { return f_.block_width; }
  uint64_t block_height() const { return f_.block_height; }
  /// One entry per block: row-major blocks, then (planar separate) plane after plane.
  /// Empty when the table is lazy (lazy_offsets() is set instead).
  const std::vector<uint64_t>& block_offsets() const { return f_.block_offsets; }
  /// As block_offsets(); empty when lazy_byte_counts() is set.
  const std::vector<uint64_t>& block_byte_counts() const { return f_.block_byte_counts; }
  /// Set for a table left in the file (see LazyTable); each table is lazy or not on its own.
  const std::optional<LazyTable>& lazy_offsets() const { return f_.lazy_offsets; }
  const std::optional<LazyTable>& lazy_byte_counts() const { return f_.lazy_byte_counts; }
  const std::vector<uint16_t>& extra_samples() const { return f_.extra_samples; }
  /// YCbCrSubSampling (horizontal, vertical); default (2, 2).
  const std::array<uint16_t, 2>& ycbcr_subsampling() const { return f_.ycbcr_subsampling; }
  const std::vector<uint8_t>& jpeg_tables() const { return f_.jpeg_tables; }
  /// GDAL's LERC_PARAMETERS: version, sub-codec.
  const std::vector<uint32_t>& lerc_parameters() const { return f_.lerc_parameters; }
  const std::vector<uint64_t>& sub_ifd_offsets() const { return f_.sub_ifd_offsets; }
  /// Tags only libtiff-backed decoders use (see RawTag).
  const std::vector<RawTag>& codec_tags() const { return f_.codec_tags; }
  const std::optional<std::string>& image_description() const { return f_.image_description; }
  /// XML of tag 42112.
  const std::optional<std::string>& gdal_metadata() const { return f_.gdal_metadata; }
  /// ASCII of tag 42113, trailing NULs removed.
  const std::optional<std::string>& gdal_nodata() const { return f_.gdal_nodata; }
  const std::vector<double>& model_pixel_scale() const { return f_.model_pixel_scale; }
  const std::vector<double>& model_tiepoint() const { return f_.model_tiepoint; }
  const std::vector<double>& model_transformation() const { return f_.model_transformation; }
  const std::vector<uint16_t>& geokey_directory() const { return f_.geokey_directory; }
  const std::vector<double>& geo_double_params() const { return f_.geo_double_params; }
  const std::string& geo_ascii_params() const { return f_.geo_ascii_params; }

  uint64_t blocks_across() const;  ///< ceil(width / block_width)
  uint64_t blocks_down() const;    ///< ceil(height / block_height)
  /// blocks_across * blocks_down * (planar separate ? samples : 1); saturates at UINT64_MAX.
  /// ParseIfd guarantees block_offsets and block_byte_counts have exactly this many values,
  /// unless the table is lazy (then lazy_offsets / lazy_byte_counts->count is this).
  uint64_t block_count() const;
  bool has_lazy_tables() const {
    return f_.lazy_offsets.has_value() || f_.lazy_byte_counts.has_value();
  }

 private:
  friend struct internal::IfdAccess;  // src/tiff/ifd_fields.hpp: the parser writes Fields
  /// The data behind the accessors above, one field per accessor, with the same defaults.
  struct Fields {
    uint64_t offset = 0;
    uint64_t next_ifd_offset = 0;
    std::vector<TagEntry> entries;
    uint64_t subfile_type = 0;
    uint64_t width = 0;
    uint64_t height = 0;
    uint16_t samples_per_pixel = 1;
    std::vector<uint16_t> bits_per_sample;
    std::vector<uint16_t> sample_format;
    uint16_t compression = 1;
    uint16_t photometric = 1;
    uint16_t planar_config = 1;
    uint16_t predictor = 1;
    bool tiled = false;
    uint64_t block_width = 0;
    uint64_t block_height = 0;
    std::vector<uint64_t> block_offsets;
    std::vector<uint64_t> block_byte_counts;
    std::optional<LazyTable> lazy_offsets;
    std::optional<LazyTable> lazy_byte_counts;
    std::vector<uint16_t> extra_samples;
    std::array<uint16_t, 2> ycbcr_subsampling{2, 2};
    std::vector<uint8_t> jpeg_tables;
    std::vector<uint32_t> lerc_parameters;
    std::vector<uint64_t> sub_ifd_offsets;
    std::vector<RawTag> codec_tags;
    std::optional<std::string> image_description;
    std::optional<std::string> gdal_metadata;
    std::optional<std::string> gdal_nodata;
    std::vector<double> model_pixel_scale;
    std::vector<double> model_tiepoint;
    std::vector<double> model_transformation;
    std::vector<uint16_t> geokey_directory;
    std::vector<double> geo_double_params;
    std::string geo_ascii_params;
  };
  Fields f_;
};

/// GeoKey value: SHORT, DOUBLE(s) or ASCII.
using GeoKeyValue = std::variant<uint16_t, std::vector<double>, std::string>;
/// Keys of the GeoKeyDirectory by id (1024 GTModelType, 1025 RasterType, 2048 GeographicType,
/// 3072 ProjectedCSType, ...). kInvalidFile when the directory points outside its params.
COGR_EXPORT Result<std::map<uint16_t, GeoKeyValue>> ParseGeoKeys(const Ifd& ifd);

/// GDAL's structural metadata ("ghost area") written after the header by the COG driver.
struct GhostArea {
  bool present = false;
  std::string text;                         ///< the raw KEY=VALUE lines
  bool layout_cog = false;                  ///< LAYOUT=IFDS_BEFORE_DATA
  bool block_order_row_major = false;       ///< BLOCK_ORDER=ROW_MAJOR
  bool block_leader_size_as_uint4 = false;  ///< BLOCK_LEADER=SIZE_AS_UINT4
  bool block_trailer_last_4_bytes_repeated = false;
  bool known_incompatible_edition = false;  ///< KNOWN_INCOMPATIBLE_EDITION=YES
  bool mask_interleaved_with_imagery = false;
};
/// Parses the ghost area from the bytes that follow the header (`after_header` starts at
/// offset header.size_bytes()). Absent → present=false, not an error.
COGR_EXPORT GhostArea ParseGhostArea(ByteSpan after_header);

/// GDAL_METADATA (tag 42112) items that matter for reads.
struct GdalMetadata {
  /// <Item name="X">v</Item>; items of another domain are keyed "DOMAIN:X".
  std::map<std::string, std::string> dataset_items;
  std::map<int, double> scales;             ///< band (0-based) → SCALE
  std::map<int, double> offsets;            ///< band (0-based) → OFFSET
  std::map<int, std::string> descriptions;  ///< band (0-based) → DESCRIPTION
  /// band (0-based) → its metadata items (keys as dataset_items), without the items whose
  /// role attribute GDAL consumes (scale, offset, unittype, description, colorinterp).
  std::map<int, std::map<std::string, std::string>> band_items;
};
/// Parses GDAL's small XML dialect; malformed XML → kInvalidFile.
COGR_EXPORT Result<GdalMetadata> ParseGdalMetadata(const std::string& xml);

/// Every IFD of a file: the main chain in order, then SubIFDs (appended after the chain).
struct TiffFile {
  Header header;
  std::vector<Ifd> ifds;
  std::vector<int> parent;  ///< per IFD: index of the IFD whose SubIFDs tag named it, or -1
  GhostArea ghost;
  bool ifd_loop = false;  ///< the chain pointed back at an IFD already seen (chain stops there)
  uint64_t header_bytes_fetched = 0;
  uint32_t fetches = 0;
};

/// Fetches bytes of the file; short answers are errors of the callee.
using FetchFn = std::function<Result<std::vector<uint8_t>>(ByteRange)>;

/// Reads a prefix of `initial_read_bytes` (clamped to the file), then follows the IFD chain,
/// fetching only what NeedBytes asks for (doubling small requests to save round trips).
/// Bounded by limits.max_ifds and limits.max_header_bytes; a loop ends the chain.
COGR_EXPORT Result<TiffFile> Open(const FetchFn& fetch, uint64_t file_size, const Limits& limits,
                                  uint64_t initial_read_bytes = 64 * 1024);

}  // namespace cogr::tiff
