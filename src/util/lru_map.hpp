// util::LruMap — the least-recently-used map behind the header cache (io/header_cache.hpp) and
// the block cache (read/block_cache.hpp): entries charged a number of bytes, most recent first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <unordered_map>
#include <utility>

namespace cogr::internal {

/// Not synchronised: its owner holds one mutex around every call, and decides the policy (what
/// is too large to store, how many entries eviction keeps, what it counts).
template <class Key, class Value, class Hash = std::hash<Key>>
class LruMap {
 public:
  /// The value of `key`, made most recently used; nullptr on a miss. Valid until the entry is
  /// erased or evicted.
  Value* Find(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return &it->second->value;
  }

  /// Stores `value` as the most recently used entry (replacing an older one), charged `bytes`.
  void Insert(const Key& key, Value value, uint64_t bytes) {
    Erase(key);
    lru_.push_front(Node{key, std::move(value), bytes});
    map_.emplace(key, lru_.begin());
    bytes_ += bytes;
  }

  /// Removes `key`; false if it was absent.
  bool Erase(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    EraseNode(it->second);
    return true;
  }

  /// Removes every entry whose key satisfies `pred(key)`.
  template <class Pred>
  void EraseIf(Pred pred) {
    for (auto it = lru_.begin(); it != lru_.end();) {
      auto next = std::next(it);
      if (pred(it->key)) EraseNode(it);
      it = next;
    }
  }

  /// Removes least recently used entries while bytes() > `capacity` and more than `keep`
  /// entries remain (bounded: each step removes one). Returns how many it removed.
  uint64_t EvictTo(uint64_t capacity, size_t keep = 0) {
    uint64_t evicted = 0;
    while (bytes_ > capacity && lru_.size() > keep) {
      EraseNode(std::prev(lru_.end()));
      ++evicted;
    }
    return evicted;
  }

  void Clear() {
    map_.clear();
    lru_.clear();
    bytes_ = 0;
  }

  /// Sum of the charges of the entries.
  uint64_t bytes() const { return bytes_; }
  size_t size() const { return lru_.size(); }

 private:
  struct Node {
    Key key;
    Value value;
    uint64_t bytes = 0;
  };
  using NodeIt = typename std::list<Node>::iterator;

  void EraseNode(NodeIt it) {
    bytes_ -= it->bytes;
    map_.erase(it->key);
    lru_.erase(it);
  }

  std::list<Node> lru_;  // front = most recently used
  std::unordered_map<Key, NodeIt, Hash> map_;
  uint64_t bytes_ = 0;
};

}  // namespace cogr::internal
