// cli: a small streaming JSON writer for `cogr info --json`. One line, Python's json.dumps
// separators (", " and ": "), keys in the order they are written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cogr::cli {

/// Python's repr(float): the shortest digits that round-trip, fixed notation when the decimal
/// exponent is in [-4, 16) (always with a '.': 583020.0, 0.1, -0.0), else scientific with a
/// signed exponent of at least two digits (1e-05, 1e+16, -3.3999999521443642e+38).
/// Non-finite values give "nan", "inf", "-inf" (not valid JSON on their own).
std::string FormatDouble(double value);

/// `s` as a JSON string literal with quotes: escapes '"', '\\', and control characters
/// (\b \f \n \r \t, others as \u00XX). Valid UTF-8 passes through unchanged; a byte that is
/// not part of valid UTF-8 is taken as Latin-1 and written as \u00XX, so the output is valid JSON.
std::string JsonQuote(std::string_view s);

/// Builds one JSON value. Calls must nest properly (DCHECKed): Key() before each value inside an
/// object, never inside an array. Not thread-safe.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& UInt(uint64_t value);
  /// FormatDouble for finite values; null for NaN and infinities (JSON has neither).
  JsonWriter& Double(double value);
  /// Like Double, but NaN and infinities become the strings "nan", "inf", "-inf": the form
  /// `nodata` takes in the info contract.
  JsonWriter& DoubleOrString(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  /// The text written so far.
  const std::string& str() const { return out_; }

 private:
  void BeforeValue();

  std::string out_;
  // One entry per open container: true if it already holds an element (a comma is due).
  std::vector<bool> has_element_;
  std::vector<bool> is_object_;
  bool after_key_ = false;
};

}  // namespace cogr::cli
