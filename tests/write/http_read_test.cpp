// A COG written by cogr, read back over HTTP (nginx on 127.0.0.1): opening costs the one prefix
// request, and a window read costs one request per coalesced run of the blocks it needs —
// GDAL's block leaders/trailers leave 8-byte gaps that coalescing must bridge.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "cogr/write.hpp"
#include "io/test_servers.hpp"
#include "read/resample.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

// A 1024 x 1024 uint16 COG of noise (deflate, 128² tiles, one 512² overview) in `dir`/cog.tif:
// blocks of ~32 KiB that do not compress, so the file is far larger than the open's prefix.
// Returns the pixels written.
Array WriteNoiseCog(const test::ScratchDir& dir, uint32_t seed) {
  write::Profile p;
  p.width = 1024;
  p.height = 1024;
  p.dtype = DataType::kUInt16;
  p.blockxsize = p.blockysize = 128;
  p.compress = write::Compression::kDeflate;
  p.overviews = {2};
  p.crs_epsg = 32618;
  p.transform = geo::Affine{10, 0, 583020, 0, -10, 4507980};
  Array data;
  data.dtype = DataType::kUInt16;
  data.bands = 1;
  data.height = data.width = 1024;
  data.data.resize(1024 * 1024 * 2);
  for (uint8_t& b : data.data) {
    seed = seed * 1664525u + 1013904223u;
    b = static_cast<uint8_t>(seed >> 24);
  }
  const Status st = write::WriteGeoTiff(dir.File("cog.tif"), p, data);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return data;
}

TEST(WriteHttp, WindowReadMakesOneRequestPerCoalescedRun) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  test::ScratchDir dir("http");
  const Array data = WriteNoiseCog(dir, 99);
  ASSERT_FALSE(::testing::Test::HasFailure());

  test::NginxServer nginx;
  if (!nginx.Start("    location /written/ { alias " + dir.path().string() + "/; }\n")) {
    FAIL() << nginx.error();
  }
  const std::string url = nginx.Url("written/cog.tif");
  const ReadOptions window_read = [] {
    ReadOptions o;
    o.window = geo::Window{100, 100, 200, 200};  // tiles 0..2 of block rows 0..2
    return o;
  }();

  for (uint64_t hole : {uint64_t{16}, uint64_t{1} << 20}) {
    io::SourceOptions o;
    o.memory_header_cache = false;
    o.persisted_header_cache = false;
    o.hole_size_limit = hole;
    o.max_ranges_per_request = 1;  // one request per coalesced run (no multi-range grouping)
    const size_t before_open = nginx.RequestCount();
    auto source = io::Open(url, o);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    auto ds = Dataset::Open(*source);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    EXPECT_TRUE((*ds)->is_cog());
    EXPECT_EQ(nginx.RequestCount() - before_open, 1u) << "open: one prefix request";

    // The blocks the window needs, and how they coalesce, from the file's own tile table.
    const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
    std::vector<ByteRange> needed;
    for (uint64_t row = 0; row < 3; ++row) {
      for (uint64_t col = 0; col < 3; ++col) {
        const size_t k = static_cast<size_t>(row * ifd.blocks_across() + col);
        needed.push_back({ifd.block_offsets()[k], ifd.block_byte_counts()[k]});
      }
    }
    const size_t runs = test::CoalescedRuns(needed, hole);
    EXPECT_EQ(runs, hole == 16 ? 3u : 1u);  // one per block row, or all rows in one

    const size_t before_read = nginx.RequestCount();
    auto got = (*ds)->Read(window_read);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(nginx.RequestCount() - before_read, runs) << "hole_size_limit " << hole;
    for (uint64_t y = 0; y < 200; ++y) {
      ASSERT_EQ(std::memcmp(got->data.data() + y * 200 * 2,
                            data.data.data() + ((100 + y) * 1024 + 100) * 2, 400),
                0)
          << "row " << y;
    }
  }
}

TEST(WriteHttp, OutShapeReadFetchesItsSourceRegionAtOnce) {
  // A 1024 x 1024 uint16 level read to 700 x 700 (no overview is small enough): 2 MiB of
  // source, which the nearest loop takes in chunks of about 1 MiB. The region is read once up
  // front, all its blocks in one coalesced run, and the chunks are served from memory: one
  // request instead of one per chunk.
  test::ScratchDir dir("http-outshape");
  const Array data = WriteNoiseCog(dir, 7);
  ASSERT_FALSE(::testing::Test::HasFailure());
  test::NginxServer nginx;
  if (!nginx.Start("    location /written/ { alias " + dir.path().string() + "/; }\n")) {
    FAIL() << nginx.error();
  }
  io::SourceOptions o;
  o.memory_header_cache = false;
  o.persisted_header_cache = false;
  o.max_ranges_per_request = 1;
  auto source = io::Open(nginx.Url("written/cog.tif"), o);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  OpenOptions no_cache;
  no_cache.block_cache_bytes = 0;  // every read fetches what it needs
  auto ds = Dataset::Open(*source, no_cache);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
  std::vector<ByteRange> blocks;
  for (size_t k = 0; k < ifd.block_offsets().size(); ++k)
    blocks.push_back({ifd.block_offsets()[k], ifd.block_byte_counts()[k]});
  const size_t runs = test::CoalescedRuns(blocks, o.hole_size_limit);
  ASSERT_EQ(runs, 1u);

  ReadOptions ro;
  ro.out_shape = std::pair<uint64_t, uint64_t>{700, 700};
  const size_t before = nginx.RequestCount();
  auto got = (*ds)->Read(ro);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(nginx.RequestCount() - before, runs);
  ASSERT_EQ(got->data.size(), size_t{700} * 700 * 2);
  // GDAL's nearest: columns by the accumulated step, rows by the direct formula.
  const std::vector<int64_t> xs = internal::NearestSourceIndexes(0, 1024, 700, 1024);
  for (int64_t j = 0; j < 700; ++j) {
    const int64_t y = static_cast<int64_t>((static_cast<double>(j) + 0.5) * (1024.0 / 700) + 1e-10);
    for (int64_t i = 0; i < 700; ++i) {
      const size_t src = static_cast<size_t>((y * 1024 + xs[static_cast<size_t>(i)]) * 2);
      const size_t dst = static_cast<size_t>((j * 700 + i) * 2);
      ASSERT_EQ(std::memcmp(got->data.data() + dst, data.data.data() + src, 2), 0)
          << "pixel (" << j << ", " << i << ")";
    }
  }

  // Bilinear reads the margins too: the same single request, and the same pixels as the local
  // file gives.
  ro.resampling = Resampling::kBilinear;
  auto source2 = io::Open(nginx.Url("written/cog.tif"), o);
  ASSERT_TRUE(source2.ok()) << source2.status().ToString();
  auto ds2 = Dataset::Open(*source2, no_cache);
  ASSERT_TRUE(ds2.ok()) << ds2.status().ToString();
  const size_t before_bilinear = nginx.RequestCount();
  auto remote = (*ds2)->Read(ro);
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_EQ(nginx.RequestCount() - before_bilinear, runs);
  auto local = Dataset::Open(dir.File("cog.tif"));
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  auto expected = (*local)->Read(ro);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  EXPECT_TRUE(remote->data == expected->data);
}

}  // namespace
}  // namespace cogr
