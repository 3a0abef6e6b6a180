// The GeoTIFF/COG writer end to end: files written for every dtype, codec, predictor and
// interleave read back pixel-exact through cogr::Dataset and through libtiff; overviews against
// an independent computation (and GDAL's own, for a fixture); metadata, layout, BigTIFF, strips,
// errors and the no-partial-file guarantee.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "cogr/tiff.hpp"
#include "cogr/write.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

using write::Compression;
using write::Interleave;
using write::Profile;

const DataType kAllTypes[] = {DataType::kUInt8,    DataType::kInt8,    DataType::kUInt16,
                              DataType::kInt16,    DataType::kUInt32,  DataType::kInt32,
                              DataType::kUInt64,   DataType::kInt64,   DataType::kFloat32,
                              DataType::kFloat64,  DataType::kCInt16,  DataType::kCInt32,
                              DataType::kCFloat32, DataType::kCFloat64};

Profile BaseProfile(DataType dtype, int count, uint64_t height, uint64_t width) {
  Profile p;
  p.width = width;
  p.height = height;
  p.count = count;
  p.dtype = dtype;
  p.crs_epsg = 32618;
  p.transform = geo::Affine{10, 0, 583020, 0, -10, 4507980};
  return p;
}

std::string CodecName(Compression c) { return std::string(write::CompressionName(c)); }

// Reads level `overview` (-1: full resolution) of `path` with cogr.
Result<Array> ReadCogr(const std::string& path, int overview = -1) {
  COGR_ASSIGN_OR_RETURN(auto ds, Dataset::Open(path));
  ReadOptions o;
  if (overview >= 0) o.overview = overview;
  return ds->Read(o);
}

// ---------------------------------------------------------------------------------------------
// Round trip matrix

struct RoundTripCase {
  DataType dtype;
  Compression compress;
  int predictor;
  Interleave interleave;
};

std::string CaseName(const ::testing::TestParamInfo<RoundTripCase>& info) {
  const RoundTripCase& c = info.param;
  return std::string(DataTypeName(c.dtype)) + "_" + CodecName(c.compress) + "_p" +
         std::to_string(c.predictor) + (c.interleave == Interleave::kPixel ? "_pixel" : "_band");
}

std::vector<RoundTripCase> AllCases() {
  std::vector<RoundTripCase> cases;
  for (DataType t : kAllTypes) {
    for (Compression c :
         {Compression::kNone, Compression::kDeflate, Compression::kZstd, Compression::kLzw}) {
      std::vector<int> predictors = {1};
      if (c != Compression::kNone && !IsComplex(t)) predictors.push_back(IsFloat(t) ? 3 : 2);
      for (int pred : predictors) {
        for (Interleave il : {Interleave::kPixel, Interleave::kBand})
          cases.push_back({t, c, pred, il});
      }
    }
  }
  return cases;
}

class WriteRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(WriteRoundTrip, CogrAndLibtiffReadBackEveryPixel) {
  const RoundTripCase& c = GetParam();
  test::ScratchDir dir(CaseName(::testing::TestParamInfo<RoundTripCase>(c, 0)));
  // 45 x 70 with 32 x 16 tiles: partial tiles on the right and at the bottom.
  Profile p = BaseProfile(c.dtype, 3, 45, 70);
  p.blockxsize = 32;
  p.blockysize = 16;
  p.compress = c.compress;
  p.predictor = c.predictor;
  p.interleave = c.interleave;
  const Array data = test::MakeArray(c.dtype, 3, 45, 70, 7);
  const std::string path = dir.File("out.tif");
  Status st = write::WriteGeoTiff(path, p, data);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"out.tif"});  // no temporary file left

  auto ds = Dataset::Open(path);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->dtype(), c.dtype);
  EXPECT_EQ((*ds)->count(), 3);
  EXPECT_EQ((*ds)->width(), 70u);
  EXPECT_EQ((*ds)->height(), 45u);
  EXPECT_EQ((*ds)->compression(), CodecName(c.compress));
  EXPECT_EQ((*ds)->interleave(), c.interleave == Interleave::kPixel ? "pixel" : "band");
  EXPECT_EQ((*ds)->block_shape(), (std::array<uint64_t, 2>{16, 32}));
  EXPECT_EQ((*ds)->tiff().ifds[0].predictor(), c.compress == Compression::kNone ? 1 : c.predictor);
  EXPECT_EQ((*ds)->photometric(),
            c.dtype == DataType::kUInt8 && c.interleave == Interleave::kPixel ? 2 : 1);
  EXPECT_TRUE((*ds)->is_cog());
  auto back = (*ds)->Read();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(test::FirstDifference(*back, data), -1);

  std::string error;
  const Array lt = test::ReadWithLibtiff(path, 0, c.dtype, error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(test::FirstDifference(lt, data), -1);
}

