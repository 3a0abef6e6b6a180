// Conformance of resampled reads: every read with `out_shape` of every
// tests/data/fixtures/expected/*.json is run through Dataset::Read and compared with rasterio
// 1.3.5's array (GDAL 3.6.2) within the read's own `compare` tolerance: exact for nearest (and
// for lossless data), allclose with the json's atol/rtol/max_mean_abs for the kernels and lossy
// codecs. Arrays left out of the repository are checked against their digest
// (expected/omitted_npy.txt): bytes for exact reads, the mean for the others.
// (fixtures_test.cpp skips these reads; this suite owns them.)
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

std::string ExpectedDir() { return test::DataPath("fixtures/expected"); }

// Fixture jsons with at least one out_shape read (listed at registration).
std::vector<std::string> FixturesWithOutShapeReads() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ExpectedDir(), ec)) {
    if (e.path().extension() != ".json") continue;
    json doc;
    try {
      doc = json::parse(test::ReadFileText(e.path().string()));
    } catch (const std::exception&) {
      names.push_back(e.path().filename().string());  // the test reports the parse error
      continue;
    }
    if (!doc.contains("reads")) continue;
    for (const json& r : doc["reads"]) {
      if (r.contains("args") && r["args"].contains("out_shape") &&
          !r["args"]["out_shape"].is_null()) {
        names.push_back(e.path().filename().string());
        break;
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

DataType FromDescr(const std::string& d) {
  static const std::map<std::string, DataType> kMap = {
      {"|u1", DataType::kUInt8},   {"|i1", DataType::kInt8},     {"<u2", DataType::kUInt16},
      {"<i2", DataType::kInt16},   {"<u4", DataType::kUInt32},   {"<i4", DataType::kInt32},
      {"<u8", DataType::kUInt64},  {"<i8", DataType::kInt64},    {"<f4", DataType::kFloat32},
      {"<f8", DataType::kFloat64}, {"<c8", DataType::kCFloat32}, {"<c16", DataType::kCFloat64},
  };
  auto it = kMap.find(d);
  return it == kMap.end() ? DataType::kUnknown : it->second;
}

DataType PartType(DataType t) {
  switch (t) {
    case DataType::kCInt16: return DataType::kInt16;
    case DataType::kCInt32: return DataType::kInt32;
    case DataType::kCFloat32: return DataType::kFloat32;
    case DataType::kCFloat64: return DataType::kFloat64;
    default: return t;
  }
}

template <class T>
double Get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<double>(v);
}

// Scalar `k` (components counted separately) of an array of `t` as a double.
double Scalar(DataType t, const uint8_t* data, size_t k) {
  const DataType pt = PartType(t);
  const uint8_t* p = data + k * DataTypeSize(pt);
  switch (pt) {
    case DataType::kUInt8: return Get<uint8_t>(p);
    case DataType::kInt8: return Get<int8_t>(p);
    case DataType::kUInt16: return Get<uint16_t>(p);
    case DataType::kInt16: return Get<int16_t>(p);
    case DataType::kUInt32: return Get<uint32_t>(p);
    case DataType::kInt32: return Get<int32_t>(p);
    case DataType::kUInt64: return Get<uint64_t>(p);
    case DataType::kInt64: return Get<int64_t>(p);
    case DataType::kFloat32: return Get<float>(p);
    case DataType::kFloat64: return Get<double>(p);
    default: return 0;
  }
}

size_t ScalarCount(const Array& a) { return a.data.size() / DataTypeSize(PartType(a.dtype)); }

struct Tolerance {
  bool exact = true;
  double atol = 0, rtol = 0, max_mean_abs = 0;
};

Tolerance ParseTolerance(const json& c) {
  Tolerance t;
  t.exact = c.at("mode").get<std::string>() == "exact";
  if (c.contains("atol")) t.atol = c["atol"].get<double>();
  if (c.contains("rtol")) t.rtol = c["rtol"].get<double>();
  if (c.contains("max_mean_abs")) t.max_mean_abs = c["max_mean_abs"].get<double>();
  return t;
}

// Compares scalar by scalar (NaN == NaN; complex parts one by one, which for allclose is at
// least as strict per part as numpy's modulus).
void CompareToNpy(const Array& got, const test::Npy& want, const Tolerance& tol) {
  const DataType wt = FromDescr(want.descr);
  ASSERT_NE(wt, DataType::kUnknown) << "descr " << want.descr;
  const size_t n = ScalarCount(got);
  ASSERT_EQ(want.data.size() / DataTypeSize(PartType(wt)), n) << "element count";
  size_t bad = 0, first = 0;
  double sum = 0, max_diff = 0;
  for (size_t k = 0; k < n; ++k) {
    const double a = Scalar(got.dtype, got.data.data(), k), e = Scalar(wt, want.data.data(), k);
    if (std::isnan(a) && std::isnan(e)) continue;
    const double d = std::fabs(a - e);
    const bool ok =
        tol.exact ? (a == e) : (!std::isnan(d) && d <= tol.atol + tol.rtol * std::fabs(e));
    if (!ok && bad++ == 0) first = k;
    if (!std::isnan(d)) {
      sum += d;
      max_diff = std::max(max_diff, d);
    }
  }
  std::ostringstream at;
  at.precision(17);
  at << "scalar " << first << ": cogr " << Scalar(got.dtype, got.data.data(), first)
     << ", rasterio " << Scalar(wt, want.data.data(), first);
  EXPECT_EQ(bad, 0u) << bad << " of " << n << " values differ "
                     << (tol.exact ? "(exact)" : "beyond atol/rtol") << "; first " << at.str()
                     << "; max |diff| " << max_diff;
  if (!tol.exact) {
    const double mean = n ? sum / static_cast<double>(n) : 0.0;
    EXPECT_LE(mean, tol.max_mean_abs + 1e-12) << "mean |diff| " << mean;
  }
}

// FNV-1a 64 of the bytes with float NaNs canonical, and the mean of the non-NaN scalars (the
// digest of omitted_npy.txt).
void Digest(const Array& a, uint64_t* fnv, double* mean, uint64_t* nans) {
  const DataType pt = PartType(a.dtype);
  const size_t part = DataTypeSize(pt);
  const bool is_float = pt == DataType::kFloat32 || pt == DataType::kFloat64;
  static const uint8_t kNan32[4] = {0x00, 0x00, 0xc0, 0x7f};
  static const uint8_t kNan64[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x7f};
  uint64_t h = 0xcbf29ce484222325ull, count = 0;
  double s = 0;
  *nans = 0;
  for (size_t k = 0; k < ScalarCount(a); ++k) {
    const uint8_t* p = a.data.data() + k * part;
    const double v = Scalar(a.dtype, a.data.data(), k);
    if (is_float && std::isnan(v)) {
      p = part == 4 ? kNan32 : kNan64;
      ++*nans;
    } else {
      s += v;
      ++count;
    }
    for (size_t i = 0; i < part; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  }
  *fnv = h;
  *mean = count ? s / static_cast<double>(count) : 0.0;
}

void CompareToDigest(const Array& got, const std::string& npy_name, const Tolerance& tol) {
  std::istringstream in(test::ReadFileText(ExpectedDir() + "/omitted_npy.txt"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string name, descr, shape, fnv_hex;
    double mean = 0;
    uint64_t nan_count = 0;
    if (!(ls >> name >> descr >> shape >> fnv_hex >> mean >> nan_count) || name != npy_name)
      continue;
    uint64_t fnv = 0, nans = 0;
    double got_mean = 0;
    Digest(got, &fnv, &got_mean, &nans);
    EXPECT_EQ(nans, nan_count) << "NaN count";
    if (tol.exact) {
      EXPECT_EQ(fnv, std::stoull(fnv_hex, nullptr, 16)) << npy_name << ": bytes differ (digest)";
    } else {
      EXPECT_NEAR(got_mean, mean, tol.max_mean_abs + 1e-9 * std::fabs(mean))
          << npy_name << ": mean";
    }
    return;
  }
  ADD_FAILURE() << npy_name << " is neither in the repository nor in omitted_npy.txt";
}

class ResampleFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(ResampleFixtures, OutShapeReadsMatchRasterio) {
  if (std::endian::native != std::endian::little)
    GTEST_SKIP() << "expected arrays are little-endian";
  json doc;
  ASSERT_NO_THROW(doc = json::parse(test::ReadFileText(ExpectedDir() + "/" + GetParam())));
  const std::string tif = test::DataPath("fixtures/" + doc.at("file").get<std::string>());
  const json no_case = json::object();
  const json& c = doc.contains("case") ? doc["case"] : no_case;
  const bool lenient = doc.value("lenient_errors", false) || c.value("lenient_errors", false);
  const bool no_crash_only = doc.value("no_crash_only", false) || c.value("no_crash_only", false);
  auto opened = Dataset::Open(tif);
  if (!opened.ok()) {
    if (lenient || no_crash_only) return;
    FAIL() << "Open(" << tif << "): " << opened.status().ToString();
  }
  int checked = 0;
  for (const json& read : doc.at("reads")) {
    const json& args = read.at("args");
    if (!args.contains("out_shape") || args["out_shape"].is_null()) continue;
    std::string cli;
    for (const auto& a : read["cli"]) cli += " " + a.get<std::string>();
    SCOPED_TRACE("cogr read " + doc["file"].get<std::string>() + cli);
    ReadOptions o;
    if (args.contains("bands") && args["bands"].is_array())
      o.bands = args["bands"].get<std::vector<int>>();
    if (args.contains("window") && args["window"].is_array()) {
      const json& w = args["window"];
      o.window = geo::Window{w[0].get<double>(), w[1].get<double>(), w[2].get<double>(),
                             w[3].get<double>()};
    }
    if (args.contains("overview") && args["overview"].is_number())
      o.overview = args["overview"].get<int>();
    const json& shape = args["out_shape"];
    ASSERT_GE(shape.size(), 2u);
    o.out_shape = std::make_pair(shape[shape.size() - 2].get<uint64_t>(),
                                 shape[shape.size() - 1].get<uint64_t>());
    const bool named = args.contains("resampling") && args["resampling"].is_string();
    auto method =
        ParseResampling(named ? args["resampling"].get<std::string>() : std::string("nearest"));
    ASSERT_TRUE(method.ok()) << method.status().ToString();
    o.resampling = *method;
    auto result = (*opened)->Read(o);
    if (no_crash_only) continue;
    if (read.contains("expected_error")) {
      EXPECT_FALSE(result.ok()) << "GDAL fails here, cogr returned data";
      if (!result.ok()) {
        EXPECT_FALSE(result.status().message().empty());
      }
      continue;
    }
    if (!result.ok()) {
      if (lenient) continue;
      ADD_FAILURE() << "Read failed: " << result.status().ToString();
      continue;
    }
    ++checked;
    const Array& got = *result;
    const auto want_shape = read.at("shape").get<std::vector<uint64_t>>();
    ASSERT_EQ((std::vector<uint64_t>{got.bands, got.height, got.width}), want_shape);
    const std::string want_dtype = read.at("dtype").get<std::string>();
    // rasterio 1.3.5 reads CInt16 as complex64; cogr keeps complex_int16 (compared as numbers).
    if (!(got.dtype == DataType::kCInt16 && want_dtype == "complex64")) {
      EXPECT_EQ(std::string(DataTypeName(got.dtype)), want_dtype);
    }
    const Tolerance tol = ParseTolerance(read.at("compare"));
    const std::string npy_name = read.at("npy").get<std::string>();
    const std::string npy_path = ExpectedDir() + "/" + npy_name;
    if (!std::filesystem::exists(npy_path)) {
      CompareToDigest(got, npy_name, tol);
      continue;
    }
    test::Npy npy = test::LoadNpy(npy_path);
    ASSERT_TRUE(npy.ok) << npy_path << ": " << npy.error;
    CompareToNpy(got, npy, tol);
  }
  RecordProperty("out_shape_reads_compared", checked);
}

std::string Name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param.substr(0, info.param.size() - 5);
  for (char& ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ResampleFixtures,
                         ::testing::ValuesIn(FixturesWithOutShapeReads()), Name);

// rasterio__alpha (1223 x 1223 JPEG, no overviews) read at 274 x 274: GDAL samples its implicit
// 1/4 JPEG overview (libjpeg DCT scaling), not the full image. The expected arrays are only
// digests here, and the json's JPEG tolerance would hide the difference, so check the bytes:
// cogr reproduces them exactly (nearest from the full image differs by up to 207).
TEST(ResampleFixturesSetup, ImplicitJpegOverviewMatchesGdalBytes) {
  auto ds = Dataset::Open(test::DataPath("fixtures/rasterio__alpha.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  for (const auto& [method, digest] :
       {std::pair<Resampling, uint64_t>{Resampling::kNearest, 0x41c4f1d29ab6af21ull},
        {Resampling::kBilinear, 0x23cda8dc4efa3e9full}}) {
    ReadOptions o;
    o.out_shape = std::make_pair(274, 274);
    o.resampling = method;
    auto got = (*ds)->Read(o);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    uint64_t fnv = 0, nans = 0;
    double mean = 0;
    Digest(*got, &fnv, &mean, &nans);
    EXPECT_EQ(fnv, digest) << ResamplingName(method) << ": mean " << mean;
  }
}

// The listing must find the fixtures' out_shape reads (an empty list would test nothing).
TEST(ResampleFixturesSetup, FindsOutShapeReads) {
  size_t reads = 0;
  for (const std::string& name : FixturesWithOutShapeReads()) {
    json doc = json::parse(test::ReadFileText(ExpectedDir() + "/" + name));
    for (const json& r : doc["reads"])
      reads += r["args"].contains("out_shape") && !r["args"]["out_shape"].is_null();
  }
  EXPECT_GE(reads, 150u);
}

}  // namespace
}  // namespace cogr
