// One Dataset read from many threads at once (different and overlapping windows, band
// subsets, overviews), with and without the block cache: every read must equal the same read
// made serially. Run under ThreadSanitizer by the `tsan` preset.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cogr/block_cache.hpp"
#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "cogr/threads.hpp"
#include "cogr/write.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

// Restores the process-wide thread count at scope exit.
class ThreadCountScope {
 public:
  explicit ThreadCountScope(size_t n) { SetThreadCount(n); }
  ~ThreadCountScope() { SetThreadCount(0); }
};

struct Case {
  const char* name;
  DataType dtype;
  int count;
  write::Compression compress;
  int predictor;
  write::Interleave interleave;
};

// Deterministic windows: some inside one tile, some across many, many overlapping each other.
std::vector<ReadOptions> MakeReads(uint64_t width, uint64_t height, int count, size_t n,
                                   uint32_t seed) {
  std::vector<ReadOptions> reads;
  uint32_t rng = seed;
  auto next = [&](uint32_t mod) {
    rng = rng * 1664525u + 1013904223u;
    return (rng >> 8) % mod;
  };
  for (size_t i = 0; i < n; ++i) {
    ReadOptions ro;
    const uint64_t w = 1 + next(static_cast<uint32_t>(width / 2));
    const uint64_t h = 1 + next(static_cast<uint32_t>(height / 2));
    const uint64_t col = next(static_cast<uint32_t>(width - w + 1));
    const uint64_t row = next(static_cast<uint32_t>(height - h + 1));
    ro.window = geo::Window{static_cast<double>(col), static_cast<double>(row),
                            static_cast<double>(w), static_cast<double>(h)};
    if (i % 3 == 1 && count > 1) ro.bands = {count, 1};
    if (i % 7 == 3) {
      ro.overview = 0;
      ro.window = geo::Window{static_cast<double>(col / 2), static_cast<double>(row / 2),
                              static_cast<double>((w + 1) / 2), static_cast<double>((h + 1) / 2)};
    }
    if (i % 11 == 5) ro.window.reset();  // the whole image
    reads.push_back(ro);
  }
  return reads;
}

// The answers: every read done one after the other with one decode thread.
void SerialReads(const Dataset& ds, const std::vector<ReadOptions>& reads,
                 std::vector<std::vector<uint8_t>>& out) {
  ThreadCountScope one(1);
  for (const ReadOptions& ro : reads) {
    auto a = ds.Read(ro);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    out.emplace_back(a->data.begin(), a->data.end());
  }
}

