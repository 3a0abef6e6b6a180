// read: a read request — the options of a window read (no out_shape) resolved once: level,
// 0-based bands, the window in level pixels and its part inside the image, the destination.
#pragma once

#include <cstdint>
#include <vector>

#include "cogr/dataset.hpp"

namespace cogr::internal {

struct ReadRequest {
  int level_index = 0;     ///< into Dataset::levels()
  std::vector<int> bands;  ///< 0-based
  /// The window in level pixels (may reach outside the image when boundless).
  int64_t col0 = 0, row0 = 0, width = 0, height = 0;
  bool inside = true;  ///< the window lies inside the image
  /// The window clipped to the image (empty when it misses it).
  uint64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  ArrayView dst;    ///< where the samples go (the caller's view or the sized Array)
  double fill = 0;  ///< value of the pixels outside the image (fill, else nodata, else 0)
};

}  // namespace cogr::internal
