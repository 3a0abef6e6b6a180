// Where GDAL's ghost area lies, so tiff::Open can fetch all of it before parsing.
#pragma once

#include <cstdint>
#include <optional>

#include "cogr/types.hpp"

namespace cogr::internal {

/// Bytes after the header that are enough to recognise a ghost area and read its size
/// ("GDAL_STRUCTURAL_METADATA_SIZE=000174 bytes\n" is 43).
inline constexpr uint64_t kGhostProbeBytes = 64;
/// Larger declared sizes are not trusted (GDAL writes a few hundred bytes).
inline constexpr uint64_t kMaxGhostAreaBytes = 64 * 1024;

struct GhostExtent {
  uint64_t text_offset = 0;  ///< where the KEY=VALUE text starts, relative to after_header
  uint64_t text_size = 0;    ///< its declared size (<= kMaxGhostAreaBytes)
};

/// The ghost area's extent if `after_header` starts with a well-formed size line, else nullopt.
std::optional<GhostExtent> FindGhostArea(ByteSpan after_header);

}  // namespace cogr::internal
