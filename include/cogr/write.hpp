// write: GeoTIFF / Cloud-Optimized GeoTIFF output with a rasterio-like profile.
//
// Files are laid out as GDAL's COG driver writes them: header, GDAL's structural metadata
// ("ghost area"), every IFD with its tag values (full resolution first, then the overviews,
// largest to smallest), then the tile data (the smallest overview first, full resolution last),
// tiles in row-major order, each with GDAL's 4-byte size leader and 4-byte repeated trailer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cogr/array.hpp"
#include "cogr/geo.hpp"
#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr {
class Dataset;
}  // namespace cogr

namespace cogr::write {

/// Block compression (TIFF Compression 1, 8, 50000, 5).
enum class Compression : uint8_t { kNone, kDeflate, kZstd, kLzw };
/// "none", "deflate", "zstd", "lzw".
COGR_EXPORT std::string_view CompressionName(Compression c);
/// Inverse of CompressionName (case-insensitive); kInvalidArgument naming the accepted values.
COGR_EXPORT Result<Compression> ParseCompression(std::string_view name);

/// Sample layout: "pixel" = PlanarConfiguration 1 (contiguous), "band" = 2 (separate planes).
enum class Interleave : uint8_t { kPixel, kBand };

/// BigTIFF: kAuto picks BigTIFF when a conservative bound of the file size (every block at
/// its codec's worst-case size) exceeds 4 GiB; kYes always; kNo never (a file that would not
/// fit is then an error).
enum class BigTiff : uint8_t { kAuto, kYes, kNo };

/// Resampling of internal overviews.
enum class OverviewResampling : uint8_t {
  /// GDAL's overview "nearest": destination pixel i takes source pixel floor(0.5 + i * ratio)
  /// with ratio = source size / overview size (the top-left pixel of each block for factors
  /// that divide the size).
  kNearest,
  /// Mean of the valid (not nodata, not NaN) pixels of each factor x factor block, computed in
  /// double and rounded half away from zero for integer types (GDAL's AVERAGE for integer
  /// factors); blocks at the right/bottom edge use the pixels that exist. A block with no
  /// valid pixel gets nodata. Complex samples average each part.
  kAverage,
};

/// ExtraSamples value of the fourth band of an RGB image (TIFF 6: 0 unspecified,
/// 1 associated alpha, 2 unassociated alpha; GDAL's ALPHA=YES writes 2).
enum class Alpha : uint8_t { kUnspecified = 0, kAssociated = 1, kUnassociated = 2 };

/// What to write, as rasterio's profile says it.
struct Profile {
  uint64_t width = 0;
  uint64_t height = 0;
  int count = 1;
  DataType dtype = DataType::kUInt8;
  /// The CRS as an EPSG code. Wins over crs_wkt when both are set.
  std::optional<int> crs_epsg;
  /// The CRS as any text geo::Crs::FromUserInput accepts (WKT1/WKT2, PROJ string, PROJJSON,
  /// "EPSG:n"). A CRS PROJ identifies with an EPSG code is written as that code; others as
  /// user-defined GeoKeys as GDAL writes them (projected CRSs for the common projection
  /// methods; kUnsupported naming the method otherwise).
  std::optional<std::string> crs_wkt;
  /// Pixel corner → CRS coordinates. Identity without a CRS writes no georeferencing.
  geo::Affine transform;
  std::optional<double> nodata;
  /// Tiles (COG layout) or strips of `blockysize` rows (plain GeoTIFF, no overviews).
  bool tiled = true;
  uint32_t blockxsize = 512;  ///< tile width, a multiple of 16 (tiled only)
  uint32_t blockysize = 512;  ///< tile height, a multiple of 16; rows per strip when not tiled
  Compression compress = Compression::kNone;
  /// 1 none, 2 horizontal differencing (integer types), 3 floating point (float types).
  /// Ignored when compress is kNone, as GDAL does.
  int predictor = 1;
  Interleave interleave = Interleave::kPixel;
  BigTiff bigtiff = BigTiff::kAuto;
  int deflate_level = 6;  ///< libdeflate level 1..12 (GDAL's ZLEVEL, default 6)
  int zstd_level = 9;     ///< 1..22 (GDAL's ZSTD_LEVEL, default 9)
  /// Decimation factors of internal overviews, strictly increasing, each >= 2 (e.g. {2,4,8}).
  /// Overview f has size ceil(width / f) x ceil(height / f).
  std::vector<int> overviews;
  OverviewResampling overview_resampling = OverviewResampling::kNearest;
  Alpha alpha = Alpha::kUnspecified;
  /// Per band, empty or `count` entries: written to GDAL_METADATA as GDAL does.
  std::vector<std::string> descriptions;
  std::vector<double> scales;
  std::vector<double> offsets;

