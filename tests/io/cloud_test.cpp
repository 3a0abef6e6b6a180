// s3://, gs:// and az:// sources. Signing is checked three ways: AWS's published SigV4
// example (known answer), an independent SigV4 verifier (tests/servers/fault_server.py
// /sigv4/), and real emulators started on 127.0.0.1 by the fixtures: s3rver (npm; it checks
// access key ids but not V4 signatures) and azurite (npm; it checks Shared Key and SAS
// signatures). Pixels read remotely must equal the local reads; request counts come from
// io_stats().
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "io/cloud.hpp"
#include "io/crypto.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr::io {
namespace {

using cogr::test::DataPath;
using cogr::test::ReadFileBytes;

constexpr const char* kCog =
    "io/cog_u8_deflate_256_t32.tif";  // 256x256, 8x8 tiles of 32x32, 67594 bytes

// Sets environment variables for the scope of a test and restores them after.
class EnvGuard {
 public:
  EnvGuard& Set(const char* name, const std::optional<std::string>& value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
    return *this;
  }
  ~EnvGuard() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

// Clears every variable the cloud sources read.
void ClearCloudEnv(EnvGuard& env) {
  for (const char* name :
       {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
        "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_S3_ADDRESSING_STYLE",
        "AWS_NO_SIGN_REQUEST", "AWS_REQUEST_PAYER", "GCS_ENDPOINT_URL", "GOOGLE_OAUTH_ACCESS_TOKEN",
        "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_ACCESS_KEY", "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ENDPOINT", "AZURE_NO_SIGN_REQUEST",
        "COGR_HEADER_CACHE_DIR"}) {
    env.Set(name, std::nullopt);
  }
}

OpenOptions NoCache() {
  OpenOptions o;
  o.io.memory_header_cache = false;
  o.io.persisted_header_cache = false;
  o.io.retry.max_retries = 0;
  return o;
}

ReadOptions Window3x3() {
  ReadOptions r;
  r.window = geo::Window{40, 72, 80, 80};  // tiles (1..3, 2..4): a 3x3 block run
  return r;
}

std::vector<uint8_t> LocalRead(const std::string& name, const ReadOptions& r) {
  auto ds = Dataset::Open(DataPath(name));
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  if (!ds.ok()) return {};
  auto a = (*ds)->Read(r);
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  if (!a.ok()) return {};
  return std::vector<uint8_t>(a->data.begin(), a->data.end());
}

// Opens `uri`, checks the open cost one request, reads the 3x3-tile window (one more request
// after coalescing) and the whole image, and compares both with the local file.
void ExpectSameAsLocal(const std::string& uri, const OpenOptions& options) {
  auto ds = Dataset::Open(uri, options);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->uri(), uri);
  EXPECT_EQ((*ds)->width(), 256u);
  EXPECT_EQ((*ds)->io_stats().requests, 1u);
  auto window = (*ds)->Read(Window3x3());
  ASSERT_TRUE(window.ok()) << window.status().ToString();
  EXPECT_EQ((*ds)->io_stats().requests, 2u);
  EXPECT_TRUE(window->data == LocalRead(kCog, Window3x3()));
  auto whole = (*ds)->Read();
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_TRUE(whole->data == LocalRead(kCog, ReadOptions{}));
  const IoStats s = (*ds)->io_stats();
  EXPECT_EQ(s.retries, 0u);
  EXPECT_GT(s.bytes_fetched, 0u);
  EXPECT_LE(s.bytes_fetched, 2 * 67594u);
}

// ---- signing: known answers and option resolution (no server) ----

TEST(IoCloudSigning, SigV4MatchesAwsExample) {
  if (!internal::HaveCrypto()) GTEST_SKIP() << "cogr was built without OpenSSL";
  // "Example: GET Object" of AWS's SigV4 documentation (Authenticating Requests: Using the
  // Authorization Header), with its published signature.
  HttpRequest req;
  req.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  req.headers = {"Range: bytes=0-9"};
  ASSERT_TRUE(internal::SignSigV4(req, "us-east-1", "s3", "AKIAIOSFODNN7EXAMPLE",
                                  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "",
                                  "20130524T000000Z")
                  .ok());
  ASSERT_FALSE(req.headers.empty());
  EXPECT_EQ(
      req.headers.back(),
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(IoCloudSigning, Base64RoundTrip) {
  EXPECT_EQ(internal::Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(internal::Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(internal::Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(*internal::Base64Decode("Zm9vYg==", "key"), "foob");
  EXPECT_EQ(internal::Base64Decode("Zm9v!g==", "key").status().message(),
            "key: not valid base64 (character '!')");
}

TEST(IoCloudSigning, ResolveS3Addressing) {
  EnvGuard env;
  ClearCloudEnv(env);
  S3Options o;
  o.no_sign_request = true;
  auto t = internal::ResolveS3("s3://my-bucket/a b/c.tif", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->url, "https://my-bucket.s3.us-east-1.amazonaws.com/a%20b/c.tif");
  EXPECT_FALSE(t->sign);
  env.Set("AWS_REGION", "eu-west-3");
  t = internal::ResolveS3("s3://with.dots/k", o);
  EXPECT_EQ(t->url, "https://s3.eu-west-3.amazonaws.com/with.dots/k");
  env.Set("AWS_ENDPOINT_URL", "http://127.0.0.1:9000/");
  t = internal::ResolveS3("s3://b/k.tif", o);
  EXPECT_EQ(t->url, "http://127.0.0.1:9000/b/k.tif");
  env.Set("AWS_S3_ADDRESSING_STYLE", "virtual");
  t = internal::ResolveS3("s3://b/k.tif", o);
  EXPECT_EQ(t->url, "http://b.127.0.0.1:9000/k.tif");
  o.path_style = true;
  o.endpoint_url = "https://minio.example:9443";
  t = internal::ResolveS3("s3://b/k.tif", o);
  EXPECT_EQ(t->url, "https://minio.example:9443/b/k.tif");
  EXPECT_EQ(internal::ResolveS3("s3://bucket-only", o).status().message(),
            "s3://bucket-only: expected s3://BUCKET/KEY");

  // Signing is the default and needs credentials.
  S3Options signed_options;
  EXPECT_EQ(internal::ResolveS3("s3://b/k", signed_options).status().message(),
            "s3://b/k: no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
            "AWS_NO_SIGN_REQUEST=YES for a public bucket)");
  env.Set("AWS_ACCESS_KEY_ID", "AK")
      .Set("AWS_SECRET_ACCESS_KEY", "SK")
      .Set("AWS_REQUEST_PAYER", "requester");
  t = internal::ResolveS3("s3://b/k", signed_options);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->sign);
  EXPECT_TRUE(t->requester_pays);
  EXPECT_EQ(t->region, "eu-west-3");
  env.Set("AWS_NO_SIGN_REQUEST", "YES");
  EXPECT_FALSE(internal::ResolveS3("s3://b/k", signed_options)->sign);
}

TEST(IoCloudSigning, ResolveAzure) {
  EnvGuard env;
  ClearCloudEnv(env);
  AzureOptions o;
  EXPECT_EQ(
      internal::ResolveAzure("az://c/b.tif", o).status().message(),
      "az://c/b.tif: no Azure storage account (set AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_CONNECTION_STRING or "
      "AZURE_STORAGE_ENDPOINT)");
  env.Set("AZURE_STORAGE_ACCOUNT", "acct");
  EXPECT_EQ(
      internal::ResolveAzure("az://c/b.tif", o).status().message(),
      "az://c/b.tif: no Azure credentials (set AZURE_STORAGE_ACCESS_KEY, AZURE_STORAGE_SAS_TOKEN or "
      "AZURE_STORAGE_CONNECTION_STRING, or AZURE_NO_SIGN_REQUEST=YES for a public container)");
  env.Set("AZURE_STORAGE_SAS_TOKEN", "?sv=2019-02-02&sig=abc");
  auto t = internal::ResolveAzure("az://c/dir/b 1.tif", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->url, "https://acct.blob.core.windows.net/c/dir/b%201.tif");
  EXPECT_EQ(t->sas, "sv=2019-02-02&sig=abc");
  o.connection_string =
      "DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/dev;";
  o.sas_token = "";
  env.Set("AZURE_STORAGE_SAS_TOKEN", std::nullopt);
  t = internal::ResolveAzure("az://c/b.tif", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->url, "http://127.0.0.1:10000/dev/c/b.tif");
  EXPECT_EQ(t->account, "dev");
  EXPECT_EQ(t->key, "key");
  o.access_key = "not base64!";
  EXPECT_EQ(internal::ResolveAzure("az://c/b.tif", o).status().message(),
            "az://c/b.tif: Azure storage account key: not valid base64 (character ' ')");
}

TEST(IoCloudSigning, UnknownSchemeIsUnsupported) {
  auto s = Open("ftp://host/x.tif", SourceOptions{});
  EXPECT_EQ(s.status().code(), Code::kUnsupported);
  EXPECT_EQ(s.status().message(),
            "ftp://host/x.tif: scheme 'ftp://' is not supported (file, http, https, s3, gs, az)");
}

// ---- S3 SigV4, verified independently (fault_server.py /sigv4/) ----

class IoS3SigV4 : public test::ServerSuite<IoS3SigV4, test::FaultServer> {
 protected:
  void SetUp() override {
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    if (!internal::HaveCrypto()) GTEST_SKIP() << "cogr was built without OpenSSL";
    ASSERT_TRUE(ServerStarted()) << StartError();
    ClearCloudEnv(env_);
  }
  // Bucket "io" of the endpoint is tests/data/io.
  static OpenOptions Options(const std::string& mode) {
    OpenOptions o = NoCache();
    o.io.s3.endpoint_url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/" + mode;
    o.io.s3.access_key_id = "AKIDCOGRTEST";
    o.io.s3.secret_access_key = "cogr/test+secret/KEY";
    o.io.s3.region = "eu-central-1";
    return o;
  }
  static std::string LastHeaders(const std::string& target) {
    const std::string reply =
        test::RawGet(server_->port(), "/__headers?target=" + internal::UriEncode(target, false));
    return reply;
  }

  EnvGuard env_;
};

TEST_F(IoS3SigV4, SignedReadsMatchLocal) {
  OpenOptions o = Options("sigv4");
  o.io.s3.session_token = "session/token+1";
  ExpectSameAsLocal("s3://io/cog_u8_deflate_256_t32.tif", o);
  // The session token was sent (and signed: the verifier checks every signed header).
  const std::string headers = LastHeaders("/sigv4/io/cog_u8_deflate_256_t32.tif");
  EXPECT_NE(headers.find("x-amz-security-token: session/token+1"), std::string::npos) << headers;
  EXPECT_NE(
      headers.find("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token"),
      std::string::npos)
      << headers;
}

TEST_F(IoS3SigV4, CredentialsFromEnvironment) {
  OpenOptions o = NoCache();
  env_.Set("AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(server_->port()) + "/sigv4")
      .Set("AWS_ACCESS_KEY_ID", "AKIDCOGRTEST")
      .Set("AWS_SECRET_ACCESS_KEY", "cogr/test+secret/KEY");
  ExpectSameAsLocal("s3://io/cog_u8_deflate_256_t32.tif", o);
}

TEST_F(IoS3SigV4, BucketInAnotherRegionIsSignedForItsRegion) {
  // Options() signs for eu-central-1; the bucket is in eu-west-3. The first answer names the
  // region; the open signs again for it (one more request, counted), and reads stay on it.
  OpenOptions o = Options("sigv4region/eu-west-3");
  auto ds = Dataset::Open("s3://io/cog_u8_deflate_256_t32.tif", o);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->io_stats().requests, 2u) << "the wrong-region answer, then the open";
  auto whole = (*ds)->Read();
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_TRUE(whole->data == LocalRead(kCog, ReadOptions{}));
  const std::string headers = LastHeaders("/sigv4region/eu-west-3/io/cog_u8_deflate_256_t32.tif");
  EXPECT_NE(headers.find("/eu-west-3/s3/aws4_request"), std::string::npos) << headers;
}

TEST_F(IoS3SigV4, WrongRegionErrorsNameTheBucketsRegion) {
  // With a wrong secret too, the retry for the named region fails; without the retry (a
  // plain http URL) the error says where the bucket is.
  OpenOptions o = Options("sigv4region/eu-west-3");
  o.io.s3.secret_access_key = "wrong";
  auto ds = Dataset::Open("s3://io/cog_u8_deflate_256_t32.tif", o);
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("SignatureDoesNotMatch"), std::string::npos)
      << ds.status().ToString();
  const std::string url = "http://127.0.0.1:" + std::to_string(server_->port()) +
                          "/sigv4region/eu-west-3/io/cog_u8_deflate_256_t32.tif";
  auto plain = Dataset::Open(url, NoCache());
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(
      plain.status().message(),
      url +
          ": bytes [0, 32768): unexpected HTTP 400 [AuthorizationHeaderMalformed: The authorization header is malformed; the "
          "region '' is wrong; expecting 'eu-west-3'] (the bucket is in region eu-west-3)");
}

TEST_F(IoS3SigV4, WrongSecretIs403) {
  OpenOptions o = Options("sigv4");
  o.io.s3.secret_access_key = "wrong";
  auto ds = Dataset::Open("s3://io/cog_u8_deflate_256_t32.tif", o);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kIoError);
  EXPECT_EQ(
      ds.status().message(),
      "s3://io/cog_u8_deflate_256_t32.tif: access denied (HTTP 403 (forbidden)) [SignatureDoesNotMatch: The "
      "request signature we calculated does not match the signature you provided.]");
}

TEST_F(IoS3SigV4, UnsignedRequestToPrivateBucketFails) {
  OpenOptions o = Options("sigv4");
  o.io.s3.no_sign_request = true;
  auto ds = Dataset::Open("s3://io/cog_u8_deflate_256_t32.tif", o);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(
      ds.status().message(),
      "s3://io/cog_u8_deflate_256_t32.tif: access denied (HTTP 403 (forbidden)) [AccessDenied: Access Denied]");
}

TEST_F(IoS3SigV4, RequesterPays) {
  OpenOptions o = Options("sigv4rp");
  auto denied = Dataset::Open("s3://io/cog_u8_deflate_256_t32.tif", o);
  ASSERT_FALSE(denied.ok());
  EXPECT_NE(denied.status().message().find("403"), std::string::npos) << denied.status().message();
  EXPECT_NE(denied.status().message().find("requester pays"), std::string::npos)
      << denied.status().message();
  env_.Set("AWS_REQUEST_PAYER", "requester");
  ExpectSameAsLocal("s3://io/cog_u8_deflate_256_t32.tif", o);
}

// ---- S3 against s3rver (npm) ----

class IoS3rver : public test::ServerSuite<IoS3rver, test::NodeServer> {
 public:
  static std::string StartServer(test::NodeServer& server) {
    if (!test::StartS3rver(server, "cogr")) return server.error();
    // s3rver accepts anonymous writes: upload the fixtures with plain PUTs.
    for (const auto& [key, file] :
         {std::pair<std::string, std::string>{"cog.tif", kCog},
          std::pair<std::string, std::string>{"dir/with space.tif", kCog}}) {
      const std::vector<uint8_t> bytes = ReadFileBytes(DataPath(file));
      auto r =
          test::RawRequest(server.port(), "PUT", "/cogr/" + internal::UriEncode(key, true),
                           {"Content-Type: image/tiff"}, std::string(bytes.begin(), bytes.end()));
      if (r.status != 200)
        return "s3rver PUT " + key + ": HTTP " + std::to_string(r.status) + " " + r.body;
    }
    return "";
  }

 protected:
  void SetUp() override {
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    if (!internal::HaveCrypto()) GTEST_SKIP() << "cogr was built without OpenSSL";
    ASSERT_TRUE(ServerStarted()) << StartError();
    ClearCloudEnv(env_);
  }
  static OpenOptions Options() {
    OpenOptions o = NoCache();
    o.io.s3.endpoint_url = server_->Endpoint();
    o.io.s3.access_key_id = "S3RVER";
    o.io.s3.secret_access_key = "S3RVER";
    return o;
  }

  EnvGuard env_;
};

TEST_F(IoS3rver, ReadsMatchLocal) {
  ExpectSameAsLocal("s3://cogr/cog.tif", Options());
  ExpectSameAsLocal("s3://cogr/dir/with space.tif", Options());
}

TEST_F(IoS3rver, EnvironmentAndRequesterPays) {
  env_.Set("AWS_ENDPOINT_URL", server_->Endpoint())
      .Set("AWS_ACCESS_KEY_ID", "S3RVER")
      .Set("AWS_SECRET_ACCESS_KEY", "S3RVER")
      .Set("AWS_REGION", "us-west-2")
      .Set("AWS_REQUEST_PAYER", "requester");
  ExpectSameAsLocal("s3://cogr/cog.tif", NoCache());
}

TEST_F(IoS3rver, UnknownAccessKeyIs403AndMissingKeyIs404) {
  OpenOptions o = Options();
  o.io.s3.access_key_id = "NOBODY";
  auto ds = Dataset::Open("s3://cogr/cog.tif", o);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kIoError);
  EXPECT_EQ(
      ds.status().message(),
      "s3://cogr/cog.tif: access denied (HTTP 403 (forbidden)) [InvalidAccessKeyId: The AWS Access Key Id you "
      "provided does not exist in our records.]");
  auto missing = Dataset::Open("s3://cogr/nope.tif", Options());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(
      missing.status().message(),
      "s3://cogr/nope.tif: HTTP 404 (not found) [NoSuchKey: The specified key does not exist.]");
}

// ---- GCS: bearer token (fault_server.py /bearer/TOKEN/ checks it) ----

TEST(IoGcs, BearerTokenIsSent) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
  test::FaultServer server;
  ASSERT_TRUE(server.Start()) << server.error();
  EnvGuard env;
  ClearCloudEnv(env);
  OpenOptions o = NoCache();
  o.io.gcs.endpoint_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/bearer/tok-123";
  auto anonymous = Dataset::Open("gs://io/cog_u8_deflate_256_t32.tif", o);
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(
      anonymous.status().message(),
      "gs://io/cog_u8_deflate_256_t32.tif: access denied (HTTP 401 (unauthorized)) [AuthenticationRequired: "
      "Anonymous caller does not have storage.objects.get access.]");
  o.io.gcs.access_token = "tok-123";
  ExpectSameAsLocal("gs://io/cog_u8_deflate_256_t32.tif", o);
  // The same through the environment.
  o.io.gcs = {};
  env.Set("GCS_ENDPOINT_URL",
          "http://127.0.0.1:" + std::to_string(server.port()) + "/bearer/tok-456")
      .Set("GOOGLE_OAUTH_ACCESS_TOKEN", "tok-456");
  ExpectSameAsLocal("gs://io/cog_u8_deflate_256_t32.tif", o);
}

// ---- Azure against azurite (npm) ----

constexpr const char* kDevAccount = "devstoreaccount1";
constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// An account SAS (version 2019-02-02: blob service, all resource types, read+list).
std::string AccountSas(const std::string& key_b64, const std::string& expiry) {
  const std::string key = *internal::Base64Decode(key_b64, "key");
  const std::string to_sign =
      std::string(kDevAccount) + "\nrl\nb\nsco\n\n" + expiry + "\n\n\n2019-02-02\n";
  const std::string sig = internal::Base64Encode(*internal::HmacSha256(key, to_sign));
  return "sv=2019-02-02&ss=b&srt=sco&sp=rl&se=" + internal::UriEncode(expiry, false) +
         "&sig=" + internal::UriEncode(sig, false);
}

class IoAzurite : public test::ServerSuite<IoAzurite, test::NodeServer> {
 public:
  static std::string StartServer(test::NodeServer& server) {
    if (!internal::HaveCrypto()) return "";  // the tests skip: nothing to sign with
    if (!test::StartAzurite(server)) return server.error();
    const std::string key = *internal::Base64Decode(kDevKey, "key");
    // Signed with cogr's own Shared Key signer: azurite checking it is part of the test.
    auto signed_request = [&](const std::string& target, std::vector<std::string> headers,
                              const std::string& body) {
      HttpRequest req;
      req.method = "PUT";
      req.url = server.Endpoint() + target;
      req.headers = std::move(headers);
      req.headers.push_back("Content-Length: " + std::to_string(body.size()));
      Status st = internal::SignAzureSharedKey(req, kDevAccount, key, internal::Rfc1123Now());
      if (!st.ok()) return test::RawResponse{};
      req.headers.erase(
          std::remove_if(req.headers.begin(), req.headers.end(),
                         [](const std::string& h) { return h.rfind("Content-Length:", 0) == 0; }),
          req.headers.end());
      return test::RawRequest(server.port(), "PUT", target, req.headers, body);
    };
    auto r = signed_request(std::string("/") + kDevAccount + "/cogr?restype=container", {}, "");
    if (r.status != 201)
      return "azurite create container: HTTP " + std::to_string(r.status) + " " + r.body;
    const std::vector<uint8_t> bytes = ReadFileBytes(DataPath(kCog));
    r = signed_request(std::string("/") + kDevAccount + "/cogr/dir/cog.tif",
                       {"x-ms-blob-type: BlockBlob", "Content-Type: image/tiff"},
                       std::string(bytes.begin(), bytes.end()));
    if (r.status != 201) return "azurite put blob: HTTP " + std::to_string(r.status) + " " + r.body;
    return "";
  }

