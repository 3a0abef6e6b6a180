// Stored headers of catalog scenes: recording what an open read, trimming it, encoding it, and
// decoding it again as untrusted input.
#include <algorithm>
#include <cstring>
#include <map>

#include "stack/catalog_internal.hpp"
#include "util/checked.hpp"

namespace cogr::internal {
namespace {

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutU64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutF64(std::vector<uint8_t>& out, double d) {
  uint64_t v = 0;
  std::memcpy(&v, &d, 8);
  PutU64(out, v);
}
uint64_t GetLe(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

constexpr uint64_t kTrimStep = 512;

}  // namespace

std::vector<uint8_t> EncodeHeader(const io::KnownHeader& header) {
  std::vector<uint8_t> out = {'C', 'G', 'H', 'B'};
  PutU32(out, 1);
  PutU32(out, static_cast<uint32_t>(header.chunks.size()));
  for (const io::KnownHeader::Chunk& c : header.chunks) {
    PutU64(out, c.offset);
    PutU32(out, static_cast<uint32_t>(c.bytes.size()));
    out.insert(out.end(), c.bytes.begin(), c.bytes.end());
  }
  return out;
}

Result<io::KnownHeader> DecodeHeader(const uint8_t* data, size_t n, uint64_t size,
                                     const std::string& where) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidFile(where + ": stored header " + what);
  };
  if (data == nullptr || n < 12 || std::memcmp(data, "CGHB", 4) != 0)
    return bad("is not a cogr header blob");
  if (GetLe(data + 4, 4) != 1)
    return bad("has version " + std::to_string(GetLe(data + 4, 4)) + " (expected 1)");
  const uint64_t count = GetLe(data + 8, 4);
  if (count > kMaxStoredChunks) {
    return bad("has " + std::to_string(count) + " chunks > limit " +
               std::to_string(kMaxStoredChunks));
  }
  io::KnownHeader h;
  h.size = size;
  size_t pos = 12;
  uint64_t total = 0, end = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (n - pos < 12)
      return bad("ends inside chunk " + std::to_string(i) + " (" + std::to_string(n) + " bytes)");
    const uint64_t offset = GetLe(data + pos, 8);
    const uint64_t length = GetLe(data + pos + 8, 4);
    pos += 12;
    if (length == 0 || length > n - pos) {
      return bad("chunk " + std::to_string(i) + " has " + std::to_string(length) +
                 " bytes, blob has " + std::to_string(n - pos) + " left");
    }
    if (!RangeInside(offset, length, size) || (i > 0 && offset <= end)) {
      return bad("chunk " + std::to_string(i) + " [" + std::to_string(offset) + ", +" +
                 std::to_string(length) + ") overlaps its predecessor or lies outside the " +
                 std::to_string(size) + "-byte file");
    }
    total += length;
    if (total > kMaxStoredHeaderBytes) {
      return bad("holds more than " + std::to_string(kMaxStoredHeaderBytes) + " bytes");
    }
    end = offset + length;
    h.chunks.push_back({offset, std::vector<uint8_t>(data + pos, data + pos + length)});
    pos += static_cast<size_t>(length);
  }
  if (pos != n) return bad("has " + std::to_string(n - pos) + " trailing bytes");
  return h;
}

Result<size_t> RecordingSource::ReadAt(uint64_t offset, MutableByteSpan out) const {
  Result<size_t> n = inner_->ReadAt(offset, out);
  if (n.ok()) Keep(offset, out.data(), *n);
  return n;
}

void RecordingSource::ReadAtAsync(uint64_t offset, MutableByteSpan out,
                                  std::function<void(Result<size_t>)> done,
                                  io::IoContext context) const {
  inner_->ReadAtAsync(
      offset, out,
      [this, offset, out, done = std::move(done)](Result<size_t> n) {
        if (n.ok()) Keep(offset, out.data(), *n);
        done(std::move(n));
      },
      std::move(context));
}

void RecordingSource::Keep(uint64_t offset, const uint8_t* p, size_t n) const {
  if (n == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  reads_.emplace_back(offset, std::vector<uint8_t>(p, p + n));
}

std::vector<std::pair<uint64_t, std::vector<uint8_t>>> RecordingSource::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(reads_);
}

