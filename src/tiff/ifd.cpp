// ParseIfd: one IFD from the bytes fetched so far.
//
// Two phases keep the NeedBytes loop cheap and deterministic: phase 1 reads the entry table
// and checks where every decoded tag value lies (file bounds, limits, presence in `have`);
// if anything is missing it returns one NeedBytes covering the missing ranges. Phase 2, run
// only once everything is present, decodes the values. A re-run therefore costs one pass over
// the entries until the bytes are there.
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "cogr/tiff.hpp"
#include "tiff/byte_order.hpp"
#include "tiff/ifd_fields.hpp"
#include "tiff/ifd_parse.hpp"
#include "util/checked.hpp"

namespace cogr::tiff {

using internal::CeilDiv;
using internal::CheckedAdd;
using internal::CheckedMul;
using internal::RangeInside;

uint64_t Ifd::blocks_across() const { return CeilDiv(f_.width, f_.block_width); }
uint64_t Ifd::blocks_down() const { return CeilDiv(f_.height, f_.block_height); }

uint64_t LoadTableValue(const LazyTable& table, ByteOrder order, const uint8_t* p) {
  switch (table.type) {
    case TagType::kShort: return internal::Load16(p, order);
    case TagType::kLong: return internal::Load32(p, order);
    default: return internal::Load64(p, order);  // kLong8: ParseIfd makes no other lazy table
  }
}

uint64_t Ifd::block_count() const {
  // Saturates instead of wrapping: a huge count must fail the max_blocks_per_ifd check.
  auto n = CheckedMul(blocks_across(), blocks_down());
  if (n && f_.planar_config == 2) n = CheckedMul(*n, f_.samples_per_pixel);
  return n ? *n : UINT64_MAX;
}

namespace {

// Missing ranges closer than this are fetched as one range: a round trip costs more than a
// few hundred KiB of extra transfer.
constexpr uint64_t kMaxNeedGap = 256 * 1024;

// The tags ParseIfd decodes, each with a slot in Decoded::slots.
constexpr std::array<TagCode, 31> kDecodedTags = {
    TagCode::kNewSubfileType,      TagCode::kImageWidth,      TagCode::kImageLength,
    TagCode::kBitsPerSample,       TagCode::kCompression,     TagCode::kPhotometric,
    TagCode::kImageDescription,    TagCode::kStripOffsets,    TagCode::kSamplesPerPixel,
    TagCode::kRowsPerStrip,        TagCode::kStripByteCounts, TagCode::kPlanarConfiguration,
    TagCode::kPredictor,           TagCode::kTileWidth,       TagCode::kTileLength,
    TagCode::kTileOffsets,         TagCode::kTileByteCounts,  TagCode::kSubIfds,
    TagCode::kExtraSamples,        TagCode::kSampleFormat,    TagCode::kJpegTables,
    TagCode::kYCbCrSubSampling,    TagCode::kModelPixelScale, TagCode::kModelTiepoint,
    TagCode::kModelTransformation, TagCode::kGeoKeyDirectory, TagCode::kGeoDoubleParams,
    TagCode::kGeoAsciiParams,      TagCode::kGdalMetadata,    TagCode::kGdalNodata,
    TagCode::kLercParameters,
};

int SlotOf(uint16_t code) {
  for (size_t i = 0; i < kDecodedTags.size(); ++i) {
    if (static_cast<uint16_t>(kDecodedTags[i]) == code) return static_cast<int>(i);
  }
  return -1;
}

int SlotOf(TagCode code) { return SlotOf(static_cast<uint16_t>(code)); }

using IfdOrNeed = std::variant<Ifd, NeedBytes>;

std::string Num(uint64_t v) { return std::to_string(v); }

std::string Where(uint64_t ifd_offset) { return "IFD at offset " + Num(ifd_offset); }

std::string RangeText(uint64_t a, uint64_t b) { return "[" + Num(a) + ", " + Num(b) + ")"; }

// One decoded tag: its entry and a pointer to its value bytes (count * type size of them).
struct Slot {
  const TagEntry* entry = nullptr;
  const uint8_t* bytes = nullptr;  ///< null for a lazy block table
  uint32_t type_size = 0;
  bool lazy = false;  ///< a block table left in the file (LazyTable)
};

// Tags kept raw for the libtiff-backed decoders (tiff::RawTag).
bool IsCodecTag(uint16_t code) {
  switch (code) {
    case 266:  // FillOrder
    case 292:  // T4Options
    case 293:  // T6Options
    case 332:  // InkSet
    case 512:  // JPEGProc
    case 513:  // JPEGInterchangeFormat
    case 514:  // JPEGInterchangeFormatLength
    case 515:  // JPEGRestartInterval
    case 517:  // JPEGLosslessPredictors
    case 518:  // JPEGPointTransforms
    case 519:  // JPEGQTables
    case 520:  // JPEGDCTables
    case 521:  // JPEGACTables
    case 529:  // YCbCrCoefficients
    case 531:  // YCbCrPositioning
    case 532:  // ReferenceBlackWhite
      return true;
    default: return false;
  }
}

// Old-style JPEG tags whose values are offsets of data libtiff reads.
bool IsOjpegOffsetTag(uint16_t code) { return code == 513 || (code >= 519 && code <= 521); }

bool IsBlockTable(uint16_t code) {
  return code == static_cast<uint16_t>(TagCode::kTileOffsets) ||
         code == static_cast<uint16_t>(TagCode::kTileByteCounts) ||
         code == static_cast<uint16_t>(TagCode::kStripOffsets) ||
         code == static_cast<uint16_t>(TagCode::kStripByteCounts);
}

// Types a lazy table may have (what LoadTableValue decodes); others are loaded at open.
bool IsLazyType(TagType t) {
  return t == TagType::kShort || t == TagType::kLong || t == TagType::kLong8;
}

LazyTable MakeLazy(const Slot& s, uint64_t blocks) {
  return LazyTable{s.entry->value_offset, blocks, s.entry->type};
}

class TagDecoder {
 public:
  TagDecoder(ByteOrder order, uint64_t ifd_offset) : order_(order), ifd_offset_(ifd_offset) {}

