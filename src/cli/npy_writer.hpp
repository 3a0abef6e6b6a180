// cli: NumPy .npy output of `cogr read`, written so that no partial file is ever left behind.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cogr/dataset.hpp"
#include "cogr/status.hpp"
#include "output_file.hpp"

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

/// Writes `array` as an .npy file (shape (bands, height, width), C order; complex integers
/// widened to complex64/128 as rasterio returns them) into `out`'s temporary file, which must be
/// empty and open. The caller commits `out`. Errors name out.path() and the system error.
Status WriteNpy(OutputFile& out, const Array& array);

/// WriteNpy to a new OutputFile at `path`, committed: the output appears whole or not at all,
/// with OutputFile's rules (symlinks followed, mode kept, cleanup on error and on signals).
Status WriteNpyFile(const std::string& path, const Array& array);

/// An .npy file that a read writes in place. Create() makes the OutputFile (so a bad path fails
/// before anything is read) and gives view(), the data area, for the decoder to write into;
/// Commit() makes the file complete and renames it over OUT. Unless committed, nothing is left.
///
/// Where the bytes go first depends on the output's file system, by measurement (docs/cli.md,
/// "cogr read" output): on a disk file system the file is sized, mapped and decoded into
/// directly; on tmpfs, where every first write of a mapped page is a costly fault (200 MB: 0.66 s
/// mapped, 0.08 s as transparent huge pages plus one write), the data area is anonymous memory
/// with huge pages, written to the file by Commit().
class NpyOutput {
 public:
  /// False when the file's bytes are not the array's own (complex integers are widened,
  /// big-endian hosts swap): write those with WriteNpy.
  static bool InPlace(DataType dtype);
  /// Creates the output for a (bands, height, width) array of `dtype` (InPlace(dtype)).
  /// `header_shape` (same number of samples, e.g. (T, C, H, W) for T*C bands) is the shape the
  /// .npy header declares; empty = (bands, height, width).
  /// `rows_ok`: the caller can also deliver the data as strips of rows (WriteRows); on tmpfs
  /// the output then takes strips (streamed()), written while the next strip is read, instead of
  /// a view of the whole array. Errors name the path and the system error; nothing is left behind.
  static Result<std::unique_ptr<NpyOutput>> Create(const std::string& path, DataType dtype,
                                                   uint64_t bands, uint64_t height, uint64_t width,
                                                   bool rows_ok = false,
                                                   std::span<const uint64_t> header_shape = {});
  /// The data area (C order, contiguous); empty when streamed().
  const ArrayView& view() const { return view_; }
  /// True when view() is the mapped file itself (false: memory written out by Commit()).
  bool mapped_file() const { return mapped_file_; }
  /// True when the data must come through WriteRows, not view().
  bool streamed() const { return streamed_; }
  /// Writes rows [row0, row0 + strip.height) of every band (strip: bands x rows x width,
  /// contiguous). Streamed outputs only; thread-compatible (one writer at a time).
  Status WriteRows(uint64_t row0, const ArrayView& strip);
  /// Writes or unmaps the data, closes the file and renames it over OUT. A streamed output
  /// fails unless WriteRows covered every row.
  Status Commit();
  ~NpyOutput();
  NpyOutput(const NpyOutput&) = delete;
  NpyOutput& operator=(const NpyOutput&) = delete;

 private:
  NpyOutput() = default;
  Status Fail(Status status);
  std::unique_ptr<OutputFile> file_;
  std::string header_;
  void* map_ = nullptr;  // the mapped file, or the anonymous data area
  size_t map_bytes_ = 0;
  uint8_t* data_ = nullptr;  // start of the data inside map_
  uint64_t data_bytes_ = 0;
  bool mapped_file_ = false;
  bool streamed_ = false;
  uint64_t rows_written_ = 0, bands_ = 0, height_ = 0, row_bytes_ = 0;
  ArrayView view_;
};

}  // namespace cogr::cli
