// Compression 5: TIFF LZW. Codes are 9..12 bits, MSB-first, and the code width grows one code
// early (TIFF 6.0 section 13). Old-style "compat" streams (LSB-first, width grows on time), as
// written by pre-1990s libtiff, are recognised by their first bytes as libtiff does.
#include <cstring>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

constexpr uint32_t kClear = 256;
constexpr uint32_t kEoi = 257;
constexpr uint32_t kFirstFree = 258;
constexpr uint32_t kMaxWidth = 12;
constexpr uint32_t kTableSize = 1u << kMaxWidth;

struct Entry {
  uint16_t prefix;  // code of the string without its last byte
  uint16_t length;  // bytes in the string (<= 4096)
  uint8_t suffix;   // last byte
  uint8_t first;    // first byte
};

}  // namespace

Status LzwDecompress(ByteSpan in, MutableByteSpan out) {
  const uint8_t* src = in.data();
  const size_t in_size = in.size();
  uint8_t* dst = out.data();
  const size_t out_size = out.size();
  // New-style streams start with a Clear code MSB-first (0x80 ...); old ones LSB-first.
  const bool compat = in_size >= 2 && src[0] == 0 && (src[1] & 1) != 0;
  const uint32_t early = compat ? 0 : 1;

  Entry table[kTableSize];
  for (uint32_t i = 0; i < 256; ++i) table[i] = {0, 1, static_cast<uint8_t>(i), static_cast<uint8_t>(i)};

  uint32_t next = kFirstFree;
  uint32_t width = 9;
  int32_t prev = -1;  // previous code, -1 right after a Clear
  size_t ip = 0;
  size_t op = 0;
  uint32_t acc = 0;    // bit accumulator
  uint32_t nacc = 0;   // valid bits in acc

  for (;;) {
    // Read one code; a stream without EOI simply ends (libtiff tolerates that too).
    while (nacc < width && ip < in_size) {
      if (compat) {
        acc |= uint32_t{src[ip++]} << nacc;
      } else {
        acc = (acc << 8) | src[ip++];
      }
      nacc += 8;
    }
    if (nacc < width) break;
    uint32_t code;
    if (compat) {
      code = acc & ((1u << width) - 1);
      acc >>= width;
    } else {
      code = (acc >> (nacc - width)) & ((1u << width) - 1);
    }
    nacc -= width;

    if (code == kEoi) break;
    if (code == kClear) {
      next = kFirstFree;
      width = 9;
      prev = -1;
      continue;
    }
    if (op == out_size) {
      return Status::InvalidFile("lzw: block decodes to more than " + Num(out_size) + " bytes");
    }
    if (prev < 0) {
      if (code > 255) return Status::InvalidFile("lzw: code " + Num(code) + " right after a clear code");
      dst[op++] = static_cast<uint8_t>(code);
      prev = static_cast<int32_t>(code);
      continue;
    }
    const Entry& p = table[prev];
    if (code < next) {
      if (next < kTableSize) {
        table[next] = {static_cast<uint16_t>(prev), static_cast<uint16_t>(p.length + 1), table[code].first, p.first};
        ++next;
      }
    } else if (code == next && next < kTableSize) {
      // The code being defined right now: previous string + its own first byte.
      table[next] = {static_cast<uint16_t>(prev), static_cast<uint16_t>(p.length + 1), p.first, p.first};
      ++next;
    } else {
      return Status::InvalidFile("lzw: code " + Num(code) + " beyond table of " + Num(next) + " entries");
    }
    const Entry& e = table[code];
    if (e.length > out_size - op) {
      return Status::InvalidFile("lzw: block decodes to more than " + Num(out_size) + " bytes");
    }
    // Write the string back to front along its prefix chain (prefixes are always smaller codes).
    size_t pos = op + e.length;
    uint32_t c = code;
    while (c >= kFirstFree) {
      dst[--pos] = table[c].suffix;
      c = table[c].prefix;
    }
    dst[--pos] = static_cast<uint8_t>(c);
    op += e.length;
    prev = static_cast<int32_t>(code);
    if (next + early >= (1u << width) && width < kMaxWidth) ++width;
  }
  if (op != out_size) {
    return Status::InvalidFile("lzw: block decoded to " + Num(op) + " bytes, expected " + Num(out_size));
  }
  return Status::OK();
}

}  // namespace cogr::internal