INSTANTIATE_TEST_SUITE_P(Write, WriteRoundTrip, ::testing::ValuesIn(AllCases()), CaseName);

// ---------------------------------------------------------------------------------------------
// Overviews

// An independent overview: mean of the valid pixels of each factor x factor block (edge blocks
// clipped), rounded half away from zero for integers; nearest = GDAL's floor(0.5 + i * ratio).
template <class T>
Array ExpectedOverview(const Array& full, int factor, bool average, std::optional<double> nodata) {
  Array out;
  out.dtype = full.dtype;
  out.bands = full.bands;
  out.width = (full.width + factor - 1) / factor;
  out.height = (full.height + factor - 1) / factor;
  out.data.resize(out.bands * out.width * out.height * sizeof(T));
  const T* src = full.as<T>();
  T* dst = out.as<T>();
  for (uint64_t b = 0; b < out.bands; ++b) {
    for (uint64_t oy = 0; oy < out.height; ++oy) {
      for (uint64_t ox = 0; ox < out.width; ++ox) {
        T value;
        if (average) {
          double sum = 0;
          int n = 0;
          for (uint64_t y = oy * factor; y < std::min<uint64_t>((oy + 1) * factor, full.height);
               ++y) {
            for (uint64_t x = ox * factor; x < std::min<uint64_t>((ox + 1) * factor, full.width);
                 ++x) {
              const T v = src[(b * full.height + y) * full.width + x];
              if (std::isnan(static_cast<double>(v)) ||
                  (nodata && static_cast<double>(v) == *nodata))
                continue;
              sum += static_cast<double>(v);
              ++n;
            }
          }
          if (n == 0) {
            value = static_cast<T>(*nodata);
          } else if (std::is_integral_v<T>) {
            value = static_cast<T>(std::round(sum / n));
          } else {
            value = static_cast<T>(sum / n);
          }
        } else {
          const double rx = static_cast<double>(full.width) / static_cast<double>(out.width);
          const double ry = static_cast<double>(full.height) / static_cast<double>(out.height);
          const uint64_t sx = static_cast<uint64_t>(std::floor(0.5 + static_cast<double>(ox) * rx));
          const uint64_t sy = static_cast<uint64_t>(std::floor(0.5 + static_cast<double>(oy) * ry));
          value = src[(b * full.height + sy) * full.width + sx];
        }
        dst[(b * out.height + oy) * out.width + ox] = value;
      }
    }
  }
  return out;
}

