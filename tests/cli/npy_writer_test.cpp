// Unit tests of the .npy writer of `cogr read` (src/cli/npy_writer.cpp).
//
// The CLI sources belong to the cogr_cli executable, not to the library the tests link, so each
// helper's test compiles that helper: this file is the one place npy_writer.cpp enters cogr_tests.
#include "cli/npy_writer.cpp"  // NOLINT(bugprone-suspicious-include)

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <filesystem>

#include "test_util.hpp"

namespace cogr::cli {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class CliNpyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cogr_cli_npy_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> DirEntries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

Array MakeU16(uint64_t bands, uint64_t height, uint64_t width) {
  Array a;
  a.dtype = DataType::kUInt16;
  a.bands = bands;
  a.height = height;
  a.width = width;
  a.data.resize(bands * height * width * 2);
  uint16_t* p = a.as<uint16_t>();
  for (uint64_t i = 0; i < bands * height * width; ++i) p[i] = static_cast<uint16_t>(i * 257 + 1);
  return a;
}

TEST_F(CliNpyTest, HeaderBytesMatchNumpySave) {
  // numpy.save(f, np.zeros((1, 2, 3), '<u2')) with numpy 1.24+, byte for byte.
  std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
                         "{'descr': '<u2', 'fortran_order': False, 'shape': (1, 2, 3), }" +
                         std::string(55, ' ') + "\n";
  ASSERT_EQ(expected.size(), 128u);
  const uint64_t shape[] = {1, 2, 3};
  auto header = NpyHeader("'<u2'", shape);
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_EQ(*header, expected);
}

TEST_F(CliNpyTest, HeaderMatchesFixtureWrittenByNumpy) {
  // The expected arrays of the fixtures were written by numpy.save.
  std::vector<uint8_t> file = test::ReadFileBytes(
      test::DataPath("fixtures/expected/dt_uint8_deflate_t128.window_edge.npy"));
  ASSERT_GE(file.size(), 128u);
  const uint64_t shape[] = {1, 84, 115};
  auto header = NpyHeader("'|u1'", shape);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*header, std::string(file.begin(), file.begin() + 128));
}

TEST_F(CliNpyTest, HeaderAlwaysAlignedTo64) {
  // Lengths around the alignment edges, including an already-aligned dict (numpy then adds 64).
  for (std::string_view descr : {"'|u1'", "'<c16'", "[('re', '<i2'), ('im', '<i2')]"}) {
    for (uint64_t n : {0ull, 1ull, 9ull, 10ull, 99999ull, 1000000000ull, 18446744073709551615ull}) {
      const uint64_t shape[] = {n, n, n};
      auto header = NpyHeader(descr, shape);
      ASSERT_TRUE(header.ok());
      const std::string& h = *header;
      EXPECT_EQ(h.size() % 64, 0u) << descr << " " << n;
      EXPECT_EQ(h.back(), '\n');
      size_t hlen =
          static_cast<uint8_t>(h[8]) | (static_cast<size_t>(static_cast<uint8_t>(h[9])) << 8);
      EXPECT_EQ(hlen + 10, h.size());
      // numpy's formula: 21 - digits(shape[0]) growth spaces after the dict, then 1..64 spaces.
      size_t dict_end = h.find('}');
      size_t trailing = h.size() - 1 - (dict_end + 1);
      size_t growth = 21 - std::to_string(n).size();
      EXPECT_GE(trailing, growth + 1);
      EXPECT_LE(trailing, growth + 64);
    }
  }
  const uint64_t one[] = {5};
  EXPECT_NE(NpyHeader("'<f4'", one)->find("'shape': (5,), }"), std::string::npos);
  EXPECT_NE(NpyHeader("'<f4'", {})->find("'shape': (), }"), std::string::npos);
}

TEST_F(CliNpyTest, HeaderTooLongForVersion1IsAnError) {
  std::string descr = "'" + std::string(70000, 'x') + "'";
  const uint64_t shape[] = {1};
  auto header = NpyHeader(descr, shape);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().code(), Code::kInvalidArgument);
  EXPECT_NE(header.status().message().find("does not fit format 1.0 (max 65535)"),
            std::string::npos);
}

TEST_F(CliNpyTest, WriteAndReadBack) {
  Array a = MakeU16(2, 3, 4);
  std::string path = dir_ / "out.npy";
  ASSERT_TRUE(WriteNpyFile(path, a).ok());
  std::vector<uint8_t> bytes = test::ReadFileBytes(path);
  ASSERT_EQ(bytes.size(), 128u + 48u);
  test::Npy npy = test::ParseNpy(bytes);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.descr, "<u2");
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{2, 3, 4}));
  // Little-endian values in C order: element i is i * 257 + 1.
  ASSERT_EQ(npy.data.size(), 48u);
  for (size_t i = 0; i < 24; ++i) {
    uint16_t v = static_cast<uint16_t>(npy.data[2 * i] | (npy.data[2 * i + 1] << 8));
    EXPECT_EQ(v, static_cast<uint16_t>(i * 257 + 1)) << i;
  }
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"out.npy"}));
}

