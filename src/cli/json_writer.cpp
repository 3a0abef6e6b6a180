#include "json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "cogr/status.hpp"

namespace cogr::cli {

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  // Shortest round-trip digits in scientific form ("-1.2345e+20"); then lay them out as Python's
  // float_repr_style 'short' does, so the output matches what rasterio users see.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  if (ec != std::errc()) return "nan";  // cannot happen: 64 bytes hold any double
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  size_t e_pos = sci.find('e');
  std::string_view mantissa = sci.substr(0, e_pos);
  int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());

  bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.remove_prefix(1);
  std::string digits;  // significant digits without the point, no trailing zeros beyond one
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }

  std::string out = negative ? "-" : "";
  if (exponent >= 16 || exponent < -4) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += exponent < 0 ? "e-" : "e+";
    int abs_exp = exponent < 0 ? -exponent : exponent;
    if (abs_exp < 10) out += '0';
    out += std::to_string(abs_exp);
    return out;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
    return out;
  }
  // Decimal point after digit `exponent`; pad with zeros when the digits run out.
  size_t int_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
    out += ".0";
  } else {
    out.append(digits, 0, int_digits);
    out += '.';
    out.append(digits, int_digits);
  }
  return out;
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (1..4), or 0 if the bytes there are not
// valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF included).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  size_t len;
  uint32_t cp;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    cp = b0 & 0x1fu;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    cp = b0 & 0x0fu;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3fu);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
    return 0;
  }
  return len;
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else if (size_t len = Utf8SequenceLength(s, i); len > 0) {
          out.append(s, i, len);
          i += len;
          continue;
        } else {
          // TIFF ASCII fields are often Latin-1: keep the byte as that code point rather than
          // emit invalid UTF-8, which strict JSON parsers reject.
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  COGR_DCHECK(is_object_.empty() || !is_object_.back());
  if (!has_element_.empty()) {
    if (has_element_.back()) out_ += ", ";
    has_element_.back() = true;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  has_element_.push_back(false);
  is_object_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  COGR_DCHECK(!is_object_.empty() && is_object_.back() && !after_key_);
  out_ += '}';
  has_element_.pop_back();
  is_object_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  has_element_.push_back(false);
  is_object_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  COGR_DCHECK(!is_object_.empty() && !is_object_.back());
  out_ += ']';
  has_element_.pop_back();
  is_object_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  COGR_DCHECK(!is_object_.empty() && is_object_.back() && !after_key_);
  if (has_element_.back()) out_ += ", ";
  has_element_.back() = true;
  out_ += JsonQuote(key);
  out_ += ": ";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  out_ += JsonQuote(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::UInt(uint64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  if (!std::isfinite(value)) return Null();
  BeforeValue();
  out_ += FormatDouble(value);
  return *this;
}

JsonWriter& JsonWriter::DoubleOrString(double value) {
  if (!std::isfinite(value)) return String(FormatDouble(value));
  return Double(value);
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

}  // namespace cogr::cli