template <class T>
void CheckOverviews(DataType dtype, bool average, std::optional<double> nodata, Interleave il) {
  test::ScratchDir dir(std::string("ovr_") + std::string(DataTypeName(dtype)) +
                       (average ? "_avg" : "_near"));
  const uint64_t h = 75, w = 100;
  Array data = test::MakeArray(dtype, 2, h, w, 3);
  // Plant nodata: a whole 8x8 block of band 1 and scattered pixels.
  if (nodata) {
    T* v = data.as<T>();
    for (uint64_t y = 0; y < 8; ++y)
      for (uint64_t x = 0; x < 8; ++x) v[y * w + x] = static_cast<T>(*nodata);
    for (uint64_t i = 0; i < data.bands * h * w; i += 7) v[i] = static_cast<T>(*nodata);
  }
  Profile p = BaseProfile(dtype, 2, h, w);
  p.blockxsize = p.blockysize = 32;
  p.compress = Compression::kDeflate;
  p.interleave = il;
  p.nodata = nodata;
  p.overviews = {2, 4, 8};
  p.overview_resampling =
      average ? write::OverviewResampling::kAverage : write::OverviewResampling::kNearest;
  const std::string path = dir.File("ovr.tif");
  Status st = write::WriteGeoTiff(path, p, data);
  ASSERT_TRUE(st.ok()) << st.ToString();

  auto ds = Dataset::Open(path);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->overviews(), (std::vector<int>{2, 4, 8}));
  ASSERT_EQ((*ds)->levels().size(), 4u);
  EXPECT_TRUE((*ds)->is_cog());
  const int factors[] = {2, 4, 8};
  for (int i = 0; i < 3; ++i) {
    const Array expected = ExpectedOverview<T>(data, factors[i], average, nodata);
    auto got = ReadCogr(path, i);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(test::FirstDifference(*got, expected), -1) << "overview " << factors[i];
    // The overview's georeferencing: pixels factor-ish times larger, same origin.
    EXPECT_DOUBLE_EQ(got->transform.a,
                     10.0 * static_cast<double>(w) / static_cast<double>(expected.width));
    EXPECT_DOUBLE_EQ(got->transform.c, 583020.0);
    std::string error;
    const Array lt = test::ReadWithLibtiff(path, i + 1, dtype, error);
    ASSERT_EQ(error, "");
    EXPECT_EQ(test::FirstDifference(lt, expected), -1) << "libtiff, overview " << factors[i];
    EXPECT_EQ((*ds)->tiff().ifds[static_cast<size_t>(i + 1)].subfile_type(), 1u);
    EXPECT_EQ((*ds)->tiff().ifds[static_cast<size_t>(i + 1)].gdal_nodata().has_value(),
              nodata.has_value());
  }
  auto full = ReadCogr(path);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(test::FirstDifference(*full, data), -1);
}

TEST(WriteOverviews, AverageUInt16WithNodata) {
  CheckOverviews<uint16_t>(DataType::kUInt16, true, 0.0, Interleave::kPixel);
}
TEST(WriteOverviews, AverageInt16BandInterleaved) {
  CheckOverviews<int16_t>(DataType::kInt16, true, -9999.0, Interleave::kBand);
}
TEST(WriteOverviews, AverageFloat32WithoutNodata) {
  CheckOverviews<float>(DataType::kFloat32, true, std::nullopt, Interleave::kPixel);
}
TEST(WriteOverviews, AverageFloat64WithNodata) {
  CheckOverviews<double>(DataType::kFloat64, true, -1.0, Interleave::kBand);
}
TEST(WriteOverviews, NearestUInt8) {
  CheckOverviews<uint8_t>(DataType::kUInt8, false, std::nullopt, Interleave::kPixel);
}
TEST(WriteOverviews, NearestInt32WithNodata) {
  CheckOverviews<int32_t>(DataType::kInt32, false, 5.0, Interleave::kBand);
}

// GDAL (gdaladdo -r average, GDAL 3.6) made the 2x overview of this fixture; ours from the same
// full-resolution pixels must be identical.
TEST(WriteOverviews, AverageMatchesGdalForFactorTwo) {
  const std::string fixture = test::DataPath("fixtures/ovr_u8_gtiff_average_t128.tif");
  auto gdal = Dataset::Open(fixture);
  ASSERT_TRUE(gdal.ok()) << gdal.status().ToString();
  auto full = (*gdal)->Read();
  ASSERT_TRUE(full.ok());
  ReadOptions o;
  o.overview = 0;
  auto gdal_ovr = (*gdal)->Read(o);
  ASSERT_TRUE(gdal_ovr.ok());
  ASSERT_EQ((*gdal)->overviews().at(0), 2);

  test::ScratchDir dir("gdal_avg");
  Profile p = BaseProfile(DataType::kUInt8, 1, full->height, full->width);
  p.overviews = {2};
  p.overview_resampling = write::OverviewResampling::kAverage;
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("a.tif"), p, *full).ok());
  auto ours = ReadCogr(dir.File("a.tif"), 0);
  ASSERT_TRUE(ours.ok());
  gdal_ovr->transform = ours->transform;
  EXPECT_EQ(test::FirstDifference(*ours, *gdal_ovr), -1);
}

