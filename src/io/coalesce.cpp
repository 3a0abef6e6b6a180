#include "io/coalesce.hpp"

#include <algorithm>
#include <numeric>

namespace cogr::io::internal {

std::vector<PlannedRequest> CoalesceRanges(std::span<const ByteRange> ranges,
                                           uint64_t hole_size_limit, uint64_t range_size_limit) {
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

namespace {

// The request [first, last) of `r`'s pieces, with their offsets rebased onto it.
PlannedRequest Slice(const PlannedRequest& r, size_t first, size_t last) {
  PlannedRequest out;
  uint64_t begin = UINT64_MAX, end = 0;
  for (size_t k = first; k < last; ++k) {
    begin = std::min(begin, r.range.offset + r.pieces[k].offset);
    end = std::max(end, r.range.offset + r.pieces[k].offset + r.pieces[k].length);
  }
  out.range = ByteRange{begin, end - begin};
  for (size_t k = first; k < last; ++k) {
    const Piece& p = r.pieces[k];
    out.pieces.push_back(Piece{p.index, r.range.offset + p.offset - begin, p.length});
  }
  return out;
}

}  // namespace

std::vector<PlannedRequest> SplitAtGaps(std::vector<PlannedRequest> requests, uint64_t min_gap,
                                        size_t max_parts) {
  if (requests.size() >= max_parts) return requests;
  struct Cut {
    uint64_t gap;
    size_t request;
    size_t piece;  // the first piece after the gap
  };
  std::vector<Cut> cuts;
  for (size_t ri = 0; ri < requests.size(); ++ri) {
    const std::vector<Piece>& pieces = requests[ri].pieces;
    if (pieces.empty()) continue;
    uint64_t reach = pieces[0].offset + pieces[0].length;  // pieces are sorted by offset
    for (size_t k = 1; k < pieces.size(); ++k) {
      if (pieces[k].offset > reach && pieces[k].offset - reach > min_gap) {
        cuts.push_back(Cut{pieces[k].offset - reach, ri, k});
      }
      reach = std::max(reach, pieces[k].offset + pieces[k].length);
    }
  }
  if (cuts.empty()) return requests;
  const size_t budget = std::min(cuts.size(), max_parts - requests.size());
  std::stable_sort(cuts.begin(), cuts.end(),
                   [](const Cut& a, const Cut& b) { return a.gap > b.gap; });
  cuts.resize(budget);
  std::sort(cuts.begin(), cuts.end(), [](const Cut& a, const Cut& b) {
    return a.request != b.request ? a.request < b.request : a.piece < b.piece;
  });
  std::vector<PlannedRequest> out;
  out.reserve(requests.size() + budget);
  size_t c = 0;
  for (size_t ri = 0; ri < requests.size(); ++ri) {
    size_t first = 0;
    for (; c < cuts.size() && cuts[c].request == ri; ++c) {
      out.push_back(Slice(requests[ri], first, cuts[c].piece));
      first = cuts[c].piece;
    }
    if (first == 0) {
      out.push_back(std::move(requests[ri]));
    } else {
      out.push_back(Slice(requests[ri], first, requests[ri].pieces.size()));
    }
  }
  return out;
}

std::vector<PlannedRequest> MergeRequests(std::vector<PlannedRequest> requests,
                                          uint64_t hole_size_limit, uint64_t range_size_limit) {
  std::vector<PlannedRequest> out;
  for (PlannedRequest& r : requests) {
    if (!out.empty()) {
      PlannedRequest& last = out.back();
      const uint64_t start = last.range.offset, end = last.range.end();
      const uint64_t new_end = std::max(end, r.range.end());
      if (r.range.offset >= start &&
          r.range.offset - std::min(r.range.offset, end) <= hole_size_limit &&
          new_end - start <= range_size_limit) {
        for (const Piece& p : r.pieces)
          last.pieces.push_back(Piece{p.index, r.range.offset - start + p.offset, p.length});
        last.range.length = new_end - start;
        continue;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace cogr::io::internal
