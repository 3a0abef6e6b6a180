#include "io/header_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/checked.hpp"

namespace cogr::io::internal {

uint64_t HeaderEntry::cached_bytes() const {
  uint64_t n = 0;
  for (const Chunk& c : chunks) n += c.bytes.size();
  return n;
}

const HeaderEntry::Chunk* HeaderEntry::ChunkAt(uint64_t offset) const {
  // Last chunk starting at or before offset.
  auto it = std::upper_bound(chunks.begin(), chunks.end(), offset,
                             [](uint64_t o, const Chunk& c) { return o < c.offset; });
  if (it == chunks.begin()) return nullptr;
  --it;
  if (offset - it->offset < it->bytes.size()) return &*it;
  return nullptr;
}

const uint8_t* HeaderEntry::Find(uint64_t offset, uint64_t length) const {
  auto it = std::upper_bound(chunks.begin(), chunks.end(), offset,
                             [](uint64_t o, const Chunk& c) { return o < c.offset; });
  if (it == chunks.begin()) return nullptr;
  --it;
  const uint64_t rel = offset - it->offset;
  if (rel > it->bytes.size() || length > it->bytes.size() - rel) return nullptr;
  return it->bytes.data() + rel;
}

HeaderEntry HeaderEntry::With(uint64_t offset, ByteSpan bytes) const {
  HeaderEntry out;
  out.uri = uri;
  out.size = size;
  out.etag = etag;
  out.last_modified = last_modified;
  if (bytes.empty()) {
    out.chunks = chunks;
    return out;
  }
  uint64_t start = offset, end = offset + bytes.size();
  // Chunks that overlap or touch [start, end) merge into one.
  std::vector<const Chunk*> merged;
  for (const Chunk& c : chunks) {
    const uint64_t c_end = c.offset + c.bytes.size();
    if (c_end < offset || c.offset > offset + bytes.size()) {
      out.chunks.push_back(c);
    } else {
      merged.push_back(&c);
      start = std::min(start, c.offset);
      end = std::max(end, c_end);
    }
  }
  Chunk m;
  m.offset = start;
  m.bytes.resize(static_cast<size_t>(end - start));
  for (const Chunk* c : merged)
    std::memcpy(m.bytes.data() + (c->offset - start), c->bytes.data(), c->bytes.size());
  std::memcpy(m.bytes.data() + (offset - start), bytes.data(), bytes.size());
  out.chunks.push_back(std::move(m));
  std::sort(out.chunks.begin(), out.chunks.end(),
            [](const Chunk& a, const Chunk& b) { return a.offset < b.offset; });
  return out;
}

HeaderCache& HeaderCache::Global() {
  static HeaderCache* cache = new HeaderCache();  // never destroyed: used until exit
  return *cache;
}

std::shared_ptr<const HeaderEntry> HeaderCache::Get(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::shared_ptr<const HeaderEntry>* entry = lru_.Find(uri);
  return entry ? *entry : nullptr;
}

void HeaderCache::Put(std::shared_ptr<const HeaderEntry> entry) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t bytes = entry->cached_bytes();
  const std::string uri = entry->uri;
  lru_.Insert(uri, std::move(entry), bytes);
  EvictLocked();
}

void HeaderCache::EvictLocked() {
  // Keep at least the newest entry even if it alone is over budget.
  lru_.EvictTo(capacity_bytes_, 1);
}

void HeaderCache::Erase(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.Erase(uri);
}

void HeaderCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.Clear();
}

void HeaderCache::set_capacity_bytes(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  capacity_bytes_ = bytes;
  EvictLocked();
}

size_t HeaderCache::entry_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

// ---- persisted entries ----
//
// File layout (little-endian): "COGRHC01", then u64 length + bytes of uri, etag,
// last_modified; u64 size; u64 chunk count; per chunk u64 offset, u64 length, bytes;
// finally u64 FNV-1a of everything before it.

