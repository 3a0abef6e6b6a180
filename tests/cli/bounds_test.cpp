// Unit tests of the command bounds (src/cli/bounds.cpp): --timeout, --max-memory, the
// environment variables and what they set in OpenOptions/ReadOptions.
//
// As args_test.cpp does for args.cpp, this file is the one place bounds.cpp enters cogr_tests.
#include "cli/bounds.cpp"  // NOLINT(bugprone-suspicious-include)

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>

namespace cogr::cli {
namespace {

// Sets (or unsets, for nullptr) an environment variable for the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(CliBounds, ParsesTimeoutSeconds) {
  EXPECT_EQ(*ParseTimeoutSeconds("3"), 3000u);
  EXPECT_EQ(*ParseTimeoutSeconds("2.5"), 2500u);
  EXPECT_EQ(*ParseTimeoutSeconds("0"), 0u);       // no limit
  EXPECT_EQ(*ParseTimeoutSeconds("0.0001"), 1u);  // rounded up, never to "no limit"
  EXPECT_EQ(*ParseTimeoutSeconds("4294967"), 4294967000u);
  for (const char* bad : {"", "-1", "abc", "3s", "nan", "inf", "4294968", "1e300"}) {
    auto r = ParseTimeoutSeconds(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(),
              std::string("expected seconds in [0, 4294967] (0 = no limit), got '") + bad + "'");
  }
}

TEST(CliBounds, ParsesByteSizes) {
  EXPECT_EQ(*ParseByteSize("1"), 1u);
  EXPECT_EQ(*ParseByteSize("1048576"), 1048576u);
  EXPECT_EQ(*ParseByteSize("64K"), 65536u);
  EXPECT_EQ(*ParseByteSize("64k"), 65536u);
  EXPECT_EQ(*ParseByteSize("512M"), 512u << 20);
  EXPECT_EQ(*ParseByteSize("512MiB"), 512u << 20);
  EXPECT_EQ(*ParseByteSize("2G"), 2ull << 30);
  EXPECT_EQ(*ParseByteSize("2gb"), 2ull << 30);
  EXPECT_EQ(*ParseByteSize("3T"), 3ull << 40);
  EXPECT_EQ(*ParseByteSize("16777215T"), 16777215ull << 40);
  for (const char* bad : {"", "0", "0G", "-1", "1.5G", "G", "12Q", "12KK", "12 M", " 1", "1e9"}) {
    auto r = ParseByteSize(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(),
              std::string("expected bytes (an integer >= 1, optionally with K, M, G or T), got '") +
                  bad + "'");
  }
  auto over = ParseByteSize("16777216T");  // 2^64
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(), "'16777216T' is out of range");
  EXPECT_FALSE(ParseByteSize("18446744073709551616").ok());
}

TEST(CliBounds, OptionsAndTheirErrors) {
  CommandBounds b;
  EXPECT_TRUE(IsBoundsOption("--timeout"));
  EXPECT_TRUE(IsBoundsOption("--max-memory"));
  EXPECT_FALSE(IsBoundsOption("--window"));
  ASSERT_TRUE(b.ApplyOption("--timeout", "1.5").ok());
  EXPECT_EQ(b.timeout_ms, 1500u);
  EXPECT_EQ(b.timeout_origin, "--timeout 1.5");
  ASSERT_TRUE(b.ApplyOption("--max-memory", "1G").ok());
  EXPECT_EQ(b.max_memory, 1ull << 30);
  EXPECT_EQ(b.ApplyOption("--timeout", "soon").message(),
            "--timeout: expected seconds in [0, 4294967] (0 = no limit), got 'soon'");
  EXPECT_EQ(
      b.ApplyOption("--max-memory", "lots").message(),
      "--max-memory: expected bytes (an integer >= 1, optionally with K, M, G or T), got 'lots'");
}

TEST(CliBounds, EnvironmentFillsWhatTheFlagsLeftUnset) {
  ScopedEnv t("COGR_TIMEOUT", "7");
  ScopedEnv l("COGR_LOW_SPEED_LIMIT", "2048");
  ScopedEnv s("COGR_LOW_SPEED_TIME", "3");
  CommandBounds from_env;
  ASSERT_TRUE(from_env.ApplyEnvironment().ok());
  EXPECT_EQ(from_env.timeout_ms, 7000u);
  EXPECT_EQ(from_env.timeout_origin, "COGR_TIMEOUT=7");
  EXPECT_EQ(from_env.low_speed_bytes_per_s, 2048u);
  EXPECT_EQ(from_env.low_speed_time_ms, 3000u);

  CommandBounds flag;
  ASSERT_TRUE(flag.ApplyOption("--timeout", "2").ok());
  ASSERT_TRUE(flag.ApplyEnvironment().ok());
  EXPECT_EQ(flag.timeout_ms, 2000u);  // the flag wins
  EXPECT_EQ(flag.timeout_origin, "--timeout 2");

  CommandBounds none;
  ASSERT_TRUE(none.ApplyOption("--timeout", "0").ok());
  ASSERT_TRUE(none.ApplyEnvironment().ok());
  none.Start();
  EXPECT_FALSE(none.deadline.has_value());  // 0 = no limit, the environment notwithstanding
}

