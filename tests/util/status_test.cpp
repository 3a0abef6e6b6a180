#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cogr