// Reads every entry of `reads` from `threads` threads (thread t takes t, t + threads, ...; every
// thread also rereads entry 0, so all threads overlap) and compares with `expected`.
void ReadConcurrently(const Dataset& ds, const std::vector<ReadOptions>& reads,
                      const std::vector<std::vector<uint8_t>>& expected, size_t threads,
                      const std::string& what) {
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<size_t> mine{0};
      for (size_t i = t; i < reads.size(); i += threads) mine.push_back(i);
      for (size_t i : mine) {
        auto a = ds.Read(reads[i]);
        if (!a.ok()) {
          failures.fetch_add(1);
          continue;
        }
        if (a->data != expected[i]) mismatches.fetch_add(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(failures.load(), 0) << what;
  EXPECT_EQ(mismatches.load(), 0) << what;
}

class DatasetConcurrency : public ::testing::TestWithParam<Case> {};

TEST_P(DatasetConcurrency, ManyThreadsEqualSerialReads) {
  const Case& c = GetParam();
  test::ScratchDir dir(std::string("concurrency_") + c.name);
  write::Profile p;
  p.width = 390;
  p.height = 310;
  p.count = c.count;
  p.dtype = c.dtype;
  p.blockxsize = 64;
  p.blockysize = 48;
  p.compress = c.compress;
  p.predictor = c.predictor;
  p.interleave = c.interleave;
  p.overviews = {2};
  const Array data = test::MakeArray(p.dtype, static_cast<uint64_t>(c.count), p.height, p.width, 9);
  const std::string path = dir.File("c.tif");
  Status st = write::WriteGeoTiff(path, p, data);
  ASSERT_TRUE(st.ok()) << st.ToString();

  OpenOptions serial_options;
  serial_options.block_cache_bytes = 0;
  auto serial = Dataset::Open(path, serial_options);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  const std::vector<ReadOptions> reads = MakeReads(p.width, p.height, c.count, 48, 17);
  std::vector<std::vector<uint8_t>> expected;
  ASSERT_NO_FATAL_FAILURE(SerialReads(**serial, reads, expected));
  // The whole-image read must also equal the written array.
  ASSERT_FALSE(reads[5].window.has_value());
  EXPECT_EQ(expected[5], data.data);

  ThreadCountScope three(3);  // each read also fans out to the pool
  const uint64_t tile = 64 * 48 * DataTypeSize(c.dtype) * static_cast<uint64_t>(c.count);
  auto shared = BlockCache::Create(64 * tile);
  struct Variant {
    const char* name;
    std::optional<uint64_t> bytes;
    std::shared_ptr<BlockCache> cache;
  };
  const Variant variants[] = {
      {"no cache", uint64_t{0}, nullptr},
      {"cache of 6 tiles (constant eviction)", 6 * tile, nullptr},
      {"shared cache of 64 tiles", std::nullopt, shared},
  };
  for (const Variant& v : variants) {
    OpenOptions o;
    o.block_cache_bytes = v.bytes;
    o.block_cache = v.cache;
    auto ds = Dataset::Open(path, o);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ReadConcurrently(**ds, reads, expected, 8, std::string(c.name) + ", " + v.name);
    if ((*ds)->block_cache()) {
      const BlockCacheStats s = (*ds)->block_cache()->stats();
      EXPECT_LE(s.bytes, (*ds)->block_cache()->capacity_bytes()) << v.name;
      EXPECT_GT(s.hits, 0u) << v.name;
    }
  }
  // Two Datasets of the same file on one shared cache, read at once.
  OpenOptions shared_options;
  shared_options.block_cache = shared;
  auto a = Dataset::Open(path, shared_options);
  auto b = Dataset::Open(path, shared_options);
  ASSERT_TRUE(a.ok() && b.ok());
  std::thread ta(
      [&] { ReadConcurrently(**a, reads, expected, 4, std::string(c.name) + ", dataset a"); });
  ReadConcurrently(**b, reads, expected, 4, std::string(c.name) + ", dataset b");
  ta.join();
}

// JPEG without a block cache goes through the row-band decoder (per-thread band buffers,
// rows copied as they come); with a cache, through whole blocks. Both, from many threads.
TEST(DatasetConcurrencyJpeg, RowAndBlockPathsEqualSerialReads) {
  if (!codec::IsSupported(codec::kJpeg)) GTEST_SKIP() << "jpeg not built";
  const std::string path = test::DataPath("fixtures/cog_u8_rgb_jpeg_mask_bs256.tif");
  OpenOptions serial_options;
  serial_options.block_cache_bytes = 0;
  auto serial = Dataset::Open(path, serial_options);
  ASSERT_TRUE(serial.ok()) << serial.status().ToString();
  const std::vector<ReadOptions> reads =
      MakeReads((*serial)->width(), (*serial)->height(), (*serial)->count(), 32, 5);
  std::vector<std::vector<uint8_t>> expected;
  ASSERT_NO_FATAL_FAILURE(SerialReads(**serial, reads, expected));
  ThreadCountScope three(3);
  for (std::optional<uint64_t> bytes :
       {std::optional<uint64_t>{0}, std::optional<uint64_t>{8ull << 20}}) {
    OpenOptions o;
    o.block_cache_bytes = bytes;
    auto ds = Dataset::Open(path, o);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ReadConcurrently(**ds, reads, expected, 8, *bytes == 0 ? "jpeg rows" : "jpeg blocks, cached");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, DatasetConcurrency,
    ::testing::Values(Case{"u16_pixel_deflate_pred2", DataType::kUInt16, 3,
                           write::Compression::kDeflate, 2, write::Interleave::kPixel},
                      Case{"f32_band_zstd_pred3", DataType::kFloat32, 2, write::Compression::kZstd,
                           3, write::Interleave::kBand},
                      Case{"u8_rgba_pixel_deflate", DataType::kUInt8, 4,
                           write::Compression::kDeflate, 2, write::Interleave::kPixel},
                      Case{"u8_single_lzw", DataType::kUInt8, 1, write::Compression::kLzw, 1,
                           write::Interleave::kPixel}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace cogr
