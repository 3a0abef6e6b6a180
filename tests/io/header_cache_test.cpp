#include "io/header_cache.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace cogr::io::internal {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/cogr-hc-XXXXXX";
  return ::mkdtemp(tmpl) ? tmpl : "";
}

HeaderEntry MakeEntry() {
  HeaderEntry e;
  e.uri = "http://127.0.0.1:1/x.tif";
  e.size = 1000;
  e.etag = "\"abc\"";
  e.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
  e.chunks.push_back({0, std::vector<uint8_t>(100, 7)});
  return e;
}

TEST(IoHeaderCache, ChunksMergeWhenTheyTouchOrOverlap) {
  HeaderEntry e = MakeEntry();
  std::vector<uint8_t> far(10, 1), touching(20, 2), overlap(30, 3);
  HeaderEntry a = e.With(500, far);
  ASSERT_EQ(a.chunks.size(), 2u);
  HeaderEntry b = a.With(100, touching);  // [100, 120) touches [0, 100)
  ASSERT_EQ(b.chunks.size(), 2u);
  EXPECT_EQ(b.chunks[0].bytes.size(), 120u);
  HeaderEntry c = b.With(490, overlap);  // [490, 520) overlaps [500, 510)
  ASSERT_EQ(c.chunks.size(), 2u);
  EXPECT_EQ(c.chunks[1].offset, 490u);
  EXPECT_EQ(c.chunks[1].bytes.size(), 30u);
  EXPECT_EQ(c.chunks[1].bytes[15], 3);  // new bytes win
  ASSERT_NE(c.Find(110, 10), nullptr);
  EXPECT_EQ(*c.Find(110, 10), 2);
  EXPECT_EQ(c.Find(110, 11), nullptr);  // runs past the chunk
  EXPECT_EQ(c.Find(200, 1), nullptr);
}

TEST(IoHeaderCache, MemoryCacheEvictsLeastRecentlyUsed) {
  HeaderCache cache;
  cache.set_capacity_bytes(250);
  for (int i = 0; i < 3; ++i) {
    HeaderEntry e = MakeEntry();
    e.uri = "u" + std::to_string(i);
    cache.Put(std::make_shared<const HeaderEntry>(e));
    if (i == 1) {
      ASSERT_NE(cache.Get("u0"), nullptr);  // u0 becomes the most recent
    }
  }
  EXPECT_EQ(cache.entry_count(), 2u);
  EXPECT_NE(cache.Get("u0"), nullptr);
  EXPECT_EQ(cache.Get("u1"), nullptr);
  EXPECT_NE(cache.Get("u2"), nullptr);
}

TEST(IoHeaderCache, PersistedRoundTripIsAtomicAndKeyedByUri) {
  const std::string dir = TempDir() + "/sub";  // created on first store
  HeaderEntry e = MakeEntry().With(900, std::vector<uint8_t>(50, 9));
  ASSERT_TRUE(StorePersisted(dir, e).ok());
  auto back = LoadPersisted(dir, e.uri);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->size, 1000u);
  EXPECT_EQ(back->etag, "\"abc\"");
  EXPECT_EQ(back->last_modified, e.last_modified);
  ASSERT_EQ(back->chunks.size(), 2u);
  EXPECT_EQ(back->chunks[1].offset, 900u);
  EXPECT_EQ(back->chunks[1].bytes, std::vector<uint8_t>(50, 9));
  EXPECT_EQ(LoadPersisted(dir, "http://127.0.0.1:1/other.tif"), nullptr);
  // No temporary file is left behind.
  size_t files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) files += f.is_regular_file();
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

TEST(IoHeaderCache, DamagedPersistedEntryIsIgnoredAndRemoved) {
  const std::string dir = TempDir();
  HeaderEntry e = MakeEntry();
  ASSERT_TRUE(StorePersisted(dir, e).ok());
  const std::string path = PersistedPath(dir, e.uri);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(60);
    f.put('\x55');  // breaks the checksum
  }
  EXPECT_EQ(LoadPersisted(dir, e.uri), nullptr);
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
  // Truncated file: also rejected.
  ASSERT_TRUE(StorePersisted(dir, e).ok());
  ASSERT_EQ(::truncate(path.c_str(), 40), 0);
  EXPECT_EQ(LoadPersisted(dir, e.uri), nullptr);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cogr::io::internal
