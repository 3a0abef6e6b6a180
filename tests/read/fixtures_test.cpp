// Conformance suite: every tests/data/fixtures/expected/*.json (GDAL 3.6.2-made files and files
// from other readers' test suites, answered by rasterio 1.3.5) is opened with Dataset::Open, its
// `contract` compared key by key and each of its plain `reads` compared element by element.
// The fixtures are listed at run time, so adding a json + tif adds a test case.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

using nlohmann::json;

// Transform and bounds: the answers are doubles printed to round-trip, so only arithmetic
// order may differ (e.g. half-pixel shifts of PixelIsPoint files).
constexpr double kGeoRelTolerance = 1e-9;

std::string FixtureDir() { return test::DataPath("fixtures"); }
std::string ExpectedDir() { return test::DataPath("fixtures/expected"); }

struct Fixture {
  std::string json_name;  // e.g. "cogeotiff__be_cog.json"
  std::string test_name;  // sanitised to [A-Za-z0-9_], unique
};

// gtest prints the parameter of a failed test with this (instead of its bytes).
void PrintTo(const Fixture& f, std::ostream* os) { *os << f.json_name; }

std::string Sanitise(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("unnamed") : out;
}

// Runs at test registration: the list of fixtures is whatever the directory holds.
std::vector<Fixture> ListFixtures() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ExpectedDir(), ec)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<Fixture> out;
  std::set<std::string> used;
  for (const auto& n : names) {
    std::string base = Sanitise(n.substr(0, n.size() - 5));
    std::string name = base;
    for (int i = 2; used.count(name) != 0; ++i) name = base + "_" + std::to_string(i);
    used.insert(name);
    out.push_back({n, name});
  }
  return out;
}

bool Flag(const json& obj, const char* key) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

std::string Join(const json& cli) {
  std::string s;
  for (const auto& a : cli) s += " " + (a.is_string() ? a.get<std::string>() : a.dump());
  return s;
}

// ---------------------------------------------------------------------------------------------
// Contract

// The contract values cogr reports, in the json shapes of the fixtures.
json ActualContract(const Dataset& ds) {
  json a;
  a["width"] = ds.width();
  a["height"] = ds.height();
  a["count"] = ds.count();
  a["dtype"] = std::string(DataTypeName(ds.dtype()));
  auto bs = ds.block_shape();
  a["block_shape"] = json::array({bs[0], bs[1]});
  a["compression"] = ds.compression();
  a["crs_epsg"] = ds.crs_epsg() ? json(*ds.crs_epsg()) : json(nullptr);
  a["crs_wkt"] = ds.crs_wkt() ? json(*ds.crs_wkt()) : json(nullptr);
  auto t = ds.transform().ToArray();
  a["transform"] = json(std::vector<double>(t.begin(), t.end()));
  if (!ds.nodata()) {
    a["nodata"] = nullptr;
  } else if (std::isnan(*ds.nodata())) {
    a["nodata"] = "nan";
  } else if (std::isinf(*ds.nodata())) {
    a["nodata"] = *ds.nodata() > 0 ? "inf" : "-inf";
  } else {
    a["nodata"] = *ds.nodata();
  }
  a["overviews"] = ds.overviews();
  auto b = ds.bounds();
  a["bounds"] = json::array({b.left, b.bottom, b.right, b.top});
  return a;
}

bool NearlyEqual(double a, double b, double rel) {
  if (a == b) return true;
  // A tiny absolute floor so that 0 vs 1e-17 (rotation round-off) is not a failure.
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)) + 1e-14;
}

bool ContractValueMatches(const std::string& key, const json& actual, const json& expected) {
  if (key == "transform" || key == "bounds") {
    if (!actual.is_array() || !expected.is_array() || actual.size() != expected.size())
      return false;
    for (size_t i = 0; i < actual.size(); ++i) {
      if (!actual[i].is_number() || !expected[i].is_number()) return false;
      if (!NearlyEqual(actual[i].get<double>(), expected[i].get<double>(), kGeoRelTolerance))
        return false;
    }
    return true;
  }
  if (key == "nodata" && actual.is_number() && expected.is_number()) {
    // GDAL_NODATA is text; both sides parse it to the nearest double, so this is ~exact.
    return NearlyEqual(actual.get<double>(), expected.get<double>(), 1e-12);
  }
  return actual == expected;  // nlohmann compares integer/unsigned/float numbers by value
}

