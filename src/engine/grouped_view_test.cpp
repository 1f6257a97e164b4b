// Grouped views: the spec's worked example (§3.11) and aggregate table (§3.6), plus
// expand/collapse/depth, sorting and updates.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/detail/grouped.h"
#include "engine/detail/split_keys.h"
#include "engine/engine_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using columnar::Date;
using columnar::DateTime;
using Path = std::vector<Value>;

const std::vector<Field> kExampleFields{
    {"id", ColumnType::kInteger}, {"k", ColumnType::kString},  {"c", ColumnType::kString},
    {"v", ColumnType::kInteger},  {"f", ColumnType::kFloat},   {"d", ColumnType::kDate},
    {"t", ColumnType::kDatetime}, {"b", ColumnType::kBoolean},
};

std::unique_ptr<Table> worked_example() {
  auto table = make_table(kExampleFields);
  apply(*table, kExampleFields,
        {{1, "a", "x", 10, 1.5, Date{19723}, DateTime{1704103200000}, true},
         {2, "b", "x", 20, 2.5, Date{19724}, DateTime{1704195000000}, false},
         {3, "a", "y", 30, nullptr, Date{19725}, DateTime{1704283200123}, true},
         {4, "b", "y", 40, 4.0, nullptr, nullptr, nullptr}});
  return table;
}

ViewConfig grouped(std::vector<std::string> group_by, std::vector<std::string> columns) {
  ViewConfig c;
  c.group_by = std::move(group_by);
  c.columns = std::move(columns);
  return c;
}

std::vector<Path> paths(const View& view) { return view.slice({}).row_paths; }

TEST(GroupedViewTest, WorkedExampleDefaultAggregates) {
  auto table = worked_example();
  auto view = make_grouped_view(*table, grouped({"k"}, {"v", "f", "c", "d", "t", "b"}));
  ASSERT_TRUE(view);
  EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {"a"}, {"b"}}));
  EXPECT_EQ(column_values(*view, "v"), values({100, 40, 60}));
  EXPECT_EQ(column_values(*view, "f"), values({8.0, 1.5, 6.5}));
  for (const char* name : {"c", "d", "t", "b"}) {
    EXPECT_EQ(column_values(*view, name), values({4, 2, 2})) << name;
  }
  std::vector<Field> schema{{"v", ColumnType::kInteger}, {"f", ColumnType::kFloat},
                            {"c", ColumnType::kInteger}, {"d", ColumnType::kInteger},
                            {"t", ColumnType::kInteger}, {"b", ColumnType::kInteger}};
  EXPECT_EQ(view->fields(), schema);
  const ViewDimensions dims = view->dimensions();
  EXPECT_EQ(dims.num_table_rows, 4u);
  EXPECT_EQ(dims.num_table_columns, 8u);
  EXPECT_EQ(dims.num_view_rows, 3u);
  EXPECT_EQ(dims.num_view_columns, 6u);
  ViewSlice s = view->slice({});
  EXPECT_TRUE(s.has_row_paths);
  EXPECT_EQ(s.aggregates,
            (std::vector<std::string>{"sum", "sum", "count", "count", "count", "count"}));
}

TEST(GroupedViewTest, GroupedViewsNeedTheOption) {
  auto table = worked_example();
  auto view = View::make(*table, grouped({"k"}, {"v"}));
  EXPECT_EQ(view.status().code(), ErrorCode::kUnsupported);
}

