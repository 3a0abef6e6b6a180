// Crs against the fixtures' rasterio contracts (contract.crs_wkt / contract.crs_epsg of
// /work/shared/fixtures/*/expected/*.json, GeoKeys from info.tiff.ifds[0].geokeys, copied here
// so the test needs no file), and transformations against independent references.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cogr/crs.hpp"

namespace cogr::geo {
namespace {

using cogr::tiff::GeoKeyValue;

// cogr can be built without PROJ; then every CRS function says kUnsupported.
bool HaveProj() { return Crs::FromEpsg(4326).status().code() != Code::kUnsupported; }

#define REQUIRE_PROJ() \
  if (!HaveProj()) GTEST_SKIP() << "built without PROJ"

struct FixtureCase {
  const char* fixture;
  std::map<uint16_t, GeoKeyValue> keys;
  const char* wkt;
  std::optional<int> epsg;
};

// One entry per distinct (GeoKeys, contract) pair among the fixtures. Not here:
// gcps_only_4326, whose keys say EPSG:4326 but whose contract has no CRS because GDAL
// ignores the GeoKeys of a file georeferenced by GCPs only (a Dataset-level rule).
const std::vector<FixtureCase>& FixtureCases() {
  static const std::vector<FixtureCase> cases =
      {
          // b7_u16_band_deflate_t128 (and 27 more fixtures with the same keys)
          {"b7_u16_band_deflate_t128",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(WGS 84 / UTM zone 18N)key")},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}},
            {3072, uint16_t{32618}},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["WGS 84 / UTM zone 18N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-75],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32618"]])wkt",
           32618},
          // crs_custom_lcc
          {"crs_custom_lcc",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(unknown)key")},
            {2048, uint16_t{32767}},
            {2049,
             std::string(
                 R"key(GCS Name = unknown|Datum = Unknown based on GRS80 ellipsoid using towgs84=0,0,0,0,0,0,0|Primem = Greenwich)key")},
            {2050, uint16_t{32767}},
            {2054, uint16_t{9102}},
            {2056, uint16_t{7019}},
            {2057, std::vector<double>{6378137.0}},
            {2059, std::vector<double>{298.257222101}},
            {2061, std::vector<double>{0.0}},
            {2062, std::vector<double>{0.0, 0.0, 0.0}},
            {3072, uint16_t{32767}},
            {3074, uint16_t{32767}},
            {3075, uint16_t{8}},
            {3076, uint16_t{9001}},
            {3078, std::vector<double>{31.5}},
            {3079, std::vector<double>{44.5}},
            {3084, std::vector<double>{-97.25}},
            {3085, std::vector<double>{38.5}},
            {3086, std::vector<double>{750000.0}},
            {3087, std::vector<double>{125000.0}}},
           R"wkt(PROJCS["unknown",GEOGCS["unknown",DATUM["Unknown based on GRS80 ellipsoid using towgs84=0,0,0,0,0,0,0",SPHEROID["GRS 1980",6378137,298.257222101004,AUTHORITY["EPSG","7019"]],TOWGS84[0,0,0,0,0,0,0]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["latitude_of_origin",38.5],PARAMETER["central_meridian",-97.25],PARAMETER["standard_parallel_1",31.5],PARAMETER["standard_parallel_2",44.5],PARAMETER["false_easting",750000],PARAMETER["false_northing",125000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH]])wkt",
           std::nullopt},
          // pixelispoint_4326
          {"pixelispoint_4326",
           {{1024, uint16_t{2}},
            {1025, uint16_t{2}},
            {2048, uint16_t{4326}},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}},
            {2057, std::vector<double>{6378137.0}},
            {2059, std::vector<double>{298.257223563}}},
           R"wkt(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]])wkt",
           4326},
          // cogeotiff__DEM_BS28_2016_1000_1141 (and 1 more fixtures with the same keys)
          {"cogeotiff__DEM_BS28_2016_1000_1141",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(NZGD2000 / New Zealand Transverse Mercator 2000)key")},
            {2049, std::string(R"key(NZGD2000)key")},
            {2054, uint16_t{9102}},
            {3072, uint16_t{2193}},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["NZGD2000 / New Zealand Transverse Mercator 2000",GEOGCS["NZGD2000",DATUM["New_Zealand_Geodetic_Datum_2000",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6167"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4167"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",173],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",1600000],PARAMETER["false_northing",10000000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","2193"]])wkt",
           2193},
          // cogeotiff__model_transformation
          {"cogeotiff__model_transformation",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(WGS 84 / UTM zone 13N)key")},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}},
            {3072, uint16_t{32613}},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["WGS 84 / UTM zone 13N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-105],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32613"]])wkt",
           32613},
          // cogeotiff__rgba8_cog (and 8 more fixtures with the same keys)
          {"cogeotiff__rgba8_cog",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(WGS 84 / Pseudo-Mercator)key")},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}},
            {3072, uint16_t{3857}},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Mercator_1SP"],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]])wkt",
           3857},
          // rasterio__RGBA.uint16
          {"rasterio__RGBA.uint16",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(WGS 84 / UTM zone 12N)key")},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}},
            {3072, uint16_t{32612}},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["WGS 84 / UTM zone 12N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-111],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32612"]])wkt",
           32612},
          // rasterio__all-nodata
          {"rasterio__all-nodata",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(WGS 84 / UTM zone 28N)key")},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}},
            {3072, uint16_t{32628}},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["WGS 84 / UTM zone 28N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-15],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32628"]])wkt",
           32628},
          // rasterio__float_raster_with_extra_nodata (and 1 more fixtures with the same keys)
          {"rasterio__float_raster_with_extra_nodata",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(unknown)key")},
            {2048, uint16_t{32767}},
            {2049,
             std::
                 string(
                     R"key(GCS Name = unknown|Datum = Unknown_based_on_GRS80_ellipsoid|Primem = Greenwich)key")},
            {2050, uint16_t{32767}},
            {2054, uint16_t{9102}},
            {2056, uint16_t{7019}},
            {2057, std::vector<double>{6378137.0}},
            {2059, std::vector<double>{298.257222101004}},
            {2061, std::vector<double>{0.0}},
            {3072, uint16_t{32767}},
            {3074, uint16_t{32767}},
            {3075, uint16_t{10}},
            {3076, uint16_t{9001}},
            {3082, std::vector<double>{4321000.0}},
            {3083, std::vector<double>{3210000.0}},
            {3088, std::vector<double>{10.0}},
            {3089, std::vector<double>{52.0}}},
           R"wkt(PROJCS["unknown",GEOGCS["unknown",DATUM["Unknown_based_on_GRS80_ellipsoid",SPHEROID["GRS 1980",6378137,298.257222101004,AUTHORITY["EPSG","7019"]]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]],PROJECTION["Lambert_Azimuthal_Equal_Area"],PARAMETER["latitude_of_center",52],PARAMETER["longitude_of_center",10],PARAMETER["false_easting",4321000],PARAMETER["false_northing",3210000],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]])wkt",
           std::nullopt},
          // rasterio__goes
          {"rasterio__goes",
           {{1024, uint16_t{32767}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(unnamed)key")},
            {2048, uint16_t{32767}},
            {2049,
             std::string(
                 R"key(GCS Name = unknown|Datum = unnamed|Ellipsoid = Spheroid|Primem = Greenwich)key")},
            {2050, uint16_t{32767}},
            {2054, uint16_t{9102}},
            {2056, uint16_t{32767}},
            {2057, std::vector<double>{6378137.0}},
            {2059, std::vector<double>{298.2572221}},
            {2061, std::vector<double>{0.0}},
            {3073,
             std::string(
                 R"key(ESRI PE String = PROJCS["unnamed",GEOGCS["unknown",DATUM["unnamed",SPHEROID["Spheroid",6378137,298.2572221]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]],PROJECTION["Geostationary_Satellite"],PARAMETER["central_meridian",-75],PARAMETER["satellite_height",35786023],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=geos +lon_0=-75 +h=35786023 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs +sweep=x"]])key")},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["unnamed",GEOGCS["unknown",DATUM["unnamed",SPHEROID["Spheroid",6378137,298.2572221]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]],PROJECTION["Geostationary_Satellite"],PARAMETER["central_meridian",-75],PARAMETER["satellite_height",35786023],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],EXTENSION["PROJ4","+proj=geos +lon_0=-75 +h=35786023 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs +sweep=x"]])wkt",
           std::nullopt},
          // rasterio__green (and 1 more fixtures with the same keys)
          {"rasterio__green",
           {{1024, uint16_t{2}},
            {1025, uint16_t{1}},
            {2048, uint16_t{4326}},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}},
            {2057, std::vector<double>{6378137.0}},
            {2059, std::vector<double>{298.257223563}}},
           R"wkt(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]])wkt",
           4326},
          // rasterio__rgb-byte-tenth
          {"rasterio__rgb-byte-tenth",
           {{1024, uint16_t{1}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(UTM Zone 18, Northern Hemisphere)key")},
            {2048, uint16_t{32767}},
            {2049,
             std::string(
                 R"key(GCS Name = Unknown datum based upon the WGS 84 ellipsoid|Datum = Not_specified_based_on_WGS_84_spheroid|Primem = Greenwich)key")},
            {2050, uint16_t{32767}},
            {2054, uint16_t{9102}},
            {2056, uint16_t{7030}},
            {2057, std::vector<double>{6378137.0}},
            {2059, std::vector<double>{298.257223563}},
            {2061, std::vector<double>{0.0}},
            {3072, uint16_t{32767}},
            {3074, uint16_t{16018}},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["UTM Zone 18, Northern Hemisphere",GEOGCS["Unknown datum based upon the WGS 84 ellipsoid",DATUM["Not_specified_based_on_WGS_84_spheroid",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-75],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH]])wkt",
           std::nullopt},
          // rasterio__test_esri_wkt
          {"rasterio__test_esri_wkt",
           {{1024, uint16_t{32767}},
            {1025, uint16_t{1}},
            {1026, std::string(R"key(USA_Contiguous_Albers_Equal_Area_Conic_USGS_version)key")},
            {2048, uint16_t{32767}},
            {2049,
             std::string(
                 R"key(GCS Name = GCS_North_American_1983|Datum = D_North_American_1983|Ellipsoid = GRS_1980|Primem = Greenwich)key")},
            {2050, uint16_t{32767}},
            {2054, uint16_t{9102}},
            {2056, uint16_t{32767}},
            {2057, std::vector<double>{6378137.0}},
            {2059, std::vector<double>{298.257222101}},
            {2061, std::vector<double>{0.0}},
            {3073,
             std::string(
                 R"key(ESRI PE String = PROJCS["USA_Contiguous_Albers_Equal_Area_Conic_USGS_version",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.017453292519943295]],PROJECTION["Albers"],PARAMETER["false_easting",0.0],PARAMETER["false_northing",0.0],PARAMETER["central_meridian",-96.0],PARAMETER["standard_parallel_1",29.5],PARAMETER["standard_parallel_2",45.5],PARAMETER["latitude_of_origin",23.0],UNIT["Meter",1.0],VERTCS["NAVD_1988",VDATUM["North_American_Vertical_Datum_1988"],PARAMETER["Vertical_Shift",0.0],PARAMETER["Direction",1.0],UNIT["Centimeter",0.01]]])key")},
            {3076, uint16_t{9001}}},
           R"wkt(PROJCS["USA_Contiguous_Albers_Equal_Area_Conic_USGS_version",GEOGCS["NAD83",DATUM["North_American_Datum_1983",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6269"]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],PROJECTION["Albers_Conic_Equal_Area"],PARAMETER["latitude_of_center",23],PARAMETER["longitude_of_center",-96],PARAMETER["standard_parallel_1",29.5],PARAMETER["standard_parallel_2",45.5],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH]])wkt",
           std::nullopt},
          // rasterio__world.rgb
          {"rasterio__world.rgb",
           {{1024, uint16_t{2}},
            {1025, uint16_t{1}},
            {2048, uint16_t{4326}},
            {2049, std::string(R"key(WGS 84)key")},
            {2054, uint16_t{9102}}},
           R"wkt(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]])wkt",
           4326},
      };
  return cases;
}

