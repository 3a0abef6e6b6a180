// BlockCache: the LRU map on its own, then through Dataset reads: a repeated read costs no
// request and no byte, pixels are those of an uncached read, the byte bound holds, one cache
// is shared between Datasets, and a Dataset takes its blocks with it when it goes.
#include "read/block_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cogr/block_cache.hpp"
#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "cogr/write.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

using internal::BlockCacheImpl;
using internal::BlockKey;
using internal::CachedBlock;

CachedBlock Block(size_t size, uint8_t value) {
  auto data = std::make_shared<uint8_t[]>(size);
  for (size_t i = 0; i < size; ++i) data[i] = value;
  return CachedBlock{std::move(data), size};
}

TEST(BlockCacheImpl, EvictsLeastRecentlyUsedFirstAndStaysWithinCapacity) {
  BlockCacheImpl cache(300);
  cache.Insert({1, 0, 0}, Block(100, 0));
  cache.Insert({1, 0, 1}, Block(100, 1));
  cache.Insert({1, 0, 2}, Block(100, 2));
  EXPECT_EQ(cache.stats().bytes, 300u);
  ASSERT_TRUE(cache.Lookup({1, 0, 0}));  // 0 is now the most recently used; 1 the least
  cache.Insert({1, 0, 3}, Block(100, 3));
  EXPECT_FALSE(cache.Lookup({1, 0, 1}));
  ASSERT_TRUE(cache.Lookup({1, 0, 0}));
  EXPECT_EQ(cache.Lookup({1, 0, 3}).bytes()[99], 3);
  BlockCacheStats s = cache.stats();
  EXPECT_EQ(s.bytes, 300u);
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(s.insertions, 4u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.hits, 3u);
  EXPECT_EQ(s.misses, 1u);
  // A block larger than the whole cache is not stored (and evicts nothing).
  cache.Insert({1, 0, 4}, Block(301, 4));
  EXPECT_FALSE(cache.Lookup({1, 0, 4}));
  EXPECT_EQ(cache.stats().entries, 3u);
  // Re-inserting a key replaces it without double counting.
  cache.Insert({1, 0, 3}, Block(50, 9));
  EXPECT_EQ(cache.stats().bytes, 250u);
  EXPECT_EQ(cache.Lookup({1, 0, 3}).bytes()[0], 9);
}

TEST(BlockCacheImpl, KeysDifferBySourceIfdAndBlock) {
  BlockCacheImpl cache(1000);
  cache.Insert({1, 0, 5}, Block(10, 1));
  cache.Insert({2, 0, 5}, Block(10, 2));
  cache.Insert({1, 1, 5}, Block(10, 3));
  EXPECT_EQ(cache.Lookup({1, 0, 5}).bytes()[0], 1);
  EXPECT_EQ(cache.Lookup({2, 0, 5}).bytes()[0], 2);
  EXPECT_EQ(cache.Lookup({1, 1, 5}).bytes()[0], 3);
  EXPECT_FALSE(cache.Lookup({1, 0, 6}));
  cache.EraseSource(1);
  EXPECT_FALSE(cache.Lookup({1, 0, 5}));
  EXPECT_FALSE(cache.Lookup({1, 1, 5}));
  EXPECT_TRUE(cache.Lookup({2, 0, 5}));
  EXPECT_EQ(cache.stats().bytes, 10u);
}

TEST(BlockCacheImpl, EvictedBlockStaysValidForItsReader) {
  BlockCacheImpl cache(100);
  cache.Insert({1, 0, 0}, Block(100, 7));
  CachedBlock held = cache.Lookup({1, 0, 0});
  cache.Insert({1, 0, 1}, Block(100, 8));  // evicts block 0
  EXPECT_FALSE(cache.Lookup({1, 0, 0}));
  ASSERT_TRUE(held);
  EXPECT_EQ(held.bytes()[50], 7);
}