  Status Error(const Slot& s, const std::string& what) const {
    return Status::InvalidFile(Where(ifd_offset_) + ": tag " + Num(s.entry->code) + " " + what);
  }

  // Value i of an integer-typed tag; negative signed values are errors.
  Result<uint64_t> UIntAt(const Slot& s, uint64_t i) const {
    const uint8_t* p = s.bytes + i * s.type_size;
    switch (s.entry->type) {
      case TagType::kByte:
      case TagType::kUndefined: return uint64_t{p[0]};
      case TagType::kShort: return uint64_t{internal::Load16(p, order_)};
      case TagType::kLong:
      case TagType::kIfd: return uint64_t{internal::Load32(p, order_)};
      case TagType::kLong8:
      case TagType::kIfd8: return internal::Load64(p, order_);
      case TagType::kSByte:
        if (p[0] & 0x80) return Error(s, "has a negative value");
        return uint64_t{p[0]};
      case TagType::kSShort: {
        uint16_t v = internal::Load16(p, order_);
        if (v & 0x8000) return Error(s, "has a negative value");
        return uint64_t{v};
      }
      case TagType::kSLong: {
        uint32_t v = internal::Load32(p, order_);
        if (v & 0x80000000u) return Error(s, "has a negative value");
        return uint64_t{v};
      }
      case TagType::kSLong8: {
        uint64_t v = internal::Load64(p, order_);
        if (v >> 63) return Error(s, "has a negative value");
        return v;
      }
      default:
        return Error(s, "has type " + Num(static_cast<uint16_t>(s.entry->type)) +
                            ", expected an integer type");
    }
  }

  // Up to `max_values` values of an integer tag.
  Result<std::vector<uint64_t>> UInts(const Slot& s, uint64_t max_values) const {
    const uint64_t n = std::min(s.entry->count, max_values);
    std::vector<uint64_t> out;
    out.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      COGR_ASSIGN_OR_RETURN(uint64_t v, UIntAt(s, i));
      out.push_back(v);
    }
    return out;
  }

  Result<uint64_t> UInt(const Slot& s) const {
    if (s.entry->count == 0) return Error(s, "has no value (count 0)");
    return UIntAt(s, 0);
  }