TEST(GeoCrsFixtures, GeoKeysGiveRasterioWktAndEpsg) {
  REQUIRE_PROJ();
  for (const FixtureCase& c : FixtureCases()) {
    SCOPED_TRACE(c.fixture);
    auto crs = Crs::FromGeoKeys(c.keys);
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    auto wkt = crs->ToWkt(WktFormat::kWkt1Gdal);
    ASSERT_TRUE(wkt.ok()) << wkt.status().ToString();
    EXPECT_EQ(*wkt, c.wkt);
    EXPECT_EQ(crs->ToEpsg(), c.epsg);
    // The default format is GDAL's WKT1.
    EXPECT_EQ(*crs->ToWkt(), *wkt);
  }
}

TEST(GeoCrsFixtures, GeoKeysOfGcpOnlyFileStillNameEpsg4326) {
  REQUIRE_PROJ();
  // gcps_only_4326.tif: the keys alone describe EPSG:4326 (with the semi-axes spelled out).
  const std::map<uint16_t, GeoKeyValue> keys = {{1024, uint16_t{2}},
                                                {1025, uint16_t{1}},
                                                {2048, uint16_t{4326}},
                                                {2049, std::string("WGS 84")},
                                                {2054, uint16_t{9102}},
                                                {2057, std::vector<double>{6378137.0}},
                                                {2059, std::vector<double>{298.257223563}}};
  auto crs = Crs::FromGeoKeys(keys);
  ASSERT_TRUE(crs.ok()) << crs.status().ToString();
  EXPECT_EQ(crs->ToEpsg(), 4326);
  EXPECT_TRUE(crs->IsGeographic());
}

