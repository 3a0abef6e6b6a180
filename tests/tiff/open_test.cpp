// tiff::Open: the fetch loop, round trips, limits and the IFD walk.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "cogr/tiff.hpp"
#include "test_util.hpp"
#include "tiff/tiff_test_util.hpp"

namespace cogr::tiff {
namespace {

using cogr::test::DataPath;
using cogr::test::MemoryFetch;
using cogr::test::OpenBytes;
using cogr::test::ReadFileBytes;

TEST(TiffOpen, SmallPrefixStillFindsTheIfdAtTheEnd) {
  // The IFD is near the end of this 62 KB file (offset 61942).
  MemoryFetch fetch{ReadFileBytes(DataPath("cogeotiff__DEM_BS28_2016_1000_1141.tif")), {}};
  ASSERT_EQ(62408u, fetch.bytes.size());
  auto tf = Open(fetch.Fn(), fetch.bytes.size(), Limits(), /*initial_read_bytes=*/16);
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_EQ(1u, tf->ifds.size());
  EXPECT_EQ(61942u, tf->ifds[0].offset());
  EXPECT_GT(tf->fetches, 1u);
  EXPECT_EQ(fetch.requests.size(), tf->fetches);
  uint64_t total = 0;
  for (const ByteRange& r : fetch.requests) {
    EXPECT_LE(r.end(), fetch.bytes.size());  // never past the end of the file
    total += r.length;
  }
  EXPECT_EQ(total, tf->header_bytes_fetched);
  EXPECT_EQ((ByteRange{0, 16}), fetch.requests[0]);

  // Same answer as with the default prefix.
  auto whole = OpenBytes(fetch.bytes);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->ifds[0].block_offsets(), tf->ifds[0].block_offsets());
  EXPECT_EQ(whole->ifds[0].geo_ascii_params(), tf->ifds[0].geo_ascii_params());
  EXPECT_EQ(1u, whole->fetches);  // the 64 KiB prefix held everything
}

TEST(TiffOpen, EveryPrefixSizeGivesTheSameIfds) {
  const std::vector<uint8_t> bytes = ReadFileBytes(DataPath("cog_u8_rgb_jpeg_mask_bs256.tif"));
  auto ref = OpenBytes(bytes);
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  ASSERT_EQ(6u, ref->ifds.size());
  for (uint64_t prefix : {0ull, 1ull, 8ull, 16ull, 50ull, 227ull, 1000ull, 5000ull}) {
    SCOPED_TRACE("prefix " + std::to_string(prefix));
    MemoryFetch fetch{bytes, {}};
    auto tf = Open(fetch.Fn(), bytes.size(), Limits(), prefix);
    ASSERT_TRUE(tf.ok()) << tf.status().ToString();
    ASSERT_EQ(ref->ifds.size(), tf->ifds.size());
    for (size_t i = 0; i < tf->ifds.size(); ++i) {
      EXPECT_EQ(ref->ifds[i].offset(), tf->ifds[i].offset());
      EXPECT_EQ(ref->ifds[i].block_offsets(), tf->ifds[i].block_offsets());
      EXPECT_EQ(ref->ifds[i].block_byte_counts(), tf->ifds[i].block_byte_counts());
      EXPECT_EQ(ref->ifds[i].jpeg_tables(), tf->ifds[i].jpeg_tables());
    }
    EXPECT_EQ(ref->ghost.text, tf->ghost.text);
    // A compact COG header: a handful of round trips even from a tiny prefix.
    EXPECT_LE(tf->fetches, 3u);
  }
}

TEST(TiffOpen, HeaderByteLimit) {
  const std::vector<uint8_t> bytes =
      ReadFileBytes(DataPath("cogeotiff__DEM_BS28_2016_1000_1141.tif"));
  Limits limits;
  limits.max_header_bytes = 1000;  // the IFD at 61942 needs more than the 16-byte prefix + 1000
  auto tf = OpenBytes(bytes, limits, 16);
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_NE(std::string::npos, tf.status().message().find("exceed limit 1000 bytes"))
      << tf.status().message();
}

TEST(TiffOpen, FetchErrorsPropagate) {
  const std::vector<uint8_t> bytes = ReadFileBytes(DataPath("dt_uint8_deflate_t128.tif"));
  FetchFn failing = [](ByteRange) -> Result<std::vector<uint8_t>> {
    return Status::Unavailable("503 from server");
  };
  auto tf = Open(failing, bytes.size(), Limits());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kUnavailable, tf.status().code());