  // A single value that must fit `max` (e.g. a SHORT field stored as LONG).
  Result<uint64_t> UIntMax(const Slot& s, uint64_t max) const {
    COGR_ASSIGN_OR_RETURN(uint64_t v, UInt(s));
    if (v > max) return Error(s, "value " + Num(v) + " > " + Num(max));
    return v;
  }

  template <class T>
  Result<std::vector<T>> Narrow(const Slot& s, uint64_t max_values) const {
    COGR_ASSIGN_OR_RETURN(std::vector<uint64_t> wide, UInts(s, max_values));
    std::vector<T> out;
    out.reserve(wide.size());
    for (uint64_t v : wide) {
      if (v > static_cast<uint64_t>(static_cast<T>(~T{0}))) {
        return Error(s, "value " + Num(v) + " does not fit " + Num(sizeof(T) * 8) + " bits");
      }
      out.push_back(static_cast<T>(v));
    }
    return out;
  }

  Result<std::vector<double>> Doubles(const Slot& s) const {
    std::vector<double> out;
    out.reserve(s.entry->count);
    for (uint64_t i = 0; i < s.entry->count; ++i) {
      const uint8_t* p = s.bytes + i * s.type_size;
      switch (s.entry->type) {
        case TagType::kDouble: out.push_back(internal::LoadDouble(p, order_)); break;
        case TagType::kFloat: out.push_back(internal::LoadFloat(p, order_)); break;
        case TagType::kRational: {
          const uint32_t num = internal::Load32(p, order_), den = internal::Load32(p + 4, order_);
          out.push_back(den == 0 ? 0.0 : static_cast<double>(num) / den);
          break;
        }
        case TagType::kSRational: {
          const auto num = static_cast<int32_t>(internal::Load32(p, order_));
          const auto den = static_cast<int32_t>(internal::Load32(p + 4, order_));
          out.push_back(den == 0 ? 0.0 : static_cast<double>(num) / den);
          break;
        }
        case TagType::kSShort:
          out.push_back(static_cast<int16_t>(internal::Load16(p, order_)));
          break;
        case TagType::kSLong:
          out.push_back(static_cast<int32_t>(internal::Load32(p, order_)));
          break;
        case TagType::kSLong8:
          out.push_back(static_cast<double>(static_cast<int64_t>(internal::Load64(p, order_))));
          break;
        default: {
          COGR_ASSIGN_OR_RETURN(uint64_t v, UIntAt(s, i));
          out.push_back(static_cast<double>(v));
        }
      }
    }
    return out;
  }

  Result<std::vector<uint8_t>> Bytes(const Slot& s) const {
    if (s.type_size != 1) {
      return Error(s, "has type " + Num(static_cast<uint16_t>(s.entry->type)) +
                          ", expected BYTE, ASCII or UNDEFINED");
    }
    return std::vector<uint8_t>(s.bytes, s.bytes + s.entry->count);
  }

  // ASCII value up to its first NUL (what a C reader of the tag sees).
  Result<std::string> CString(const Slot& s) const {
    COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> b, Bytes(s));
    auto nul = std::find(b.begin(), b.end(), uint8_t{0});
    return std::string(b.begin(), nul);
  }

 private:
  ByteOrder order_;
  uint64_t ifd_offset_;
};

// Repeats or pads a per-sample list to `samples` values; `fallback` when the tag is absent.
std::vector<uint16_t> PerSample(std::vector<uint16_t> values, uint16_t samples, uint16_t fallback) {
  if (values.empty()) values.push_back(fallback);
  values.resize(samples, values.back());
  return values;
}

