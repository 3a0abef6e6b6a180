// LERC2 decoding (codec/lerc2.hpp). A blob is: the key "Lerc2 ", a version, a Fletcher-32
// checksum (version 3 on), the sizes, data type and value range; the valid-pixel mask
// (run-length coded bits, or "same as the band before"); the per-depth value ranges (version 4
// on); then the values: none (no valid pixel, or one constant), raw, Huffman-coded, lossless
// float planes, or blocks of micro-block size, each constant, raw, or quantized and bit-stuffed
// (directly or through a lookup table) relative to an offset, and from version 5 optionally as
// differences to the previous value of the same pixel.
#include "codec/lerc2.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "codec/codec_internal.hpp"

namespace cogr::internal {

namespace {

constexpr char kKey[] = "Lerc2 ";
constexpr size_t kKeyBytes = 6;
constexpr int kNewestVersion = 6;
constexpr int kMaxMicroBlock = 32;  // liblerc's own limit on the micro-block size

enum DataType : uint32_t { kChar = 0, kByte, kShort, kUShort, kInt, kUInt, kFloat, kDouble };

uint32_t TypeBytes(uint32_t dt) {
  static constexpr uint32_t kBytes[] = {1, 1, 2, 2, 4, 4, 4, 8};
  return kBytes[dt];
}

Status Bad(const std::string& what) { return Status::InvalidFile("lerc: " + what); }
Status Truncated(const char* what) { return Bad(std::string(what) + " runs past the blob"); }

// A bounds-checked cursor over the blob.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  const uint8_t* pos() const { return p_; }
  bool Skip(size_t n) {
    if (left() < n) return false;
    p_ += n;
    return true;
  }
  template <class T>
  bool Get(T* v) {
    if (left() < sizeof(T)) return false;
    std::memcpy(v, p_, sizeof(T));
    p_ += sizeof(T);
    return true;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

struct Header {
  int version = 0;
  uint32_t checksum = 0;
  int32_t rows = 0, cols = 0, depth = 1, valid = 0, micro_block = 0, blob_bytes = 0;
  uint32_t dt = 0;
  int32_t blobs_more = 0;
  bool pass_nodata = false;
  double max_z_error = 0, z_min = 0, z_max = 0;
  size_t header_bytes = 0;
  uint64_t pixels() const { return uint64_t(rows) * uint64_t(cols); }
};

Status ParseHeader(ByteSpan at, Header* h) {
  if (at.size() < kKeyBytes || std::memcmp(at.data(), kKey, kKeyBytes) != 0)
    return Bad("not a LERC2 blob (" + Num(at.size()) + " bytes)");
  Reader r(at.data() + kKeyBytes, at.size() - kKeyBytes);
  int32_t version = 0;
  if (!r.Get(&version)) return Truncated("header");
  if (version > kNewestVersion) {
    return Status::Unsupported("lerc: blob version " + std::to_string(version) +
                               " (versions 1 to 6 are read)");
  }
  if (version < 1) return Bad("blob version " + std::to_string(version));
  h->version = version;
  if (version >= 3 && !r.Get(&h->checksum)) return Truncated("header");
  int32_t ints[8] = {};
  const int num_ints = 6 + (version >= 4 ? 1 : 0) + (version >= 6 ? 1 : 0);
  for (int i = 0; i < num_ints; ++i)
    if (!r.Get(&ints[i])) return Truncated("header");
  uint8_t flags[4] = {};
  if (version >= 6)
    for (uint8_t& f : flags)
      if (!r.Get(&f)) return Truncated("header");
  double dbls[5] = {};
  const int num_dbls = version >= 6 ? 5 : 3;
  for (int i = 0; i < num_dbls; ++i)
    if (!r.Get(&dbls[i])) return Truncated("header");
  int i = 0;
  h->rows = ints[i++];
  h->cols = ints[i++];
  h->depth = version >= 4 ? ints[i++] : 1;
  h->valid = ints[i++];
  h->micro_block = ints[i++];
  h->blob_bytes = ints[i++];
  const int32_t dt = ints[i++];
  h->blobs_more = version >= 6 ? ints[i++] : 0;
  h->pass_nodata = flags[0] != 0;
  h->max_z_error = dbls[0];
  h->z_min = dbls[1];
  h->z_max = dbls[2];
  h->header_bytes = at.size() - r.left();
  if (h->rows <= 0 || h->cols <= 0 || h->depth <= 0) {
    return Bad("blob of " + std::to_string(h->cols) + " x " + std::to_string(h->rows) + " x " +
               std::to_string(h->depth) + " values");
  }
  if (h->valid < 0 || uint64_t(h->valid) > h->pixels())
    return Bad(std::to_string(h->valid) + " valid pixels of " + Num(h->pixels()));
  if (dt < 0 || dt > int32_t{kDouble}) return Bad("data type " + std::to_string(dt));
  h->dt = static_cast<uint32_t>(dt);
  if (h->micro_block <= 0) return Bad("micro blocks of " + std::to_string(h->micro_block));
  if (h->blobs_more < 0) return Bad(std::to_string(h->blobs_more) + " more blobs");
  if (h->blob_bytes < 0 || size_t(h->blob_bytes) < h->header_bytes + 4 ||
      size_t(h->blob_bytes) > at.size()) {
    return Bad("blob of " + std::to_string(h->blob_bytes) + " bytes in " + Num(at.size()));
  }
  return Status::OK();
}

// Fletcher-32 over byte pairs (high byte first), as LERC2 computes it from after its checksum
// field to the end of the blob.
uint32_t Fletcher32(const uint8_t* p, size_t len) {
  uint32_t sum1 = 0xffff, sum2 = 0xffff;
  size_t words = len / 2;
  while (words > 0) {
    const size_t n = std::min<size_t>(words, 359);  // no 32-bit overflow before reducing
    words -= n;
    for (size_t k = 0; k < n; ++k, p += 2) {
      sum1 += uint32_t{p[0]} << 8;
      sum1 += p[1];
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  }
  if (len & 1) {
    sum1 += uint32_t{*p} << 8;
    sum2 += sum1;
  }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return sum2 << 16 | sum1;
}

// Where a band's values start and how they are coded.
enum class Coding { kNone, kConstant, kDepthConstants, kRaw, kBlocks, kHuffman, kFloatPlanes };

struct Layout {
  int32_t mask_bytes = 0;
  size_t mask_at = 0;    // offset of the run-length-coded mask
  size_t ranges_at = 0;  // offset of the per-depth minima and maxima (version 4 on)
  size_t values_at = 0;  // offset of the raw values or the first block
  Coding coding = Coding::kNone;
};

bool DepthRangesEqual(const uint8_t* p, uint32_t depth, uint32_t type_bytes) {
  return std::memcmp(p, p + size_t{depth} * type_bytes, size_t{depth} * type_bytes) == 0;
}

Status LayoutOf(ByteSpan band, const Header& h, Layout* out) {
  Reader r(band.data() + h.header_bytes, size_t(h.blob_bytes) - h.header_bytes);
  if (!r.Get(&out->mask_bytes)) return Truncated("mask size");
  const bool all_or_none = h.valid == 0 || uint64_t(h.valid) == h.pixels();
  if (out->mask_bytes < 0 || (all_or_none && out->mask_bytes != 0))
    return Bad("mask of " + std::to_string(out->mask_bytes) + " bytes");
  out->mask_at = h.header_bytes + 4;
  if (!r.Skip(size_t(out->mask_bytes))) return Truncated("mask");
  if (h.valid == 0) {
    out->coding = Coding::kNone;
    return Status::OK();
  }
  if (h.z_min == h.z_max) {
    out->coding = Coding::kConstant;
    return Status::OK();
  }
  const uint32_t type_bytes = TypeBytes(h.dt);
  if (h.version >= 4) {
    out->ranges_at = band.size() - r.left();
    const size_t ranges = 2 * size_t(h.depth) * type_bytes;
    if (r.left() < ranges) return Truncated("value ranges");
    if (DepthRangesEqual(r.pos(), uint32_t(h.depth), type_bytes)) {
      out->coding = Coding::kDepthConstants;
      return Status::OK();
    }
    r.Skip(ranges);
  }
  uint8_t one_sweep = 0;
  if (!r.Get(&one_sweep)) return Truncated("value coding");
  if (one_sweep != 0) {
    out->coding = Coding::kRaw;
    out->values_at = band.size() - r.left();
    return Status::OK();
  }
  const bool huffman_int =
      h.version >= 2 && (h.dt == kChar || h.dt == kByte) && h.max_z_error == 0.5;
  const bool huffman_float =
      h.version >= 6 && (h.dt == kFloat || h.dt == kDouble) && h.max_z_error == 0;
  out->coding = Coding::kBlocks;
  if (huffman_int || huffman_float) {
    uint8_t mode = 0;
    if (!r.Get(&mode)) return Truncated("value coding");
    if (mode > 3 || (mode > 2 && h.version < 6) || (mode > 1 && h.version < 4) ||
        (mode == 3 && !huffman_float) || (mode != 0 && mode != 3 && !huffman_int)) {
      return Bad("value coding " + std::to_string(mode) + " in a version " +
                 std::to_string(h.version) + " blob");
    }
    if (mode != 0) out->coding = mode == 3 ? Coding::kFloatPlanes : Coding::kHuffman;
  }
  out->values_at = band.size() - r.left();
  return Status::OK();
}

// ---- bit-stuffed integers ----------------------------------------------------------------------

// Reads `n` integers of `bits` bits (1-31). Version 3 on: least significant bit first over
// little-endian words; before: most significant bit first, the last word stored without its
// unused low bytes.
Status Unstuff(Reader& r, uint32_t n, int bits, int version, std::vector<uint32_t>* words,
               std::vector<uint32_t>* out) {
  const uint64_t total_bits = uint64_t{n} * uint32_t(bits);
  const size_t bytes = size_t((total_bits + 7) / 8);
  if (r.left() < bytes) return Truncated("bit-stuffed block");
  const size_t num_words = size_t((total_bits + 31) / 32);
  words->assign(num_words + 1, 0);  // one spare word: a value may straddle into it
  if (version >= 3) {
    std::memcpy(words->data(), r.pos(), bytes);
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t pos = uint64_t{i} * uint32_t(bits);
      const size_t k = size_t(pos >> 5);
      const uint64_t x = (*words)[k] | (uint64_t{(*words)[k + 1]} << 32);
      (*out)[i] = uint32_t((x >> (pos & 31)) & ((uint64_t{1} << bits) - 1));
    }
  } else {
    const size_t tail = bytes - 4 * (num_words - 1);  // 1-4 bytes of the last word
    std::memcpy(words->data(), r.pos(), bytes - tail);
    uint32_t last = 0;
    std::memcpy(&last, r.pos() + (bytes - tail), tail);
    (*words)[num_words - 1] = tail == 4 ? last : last << (8 * (4 - tail));
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t pos = uint64_t{i} * uint32_t(bits);
      const size_t k = size_t(pos >> 5);
      const uint64_t x = (uint64_t{(*words)[k]} << 32) | (*words)[k + 1];
      (*out)[i] = uint32_t((x << (pos & 31)) >> (64 - bits));
    }
  }
  r.Skip(bytes);
  return Status::OK();
}

struct BitStuffScratch {
  std::vector<uint32_t> words, table;
};

// One bit-stuffed array of at most `max_count` integers, plain or through a lookup table.
Status DecodeBitStuffed(Reader& r, size_t max_count, int version, BitStuffScratch* s,
                        std::vector<uint32_t>* out, uint32_t* bound = nullptr) {
  uint8_t head = 0;
  if (!r.Get(&head)) return Truncated("bit-stuffed block");
  const int count_bytes = (head >> 6) == 0 ? 4 : 3 - (head >> 6);
  const bool lut = (head & 32) != 0;
  const int bits = head & 31;
  uint32_t n = 0;
  if (count_bytes == 1) {
    uint8_t v = 0;
    if (!r.Get(&v)) return Truncated("bit-stuffed block");
    n = v;
  } else if (count_bytes == 2) {
    uint16_t v = 0;
    if (!r.Get(&v)) return Truncated("bit-stuffed block");
    n = v;
  } else if (count_bytes == 4) {
    if (!r.Get(&n)) return Truncated("bit-stuffed block");
  } else {
    return Bad("bit-stuffed block with a count of 0 bytes");
  }
  if (n == 0 || n > max_count)
    return Bad("bit-stuffed block of " + Num(n) + " values in a block of " + Num(max_count));
  out->resize(n);
  if (bound != nullptr) *bound = uint32_t((uint64_t{1} << bits) - 1);  // for lut: below
  if (!lut) {
    if (bits == 0) {  // every value 0 (writers code such a block as a constant instead)
      std::fill(out->begin(), out->end(), 0u);
      return Status::OK();
    }
    return Unstuff(r, n, bits, version, &s->words, out);
  }
  uint8_t table_byte = 0;
  if (bits == 0 || !r.Get(&table_byte) || table_byte < 2)
    return Bad("lookup table of " + std::to_string(int(table_byte)) + " entries");
  const uint32_t table_size = table_byte - 1u;  // without the implicit 0 in front
  s->table.resize(table_size);
  COGR_RETURN_IF_ERROR(Unstuff(r, table_size, bits, version, &s->words, &s->table));
  const int index_bits = std::bit_width(table_size);
  COGR_RETURN_IF_ERROR(Unstuff(r, n, index_bits, version, &s->words, out));
  if (bound != nullptr) *bound = *std::max_element(s->table.begin(), s->table.end());
  for (uint32_t& v : *out) {
    if (v > table_size)
      return Bad("lookup index " + Num(v) + " past a table of " + Num(table_size + 1));
    v = v == 0 ? 0 : s->table[v - 1];
  }
  return Status::OK();
}

// ---- Huffman-coded bytes ----------------------------------------------------------------------

// The code table (a version, the table size, the range [i0, i1) of symbols, wrapping around the
// table, their code lengths bit-stuffed, then their codes), and the coded stream: most
// significant bit first within little-endian 32-bit words. Codes must be prefix-free.
class HuffmanDecoder {
 public:
  Status ReadTable(Reader& r, int lerc_version) {
    int32_t head[4];
    for (int32_t& v : head)
      if (!r.Get(&v)) return Truncated("Huffman table");
    const int32_t size = head[1], i0 = head[2], i1 = head[3];
    if (head[0] < 2) return Bad("Huffman table version " + std::to_string(head[0]));
    auto wrap = [size](int32_t i) { return i < size ? i : i - size; };
    if (size <= 0 || size > (1 << 15) || i0 < 0 || i0 >= i1 || i1 > 2 * size || wrap(i0) >= size ||
        wrap(i1 - 1) >= size) {
      return Bad("Huffman table of " + std::to_string(size) + " symbols, range [" +
                 std::to_string(i0) + ", " + std::to_string(i1) + ")");
    }
    std::vector<uint32_t> lengths;
    BitStuffScratch scratch;
    COGR_RETURN_IF_ERROR(DecodeBitStuffed(r, size_t(i1 - i0), lerc_version, &scratch, &lengths));
    if (lengths.size() != size_t(i1 - i0))
      return Bad("Huffman table with " + Num(lengths.size()) + " code lengths for " +
                 std::to_string(i1 - i0) + " symbols");
    // The codes, each `length` bits.
    const uint8_t* start = r.pos();
    size_t at = 0;
    int bit = 0;
    int max_len = 0;
    nodes_.assign(1, Node{});
    std::vector<std::pair<int, uint32_t>> codes(size_t(size), {0, 0});
    for (int32_t i = i0; i < i1; ++i) {
      const int len = int(lengths[size_t(i - i0)]);
      if (len == 0) continue;
      if (len > 32) return Bad("Huffman code of " + std::to_string(len) + " bits");
      if (r.left() - at < 4) return Truncated("Huffman codes");
      uint32_t word;
      std::memcpy(&word, start + at, 4);
      uint32_t code = (word << bit) >> (32 - len);
      if (32 - bit >= len) {
        bit += len;
        if (bit == 32) bit = 0, at += 4;
      } else {
        bit += len - 32;
        at += 4;
        if (r.left() - at < 4) return Truncated("Huffman codes");
        std::memcpy(&word, start + at, 4);
        code |= word >> (32 - bit);
      }
      codes[size_t(wrap(i))] = {len, code};
      max_len = std::max(max_len, len);
    }
    if (!r.Skip(at + (bit > 0 ? 4 : 0))) return Truncated("Huffman codes");
    if (max_len == 0) return Bad("Huffman table without codes");
    // A tree of every code, and a table of the first lut_bits_ bits for the short ones.
    lut_bits_ = std::min(max_len, 12);
    lut_.assign(size_t{1} << lut_bits_, {0, 0});
    for (size_t k = 0; k < codes.size(); ++k) {
      const auto [len, code] = codes[k];
      if (len == 0) continue;
      int32_t node = 0;
      for (int b = len - 1; b >= 0; --b) {
        if (nodes_[size_t(node)].symbol >= 0) return Bad("Huffman codes that are not prefix-free");
        const int next = int((code >> b) & 1);
        if (nodes_[size_t(node)].child[next] < 0) {
          nodes_[size_t(node)].child[next] = int32_t(nodes_.size());
          nodes_.push_back(Node{});
        }
        node = nodes_[size_t(node)].child[next];
      }
      Node& leaf = nodes_[size_t(node)];
      if (leaf.symbol >= 0 || leaf.child[0] >= 0 || leaf.child[1] >= 0)
        return Bad("Huffman codes that are not prefix-free");
      leaf.symbol = int32_t(k);
      if (len <= lut_bits_) {
        const uint32_t first = code << (lut_bits_ - len);
        for (uint32_t j = 0; j < (uint32_t{1} << (lut_bits_ - len)); ++j)
          lut_[first | j] = {int16_t(len), int32_t(k)};
      }
    }
    return Status::OK();
  }

