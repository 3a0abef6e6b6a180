// GeoKeyDirectory (tag 34735) → keys with their SHORT, DOUBLE or ASCII values.
#include <string>

#include "cogr/tiff.hpp"
#include "util/checked.hpp"

namespace cogr::tiff {

Result<std::map<uint16_t, GeoKeyValue>> ParseGeoKeys(const Ifd& ifd) {
  std::map<uint16_t, GeoKeyValue> keys;
  const std::vector<uint16_t>& dir = ifd.geokey_directory();
  if (dir.empty()) return keys;
  const std::string where = "IFD at offset " + std::to_string(ifd.offset()) + ": GeoKeyDirectory";
  if (dir.size() < 4) {
    return Status::InvalidFile(where + " has " + std::to_string(dir.size()) +
                               " values, the header alone needs 4");
  }
  const uint64_t count = dir[3];
  if (4 + 4 * count > dir.size()) {
    return Status::InvalidFile(where + " declares " + std::to_string(count) + " keys (" +
                               std::to_string(4 + 4 * count) + " values) but has " +
                               std::to_string(dir.size()) + " values");
  }
  for (uint64_t i = 0; i < count; ++i) {
    const uint16_t* k = dir.data() + 4 + 4 * i;
    const uint16_t key = k[0], location = k[1], n = k[2], value = k[3];
    if (keys.count(key)) continue;  // first of duplicates wins
    const std::string what = where + " key " + std::to_string(key);
    switch (location) {
      case 0: keys.emplace(key, value); break;
      case static_cast<uint16_t>(TagCode::kGeoKeyDirectory):
        // Values stored inside the directory itself (rare); the variant holds one SHORT.
        if (n == 0 || !internal::RangeInside(value, n, dir.size())) {
          return Status::InvalidFile(what + ": SHORT values [" + std::to_string(value) + ", " +
                                     std::to_string(value + n) + ") outside the directory (" +
                                     std::to_string(dir.size()) + " values)");
        }
        keys.emplace(key, dir[value]);
        break;
      case static_cast<uint16_t>(TagCode::kGeoDoubleParams): {
        const auto& params = ifd.geo_double_params();
        if (!internal::RangeInside(value, n, params.size())) {
          return Status::InvalidFile(what + ": doubles [" + std::to_string(value) + ", " +
                                     std::to_string(value + n) + ") outside GeoDoubleParams (" +
                                     std::to_string(params.size()) + " values)");
        }
        keys.emplace(key, std::vector<double>(params.begin() + value, params.begin() + value + n));
        break;
      }
      case static_cast<uint16_t>(TagCode::kGeoAsciiParams): {
        const std::string& params = ifd.geo_ascii_params();
        // The writer's NUL terminator was stripped from geo_ascii_params; allow a reference to
        // it (count reaching one past the end) as libgeotiff does.
        if (!internal::RangeInside(value, n, params.size() + 1)) {
          return Status::InvalidFile(what + ": ASCII [" + std::to_string(value) + ", " +
                                     std::to_string(value + n) + ") outside GeoAsciiParams (" +
                                     std::to_string(params.size()) + " chars)");
        }
        std::string s = value < params.size() ? params.substr(value, n) : std::string();
        if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
        // '|' ends each string; writers (GDAL among them) sometimes leave two.
        while (!s.empty() && s.back() == '|') s.pop_back();
        keys.emplace(key, std::move(s));
        break;
      }
      default: break;  // values in a tag we do not know: libgeotiff skips such keys too
    }
  }
  return keys;
}

}  // namespace cogr::tiff
