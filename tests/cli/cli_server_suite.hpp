// The base of the CLI suites that run `cogr` against nginx on 127.0.0.1: a scratch directory
// per test (CliFixture), one server per suite (ServerSuite), and no persisted header cache.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>

#include "cli/cli_run_util.hpp"
#include "io/server_suite.hpp"
#include "io/test_servers.hpp"

namespace cogr::test {

/// `class CliRemote : public test::CliNginxSuite<CliRemote> { ... };`. A derived SetUp calls
/// this one first and returns if IsSkipped() or HasFatalFailure().
template <class Derived>
class CliNginxSuite : public ServerSuite<Derived, NginxServer, CliFixture> {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    if (!HaveHttp()) GTEST_SKIP() << "cogr was built without libcurl";
    ASSERT_TRUE(this->ServerStarted()) << this->StartError();
    ::unsetenv("COGR_HEADER_CACHE_DIR");
  }
};

}  // namespace cogr::test