TEST(GroupedViewTest, WorkedExampleTwoLevelsCollapseDepthAndModes) {
  auto table = worked_example();
  const ViewConfig config = grouped({"k", "c"}, {"v"});
  auto view = make_grouped_view(*table, config);
  ASSERT_TRUE(view);
  const std::vector<Path> all{{}, {"a"}, {"a", "x"}, {"a", "y"}, {"b"}, {"b", "x"}, {"b", "y"}};
  EXPECT_EQ(paths(*view), all);
  EXPECT_EQ(column_values(*view, "v"), values({100, 40, 10, 30, 60, 20, 40}));
  EXPECT_EQ(view->collapse(1), 2u);
  EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {"a"}, {"b"}, {"b", "x"}, {"b", "y"}}));
  EXPECT_EQ(view->collapse(1), 0u);  // already collapsed
  EXPECT_EQ(view->expand(1), 2u);
  EXPECT_EQ(paths(*view), all);
  EXPECT_EQ(view->expand(2), 0u);  // a leaf
  view->set_depth(0);
  EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {"a"}, {"b"}}));
  EXPECT_EQ(view->num_rows(), 3u);
  view->set_depth(1);
  EXPECT_EQ(paths(*view), all);

  ViewConfig flat = config;
  flat.group_rollup_mode = GroupRollupMode::kFlat;
  auto flat_view = make_grouped_view(*table, flat);
  EXPECT_EQ(paths(*flat_view), (std::vector<Path>{{"a", "x"}, {"a", "y"}, {"b", "x"}, {"b", "y"}}));
  EXPECT_EQ(column_values(*flat_view, "v"), values({10, 30, 20, 40}));

  ViewConfig total = config;
  total.group_rollup_mode = GroupRollupMode::kTotal;
  auto total_view = make_grouped_view(*table, total);
  EXPECT_EQ(paths(*total_view), (std::vector<Path>{{}}));
  EXPECT_EQ(column_values(*total_view, "v"), values({100}));

  ViewConfig depth = config;
  depth.group_by_depth = 1;
  EXPECT_EQ(paths(*make_grouped_view(*table, depth)), (std::vector<Path>{{}, {"a"}, {"b"}}));
}

TEST(GroupedViewTest, WorkedExampleNullGroupsSortLast) {
  auto table = worked_example();
  auto by_f = make_grouped_view(*table, grouped({"f"}, {"v"}));
  EXPECT_EQ(paths(*by_f), (std::vector<Path>{{}, {1.5}, {2.5}, {4.0}, {nullptr}}));
  EXPECT_EQ(column_values(*by_f, "v"), values({100, 10, 20, 40, 30}));
  auto by_d = make_grouped_view(*table, grouped({"d"}, {"v"}));
  EXPECT_EQ(paths(*by_d),
            (std::vector<Path>{{}, {Date{19723}}, {Date{19724}}, {Date{19725}}, {nullptr}}));
}

// §3.6: six rows grouped by k; values are [total, a, b].
class AggregateTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table_ = make_table(fields_);
    apply(*table_, fields_,
          {{"a", 3, 1.5, "p", 1},
           {"a", nullptr, nullptr, nullptr, 2},
           {"a", 1, -2.5, "q", 3},
           {"b", 5, 4.0, "q", 1},
           {"b", 5, 4.0, "q", 0},
           {"b", 2, -1.0, "p", 1}});
  }
  std::vector<Value> agg(const std::string& column, const std::string& name,
                         std::vector<std::string> args = {}) {
    ViewConfig c = grouped({"k"}, {column});
    c.aggregates = {{column, name, std::move(args)}};
    auto view = make_grouped_view(*table_, c);
    return view ? column_values(*view, column) : std::vector<Value>{};
  }
  const std::vector<Field> fields_{{"k", ColumnType::kString},
                                   {"i", ColumnType::kInteger},
                                   {"f", ColumnType::kFloat},
                                   {"s", ColumnType::kString},
                                   {"w", ColumnType::kInteger}};
  std::unique_ptr<Table> table_;
};

