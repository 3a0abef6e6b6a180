// Unit tests of the output-file guard (src/cli/output_file.cpp): symlinks, modes, directories,
// commit and discard. The commands' use of it is tested end to end in output_file_cli_test.cpp.
//
// This file is the one place output_file.cpp enters cogr_tests.
#include "cli/output_file.cpp"  // NOLINT(bugprone-suspicious-include)

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_util.hpp"

namespace cogr::cli {
namespace {

namespace fs = std::filesystem;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("cogr_output_file_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string P(const std::string& name) const { return (dir_ / name).string(); }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  static void WriteFd(int fd, const std::string& text) {
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  static unsigned Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return static_cast<unsigned>(st.st_mode & 07777);
  }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
};

TEST_F(OutputFileTest, NewFileAppearsOnlyOnCommit) {
  auto out = OutputFile::Create(P("new.bin"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)->target(), P("new.bin"));
  EXPECT_EQ((*out)->temp_path(), P("new.bin") + ".tmp." + std::to_string(getpid()));
  ASSERT_GE((*out)->fd(), 0);
  WriteFd((*out)->fd(), "hello");
  EXPECT_FALSE(fs::exists(P("new.bin")));  // only the temporary file so far
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_EQ(test::ReadFileText(P("new.bin")), "hello");
  EXPECT_EQ(Entries(), std::vector<std::string>{"new.bin"});
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(Mode(P("new.bin")), 0666u & ~static_cast<unsigned>(mask));
}

TEST_F(OutputFileTest, DestructorAndDiscardRemoveTheTemporaryFile) {
  Write(P("keep.bin"), "old");
  {
    auto out = OutputFile::Create(P("keep.bin"));
    ASSERT_TRUE(out.ok());
    WriteFd((*out)->fd(), "partial");
    EXPECT_EQ(Entries().size(), 2u);
  }  // an error path: never committed
  EXPECT_EQ(Entries(), std::vector<std::string>{"keep.bin"});
  EXPECT_EQ(test::ReadFileText(P("keep.bin")), "old");
  auto out = OutputFile::Create(P("keep.bin"));
  ASSERT_TRUE(out.ok());
  (*out)->Discard();
  (*out)->Discard();  // idempotent
  EXPECT_EQ(Entries(), std::vector<std::string>{"keep.bin"});
  EXPECT_FALSE((*out)->Commit().ok());
}

TEST_F(OutputFileTest, ReplacingKeepsThePermissionBits) {
  for (unsigned mode : {0600u, 0640u, 0755u, 0444u}) {
    const std::string path = P("m" + std::to_string(mode) + ".bin");
    Write(path, "old");
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto out = OutputFile::Create(path);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    WriteFd((*out)->fd(), "new");
    ASSERT_TRUE((*out)->Commit().ok());
    EXPECT_EQ(test::ReadFileText(path), "new");
    EXPECT_EQ(Mode(path), mode) << std::oct << mode;
  }
}

TEST_F(OutputFileTest, KeepsTheModeWhenAWriterReplacesTheTemporaryFile) {
  // What the GeoTIFF and .npy writers do when given temp_path(): their own temporary name,
  // then a rename over it (a new inode with their default mode).
  Write(P("w.tif"), "old");
  ASSERT_EQ(::chmod(P("w.tif").c_str(), 0600), 0);
  auto out = OutputFile::Create(P("w.tif"));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->CloseFd().ok());
  const std::string inner = (*out)->temp_path() + ".tmp." + std::to_string(getpid());
  Write(inner, "written by a writer");
  ASSERT_EQ(::chmod(inner.c_str(), 0644), 0);
  ASSERT_EQ(std::rename(inner.c_str(), (*out)->temp_path().c_str()), 0);
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_EQ(test::ReadFileText(P("w.tif")), "written by a writer");
  EXPECT_EQ(Mode(P("w.tif")), 0600u);
}