TEST_F(CliNpyTest, WritesEveryDtypeDescr) {
  struct Case {
    DataType dtype;
    std::string descr_in_header;
  };
  const Case cases[] = {
      {DataType::kUInt8, "'|u1'"},     {DataType::kInt8, "'|i1'"},
      {DataType::kInt16, "'<i2'"},     {DataType::kUInt32, "'<u4'"},
      {DataType::kInt64, "'<i8'"},     {DataType::kFloat32, "'<f4'"},
      {DataType::kFloat64, "'<f8'"},   {DataType::kCFloat32, "'<c8'"},
      {DataType::kCFloat64, "'<c16'"}, {DataType::kCInt16, "'<c8'"},  // widened like rasterio
      {DataType::kCInt32, "'<c16'"}};
  for (const Case& c : cases) {
    Array a;
    a.dtype = c.dtype;
    a.bands = 1;
    a.height = 2;
    a.width = 3;
    a.data.assign(6 * DataTypeSize(c.dtype), 0xab);
    std::string path = dir_ / "t.npy";
    ASSERT_TRUE(WriteNpyFile(path, a).ok()) << DataTypeName(c.dtype);
    std::vector<uint8_t> bytes = test::ReadFileBytes(path);
    std::string text(bytes.begin(), bytes.end());
    EXPECT_NE(text.find("{'descr': " + c.descr_in_header +
                        ", 'fortran_order': False, "
                        "'shape': (1, 2, 3), }"),
              std::string::npos)
        << DataTypeName(c.dtype);
    const size_t written_sample = c.dtype == DataType::kCInt16   ? 8
                                  : c.dtype == DataType::kCInt32 ? 16
                                                                 : DataTypeSize(c.dtype);
    EXPECT_EQ(bytes.size() % 64, (6 * written_sample) % 64);
  }
}

TEST_F(CliNpyTest, EmptyArrayWritesHeaderOnly) {
  Array a = MakeU16(1, 0, 5);
  std::string path = dir_ / "empty.npy";
  ASSERT_TRUE(WriteNpyFile(path, a).ok());
  test::Npy npy = test::LoadNpy(path);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, 0, 5}));
  EXPECT_TRUE(npy.data.empty());
}

TEST_F(CliNpyTest, ReplacesExistingFile) {
  std::string path = dir_ / "out.npy";
  ASSERT_TRUE(WriteNpyFile(path, MakeU16(1, 1, 1)).ok());
  ASSERT_TRUE(WriteNpyFile(path, MakeU16(1, 2, 2)).ok());
  test::Npy npy = test::LoadNpy(path);
  ASSERT_TRUE(npy.ok);
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, 2, 2}));
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"out.npy"}));
}

TEST_F(CliNpyTest, MissingDirectoryFailsAndLeavesNothing) {
  std::string path = dir_ / "no_such_dir" / "out.npy";
  Status s = WriteNpyFile(path, MakeU16(1, 2, 3));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kIoError);
  EXPECT_EQ(s.message(), path + ": cannot create temporary file " + path + ".tmp." +
                             std::to_string(getpid()) + ": No such file or directory");
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(CliNpyTest, DirectoryTargetFailsBeforeWritingAndKeepsIt) {
  fs::path target = dir_ / "out.npy";
  fs::create_directories(target / "child");
  Status s = WriteNpyFile(target, MakeU16(1, 2, 3));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), target.string() + ": is a directory");
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"out.npy"}));
  EXPECT_TRUE(fs::is_directory(target / "child"));
}

TEST_F(CliNpyTest, SymlinkAtTempNameIsNotWrittenThrough) {
  // A symlink planted at the temporary name is removed, never followed: the victim is untouched.
  std::string path = dir_ / "out.npy";
  fs::path victim = dir_ / "victim";
  fs::create_symlink(victim, path + ".tmp." + std::to_string(getpid()));
  ASSERT_TRUE(WriteNpyFile(path, MakeU16(1, 2, 3)).ok());
  EXPECT_FALSE(fs::exists(victim));
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"out.npy"}));
  test::Npy npy = test::LoadNpy(path);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, 2, 3}));
}

