// tiff::Open: header, ghost area and every IFD, fetching only what the parsers ask for.
#include <algorithm>
#include <iterator>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <unordered_set>

#include "cogr/tiff.hpp"
#include "tiff/ghost_area.hpp"
#include "tiff/ifd_parse.hpp"
#include "util/alloc_guard.hpp"
#include "util/checked.hpp"

namespace cogr::tiff {
namespace {

// Requests smaller than this are rounded up: a round trip to object storage costs far more
// than 16 KiB of transfer.
constexpr uint64_t kMinFetchBytes = 16 * 1024;
// Rounding doubles the previous request (COG headers are contiguous, so a header larger than
// the prefix is read in O(log n) requests) but never speculates more than this.
constexpr uint64_t kMaxSpeculativeBytes = 4 * 1024 * 1024;
// ParseIfd needs at most three rounds (count, entries, values); more means no progress.
constexpr int kMaxParseRounds = 8;

std::string Num(uint64_t v) { return std::to_string(v); }

// Bytes one parsed IFD holds in memory. IFDs may share value bytes (every IFD of a file can
// point at the same tile table), so the bytes fetched do not bound the bytes decoded: both count
// toward max_header_bytes.
uint64_t DecodedBytes(const Ifd& ifd) {
  auto str = [](const std::optional<std::string>& s) -> uint64_t { return s ? s->size() : 0; };
  return ifd.entries().size() * sizeof(TagEntry) +
         (ifd.block_offsets().size() + ifd.block_byte_counts().size() +
          ifd.sub_ifd_offsets().size() + ifd.model_pixel_scale().size() +
          ifd.model_tiepoint().size() + ifd.model_transformation().size() +
          ifd.geo_double_params().size()) *
             8 +
         ifd.lerc_parameters().size() * 4 +
         (ifd.bits_per_sample().size() + ifd.sample_format().size() + ifd.extra_samples().size() +
          ifd.geokey_directory().size()) *
             2 +
         ifd.jpeg_tables().size() + ifd.geo_ascii_params().size() + str(ifd.image_description()) +
         str(ifd.gdal_metadata()) + str(ifd.gdal_nodata());
}

class HeaderReader {
 public:
  HeaderReader(const FetchFn& fetch, uint64_t file_size, const Limits& limits, TiffFile& file)
      : fetch_(fetch), file_size_(file_size), limits_(limits), file_(file) {}

  const ByteStore& store() const { return store_; }

  // Fetches `need` (inside the file) and, with round_up, speculative bytes around it: forward
  // up to the next bytes already held (never twice the same bytes), then backward down to the
  // previous bytes held when the forward room is short of the speculative size. So an IFD chain
  // running backwards through the file costs O(log n) requests and O(file) bytes, as a forward
  // one does. The rounding is dropped rather than exceed max_header_bytes.
  Status Fetch(ByteRange need, bool round_up = true) {
    uint64_t start = need.offset, end = need.end();
    if (round_up) {
      const uint64_t speculative =
          std::clamp(last_length_ * 2, kMinFetchBytes, kMaxSpeculativeBytes);
      const uint64_t forward_limit = std::min(file_size_, NextHeldStart(end));
      end = std::max(end, start + std::min(forward_limit - start, speculative));
      if (end - start < speculative) {
        start = std::max(std::min(PrevHeldEnd(start), start), end - std::min(end, speculative));
      }
    }
    uint64_t length = end - start;
    const uint64_t budget =
        limits_.max_header_bytes - std::min(limits_.max_header_bytes, file_.header_bytes_fetched);
    if (length > budget) {
      start = need.offset;
      length = std::min(std::max(need.length, budget), file_size_ - need.offset);
    }
    if (need.length > budget) {
      return Status::LimitExceeded(
          "TIFF header reads exceed limit " + Num(limits_.max_header_bytes) + " bytes (" +
          Num(file_.header_bytes_fetched) + " fetched, " + Num(need.length) +
          " more needed at offset " + Num(need.offset) + ")");
    }
    const ByteRange range{start, length};
    COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, fetch_(range));
    if (bytes.size() != length) {
      return Status::IoError("fetch of bytes [" + Num(range.offset) + ", " + Num(range.end()) +
                             ") returned " + Num(bytes.size()) + " bytes");
    }
    ++file_.fetches;
    file_.header_bytes_fetched += length;
    last_length_ = length;
    store_.Add(range.offset, std::move(bytes));
    AddHeld(range.offset, range.end());
    return Status::OK();
  }

