// Dataset's rasterio helpers (profile, tags, colormap, block_windows, dataset_mask, Sample,
// ReadMask with out_shape) against rasterio 1.3.5's answers for every fixture, recorded by
// scripts/record_helper_fixtures.py into tests/data/helpers/rasterio_helpers.json.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

const json& Recorded() {
  static const json doc =
      json::parse(test::ReadFileText(test::DataPath("helpers/rasterio_helpers.json")));
  return doc;
}

std::shared_ptr<Dataset> OpenRecorded(const json& f) {
  OpenOptions o;
  o.block_cache_bytes = 0;
  auto ds = Dataset::Open(test::DataPath(f["file"].get<std::string>()), o);
  EXPECT_TRUE(ds.ok()) << f["file"] << ": " << ds.status().ToString();
  return ds.ok() ? *ds : nullptr;
}

// A recorded number: a JSON number or "nan"/"inf"/"-inf".
double Num(const json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "nan") return std::nan("");
    return s == "inf" ? INFINITY : -INFINITY;
  }
  return v.get<double>();
}

bool SameNum(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// "descr HxW fnv1a64 sum" of a uint8 mask, as the script's digest().
std::string Digest(const Array& a) {
  uint64_t fnv = 0xcbf29ce484222325ull;
  int64_t sum = 0;
  for (uint8_t b : a.data) {
    fnv = (fnv ^ b) * 0x100000001b3ull;
    sum += b;
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fnv));
  return "|u1 " + std::to_string(a.height) + "x" + std::to_string(a.width) + " " + hex + " " +
         std::to_string(sum);
}

// Compares a (1, h, w) uint8 mask with a recorded {"shape", "runs"|"digest"}.
::testing::AssertionResult SameMask(const Array& got, const json& want) {
  if (got.dtype != DataType::kUInt8 || got.bands != 1)
    return ::testing::AssertionFailure() << "not a uint8 mask";
  const uint64_t h = want["shape"][0].get<uint64_t>(), w = want["shape"][1].get<uint64_t>();
  if (got.height != h || got.width != w) {
    return ::testing::AssertionFailure()
           << "shape " << got.height << "x" << got.width << " != " << h << "x" << w;
  }
  if (want.contains("digest")) {
    const std::string d = Digest(got);
    if (d != want["digest"].get<std::string>()) {
      return ::testing::AssertionFailure() << "digest " << d << " != " << want["digest"];
    }
    return ::testing::AssertionSuccess();
  }
  std::vector<uint8_t> expected;
  const json& runs = want["runs"];
  for (size_t i = 0; i + 1 < runs.size(); i += 2) {
    expected.insert(expected.end(), runs[i + 1].get<size_t>(), runs[i].get<uint8_t>());
  }
  if (expected != got.data) {
    size_t i = 0;
    while (i < expected.size() && i < got.data.size() && expected[i] == got.data[i]) ++i;
    return ::testing::AssertionFailure()
           << "first difference at pixel " << i << " (row " << i / w << ", col " << i % w
           << "): " << int(got.data[i]) << " != " << int(expected[i]);
  }
  return ::testing::AssertionSuccess();
}