 protected:
  void SetUp() override {
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    if (!internal::HaveCrypto()) GTEST_SKIP() << "cogr was built without OpenSSL";
    ASSERT_TRUE(ServerStarted()) << StartError();
    ClearCloudEnv(env_);
  }
  static std::string BlobEndpoint() { return server_->Endpoint() + "/" + kDevAccount; }

  EnvGuard env_;
};

TEST_F(IoAzurite, SharedKeyReadsMatchLocal) {
  OpenOptions o = NoCache();
  o.io.azure.account = kDevAccount;
  o.io.azure.access_key = kDevKey;
  o.io.azure.endpoint_url = BlobEndpoint();
  ExpectSameAsLocal("az://cogr/dir/cog.tif", o);
  // The same from a connection string in the environment.
  env_.Set("AZURE_STORAGE_CONNECTION_STRING",
           "DefaultEndpointsProtocol=http;AccountName=" + std::string(kDevAccount) +
               ";AccountKey=" + kDevKey + ";BlobEndpoint=" + BlobEndpoint() + ";");
  ExpectSameAsLocal("az://cogr/dir/cog.tif", NoCache());
}

TEST_F(IoAzurite, SasReadsMatchLocal) {
  env_.Set("AZURE_STORAGE_ACCOUNT", kDevAccount)
      .Set("AZURE_STORAGE_ENDPOINT", BlobEndpoint())
      .Set("AZURE_STORAGE_SAS_TOKEN", "?" + AccountSas(kDevKey, "2099-01-01T00:00:00Z"));
  ExpectSameAsLocal("az://cogr/dir/cog.tif", NoCache());
}

TEST_F(IoAzurite, WrongKeyBadSasAndAnonymousFail) {
  OpenOptions o = NoCache();
  o.io.azure.account = kDevAccount;
  o.io.azure.endpoint_url = BlobEndpoint();
  o.io.azure.access_key = internal::Base64Encode(std::string(64, 'x'));
  auto wrong_key = Dataset::Open("az://cogr/dir/cog.tif", o);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.status().code(), Code::kIoError);
  EXPECT_EQ(wrong_key.status().message().rfind(
                "az://cogr/dir/cog.tif: access denied (HTTP 403 (forbidden)) "
                "[AuthorizationFailure: ",
                0),
            0u)
      << wrong_key.status().message();