  // Bytes of `range` (inside the file), fetching them if needed.
  Result<ByteSpan> Get(ByteRange range) {
    const uint8_t* p = store_.Find(range);
    if (p == nullptr) {
      if (Status st = Fetch(range); !st.ok()) return st;
      p = store_.Find(range);
      if (p == nullptr) return Status::IoError("fetched bytes not found (internal error)");
    }
    return ByteSpan(p, range.length);
  }

  Result<Ifd> ReadIfd(const Header& header, uint64_t offset) {
    for (int round = 0;; ++round) {
      COGR_ASSIGN_OR_RETURN(auto parsed, ParseIfd(header, offset, store_, file_size_, limits_));
      if (auto* ifd = std::get_if<Ifd>(&parsed)) return std::move(*ifd);
      if (round >= kMaxParseRounds) {
        return Status::InvalidFile("IFD at offset " + Num(offset) + ": parse made no progress");
      }
      if (Status st = Fetch(std::get<NeedBytes>(parsed).range); !st.ok()) return st;
    }
  }

 private:
  // Merged [start, end) intervals of every byte fetched so far (the ByteStore keeps chunks,
  // which may overlap; this keeps their union to steer speculative reads).
  void AddHeld(uint64_t start, uint64_t end) {
    auto it = held_.upper_bound(start);
    if (it != held_.begin() && std::prev(it)->second >= start) {
      --it;
      start = it->first;
    }
    while (it != held_.end() && it->first <= end) {
      end = std::max(end, it->second);
      it = held_.erase(it);
    }
    held_.emplace(start, end);
  }
  // Start of the first held byte at or after `x` (`x` itself when held); UINT64_MAX if none.
  uint64_t NextHeldStart(uint64_t x) const {
    auto it = held_.upper_bound(x);
    if (it != held_.begin() && std::prev(it)->second > x) return x;
    return it == held_.end() ? UINT64_MAX : it->first;
  }
  // End of the last held interval starting before `x`; 0 if none (may exceed `x`).
  uint64_t PrevHeldEnd(uint64_t x) const {
    auto it = held_.lower_bound(x);
    return it == held_.begin() ? 0 : std::prev(it)->second;
  }