  // The coded stream starts at r; two zero words after its end let a code be peeked at freely.
  void Begin(const Reader& r) {
    stream_words_ = (r.left() + 3) / 4;
    words_.assign(stream_words_ + 2, 0);
    std::memcpy(words_.data(), r.pos(), r.left());
    word_ = 0;
    bit_ = 0;
  }

  bool Next(int* symbol) {
    if (word_ >= stream_words_) return false;
    const uint64_t x = (uint64_t{words_[word_]} << 32 | words_[word_ + 1]) << bit_;
    const auto [len, sym] = lut_[size_t(x >> (64 - lut_bits_))];
    if (len > 0) {
      Advance(len);
      *symbol = sym;
      return true;
    }
    int32_t node = 0;
    for (int steps = 0; steps < 32; ++steps) {
      const uint64_t y = (uint64_t{words_[word_]} << 32 | words_[word_ + 1]) << bit_;
      node = nodes_[size_t(node)].child[y >> 63];
      Advance(1);
      if (node < 0) return false;
      if (nodes_[size_t(node)].symbol >= 0) {
        *symbol = nodes_[size_t(node)].symbol;
        return true;
      }
    }
    return false;
  }

  // The stream's length as the writer counts it: the words used, and one more.
  size_t BytesUsed() const { return 4 * (word_ + (bit_ > 0 ? 1 : 0) + 1); }

