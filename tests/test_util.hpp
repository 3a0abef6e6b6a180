// Helpers shared by the tests: test data paths, file bytes, .npy loading.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cogr/types.hpp"

namespace cogr::test {

/// Absolute path of tests/data/<name>, else of tests/data/fixtures/<name> or
/// tests/data/fixtures/expected/<name> (fixtures are stored once).
std::string DataPath(const std::string& name);
/// Whole file as bytes; empty vector if missing (tests then fail on their own assertions).
std::vector<uint8_t> ReadFileBytes(const std::string& path);
std::string ReadFileText(const std::string& path);

/// A loaded .npy array (v1/v2/v3 header, C order).
struct Npy {
  std::string descr;  ///< e.g. "<u2", "|u1", "<f4", "<c8"
  std::vector<uint64_t> shape;
  std::vector<uint8_t> data;  ///< raw bytes as stored
  bool ok = false;
  std::string error;
};
Npy LoadNpy(const std::string& path);
Npy ParseNpy(const std::vector<uint8_t>& bytes);

/// Runs of `ranges` once ranges whose gap is at most `hole` bytes are merged: the requests a
/// coalescing source makes for them.
size_t CoalescedRuns(std::vector<ByteRange> ranges, uint64_t hole);

}  // namespace cogr::test
