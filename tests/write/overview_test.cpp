// Overview computation on small arrays with hand-computed answers.
#include "write/overview.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace cogr {
namespace {

template <class T>
Array Make(DataType dtype, uint64_t bands, uint64_t h, uint64_t w, const std::vector<T>& values) {
  Array a;
  a.dtype = dtype;
  a.bands = bands;
  a.height = h;
  a.width = w;
  a.data.resize(values.size() * sizeof(T));
  std::memcpy(a.data.data(), values.data(), a.data.size());
  a.transform = geo::Affine{10, 0, 1000, 0, -10, 2000};
  return a;
}

template <class T>
std::vector<T> Values(const Array& a) {
  std::vector<T> v(a.data.size() / sizeof(T));
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

TEST(WriteOverview, SizesRoundUp) {
  EXPECT_EQ(internal::OverviewSize(169, 2), 85u);
  EXPECT_EQ(internal::OverviewSize(168, 2), 84u);
  EXPECT_EQ(internal::OverviewSize(1, 8), 1u);
}

TEST(WriteOverview, AverageOfEachBlockRoundsHalfAwayFromZero) {
  const Array a = Make<uint8_t>(DataType::kUInt8, 1, 3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto ovr = internal::MakeOverview(a, 2, write::OverviewResampling::kAverage, std::nullopt);
  ASSERT_TRUE(ovr.ok()) << ovr.status().ToString();
  EXPECT_EQ(ovr->width, 2u);
  EXPECT_EQ(ovr->height, 2u);
  // (1+2+4+5)/4 = 3; (3+6)/2 = 4.5 → 5; (7+8)/2 = 7.5 → 8; 9.
  EXPECT_EQ(Values<uint8_t>(*ovr), (std::vector<uint8_t>{3, 5, 8, 9}));
  // The transform of the overview: pixels 1.5 times larger (3 / 2).
  EXPECT_EQ(ovr->transform, (geo::Affine{15, 0, 1000, 0, -15, 2000}));

  const Array neg = Make<int8_t>(DataType::kInt8, 1, 2, 2, {-1, -2, -2, -2});
  ovr = internal::MakeOverview(neg, 2, write::OverviewResampling::kAverage, std::nullopt);
  ASSERT_TRUE(ovr.ok());
  EXPECT_EQ(Values<int8_t>(*ovr), std::vector<int8_t>{-2});  // -1.75 → -2
  const Array neg2 = Make<int16_t>(DataType::kInt16, 1, 1, 2, {-1, -2});
  ovr = internal::MakeOverview(neg2, 2, write::OverviewResampling::kAverage, std::nullopt);
  ASSERT_TRUE(ovr.ok());
  EXPECT_EQ(Values<int16_t>(*ovr), std::vector<int16_t>{-2});  // -1.5 → -2 (away from zero)
}

TEST(WriteOverview, AverageSkipsNodataAndNan) {
  const Array a = Make<uint16_t>(DataType::kUInt16, 2, 2, 2, {1, 2, 4, 5, /*band 2*/ 5, 5, 5, 5});
  auto ovr = internal::MakeOverview(a, 2, write::OverviewResampling::kAverage, 5.0);
  ASSERT_TRUE(ovr.ok());
  // Band 1: (1+2+4)/3 = 2.33 → 2. Band 2: all nodata → nodata.
  EXPECT_EQ(Values<uint16_t>(*ovr), (std::vector<uint16_t>{2, 5}));

  const float nan = std::nanf("");
  const Array f =
      Make<float>(DataType::kFloat32, 1, 2, 4, {1.0f, nan, nan, nan, 2.0f, 4.5f, nan, nan});
  ovr = internal::MakeOverview(f, 2, write::OverviewResampling::kAverage, std::nullopt);
  ASSERT_TRUE(ovr.ok());
  const auto v = Values<float>(*ovr);
  EXPECT_FLOAT_EQ(v[0], 2.5f);  // (1 + 2 + 4.5) / 3
  EXPECT_TRUE(std::isnan(v[1]));
}

TEST(WriteOverview, AverageOfComplexAveragesEachPart) {
  const Array a = Make<float>(DataType::kCFloat32, 1, 1, 2, {1.0f, 10.0f, 2.0f, 20.0f});
  auto ovr = internal::MakeOverview(a, 2, write::OverviewResampling::kAverage, std::nullopt);
  ASSERT_TRUE(ovr.ok());
  EXPECT_EQ(Values<float>(*ovr), (std::vector<float>{1.5f, 15.0f}));
}

TEST(WriteOverview, NearestTakesGdalsSourcePixel) {
  // 4x4, factor 2: floor(0.5 + 2i) = 2i, the top-left pixel of each block.
  std::vector<uint8_t> v(16);
  for (uint8_t i = 0; i < 16; ++i) v[i] = i;
  auto ovr = internal::MakeOverview(Make<uint8_t>(DataType::kUInt8, 1, 4, 4, v), 2,
                                    write::OverviewResampling::kNearest, std::nullopt);
  ASSERT_TRUE(ovr.ok());
  EXPECT_EQ(Values<uint8_t>(*ovr), (std::vector<uint8_t>{0, 2, 8, 10}));
  // 3x3, factor 2 → 2x2, ratio 1.5: floor(0.5) = 0, floor(2.0) = 2.
  ovr =
      internal::MakeOverview(Make<uint8_t>(DataType::kUInt8, 1, 3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9}),
                             2, write::OverviewResampling::kNearest, std::nullopt);
  ASSERT_TRUE(ovr.ok());
  EXPECT_EQ(Values<uint8_t>(*ovr), (std::vector<uint8_t>{1, 3, 7, 9}));
}

TEST(WriteOverview, ParallelMatchesSerial) {
  std::vector<int32_t> v(3 * 70 * 53);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>((i * 7919) % 1000) - 500;
  const Array a = Make<int32_t>(DataType::kInt32, 3, 70, 53, v);
  auto serial = internal::MakeOverview(a, 4, write::OverviewResampling::kAverage, -500.0, 1);
  auto parallel = internal::MakeOverview(a, 4, write::OverviewResampling::kAverage, -500.0, 4);
  ASSERT_TRUE(serial.ok() && parallel.ok());
  EXPECT_EQ(serial->data, parallel->data);
}

TEST(WriteOverview, RejectsFactorBelowTwo) {
  const Array a = Make<uint8_t>(DataType::kUInt8, 1, 1, 1, {1});
  auto ovr = internal::MakeOverview(a, 1, write::OverviewResampling::kAverage, std::nullopt);
  EXPECT_EQ(ovr.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace cogr
