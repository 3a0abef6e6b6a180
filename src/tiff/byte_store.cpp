// ByteStore: the fetched chunks of a file.
//
// Invariant kept by Add: no chunk contains another, so sorted by start the chunks also have
// strictly increasing ends. The only chunk that can hold a range starting at `offset` is then
// the last one starting at or before `offset`, which makes Find one map lookup.
#include <iterator>

#include "cogr/tiff.hpp"
#include "tiff/ifd_parse.hpp"
#include "util/checked.hpp"

namespace cogr::tiff {

void ByteStore::Add(uint64_t offset, std::vector<uint8_t> bytes) {
  if (bytes.empty()) return;
  const auto end_opt = internal::CheckedAdd(offset, bytes.size());
  if (!end_opt) return;  // cannot describe such a chunk; nothing will ever Find it
  const uint64_t end = *end_opt;

  // Already covered by the chunk that could hold it?
  auto it = chunks_.upper_bound(offset);
  if (it != chunks_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second.size() >= end) return;
  }
  // Drop the chunks the new one covers: they start at or after `offset` and, ends being
  // sorted, form a run that stops at the first chunk ending past `end`.
  for (auto jt = chunks_.lower_bound(offset); jt != chunks_.end();) {
    if (jt->first + jt->second.size() > end) break;
    total_ -= jt->second.size();
    jt = chunks_.erase(jt);
  }
  total_ += bytes.size();
  chunks_.emplace(offset, std::move(bytes));
}

const uint8_t* ByteStore::Find(ByteRange range) const {
  const auto end = internal::CheckedAdd(range.offset, range.length);
  if (!end) return nullptr;
  auto it = chunks_.upper_bound(range.offset);
  if (it == chunks_.begin()) return nullptr;
  --it;
  const uint64_t chunk_end = it->first + it->second.size();
  if (*end > chunk_end) return nullptr;
  return it->second.data() + (range.offset - it->first);
}

}  // namespace cogr::tiff
