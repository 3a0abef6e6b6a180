// `cogr read` decodes into the mapped output file: same bytes as numpy's files, and a read that
// fails after the temporary file exists leaves nothing behind.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_run_util.hpp"
#include "cli/streamed_fixture.hpp"
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
  EXPECT_EQ(test::ReadFileBytes(out).size() % 64, (3u * 120 * 150 * 2) % 64)
      << "header is a multiple of 64";
  EXPECT_EQ(Entries(), std::vector<std::string>{"b.npy"});
}

TEST_F(ReadInPlace, CorruptBlockAfterTheOutputExistsLeavesNothing) {
  // The last tile's bytes are garbage: the read fails while decoding into the mapped file.
  const std::string fixture = test::DataPath("fixtures/dt_uint8_deflate_t128.tif");
  auto ds = Dataset::Open(fixture);
  ASSERT_TRUE(ds.ok());
  const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
  ASSERT_FALSE(ifd.block_offsets().empty());
  std::vector<uint8_t> bytes = test::ReadFileBytes(fixture);
  const uint64_t off = ifd.block_offsets().back(), len = ifd.block_byte_counts().back();
  ASSERT_LE(off + len, bytes.size());
  for (uint64_t i = 0; i < len; ++i)
    bytes[static_cast<size_t>(off + i)] = static_cast<uint8_t>(0xFF - i);
  const std::string corrupt = (dir_ / "corrupt.tif").string();
  std::ofstream(corrupt, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  const std::string out = (dir_ / "o.npy").string();
  std::ofstream(out) << "previous";
  test::CliRun r = Run({"read", corrupt, "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("cogr: error: " + corrupt + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("block " + std::to_string(ifd.block_offsets().size() - 1) + " of IFD 0"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(test::ReadFileText(out), "previous");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"corrupt.tif", "o.npy"}))
      << "no temporary file left";
}

TEST_F(ReadInPlace, AbsurdShapesAreLimitErrorsAndCreateNothing) {
  const std::string file = test::DataPath("fixtures/b7_u16_band_deflate_t128.tif");
  const std::string out = (dir_ / "o.npy").string();
  const std::string limit = std::to_string(DefaultMaxReadBytes());
  test::CliRun r = Run({"read", file, "--bands", "1", "--out-shape", "100000,100000", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "cogr: error: " + file +
          ": out_shape read of 1 x 100000 x 100000 samples (20000000000 bytes, 40000000000 with the resampler's buffers) exceeds max_read_bytes " +
          limit + "\n");
  r = Run(
      {"read", file, "--bands", "1", "--window", "0,0,100000,100000", "--boundless", "-o", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "cogr: error: " + file +
          ": read of 1 x 100000 x 100000 samples (20000000000 bytes) exceeds max_read_bytes " +
          limit + "\n");
  EXPECT_TRUE(Entries().empty());
}

// On tmpfs (/dev/shm) a local plain read is streamed: strips of block rows read into two reused
// buffers and written while the next strip decodes. The file must hold exactly what the mapped
// path (a disk directory) and Dataset::Read give, for whole reads, windows that start inside a
// block row, and boundless windows that start above the image.
TEST_F(ReadInPlace, StreamedStripsOnTmpfsEqualTheMappedFileAndRead) {
  struct statfs s {};
  ASSERT_EQ(statfs("/dev/shm", &s), 0) << "the streamed path writes to /dev/shm";
  ASSERT_EQ(static_cast<unsigned long>(s.f_type), static_cast<unsigned long>(TMPFS_MAGIC))
      << "/dev/shm is not a tmpfs: the streamed path cannot be tested";
  const std::string file = (dir_ / "big.tif").string();
  ASSERT_TRUE(test::WriteStreamedImage(file).ok());
  auto ds = Dataset::Open(file);
  ASSERT_TRUE(ds.ok());

  const std::string shm = "/dev/shm/cogr_streamed_" + std::to_string(getpid()) + ".npy";
  struct Case {
    std::vector<std::string> args;
    ReadOptions options;
  };
  std::vector<Case> cases(3);
  cases[1].args = {"--window", "7,300,2500,2700"};
  cases[1].options.window = geo::Window{7, 300, 2500, 2700};
  cases[2].args = {"--window", "-5,-700,2600,4000", "--boundless", "--bands", "2"};
  cases[2].options.window = geo::Window{-5, -700, 2600, 4000};
  cases[2].options.boundless = true;
  cases[2].options.bands = {2};
  for (const Case& c : cases) {
    std::vector<std::string> argv = {"read", file};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    std::vector<std::string> to_shm = argv, to_disk = argv;
    to_shm.insert(to_shm.end(), {"-o", shm});
    to_disk.insert(to_disk.end(), {"-o", (dir_ / "disk.npy").string()});
    test::CliRun a = Run(to_shm);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    test::CliRun b = Run(to_disk);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const std::vector<uint8_t> streamed = test::ReadFileBytes(shm);
    std::filesystem::remove(shm);
    EXPECT_EQ(streamed, test::ReadFileBytes((dir_ / "disk.npy").string())) << c.args.size();
    auto want = (*ds)->Read(c.options);
    ASSERT_TRUE(want.ok()) << want.status().message();
    ASSERT_GE(streamed.size(), want->data.size());
    EXPECT_TRUE(std::equal(want->data.begin(), want->data.end(),
                           streamed.end() - static_cast<ptrdiff_t>(want->data.size())))
        << c.args.size();
  }
}

// An output that cannot grow past 1 MiB (RLIMIT_FSIZE, SIGXFSZ ignored, as a full file system
// would refuse it): on tmpfs the strips' write fails mid-read, on a disk directory the space is
// reserved before the read. Either way one error line that names the output, not the input,
// and no file left, the old output untouched.
TEST_F(ReadInPlace, AnOutputThatCannotGrowFailsNamingItAndLeavesNothing) {
  const std::string file = (dir_ / "big.tif").string();
  ASSERT_TRUE(test::WriteStreamedImage(file).ok());
  const std::string stem = "cogr_full_" + std::to_string(getpid());
  const std::vector<std::string> limited = {"sh", "-c",
                                            "trap '' XFSZ; ulimit -f 2048 && exec \"$@\"", "sh"};
  for (const fs::path& dir : {fs::path("/dev/shm"), dir_}) {
    SCOPED_TRACE(dir.string());
    const std::string out = (dir / (stem + ".npy")).string();
    std::ofstream(out) << "previous";
    test::CliRun r = test::RunCogr(dir_, {"read", file, "-o", out}, limited);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err.rfind("cogr: error: " + out + ": cannot ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(file), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_EQ(test::ReadFileText(out), "previous");
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename();
      if (name.rfind(stem, 0) == 0 && name != stem + ".npy") left.push_back(name);
    }
    EXPECT_TRUE(left.empty()) << left.front();
    fs::remove(out);
  }
  // Without the limit the same command succeeds (the limit, not the read, failed it).
  const std::string out = "/dev/shm/" + stem + ".npy";
  test::CliRun r = Run({"read", file, "-o", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::remove(out);
}

}  // namespace
}  // namespace cogr