 private:
  struct Node {
    int32_t child[2] = {-1, -1};
    int32_t symbol = -1;
  };
  void Advance(int bits) {
    bit_ += bits;
    word_ += size_t(bit_ >> 5);
    bit_ &= 31;
  }

  std::vector<Node> nodes_;
  std::vector<std::pair<int16_t, int32_t>> lut_;
  int lut_bits_ = 0;
  std::vector<uint32_t> words_;
  size_t stream_words_ = 0, word_ = 0;
  int bit_ = 0;
};

// 8-bit values: each one's code (mode 2), or the difference to its left neighbour, else the one
// above, else the previous value (mode 1), depth by depth.
template <class T>
Status DecodeHuffmanValues(ByteSpan band, const Header& h, const Layout& lay,
                           const std::vector<uint8_t>& bits, T* data) {
  static_assert(sizeof(T) == 1);
  Reader r(band.data() + lay.values_at, band.size() - lay.values_at);
  HuffmanDecoder huffman;
  COGR_RETURN_IF_ERROR(huffman.ReadTable(r, h.version));
  huffman.Begin(r);
  const int offset = h.dt == kChar ? 128 : 0;
  const size_t rows = size_t(h.rows), cols = size_t(h.cols), depth = size_t(h.depth);
  const bool all_valid = uint64_t(h.valid) == h.pixels();
  auto valid = [&](size_t k) { return all_valid || (bits[k >> 3] & (0x80u >> (k & 7))) != 0; };
  auto broken = [] { return Bad("Huffman stream broken or past the blob"); };
  int sym = 0;
  if (band.data()[lay.values_at - 1] == 1 && all_valid) {  // differences, no mask
    for (size_t d = 0; d < depth; ++d) {
      T prev = 0;
      for (size_t i = 0; i < rows; ++i) {
        T* row = data + i * cols * depth + d;
        for (size_t j = 0; j < cols; ++j) {
          if (!huffman.Next(&sym)) return broken();
          const T base = j > 0 ? prev : i > 0 ? *(row - cols * depth) : prev;  // left, above
          prev = row[j * depth] = static_cast<T>(static_cast<T>(sym - offset) + base);
        }
      }
    }
  } else if (band.data()[lay.values_at - 1] == 1) {  // differences
    for (size_t d = 0; d < depth; ++d) {
      T prev = 0;
      for (size_t i = 0, k = 0; i < rows; ++i) {
        for (size_t j = 0; j < cols; ++j, ++k) {
          if (!valid(k)) continue;
          if (!huffman.Next(&sym)) return broken();
          const size_t m = k * depth + d;
          T v = static_cast<T>(sym - offset);
          if (j > 0 && valid(k - 1)) {
            v = static_cast<T>(v + prev);
          } else if (i > 0 && valid(k - cols)) {
            v = static_cast<T>(v + data[m - cols * depth]);
          } else {
            v = static_cast<T>(v + prev);
          }
          data[m] = v;
          prev = v;
        }
      }
    }
  } else {  // values
    for (size_t k = 0; k < rows * cols; ++k) {
      if (!valid(k)) continue;
      for (size_t d = 0; d < depth; ++d) {
        if (!huffman.Next(&sym)) return broken();
        data[k * depth + d] = static_cast<T>(sym - offset);
      }
    }
  }
  if (huffman.BytesUsed() > r.left()) return Truncated("Huffman stream");
  return Status::OK();
}

// ---- lossless float planes (version 6) ----------------------------------------------------------

// One byte plane: a flag, then Huffman-coded bytes (0), one repeated byte (1), the bytes as they
// are (2) or PackBits-like runs (3). Writes exactly plane.size() bytes or fails.
Status DecodePlane(ByteSpan in, std::vector<uint8_t>& plane) {
  if (in.empty()) return Bad("empty float plane");
  const size_t want = plane.size();
  const uint8_t* p = in.data() + 1;
  const size_t n = in.size() - 1;
  switch (in[0]) {
    case 0: {
      Reader r(p, n);
      HuffmanDecoder huffman;
      COGR_RETURN_IF_ERROR(huffman.ReadTable(r, 5));
      huffman.Begin(r);
      int sym = 0;
      for (size_t m = 0; m < want; ++m) {
        if (!huffman.Next(&sym)) return Bad("float plane: Huffman stream broken or past its end");
        plane[m] = static_cast<uint8_t>(sym);
      }
      if (huffman.BytesUsed() > r.left()) return Truncated("float plane");
      return Status::OK();
    }
    case 1: {
      uint32_t count = 0;
      if (n < 5) return Truncated("float plane");
      std::memcpy(&count, p + 1, 4);
      if (count != want)
        return Bad("float plane of " + Num(count) + " bytes, " + Num(want) + " expected");
      std::fill(plane.begin(), plane.end(), p[0]);
      return Status::OK();
    }
    case 2:
      if (n < want) return Truncated("float plane");
      std::memcpy(plane.data(), p, want);
      return Status::OK();
    case 3: {
      size_t i = 0, o = 0;
      while (i < n) {
        const int head = p[i++];
        if (head <= 127) {
          const size_t len = size_t(head) + 1;
          if (len > n - i || len > want - o) return Bad("float plane: run past its end");
          std::memcpy(plane.data() + o, p + i, len);
          i += len;
          o += len;
        } else {
          const size_t len = size_t(head) - 126;
          if (i >= n || len > want - o) return Bad("float plane: run past its end");
          std::memset(plane.data() + o, p[i++], len);
          o += len;
        }
      }
      if (o != want) return Bad("float plane of " + Num(o) + " bytes, " + Num(want) + " expected");
      return Status::OK();
    }
    default: return Bad("float plane coding " + std::to_string(int(in[0])));
  }
}

// Sums of sign-exponent and mantissa fields, each wrapping on its own (the planes code the
// differences of neighbours that way).
inline uint32_t AddFields(uint32_t a, uint32_t b) {
  constexpr uint32_t kMantissa = 0x007FFFFFu;
  return ((a + b) & kMantissa) | ((((a >> 23) + (b >> 23)) & 0x1FFu) << 23);
}
inline uint64_t AddFields(uint64_t a, uint64_t b) {
  constexpr uint64_t kMantissa = 0x000FFFFFFFFFFFFFull;
  return (((a & kMantissa) + (b & kMantissa)) & kMantissa) |
         ((((a >> 52) + (b >> 52)) & 0xFFFull) << 52);
}

// `cols` x `rows` units (floats: a pixel's values; depth > 1: each pixel's values are a row).
template <class U>
Status DecodeFloatPlanes(Reader& r, size_t cols, size_t rows, U* units) {
  constexpr size_t kBytes = sizeof(U);
  uint8_t predictor = 0;
  if (!r.Get(&predictor)) return Truncated("float planes");
  if (predictor > 2) return Bad("float plane predictor " + std::to_string(int(predictor)));
  const size_t count = cols * rows;
  std::vector<uint8_t> plane(count);
  bool seen[kBytes] = {};
  std::fill(units, units + count, U(0));
  for (size_t k = 0; k < kBytes; ++k) {
    uint8_t index = 0, level = 0;
    uint32_t size = 0;
    if (!r.Get(&index) || !r.Get(&level) || !r.Get(&size)) return Truncated("float planes");
    if (index >= kBytes || seen[index])
      return Bad("float plane of byte " + std::to_string(int(index)) + " (again, or past " +
                 std::to_string(kBytes) + ")");
    seen[index] = true;
    if (level > 5) return Bad("float plane differenced " + std::to_string(int(level)) + " times");
    if (r.left() < size) return Truncated("float plane");
    COGR_RETURN_IF_ERROR(DecodePlane(ByteSpan(r.pos(), size), plane));
    r.Skip(size);
    for (int l = level; l > 0; --l)  // undo the byte differences
      for (size_t i = size_t(l); i < count; ++i) plane[i] = uint8_t(plane[i] + plane[i - 1]);
    for (size_t i = 0; i < count; ++i) units[i] |= U(plane[i]) << (8 * index);
  }
  if (predictor == 2) {  // differences along columns, then along rows
    for (size_t i = 1; i < rows; ++i)
      for (size_t j = 0; j < cols; ++j)
        units[i * cols + j] = AddFields(units[i * cols + j], units[(i - 1) * cols + j]);
  }
  if (predictor >= 1) {  // along rows
    for (size_t i = 0; i < rows; ++i)
      for (size_t j = 1; j < cols; ++j)
        units[i * cols + j] = AddFields(units[i * cols + j], units[i * cols + j - 1]);
  }
  if constexpr (kBytes == 4) {
    // The planes hold exponent, sign, mantissa from the top; floats are sign, exponent, mantissa.
    for (size_t i = 0; i < count; ++i) {
      const uint32_t a = units[i];
      units[i] = (a & 0x007FFFFFu) | (((a >> 24) & 0xFFu) << 23) | (((a >> 23) & 1u) << 31);
    }
  }
  return Status::OK();
}

// ---- values ---------------------------------------------------------------------------------

// The type a block's offset is stored as: the data type, or a smaller one (`code`, 2 bits).
int OffsetType(uint32_t dt, int code) {
  int t;
  switch (dt) {
    case kShort:
    case kInt: t = int(dt) - code; break;
    case kUShort:
    case kUInt: t = int(dt) - 2 * code; break;
    case kFloat: t = code == 0 ? int(kFloat) : code == 1 ? int(kShort) : int(kByte); break;
    case kDouble: t = code == 0 ? int(kDouble) : int(dt) - 2 * code + 1; break;
    default: t = int(dt); break;
  }
  return t >= int(kChar) && t <= int(kDouble) ? t : -1;
}

template <class T>
bool GetAs(Reader& r, double* v) {
  T x;
  if (!r.Get(&x)) return false;
  *v = double(x);
  return true;
}

bool ReadAs(Reader& r, int type, double* v) {
  switch (type) {
    case kChar: return GetAs<int8_t>(r, v);
    case kByte: return GetAs<uint8_t>(r, v);
    case kShort: return GetAs<int16_t>(r, v);
    case kUShort: return GetAs<uint16_t>(r, v);
    case kInt: return GetAs<int32_t>(r, v);
    case kUInt: return GetAs<uint32_t>(r, v);
    case kFloat: return GetAs<float>(r, v);
    default: return GetAs<double>(r, v);
  }
}

// (T)z as liblerc computes it (truncation for integers), or false where that conversion is
// undefined (out of the type's range).
template <class T>
bool CastValue(double z, T* v) {
  if constexpr (std::is_integral_v<T>) {
    if (!(z > double(std::numeric_limits<T>::lowest()) - 1.0 &&
          z < double(std::numeric_limits<T>::max()) + 1.0)) {
      return false;
    }
  } else if constexpr (std::is_same_v<T, float>) {
    if (std::isfinite(z) && std::fabs(z) > double(std::numeric_limits<float>::max())) return false;
  }
  *v = static_cast<T>(z);
  return true;
}

class Band {
 public:
  Band(const Header& h, const std::vector<uint8_t>& bits) : h_(h), bits_(bits) {}
  bool Valid(size_t k) const { return (bits_[k >> 3] & (0x80u >> (k & 7))) != 0; }

