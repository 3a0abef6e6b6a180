// read::resample — the kernels (GDAL 3.6's convolution, average, mode and the warper's order
// statistics) run on one chunk of one band in the work type; the chunk driver feeds them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "cogr/dataset.hpp"

namespace cogr::internal::resample {

// Kernels. Coordinates are in GDAL's kernel frame: output pixel i covers source
// [delta + i * ratio, delta + (i + 1) * ratio); the chunk holds source columns
// [chunk_x_off, chunk_x_off + chunk_x_size) (rows likewise), row-major.

struct KernelGeom {
  double ratio_x = 1, ratio_y = 1, delta_x = 0, delta_y = 0;
  int64_t chunk_x_off = 0, chunk_x_size = 0, chunk_y_off = 0, chunk_y_size = 0;
  int64_t dst_x1 = 0, dst_x2 = 0, dst_y1 = 0, dst_y2 = 0;
  int64_t dst_width() const { return dst_x2 - dst_x1; }
  int64_t dst_height() const { return dst_y2 - dst_y1; }
};

using FilterFn = double (*)(double);

/// Bilinear (triangle) weight of a source pixel at distance `x`.
double BilinearWeight(double x);
/// Keys' cubic convolution with a = -0.5 (Catmull-Rom), as GDAL's GWKCubic.
double CubicWeight(double x);

struct ConvParams {
  int radius = 1;
  FilterFn filter = BilinearWeight;
  bool negative_weights = false;
  bool has_nodata = false;
  float nodata = 0;
  DataType dst_type = DataType::kFloat32;  // GDAL type of the output band
  float max_val = 0;                       // NBITS clamp for cubic, 0 = none
};

using ColorTable = std::vector<std::array<uint8_t, 4>>;

/// GDALResampleChunk32R_ConvolutionT: separable filter, horizontal pass into doubles, vertical
/// pass into floats; with a mask, weights of invalid pixels drop out and a pixel with no valid
/// weight is nodata. Kernels with negative lobes also need half of their support valid.
/// Instantiated for T = uint8_t, uint16_t, float (GDAL's work types).
template <class T>
void Convolve(const KernelGeom& g, const T* chunk, const uint8_t* mask, const ConvParams& p,
              std::vector<float>& out);

/// GDALResampleChunk32R_AverageT: average of the source pixels the output pixel covers, pixels
/// on the edges weighted by the part they cover; invalid pixels (mask 0) do not count.
/// Instantiated for T = uint8_t, uint16_t, float.
template <class T>
void Average(const KernelGeom& g, const T* chunk, const uint8_t* mask, bool has_nodata,
             float nodata, DataType dst_type, const ColorTable* palette, std::vector<float>& out);

/// GDALResampleChunk32R_Mode: the most frequent valid value; on a tie the value that reached the
/// highest count first (scanning rows, then columns). Byte bands (and palettes of at most 256
/// entries) skip nodata by value; the others use the mask.
void Mode(const KernelGeom& g, const float* chunk, const uint8_t* mask, bool byte_band,
          bool has_nodata, float nodata, std::vector<float>& out);

/// min/max/med/q1/q3 (GDAL's warper statistics, not RasterIO methods): over the pixels the
/// output pixel covers, like average/mode; NaN and invalid pixels are skipped.
void OrderStatistic(const KernelGeom& g, const float* chunk, const uint8_t* mask, Resampling method,
                    bool has_nodata, float nodata, std::vector<float>& out);

}  // namespace cogr::internal::resample