TEST(GeoCrsFixtures, FromEpsgMatchesContracts) {
  REQUIRE_PROJ();
  // rasterio's CRS.from_epsg(code).to_wkt() is what the files with only that code print.
  for (const FixtureCase& c : FixtureCases()) {
    if (!c.epsg) continue;
    SCOPED_TRACE(c.fixture);
    auto crs = Crs::FromEpsg(*c.epsg);
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    EXPECT_EQ(*crs->ToWkt(), c.wkt);
    EXPECT_EQ(crs->ToEpsg(), c.epsg);
  }
}

TEST(GeoCrs, FromGeoKeysWithoutCrs) {
  REQUIRE_PROJ();
  auto none = Crs::FromGeoKeys({});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Code::kNotFound);
  // Only GTRasterTypeGeoKey: nothing names a CRS.
  auto raster_only = Crs::FromGeoKeys({{1025, uint16_t{1}}});
  ASSERT_FALSE(raster_only.ok());
  EXPECT_EQ(raster_only.status().code(), Code::kNotFound);
  // Keys of the wrong type count as absent, as in libgeotiff.
  auto wrong_types =
      Crs::FromGeoKeys({{1024, std::string("1")}, {3072, std::vector<double>{32618.0}}});
  ASSERT_FALSE(wrong_types.ok());
  EXPECT_EQ(wrong_types.status().code(), Code::kNotFound);
}

TEST(GeoCrs, FromGeoKeysUserDefinedKeyByKey) {
  REQUIRE_PROJ();
  struct Row {
    const char* what;
    std::map<uint16_t, GeoKeyValue> keys;
    const char* wkt;
  };
  using V = std::vector<double>;
  const std::vector<Row> rows = {
      // ProjectedCSTypeGeoKey plus a GeographicTypeGeoKey: GDAL builds it from its parts,
      // which come out as EPSG:32618 again.
      {"pcs and gcs",
       {{1024, uint16_t{1}},
        {2048, uint16_t{4326}},
        {3072, uint16_t{32618}},
        {3076, uint16_t{9001}}},
       R"(PROJCS["WGS 84 / UTM zone 18N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-75],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32618"]])"},
      // ProjectionGeoKey 16018 (UTM zone 18N) on NAD83, user-defined PCS named by the
      // citation, US survey feet: the false easting comes out in feet.
      {"conversion code, feet",
       {{1024, uint16_t{1}},
        {1026, std::string("my utm")},
        {2048, uint16_t{4269}},
        {3072, uint16_t{32767}},
        {3074, uint16_t{16018}},
        {3076, uint16_t{9003}}},
       R"(PROJCS["my utm",GEOGCS["NAD83",DATUM["North_American_Datum_1983",SPHEROID["GRS 1980",6378137,298.257222101004,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6269"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4269"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-75],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",1640416.66666667],PARAMETER["false_northing",0],UNIT["US survey foot",0.304800609601219,AUTHORITY["EPSG","9003"]],AXIS["Easting",EAST],AXIS["Northing",NORTH]])"},
      // Polar stereographic (CT 15): GDAL gives it polar axes and a unit without AUTHORITY.
      {"polar stereographic",
       {{1024, uint16_t{1}},
        {2048, uint16_t{4326}},
        {3072, uint16_t{32767}},
        {3075, uint16_t{15}},
        {3076, uint16_t{9001}},
        {3081, V{90.0}},
        {3082, V{2000000.0}},
        {3083, V{2000000.0}},
        {3092, V{0.994}},
        {3095, V{-45.0}}},
       R"(PROJCS["unnamed",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Polar_Stereographic"],PARAMETER["latitude_of_origin",90],PARAMETER["central_meridian",-45],PARAMETER["scale_factor",0.994],PARAMETER["false_easting",2000000],PARAMETER["false_northing",2000000],UNIT["metre",1],AXIS["Easting",SOUTH],AXIS["Northing",SOUTH]])"},
      // A projection without ellipsoid information: GDAL's WGS84 stand-in.
      {"no geodetic keys",
       {{1024, uint16_t{1}}, {3072, uint16_t{32767}}, {3075, uint16_t{1}}},
       R"(PROJCS["unnamed",GEOGCS["unknown",DATUM["unknown",SPHEROID["unretrievable - using WGS84",6378137,298.257223563]],PRIMEM["unnamed",0],UNIT["unknown",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["unknown",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]])"},
      // User-defined model type with a citation: a LOCAL_CS.
      {"local",
       {{1024, uint16_t{32767}}, {1026, std::string("site grid")}, {3076, uint16_t{9001}}},
       R"(LOCAL_CS["site grid",UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH]])"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto crs = Crs::FromGeoKeys(row.keys);
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    EXPECT_EQ(*crs->ToWkt(), row.wkt);
  }
}

