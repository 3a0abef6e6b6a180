// The shape of the public API: the umbrella header, cogr::GetBuildInfo() against what the
// package records, and a Dataset that only Open() can make.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "build_config.hpp"
#include "cogr/cogr.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

TEST(PublicApi, UmbrellaHeaderIncludesEveryPublicHeader) {
  const std::filesystem::path dir =
      std::filesystem::path(COGR_TEST_DATA_DIR).parent_path().parent_path() / "include" / "cogr";
  const std::string umbrella = test::ReadFileText((dir / "cogr.hpp").string());
  ASSERT_FALSE(umbrella.empty()) << dir;
  // Generated into the build tree (cmake/version.hpp.in, generate_export_header).
  std::vector<std::string> headers = {"version.hpp", "export.hpp"};
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".hpp" && name != "cogr.hpp") headers.push_back(name);
  }
  EXPECT_GE(headers.size(), 16u);
  for (const std::string& name : headers) {
    EXPECT_NE(umbrella.find("#include \"cogr/" + name + "\""), std::string::npos) << name;
  }
}

TEST(PublicApi, BuildInfoMatchesThePackageAndTheRegistry) {
  const BuildInfo info = GetBuildInfo();
  EXPECT_EQ(info.version, COGR_VERSION_STRING);
  EXPECT_EQ(info.version, std::to_string(COGR_VERSION_MAJOR) + "." +
                              std::to_string(COGR_VERSION_MINOR) + "." +
                              std::to_string(COGR_VERSION_PATCH));
  EXPECT_EQ(COGR_VERSION,
            COGR_VERSION_MAJOR * 10000 + COGR_VERSION_MINOR * 100 + COGR_VERSION_PATCH);
  // cogr_CODECS / cogr.pc's codecs were computed by CMake from the build's switches; the
  // library must decode exactly those.
  const std::vector<std::string> package_codecs = {COGR_BUILD_PACKAGE_CODECS};
  EXPECT_EQ(info.codecs, package_codecs);
  EXPECT_EQ(info.codecs, codec::SupportedCodecs());
  for (const char* always : {"none", "deflate", "lzw", "packbits"}) {
    EXPECT_NE(std::find(info.codecs.begin(), info.codecs.end(), always), info.codecs.end())
        << always;
  }
  const std::vector<std::string> features = {COGR_BUILD_FEATURES};
  EXPECT_EQ(info.features, features);
  EXPECT_EQ(info.shared, COGR_BUILD_SHARED != 0);
}

// OpenKey is private and its constructor explicit: `{}` cannot make one outside Dataset.
template <class Source>
constexpr bool kConstructibleWithBraces = requires(Source s, OpenOptions o) {
  Dataset({}, s, o);
};

TEST(PublicApi, OnlyOpenMakesADataset) {
  static_assert(!std::is_default_constructible_v<Dataset>);
  static_assert(!std::is_constructible_v<Dataset, std::shared_ptr<io::Source>, OpenOptions>);
  static_assert(!std::is_copy_constructible_v<Dataset>);
  static_assert(!kConstructibleWithBraces<std::shared_ptr<io::Source>>);
  auto ds = Dataset::Open(test::DataPath("sample.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_GT((*ds)->width(), 0u);
}

}  // namespace
}  // namespace cogr
