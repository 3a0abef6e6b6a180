// az://container/blob: Azure Blob Storage over the http source, signed with Shared Key or a
// SAS token, or anonymous (see cloud.hpp).
#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "io/cloud.hpp"
#include "io/crypto.hpp"
#include "io/http_source.hpp"

namespace cogr::io::internal {
namespace {

// Azurite's well-known development account (UseDevelopmentStorage=true).
constexpr const char* kDevAccount = "devstoreaccount1";
constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trimmed(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return std::string(v);
}

// "%41" -> "A"; malformed escapes stay as they are.
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct ConnectionString {
  std::string account, key, sas, blob_endpoint, protocol, suffix;
  bool development = false;
};

ConnectionString ParseConnectionString(const std::string& text) {
  ConnectionString c;
  size_t start = 0;
  while (start < text.size()) {
    size_t semi = text.find(';', start);
    if (semi == std::string::npos) semi = text.size();
    const std::string item = text.substr(start, semi - start);
    start = semi + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = Lower(Trimmed(item.substr(0, eq)));
    const std::string value = Trimmed(item.substr(eq + 1));
    if (name == "accountname")
      c.account = value;
    else if (name == "accountkey")
      c.key = value;
    else if (name == "sharedaccesssignature")
      c.sas = value;
    else if (name == "blobendpoint")
      c.blob_endpoint = value;
    else if (name == "defaultendpointsprotocol")
      c.protocol = value;
    else if (name == "endpointsuffix")
      c.suffix = value;
    else if (name == "usedevelopmentstorage")
      c.development = Lower(value) == "true";
  }
  if (c.development) {
    if (c.account.empty()) c.account = kDevAccount;
    if (c.key.empty()) c.key = kDevKey;
    if (c.blob_endpoint.empty()) c.blob_endpoint = "http://127.0.0.1:10000/" + c.account;
  }
  return c;
}

}  // namespace

Status SignAzureSharedKey(HttpRequest& request, const std::string& account, const std::string& key,
                          const std::string& rfc1123_date) {
  COGR_ASSIGN_OR_RETURN(UrlParts url, ParseUrl(request.url));
  request.headers.push_back("x-ms-date: " + rfc1123_date);
  request.headers.push_back(std::string("x-ms-version: ") + kAzureApiVersion);
  // Standard headers of the string to sign, in its order; x-ms-* headers canonicalized.
  static constexpr const char* kStandard[] = {"content-encoding",
                                              "content-language",
                                              "content-length",
                                              "content-md5",
                                              "content-type",
                                              "date",
                                              "if-modified-since",
                                              "if-match",
                                              "if-none-match",
                                              "if-unmodified-since",
                                              "range"};
  std::string standard[std::size(kStandard)];
  std::vector<std::pair<std::string, std::string>> ms;
  for (const std::string& line : request.headers) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = Lower(Trimmed(std::string_view(line).substr(0, colon)));
    const std::string value = Trimmed(std::string_view(line).substr(colon + 1));
    if (name.rfind("x-ms-", 0) == 0) {
      ms.emplace_back(name, value);
      continue;
    }
    for (size_t i = 0; i < std::size(kStandard); ++i) {
      if (name == kStandard[i]) standard[i] = value;
    }
  }
  if (standard[2] == "0") standard[2].clear();  // Content-Length: empty when zero (2015-02-21+)
  std::sort(ms.begin(), ms.end());
  std::string to_sign = request.method + "\n";
  for (const std::string& v : standard) to_sign += v + "\n";
  for (const auto& [name, value] : ms) to_sign += name + ":" + value + "\n";
  to_sign += "/" + account + url.path;
  // Query parameters: lower-case names, decoded values, sorted; repeated names joined by ','.
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (!url.query.empty() && start <= url.query.size()) {
    size_t amp = url.query.find('&', start);
    if (amp == std::string::npos) amp = url.query.size();
    const std::string item = url.query.substr(start, amp - start);
    start = amp + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    params.emplace_back(Lower(PercentDecode(item.substr(0, eq))),
                        eq == std::string::npos ? "" : PercentDecode(item.substr(eq + 1)));
  }
  std::sort(params.begin(), params.end());
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0 && params[i].first == params[i - 1].first) {
      to_sign += "," + params[i].second;
    } else {
      to_sign += "\n" + params[i].first + ":" + params[i].second;
    }
  }
  COGR_ASSIGN_OR_RETURN(std::string mac, HmacSha256(key, to_sign));
  request.headers.push_back("Authorization: SharedKey " + account + ":" + Base64Encode(mac));
  return Status::OK();
}

