// GDAL_METADATA and GDAL_NODATA text as GDAL writes it.
#include "write/gdal_tags.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "cogr/write.hpp"

namespace cogr {
namespace {

TEST(WriteGdalTags, NodataTextAsGdalPrintsIt) {
  EXPECT_EQ(write::FormatNodata(-9999), "-9999");
  EXPECT_EQ(write::FormatNodata(0), "0");
  EXPECT_EQ(write::FormatNodata(255), "255");
  EXPECT_EQ(write::FormatNodata(std::nan("")), "nan");
  EXPECT_EQ(write::FormatNodata(1.5), "1.5");
  EXPECT_EQ(write::FormatNodata(0.1), "0.100000000000000006");
  EXPECT_EQ(write::FormatNodata(4294967295.0), "4294967295");
  EXPECT_EQ(write::FormatNodata(-3.4028234663852886e38), "-3.4028234663852886e+38");
  EXPECT_EQ(write::FormatNodata(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(write::FormatNodata(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(WriteGdalTags, MetadataItemsPerBand) {
  write::Profile p;
  p.count = 3;
  EXPECT_EQ(internal::GdalMetadataXml(p), "");
  p.scales = {1.0, 0.5, 1.0};
  p.offsets = {0.0, -10.0, 0.0};
  p.descriptions = {"red & <blue>", "", "NIR \"band\""};
  EXPECT_EQ(
      internal::GdalMetadataXml(p),
      "<GDALMetadata>\n"
      "  <Item name=\"DESCRIPTION\" sample=\"0\" role=\"description\">red &amp; &lt;blue&gt;</Item>\n"
      "  <Item name=\"OFFSET\" sample=\"1\" role=\"offset\">-10</Item>\n"
      "  <Item name=\"SCALE\" sample=\"1\" role=\"scale\">0.5</Item>\n"
      "  <Item name=\"DESCRIPTION\" sample=\"2\" role=\"description\">NIR &quot;band&quot;</Item>\n"
      "</GDALMetadata>\n");
}

TEST(WriteGdalTags, SampleBytesOfEachType) {
  auto bytes = internal::SampleBytes(DataType::kInt16, -2);
  ASSERT_EQ(bytes.size(), 2u);
  int16_t i16;
  std::memcpy(&i16, bytes.data(), 2);
  EXPECT_EQ(i16, -2);
  bytes = internal::SampleBytes(DataType::kCFloat32, 1.5);
  ASSERT_EQ(bytes.size(), 8u);
  float parts[2];
  std::memcpy(parts, bytes.data(), 8);
  EXPECT_EQ(parts[0], 1.5f);
  EXPECT_EQ(parts[1], 0.0f);
  bytes = internal::SampleBytes(DataType::kUInt8, 300);  // saturates
  EXPECT_EQ(bytes, std::vector<uint8_t>{255});
  bytes = internal::SampleBytes(DataType::kUInt64, 0);
  EXPECT_EQ(bytes, std::vector<uint8_t>(8, 0));
}

}  // namespace
}  // namespace cogr
