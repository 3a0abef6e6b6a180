// The one base of the test suites that share a real server on 127.0.0.1 (nginx, the python
// fault server, the s3rver and azurite emulators): started once per suite, stopped after it.
// A server that cannot start FAILS every test of its suite with the reason; it never skips.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "io/test_servers.hpp"

namespace cogr::test {

/// `class IoHttp : public test::ServerSuite<IoHttp, test::NginxServer> { ... };`
/// - `Derived::StartServer(Server&)` (optional, static) starts the server and prepares it (e.g.
///   uploads fixtures); it returns "" or why the server is not usable. The default calls
///   `Server::Start()` and returns `Server::error()` when that fails.
/// - `Derived::SetUp` checks what the build lacks (GTEST_SKIP for "built without libcurl"),
///   then `ASSERT_TRUE(ServerStarted()) << StartError();`.
/// `Base` is the fixture to extend (::testing::Test, test::CliFixture, ...). Statics are per
/// `Derived`, so each suite has its own server.
template <class Derived, class Server, class Base = ::testing::Test>
class ServerSuite : public Base {
 public:
  static void SetUpTestSuite() {
    server_ = new Server();
    start_error_ = Derived::StartServer(*server_);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    start_error_.clear();
  }
  static std::string StartServer(Server& server) {
    if (server.Start()) return "";
    return server.error().empty() ? std::string("the server did not start") : server.error();
  }

 protected:
  static bool ServerStarted() { return server_ != nullptr && start_error_.empty(); }
  static const std::string& StartError() { return start_error_; }

  inline static Server* server_ = nullptr;
  inline static std::string start_error_;
};

}  // namespace cogr::test
