// Lazy block tables at the parser: which tables stay in the file, how their values decode,
// and that their bounds are checked at open and each value at read time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "cogr/write.hpp"
#include "tiff/ifd_parse.hpp"
#include "tiff/tiff_test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

// 512 x 512 uint8 in 16 x 16 tiles (1024 tiles: 4 KiB LONG tables, 8 KiB LONG8 in BigTIFF).
std::vector<uint8_t> TiledFile(const std::string& name, bool bigtiff) {
  test::ScratchDir dir(name);
  write::Profile p;
  p.width = p.height = 512;
  p.blockxsize = p.blockysize = 16;
  p.compress = write::Compression::kDeflate;
  p.bigtiff = bigtiff ? write::BigTiff::kYes : write::BigTiff::kNo;
  Array data;
  data.dtype = DataType::kUInt8;
  data.bands = 1;
  data.height = data.width = 512;
  data.data.resize(512 * 512);
  for (size_t i = 0; i < data.data.size(); ++i)
    data.data[i] = static_cast<uint8_t>((i * 31) ^ (i >> 9));
  EXPECT_TRUE(write::WriteGeoTiff(dir.File("t.tif"), p, data).ok());
  return test::ReadFileBytes(dir.File("t.tif"));
}

Limits LazyLimits() {
  Limits l;
  l.lazy_block_table_bytes = 1024;
  return l;
}

TEST(LazyTable, LargeTablesNotInHandStayInTheFile) {
  for (bool bigtiff : {false, true}) {
    SCOPED_TRACE(bigtiff ? "BigTIFF" : "classic");
    const std::vector<uint8_t> bytes = TiledFile(bigtiff ? "lazy_big" : "lazy_classic", bigtiff);
    // Prefix of 1 KiB: the IFD, not the tables.
    test::MemoryFetch fetch{bytes, {}};
    auto lazy = tiff::Open(fetch.Fn(), bytes.size(), LazyLimits(), 1024);
    ASSERT_TRUE(lazy.ok()) << lazy.status().ToString();
    const tiff::Ifd& ifd = lazy->ifds[0];
    ASSERT_TRUE(ifd.lazy_offsets() && ifd.lazy_byte_counts());
    EXPECT_TRUE(ifd.block_offsets().empty() && ifd.block_byte_counts().empty());
    EXPECT_EQ(ifd.lazy_offsets()->count, 1024u);
    EXPECT_EQ(ifd.lazy_offsets()->type, bigtiff ? tiff::TagType::kLong8 : tiff::TagType::kLong);
    EXPECT_EQ(fetch.requests.size(), 1u) << "the 1 KiB prefix only";

    // The same file with every byte in hand: the tables are decoded although large.
    auto whole = test::OpenBytes(bytes, LazyLimits(), bytes.size());
    ASSERT_TRUE(whole.ok());
    EXPECT_FALSE(whole->ifds[0].has_lazy_tables());
    // Laziness off: decoded, fetched if need be.
    Limits eager_limits;
    eager_limits.lazy_block_table_bytes = UINT64_MAX;
    auto eager = test::OpenBytes(bytes, eager_limits, 1024);
    ASSERT_TRUE(eager.ok());
    const tiff::Ifd& e = eager->ifds[0];
    ASSERT_FALSE(e.has_lazy_tables());
    ASSERT_EQ(e.block_offsets().size(), 1024u);

    // LoadTableValue reads what ParseIfd would have decoded.
    const tiff::ByteOrder order = lazy->header.byte_order;
    for (uint64_t i = 0; i < 1024; ++i) {
      const ByteRange ro = ifd.lazy_offsets()->Values(i, 1);
      const ByteRange rc = ifd.lazy_byte_counts()->Values(i, 1);
      ASSERT_EQ(tiff::LoadTableValue(*ifd.lazy_offsets(), order, bytes.data() + ro.offset),
                e.block_offsets()[i])
          << i;
      ASSERT_EQ(tiff::LoadTableValue(*ifd.lazy_byte_counts(), order, bytes.data() + rc.offset),
                e.block_byte_counts()[i]);
    }

    // Dataset reads through the lazy tables equal the eager reads.
    OpenOptions lazy_options;
    lazy_options.limits = LazyLimits();
    lazy_options.header_read_bytes = 1024;
    lazy_options.block_cache_bytes = 0;
    auto ds = Dataset::Open(io::MemorySource(bytes, "lazy.tif"), lazy_options);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ASSERT_TRUE((*ds)->tiff().ifds[0].has_lazy_tables());
    OpenOptions eager_options;
    eager_options.limits = eager_limits;
    auto ds_eager = Dataset::Open(io::MemorySource(bytes, "eager.tif"), eager_options);
    ASSERT_TRUE(ds_eager.ok());
    auto a = (*ds)->Read();
    auto b = (*ds_eager)->Read();
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a->data, b->data);
  }
}