// Byte counts of uncompressed blocks, for files that omit StripByteCounts (libtiff estimates
// them the same way for uncompressed data).
Result<std::vector<uint64_t>> EstimateByteCounts(const Ifd& ifd) {
  const uint64_t planes = ifd.planar_config() == 2 ? ifd.samples_per_pixel() : 1;
  const uint64_t per_plane = ifd.blocks_across() * ifd.blocks_down();
  std::vector<uint64_t> out;
  out.reserve(ifd.block_count());
  for (uint64_t plane = 0; plane < planes; ++plane) {
    uint64_t bits = 0;
    if (ifd.planar_config() == 2) {
      bits = ifd.bits_per_sample()[plane];
    } else {
      for (uint16_t b : ifd.bits_per_sample()) bits += b;
    }
    auto row_bits = CheckedMul(ifd.block_width(), bits);
    if (!row_bits) return Status::InvalidFile(Where(ifd.offset()) + ": block row size overflows");
    const uint64_t row_bytes = CeilDiv(*row_bits, 8);
    for (uint64_t b = 0; b < per_plane; ++b) {
      uint64_t rows = ifd.block_height();
      if (!ifd.tiled()) {
        const uint64_t first_row = (b / ifd.blocks_across()) * ifd.block_height();
        rows = std::min(ifd.block_height(), ifd.height() - first_row);
      }
      auto bytes = CheckedMul(row_bytes, rows);
      if (!bytes) return Status::InvalidFile(Where(ifd.offset()) + ": block size overflows");
      out.push_back(*bytes);
    }
  }
  return out;
}

}  // namespace