// ---------------------------------------------------------------------------------------------
// Metadata

TEST(WriteMetadata, TransformCrsNodataScalesOffsetsDescriptionsReadBack) {
  test::ScratchDir dir("meta");
  Profile p = BaseProfile(DataType::kInt16, 3, 20, 30);
  p.blockxsize = p.blockysize = 16;
  p.nodata = -9999;
  p.scales = {0.5, 1.0, 2.0};
  p.offsets = {-10.0, 0.0, 0.25};
  p.descriptions = {"red", "", "near infrared & more"};
  p.compress = Compression::kZstd;
  const Array data = test::MakeArray(DataType::kInt16, 3, 20, 30);
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("m.tif"), p, data).ok());
  auto ds = Dataset::Open(dir.File("m.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->transform(), p.transform);
  EXPECT_EQ((*ds)->crs_epsg(), 32618);
  ASSERT_TRUE((*ds)->crs_wkt().has_value());
  EXPECT_EQ((*ds)->crs_wkt()->rfind("PROJCS[\"WGS 84 / UTM zone 18N\"", 0), 0u);
  EXPECT_EQ((*ds)->nodata(), -9999.0);
  EXPECT_EQ((*ds)->tiff().ifds[0].gdal_nodata(), "-9999");
  EXPECT_EQ((*ds)->scales(), p.scales);
  EXPECT_EQ((*ds)->offsets(), p.offsets);
  EXPECT_EQ((*ds)->descriptions(), p.descriptions);
  EXPECT_FALSE((*ds)->pixel_is_point());
  EXPECT_EQ((*ds)->tiff().ifds[0].model_pixel_scale(), (std::vector<double>{10, 10, 0}));
  EXPECT_EQ((*ds)->tiff().ifds[0].extra_samples(), (std::vector<uint16_t>{0, 0}));
}

TEST(WriteMetadata, NodataValuesOfEachKind) {
  struct Case {
    DataType dtype;
    double nodata;
    std::string text;
  };
  const Case cases[] = {{DataType::kFloat32, std::nan(""), "nan"},
                        {DataType::kFloat64, 1.5, "1.5"},
                        {DataType::kFloat64, -1e300, "-1.00000000000000005e+300"},
                        {DataType::kUInt8, 255, "255"},
                        {DataType::kUInt32, 4294967295.0, "4294967295"},
                        {DataType::kFloat32, -3.4028234663852886e38, "-3.4028234663852886e+38"}};
  for (const Case& c : cases) {
    test::ScratchDir dir("nodata");
    Profile p = BaseProfile(c.dtype, 1, 16, 16);
    p.nodata = c.nodata;
    ASSERT_TRUE(
        write::WriteGeoTiff(dir.File("n.tif"), p, test::MakeArray(c.dtype, 1, 16, 16)).ok());
    auto ds = Dataset::Open(dir.File("n.tif"));
    ASSERT_TRUE(ds.ok());
    EXPECT_EQ((*ds)->tiff().ifds[0].gdal_nodata(), c.text);
    ASSERT_TRUE((*ds)->nodata().has_value());
    if (std::isnan(c.nodata)) {
      EXPECT_TRUE(std::isnan(*(*ds)->nodata()));
    } else {
      EXPECT_EQ(*(*ds)->nodata(), c.nodata);
    }
  }
}

TEST(WriteMetadata, RotatedTransformAsModelTransformation) {
  test::ScratchDir dir("rot");
  Profile p = BaseProfile(DataType::kUInt8, 1, 16, 16);
  p.transform = geo::Affine::Translation(500000, 4000000) * geo::Affine::Rotation(30) *
                geo::Affine::Scale(2, -2);
  ASSERT_TRUE(
      write::WriteGeoTiff(dir.File("r.tif"), p, test::MakeArray(DataType::kUInt8, 1, 16, 16)).ok());
  auto ds = Dataset::Open(dir.File("r.tif"));
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ((*ds)->transform(), p.transform);
  EXPECT_EQ((*ds)->tiff().ifds[0].model_transformation().size(), 16u);
  EXPECT_TRUE((*ds)->tiff().ifds[0].model_pixel_scale().empty());
}

TEST(WriteMetadata, NoGeoreferencingWithoutCrsOrTransform) {
  test::ScratchDir dir("plain");
  Profile p = BaseProfile(DataType::kUInt8, 1, 16, 16);
  p.crs_epsg.reset();
  p.transform = geo::Affine::Identity();
  ASSERT_TRUE(
      write::WriteGeoTiff(dir.File("p.tif"), p, test::MakeArray(DataType::kUInt8, 1, 16, 16)).ok());
  auto ds = Dataset::Open(dir.File("p.tif"));
  ASSERT_TRUE(ds.ok());
  const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
  EXPECT_TRUE(ifd.geokey_directory().empty());
  EXPECT_TRUE(ifd.model_pixel_scale().empty());
  EXPECT_TRUE(ifd.model_transformation().empty());
  EXPECT_FALSE((*ds)->crs_epsg().has_value());
}

TEST(WriteMetadata, RgbaWithAlpha) {
  test::ScratchDir dir("rgba");
  Profile p = BaseProfile(DataType::kUInt8, 4, 20, 20);
  p.alpha = write::Alpha::kUnassociated;
  const Array data = test::MakeArray(DataType::kUInt8, 4, 20, 20);
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("rgba.tif"), p, data).ok());
  auto ds = Dataset::Open(dir.File("rgba.tif"));
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ((*ds)->photometric(), 2);
  EXPECT_EQ((*ds)->tiff().ifds[0].extra_samples(), std::vector<uint16_t>{2});
  std::string error;
  EXPECT_EQ(test::FirstDifference(
                test::ReadWithLibtiff(dir.File("rgba.tif"), 0, DataType::kUInt8, error), data),
            -1);
  EXPECT_EQ(error, "");
}

