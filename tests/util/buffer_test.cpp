// cogr::Buffer: no zero fill, deep copies, and large blocks on 2 MiB-aligned huge-page memory.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "cogr/dataset.hpp"

namespace cogr {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

void Fill(Buffer& b, uint8_t seed) {
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 31 + seed);
}

bool Holds(const Buffer& b, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; ++i) {
    if (b[i] != static_cast<uint8_t>(i * 31 + seed)) return false;
  }
  return true;
}

TEST(Buffer, SmallAndLargeBlocksKeepTheirBytesThroughResizeCopyAndMove) {
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{4096}, kMiB - 1, kMiB, 2 * kMiB + 12345, 33 * kMiB}) {
    Buffer b(n);
    ASSERT_EQ(b.size(), n);
    Fill(b, 7);
    if (n >= kMiB) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % (2 * kMiB), 0u) << n;
    }
    Buffer grown = b;
    grown.resize(n + 9 * kMiB);  // crosses into (or stays in) the mapped kind: the old bytes stay
    EXPECT_TRUE(Holds(grown, n, 7)) << n;
    Buffer copy = b;
    EXPECT_TRUE(copy == b) << n;
    Buffer moved = std::move(copy);
    EXPECT_TRUE(moved == b) << n;
    EXPECT_EQ(copy.size(), 0u);
    EXPECT_EQ(copy.data(), nullptr);
    moved = std::move(grown);  // frees moved's old block
    EXPECT_EQ(moved.size(), n + 9 * kMiB);
    moved.clear();
    EXPECT_TRUE(moved.empty());
    EXPECT_EQ(moved.data(), nullptr);
  }
}

TEST(Buffer, AssignFillsEveryByte) {
  Buffer b;
  b.assign(10 * kMiB, 0xAB);
  size_t bad = 0;
  for (uint8_t v : b) bad += v != 0xAB;
  EXPECT_EQ(bad, 0u);
  b.assign(3, 1);
  EXPECT_EQ(b.size(), 3u);
}

}  // namespace
}  // namespace cogr
