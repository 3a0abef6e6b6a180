// Mask (rasterio.mask.mask) on a fixture: 200x169 uint8, transform (10,0,583020,0,-10,4507980).
#include <gtest/gtest.h>

#include "cogr/mask.hpp"
#include "test_util.hpp"

namespace cogr::mask {
namespace {

constexpr double kX0 = 583020, kY0 = 4507980, kRes = 10;

// World position of pixel corner (col, row).
Point At(double col, double row) { return {kX0 + kRes * col, kY0 - kRes * row}; }

Geometry PixelPolygon(std::vector<std::pair<double, double>> corners) {
  Polygon p;
  for (auto [c, r] : corners) p.exterior.push_back(At(c, r));
  p.exterior.push_back(p.exterior.front());
  return Geometry{p};
}

class MaskFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ds = Dataset::Open(test::DataPath("fixtures/dt_uint8_deflate_t128.tif"));
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ds_ = *ds;
    ASSERT_EQ(ds_->width(), 200u);
    ASSERT_EQ(ds_->height(), 169u);
    ASSERT_EQ(ds_->transform(), (geo::Affine{10, 0, kX0, 0, -10, kY0}));
    auto full = ds_->Read();
    ASSERT_TRUE(full.ok()) << full.status().ToString();
    full_ = std::move(*full);
  }
  uint8_t Pixel(uint64_t col, uint64_t row) const { return full_.data[row * full_.width + col]; }
  uint8_t Fill() const { return static_cast<uint8_t>(ds_->nodata().value_or(0)); }

  std::shared_ptr<Dataset> ds_;
  Array full_;
};

TEST_F(MaskFixture, CropTriangle) {
  // Triangle with pixel corners (20,30), (50,30), (20,60): window (20, 30, 30, 30); inside by
  // the centre rule (hypotenuse inclusive) iff c + r <= 29 in window pixels.
  const Geometry tri = PixelPolygon({{20, 30}, {50, 30}, {20, 60}});
  MaskOptions opt;
  opt.crop = true;
  opt.nodata = 7;
  auto r = Mask(*ds_, {tri}, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data.width, 30u);
  EXPECT_EQ(r->data.height, 30u);
  EXPECT_EQ(r->data.bands, 1u);
  EXPECT_EQ(r->transform, (geo::Affine{10, 0, kX0 + 200, 0, -10, kY0 - 300}));
  int inside = 0;
  for (uint64_t row = 0; row < 30; ++row) {
    for (uint64_t col = 0; col < 30; ++col) {
      const uint8_t got = r->data.data[row * 30 + col];
      const uint8_t plain = Pixel(20 + col, 30 + row);
      const bool in = col + row <= 29;
      const bool nodata_px = ds_->nodata() && plain == *ds_->nodata();
      if (in && !nodata_px) {
        ++inside;
        ASSERT_EQ(got, plain) << col << "," << row;
      } else {
        ASSERT_EQ(got, 7) << col << "," << row;
      }
    }
  }
  EXPECT_GT(inside, 400);
}

TEST_F(MaskFixture, FullExtentAndValidityMask) {
  const Geometry box = PixelPolygon({{10, 10}, {20, 10}, {20, 15}, {10, 15}});
  MaskOptions opt;
  opt.filled = false;
  auto r = Mask(*ds_, {box}, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data.width, 200u);
  EXPECT_EQ(r->data.height, 169u);
  EXPECT_EQ(r->transform, ds_->transform());
  EXPECT_EQ(r->data.data, full_.data);  // filled=false leaves pixels alone
  ASSERT_EQ(r->valid.size(), 200u * 169u);
  for (uint64_t row = 0; row < 169; ++row) {
    for (uint64_t col = 0; col < 200; ++col) {
      const bool in = col >= 10 && col < 20 && row >= 10 && row < 15 &&
                      !(ds_->nodata() && Pixel(col, row) == *ds_->nodata());
      ASSERT_EQ(r->valid[row * 200 + col], in ? 1 : 0) << col << "," << row;
    }
  }
  // invert: the box itself is masked, the rest is kept.
  opt.filled = true;
  opt.invert = true;
  auto inv = Mask(*ds_, {box}, opt);
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->data.data[12 * 200 + 15], Fill());
  EXPECT_EQ(inv->data.data[100 * 200 + 100], Pixel(100, 100));
}

TEST_F(MaskFixture, PolygonCrossingTheImageEdge) {
  // Pixel box cols -10..10, rows 160..180: clipped to window (0, 160, 10, 9), all inside.
  const Geometry box = PixelPolygon({{-10, 160}, {10, 160}, {10, 180}, {-10, 180}});
  MaskOptions opt;
  opt.crop = true;
  auto r = Mask(*ds_, {box}, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->data.width, 10u);
  ASSERT_EQ(r->data.height, 9u);
  EXPECT_EQ(r->transform, (geo::Affine{10, 0, kX0, 0, -10, kY0 - 1600}));
  for (uint64_t row = 0; row < 9; ++row) {
    for (uint64_t col = 0; col < 10; ++col) {
      const uint8_t plain = Pixel(col, 160 + row);
      const bool nodata_px = ds_->nodata() && plain == *ds_->nodata();
      ASSERT_EQ(r->data.data[row * 10 + col], nodata_px ? Fill() : plain);
    }
  }
}

TEST_F(MaskFixture, PadGrowsTheWindowByHalfAPixel) {
  const Geometry box = PixelPolygon({{20, 30}, {50, 30}, {50, 60}, {20, 60}});
  MaskOptions opt;
  opt.crop = true;
  opt.pad = true;
  auto r = Mask(*ds_, {box}, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data.width, 32u);
  EXPECT_EQ(r->data.height, 32u);
  EXPECT_EQ(r->transform, (geo::Affine{10, 0, kX0 + 190, 0, -10, kY0 - 290}));
  EXPECT_EQ(r->data.data[0], Fill());  // pad ring is outside the box
  const uint8_t plain = Pixel(25, 35);
  const bool nodata_px = ds_->nodata() && plain == *ds_->nodata();
  EXPECT_EQ(r->data.data[6 * 32 + 6], nodata_px ? Fill() : plain);
}

TEST_F(MaskFixture, Errors) {
  const Geometry outside = PixelPolygon({{-30, -30}, {-20, -30}, {-20, -20}, {-30, -20}});
  MaskOptions opt;
  opt.crop = true;
  auto r = Mask(*ds_, {outside}, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "Input shapes do not overlap raster.");
  auto empty = Mask(*ds_, {}, opt);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "no shapes to mask with");
  opt.invert = true;
  auto both = Mask(*ds_, {PixelPolygon({{1, 1}, {2, 1}, {2, 2}})}, opt);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().message(), "crop and invert cannot both be True.");
}

}  // namespace
}  // namespace cogr::mask