// ---------------------------------------------------------------------------------------------
// Element access for every dtype

struct DtypeInfo {
  DataType type = DataType::kUnknown;
  size_t bytes = 0;       // whole element
  int components = 1;     // 2 for complex
  bool is_float = false;  // components are IEEE floats
};

DtypeInfo InfoOf(DataType t) {
  DtypeInfo i;
  i.type = t;
  i.bytes = DataTypeSize(t);
  i.components = IsComplex(t) ? 2 : 1;
  i.is_float = IsFloat(t) || t == DataType::kCFloat32 || t == DataType::kCFloat64;
  return i;
}

// numpy descr of the expected arrays → cogr dtype (little-endian files only).
DataType DtypeFromDescr(const std::string& d) {
  static const std::map<std::string, DataType> kMap = {
      {"|u1", DataType::kUInt8},   {"|i1", DataType::kInt8},     {"<u2", DataType::kUInt16},
      {"<i2", DataType::kInt16},   {"<u4", DataType::kUInt32},   {"<i4", DataType::kInt32},
      {"<u8", DataType::kUInt64},  {"<i8", DataType::kInt64},    {"<f4", DataType::kFloat32},
      {"<f8", DataType::kFloat64}, {"<c8", DataType::kCFloat32}, {"<c16", DataType::kCFloat64},
  };
  auto it = kMap.find(d);
  return it == kMap.end() ? DataType::kUnknown : it->second;
}

template <class T>
double Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return static_cast<double>(v);
}

// Component `c` (0 real, 1 imaginary) of element `i` as a double.
double Component(DataType t, const uint8_t* data, size_t i, int c) {
  const size_t size = DataTypeSize(t);
  const uint8_t* p = data + i * size;
  switch (t) {
    case DataType::kUInt8: return Load<uint8_t>(p);
    case DataType::kInt8: return Load<int8_t>(p);
    case DataType::kUInt16: return Load<uint16_t>(p);
    case DataType::kInt16: return Load<int16_t>(p);
    case DataType::kUInt32: return Load<uint32_t>(p);
    case DataType::kInt32: return Load<int32_t>(p);
    case DataType::kUInt64: return Load<uint64_t>(p);
    case DataType::kInt64: return Load<int64_t>(p);
    case DataType::kFloat32: return Load<float>(p);
    case DataType::kFloat64: return Load<double>(p);
    case DataType::kCInt16: return Load<int16_t>(p + c * 2);
    case DataType::kCInt32: return Load<int32_t>(p + c * 4);
    case DataType::kCFloat32: return Load<float>(p + c * 4);
    case DataType::kCFloat64: return Load<double>(p + c * 8);
    case DataType::kUnknown: return 0;
  }
  return 0;
}

// The type of one part of a complex type (the type itself otherwise).
DataType ComponentType(DataType t) {
  switch (t) {
    case DataType::kCInt16: return DataType::kInt16;
    case DataType::kCInt32: return DataType::kInt32;
    case DataType::kCFloat32: return DataType::kFloat32;
    case DataType::kCFloat64: return DataType::kFloat64;
    default: return t;
  }
}

std::string FormatElement(DataType t, const uint8_t* data, size_t i) {
  std::ostringstream os;
  os.precision(17);
  if (IsComplex(t)) {
    os << "(" << Component(t, data, i, 0) << ", " << Component(t, data, i, 1) << "j)";
  } else {
    os << Component(t, data, i, 0);
  }
  return os.str();
}

std::string FormatIndex(size_t i, uint64_t height, uint64_t width) {
  const uint64_t plane = height * width;
  std::ostringstream os;
  os << "[band " << i / plane << ", row " << (i % plane) / width << ", col " << i % width << "]";
  return os.str();
}

