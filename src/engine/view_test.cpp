#include "engine/view.h"

#include <gtest/gtest.h>

#include <random>

#include "engine/engine_test_util.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using columnar::Date;
using columnar::DateTime;

// The 4-row table of spec §3.11.
const std::vector<Field> kExample = {
    {"id", ColumnType::kInteger}, {"k", ColumnType::kString},  {"c", ColumnType::kString},
    {"v", ColumnType::kInteger},  {"f", ColumnType::kFloat},   {"d", ColumnType::kDate},
    {"t", ColumnType::kDatetime}, {"b", ColumnType::kBoolean},
};

std::unique_ptr<Table> make_example() {
  auto table = make_table(kExample);
  apply(*table, kExample,
        {
            {1, "a", "x", 10, 1.5, "2024-01-01", "2024-01-01T10:00:00Z", true},
            {2, "b", "x", 20, 2.5, "2024-01-02", "2024-01-02T11:30:00Z", false},
            {3, "a", "y", 30, nullptr, "2024-01-03", "2024-01-03T12:00:00.123Z", true},
            {4, "b", "y", 40, 4.0, nullptr, nullptr, nullptr},
        });
  return table;
}

TEST(ViewTest, WorkedExampleFlatOutput) {
  auto table = make_example();
  auto view = make_view(*table);
  ViewSlice s = view->slice({});
  ASSERT_EQ(s.fields.size(), 8u);
  for (size_t i = 0; i < kExample.size(); ++i) EXPECT_EQ(s.fields[i], kExample[i]);
  EXPECT_EQ(column_values(*view, "id"), values({1, 2, 3, 4}));
  EXPECT_EQ(column_values(*view, "k"), values({"a", "b", "a", "b"}));
  EXPECT_EQ(column_values(*view, "c"), values({"x", "x", "y", "y"}));
  EXPECT_EQ(column_values(*view, "v"), values({10, 20, 30, 40}));
  EXPECT_EQ(column_values(*view, "f"), values({1.5, 2.5, nullptr, 4.0}));
  // Epoch milliseconds of spec §3.11: 1704067200000 = 2024-01-01 = day 19723.
  EXPECT_EQ(column_values(*view, "d"), values({Date{19723}, Date{19724}, Date{19725}, nullptr}));
  EXPECT_EQ(column_values(*view, "t"), values({DateTime{1704103200000}, DateTime{1704195000000},
                                               DateTime{1704283200123}, nullptr}));
  EXPECT_EQ(column_values(*view, "b"), values({true, false, true, nullptr}));
  EXPECT_EQ(s.row_keys, values({0, 1, 2, 3}));
  // Raw storage for encoders.
  EXPECT_EQ(s.columns[6].int64_values()[2], 1704283200123);
  EXPECT_EQ(s.columns[5].date_values()[0], 19723);
  EXPECT_EQ(s.columns[4].validity()[2], 0);

  ViewDimensions dims = view->dimensions();
  EXPECT_EQ(dims.num_table_rows, 4u);
  EXPECT_EQ(dims.num_table_columns, 8u);
  EXPECT_EQ(dims.num_view_rows, 4u);
  EXPECT_EQ(dims.num_view_columns, 8u);
  EXPECT_EQ(view->column_paths(),
            (std::vector<std::string>{"id", "k", "c", "v", "f", "d", "t", "b"}));
}

TEST(ViewTest, ExplicitColumnsAndHiddenSortColumn) {
  auto table = make_example();
  ViewConfig config;
  config.columns = std::vector<std::string>{"v", "k"};
  config.sort = {{"f", SortOp::kDesc}};
  auto view = make_view(*table, config);
  EXPECT_EQ(view->column_paths(), (std::vector<std::string>{"v", "k"}));
  EXPECT_EQ(view->dimensions().num_view_columns, 2u);
  // desc: null first, then 4.0, 2.5, 1.5
  EXPECT_EQ(column_values(*view, "v"), values({30, 40, 20, 10}));
  EXPECT_EQ(row_keys(*view), values({2, 3, 1, 0}));
  EXPECT_EQ(view->config(), config);

  config.columns = std::vector<std::string>{};
  auto empty = make_view(*table, config);
  EXPECT_EQ(empty->dimensions().num_view_columns, 0u);
  EXPECT_EQ(empty->dimensions().num_view_rows, 4u);
}

