// write: a return-on-error macro that is safe with temporaries.
#pragma once

#include "cogr/status.hpp"

// COGR_RETURN_IF_ERROR (status.hpp) binds a reference to the Status of its argument; when the
// argument is a temporary (a call returning Status or Result), that reference dangles as soon
// as the initialiser ends. This one copies the Status (a shared pointer, cheap) instead.
#define COGR_WRITE_RETURN_IF_ERROR(expr)                                  \
  do {                                                                    \
    const ::cogr::Status _cogr_write_st = ::cogr::internal::GetStatus(expr); \
    if (!_cogr_write_st.ok()) return _cogr_write_st;                      \
  } while (0)
