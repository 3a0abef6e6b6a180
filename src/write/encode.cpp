#include "write/encode.hpp"

#include <libdeflate.h>

#include <bit>
#include <cstring>
#include <memory>
#include <string>

#ifdef COGR_HAVE_ZSTD
#include <zstd.h>
#endif

namespace cogr::internal {
namespace {

template <class T>
void DiffRows(uint8_t* data, uint64_t width, uint64_t rows, uint32_t samples) {
  const uint64_t row_values = width * samples;
  const size_t stride_bytes = size_t{samples} * sizeof(T);
  for (uint64_t r = 0; r < rows; ++r) {
    uint8_t* row = data + r * row_values * sizeof(T);
    // Back to front, so every difference uses the original previous value.
    for (uint64_t i = row_values; i-- > samples;) {
      uint8_t* p = row + i * sizeof(T);
      T prev, cur;
      std::memcpy(&prev, p - stride_bytes, sizeof(T));
      std::memcpy(&cur, p, sizeof(T));
      cur = static_cast<T>(cur - prev);  // unsigned: wraps, as the decoder's addition expects
      std::memcpy(p, &cur, sizeof(T));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// LZW

constexpr uint32_t kLzwClear = 256;
constexpr uint32_t kLzwEoi = 257;
constexpr uint32_t kLzwFirstFree = 258;
constexpr uint32_t kLzwMinBits = 9;
// libtiff's CODE_MAX - 1: the table is reset when the next free code would be 4094, so that no
// code ever needs more than 12 bits even with the decoder's early width change.
constexpr uint32_t kLzwResetAt = 4094;
constexpr uint32_t kHashSize = 8192;  // > 2 x the 3836 strings a table holds: short probes

class LzwEncoder {
 public:
  explicit LzwEncoder(std::vector<uint8_t>& out) : out_(out) { ClearTable(); }

  void Encode(ByteSpan in) {
    out_.clear();
    if (in.empty()) {
      Put(kLzwEoi);  // libtiff writes a lone EOI for an empty block
      Flush();
      return;
    }
    Put(kLzwClear);
    uint32_t ent = in[0];
    for (size_t i = 1; i < in.size(); ++i) {
      const uint32_t c = in[i];
      const uint32_t key = (ent << 8) | c;
      uint32_t slot = Hash(key);
      bool found = false;
      while (keys_[slot] != 0) {
        if (keys_[slot] == key + 1) {
          ent = codes_[slot];
          found = true;
          break;
        }
        slot = (slot + 1) & (kHashSize - 1);
      }
      if (found) continue;
      Put(ent);
      ent = c;
      keys_[slot] = key + 1;
      codes_[slot] = static_cast<uint16_t>(free_);
      ++free_;
      AfterAdd();
    }
    // libtiff's LZWPostEncode: the decoder adds one more string after the last code, and may
    // widen before it reads EOI; mirror that so EOI has the width the decoder expects.
    Put(ent);
    ++free_;
    if (free_ == kLzwResetAt) {
      Put(kLzwClear);
      bits_ = kLzwMinBits;
    } else if (free_ > MaxCode()) {
      ++bits_;
    }
    Put(kLzwEoi);
    Flush();
  }

 private:
  static uint32_t Hash(uint32_t key) { return (key * 2654435761u) >> (32 - 13); }
  uint32_t MaxCode() const { return (1u << bits_) - 1; }

  void AfterAdd() {
    if (free_ == kLzwResetAt) {
      Put(kLzwClear);  // in the current (12-bit) width, then start over at 9 bits
      ClearTable();
    } else if (free_ > MaxCode()) {
      ++bits_;
    }
  }

  void ClearTable() {
    std::memset(keys_, 0, sizeof(keys_));
    free_ = kLzwFirstFree;
    bits_ = kLzwMinBits;
  }

  void Put(uint32_t code) {
    acc_ = (acc_ << bits_) | code;
    acc_bits_ += bits_;
    while (acc_bits_ >= 8) {
      acc_bits_ -= 8;
      out_.push_back(static_cast<uint8_t>(acc_ >> acc_bits_));
    }
  }

  void Flush() {
    if (acc_bits_ > 0) out_.push_back(static_cast<uint8_t>(acc_ << (8 - acc_bits_)));
    acc_bits_ = 0;
  }

  std::vector<uint8_t>& out_;
  uint32_t keys_[kHashSize];  // key + 1, 0 = empty
  uint16_t codes_[kHashSize];
  uint32_t free_ = kLzwFirstFree;
  uint32_t bits_ = kLzwMinBits;
  uint64_t acc_ = 0;
  uint32_t acc_bits_ = 0;
};

// ---------------------------------------------------------------------------------------------
// deflate / zstd: one compressor per thread and level, reused across blocks.

struct DeflateDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

libdeflate_compressor* ThreadCompressor(int level) {
  thread_local std::unique_ptr<libdeflate_compressor, DeflateDeleter> compressor;
  thread_local int compressor_level = -1;
  if (!compressor || compressor_level != level) {
    compressor.reset(libdeflate_alloc_compressor(level));
    compressor_level = compressor ? level : -1;
  }
  return compressor.get();
}

#ifdef COGR_HAVE_ZSTD
struct ZstdDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdDeleter> cctx(ZSTD_createCCtx());
  return cctx.get();
}
#endif

}  // namespace

void ApplyHorizontalPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                              uint32_t word_bytes) {
  switch (word_bytes) {
    case 1: DiffRows<uint8_t>(data.data(), width, rows, samples); break;
    case 2: DiffRows<uint16_t>(data.data(), width, rows, samples); break;
    case 4: DiffRows<uint32_t>(data.data(), width, rows, samples); break;
    case 8: DiffRows<uint64_t>(data.data(), width, rows, samples); break;
    default: break;  // ValidateProfile allows predictor 2 only for these sizes
  }
}

void ApplyFloatPredictor(MutableByteSpan data, uint64_t width, uint64_t rows, uint32_t samples,
                         uint32_t word_bytes, std::vector<uint8_t>& row_scratch) {
  const uint64_t values = width * samples;
  const uint64_t row_bytes = values * word_bytes;
  row_scratch.resize(static_cast<size_t>(row_bytes));
  constexpr bool kLittleHost = std::endian::native == std::endian::little;
  for (uint64_t r = 0; r < rows; ++r) {
    uint8_t* row = data.data() + r * row_bytes;
    std::memcpy(row_scratch.data(), row, static_cast<size_t>(row_bytes));
    // Plane b holds byte b of each word counted from the most significant end.
    for (uint32_t b = 0; b < word_bytes; ++b) {
      const uint32_t src_byte = kLittleHost ? word_bytes - 1 - b : b;
      uint8_t* plane = row + uint64_t{b} * values;
      const uint8_t* src = row_scratch.data() + src_byte;
      for (uint64_t k = 0; k < values; ++k) plane[k] = src[k * word_bytes];
    }
    for (uint64_t i = row_bytes; i-- > samples;) {
      row[i] = static_cast<uint8_t>(row[i] - row[i - samples]);
    }
  }
}

void LzwCompress(ByteSpan in, std::vector<uint8_t>& out) {
  // ~50 KiB of table: on the heap, not on a worker thread's stack.
  auto encoder = std::make_unique<LzwEncoder>(out);
  out.reserve(in.size() / 2 + 64);
  encoder->Encode(in);
}

Status DeflateCompress(ByteSpan in, int level, std::vector<uint8_t>& out) {
  libdeflate_compressor* c = ThreadCompressor(level);
  if (c == nullptr) {
    return Status::LimitExceeded("deflate: cannot create a compressor at level " +
                                 std::to_string(level));
  }
  out.resize(libdeflate_zlib_compress_bound(c, in.size()));
  const size_t n = libdeflate_zlib_compress(c, in.data(), in.size(), out.data(), out.size());
  if (n == 0) return Status::LimitExceeded("deflate: output exceeds its bound");
  out.resize(n);
  return Status::OK();
}

Status ZstdCompress(ByteSpan in, int level, std::vector<uint8_t>& out) {
#ifdef COGR_HAVE_ZSTD
  ZSTD_CCtx* cctx = ThreadCCtx();
  if (cctx == nullptr) return Status::LimitExceeded("zstd: cannot create a compression context");
  out.resize(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compressCCtx(cctx, out.data(), out.size(), in.data(), in.size(), level);
  if (ZSTD_isError(n)) return Status::InvalidArgument(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return Status::OK();
#else
  (void)in;
  (void)level;
  (void)out;
  return Status::Unsupported("zstd compression is not built into this cogr");
#endif
}

bool CanCompress(write::Compression c) {
#ifndef COGR_HAVE_ZSTD
  if (c == write::Compression::kZstd) return false;
#endif
  (void)c;
  return true;
}

uint64_t CompressBound(write::Compression c, uint64_t n) {
  switch (c) {
    case write::Compression::kNone: return n;
    // libdeflate's bound: 5 bytes per (>= 5000-byte) block beyond the data, + zlib's 6 + padding.
    case write::Compression::kDeflate: return n + 5 * (n / 5000 + 1) + 32;
    // ZSTD_COMPRESSBOUND: n + n/256 + a margin for small inputs.
    case write::Compression::kZstd: return n + (n >> 8) + 64 * 1024;
    // At most one code (<= 12 bits) per input byte, + Clear codes every 3836 codes, + Clear/EOI.
    case write::Compression::kLzw: return (n + n / 3836 + 4) * 3 / 2 + 2;
  }
  return n;
}

Status Compress(write::Compression c, int level, ByteSpan in, std::vector<uint8_t>& out) {
  switch (c) {
    case write::Compression::kNone: out.assign(in.begin(), in.end()); return Status::OK();
    case write::Compression::kDeflate: return DeflateCompress(in, level, out);
    case write::Compression::kZstd: return ZstdCompress(in, level, out);
    case write::Compression::kLzw: LzwCompress(in, out); return Status::OK();
  }
  return Status::InvalidArgument("unknown compression");
}

}  // namespace cogr::internal
