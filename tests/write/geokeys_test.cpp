// CRS → GeoKeys: the keys GDAL 3.6 wrote for the fixtures (tests/data/expected/*.json), and
// custom CRSs that must come back through cogr's reader (which emulates GDAL's) unchanged.
#include "write/geokeys.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "cogr/write.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

using internal::GeoKeyMap;
using nlohmann::json;

json LoadExpected(const std::string& name) {
  std::ifstream in(test::DataPath("fixtures/expected/" + name));
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// The reader strips the '|' that ends each ASCII key; do the same to compare.
std::string StripPipes(std::string s) {
  while (!s.empty() && s.back() == '|') s.pop_back();
  return s;
}

// Compares keys with the JSON form of GDAL's keys (doubles to 1e-9 relative: GDAL took some
// from its database, the WKT we start from prints them rounded).
void ExpectKeysEqual(const GeoKeyMap& got, const json& expected) {
  ASSERT_TRUE(expected.is_object());
  EXPECT_EQ(got.size(), expected.size());
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    const uint16_t id = static_cast<uint16_t>(std::stoi(it.key()));
    auto found = got.find(id);
    ASSERT_NE(found, got.end()) << "missing key " << id;
    if (it->is_number_integer()) {
      ASSERT_TRUE(std::holds_alternative<uint16_t>(found->second)) << "key " << id;
      EXPECT_EQ(std::get<uint16_t>(found->second), it->get<int>()) << "key " << id;
    } else if (it->is_string()) {
      ASSERT_TRUE(std::holds_alternative<std::string>(found->second)) << "key " << id;
      EXPECT_EQ(StripPipes(std::get<std::string>(found->second)), it->get<std::string>())
          << "key " << id;
    } else {
      ASSERT_TRUE(std::holds_alternative<std::vector<double>>(found->second)) << "key " << id;
      const auto& v = std::get<std::vector<double>>(found->second);
      ASSERT_EQ(v.size(), it->size()) << "key " << id;
      for (size_t i = 0; i < v.size(); ++i) {
        const double e = (*it)[i].get<double>();
        EXPECT_NEAR(v[i], e, 1e-9 * std::max(1.0, std::fabs(e))) << "key " << id << "[" << i << "]";
      }
    }
  }
}

TEST(WriteGeoKeys, EpsgProjectedAsGdalWritesIt) {
  auto keys = internal::GeoKeysForCrs(32618, std::nullopt);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ExpectKeysEqual(*keys,
                  LoadExpected("dt_uint8_deflate_t128.json")["info"]["tiff"]["ifds"][0]["geokeys"]);
}

TEST(WriteGeoKeys, EpsgGeographicAsGdalWritesIt) {
  auto keys = internal::GeoKeysForCrs(4326, std::nullopt);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  json expected = LoadExpected("pixelispoint_4326.json")["info"]["tiff"]["ifds"][0]["geokeys"];
  expected["1025"] = 1;  // that fixture is PixelIsPoint; the writer always writes PixelIsArea
  ExpectKeysEqual(*keys, expected);
}

TEST(WriteGeoKeys, WktWithEpsgIdentityIsWrittenAsTheCode) {
  const json expected = LoadExpected("dt_uint8_deflate_t128.json");
  auto keys =
      internal::GeoKeysForCrs(std::nullopt, expected["contract"]["crs_wkt"].get<std::string>());
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ExpectKeysEqual(*keys, expected["info"]["tiff"]["ifds"][0]["geokeys"]);
  // A PROJ string is not identified with certainty: user-defined Transverse Mercator keys on
  // the EPSG:4326 base (as GDAL writes a CRS without AUTHORITY).
  keys = internal::GeoKeysForCrs(std::nullopt,
                                 std::string("+proj=utm +zone=18 +datum=WGS84 +units=m +no_defs"));
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(std::get<uint16_t>(keys->at(3072)), 32767);
  EXPECT_EQ(std::get<uint16_t>(keys->at(3075)), 1);  // CT_TransverseMercator
  EXPECT_EQ(std::get<std::vector<double>>(keys->at(3080)), std::vector<double>{-75.0});
  EXPECT_EQ(std::get<std::vector<double>>(keys->at(3092)), std::vector<double>{0.9996});
  EXPECT_EQ(std::get<std::vector<double>>(keys->at(3082)), std::vector<double>{500000.0});
}

