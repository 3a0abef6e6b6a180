#include "io/coalesce.hpp"

#include <algorithm>
#include <numeric>

namespace cogr::io::internal {

std::vector<PlannedRequest> CoalesceRanges(std::span<const ByteRange> ranges, uint64_t hole_size_limit,
                                           uint64_t range_size_limit) {
  std::vector<size_t> order;
  order.reserve(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].length > 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (ranges[a].offset != ranges[b].offset) return ranges[a].offset < ranges[b].offset;
    return ranges[a].length < ranges[b].length;
  });

  std::vector<PlannedRequest> out;
  uint64_t start = 0, end = 0;  // of the request being built
  for (size_t idx : order) {
    const ByteRange r = ranges[idx];
    const uint64_t r_end = r.offset + r.length;  // callers checked ranges against the object size
    bool merge = false;
    if (!out.empty()) {
      const uint64_t gap = r.offset > end ? r.offset - end : 0;
      const uint64_t new_end = std::max(end, r_end);
      merge = gap <= hole_size_limit && (new_end - start <= range_size_limit || r_end <= end);
    }
    if (!merge) {
      out.push_back(PlannedRequest{ByteRange{r.offset, 0}, {}});
      start = r.offset;
      end = r_end;
    } else {
      end = std::max(end, r_end);
    }
    PlannedRequest& req = out.back();
    req.range.length = end - start;
    req.pieces.push_back(Piece{idx, r.offset - start, r.length});
  }
  return out;
}

}  // namespace cogr::io::internal
