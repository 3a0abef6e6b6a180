// Compression 5: TIFF LZW. Codes are 9..12 bits, MSB-first, and the code width grows one code
// early (TIFF 6.0 section 13). Old-style "compat" streams (LSB-first, width grows on time), as
// written by pre-1990s libtiff, are recognised by their first bytes as libtiff does.
#include <bit>
#include <cstring>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

constexpr uint32_t kClear = 256;
constexpr uint32_t kEoi = 257;
constexpr uint32_t kFirstFree = 258;
constexpr uint32_t kMaxWidth = 12;
constexpr uint32_t kTableSize = 1u << kMaxWidth;

// Every string in the table has already appeared in the output: a new entry is the previous
// code's string plus the next byte, which is exactly what sits in the output where the previous
// code was written. So an entry is just (offset, length) into the output, and emitting a code
// is a copy from earlier output (as in LZ77) instead of a walk along a prefix chain.
struct Entry {
  uint32_t offset;
  uint32_t length;
};

// Reads 8 bytes as one big- or little-endian number.
template <bool kLittle>
uint64_t LoadBytes(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::little) {
    return kLittle ? v : __builtin_bswap64(v);
  } else {
    return kLittle ? __builtin_bswap64(v) : v;
  }
}

// kCompat: old-style LSB-first codes whose width grows on time rather than one code early.
template <bool kCompat>
Status Lzw(ByteSpan in, MutableByteSpan out) {
  const uint8_t* src = in.data();
  const size_t in_size = in.size();
  uint8_t* dst = out.data();
  const size_t out_size = out.size();
  constexpr uint32_t kEarly = kCompat ? 0 : 1;

  Entry table[kTableSize];
  uint32_t next = kFirstFree;
  uint32_t width = 9;
  uint32_t widen_at = (1u << width) - kEarly;  // `next` at which codes get one bit wider
  bool have_prev = false;                      // false right after a Clear
  size_t prev_pos = 0;                         // where the previous code's string was written
  size_t prev_len = 0;
  size_t ip = 0;
  size_t op = 0;
  // Bit buffer: MSB-first streams keep the next bits at the top, LSB-first at the bottom. Bits
  // past `nbits` may hold bytes not yet counted as read; later refills OR the same bits in at
  // the same place, so they are harmless.
  uint64_t bits = 0;
  uint32_t nbits = 0;

  for (;;) {
    if (nbits < width) {
      if (in_size - ip >= 8) {
        const uint64_t v = LoadBytes<kCompat>(src + ip);
        const uint32_t take = (63 - nbits) >> 3;
        if constexpr (kCompat) {
          bits |= v << nbits;
        } else {
          bits |= v >> nbits;
        }
        ip += take;
        nbits += take * 8;
      } else {
        while (nbits <= 56 && ip < in_size) {
          if constexpr (kCompat) {
            bits |= uint64_t{src[ip++]} << nbits;
          } else {
            bits |= uint64_t{src[ip++]} << (56 - nbits);
          }
          nbits += 8;
        }
        // A stream without EOI simply ends (libtiff tolerates that too).
        if (nbits < width) break;
      }
    }
    uint32_t code;
    if constexpr (kCompat) {
      code = static_cast<uint32_t>(bits & ((1u << width) - 1));
      bits >>= width;
    } else {
      code = static_cast<uint32_t>(bits >> (64 - width));
      bits <<= width;
    }
    nbits -= width;

    if (code == kClear) {
      next = kFirstFree;
      width = 9;
      widen_at = (1u << width) - kEarly;
      have_prev = false;
      continue;
    }
    if (code == kEoi) break;
    if (!have_prev) {
      if (code > 255)
        return Status::InvalidFile("lzw: code " + Num(code) + " right after a clear code");
      if (op == out_size)
        return Status::InvalidFile("lzw: block decodes to more than " + Num(out_size) + " bytes");
      dst[op] = static_cast<uint8_t>(code);
      prev_pos = op++;
      prev_len = 1;
      have_prev = true;
      continue;
    }
    // code == next is the string being defined right now (previous string + its first byte);
    // the entry added first makes it known before it is copied.
    if (next < kTableSize) {
      if (code > next) {
        return Status::InvalidFile("lzw: code " + Num(code) + " beyond table of " + Num(next) +
                                   " entries");
      }
      table[next] = {static_cast<uint32_t>(prev_pos), static_cast<uint32_t>(prev_len + 1)};
      if (++next >= widen_at && width < kMaxWidth) {
        ++width;
        widen_at = (1u << width) - kEarly;
      }
    }
    if (code < 256) {
      if (op == out_size)
        return Status::InvalidFile("lzw: block decodes to more than " + Num(out_size) + " bytes");
      dst[op] = static_cast<uint8_t>(code);
      prev_pos = op++;
      prev_len = 1;
      continue;
    }
    const Entry e = table[code];
    const size_t len = e.length;
    if (len > out_size - op) {
      return Status::InvalidFile("lzw: block decodes to more than " + Num(out_size) + " bytes");
    }
    const uint8_t* from = dst + e.offset;
    uint8_t* to = dst + op;
    if (e.offset + len <= op) {
      if (len <= 8 && out_size - op >= 8) {
        // Most strings are short: one 8-byte load then store (the source is read before
        // anything is written; the extra bytes stay inside `out` and are overwritten later).
        uint64_t w;
        std::memcpy(&w, from, 8);
        std::memcpy(to, &w, 8);
      } else {
        std::memcpy(to, from, len);
      }
    } else {
      // Only the code being defined overlaps its source (its last byte is its first).
      for (size_t i = 0; i < len; ++i) to[i] = from[i];
    }
    prev_pos = op;
    prev_len = len;
    op += len;
  }
  if (op != out_size) {
    return Status::InvalidFile("lzw: block decoded to " + Num(op) + " bytes, expected " +
                               Num(out_size));
  }
  return Status::OK();
}

}  // namespace

Status LzwDecompress(ByteSpan in, MutableByteSpan out) {
  if (out.size() > UINT32_MAX)
    return Status::LimitExceeded("lzw: block of " + Num(out.size()) + " bytes");
  // New-style streams start with a Clear code MSB-first (0x80 ...); old ones LSB-first.
  const bool compat = in.size() >= 2 && in[0] == 0 && (in[1] & 1) != 0;
  return compat ? Lzw<true>(in, out) : Lzw<false>(in, out);
}

}  // namespace cogr::internal