// Exact: same bytes, except that NaN equals NaN (whatever its payload). Across dtypes (rasterio
// reads CInt16 as complex64), the values must be equal numbers.
bool ElementExactEqual(const DtypeInfo& a, const uint8_t* ad, const DtypeInfo& e, const uint8_t* ed,
                       size_t i) {
  if (a.type == e.type && std::memcmp(ad + i * a.bytes, ed + i * e.bytes, a.bytes) == 0)
    return true;
  if (a.type == e.type && !a.is_float) return false;
  for (int c = 0; c < a.components; ++c) {
    double x = Component(a.type, ad, i, c), y = Component(e.type, ed, i, c);
    if (std::isnan(x) && std::isnan(y)) continue;
    if (a.type == e.type) {
      // Same float type: only NaN may differ in bytes; anything else (even -0 vs 0) is a diff.
      const size_t part = a.bytes / a.components;
      if (std::memcmp(ad + i * a.bytes + c * part, ed + i * e.bytes + c * part, part) != 0)
        return false;
    } else if (x != y) {
      return false;
    }
  }
  return true;
}

// |actual - expected| of one element (complex: the modulus); NaN if exactly one side is NaN;
// 0 if both are NaN. `expected_abs` receives |expected| for rtol.
double ElementAbsDiff(const DtypeInfo& a, const uint8_t* ad, const DtypeInfo& e, const uint8_t* ed,
                      size_t i, double* expected_abs) {
  double sq = 0, esq = 0;
  for (int c = 0; c < a.components; ++c) {
    double x = Component(a.type, ad, i, c), y = Component(e.type, ed, i, c);
    if (std::isnan(x) && std::isnan(y)) continue;
    if (std::isnan(x) || std::isnan(y)) return std::nan("");
    if (std::isinf(x) || std::isinf(y)) {
      if (x == y) continue;
      return std::numeric_limits<double>::infinity();
    }
    sq += (x - y) * (x - y);
    esq += y * y;
  }
  *expected_abs = std::sqrt(esq);
  return std::sqrt(sq);
}

struct Compare {
  std::string mode;  // "exact" or "allclose"
  double atol = 0, rtol = 0, max_mean_abs = 0;
};

Compare ParseCompare(const json& c) {
  Compare out;
  out.mode = c.at("mode").get<std::string>();
  if (c.contains("atol")) out.atol = c["atol"].get<double>();
  if (c.contains("rtol")) out.rtol = c["rtol"].get<double>();
  if (c.contains("max_mean_abs")) out.max_mean_abs = c["max_mean_abs"].get<double>();
  return out;
}

// Compares `actual` with the expected raw array (same element count); failures name the first
// differing index and both values.
void CompareArrays(const Array& actual, DataType expected_type,
                   const std::vector<uint8_t>& expected, const Compare& cmp) {
  const DtypeInfo a = InfoOf(actual.dtype), e = InfoOf(expected_type);
  const size_t n = actual.bands * actual.height * actual.width;
  ASSERT_EQ(a.components, e.components) << "real vs complex data";
  ASSERT_EQ(actual.data.size(), n * a.bytes) << "cogr's array has the wrong byte size";
  ASSERT_EQ(expected.size(), n * e.bytes) << "expected .npy has the wrong byte size";
  const uint8_t* ad = actual.data.data();
  const uint8_t* ed = expected.data();

  if (cmp.mode == "exact") {
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!ElementExactEqual(a, ad, e, ed, i)) {
        if (bad++ == 0) first = i;
      }
    }
    EXPECT_EQ(bad, 0u) << bad << " of " << n << " elements differ (exact); first at "
                       << FormatIndex(first, actual.height, actual.width) << ": cogr "
                       << FormatElement(actual.dtype, ad, first) << ", expected "
                       << FormatElement(expected_type, ed, first);
    return;
  }
  ASSERT_EQ(cmp.mode, "allclose") << "unknown compare mode";
  size_t bad = 0, first = 0;
  double sum = 0, max_diff = 0;
  for (size_t i = 0; i < n; ++i) {
    double eabs = 0;
    double d = ElementAbsDiff(a, ad, e, ed, i, &eabs);
    bool ok = !std::isnan(d) && d <= cmp.atol + cmp.rtol * eabs;
    if (!ok && bad++ == 0) first = i;
    if (!std::isnan(d)) {
      sum += d;
      max_diff = std::max(max_diff, d);
    }
  }
  EXPECT_EQ(bad, 0u) << bad << " of " << n << " elements differ by more than atol " << cmp.atol
                     << " + rtol " << cmp.rtol << " * |expected|; first at "
                     << FormatIndex(first, actual.height, actual.width) << ": cogr "
                     << FormatElement(actual.dtype, ad, first) << ", expected "
                     << FormatElement(expected_type, ed, first) << " (max |diff| " << max_diff
                     << ")";
  double mean = n ? sum / static_cast<double>(n) : 0.0;
  EXPECT_LE(mean, cmp.max_mean_abs + 1e-12)
      << "mean |diff| " << mean << " > max_mean_abs " << cmp.max_mean_abs;
}

