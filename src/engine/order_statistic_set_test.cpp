// OrderStatisticSet (median/q1/q3 states) against std::multiset under random inserts,
// erases and k-th reads, through bulk builds and single-element updates.
#include "engine/detail/order_statistic_set.h"

#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <set>

namespace chview::engine::detail {
namespace {

TEST(OrderStatisticSetTest, MatchesAMultisetUnderRandomOperations) {
  std::mt19937 rng(42);
  OrderStatisticSet<int> set;
  std::multiset<int> reference;
  for (int step = 0; step < 10000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 5 || reference.empty()) {
      // Sometimes a burst (bulk rebuild path), mostly single inserts.
      const int n = rng() % 200 == 0 ? 300 : 1;
      for (int i = 0; i < n; ++i) {
        const int v = static_cast<int>(rng() % 60);  // duplicates; blocks split
        set.insert(v);
        reference.insert(v);
      }
    } else if (op < 9) {
      auto it = reference.begin();
      std::advance(it, static_cast<long>(rng() % reference.size()));
      set.erase(*it);
      reference.erase(it);
    } else {
      const size_t k = rng() % reference.size();
      auto it = reference.begin();
      std::advance(it, static_cast<long>(k));
      ASSERT_EQ(set.at(k), *it) << "step " << step;
      ASSERT_EQ(set.back(), *reference.rbegin()) << "step " << step;
    }
    ASSERT_EQ(set.size(), reference.size());
  }
  size_t k = 0;
  for (int v : reference) ASSERT_EQ(set.at(k++), v);
}

}  // namespace
}  // namespace chview::engine::detail