// ---------------------------------------------------------------------------------------------
// Layout

uint32_t Le32(const std::vector<uint8_t>& b, uint64_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

TEST(WriteLayout, GhostAreaIfdsFirstLeadersTrailersAndCogOrder) {
  test::ScratchDir dir("layout");
  Profile p = BaseProfile(DataType::kUInt16, 1, 100, 90);
  p.blockxsize = p.blockysize = 32;
  p.compress = Compression::kLzw;
  p.predictor = 2;
  p.overviews = {2, 4};
  ASSERT_TRUE(
      write::WriteGeoTiff(dir.File("l.tif"), p, test::MakeArray(DataType::kUInt16, 1, 100, 90))
          .ok());
  const std::vector<uint8_t> bytes = test::ReadFileBytes(dir.File("l.tif"));
  ASSERT_GT(bytes.size(), 200u);
  const std::string expected_ghost =
      "GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\nLAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\n"
      "BLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ";
  EXPECT_EQ(
      std::string(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(expected_ghost.size())),
      expected_ghost);
  const tiff::GhostArea ghost = tiff::ParseGhostArea(ByteSpan(bytes).subspan(8));
  EXPECT_TRUE(ghost.present);
  EXPECT_TRUE(ghost.layout_cog);
  EXPECT_TRUE(ghost.block_order_row_major);
  EXPECT_TRUE(ghost.block_leader_size_as_uint4);
  EXPECT_TRUE(ghost.block_trailer_last_4_bytes_repeated);
  EXPECT_FALSE(ghost.known_incompatible_edition);

  auto ds = Dataset::Open(dir.File("l.tif"));
  ASSERT_TRUE(ds.ok());
  EXPECT_TRUE((*ds)->is_cog());
  const auto& ifds = (*ds)->tiff().ifds;
  ASSERT_EQ(ifds.size(), 3u);
  EXPECT_EQ(ifds[0].offset(), 192u);  // as GDAL: 8 + 43 + 140 bytes, padded to even
  // IFDs (with their tag values) before any block; blocks: smallest overview first, full
  // resolution last, each level in row-major order, back to back with 8 bytes between blocks.
  uint64_t prev_end = 0;
  for (size_t i = ifds.size(); i-- > 0;) {
    const tiff::Ifd& ifd = ifds[i];
    EXPECT_LT(ifd.offset(), ifds[ifds.size() - 1].block_offsets()[0]);
    for (size_t k = 0; k < ifd.block_offsets().size(); ++k) {
      const uint64_t off = ifd.block_offsets()[k], n = ifd.block_byte_counts()[k];
      if (prev_end != 0) {
        EXPECT_EQ(off, prev_end + 8) << "IFD " << i << " block " << k;
      }
      prev_end = off + n;
      ASSERT_LE(off + n + 4, bytes.size());
      EXPECT_EQ(Le32(bytes, off - 4), n) << "leader of IFD " << i << " block " << k;
      EXPECT_EQ(Le32(bytes, off + n), Le32(bytes, off + n - 4))
          << "trailer of IFD " << i << " block " << k;
    }
  }
  EXPECT_EQ(prev_end + 4, bytes.size());
}

TEST(WriteLayout, BigTiffForcedAndClassicByDefault) {
  test::ScratchDir dir("big");
  Profile p = BaseProfile(DataType::kFloat32, 2, 40, 50);
  p.blockxsize = p.blockysize = 16;
  p.compress = Compression::kDeflate;
  p.predictor = 3;
  p.overviews = {2};
  const Array data = test::MakeArray(DataType::kFloat32, 2, 40, 50);
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("classic.tif"), p, data).ok());
  p.bigtiff = write::BigTiff::kYes;
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("big.tif"), p, data).ok());
  auto classic = Dataset::Open(dir.File("classic.tif"));
  auto big = Dataset::Open(dir.File("big.tif"));
  ASSERT_TRUE(classic.ok() && big.ok());
  EXPECT_FALSE((*classic)->tiff().header.bigtiff);
  EXPECT_TRUE((*big)->tiff().header.bigtiff);
  EXPECT_TRUE((*big)->is_cog());
  EXPECT_EQ((*big)->tiff().ifds[0].offset(), 16u + 184u);  // header, ghost area
  auto back = (*big)->Read();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(test::FirstDifference(*back, data), -1);
  std::string error;
  EXPECT_EQ(test::FirstDifference(
                test::ReadWithLibtiff(dir.File("big.tif"), 0, DataType::kFloat32, error), data),
            -1);
  EXPECT_EQ(error, "");
  const Array ovr = test::ReadWithLibtiff(dir.File("big.tif"), 1, DataType::kFloat32, error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(ovr.width, 25u);
}