TEST_F(AggregateTableTest, MatchesTheSpecTable) {
  EXPECT_EQ(agg("i", "sum"), values({16, 4, 12}));
  EXPECT_EQ(agg("i", "sum not null"), values({16, 4, 12}));
  EXPECT_EQ(agg("f", "abs sum"), values({6.0, 1.0, 7.0}));
  EXPECT_EQ(agg("f", "sum abs"), values({13.0, 4.0, 9.0}));
  EXPECT_EQ(agg("i", "count"), values({6, 3, 3}));
  EXPECT_EQ(agg("i", "distinct count"), values({5, 3, 2}));
  EXPECT_EQ(agg("i", "avg"), values({3.2, 2.0, 4.0}));
  EXPECT_EQ(agg("i", "min"), values({1, 1, 2}));
  EXPECT_EQ(agg("i", "max"), values({nullptr, nullptr, 5}));
  EXPECT_EQ(agg("i", "high"), values({5, 3, 5}));
  EXPECT_EQ(agg("i", "low"), values({0, 0, 2}));
  EXPECT_EQ(agg("i", "high minus low"), values({nullptr, nullptr, 3}));
  EXPECT_EQ(agg("i", "first"), values({3, 3, 5}));
  EXPECT_EQ(agg("i", "last"), values({2, 1, 2}));
  EXPECT_EQ(agg("i", "last by index"), values({2, 1, 2}));
  EXPECT_EQ(agg("i", "last minus first"), values({-1, -2, -3}));
  EXPECT_EQ(agg("i", "any"), values({3, 3, 5}));
  EXPECT_EQ(agg("i", "dominant"), values({5, 3, 5}));
  EXPECT_EQ(agg("i", "median"), values({5, 3, 5}));
  EXPECT_EQ(agg("i", "q1"), values({2, 1, 2}));
  EXPECT_EQ(agg("i", "q3"), values({5, nullptr, 5}));
  EXPECT_EQ(agg("i", "mul"), values({0, 0, 50}));
  EXPECT_EQ(agg("i", "pct sum parent"), values({100.0, 25.0, 75.0}));
  EXPECT_EQ(agg("i", "pct sum total"), values({100.0, 25.0, 75.0}));
  EXPECT_EQ(agg("i", "var"), values({2.56, 1.0, 2.0}));
  EXPECT_EQ(agg("i", "distinct leaf"), values({nullptr, nullptr, nullptr}));
  EXPECT_EQ(agg("s", "join"), values({"p, q, null", "p, q, null", "p, q"}));
  EXPECT_EQ(agg("i", "max by", {"w"}), values({1, 1, 5}));
  const std::vector<Value> wm = agg("i", "weighted mean", {"w"});
  ASSERT_EQ(wm.size(), 3u);
  EXPECT_NEAR(wm[0].as_float(), 13.0 / 6, 1e-12);
  EXPECT_EQ(wm[1], Value(1.5));
  EXPECT_EQ(wm[2], Value(3.5));
}

TEST(GroupedViewTest, SortsSiblingsByAggregateAndKeepsTotalFirst) {
  auto table = worked_example();
  ViewConfig c = grouped({"k", "c"}, {"v"});
  c.sort = {{"v", SortOp::kDesc}};
  auto view = make_grouped_view(*table, c);
  EXPECT_EQ(paths(*view),
            (std::vector<Path>{{}, {"b"}, {"b", "y"}, {"b", "x"}, {"a"}, {"a", "y"}, {"a", "x"}}));
  // A hidden sort column (not in columns) still orders rows but is not output.
  c.columns = std::vector<std::string>{"f"};
  c.sort = {{"v", SortOp::kAsc}};
  view = make_grouped_view(*table, c);
  EXPECT_EQ(view->fields().size(), 1u);
  EXPECT_EQ(paths(*view),
            (std::vector<Path>{{}, {"a"}, {"a", "x"}, {"a", "y"}, {"b"}, {"b", "x"}, {"b", "y"}}));
}