TEST_F(OutputFileTest, SymlinkReplacesTheFileItPointsTo) {
  fs::create_directories(dir_ / "real");
  Write(P("real/data.npy"), "old");
  ASSERT_EQ(::chmod(P("real/data.npy").c_str(), 0600), 0);
  fs::create_symlink("real/data.npy", dir_ / "link1.npy");  // relative to the link's directory
  fs::create_symlink(P("link1.npy"), dir_ / "link2.npy");   // a chain, absolute
  auto out = OutputFile::Create(P("link2.npy"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)->path(), P("link2.npy"));
  EXPECT_EQ((*out)->target(), P("real/data.npy"));
  EXPECT_EQ((*out)->temp_path(), P("real/data.npy") + ".tmp." + std::to_string(getpid()));
  WriteFd((*out)->fd(), "new");
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_TRUE(fs::is_symlink(dir_ / "link1.npy"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "link2.npy"));
  EXPECT_EQ(test::ReadFileText(P("real/data.npy")), "new");
  EXPECT_EQ(test::ReadFileText(P("link2.npy")), "new");
  EXPECT_EQ(Mode(P("real/data.npy")), 0600u);
}

TEST_F(OutputFileTest, DanglingSymlinkCreatesItsTarget) {
  fs::create_symlink("made.npy", dir_ / "dangling.npy");
  auto out = OutputFile::Create(P("dangling.npy"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  WriteFd((*out)->fd(), "x");
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_TRUE(fs::is_symlink(dir_ / "dangling.npy"));
  EXPECT_EQ(test::ReadFileText(P("made.npy")), "x");
}

TEST_F(OutputFileTest, RefusesDirectoriesLoopsAndSpecialFiles) {
  fs::create_directories(dir_ / "d");
  auto d = OutputFile::Create(P("d"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(d.status().message(), P("d") + ": is a directory");
  fs::create_directory_symlink("d", dir_ / "dlink");
  auto dl = OutputFile::Create(P("dlink"));
  ASSERT_FALSE(dl.ok());
  EXPECT_EQ(dl.status().message(), P("dlink") + ": is a directory");
  fs::create_symlink("loop_b", dir_ / "loop_a");
  fs::create_symlink("loop_a", dir_ / "loop_b");
  auto loop = OutputFile::Create(P("loop_a"));
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.status().message(), P("loop_a") + ": more than 40 levels of symbolic links");
  auto dev = OutputFile::Create("/dev/null");
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.status().message(),
            "/dev/null: is not a regular file (cogr replaces the output file)");
  auto missing = OutputFile::Create(P("no/such/dir/x.npy"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kIoError);
  EXPECT_EQ(missing.status().message(),
            P("no/such/dir/x.npy") + ": cannot create temporary file " + P("no/such/dir/x.npy") +
                ".tmp." + std::to_string(getpid()) + ": No such file or directory");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"d", "dlink", "loop_a", "loop_b"}));
}

TEST_F(OutputFileTest, StaleTemporaryFileOfThisPidIsReplaced) {
  const std::string stale = P("s.npy") + ".tmp." + std::to_string(getpid());
  Write(stale, "left by a killed run");
  auto out = OutputFile::Create(P("s.npy"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  WriteFd((*out)->fd(), "fresh");
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_EQ(test::ReadFileText(P("s.npy")), "fresh");
  EXPECT_EQ(Entries(), std::vector<std::string>{"s.npy"});
}

TEST_F(OutputFileTest, RenameNamesTheUsersFileInWriterMessages) {
  auto out = OutputFile::Create(P("o.tif"));
  ASSERT_TRUE(out.ok());
  const std::string t = (*out)->temp_path();
  EXPECT_EQ((*out)->Rename(t + ": cannot write " + t + ".tmp.7: No space left on device"),
            P("o.tif") + ": cannot write " + P("o.tif") + ".tmp.7: No space left on device");
  EXPECT_EQ((*out)->Rename("unrelated"), "unrelated");
}

}  // namespace
}  // namespace cogr::cli
