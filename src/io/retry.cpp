#include "io/retry.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <random>
#include <string>

#ifdef COGR_HAVE_CURL
#include "io/curl_api.hpp"
#endif

namespace cogr::io::internal {

uint64_t BackoffMs(const RetryOptions& options, uint32_t retry,
                   std::optional<uint64_t> retry_after_ms) {
  const double cap = static_cast<double>(options.max_backoff_ms);
  double base = static_cast<double>(options.initial_backoff_ms);
  for (uint32_t i = 1; i < retry && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  uint64_t delay = static_cast<uint64_t>(std::min(base * jitter(rng), cap));
  if (retry_after_ms) {
    delay = std::max(delay, std::min<uint64_t>(*retry_after_ms, options.max_retry_after_ms));
  }
  return delay;
}

std::optional<uint64_t> ParseRetryAfterMs(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return uint64_t{999999999} * 1000;  // absurd; callers cap it
    return std::stoull(std::string(value)) * 1000;
  }
#ifdef COGR_HAVE_CURL
  if (!::cogr::internal::LoadCurl().ok()) return std::nullopt;  // libcurl parses HTTP-dates
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const time_t now = std::time(nullptr);
  return when <= now ? 0 : static_cast<uint64_t>(when - now) * 1000;
#else
  return std::nullopt;
#endif
}

bool IsTransientHttpStatus(long status) {
  return status == 429 || (status >= 500 && status <= 599);
}

bool IsTransientCurlCode(int curl_code) {
#ifdef COGR_HAVE_CURL
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: return true;
    default: return false;
  }
#else
  (void)curl_code;
  return false;
#endif
}

}  // namespace cogr::io::internal
