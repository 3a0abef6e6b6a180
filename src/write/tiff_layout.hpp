// write: what WriteGeoTiff and StreamWriter share — the levels of a file, their tags, the
// layout of the header area (header, ghost area, IFDs), block encoding and the temporary file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cogr/array.hpp"
#include "cogr/status.hpp"
#include "cogr/tiff.hpp"
#include "cogr/write.hpp"
#include "write/geokeys.hpp"

namespace cogr::internal {

/// Classic TIFF addresses bytes with 32-bit offsets.
inline constexpr uint64_t kMaxClassicOffset = 0xFFFFFFFFull;

/// One IFD entry with its value bytes in host order (the file is written in host order).
struct Tag {
  uint16_t code = 0;
  tiff::TagType type = tiff::TagType::kByte;
  uint64_t count = 0;
  std::vector<uint8_t> data;
};

/// How the profile's samples are stored, the same for every level.
struct WriteLayout {
  const write::Profile* profile = nullptr;
  bool big = false;          ///< BigTIFF
  bool cog = false;          ///< tiled: ghost area, block leaders and trailers
  uint32_t samples = 1;      ///< samples per pixel in one block (1 when planar)
  uint16_t photometric = 1;  ///< 1 minisblack, 2 RGB
  bool planar = false;       ///< PlanarConfiguration 2
  size_t sample_bytes = 0;
  std::vector<uint8_t> pad;  ///< one sample of the value that fills partial tiles
  bool predict = false;      ///< a predictor other than 1 is applied
};
/// The layout of a validated profile (BigTIFF is decided later, by PlanFile).
WriteLayout MakeLayout(const write::Profile& profile);

/// One image of the file (full resolution or an overview): its block grid, tags and blocks.
struct LevelPlan {
  uint64_t width = 0, height = 0;
  uint64_t block_w = 0, block_h = 0;
  uint64_t across = 0, down = 0, planes = 1;
  std::vector<Tag> tags;
  size_t offsets_tag = 0, counts_tag = 0;  ///< indexes into tags
  std::vector<uint64_t> offsets, counts;   ///< per block in TIFF order, once written
  uint64_t ifd_offset = 0;

  uint64_t blocks() const { return across * down * planes; }
};
LevelPlan MakeLevel(const WriteLayout& layout, uint64_t width, uint64_t height);

/// The tag values that depend on the profile only (GeoKeys, GDAL_METADATA, GDAL_NODATA).
struct ProfileTags {
  GeoKeyTags geo;
  std::string metadata;
  std::string nodata;
};
Result<ProfileTags> MakeProfileTags(const write::Profile& profile);

/// Decides BigTIFF (kAuto: from every block at its codec's worst-case size), builds the tags of
/// every level and places the IFDs. Returns the file offset where block data starts.
uint64_t PlanFile(WriteLayout& layout, std::vector<LevelPlan>& levels, const ProfileTags& tags);

/// Copies level.offsets/counts into its offset and byte-count tags.
void FillOffsets(LevelPlan& level);

/// Header, ghost area and every IFD with its values: the first `data_start` bytes of the file.
std::vector<uint8_t> HeaderArea(const WriteLayout& layout, const std::vector<LevelPlan>& levels,
                                uint64_t data_start);

/// Encodes block `index` (TIFF order) of `level` into `out`: gathers its pixels from `pixels`,
/// which holds the level's rows [pixels_row0, pixels_row0 + pixels.height) at the level's
/// width, pads a partial tile, applies the predictor and compresses. `raw` and `scratch` are
/// reusable buffers.
Status EncodeBlock(const WriteLayout& layout, const LevelPlan& level, const Array& pixels,
                   uint64_t pixels_row0, uint64_t index, std::vector<uint8_t>& raw,
                   std::vector<uint8_t>& scratch, std::vector<uint8_t>& out);

/// Appends one stored block to `buffer`: with GDAL's 4-byte size leader and 4-byte trailer
/// (the block's last 4 bytes again) when `cog`. Returns the offset of the block's data within
/// `buffer`.
uint64_t AppendBlock(std::vector<uint8_t>& buffer, ByteSpan block, bool cog);

/// A file written under a temporary name and renamed into place by Commit. Unless committed,
/// the destructor removes it. Errors name `path` and carry the system's reason.
class TempFile {
 public:
  /// `path` + ".tmp." + pid, in the same directory as `path`.
  explicit TempFile(std::string path);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  Status Open();
  Status WriteAt(uint64_t offset, ByteSpan bytes);
  Status Commit();
  const std::string& temp_path() const { return temp_; }

 private:
  Status Error(const std::string& what, int err) const;

  std::string path_, temp_;
  int fd_ = -1;
  bool created_ = false;
  bool committed_ = false;
};

/// A scratch file with no name: created next to `path` and unlinked at once, so nothing is
/// left behind whatever happens to the process. Holds StreamWriter's encoded blocks.
class SpoolFile {
 public:
  SpoolFile() = default;
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;

  Status Open(const std::string& path);
  /// Appends `bytes`; returns their offset in the spool.
  Result<uint64_t> Append(ByteSpan bytes);
  Status ReadAt(uint64_t offset, MutableByteSpan out) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace cogr::internal
