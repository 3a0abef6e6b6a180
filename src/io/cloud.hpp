// Cloud object stores over the http source: s3:// (AWS SigV4), gs:// (OAuth bearer token) and
// az:// (Azure Shared Key or SAS). Each resolves its options (SourceOptions fields, else the
// usual environment variables), builds the object's https URL and a SignFn that signs every
// attempt afresh, then opens the URL with OpenHttp under the URI as given (so uri() and error
// messages name "s3://bucket/key", and credentials never appear in a message or cache key).
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cogr/io.hpp"

namespace cogr::io::internal {

/// The environment variable `name`, or "" when unset.
std::string EnvString(const char* name);
/// `value` if set, else whether env `name` is YES/TRUE/ON/1 (case-insensitive).
bool OptionOrEnvFlag(const std::optional<bool>& value, const char* name);
/// RFC 3986 percent-encoding of everything but unreserved characters (and '/' if keep_slash).
std::string UriEncode(std::string_view text, bool keep_slash);

/// "bucket" and "key" of "scheme://bucket/key"; kInvalidArgument naming `uri` when either is
/// empty. `scheme_len` is the length of "scheme://".
struct BucketKey {
  std::string bucket;
  std::string key;
};
Result<BucketKey> SplitBucketKey(const std::string& uri, size_t scheme_len, std::string_view what);

// ---- S3 ----

/// Resolved S3 settings of one object (exposed for tests).
struct S3Target {
  std::string url;  ///< https://bucket.s3.region.amazonaws.com/key, or ENDPOINT/bucket/key
  std::string region;
  std::string access_key_id, secret_access_key, session_token;
  bool sign = true;
  bool requester_pays = false;
};
Result<S3Target> ResolveS3(const std::string& uri, const S3Options& options);

/// Signs `request` (a GET with an empty body) with AWS Signature Version 4 for `service` in
/// `region` at `amz_date` ("YYYYMMDDTHHMMSSZ"): adds x-amz-date, x-amz-content-sha256,
/// x-amz-security-token (when `session_token` is set) and Authorization. Signed headers: host,
/// range and every x-amz-* header. kInvalidArgument for a URL it cannot parse.
Status SignSigV4(HttpRequest& request, const std::string& region, const std::string& service,
                 const std::string& access_key_id, const std::string& secret_access_key,
                 const std::string& session_token, const std::string& amz_date);

Result<std::shared_ptr<Source>> OpenS3(const std::string& uri, const SourceOptions& options);

// ---- Google Cloud Storage ----

Result<std::shared_ptr<Source>> OpenGcs(const std::string& uri, const SourceOptions& options);

// ---- Azure Blob Storage ----

/// Resolved Azure settings of one blob (exposed for tests).
struct AzureTarget {
  std::string url;  ///< ENDPOINT/container/blob, without the SAS token
  std::string account;
  std::string key;  ///< decoded account key (raw bytes); empty = no Shared Key
  std::string sas;  ///< SAS query without '?'; empty = none
  bool anonymous = false;
};
Result<AzureTarget> ResolveAzure(const std::string& uri, const AzureOptions& options);

/// x-ms-version sent with every Azure request.
inline constexpr const char* kAzureApiVersion = "2021-08-06";

/// Signs `request` with Azure Shared Key (Blob service, version 2015-02-21 or later string to
/// sign): adds x-ms-date (`rfc1123_date`) and x-ms-version, then Authorization "SharedKey
/// ACCOUNT:SIGNATURE" over the canonical headers (x-ms-*) and resource (/ACCOUNT/PATH plus the
/// sorted query parameters).
Status SignAzureSharedKey(HttpRequest& request, const std::string& account, const std::string& key,
                          const std::string& rfc1123_date);

Result<std::shared_ptr<Source>> OpenAzure(const std::string& uri, const SourceOptions& options);

/// Current UTC time as "YYYYMMDDTHHMMSSZ" (SigV4) and RFC 1123 ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string AmzDateNow();
std::string Rfc1123Now();

/// Parts of an absolute http(s) URL.
struct UrlParts {
  std::string scheme;     ///< "http" or "https"
  std::string authority;  ///< host[:port], without a default port (the Host header's value)
  std::string path;       ///< "/..." as in the URL (already percent-encoded)
  std::string query;      ///< after '?', without it
};
Result<UrlParts> ParseUrl(const std::string& url);

}  // namespace cogr::io::internal