double ValueAt(const Array& a, size_t index) {
  const uint8_t* p = a.data.data() + index * a.sample_bytes();
  switch (a.dtype) {
    case DataType::kUInt8: return *p;
    case DataType::kInt8: return *reinterpret_cast<const int8_t*>(p);
    case DataType::kUInt16: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case DataType::kInt16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case DataType::kUInt32: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case DataType::kInt32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case DataType::kFloat32: {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    case DataType::kFloat64: {
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
    default: return std::nan("");
  }
}

// One recorded sample value (a number, or [re, im] for complex types) against cogr's.
::testing::AssertionResult SameSample(const Array& a, size_t index, const json& want) {
  if (want.is_array()) {
    // complex_int16: two int16 parts.
    if (a.dtype != DataType::kCInt16)
      return ::testing::AssertionFailure() << "complex answer for a real type";
    int16_t parts[2];
    std::memcpy(parts, a.data.data() + index * 4, 4);
    if (parts[0] != want[0].get<double>() || parts[1] != want[1].get<double>()) {
      return ::testing::AssertionFailure() << parts[0] << "+" << parts[1] << "j != " << want;
    }
    return ::testing::AssertionSuccess();
  }
  const double got = ValueAt(a, index);
  if (!SameNum(got, Num(want))) return ::testing::AssertionFailure() << got << " != " << want;
  return ::testing::AssertionSuccess();
}

TEST(HelpersFixtures, RecordedForEveryFixture) {
  const json& doc = Recorded();
  EXPECT_EQ("1.3.5", doc["meta"]["rasterio"].get<std::string>());
  EXPECT_EQ(69u, doc["files"].size());
}

TEST(HelpersFixtures, ProfileEqualsRasterio) {
  int compared = 0;
  for (const json& f : Recorded()["files"]) {
    SCOPED_TRACE(f["file"].get<std::string>());
    auto ds = OpenRecorded(f);
    if (!ds) continue;
    const json& want = f["profile"];
    const DatasetProfile p = ds->profile();
    EXPECT_EQ(want["driver"], p.driver);
    EXPECT_EQ(want["dtype"], std::string(DataTypeName(p.dtype)));
    if (want["nodata"].is_null()) {
      EXPECT_FALSE(p.nodata.has_value());
    } else {
      ASSERT_TRUE(p.nodata.has_value());
      EXPECT_TRUE(SameNum(*p.nodata, Num(want["nodata"]))) << *p.nodata;
    }
    EXPECT_EQ(want["width"].get<uint64_t>(), p.width);
    EXPECT_EQ(want["height"].get<uint64_t>(), p.height);
    EXPECT_EQ(want["count"].get<int>(), p.count);
    if (want["crs"].is_null()) {
      EXPECT_FALSE(p.crs.has_value());
    } else {
      ASSERT_TRUE(p.crs.has_value());
      EXPECT_EQ(want["crs"].get<std::string>(), *p.crs->ToWkt());
    }
    const geo::Affine& t = p.transform;
    EXPECT_EQ(want["transform"], json({t.a, t.b, t.c, t.d, t.e, t.f}));
    EXPECT_EQ(want.contains("blockxsize"), p.blockxsize.has_value());
    if (want.contains("blockxsize") && p.blockxsize) {
      EXPECT_EQ(want["blockxsize"].get<uint64_t>(), *p.blockxsize);
    }
    EXPECT_EQ(want["blockysize"].get<uint64_t>(), p.blockysize);
    EXPECT_EQ(want["tiled"].get<bool>(), p.tiled);
    EXPECT_EQ(want.contains("compress"), p.compress.has_value());
    if (want.contains("compress") && p.compress) {
      EXPECT_EQ(want["compress"].get<std::string>(), *p.compress);
    }
    EXPECT_EQ(want["interleave"].get<std::string>(), p.interleave);
    EXPECT_EQ(want.contains("photometric"), p.photometric.has_value());
    if (want.contains("photometric") && p.photometric) {
      EXPECT_EQ(want["photometric"].get<std::string>(), *p.photometric);
    }
    ++compared;
  }
  EXPECT_EQ(69, compared);
}

// GDAL's own namespaces, which cogr does not synthesise (tags() says kUnsupported).
const std::set<std::string> kGdalNamespaces = {"IMAGE_STRUCTURE", "SUBDATASETS",
                                               "DERIVED_SUBDATASETS"};

void CompareTags(const Dataset& ds, int band, const std::string& ns, const json& want,
                 int& compared) {
  SCOPED_TRACE("band " + std::to_string(band) + " ns '" + ns + "'");
  auto got = ds.tags(band, ns);
  if (kGdalNamespaces.count(ns)) {
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(Code::kUnsupported, got.status().code());
    return;
  }
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_FALSE(want.contains("error")) << want;
  EXPECT_EQ(want, json(*got));
  ++compared;
}

TEST(HelpersFixtures, TagsEqualRasterio) {
  int compared = 0, non_empty = 0;
  for (const json& f : Recorded()["files"]) {
    SCOPED_TRACE(f["file"].get<std::string>());
    auto ds = OpenRecorded(f);
    if (!ds) continue;
    for (const auto& [ns, want] : f["tags"]["dataset"].items()) {
      CompareTags(*ds, 0, ns, want, compared);
      if (ns.empty() && !want.empty()) ++non_empty;
    }
    for (const auto& [band, namespaces] : f["tags"]["bands"].items()) {
      for (const auto& [ns, want] : namespaces.items())
        CompareTags(*ds, std::stoi(band), ns, want, compared);
    }
  }
  EXPECT_GE(compared, 200);
  EXPECT_GE(non_empty, 50);  // AREA_OR_POINT, TIFFTAG_*, GDAL_METADATA items
}

TEST(HelpersFixtures, TagsRejectBadBand) {
  auto ds = Dataset::Open(test::DataPath("sample.tif"));
  ASSERT_TRUE(ds.ok());
  auto t = (*ds)->tags(5);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(Code::kOutOfRange, t.status().code());
  EXPECT_NE(std::string::npos,
            t.status().message().find("band 5 out of range (file has 4 bands; valid: 0..4)"))
      << t.status().message();
}

TEST(HelpersFixtures, ColormapEqualsRasterio) {
  int tables = 0;
  for (const json& f : Recorded()["files"]) {
    SCOPED_TRACE(f["file"].get<std::string>());
    auto ds = OpenRecorded(f);
    if (!ds) continue;
    const json& want = f["colormap"];
    auto got = ds->colormap(1);
    if (want.contains("error")) {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(Code::kNotFound, got.status().code());
      EXPECT_EQ(ds->uri() + ": " + want["error"].get<std::string>(), got.status().message());
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(want["count"].get<size_t>(), got->size());
    for (const auto& [i, rgba] : want["entries"].items()) {
      auto it = got->find(std::stoi(i));
      ASSERT_NE(got->end(), it) << "entry " << i;
      EXPECT_EQ(rgba, json({it->second[0], it->second[1], it->second[2], it->second[3]}))
          << "entry " << i;
    }
    ++tables;
  }
  // The 1-bit fixture's implicit table, the 256-entry palette, the min-is-white uint16 band's
  // 65536-entry inverted gray table.
  EXPECT_EQ(3, tables);
}

TEST(HelpersFixtures, BlockWindowsEqualRasterio) {
  int compared = 0;
  for (const json& f : Recorded()["files"]) {
    SCOPED_TRACE(f["file"].get<std::string>());
    auto ds = OpenRecorded(f);
    if (!ds) continue;
    auto got = ds->block_windows(0);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const json& want = f["block_windows"];
    ASSERT_EQ(want["count"].get<size_t>(), got->size());
    for (const json& e : want["entries"]) {
      const BlockWindow& b = (*got)[e[0].get<size_t>()];
      EXPECT_EQ(e, json({e[0], b.row, b.col, b.window.col_off, b.window.row_off, b.window.width,
                         b.window.height}));
      ++compared;
    }
    auto band1 = ds->block_windows(1);
    ASSERT_TRUE(band1.ok());
    EXPECT_EQ(got->size(), band1->size());
    EXPECT_FALSE(ds->block_windows(ds->count() + 1).ok());
  }
  EXPECT_GE(compared, 500);
}

geo::Window WindowOf(const json& w) {
  return geo::Window{w[0].get<double>(), w[1].get<double>(), w[2].get<double>(),
                     w[3].get<double>()};
}

TEST(HelpersFixtures, DatasetMaskEqualsRasterio) {
  int compared = 0, not_all_valid = 0, rotated = 0;
  for (const json& f : Recorded()["files"]) {
    const std::string name = f["file"].get<std::string>();
    SCOPED_TRACE(name);
    auto ds = OpenRecorded(f);
    if (!ds) continue;
    const json& m = f["dataset_mask"];
    auto check = [&](const std::string& what, const ReadOptions& o, const json& want) {
      SCOPED_TRACE(what);
      auto got = ds->dataset_mask(o);
      if (want.contains("error")) {
        EXPECT_FALSE(got.ok()) << "rasterio: " << want["error"];
        return;
      }
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_TRUE(SameMask(*got, want));
      ++compared;
      if (f["mask_flags"][0] != json({"all_valid"})) ++not_all_valid;
    };
    if (m.contains("full")) check("full", {}, m["full"]);
    ReadOptions window;
    window.window = WindowOf(m["window"]["window"]);
    check("window", window, m["window"]["mask"]);
    // rasterio reads a boundless window of a rotated dataset through a WarpedVRT that resamples
    // it north-up, so its answer is not a window of the file's pixels: not compared.
    const geo::Affine& t = ds->transform();
    if (t.b == 0 && t.d == 0) {
      ReadOptions boundless;
      boundless.window = WindowOf(m["boundless"]["window"]);
      boundless.boundless = true;
      check("boundless", boundless, m["boundless"]["mask"]);
    } else {
      ++rotated;
    }
    for (const json& s : m["out_shape"]) {
      ReadOptions o;
      o.out_shape = {s["out_shape"][0].get<uint64_t>(), s["out_shape"][1].get<uint64_t>()};
      check("out_shape " + s["out_shape"].dump(), o, s["mask"]);
    }
  }
  EXPECT_GE(compared, 300);
  EXPECT_GE(not_all_valid, 80);
  EXPECT_EQ(2, rotated);  // rasterio__rotated.tif, rotated_modeltransformation_32618.tif
}

// rasterio's read_masks(1, out_shape) is cogr's ReadMask(out_shape) where the two mean the same
// mask: a per-dataset mask, a single band with nodata, or no mask at all.
TEST(HelpersFixtures, ReadMaskOutShapeEqualsRasterioReadMasks) {
  int compared = 0;
  for (const json& f : Recorded()["files"]) {
    SCOPED_TRACE(f["file"].get<std::string>());
    const json& flags = f["mask_flags"][0];
    const bool same = flags == json({"per_dataset"}) || flags == json({"all_valid"}) ||
                      (flags == json({"nodata"}) && f["profile"]["count"] == 1);
    if (!same) continue;
    auto ds = OpenRecorded(f);
    if (!ds) continue;
    for (const json& s : f["read_masks_1"]) {
      SCOPED_TRACE(s["out_shape"].dump());
      if (s["mask"].contains("error")) continue;
      ReadOptions o;
      o.out_shape = {s["out_shape"][0].get<uint64_t>(), s["out_shape"][1].get<uint64_t>()};
      auto got = ds->ReadMask(o);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_TRUE(SameMask(*got, s["mask"]));
      ++compared;
    }
  }
  EXPECT_GE(compared, 150);
}

TEST(HelpersFixtures, SampleEqualsRasterio) {
  int points = 0, outside = 0, complex_points = 0, failed = 0;
  for (const json& f : Recorded()["files"]) {
    SCOPED_TRACE(f["file"].get<std::string>());
    auto ds = OpenRecorded(f);
    if (!ds) continue;
    const json& s = f["sample"];
    std::vector<std::pair<double, double>> xy;
    for (const json& p : s["points"]) xy.emplace_back(p[0].get<double>(), p[1].get<double>());
    auto got = ds->Sample(xy);
    if (s["values"].contains("error") &&
        s["values"]["error"].get<std::string>() != "data type 'complex_int16' not understood") {
      EXPECT_FALSE(got.ok()) << "rasterio: " << s["values"]["error"];  // a corrupt block
      ++failed;
      continue;
    }
    if (s["values"].contains("error")) {
      // numpy has no complex_int16, so rasterio cannot sample that file; cogr can: its values
      // must be those of 1x1 reads at each point's pixel, and 0 outside.
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      ASSERT_EQ(4u, got->sample_bytes());
      for (size_t i = 0; i < xy.size(); ++i) {
        auto rc = ds->index(xy[i].first, xy[i].second);
        std::vector<uint8_t> want(4, 0);
        if (rc.ok() && rc->first >= 0 && rc->second >= 0 &&
            rc->first < static_cast<int64_t>(ds->height()) &&
            rc->second < static_cast<int64_t>(ds->width())) {
          ReadOptions r;
          r.window =
              geo::Window{static_cast<double>(rc->second), static_cast<double>(rc->first), 1, 1};
          auto px = ds->Read(r);
          ASSERT_TRUE(px.ok());
          want.assign(px->data.begin(), px->data.end());
        }
        EXPECT_EQ(want,
                  std::vector<uint8_t>(got->data.begin() + 4 * i, got->data.begin() + 4 * i + 4))
            << i;
        ++complex_points;
      }
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(xy.size(), got->height);
    ASSERT_EQ(static_cast<uint64_t>(ds->count()), got->width);
    for (size_t i = 0; i < xy.size(); ++i) {
      auto rc = ds->index(xy[i].first, xy[i].second);
      if (!rc.ok() || rc->first < 0 || rc->second < 0 ||
          rc->first >= static_cast<int64_t>(ds->height()) ||
          rc->second >= static_cast<int64_t>(ds->width())) {
        ++outside;
      }
      for (size_t b = 0; b < got->width; ++b) {
        EXPECT_TRUE(SameSample(*got, i * got->width + b, s["values"][i][b]))
            << "point " << i << " band " << b + 1;
      }
      ++points;
    }
    if (f.contains("sample_bands")) {
      SampleOptions o;
      for (const json& b : f["sample_bands"]["bands"]) o.bands.push_back(b.get<int>());
      std::vector<std::pair<double, double>> first(xy.begin(), xy.begin() + 12);
      auto sub = ds->Sample(first, o);
      const json& want = f["sample_bands"]["values"];
      if (want.contains("error")) {
        EXPECT_FALSE(sub.ok());
        continue;
      }
      ASSERT_TRUE(sub.ok()) << sub.status().ToString();
      ASSERT_EQ(2u, sub->width);
      for (size_t i = 0; i < first.size(); ++i) {
        for (size_t b = 0; b < 2; ++b) {
          EXPECT_TRUE(SameSample(*sub, i * 2 + b, want[i][b]))
              << "point " << i << " band " << o.bands[b];
        }
      }
    }
  }
  EXPECT_GE(points, 2000);
  EXPECT_GE(outside, 500);
  EXPECT_EQ(38, complex_points);
  EXPECT_EQ(2, failed);  // corrupt_truncated_half_deflate.tif, rasterio__corrupt.tif
}

// Each touched block is fetched once, however many points fall in it.
TEST(HelpersFixtures, SampleReadsEachBlockOnce) {
  OpenOptions o;
  o.block_cache_bytes = 0;
  auto ds = Dataset::Open(test::DataPath("fixtures/tile256x128_u8_deflate.tif"),
                          o);  // 420x300, 2x3 blocks
  ASSERT_TRUE(ds.ok());
  std::vector<std::pair<double, double>> xy;
  for (int i = 0; i < 50; ++i) {
    // 50 points in block (0, 0), 50 in block (2, 1); identity transform: x = col, y = row.
    xy.push_back((*ds)->xy(i % 100, i % 200));
    xy.push_back((*ds)->xy(260 + i % 30, 300 + i % 100));
  }
  xy.push_back({-1e9, 5});  // outside: no read
  const io::IoStats before = (*ds)->io_stats();
  auto got = (*ds)->Sample(xy);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const io::IoStats after = (*ds)->io_stats();
  EXPECT_EQ(2u, after.requests - before.requests);
  // The same values as 1x1 reads.
  for (size_t i = 0; i < xy.size() - 1; ++i) {
    auto rc = (*ds)->index(xy[i].first, xy[i].second);
    ASSERT_TRUE(rc.ok());
    ReadOptions r;
    r.window = geo::Window{static_cast<double>(rc->second), static_cast<double>(rc->first), 1, 1};
    auto px = (*ds)->Read(r);
    ASSERT_TRUE(px.ok());
    EXPECT_EQ(px->data[0], got->data[i]) << "point " << i;
  }
  EXPECT_EQ(0, got->data[got->data.size() - 1]);  // no nodata: 0, as rasterio
}

}  // namespace
}  // namespace cogr
