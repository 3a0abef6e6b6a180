#include "ifd_mutator.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <vector>

namespace cogr::fuzz {
namespace {

// Tags whose values decide sizes, counts and where bytes are: what a hostile header lies about.
constexpr std::array<uint16_t, 19> kStructuralTags = {
    256,  // ImageWidth
    257,  // ImageLength
    258,  // BitsPerSample
    259,  // Compression
    262,  // Photometric
    273,  // StripOffsets
    277,  // SamplesPerPixel
    278,  // RowsPerStrip
    279,  // StripByteCounts
    284,  // PlanarConfiguration
    317,  // Predictor
    322,  // TileWidth
    323,  // TileLength
    324,  // TileOffsets
    325,  // TileByteCounts
    330,  // SubIFDs
    338,  // ExtraSamples
    339,  // SampleFormat
    347,  // JPEGTables
};

// TIFF field types and their sizes (0 = unknown type).
uint32_t TypeSize(uint16_t type) {
  switch (type) {
    case 1:
    case 2:
    case 6:
    case 7: return 1;  // BYTE ASCII SBYTE UNDEFINED
    case 3:
    case 8: return 2;  // SHORT SSHORT
    case 4:
    case 9:
    case 11:
    case 13: return 4;  // LONG SLONG FLOAT IFD
    case 5:
    case 10:
    case 12:
    case 16:
    case 17:
    case 18: return 8;  // RATIONAL ... LONG8 SLONG8 IFD8
    default: return 0;
  }
}

struct Layout {
  bool big_endian = false;
  bool bigtiff = false;
};

uint64_t Get(const uint8_t* p, unsigned bytes, bool be) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) {
    const unsigned shift = be ? 8 * (bytes - 1 - i) : 8 * i;
    v |= static_cast<uint64_t>(p[i]) << shift;
  }
  return v;
}

void Put(uint8_t* p, unsigned bytes, bool be, uint64_t v) {
  for (unsigned i = 0; i < bytes; ++i) {
    const unsigned shift = be ? 8 * (bytes - 1 - i) : 8 * i;
    p[i] = static_cast<uint8_t>(v >> shift);
  }
}

// One IFD entry of the file: where it is and what it says.
struct EntryRef {
  size_t at = 0;  // file offset of the entry
  uint16_t tag = 0, type = 0;
  uint64_t count = 0;
  size_t value_at = 0;  // where the value (or its first element) is, if inside the file
  bool value_inside = false;
};

// The entries of up to 16 IFDs of the chain (a cycle or a broken offset ends the walk).
std::vector<EntryRef> Entries(const uint8_t* data, size_t size, Layout& layout) {
  std::vector<EntryRef> out;
  if (size < 8) return out;
  if (data[0] == 'I' && data[1] == 'I') {
    layout.big_endian = false;
  } else if (data[0] == 'M' && data[1] == 'M') {
    layout.big_endian = true;
  } else {
    return out;
  }
  const bool be = layout.big_endian;
  const uint64_t magic = Get(data + 2, 2, be);
  if (magic != 42 && magic != 43) return out;
  layout.bigtiff = magic == 43;
  const unsigned off_bytes = layout.bigtiff ? 8 : 4;
  const unsigned count_bytes = layout.bigtiff ? 8 : 2;
  const unsigned entry_bytes = layout.bigtiff ? 20 : 12;
  if (layout.bigtiff && size < 16) return out;
  uint64_t ifd = Get(data + (layout.bigtiff ? 8 : 4), off_bytes, be);
  std::vector<uint64_t> seen;
  for (int n = 0; n < 16 && ifd != 0 && ifd <= size - count_bytes; ++n) {
    if (std::find(seen.begin(), seen.end(), ifd) != seen.end()) break;
    seen.push_back(ifd);
    const uint64_t count = Get(data + ifd, count_bytes, be);
    const uint64_t first = ifd + count_bytes;
    for (uint64_t i = 0; i < count && i < 4096; ++i) {
      const uint64_t at = first + i * entry_bytes;
      if (at + entry_bytes > size) break;
      EntryRef e;
      e.at = static_cast<size_t>(at);
      e.tag = static_cast<uint16_t>(Get(data + at, 2, be));
      e.type = static_cast<uint16_t>(Get(data + at + 2, 2, be));
      e.count = Get(data + at + 4, layout.bigtiff ? 8 : 4, be);
      const size_t field = static_cast<size_t>(at + (layout.bigtiff ? 12 : 8));
      const uint32_t tsize = TypeSize(e.type);
      const uint64_t bytes =
          tsize == 0 || e.count > (uint64_t{1} << 40) ? UINT64_MAX : tsize * e.count;
      if (bytes <= off_bytes) {
        e.value_at = field;
        e.value_inside = true;
      } else {
        const uint64_t where = Get(data + field, off_bytes, be);
        e.value_at = static_cast<size_t>(where);
        e.value_inside = bytes != UINT64_MAX && where < size && tsize <= size - where;
      }
      out.push_back(e);
    }
    if (count > 4096) break;
    const uint64_t next_at = first + count * entry_bytes;
    if (next_at + off_bytes > size) break;
    ifd = Get(data + next_at, off_bytes, be);
  }
  return out;
}

