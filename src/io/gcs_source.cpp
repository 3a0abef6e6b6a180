// gs://bucket/object: Google Cloud Storage's XML API over the http source, with an optional
// OAuth2 bearer token (see cloud.hpp).
#include <utility>

#include "io/cloud.hpp"
#include "io/http_source.hpp"

namespace cogr::io::internal {

Result<std::shared_ptr<Source>> OpenGcs(const std::string& uri, const SourceOptions& options) {
  COGR_ASSIGN_OR_RETURN(BucketKey bk, SplitBucketKey(uri, 5, "gs://BUCKET/OBJECT"));
  std::string endpoint = options.gcs.endpoint_url;
  if (endpoint.empty()) endpoint = EnvString("GCS_ENDPOINT_URL");
  if (endpoint.empty()) endpoint = "https://storage.googleapis.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (auto parts = ParseUrl(endpoint); !parts.ok()) {
    return Status::InvalidArgument(uri + ": GCS endpoint: " + parts.status().message());
  }
  const std::string url = endpoint + "/" + bk.bucket + "/" + UriEncode(bk.key, true);
  std::string token = options.gcs.access_token;
  if (token.empty()) token = EnvString("GOOGLE_OAUTH_ACCESS_TOKEN");
  SourceOptions o = options;
  if (!token.empty()) {
    // A header, not a query parameter: tokens must not reach cache keys or messages.
    SignFn user_sign = options.sign;
    o.sign = [token, user_sign](HttpRequest& request) -> Status {
      request.headers.push_back("Authorization: Bearer " + token);
      return user_sign ? user_sign(request) : Status::OK();
    };
  }
  return OpenHttp(url, o, uri);
}

}  // namespace cogr::io::internal
