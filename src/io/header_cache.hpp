// Header cache of remote sources: the bytes read at open (prefix and any further header reads)
// plus the object's size and validators, in memory per process (an util/lru_map.hpp, shared
// with the block cache, read/block_cache.hpp) and optionally on disk.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/types.hpp"
#include "util/lru_map.hpp"

namespace cogr::io::internal {

/// What is known about one remote object. Immutable once shared: updates make a new entry.
struct HeaderEntry {
  struct Chunk {
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
  };
  std::string uri;
  uint64_t size = 0;
  std::string etag;           ///< as the server sent it (quotes included); may be empty
  std::string last_modified;  ///< may be empty
  std::vector<Chunk> chunks;  ///< sorted by offset, disjoint, not touching; inside [0, size)

  uint64_t cached_bytes() const;
  /// Start of [offset, offset + length) if one chunk holds all of it, else nullptr.
  const uint8_t* Find(uint64_t offset, uint64_t length) const;
  /// The chunk containing `offset`, or nullptr.
  const Chunk* ChunkAt(uint64_t offset) const;
  /// A copy with `bytes` (at `offset`, inside [0, size)) merged into the chunks.
  HeaderEntry With(uint64_t offset, ByteSpan bytes) const;
};

/// Upper bound of one entry's bytes; header reads past it are not cached (the entry stays valid).
inline constexpr uint64_t kMaxHeaderEntryBytes = 4ull << 20;

/// Process-wide in-memory cache keyed by URI, least recently used entries evicted past a byte
/// budget. Thread-safe.
class HeaderCache {
 public:
  static HeaderCache& Global();

  std::shared_ptr<const HeaderEntry> Get(const std::string& uri);
  void Put(std::shared_ptr<const HeaderEntry> entry);
  void Erase(const std::string& uri);
  /// Drops every entry (tests use it to look like a new process).
  void Clear();
  void set_capacity_bytes(uint64_t bytes);
  size_t entry_count();

 private:
  void EvictLocked();
  std::mutex mu_;
  uint64_t capacity_bytes_ = 64ull << 20;
  ::cogr::internal::LruMap<std::string, std::shared_ptr<const HeaderEntry>> lru_;
};

/// 64-bit FNV-1a, used to name cache files.
uint64_t HashUri(const std::string& uri);
/// `dir`/<16 hex digits of HashUri(uri)>.cogrhc
std::string PersistedPath(const std::string& dir, const std::string& uri);
/// The entry stored for `uri` under `dir`; nullptr if absent, for another URI (hash collision),
/// or damaged (a damaged file is removed). Never trusts the file's lengths.
std::shared_ptr<const HeaderEntry> LoadPersisted(const std::string& dir, const std::string& uri);
/// Writes atomically (temporary file + rename), creating `dir` if needed.
Status StorePersisted(const std::string& dir, const HeaderEntry& entry);
void ErasePersisted(const std::string& dir, const std::string& uri);

}  // namespace cogr::io::internal
