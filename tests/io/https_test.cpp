// https with HTTP/2 against nginx on 127.0.0.1 with a self-signed certificate made by the
// fixture (openssl): TLS verification through SourceOptions::ca_bundle, and concurrent range
// requests multiplexed on one connection.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <mutex>
#include <set>

#include "cogr/io.hpp"
#include "io/header_cache.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"
#include "test_util.hpp"

namespace cogr::io {
namespace {

constexpr const char* kCog = "io/cog_u8_deflate_256_t32.tif";

class IoHttps : public test::ServerSuite<IoHttps, test::NginxServer> {
 public:
  // nginx with a second, TLS + HTTP/2 server on port2() and a fresh self-signed certificate.
  static std::string StartServer(test::NginxServer& server) {
    if (::access("/usr/bin/openssl", X_OK) != 0) {
      return "openssl (to make a test certificate) is not installed (scripts/install_deps.sh)";
    }
    const std::string dir = server.dir();
    const std::string cmd =
        "/usr/bin/openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
        dir + "/key.pem' -out '" + dir + "/cert.pem' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return "openssl could not make a certificate";
    const std::string tls =
        "  log_format cogr_tls '$request|$server_protocol|$connection|$status';\n"
        "  server {\n"
        "    listen 127.0.0.1:@PORT2@ ssl http2;\n"
        "    ssl_certificate @TMP@/cert.pem;\n"
        "    ssl_certificate_key @TMP@/key.pem;\n"
        "    access_log @TMP@/tls_access.log cogr_tls;\n"
        "    root @ROOT@;\n"
        "  }\n";
    return server.Start("", "", tls) ? "" : server.error();
  }

 protected:
  void SetUp() override {
    if (!test::HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    ASSERT_TRUE(ServerStarted()) << StartError();
    internal::HeaderCache::Global().Clear();
  }
  std::string Url(const std::string& path) {
    return "https://127.0.0.1:" + std::to_string(server_->port2()) + "/" + path +
           "?t=" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  // (protocol, connection) of every logged request for `url`'s target.
  std::vector<std::pair<std::string, std::string>> TlsLog(const std::string& name) {
    test::RawGet(server_->port(),
                 "/__sentinel_tls");  // the plain server logs elsewhere; just a pause
    std::vector<std::pair<std::string, std::string>> out;
    std::ifstream in(server_->dir() + "/tls_access.log");
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("t=" + name + " ") == std::string::npos) continue;
      std::vector<std::string> f;
      size_t start = 0;
      for (size_t p; (p = line.find('|', start)) != std::string::npos; start = p + 1)
        f.push_back(line.substr(start, p - start));
      f.push_back(line.substr(start));
      if (f.size() == 4) out.emplace_back(f[1], f[2]);
    }
    return out;
  }
};

TEST_F(IoHttps, ConcurrentRangesMultiplexOverOneHttp2Connection) {
  const auto local = test::ReadFileBytes(test::DataPath(kCog));
  SourceOptions o;
  o.persisted_header_cache = false;
  o.ca_bundle = server_->dir() + "/cert.pem";
  o.hole_size_limit = 0;
  o.range_size_limit = 1;  // one request per range
  o.max_concurrent_requests = 8;
  auto src = Open(Url(kCog), o);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  std::vector<ByteRange> ranges;
  for (uint64_t off = 33000; off + 1000 <= local.size(); off += 1100) ranges.push_back({off, 1000});
  std::mutex mu;
  size_t seen = 0;
  Status st = (*src)->ReadRanges(
      ranges,
      [&](size_t i, ByteSpan b) {
        EXPECT_EQ(0, std::memcmp(b.data(), local.data() + ranges[i].offset, b.size()));
        std::lock_guard<std::mutex> lock(mu);
        ++seen;
        return Status::OK();
      },
      2);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(seen, ranges.size());
  EXPECT_EQ((*src)->stats().requests, 1 + ranges.size());

  const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::vector<std::pair<std::string, std::string>> log;
  for (int i = 0; i < 100 && log.size() < 1 + ranges.size(); ++i) {
    log = TlsLog(name);
    if (log.size() < 1 + ranges.size()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(log.size(), 1 + ranges.size());
  std::set<std::string> connections;
  for (auto& [protocol, connection] : log) {
    EXPECT_EQ(protocol, "HTTP/2.0");
    connections.insert(connection);
  }
  EXPECT_EQ(connections.size(), 1u);  // the open's connection, reused and multiplexed
}

TEST_F(IoHttps, UntrustedCertificateIsAnErrorNotARetry) {
  SourceOptions o;
  o.persisted_header_cache = false;
  // The system's CA bundle (CURL_CA_BUNDLE or libcurl's default) does not know the test's
  // self-signed certificate.
  auto src = Open(Url(kCog), o);
  ASSERT_FALSE(src.ok());
  EXPECT_NE(src.status().code(), Code::kUnavailable) << src.status().ToString();
  EXPECT_EQ(src.status().message().rfind(Url(kCog) + ": bytes [0, 32768): ", 0), 0u)
      << src.status().message();
}

}  // namespace
}  // namespace cogr::io
