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

std::vector<int> sorted_ids(const Table& table, std::vector<SortTerm> sort) {
  ViewConfig config;
  config.sort = std::move(sort);
  auto view = make_view(table, config);
  std::vector<int> ids;
  if (!view) return ids;
  for (const Value& v : column_values(*view, "id")) ids.push_back(static_cast<int>(v.as_int()));
  return ids;
}

// observed: rows whose `none` cells differ are in key order, later terms unused.
TEST(SortTest, NoneEndsTheSortList) {
  const std::vector<Field> f = {{"id", ColumnType::kInteger},
                                {"a", ColumnType::kInteger},
                                {"b", ColumnType::kInteger},
                                {"c", ColumnType::kInteger}};
  auto table = make_table(f);
  apply(*table, f, {{0, 1, 2, 1}, {1, 1, 1, 2}, {2, 0, 3, 3}, {3, 0, 4, 4}});
  EXPECT_EQ(sorted_ids(*table, {{"a", SortOp::kAsc}, {"b", SortOp::kNone}, {"c", SortOp::kDesc}}),
            (std::vector<int>{2, 3, 0, 1}));
  EXPECT_EQ(sorted_ids(*table, {{"b", SortOp::kNone}, {"a", SortOp::kAsc}}),
            (std::vector<int>{0, 1, 2, 3}));
}

// observed: explicit nulls of the first batch (since creation or clear) sort above
// every value; nulls of later batches and absent cells sort below.
TEST(SortTest, NullPositionDependsOnHowTheNullArrived) {
  const std::vector<Field> f = {{"id", ColumnType::kInteger}, {"day", ColumnType::kInteger}};
  const std::vector<SortTerm> asc = {{"day", SortOp::kAsc}};
  auto later = make_table(f);
  apply(*later, f, {{0, 7}});
  apply(*later, f, {{1, nullptr}});
  EXPECT_EQ(sorted_ids(*later, asc), (std::vector<int>{1, 0}));
  auto first = make_table(f);
  apply(*first, f, {{0, nullptr}, {1, 7}});
  EXPECT_EQ(sorted_ids(*first, asc), (std::vector<int>{1, 0}));
  EXPECT_EQ(sorted_ids(*first, {{"day", SortOp::kDesc}}), (std::vector<int>{0, 1}));
  // An absent cell in the first batch is a low null.
  columnar::BatchBuilder absent(f);
  absent.add_row({0, 7});
  absent.append(0, Value(1)).append_absent(1);
  auto batch = std::move(absent).finish();
  ASSERT_TRUE(batch.is_ok());
  auto implicit = make_table(f);
  ASSERT_TRUE(implicit->apply(*batch).is_ok());
  EXPECT_EQ(sorted_ids(*implicit, asc), (std::vector<int>{1, 0}));
  // clear() starts over: the next batch's nulls sort high again (desc: first).
  later->clear();
  apply(*later, f, {{1, nullptr}, {2, 3}});
  EXPECT_EQ(sorted_ids(*later, {{"day", SortOp::kDesc}}), (std::vector<int>{1, 2}));
}

// observed: removing every row of an index table is not a fresh start.
TEST(SortTest, IndexTableNullKinds) {
  const std::vector<Field> f = {{"id", ColumnType::kInteger}, {"day", ColumnType::kInteger}};
  const std::vector<SortTerm> asc = {{"day", SortOp::kAsc}};
  auto table = make_table(f, {.index = "id"});
  apply(*table, f, {{0, 7}, {1, nullptr}});
  apply(*table, f, {{2, nullptr}, {3, 5}});
  EXPECT_EQ(sorted_ids(*table, asc), (std::vector<int>{2, 3, 0, 1}));
  apply(*table, f, {{1, nullptr}});  // rewritten by a later batch: now low
  EXPECT_EQ(sorted_ids(*table, asc), (std::vector<int>{1, 2, 3, 0}));
  auto emptied = make_table(f, {.index = "id"});
  apply(*emptied, f, {{0, 7}});
  const Value key(0);
  ASSERT_TRUE(emptied->remove({&key, 1}).is_ok());
  apply(*emptied, f, {{1, nullptr}, {2, 5}});
  EXPECT_EQ(sorted_ids(*emptied, asc), (std::vector<int>{1, 2}));
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
