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

namespace cogr::internal {

/// GDAL's block leader and trailer (ghost area BLOCK_LEADER=SIZE_AS_UINT4 and
/// BLOCK_TRAILER=LAST_4_BYTES_REPEATED): `span` holds [size as uint32 LE | block | last 4 bytes
/// of the block again (zero-padded on the left when shorter) | anything]. Returns the block if
/// the leader's size fits the span (> 0) and the trailer matches, else nullopt (then the caller
/// uses the byte counts).
std::optional<ByteSpan> BlockFromLeader(ByteSpan span);

}  // namespace cogr::internal