TEST(GeoCrs, HostileGeoKeysGiveErrorsNotCrashes) {
  REQUIRE_PROJ();
  using V = std::vector<double>;
  const double nan = std::nan("");
  struct Row {
    const char* what;
    std::map<uint16_t, GeoKeyValue> keys;
    Code code;               // kOk: a CRS comes back
    const char* wkt_prefix;  // for kOk: how its WKT starts; else part of the message
  };
  const std::vector<Row> rows = {
      // Values no CRS can have are an invalid file before PROJ sees them (CheckDefn, from the
      // geokeys_crs fuzzer's timeouts).
      {"NaN semi-major",
       {{1024, uint16_t{2}}, {2048, uint16_t{32767}}, {2057, V{nan}}, {2059, V{298.0}}},
       Code::kInvalidFile,
       "GeoKeys: ellipsoid axis nan is out of range"},
      {"absurd prime meridian",
       {{1024, uint16_t{2}}, {2048, uint16_t{32767}}, {2051, uint16_t{32767}}, {2061, V{7e218}}},
       Code::kInvalidFile,
       "GeoKeys: prime meridian (degrees) 7e+218 is out of range"},
      {"semi-minor > semi-major",
       {{1024, uint16_t{2}}, {2048, uint16_t{32767}}, {2057, V{6e6}}, {2058, V{7e6}}},
       Code::kInvalidArgument,
       "Invalid ellipsoid parameters"},
      {"NaN projection parameter",
       {{1024, uint16_t{1}},
        {2048, uint16_t{4326}},
        {3072, uint16_t{32767}},
        {3075, uint16_t{8}},
        {3078, V{nan}},
        {3079, V{30.0}}},
       Code::kInvalidFile,
       "GeoKeys: projection parameter nan is out of range"},
      {"truncated ESRI PE string",
       {{1024, uint16_t{32767}}, {3073, std::string("ESRI PE String = PROJCS[")}},
       Code::kInvalidArgument,
       "PROJCS["},
      // Codes that are in no database: GDAL falls back to a LOCAL_CS.
      {"unknown codes",
       {{1024, uint16_t{1}},
        {2048, uint16_t{40000}},
        {2050, uint16_t{65000}},
        {2054, uint16_t{60000}},
        {3072, uint16_t{65535}},
        {3076, uint16_t{2}}},
       Code::kOk,
       "LOCAL_CS[\"unnamed\""},
      // CT 5 (Rosenmund oblique Mercator) has no GDAL setter: LOCAL_CS named after the PCS.
      {"unsupported method",
       {{1024, uint16_t{1}},
        {1026, std::string("swiss")},
        {2048, uint16_t{4326}},
        {3072, uint16_t{32767}},
        {3075, uint16_t{5}}},
       Code::kOk,
       "LOCAL_CS[\"swiss\""},
      // Quotes and brackets in a citation stay inside the name.
      {"citation with WKT syntax",
       {{1024, uint16_t{2}},
        {2048, uint16_t{32767}},
        {2050, uint16_t{6326}},
        {2049, std::string("GCS Name = a\"],UNIT[\"x\",1]]|Primem = Greenwich")}},
       Code::kOk,
       "GEOGCS[\"a'],UNIT['x',1]]\""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto crs = Crs::FromGeoKeys(row.keys);
    if (row.code == Code::kOk) {
      ASSERT_TRUE(crs.ok()) << crs.status().ToString();
      auto wkt = crs->ToWkt();
      ASSERT_TRUE(wkt.ok()) << wkt.status().ToString();
      EXPECT_EQ(wkt->rfind(row.wkt_prefix, 0), 0u) << *wkt;
    } else {
      ASSERT_FALSE(crs.ok());
      EXPECT_EQ(crs.status().code(), row.code);
      EXPECT_NE(crs.status().message().find(row.wkt_prefix), std::string::npos)
          << crs.status().message();
    }
  }
}

TEST(GeoCrs, EveryCoordinateTransformationCode) {
  REQUIRE_PROJ();
  using V = std::vector<double>;
  // GeoTIFF's CT codes and the WKT1 PROJECTION GDAL names for them.
  const std::vector<std::pair<uint16_t, const char*>> methods = {
      {1, "Transverse_Mercator"},
      {3, "Hotine_Oblique_Mercator"},
      {4, "Laborde_Oblique_Mercator"},
      {7, "Mercator_2SP"},
      {8, "Lambert_Conformal_Conic_2SP"},
      {9, "Lambert_Conformal_Conic_1SP"},
      {10, "Lambert_Azimuthal_Equal_Area"},
      {11, "Albers_Conic_Equal_Area"},
      {12, "Azimuthal_Equidistant"},
      {13, "Equidistant_Conic"},
      {14, "Stereographic"},
      {15, "Polar_Stereographic"},
      {16, "Oblique_Stereographic"},
      {17, "Equirectangular"},
      {18, "Cassini_Soldner"},
      {19, "Gnomonic"},
      {20, "Miller_Cylindrical"},
      {21, "Orthographic"},
      {22, "Polyconic"},
      {23, "Robinson"},
      {24, "Sinusoidal"},
      {25, "VanDerGrinten"},
      {26, "New_Zealand_Map_Grid"},
      {27, "Transverse_Mercator_South_Orientated"},
      {28, "Cylindrical_Equal_Area"},
      {9815, "Hotine_Oblique_Mercator_Azimuth_Center"},
  };
  for (const auto& [ct, projection] : methods) {
    SCOPED_TRACE(ct);
    auto crs = Crs::FromGeoKeys({{1024, uint16_t{1}},
                                 {2048, uint16_t{4326}},
                                 {3072, uint16_t{32767}},
                                 {3075, ct},
                                 {3076, uint16_t{9001}},
                                 {3078, V{30.0}},
                                 {3079, V{40.0}},
                                 {3080, V{20.0}},
                                 {3081, V{10.0}},
                                 {3092, V{0.5}},
                                 {3094, V{45.0}}});
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    auto wkt = crs->ToWkt();
    ASSERT_TRUE(wkt.ok()) << wkt.status().ToString();
    EXPECT_NE(wkt->find(std::string("PROJECTION[\"") + projection + "\"]"), std::string::npos)
        << *wkt;
    EXPECT_TRUE(crs->IsProjected());
  }
}

TEST(GeoCrs, BadEpsgCode) {
  REQUIRE_PROJ();
  auto unknown = Crs::FromEpsg(99999);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(unknown.status().message().rfind("EPSG:99999: ", 0), 0u) << unknown.status().message();
  EXPECT_NE(unknown.status().message().find("not found"), std::string::npos)
      << unknown.status().message();
  // A datum code is not a CRS code.
  EXPECT_EQ(Crs::FromEpsg(6326).status().code(), Code::kInvalidArgument);
  auto negative = Crs::FromEpsg(-4326);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().message(), "EPSG:-4326: EPSG codes are positive");
}