  const FetchFn& fetch_;
  uint64_t file_size_;
  const Limits& limits_;
  TiffFile& file_;
  ByteStore store_;
  std::map<uint64_t, uint64_t> held_;
  uint64_t last_length_ = 0;
};

Result<TiffFile> OpenImpl(const FetchFn& fetch, uint64_t file_size, const Limits& limits,
                          uint64_t initial_read_bytes) {
  TiffFile file;
  HeaderReader reader(fetch, file_size, limits, file);

  // Prefix: at least the 16 bytes a BigTIFF header needs.
  const uint64_t prefix = std::min(std::max<uint64_t>(initial_read_bytes, 16), file_size);
  if (prefix == 0) return Status::InvalidFile("truncated header (0 bytes)");
  if (Status st = reader.Fetch({0, prefix}, /*round_up=*/false); !st.ok()) return st;
  COGR_ASSIGN_OR_RETURN(ByteSpan head, reader.Get({0, prefix}));
  COGR_ASSIGN_OR_RETURN(file.header, ParseHeader(head));
  const Header& header = file.header;
  const uint64_t header_size = header.size_bytes();

  // Ghost area: probe its size line, then make sure all of it is in hand.
  const uint64_t probe_end = std::min(file_size, header_size + internal::kGhostProbeBytes);
  if (probe_end > header_size) {
    COGR_ASSIGN_OR_RETURN(ByteSpan probe, reader.Get({header_size, probe_end - header_size}));
    if (auto extent = internal::FindGhostArea(probe)) {
      const uint64_t end =
          std::min(file_size, header_size + extent->text_offset + extent->text_size);
      COGR_ASSIGN_OR_RETURN(ByteSpan area, reader.Get({header_size, end - header_size}));
      file.ghost = ParseGhostArea(area);
    }
  }

  const uint64_t count_size = header.bigtiff ? 8 : 2;
  std::unordered_set<uint64_t> visited;
  auto check_ifd_limit = [&]() -> Status {
    if (file.ifds.size() >= limits.max_ifds) {
      return Status::LimitExceeded("more than " + Num(limits.max_ifds) + " IFDs (limit " +
                                   Num(limits.max_ifds) + ")");
    }
    return Status::OK();
  };

  uint64_t decoded = 0;
  auto check_decoded = [&](const Ifd& ifd) -> Status {
    decoded += DecodedBytes(ifd);
    const uint64_t total = file.header_bytes_fetched + decoded;
    if (total > limits.max_header_bytes) {
      return Status::LimitExceeded(
          "TIFF header decodes to more than limit " + Num(limits.max_header_bytes) +
          " bytes (IFD " + Num(file.ifds.size()) + " at offset " + Num(ifd.offset()) +
          " brings it to " + Num(total) + " bytes: " + Num(file.header_bytes_fetched) +
          " fetched + " + Num(decoded) + " decoded)");
    }
    return Status::OK();
  };

  // Main chain.
  uint64_t offset = header.first_ifd_offset;
  if (offset == 0) return Status::InvalidFile("first IFD offset is 0: the file has no image");
  if (!internal::RangeInside(offset, count_size, file_size)) {
    return Status::InvalidFile("first IFD offset " + Num(offset) + " past end of file (size " +
                               Num(file_size) + ")");
  }
  while (offset != 0) {
    if (visited.count(offset)) {
      file.ifd_loop = true;
      break;
    }
    // Like libtiff and GDAL, a dangling next-IFD offset ends the chain.
    if (!internal::RangeInside(offset, count_size, file_size)) break;
    if (Status st = check_ifd_limit(); !st.ok()) return st;
    visited.insert(offset);
    COGR_ASSIGN_OR_RETURN(Ifd ifd, reader.ReadIfd(header, offset));
    if (Status st = check_decoded(ifd); !st.ok()) return st;
    offset = ifd.next_ifd_offset();
    file.ifds.push_back(std::move(ifd));
    file.parent.push_back(-1);
  }

  // SubIFDs (and their own chains and SubIFDs), appended after the main chain. GDAL does not
  // read them, so a broken SubIFD only ends its chain; limits still apply.
  for (size_t i = 0; i < file.ifds.size(); ++i) {
    const std::vector<uint64_t> subs = file.ifds[i].sub_ifd_offsets();
    for (uint64_t sub : subs) {
      for (uint64_t off = sub; off != 0;) {
        if (visited.count(off) || !internal::RangeInside(off, count_size, file_size)) break;
        if (Status st = check_ifd_limit(); !st.ok()) return st;
        visited.insert(off);
        auto ifd = reader.ReadIfd(header, off);
        if (!ifd.ok()) {
          if (ifd.status().code() == Code::kInvalidFile) break;
          return ifd.status();
        }
        if (Status st = check_decoded(*ifd); !st.ok()) return st;
        off = ifd->next_ifd_offset();
        file.ifds.push_back(std::move(ifd).value());
        file.parent.push_back(static_cast<int>(i));
      }
    }
  }
  return file;
}

}  // namespace

Result<TiffFile> Open(const FetchFn& fetch, uint64_t file_size, const Limits& limits,
                      uint64_t initial_read_bytes) {
  return internal::GuardAlloc(
      [&] { return OpenImpl(fetch, file_size, limits, initial_read_bytes); },
      [] { return "out of memory while reading the TIFF header"; });
}

}  // namespace cogr::tiff
