// Crs::FromGeoKeys against rasterio 1.3.5 / GDAL 3.6.2 for the GeoKey classes GDAL has special
// rules for: compound CRSs (horizontal + vertical keys, GeoTIFF 1.0 and 1.1 directories),
// user-defined geographic CRSs (angular units, prime meridian, datum, ellipsoid) and Transverse
// Mercator South Orientated. Keys and answers recorded by scripts/record_crs_fixtures.py in
// tests/data/crs/geokeys.json (crs.to_wkt() and crs.to_epsg() of a 1x1 GeoTIFF holding them).
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cogr/crs.hpp"
#include "test_util.hpp"

namespace cogr::geo {
namespace {

using cogr::tiff::GeoKeyValue;
using nlohmann::json;

std::map<uint16_t, GeoKeyValue> KeysFromJson(const json& j) {
  std::map<uint16_t, GeoKeyValue> keys;
  for (const auto& [id, v] : j.items()) {
    const auto code = static_cast<uint16_t>(std::stoi(id));
    if (v.is_number_integer()) {
      keys[code] = v.get<uint16_t>();
    } else if (v.is_number()) {
      keys[code] = std::vector<double>{v.get<double>()};
    } else if (v.is_array()) {
      keys[code] = v.get<std::vector<double>>();
    } else {
      keys[code] = v.get<std::string>();
    }
  }
  return keys;
}

// Recorded cases cogr does not reproduce (the WKT or EPSG code differs): none now; a case
// listed here must differ, every other case must match exactly (docs/crs.md).
const std::set<std::string>& KnownDifferences() {
  static const std::set<std::string> names = {};
  return names;
}

TEST(GeoCrsGeoKeyFixtures, EveryRecordedCaseGivesRasterioWktAndEpsg) {
  if (Crs::FromEpsg(4326).status().code() == Code::kUnsupported)
    GTEST_SKIP() << "built without PROJ";
  const json doc = json::parse(test::ReadFileText(test::DataPath("crs/geokeys.json")));
  const json& cases = doc.at("cases");
  ASSERT_GE(cases.size(), 28u);
  size_t matched = 0;
  for (const json& c : cases) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(name);
    const bool known = KnownDifferences().count(name) > 0;
    const auto keys = KeysFromJson(c.at("keys"));
    const std::array<uint16_t, 3> version{1, 1, c.at("key_directory_minor").get<uint16_t>()};
    auto crs = Crs::FromGeoKeys(keys, version);
    if (c.at("wkt").is_null()) {
      EXPECT_FALSE(crs.ok());
      continue;
    }
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    auto wkt = crs->ToWkt();
    ASSERT_TRUE(wkt.ok()) << wkt.status().ToString();
    const std::optional<int> want_epsg =
        c.at("epsg").is_null() ? std::nullopt : std::optional<int>(c.at("epsg").get<int>());
    const bool same = *wkt == c.at("wkt").get<std::string>() && crs->ToEpsg() == want_epsg;
    if (same) ++matched;
    if (known) {
      EXPECT_FALSE(same) << "now matches: remove it from KnownDifferences()";
      continue;
    }
    const std::string want = c.at("wkt").get<std::string>();
    size_t at = 0;
    while (at < want.size() && at < wkt->size() && want[at] == (*wkt)[at]) ++at;
    const size_t from = at > 60 ? at - 60 : 0;
    EXPECT_EQ(*wkt, want) << "first difference at " << at << ":\n  got  ..."
                          << wkt->substr(from, 140) << "\n  want ..." << want.substr(from, 140);
    EXPECT_EQ(crs->ToEpsg(), want_epsg);
  }
  std::cout << "[ crs fixtures ] " << matched << " / " << cases.size()
            << " GeoKey sets match rasterio\n";
  EXPECT_EQ(matched + KnownDifferences().size(), cases.size());
}

}  // namespace
}  // namespace cogr::geo