TEST(BlockCacheImpl, ShrinkingEvictsAndClearEmpties) {
  BlockCacheImpl cache(1000);
  for (uint64_t i = 0; i < 10; ++i) cache.Insert({1, 0, i}, Block(100, static_cast<uint8_t>(i)));
  cache.SetCapacity(250);
  EXPECT_EQ(cache.stats().entries, 2u);
  EXPECT_TRUE(cache.Lookup({1, 0, 9}));
  EXPECT_TRUE(cache.Lookup({1, 0, 8}));
  cache.Clear();
  EXPECT_EQ(cache.stats().bytes, 0u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

// A 4-band 300 x 260 uint16 file, 64 x 64 tiles (5 x 5 of them, edges partial), deflate +
// predictor 2, pixel or band interleaved.
struct TestFile {
  test::ScratchDir dir{"block_cache"};
  std::string path;
  Array data;
};

void WriteFile(TestFile& f, write::Interleave interleave, const std::string& name) {
  write::Profile p;
  p.width = 300;
  p.height = 260;
  p.count = 4;
  p.dtype = DataType::kUInt16;
  p.blockxsize = 64;
  p.blockysize = 64;
  p.compress = write::Compression::kDeflate;
  p.predictor = 2;
  p.interleave = interleave;
  f.data = test::MakeArray(p.dtype, 4, p.height, p.width, 5);
  f.path = f.dir.File(name);
  Status st = write::WriteGeoTiff(f.path, p, f.data);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Samples of `bands` (1-based) in window (col, row, w, h) of the written array.
std::vector<uint8_t> Expected(const Array& a, const std::vector<int>& bands, uint64_t col,
                              uint64_t row, uint64_t w, uint64_t h) {
  std::vector<uint8_t> out;
  const size_t sb = a.sample_bytes();
  for (int b : bands) {
    for (uint64_t y = row; y < row + h; ++y) {
      const uint8_t* p =
          a.data.data() + ((static_cast<uint64_t>(b - 1) * a.height + y) * a.width + col) * sb;
      out.insert(out.end(), p, p + w * sb);
    }
  }
  return out;
}

Result<std::shared_ptr<Dataset>> OpenWithCache(const std::string& path,
                                               std::optional<uint64_t> bytes,
                                               std::shared_ptr<BlockCache> shared = nullptr) {
  OpenOptions o;
  o.block_cache_bytes = bytes;
  o.block_cache = std::move(shared);
  return Dataset::Open(path, o);
}

TEST(BlockCache, SecondReadOfAWindowCostsNoRequestAndGivesTheSamePixels) {
  for (auto interleave : {write::Interleave::kPixel, write::Interleave::kBand}) {
    TestFile f;
    WriteFile(f, interleave, "cache.tif");
    auto ds = OpenWithCache(f.path, uint64_t{8} << 20);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ASSERT_NE((*ds)->block_cache(), nullptr);
    ReadOptions ro;
    ro.window = geo::Window{40, 30, 100, 90};  // tiles 0..2 x 0..1: 6 tiles (x 4 planes for band)
    const io::IoStats s0 = (*ds)->io_stats();
    auto first = (*ds)->Read(ro);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    const io::IoStats s1 = (*ds)->io_stats();
    const uint64_t tiles = interleave == write::Interleave::kPixel ? 6 : 24;
    EXPECT_EQ((s1 - s0).requests, tiles);
    EXPECT_EQ((*ds)->block_cache()->stats().entries, tiles);
    EXPECT_EQ((*ds)->block_cache()->stats().misses, tiles);
    auto second = (*ds)->Read(ro);
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    const io::IoStats d = (*ds)->io_stats() - s1;
    EXPECT_EQ(d.requests, 0u);
    EXPECT_EQ(d.bytes_fetched, 0u);
    EXPECT_EQ(d.bytes_used, 0u);
    EXPECT_EQ((*ds)->block_cache()->stats().hits, tiles);
    EXPECT_EQ(first->data, second->data);
    EXPECT_EQ(second->data, Expected(f.data, {1, 2, 3, 4}, 40, 30, 100, 90));
    // An overlapping window with a band subset: only the new tiles are fetched.
    ReadOptions ro2;
    ro2.window = geo::Window{100, 60, 100, 50};  // tiles 1..3 x 0..1: tile column 3 is new
    ro2.bands = {3, 1};
    const io::IoStats s2 = (*ds)->io_stats();
    auto third = (*ds)->Read(ro2);
    ASSERT_TRUE(third.ok()) << third.status().ToString();
    const uint64_t new_tiles =
        interleave == write::Interleave::kPixel ? 2 : 4;  // band: 2 tiles x 2 planes
    EXPECT_EQ(((*ds)->io_stats() - s2).requests, new_tiles);
    EXPECT_EQ(third->data, Expected(f.data, {3, 1}, 100, 60, 100, 50));
  }
}

TEST(BlockCache, ZeroBytesMeansNoCache) {
  TestFile f;
  WriteFile(f, write::Interleave::kPixel, "nocache.tif");
  auto ds = OpenWithCache(f.path, uint64_t{0});
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->block_cache(), nullptr);
  ReadOptions ro;
  ro.window = geo::Window{0, 0, 64, 64};
  ASSERT_TRUE((*ds)->Read(ro).ok());
  const io::IoStats s1 = (*ds)->io_stats();
  auto again = (*ds)->Read(ro);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(((*ds)->io_stats() - s1).requests, 1u);
  EXPECT_EQ(again->data, Expected(f.data, {1, 2, 3, 4}, 0, 0, 64, 64));
}

TEST(BlockCache, DefaultIsTheProcessWideCache) {
  TestFile f;
  WriteFile(f, write::Interleave::kPixel, "default.tif");
  auto ds = Dataset::Open(f.path);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->block_cache(), BlockCache::Default());
  EXPECT_EQ(BlockCache::Default()->capacity_bytes(), BlockCache::kDefaultCapacityBytes);
}

TEST(BlockCache, EvictionKeepsBytesWithinTheBound) {
  TestFile f;
  WriteFile(f, write::Interleave::kPixel, "evict.tif");
  // One decoded tile: 64 x 64 x 4 samples x 2 bytes = 32 KiB. Room for 5 tiles; a read of up
  // to 2 tiles (<= half the cache) is stored.
  const uint64_t tile = 64 * 64 * 4 * 2;
  const uint64_t capacity = 5 * tile + tile / 2;
  auto ds = OpenWithCache(f.path, capacity);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const BlockCache& cache = *(*ds)->block_cache();
  for (uint64_t i = 0; i < 25; ++i) {
    ReadOptions ro;
    const uint64_t col = (i % 5) * 64, row = (i / 5) * 64;
    const uint64_t w = std::min<uint64_t>(col + 70, 300) - col,
                   h = std::min<uint64_t>(row + 10, 260) - row;
    ro.window = geo::Window{static_cast<double>(col), static_cast<double>(row),
                            static_cast<double>(w), static_cast<double>(h)};
    auto a = (*ds)->Read(ro);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->data, Expected(f.data, {1, 2, 3, 4}, col, row, w, h)) << i;
    const BlockCacheStats s = cache.stats();
    EXPECT_LE(s.bytes, capacity) << i;
    EXPECT_LE(s.entries, 5u) << i;
  }
  const BlockCacheStats s = cache.stats();
  EXPECT_EQ(s.entries, 5u);
  EXPECT_EQ(s.bytes, 5 * tile);
  EXPECT_GT(s.evictions, 0u);
  EXPECT_EQ(s.insertions, s.entries + s.evictions);
  // The last read (tile 24 only) is a hit now.
  ReadOptions ro;
  ro.window = geo::Window{256, 256, 44, 4};
  const io::IoStats s0 = (*ds)->io_stats();
  auto a = (*ds)->Read(ro);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(((*ds)->io_stats() - s0).requests, 0u);
  EXPECT_EQ(a->data, Expected(f.data, {1, 2, 3, 4}, 256, 256, 44, 4));
}

