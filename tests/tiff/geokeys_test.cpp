// ParseGeoKeys: SHORT, DOUBLE and ASCII keys, and references outside the params.
#include <gtest/gtest.h>

#include "cogr/tiff.hpp"
#include "tiff/ifd_fields.hpp"

namespace cogr::tiff {
namespace {

Ifd WithKeys() {
  Ifd ifd;
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.offset = 8;
  f.geokey_directory = {1,    1,     0, 5,   // version 1.1.0, 5 keys
                        1024, 0,     1, 1,   // GTModelType = 1 (SHORT)
                        1026, 34737, 9, 0,   // GTCitation = "UTM 18N||" → "UTM 18N"
                        2049, 34737, 7, 9,   // GeogCitation = "WGS 84|"
                        2057, 34736, 1, 1,   // SemiMajorAxis = doubles[1]
                        2062, 34736, 3, 2};  // TOWGS84 = doubles[2..5)
  f.geo_ascii_params = "UTM 18N||WGS 84|";
  f.geo_double_params = {0.5, 6378137.0, 1.0, 2.0, 3.0};
  return ifd;
}

TEST(TiffGeoKeys, AllLocations) {
  Ifd ifd = WithKeys();
  // key 1026 names 9 chars "UTM 18N||": trailing terminators are all dropped (as GDAL shows).
  auto keys = ParseGeoKeys(ifd);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(5u, keys->size());
  EXPECT_EQ(uint16_t{1}, std::get<uint16_t>(keys->at(1024)));
  EXPECT_EQ("UTM 18N", std::get<std::string>(keys->at(1026)));
  EXPECT_EQ("WGS 84", std::get<std::string>(keys->at(2049)));
  EXPECT_EQ(std::vector<double>{6378137.0}, std::get<std::vector<double>>(keys->at(2057)));
  EXPECT_EQ((std::vector<double>{1.0, 2.0, 3.0}), std::get<std::vector<double>>(keys->at(2062)));
}

TEST(TiffGeoKeys, EmptyDirectoryIsNoKeys) {
  Ifd ifd;
  auto keys = ParseGeoKeys(ifd);
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->empty());
}

TEST(TiffGeoKeys, OutOfBoundsReferences) {
  Ifd ifd = WithKeys();
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.geokey_directory[4 * 5 + 3] = 3;  // TOWGS84 now doubles [3, 6) of 5
  auto keys = ParseGeoKeys(ifd);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(Code::kInvalidFile, keys.status().code());
  EXPECT_EQ(
      "IFD at offset 8: GeoKeyDirectory key 2062: doubles [3, 6) outside GeoDoubleParams (5 values)",
      keys.status().message());

  ifd = WithKeys();
  f.geokey_directory[4 * 3 + 3] = 40;  // GeogCitation at char 40 of 16
  keys = ParseGeoKeys(ifd);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(
      "IFD at offset 8: GeoKeyDirectory key 2049: ASCII [40, 47) outside GeoAsciiParams (16 chars)",
      keys.status().message());

  ifd = WithKeys();
  f.geokey_directory[3] = 6;  // 6 keys declared, 5 present
  keys = ParseGeoKeys(ifd);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ("IFD at offset 8: GeoKeyDirectory declares 6 keys (28 values) but has 24 values",
            keys.status().message());

  ifd = WithKeys();
  f.geokey_directory.resize(3);
  keys = ParseGeoKeys(ifd);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(Code::kInvalidFile, keys.status().code());

  ifd = WithKeys();
  f.geo_double_params.clear();  // doubles referenced but no GeoDoubleParams tag
  keys = ParseGeoKeys(ifd);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(Code::kInvalidFile, keys.status().code());
}

TEST(TiffGeoKeys, UnknownLocationIsSkipped) {
  Ifd ifd;
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.geokey_directory = {1, 1, 0, 2, 1024, 0, 1, 2, 3000, 50000, 1, 0};
  auto keys = ParseGeoKeys(ifd);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(1u, keys->size());
  EXPECT_EQ(uint16_t{2}, std::get<uint16_t>(keys->at(1024)));
}

}  // namespace
}  // namespace cogr::tiff
