// BlockTableCache: values of lazy block tables from cached 4 KiB pages of the file.
#include "read/block_table.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cogr/io.hpp"

namespace cogr {
namespace {

// A 64 KiB "file" holding a big-endian LONG8 table of 2000 values at the odd offset 4093, so
// values straddle page boundaries; value i = i * 1000003 + 7.
std::vector<uint8_t> TableFile() {
  std::vector<uint8_t> bytes(64 * 1024, 0xee);
  for (uint64_t i = 0; i < 2000; ++i) {
    const uint64_t v = i * 1000003 + 7;
    for (int k = 0; k < 8; ++k)
      bytes[4093 + i * 8 + static_cast<uint64_t>(k)] = static_cast<uint8_t>(v >> (56 - 8 * k));
  }
  return bytes;
}

// The table file on disk (local file sources count their reads).
std::shared_ptr<io::Source> TableSource() {
  const std::string path =
      ::testing::TempDir() + "cogr_block_table_" + std::to_string(::getpid()) + ".bin";
  const std::vector<uint8_t> bytes = TableFile();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  auto source = io::Open(path);  // counted (io::OpenFile alone is not)
  std::remove(path.c_str());     // the open descriptor keeps it readable
  return source.ok() ? *source : nullptr;
}

TEST(BlockTableCache, FetchesOnlyThePagesHoldingTheValuesAndKeepsThem) {
  auto source = TableSource();
  ASSERT_TRUE(source);
  const tiff::LazyTable table{4093, 2000, tiff::TagType::kLong8};
  internal::BlockTableCache cache;
  // Values 0 (bytes 4093..4100: pages 0 and 1), 511 (page 1 and 2 boundary at 8192: bytes
  // 8181..8188, page 1 only), 1500 (bytes 16093..16100: page 3) and 1999.
  const std::vector<uint64_t> indices = {0, 511, 1500, 1999};
  std::vector<uint64_t> values;
  const internal::BlockTableCache::Lookup lookup{&table, indices, &values};
  const io::IoStats before = source->stats();
  ASSERT_TRUE(cache.Resolve(*source, tiff::ByteOrder::kBig, std::span(&lookup, 1), 4).ok());
  for (size_t k = 0; k < indices.size(); ++k)
    EXPECT_EQ(values[k], indices[k] * 1000003 + 7) << indices[k];
  // Pages 0, 1, 3 and (value 1999: bytes 20085..20092) 4 → ranges [0, 8192) and [12288, 20480).
  EXPECT_EQ(cache.pages(), 4u);
  EXPECT_EQ((source->stats() - before).bytes_used, 8192u + 8192u);
  // Cached: no read the second time, and a value sharing a page neither.
  const io::IoStats before2 = source->stats();
  const std::vector<uint64_t> again = {1, 511, 1501};
  const internal::BlockTableCache::Lookup lookup2{&table, again, &values};
  ASSERT_TRUE(cache.Resolve(*source, tiff::ByteOrder::kBig, std::span(&lookup2, 1), 4).ok());
  EXPECT_EQ(values, (std::vector<uint64_t>{1000010, 511 * 1000003 + 7, 1501 * 1000003 + 7}));
  EXPECT_EQ((source->stats() - before2).requests, 0u);
  // An index past the table is an error, not a read.
  const std::vector<uint64_t> bad = {2000};
  const internal::BlockTableCache::Lookup lookup3{&table, bad, &values};
  const Status st = cache.Resolve(*source, tiff::ByteOrder::kBig, std::span(&lookup3, 1), 4);
  EXPECT_EQ(st.ToString(), "invalid_file: block 2000 outside its table of 2000 values");
}

TEST(BlockTableCache, ConcurrentResolvesAgreeAndTheCacheStaysBounded) {
  auto source = io::MemorySource(TableFile(), "table.bin");
  const tiff::LazyTable table{4093, 2000, tiff::TagType::kLong8};
  internal::BlockTableCache cache(2 * internal::BlockTableCache::kPageBytes);  // 2 pages at most
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = static_cast<uint64_t>(t); i < 2000; i += 97) {
        std::vector<uint64_t> values;
        const std::vector<uint64_t> one = {i};
        const internal::BlockTableCache::Lookup lookup{&table, one, &values};
        if (!cache.Resolve(*source, tiff::ByteOrder::kBig, std::span(&lookup, 1), 1).ok() ||
            values[0] != i * 1000003 + 7) {
          ++failures[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
  EXPECT_LE(cache.pages(), 2u);
}

}  // namespace
}  // namespace cogr
