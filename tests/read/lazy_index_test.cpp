// Lazy block tables: a file with 65536 tiles (256 KiB per table) opens without loading its
// TileOffsets/TileByteCounts, and a window read fetches only the table pages it needs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "cogr/write.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

constexpr uint64_t kSize = 4096;  // 4096 x 4096 uint8 in 16 x 16 tiles: 256 x 256 = 65536 tiles
constexpr uint64_t kPage = 4096;  // BlockTableCache::kPageBytes

uint8_t Pixel(uint64_t x, uint64_t y) {
  return static_cast<uint8_t>((x * 7 + y * 13 + (x * y) % 5) & 0xff);
}

// Writes the many-tile file into `dir`.
std::string WriteManyTiles(const test::ScratchDir& dir) {
  write::Profile p;
  p.width = p.height = kSize;
  p.dtype = DataType::kUInt8;
  p.blockxsize = p.blockysize = 16;
  p.compress = write::Compression::kDeflate;
  p.bigtiff = write::BigTiff::kNo;
  Array data;
  data.dtype = DataType::kUInt8;
  data.bands = 1;
  data.height = data.width = kSize;
  data.data.resize(kSize * kSize);
  for (uint64_t y = 0; y < kSize; ++y) {
    for (uint64_t x = 0; x < kSize; ++x) data.data[y * kSize + x] = Pixel(x, y);
  }
  const std::string path = dir.File("many_tiles.tif");
  EXPECT_TRUE(write::WriteGeoTiff(path, p, data).ok());
  return path;
}

// Pages (file offset / 4096) holding the table values of `blocks`.
std::set<uint64_t> PagesOf(const tiff::LazyTable& t, const std::vector<uint64_t>& blocks) {
  std::set<uint64_t> pages;
  for (uint64_t b : blocks) {
    const ByteRange r = t.Values(b, 1);
    for (uint64_t p = r.offset / kPage; p <= (r.end() - 1) / kPage; ++p) pages.insert(p);
  }
  return pages;
}

// Blocks of a window of the 256-tile-wide grid.
std::vector<uint64_t> WindowBlocks(uint64_t col, uint64_t row, uint64_t w, uint64_t h) {
  std::vector<uint64_t> blocks;
  for (uint64_t by = row / 16; by <= (row + h - 1) / 16; ++by) {
    for (uint64_t bx = col / 16; bx <= (col + w - 1) / 16; ++bx)
      blocks.push_back(by * (kSize / 16) + bx);
  }
  return blocks;
}

void ExpectWindowPixels(const Array& a, uint64_t col, uint64_t row) {
  ASSERT_EQ(a.bands, 1u);
  for (uint64_t y = 0; y < a.height; ++y) {
    for (uint64_t x = 0; x < a.width; ++x) {
      ASSERT_EQ(a.data[y * a.width + x], Pixel(col + x, row + y))
          << "pixel (" << x << ", " << y << ")";
    }
  }
}

// The many-tile file is written once for the suite (it takes a few seconds).
class LazyIndex : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir("lazy_index");
    path_ = new std::string(WriteManyTiles(*dir_));
  }
  static void TearDownTestSuite() {
    delete path_;
    delete dir_;
    path_ = nullptr;
    dir_ = nullptr;
  }
  static test::ScratchDir* dir_;
  static std::string* path_;
};
test::ScratchDir* LazyIndex::dir_ = nullptr;
std::string* LazyIndex::path_ = nullptr;

