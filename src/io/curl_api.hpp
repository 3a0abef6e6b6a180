// libcurl, opened with dlopen when the first remote URI is opened (util/dynamic_library.hpp).
//
// Include this instead of <curl/curl.h>: it includes the real header (types, CURLOPT_*
// constants, and the declarations the function table is typed from), then defines each
// libcurl function name used by cogr as a macro that calls through the table, so call sites
// are written exactly as against a linked libcurl. Every path that reaches libcurl first gets
// OK from LoadCurl() (io::Open does it for every remote scheme); the table aborts otherwise.
// A function of libcurl's API that is not in COGR_CURL_FUNCTIONS still compiles but fails to
// link (cogr does not link libcurl): add it to the list.
#pragma once

#ifdef COGR_HAVE_CURL

#include <curl/curl.h>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every libcurl function called through the table.
#define COGR_CURL_FUNCTIONS(X) \
  X(curl_global_init)          \
  X(curl_global_cleanup)       \
  X(curl_version)              \
  X(curl_version_info)         \
  X(curl_getdate)              \
  X(curl_free)                 \
  X(curl_easy_escape)          \
  X(curl_easy_unescape)        \
  X(curl_easy_init)            \
  X(curl_easy_cleanup)         \
  X(curl_easy_reset)           \
  X(curl_easy_duphandle)       \
  X(curl_easy_setopt)          \
  X(curl_easy_getinfo)         \
  X(curl_easy_perform)         \
  X(curl_easy_pause)           \
  X(curl_easy_strerror)        \
  X(curl_slist_append)         \
  X(curl_slist_free_all)       \
  X(curl_multi_init)           \
  X(curl_multi_cleanup)        \
  X(curl_multi_setopt)         \
  X(curl_multi_add_handle)     \
  X(curl_multi_remove_handle)  \
  X(curl_multi_perform)        \
  X(curl_multi_info_read)      \
  X(curl_multi_fdset)          \
  X(curl_multi_wait)           \
  X(curl_multi_poll)           \
  X(curl_multi_wakeup)         \
  X(curl_multi_timeout)        \
  X(curl_multi_socket_action)  \
  X(curl_multi_assign)         \
  X(curl_multi_strerror)       \
  X(curl_share_init)           \
  X(curl_share_cleanup)        \
  X(curl_share_setopt)         \
  X(curl_share_strerror)

namespace cogr::internal {

/// libcurl's functions, typed from its header.
struct CurlFunctions {
  COGR_CURL_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads libcurl and resolves CurlFunctions once per process (thread-safe; later calls return
/// the first result). kUnsupported "libcurl.so.4 could not be loaded: <dlerror()>" when the
/// library or one of its functions is missing.
Status LoadCurl();

/// The resolved table. Only after LoadCurl() returned OK: aborts otherwise.
const CurlFunctions& Curl();

}  // namespace cogr::internal

#ifndef COGR_CURL_NO_NAME_MACROS  // defined by the loader, which names the functions itself
// curl.h defines these four as function-like macros (an argument-count check).
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_share_setopt
#undef curl_multi_setopt
#define curl_global_init (::cogr::internal::Curl().curl_global_init)
#define curl_global_cleanup (::cogr::internal::Curl().curl_global_cleanup)
#define curl_version (::cogr::internal::Curl().curl_version)
#define curl_version_info (::cogr::internal::Curl().curl_version_info)
#define curl_getdate (::cogr::internal::Curl().curl_getdate)
#define curl_free (::cogr::internal::Curl().curl_free)
#define curl_easy_escape (::cogr::internal::Curl().curl_easy_escape)
#define curl_easy_unescape (::cogr::internal::Curl().curl_easy_unescape)
#define curl_easy_init (::cogr::internal::Curl().curl_easy_init)
#define curl_easy_cleanup (::cogr::internal::Curl().curl_easy_cleanup)
#define curl_easy_reset (::cogr::internal::Curl().curl_easy_reset)
#define curl_easy_duphandle (::cogr::internal::Curl().curl_easy_duphandle)
#define curl_easy_setopt (::cogr::internal::Curl().curl_easy_setopt)
#define curl_easy_getinfo (::cogr::internal::Curl().curl_easy_getinfo)
#define curl_easy_perform (::cogr::internal::Curl().curl_easy_perform)
#define curl_easy_pause (::cogr::internal::Curl().curl_easy_pause)
#define curl_easy_strerror (::cogr::internal::Curl().curl_easy_strerror)
#define curl_slist_append (::cogr::internal::Curl().curl_slist_append)
#define curl_slist_free_all (::cogr::internal::Curl().curl_slist_free_all)
#define curl_multi_init (::cogr::internal::Curl().curl_multi_init)
#define curl_multi_cleanup (::cogr::internal::Curl().curl_multi_cleanup)
#define curl_multi_setopt (::cogr::internal::Curl().curl_multi_setopt)
#define curl_multi_add_handle (::cogr::internal::Curl().curl_multi_add_handle)
#define curl_multi_remove_handle (::cogr::internal::Curl().curl_multi_remove_handle)
#define curl_multi_perform (::cogr::internal::Curl().curl_multi_perform)
#define curl_multi_info_read (::cogr::internal::Curl().curl_multi_info_read)
#define curl_multi_fdset (::cogr::internal::Curl().curl_multi_fdset)
#define curl_multi_wait (::cogr::internal::Curl().curl_multi_wait)
#define curl_multi_poll (::cogr::internal::Curl().curl_multi_poll)
#define curl_multi_wakeup (::cogr::internal::Curl().curl_multi_wakeup)
#define curl_multi_timeout (::cogr::internal::Curl().curl_multi_timeout)
#define curl_multi_socket_action (::cogr::internal::Curl().curl_multi_socket_action)
#define curl_multi_assign (::cogr::internal::Curl().curl_multi_assign)
#define curl_multi_strerror (::cogr::internal::Curl().curl_multi_strerror)
#define curl_share_init (::cogr::internal::Curl().curl_share_init)
#define curl_share_cleanup (::cogr::internal::Curl().curl_share_cleanup)
#define curl_share_setopt (::cogr::internal::Curl().curl_share_setopt)
#define curl_share_strerror (::cogr::internal::Curl().curl_share_strerror)
#endif  // COGR_CURL_NO_NAME_MACROS

#endif  // COGR_HAVE_CURL