TEST(GeoCrs, FromUserInput) {
  REQUIRE_PROJ();
  const std::string utm18 = *Crs::FromEpsg(32618)->ToWkt();
  struct Row {
    const char* what;
    std::string input;
    std::optional<int> epsg;
    bool geographic;
  };
  const std::vector<Row> rows = {
      {"authority", "EPSG:32618", 32618, false},
      {"lower case, spaces", "  epsg:4326\n", 4326, true},
      {"GDAL WKT1", utm18, 32618, false},
      {"WKT2", *Crs::FromEpsg(2193)->ToWkt(WktFormat::kWkt2_2019), 2193, false},
      {"PROJJSON", *Crs::FromEpsg(3857)->ToProjJson(), 3857, false},
      // PROJ strings need no +type=crs. PROJ matches this one to EPSG:32618 with only 70 %
      // confidence (its name is "unknown"), so no code: ToEpsg wants 100 %.
      {"PROJ string", "+proj=utm +zone=18 +datum=WGS84 +units=m +no_defs", std::nullopt, false},
      {"PROJ longlat", "+proj=longlat +datum=WGS84 +no_defs", std::nullopt, true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto crs = Crs::FromUserInput(row.input);
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    EXPECT_EQ(crs->ToEpsg(), row.epsg);
    EXPECT_EQ(crs->IsGeographic(), row.geographic);
  }
  // WKT1 in, the same WKT1 out.
  EXPECT_EQ(*Crs::FromUserInput(utm18)->ToWkt(), utm18);

  for (const char* bad : {"not a crs", "   ", "EPSG:99999",
                          "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad"}) {
    SCOPED_TRACE(bad);
    auto crs = Crs::FromUserInput(bad);
    ASSERT_FALSE(crs.ok());
    EXPECT_EQ(crs.status().code(), Code::kInvalidArgument);
  }
  EXPECT_EQ(Crs::FromUserInput("").status().message(), "empty CRS definition");
  EXPECT_EQ(Crs::FromUserInput("+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad")
                .status()
                .message(),
            "\"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +type=crs\" is not "
            "a CRS");
}

TEST(GeoCrs, EsriWktIsReadLikeGdal) {
  REQUIRE_PROJ();
  // rasterio__test_esri_wkt.tif's ESRI PE string, as a user would pass it.
  auto crs = Crs::FromUserInput(
      R"(PROJCS["USA_Contiguous_Albers_Equal_Area_Conic_USGS_version",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.017453292519943295]],PROJECTION["Albers"],PARAMETER["false_easting",0.0],PARAMETER["false_northing",0.0],PARAMETER["central_meridian",-96.0],PARAMETER["standard_parallel_1",29.5],PARAMETER["standard_parallel_2",45.5],PARAMETER["latitude_of_origin",23.0],UNIT["Meter",1.0]])");
  ASSERT_TRUE(crs.ok()) << crs.status().ToString();
  EXPECT_EQ(
      *crs->ToWkt(),
      R"(PROJCS["USA_Contiguous_Albers_Equal_Area_Conic_USGS_version",GEOGCS["NAD83",DATUM["North_American_Datum_1983",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6269"]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],PROJECTION["Albers_Conic_Equal_Area"],PARAMETER["latitude_of_center",23],PARAMETER["longitude_of_center",-96],PARAMETER["standard_parallel_1",29.5],PARAMETER["standard_parallel_2",45.5],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH]])");
  EXPECT_EQ(crs->ToEpsg(), std::nullopt);
}