TEST(GroupedViewTest, UpdatesRebuildTheTreeAndKeepCollapsedRows) {
  auto table = worked_example();
  auto view = make_grouped_view(*table, grouped({"k", "c"}, {"v"}));
  ASSERT_EQ(view->collapse(1), 2u);
  TableDelta delta = apply(*table, kExampleFields, {{5, "c", "x", 5, 1.0, nullptr, nullptr, true}});
  ViewDelta out = view->update(delta);
  EXPECT_TRUE(out.changed());
  EXPECT_EQ(paths(*view),
            (std::vector<Path>{{}, {"a"}, {"b"}, {"b", "x"}, {"b", "y"}, {"c"}, {"c", "x"}}));
  EXPECT_EQ(column_values(*view, "v"), values({105, 40, 60, 20, 40, 5, 5}));
  ViewSlice s = view->slice({.start_row = 5, .end_row = 7});
  EXPECT_EQ(s.row_paths, (std::vector<Path>{{"c"}, {"c", "x"}}));
  EXPECT_EQ(s.num_rows(), 2u);
}

TEST(GroupedViewTest, IndexTableUpdatesAndRemovals) {
  auto table = make_table(kExampleFields, {.index = "id"});
  apply(*table, kExampleFields,
        {{1, "a", "x", 10, 1.5, nullptr, nullptr, true},
         {2, "b", "x", 20, 2.5, nullptr, nullptr, false},
         {3, "a", "y", 30, nullptr, nullptr, nullptr, true}});
  ViewConfig c = grouped({"k"}, {"v", "id"});
  c.aggregates = {{"id", "last", {}}};
  c.filter = {{"v", "<", {Value(35)}}};
  auto view = make_grouped_view(*table, c);
  EXPECT_EQ(column_values(*view, "v"), values({60, 40, 20}));
  // Overwrite key 1 (moves to group b), add key 4 (filtered out), remove key 3.
  view->update(apply(*table, kExampleFields,
                     {{1, "b", "x", 5, 1.5, nullptr, nullptr, true},
                      {4, "a", "x", 99, 1.0, nullptr, nullptr, true}}));
  EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {"a"}, {"b"}}));
  EXPECT_EQ(column_values(*view, "v"), values({55, 30, 25}));
  // `last`: the last row of the last leaf (b), not the largest key.
  EXPECT_EQ(column_values(*view, "id"), values({2, 3, 2}));
  auto removed = table->remove(values({3}));
  ASSERT_TRUE(removed.is_ok());
  ViewDelta delta = view->update(*removed);
  EXPECT_EQ(delta.num_removed, 1u);
  EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {"b"}}));
  EXPECT_EQ(column_values(*view, "v"), values({25, 25}));
  view->update(table->clear());
  EXPECT_EQ(paths(*view), (std::vector<Path>{{}}));
  EXPECT_EQ(column_values(*view, "v"), values({nullptr}));  // sum over no rows
}

// Perspective 5.5.1 (conformance corpus): a null group sorts first once it holds nulls
// written after the first batch, last while it holds only first-batch nulls; split_by
// column groups likewise. Both the incremental tree and a rebuild must agree.
TEST(GroupedViewTest, NullGroupsWrittenByLaterUpdatesSortFirst) {
  const std::vector<Field> fields{{"v", ColumnType::kInteger}, {"w", ColumnType::kInteger}};
  for (bool incremental : {true, false}) {
    auto table = make_table(fields);
    apply(*table, fields, {{nullptr, 1}, {3, 2}});  // first batch: high nulls
    detail::use_rollup_trees(incremental);
    auto view = make_grouped_view(*table, grouped({"v"}, {"w"}));
    ViewConfig split = grouped({}, {"w"});
    split.split_by = {"v"};
    auto split_view = make_grouped_view(*table, split);
    detail::use_rollup_trees(true);
    EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {3}, {nullptr}})) << incremental;
    EXPECT_EQ(split_view->slice({}).fields.front().name, "3|w");
    const TableDelta delta = apply(*table, fields, {{9, 4}, {nullptr, 8}});
    view->update(delta);
    split_view->update(delta);
    EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {nullptr}, {3}, {9}})) << incremental;
    EXPECT_EQ(column_values(*view, "w"), values({15, 9, 2, 4})) << incremental;
    EXPECT_EQ(split_view->slice({}).fields.front().name, "null|w") << incremental;
    auto fresh = make_grouped_view(*table, grouped({"v"}, {"w"}));
    EXPECT_EQ(paths(*fresh), paths(*view));
  }
}

