// TIFF / BigTIFF header and tag type sizes.
#include <cstdio>
#include <string>

#include "cogr/tiff.hpp"
#include "tiff/byte_order.hpp"

namespace cogr::tiff {
namespace {

std::string HexBytes(ByteSpan bytes, size_t n) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < n && i < bytes.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return out;
}

}  // namespace

Result<Header> ParseHeader(ByteSpan bytes) {
  Header header;
  // Judge the magic on what we have, so a 3-byte "MM\0" is "truncated" but "GIF" is not TIFF.
  const bool le_prefix =
      bytes.size() >= 1 && bytes[0] == 'I' && (bytes.size() < 2 || bytes[1] == 'I');
  const bool be_prefix =
      bytes.size() >= 1 && bytes[0] == 'M' && (bytes.size() < 2 || bytes[1] == 'M');
  if (!le_prefix && !be_prefix) {
    if (bytes.empty()) return Status::InvalidFile("truncated header (0 bytes)");
    return Status::InvalidFile("not a TIFF file (bad magic " + HexBytes(bytes, 4) + ")");
  }
  header.byte_order = le_prefix ? ByteOrder::kLittle : ByteOrder::kBig;
  if (bytes.size() < 4) {
    return Status::InvalidFile("truncated header (" + std::to_string(bytes.size()) + " bytes)");
  }
  const uint16_t version = internal::Load16(bytes.data() + 2, header.byte_order);
  if (version == 42) {
    if (bytes.size() < 8) {
      return Status::InvalidFile("truncated header (" + std::to_string(bytes.size()) +
                                 " bytes, classic TIFF needs 8)");
    }
    header.bigtiff = false;
    header.first_ifd_offset = internal::Load32(bytes.data() + 4, header.byte_order);
    return header;
  }
  if (version == 43) {
    if (bytes.size() < 16) {
      return Status::InvalidFile("truncated header (" + std::to_string(bytes.size()) +
                                 " bytes, BigTIFF needs 16)");
    }
    const uint16_t bytesize = internal::Load16(bytes.data() + 4, header.byte_order);
    const uint16_t reserved = internal::Load16(bytes.data() + 6, header.byte_order);
    if (bytesize != 8) {
      return Status::InvalidFile("BigTIFF header: offset byte size " + std::to_string(bytesize) +
                                 " (expected 8)");
    }
    if (reserved != 0) {
      return Status::InvalidFile("BigTIFF header: reserved field " + std::to_string(reserved) +
                                 " (expected 0)");
    }
    header.bigtiff = true;
    header.first_ifd_offset = internal::Load64(bytes.data() + 8, header.byte_order);
    return header;
  }
  return Status::InvalidFile("not a TIFF file (bad magic " + HexBytes(bytes, 4) + ", version " +
                             std::to_string(version) + ")");
}

uint32_t TagTypeSize(TagType type) {
  switch (type) {
    case TagType::kByte:
    case TagType::kAscii:
    case TagType::kSByte:
    case TagType::kUndefined: return 1;
    case TagType::kShort:
    case TagType::kSShort: return 2;
    case TagType::kLong:
    case TagType::kSLong:
    case TagType::kFloat:
    case TagType::kIfd: return 4;
    case TagType::kRational:
    case TagType::kSRational:
    case TagType::kDouble:
    case TagType::kLong8:
    case TagType::kSLong8:
    case TagType::kIfd8: return 8;
  }
  return 0;
}

}  // namespace cogr::tiff