// Boundary values a header can lie with, plus values derived from the old one and the file.
uint64_t PickValue(std::minstd_rand& rng, uint64_t old, size_t file_size) {
  static constexpr std::array<uint64_t, 24> kValues = {
      0,         1,           2,           3,          4,
      7,         8,           15,          16,         17,
      255,       256,         257,         4095,       4096,
      65281,     65535,       65536,       1u << 20,   (1u << 24) + 1,
      134217728, 0x7fffffffu, 0x80000000u, 0xffffffffu};
  switch (rng() % 8) {
    case 0: return old + 1;
    case 1: return old - 1;
    case 2: return old * 2;
    case 3: return old * 65536;
    case 4: return file_size + (rng() % 3) - 1;  // the file size, or one byte off
    case 5: return rng() % (file_size + 1);      // somewhere in the file
    default: return kValues[rng() % kValues.size()];
  }
}

}  // namespace

size_t MutateTiffStructure(uint8_t* data, size_t size, unsigned seed) {
  Layout layout;
  const std::vector<EntryRef> entries = Entries(data, size, layout);
  if (entries.empty()) return 0;
  std::minstd_rand rng(seed == 0 ? 1 : seed);
  // Mostly the structural tags; sometimes any entry.
  std::vector<const EntryRef*> picks;
  for (const EntryRef& e : entries) {
    if (std::find(kStructuralTags.begin(), kStructuralTags.end(), e.tag) != kStructuralTags.end()) {
      picks.push_back(&e);
    }
  }
  if (picks.empty() || rng() % 8 == 0) {
    picks.clear();
    for (const EntryRef& e : entries) picks.push_back(&e);
  }
  const EntryRef& e = *picks[rng() % picks.size()];
  const bool be = layout.big_endian;
  const unsigned count_bytes = layout.bigtiff ? 8 : 4;
  switch (rng() % 10) {
    case 0:
    case 1: {  // the count: arrays longer or shorter than the geometry needs
      const uint64_t v = PickValue(rng, e.count, size);
      Put(data + e.at + 4, count_bytes, be, layout.bigtiff ? v : static_cast<uint32_t>(v));
      break;
    }
    case 2: {  // the type: SHORT, LONG, LONG8, ASCII, DOUBLE, or garbage
      static constexpr std::array<uint16_t, 8> kTypes = {3, 4, 16, 2, 12, 1, 0, 19};
      Put(data + e.at + 2, 2, be, kTypes[rng() % kTypes.size()]);
      break;
    }
    case 3: {  // the tag: a duplicate or a neighbour of a structural tag
      Put(data + e.at, 2, be, kStructuralTags[rng() % kStructuralTags.size()]);
      break;
    }
    default: {  // a value: the inline one, or one element of an out-of-line array
      const uint32_t tsize = TypeSize(e.type);
      if (tsize == 0 || !e.value_inside) {
        Put(data + e.at + (layout.bigtiff ? 12 : 8), layout.bigtiff ? 8 : 4, be,
            PickValue(rng, 0, size));
        break;
      }
      const unsigned width = std::min<uint32_t>(tsize, 8);
      uint64_t index = 0;
      if (e.count > 1) index = (rng() % 4 == 0) ? e.count - 1 : rng() % e.count;
      const uint64_t at = e.value_at + index * tsize;
      if (at + width > size) break;
      const uint64_t old = Get(data + at, width, be);
      Put(data + at, width, be, PickValue(rng, old, size));
      break;
    }
  }
  return size;
}

}  // namespace cogr::fuzz
