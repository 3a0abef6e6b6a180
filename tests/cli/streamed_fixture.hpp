// The file of the streamed-output tests (tests/cli/read_inplace_test.cpp,
// tests/cli/remote_streamed_test.cpp): large enough for several strips of `cogr read`.
#pragma once

#include <cstdint>
#include <string>

#include "cogr/array.hpp"
#include "cogr/status.hpp"
#include "cogr/write.hpp"

namespace cogr::test {

/// 2 bands x 3100 x 2600 uint16 (32 MB of noise, which deflate keeps at about that size) in
/// 256² deflate tiles. A strip of `cogr read` is as many block rows as make 8 MiB: 3 (768 rows)
/// for both bands, 6 for one.
inline Array StreamedImage() {
  Array img;
  img.dtype = DataType::kUInt16;
  img.bands = 2;
  img.height = 3100;
  img.width = 2600;
  img.data.resize(img.bands * img.height * img.width * 2);
  uint16_t* p = reinterpret_cast<uint16_t*>(img.data.data());
  for (uint64_t i = 0; i < img.bands * img.height * img.width; ++i)
    p[i] = static_cast<uint16_t>((i * 2654435761u) >> 7);
  return img;
}

/// Writes StreamedImage() to `path`.
inline Status WriteStreamedImage(const std::string& path) {
  const Array img = StreamedImage();
  write::Profile profile;
  profile.width = img.width;
  profile.height = img.height;
  profile.count = 2;
  profile.dtype = DataType::kUInt16;
  profile.blockxsize = 256;
  profile.blockysize = 256;
  profile.compress = write::Compression::kDeflate;
  return write::WriteGeoTiff(path, profile, img);
}

}  // namespace cogr::test
