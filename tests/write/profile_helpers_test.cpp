// write::Profile::FromDataset, the COG preset and GDAL's COG overview rule (known answers from
// GDAL's COG driver recorded by scripts/record_helper_fixtures.py).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cogr/write.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr::write {
namespace {

using nlohmann::json;

TEST(CogOverviews, FactorCountEqualsGdalCogDriver) {
  const json doc = json::parse(test::ReadFileText(test::DataPath("helpers/rasterio_helpers.json")));
  const json& cases = doc["cog_overviews"];
  ASSERT_EQ(7u, cases.size());
  for (const json& c : cases) {
    const uint64_t w = c["width"], h = c["height"];
    const uint32_t bs = c["blocksize"];
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h) + " block " + std::to_string(bs));
    const std::vector<int> factors = CogOverviewFactors(w, h, bs);
    ASSERT_EQ(c["sizes"].size(), factors.size());
    // GDAL's overview i is the size halved i + 1 times (integer division, at least 1 pixel):
    // factor 2^(i+1).
    uint64_t gw = w, gh = h;
    for (size_t i = 0; i < factors.size(); ++i) {
      EXPECT_EQ(2 << i, factors[i]);
      gw = std::max<uint64_t>(1, gw / 2);
      gh = std::max<uint64_t>(1, gh / 2);
      EXPECT_EQ(c["sizes"][i], json({gw, gh}));
    }
  }
}

TEST(CogOverviews, PresetAndWithCogOverviews) {
  const Profile p = Profile::Cog(10240, 10240, 3, DataType::kUInt16);
  EXPECT_TRUE(p.tiled);
  EXPECT_EQ(512u, p.blockxsize);
  EXPECT_EQ(512u, p.blockysize);
  EXPECT_EQ(Compression::kLzw, p.compress);
  EXPECT_EQ(Interleave::kPixel, p.interleave);
  EXPECT_EQ((std::vector<int>{2, 4, 8, 16, 32}), p.overviews);
  EXPECT_TRUE(ValidateProfile(p).ok());
  Profile q;
  q.width = 1000;
  q.height = 3000;
  q.blockxsize = q.blockysize = 256;
  q.tiled = false;
  q = WithCogOverviews(q);
  EXPECT_TRUE(q.tiled);
  EXPECT_EQ((std::vector<int>{2, 4, 8, 16}), q.overviews);
  EXPECT_TRUE(CogOverviewFactors(512, 512, 512).empty());
  EXPECT_TRUE(CogOverviewFactors(5, 5, 0).empty());
}

TEST(ProfileFromDataset, CopiesWhatRasterioProfileSays) {
  auto ds = Dataset::Open(test::DataPath("helpers/mask_nodata_u16_t16.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto p = Profile::FromDataset(**ds);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(48u, p->width);
  EXPECT_EQ(40u, p->height);
  EXPECT_EQ(2, p->count);
  EXPECT_EQ(DataType::kUInt16, p->dtype);
  EXPECT_EQ(std::optional<double>(7.0), p->nodata);
  EXPECT_EQ(std::optional<int>(4326), p->crs_epsg);
  EXPECT_EQ((geo::Affine{0.5, 0, 10, 0, -0.5, 50}), p->transform);
  EXPECT_TRUE(p->tiled);
  EXPECT_EQ(16u, p->blockxsize);
  EXPECT_EQ(16u, p->blockysize);
  EXPECT_EQ(Compression::kDeflate, p->compress);
  EXPECT_EQ(Interleave::kPixel, p->interleave);
  EXPECT_EQ((std::vector<int>{2, 4}), p->overviews);
}

TEST(ProfileFromDataset, UnwritableCodecBecomesDeflateAndRoundTrips) {
  // JPEG (YCbCr) source: the writer has no JPEG, so the copy is deflate, without predictor.
  auto ds = Dataset::Open(test::DataPath("fixtures/jpeg_rgb_ycbcr_t128.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  auto p = Profile::FromDataset(**ds);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Compression::kDeflate, p->compress);
  EXPECT_EQ(1, p->predictor);
  EXPECT_EQ(128u, p->blockxsize);
  // Strips keep their rows per strip and stay strips.
  auto strips = Dataset::Open(test::DataPath("fixtures/rasterio__rgb-byte-tenth.tif"));
  ASSERT_TRUE(strips.ok());
  auto sp = Profile::FromDataset(**strips);
  ASSERT_TRUE(sp.ok()) << sp.status().ToString();
  EXPECT_FALSE(sp->tiled);
  EXPECT_EQ(34u, sp->blockysize);
  EXPECT_EQ(std::optional<double>(0.0), sp->nodata);
  // Written with it, the file reads back with the source's pixels, size and georeferencing.
  test::ScratchDir dir("from_dataset");
  auto data = (*strips)->Read();
  ASSERT_TRUE(data.ok());
  ASSERT_TRUE(WriteGeoTiff(dir.File("copy.tif"), *sp, *data).ok());
  auto copy = Dataset::Open(dir.File("copy.tif"));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*strips)->transform(), (*copy)->transform());
  EXPECT_EQ((*strips)->crs_epsg(), (*copy)->crs_epsg());
  EXPECT_EQ((*strips)->nodata(), (*copy)->nodata());
  auto back = (*copy)->Read();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(data->data, back->data);
}

}  // namespace
}  // namespace cogr::write