TEST(GroupedViewTest, TreeOperationRepliesFollowPerspective) {
  const std::vector<Field> fields{{"g", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{"a", 1}, {"b", 2}});
  // TOTAL: expand(0) opens the first level until the next update.
  ViewConfig total = grouped({"g"}, {"v"});
  total.group_rollup_mode = GroupRollupMode::kTotal;
  auto total_view = make_grouped_view(*table, total);
  EXPECT_EQ(total_view->expand(0), 2u);
  EXPECT_EQ(total_view->num_rows(), 3u);
  EXPECT_EQ(total_view->collapse(0), 2u);
  EXPECT_EQ(total_view->expand(0), 2u);
  total_view->update(apply(*table, fields, {{"c", 3}}));
  EXPECT_EQ(total_view->num_rows(), 1u);
  // set_depth past the group_by levels is ignored.
  auto two_levels = make_grouped_view(*table, grouped({"g", "v"}, {"v"}));
  two_levels->set_depth(0);
  EXPECT_EQ(two_levels->num_rows(), 4u);
  two_levels->set_depth(3);
  EXPECT_EQ(two_levels->num_rows(), 4u);
  two_levels->set_depth(2);
  EXPECT_EQ(two_levels->num_rows(), 7u);
  // Split-only: rows are leaves; collapse(0) hides them all, expand(0) brings them back.
  ViewConfig split = grouped({}, {"v"});
  split.split_by = {"g"};
  auto split_view = make_grouped_view(*table, split);
  EXPECT_EQ(split_view->expand(1), 1u);
  EXPECT_EQ(split_view->expand(7), 0u);
  EXPECT_EQ(split_view->collapse(1), 0u);
  EXPECT_EQ(split_view->collapse(0), 3u);
  EXPECT_EQ(split_view->num_rows(), 0u);
  split_view->update(apply(*table, fields, {{"d", 4}}));
  EXPECT_EQ(split_view->num_rows(), 0u);
  EXPECT_EQ(split_view->expand(0), 4u);
  EXPECT_EQ(split_view->num_rows(), 4u);
  // Pivoted: an already expanded row replies 0, a leaf its row index.
  ViewConfig pivot = grouped({"g"}, {"v"});
  pivot.split_by = {"v"};
  auto pivot_view = make_grouped_view(*table, pivot);
  EXPECT_EQ(pivot_view->expand(0), 0u);
  EXPECT_EQ(pivot_view->expand(2), 2u);
}

TEST(GroupedViewTest, AggregateFormulasFollowPerspective) {
  const std::vector<Field> fields{
      {"g", ColumnType::kString}, {"i", ColumnType::kInteger}, {"f", ColumnType::kFloat}};
  auto table = make_table(fields);
  apply(*table, fields, {{"a", -1, 1.0}, {"b", 2, nullptr}, {"b", -4, -5.0}, {"c", 1, 1.0}});
  ViewConfig c = grouped({"g"}, {"i", "f"});
  c.aggregates = {{"i", "sum not null", {}}, {"f", "mul", {}}};
  auto view = make_grouped_view(*table, c);
  // Integer sum not null wraps as unsigned 32-bit; mul of a null factor is +0.
  EXPECT_EQ(column_values(*view, "i"), values({4294967294, 4294967295, 4294967294, 1}));
  const std::vector<Value> products = column_values(*view, "f");
  ASSERT_EQ(products.size(), 4u);
  EXPECT_EQ(products[2], Value(0.0));
  EXPECT_FALSE(std::signbit(products[2].as_float()));
  // pct sum parent is 100 * (x / parent), bit for bit.
  ViewConfig pct = grouped({"g"}, {"f"});
  pct.aggregates = {{"f", "pct sum parent", {}}};
  auto table2 = make_table(fields);
  apply(*table2, fields, {{"a", 0, 1.0}, {"b", 0, 2.0}});
  auto pct_view = make_grouped_view(*table2, pct);
  EXPECT_EQ(column_values(*pct_view, "f"),
            values({100.0, 100.0 * (1.0 / 3.0), 100.0 * (2.0 / 3.0)}));
}

