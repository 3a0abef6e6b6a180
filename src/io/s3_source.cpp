// s3://bucket/key: AWS Signature Version 4 over the http source (see cloud.hpp).
#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "io/cloud.hpp"
#include "io/crypto.hpp"
#include "io/http_source.hpp"
#include "io/stats.hpp"

namespace cogr::io::internal {
namespace {

// SHA-256 of the empty body of a GET.
constexpr const char* kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Trims and collapses runs of spaces, as SigV4's canonical header values need.
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// "a=1&b=2" sorted by name then value, every part already encoded as sent.
std::string CanonicalQuery(const std::string& query) {
  if (query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string item = query.substr(start, amp - start);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      params.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
    }
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

}  // namespace

Status SignSigV4(HttpRequest& request, const std::string& region, const std::string& service,
                 const std::string& access_key_id, const std::string& secret_access_key,
                 const std::string& session_token, const std::string& amz_date) {
  COGR_ASSIGN_OR_RETURN(UrlParts url, ParseUrl(request.url));
  if (amz_date.size() != 16) return Status::InvalidArgument("SigV4: bad date '" + amz_date + "'");
  request.headers.push_back("x-amz-date: " + amz_date);
  request.headers.push_back(std::string("x-amz-content-sha256: ") + kEmptyPayloadSha256);
  if (!session_token.empty()) request.headers.push_back("x-amz-security-token: " + session_token);

  // Headers to sign: host (curl sends it from the URL), range and every x-amz-* header.
  std::vector<std::pair<std::string, std::string>> signed_headers{{"host", url.authority}};
  for (const std::string& line : request.headers) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = Lower(std::string(CanonicalValue(line.substr(0, colon))));
    if (name == "range" || name.rfind("x-amz-", 0) == 0) {
      signed_headers.emplace_back(name, CanonicalValue(std::string_view(line).substr(colon + 1)));
    }
  }
  std::sort(signed_headers.begin(), signed_headers.end());
  std::string canonical_headers, names;
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    // Repeated names are joined with commas, as SigV4 requires.
    if (i > 0 && signed_headers[i].first == signed_headers[i - 1].first) {
      canonical_headers.pop_back();
      canonical_headers += "," + signed_headers[i].second + "\n";
      continue;
    }
    canonical_headers += signed_headers[i].first + ":" + signed_headers[i].second + "\n";
    if (!names.empty()) names += ';';
    names += signed_headers[i].first;
  }
  const std::string canonical_request = request.method + "\n" + url.path + "\n" +
                                        CanonicalQuery(url.query) + "\n" + canonical_headers +
                                        "\n" + names + "\n" + kEmptyPayloadSha256;
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  COGR_ASSIGN_OR_RETURN(std::string request_hash, Sha256(canonical_request));
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + HexLower(request_hash);
  COGR_ASSIGN_OR_RETURN(std::string k_date, HmacSha256("AWS4" + secret_access_key, date));
  COGR_ASSIGN_OR_RETURN(std::string k_region, HmacSha256(k_date, region));
  COGR_ASSIGN_OR_RETURN(std::string k_service, HmacSha256(k_region, service));
  COGR_ASSIGN_OR_RETURN(std::string k_signing, HmacSha256(k_service, "aws4_request"));
  COGR_ASSIGN_OR_RETURN(std::string signature, HmacSha256(k_signing, string_to_sign));
  request.headers.push_back("Authorization: AWS4-HMAC-SHA256 Credential=" + access_key_id + "/" +
                            scope + ", SignedHeaders=" + names +
                            ", Signature=" + HexLower(signature));
  return Status::OK();
}

