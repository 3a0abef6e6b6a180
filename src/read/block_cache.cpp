#include "read/block_cache.hpp"

#include <atomic>
#include <utility>

namespace cogr {
namespace internal {

CachedBlock BlockCacheImpl::Lookup(const BlockKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  const CachedBlock* block = lru_.Find(key);
  if (!block) {
    ++counters_.misses;
    return {};
  }
  ++counters_.hits;
  return *block;
}

void BlockCacheImpl::Insert(const BlockKey& key, CachedBlock block) {
  if (!block) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (block.size > capacity_) return;
  const size_t size = block.size;
  lru_.Insert(key, std::move(block), size);
  ++counters_.insertions;
  EvictLocked();
}

void BlockCacheImpl::EvictLocked() { counters_.evictions += lru_.EvictTo(capacity_); }

void BlockCacheImpl::EraseSource(uint64_t source) {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.EraseIf([source](const BlockKey& key) { return key.source == source; });
}

uint64_t BlockCacheImpl::NewSourceId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

uint64_t BlockCacheImpl::capacity() const {
  std::lock_guard<std::mutex> lock(mu_);
  return capacity_;
}

void BlockCacheImpl::SetCapacity(uint64_t capacity_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  capacity_ = capacity_bytes;
  EvictLocked();
}

void BlockCacheImpl::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.Clear();
}

BlockCacheStats BlockCacheImpl::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  BlockCacheStats s = counters_;
  s.bytes = lru_.bytes();
  s.entries = lru_.size();
  return s;
}

}  // namespace internal

BlockCache::BlockCache(uint64_t capacity_bytes)
    : impl_(std::make_unique<internal::BlockCacheImpl>(capacity_bytes)) {}
BlockCache::~BlockCache() = default;

std::shared_ptr<BlockCache> BlockCache::Create(uint64_t capacity_bytes) {
  return std::shared_ptr<BlockCache>(new BlockCache(capacity_bytes));
}

std::shared_ptr<BlockCache> BlockCache::Default() {
  // Leaked on purpose: Datasets destroyed during static destruction may still use it.
  static auto* cache = new std::shared_ptr<BlockCache>(Create(kDefaultCapacityBytes));
  return *cache;
}

uint64_t BlockCache::capacity_bytes() const { return impl_->capacity(); }
void BlockCache::SetCapacity(uint64_t capacity_bytes) { impl_->SetCapacity(capacity_bytes); }
void BlockCache::Clear() { impl_->Clear(); }
BlockCacheStats BlockCache::stats() const { return impl_->stats(); }

}  // namespace cogr
