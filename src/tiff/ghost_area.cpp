// GDAL's structural metadata ("ghost area"), written by the COG driver right after the header:
//   GDAL_STRUCTURAL_METADATA_SIZE=000174 bytes\n
//   LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\n...
// The declared size counts the KEY=VALUE text only; GDAL pads lines with spaces.
#include "tiff/ghost_area.hpp"

#include <string_view>

#include "cogr/tiff.hpp"

namespace cogr::internal {

std::optional<ByteSpan> BlockFromLeader(ByteSpan span) {
  if (span.size() < 8) return std::nullopt;
  const uint64_t size = uint64_t{span[0]} | uint64_t{span[1]} << 8 | uint64_t{span[2]} << 16 |
                        uint64_t{span[3]} << 24;
  if (size == 0 || size > span.size() - 8) return std::nullopt;
  const ByteSpan block = span.subspan(4, static_cast<size_t>(size));
  uint8_t expect[4] = {0, 0, 0, 0};
  const size_t tail = block.size() < 4 ? block.size() : 4;
  for (size_t i = 0; i < tail; ++i) expect[4 - tail + i] = block[block.size() - tail + i];
  for (size_t i = 0; i < 4; ++i) {
    if (span[4 + size + i] != expect[i]) return std::nullopt;
  }
  return block;
}

std::optional<GhostExtent> FindGhostArea(ByteSpan after_header) {
  constexpr std::string_view kKey = "GDAL_STRUCTURAL_METADATA_SIZE=";
  const std::string_view text(reinterpret_cast<const char*>(after_header.data()),
                              after_header.size());
  if (text.substr(0, kKey.size()) != kKey) return std::nullopt;
  size_t pos = kKey.size();
  uint64_t size = 0;
  size_t digits = 0;
  // At most 9 digits: never overflows, and anything that long is untrusted anyway.
  while (pos < text.size() && digits < 9 && text[pos] >= '0' && text[pos] <= '9') {
    size = size * 10 + static_cast<uint64_t>(text[pos] - '0');
    ++pos;
    ++digits;
  }
  if (digits == 0 || size > kMaxGhostAreaBytes) return std::nullopt;
  // " bytes\n" follows; accept any short tail up to the newline.
  const size_t newline = text.find('\n', pos);
  if (newline == std::string_view::npos || newline - pos > 16) return std::nullopt;
  return GhostExtent{newline + 1, size};
}

}  // namespace cogr::internal

namespace cogr::tiff {

GhostArea ParseGhostArea(ByteSpan after_header) {
  GhostArea ghost;
  const auto extent = internal::FindGhostArea(after_header);
  if (!extent) return ghost;
  ghost.present = true;
  // Open fetches the whole area; a caller with fewer bytes gets what is there.
  const uint64_t available = after_header.size() - extent->text_offset;
  const uint64_t size = extent->text_size < available ? extent->text_size : available;
  ghost.text.assign(reinterpret_cast<const char*>(after_header.data()) + extent->text_offset, size);

  std::string_view rest = ghost.text;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\0'; };
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "LAYOUT") {
      ghost.layout_cog = value == "IFDS_BEFORE_DATA";
    } else if (key == "BLOCK_ORDER") {
      ghost.block_order_row_major = value == "ROW_MAJOR";
    } else if (key == "BLOCK_LEADER") {
      ghost.block_leader_size_as_uint4 = value == "SIZE_AS_UINT4";
    } else if (key == "BLOCK_TRAILER") {
      ghost.block_trailer_last_4_bytes_repeated = value == "LAST_4_BYTES_REPEATED";
    } else if (key == "KNOWN_INCOMPATIBLE_EDITION") {
      ghost.known_incompatible_edition = value == "YES";
    } else if (key == "MASK_INTERLEAVED_WITH_IMAGERY") {
      ghost.mask_interleaved_with_imagery = value == "YES";
    }
  }
  return ghost;
}

}  // namespace cogr::tiff
