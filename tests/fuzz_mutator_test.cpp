// The structure-aware mutator of the tiff_open and read_window fuzz targets (fuzz/ifd_mutator.cpp),
// checked against cogr's own TIFF parser: every byte it changes lies in an IFD or in the value of
// one of its entries, the tags hostile files lie about are all reached, and it is deterministic.
//
// This file is the one place fuzz/ifd_mutator.cpp enters cogr_tests.
#include "../fuzz/ifd_mutator.cpp"  // NOLINT(bugprone-suspicious-include)

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "cogr/tiff.hpp"
#include "test_util.hpp"

namespace cogr::fuzz {
namespace {

struct Region {
  uint64_t begin, end;  // [begin, end)
  uint16_t tag;         // 0: the IFD's own bytes
};

// Where each entry's bytes and each IFD's bytes are, as cogr's parser sees the file.
std::vector<Region> Regions(const std::vector<uint8_t>& file) {
  auto fetch = [&file](ByteRange r) -> Result<std::vector<uint8_t>> {
    if (r.offset + r.length > file.size()) return Status::InvalidFile("outside");
    return std::vector<uint8_t>(file.begin() + static_cast<long>(r.offset),
                                file.begin() + static_cast<long>(r.offset + r.length));
  };
  Limits limits;
  limits.lazy_block_table_bytes = UINT64_MAX;
  auto tf = tiff::Open(fetch, file.size(), limits);
  EXPECT_TRUE(tf.ok()) << tf.status().ToString();
  std::vector<Region> out;
  if (!tf.ok()) return out;
  const bool big = tf->header.bigtiff;
  for (const tiff::Ifd& ifd : tf->ifds) {
    const uint64_t head = big ? 8 : 2, entry = big ? 20 : 12, tail = big ? 8 : 4;
    out.push_back({ifd.offset(), ifd.offset() + head + ifd.entries().size() * entry + tail, 0});
    for (const tiff::TagEntry& e : ifd.entries()) {
      const uint64_t bytes = e.count * tiff::TagTypeSize(e.type);
      if (!e.is_inline) out.push_back({e.value_offset, e.value_offset + bytes, e.code});
    }
  }
  return out;
}

// The tag of the entry holding file offset `at` (the IFD entry itself or its value), or -1.
int TagAt(const std::vector<uint8_t>& file, const std::vector<Region>& regions, uint64_t at) {
  for (const Region& r : regions) {
    if (at < r.begin || at >= r.end) continue;
    if (r.tag != 0) return r.tag;
    // Inside an IFD: which entry?
    const bool big = file[2] == 43 || file[3] == 43;
    const uint64_t head = big ? 8 : 2, entry = big ? 20 : 12;
    if (at < r.begin + head) return 0;  // the entry count
    const uint64_t e = r.begin + head + (at - r.begin - head) / entry * entry;
    if (e + entry > r.end - (big ? 8 : 4)) return 0;  // the next-IFD offset
    const bool be = file[0] == 'M';
    return static_cast<int>(be ? (file[e] << 8 | file[e + 1]) : (file[e] | file[e + 1] << 8));
  }
  return -1;
}

void CheckMutations(const std::string& name, const std::vector<int>& must_reach) {
  const std::vector<uint8_t> original = test::ReadFileBytes(test::DataPath(name));
  ASSERT_GT(original.size(), 100u) << name;
  const std::vector<Region> regions = Regions(original);
  ASSERT_FALSE(regions.empty()) << name;
  std::map<int, int> changed_tags;
  int unchanged = 0;
  for (unsigned seed = 1; seed <= 4000; ++seed) {
    std::vector<uint8_t> m = original;
    ASSERT_EQ(MutateTiffStructure(m.data(), m.size(), seed), original.size())
        << name << " seed " << seed;
    std::vector<uint8_t> again = original;
    MutateTiffStructure(again.data(), again.size(), seed);
    ASSERT_EQ(m, again) << "not deterministic: " << name << " seed " << seed;
    std::set<int> tags;
    for (size_t i = 0; i < m.size(); ++i) {
      if (m[i] == original[i]) continue;
      const int tag = TagAt(original, regions, i);
      ASSERT_GE(tag, 0) << name << " seed " << seed << " changed byte " << i
                        << " outside every IFD and value";
      tags.insert(tag);
    }
    if (tags.empty()) ++unchanged;  // e.g. a value set to what it was
    ASSERT_LE(tags.size(), 1u) << name << " seed " << seed << ": one entry per mutation";
    for (int t : tags) ++changed_tags[t];
  }
  EXPECT_LT(unchanged, 1000) << name;
  // What the hostile files of the read path lie about: all reached, and often.
  for (int tag : must_reach) {
    EXPECT_GE(changed_tags[tag], 20)
        << name << ": tag " << tag << " changed " << changed_tags[tag] << " times";
  }
}

// Dimensions, bits, samples, compression and the tile or strip tables.
const std::vector<int> kTiled = {256, 257, 258, 277, 259, 322, 323, 324, 325};
const std::vector<int> kStrips = {256, 257, 258, 277, 259, 273, 278, 279};

TEST(FuzzMutator, ChangesOnlyIfdFieldsOfALittleEndianCog) {
  CheckMutations("io/cog_u8_deflate_256_t32.tif", kTiled);
}

TEST(FuzzMutator, ChangesOnlyIfdFieldsOfABigEndianCog) {
  CheckMutations("fixtures/cogeotiff__be_cog.tiff", kTiled);
}

TEST(FuzzMutator, ChangesOnlyIfdFieldsOfABigEndianBigTiff) {
  CheckMutations("fixtures/libertiff__be_bigtiff_strip_single_band.tif", kStrips);
}

TEST(FuzzMutator, LeavesOtherBytesAlone) {
  std::vector<uint8_t> junk(200, 0x5a);
  const std::vector<uint8_t> before = junk;
  EXPECT_EQ(MutateTiffStructure(junk.data(), junk.size(), 7), 0u);
  EXPECT_EQ(junk, before);
  std::vector<uint8_t> tiny = {'I', 'I', 42, 0};
  EXPECT_EQ(MutateTiffStructure(tiny.data(), tiny.size(), 7), 0u);
  // A header whose first IFD is past the end: nothing to mutate.
  std::vector<uint8_t> dangling = {'I', 'I', 42, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0};
  EXPECT_EQ(MutateTiffStructure(dangling.data(), dangling.size(), 7), 0u);
}

}  // namespace
}  // namespace cogr::fuzz