// ---------------------------------------------------------------------------------------------
// Digests of expected arrays left out of the repository (scripts/update_fixtures.py).

struct Digest {
  std::string descr;
  std::vector<uint64_t> shape;
  uint64_t fnv = 0;
  double mean = 0;
  uint64_t nan_count = 0;
};

const std::map<std::string, Digest>& OmittedNpys() {
  static const std::map<std::string, Digest> kDigests = [] {
    std::map<std::string, Digest> m;
    std::istringstream in(test::ReadFileText(ExpectedDir() + "/omitted_npy.txt"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      std::string name, shape, fnv;
      Digest d;
      ls >> name >> d.descr >> shape >> fnv >> d.mean >> d.nan_count;
      std::istringstream ss(shape);
      std::string dim;
      while (std::getline(ss, dim, 'x')) d.shape.push_back(std::stoull(dim));
      d.fnv = std::stoull(fnv, nullptr, 16);
      m[name] = d;
    }
    return m;
  }();
  return kDigests;
}

// FNV-1a 64 of the element bytes with every float NaN replaced by the canonical quiet NaN, plus
// the mean of the non-NaN scalars, computed exactly as update_fixtures.py does.
void DigestOf(const Array& arr, uint64_t* fnv, double* mean, uint64_t* nan_count) {
  const DtypeInfo info = InfoOf(arr.dtype);
  const size_t part = info.bytes / static_cast<size_t>(info.components);
  const size_t scalars = arr.data.size() / part;
  uint64_t h = 0xcbf29ce484222325ull;
  double sum = 0;
  uint64_t count = 0, nans = 0;
  static const uint8_t kNan32[4] = {0x00, 0x00, 0xc0, 0x7f};
  static const uint8_t kNan64[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x7f};
  for (size_t s = 0; s < scalars; ++s) {
    const uint8_t* p = arr.data.data() + s * part;
    double v = Component(ComponentType(arr.dtype), p, 0, 0);
    if (info.is_float && std::isnan(v)) {
      p = part == 4 ? kNan32 : kNan64;
      ++nans;
    } else {
      sum += v;
      ++count;
    }
    for (size_t k = 0; k < part; ++k) h = (h ^ p[k]) * 0x100000001b3ull;
  }
  *fnv = h;
  *mean = count ? sum / static_cast<double>(count) : 0.0;
  *nan_count = nans;
}

void CompareWithDigest(const Array& actual, const Digest& d, const Compare& cmp) {
  ASSERT_EQ(actual.dtype, DtypeFromDescr(d.descr)) << "expected array (digest only) is " << d.descr
                                                   << ", cogr gives " << DataTypeName(actual.dtype);
  uint64_t fnv = 0, nans = 0;
  double mean = 0;
  DigestOf(actual, &fnv, &mean, &nans);
  EXPECT_EQ(nans, d.nan_count) << "NaN count differs";
  if (cmp.mode == "exact") {
    std::ostringstream hex;
    hex << std::hex << fnv << " vs expected " << d.fnv;
    EXPECT_TRUE(fnv == d.fnv) << "data digest differs (the expected .npy is not in the repo, see "
                                 "expected/omitted_npy.txt): fnv1a64 "
                              << hex.str() << "; cogr mean " << mean << ", expected mean "
                              << d.mean;
  } else {
    // |mean(a) - mean(e)| <= mean |a - e| <= max_mean_abs: a necessary condition only.
    EXPECT_NEAR(mean, d.mean, cmp.max_mean_abs + 1e-9 * std::fabs(d.mean))
        << "mean of the data differs by more than max_mean_abs (expected .npy omitted for size)";
  }
}

// ---------------------------------------------------------------------------------------------

class FixtureConformance : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    const std::string path = ExpectedDir() + "/" + GetParam().json_name;
    try {
      doc_ = json::parse(test::ReadFileText(path));
    } catch (const std::exception& e) {
      FAIL() << path << ": " << e.what();
    }
    tif_ = FixtureDir() + "/" + doc_.at("file").get<std::string>();
    const json no_case = json::object();
    const json& c = doc_.contains("case") ? doc_["case"] : no_case;
    lenient_ = Flag(doc_, "lenient_errors") || Flag(c, "lenient_errors");
    no_crash_only_ = Flag(doc_, "no_crash_only") || Flag(c, "no_crash_only");
  }

  json doc_;
  std::string tif_;
  bool lenient_ = false;
  bool no_crash_only_ = false;
};

