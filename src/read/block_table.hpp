// read: values of lazy block tables (tiff::LazyTable), fetched in pages when a read needs them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "cogr/io.hpp"
#include "cogr/tiff.hpp"

namespace cogr::internal {

/// Pages of the file holding lazy block-table values, shared by the reads of one Dataset.
/// A window's blocks have contiguous entries per block row, so a read touches a few pages per
/// table; a page is fetched once and kept (up to max_bytes, then the cache starts over).
/// Thread-safe: concurrent reads may resolve at once (both may fetch a page neither had).
class BlockTableCache {
 public:
  static constexpr uint64_t kPageBytes = 4096;

  explicit BlockTableCache(uint64_t max_bytes = 32ull << 20) : max_bytes_(max_bytes) {}

  /// One table to resolve: values[i] receives the table's value number indices[i].
  struct Lookup {
    const tiff::LazyTable* table = nullptr;
    std::span<const uint64_t> indices;  ///< each < table->count
    std::vector<uint64_t>* values = nullptr;
  };

  /// Fills every lookup, fetching the pages not cached with one source.ReadRanges call
  /// (consecutive pages merged into one range). Values are returned as stored: the caller
  /// checks each against the file and its limits.
  Status Resolve(const io::Source& source, tiff::ByteOrder order, std::span<const Lookup> lookups,
                 size_t max_threads);

  /// Pages held now (tests).
  size_t pages() const;

 private:
  using Page = std::shared_ptr<const std::vector<uint8_t>>;
  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Page> pages_;  // page number (file offset / kPageBytes) → bytes
};

}  // namespace cogr::internal
