// libcurl, PROJ, libtiff, libcrypto, libwebp, libpng, LERC and liblzma are opened with dlopen when first needed
// (util/dynamic_library.hpp): a local read loads none of them, the path that needs one loads
// exactly it, and a library that cannot be loaded gives kUnsupported naming it and dlerror().
// Each case runs cogr_load_probe (tests/startup/load_probe.cpp) in a fresh process: this test
// binary links libtiff and has loaded whatever earlier tests needed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "cli/cli_run_util.hpp"
#include "cogr/build_info.hpp"
#include "dynamic_library_names.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"
#include "util/dynamic_library.hpp"

namespace cogr::test {
namespace {

struct ProbeRun {
  int exit_code = -1;
  std::string status;          ///< "ok" or "<code>: <message>"
  std::set<std::string> libs;  ///< file names of the loaded shared objects
  std::string err;
};

bool HasFeature(const std::string& name) {
  const auto features = GetBuildInfo().features;
  return std::find(features.begin(), features.end(), name) != features.end();
}

/// True when `libs` has a file whose name starts with `prefix` ("libcurl.so").
bool Loaded(const std::set<std::string>& libs, const std::string& prefix) {
  return std::any_of(libs.begin(), libs.end(),
                     [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

class LazyLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!COGR_LAZY_LOAD) GTEST_SKIP() << "built with COGR_LAZY_LOAD=OFF: the libraries are linked";
    dir_ = std::filesystem::temp_directory_path() /
           ("cogr_lazy_load_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  /// Runs `env` (VAR=value words, may be empty) cogr_load_probe command uri.
  ProbeRun Probe(const std::string& env, const std::string& command, const std::string& uri) {
    const CliRun run =
        RunProgram(dir_, COGR_LOAD_PROBE_PATH, {command, uri},
                   env.empty() ? std::vector<std::string>{} : std::vector<std::string>{"env", env});
    ProbeRun r;
    r.exit_code = run.exit_code;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("status: ", 0) == 0) r.status = line.substr(8);
      if (line.rfind("lib: ", 0) == 0) r.libs.insert(line.substr(5));
    }
    r.err = run.err;
    return r;
  }

  std::filesystem::path dir_;
};

TEST_F(LazyLoadTest, LocalReadLoadsNoOptionalLibrary) {
  const ProbeRun r = Probe("", "read", DataPath("sample.tif"));  // zstd, EPSG:3857
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, "ok");
  EXPECT_TRUE(Loaded(r.libs, "libc.so")) << "the probe lists loaded libraries";
  for (const char* lib : {"libcurl", "libproj", "libtiff", "libcrypto", "libssl", "libsqlite3",
                          "libgnutls", "libwebp", "libpng", "libLerc", "liblzma"}) {
    EXPECT_FALSE(Loaded(r.libs, lib)) << lib << " was loaded by a local read";
  }
}

TEST_F(LazyLoadTest, CrsLoadsProj) {
  if (!HasFeature("proj")) GTEST_SKIP() << "built without PROJ";
#ifdef COGR_PROJ_SONAME
  const ProbeRun r = Probe("", "crs", DataPath("sample.tif"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, "ok");
  EXPECT_TRUE(r.libs.count(COGR_PROJ_SONAME)) << COGR_PROJ_SONAME << " not loaded for a CRS";
#endif
}

TEST_F(LazyLoadTest, PngQuicklookLoadsLibpng) {
#ifdef COGR_PNG_SONAME
  const ProbeRun r = Probe("", "png", DataPath("sample.tif"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, "ok");
  EXPECT_TRUE(r.libs.count(COGR_PNG_SONAME)) << COGR_PNG_SONAME << " not loaded for a PNG";
  EXPECT_FALSE(Loaded(r.libs, "libcurl"));
  EXPECT_FALSE(Loaded(r.libs, "libproj"));
#else
  GTEST_SKIP() << "libpng is linked (COGR_LAZY_LOAD=OFF) or absent";
#endif
}

TEST_F(LazyLoadTest, LongTailDecodeLoadsLibtiff) {
  if (!HasFeature("libtiff")) GTEST_SKIP() << "built without libtiff";
#ifdef COGR_LIBTIFF_SONAME
  const ProbeRun r = Probe("", "read", DataPath("longtail/ccitt_g4_lsb2msb.tif"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, "ok");
  EXPECT_TRUE(r.libs.count(COGR_LIBTIFF_SONAME))
      << COGR_LIBTIFF_SONAME << " not loaded for CCITT G4";
  EXPECT_FALSE(Loaded(r.libs, "libcurl"));
  EXPECT_FALSE(Loaded(r.libs, "libproj"));
#endif
}

TEST_F(LazyLoadTest, RemoteOpenLoadsCurl) {
  if (!HasFeature("curl")) GTEST_SKIP() << "built without libcurl";
#ifdef COGR_CURL_SONAME
  // Nothing listens on the port: the open fails after libcurl was loaded to try it.
  const std::string url = "http://127.0.0.1:" + std::to_string(FreePort()) + "/sample.tif";
  const ProbeRun r = Probe("", "read", url);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.status, "ok");
  EXPECT_EQ(r.status.rfind("unsupported", 0), std::string::npos) << r.status;
  EXPECT_TRUE(r.libs.count(COGR_CURL_SONAME)) << COGR_CURL_SONAME << " not loaded for " << url;
  EXPECT_FALSE(Loaded(r.libs, "libproj"));
#endif
}

// COGR_LIBCURL / COGR_LIBPROJ / COGR_LIBTIFF name the file dlopen opens (docs/install.md).
constexpr const char* kMissing = "libcogr-test-missing.so.0";
const std::string kDlerror =
    std::string(kMissing) + ": cannot open shared object file: No such file or directory";

TEST_F(LazyLoadTest, MissingCurlIsUnsupportedNamingUriAndLibrary) {
  if (!HasFeature("curl")) GTEST_SKIP() << "built without libcurl";
  const std::string url = "http://127.0.0.1:" + std::to_string(FreePort()) + "/sample.tif";
  const ProbeRun r = Probe(std::string("COGR_LIBCURL=") + kMissing, "read", url);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status,
            "unsupported: " + url + ": " + kMissing + " could not be loaded: " + kDlerror);
  EXPECT_FALSE(Loaded(r.libs, "libcurl"));
}

TEST_F(LazyLoadTest, MissingCurlCliError) {
  if (!HasFeature("curl")) GTEST_SKIP() << "built without libcurl";
  const std::string url = "http://127.0.0.1:" + std::to_string(FreePort()) + "/sample.tif";
  const std::string out = dir_ / "x.npy";
  const CliRun r =
      RunCogr(dir_, {"read", url, "-o", out}, {"env", std::string("COGR_LIBCURL=") + kMissing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "cogr: error: " + url + ": " + kMissing + " could not be loaded: " + kDlerror + "\n");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(LazyLoadTest, MissingProjIsUnsupported) {
  if (!HasFeature("proj")) GTEST_SKIP() << "built without PROJ";
  const std::string path = DataPath("sample.tif");
  const ProbeRun r = Probe(std::string("COGR_LIBPROJ=") + kMissing, "crs", path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status,
            "unsupported: " + path + ": " + kMissing + " could not be loaded: " + kDlerror);
  EXPECT_FALSE(Loaded(r.libs, "libproj"));
}

TEST_F(LazyLoadTest, MissingLibtiffIsUnsupported) {
  if (!HasFeature("libtiff")) GTEST_SKIP() << "built without libtiff";
  const std::string path = DataPath("longtail/ccitt_g4_lsb2msb.tif");
  const ProbeRun r = Probe(std::string("COGR_LIBTIFF=") + kMissing, "read", path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, "unsupported: " + path + ": block 0 of IFD 0: " + kMissing +
                          " could not be loaded: " + kDlerror);
  EXPECT_FALSE(Loaded(r.libs, "libtiff"));
}

// In process: the loader itself (no global state).
TEST(DynamicLibrary, MissingFileNamesItAndDlerror) {
  const internal::DynamicLibrarySpec spec{kMissing, nullptr};
  void* slot = nullptr;
  const Status s = internal::LoadDynamicLibrary(spec, {{"strlen", &slot}});
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_EQ(s.message(), std::string(kMissing) + " could not be loaded: " + kDlerror);
  EXPECT_EQ(slot, nullptr);
}

TEST(DynamicLibrary, MissingSymbolLeavesEverySlotUnset) {
  const internal::DynamicLibrarySpec spec{"libc.so.6", nullptr};
  void* found = nullptr;
  void* missing = nullptr;
  const Status s = internal::LoadDynamicLibrary(
      spec, {{"strlen", &found}, {"cogr_test_no_such_symbol", &missing}});
  EXPECT_EQ(s.code(), Code::kUnsupported);
  EXPECT_EQ(s.message().rfind(
                "libc.so.6 could not be loaded: it has no symbol cogr_test_no_such_symbol", 0),
            0u)
      << s.message();
  EXPECT_EQ(found, nullptr);
  EXPECT_EQ(missing, nullptr);
}

TEST(DynamicLibrary, ResolvesSymbols) {
  const internal::DynamicLibrarySpec spec{"libc.so.6", nullptr};
  void* slot = nullptr;
  ASSERT_TRUE(internal::LoadDynamicLibrary(spec, {{"strlen", &slot}}).ok());
  ASSERT_NE(slot, nullptr);
  using StrlenFn = size_t (*)(const char*);
  EXPECT_EQ(reinterpret_cast<StrlenFn>(slot)("cogr"), 4u);
}

TEST(DynamicLibrary, EnvironmentVariableOverridesTheSoname) {
  const internal::DynamicLibrarySpec spec{"libc.so.6", "COGR_TEST_LIBRARY_OVERRIDE"};
  ::unsetenv("COGR_TEST_LIBRARY_OVERRIDE");
  EXPECT_EQ(internal::DynamicLibraryName(spec), "libc.so.6");
  ::setenv("COGR_TEST_LIBRARY_OVERRIDE", "", 1);
  EXPECT_EQ(internal::DynamicLibraryName(spec), "libc.so.6");  // empty = unset
  ::setenv("COGR_TEST_LIBRARY_OVERRIDE", kMissing, 1);
  EXPECT_EQ(internal::DynamicLibraryName(spec), kMissing);
  ::unsetenv("COGR_TEST_LIBRARY_OVERRIDE");
}

}  // namespace
}  // namespace cogr::test
