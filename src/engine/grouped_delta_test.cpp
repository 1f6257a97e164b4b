// ViewDelta of grouped, pivoted and split-only views: the rows Perspective 5.5.1 lists in
// an on_update ROW delta, in its order (view order; split-only views lead with the hidden
// grand-total row when it changed). Expectations recorded from the 5.5.1 engine
// (tests/conformance/pivot.test.mjs reproducers).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

std::vector<size_t> rows_of(std::initializer_list<size_t> r) { return r; }

ViewConfig split_only(const std::string& column) {
  ViewConfig config;
  config.split_by = {column};
  return config;
}

TEST(GroupedDeltaTest, SplitOnlyReportsOnlyTheNewRow) {
  // {ts:int} [{ts:2}], split_by ts, update [{ts:2}]: 5.5.1 sends one row, [2].
  const std::vector<Field> fields = {{"ts", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{2}});
  auto view = make_grouped_view(*table, split_only("ts"));
  ViewDelta d = view->update(apply(*table, fields, {{2}}));
  EXPECT_EQ(d.changed_rows, rows_of({1}));
  EXPECT_FALSE(d.total_row);  // the total's first truthy value is still 2
  const ViewSlice s = view->delta_rows(d);
  ASSERT_EQ(s.num_rows(), 1u);
  EXPECT_EQ(s.columns[0].value_at(0), Value(2));
}

TEST(GroupedDeltaTest, SplitOnlyNewColumnGroupLeadsWithTheTotalRow) {
  // {b:int} [{b:7}], split_by b, update [{b:31}]: 5.5.1 sends the grand total (7, 31)
  // then the new row (null, 31); the unchanged first row is not sent.
  const std::vector<Field> fields = {{"b", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{7}});
  auto view = make_grouped_view(*table, split_only("b"));
  ViewDelta d = view->update(apply(*table, fields, {{31}}));
  EXPECT_EQ(d.changed_rows, rows_of({1}));
  EXPECT_TRUE(d.total_row);
  const ViewSlice s = view->delta_rows(d);
  ASSERT_EQ(s.num_rows(), 2u);
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0].name, "7|b");
  EXPECT_EQ(s.columns[0].value_at(0), Value(7));
  EXPECT_EQ(s.columns[1].value_at(0), Value(31));
  EXPECT_TRUE(s.columns[0].value_at(1).is_null());
  EXPECT_EQ(s.columns[1].value_at(1), Value(31));
}

TEST(GroupedDeltaTest, PivotedNewColumnGroupReportsOnlyTheRowsHoldingIt) {
  const std::vector<Field> fields = {
      {"g", ColumnType::kString}, {"c", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{"a", "x", 1}, {"b", "x", 2}});
  ViewConfig config;
  config.group_by = {"g"};
  config.split_by = {"c"};
  config.columns = std::vector<std::string>{"v"};
  auto view = make_grouped_view(*table, config);
  // Rows: total, a, b. A new column group "y" appears under b only.
  ViewDelta d = view->update(apply(*table, fields, {{"b", "y", 5}}));
  EXPECT_EQ(d.changed_rows, rows_of({0, 2}));
  EXPECT_FALSE(d.total_row);
}

TEST(GroupedDeltaTest, GroupedRowsComeInViewOrder) {
  const std::vector<Field> fields = {{"g", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{"a", 1}, {"b", 2}, {"c", 3}});
  ViewConfig config;
  config.group_by = {"g"};
  config.sort = {{"v", SortOp::kDesc}};
  auto view = make_grouped_view(*table, config);
  // Rows: total, c (3), b (2), a (1). After the update: total, a (11), c (4), b (2); the
  // changed rows are listed by their new positions, ascending.
  ViewDelta d = view->update(apply(*table, fields, {{"a", 10}, {"c", 1}}));
  EXPECT_EQ(d.changed_rows, rows_of({0, 1, 2}));
  EXPECT_EQ(column_values(*view, "v"), values({17, 11, 4, 2}));
}

