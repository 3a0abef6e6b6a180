// Process-wide setting for parallel fetch+decode.
#pragma once

#include <cstddef>

#include "cogr/export.hpp"

namespace cogr {

/// Threads a read may use to fetch and decode blocks (including the calling thread).
/// 0 (default) = std::thread::hardware_concurrency(). Thread-safe; applies to reads that start
/// after the call.
COGR_EXPORT void SetThreadCount(size_t threads);
/// The effective value (>= 1).
COGR_EXPORT size_t ThreadCount();

}  // namespace cogr