TEST_F(LazyIndex, LocalOpenKeepsLargeTablesInTheFile) {
  const std::string& path = *path_;
  auto lazy = Dataset::Open(path);
  ASSERT_TRUE(lazy.ok()) << lazy.status().ToString();
  const tiff::Ifd& ifd = (*lazy)->tiff().ifds[0];
  ASSERT_TRUE(ifd.lazy_offsets().has_value());
  ASSERT_TRUE(ifd.lazy_byte_counts().has_value());
  EXPECT_TRUE(ifd.block_offsets().empty());
  EXPECT_TRUE(ifd.block_byte_counts().empty());
  EXPECT_EQ(ifd.lazy_offsets()->count, 65536u);
  EXPECT_EQ(ifd.lazy_offsets()->type, tiff::TagType::kLong);
  EXPECT_LT((*lazy)->tiff().header_bytes_fetched, 64u * 1024)
      << "the 512 KiB of tables are not read at open";

  // The same file with laziness off: the tables are loaded, and agree with the lazy reads.
  OpenOptions eager_options;
  eager_options.limits.lazy_block_table_bytes = UINT64_MAX;
  auto eager = Dataset::Open(path, eager_options);
  ASSERT_TRUE(eager.ok()) << eager.status().ToString();
  const tiff::Ifd& eager_ifd = (*eager)->tiff().ifds[0];
  EXPECT_FALSE(eager_ifd.has_lazy_tables());
  ASSERT_EQ(eager_ifd.block_offsets().size(), 65536u);
  EXPECT_GT((*eager)->tiff().header_bytes_fetched, 512u * 1024);
  // Metadata does not need the tables.
  EXPECT_EQ((*lazy)->width(), kSize);
  EXPECT_EQ((*lazy)->block_shape(), (std::array<uint64_t, 2>{16, 16}));
  EXPECT_EQ((*lazy)->is_cog(), (*eager)->is_cog());

  for (auto [col, row, w, h] : {std::array<uint64_t, 4>{0, 0, 40, 40},
                                {1000, 2000, 64, 48},
                                {4000, 4050, 96, 46},
                                std::array<uint64_t, 4>{1234, 17, 300, 1}}) {
    ReadOptions o;
    o.window = geo::Window{static_cast<double>(col), static_cast<double>(row),
                           static_cast<double>(w), static_cast<double>(h)};
    auto a = (*lazy)->Read(o);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    auto b = (*eager)->Read(o);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ(a->data, b->data);
    ExpectWindowPixels(*a, col, row);
  }
}

