// Range planning for remote reads: which requests serve a set of byte ranges.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cogr/types.hpp"

namespace cogr::io::internal {

/// Where one caller range lies inside a planned request.
struct Piece {
  size_t index = 0;     ///< index of the range in the caller's list
  uint64_t offset = 0;  ///< offset of the range inside the request's bytes
  uint64_t length = 0;
};

/// One request: a byte range of the object and the caller ranges it serves.
struct PlannedRequest {
  ByteRange range;
  std::vector<Piece> pieces;
};

/// Sorts `ranges` by offset and merges neighbours into requests, as Arrow's ReadRangeCache does:
/// a range joins the current request when the gap before it is at most `hole_size_limit`
/// bytes and the request stays within `range_size_limit` bytes (a single longer range keeps
/// its own request). Overlapping and duplicate ranges share bytes. Zero-length ranges are
/// left out (they need no bytes). Every other index appears in exactly one piece; requests
/// come out sorted by offset.
std::vector<PlannedRequest> CoalesceRanges(std::span<const ByteRange> ranges,
                                           uint64_t hole_size_limit, uint64_t range_size_limit);

/// For the requests of one multi-range request (sorted by offset): splits them at the gaps
/// between their pieces wider than `min_gap`, widest gaps first, while there stay at most
/// `max_parts` requests. Inside one multi-range request a gap costs its bytes and a part only
/// its multipart header, so the same single request then moves fewer bytes. Requests keep
/// their order; pieces keep their indices.
std::vector<PlannedRequest> SplitAtGaps(std::vector<PlannedRequest> requests, uint64_t min_gap,
                                        size_t max_parts);

/// The reverse, for requests that must go out one range each: merges neighbours (sorted by
/// offset) whose gap is at most `hole_size_limit` while the merged request stays within
/// `range_size_limit` bytes, as CoalesceRanges would have planned them.
std::vector<PlannedRequest> MergeRequests(std::vector<PlannedRequest> requests,
                                          uint64_t hole_size_limit, uint64_t range_size_limit);

}  // namespace cogr::io::internal