  template <class T>
  Status DecodeBlocks(Reader& r, const std::vector<double>& z_max, T* data) {
    const int mb = h_.micro_block;
    if (mb > kMaxMicroBlock) return Bad("micro blocks of " + std::to_string(mb));
    const int rows = h_.rows, cols = h_.cols, depth = h_.depth;
    // Block corners as int64: rows + mb may pass INT_MAX.
    for (int64_t i0 = 0; i0 < rows; i0 += mb) {
      const int i1 = int(std::min<int64_t>(rows, i0 + mb));
      for (int64_t j0 = 0; j0 < cols; j0 += mb) {
        const int j1 = int(std::min<int64_t>(cols, j0 + mb));
        for (int d = 0; d < depth; ++d)
          COGR_RETURN_IF_ERROR(DecodeBlock(r, z_max, data, int(i0), i1, int(j0), j1, d));
      }
    }
    return Status::OK();
  }

 private:
  template <class T>
  Status DecodeBlock(Reader& r, const std::vector<double>& z_max_of, T* data, int i0, int i1,
                     int j0, int j1, int d) {
    uint8_t flag = 0;
    if (!r.Get(&flag)) return Truncated("blocks");
    const int version = h_.version;
    const bool diff = version >= 5 && (flag & 4) != 0;
    const int pattern = version >= 5 ? 14 : 15;
    auto bad = [&](const std::string& what) {
      return Bad("block at row " + std::to_string(i0) + ", column " + std::to_string(j0) + ": " +
                 what);
    };
    if (((flag >> 2) & pattern) != ((j0 >> 3) & pattern)) return bad("wrong check bits");
    if (diff && d == 0) return bad("the first value of a pixel coded as a difference");
    const size_t cols = size_t(h_.cols), depth = size_t(h_.depth);
    const int mode = flag & 3;
    auto for_valid = [&](auto&& fn) -> Status {
      for (int i = i0; i < i1; ++i) {
        size_t k = size_t(i) * cols + size_t(j0);
        for (int j = j0; j < j1; ++j, ++k)
          if (Valid(k)) COGR_RETURN_IF_ERROR(fn(k * depth + size_t(d)));
      }
      return Status::OK();
    };
    if (mode == 2) {  // every valid value 0 (or equal to the previous value of the pixel)
      return for_valid([&](size_t m) {
        data[m] = diff ? data[m - 1] : T(0);
        return Status::OK();
      });
    }
    if (mode == 0) {  // raw values
      if (diff) return bad("raw values coded as differences");
      return for_valid([&](size_t m) {
        if (!r.Get(&data[m])) return Truncated("raw block");
        return Status::OK();
      });
    }
    const int offset_type = OffsetType(diff && h_.dt < kFloat ? uint32_t{kInt} : h_.dt, flag >> 6);
    if (offset_type < 0) return bad("offset type code " + std::to_string(flag >> 6));
    double offset = 0;
    if (!ReadAs(r, offset_type, &offset)) return Truncated("block offset");
    const double z_max = version >= 4 && depth > 1 ? z_max_of[size_t(d)] : h_.z_max;
    auto store = [&](size_t m, double z) {
      if (diff) z += double(data[m - 1]);
      if (!CastValue(std::min(z, z_max), &data[m]))
        return bad("value " + std::to_string(z) + " out of the data type's range");
      return Status::OK();
    };
    if (mode == 3) {  // every valid value is the offset
      if (!diff) {
        T v;
        if (!CastValue(offset, &v))
          return bad("value " + std::to_string(offset) + " out of the data type's range");
        return for_valid([&](size_t m) {
          data[m] = v;
          return Status::OK();
        });
      }
      return for_valid([&](size_t m) { return store(m, offset); });
    }
    // Quantized: offset + q * 2 * maxZError, at most the depth's maximum.
    const size_t block_pixels = size_t(i1 - i0) * size_t(j1 - j0);
    uint32_t q_bound = 0;  // no value of q_ is larger
    if (Status st = DecodeBitStuffed(r, block_pixels, version, &scratch_, &q_, &q_bound); !st.ok())
      return bad(st.message().substr(6));  // without its "lerc: "
    const double scale = 2 * h_.max_z_error;
    const bool every_pixel = q_.size() == block_pixels;  // else one value per valid pixel
    if (!every_pixel) {
      size_t valid = 0;
      for (int i = i0; i < i1; ++i)
        for (size_t k = size_t(i) * cols + size_t(j0), e = k + size_t(j1 - j0); k < e; ++k)
          valid += Valid(k);
      if (q_.size() != valid)
        return bad(Num(q_.size()) + " values for " + Num(valid) + " valid pixels");
    }
    size_t n = 0;
    if (!diff && scale >= 0 && std::isfinite(scale)) {
      // offset + q * scale grows with q (an infinite scale would make 0 * scale NaN), so when
      // the smallest result and the one of q's bound convert to T, all do: no check per value.
      const double lo = std::min(offset, z_max), hi = std::min(offset + q_bound * scale, z_max);
      T unused;
      if (!std::isnan(lo) && !std::isnan(hi) && CastValue(lo, &unused) && CastValue(hi, &unused)) {
        const uint32_t* q = q_.data();
        for (int i = i0; i < i1; ++i) {
          size_t k = size_t(i) * cols + size_t(j0);
          T* out = data + k * depth + size_t(d);
          if (every_pixel) {
            for (int j = j0; j < j1; ++j, out += depth)
              *out = static_cast<T>(std::min(offset + *q++ * scale, z_max));
          } else {
            for (int j = j0; j < j1; ++j, ++k, out += depth)
              if (Valid(k)) *out = static_cast<T>(std::min(offset + *q++ * scale, z_max));
          }
        }
        return Status::OK();
      }
    }
    if (every_pixel) {
      for (int i = i0; i < i1; ++i) {
        size_t m = (size_t(i) * cols + size_t(j0)) * depth + size_t(d);
        for (int j = j0; j < j1; ++j, m += depth)
          COGR_RETURN_IF_ERROR(store(m, offset + q_[n++] * scale));
      }
      return Status::OK();
    }
    return for_valid([&](size_t m) { return store(m, offset + q_[n++] * scale); });
  }