TEST(WriteGeoKeys, UserDefinedLambertConformalConicAsGdalWritesIt) {
  const json expected = LoadExpected("crs_custom_lcc.json");
  auto keys =
      internal::GeoKeysForCrs(std::nullopt, expected["contract"]["crs_wkt"].get<std::string>());
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ExpectKeysEqual(*keys, expected["info"]["tiff"]["ifds"][0]["geokeys"]);
}

TEST(WriteGeoKeys, UnsupportedCrsNamesWhatIsMissing) {
  auto keys = internal::GeoKeysForCrs(std::nullopt,
                                      std::string("+proj=eqearth +datum=WGS84 +units=m +no_defs"));
  EXPECT_EQ(keys.status().code(), Code::kUnsupported);
  EXPECT_NE(keys.status().message().find("Equal Earth"), std::string::npos)
      << keys.status().message();
  keys = internal::GeoKeysForCrs(4978, std::nullopt);  // WGS 84 geocentric
  EXPECT_EQ(keys.status().code(), Code::kUnsupported);
  EXPECT_NE(keys.status().message().find("neither projected nor geographic"), std::string::npos)
      << keys.status().message();
  keys = internal::GeoKeysForCrs(std::nullopt, std::string("not a crs"));
  EXPECT_EQ(keys.status().code(), Code::kInvalidArgument);
  keys = internal::GeoKeysForCrs(99999, std::nullopt);
  EXPECT_EQ(keys.status().code(), Code::kInvalidArgument);
  keys = internal::GeoKeysForCrs(32767, std::nullopt);
  EXPECT_EQ(keys.status().code(), Code::kInvalidArgument);
}

TEST(WriteGeoKeys, EncodedDirectoryIsSortedWithParamsAfter) {
  GeoKeyMap keys;
  keys[3078] = std::vector<double>{31.5};
  keys[1024] = uint16_t{1};
  keys[1026] = std::string("abc");
  keys[2049] = std::string("de|");
  keys[3079] = std::vector<double>{44.5, 1.0};
  const internal::GeoKeyTags tags = internal::EncodeGeoKeys(keys);
  EXPECT_EQ(tags.directory, (std::vector<uint16_t>{1,    1,     0, 5,  //
                                                   1024, 0,     1, 1,  //
                                                   1026, 34737, 4, 0,  //
                                                   2049, 34737, 4, 4,  //
                                                   3078, 34736, 1, 0,  //
                                                   3079, 34736, 2, 1}));
  EXPECT_EQ(tags.doubles, (std::vector<double>{31.5, 44.5, 1.0}));
  EXPECT_EQ(tags.ascii, std::string("abc|de||\0", 9));
  EXPECT_TRUE(internal::EncodeGeoKeys({}).directory.empty());
}

// Writes a small file with `crs` and returns the reader's WKT1 of it.
std::string RoundTripWkt(const std::string& crs, std::optional<int>* epsg = nullptr) {
  test::ScratchDir dir("crs");
  write::Profile p;
  p.width = 16;
  p.height = 16;
  p.dtype = DataType::kUInt8;
  p.crs_wkt = crs;
  p.transform = geo::Affine{30, 0, 1000, 0, -30, 5000};
  Array a = test::MakeArray(DataType::kUInt8, 1, 16, 16);
  Status st = write::WriteGeoTiff(dir.File("crs.tif"), p, a);
  EXPECT_TRUE(st.ok()) << st.ToString();
  auto ds = Dataset::Open(dir.File("crs.tif"));
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  if (!ds.ok()) return "";
  if (epsg != nullptr) *epsg = (*ds)->crs_epsg();
  return (*ds)->crs_wkt().value_or("");
}