TEST(ViewTest, ValidationMessagesMatchTheReference) {
  auto table = make_example();
  auto error_of = [&](ViewConfig config) {
    auto view = View::make(*table, std::move(config));
    return view.is_ok() ? std::string("ok") : view.status().message();
  };
  ViewConfig c;
  c.columns = std::vector<std::string>{"v", "nope"};
  EXPECT_EQ(error_of(c), "Invalid column 'nope' found in View columns.\n");
  c = {};
  c.filter = {{"nope", "==", {1}}};
  EXPECT_EQ(error_of(c), "Invalid column 'nope' found in View filters.\n");
  c = {};
  c.sort = {{"nope", SortOp::kAsc}};
  EXPECT_EQ(error_of(c), "Invalid column 'nope' found in View sorts.\n");
  c = {};
  c.group_by = {"nope"};
  EXPECT_EQ(error_of(c), "Invalid column 'nope' found in View group_by.\n");
  c = {};
  c.split_by = {"nope"};
  EXPECT_EQ(error_of(c), "Invalid column 'nope' found in View split_by.\n");
  c = {};
  c.aggregates = {{"v", "bogus", {}}};
  EXPECT_EQ(error_of(c), "Invalid aggregate 'bogus' for column 'v' found in View aggregates.\n");
  c = {};
  c.aggregates = {{"nope", "sum", {}}};
  EXPECT_EQ(error_of(c), "Invalid column 'nope' found in View aggregates.\n");
  c = {};
  c.aggregates = {{"v", "weighted mean", {"f"}}, {"k", "dominant", {}}};  // accepted, ignored
  EXPECT_EQ(error_of(c), "ok");

  c = {};
  c.group_by = {"k"};
  auto view = View::make(*table, c);
  EXPECT_EQ(view.status().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(view.status().message(), "group_by is not supported yet");
  c = {};
  c.split_by = {"k"};
  EXPECT_EQ(error_of(c), "split_by is not supported yet");
  c = {};
  c.expressions = {{"e", "\"v\" * 2"}};
  EXPECT_EQ(View::make(*table, c).status().code(), ErrorCode::kUnsupported);
}

TEST(ViewTest, ViewportIsClampedAndHalfOpen) {
  auto table = make_example();
  auto view = make_view(*table);
  ViewSlice s = view->slice({.start_row = 1, .start_col = 3, .end_row = 3, .end_col = 5});
  EXPECT_EQ(s.start_row, 1u);
  EXPECT_EQ(s.end_row, 3u);
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0].name, "v");
  EXPECT_EQ(s.fields[1].name, "f");
  EXPECT_EQ(s.columns[0].value_at(0), Value(20));
  EXPECT_EQ(s.columns[1].value_at(1), Value());
  EXPECT_EQ(s.row_keys, values({1, 2}));

  s = view->slice({.start_row = 2, .end_row = 100, .end_col = 100});
  EXPECT_EQ(s.end_row, 4u);
  EXPECT_EQ(s.num_rows(), 2u);
  EXPECT_EQ(s.end_col, 8u);
  EXPECT_EQ(s.fields.size(), 8u);

  s = view->slice({.start_row = 10});
  EXPECT_EQ(s.num_rows(), 0u);
  EXPECT_EQ(s.start_row, 4u);
  s = view->slice({.start_row = 3, .end_row = 1});
  EXPECT_EQ(s.num_rows(), 0u);
  s = view->slice({.start_col = 6, .end_col = 2});
  EXPECT_TRUE(s.fields.empty());
  EXPECT_EQ(s.num_rows(), 4u);
}

TEST(ViewTest, RowsSelectsGivenViewRows) {
  auto table = make_example();
  auto view = make_view(*table);
  const std::vector<size_t> rows = {3, 0};
  ViewSlice s = view->rows(rows);
  EXPECT_EQ(s.row_keys, values({3, 0}));
  EXPECT_EQ(s.columns[3].value_at(0), Value(40));
  EXPECT_EQ(s.fields.size(), 8u);
}

TEST(ViewTest, MinMaxIgnoresNullsAndFilteredRows) {
  auto table = make_example();
  ViewConfig config;
  config.filter = {{"v", ">", {10}}};
  auto view = make_view(*table, config);
  auto mm = view->min_max("f");
  ASSERT_TRUE(mm.is_ok());
  EXPECT_EQ(mm->first, Value(2.5));
  EXPECT_EQ(mm->second, Value(4.0));
  mm = view->min_max("k");
  EXPECT_EQ(mm->first, Value("a"));
  EXPECT_EQ(mm->second, Value("b"));
  mm = view->min_max("d");
  EXPECT_EQ(mm->first, Value(Date{19724}));
  EXPECT_FALSE(view->min_max("nope").is_ok());
}

TEST(ViewTest, FlatNavigationIsANoOp) {
  auto table = make_example();
  auto view = make_view(*table);
  EXPECT_EQ(view->collapse(2), 2u);
  EXPECT_EQ(view->expand(1), 1u);
  view->set_depth(0);
  EXPECT_EQ(view->num_rows(), 4u);
}

}  // namespace
}  // namespace chview::engine