TEST(WriteLayout, StripsWithShortLastStrip) {
  test::ScratchDir dir("strips");
  Profile p = BaseProfile(DataType::kInt32, 2, 23, 19);
  p.tiled = false;
  p.blockysize = 5;
  p.compress = Compression::kLzw;
  p.predictor = 2;
  const Array data = test::MakeArray(DataType::kInt32, 2, 23, 19);
  for (Interleave il : {Interleave::kPixel, Interleave::kBand}) {
    p.interleave = il;
    ASSERT_TRUE(write::WriteGeoTiff(dir.File("s.tif"), p, data).ok());
    auto ds = Dataset::Open(dir.File("s.tif"));
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    EXPECT_FALSE((*ds)->tiff().ifds[0].tiled());
    EXPECT_FALSE((*ds)->tiff().ghost.present);
    EXPECT_EQ((*ds)->block_shape(), (std::array<uint64_t, 2>{5, 19}));
    auto back = (*ds)->Read();
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(test::FirstDifference(*back, data), -1);
    std::string error;
    EXPECT_EQ(test::FirstDifference(
                  test::ReadWithLibtiff(dir.File("s.tif"), 0, DataType::kInt32, error), data),
              -1);
    EXPECT_EQ(error, "");
  }
}

TEST(WriteLayout, SameBytesWithOneOrManyThreads) {
  test::ScratchDir dir("threads");
  Profile p = BaseProfile(DataType::kUInt16, 3, 200, 150);
  p.blockxsize = p.blockysize = 16;
  p.compress = Compression::kDeflate;
  p.overviews = {2, 4};
  p.overview_resampling = write::OverviewResampling::kAverage;
  const Array data = test::MakeArray(DataType::kUInt16, 3, 200, 150);
  write::WriteOptions one, many;
  one.threads = 1;
  many.threads = 4;
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("one.tif"), p, data, one).ok());
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("many.tif"), p, data, many).ok());
  EXPECT_EQ(test::ReadFileBytes(dir.File("one.tif")), test::ReadFileBytes(dir.File("many.tif")));
}

