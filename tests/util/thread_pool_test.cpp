#include "util/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace cogr::internal {
namespace {

TEST(ThreadPoolTest, ParallelForVisitsEveryIndexOnce) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(1000);
  Status st = ParallelFor(
      hits.size(),
      [&](size_t i) {
        hits[i]++;
        return Status::OK();
      },
      pool, 4);
  ASSERT_TRUE(st.ok());
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ThreadPoolTest, ParallelForReturnsFirstRealError) {
  ThreadPool pool(2);
  Status st = ParallelFor(
      100, [&](size_t i) { return i == 37 ? Status::InvalidFile("bad block 37") : Status::OK(); },
      pool, 3);
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "bad block 37");
}

TEST(ThreadPoolTest, NestedParallelForDoesNotDeadlock) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  Status st = ParallelFor(
      8,
      [&](size_t) {
        return ParallelFor(
            8,
            [&](size_t) {
              total++;
              return Status::OK();
            },
            pool, 3);
      },
      pool, 3);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(total.load(), 64);
}

TEST(ThreadPoolTest, SingleThreadRunsInOrderOnCaller) {
  ThreadPool pool(2);
  std::vector<size_t> order;
  ASSERT_TRUE(ParallelFor(
                  5,
                  [&](size_t i) {
                    order.push_back(i);
                    return Status::OK();
                  },
                  pool, 1)
                  .ok());
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace cogr::internal