// Offset of the value field of IFD 0's entry `code` (classic TIFF, little-endian).
size_t EntryValueField(const std::vector<uint8_t>& bytes, uint16_t code) {
  auto u16 = [&](size_t at) { return static_cast<size_t>(bytes[at] | bytes[at + 1] << 8); };
  auto u32 = [&](size_t at) {
    return static_cast<size_t>(bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 |
                               uint32_t{bytes[at + 3]} << 24);
  };
  const size_t ifd = u32(4);
  for (size_t i = 0; i < u16(ifd); ++i) {
    const size_t e = ifd + 2 + 12 * i;
    if (u16(e) == code) return e + 8;
  }
  ADD_FAILURE() << "no tag " << code;
  return 0;
}

void Put32(std::vector<uint8_t>& bytes, size_t at, uint64_t v) {
  for (int k = 0; k < 4; ++k)
    bytes[at + static_cast<size_t>(k)] = static_cast<uint8_t>(v >> (8 * k));
}

TEST(LazyTable, TableOutsideTheFileFailsAtOpen) {
  std::vector<uint8_t> bytes = TiledFile("lazy_outside", false);
  Put32(bytes, EntryValueField(bytes, 325),
        bytes.size() - 100);  // TileByteCounts runs past the end
  auto r = test::OpenBytes(bytes, LazyLimits(), 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidFile);
  EXPECT_NE(
      r.status().message().find("tag 325 value [" + std::to_string(bytes.size() - 100) + ", " +
                                std::to_string(bytes.size() - 100 + 4096) + ") past end of file"),
      std::string::npos)
      << r.status().ToString();
}

TEST(LazyTable, EachFetchedValueIsChecked) {
  const std::vector<uint8_t> good = TiledFile("lazy_values", false);
  auto eager = test::OpenBytes(good, Limits(), good.size());
  ASSERT_TRUE(eager.ok());
  const tiff::Ifd& e = eager->ifds[0];
  auto u32 = [&](size_t at) {
    return static_cast<size_t>(good[at] | good[at + 1] << 8 | good[at + 2] << 16 |
                               uint32_t{good[at + 3]} << 24);
  };
  const size_t offsets_at = u32(EntryValueField(good, 324));
  const size_t counts_at = u32(EntryValueField(good, 325));
  ASSERT_EQ(u32(offsets_at + 5 * 4), e.block_offsets()[5]);
  OpenOptions options;
  options.limits = LazyLimits();
  options.header_read_bytes = 1024;
  options.block_cache_bytes = 0;
  ReadOptions block5;  // block 5 of row 0
  block5.window = geo::Window{80, 0, 16, 16};

  {  // Block 5's offset points past the end of the file.
    std::vector<uint8_t> bytes = good;
    Put32(bytes, offsets_at + 5 * 4, bytes.size() + 10);
    auto ds = Dataset::Open(io::MemorySource(bytes, "bad_offset.tif"), options);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    auto r = (*ds)->Read(block5);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidFile) << r.status().ToString();
    EXPECT_NE(
        r.status().message().find("block 5 of IFD 0: bytes [" + std::to_string(bytes.size() + 10)),
        std::string::npos)
        << r.status().ToString();
    ReadOptions block4;  // its neighbour still reads
    block4.window = geo::Window{64, 0, 16, 16};
    EXPECT_TRUE((*ds)->Read(block4).ok());
  }
  {  // The last block's byte count exceeds max_block_bytes (no next block: its count is used).
    std::vector<uint8_t> bytes = good;
    Put32(bytes, counts_at + 1023 * 4, 5000000);
    OpenOptions small = options;
    small.limits.max_block_bytes = 1 << 20;
    auto ds = Dataset::Open(io::MemorySource(bytes, "bad_count.tif"), small);
    ASSERT_TRUE(ds.ok());
    ReadOptions last;
    last.window = geo::Window{496, 496, 16, 16};
    auto r = (*ds)->Read(last);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().code(), Code::kOk);
    EXPECT_NE(r.status().message().find("block 1023"), std::string::npos) << r.status().ToString();
  }
}