TEST(CliBounds, MalformedEnvironmentNamesTheVariable) {
  {
    ScopedEnv t("COGR_TIMEOUT", "3 s");
    CommandBounds b;
    EXPECT_EQ(b.ApplyEnvironment().message(),
              "COGR_TIMEOUT: expected seconds in [0, 4294967] (0 = no limit), got '3 s'");
  }
  {
    ScopedEnv t("COGR_TIMEOUT", nullptr);
    ScopedEnv l("COGR_LOW_SPEED_LIMIT", "-5");
    CommandBounds b;
    EXPECT_EQ(b.ApplyEnvironment().message(),
              "COGR_LOW_SPEED_LIMIT (bytes per second): '-5' is out of range [0, 4294967295]");
  }
  {
    ScopedEnv t("COGR_TIMEOUT", nullptr);
    ScopedEnv l("COGR_LOW_SPEED_LIMIT", nullptr);
    ScopedEnv s("COGR_LOW_SPEED_TIME", "0");
    CommandBounds b;
    EXPECT_EQ(b.ApplyEnvironment().message(),
              "COGR_LOW_SPEED_TIME (seconds): '0' is out of range [1, 86400]");
  }
}

TEST(CliBounds, AppliesToOpenAndReadOptions) {
  CommandBounds b;
  ASSERT_TRUE(b.ApplyOption("--timeout", "3").ok());
  ASSERT_TRUE(b.ApplyOption("--max-memory", "100M").ok());
  b.low_speed_bytes_per_s = 100;
  b.low_speed_time_ms = 2000;
  const auto before = std::chrono::steady_clock::now();
  b.Start();
  ASSERT_TRUE(b.deadline.has_value());
  EXPECT_GE(*b.deadline, before + std::chrono::milliseconds(3000));

  OpenOptions open;
  b.ApplyTo(open);
  EXPECT_EQ(open.deadline, b.deadline);
  EXPECT_EQ(open.timeout_ms, 0u);
  EXPECT_EQ(open.io.request_timeout_ms, 3000u);
  EXPECT_EQ(open.io.low_speed_bytes_per_s, 100u);
  EXPECT_EQ(open.io.low_speed_time_ms, 2000u);
  EXPECT_EQ(open.limits.max_read_bytes, 100u << 20);
  EXPECT_EQ(open.limits.max_block_bytes, 100u << 20);  // below the default of 1 GiB
  ReadOptions read;
  b.ApplyTo(read);
  EXPECT_EQ(read.deadline, b.deadline);

  // Nothing given: the library's defaults stay.
  CommandBounds none;
  none.Start();
  OpenOptions untouched;
  none.ApplyTo(untouched);
  const OpenOptions defaults;
  EXPECT_FALSE(untouched.deadline.has_value());
  EXPECT_EQ(untouched.io.request_timeout_ms, defaults.io.request_timeout_ms);
  EXPECT_EQ(untouched.io.low_speed_bytes_per_s, defaults.io.low_speed_bytes_per_s);
  EXPECT_EQ(untouched.limits.max_read_bytes, defaults.limits.max_read_bytes);
  EXPECT_EQ(untouched.limits.max_block_bytes, defaults.limits.max_block_bytes);
}

TEST(CliBounds, ExplainNamesTheTimeoutOnlyForItsDeadline) {
  CommandBounds b;
  ASSERT_TRUE(b.ApplyOption("--timeout", "3").ok());
  b.Start();
  EXPECT_EQ(b.Explain(Status::Cancelled("u: open deadline exceeded; waiting for bytes [0, 10)")),
            "u: open deadline exceeded (--timeout 3); waiting for bytes [0, 10)");
  EXPECT_EQ(b.Explain(Status::Cancelled("u: read cancelled")), "u: read cancelled");
  EXPECT_EQ(b.Explain(Status::IoError("u: deadline exceeded somewhere")),
            "u: deadline exceeded somewhere");
  CommandBounds none;
  none.Start();
  EXPECT_EQ(none.Explain(Status::Cancelled("u: read deadline exceeded")),
            "u: read deadline exceeded");
}

}  // namespace
}  // namespace cogr::cli
