#include "read/block_table.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "tiff/ifd_parse.hpp"

namespace cogr::internal {

size_t BlockTableCache::pages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pages_.size();
}

Status BlockTableCache::Resolve(const io::Source& source, tiff::ByteOrder order,
                                std::span<const Lookup> lookups, size_t max_threads) {
  const uint64_t file_size = source.size();
  // Pages this call needs, and the ones already held (kept alive here even if evicted).
  std::unordered_map<uint64_t, Page> have;
  std::vector<uint64_t> missing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Lookup& l : lookups) {
      const tiff::LazyTable& t = *l.table;
      for (uint64_t i : l.indices) {
        if (i >= t.count) {
          return Status::InvalidFile("block " + std::to_string(i) + " outside its table of " +
                                     std::to_string(t.count) + " values");
        }
        const ByteRange r = t.Values(i, 1);
        for (uint64_t p = r.offset / kPageBytes; p <= (r.end() - 1) / kPageBytes; ++p) {
          if (have.count(p)) continue;
          auto it = pages_.find(p);
          if (it != pages_.end()) {
            have.emplace(p, it->second);
          } else {
            have.emplace(p, nullptr);
            missing.push_back(p);
          }
        }
      }
    }
  }
  if (!missing.empty()) {
    std::sort(missing.begin(), missing.end());
    // Runs of consecutive pages → one range each (the source coalesces further).
    std::vector<ByteRange> ranges;
    for (uint64_t p : missing) {
      const uint64_t start = p * kPageBytes, end = std::min(file_size, start + kPageBytes);
      if (!ranges.empty() && ranges.back().end() == start) {
        ranges.back().length = end - ranges.back().offset;
      } else {
        ranges.push_back({start, end - start});
      }
    }
    std::mutex got_mu;
    std::vector<std::pair<uint64_t, Page>> got;
    COGR_RETURN_IF_ERROR(source.ReadRanges(
        ranges,
        [&](size_t index, ByteSpan bytes) -> Status {
          const ByteRange r = ranges[index];
          if (bytes.size() != r.length) return Status::IoError("short read of a block table");
          std::vector<std::pair<uint64_t, Page>> pages;
          for (uint64_t at = 0; at < r.length; at += kPageBytes) {
            const uint64_t n = std::min(kPageBytes, r.length - at);
            pages.emplace_back((r.offset + at) / kPageBytes,
                               std::make_shared<const std::vector<uint8_t>>(
                                   bytes.begin() + static_cast<ptrdiff_t>(at),
                                   bytes.begin() + static_cast<ptrdiff_t>(at + n)));
          }
          std::lock_guard<std::mutex> lock(got_mu);
          for (auto& p : pages) got.push_back(std::move(p));
          return Status::OK();
        },
        max_threads));
    std::lock_guard<std::mutex> lock(mu_);
    if ((pages_.size() + got.size()) * kPageBytes > max_bytes_) pages_.clear();
    for (auto& [p, page] : got) {
      have[p] = page;
      pages_.emplace(p, std::move(page));
    }
  }
  // Decode every value from its page(s); a value may straddle two pages.
  for (const Lookup& l : lookups) {
    const tiff::LazyTable& t = *l.table;
    l.values->resize(l.indices.size());
    for (size_t k = 0; k < l.indices.size(); ++k) {
      const ByteRange r = t.Values(l.indices[k], 1);
      uint8_t buf[8] = {};
      for (uint64_t pos = r.offset; pos < r.end();) {
        const uint64_t p = pos / kPageBytes;
        auto it = have.find(p);
        const uint64_t in_page = pos - p * kPageBytes;
        if (it == have.end() || !it->second || in_page >= it->second->size()) {
          return Status::IoError("block table bytes at offset " + std::to_string(pos) +
                                 " were not fetched");
        }
        const uint64_t n = std::min(r.end() - pos, it->second->size() - in_page);
        std::memcpy(buf + (pos - r.offset), it->second->data() + in_page, static_cast<size_t>(n));
        pos += n;
      }
      (*l.values)[k] = tiff::LoadTableValue(t, order, buf);
    }
  }
  return Status::OK();
}

}  // namespace cogr::internal
