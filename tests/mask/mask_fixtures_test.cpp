// mask::Mask against rasterio.mask.mask (rasterio 1.3.5 / GDAL 3.6.2), case by case: the answers
// recorded by scripts/record_mask_fixtures.py in tests/data/mask/cases_*.json. Every case must
// match exactly: error text, output shape, dtype, transform, masked pixels and output bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cogr/mask.hpp"
#include "test_util.hpp"

namespace cogr::mask {
namespace {

using nlohmann::json;

// FNV-1a 64 of the output's bytes with NaNs made canonical (numpy's quiet NaN), as the
// recording script computes it.
std::string Fnv64(const Array& a) {
  std::vector<uint8_t> bytes(a.data.begin(), a.data.end());
  if (a.dtype == DataType::kFloat32) {
    for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
      float v;
      std::memcpy(&v, &bytes[i], 4);
      if (std::isnan(v)) {
        const uint32_t q = 0x7fc00000u;
        std::memcpy(&bytes[i], &q, 4);
      }
    }
  } else if (a.dtype == DataType::kFloat64) {
    for (size_t i = 0; i + 8 <= bytes.size(); i += 8) {
      double v;
      std::memcpy(&v, &bytes[i], 8);
      if (std::isnan(v)) {
        const uint64_t q = 0x7ff8000000000000ull;
        std::memcpy(&bytes[i], &q, 8);
      }
    }
  }
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// numpy.packbits of the bits (1 = masked), as hex.
std::string PackBitsHex(const std::vector<uint8_t>& bits) {
  std::string out;
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < bits.size(); i += 8) {
    uint8_t byte = 0;
    for (size_t k = 0; k < 8; ++k) {
      if (i + k < bits.size() && bits[i + k]) byte |= static_cast<uint8_t>(0x80u >> k);
    }
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

size_t CountBitDifferences(const std::string& a_hex, const std::string& b_hex) {
  if (a_hex.size() != b_hex.size()) return SIZE_MAX;
  size_t n = 0;
  for (size_t i = 0; i < a_hex.size(); i += 2) {
    const auto a = static_cast<unsigned>(std::stoul(a_hex.substr(i, 2), nullptr, 16));
    const auto b = static_cast<unsigned>(std::stoul(b_hex.substr(i, 2), nullptr, 16));
    n += static_cast<size_t>(__builtin_popcount(a ^ b));
  }
  return n;
}

struct Outcome {
  bool match = false;
  std::string detail;
};

class MaskFixtureCases {
 public:
  Outcome Run(const json& c) {
    const std::string raster = c.at("raster").get<std::string>();
    auto& ds = datasets_[raster];
    if (!ds) {
      auto opened = Dataset::Open(test::DataPath("mask/" + raster));
      if (!opened.ok()) return {false, "open: " + opened.status().ToString()};
      ds = *opened;
    }
    std::vector<Geometry> shapes;
    for (const json& g : c.at("shapes")) {
      auto parsed = ParseGeoJson(g.dump());
      if (!parsed.ok()) return {false, "geojson: " + parsed.status().ToString()};
      shapes.insert(shapes.end(), parsed->begin(), parsed->end());
    }
    const json& o = c.at("options");
    MaskOptions opt;
    opt.all_touched = o.at("all_touched").get<bool>();
    opt.invert = o.at("invert").get<bool>();
    opt.crop = o.at("crop").get<bool>();
    opt.pad = o.at("pad").get<bool>();
    if (!o.at("nodata").is_null()) opt.nodata = o.at("nodata").get<double>();
    if (!o.at("indexes").is_null()) opt.indexes = o.at("indexes").get<std::vector<int>>();
    const json& e = c.at("expected");

    opt.filled = false;
    auto unfilled = Mask(*ds, shapes, opt);
    opt.filled = true;
    auto filled = Mask(*ds, shapes, opt);
    if (e.contains("error")) {
      const std::string want = e.at("error").get<std::string>();
      if (filled.ok()) return {false, "expected error '" + want + "', got a result"};
      if (filled.status().message() != want) {
        return {false, "error '" + filled.status().message() + "' != '" + want + "'"};
      }
      return {true, ""};
    }
    if (!filled.ok() || !unfilled.ok()) {
      return {false, "unexpected error: " +
                         (filled.ok() ? unfilled.status() : filled.status()).ToString()};
    }
    std::ostringstream why;
    const Array& a = filled->data;
    const std::vector<uint64_t> shape{a.bands, a.height, a.width};
    if (shape != e.at("shape").get<std::vector<uint64_t>>()) {
      why << "shape " << a.bands << "x" << a.height << "x" << a.width << " != " << e.at("shape");
      return {false, why.str()};
    }
    if (DataTypeNpyDescr(a.dtype) != "'" + e.at("dtype").get<std::string>() + "'") {
      return {false, "dtype " + std::string(DataTypeNpyDescr(a.dtype))};
    }
    const auto t = e.at("transform").get<std::vector<double>>();
    const geo::Affine& g = filled->transform;
    if (t != std::vector<double>{g.a, g.b, g.c, g.d, g.e, g.f}) {
      why << "transform (" << g.a << "," << g.b << "," << g.c << "," << g.d << "," << g.e << ","
          << g.f << ") != " << e.at("transform");
      return {false, why.str()};
    }
    std::vector<uint8_t> masked(unfilled->valid.size());
    for (size_t i = 0; i < masked.size(); ++i) masked[i] = unfilled->valid[i] ? 0 : 1;
    const std::string got_mask = PackBitsHex(masked);
    const std::string want_mask = e.at("mask").get<std::string>();
    if (got_mask != want_mask) {
      why << CountBitDifferences(got_mask, want_mask) << " of " << masked.size()
          << " mask pixels differ";
      return {false, why.str()};
    }
    if (Fnv64(a) != e.at("fnv").get<std::string>()) return {false, "output bytes differ"};
    return {true, ""};
  }

 private:
  std::map<std::string, std::shared_ptr<Dataset>> datasets_;
};

TEST(MaskFixtures, EveryRecordedRasterioCaseMatches) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::DataPath("mask"))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("cases_", 0) == 0 && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 10u);
  MaskFixtureCases runner;
  size_t total = 0, matched = 0;
  std::vector<std::string> failures;
  for (const auto& file : files) {
    const json doc = json::parse(test::ReadFileText(file.string()));
    for (const json& c : doc.at("cases")) {
      ++total;
      const Outcome out = runner.Run(c);
      if (out.match) {
        ++matched;
      } else {
        std::ostringstream line;
        line << c.at("id").get<std::string>() << " " << c.at("kinds") << " " << c.at("options")
             << ": " << out.detail;
        failures.push_back(line.str());
      }
    }
  }
  std::cout << "[ mask fixtures ] " << matched << " / " << total << " cases match rasterio\n";
  EXPECT_GE(total, 400u);
  std::string report;
  for (const std::string& f : failures) report += f + "\n";
  EXPECT_EQ(matched, total) << report;
}

