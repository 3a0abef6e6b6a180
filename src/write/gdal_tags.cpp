#include "write/gdal_tags.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <type_traits>

#include "util/checked.hpp"

namespace cogr::internal {
namespace {

std::string G18(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.18g", v);
  return buf;
}

// CPLSerializeXMLTree's escaping of attribute values and text.
std::string EscapeXml(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

void AppendItem(std::string& xml, const char* name, int band, const char* role,
                const std::string& value) {
  xml += "  <Item name=\"";
  xml += name;
  xml += "\" sample=\"" + std::to_string(band) + "\" role=\"";
  xml += role;
  xml += "\">" + EscapeXml(value) + "</Item>\n";
}

template <class T>
std::vector<uint8_t> Bytes(double value, int parts) {
  std::vector<uint8_t> out(sizeof(T) * static_cast<size_t>(parts), 0);
  const T v = SaturateCast<T>(value);
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

}  // namespace

std::string GdalMetadataXml(const write::Profile& p) {
  std::string items;
  for (int b = 0; b < p.count; ++b) {
    const size_t i = static_cast<size_t>(b);
    const double offset = i < p.offsets.size() ? p.offsets[i] : 0.0;
    const double scale = i < p.scales.size() ? p.scales[i] : 1.0;
    if (offset != 0.0 || scale != 1.0) {
      AppendItem(items, "OFFSET", b, "offset", G18(offset));
      AppendItem(items, "SCALE", b, "scale", G18(scale));
    }
    if (i < p.descriptions.size() && !p.descriptions[i].empty()) {
      AppendItem(items, "DESCRIPTION", b, "description", p.descriptions[i]);
    }
  }
  if (items.empty()) return {};
  return "<GDALMetadata>\n" + items + "</GDALMetadata>\n";
}

std::vector<uint8_t> SampleBytes(DataType dtype, double value) {
  switch (dtype) {
    case DataType::kUInt8: return Bytes<uint8_t>(value, 1);
    case DataType::kInt8: return Bytes<int8_t>(value, 1);
    case DataType::kUInt16: return Bytes<uint16_t>(value, 1);
    case DataType::kInt16: return Bytes<int16_t>(value, 1);
    case DataType::kUInt32: return Bytes<uint32_t>(value, 1);
    case DataType::kInt32: return Bytes<int32_t>(value, 1);
    case DataType::kUInt64: return Bytes<uint64_t>(value, 1);
    case DataType::kInt64: return Bytes<int64_t>(value, 1);
    case DataType::kFloat32: return Bytes<float>(value, 1);
    case DataType::kFloat64: return Bytes<double>(value, 1);
    case DataType::kCInt16: return Bytes<int16_t>(value, 2);
    case DataType::kCInt32: return Bytes<int32_t>(value, 2);
    case DataType::kCFloat32: return Bytes<float>(value, 2);
    case DataType::kCFloat64: return Bytes<double>(value, 2);
    case DataType::kUnknown: break;
  }
  return {};
}

}  // namespace cogr::internal
