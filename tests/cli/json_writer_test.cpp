// Unit tests of the JSON writer of `cogr info --json` (src/cli/json_writer.cpp).
//
// The CLI sources belong to the cogr_cli executable, not to the library the tests link, so each
// helper's test compiles that helper: this file is the one place json_writer.cpp enters cogr_tests.
#include "cli/json_writer.cpp"  // NOLINT(bugprone-suspicious-include)

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace cogr::cli {
namespace {

TEST(CliJsonTest, FormatDoubleMatchesPythonRepr) {
  // Expected strings are Python's repr() of the same doubles.
  EXPECT_EQ(FormatDouble(583020.0), "583020.0");
  EXPECT_EQ(FormatDouble(4507980.0), "4507980.0");
  EXPECT_EQ(FormatDouble(-10.0), "-10.0");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(0.0), "0.0");
  EXPECT_EQ(FormatDouble(-0.0), "-0.0");
  EXPECT_EQ(FormatDouble(1.0), "1.0");
  EXPECT_EQ(FormatDouble(1.5), "1.5");
  EXPECT_EQ(FormatDouble(1e-300), "1e-300");
  EXPECT_EQ(FormatDouble(-3.3999999521443642e+38), "-3.3999999521443642e+38");
  EXPECT_EQ(FormatDouble(0.0001), "0.0001");
  EXPECT_EQ(FormatDouble(0.00001), "1e-05");
  EXPECT_EQ(FormatDouble(0.000123), "0.000123");
  EXPECT_EQ(FormatDouble(1e15), "1000000000000000.0");
  EXPECT_EQ(FormatDouble(1e16), "1e+16");
  EXPECT_EQ(FormatDouble(123456789012345680000.0), "1.2345678901234568e+20");
  EXPECT_EQ(FormatDouble(1234.5678), "1234.5678");
  EXPECT_EQ(FormatDouble(0.0174532925199433), "0.0174532925199433");
  EXPECT_EQ(FormatDouble(298.257223563), "298.257223563");
  EXPECT_EQ(FormatDouble(5e-324), "5e-324");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(FormatDouble(std::nan("")), "nan");
  EXPECT_EQ(FormatDouble(INFINITY), "inf");
  EXPECT_EQ(FormatDouble(-INFINITY), "-inf");
}

TEST(CliJsonTest, FormatDoubleRoundTrips) {
  const double values[] = {583020.0,
                           0.1,
                           1e-300,
                           -3.3999999521443642e+38,
                           1.0 / 3.0,
                           2.0 / 3.0 * 1e10,
                           6378137.0,
                           8.983152841195214e-05,
                           -1e-7,
                           1e22,
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::lowest()};
  for (double v : values) {
    std::string s = FormatDouble(v);
    EXPECT_EQ(std::strtod(s.c_str(), nullptr), v) << s;
    EXPECT_TRUE(s.find('.') != std::string::npos || s.find('e') != std::string::npos) << s;
  }
}

TEST(CliJsonTest, QuoteEscapes) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote(""), "\"\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("PROJCS[\"WGS 84\"]"), "\"PROJCS[\\\"WGS 84\\\"]\"");
  EXPECT_EQ(JsonQuote("l1\nl2\r\t\b\f"), "\"l1\\nl2\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f\0", 3)), "\"\\u0001\\u001f\\u0000\"");
  EXPECT_EQ(JsonQuote("/"), "\"/\"");
  // Valid UTF-8 passes through; a stray Latin-1 byte becomes its code point.
  EXPECT_EQ(JsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(JsonQuote("caf\xe9"), "\"caf\\u00e9\"");
  EXPECT_EQ(JsonQuote("\xe2\x82"), "\"\\u00e2\\u0082\"");             // truncated sequence
  EXPECT_EQ(JsonQuote("\xc0\xaf"), "\"\\u00c0\\u00af\"");             // overlong '/'
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"");  // surrogate
  EXPECT_EQ(JsonQuote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
}

TEST(CliJsonTest, QuotedStringsParseBackExactly) {
  std::string all;
  for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
  auto parsed = nlohmann::json::parse(JsonQuote(all));
  EXPECT_EQ(parsed.get<std::string>(), all);
  // Latin-1 fallback: the byte becomes U+00E9, valid JSON that strict parsers accept.
  EXPECT_EQ(nlohmann::json::parse(JsonQuote("caf\xe9")).get<std::string>(), "caf\xc3\xa9");
}

TEST(CliJsonTest, WriterNestsWithPythonSeparators) {
  JsonWriter w;
  w.BeginObject();
  w.Key("width").UInt(200);
  w.Key("count").Int(-1);
  w.Key("dtype").String("uint8");
  w.Key("block_shape").BeginArray().UInt(128).UInt(128).EndArray();
  w.Key("crs_epsg").Null();
  w.Key("transform").BeginArray().Double(10.0).Double(0.0).Double(583020.0).EndArray();
  w.Key("empty").BeginArray().EndArray();
  w.Key("obj").BeginObject().Key("a").Bool(true).Key("b").Bool(false).EndObject();
  w.Key("nested").BeginArray().BeginArray().Int(1).EndArray().BeginObject().EndObject().EndArray();
  w.EndObject();
  EXPECT_EQ(w.str(),
            "{\"width\": 200, \"count\": -1, \"dtype\": \"uint8\", \"block_shape\": [128, 128], "
            "\"crs_epsg\": null, \"transform\": [10.0, 0.0, 583020.0], \"empty\": [], "
            "\"obj\": {\"a\": true, \"b\": false}, \"nested\": [[1], {}]}");
  EXPECT_TRUE(nlohmann::json::accept(w.str()));
}

TEST(CliJsonTest, NonFiniteDoubles) {
  JsonWriter w;
  w.BeginArray()
      .Double(std::nan(""))
      .Double(INFINITY)
      .DoubleOrString(std::nan(""))
      .DoubleOrString(INFINITY)
      .DoubleOrString(-INFINITY)
      .DoubleOrString(-9999.0)
      .UInt(18446744073709551615ull)
      .EndArray();
  EXPECT_EQ(w.str(), "[null, null, \"nan\", \"inf\", \"-inf\", -9999.0, 18446744073709551615]");
  auto parsed = nlohmann::json::parse(w.str());
  EXPECT_TRUE(parsed[0].is_null());
  EXPECT_EQ(parsed[2], "nan");
  EXPECT_EQ(parsed[5].get<double>(), -9999.0);
}

TEST(CliJsonTest, DoublesParseBackBitExact) {
  const double values[] = {583020.0, 0.1, 1e-300, -3.3999999521443642e+38, 4507980.0};
  JsonWriter w;
  w.BeginArray();
  for (double v : values) w.Double(v);
  w.EndArray();
  EXPECT_EQ(w.str(), "[583020.0, 0.1, 1e-300, -3.3999999521443642e+38, 4507980.0]");
  auto parsed = nlohmann::json::parse(w.str());
  for (size_t i = 0; i < std::size(values); ++i) {
    EXPECT_EQ(parsed[i].get<double>(), values[i]);
    EXPECT_TRUE(parsed[i].is_number_float());
  }
}

}  // namespace
}  // namespace cogr::cli