TEST(WriteLayout, ProgressRisesToOneAndCancelLeavesNoFile) {
  test::ScratchDir dir("progress");
  Profile p = BaseProfile(DataType::kUInt8, 1, 64, 64);
  p.blockxsize = p.blockysize = 16;
  const Array data = test::MakeArray(DataType::kUInt8, 1, 64, 64);
  std::vector<double> seen;
  write::WriteOptions o;
  o.progress = [&](double f) {
    seen.push_back(f);
    return true;
  };
  ASSERT_TRUE(write::WriteGeoTiff(dir.File("p.tif"), p, data, o).ok());
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.front(), 0.0);
  EXPECT_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  int calls = 0;
  o.progress = [&](double) { return ++calls < 2; };
  Status st = write::WriteGeoTiff(dir.File("c.tif"), p, data, o);
  EXPECT_EQ(st.code(), Code::kCancelled);
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"p.tif"});
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(WriteErrors, ProfileValidationNamesTheField) {
  struct Case {
    std::function<void(Profile&)> edit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](Profile& p) { p.width = 0; }, "width and height must be > 0, got 0 x 16"},
      {[](Profile& p) { p.count = 0; }, "count must be in [1, 65535], got 0"},
      {[](Profile& p) { p.blockxsize = 24; },
       "blockxsize and blockysize must be positive multiples of 16, got 24 x 16"},
      {[](Profile& p) { p.compress = Compression::kDeflate, p.predictor = 3; },
       "predictor 3 needs dtype float32 or float64, got uint16"},
      {[](Profile& p) { p.predictor = 4; }, "predictor must be 1, 2 or 3, got 4"},
      {[](Profile& p) {
         p.overviews = {2, 2};
       },
       "overview factors must be strictly increasing, got 2 then 2"},
      {[](Profile& p) { p.overviews = {1}; }, "overview factors must be >= 2, got 1"},
      {[](Profile& p) {
         p.scales = {1, 2};
       },
       "scales has 2 entries, expected 0 or count (1)"},
      {[](Profile& p) { p.nodata = 70000; }, "nodata 70000 is out of range for uint16"},
      {[](Profile& p) { p.nodata = 1.5; }, "nodata 1.5 is not an integer, as uint16 needs"},
      {[](Profile& p) { p.compress = Compression::kZstd, p.zstd_level = 30; },
       "zstd_level must be in [1, 22], got 30"},
      {[](Profile& p) { p.tiled = false, p.overviews = {2}; },
       "overviews need tiled = true (the COG layout)"},
      {[](Profile& p) { p.transform.a = std::nan(""); }, "transform must be finite, got nan"},
      {[](Profile& p) { p.blockxsize = p.blockysize = 65536; },
       "one block would hold 8589934592 bytes, more than readers accept (1073741824): use smaller blocks"},
  };
  for (const Case& c : cases) {
    Profile p = BaseProfile(DataType::kUInt16, 1, 16, 16);
    p.blockxsize = p.blockysize = 16;
    c.edit(p);
    Status st = write::ValidateProfile(p);
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << c.message;
    EXPECT_EQ(st.message(), c.message);
  }
  EXPECT_TRUE(write::ValidateProfile(BaseProfile(DataType::kUInt16, 1, 16, 16)).ok());
}

