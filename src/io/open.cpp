// io::Open with options: the scheme dispatch of every source of the io module.
#include <algorithm>
#include <cctype>

#include "cogr/io.hpp"
#include "io/cloud.hpp"
#include "io/curl_api.hpp"
#include "io/http_source.hpp"
#include "io/stats.hpp"

namespace cogr::io {

Result<std::shared_ptr<Source>> Open(const std::string& uri, const SourceOptions& options) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) {
    COGR_ASSIGN_OR_RETURN(auto file, OpenFile(uri));
    return internal::CountingSource(std::move(file));
  }
  std::string scheme = uri.substr(0, scheme_end);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme == "file") {
    COGR_ASSIGN_OR_RETURN(auto file, OpenFile(uri.substr(scheme_end + 3)));
    return internal::CountingSource(std::move(file));
  }
#ifdef COGR_HAVE_CURL
  // libcurl is opened on the first remote URI (io/curl_api.hpp); a local read never loads it.
  if (scheme == "http" || scheme == "https" || scheme == "s3" || scheme == "gs" || scheme == "az") {
    if (Status loaded = ::cogr::internal::LoadCurl(); !loaded.ok()) {
      return Status::Unsupported(uri + ": " + loaded.message());
    }
  }
#endif
  if (scheme == "http" || scheme == "https") return internal::OpenHttp(uri, options);
  if (scheme == "s3") return internal::OpenS3(uri, options);
  if (scheme == "gs") return internal::OpenGcs(uri, options);
  if (scheme == "az") return internal::OpenAzure(uri, options);
  return Status::Unsupported(uri + ": scheme '" + scheme + "://' is not supported (file, http, https, s3, gs, az)");
}

}  // namespace cogr::io
