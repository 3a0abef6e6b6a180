// cli: NumPy .npy output of `cogr read`, written so that no partial file is ever left behind.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cogr/dataset.hpp"
#include "cogr/status.hpp"

namespace cogr::cli {

/// The .npy format 1.0 header, magic through the final '\n', exactly as numpy.save (>= 1.24)
/// writes it: "{'descr': D, 'fortran_order': False, 'shape': (..), }", the spare spaces numpy
/// leaves for growing the first axis, then spaces and '\n' so that the data starts at a multiple
/// of 64 bytes. `descr` is the repr of the dtype ("'<u2'", "[('re', '<i2'), ('im', '<i2')]",
/// as DataTypeNpyDescr gives it). kInvalidArgument if the header exceeds 1.0's 65535 bytes.
Result<std::string> NpyHeader(std::string_view descr, std::span<const uint64_t> shape);

/// The array's data as .npy wants it: little-endian. Returns the data unchanged on
/// little-endian hosts; byte-swaps each sample (each part of a complex sample) otherwise.
std::span<const uint8_t> LittleEndianData(const Array& array, std::vector<uint8_t>& scratch);

/// Writes `array` as OUT (shape (bands, height, width), C order, the array's dtype): the bytes go
/// to "OUT.tmp.<pid>" in the same directory, which is renamed over OUT only once it is complete.
/// On any failure the temporary file is removed, OUT is left as it was, and the Status names
/// the path and the system error. A SIGINT/SIGTERM/SIGHUP during the write removes the temporary
/// file too (see InstallTempFileCleanup). Not thread-safe: one write at a time per process.
Status WriteNpyFile(const std::string& path, const Array& array);

/// An .npy file that a read writes in place: "OUT.tmp.<pid>" is created at its final size in
/// OUT's directory, mapped, and given its header; the caller decodes straight into view(),
/// then Commit() renames it over OUT. Unless committed, the temporary file is removed (on
/// error, on destruction, on SIGINT/SIGTERM/SIGHUP as for WriteNpyFile). The bytes are those
/// WriteNpyFile writes for the same array. One at a time per process, like WriteNpyFile.
class NpyOutput {
 public:
  /// False when the file's bytes are not the array's own (complex integers are widened,
  /// big-endian hosts swap): write those with WriteNpyFile.
  static bool InPlace(DataType dtype);
  /// Creates and maps the file for a (bands, height, width) array of `dtype` (InPlace(dtype)).
  /// Errors name the path and the system error; nothing is left behind.
  static Result<std::unique_ptr<NpyOutput>> Create(const std::string& path, DataType dtype, uint64_t bands,
                                                   uint64_t height, uint64_t width);
  /// The data area of the mapped file (C order, contiguous).
  const ArrayView& view() const { return view_; }
  /// Unmaps and closes the file and renames it over OUT.
  Status Commit();
  ~NpyOutput();
  NpyOutput(const NpyOutput&) = delete;
  NpyOutput& operator=(const NpyOutput&) = delete;

 private:
  NpyOutput() = default;
  Status Fail(const std::string& what, int error_number);
  std::string path_, temp_;
  int fd_ = -1;
  void* map_ = nullptr;
  size_t map_bytes_ = 0;
  ArrayView view_;
  bool done_ = false;
};

/// Removes the temporary file of a WriteNpyFile that an exception interrupted (main calls it
/// from its catch handlers). No-op when no write is in progress.
void RemovePendingTempFile();

/// Installs signal handlers that unlink the temporary file of a WriteNpyFile in progress before
/// the process dies of SIGINT, SIGTERM or SIGHUP. Called once by main.
void InstallTempFileCleanup();

}  // namespace cogr::cli