  const Header& h_;
  const std::vector<uint8_t>& bits_;
  BitStuffScratch scratch_;
  std::vector<uint32_t> q_;
};

// Run-length-coded mask bits: little-endian int16 counts; n > 0: n literal bytes follow;
// n < 0: one byte repeated -n times; -32768 ends.
Status DecodeMask(const uint8_t* p, size_t n, std::vector<uint8_t>* bits) {
  Reader r(p, n);
  size_t o = 0;
  const size_t size = bits->size();
  for (;;) {
    int16_t count = 0;
    if (!r.Get(&count)) return Bad("mask without its end mark");
    if (count == -32768) break;
    const size_t len = count < 0 ? size_t(-int32_t{count}) : size_t(count);
    if (len > size - o) return Bad("mask longer than " + Num(size) + " bytes");
    if (count > 0) {
      if (r.left() < len) return Truncated("mask");
      std::memcpy(bits->data() + o, r.pos(), len);
      r.Skip(len);
    } else {
      uint8_t v = 0;
      if (!r.Get(&v)) return Truncated("mask");
      std::memset(bits->data() + o, v, len);
    }
    o += len;
  }
  if (o != size) return Bad("mask of " + Num(o) + " bytes, the pixels need " + Num(size));
  return Status::OK();
}

size_t CountValid(const std::vector<uint8_t>& bits, uint64_t pixels) {
  size_t n = 0;
  const size_t full = size_t(pixels / 8);
  for (size_t i = 0; i < full; ++i) n += size_t(std::popcount(unsigned{bits[i]}));
  if (pixels % 8) n += size_t(std::popcount(unsigned(bits[full] >> (8 - pixels % 8))));
  return n;
}

template <class T>
Status DecodeBandValues(ByteSpan band, const Header& h, const Layout& lay,
                        const std::vector<uint8_t>& bits, T* data) {
  const size_t pixels = size_t(h.pixels()), depth = size_t(h.depth);
  std::fill(data, data + pixels * depth, T(0));
  Band b(h, bits);
  auto fill = [&](const T* per_depth) {
    for (size_t k = 0; k < pixels; ++k)
      if (b.Valid(k)) std::copy(per_depth, per_depth + depth, data + k * depth);
  };
  switch (lay.coding) {
    case Coding::kNone: return Status::OK();
    case Coding::kConstant: {
      T v;
      if (!CastValue(h.z_min, &v))
        return Bad("constant " + std::to_string(h.z_min) + " out of the data type's range");
      const std::vector<T> values(depth, v);
      fill(values.data());
      return Status::OK();
    }
    case Coding::kDepthConstants: {
      std::vector<T> values(depth);
      std::memcpy(values.data(), band.data() + lay.ranges_at, depth * sizeof(T));
      fill(values.data());
      return Status::OK();
    }
    case Coding::kRaw: {
      Reader r(band.data() + lay.values_at, band.size() - lay.values_at);
      if (r.left() / (depth * sizeof(T)) < size_t(h.valid)) return Truncated("raw values");
      for (size_t k = 0; k < pixels; ++k)
        if (b.Valid(k)) {
          std::memcpy(data + k * depth, r.pos(), depth * sizeof(T));
          r.Skip(depth * sizeof(T));
        }
      return Status::OK();
    }
    case Coding::kBlocks: {
      std::vector<double> z_max(depth, h.z_max);
      if (h.version >= 4) {
        std::vector<T> maxima(depth);
        std::memcpy(maxima.data(), band.data() + lay.ranges_at + depth * sizeof(T),
                    depth * sizeof(T));
        for (size_t d = 0; d < depth; ++d) z_max[d] = double(maxima[d]);
      }
      Reader r(band.data() + lay.values_at, band.size() - lay.values_at);
      return b.DecodeBlocks(r, z_max, data);
    }
    case Coding::kHuffman:
      if constexpr (sizeof(T) == 1) return DecodeHuffmanValues(band, h, lay, bits, data);
      break;
    case Coding::kFloatPlanes:
      if constexpr (std::is_floating_point_v<T>) {
        using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
        Reader r(band.data() + lay.values_at, band.size() - lay.values_at);
        // Every value is coded, valid or not; with several values per pixel, a pixel's values
        // are a row.
        const size_t cols = depth > 1 ? depth : size_t(h.cols);
        const size_t rows = depth > 1 ? pixels : size_t(h.rows);
        std::vector<U> units(cols * rows);
        COGR_RETURN_IF_ERROR(DecodeFloatPlanes(r, cols, rows, units.data()));
        std::memcpy(data, units.data(), units.size() * sizeof(U));
        return Status::OK();
      }
      break;
  }
  return Bad("values coded for another data type");
}

// Decodes into `values` as T, through an aligned copy when `values` is not aligned for T.
template <class T>
Status DecodeBandAs(ByteSpan band, const Header& h, const Layout& lay,
                    const std::vector<uint8_t>& bits, uint8_t* values) {
  const size_t n = size_t(h.pixels()) * size_t(h.depth);
  if (reinterpret_cast<uintptr_t>(values) % alignof(T) == 0)
    return DecodeBandValues(band, h, lay, bits, reinterpret_cast<T*>(values));
  std::vector<T> aligned(n);
  COGR_RETURN_IF_ERROR(DecodeBandValues(band, h, lay, bits, aligned.data()));
  std::memcpy(values, aligned.data(), n * sizeof(T));
  return Status::OK();
}

Status DecodeBand(ByteSpan band, const Header& h, const Layout& lay,
                  const std::vector<uint8_t>& bits, uint8_t* values) {
  switch (h.dt) {
    case kChar: return DecodeBandAs<int8_t>(band, h, lay, bits, values);
    case kByte: return DecodeBandAs<uint8_t>(band, h, lay, bits, values);
    case kShort: return DecodeBandAs<int16_t>(band, h, lay, bits, values);
    case kUShort: return DecodeBandAs<uint16_t>(band, h, lay, bits, values);
    case kInt: return DecodeBandAs<int32_t>(band, h, lay, bits, values);
    case kUInt: return DecodeBandAs<uint32_t>(band, h, lay, bits, values);
    case kFloat: return DecodeBandAs<float>(band, h, lay, bits, values);
    default: return DecodeBandAs<double>(band, h, lay, bits, values);
  }
}

// Walks the bands' blobs, calling fn(index, band bytes, header, layout) for each.
template <class Fn>
Status ForEachBand(ByteSpan blob, Fn&& fn) {
  size_t off = 0;
  for (uint32_t i = 0;; ++i) {
    Header h;
    COGR_RETURN_IF_ERROR(ParseHeader(blob.subspan(off), &h));
    const ByteSpan band = blob.subspan(off, size_t(h.blob_bytes));
    Layout lay;
    COGR_RETURN_IF_ERROR(LayoutOf(band, h, &lay));
    COGR_RETURN_IF_ERROR(fn(i, band, h, lay));
    off += band.size();
    // Version 6 counts the blobs still to come; before, a band follows while the key does.
    const bool more = h.version >= 6 ? h.blobs_more > 0
                                     : blob.size() - off >= kKeyBytes &&
                                           std::memcmp(blob.data() + off, kKey, kKeyBytes) == 0;
    if (!more) return Status::OK();
  }
}

}  // namespace

Result<Lerc2Info> ReadLerc2Info(ByteSpan blob) {
  Lerc2Info info;
  bool any_partial = false, own_masks = false;
  Status st = ForEachBand(
      blob, [&](uint32_t i, ByteSpan band, const Header& h, const Layout& lay) -> Status {
        if (i == 0) {
          info.version = h.version;
          info.data_type = h.dt;
          info.depth = uint32_t(h.depth);
          info.cols = uint32_t(h.cols);
          info.rows = uint32_t(h.rows);
        } else if (h.dt != info.data_type || uint32_t(h.depth) != info.depth ||
                   uint32_t(h.cols) != info.cols || uint32_t(h.rows) != info.rows) {
          return Bad("band " + Num(i) + " differs from band 0 in size, depth or data type");
        }
        const bool partial = uint64_t(h.valid) != h.pixels();
        // A band with a mask of its own, or all invalid after bands with valid pixels, has a mask
        // that may differ from the others'.
        if (i > 0 && (lay.mask_bytes > 0 || partial != any_partial || h.valid == 0))
          own_masks = true;
        any_partial = any_partial || partial;
        info.bytes += band.size();
        ++info.bands;
        return Status::OK();
      });
  if (!st.ok()) return st;
  info.masks = !any_partial ? 0 : (own_masks && info.bands > 1 ? info.bands : 1);
  return info;
}

Status DecodeLerc2(ByteSpan blob, const Lerc2Info& info, MutableByteSpan values,
                   MutableByteSpan mask) {
  if constexpr (std::endian::native != std::endian::little)
    return Status::Unsupported("lerc: decoding needs a little-endian machine");
  const uint64_t pixels = uint64_t{info.cols} * info.rows;
  const uint64_t band_bytes = pixels * info.depth * TypeBytes(info.data_type);
  if (values.size() != band_bytes * info.bands ||
      (!mask.empty() && mask.size() != pixels * info.masks)) {
    return Status::InvalidArgument("DecodeLerc2: buffers do not match the blob");
  }
  std::vector<uint8_t> bits;
  bool have_mask = false;
  return ForEachBand(
      blob, [&](uint32_t i, ByteSpan band, const Header& h, const Layout& lay) -> Status {
        if (i >= info.bands) return Bad("more bands than at first read");
        if (h.version >= 3) {
          constexpr size_t kChecked = kKeyBytes + 8;  // from after the checksum field
          const uint32_t sum = Fletcher32(band.data() + kChecked, band.size() - kChecked);
          if (sum != h.checksum) return Bad("band " + Num(i) + ": checksum mismatch");
        }
        if (h.pass_nodata && h.depth > 1) {
          return Status::Unsupported("lerc: band " + Num(i) + " marks invalid values of " +
                                     std::to_string(h.depth) + "-value pixels with a nodata value");
        }
        bits.resize(size_t((pixels + 7) / 8));
        if (h.valid == 0) {
          std::fill(bits.begin(), bits.end(), uint8_t{0});
        } else if (uint64_t(h.valid) == pixels) {
          std::fill(bits.begin(), bits.end(), uint8_t{0xff});
        } else if (lay.mask_bytes > 0) {
          COGR_RETURN_IF_ERROR(
              DecodeMask(band.data() + lay.mask_at, size_t(lay.mask_bytes), &bits));
        } else if (!have_mask) {
          return Bad("band " + Num(i) + " reuses the mask of a band before it, and has none");
        }
        have_mask = true;
        const bool partial = h.valid != 0 && uint64_t(h.valid) != pixels;
        if (partial && CountValid(bits, pixels) != size_t(h.valid)) {
          return Bad("band " + Num(i) + ": the mask has " + Num(CountValid(bits, pixels)) +
                     " valid pixels, the header " + std::to_string(h.valid));
        }
        if (!mask.empty() && i < info.masks) {
          uint8_t* m = mask.data() + i * pixels;
          for (uint64_t k = 0; k < pixels; ++k) m[k] = (bits[k >> 3] & (0x80u >> (k & 7))) ? 1 : 0;
        }
        return DecodeBand(band, h, lay, bits, values.data() + i * band_bytes);
      });
}

}  // namespace cogr::internal
