// The IFD parser behind tiff::Open: bytes in, an Ifd or the bytes it needs next (NeedBytes).
// Internal to cogr (src/tiff); the public view of a file is cogr/tiff.hpp's TiffFile and Ifd.
#pragma once

#include <cstdint>
#include <map>
#include <variant>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/tiff.hpp"
#include "cogr/types.hpp"

namespace cogr::tiff {

/// Decodes one value of a lazy table whose bytes start at `p` (value_size() bytes).
uint64_t LoadTableValue(const LazyTable& table, ByteOrder order, const uint8_t* p);

/// The bytes of the file the caller has fetched so far: any number of disjoint chunks.
class ByteStore {
 public:
  /// Adds bytes [offset, offset + bytes.size()).
  void Add(uint64_t offset, std::vector<uint8_t> bytes);
  /// Pointer to `range` if one chunk holds all of it, else nullptr.
  const uint8_t* Find(ByteRange range) const;
  uint64_t total_bytes() const { return total_; }

 private:
  std::map<uint64_t, std::vector<uint8_t>> chunks_;  // keyed by start offset
  uint64_t total_ = 0;
};

/// Asks the caller for more bytes.
struct NeedBytes {
  ByteRange range;
};

/// Parses the IFD at `ifd_offset` using the bytes in `have`. If its entries or a tag value
/// it decodes lie outside `have`, returns NeedBytes (clamped to `file_size`): fetch, Add and
/// call again. Every count, offset and size is checked against `file_size` and `limits`.
/// A block table larger than limits.lazy_block_table_bytes whose bytes are not in `have` is
/// not asked for: it becomes a LazyTable (Ifd::lazy_offsets() / lazy_byte_counts()).
Result<std::variant<Ifd, NeedBytes>> ParseIfd(const Header& header, uint64_t ifd_offset,
                                              const ByteStore& have, uint64_t file_size,
                                              const Limits& limits);

}  // namespace cogr::tiff
