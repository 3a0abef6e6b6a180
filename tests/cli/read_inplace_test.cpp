// `cogr read` decodes into the mapped output file: same bytes as numpy's files, and a read that
// fails after the temporary file exists leaves nothing behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

namespace fs = std::filesystem;

class ReadInPlace : public test::CliFixture {
 protected:
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(ReadInPlace, MultiBandFloatAndWindowBytesEqualWriteNpy) {
  // Band subset of a band-interleaved uint16 file: the mapped file holds what Read gives.
  const std::string file = test::DataPath("fixtures/b7_u16_band_deflate_t128.tif");
  const std::string out = (dir_ / "b.npy").string();
  test::CliRun r = Run({"read", file, "--bands", "7,1,3", "--window", "5,6,150,120", "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto ds = Dataset::Open(file);
  ASSERT_TRUE(ds.ok());
  ReadOptions o;
  o.bands = {7, 1, 3};
  o.window = geo::Window{5, 6, 150, 120};
  auto want = (*ds)->Read(o);
  ASSERT_TRUE(want.ok());
  test::Npy npy = test::LoadNpy(out);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.descr, "<u2");
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{3, 120, 150}));
  EXPECT_TRUE(Buffer(npy.data) == want->data);
  EXPECT_EQ(test::ReadFileBytes(out).size() % 64, (3u * 120 * 150 * 2) % 64) << "header is a multiple of 64";
  EXPECT_EQ(Entries(), std::vector<std::string>{"b.npy"});
}

TEST_F(ReadInPlace, CorruptBlockAfterTheOutputExistsLeavesNothing) {
  // The last tile's bytes are garbage: the read fails while decoding into the mapped file.
  const std::string fixture = test::DataPath("fixtures/dt_uint8_deflate_t128.tif");
  auto ds = Dataset::Open(fixture);
  ASSERT_TRUE(ds.ok());
  const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
  ASSERT_FALSE(ifd.block_offsets.empty());
  std::vector<uint8_t> bytes = test::ReadFileBytes(fixture);
  const uint64_t off = ifd.block_offsets.back(), len = ifd.block_byte_counts.back();
  ASSERT_LE(off + len, bytes.size());
  for (uint64_t i = 0; i < len; ++i) bytes[static_cast<size_t>(off + i)] = static_cast<uint8_t>(0xFF - i);
  const std::string corrupt = (dir_ / "corrupt.tif").string();
  std::ofstream(corrupt, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                 static_cast<std::streamsize>(bytes.size()));
  const std::string out = (dir_ / "o.npy").string();
  std::ofstream(out) << "previous";
  test::CliRun r = Run({"read", corrupt, "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("cogr: error: " + corrupt + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("block " + std::to_string(ifd.block_offsets.size() - 1) + " of IFD 0"), std::string::npos)
      << r.err;
  EXPECT_EQ(test::ReadFileText(out), "previous");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"corrupt.tif", "o.npy"})) << "no temporary file left";
}

TEST_F(ReadInPlace, AbsurdShapesAreLimitErrorsAndCreateNothing) {
  const std::string file = test::DataPath("fixtures/b7_u16_band_deflate_t128.tif");
  const std::string out = (dir_ / "o.npy").string();
  const std::string limit = std::to_string(DefaultMaxReadBytes());
  test::CliRun r = Run({"read", file, "--bands", "1", "--out-shape", "100000,100000", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cogr: error: " + file +
                       ": out_shape read of 1 x 100000 x 100000 samples (20000000000 bytes, 40000000000 with the resampler's buffers) exceeds max_read_bytes " +
                       limit + "\n");
  r = Run({"read", file, "--bands", "1", "--window", "0,0,100000,100000", "--boundless", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "cogr: error: " + file +
                       ": read of 1 x 100000 x 100000 samples (20000000000 bytes) exceeds max_read_bytes " + limit +
                       "\n");
  EXPECT_TRUE(Entries().empty());
}

}  // namespace
}  // namespace cogr
