#include "read/block_cache.hpp"

#include <atomic>
#include <iterator>

namespace cogr {
namespace internal {

CachedBlock BlockCacheImpl::Lookup(const BlockKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) {
    ++counters_.misses;
    return {};
  }
  ++counters_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->block;
}

void BlockCacheImpl::Insert(const BlockKey& key, CachedBlock block) {
  if (!block) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (block.size > capacity_) return;
  if (auto it = map_.find(key); it != map_.end()) EraseLocked(it->second);
  lru_.push_front(Entry{key, std::move(block)});
  map_.emplace(key, lru_.begin());
  bytes_ += lru_.front().block.size;
  ++counters_.insertions;
  EvictLocked();
}

void BlockCacheImpl::EraseLocked(std::list<Entry>::iterator it) {
  bytes_ -= it->block.size;
  map_.erase(it->key);
  lru_.erase(it);
}

void BlockCacheImpl::EvictLocked() {
  // Bounded: every iteration removes one entry.
  while (bytes_ > capacity_ && !lru_.empty()) {
    EraseLocked(std::prev(lru_.end()));
    ++counters_.evictions;
  }
}

void BlockCacheImpl::EraseSource(uint64_t source) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (it->key.source == source) EraseLocked(it);
    it = next;
  }
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
  map_.clear();
  lru_.clear();
  bytes_ = 0;
}

BlockCacheStats BlockCacheImpl::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  BlockCacheStats s = counters_;
  s.bytes = bytes_;
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
