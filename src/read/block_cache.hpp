// read::block_cache — the LRU map behind cogr::BlockCache (include/cogr/block_cache.hpp), an
// util/lru_map.hpp shared with the header cache (io/header_cache.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "cogr/block_cache.hpp"
#include "cogr/types.hpp"
#include "util/lru_map.hpp"

namespace cogr::internal {

/// Which block: the Dataset's cache id (unique in the process), the IFD and the block index.
struct BlockKey {
  uint64_t source = 0;
  uint64_t ifd = 0;
  uint64_t block = 0;
  bool operator==(const BlockKey&) const = default;
};

/// One decoded block. The bytes are shared: a reader keeps them alive past an eviction.
struct CachedBlock {
  std::shared_ptr<const uint8_t[]> data;
  size_t size = 0;
  ByteSpan bytes() const { return ByteSpan(data.get(), size); }
  explicit operator bool() const { return data != nullptr; }
};

/// Thread-safe (one mutex; a lookup or insert per block of several KiB at least, so the lock
/// is never the bottleneck of a read).
class BlockCacheImpl {
 public:
  explicit BlockCacheImpl(uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

  /// The block, made most recently used; empty on a miss. Counts a hit or a miss.
  CachedBlock Lookup(const BlockKey& key);
  /// Stores a block (replacing an older copy), then evicts least recently used blocks until
  /// bytes <= capacity. A block larger than the capacity is not stored.
  void Insert(const BlockKey& key, CachedBlock block);
  /// Drops every block of one source (a Dataset going away).
  void EraseSource(uint64_t source);
  /// A process-unique id for a Dataset's blocks.
  static uint64_t NewSourceId();

  uint64_t capacity() const;
  void SetCapacity(uint64_t capacity_bytes);
  void Clear();
  BlockCacheStats stats() const;

 private:
  struct KeyHash {
    size_t operator()(const BlockKey& k) const {
      uint64_t h = k.source * 0x9E3779B97F4A7C15ull;
      h ^= k.ifd + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
      h ^= k.block + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
      return static_cast<size_t>(h);
    }
  };
  void EvictLocked();  // mu_ held

  mutable std::mutex mu_;
  LruMap<BlockKey, CachedBlock, KeyHash> lru_;
  uint64_t capacity_ = 0;
  BlockCacheStats counters_;  // hits/misses/insertions/evictions
};

}  // namespace cogr::internal