  o.io.azure.access_key.clear();
  o.io.azure.sas_token =
      AccountSas(internal::Base64Encode(std::string(64, 'y')), "2099-01-01T00:00:00Z");
  auto bad_sas = Dataset::Open("az://cogr/dir/cog.tif", o);
  ASSERT_FALSE(bad_sas.ok());
  EXPECT_NE(bad_sas.status().message().find("HTTP 403"), std::string::npos)
      << bad_sas.status().message();
  // The SAS never appears in a message.
  EXPECT_EQ(bad_sas.status().message().find("sig="), std::string::npos)
      << bad_sas.status().message();

  o.io.azure.sas_token.clear();
  o.io.azure.no_sign_request = true;
  auto anonymous = Dataset::Open("az://cogr/dir/cog.tif", o);
  ASSERT_FALSE(anonymous.ok());
  EXPECT_NE(anonymous.status().message().find("az://cogr/dir/cog.tif"), std::string::npos);
  EXPECT_EQ(anonymous.status().code(), Code::kIoError);
  EXPECT_EQ(anonymous.status().message().rfind(
                "az://cogr/dir/cog.tif: access denied (HTTP 403 (forbidden))", 0),
            0u)
      << anonymous.status().message();
}

}  // namespace
}  // namespace cogr::io
