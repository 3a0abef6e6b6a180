// read: a bytes-bounded LRU cache of decoded blocks, shared by the Datasets that use it, so
// repeated reads of overlapping windows neither refetch nor redecode.
#pragma once

#include <cstdint>
#include <memory>

#include "cogr/export.hpp"

namespace cogr {

namespace internal {
class BlockCacheImpl;
}  // namespace internal

/// A snapshot of a BlockCache's counters. Counters only grow, except bytes and entries.
struct BlockCacheStats {
  uint64_t hits = 0;        ///< blocks served from the cache (no fetch, no decode)
  uint64_t misses = 0;      ///< blocks looked up and not found (then fetched and decoded)
  uint64_t insertions = 0;  ///< blocks stored
  uint64_t evictions = 0;   ///< blocks dropped to stay within the capacity (LRU first)
  uint64_t bytes = 0;       ///< decoded bytes held now (always <= capacity)
  uint64_t entries = 0;     ///< blocks held now
};

/// Decoded blocks keyed by (Dataset, IFD, block index); the block index of a planar-separate
/// file already names the band plane. Holds at most `capacity` decoded bytes, evicting the
/// least recently used blocks first. A block in use by a read stays valid until that read has
/// copied it, even if it is evicted meanwhile. Two reads that miss the same block at the same
/// time both decode it (there is no in-flight deduplication); the result is the same.
///
/// Blocks are keyed by Dataset, not by URI: two Datasets opened on the same file keep their own
/// blocks (a file replaced between two opens, or two memory sources with the same name, must
/// not serve each other's pixels), but sharing one cache shares one memory budget. A Dataset
/// drops its blocks from the cache when it is destroyed.
///
/// Thread-safe: every member may be called from many threads at once.
class COGR_EXPORT BlockCache {
 public:
  /// A cache holding at most `capacity_bytes` decoded bytes (0 = stores nothing).
  static std::shared_ptr<BlockCache> Create(uint64_t capacity_bytes);
  /// The process-wide cache that Datasets use by default (OpenOptions::block_cache_bytes
  /// unset): kDefaultCapacityBytes, shared by every such Dataset. Never destroyed.
  static std::shared_ptr<BlockCache> Default();
  /// Capacity of Default(): 256 MiB.
  static constexpr uint64_t kDefaultCapacityBytes = uint64_t{256} << 20;

  ~BlockCache();
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  /// The byte budget of the cached blocks.
  uint64_t capacity_bytes() const;
  /// Changes the capacity; evicts least recently used blocks until the cache fits.
  void SetCapacity(uint64_t capacity_bytes);
  /// Drops every block (counters other than bytes/entries are kept).
  void Clear();
  /// Counters since creation (hits, misses, insertions, evictions), bytes and entries held now.
  BlockCacheStats stats() const;

  /// Internal (used by Dataset).
  internal::BlockCacheImpl& impl() const { return *impl_; }

 private:
  explicit BlockCache(uint64_t capacity_bytes);
  std::unique_ptr<internal::BlockCacheImpl> impl_;
};

}  // namespace cogr