Result<ReadOptions> ToReadOptions(const json& args) {
  ReadOptions o;
  if (args.contains("bands") && args["bands"].is_array())
    o.bands = args["bands"].get<std::vector<int>>();
  if (args.contains("window") && args["window"].is_array()) {
    const json& w = args["window"];
    o.window = geo::Window{w.at(0).get<double>(), w.at(1).get<double>(), w.at(2).get<double>(),
                           w.at(3).get<double>()};
  }
  if (args.contains("overview") && args["overview"].is_number())
    o.overview = args["overview"].get<int>();
  if (args.contains("out_shape") && args["out_shape"].is_array()) {
    o.out_shape = std::make_pair(args["out_shape"].at(0).get<uint64_t>(),
                                 args["out_shape"].at(1).get<uint64_t>());
    const std::string name = args.contains("resampling") && args["resampling"].is_string()
                                 ? args["resampling"].get<std::string>()
                                 : std::string("nearest");
    COGR_ASSIGN_OR_RETURN(o.resampling, ParseResampling(name));
  }
  return o;
}

TEST_P(FixtureConformance, Contract) {
  if (HasFatalFailure()) return;
  auto opened = Dataset::Open(tif_);
  if (no_crash_only_) return;  // anything but a crash is right
  if (!opened.ok()) {
    if (lenient_) {
      // A corrupt file: a clean error is right. It must say what and where.
      EXPECT_FALSE(opened.status().message().empty());
      return;
    }
    FAIL() << "Open(" << tif_ << ") failed: " << opened.status().ToString();
  }
  const Dataset& ds = **opened;
  const json actual = ActualContract(ds);
  const json& contract = doc_.at("contract");
  const json no_accept = json::object();
  const json& accept = doc_.contains("accept") ? doc_["accept"] : no_accept;
  for (const auto& [key, expected] : contract.items()) {
    if (!actual.contains(key)) {
      ADD_FAILURE() << "contract key '" << key << "' is not checked by this test; add it";
      continue;
    }
    bool ok = ContractValueMatches(key, actual[key], expected);
    if (!ok && accept.contains(key)) {
      for (const auto& alt : accept[key]) ok = ok || ContractValueMatches(key, actual[key], alt);
    }
    EXPECT_TRUE(ok) << "contract key '" << key << "': cogr says " << actual[key].dump()
                    << ", expected " << expected.dump()
                    << (accept.contains(key) ? " (also accepted: " + accept[key].dump() + ")" : "");
  }
}

