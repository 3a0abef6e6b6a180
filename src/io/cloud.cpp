// Shared helpers of the cloud sources (cloud.hpp): environment, URLs, dates.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "io/cloud.hpp"

namespace cogr::io::internal {

std::string EnvString(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool OptionOrEnvFlag(const std::optional<bool>& value, const char* name) {
  if (value) return *value;
  std::string v = EnvString(name);
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return v == "YES" || v == "TRUE" || v == "ON" || v == "1";
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Result<BucketKey> SplitBucketKey(const std::string& uri, size_t scheme_len, std::string_view what) {
  const std::string rest = uri.substr(scheme_len);
  const size_t slash = rest.find('/');
  BucketKey bk;
  if (slash != std::string::npos) {
    bk.bucket = rest.substr(0, slash);
    bk.key = rest.substr(slash + 1);
  } else {
    bk.bucket = rest;
  }
  if (bk.bucket.empty() || bk.key.empty()) {
    return Status::InvalidArgument(uri + ": expected " + std::string(what));
  }
  return bk;
}

namespace {
std::string FormatUtc(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof(buf), format, &tm);
  return std::string(buf, n);
}
}  // namespace

std::string AmzDateNow() { return FormatUtc("%Y%m%dT%H%M%SZ"); }

// strftime's %a and %b follow the locale; RFC 1123 needs the English names.
std::string Rfc1123Now() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

Result<UrlParts> ParseUrl(const std::string& url) {
  UrlParts p;
  const size_t colon = url.find("://");
  if (colon == std::string::npos)
    return Status::InvalidArgument("not an absolute URL: '" + url + "'");
  p.scheme = url.substr(0, colon);
  std::transform(p.scheme.begin(), p.scheme.end(), p.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (p.scheme != "http" && p.scheme != "https") {
    return Status::InvalidArgument("not an http(s) URL: '" + url + "'");
  }
  const size_t start = colon + 3;
  const size_t end = url.find_first_of("/?#", start);
  p.authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (p.authority.empty() || p.authority.find('@') != std::string::npos) {
    return Status::InvalidArgument("URL without a host (or with user info): '" + url + "'");
  }
  std::transform(p.authority.begin(), p.authority.end(), p.authority.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string default_port = p.scheme == "https" ? ":443" : ":80";
  if (p.authority.size() > default_port.size() &&
      p.authority.compare(p.authority.size() - default_port.size(), default_port.size(),
                          default_port) == 0) {
    p.authority.resize(p.authority.size() - default_port.size());
  }
  if (end == std::string::npos) {
    p.path = "/";
    return p;
  }
  std::string rest = url.substr(end);
  if (const size_t hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  const size_t q = rest.find('?');
  p.path = rest.substr(0, q);
  if (p.path.empty()) p.path = "/";
  if (q != std::string::npos) p.query = rest.substr(q + 1);
  return p;
}

}  // namespace cogr::io::internal