TEST_F(CliNpyTest, SymlinkOutputWritesItsTargetAndKeepsMode) {
  fs::path real = dir_ / "real.npy";
  ASSERT_TRUE(WriteNpyFile(real, MakeU16(1, 1, 1)).ok());
  ASSERT_EQ(::chmod(real.c_str(), 0600), 0);
  fs::create_symlink("real.npy", dir_ / "link.npy");
  ASSERT_TRUE(WriteNpyFile(dir_ / "link.npy", MakeU16(1, 2, 2)).ok());
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.npy"));
  struct stat st {};
  ASSERT_EQ(::stat(real.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  test::Npy npy = test::LoadNpy(real);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, 2, 2}));
}

// NpyOutput writes the bytes WriteNpyFile writes, whether it maps the file (disk file systems)
// or fills anonymous memory that Commit writes out (tmpfs). Every byte of the view is written
// here, as a read does.
void CheckNpyOutputIn(const fs::path& dir, bool expect_mapped) {
  const std::string path = dir / ("cogr_npy_output_" + std::to_string(getpid()) + ".npy");
  const Array expected = MakeU16(2, 300, 1000);  // 1.2 MB: several huge pages on tmpfs
  auto out = NpyOutput::Create(path, DataType::kUInt16, 2, 300, 1000);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)->mapped_file(), expect_mapped);
  const ArrayView& view = (*out)->view();
  ASSERT_EQ(view.bands, 2u);
  std::memcpy(view.data, expected.data.data(), expected.data.size());
  EXPECT_FALSE(fs::exists(path));  // nothing at OUT before Commit
  ASSERT_TRUE((*out)->Commit().ok());
  test::Npy npy = test::LoadNpy(path);
  ASSERT_TRUE(npy.ok) << npy.error;
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{2, 300, 1000}));
  EXPECT_EQ(npy.data, std::vector<uint8_t>(expected.data.begin(), expected.data.end()));
  const std::string reference = path + ".ref.npy";
  ASSERT_TRUE(WriteNpyFile(reference, expected).ok());
  EXPECT_EQ(test::ReadFileBytes(path), test::ReadFileBytes(reference));
  fs::remove(path);
  fs::remove(reference);
}

bool IsTmpfs(const fs::path& dir) {
  struct statfs s {};
  return statfs(dir.c_str(), &s) == 0 && static_cast<unsigned long>(s.f_type) == TMPFS_MAGIC;
}

TEST_F(CliNpyTest, NpyOutputInThisDirectory) { CheckNpyOutputIn(dir_, !IsTmpfs(dir_)); }

TEST_F(CliNpyTest, NpyOutputOnTmpfsUsesMemoryThenWrites) {
  if (!IsTmpfs("/dev/shm")) GTEST_SKIP() << "/dev/shm is not a tmpfs on this machine";
  CheckNpyOutputIn("/dev/shm", false);
}

TEST_F(CliNpyTest, NpyOutputNotCommittedLeavesNothing) {
  const std::string path = dir_ / "never.npy";
  {
    auto out = NpyOutput::Create(path, DataType::kUInt8, 1, 10, 10);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(DirEntries().size(), 1u);  // the temporary file
  }
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(CliNpyTest, WriteErrorRemovesTempAndKeepsTarget) {
  // A file size limit makes write() fail with EFBIG half-way through the data.
  std::string path = dir_ / "out.npy";
  ASSERT_TRUE(WriteNpyFile(path, MakeU16(1, 1, 1)).ok());
  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 1000;
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  Status s = WriteNpyFile(path, MakeU16(1, 100, 100));  // 20 KB of data
  setrlimit(RLIMIT_FSIZE, &old_limit);
  signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kIoError);
  EXPECT_EQ(s.message(), path + ": cannot write " + path + ".tmp." + std::to_string(getpid()) +
                             ": File too large");
  // The earlier file is intact and no temporary file is left.
  EXPECT_EQ(DirEntries(), (std::vector<std::string>{"out.npy"}));
  test::Npy npy = test::LoadNpy(path);
  ASSERT_TRUE(npy.ok);
  EXPECT_EQ(npy.shape, (std::vector<uint64_t>{1, 1, 1}));
}

TEST_F(CliNpyTest, UnknownDtypeIsRejected) {
  Array a;
  std::string path = dir_ / "x.npy";
  Status s = WriteNpyFile(path, a);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_EQ(s.message(), path + ": no .npy type for data type unknown");
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(CliNpyTest, LittleEndianDataIsIdentityOnThisHost) {
  Array a = MakeU16(1, 1, 2);
  std::vector<uint8_t> scratch;
  std::span<const uint8_t> data = LittleEndianData(a, scratch);
  if constexpr (std::endian::native == std::endian::little) {
    EXPECT_EQ(data.data(), a.data.data());
  }
  EXPECT_EQ(data[0], 1);  // 1 little-endian
  EXPECT_EQ(data[1], 0);
  EXPECT_EQ(data[2], 2);  // 258 = 0x0102
  EXPECT_EQ(data[3], 1);
}

}  // namespace
}  // namespace cogr::cli
