#include "io/known_header.hpp"

#include <atomic>
#include <cstring>

#include "util/checked.hpp"

namespace cogr::io::internal {

Status CheckKnownHeader(const KnownHeader& known, const std::string& uri) {
  uint64_t total = 0, end = 0;
  for (size_t i = 0; i < known.chunks.size(); ++i) {
    const KnownHeader::Chunk& c = known.chunks[i];
    if (c.bytes.empty() || !cogr::internal::RangeInside(c.offset, c.bytes.size(), known.size) ||
        (i > 0 && c.offset <= end)) {
      return Status::InvalidArgument(
          uri + ": known header chunk " + std::to_string(i) + " at offset " +
          std::to_string(c.offset) + " (" + std::to_string(c.bytes.size()) +
          " bytes) is empty, overlaps its predecessor or lies outside the " +
          std::to_string(known.size) + "-byte object");
    }
    end = c.offset + c.bytes.size();
    total += c.bytes.size();
  }
  if (total > kMaxHeaderEntryBytes) {
    return Status::InvalidArgument(uri + ": known header of " + std::to_string(total) +
                                   " bytes > limit " + std::to_string(kMaxHeaderEntryBytes));
  }
  return Status::OK();
}

std::shared_ptr<const HeaderEntry> EntryOf(const KnownHeader& known, const std::string& url) {
  auto entry = std::make_shared<HeaderEntry>();
  entry->uri = url;
  entry->size = known.size;
  entry->etag = known.etag;
  entry->last_modified = known.last_modified;
  for (const KnownHeader::Chunk& c : known.chunks) entry->chunks.push_back({c.offset, c.bytes});
  return entry;
}

namespace {

// Header reads from memory; pixel reads (ReadRanges) go to the file as before.
class KnownHeaderSource final : public Source {
 public:
  KnownHeaderSource(std::shared_ptr<Source> inner, std::shared_ptr<const KnownHeader> known)
      : inner_(std::move(inner)), known_(std::move(known)) {}

  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    if (size_t n = FromMemory(offset, out)) return n;
    return inner_->ReadAt(offset, out);
  }
  void ReadAtAsync(uint64_t offset, MutableByteSpan out, std::function<void(Result<size_t>)> done,
                   IoContext context) const override {
    if (size_t n = FromMemory(offset, out)) return done(n);
    inner_->ReadAtAsync(offset, out, std::move(done), std::move(context));
  }
  Status ReadRanges(std::span<const ByteRange> ranges, const RangeCallback& on_range,
                    size_t max_threads) const override {
    return inner_->ReadRanges(ranges, on_range, max_threads);
  }
  void ReadRangesAsync(std::vector<ByteRange> ranges, RangeCallback on_range,
                       std::function<void(Status)> on_done, IoContext context) const override {
    inner_->ReadRangesAsync(std::move(ranges), std::move(on_range), std::move(on_done),
                            std::move(context));
  }
  uint64_t size() const override { return inner_->size(); }
  const std::string& uri() const override { return inner_->uri(); }
  std::string etag() const override { return known_->etag; }
  std::string last_modified() const override { return known_->last_modified; }
  IoStats stats() const override {
    IoStats s = inner_->stats();
    s.cache_hits += hits_.load();
    s.bytes_used += used_.load();
    return s;
  }

 private:
  // Bytes copied when one chunk holds all of [offset, offset + out.size()) (clamped to the
  // object); 0 = not held.
  size_t FromMemory(uint64_t offset, MutableByteSpan out) const {
    if (offset >= known_->size || out.empty()) return 0;
    const uint64_t len = std::min<uint64_t>(out.size(), known_->size - offset);
    for (const KnownHeader::Chunk& c : known_->chunks) {
      if (offset >= c.offset && offset + len <= c.offset + c.bytes.size()) {
        std::memcpy(out.data(), c.bytes.data() + (offset - c.offset), static_cast<size_t>(len));
        hits_.fetch_add(1);
        used_.fetch_add(len);
        return static_cast<size_t>(len);
      }
    }
    return 0;
  }

  std::shared_ptr<Source> inner_;
  std::shared_ptr<const KnownHeader> known_;
  mutable std::atomic<uint64_t> hits_{0}, used_{0};
};

}  // namespace

Result<std::shared_ptr<Source>> WithKnownHeader(std::shared_ptr<Source> file,
                                                std::shared_ptr<const KnownHeader> known) {
  COGR_RETURN_IF_ERROR(CheckKnownHeader(*known, file->uri()));
  if (file->size() != known->size) {
    return Status::IoError(file->uri() + " changed since its header was recorded (size " +
                           std::to_string(known->size) + ", now " + std::to_string(file->size()) +
                           "); open it again");
  }
  return std::shared_ptr<Source>(
      std::make_shared<KnownHeaderSource>(std::move(file), std::move(known)));
}

}  // namespace cogr::io::internal
