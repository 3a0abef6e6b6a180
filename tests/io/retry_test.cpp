#include "io/retry.hpp"

#include <gtest/gtest.h>

namespace cogr::io::internal {
namespace {

TEST(IoRetry, BackoffDoublesWithJitterAndCaps) {
  RetryOptions o;
  o.initial_backoff_ms = 100;
  o.max_backoff_ms = 1000;
  for (int i = 0; i < 50; ++i) {
    uint64_t d1 = BackoffMs(o, 1, std::nullopt);
    EXPECT_GE(d1, 50u);
    EXPECT_LT(d1, 150u);
    uint64_t d3 = BackoffMs(o, 3, std::nullopt);  // 400 +- 50%
    EXPECT_GE(d3, 200u);
    EXPECT_LT(d3, 600u);
    EXPECT_LE(BackoffMs(o, 30, std::nullopt), 1000u);
  }
}

TEST(IoRetry, RetryAfterRaisesTheDelayUpToItsCap) {
  RetryOptions o;
  o.initial_backoff_ms = 10;
  o.max_backoff_ms = 20;
  o.max_retry_after_ms = 5000;
  EXPECT_EQ(BackoffMs(o, 1, 1000), 1000u);
  EXPECT_EQ(BackoffMs(o, 1, 60000), 5000u);
}

TEST(IoRetry, ParsesRetryAfter) {
  EXPECT_EQ(ParseRetryAfterMs("1"), 1000u);
  EXPECT_EQ(ParseRetryAfterMs(" 120 "), 120000u);
  EXPECT_EQ(ParseRetryAfterMs(""), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("soon"), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), 0u);  // in the past
}

TEST(IoRetry, TransientStatuses) {
  EXPECT_TRUE(IsTransientHttpStatus(429));
  EXPECT_TRUE(IsTransientHttpStatus(500));
  EXPECT_TRUE(IsTransientHttpStatus(503));
  EXPECT_FALSE(IsTransientHttpStatus(404));
  EXPECT_FALSE(IsTransientHttpStatus(403));
  EXPECT_FALSE(IsTransientHttpStatus(408));
  EXPECT_FALSE(IsTransientHttpStatus(200));
}

}  // namespace
}  // namespace cogr::io::internal
