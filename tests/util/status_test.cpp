#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "cogr/status.hpp"

namespace cogr {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  COGR_ASSIGN_OR_RETURN(int h, Half(x));
  COGR_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::InvalidFile("bad magic");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kInvalidFile);
  EXPECT_EQ(s.ToString(), "invalid_file: bad magic");
  EXPECT_EQ(s.WithContext("a.tif").message(), "a.tif: bad magic");
}

TEST(StatusTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
}

struct Pair {
  int first = 0;
};

// Reaching for the value of a failed Result is a programmer error: every accessor aborts with
// the error printed, instead of reading an empty optional.
TEST(ResultDeathTest, AccessorsOfAFailedResultAbortWithItsError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const char* expected = "cogr: value of a failed Result: not_found: x\\.tif: no such file";
  Result<std::string> r = Status::NotFound("x.tif: no such file");
  const Result<std::string>& cr = r;
  EXPECT_DEATH((void)*r, expected);
  EXPECT_DEATH((void)*cr, expected);
  EXPECT_DEATH((void)r.value(), expected);
  EXPECT_DEATH((void)cr.value(), expected);
  EXPECT_DEATH((void)std::move(r).value(), expected);
  EXPECT_DEATH((void)r->size(), expected);
  EXPECT_DEATH((void)cr->size(), expected);
  Result<Pair> p = Status::InvalidFile("bad magic");
  EXPECT_DEATH((void)p->first, "cogr: value of a failed Result: invalid_file: bad magic");
}

TEST(ResultDeathTest, ResultBuiltFromOkStatusIsAnErrorToo) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Result<int> r = Status::OK();
  ASSERT_FALSE(r.ok());
  EXPECT_DEATH((void)*r, "invalid_argument: Result built from OK status");
}

TEST(ResultTest, AccessorsOfAnOkResultGiveTheValue) {
  Result<std::string> r = std::string("abc");
  const Result<std::string>& cr = r;
  EXPECT_EQ(*r, "abc");
  EXPECT_EQ(*cr, "abc");
  EXPECT_EQ(r->size(), 3u);
  EXPECT_EQ(cr.value(), "abc");
  r.value() += "d";
  EXPECT_EQ(std::move(r).value(), "abcd");
}

}  // namespace
}  // namespace cogr