  FetchFn short_answer = [&](ByteRange r) -> Result<std::vector<uint8_t>> {
    return std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(r.length / 2));
  };
  tf = Open(short_answer, bytes.size(), Limits());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kIoError, tf.status().code());
  EXPECT_EQ("fetch of bytes [0, 27941) returned 13970 bytes", tf.status().message());
}

TEST(TiffOpen, ReducedResolutionAndMaskIfdsAreOrdinary) {
  auto tf = cogr::test::OpenData("cog_u8_rgb_jpeg_mask_bs256.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  std::vector<uint64_t> subfile;
  for (const Ifd& ifd : tf->ifds) subfile.push_back(ifd.subfile_type());
  EXPECT_EQ((std::vector<uint64_t>{0, 4, 1, 1, 5, 5}), subfile);
  EXPECT_EQ(4, tf->ifds[1].photometric());  // transparency mask
  EXPECT_EQ(1u, tf->ifds[1].bits_per_sample()[0]);
}

// A classic LE file with one 1x1 strip image per IFD, appended as needed.
class TiffBuilder {
 public:
  TiffBuilder() { bytes_ = {'I', 'I', 42, 0, 0, 0, 0, 0}; }
  // Appends a minimal IFD (next offset 0) and returns its offset; `extra` tags are appended.
  uint64_t AddIfd(std::vector<std::array<uint32_t, 4>> extra = {}) {
    const uint64_t off = bytes_.size();
    std::vector<std::array<uint32_t, 4>> tags = {
        {256, 3, 1, 1}, {257, 3, 1, 1}, {273, 4, 1, 0 /* patched: data byte */}, {279, 4, 1, 1}};
    tags.insert(tags.end(), extra.begin(), extra.end());
    Put16(static_cast<uint16_t>(tags.size()));
    for (auto& t : tags) {
      Put16(static_cast<uint16_t>(t[0]));
      Put16(static_cast<uint16_t>(t[1]));
      Put32(t[2]);
      Put32(t[0] == 273 ? 0 : t[3]);  // strip at offset 0: any byte will do
    }
    Put32(0);
    return off;
  }
  // Appends an IFD with exactly `tags` ({code, type, count, inline value}), next offset 0.
  uint64_t AddRawIfd(const std::vector<std::array<uint32_t, 4>>& tags) {
    const uint64_t off = bytes_.size();
    Put16(static_cast<uint16_t>(tags.size()));
    for (const auto& t : tags) {
      Put16(static_cast<uint16_t>(t[0]));
      Put16(static_cast<uint16_t>(t[1]));
      Put32(t[2]);
      Put32(t[3]);
    }
    Put32(0);
    return off;
  }
  void SetNext(uint64_t ifd, uint64_t ifd_entries, uint32_t next) {
    Patch32(ifd + 2 + 12 * ifd_entries, next);
  }
  void SetFirst(uint32_t off) { Patch32(4, off); }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  void Put16(uint16_t v) {
    bytes_.push_back(static_cast<uint8_t>(v & 0xFF));
    bytes_.push_back(static_cast<uint8_t>(v >> 8));
  }
  void Put32(uint32_t v) {
    Put16(static_cast<uint16_t>(v & 0xFFFF));
    Put16(static_cast<uint16_t>(v >> 16));
  }
  void Patch32(uint64_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  std::vector<uint8_t> bytes_;
};

TEST(TiffOpen, ChainOf5000IfdsHitsTheDefaultLimit) {
  // 5000 distinct IFDs cannot fit the < 4 KB budget of tests/data/malformed/, so built here.
  TiffBuilder b;
  std::vector<uint64_t> offs;
  for (int i = 0; i < 5000; ++i) offs.push_back(b.AddIfd());
  b.SetFirst(static_cast<uint32_t>(offs[0]));
  for (int i = 0; i + 1 < 5000; ++i) b.SetNext(offs[i], 4, static_cast<uint32_t>(offs[i + 1]));
  auto tf = OpenBytes(b.bytes());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_EQ("more than 4096 IFDs (limit 4096)", tf.status().message());

  // Exactly at the limit is fine.
  Limits limits;
  limits.max_ifds = 5000;
  tf = OpenBytes(b.bytes(), limits);
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_EQ(5000u, tf->ifds.size());
  EXPECT_FALSE(tf->ifd_loop);
  // 5000 * 54 bytes of IFDs: the doubling requests keep round trips logarithmic.
  EXPECT_LE(tf->fetches, 6u);
}

TEST(TiffOpen, SubIfdsAreAppendedWithTheirParent) {
  TiffBuilder b;
  // IFD 0 with a SubIFDs tag (LONG count 2, values out of line, patched below).
  const uint64_t main0 = b.AddIfd({{330, 4, 2, 0}});
  const uint64_t main1 = b.AddIfd();
  const uint64_t sub_a = b.AddIfd();
  const uint64_t sub_b = b.AddIfd();
  const uint64_t sub_b_next = b.AddIfd();  // chained after sub_b
  const uint64_t values = b.bytes().size();
  for (uint64_t v : {sub_a, sub_b}) {
    for (int i = 0; i < 4; ++i) b.bytes().push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  b.SetFirst(static_cast<uint32_t>(main0));
  b.SetNext(main0, 5, static_cast<uint32_t>(main1));
  b.SetNext(sub_b, 4, static_cast<uint32_t>(sub_b_next));
  // Patch the SubIFDs value offset (entry 4 of IFD 0, value field at +8).
  for (int i = 0; i < 4; ++i) {
    b.bytes()[main0 + 2 + 12 * 4 + 8 + i] = static_cast<uint8_t>(values >> (8 * i));
  }
  auto tf = OpenBytes(b.bytes());
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_EQ(5u, tf->ifds.size());
  EXPECT_EQ((std::vector<uint64_t>{sub_a, sub_b}), tf->ifds[0].sub_ifd_offsets());
  std::vector<uint64_t> offsets;
  for (const Ifd& ifd : tf->ifds) offsets.push_back(ifd.offset());
  EXPECT_EQ((std::vector<uint64_t>{main0, main1, sub_a, sub_b, sub_b_next}), offsets);
  EXPECT_EQ((std::vector<int>{-1, -1, 0, 0, 0}), tf->parent);
}

TEST(TiffOpen, MissingStripByteCountsAreEstimatedForUncompressedData) {
  // 10x5 RGB 8-bit, 2 rows per strip, no StripByteCounts: strips of 60, 60 and 30 bytes.
  TiffBuilder b;
  const uint64_t bits_at = b.bytes().size();
  for (int i = 0; i < 3; ++i) b.bytes().insert(b.bytes().end(), {8, 0});
  const uint64_t ifd = b.AddRawIfd({{256, 3, 1, 10},
                                    {257, 3, 1, 5},
                                    {258, 3, 3, static_cast<uint32_t>(bits_at)},
                                    {262, 3, 1, 2},
                                    {273, 4, 1, 0},  // one offset for three strips
                                    {277, 3, 1, 3},
                                    {278, 3, 1, 2}});
  b.SetFirst(static_cast<uint32_t>(ifd));
  auto tf = OpenBytes(b.bytes());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ("IFD at offset 14: tag 273 has 1 strip offsets, 3 blocks need one each",
            tf.status().message());

  TiffBuilder b2;
  const uint64_t bits2 = b2.bytes().size();
  for (int i = 0; i < 3; ++i) b2.bytes().insert(b2.bytes().end(), {8, 0});
  const uint64_t offs2 = b2.bytes().size();
  for (uint8_t v : {0, 0, 0, 0, 60, 0, 0, 0, 120, 0, 0, 0}) b2.bytes().push_back(v);
  const uint64_t ifd2 = b2.AddRawIfd({{256, 3, 1, 10},
                                      {257, 3, 1, 5},
                                      {258, 3, 3, static_cast<uint32_t>(bits2)},
                                      {262, 3, 1, 2},
                                      {273, 4, 3, static_cast<uint32_t>(offs2)},
                                      {277, 3, 1, 3},
                                      {278, 3, 1, 2}});
  b2.SetFirst(static_cast<uint32_t>(ifd2));
  tf = OpenBytes(b2.bytes());
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_EQ((std::vector<uint64_t>{0, 60, 120}), tf->ifds[0].block_offsets());
  EXPECT_EQ((std::vector<uint64_t>{60, 60, 30}), tf->ifds[0].block_byte_counts());
  EXPECT_EQ((std::vector<uint16_t>{8, 8, 8}), tf->ifds[0].bits_per_sample());
  EXPECT_EQ((std::vector<uint16_t>{1, 1, 1}), tf->ifds[0].sample_format());  // default

  // Compressed data cannot be estimated.
  b2.bytes().push_back(0);
  b2.bytes().push_back(0);
  const uint64_t ifd3 = b2.AddRawIfd({{256, 3, 1, 10},
                                      {257, 3, 1, 5},
                                      {259, 3, 1, 8},
                                      {273, 4, 3, static_cast<uint32_t>(offs2)},
                                      {278, 3, 1, 2}});
  b2.SetFirst(static_cast<uint32_t>(ifd3));
  tf = OpenBytes(b2.bytes());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kInvalidFile, tf.status().code());
  EXPECT_EQ("IFD at offset " + std::to_string(ifd3) + ": no StripByteCounts for compression 8",
            tf.status().message());
}

TEST(TiffOpen, WrongTypesAndValuesOfKnownTags) {
  struct Bad {
    std::vector<std::array<uint32_t, 4>> tags;
    std::string message;
  };
  const std::vector<Bad> cases = {
      {{{256, 2, 1, 1}, {257, 3, 1, 1}, {273, 4, 1, 0}, {279, 4, 1, 1}},
       "IFD at offset 8: tag 256 has type 2, expected an integer type"},
      {{{256, 99, 1, 1}, {257, 3, 1, 1}, {273, 4, 1, 0}, {279, 4, 1, 1}},
       "IFD at offset 8: tag 256 has unknown type 99"},
      {{{256, 8, 1, 0xFFFF}, {257, 3, 1, 1}, {273, 4, 1, 0}, {279, 4, 1, 1}},
       "IFD at offset 8: tag 256 has a negative value"},
      {{{256, 3, 1, 1}, {257, 3, 1, 1}, {273, 4, 1, 0}, {279, 4, 1, 1}, {284, 3, 1, 3}},
       "IFD at offset 8: PlanarConfiguration 3"},
      {{{256, 3, 1, 1}, {257, 3, 1, 1}, {273, 4, 1, 0}, {278, 4, 1, 0}, {279, 4, 1, 1}},
       "IFD at offset 8: RowsPerStrip 0"},
      {{{256, 3, 1, 1}, {257, 3, 1, 1}, {259, 4, 1, 70000}, {273, 4, 1, 0}, {279, 4, 1, 1}},
       "IFD at offset 8: tag 259 value 70000 > 65535"},
      {{{256, 3, 1, 1}, {257, 3, 1, 1}, {273, 4, 1, 0}, {277, 3, 1, 0}, {279, 4, 1, 1}},
       "IFD at offset 8: SamplesPerPixel 0"},
      {{{257, 3, 1, 1}, {273, 4, 1, 0}, {279, 4, 1, 1}},
       "IFD at offset 8: no ImageWidth (tag 256)"},
      {{{256, 3, 1, 1}, {257, 3, 1, 1}, {279, 4, 1, 1}}, "IFD at offset 8: no StripOffsets"},
      {{{256, 3, 1, 1}, {257, 3, 1, 1}, {273, 4, 1, 0}, {279, 4, 1, 1}, {322, 3, 1, 16}},
       "IFD at offset 8: TileWidth without TileLength"},
  };
  for (const Bad& c : cases) {
    TiffBuilder b;
    b.SetFirst(static_cast<uint32_t>(b.AddRawIfd(c.tags)));
    auto tf = OpenBytes(b.bytes());
    ASSERT_FALSE(tf.ok()) << c.message;
    EXPECT_EQ(Code::kInvalidFile, tf.status().code());
    EXPECT_EQ(c.message, tf.status().message());
  }
}

TEST(TiffOpen, LenientTagForms) {
  // Width as LONG, height as BYTE, a duplicate tag (the first wins), tile offsets stored in
  // StripOffsets/StripByteCounts (libtiff accepts that), more offsets than tiles (SHORT x 2,
  // inline), and an unknown tag with an absurd count (kept raw, never read).
  TiffBuilder b;
  const uint64_t ifd = b.AddRawIfd({{256, 4, 1, 20},
                                    {256, 4, 1, 999},
                                    {257, 1, 1, 10},
                                    {273, 3, 2, 0x00050003},
                                    {279, 4, 1, 7},
                                    {322, 3, 1, 32},
                                    {323, 3, 1, 16},
                                    {65000, 4, 0xFFFFFFFF, 0x7FFFFFFF}});
  b.SetFirst(static_cast<uint32_t>(ifd));
  auto tf = OpenBytes(b.bytes());
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  const Ifd& d = tf->ifds[0];
  EXPECT_EQ(20u, d.width());
  EXPECT_EQ(10u, d.height());
  EXPECT_TRUE(d.tiled());
  EXPECT_EQ(32u, d.block_width());
  EXPECT_EQ(16u, d.block_height());
  EXPECT_EQ(1u, d.block_count());
  EXPECT_EQ(std::vector<uint64_t>{3}, d.block_offsets());
  EXPECT_EQ(std::vector<uint64_t>{7}, d.block_byte_counts());
  ASSERT_EQ(8u, d.entries().size());
  EXPECT_EQ(65000, d.entries()[7].code);
  EXPECT_EQ(0xFFFFFFFFu, d.entries()[7].count);
  EXPECT_FALSE(d.entries()[7].is_inline);
  EXPECT_EQ(0x7FFFFFFFu, d.entries()[7].value_offset);
}

}  // namespace
}  // namespace cogr::tiff