TEST(GroupedViewTest, NoneEndsTheRowSortList) {
  const std::vector<Field> fields{
      {"g", ColumnType::kString}, {"w", ColumnType::kInteger}, {"u", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{"a", 1, 5}, {"b", 2, 3}, {"c", 3, 4}});
  ViewConfig c = grouped({"g"}, {"w", "u"});
  c.sort = {{"w", SortOp::kNone}, {"u", SortOp::kAsc}};
  EXPECT_EQ(paths(*make_grouped_view(*table, c)), (std::vector<Path>{{}, {"a"}, {"b"}, {"c"}}));
  c.sort = {{"u", SortOp::kAsc}, {"w", SortOp::kNone}};
  EXPECT_EQ(paths(*make_grouped_view(*table, c)), (std::vector<Path>{{}, {"b"}, {"c"}, {"a"}}));
}

TEST(GroupedViewTest, WorkedExamplePivot) {
  auto table = worked_example();
  ViewConfig c = grouped({"k"}, {"v", "f"});
  c.split_by = {"c"};
  auto view = make_grouped_view(*table, c);
  ASSERT_TRUE(view);
  EXPECT_EQ(paths(*view), (std::vector<Path>{{}, {"a"}, {"b"}}));
  EXPECT_EQ(view->column_paths(), (std::vector<std::string>{"x|v", "x|f", "y|v", "y|f"}));
  EXPECT_EQ(column_values(*view, "x|v"), values({30, 10, 20}));
  EXPECT_EQ(column_values(*view, "x|f"), values({4.0, 1.5, 2.5}));
  EXPECT_EQ(column_values(*view, "y|v"), values({70, 30, 40}));
  EXPECT_EQ(column_values(*view, "y|f"), values({4.0, 0.0, 4.0}));  // sum of one null
  EXPECT_EQ(view->dimensions().num_view_columns, 4u);
  ViewSlice s = view->slice({.start_col = 1, .end_col = 3});
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0].name, "x|f");
  EXPECT_EQ(s.fields[1].name, "y|v");
  EXPECT_EQ(s.row_paths.size(), 3u);
}

TEST(GroupedViewTest, WorkedExampleSplitOnly) {
  auto table = worked_example();
  ViewConfig c;
  c.columns = std::vector<std::string>{"v", "f"};
  c.split_by = {"c"};
  auto view = make_grouped_view(*table, c);
  ASSERT_TRUE(view);
  ViewSlice s = view->slice({});
  EXPECT_FALSE(s.has_row_paths);
  EXPECT_EQ(s.row_keys, values({0, 1, 2, 3}));
  EXPECT_EQ(column_values(*view, "x|v"), values({10, 20, nullptr, nullptr}));
  EXPECT_EQ(column_values(*view, "x|f"), values({1.5, 2.5, nullptr, nullptr}));
  EXPECT_EQ(column_values(*view, "y|v"), values({nullptr, nullptr, 30, 40}));
  EXPECT_EQ(column_values(*view, "y|f"), values({nullptr, nullptr, 0.0, 4.0}));  // null → 0.0
  EXPECT_EQ(view->fields()[0].type, ColumnType::kInteger);
  // Updates may add column groups.
  view->update(apply(*table, kExampleFields, {{5, "a", "z", 1, 1.0, nullptr, nullptr, true}}));
  EXPECT_EQ(view->column_paths(),
            (std::vector<std::string>{"x|v", "x|f", "y|v", "y|f", "z|v", "z|f"}));
  EXPECT_EQ(column_values(*view, "z|v"), values({nullptr, nullptr, nullptr, nullptr, 1}));
}