Result<AzureTarget> ResolveAzure(const std::string& uri, const AzureOptions& options) {
  COGR_ASSIGN_OR_RETURN(BucketKey bk, SplitBucketKey(uri, 5, "az://CONTAINER/BLOB"));
  std::string conn_text = options.connection_string;
  if (conn_text.empty()) conn_text = EnvString("AZURE_STORAGE_CONNECTION_STRING");
  const ConnectionString conn = ParseConnectionString(conn_text);
  auto pick = [](const std::string& option, const std::string& from_conn, const char* env) {
    if (!option.empty()) return option;
    if (!from_conn.empty()) return from_conn;
    return EnvString(env);
  };
  AzureTarget t;
  t.account = pick(options.account, conn.account, "AZURE_STORAGE_ACCOUNT");
  const std::string key_text = pick(options.access_key, conn.key, "AZURE_STORAGE_ACCESS_KEY");
  t.sas = pick(options.sas_token, conn.sas, "AZURE_STORAGE_SAS_TOKEN");
  if (!t.sas.empty() && t.sas.front() == '?') t.sas.erase(0, 1);
  std::string endpoint = options.endpoint_url;
  if (endpoint.empty()) endpoint = EnvString("AZURE_STORAGE_ENDPOINT");
  if (endpoint.empty()) endpoint = conn.blob_endpoint;
  if (endpoint.empty() && !t.account.empty()) {
    const std::string protocol = conn.protocol.empty() ? "https" : Lower(conn.protocol);
    const std::string suffix = conn.suffix.empty() ? "core.windows.net" : conn.suffix;
    endpoint = protocol + "://" + t.account + ".blob." + suffix;
  }
  if (endpoint.empty()) {
    return Status::InvalidArgument(uri +
                                   ": no Azure storage account (set AZURE_STORAGE_ACCOUNT, "
                                   "AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ENDPOINT)");
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (auto parts = ParseUrl(endpoint); !parts.ok()) {
    return Status::InvalidArgument(uri + ": Azure endpoint: " + parts.status().message());
  }
  t.url = endpoint + "/" + UriEncode(bk.bucket, false) + "/" + UriEncode(bk.key, true);
  t.anonymous = OptionOrEnvFlag(options.no_sign_request, "AZURE_NO_SIGN_REQUEST");
  if (t.anonymous) {
    t.sas.clear();
    return t;
  }
  if (t.sas.empty()) {
    if (key_text.empty()) {
      return Status::InvalidArgument(
          uri +
          ": no Azure credentials (set AZURE_STORAGE_ACCESS_KEY, "
          "AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_CONNECTION_STRING, or "
          "AZURE_NO_SIGN_REQUEST=YES for a public container)");
    }
    if (t.account.empty()) {
      return Status::InvalidArgument(
          uri + ": Shared Key signing needs the account name (AZURE_STORAGE_ACCOUNT)");
    }
    auto key = Base64Decode(key_text, "Azure storage account key");
    if (!key.ok()) return key.status().WithContext(uri);
    if (key->empty()) return Status::InvalidArgument(uri + ": Azure storage account key is empty");
    if (!HaveCrypto()) {
      return Status::Unsupported(
          uri + ": Azure Shared Key signing needs OpenSSL, and cogr was built without it");
    }
    t.key = std::move(key).value();
  }
  return t;
}

Result<std::shared_ptr<Source>> OpenAzure(const std::string& uri, const SourceOptions& options) {
  COGR_ASSIGN_OR_RETURN(AzureTarget target, ResolveAzure(uri, options.azure));
  SourceOptions o = options;
  SignFn user_sign = options.sign;
  if (!target.sas.empty()) {
    // A SAS wins over a key (as the Azure SDKs do). It is added per request, so it never
    // reaches the header cache keys or error messages.
    o.sign = [sas = target.sas, user_sign](HttpRequest& request) -> Status {
      request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + sas;
      request.headers.push_back(std::string("x-ms-version: ") + kAzureApiVersion);
      return user_sign ? user_sign(request) : Status::OK();
    };
  } else if (!target.key.empty()) {
    o.sign = [target, user_sign](HttpRequest& request) -> Status {
      COGR_RETURN_IF_ERROR(SignAzureSharedKey(request, target.account, target.key, Rfc1123Now()));
      return user_sign ? user_sign(request) : Status::OK();
    };
  } else {
    o.headers.push_back(std::string("x-ms-version: ") + kAzureApiVersion);
  }
  return OpenHttp(target.url, o, uri);
}

}  // namespace cogr::io::internal