TEST(LazyTable, ImplicitJpegOverviewReadsLoadTheTables) {
  // A JPEG file without overviews: out_shape reads decode at 1/2..1/8 scale (GDAL's implicit
  // overviews), a path that walks the block tables itself. Every table lazy (threshold 0, 1 KiB prefix) gives the same pixels.
  // 512 x 512 RGB JPEG in 128 x 128 tiles, written by libtiff.
  test::ScratchDir dir("lazy_jpeg");
  const std::string path = dir.File("jpeg.tif");
  {
    TIFF* t = TIFFOpen(path.c_str(), "w");
    ASSERT_NE(t, nullptr);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 512);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, 512);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
    TIFFSetField(t, TIFFTAG_TILEWIDTH, 128);
    TIFFSetField(t, TIFFTAG_TILELENGTH, 128);
    std::vector<uint8_t> tile(128 * 128 * 3);
    for (uint32_t k = 0; k < 16; ++k) {
      for (size_t i = 0; i < tile.size(); ++i)
        tile[i] = static_cast<uint8_t>((i / 3 % 128) * 2 + k * 9 + (i % 3) * 40);
      ASSERT_GE(TIFFWriteEncodedTile(t, k, tile.data(), static_cast<tmsize_t>(tile.size())), 0);
    }
    TIFFClose(t);
  }
  // The tables sit next to the other tag values, so they come with the header; move copies
  // 256 KiB past the end of the file (beyond any speculative header read).
  std::vector<uint8_t> bytes = test::ReadFileBytes(path);
  ASSERT_EQ(bytes[0], 'I');
  for (uint16_t code : {uint16_t{324}, uint16_t{325}}) {
    const size_t field = EntryValueField(bytes, code);
    const size_t entry = field - 8;
    const size_t count = bytes[entry + 4] | bytes[entry + 5] << 8 | bytes[entry + 6] << 16;
    const size_t size = (bytes[entry + 2] == 4 ? 4 : 2) * count;
    const size_t from = bytes[field] | bytes[field + 1] << 8 | bytes[field + 2] << 16 |
                        uint32_t{bytes[field + 3]} << 24;
    ASSERT_GT(count, 1u);
    bytes.resize(bytes.size() + 256 * 1024, 0);
    const size_t to = bytes.size();
    bytes.insert(bytes.end(), bytes.begin() + static_cast<ptrdiff_t>(from),
                 bytes.begin() + static_cast<ptrdiff_t>(from + size));
    Put32(bytes, field, to);
  }
  OpenOptions lazy_options;
  lazy_options.limits.lazy_block_table_bytes = 0;
  lazy_options.header_read_bytes = 1024;
  lazy_options.block_cache_bytes = 0;
  auto lazy = Dataset::Open(io::MemorySource(bytes, "moved_tables.tif"), lazy_options);
  ASSERT_TRUE(lazy.ok()) << lazy.status().ToString();
  ASSERT_TRUE((*lazy)->tiff().ifds[0].has_lazy_tables());
  ASSERT_EQ((*lazy)->levels().size(), 1u);
  auto eager = Dataset::Open(path);
  ASSERT_TRUE(eager.ok()) << eager.status().ToString();
  ASSERT_FALSE((*eager)->tiff().ifds[0].has_lazy_tables());
  ReadOptions o;
  o.out_shape = std::pair<uint64_t, uint64_t>{(*eager)->height() / 4, (*eager)->width() / 4};
  auto a = (*lazy)->Read(o);
  auto b = (*eager)->Read(o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(a->data, b->data);
  auto full_a = (*lazy)->Read();
  auto full_b = (*eager)->Read();
  ASSERT_TRUE(full_a.ok() && full_b.ok());
  EXPECT_EQ(full_a->data, full_b->data);
}

}  // namespace
}  // namespace cogr