Result<std::variant<Ifd, NeedBytes>> ParseIfd(const Header& header, uint64_t ifd_offset,
                                              const ByteStore& have, uint64_t file_size,
                                              const Limits& limits) {
  const ByteOrder order = header.byte_order;
  const uint64_t count_size = header.bigtiff ? 8 : 2;
  const uint64_t entry_size = header.bigtiff ? 20 : 12;
  const uint64_t next_size = header.bigtiff ? 8 : 4;
  const uint64_t inline_size = header.bigtiff ? 8 : 4;

  // ---- Phase 1: entry table and the location of every decoded value.
  if (!RangeInside(ifd_offset, count_size, file_size)) {
    return Status::InvalidFile(Where(ifd_offset) + " past end of file (size " + Num(file_size) +
                               ")");
  }
  const uint8_t* count_bytes = have.Find({ifd_offset, count_size});
  if (count_bytes == nullptr) return IfdOrNeed(NeedBytes{{ifd_offset, count_size}});
  const uint64_t entry_count =
      header.bigtiff ? internal::Load64(count_bytes, order) : internal::Load16(count_bytes, order);

  const auto entries_len = CheckedMul(entry_count, entry_size);
  const auto entries_end =
      entries_len ? CheckedAdd(ifd_offset + count_size, *entries_len) : std::nullopt;
  if (!entries_end || *entries_end > file_size) {
    return Status::InvalidFile(Where(ifd_offset) + ": " + Num(entry_count) +
                               " entries need bytes " +
                               (entries_end ? RangeText(ifd_offset, *entries_end) : "past 2^64") +
                               " past end of file (size " + Num(file_size) + ")");
  }
  if (entry_count > limits.max_tags_per_ifd) {
    return Status::LimitExceeded(Where(ifd_offset) + ": " + Num(entry_count) + " entries > limit " +
                                 Num(limits.max_tags_per_ifd));
  }
  // A truncated file may end right after the entries; libtiff then reads the next offset as 0.
  const bool has_next = RangeInside(*entries_end, next_size, file_size);
  const uint64_t table_end = has_next ? *entries_end + next_size : *entries_end;
  const uint8_t* table = have.Find({ifd_offset, table_end - ifd_offset});
  if (table == nullptr) return IfdOrNeed(NeedBytes{{ifd_offset, table_end - ifd_offset}});

  Ifd ifd;
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.offset = ifd_offset;
  if (has_next) {
    const uint8_t* p = table + count_size + *entries_len;
    f.next_ifd_offset = header.bigtiff ? internal::Load64(p, order) : internal::Load32(p, order);
  }

  std::array<Slot, kDecodedTags.size()> slots{};
  std::vector<ByteRange> missing;
  std::vector<std::pair<const TagEntry*, const uint8_t*>> codec_tags;
  f.entries.resize(entry_count);
  for (uint64_t i = 0; i < entry_count; ++i) {
    const uint64_t entry_offset = ifd_offset + count_size + i * entry_size;
    const uint8_t* p = table + count_size + i * entry_size;
    TagEntry& e = f.entries[i];
    e.code = internal::Load16(p, order);
    e.type = static_cast<TagType>(internal::Load16(p + 2, order));
    e.count = header.bigtiff ? internal::Load64(p + 4, order) : internal::Load32(p + 4, order);
    const uint8_t* value_field = p + (header.bigtiff ? 12 : 8);
    const uint32_t type_size = TagTypeSize(e.type);
    const auto value_len = CheckedMul(e.count, type_size);
    e.is_inline = type_size != 0 && value_len && *value_len <= inline_size;
    e.value_offset = e.is_inline      ? entry_offset + (header.bigtiff ? 12 : 8)
                     : header.bigtiff ? internal::Load64(value_field, order)
                                      : internal::Load32(value_field, order);

    if (IsCodecTag(e.code) && type_size != 0 && value_len && *value_len <= kMaxRawTagBytes &&
        std::none_of(codec_tags.begin(), codec_tags.end(),
                     [&](const auto& t) { return t.first->code == e.code; })) {
      // Kept for libtiff; a tag past the end of the file is left out (libtiff would ignore it).
      const uint8_t* bytes = e.is_inline ? value_field : nullptr;
      if (!e.is_inline && RangeInside(e.value_offset, *value_len, file_size)) {
        bytes = have.Find({e.value_offset, *value_len});
        if (bytes == nullptr) missing.push_back({e.value_offset, *value_len});
      }
      if (e.is_inline || RangeInside(e.value_offset, *value_len, file_size))
        codec_tags.emplace_back(&e, bytes);
    }
    // Tags cogr does not decode are kept raw and never read, so never checked either.
    const int slot = SlotOf(e.code);
    if (slot < 0 || slots[slot].entry != nullptr) continue;  // first of duplicates wins
    auto tag = [&] { return Where(ifd_offset) + ": tag " + Num(e.code); };
    if (type_size == 0) {
      return Status::InvalidFile(tag() + " has unknown type " + Num(static_cast<uint16_t>(e.type)));
    }
    if (!value_len) {
      return Status::InvalidFile(tag() + " count " + Num(e.count) + " x " + Num(type_size) +
                                 " bytes overflows");
    }
    if (*value_len > limits.max_tag_bytes) {
      return Status::LimitExceeded(tag() + " count " + Num(e.count) + " x " + Num(type_size) +
                                   " bytes = " + Num(*value_len) + " > limit " +
                                   Num(limits.max_tag_bytes));
    }
    Slot& s = slots[slot];
    s.entry = &e;
    s.type_size = type_size;
    if (e.is_inline) {
      s.bytes = value_field;
      continue;
    }
    if (!RangeInside(e.value_offset, *value_len, file_size)) {
      const auto end = CheckedAdd(e.value_offset, *value_len);
      return Status::InvalidFile(
          tag() + " value " +
          (end ? RangeText(e.value_offset, *end) : "at " + Num(e.value_offset)) +
          " past end of file (size " + Num(file_size) + ")");
    }
    s.bytes = have.Find({e.value_offset, *value_len});
    if (s.bytes == nullptr) {
      // A large block table not in hand stays in the file: reads fetch the entries they need.
      if (IsBlockTable(e.code) && *value_len > limits.lazy_block_table_bytes &&
          IsLazyType(e.type)) {
        s.lazy = true;
        continue;
      }
      missing.push_back({e.value_offset, *value_len});
    }
  }

  if (!missing.empty()) {
    std::sort(missing.begin(), missing.end(),
              [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
    ByteRange cover = missing.front();
    for (const ByteRange& r : missing) {
      if (r.offset > cover.end() + kMaxNeedGap) break;
      cover.length = std::max(cover.end(), r.end()) - cover.offset;
    }
    return IfdOrNeed(NeedBytes{cover});
  }

  // ---- Phase 2: decode. Every Slot with an entry has its bytes (lazy block tables excepted).
  TagDecoder dec(order, ifd_offset);
  auto get = [&](TagCode code) -> const Slot* {
    const Slot& s = slots[SlotOf(code)];
    return s.entry ? &s : nullptr;
  };
  const std::string where = Where(ifd_offset);

  if (const Slot* s = get(TagCode::kNewSubfileType)) {
    COGR_ASSIGN_OR_RETURN(f.subfile_type, dec.UInt(*s));
  }
  const Slot* width = get(TagCode::kImageWidth);
  const Slot* height = get(TagCode::kImageLength);
  if (!width) return Status::InvalidFile(where + ": no ImageWidth (tag 256)");
  if (!height) return Status::InvalidFile(where + ": no ImageLength (tag 257)");
  COGR_ASSIGN_OR_RETURN(f.width, dec.UInt(*width));
  COGR_ASSIGN_OR_RETURN(f.height, dec.UInt(*height));
  if (f.width == 0 || f.height == 0) {
    return Status::InvalidFile(where + ": image size " + Num(f.width) + "x" + Num(f.height));
  }
  if (f.width > limits.max_image_dimension || f.height > limits.max_image_dimension) {
    return Status::LimitExceeded(where + ": image size " + Num(f.width) + "x" + Num(f.height) +
                                 " > limit " + Num(limits.max_image_dimension));
  }
  if (const Slot* s = get(TagCode::kSamplesPerPixel)) {
    COGR_ASSIGN_OR_RETURN(uint64_t spp, dec.UIntMax(*s, UINT16_MAX));
    if (spp == 0) return Status::InvalidFile(where + ": SamplesPerPixel 0");
    f.samples_per_pixel = static_cast<uint16_t>(spp);
  }
  const uint16_t spp = f.samples_per_pixel;
  std::vector<uint16_t> bits, formats;
  if (const Slot* s = get(TagCode::kBitsPerSample)) {
    COGR_ASSIGN_OR_RETURN(bits, dec.Narrow<uint16_t>(*s, spp));
  }
  if (const Slot* s = get(TagCode::kSampleFormat)) {
    COGR_ASSIGN_OR_RETURN(formats, dec.Narrow<uint16_t>(*s, spp));
  }
  f.bits_per_sample = PerSample(std::move(bits), spp, 1);
  f.sample_format = PerSample(std::move(formats), spp, 1);
  for (uint16_t b : f.bits_per_sample) {
    if (b == 0) return Status::InvalidFile(where + ": BitsPerSample 0");
  }

  auto get_u16 = [&](TagCode code, uint16_t& out) -> Status {
    if (const Slot* s = get(code)) {
      COGR_ASSIGN_OR_RETURN(uint64_t v, dec.UIntMax(*s, UINT16_MAX));
      out = static_cast<uint16_t>(v);
    }
    return Status::OK();
  };
  for (auto [code, field] : {std::pair{TagCode::kCompression, &f.compression},
                             std::pair{TagCode::kPhotometric, &f.photometric},
                             std::pair{TagCode::kPlanarConfiguration, &f.planar_config},
                             std::pair{TagCode::kPredictor, &f.predictor}}) {
    if (Status st = get_u16(code, *field); !st.ok()) return st;
  }
  if (f.planar_config != 1 && f.planar_config != 2) {
    return Status::InvalidFile(where + ": PlanarConfiguration " + Num(f.planar_config));
  }

  if (const Slot* s = get(TagCode::kExtraSamples)) {
    COGR_ASSIGN_OR_RETURN(f.extra_samples, dec.Narrow<uint16_t>(*s, spp));
  }
  if (const Slot* s = get(TagCode::kYCbCrSubSampling)) {
    COGR_ASSIGN_OR_RETURN(std::vector<uint16_t> sub, dec.Narrow<uint16_t>(*s, 2));
    for (size_t i = 0; i < sub.size(); ++i) f.ycbcr_subsampling[i] = sub[i];
  }
  if (const Slot* s = get(TagCode::kJpegTables)) {
    COGR_ASSIGN_OR_RETURN(f.jpeg_tables, dec.Bytes(*s));
  }
  if (const Slot* s = get(TagCode::kLercParameters)) {
    COGR_ASSIGN_OR_RETURN(f.lerc_parameters, dec.Narrow<uint32_t>(*s, UINT64_MAX));
  }
  if (const Slot* s = get(TagCode::kSubIfds)) {
    COGR_ASSIGN_OR_RETURN(f.sub_ifd_offsets, dec.UInts(*s, UINT64_MAX));
  }
  if (const Slot* s = get(TagCode::kImageDescription)) {
    COGR_ASSIGN_OR_RETURN(f.image_description, dec.CString(*s));
  }
  if (const Slot* s = get(TagCode::kGdalMetadata)) {
    COGR_ASSIGN_OR_RETURN(f.gdal_metadata, dec.CString(*s));
  }
  if (const Slot* s = get(TagCode::kGdalNodata)) {
    COGR_ASSIGN_OR_RETURN(f.gdal_nodata, dec.CString(*s));
  }
  if (const Slot* s = get(TagCode::kModelPixelScale)) {
    COGR_ASSIGN_OR_RETURN(f.model_pixel_scale, dec.Doubles(*s));
  }
  if (const Slot* s = get(TagCode::kModelTiepoint)) {
    COGR_ASSIGN_OR_RETURN(f.model_tiepoint, dec.Doubles(*s));
  }
  if (const Slot* s = get(TagCode::kModelTransformation)) {
    COGR_ASSIGN_OR_RETURN(f.model_transformation, dec.Doubles(*s));
  }
  if (const Slot* s = get(TagCode::kGeoKeyDirectory)) {
    COGR_ASSIGN_OR_RETURN(f.geokey_directory, dec.Narrow<uint16_t>(*s, UINT64_MAX));
  }
  if (const Slot* s = get(TagCode::kGeoDoubleParams)) {
    COGR_ASSIGN_OR_RETURN(f.geo_double_params, dec.Doubles(*s));
  }
  if (const Slot* s = get(TagCode::kGeoAsciiParams)) {
    // Not cut at the first NUL: GeoKeys address this string by offset.
    COGR_ASSIGN_OR_RETURN(std::vector<uint8_t> b, dec.Bytes(*s));
    while (!b.empty() && b.back() == 0) b.pop_back();
    f.geo_ascii_params.assign(b.begin(), b.end());
  }

  // Tags for the libtiff-backed decoders, and for old-style JPEG the tables they point at.
  for (const auto& [entry, bytes] : codec_tags) {
    RawTag tag;
    tag.code = entry->code;
    tag.type = entry->type;
    tag.count = entry->count;
    tag.value.assign(bytes, bytes + entry->count * TagTypeSize(entry->type));
    f.codec_tags.push_back(std::move(tag));
  }
  if (f.compression == 6) {
    uint64_t header_length = kMaxOjpegHeaderBytes;
    for (const RawTag& tag : f.codec_tags) {
      if (tag.code == 514 && tag.count >= 1 &&
          (tag.type == TagType::kLong || tag.type == TagType::kShort)) {
        const uint64_t v = tag.type == TagType::kLong ? internal::Load32(tag.value.data(), order)
                                                      : internal::Load16(tag.value.data(), order);
        header_length = std::min(header_length, v);
      }
    }
    std::vector<ByteRange> need;
    for (RawTag& tag : f.codec_tags) {
      if (!IsOjpegOffsetTag(tag.code) ||
          (tag.type != TagType::kLong && tag.type != TagType::kShort))
        continue;
      // libtiff reads at most 3 tables (one per component) and one header.
      const uint64_t n = std::min<uint64_t>(tag.count, 3);
      const uint64_t cap =
          tag.code == 513 ? header_length : (tag.code == 519 ? 64 : kMaxOjpegTableBytes);
      for (uint64_t i = 0; i < n; ++i) {
        const uint8_t* p = tag.value.data() + i * TagTypeSize(tag.type);
        const uint64_t off =
            tag.type == TagType::kLong ? internal::Load32(p, order) : internal::Load16(p, order);
        const uint64_t len = off < file_size ? std::min(cap, file_size - off) : 0;
        const uint8_t* data = len == 0 ? nullptr : have.Find({off, len});
        if (len != 0 && data == nullptr) {
          need.push_back({off, len});
          continue;
        }
        tag.pointed.emplace_back(data, data + len);
      }
    }
    if (!need.empty()) {
      ByteRange cover = need.front();
      for (const ByteRange& r : need) {
        const uint64_t begin = std::min(cover.offset, r.offset);
        cover = {begin, std::max(cover.end(), r.end()) - begin};
      }
      // All of an old-style JPEG's tables are small and near each other; one range if close.
      if (cover.length > 2 * kMaxOjpegHeaderBytes) cover = need.front();
      return IfdOrNeed(NeedBytes{cover});
    }
  }

  // Block layout. libtiff stores Strip* and Tile* offsets in the same field, so a tiled
  // image whose offsets sit in StripOffsets reads fine there; do the same.
  const Slot* tile_width = get(TagCode::kTileWidth);
  const Slot* tile_length = get(TagCode::kTileLength);
  if (tile_width || tile_length) {
    if (!tile_width || !tile_length) {
      return Status::InvalidFile(
          where + ": " +
          (tile_width ? "TileWidth without TileLength" : "TileLength without TileWidth"));
    }
    f.tiled = true;
    COGR_ASSIGN_OR_RETURN(f.block_width, dec.UInt(*tile_width));
    COGR_ASSIGN_OR_RETURN(f.block_height, dec.UInt(*tile_length));
    if (f.block_width == 0 || f.block_height == 0) {
      return Status::InvalidFile(where + ": tile size " + Num(f.block_width) + "x" +
                                 Num(f.block_height));
    }
  } else {
    uint64_t rows_per_strip = f.height;
    if (const Slot* s = get(TagCode::kRowsPerStrip)) {
      COGR_ASSIGN_OR_RETURN(rows_per_strip, dec.UInt(*s));
      if (rows_per_strip == 0) return Status::InvalidFile(where + ": RowsPerStrip 0");
    }
    f.block_width = f.width;
    f.block_height = std::min(rows_per_strip, f.height);
  }
  const uint64_t blocks = ifd.block_count();
  if (blocks > limits.max_blocks_per_ifd) {
    return Status::LimitExceeded(where + ": " + (blocks == UINT64_MAX ? "> 2^64" : Num(blocks)) +
                                 " blocks > limit " + Num(limits.max_blocks_per_ifd));
  }

  const Slot* offsets = get(f.tiled ? TagCode::kTileOffsets : TagCode::kStripOffsets);
  if (!offsets) offsets = get(f.tiled ? TagCode::kStripOffsets : TagCode::kTileOffsets);
  const Slot* counts = get(f.tiled ? TagCode::kTileByteCounts : TagCode::kStripByteCounts);
  if (!counts) counts = get(f.tiled ? TagCode::kStripByteCounts : TagCode::kTileByteCounts);
  const char* kind = f.tiled ? "tile" : "strip";
  if (!offsets) {
    return Status::InvalidFile(where + ": no " + (f.tiled ? "TileOffsets" : "StripOffsets"));
  }
  // More values than blocks is tolerated (GDAL reads such files); fewer is not.
  if (offsets->entry->count < blocks) {
    return Status::InvalidFile(where + ": tag " + Num(offsets->entry->code) + " has " +
                               Num(offsets->entry->count) + " " + kind + " offsets, " +
                               Num(blocks) + " blocks need one each");
  }
  if (offsets->lazy) {
    f.lazy_offsets = MakeLazy(*offsets, blocks);
  } else {
    COGR_ASSIGN_OR_RETURN(f.block_offsets, dec.UInts(*offsets, blocks));
  }
  if (counts) {
    if (counts->entry->count < blocks) {
      return Status::InvalidFile(where + ": tag " + Num(counts->entry->code) + " has " +
                                 Num(counts->entry->count) + " " + kind + " byte counts, " +
                                 Num(blocks) + " blocks need one each");
    }
    if (counts->lazy) {
      f.lazy_byte_counts = MakeLazy(*counts, blocks);
    } else {
      COGR_ASSIGN_OR_RETURN(f.block_byte_counts, dec.UInts(*counts, blocks));
    }
  } else if (f.compression == 1) {
    COGR_ASSIGN_OR_RETURN(f.block_byte_counts, EstimateByteCounts(ifd));
  } else {
    return Status::InvalidFile(where + ": no " + (f.tiled ? "TileByteCounts" : "StripByteCounts") +
                               " for compression " + Num(f.compression));
  }
  return IfdOrNeed(std::move(ifd));
}

}  // namespace cogr::tiff