TEST(GroupedViewTest, SplitValuesAsColumnNames) {
  using detail::split_value_text;
  EXPECT_EQ(split_value_text(Value()), "null");
  EXPECT_EQ(split_value_text(Value(true)), "true");
  EXPECT_EQ(split_value_text(Value(7)), "7");
  EXPECT_EQ(split_value_text(Value(1234567.0)), "1.23457e+06");
  EXPECT_EQ(split_value_text(Value(2.5)), "2.5");
  EXPECT_EQ(split_value_text(Value(Date{19724})), "2024-01-02");
  EXPECT_EQ(split_value_text(Value(DateTime{1704164645678})), "2024-01-02 03:04:05.678");
}

TEST(GroupedViewTest, UnsupportedPivotOptionsAreRefused) {
  auto table = worked_example();
  ViewConfig c = grouped({"k"}, {"v"});
  c.split_by = {"c"};
  c.split_rollup_mode = SplitRollupMode::kRollup;
  EXPECT_EQ(View::make(*table, c, ViewOptions{.pivot = true}).status().code(),
            ErrorCode::kUnsupported);
}

// Recorded from Perspective 5.5.1: column sorts order the split column groups by the
// column's aggregate over the whole view (ties in key order), or by the split value.
TEST(GroupedViewTest, ColumnSortsOrderSplitGroups) {
  const std::vector<Field> fields{{"k", ColumnType::kString},
                                  {"c", ColumnType::kString},
                                  {"v", ColumnType::kInteger},
                                  {"w", ColumnType::kFloat}};
  auto table = make_table(fields);
  apply(*table, fields,
        {{"a", "x", 10, 1.0},
         {"b", "x", 20, 5.0},
         {"a", "y", 30, 2.0},
         {"b", "z", 1, 9.0},
         {"a", "z", 3, nullptr}});
  auto paths_for = [&](std::vector<std::string> group_by, std::vector<std::string> columns,
                       std::vector<SortTerm> sort) {
    ViewConfig c = grouped(std::move(group_by), std::move(columns));
    c.split_by = {"c"};
    c.sort = std::move(sort);
    auto view = make_grouped_view(*table, c);
    return view ? view->column_paths() : std::vector<std::string>{};
  };
  using S = std::vector<std::string>;
  EXPECT_EQ(paths_for({"k"}, {"v", "w"}, {{"v", SortOp::kColDesc}}),
            (S{"x|v", "x|w", "y|v", "y|w", "z|v", "z|w"}));
  EXPECT_EQ(paths_for({"k"}, {"v", "w"}, {{"v", SortOp::kColAsc}}),
            (S{"z|v", "z|w", "x|v", "x|w", "y|v", "y|w"}));
  EXPECT_EQ(paths_for({"k"}, {"v"}, {{"w", SortOp::kColDesc}}), (S{"z|v", "x|v", "y|v"}));
  EXPECT_EQ(paths_for({"k"}, {"v"}, {{"c", SortOp::kColDesc}}), (S{"z|v", "y|v", "x|v"}));
  EXPECT_EQ(paths_for({"k"}, {"v"}, {{"v", SortOp::kColAscAbs}}), (S{"z|v", "x|v", "y|v"}));
  EXPECT_EQ(paths_for({}, {"v"}, {{"v", SortOp::kColDesc}}), (S{"y|v", "x|v", "z|v"}));
  ViewConfig c = grouped({"k"}, {"v", "w"});
  c.split_by = {"c"};
  c.sort = {{"v", SortOp::kColAsc}};
  auto view = make_grouped_view(*table, c);
  EXPECT_EQ(column_values(*view, "z|w"), values({9.0, 0.0, 9.0}));
  EXPECT_EQ(column_values(*view, "y|v"), values({30, 30, nullptr}));
}

}  // namespace
}  // namespace chview::engine