namespace {

constexpr char kMagic[8] = {'C', 'O', 'G', 'R', 'H', 'C', '0', '1'};
constexpr uint64_t kMaxFileBytes = kMaxHeaderEntryBytes + (1 << 20);

uint64_t Fnv1a(const uint8_t* p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

void PutU64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutStr(std::vector<uint8_t>& out, const std::string& s) {
  PutU64(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

class Reader {
 public:
  explicit Reader(ByteSpan bytes) : bytes_(bytes) {}
  bool U64(uint64_t& v) {
    if (bytes_.size() - pos_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{bytes_[pos_ + i]} << (8 * i);
    pos_ += 8;
    return true;
  }
  bool Bytes(uint64_t n, const uint8_t*& p) {
    if (n > bytes_.size() - pos_) return false;
    p = bytes_.data() + pos_;
    pos_ += n;
    return true;
  }
  bool Str(std::string& s) {
    uint64_t n;
    const uint8_t* p;
    if (!U64(n) || n > 65536 || !Bytes(n, p)) return false;
    s.assign(reinterpret_cast<const char*>(p), n);
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  ByteSpan bytes_;
  size_t pos_ = 0;
};

std::shared_ptr<HeaderEntry> Decode(ByteSpan file) {
  if (file.size() < sizeof(kMagic) + 8 || std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0)
    return nullptr;
  const size_t body = file.size() - 8;
  Reader tail(file.subspan(body));
  uint64_t sum;
  if (!tail.U64(sum) || sum != Fnv1a(file.data(), body)) return nullptr;
  Reader r(file.subspan(sizeof(kMagic), body - sizeof(kMagic)));
  auto e = std::make_shared<HeaderEntry>();
  uint64_t nchunks;
  if (!r.Str(e->uri) || !r.Str(e->etag) || !r.Str(e->last_modified) || !r.U64(e->size) ||
      !r.U64(nchunks)) {
    return nullptr;
  }
  if (nchunks > 4096) return nullptr;
  uint64_t prev_end = 0;
  for (uint64_t i = 0; i < nchunks; ++i) {
    uint64_t off, len;
    const uint8_t* p;
    if (!r.U64(off) || !r.U64(len) || len == 0 || !r.Bytes(len, p)) return nullptr;
    if (!cogr::internal::RangeInside(off, len, e->size) || (i > 0 && off <= prev_end))
      return nullptr;
    prev_end = off + len;
    e->chunks.push_back(HeaderEntry::Chunk{off, std::vector<uint8_t>(p, p + len)});
  }
  return e;
}

}  // namespace

uint64_t HashUri(const std::string& uri) {
  return Fnv1a(reinterpret_cast<const uint8_t*>(uri.data()), uri.size());
}

std::string PersistedPath(const std::string& dir, const std::string& uri) {
  char name[32];
  std::snprintf(name, sizeof(name), "%016llx.cogrhc",
                static_cast<unsigned long long>(HashUri(uri)));
  return dir + "/" + name;
}

std::shared_ptr<const HeaderEntry> LoadPersisted(const std::string& dir, const std::string& uri) {
  const std::string path = PersistedPath(dir, uri);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st;
  std::vector<uint8_t> bytes;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
            static_cast<uint64_t>(st.st_size) <= kMaxFileBytes;
  if (ok) {
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ok = done == bytes.size();
  }
  ::close(fd);
  if (!ok) return nullptr;
  auto entry = Decode(bytes);
  if (!entry) {
    ::unlink(path.c_str());  // damaged: it would never load
    return nullptr;
  }
  if (entry->uri != uri) return nullptr;  // another URI with the same hash: not ours to delete
  return entry;
}

Status StorePersisted(const std::string& dir, const HeaderEntry& entry) {
  std::vector<uint8_t> out(kMagic, kMagic + sizeof(kMagic));
  PutStr(out, entry.uri);
  PutStr(out, entry.etag);
  PutStr(out, entry.last_modified);
  PutU64(out, entry.size);
  PutU64(out, entry.chunks.size());
  for (const auto& c : entry.chunks) {
    PutU64(out, c.offset);
    PutU64(out, c.bytes.size());
    out.insert(out.end(), c.bytes.begin(), c.bytes.end());
  }
  PutU64(out, Fnv1a(out.data(), out.size()));

  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IoError("header cache: cannot create " + dir + ": " + std::strerror(errno));
  }
  static std::atomic<uint64_t> counter{0};
  const std::string final_path = PersistedPath(dir, entry.uri);
  const std::string tmp =
      final_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::IoError("header cache: cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool wrote = done == out.size();
  const bool ok = ::close(fd) == 0 && wrote;
  if (!ok || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::IoError("header cache: cannot write " + final_path + ": " + err);
  }
  return Status::OK();
}

void ErasePersisted(const std::string& dir, const std::string& uri) {
  ::unlink(PersistedPath(dir, uri).c_str());
}

}  // namespace cogr::io::internal
