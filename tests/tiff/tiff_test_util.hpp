// Helpers for the tiff tests: open a byte buffer through tiff::Open with a counting fetch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cogr/tiff.hpp"
#include "test_util.hpp"

namespace cogr::test {

/// A fetch over `bytes` that records every range asked for; out-of-file ranges fail loudly.
struct MemoryFetch {
  std::vector<uint8_t> bytes;
  std::vector<ByteRange> requests;

  tiff::FetchFn Fn() {
    return [this](ByteRange r) -> Result<std::vector<uint8_t>> {
      requests.push_back(r);
      if (r.offset > bytes.size() || r.length > bytes.size() - r.offset) {
        return Status::IoError("test fetch outside the file: [" + std::to_string(r.offset) + ", " +
                               std::to_string(r.end()) + ")");
      }
      return std::vector<uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(r.offset),
                                  bytes.begin() + static_cast<std::ptrdiff_t>(r.end()));
    };
  }
};

inline Result<tiff::TiffFile> OpenBytes(const std::vector<uint8_t>& bytes,
                                        const Limits& limits = Limits(),
                                        uint64_t initial_read_bytes = 64 * 1024) {
  MemoryFetch fetch{bytes, {}};
  return tiff::Open(fetch.Fn(), bytes.size(), limits, initial_read_bytes);
}

inline Result<tiff::TiffFile> OpenData(const std::string& name, const Limits& limits = Limits(),
                                       uint64_t initial_read_bytes = 64 * 1024) {
  return OpenBytes(ReadFileBytes(DataPath(name)), limits, initial_read_bytes);
}

}  // namespace cogr::test
