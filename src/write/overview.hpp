// write: internal overviews computed from the full-resolution array.
#pragma once

#include <cstdint>
#include <optional>

#include "cogr/array.hpp"
#include "cogr/status.hpp"
#include "cogr/write.hpp"

namespace cogr::internal {

/// Size of overview `factor` of a `size`-pixel axis: ceil(size / factor), as GDAL's COG
/// driver and gdaladdo compute it.
uint64_t OverviewSize(uint64_t size, int factor);

/// The decimation-`factor` overview of `full` ((bands, h, w), any DataType) with the semantics
/// of write::OverviewResampling. The result's transform is full.transform scaled by
/// (w / ow, h / oh). Work is split over rows with `threads` threads (0 = one).
Result<Array> MakeOverview(const Array& full, int factor, write::OverviewResampling resampling,
                           std::optional<double> nodata, size_t threads = 0);

}  // namespace cogr::internal
