// Resampled reads (ReadOptions::out_shape) against rasterio 1.3.5 / GDAL 3.6.2 for the classes
// with special rules: paletted bands (bilinear/cubic fall back to nearest, average/mode through
// the color table), min-is-white, RGBA with an alpha band, float rasters with huge values and
// nodata. Answers recorded by scripts/record_resample_fixtures.py in
// tests/data/resample/reads_*.json; every read must match byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

TEST(ResampleRules, EveryRecordedRasterioReadMatches) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::DataPath("resample"))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("reads_", 0) == 0 && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 4u);
  std::map<std::string, std::shared_ptr<Dataset>> datasets;
  std::map<std::string, std::pair<int, int>> per_class;  // file/method -> (matched, total)
  size_t total = 0, matched = 0;
  std::string report;
  for (const auto& file : files) {
    const json doc = json::parse(test::ReadFileText(file.string()));
    for (const json& r : doc.at("reads")) {
      ++total;
      const std::string name = r.at("file").get<std::string>();
      auto& ds = datasets[name];
      if (!ds) {
        auto opened = Dataset::Open(test::DataPath("resample/" + name));
        ASSERT_TRUE(opened.ok()) << opened.status().ToString();
        ds = *opened;
      }
      const auto shape = r.at("out_shape").get<std::vector<uint64_t>>();
      ReadOptions opt;
      opt.out_shape = std::pair{shape[1], shape[2]};
      auto method = ParseResampling(r.at("resampling").get<std::string>());
      ASSERT_TRUE(method.ok());
      opt.resampling = *method;
      if (!r.at("window").is_null()) {
        const auto w = r.at("window").get<std::vector<double>>();
        opt.window = geo::Window{w[0], w[1], w[2], w[3]};
      }
      auto got = ds->Read(opt);
      std::ostringstream id;
      id << name << " " << r.at("resampling").get<std::string>() << " " << r.at("out_shape")
         << " window " << r.at("window");
      auto& cls = per_class[name + " " + r.at("resampling").get<std::string>()];
      ++cls.second;
      if (!got.ok()) {
        report += id.str() + ": " + got.status().ToString() + "\n";
        continue;
      }
      if (got->bands != shape[0] || got->height != shape[1] || got->width != shape[2] ||
          DataTypeNpyDescr(got->dtype) != "'" + r.at("dtype").get<std::string>() + "'") {
        report += id.str() + ": shape or dtype differs\n";
        continue;
      }
      const std::string want = r.at("hex").get<std::string>();
      const std::string have = Hex(std::vector<uint8_t>(got->data.begin(), got->data.end()));
      if (have != want) {
        const size_t sample = got->sample_bytes();
        size_t diff = 0;
        for (size_t i = 0; i < got->data.size(); i += sample) {
          if (have.compare(2 * i, 2 * sample, want, 2 * i, 2 * sample) != 0) ++diff;
        }
        report += id.str() + ": " + std::to_string(diff) + " of " +
                  std::to_string(got->data.size() / sample) + " samples differ\n";
        continue;
      }
      ++matched;
      ++cls.first;
    }
  }
  std::cout << "[ resample fixtures ] " << matched << " / " << total << " reads match rasterio\n";
  for (const auto& [k, v] : per_class) {
    if (v.first != v.second) std::cout << "  " << k << ": " << v.first << "/" << v.second << "\n";
  }
  EXPECT_GE(total, 300u);
  EXPECT_EQ(matched, total) << report;
}

}  // namespace
}  // namespace cogr
