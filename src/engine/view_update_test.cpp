// View::update: row order stays current under TableDeltas, ViewDelta reports the
// changed rows in view order, and an incrementally maintained view always equals a view
// built from scratch (the oracle).
#include <gtest/gtest.h>

#include <random>

#include "engine/engine_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

const std::vector<Field> kKv = {{"id", ColumnType::kInteger}, {"v", ColumnType::kInteger}};

ViewConfig sorted_by_v() {
  ViewConfig config;
  config.sort = {{"v", SortOp::kAsc}};
  return config;
}

TEST(ViewUpdateTest, InsertsIntoSortedOrder) {
  auto table = make_table(kKv, {.index = "id"});
  apply(*table, kKv, {{1, 10}, {2, 30}, {3, 50}});
  auto view = make_view(*table, sorted_by_v());
  ViewDelta d = view->update(apply(*table, kKv, {{4, 40}, {5, 5}}));
  EXPECT_EQ(d.changed_rows, (std::vector<size_t>{0, 3}));
  EXPECT_EQ(d.num_removed, 0u);
  EXPECT_EQ(column_values(*view, "v"), values({5, 10, 30, 40, 50}));
  ViewSlice changed = view->rows(d.changed_rows);
  EXPECT_EQ(changed.row_keys, values({5, 4}));
  EXPECT_EQ(changed.columns[1].value_at(1), Value(40));
}

TEST(ViewUpdateTest, UpdatedRowMovesToItsNewPosition) {
  auto table = make_table(kKv, {.index = "id"});
  apply(*table, kKv, {{1, 10}, {2, 30}, {3, 50}});
  auto view = make_view(*table, sorted_by_v());
  ViewDelta d = view->update(apply(*table, kKv, {{1, 60}}));
  EXPECT_EQ(d.changed_rows, (std::vector<size_t>{2}));
  EXPECT_EQ(d.num_removed, 0u);
  EXPECT_EQ(row_keys(*view), values({2, 3, 1}));
  // A null written by a later update sorts first in asc (Perspective 5.5.1).
  d = view->update(apply(*table, kKv, {{2, nullptr}}));
  EXPECT_EQ(d.changed_rows, (std::vector<size_t>{0}));
  EXPECT_EQ(row_keys(*view), values({2, 3, 1}));
}

TEST(ViewUpdateTest, RowsLeaveAndEnterTheFilter) {
  auto table = make_table(kKv, {.index = "id"});
  apply(*table, kKv, {{1, 10}, {2, 30}, {3, 50}});
  ViewConfig config;
  config.filter = {{"v", ">", {20}}};
  auto view = make_view(*table, config);
  ViewDelta d = view->update(apply(*table, kKv, {{2, 0}}));
  EXPECT_TRUE(d.changed_rows.empty());
  EXPECT_EQ(d.num_removed, 1u);
  EXPECT_EQ(row_keys(*view), values({3}));
  d = view->update(apply(*table, kKv, {{1, 99}}));
  EXPECT_EQ(d.changed_rows, (std::vector<size_t>{0}));
  EXPECT_EQ(d.num_removed, 0u);
  EXPECT_EQ(row_keys(*view), values({1, 3}));
  // Filtered-out inserts change nothing.
  d = view->update(apply(*table, kKv, {{7, 1}}));
  EXPECT_FALSE(d.changed());
  EXPECT_EQ(view->dimensions().num_table_rows, 4u);
  EXPECT_EQ(view->dimensions().num_view_rows, 2u);
}