TEST_P(FixtureConformance, Reads) {
  if (HasFatalFailure()) return;
  if (std::endian::native != std::endian::little)
    GTEST_SKIP() << "expected arrays are little-endian";
  auto opened = Dataset::Open(tif_);
  if (!opened.ok()) {
    if (lenient_ || no_crash_only_) return;  // Contract reports this
    FAIL() << "Open(" << tif_ << ") failed: " << opened.status().ToString();
  }
  const Dataset& ds = **opened;
  for (const json& read : doc_.at("reads")) {
    const std::string id = read.at("id").get<std::string>();
    SCOPED_TRACE("read '" + id + "': cogr read " + doc_["file"].get<std::string>() +
                 Join(read["cli"]));
    const json& args = read.at("args");
    auto options = ToReadOptions(args);
    ASSERT_TRUE(options.ok()) << options.status().ToString();
    auto result = ds.Read(*options);
    if (no_crash_only_) continue;
    if (read.contains("expected_error")) {
      EXPECT_FALSE(result.ok()) << "GDAL fails here (" << read["expected_error"].get<std::string>()
                                << "), cogr returned data";
      if (!result.ok()) {
        EXPECT_FALSE(result.status().message().empty());
      }
      continue;
    }
    if (!result.ok()) {
      if (lenient_) continue;  // corrupt file: a clean error is acceptable
      ADD_FAILURE() << "Read failed: " << result.status().ToString();
      continue;
    }
    const Array& arr = *result;
    const std::vector<uint64_t> shape = read.at("shape").get<std::vector<uint64_t>>();
    ASSERT_EQ(shape.size(), 3u);
    EXPECT_EQ((std::vector<uint64_t>{arr.bands, arr.height, arr.width}), shape)
        << "shape (bands, h, w)";
    if (arr.bands != shape[0] || arr.height != shape[1] || arr.width != shape[2]) continue;
    const std::string want_dtype = read.at("dtype").get<std::string>();
    // rasterio 1.3.5 reads CInt16 as complex64; cogr keeps complex_int16 (types.hpp). The values
    // are then compared as numbers.
    const bool cint16_as_c64 = arr.dtype == DataType::kCInt16 && want_dtype == "complex64";
    if (!cint16_as_c64) {
      EXPECT_EQ(std::string(DataTypeName(arr.dtype)), want_dtype) << "dtype";
    }
    const Compare cmp = ParseCompare(read.at("compare"));
    const std::string npy_name = read.at("npy").get<std::string>();
    const std::string npy_path = ExpectedDir() + "/" + npy_name;
    if (!std::filesystem::exists(npy_path)) {
      auto it = OmittedNpys().find(npy_name);
      if (it == OmittedNpys().end()) {
        ADD_FAILURE() << npy_path << " is missing and not listed in omitted_npy.txt";
        continue;
      }
      CompareWithDigest(arr, it->second, cmp);
      continue;
    }
    test::Npy npy = test::LoadNpy(npy_path);
    if (!npy.ok) {
      ADD_FAILURE() << npy_path << ": " << npy.error;
      continue;
    }
    EXPECT_EQ(npy.shape, shape) << "the .npy disagrees with its json";
    const DataType expected_type = DtypeFromDescr(npy.descr);
    if (expected_type == DataType::kUnknown) {
      ADD_FAILURE() << npy_path << ": unsupported descr " << npy.descr;
      continue;
    }
    if (!cint16_as_c64 && expected_type != arr.dtype) continue;  // dtype failure reported above
    CompareArrays(arr, expected_type, npy.data, cmp);
  }
}

std::string FixtureTestName(const ::testing::TestParamInfo<Fixture>& param_info) {
  return param_info.param.test_name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureConformance, ::testing::ValuesIn(ListFixtures()),
                         FixtureTestName);

// The directory listing must find the fixtures (an empty list would silently test nothing).
TEST(FixtureConformanceSetup, FindsFixtures) {
  auto fixtures = ListFixtures();
  EXPECT_GE(fixtures.size(), 60u) << "fixtures in " << ExpectedDir();
  // Every fixture's tif is present.
  for (const auto& f : fixtures) {
    json doc = json::parse(test::ReadFileText(ExpectedDir() + "/" + f.json_name));
    EXPECT_TRUE(std::filesystem::exists(FixtureDir() + "/" + doc.at("file").get<std::string>()))
        << f.json_name;
  }
}

}  // namespace
}  // namespace cogr