TEST(GeoCrs, Properties) {
  REQUIRE_PROJ();
  struct Row {
    const char* input;
    bool geographic, projected;
    const char* units;
    const char* name;
  };
  const std::vector<Row> rows = {
      {"EPSG:4326", true, false, "degree", "WGS 84"},
      {"EPSG:32618", false, true, "metre", "WGS 84 / UTM zone 18N"},
      {"EPSG:2193", false, true, "metre", "NZGD2000 / New Zealand Transverse Mercator 2000"},
      {"EPSG:2263", false, true, "US survey foot", "NAD83 / New York Long Island (ftUS)"},
      {"EPSG:4979", true, false, "degree", "WGS 84"},  // 3D
      {"EPSG:4978", false, false, "metre", "WGS 84"},  // geocentric
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    auto crs = Crs::FromUserInput(row.input);
    ASSERT_TRUE(crs.ok()) << crs.status().ToString();
    EXPECT_EQ(crs->IsGeographic(), row.geographic);
    EXPECT_EQ(crs->IsProjected(), row.projected);
    EXPECT_EQ(crs->LinearUnits(), row.units);
    EXPECT_EQ(crs->Name(), row.name);
  }
  // crs_custom_lcc.tif's CRS carries TOWGS84 (a bound CRS): still projected.
  auto lcc = Crs::FromGeoKeys(FixtureCases()[1].keys);
  ASSERT_TRUE(lcc.ok());
  EXPECT_TRUE(lcc->IsProjected());
  EXPECT_FALSE(lcc->IsGeographic());
  EXPECT_EQ(lcc->LinearUnits(), "metre");
}

// Issue 5's CRS surface on three kinds of CRS: a geographic EPSG code, a projected EPSG code
// and a user-defined projected CRS that only GeoKeys describe.
TEST(GeoCrs, EpsgWktProjJsonAndUnitsOfThreeKinds) {
  REQUIRE_PROJ();
  auto wgs84 = Crs::FromEpsg(4326);
  ASSERT_TRUE(wgs84.ok()) << wgs84.status().ToString();
  EXPECT_EQ(wgs84->ToEpsg(), 4326);
  EXPECT_TRUE(wgs84->IsGeographic());
  EXPECT_FALSE(wgs84->IsProjected());
  EXPECT_EQ(wgs84->LinearUnits(), "degree");
  auto no_factor = wgs84->LinearUnitsFactor();
  ASSERT_FALSE(no_factor.ok());
  EXPECT_EQ(no_factor.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(no_factor.status().message(),
            "linear units factor is not defined for a non-projected CRS (\"WGS 84\")");
  // GDAL's WKT1 of EPSG:4326 (rasterio's CRS.from_epsg(4326).to_wkt()).
  EXPECT_EQ(
      *wgs84->ToWkt(WktFormat::kWkt1Gdal),
      R"(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]])");
  auto wkt2 = wgs84->ToWkt(WktFormat::kWkt2_2019);
  ASSERT_TRUE(wkt2.ok());
  EXPECT_EQ(wkt2->rfind("GEOGCRS[\"WGS 84\"", 0), 0u) << *wkt2;
  EXPECT_NE(wkt2->find("ID[\"EPSG\",4326]"), std::string::npos) << *wkt2;
  auto json = wgs84->ToProjJson();
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find("\"type\":\"GeographicCRS\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"code\":4326"), std::string::npos) << *json;

  auto utm = Crs::FromUserInput("EPSG:32631");
  ASSERT_TRUE(utm.ok()) << utm.status().ToString();
  EXPECT_EQ(utm->ToEpsg(), 32631);
  EXPECT_EQ(utm->Name(), "WGS 84 / UTM zone 31N");
  EXPECT_FALSE(utm->IsGeographic());
  EXPECT_TRUE(utm->IsProjected());
  auto metre = utm->LinearUnitsFactor();
  ASSERT_TRUE(metre.ok()) << metre.status().ToString();
  EXPECT_EQ(*metre, (std::pair<std::string, double>{"metre", 1.0}));
  // Zone 31 has central meridian 3 degrees east.
  EXPECT_EQ(
      *utm->ToWkt(),
      R"(PROJCS["WGS 84 / UTM zone 31N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",3],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32631"]])");
  auto utm_wkt2 = utm->ToWkt(WktFormat::kWkt2_2019);
  ASSERT_TRUE(utm_wkt2.ok());
  EXPECT_EQ(utm_wkt2->rfind("PROJCRS[\"WGS 84 / UTM zone 31N\"", 0), 0u) << *utm_wkt2;
  EXPECT_NE(utm_wkt2->find("ID[\"EPSG\",32631]"), std::string::npos) << *utm_wkt2;
  // Parsing either WKT again gives the same CRS.
  for (WktFormat f : {WktFormat::kWkt1Gdal, WktFormat::kWkt2_2019}) {
    auto again = Crs::FromUserInput(*utm->ToWkt(f));
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->ToEpsg(), 32631);
  }
  auto utm_json = utm->ToProjJson();
  ASSERT_TRUE(utm_json.ok());
  EXPECT_NE(utm_json->find("\"type\":\"ProjectedCRS\""), std::string::npos) << *utm_json;
  EXPECT_NE(utm_json->find("\"code\":32631"), std::string::npos) << *utm_json;
  auto from_json = Crs::FromUserInput(*utm_json);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  EXPECT_EQ(from_json->ToEpsg(), 32631);

  // User-defined: ProjectionGeoKey 16018 (UTM 18N) on NAD83 in US survey feet. No EPSG code
  // has this name, so to_epsg() is None, as in rasterio.
  const std::map<uint16_t, GeoKeyValue> keys = {
      {1024, uint16_t{1}},     {1026, std::string("my utm")}, {2048, uint16_t{4269}},
      {3072, uint16_t{32767}}, {3074, uint16_t{16018}},       {3076, uint16_t{9003}}};
  auto user = Crs::FromGeoKeys(keys);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->ToEpsg(), std::nullopt);
  EXPECT_EQ(user->Name(), "my utm");
  EXPECT_TRUE(user->IsProjected());
  EXPECT_FALSE(user->IsGeographic());
  auto feet = user->LinearUnitsFactor();
  ASSERT_TRUE(feet.ok()) << feet.status().ToString();
  EXPECT_EQ(feet->first, "US survey foot");
  EXPECT_NEAR(feet->second, 1200.0 / 3937.0, 1e-15);  // the US survey foot's definition
  auto user_wkt2 = user->ToWkt(WktFormat::kWkt2_2019);
  ASSERT_TRUE(user_wkt2.ok());
  EXPECT_EQ(user_wkt2->rfind("PROJCRS[\"my utm\"", 0), 0u) << *user_wkt2;
  EXPECT_NE(user_wkt2->find("US survey foot"), std::string::npos) << *user_wkt2;
  auto user_json = user->ToProjJson();
  ASSERT_TRUE(user_json.ok());
  EXPECT_NE(user_json->find("\"name\":\"my utm\""), std::string::npos) << *user_json;
  // Its WKT2 and PROJJSON describe the same CRS as its WKT1.
  for (const std::string& text : {*user_wkt2, *user_json}) {
    auto again = Crs::FromUserInput(text);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    auto pts = TransformPoints(*user, *again, {{1640416.6666666667, 0.0}});
    ASSERT_TRUE(pts.ok()) << pts.status().ToString();
    EXPECT_NEAR((*pts)[0].first, 1640416.6666666667, 1e-6);
    EXPECT_NEAR((*pts)[0].second, 0.0, 1e-6);
  }
}

