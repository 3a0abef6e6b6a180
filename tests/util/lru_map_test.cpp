// internal::LruMap: recency order, byte charges, eviction down to a capacity (keeping the newest
// entries when asked), replacement and erase by predicate.
#include "util/lru_map.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cogr::internal {
namespace {

TEST(LruMap, EvictsLeastRecentlyUsedFirst) {
  LruMap<std::string, int> lru;
  lru.Insert("a", 1, 10);
  lru.Insert("b", 2, 20);
  lru.Insert("c", 3, 30);
  EXPECT_EQ(lru.bytes(), 60u);
  ASSERT_NE(lru.Find("a"), nullptr);  // a becomes the most recent: b is now the oldest
  EXPECT_EQ(*lru.Find("a"), 1);
  EXPECT_EQ(lru.EvictTo(45), 1u);
  EXPECT_EQ(lru.Find("b"), nullptr);
  EXPECT_EQ(lru.bytes(), 40u);
  EXPECT_EQ(lru.size(), 2u);
  EXPECT_EQ(lru.EvictTo(0), 2u);
  EXPECT_EQ(lru.size(), 0u);
  EXPECT_EQ(lru.bytes(), 0u);
}

TEST(LruMap, EvictToKeepsTheNewestEntries) {
  LruMap<std::string, int> lru;
  lru.Insert("old", 1, 100);
  lru.Insert("new", 2, 100);
  EXPECT_EQ(lru.EvictTo(10, 1), 1u);  // over budget, but one entry is kept
  EXPECT_EQ(lru.size(), 1u);
  EXPECT_NE(lru.Find("new"), nullptr);
  EXPECT_EQ(lru.bytes(), 100u);
}

TEST(LruMap, InsertReplacesAndRecharges) {
  LruMap<int, std::string> lru;
  lru.Insert(7, "x", 5);
  lru.Insert(8, "y", 6);
  lru.Insert(7, "z", 9);  // replaces, and 7 is now the most recent
  EXPECT_EQ(lru.size(), 2u);
  EXPECT_EQ(lru.bytes(), 15u);
  EXPECT_EQ(*lru.Find(7), "z");
  EXPECT_EQ(lru.EvictTo(9), 1u);
  EXPECT_EQ(lru.Find(8), nullptr);
}

TEST(LruMap, EraseAndEraseIf) {
  LruMap<int, int> lru;
  for (int i = 0; i < 6; ++i) lru.Insert(i, i * 10, 1);
  EXPECT_TRUE(lru.Erase(3));
  EXPECT_FALSE(lru.Erase(3));
  lru.EraseIf([](int k) { return k % 2 == 0; });
  EXPECT_EQ(lru.size(), 2u);
  EXPECT_EQ(lru.bytes(), 2u);
  EXPECT_EQ(*lru.Find(1), 10);
  EXPECT_EQ(*lru.Find(5), 50);
  lru.Clear();
  EXPECT_EQ(lru.size(), 0u);
  EXPECT_EQ(lru.bytes(), 0u);
  EXPECT_EQ(lru.Find(1), nullptr);
}

}  // namespace
}  // namespace cogr::internal