TEST(WriteErrors, ArrayMustMatchProfile) {
  test::ScratchDir dir("mismatch");
  Profile p = BaseProfile(DataType::kUInt16, 2, 16, 16);
  Status st =
      write::WriteGeoTiff(dir.File("x.tif"), p, test::MakeArray(DataType::kUInt16, 1, 16, 16));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.message(),
            dir.File("x.tif") +
                ": array shape (1, 16, 16) != profile (count, height, width) (2, 16, 16)");
  st = write::WriteGeoTiff(dir.File("x.tif"), p, test::MakeArray(DataType::kInt16, 2, 16, 16));
  EXPECT_EQ(st.message(), dir.File("x.tif") + ": array dtype int16 != profile dtype uint16");
  EXPECT_TRUE(dir.Entries().empty());
}

TEST(WriteErrors, UnwritableDestinationLeavesNoFile) {
  test::ScratchDir dir("unwritable");
  Profile p = BaseProfile(DataType::kUInt8, 1, 16, 16);
  const Array data = test::MakeArray(DataType::kUInt8, 1, 16, 16);
  // A directory that does not exist.
  const std::string missing = dir.File("no/such/dir/out.tif");
  Status st = write::WriteGeoTiff(missing, p, data);
  EXPECT_EQ(st.code(), Code::kIoError);
  EXPECT_EQ(st.message(), missing + ": cannot create temporary file " + missing + ".tmp." +
                              std::to_string(getpid()) + ": No such file or directory");
  // A "directory" that is a regular file.
  { std::ofstream(dir.File("file.txt")) << "x"; }
  st = write::WriteGeoTiff(dir.File("file.txt/out.tif"), p, data);
  EXPECT_EQ(st.code(), Code::kIoError);
  EXPECT_NE(st.message().find("Not a directory"), std::string::npos) << st.message();
  // A destination that cannot be replaced (a non-empty directory): the rename fails and the
  // complete temporary file is removed.
  std::filesystem::create_directories(dir.File("taken.tif/sub"));
  st = write::WriteGeoTiff(dir.File("taken.tif"), p, data);
  EXPECT_EQ(st.code(), Code::kIoError);
  EXPECT_NE(st.message().find("cannot rename"), std::string::npos) << st.message();
  EXPECT_EQ(dir.Entries(), (std::vector<std::string>{"file.txt", "taken.tif"}));
  // A read-only directory (meaningless for root, who may write anyway).
  if (geteuid() != 0) {
    std::filesystem::create_directories(dir.File("ro"));
    chmod(dir.File("ro").c_str(), 0555);
    st = write::WriteGeoTiff(dir.File("ro/out.tif"), p, data);
    EXPECT_EQ(st.code(), Code::kIoError);
    EXPECT_NE(st.message().find("Permission denied"), std::string::npos) << st.message();
    chmod(dir.File("ro").c_str(), 0755);
    EXPECT_TRUE(std::filesystem::is_empty(dir.File("ro")));
  }
}

TEST(WriteErrors, ExistingFileIsReplacedOnlyOnSuccess) {
  test::ScratchDir dir("replace");
  { std::ofstream(dir.File("out.tif")) << "old"; }
  Profile p = BaseProfile(DataType::kUInt8, 1, 16, 16);
  p.crs_epsg.reset();
  p.crs_wkt = "+proj=eqearth +datum=WGS84";  // unsupported: fails before writing
  Status st =
      write::WriteGeoTiff(dir.File("out.tif"), p, test::MakeArray(DataType::kUInt8, 1, 16, 16));
  EXPECT_EQ(st.code(), Code::kUnsupported);
  EXPECT_EQ(test::ReadFileBytes(dir.File("out.tif")), (std::vector<uint8_t>{'o', 'l', 'd'}));
  p.crs_wkt.reset();
  ASSERT_TRUE(
      write::WriteGeoTiff(dir.File("out.tif"), p, test::MakeArray(DataType::kUInt8, 1, 16, 16))
          .ok());
  EXPECT_TRUE(Dataset::Open(dir.File("out.tif")).ok());
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"out.tif"});
}

}  // namespace
}  // namespace cogr