TEST(GroupedDeltaTest, CountIsReportedWheneverItsNodeIsRecomputed) {
  // Perspective's count never compares with its old value: an update rewriting a row with
  // the same values still lists the total and the row's group.
  const std::vector<Field> fields = {{"id", ColumnType::kInteger}, {"g", ColumnType::kString}};
  auto table = make_table(fields, {.index = "id"});
  apply(*table, fields, {{1, "a"}, {2, "b"}});
  ViewConfig config;
  config.group_by = {"g"};
  config.columns = std::vector<std::string>{"g"};  // string: count by default
  auto view = make_grouped_view(*table, config);
  ViewDelta d = view->update(apply(*table, fields, {{2, "b"}}));
  EXPECT_EQ(d.changed_rows, rows_of({0, 2}));
}

TEST(GroupedDeltaTest, UnchangedSumsAreNotReported) {
  const std::vector<Field> fields = {
      {"id", ColumnType::kInteger}, {"g", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(fields, {.index = "id"});
  apply(*table, fields, {{1, "a", 1}, {2, "b", 2}});
  ViewConfig config;
  config.group_by = {"g"};
  config.columns = std::vector<std::string>{"v"};
  auto view = make_grouped_view(*table, config);
  ViewDelta d = view->update(apply(*table, fields, {{2, "b", 2}}));
  EXPECT_TRUE(d.changed_rows.empty());
  d = view->update(apply(*table, fields, {{2, "b", 3}}));
  EXPECT_EQ(d.changed_rows, rows_of({0, 2}));
}

TEST(GroupedDeltaTest, EmptyGrandTotalIsReportedOnEveryChange) {
  // A filter that matches nothing: 5.5.1 still sends the total row (its min over no rows
  // is recomputed as an untyped none).
  const std::vector<Field> fields = {{"g", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{"a", 1}});
  ViewConfig config;
  config.group_by = {"g"};
  config.columns = std::vector<std::string>{"v"};
  config.aggregates = {{"v", "min", {}}};
  config.filter = {{"v", ">", {100}}};
  auto view = make_grouped_view(*table, config);
  ViewDelta d = view->update(apply(*table, fields, {{"b", 2}}));
  EXPECT_EQ(d.changed_rows, rows_of({0}));
}

TEST(GroupedDeltaTest, SplitOnlyColumnSortAddsNoTotalRow) {
  // Column sorts do not give Perspective's total column (only row sorts do): an update
  // outside the filter sends an empty delta (5.5.1, conformance case 508).
  const std::vector<Field> fields = {
      {"f", ColumnType::kDate}, {"w", ColumnType::kBoolean}, {"x_1", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{Value(), false, 0}});
  ViewConfig config = split_only("f");
  config.sort = {{"x_1", SortOp::kColDesc}};
  config.filter = {{"w", "==", {true}}};
  auto view = make_grouped_view(*table, config);
  ViewDelta d = view->update(apply(*table, fields, {{Value(), false, 0}}));
  EXPECT_TRUE(d.changed_rows.empty());
  EXPECT_FALSE(d.total_row);
  EXPECT_EQ(view->delta_rows(d).num_rows(), 0u);
}

TEST(GroupedDeltaTest, PivotedTotalIsNotListedWhenNoColumnGroupChanged) {
  // A split_by view's total row is made of per-column-group nodes: an update that adds
  // nothing to the view lists nothing, although the view counts (conformance case 1709).
  const std::vector<Field> fields = {{"g", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(fields);
  apply(*table, fields, {{"a", 1}});
  ViewConfig config;
  config.group_by = {"g"};
  config.split_by = {"g"};
  config.columns = std::vector<std::string>{"g"};  // count
  config.filter = {{"v", "<", {10}}};
  auto view = make_grouped_view(*table, config);
  ViewDelta d = view->update(apply(*table, fields, {{"b", 50}}));
  EXPECT_TRUE(d.changed_rows.empty());
  d = view->update(apply(*table, fields, {{"a", 2}}));
  EXPECT_EQ(d.changed_rows, rows_of({0, 1}));  // recomputed counts are always listed
}

}  // namespace
}  // namespace chview::engine