TEST(BlockCache, ReadLargerThanHalfTheCacheIsNotStored) {
  TestFile f;
  WriteFile(f, write::Interleave::kPixel, "large.tif");
  const uint64_t tile = 64 * 64 * 4 * 2;
  auto ds = OpenWithCache(f.path, 10 * tile);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto whole = (*ds)->Read();  // 25 tiles > 5 tiles
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->data, f.data.data);
  EXPECT_EQ((*ds)->block_cache()->stats().entries, 0u);
  EXPECT_EQ((*ds)->block_cache()->stats().misses, 25u);
}

TEST(BlockCache, SharedBetweenDatasetsAndDroppedWithEach) {
  TestFile f;
  WriteFile(f, write::Interleave::kPixel, "shared.tif");
  auto cache = BlockCache::Create(uint64_t{4} << 20);
  auto a = OpenWithCache(f.path, std::nullopt, cache);
  auto b = OpenWithCache(f.path, uint64_t{0}, cache);  // block_cache wins over block_cache_bytes
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->block_cache(), cache);
  EXPECT_EQ((*b)->block_cache(), cache);
  ReadOptions ro;
  ro.window = geo::Window{0, 0, 128, 64};  // 2 tiles
  ASSERT_TRUE((*a)->Read(ro).ok());
  ro.window = geo::Window{0, 64, 64, 64};  // 1 tile
  ASSERT_TRUE((*b)->Read(ro).ok());
  EXPECT_EQ(cache->stats().entries, 3u);
  // Keyed by Dataset: b does not see a's blocks.
  ro.window = geo::Window{0, 0, 64, 64};
  const io::IoStats s0 = (*b)->io_stats();
  auto got = (*b)->Read(ro);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(((*b)->io_stats() - s0).requests, 1u);
  EXPECT_EQ(got->data, Expected(f.data, {1, 2, 3, 4}, 0, 0, 64, 64));
  EXPECT_EQ(cache->stats().entries, 4u);
  a->reset();
  EXPECT_EQ(cache->stats().entries, 2u);
  b->reset();
  EXPECT_EQ(cache->stats().entries, 0u);
  EXPECT_EQ(cache->stats().bytes, 0u);
}

