// ByteStore: Find returns bytes only when one chunk holds the whole range.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "cogr/tiff.hpp"
#include "tiff/ifd_parse.hpp"

namespace cogr::tiff {
namespace {

std::vector<uint8_t> Bytes(uint64_t offset, size_t n) {
  // Byte at file offset o has value o % 251, so any returned pointer can be checked.
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((offset + i) % 251);
  return v;
}

void ExpectAt(const ByteStore& s, uint64_t offset, uint64_t length) {
  const uint8_t* p = s.Find({offset, length});
  ASSERT_NE(p, nullptr) << offset << "+" << length;
  for (uint64_t i = 0; i < length; ++i) {
    ASSERT_EQ(static_cast<uint8_t>((offset + i) % 251), p[i]) << "offset " << offset + i;
  }
}

TEST(TiffByteStore, FindInsideOneChunkOnly) {
  ByteStore s;
  EXPECT_EQ(nullptr, s.Find({0, 1}));
  s.Add(100, Bytes(100, 50));   // [100, 150)
  s.Add(200, Bytes(200, 100));  // [200, 300)
  EXPECT_EQ(150u, s.total_bytes());
  ExpectAt(s, 100, 50);
  ExpectAt(s, 120, 10);
  ExpectAt(s, 299, 1);
  EXPECT_EQ(nullptr, s.Find({99, 2}));          // starts before
  EXPECT_EQ(nullptr, s.Find({140, 20}));        // runs past the chunk
  EXPECT_EQ(nullptr, s.Find({150, 1}));         // the gap
  EXPECT_EQ(nullptr, s.Find({140, 100}));       // spans two chunks
  EXPECT_EQ(nullptr, s.Find({UINT64_MAX, 2}));  // end overflows
}

TEST(TiffByteStore, OverlappingAndContainedAdds) {
  ByteStore s;
  s.Add(100, Bytes(100, 100));  // [100, 200)
  s.Add(150, Bytes(150, 100));  // [150, 250): overlaps
  ExpectAt(s, 100, 100);
  ExpectAt(s, 150, 100);
  ExpectAt(s, 180, 60);
  EXPECT_EQ(nullptr, s.Find({120, 100}));  // no single chunk holds [120, 220)
  s.Add(160, Bytes(160, 10));              // inside an existing chunk: nothing changes
  EXPECT_EQ(200u, s.total_bytes());
  s.Add(90, Bytes(90, 200));  // [90, 290) covers both: they are dropped
  EXPECT_EQ(200u, s.total_bytes());
  ExpectAt(s, 120, 100);
  ExpectAt(s, 90, 200);
  s.Add(0, {});  // empty adds are ignored
  EXPECT_EQ(nullptr, s.Find({0, 1}));
  // Same start, longer chunk replaces the shorter one.
  s.Add(90, Bytes(90, 300));
  EXPECT_EQ(300u, s.total_bytes());
  ExpectAt(s, 300, 89);
}

}  // namespace
}  // namespace cogr::tiff
