// util: the one allocation guard. Public entry points and the places that size a buffer from
// file-derived values run their work through GuardAlloc, so that an allocation the machine
// cannot satisfy is a kLimitExceeded return value, never an exception across the API.
#pragma once

#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "cogr/status.hpp"

namespace cogr::internal {

/// Runs `f` (returning Status or Result<T>) and returns what it returns; a std::bad_alloc
/// becomes kLimitExceeded with the text `message()` (called only then, so building it costs
/// nothing on the normal path), a std::length_error (a size past max_size()) becomes
/// kLimitExceeded "allocation too large".
template <class F, class M>
std::invoke_result_t<F&> GuardAlloc(F&& f, M&& message) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Status::LimitExceeded(std::string(message()));
  } catch (const std::length_error&) {
    return Status::LimitExceeded("allocation too large");
  }
}

}  // namespace cogr::internal