TEST(BlockCache, MaskAndOverviewBlocksAreKeptApart) {
  // Same block indexes in different IFDs (full resolution and overview) must not collide.
  test::ScratchDir dir("block_cache_ovr");
  write::Profile p;
  p.width = 256;
  p.height = 256;
  p.count = 1;
  p.dtype = DataType::kUInt8;
  p.blockxsize = 64;
  p.blockysize = 64;
  p.compress = write::Compression::kDeflate;
  p.overviews = {2};
  const Array data = test::MakeArray(p.dtype, 1, 256, 256, 3);
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("ovr.tif"), p, data).ok());
  auto cached = OpenWithCache(dir.File("ovr.tif"), uint64_t{4} << 20);
  auto plain = OpenWithCache(dir.File("ovr.tif"), uint64_t{0});
  ASSERT_TRUE(cached.ok() && plain.ok());
  ReadOptions full, ovr;
  full.window = geo::Window{0, 0, 64, 64};
  ovr.overview = 0;
  ovr.window = geo::Window{0, 0, 64, 64};
  for (int round = 0; round < 2; ++round) {
    auto a = (*cached)->Read(full);
    auto b = (*cached)->Read(ovr);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->data, (*plain)->Read(full)->data) << round;
    EXPECT_EQ(b->data, (*plain)->Read(ovr)->data) << round;
    EXPECT_NE(a->data, b->data);
  }
  EXPECT_EQ((*cached)->block_cache()->stats().hits, 2u);
}

}  // namespace
}  // namespace cogr
