// ParseIfd and Ifd: real fixtures compared field by field with GDAL's answers
// (tests/data/expected/<name>.json, info.tiff), plus the NeedBytes protocol and block maths.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cogr/tiff.hpp"
#include "test_util.hpp"
#include "tiff/ifd_fields.hpp"
#include "tiff/ifd_parse.hpp"
#include "tiff/tiff_test_util.hpp"

namespace cogr::tiff {
namespace {

using cogr::test::DataPath;
using cogr::test::OpenData;
using cogr::test::ReadFileBytes;
using cogr::test::ReadFileText;
using nlohmann::json;

const TagEntry* FindEntry(const Ifd& ifd, uint16_t code) {
  for (const TagEntry& e : ifd.entries()) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

void ExpectDoubles(const json& expected, const std::vector<double>& actual, const char* what) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_DOUBLE_EQ(expected[i].get<double>(), actual[i]) << what << "[" << i << "]";
  }
}

void ExpectGeoKeys(const json& expected, const Ifd& ifd) {
  auto keys = ParseGeoKeys(ifd);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(expected.size(), keys->size());
  for (const auto& [key_text, value] : expected.items()) {
    const auto key = static_cast<uint16_t>(std::stoi(key_text));
    SCOPED_TRACE("geokey " + key_text);
    auto it = keys->find(key);
    ASSERT_NE(it, keys->end());
    if (value.is_number_integer()) {
      ASSERT_TRUE(std::holds_alternative<uint16_t>(it->second));
      EXPECT_EQ(value.get<int>(), std::get<uint16_t>(it->second));
    } else if (value.is_string()) {
      ASSERT_TRUE(std::holds_alternative<std::string>(it->second));
      EXPECT_EQ(value.get<std::string>(), std::get<std::string>(it->second));
    } else {
      ASSERT_TRUE(std::holds_alternative<std::vector<double>>(it->second));
      ExpectDoubles(value, std::get<std::vector<double>>(it->second), "geokey doubles");
    }
  }
}

void ExpectIfd(const json& e, const Ifd& ifd) {
  EXPECT_EQ(e["offset"].get<uint64_t>(), ifd.offset());
  EXPECT_EQ(e["width"].get<uint64_t>(), ifd.width());
  EXPECT_EQ(e["height"].get<uint64_t>(), ifd.height());
  EXPECT_EQ(e["block_shape"][0].get<uint64_t>(), ifd.block_height());
  EXPECT_EQ(e["block_shape"][1].get<uint64_t>(), ifd.block_width());
  EXPECT_EQ(e["bits_per_sample"].get<std::vector<uint16_t>>(), ifd.bits_per_sample());
  EXPECT_EQ(e["sample_format"].get<std::vector<uint16_t>>(), ifd.sample_format());
  EXPECT_EQ(e["samples_per_pixel"].get<uint16_t>(), ifd.samples_per_pixel());
  EXPECT_EQ(e["compression_code"].get<uint16_t>(), ifd.compression());
  EXPECT_EQ(e["photometric_code"].get<uint16_t>(), ifd.photometric());
  EXPECT_EQ(e["planar_config"].get<uint16_t>(), ifd.planar_config());
  EXPECT_EQ(e["predictor"].get<uint16_t>(), ifd.predictor());
  EXPECT_EQ(e["subfile_type"].get<uint64_t>(), ifd.subfile_type());
  EXPECT_EQ(e["tiled"].get<bool>(), ifd.tiled());
  if (e.contains("ycbcr_subsampling")) {
    EXPECT_EQ(e["ycbcr_subsampling"][0].get<uint16_t>(), ifd.ycbcr_subsampling()[0]);
    EXPECT_EQ(e["ycbcr_subsampling"][1].get<uint16_t>(), ifd.ycbcr_subsampling()[1]);
  } else {
    EXPECT_EQ(FindEntry(ifd, 530), nullptr);
  }
  if (e.contains("extra_samples")) {
    EXPECT_EQ(e["extra_samples"].get<std::vector<uint16_t>>(), ifd.extra_samples());
  } else {
    EXPECT_TRUE(ifd.extra_samples().empty());
  }
  if (e.contains("gdal_nodata")) {
    ASSERT_TRUE(ifd.gdal_nodata().has_value());
    EXPECT_EQ(e["gdal_nodata"].get<std::string>(), *ifd.gdal_nodata());
  } else {
    EXPECT_FALSE(ifd.gdal_nodata().has_value());
  }
  const json empty = json::array();
  ExpectDoubles(e.value("ModelPixelScale", empty), ifd.model_pixel_scale(), "ModelPixelScale");
  ExpectDoubles(e.value("ModelTiepoint", empty), ifd.model_tiepoint(), "ModelTiepoint");
  ExpectDoubles(e.value("ModelTransformation", empty), ifd.model_transformation(),
                "ModelTransformation");
  ExpectGeoKeys(e.value("geokeys", json::object()), ifd);

  // Every block has an offset and a byte count; the table matches the block grid.
  EXPECT_EQ(ifd.block_offsets().size(), ifd.block_count());
  EXPECT_EQ(ifd.block_byte_counts().size(), ifd.block_count());
  const uint64_t planes = ifd.planar_config() == 2 ? ifd.samples_per_pixel() : 1;
  EXPECT_EQ(ifd.block_count(), (ifd.width() + ifd.block_width() - 1) / ifd.block_width() *
                                   ((ifd.height() + ifd.block_height() - 1) / ifd.block_height()) *
                                   planes);
}

class TiffFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(TiffFixture, MatchesGdal) {
  const std::string file = GetParam();
  const std::string stem = file.substr(0, file.rfind('.'));
  const std::string text = ReadFileText(DataPath("expected/" + stem + ".json"));
  ASSERT_FALSE(text.empty()) << "missing expected/" << stem << ".json";
  const json expected = json::parse(text)["info"]["tiff"];

