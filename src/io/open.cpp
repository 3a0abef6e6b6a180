// io::Open with options: the scheme dispatch of every source of the io module.
#include <algorithm>
#include <cctype>

#include "cogr/io.hpp"
#include "io/cloud.hpp"
#include "io/curl_api.hpp"
#include "io/http_source.hpp"
#include "io/known_header.hpp"
#include "io/read_context.hpp"
#include "io/stats.hpp"
#include "util/thread_pool.hpp"

namespace cogr::io {

std::string UriScheme(std::string_view uri) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return "file";
  std::string scheme(uri.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme;
}

Result<std::shared_ptr<Source>> Open(const std::string& uri, const SourceOptions& options) {
  const std::string scheme = UriScheme(uri);
  if (scheme == "file") {
    const auto scheme_end = uri.find("://");
    COGR_ASSIGN_OR_RETURN(
        auto file, OpenFile(scheme_end == std::string::npos ? uri : uri.substr(scheme_end + 3)));
    if (options.known_header)
      return internal::WithKnownHeader(internal::CountingSource(std::move(file)),
                                       options.known_header);
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
  return Status::Unsupported(uri + ": scheme '" + scheme +
                             "://' is not supported (file, http, https, s3, gs, az)");
}

void OpenAsync(const std::string& uri, const SourceOptions& options, IoContext context,
               std::function<void(Result<std::shared_ptr<Source>>)> done) {
  const std::string scheme = UriScheme(uri);
  if (scheme == "http" || scheme == "https") {
    // The probe runs on the I/O loop: no thread waits for it.
    internal::OpenHttpAsync(uri, options, std::string(), std::move(context), nullptr,
                            [done = std::move(done)](Result<std::shared_ptr<Source>> r,
                                                     std::string) { done(std::move(r)); });
    return;
  }
  // Local files open at once; the cloud stores sign and probe through OpenHttp on a pool thread.
  cogr::internal::ThreadPool::Default().Submit(
      [uri, options, context = std::move(context), done = std::move(done)]() mutable {
        Status st = cogr::internal::CheckReadContext(&context);
        if (!st.ok()) {
          done(std::move(st));
          return;
        }
        Result<std::shared_ptr<Source>> r = [&] {
          const cogr::internal::ScopedReadContext scope(&context);
          return Open(uri, options);
        }();
        done(std::move(r));
      });
}

}  // namespace cogr::io
