// Dataset::ReadIntoAsync: the samples go straight into a caller's (strided) view, every byte of
// it written, the same as Read gives; errors come to the callback.
#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "cogr/dataset.hpp"
#include "test_util.hpp"

namespace cogr {
namespace {

TEST(ReadIntoAsync, StridedSliceEqualsRead) {
  auto ds = Dataset::Open(test::DataPath("stack/s0.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ReadOptions o;
  o.window = geo::Window{-4, 60, 20, 10};  // reaches past the left and bottom edges
  o.boundless = true;
  auto want = (*ds)->Read(o);
  ASSERT_TRUE(want.ok());
  // The read's 2 x 10 x 20 as the middle of a 2 x 14 x 30 array: rows and bands strided.
  std::vector<uint16_t> big(2 * 14 * 30, 0xBEEF);
  ArrayView v = ArrayView::Contiguous(big.data(), DataType::kUInt16, 2, 14, 30);
  v.data = v.At(0, 2, 5);
  v.height = 10;
  v.width = 20;
  std::promise<Status> done;
  (*ds)->ReadIntoAsync(o, v, [&done](Status st) { done.set_value(std::move(st)); });
  const Status st = done.get_future().get();
  ASSERT_TRUE(st.ok()) << st.message();
  const auto* w = want->as<uint16_t>();
  for (size_t b = 0; b < 2; ++b) {
    for (size_t r = 0; r < 14; ++r) {
      for (size_t c = 0; c < 30; ++c) {
        const bool inside = r >= 2 && r < 12 && c >= 5 && c < 25;
        const uint16_t expect = inside ? w[(b * 10 + (r - 2)) * 20 + (c - 5)] : uint16_t{0xBEEF};
        ASSERT_EQ(big[(b * 14 + r) * 30 + c], expect) << b << " " << r << " " << c;
      }
    }
  }
  // A wrong shape is an error handed to the callback.
  v.width = 19;
  std::promise<Status> bad;
  (*ds)->ReadIntoAsync(o, v, [&bad](Status s) { bad.set_value(std::move(s)); });
  EXPECT_EQ(bad.get_future().get().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace cogr