TEST_F(LazyIndex, BadLeaderOrTrailerFallsBackToTheByteCounts) {
  const std::string& path = *path_;
  const test::ScratchDir& dir = *dir_;
  OpenOptions eager_options;
  eager_options.limits.lazy_block_table_bytes = UINT64_MAX;
  auto eager = Dataset::Open(path, eager_options);
  ASSERT_TRUE(eager.ok());
  const tiff::Ifd& ifd = (*eager)->tiff().ifds[0];
  std::vector<uint8_t> bytes(std::filesystem::file_size(path));
  std::ifstream(path, std::ios::binary)
      .read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  // Window (320, 160, 48, 16): blocks 20..22 of block row 10. Break block 20's trailer and
  // block 21's leader; block 22 stays intact.
  const uint64_t b20 = 10 * 256 + 20, b21 = b20 + 1;
  bytes[ifd.block_offsets()[b20] + ifd.block_byte_counts()[b20]] ^= 0x5a;
  bytes[ifd.block_offsets()[b21] - 4] ^= 0x01;
  const std::string broken = dir.File("broken.tif");
  {
    std::ofstream f(broken, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  }
  OpenOptions options;
  options.block_cache_bytes = 0;
  auto ds = Dataset::Open(broken, options);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_TRUE((*ds)->tiff().ifds[0].lazy_byte_counts().has_value());
  ReadOptions o;
  o.window = geo::Window{320, 160, 48, 16};
  const io::IoStats before = (*ds)->io_stats();
  auto a = (*ds)->Read(o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ExpectWindowPixels(*a, 320, 160);
  // Local reads count each pread: 1 offsets page + 3 leader spans, then for the 2 bad blocks
  // 1 byte-count page + 2 blocks by their counts.
  EXPECT_EQ(((*ds)->io_stats() - before).requests, 4u + 3u);

  // The intact file: no byte-count page, no second fetch.
  auto intact = Dataset::Open(path, options);
  ASSERT_TRUE(intact.ok());
  const io::IoStats before_intact = (*intact)->io_stats();
  auto b = (*intact)->Read(o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->data, a->data);
  EXPECT_EQ(((*intact)->io_stats() - before_intact).requests, 4u);
}

TEST_F(LazyIndex, RemoteWindowReadFetchesOnlyTheTablePagesItNeeds) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  const std::string& path = *path_;
  const test::ScratchDir& dir = *dir_;
  test::NginxServer nginx;
  if (!nginx.Start("    location /written/ { alias " + dir.path().string() + "/; }\n"))
    FAIL() << nginx.error();

  OpenOptions options;
  options.io.memory_header_cache = false;
  options.io.persisted_header_cache = false;
  options.io.hole_size_limit = kPage;     // no merging across the 256 KiB between the tables
  options.io.max_ranges_per_request = 1;  // one request per block row (no multi-range grouping)
  options.block_cache_bytes = 0;
  auto opened = Dataset::Open(nginx.Url("written/many_tiles.tif"), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  const Dataset& ds = **opened;
  const io::IoStats open_cost = ds.io_stats();
  const tiff::Ifd& ifd = ds.tiff().ifds[0];
  ASSERT_TRUE(ifd.lazy_offsets() && ifd.lazy_byte_counts());
  const uint64_t table_bytes = ifd.lazy_offsets()->count * 4 * 2;
  EXPECT_EQ(table_bytes, 512u * 1024);
  EXPECT_EQ(open_cost.requests, 1u) << "open: the prefix GET only";
  EXPECT_LE(open_cost.bytes_fetched, 32u * 1024);
  EXPECT_LT(open_cost.bytes_fetched * 10, table_bytes);
  EXPECT_EQ(nginx.RequestCount(), 1u);

  // A 64 x 48 window at (1000, 2000): block columns 62..66 of block rows 125..127.
  const uint64_t col = 1000, row = 2000, w = 64, h = 48;
  const std::vector<uint64_t> blocks = WindowBlocks(col, row, w, h);
  ASSERT_EQ(blocks.size(), 15u);
  const std::set<uint64_t> offset_pages = PagesOf(*ifd.lazy_offsets(), blocks);
  const std::set<uint64_t> count_pages = PagesOf(*ifd.lazy_byte_counts(), blocks);
  // Three block rows of 256 entries x 4 bytes: entries 62..66 of rows 125..127 lie in 1 or 2
  // consecutive pages per table, fetched as one range per table.
  ASSERT_LE(offset_pages.size(), 2u);
  ASSERT_LE(count_pages.size(), 2u);
  ASSERT_EQ(*offset_pages.rbegin() - *offset_pages.begin() + 1, offset_pages.size());
  uint64_t page_bytes = (offset_pages.size() + count_pages.size()) * kPage;

  // The data: one coalesced run per block row (rows are ~10 KiB apart, beyond the 4 KiB hole).
  OpenOptions local_options;
  local_options.limits.lazy_block_table_bytes = UINT64_MAX;
  auto local = Dataset::Open(path, local_options);
  ASSERT_TRUE(local.ok());
  const tiff::Ifd& eager = (*local)->tiff().ifds[0];
  uint64_t data_bytes = 0;
  for (uint64_t b : blocks) data_bytes += eager.block_byte_counts()[b];

  ReadOptions o;
  o.window = geo::Window{double(col), double(row), double(w), double(h)};
  const io::IoStats before = ds.io_stats();
  auto a = ds.Read(o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  const io::IoStats cost = ds.io_stats() - before;
  ExpectWindowPixels(*a, col, row);
  // The file has GDAL block leaders (ghost area BLOCK_LEADER=SIZE_AS_UINT4): only TileOffsets
  // pages are fetched, each block is read as [leader | block | trailer] up to the next block's
  // leader, so TileByteCounts is never touched. One request for the offsets, one per block row.
  ASSERT_TRUE(ds.tiff().ghost.block_leader_size_as_uint4);
  EXPECT_EQ(cost.requests, 1u + 3u);
  EXPECT_EQ(cost.bytes_fetched, offset_pages.size() * kPage + data_bytes + blocks.size() * 8);
  EXPECT_LT(page_bytes * 10, table_bytes) << "a small fraction of the tables";

  // Again: the pages are cached, only the blocks are fetched.
  const io::IoStats before2 = ds.io_stats();
  auto again = ds.Read(o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  const io::IoStats cost2 = ds.io_stats() - before2;
  EXPECT_EQ(again->data, a->data);
  EXPECT_EQ(cost2.requests, 3u) << "no table request";
  EXPECT_LE(cost2.bytes_fetched, data_bytes + blocks.size() * 8);

  // Equal to a local read of the same window.
  auto b = (*local)->Read(o);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->data, b->data);
}

}  // namespace
}  // namespace cogr