Result<S3Target> ResolveS3(const std::string& uri, const S3Options& options) {
  COGR_ASSIGN_OR_RETURN(BucketKey bk, SplitBucketKey(uri, 5, "s3://BUCKET/KEY"));
  S3Target t;
  t.region = !options.region.empty() ? options.region : EnvString("AWS_REGION");
  if (t.region.empty()) t.region = EnvString("AWS_DEFAULT_REGION");
  if (t.region.empty()) t.region = "us-east-1";
  std::string endpoint = options.endpoint_url;
  if (endpoint.empty()) endpoint = EnvString("AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = EnvString("AWS_ENDPOINT_URL");
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  bool path_style;
  if (options.path_style) {
    path_style = *options.path_style;
  } else {
    const std::string style = Lower(EnvString("AWS_S3_ADDRESSING_STYLE"));
    if (style == "path") {
      path_style = true;
    } else if (style == "virtual") {
      path_style = false;
    } else {
      // Virtual-hosted names of buckets with dots do not match AWS's TLS certificate.
      path_style = !endpoint.empty() || bk.bucket.find('.') != std::string::npos;
    }
  }
  const std::string key = UriEncode(bk.key, true);
  if (endpoint.empty()) {
    const std::string host = "s3." + t.region + ".amazonaws.com";
    t.url = path_style ? "https://" + host + "/" + bk.bucket + "/" + key
                       : "https://" + bk.bucket + "." + host + "/" + key;
  } else {
    auto parts = ParseUrl(endpoint);
    if (!parts.ok())
      return Status::InvalidArgument(uri + ": S3 endpoint: " + parts.status().message());
    if (path_style) {
      t.url = endpoint + "/" + bk.bucket + "/" + key;
    } else {
      t.url = parts->scheme + "://" + bk.bucket + "." + parts->authority +
              (parts->path == "/" ? "" : parts->path) + "/" + key;
    }
  }
  t.requester_pays = options.requester_pays ? *options.requester_pays
                                            : Lower(EnvString("AWS_REQUEST_PAYER")) == "requester";
  t.sign = !OptionOrEnvFlag(options.no_sign_request, "AWS_NO_SIGN_REQUEST");
  if (t.sign) {
    t.access_key_id =
        !options.access_key_id.empty() ? options.access_key_id : EnvString("AWS_ACCESS_KEY_ID");
    t.secret_access_key = !options.secret_access_key.empty() ? options.secret_access_key
                                                             : EnvString("AWS_SECRET_ACCESS_KEY");
    t.session_token =
        !options.session_token.empty() ? options.session_token : EnvString("AWS_SESSION_TOKEN");
    if (t.access_key_id.empty() || t.secret_access_key.empty()) {
      return Status::InvalidArgument(
          uri +
          ": no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
          "AWS_NO_SIGN_REQUEST=YES for a public bucket)");
    }
    if (!HaveCrypto()) {
      return Status::Unsupported(
          uri + ": signing S3 requests needs OpenSSL, and cogr was built without it");
    }
  }
  return t;
}

namespace {

Result<std::shared_ptr<Source>> OpenS3Target(const std::string& uri, const S3Target& target,
                                             const SourceOptions& options,
                                             std::string* bucket_region, StatsCounters* counters) {
  SourceOptions o = options;
  if (target.requester_pays) o.headers.push_back("x-amz-request-payer: requester");
  SignFn user_sign = options.sign;
  if (target.sign) {
    o.sign = [target, user_sign](HttpRequest& request) -> Status {
      COGR_RETURN_IF_ERROR(SignSigV4(request, target.region, "s3", target.access_key_id,
                                     target.secret_access_key, target.session_token, AmzDateNow()));
      return user_sign ? user_sign(request) : Status::OK();
    };
  }
  return OpenHttp(target.url, o, uri, bucket_region, counters);
}

}  // namespace

Result<std::shared_ptr<Source>> OpenS3(const std::string& uri, const SourceOptions& options) {
  COGR_ASSIGN_OR_RETURN(S3Target target, ResolveS3(uri, options.s3));
  std::string bucket_region;
  StatsCounters counters;  // both attempts' requests end up in the source's stats
  auto opened = OpenS3Target(uri, target, options, &bucket_region, &counters);
  if (opened.ok() || bucket_region.empty() || bucket_region == target.region) return opened;
  // A bucket in another region than the one we signed for (AWS_REGION unset or wrong): S3
  // answers with its region (301 PermanentRedirect, 400 AuthorizationHeaderMalformed, ...).
  // Sign for that region (and, on AWS, use its endpoint) once, as GDAL and the AWS SDKs do.
  SourceOptions redirected = options;
  redirected.s3.region = bucket_region;
  COGR_ASSIGN_OR_RETURN(S3Target moved, ResolveS3(uri, redirected.s3));
  return OpenS3Target(uri, moved, redirected, nullptr, &counters);
}

}  // namespace cogr::io::internal