namespace {

// Sorted, merged chunks (touching or overlapping reads joined).
std::vector<io::KnownHeader::Chunk> Merge(
    std::vector<std::pair<uint64_t, std::vector<uint8_t>>> reads) {
  std::sort(reads.begin(), reads.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<io::KnownHeader::Chunk> chunks;
  for (auto& [offset, bytes] : reads) {
    if (!chunks.empty() && offset <= chunks.back().offset + chunks.back().bytes.size()) {
      io::KnownHeader::Chunk& last = chunks.back();
      const uint64_t last_end = last.offset + last.bytes.size();
      const uint64_t end = offset + bytes.size();
      if (end > last_end)
        last.bytes.insert(last.bytes.end(), bytes.end() - static_cast<ptrdiff_t>(end - last_end),
                          bytes.end());
      continue;
    }
    chunks.push_back({offset, std::move(bytes)});
  }
  return chunks;
}

// True when tiff::Open, given only `chunks` with chunk 0 cut to `prefix` bytes, parses to the
// same IFDs as `parsed`.
bool ParsesSame(const std::vector<io::KnownHeader::Chunk>& chunks, uint64_t prefix, uint64_t size,
                const tiff::TiffFile& parsed, const Limits& limits) {
  tiff::FetchFn fetch = [&](ByteRange r) -> Result<std::vector<uint8_t>> {
    for (size_t i = 0; i < chunks.size(); ++i) {
      const uint64_t len = i == 0 ? prefix : chunks[i].bytes.size();
      if (r.offset >= chunks[i].offset && r.offset + r.length <= chunks[i].offset + len) {
        const auto* p = chunks[i].bytes.data() + (r.offset - chunks[i].offset);
        return std::vector<uint8_t>(p, p + r.length);
      }
    }
    return Status::Unavailable("not held");
  };
  Result<tiff::TiffFile> got = tiff::Open(fetch, size, limits, prefix);
  if (!got.ok() || got->ifds.size() != parsed.ifds.size()) return false;
  for (size_t i = 0; i < parsed.ifds.size(); ++i) {
    if (got->ifds[i].has_lazy_tables() != parsed.ifds[i].has_lazy_tables()) return false;
  }
  return got->ghost.present == parsed.ghost.present;
}

}  // namespace

io::KnownHeader StoredHeader(std::vector<std::pair<uint64_t, std::vector<uint8_t>>> reads,
                             uint64_t size, const tiff::TiffFile& parsed, const Limits& limits) {
  io::KnownHeader h;
  h.size = size;
  if (reads.empty()) return h;
  // Reads after the prefix that fall inside it must stay inside the cut prefix.
  const uint64_t prefix_end = reads[0].first == 0 ? reads[0].second.size() : 0;
  uint64_t need = 0;
  for (size_t i = 1; i < reads.size(); ++i) {
    if (reads[i].first < prefix_end)
      need = std::max<uint64_t>(need, reads[i].first + reads[i].second.size());
  }
  h.chunks = Merge(std::move(reads));
  if (h.chunks.empty() || h.chunks[0].offset != 0) return h;
  const uint64_t full = h.chunks[0].bytes.size();
  // Smallest multiple of kTrimStep (or the whole chunk) that parses the same: binary search.
  uint64_t lo = std::max<uint64_t>(1, (need + kTrimStep - 1) / kTrimStep),
           hi = (full + kTrimStep - 1) / kTrimStep;
  if (lo >= hi) return h;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (ParsesSame(h.chunks, std::min(full, mid * kTrimStep), size, parsed, limits)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  const uint64_t cut = std::min(full, lo * kTrimStep);
  if (cut < full && ParsesSame(h.chunks, cut, size, parsed, limits))
    h.chunks[0].bytes.resize(static_cast<size_t>(cut));
  return h;
}

std::vector<uint8_t> GpkgPolygon(const std::vector<std::pair<double, double>>& ring,
                                 int32_t srs_id) {
  double minx = ring[0].first, maxx = minx, miny = ring[0].second, maxy = miny;
  for (const auto& [x, y] : ring) {
    minx = std::min(minx, x);
    maxx = std::max(maxx, x);
    miny = std::min(miny, y);
    maxy = std::max(maxy, y);
  }
  // GeoPackage 1.3 section 2.1.3: magic "GP", version 0, flags (bit 0 little-endian, bits 1-3
  // envelope 1 = [minx, maxx, miny, maxy]), srs_id, envelope; then standard WKB.
  std::vector<uint8_t> out = {'G', 'P', 0, 0x03};
  PutU32(out, static_cast<uint32_t>(srs_id));
  PutF64(out, minx);
  PutF64(out, maxx);
  PutF64(out, miny);
  PutF64(out, maxy);
  out.push_back(1);  // WKB little-endian
  PutU32(out, 3);    // Polygon
  PutU32(out, 1);    // rings
  PutU32(out, static_cast<uint32_t>(ring.size() + 1));
  for (const auto& [x, y] : ring) {
    PutF64(out, x);
    PutF64(out, y);
  }
  PutF64(out, ring[0].first);
  PutF64(out, ring[0].second);
  return out;
}

}  // namespace cogr::internal
