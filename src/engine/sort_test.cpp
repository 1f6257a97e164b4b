// Flat sort semantics of spec §3.7: asc nulls last, desc nulls first, abs variants,
// ties in primary-key order, column sorts ignored. Every case but one (marked) was
// checked against Perspective 5.5.1's engine in Node.
#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

const std::vector<Field> kFields = {{"i", ColumnType::kInteger}, {"f", ColumnType::kFloat},
                                    {"s", ColumnType::kString},  {"b", ColumnType::kBoolean},
                                    {"d", ColumnType::kDate},    {"t", ColumnType::kDatetime}};

std::unique_ptr<Table> make_sort_table() {
  auto table = make_table(kFields);
  apply(*table, kFields,
        {
            {3, -2.5, "b", true, "2024-01-03", 30},
            {nullptr, 1.0, "a", nullptr, nullptr, nullptr},
            {-5, nullptr, nullptr, false, "2024-01-01", 10},
            {3, 2.0, "B", true, "2024-01-02", 20},
            {1, -1.0, "a", false, "2024-01-01", 10},
            {nullptr, 2.5, "c", true, "2023-01-01", -5},
        });
  return table;
}

struct SortCase {
  std::vector<SortTerm> sort;
  std::vector<int> expected;  // primary keys in view order
};

TEST(SortTest, FlatOrders) {
  const SortCase kCases[] = {
      {{}, {0, 1, 2, 3, 4, 5}},
      {{{"i", SortOp::kAsc}}, {2, 4, 0, 3, 1, 5}},
      {{{"i", SortOp::kDesc}}, {1, 5, 0, 3, 4, 2}},
      // abs sorts read null as 0 (observed on Perspective 5.5.1)
      {{{"i", SortOp::kAscAbs}}, {1, 5, 4, 0, 3, 2}},
      {{{"i", SortOp::kDescAbs}}, {2, 0, 3, 4, 1, 5}},
      {{{"f", SortOp::kAsc}}, {0, 4, 1, 3, 5, 2}},
      {{{"f", SortOp::kDesc}}, {2, 5, 3, 1, 4, 0}},
      // Perspective gives 5,0,3,4,1,2: opposite values of equal magnitude by key
      // descending; we keep key order there (see RowOrder::compare).
      {{{"f", SortOp::kDescAbs}}, {0, 5, 3, 1, 4, 2}},
      {{{"f", SortOp::kAscAbs}}, {2, 1, 4, 3, 0, 5}},
      {{{"s", SortOp::kAsc}}, {3, 1, 4, 0, 5, 2}},
      {{{"s", SortOp::kDesc}}, {2, 5, 0, 1, 4, 3}},
      {{{"b", SortOp::kAsc}}, {2, 4, 0, 3, 5, 1}},
      {{{"d", SortOp::kAsc}}, {5, 2, 4, 3, 0, 1}},
      {{{"t", SortOp::kDesc}}, {1, 0, 3, 2, 4, 5}},
      {{{"b", SortOp::kAsc}, {"i", SortOp::kDesc}}, {4, 2, 5, 0, 3, 1}},
      {{{"s", SortOp::kAsc}, {"f", SortOp::kDesc}}, {3, 1, 4, 0, 5, 2}},
      // Column sorts and `none` do not reorder flat rows.
      {{{"i", SortOp::kColAsc}}, {0, 1, 2, 3, 4, 5}},
      {{{"i", SortOp::kColDescAbs}, {"f", SortOp::kNone}}, {0, 1, 2, 3, 4, 5}},
      {{{"i", SortOp::kColDesc}, {"i", SortOp::kAsc}}, {2, 4, 0, 3, 1, 5}},
  };
  auto table = make_sort_table();
  for (const SortCase& c : kCases) {
    ViewConfig config;
    config.sort = c.sort;
    auto view = make_view(*table, config);
    std::vector<int> keys;
    for (const Value& k : row_keys(*view)) keys.push_back(static_cast<int>(k.as_int()));
    EXPECT_EQ(keys, c.expected) << c.sort.size() << " terms, first on "
                                << (c.sort.empty() ? "-" : c.sort[0].column) << " "
                                << (c.sort.empty() ? "" : sort_op_name(c.sort[0].op));
  }
}

TEST(SortTest, IndexTableTiesFollowKeyOrder) {
  const std::vector<Field> f = {{"name", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(f, {.index = "name"});
  apply(*table, f, {{"d", 1}, {"b", 2}, {"a", 1}, {"c", 2}});
  ViewConfig config;
  config.sort = {{"v", SortOp::kDesc}};
  auto view = make_view(*table, config);
  EXPECT_EQ(row_keys(*view), values({"b", "c", "a", "d"}));
}

TEST(SortTest, SortOpNamesRoundTrip) {
  for (int i = 0; i <= 8; ++i) {
    const auto op = static_cast<SortOp>(i);
    EXPECT_EQ(parse_sort_op(sort_op_name(op)), op);
  }
  EXPECT_EQ(parse_sort_op("desc abs"), SortOp::kDescAbs);
  EXPECT_EQ(parse_sort_op("sideways"), std::nullopt);
  EXPECT_TRUE(is_known_filter_op("not startswith"));
  EXPECT_FALSE(is_known_filter_op("bogus"));
}

}  // namespace
}  // namespace chview::engine
