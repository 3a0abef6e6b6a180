// read::assemble — copy decoded blocks straight into the caller's array at their place.
#pragma once

#include <cstdint>

#include "cogr/dataset.hpp"
#include "read/plan.hpp"

namespace cogr::internal {

/// Writes `value` cast to `dtype` (numpy-like: NaN → 0 and saturation for integers; complex gets
/// imaginary 0) into `dst`, which holds DataTypeSize(dtype) bytes.
void StoreScalar(DataType dtype, double value, uint8_t* dst);

/// Sets every element of `out` to `value`.
void FillArray(const ArrayView& out, double value);

/// Where the output array sits in image coordinates: out pixel (0, 0) is image (col0, row0).
struct OutputPlace {
  int64_t col0 = 0, row0 = 0;
};

/// Copies job.rect of a decoded block (block_width x job.rows pixels of `samples` samples of
/// `sample_bytes` each, row-major, samples interleaved) into `out` for each job.band_map entry.
/// The caller guarantees decoded.size() covers the block and job.rect lies inside the array.
void AssembleBlock(const BlockJob& job, ByteSpan decoded, uint64_t block_width,
                   uint64_t block_height, uint32_t samples, const ArrayView& out,
                   OutputPlace place);

/// AssembleBlock for a band of `rows` decoded rows starting at row `first_row` of the block
/// (codec::DecodeRows): copies the part of job.rect those rows hold. `rows_data` covers them.
void AssembleRows(const BlockJob& job, ByteSpan rows_data, uint64_t first_row, uint64_t rows,
                  uint64_t block_width, uint64_t block_height, uint32_t samples,
                  const ArrayView& out, OutputPlace place);

/// Fills job.rect of every mapped band with `value` (a sparse block).
void FillBlock(const BlockJob& job, double value, const ArrayView& out, OutputPlace place);

}  // namespace cogr::internal