  /// rasterio's `dst_profile = src.profile` for an open dataset (src/write/profile_helpers.cpp):
  /// width, height, count, dtype, CRS (as crs_epsg when PROJ identifies an EPSG code, else as
  /// crs_wkt), transform, nodata, tiled, block sizes (strips keep their rows per strip),
  /// interleave, predictor, descriptions,
  /// scales, offsets, overview factors and an RGBA file's alpha. The compression is kept when
  /// the writer has it (none, deflate, zstd, lzw); any other (jpeg, webp, lerc, packbits, ...)
  /// becomes deflate, and the predictor is dropped with it. A tile size that is not a multiple
  /// of 16 becomes 512. ValidateProfile's error (kInvalidArgument, prefixed with the dataset's
  /// URI) when the result cannot be written.
  static Result<Profile> FromDataset(const Dataset& dataset);

  /// The COG preset: GDAL's COG driver defaults (tiled, blocksize 512, LZW, pixel
  /// interleave) and its overview rule (CogOverviewFactors), for an image of this size.
  static Profile Cog(uint64_t width, uint64_t height, int count, DataType dtype,
                     uint32_t blocksize = 512);
};

/// The overview factors GDAL's COG driver builds for OVERVIEWS=AUTO: halve the size (integer
/// division) while either side exceeds `blocksize`, one overview per halving, so the smallest
/// overview fits in one block: {2, 4, ..., 2^n}; empty when the image fits in one block.
/// (The writer sizes overview f as ceil(size / f), as gdaladdo does for explicit factors.)
std::vector<int> CogOverviewFactors(uint64_t width, uint64_t height, uint32_t blocksize = 512);

/// `profile` with the COG overview rule applied to its size and block size (overviews =
/// CogOverviewFactors(width, height, max(blockxsize, blockysize))), tiled = true.
Profile WithCogOverviews(Profile profile);

/// Progress of a write, fraction in [0, 1]. Return false to cancel (the write then fails with
/// kCancelled and leaves no file).
using ProgressFn = std::function<bool(double fraction)>;

/// How a write runs (progress, threads, limits); what it writes is in the Profile.
struct WriteOptions {
  ProgressFn progress;  ///< called as blocks are written; may cancel
  /// Threads for block encoding (0 = cogr::ThreadCount()).
  size_t threads = 0;
};

/// Checks a profile on its own: dimensions > 0, count in [1, 65535], a dtype TIFF can store,
/// block sizes multiples of 16 (tiled), predictor matching the dtype, levels in range,
/// overview factors, per-band vectors of size 0 or count, nodata representable in dtype,
/// finite transform. kInvalidArgument naming the field and value.
COGR_EXPORT Status ValidateProfile(const Profile& profile);

/// Writes `data` ((count, height, width) of profile.dtype, C order) to `path`.
/// The bytes go to "<path>.tmp.<pid>" in the same directory, renamed over `path` when complete;
/// on any error the temporary file is removed and `path` is left as it was. Errors name the
/// path (kIoError with the system's reason, kInvalidArgument for a bad profile or array,
/// kUnsupported for a CRS that GeoKeys cannot express). Memory: the array, the overviews and
/// the blocks being encoded. Thread-safe for different paths.
COGR_EXPORT Status WriteGeoTiff(const std::string& path, const Profile& profile, const Array& data,
                                const WriteOptions& options = {});

/// Writes the same file as WriteGeoTiff (byte for byte) from rows given top to bottom in any
/// number of calls, so that the image never has to be in memory at once: it holds one block row
/// of each level (plus, per average overview, `factor` full-resolution rows) and spools encoded
/// blocks to a scratch file next to `path` ("<path>.spool.<pid>", unlinked as soon as it is
/// open, so it never outlives the process; disk: about the output size, twice).
/// Overviews are computed from the rows as they pass, with WriteGeoTiff's semantics.
/// Not thread-safe (one writer per thread; blocks are still encoded in parallel). A rejected
/// WriteRows argument (kInvalidArgument) changes nothing; after any other error every later
/// call returns that error. Destroying a writer that was not closed leaves no file.
class COGR_EXPORT StreamWriter {
 public:
  /// Checks the profile and the CRS and opens the scratch file. Errors name `path`.
  static Result<std::unique_ptr<StreamWriter>> Create(const std::string& path,
                                                      const Profile& profile,
                                                      const WriteOptions& options = {});
  ~StreamWriter();
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;

  /// Appends the next rows: `rows` is (count, n, width) of the profile's dtype, n >= 1, and at
  /// most height - rows_written() rows. kInvalidArgument for a wrong shape or dtype.
  Status WriteRows(const Array& rows);
  uint64_t rows_written() const;
  /// Once every row is written: writes `path` (temporary name, then rename). kInvalidArgument
  /// when rows are missing.
  Status Close();

 private:
  struct Impl;
  explicit StreamWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// GDAL's GDAL_NODATA text for a value: "nan", "inf"/"-inf", integers without decimals
/// ("-9999"), other values with %.18g.
COGR_EXPORT std::string FormatNodata(double value);

}  // namespace cogr::write
