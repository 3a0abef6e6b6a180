// The long tail GDAL reads through libtiff (CCITT, old-style JPEG, SGILog, subsampled YCbCr,
// CMYK, 24-bit integers) and layouts where cogr used to differ from GDAL (big-endian LERC,
// deflate streams with trailing data, SubIFD overviews, nodata outside the dtype, a full-size
// overview): every tests/data/longtail/*.json (rasterio 1.3.5 / GDAL 3.6's answers, recorded by
// scripts/make_longtail_fixtures.py) is opened with Dataset::Open and compared exactly: band
// count, dtype, size, nodata, overview factors and every level's pixels. A fixture rasterio
// cannot read must fail in cogr too, with the file named.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <tiffio.h>
#include <nlohmann/json.hpp>

#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

std::string Dir() { return test::DataPath("longtail"); }

std::vector<std::string> ListJson() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(Dir(), ec)) {
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Longtail : public ::testing::TestWithParam<std::string> {};

TEST_P(Longtail, MatchesRasterio) {
  const std::string name = GetParam();
  const json expected = json::parse(test::ReadFileText(Dir() + "/" + name + ".json"));
  const std::string path = Dir() + "/" + expected.at("file").get<std::string>();
  auto ds = Dataset::Open(path);
  if (expected.contains("error")) {
    // rasterio cannot read it: cogr must refuse too (at open or at read), naming the file.
    if (!ds.ok()) {
      EXPECT_NE(ds.status().message().find(path), std::string::npos) << ds.status().message();
      return;
    }
    auto a = (*ds)->Read(ReadOptions{});
    ASSERT_FALSE(a.ok()) << name << " reads in cogr but not in rasterio: " << expected["error"];
    EXPECT_NE(a.status().message().find(path), std::string::npos) << a.status().message();
    return;
  }
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  const Dataset& d = **ds;
  EXPECT_EQ(d.count(), expected.at("count").get<int>());
  EXPECT_EQ(std::string(DataTypeName(d.dtype())), expected.at("dtype").get<std::string>());
  EXPECT_EQ(d.width(), expected.at("width").get<uint64_t>());
  EXPECT_EQ(d.height(), expected.at("height").get<uint64_t>());
  if (expected.at("nodata").is_null()) {
    EXPECT_FALSE(d.nodata().has_value()) << *d.nodata();
  } else if (expected["nodata"].is_string()) {  // "nan", "inf", "-inf"
    ASSERT_TRUE(d.nodata().has_value());
    const std::string text = expected["nodata"].get<std::string>();
    if (text == "nan") {
      EXPECT_TRUE(std::isnan(*d.nodata()));
    } else {
      EXPECT_EQ(*d.nodata(), text == "inf" ? HUGE_VAL : -HUGE_VAL);
    }
  } else {
    ASSERT_TRUE(d.nodata().has_value());
    EXPECT_EQ(*d.nodata(), expected["nodata"].get<double>());
  }
  EXPECT_EQ(d.overviews(), expected.at("overviews").get<std::vector<int>>());

  for (const json& read : expected.at("reads")) {
    ReadOptions options;
    if (!read.at("overview").is_null()) options.overview = read["overview"].get<int>();
    const std::string npy_name = read.at("npy").get<std::string>();
    auto a = d.Read(options);
    ASSERT_TRUE(a.ok()) << npy_name << ": " << a.status().message();
    const test::Npy npy = test::LoadNpy(Dir() + "/" + npy_name);
    ASSERT_TRUE(npy.ok) << npy.error;
    ASSERT_EQ(npy.shape, (std::vector<uint64_t>{a->bands, a->height, a->width})) << npy_name;
    ASSERT_EQ(npy.data.size(), a->data.size()) << npy_name;
    size_t first_diff = npy.data.size();
    size_t diffs = 0;
    for (size_t i = 0; i < npy.data.size(); ++i) {
      if (npy.data[i] != a->data[i]) {
        if (first_diff == npy.data.size()) first_diff = i;
        ++diffs;
      }
    }
    EXPECT_EQ(diffs, 0u) << npy_name << ": " << diffs << " bytes differ, first at byte "
                         << first_diff << " (" << int(a->data[first_diff]) << " vs "
                         << int(npy.data[first_diff]) << ")";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Longtail, ::testing::ValuesIn(ListJson()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// The recordings must be there: an empty directory would make the suite above pass vacuously.
TEST(LongtailFixtures, Present) {
  const std::vector<std::string> names = ListJson();
  EXPECT_GE(names.size(), 40u);
  for (const char* n : {"ccitt_g4_miniswhite", "ojpeg_ycbcr22_jif", "sgilog_logluv", "ycbcr22_none",
                        "cmyk_pixel", "u24_be_1", "lerc_f32_be", "deflate_trailing",
                        "subifd_overview_chain", "overview_factor1", "nodata_u8_m10000"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
}

// A copy of a fixture whose first block's bytes are overwritten with `junk` (libtiff finds the
// block: a second opinion on where it is).
std::string CorruptCopy(const std::string& name, uint8_t junk) {
  const std::string src = Dir() + "/" + name;
  TIFF* tif = TIFFOpen(src.c_str(), "r");
  if (tif == nullptr) return "";
  uint64_t* offsets = nullptr;
  uint64_t* counts = nullptr;
  const bool tiled = TIFFIsTiled(tif) != 0;
  TIFFGetField(tif, tiled ? TIFFTAG_TILEOFFSETS : TIFFTAG_STRIPOFFSETS, &offsets);
  TIFFGetField(tif, tiled ? TIFFTAG_TILEBYTECOUNTS : TIFFTAG_STRIPBYTECOUNTS, &counts);
  const uint64_t offset = offsets[0], count = counts[0];
  TIFFClose(tif);
  std::vector<uint8_t> bytes = test::ReadFileBytes(src);
  for (uint64_t i = 0; i < count; ++i) bytes[offset + i] = static_cast<uint8_t>(junk + i * 13);
  const std::string dst = (std::filesystem::temp_directory_path() /
                           ("cogr_longtail_" + std::to_string(::getpid()) + "_" + name))
                              .string();
  FILE* f = std::fopen(dst.c_str(), "wb");
  if (f == nullptr) return "";
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return dst;
}

// Bad bytes in a libtiff-decoded block: an error naming the file, the block and the codec,
// never OK-but-wrong pixels.
TEST(LongtailErrors, CorruptBlocksAreInvalidFileNamingTheFile) {
  struct Case {
    const char* file;
    const char* codec;
  };
  for (const Case& c :
       {Case{"ccitt_g4_miniswhite.tif", "ccittfax4"},
        Case{"ccitt_g3_2d_miniswhite.tif", "ccittfax3"}, Case{"sgilog_logluv.tif", "sgilog"},
        Case{"ycbcr22_deflate.tif", "deflate (libtiff RGBA)"},
        Case{"ojpeg_ycbcr22_tables.tif", "ojpeg"},
        Case{"cmyk_pixel.tif", "deflate (libtiff RGBA)"}}) {
    const std::string path = CorruptCopy(c.file, 0xff);
    ASSERT_FALSE(path.empty()) << c.file;
    auto ds = Dataset::Open(path);
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    auto a = (*ds)->Read(ReadOptions{});
    std::remove(path.c_str());
    ASSERT_FALSE(a.ok()) << c.file << " read OK from a corrupt block";
    EXPECT_EQ(a.status().code(), Code::kInvalidFile) << a.status().message();
    const std::string& m = a.status().message();
    EXPECT_EQ(m.rfind(path, 0), 0u) << m;
    EXPECT_NE(m.find("block 0 of IFD 0"), std::string::npos) << m;
    EXPECT_NE(m.find(c.codec), std::string::npos) << m;
  }
}

// A block whose stream is cut short is refused by libtiff's decoders as well.
TEST(LongtailErrors, TruncatedStreamIsInvalidFile) {
  codec::BlockInfo info;
  info.compression = codec::kSgiLog;
  info.width = 24;
  info.height = 20;
  info.samples = 3;
  info.bits_per_sample = 16;
  info.sample_format = 2;
  info.photometric = 32845;
  std::vector<uint8_t> out(24 * 20 * 3 * 2);
  const std::vector<uint8_t> stream(40, 0x81);
  const Status st = codec::Decode(stream, out, info);
  EXPECT_EQ(st.code(), Code::kInvalidFile) << st.message();
  EXPECT_EQ(st.message().rfind("sgilog: corrupt block", 0), 0u) << st.message();
}

}  // namespace
}  // namespace cogr