TEST(ViewUpdateTest, LimitEvictionReportsAppendedRows) {
  const std::vector<Field> x = {{"x", ColumnType::kInteger}};
  auto table = make_table(x, {.limit = 3});
  apply(*table, x, {{1}, {2}, {3}});
  auto view = make_view(*table);
  ViewDelta d = view->update(apply(*table, x, {{4}, {5}}));
  EXPECT_EQ(d.changed_rows, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(d.num_removed, 2u);
  EXPECT_EQ(view->rows(d.changed_rows).row_keys, values({3, 4}));
}

// Compares every visible value and key of two views.
void expect_same(const View& incremental, const View& fresh, const std::string& what) {
  ViewSlice a = incremental.slice({}), b = fresh.slice({});
  ASSERT_EQ(a.row_keys, b.row_keys) << what;
  ASSERT_EQ(a.fields, b.fields) << what;
  for (size_t c = 0; c < a.columns.size(); ++c) {
    for (size_t r = 0; r < a.num_rows(); ++r) {
      ASSERT_EQ(a.columns[c].value_at(r), b.columns[c].value_at(r)) << what;
    }
  }
}

std::vector<ViewConfig> oracle_configs() {
  std::vector<ViewConfig> configs(6);
  configs[1].sort = {{"v", SortOp::kAsc}};
  configs[2].sort = {{"s", SortOp::kDesc}, {"v", SortOp::kAscAbs}};
  configs[3].filter = {{"v", ">", {0}}};
  configs[3].sort = {{"f", SortOp::kDesc}};
  configs[4].filter = {{"s", "in", {"a", "c"}}, {"v", "is null", {}}};
  configs[4].filter_op = FilterCombinator::kOr;
  configs[4].sort = {{"v", SortOp::kDesc}};
  configs[5].filter = {{"s", "not contains", {"b"}}};
  configs[5].columns = std::vector<std::string>{"f", "id"};
  return configs;
}

Value random_value(std::mt19937& rng, ColumnType type) {
  if (rng() % 5 == 0) return {};
  switch (type) {
    case ColumnType::kInteger:
      return Value(static_cast<int>(rng() % 11) - 5);
    case ColumnType::kFloat:
      return Value((static_cast<int>(rng() % 9) - 4) * 0.5);
    default:
      return Value(std::string(1, static_cast<char>('a' + rng() % 4)));
  }
}

void run_oracle(TableOptions options, uint32_t seed) {
  const std::vector<Field> fields = {{"id", ColumnType::kInteger},
                                     {"v", ColumnType::kInteger},
                                     {"s", ColumnType::kString},
                                     {"f", ColumnType::kFloat}};
  auto table = make_table(fields, options);
  std::vector<std::unique_ptr<View>> views;
  for (const ViewConfig& c : oracle_configs()) views.push_back(make_view(*table, c));
  std::mt19937 rng(seed);
  for (int step = 0; step < 300; ++step) {
    TableDelta delta;
    const unsigned action = rng() % 20;
    if (action == 0) {
      delta = table->clear();
    } else if (action < 4 && options.index) {
      std::vector<Value> keys;
      for (unsigned k = rng() % 4; k > 0; --k) keys.push_back(Value(static_cast<int>(rng() % 25)));
      auto removed = table->remove(keys);
      ASSERT_TRUE(removed.is_ok());
      delta = *removed;
    } else {
      // A random subset of columns (always the key), random rows.
      std::vector<Field> subset = {fields[0]};
      for (size_t c = 1; c < fields.size(); ++c) {
        if (rng() % 3 != 0) subset.push_back(fields[c]);
      }
      std::vector<std::vector<Value>> rows;
      for (unsigned r = rng() % 6; r > 0; --r) {
        std::vector<Value> row = {Value(static_cast<int>(rng() % 25))};
        for (size_t c = 1; c < subset.size(); ++c) row.push_back(random_value(rng, subset[c].type));
        rows.push_back(std::move(row));
      }
      delta = apply(*table, subset, rows);
    }
    for (size_t v = 0; v < views.size(); ++v) {
      ViewDelta vd = views[v]->update(delta);
      auto fresh = make_view(*table, views[v]->config());
      const std::string what = "seed " + std::to_string(seed) + " step " + std::to_string(step) +
                               " view " + std::to_string(v);
      expect_same(*views[v], *fresh, what);
      // Every reported row is a row the delta touched, in ascending view order.
      std::vector<RowId> touched = delta.inserted;
      touched.insert(touched.end(), delta.updated.begin(), delta.updated.end());
      for (size_t i = 0; i < vd.changed_rows.size(); ++i) {
        ASSERT_LT(vd.changed_rows[i], views[v]->num_rows()) << what;
        if (i > 0) {
          ASSERT_LT(vd.changed_rows[i - 1], vd.changed_rows[i]) << what;
        }
      }
      ASSERT_LE(vd.changed_rows.size(), touched.size()) << what;
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(ViewUpdateTest, IncrementalEqualsRebuiltIndexTable) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    run_oracle({.index = "id"}, seed);
    if (HasFatalFailure()) return;
  }
}

TEST(ViewUpdateTest, IncrementalEqualsRebuiltLimitTable) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    run_oracle({.limit = 7}, seed);
    if (HasFatalFailure()) return;
  }
}

TEST(ViewUpdateTest, IncrementalEqualsRebuiltPlainTable) { run_oracle({}, 42); }

// Unique strings in a ring make the table replace its string dictionaries; views that
// cache per-code filter verdicts and sort ranks must notice.
TEST(ViewUpdateTest, SurvivesDictionaryCompaction) {
  const std::vector<Field> f = {{"s", ColumnType::kString}, {"n", ColumnType::kInteger}};
  auto table = make_table(f, {.limit = 50});
  ViewConfig by_s;
  by_s.sort = {{"s", SortOp::kDesc}};
  ViewConfig filtered;
  filtered.filter = {{"s", "contains", {"7"}}};
  filtered.sort = {{"s", SortOp::kAsc}};
  auto a = make_view(*table, by_s);
  auto b = make_view(*table, filtered);
  std::mt19937 rng(7);
  uint64_t first_dictionary = table->column(0).dictionary().id();
  for (int step = 0; step < 400; ++step) {
    std::vector<std::vector<Value>> rows;
    for (int r = 0; r < 9; ++r) rows.push_back({"k" + std::to_string(rng() % 100000), step});
    TableDelta delta = apply(*table, f, rows);
    a->update(delta);
    b->update(delta);
    if (step % 20 == 19) {
      expect_same(*a, *make_view(*table, by_s), "sorted step " + std::to_string(step));
      expect_same(*b, *make_view(*table, filtered), "filtered step " + std::to_string(step));
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_NE(table->column(0).dictionary().id(), first_dictionary);  // compaction happened
}

}  // namespace
}  // namespace chview::engine
