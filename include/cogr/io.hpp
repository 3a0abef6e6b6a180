// io: where bytes come from. Knows nothing of TIFF.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr::io {

/// A random-access byte source. One primitive: a positional, const, thread-safe read.
/// Implementations: local file (pread), memory; remote ones come with the remote issue.
class Source {
 public:
  virtual ~Source() = default;

  /// Reads up to out.size() bytes at `offset` into `out`. Returns how many were read:
  /// out.size() unless the object ends first (then fewer; 0 at or past the end).
  /// Thread-safe: may be called concurrently from many threads.
  virtual Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const = 0;

  /// Total size of the object in bytes.
  virtual uint64_t size() const = 0;

  /// The path or URI the source was opened from (used in error messages).
  virtual const std::string& uri() const = 0;

  /// Reads exactly `range`, or fails with kInvalidFile naming the range if the object is
  /// shorter ("needs bytes [a, b) but file has n bytes").
  Result<std::vector<uint8_t>> ReadRange(ByteRange range) const;
};

/// Opens a local file for positional reads. kNotFound if it does not exist.
Result<std::shared_ptr<Source>> OpenFile(const std::string& path);

/// A source over bytes held in memory (tests, fuzzing, embedding).
std::shared_ptr<Source> MemorySource(std::vector<uint8_t> bytes, std::string name = "<memory>");

/// Opens a path or URI. Local paths (and file://) today; http(s)/s3/gs/az give kUnsupported
/// until remote sources land.
Result<std::shared_ptr<Source>> Open(const std::string& uri);

}  // namespace cogr::io
