// A stack over nginx on 127.0.0.1: N scenes, one window each, cost N header requests plus the
// window's data requests per scene (counted in nginx's access log), and read what the local
// files give.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cogr/stack.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

constexpr const char* kCog = "io/cog_u8_deflate_256_t32.tif";  // 256x256, 32x32 tiles, 67594 bytes

class StackRemote : public test::ServerSuite<StackRemote, test::NginxServer> {
 protected:
  void SetUp() override {
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    ASSERT_TRUE(ServerStarted()) << StartError();
  }
  // The fixture under a query of its own per scene: distinct URIs, cold header cache.
  std::vector<std::string> Uris(size_t n) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(server_->Url(kCog) + "?t=" + info->name() + "-" + std::to_string(i));
    return out;
  }
  // Every scene of `read` holds what the local fixture gives with the same options.
  static void ExpectEveryChipIsTheLocalOne(const StackRead& read, const StackOptions& o) {
    auto local = Stack::Open({test::DataPath(kCog)}, o);
    ASSERT_TRUE(local.ok());
    auto want = local->Read();
    ASSERT_TRUE(want.ok());
    const size_t chip = want->data.data.size();
    ASSERT_EQ(read.data.data.size(), chip * read.scenes.size());
    for (size_t t = 0; t < read.scenes.size(); ++t) {
      EXPECT_TRUE(std::equal(want->data.data.begin(), want->data.data.end(),
                             read.data.data.begin() + t * chip))
          << t;
    }
  }
};

TEST_F(StackRemote, OneHeaderRequestAndOneDataRequestPerScene) {
  StackOptions o;
  o.window = geo::Window{40, 72, 80, 80};  // 3 x 3 tiles, one contiguous run in this COG
  o.open.block_cache_bytes = 0;
  const size_t before = server_->RequestCount();
  auto stack = Stack::Open(Uris(5), o);
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  // Lazy: the opens cost one header request each, nothing else.
  EXPECT_EQ(server_->RequestCount() - before, 5u);
  auto read = stack->Read();
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(server_->RequestCount() - before, 10u);
  ASSERT_EQ(read->scenes.size(), 5u);
  for (const auto& s : read->scenes) EXPECT_EQ(s.io.requests, 2u);
  // The log: the 5 header GETs (the open's prefix), then the 5 window GETs, one range each,
  // the same for every scene.
  const auto log = server_->Log();
  ASSERT_GE(log.size(), before + 10);
  for (size_t i = before; i < before + 5; ++i) EXPECT_EQ(log[i].range, "bytes=0-32767") << i;
  for (size_t i = before + 5; i < before + 10; ++i) {
    EXPECT_NE(log[i].range, "bytes=0-32767") << i;
    EXPECT_EQ(log[i].range, log[before + 5].range) << i;
    EXPECT_EQ(log[i].status, 206) << i;
  }
  EXPECT_EQ(read->shape, (std::vector<uint64_t>{5, 1, 80, 80}));
  ExpectEveryChipIsTheLocalOne(*read, o);
}

TEST_F(StackRemote, TwoTileRowsGoOutAsOneMultiRangeRequestWithoutTheGap) {
  // A 2 x 2 tile window past the 32 KiB header prefix: two runs of two tiles, six tiles
  // apart. The hole limit (1 MiB)
  // puts them in one request; the gap between them (wider than multi_range_hole_limit, set to
  // 64 bytes here as the fixture's tiles are small) is left out of it: one data request per
  // scene, with two ranges.
  StackOptions o;
  o.window = geo::Window{32, 160, 64, 64};
  o.open.block_cache_bytes = 0;
  o.open.io.multi_range_hole_limit = 64;
  const size_t before = server_->RequestCount();
  auto read = Stack::OpenAndRead(Uris(3), o);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(server_->RequestCount() - before, 6u);
  const auto log = server_->Log();
  ASSERT_GE(log.size(), before + 6);
  size_t data = 0;
  for (size_t i = before; i < before + 6; ++i) {
    if (log[i].range == "bytes=0-32767") continue;
    ++data;
    EXPECT_EQ(log[i].status, 206) << i;
    EXPECT_EQ(std::count(log[i].range.begin(), log[i].range.end(), ','), 1) << log[i].range;
  }
  EXPECT_EQ(data, 3u);
  for (const auto& s : read->scenes) {
    EXPECT_EQ(s.io.requests, 2u);
    EXPECT_LT(s.io.bytes_fetched,
              32768u + s.io.bytes_used + 400u);  // the header prefix + tiles + part headers
  }
  EXPECT_EQ(read->shape, (std::vector<uint64_t>{3, 1, 64, 64}));
  ExpectEveryChipIsTheLocalOne(*read, o);
}

TEST_F(StackRemote, OpenAndReadCostsTheSame) {
  StackOptions o;
  o.window = geo::Window{40, 72, 80, 80};
  o.open.block_cache_bytes = 0;
  const size_t before = server_->RequestCount();
  auto read = Stack::OpenAndRead(Uris(4), o);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(server_->RequestCount() - before, 8u);
  EXPECT_EQ(read->shape, (std::vector<uint64_t>{4, 1, 80, 80}));
  for (const auto& s : read->scenes) EXPECT_EQ(s.io.requests, 2u);
}

TEST_F(StackRemote, MissingSceneNamedOrFilled) {
  std::vector<std::string> uris = Uris(2);
  const std::string missing = server_->Url("io/missing.tif");
  uris.insert(uris.begin() + 1, missing);
  StackOptions o;
  o.window = geo::Window{0, 0, 32, 32};
  auto failed = Stack::Open(uris, o);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Code::kNotFound);
  EXPECT_EQ(failed.status().message().rfind("scene 1 (" + missing + "): ", 0), 0u)
      << failed.status().message();
  o.on_error = StackOnError::kFill;
  o.fill = 7;
  auto stack = Stack::Open(uris, o);
  ASSERT_TRUE(stack.ok()) << stack.status().message();
  StackReadOptions ro;
  ro.on_error = StackOnError::kFill;
  auto read = stack->Read(ro);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->failed, std::vector<size_t>{1});
  for (size_t i = 32 * 32; i < 2 * 32 * 32; ++i) ASSERT_EQ(read->data.data[i], 7) << i;
}

}  // namespace
}  // namespace cogr