TEST(MaskFixtures, EveryRecordedRasterioRasterizeMatches) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::DataPath("mask"))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("rasterize_", 0) == 0 && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 5u);
  size_t total = 0, matched = 0;
  std::string report;
  for (const auto& file : files) {
    const json doc = json::parse(test::ReadFileText(file.string()));
    for (const json& c : doc.at("cases")) {
      auto shapes = ParseGeoJson(c.at("shape").dump());
      ASSERT_TRUE(shapes.ok()) << shapes.status().ToString();
      const auto t = c.at("transform").get<std::vector<double>>();
      const geo::Affine transform{t[0], t[1], t[2], t[3], t[4], t[5]};
      const auto w = c.at("width").get<uint64_t>(), h = c.at("height").get<uint64_t>();
      for (const bool all_touched : {false, true}) {
        ++total;
        auto burned = Rasterize(*shapes, w, h, transform, all_touched);
        ASSERT_TRUE(burned.ok()) << burned.status().ToString();
        const std::string want =
            c.at("expected").at(all_touched ? "all_touched" : "centre").get<std::string>();
        const std::string got = PackBitsHex(*burned);
        if (got == want) {
          ++matched;
        } else {
          report += c.at("id").get<std::string>() + (all_touched ? " all_touched" : " centre") +
                    ": " + std::to_string(CountBitDifferences(got, want)) + " pixels differ " +
                    c.at("shape").dump() + "\n";
        }
      }
    }
  }
  std::cout << "[ rasterize fixtures ] " << matched << " / " << total
            << " grids match rasterio.features.rasterize\n";
  EXPECT_EQ(total, 2000u);
  EXPECT_EQ(matched, total) << report;
}

}  // namespace
}  // namespace cogr::mask
