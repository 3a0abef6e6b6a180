// Dataset::BlockEntries: block offsets and byte counts, from the parsed tables or, for lazy
// tables (tiff::LazyTable), from the pages of the file that hold the entries a read needs.
#include <string>

#include "cogr/dataset.hpp"
#include "cogr/threads.hpp"
#include "read/block_table.hpp"

namespace cogr {
namespace {

Status Eager(const tiff::Ifd& ifd, const std::vector<uint64_t>& table,
             const std::vector<uint64_t>& blocks, std::vector<uint64_t>& out) {
  out.resize(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i] >= table.size()) {
      return Status::InvalidFile("IFD at offset " + std::to_string(ifd.offset()) + ": block " +
                                 std::to_string(blocks[i]) + " has no offset/byte count");
    }
    out[i] = table[blocks[i]];
  }
  return Status::OK();
}

}  // namespace

Status Dataset::BlockEntries(const tiff::Ifd& ifd, const std::vector<uint64_t>& blocks,
                             std::vector<uint64_t>& offsets, std::vector<uint64_t>& byte_counts,
                             std::vector<uint8_t>* leader) const {
  if (leader) leader->assign(blocks.size(), 0);
  if (!ifd.has_lazy_tables()) {
    COGR_RETURN_IF_ERROR(Eager(ifd, ifd.block_offsets(), blocks, offsets));
    return Eager(ifd, ifd.block_byte_counts(), blocks, byte_counts);
  }
  if (!tables_) return Status::IoError("lazy block table without a table cache (internal error)");
  auto resolve = [&](std::span<const internal::BlockTableCache::Lookup> lookups) -> Status {
    Status st = tables_->Resolve(*source_, tiff_.header.byte_order, lookups, ThreadCount());
    if (!st.ok())
      return st.WithContext("block table of IFD at offset " + std::to_string(ifd.offset()));
    return Status::OK();
  };
  const tiff::GhostArea& ghost = tiff_.ghost;
  const bool use_leader = leader != nullptr && ifd.lazy_byte_counts() && ghost.present &&
                          ghost.block_leader_size_as_uint4 &&
                          ghost.block_trailer_last_4_bytes_repeated &&
                          !ghost.known_incompatible_edition;
  if (!use_leader) {
    std::vector<internal::BlockTableCache::Lookup> lookups;
    if (ifd.lazy_offsets()) {
      lookups.push_back({&*ifd.lazy_offsets(), blocks, &offsets});
    } else {
      COGR_RETURN_IF_ERROR(Eager(ifd, ifd.block_offsets(), blocks, offsets));
    }
    if (ifd.lazy_byte_counts()) {
      lookups.push_back({&*ifd.lazy_byte_counts(), blocks, &byte_counts});
    } else {
      COGR_RETURN_IF_ERROR(Eager(ifd, ifd.block_byte_counts(), blocks, byte_counts));
    }
    return blocks.empty() ? Status::OK() : resolve(lookups);
  }

  // GDAL's strategy when the byte counts are not in memory: the offsets of each block and of
  // the next block bound the span holding leader, block and trailer. Blocks without a later
  // next block (the last one, sparse neighbours, other orders) use their byte counts.
  const uint64_t count = ifd.lazy_byte_counts()->count;
  std::vector<uint64_t> wanted = blocks;
  for (uint64_t b : blocks) {
    if (b + 1 < count) wanted.push_back(b + 1);
  }
  std::vector<uint64_t> wanted_offsets;
  if (ifd.lazy_offsets()) {
    const internal::BlockTableCache::Lookup lookup{&*ifd.lazy_offsets(), wanted, &wanted_offsets};
    COGR_RETURN_IF_ERROR(resolve(std::span(&lookup, 1)));
  } else {
    COGR_RETURN_IF_ERROR(Eager(ifd, ifd.block_offsets(), wanted, wanted_offsets));
  }
  offsets.assign(wanted_offsets.begin(),
                 wanted_offsets.begin() + static_cast<ptrdiff_t>(blocks.size()));
  byte_counts.assign(blocks.size(), 0);
  std::vector<uint64_t> need_counts;
  std::vector<size_t> need_at;
  size_t next_at = blocks.size();
  for (size_t i = 0; i < blocks.size(); ++i) {
    const uint64_t off = offsets[i];
    const bool has_next = blocks[i] + 1 < count;
    const uint64_t next = has_next ? wanted_offsets[next_at++] : 0;
    if (off == 0) continue;  // sparse: no bytes
    // The span must lie in the file and be plausible; else (a hostile or odd next offset)
    // the byte count decides, as for any block.
    if (has_next && off >= 4 && next > off && next - off > 8 && next - 4 <= source_->size() &&
        next - off - 8 <= options_.limits.max_block_bytes) {
      offsets[i] = off - 4;
      byte_counts[i] = next - off;
      (*leader)[i] = 1;
    } else {
      need_counts.push_back(blocks[i]);
      need_at.push_back(i);
    }
  }
  if (need_counts.empty()) return Status::OK();
  std::vector<uint64_t> counts;
  const internal::BlockTableCache::Lookup lookup{&*ifd.lazy_byte_counts(), need_counts, &counts};
  COGR_RETURN_IF_ERROR(resolve(std::span(&lookup, 1)));
  for (size_t k = 0; k < need_at.size(); ++k) byte_counts[need_at[k]] = counts[k];
  return Status::OK();
}

}  // namespace cogr