  auto opened = OpenData(file);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  const TiffFile& tf = *opened;
  EXPECT_EQ(expected["bigtiff"].get<bool>(), tf.header.bigtiff);
  EXPECT_EQ(expected["byteorder"].get<std::string>() == "little",
            tf.header.byte_order == ByteOrder::kLittle);
  EXPECT_EQ(expected["ifd_loop"].get<bool>(), tf.ifd_loop);
  ASSERT_EQ(expected["ifd_count"].get<size_t>(), tf.ifds.size());
  ASSERT_EQ(tf.parent.size(), tf.ifds.size());
  for (size_t i = 0; i < tf.ifds.size(); ++i) {
    SCOPED_TRACE("IFD " + std::to_string(i));
    EXPECT_EQ(-1, tf.parent[i]);
    ExpectIfd(expected["ifds"][i], tf.ifds[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Tiff, TiffFixture,
    ::testing::Values(
        "dt_uint8_deflate_t128.tif", "bigtiff_u8_deflate_t128.tif", "be_f32_deflate_pred3_t128.tif",
        "cog_u8_rgb_jpeg_mask_bs256.tif", "crs_custom_lcc.tif", "nbits1_none_strip13.tif",
        "sparse_u8_nodata255_t128.tif", "pixelispoint_4326.tif",
        "rotated_modeltransformation_32618.tif", "rasterio__cogeo.tif", "cogeotiff__be_cog.tiff",
        "cogeotiff__model_transformation.tif", "cogeotiff__DEM_BS28_2016_1000_1141.tif",
        "rasterio__float_nan.tif", "cogeotiff__rgba8_cog_big.tiff", "rasterio__all-nodata.tif",
        "libertiff__be_bigtiff_strip_single_band.tif", "libertiff__be_strip_single_band.tif",
        "libertiff__image_description.tif", "libertiff__image_description_one_char.tif",
        "libertiff__le_bigtiff_strip_single_band.tif", "libertiff__le_strip_single_band.tif",
        "libertiff__le_strip_three_band_contig.tif", "libertiff__le_strip_three_band_separate.tif",
        "libertiff__self_cycling.tif", "libertiff__tiled.tif", "libertiff__two_ifds.tif"),
    [](const ::testing::TestParamInfo<std::string>& param_info) {
      std::string name = param_info.param.substr(0, param_info.param.rfind('.'));
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(TiffIfd, DecodesTablesAndStringsOfKnownFiles) {
  // dt_uint8_deflate_t128: 200x169, 128x128 tiles → 2x2 blocks.
  auto tf = OpenData("dt_uint8_deflate_t128.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  const Ifd& ifd = tf->ifds[0];
  EXPECT_EQ(2u, ifd.blocks_across());
  EXPECT_EQ(2u, ifd.blocks_down());
  EXPECT_EQ(4u, ifd.block_count());
  const std::vector<uint8_t> bytes = ReadFileBytes(DataPath("dt_uint8_deflate_t128.tif"));
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_GT(ifd.block_byte_counts()[i], 0u);
    EXPECT_LE(ifd.block_offsets()[i] + ifd.block_byte_counts()[i], bytes.size());
    // Deflate (zlib) streams start with 0x78.
    EXPECT_EQ(0x78, bytes[ifd.block_offsets()[i]]) << "block " << i;
  }
  EXPECT_EQ(0u, ifd.next_ifd_offset());

  // Planar separate strips: 1x2, 3 samples, 2 rows per strip → one strip per plane.
  tf = OpenData("libertiff__le_strip_three_band_separate.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  const Ifd& sep = tf->ifds[0];
  EXPECT_EQ(2, sep.planar_config());
  EXPECT_EQ(3u, sep.block_count());
  EXPECT_EQ((std::vector<uint64_t>{176, 178, 180}), sep.block_offsets());
  EXPECT_EQ((std::vector<uint64_t>{2, 2, 2}), sep.block_byte_counts());

  tf = OpenData("libertiff__image_description_one_char.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_TRUE(tf->ifds[0].image_description().has_value());
  EXPECT_EQ("a", *tf->ifds[0].image_description());

  // Big-endian COG with JPEG tables (tag 347, starts with SOI).
  tf = OpenData("cogeotiff__be_cog.tiff");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_GE(tf->ifds[0].jpeg_tables().size(), 4u);
  EXPECT_EQ(0xFF, tf->ifds[0].jpeg_tables()[0]);
  EXPECT_EQ(0xD8, tf->ifds[0].jpeg_tables()[1]);
  EXPECT_EQ(0xFF, tf->ifds[0].jpeg_tables()[tf->ifds[0].jpeg_tables().size() - 2]);
  EXPECT_EQ(0xD9, tf->ifds[0].jpeg_tables().back());

  // GDAL_METADATA kept as XML text.
  tf = OpenData("cogeotiff__model_transformation.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  ASSERT_TRUE(tf->ifds[0].gdal_metadata().has_value());
  EXPECT_EQ(0u, tf->ifds[0].gdal_metadata()->find("<GDALMetadata>"));
}

TEST(TiffIfd, EntriesAreKeptRaw) {
  auto tf = OpenData("libertiff__le_strip_single_band.tif");
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  const Ifd& ifd = tf->ifds[0];
  ASSERT_EQ(11u, ifd.entries().size());
  const TagEntry* width = FindEntry(ifd, 256);
  ASSERT_NE(width, nullptr);
  EXPECT_EQ(TagType::kShort, width->type);
  EXPECT_EQ(1u, width->count);
  EXPECT_TRUE(width->is_inline);
  EXPECT_EQ(8u + 2 + 8, width->value_offset);  // inside the first entry
}

// Drives ParseIfd by hand: each NeedBytes names exactly what is missing and parsing resumes.
TEST(TiffIfd, NeedBytesProtocol) {
  const std::vector<uint8_t> bytes = ReadFileBytes(DataPath("dt_uint8_deflate_t128.tif"));
  ASSERT_FALSE(bytes.empty());
  auto header = ParseHeader(ByteSpan(bytes.data(), 8));
  ASSERT_TRUE(header.ok());
  const uint64_t ifd_offset = header->first_ifd_offset;
  ASSERT_EQ(8u, ifd_offset);

  ByteStore store;
  store.Add(0, std::vector<uint8_t>(bytes.begin(), bytes.begin() + 8));
  auto add = [&](ByteRange r) {
    store.Add(r.offset, std::vector<uint8_t>(bytes.begin() + static_cast<long>(r.offset),
                                             bytes.begin() + static_cast<long>(r.end())));
  };

  // 1: the entry count.
  auto r = ParseIfd(*header, ifd_offset, store, bytes.size(), Limits());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(std::holds_alternative<NeedBytes>(*r));
  EXPECT_EQ((ByteRange{8, 2}), std::get<NeedBytes>(*r).range);
  // Deterministic: the same store gives the same answer.
  auto again = ParseIfd(*header, ifd_offset, store, bytes.size(), Limits());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::get<NeedBytes>(*r).range, std::get<NeedBytes>(*again).range);
  add(std::get<NeedBytes>(*r).range);

  // 2: the entries and the next-IFD offset.
  const uint16_t n = static_cast<uint16_t>(bytes[8] | (bytes[9] << 8));
  r = ParseIfd(*header, ifd_offset, store, bytes.size(), Limits());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(std::holds_alternative<NeedBytes>(*r));
  EXPECT_EQ((ByteRange{8, 2 + 12u * n + 4}), std::get<NeedBytes>(*r).range);
  add(std::get<NeedBytes>(*r).range);

  // 3: the out-of-line values, as one range covering them all.
  r = ParseIfd(*header, ifd_offset, store, bytes.size(), Limits());
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(std::holds_alternative<NeedBytes>(*r));
  const ByteRange values = std::get<NeedBytes>(*r).range;
  EXPECT_GE(values.offset, 8u + 2 + 12u * n + 4);
  EXPECT_LE(values.end(), bytes.size());
  add(values);

  r = ParseIfd(*header, ifd_offset, store, bytes.size(), Limits());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(std::holds_alternative<Ifd>(*r));
  EXPECT_EQ(200u, std::get<Ifd>(*r).width());
  EXPECT_EQ(4u, std::get<Ifd>(*r).block_offsets().size());
}

TEST(TiffIfd, TightTagLimitRejectsBigTag) {
  // The 4 TileOffsets (LONG) are the first tag over 8 bytes.
  Limits limits;
  limits.max_tag_bytes = 8;
  auto tf = OpenData("dt_uint8_deflate_t128.tif", limits);
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_EQ("IFD at offset 8: tag 324 count 4 x 4 bytes = 16 > limit 8", tf.status().message());
}

TEST(TiffIfd, TightBlockAndDimensionLimits) {
  Limits limits;
  limits.max_blocks_per_ifd = 3;
  auto tf = OpenData("dt_uint8_deflate_t128.tif", limits);
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_EQ("IFD at offset 8: 4 blocks > limit 3", tf.status().message());

  limits = Limits();
  limits.max_image_dimension = 199;
  tf = OpenData("dt_uint8_deflate_t128.tif", limits);
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_EQ("IFD at offset 8: image size 200x169 > limit 199", tf.status().message());

  limits = Limits();
  limits.max_tags_per_ifd = 10;
  tf = OpenData("libertiff__le_strip_single_band.tif", limits);
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(Code::kLimitExceeded, tf.status().code());
  EXPECT_EQ("IFD at offset 8: 11 entries > limit 10", tf.status().message());
}

TEST(TiffIfd, BlockCountSaturatesInsteadOfWrapping) {
  Ifd ifd;
  internal::IfdFields& f = internal::MutableFields(ifd);
  f.width = 1ull << 40;
  f.height = 1ull << 40;
  f.block_width = 1;
  f.block_height = 1;
  EXPECT_EQ(1ull << 40, ifd.blocks_across());
  EXPECT_EQ(UINT64_MAX, ifd.block_count());

  f.width = 100;
  f.height = 50;
  f.block_width = 16;
  f.block_height = 16;
  f.samples_per_pixel = 3;
  EXPECT_EQ(7u, ifd.blocks_across());
  EXPECT_EQ(4u, ifd.blocks_down());
  EXPECT_EQ(28u, ifd.block_count());
  f.planar_config = 2;
  EXPECT_EQ(84u, ifd.block_count());

  Ifd empty;  // block size 0: no blocks rather than a division by zero
  EXPECT_EQ(0u, empty.blocks_across());
  EXPECT_EQ(0u, empty.block_count());
}

}  // namespace
}  // namespace cogr::tiff