TEST(GeoCrs, OtherFormats) {
  REQUIRE_PROJ();
  auto crs = Crs::FromEpsg(32618);
  ASSERT_TRUE(crs.ok());
  auto wkt2 = crs->ToWkt(WktFormat::kWkt2_2019);
  ASSERT_TRUE(wkt2.ok());
  EXPECT_EQ(wkt2->rfind("PROJCRS[\"WGS 84 / UTM zone 18N\"", 0), 0u) << *wkt2;
  EXPECT_NE(wkt2->find("ID[\"EPSG\",32618]"), std::string::npos) << *wkt2;
  EXPECT_EQ(wkt2->find('\n'), std::string::npos);
  auto json = crs->ToProjJson();
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->front(), '{');
  EXPECT_NE(json->find("\"ProjectedCRS\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"code\":32618"), std::string::npos) << *json;
}

// UTM zone 18N references from the Krüger series of order n^6 (Karney 2011), evaluated
// independently of PROJ; its error is a few nanometres.
TEST(GeoCrsTransform, Wgs84ToUtm18) {
  REQUIRE_PROJ();
  auto wgs84 = Crs::FromEpsg(4326);
  auto utm = Crs::FromEpsg(32618);
  ASSERT_TRUE(wgs84.ok() && utm.ok());
  // Traditional GIS order: (longitude, latitude) in, (easting, northing) out.
  auto out = TransformPoints(*wgs84, *utm, {{-75.0, 0.0}, {-74.0, 40.7}, {-73.5, 45.25}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 3u);
  // The central meridian on the equator is the false origin: (500000, 0).
  EXPECT_NEAR((*out)[0].first, 500000.0, 1e-6);
  EXPECT_NEAR((*out)[0].second, 0.0, 1e-6);
  EXPECT_NEAR((*out)[1].first, 584482.3522823, 1e-6);
  EXPECT_NEAR((*out)[1].second, 4505935.8694471, 1e-6);
  EXPECT_NEAR((*out)[2].first, 617707.6042583, 1e-6);
  EXPECT_NEAR((*out)[2].second, 5011817.2128243, 1e-6);

  // And back.
  auto back = TransformPoints(*utm, *wgs84, *out);
  ASSERT_TRUE(back.ok());
  EXPECT_NEAR((*back)[1].first, -74.0, 1e-9);
  EXPECT_NEAR((*back)[1].second, 40.7, 1e-9);
}

TEST(GeoCrsTransform, ProjQuickstartPoint) {
  REQUIRE_PROJ();
  // PROJ's quickstart transforms (12°E, 55°N) to UTM 32N and prints
  // "easting: 691875.63, northing: 6098907.83".
  auto out = TransformPoints(*Crs::FromEpsg(4326), *Crs::FromEpsg(32632), {{12.0, 55.0}});
  ASSERT_TRUE(out.ok());
  EXPECT_NEAR((*out)[0].first, 691875.63, 0.005);
  EXPECT_NEAR((*out)[0].second, 6098907.83, 0.005);
}

TEST(GeoCrsTransform, UntransformablePointsBecomeInfinite) {
  REQUIRE_PROJ();
  auto out = TransformPoints(*Crs::FromEpsg(4326), *Crs::FromEpsg(32618),
                             {{1000.0, 1000.0}, {-74.0, 40.7}});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(std::isinf((*out)[0].first));
  EXPECT_TRUE(std::isinf((*out)[0].second));
  EXPECT_NEAR((*out)[1].first, 584482.3522823, 1e-6);
  auto empty = TransformPoints(*Crs::FromEpsg(4326), *Crs::FromEpsg(32618), {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

// rasterio's transform_bounds densifies each edge with densify_pts points and keeps the
// extremes; here the same sampling is done point by point for comparison.
Bounds DensifiedBounds(const Crs& from, const Crs& to, const Bounds& b, int densify) {
  std::vector<std::pair<double, double>> pts;
  const int n = densify + 1;
  for (int i = 0; i <= n; ++i) {
    const double fx = b.left + (b.right - b.left) * i / n;
    const double fy = b.bottom + (b.top - b.bottom) * i / n;
    pts.push_back({fx, b.bottom});
    pts.push_back({fx, b.top});
    pts.push_back({b.left, fy});
    pts.push_back({b.right, fy});
  }
  auto out = TransformPoints(from, to, pts);
  Bounds r{INFINITY, INFINITY, -INFINITY, -INFINITY};
  for (const auto& [x, y] : *out) {
    r.left = std::min(r.left, x);
    r.right = std::max(r.right, x);
    r.bottom = std::min(r.bottom, y);
    r.top = std::max(r.top, y);
  }
  return r;
}

TEST(GeoCrsTransform, TransformBounds) {
  REQUIRE_PROJ();
  auto wgs84 = *Crs::FromEpsg(4326);
  auto utm = *Crs::FromEpsg(32618);
  struct Row {
    const char* what;
    const Crs& from;
    const Crs& to;
    Bounds bounds;
  };
  const std::vector<Row> rows = {
      // dt_uint8_deflate_t128.tif's bounds to lon/lat.
      {"utm to lonlat", utm, wgs84, {583020, 4506290, 585020, 4507980}},
      // Two degrees square to UTM: the curved edges bulge, corners alone would miss it.
      {"lonlat to utm", wgs84, utm, {-76, 40, -74, 42}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    auto got = TransformBounds(row.from, row.to, row.bounds);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const Bounds want = DensifiedBounds(row.from, row.to, row.bounds, 21);
    const double tolerance = row.to.IsGeographic() ? 1e-9 : 1e-6;
    EXPECT_NEAR(got->left, want.left, tolerance);
    EXPECT_NEAR(got->bottom, want.bottom, tolerance);
    EXPECT_NEAR(got->right, want.right, tolerance);
    EXPECT_NEAR(got->top, want.top, tolerance);
  }
  // -76..-74 at 40..42°N in zone 18N: the west edge is 1° from the central meridian; the
  // box's easting span is symmetric about 500000.
  auto utm_box = TransformBounds(wgs84, utm, Bounds{-76, 40, -74, 42});
  ASSERT_TRUE(utm_box.ok());
  EXPECT_NEAR(utm_box->left + utm_box->right, 1000000.0, 1e-6);
  EXPECT_LT(utm_box->left, 415000.0);

  auto bad = TransformBounds(wgs84, utm, Bounds{-76, 40, -74, 42}, -1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST(GeoCrsTransform, TransformBoundsAcrossTheAntimeridian) {
  REQUIRE_PROJ();
  // EPSG:3832 (PDC Mercator) is centred on 150°E; x from 2000 km to 4000 km spans about
  // 168°E to 174°W, so the lon/lat box crosses 180° and comes back with left > right.
  auto got = TransformBounds(*Crs::FromEpsg(3832), *Crs::FromEpsg(4326),
                             Bounds{2000000, -1000000, 4000000, 1000000});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_GT(got->left, got->right);
  EXPECT_NEAR(got->left, 150 + 2000000 / 6378137.0 * 180 / M_PI, 1e-6);
  EXPECT_NEAR(got->right, 150 + 4000000 / 6378137.0 * 180 / M_PI - 360, 1e-6);
}

TEST(GeoCrs, SharedAcrossThreads) {
  REQUIRE_PROJ();
  // One Crs used by several threads at once, including the first (lazy) ToEpsg call.
  auto lcc = Crs::FromGeoKeys(FixtureCases()[1].keys);
  auto utm = Crs::FromEpsg(32618);
  auto wgs84 = Crs::FromEpsg(4326);
  ASSERT_TRUE(lcc.ok() && utm.ok() && wgs84.ok());
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        if (lcc->ToEpsg() != std::nullopt) ++failures[t];
        auto out = TransformPoints(*wgs84, *utm, {{-74.0, 40.7}});
        if (!out.ok() || std::fabs((*out)[0].first - 584482.3522823) > 1e-6) ++failures[t];
        auto lcc_pt = TransformPoints(*lcc, *wgs84, {{750000, 125000}});
        // The LCC's false origin is (-97.25, 38.5).
        if (!lcc_pt.ok() || std::fabs((*lcc_pt)[0].first + 97.25) > 1e-6 ||
            std::fabs((*lcc_pt)[0].second - 38.5) > 1e-6) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(GeoCrs, WithoutProjEverythingIsUnsupported) {
  if (HaveProj()) GTEST_SKIP() << "built with PROJ";
  EXPECT_EQ(Crs::FromEpsg(4326).status().code(), Code::kUnsupported);
  EXPECT_EQ(Crs::FromUserInput("EPSG:4326").status().code(), Code::kUnsupported);
  EXPECT_EQ(Crs::FromGeoKeys({{1024, uint16_t{2}}, {2048, uint16_t{4326}}}).status().code(),
            Code::kUnsupported);
}

}  // namespace
}  // namespace cogr::geo