TEST(WriteGeoKeys, CustomLambertReadsBackAsGdalReportsIt) {
  const json expected = LoadExpected("crs_custom_lcc.json");
  std::optional<int> epsg;
  EXPECT_EQ(RoundTripWkt(expected["contract"]["crs_wkt"].get<std::string>(), &epsg),
            expected["contract"]["crs_wkt"].get<std::string>());
  EXPECT_FALSE(epsg.has_value());
}

TEST(WriteGeoKeys, CustomProjectionsReadBackWithTheirParameters) {
  struct Case {
    std::string crs;
    std::vector<std::string> fragments;
  };
  const std::vector<Case> cases = {
      {"+proj=tmerc +lat_0=10 +lon_0=-60 +k=0.9995 +x_0=400000 +y_0=100 +ellps=GRS80 +units=m +no_defs",
       {"PROJECTION[\"Transverse_Mercator\"]", "PARAMETER[\"latitude_of_origin\",10]",
        "PARAMETER[\"central_meridian\",-60]", "PARAMETER[\"scale_factor\",0.9995]",
        "PARAMETER[\"false_easting\",400000]", "PARAMETER[\"false_northing\",100]"}},
      {"+proj=aea +lat_0=23 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +x_0=10 +y_0=20 +datum=NAD83 +units=m +no_defs",
       {"PROJECTION[\"Albers_Conic_Equal_Area\"]", "PARAMETER[\"latitude_of_center\",23]",
        "PARAMETER[\"longitude_of_center\",-96]", "PARAMETER[\"standard_parallel_1\",29.5]",
        "PARAMETER[\"standard_parallel_2\",45.5]", "PARAMETER[\"false_easting\",10]",
        "DATUM[\"North_American_Datum_1983\"", "AUTHORITY[\"EPSG\",\"6269\"]"}},
      {"+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs",
       {"PROJECTION[\"Polar_Stereographic\"]", "PARAMETER[\"latitude_of_origin\",70]",
        "PARAMETER[\"central_meridian\",-45]"}},
      {"+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs",
       {"PROJECTION[\"Lambert_Azimuthal_Equal_Area\"]", "PARAMETER[\"latitude_of_center\",52]",
        "PARAMETER[\"longitude_of_center\",10]", "PARAMETER[\"false_easting\",4321000]"}},
      {"+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m +no_defs",
       {"PROJECTION[\"Sinusoidal\"]", "SPHEROID[", "6371007.181,0"}},
      {"+proj=merc +lon_0=20 +lat_ts=15 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs",
       {"PROJECTION[\"Mercator_2SP\"]", "PARAMETER[\"standard_parallel_1\",15]",
        "PARAMETER[\"central_meridian\",20]"}},
      {"+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=609601.2192024384 +y_0=0 +datum=NAD83 "
       "+units=us-ft +no_defs",
       {"PROJECTION[\"Lambert_Conformal_Conic_2SP\"]", "PARAMETER[\"false_easting\",2000000",
        "UNIT[\"US survey foot\""}},
      {"+proj=longlat +ellps=intl +towgs84=-87,-98,-121,0,0,0,0 +no_defs",
       {"GEOGCS[", "SPHEROID[\"International 1924", "6378388,297",
        "TOWGS84[-87,-98,-121,0,0,0,0]"}},
  };
  for (const Case& c : cases) {
    const std::string wkt = RoundTripWkt(c.crs);
    for (const std::string& f : c.fragments) {
      EXPECT_NE(wkt.find(f), std::string::npos) << c.crs << "\n  lacks " << f << "\n  in " << wkt;
    }
  }
}

}  // namespace
}  // namespace cogr
