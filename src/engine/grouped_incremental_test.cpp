// Randomized differential test of incrementally maintained grouped views: random tables
// (plain, limit, index), random grouped configs (group_by depth 0–3, split_by 0–2,
// rollup/flat/total, every aggregate, value/abs sorts on shown and hidden columns, column
// sorts, filters) and random
// update sequences (appends, upserts moving rows between groups, removes, limit
// eviction, clears, collapses). After every step the live view must equal a view built
// from scratch by the reference rebuild (detail::use_rollup_trees(false)): every row,
// path, column and the order; and its ViewDelta must list every visible row whose path
// is new or whose values changed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>

#include "engine/detail/grouped.h"
#include "engine/engine_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

const std::vector<Field> kFields = {
    {"id", ColumnType::kInteger}, {"g1", ColumnType::kString}, {"g2", ColumnType::kInteger},
    {"b", ColumnType::kBoolean},  {"x", ColumnType::kInteger}, {"f", ColumnType::kFloat},
    {"d", ColumnType::kDate},     {"s", ColumnType::kString},
};

const std::vector<std::string> kAggregates = {"sum",
                                              "sum not null",
                                              "abs sum",
                                              "sum abs",
                                              "count",
                                              "distinct count",
                                              "avg",
                                              "min",
                                              "max",
                                              "high",
                                              "low",
                                              "high minus low",
                                              "first",
                                              "last",
                                              "last by index",
                                              "last minus first",
                                              "any",
                                              "and",
                                              "dominant",
                                              "unique",
                                              "distinct leaf",
                                              "median",
                                              "q1",
                                              "q3",
                                              "pct sum parent",
                                              "pct sum grand total",
                                              "var",
                                              "stddev",
                                              "gmv",
                                              "join",
                                              "weighted mean",
                                              "min by",
                                              "max by",
                                              "mul"};

class Random {
 public:
  explicit Random(uint32_t seed) : engine_(seed) {}
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(engine_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(engine_); }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  std::mt19937 engine_;
};

// Small domains so groups collide; floats are quarters, so sums are exact.
std::vector<Value> random_row(Random& rng, int64_t id) {
  const std::vector<std::string> g1 = {"a", "b", "c", "zz", ""};
  const std::vector<std::string> s = {"p", "q", "r", "apple", "B"};
  std::vector<Value> row = {Value(id),
                            Value(g1[rng.below(g1.size())]),
                            Value(static_cast<int64_t>(rng.below(4))),
                            Value(rng.chance(0.5)),
                            Value(static_cast<int64_t>(rng.below(11)) - 5),
                            Value(static_cast<double>(rng.below(41)) / 4 - 5),
                            Value(columnar::Date{19000 + static_cast<int32_t>(rng.below(3))}),
                            Value(s[rng.below(s.size())])};
  // Every cell but the key is null now and then (set in place: g++ 12 -O2 warns about
  // copying a Value through a conditional).
  for (size_t c = 1; c < row.size(); ++c) {
    if (rng.chance(0.12)) row[c] = Value();
  }
  return row;
}

ViewConfig random_config(Random& rng) {
  ViewConfig config;
  std::vector<std::string> keys = {"g1", "g2", "b", "d", "x"};
  const size_t depth = rng.below(4);
  for (size_t i = 0; i < depth; ++i) {
    const size_t k = rng.below(keys.size());
    config.group_by.push_back(keys[k]);
    keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(k));
  }
  if (rng.chance(0.35)) {
    std::vector<std::string> splits = {"g1", "g2", "b", "d", "s"};
    for (size_t i = rng.below(2) + 1; i > 0; --i) {
      const size_t k = rng.below(splits.size());
      config.split_by.push_back(splits[k]);
      splits.erase(splits.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
  const size_t mode = rng.below(10);
  const bool split_only = config.group_by.empty() && !config.split_by.empty() && rng.chance(0.5);
  if (split_only) {
    // rows are table rows (rebuilt on every change)
  } else if (config.group_by.empty() || mode == 0) {
    config.group_rollup_mode = GroupRollupMode::kTotal;
  } else if (mode == 1) {
    config.group_rollup_mode = GroupRollupMode::kFlat;
  }
  if (rng.chance(0.2)) config.group_by_depth = static_cast<uint32_t>(rng.below(3));
  std::vector<std::string> columns;
  for (const Field& f : kFields) {
    if (rng.chance(0.6)) columns.push_back(f.name);
  }
  if (columns.empty()) columns.push_back("x");
  config.columns = columns;
  std::set<std::string> unstable_sort;  // var/stddev: last-bit differences may reorder ties
  for (const Field& f : kFields) {
    if (!rng.chance(0.7)) continue;
    std::string agg = rng.pick(kAggregates);
    if (agg == "mul" && f.name != "f") agg = "sum";  // integer products overflow
    std::vector<std::string> args;
    if (agg == "weighted mean" || agg == "min by" || agg == "max by") {
      args.push_back(rng.chance(0.5) ? "x" : "f");
    }
    if (agg == "var" || agg == "stddev") unstable_sort.insert(f.name);
    config.aggregates.push_back({f.name, agg, args});
  }
  const std::vector<SortOp> ops = {SortOp::kAsc, SortOp::kDesc, SortOp::kAscAbs, SortOp::kDescAbs};
  const size_t sorts = rng.below(3);
  for (size_t i = 0; i < sorts; ++i) {
    const std::string& column = kFields[rng.below(kFields.size())].name;
    if (unstable_sort.count(column)) continue;
    config.sort.push_back({column, ops[rng.below(ops.size())]});
  }
  if (!config.split_by.empty() && rng.chance(0.15)) {  // column sorts (rebuilt)
    config.sort.push_back({"x", rng.chance(0.5) ? SortOp::kColAsc : SortOp::kColDesc});
  }
  if (rng.chance(0.2)) config.filter = {{"x", ">", {Value(int64_t{-2})}}};
  return config;
}

bool same_value(const Value& a, const Value& b) {
  if (a.kind() == Value::Kind::kFloat && b.kind() == Value::Kind::kFloat) {
    const double x = a.as_float(), y = b.as_float();
    return x == y || std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)});
  }
  return a == b;
}

std::string describe(const ViewSlice& s) {
  std::string out = "columns:";
  for (size_t c = 0; c < s.fields.size(); ++c) {
    out += " " + s.fields[c].name + "(" + s.aggregates[c] + ")";
  }
  out += "\n";
  for (size_t r = 0; r < s.num_rows(); ++r) {
    out += "[";
    if (s.has_row_paths) {
      for (const Value& v : s.row_paths[r]) out += v.debug_string() + " ";
    }
    out += "]";
    for (const Column& c : s.columns) out += " " + c.value_at(r).debug_string();
    out += "\n";
  }
  return out;
}

void expect_same(const View& live, const View& reference, const std::string& what) {
  const ViewSlice a = live.slice({}), b = reference.slice({});
  ASSERT_EQ(a.num_rows(), b.num_rows()) << what << "\nlive:\n"
                                        << describe(a) << "reference:\n"
                                        << describe(b);
  ASSERT_EQ(a.fields.size(), b.fields.size()) << what;
  for (size_t c = 0; c < a.fields.size(); ++c) {
    ASSERT_EQ(a.fields[c].name, b.fields[c].name) << what;
    ASSERT_EQ(a.fields[c].type, b.fields[c].type) << what;
    ASSERT_EQ(a.aggregates[c], b.aggregates[c]) << what;
  }
  ASSERT_EQ(a.has_row_paths, b.has_row_paths);
  bool ok = a.row_paths == b.row_paths;
  for (size_t c = 0; ok && c < a.columns.size(); ++c) {
    for (size_t r = 0; ok && r < a.num_rows(); ++r) {
      ok = same_value(a.columns[c].value_at(r), b.columns[c].value_at(r));
    }
  }
  ASSERT_TRUE(ok) << what << "\nlive:\n" << describe(a) << "reference:\n" << describe(b);
}

// Visible rows by path → values by column name (pct columns excluded: they are
// read-time shares of the parent's sum, not reported for unchanged siblings — as
// Perspective).
using Snapshot = std::map<std::vector<Value>, std::map<std::string, Value>, detail::PathLess>;
Snapshot snapshot(const View& view) {
  const ViewSlice s = view.slice({});
  Snapshot out;
  for (size_t r = 0; r < s.num_rows(); ++r) {
    std::map<std::string, Value> values;
    for (size_t c = 0; c < s.columns.size(); ++c) {
      if (s.aggregates[c].starts_with("pct")) continue;
      values[s.fields[c].name] = s.columns[c].value_at(r);
    }
    out[s.has_row_paths ? s.row_paths[r] : std::vector<Value>{}] = std::move(values);
  }
  return out;
}

// Perspective lists a row when one of its cells' tree nodes changed: a cell in a column
// group new to the view is new only where it holds a value, and a row's cells in a column
// group gone from the view were deleted, not changed (t_ctx2::get_rows_changed).
bool same_row(const std::map<std::string, Value>& before,
              const std::map<std::string, Value>& after) {
  for (const auto& [name, value] : after) {
    auto it = before.find(name);
    if (!same_value(it == before.end() ? Value() : it->second, value)) return false;
  }
  return true;
}

void check_delta(const View& view, const ViewDelta& delta, const Snapshot& before, bool cleared,
                 const std::string& what) {
  ASSERT_TRUE(std::is_sorted(delta.changed_rows.begin(), delta.changed_rows.end())) << what;
  ASSERT_TRUE(std::adjacent_find(delta.changed_rows.begin(), delta.changed_rows.end()) ==
              delta.changed_rows.end())
      << what;
  for (size_t r : delta.changed_rows) ASSERT_LT(r, view.num_rows()) << what;
  const auto after = snapshot(view);
  const ViewSlice s = view.slice({});
  for (size_t r = 0; r < s.num_rows(); ++r) {
    const std::vector<Value> path = s.has_row_paths ? s.row_paths[r] : std::vector<Value>{};
    auto it = before.find(path);
    const bool same = it != before.end() && same_row(it->second, after.at(path));
    if (!same) {
      ASSERT_TRUE(std::binary_search(delta.changed_rows.begin(), delta.changed_rows.end(), r))
          << what << ": row " << r << " changed but not reported\n"
          << describe(s);
    }
  }
  if (cleared) return;
  size_t gone = 0;
  for (const auto& [path, values] : before) gone += after.count(path) == 0;
  EXPECT_EQ(delta.num_removed, gone) << what;
}

std::unique_ptr<View> reference_view(const Table& table, const ViewConfig& config,
                                     std::optional<uint32_t> depth,
                                     const std::vector<std::vector<Value>>& collapsed) {
  detail::use_rollup_trees(false);
  auto view = make_grouped_view(table, config);
  detail::use_rollup_trees(true);
  if (depth) view->set_depth(*depth);
  // Deepest first, so a collapsed ancestor does not hide its collapsed descendants.
  std::vector<std::vector<Value>> paths = collapsed;
  std::stable_sort(paths.begin(), paths.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& path : paths) {
    const ViewSlice s = view->slice({});
    for (size_t r = 0; r < s.num_rows(); ++r) {
      if (s.has_row_paths && s.row_paths[r] == path) {
        view->collapse(r);
        break;
      }
    }
  }
  return view;
}

struct Scenario {
  TableOptions options;
  const char* name;
};

void run_scenario(uint32_t seed, size_t steps) {
  Random rng(seed);
  const std::vector<Scenario> scenarios = {
      {{}, "plain"}, {{.limit = 24}, "limit"}, {{.index = "id"}, "index"}};
  const Scenario& scenario = scenarios[rng.below(scenarios.size())];
  auto table = make_table(kFields, scenario.options);
  ASSERT_TRUE(table);
  const bool indexed = scenario.options.index.has_value();
  int64_t next_id = 0;
  auto random_rows = [&](size_t n) {
    std::vector<std::vector<Value>> rows;
    for (size_t i = 0; i < n; ++i) {
      const int64_t id = indexed ? static_cast<int64_t>(rng.below(30)) : next_id++;
      rows.push_back(random_row(rng, id));
    }
    return rows;
  };
  apply(*table, kFields, random_rows(rng.below(25)));
  const ViewConfig config = random_config(rng);
  auto live = make_grouped_view(*table, config);
  ASSERT_TRUE(live);
  std::optional<uint32_t> depth;
  std::vector<std::vector<Value>> collapsed;
  for (size_t step = 0; step < steps; ++step) {
    const std::string what = "seed " + std::to_string(seed) + " step " + std::to_string(step) +
                             " (" + scenario.name + ")";
    const auto before = snapshot(*live);
    const size_t action = rng.below(20);
    TableDelta delta;
    if (action == 0) {
      delta = table->clear();
    } else if (action <= 3 && indexed) {
      std::vector<Value> keys;
      for (size_t i = rng.below(4) + 1; i > 0; --i) {
        keys.push_back(Value(static_cast<int64_t>(rng.below(30))));
      }
      auto removed = table->remove(keys);
      ASSERT_TRUE(removed.is_ok());
      delta = std::move(removed).value();
    } else if (action == 4 && live->num_rows() > 1) {
      const size_t row = rng.below(live->num_rows());
      const ViewSlice s = live->rows(std::vector<size_t>{row});
      if (live->collapse(row) > 0 && s.has_row_paths) collapsed.push_back(s.row_paths[0]);
      expect_same(*live, *reference_view(*table, config, depth, collapsed), what + " collapse");
      continue;
    } else if (action == 5) {
      const auto d = static_cast<uint32_t>(rng.below(3));
      live->set_depth(d);
      if (d <= config.group_by.size()) {  // deeper ones are ignored, as in Perspective
        depth = d;
        collapsed.clear();
      }
      expect_same(*live, *reference_view(*table, config, depth, collapsed), what + " depth");
      continue;
    } else {
      delta = apply(*table, kFields, random_rows(rng.below(8) + 1));
    }
    const ViewDelta view_delta = live->update(delta);
    auto reference = reference_view(*table, config, depth, collapsed);
    expect_same(*live, *reference, what);
    // Views that rebuild (split-only, column sorts) report every row instead.
    const bool rebuilt =
        !config.split_by.empty() &&
        ((config.group_by.empty() && config.group_rollup_mode != GroupRollupMode::kTotal) ||
         std::any_of(config.sort.begin(), config.sort.end(), [](const SortTerm& t) {
           return t.op == SortOp::kColAsc || t.op == SortOp::kColDesc;
         }));
    if (!rebuilt) check_delta(*live, view_delta, before, delta.cleared, what);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(GroupedIncrementalTest, MatchesRebuiltViewsOverRandomUpdates) {
  constexpr uint32_t kScenarios = 400;
  for (uint32_t seed = 1; seed <= kScenarios; ++seed) {
    run_scenario(seed, 12);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Many siblings, few changes per step: touched rows are re-placed by binary insertion
// (the path the small random tables above rarely take), under value and abs sorts.
TEST(GroupedIncrementalTest, WideSortedLevelsUnderSmallUpdates) {
  const std::vector<Field> fields = {{"id", ColumnType::kInteger},
                                     {"g", ColumnType::kInteger},
                                     {"h", ColumnType::kString},
                                     {"v", ColumnType::kInteger}};
  const std::vector<SortOp> ops = {SortOp::kAsc, SortOp::kDesc, SortOp::kAscAbs, SortOp::kDescAbs};
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    Random rng(seed);
    auto table = make_table(fields, {.index = "id"});
    auto random_rows = [&](size_t n) {
      std::vector<std::vector<Value>> rows;
      for (size_t i = 0; i < n; ++i) {
        rows.push_back({Value(static_cast<int64_t>(rng.below(3000))),
                        Value(static_cast<int64_t>(rng.below(300))),
                        Value(std::string(1, static_cast<char>('a' + rng.below(3)))),
                        Value(static_cast<int64_t>(rng.below(41)) - 20)});
      }
      return rows;
    };
    apply(*table, fields, random_rows(1200));
    ViewConfig config;
    config.group_by = seed % 2 ? std::vector<std::string>{"g"} : std::vector<std::string>{"h", "g"};
    config.aggregates = {{"v", seed % 3 ? "sum" : "max", {}}};
    config.sort = {{"v", ops[seed % ops.size()]}};
    auto live = make_grouped_view(*table, config);
    for (int step = 0; step < 100; ++step) {
      TableDelta delta;
      if (rng.chance(0.3)) {
        std::vector<Value> keys = {Value(static_cast<int64_t>(rng.below(3000)))};
        delta = table->remove(keys).value();
      } else {
        delta = apply(*table, fields, random_rows(rng.below(3) + 1));
      }
      live->update(delta);
      detail::use_rollup_trees(false);
      auto reference = make_grouped_view(*table, config);
      detail::use_rollup_trees(true);
      expect_same(*live, *reference,
                  "seed " + std::to_string(seed) + " step " + std::to_string(step));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// A moved row leaves its old group and enters the new one; only those rows are reported.
TEST(GroupedIncrementalTest, UpsertMovesARowBetweenGroups) {
  const std::vector<Field> fields = {
      {"id", ColumnType::kInteger}, {"g", ColumnType::kString}, {"v", ColumnType::kInteger}};
  auto table = make_table(fields, {.index = "id"});
  apply(*table, fields, {{1, "a", 10}, {2, "a", 20}, {3, "b", 5}, {4, "c", 1}});
  ViewConfig config;
  config.group_by = {"g"};
  config.columns = {"v"};
  config.aggregates = {{"v", "max", {}}};
  config.sort = {{"v", SortOp::kDesc}};
  auto view = make_grouped_view(*table, config);
  EXPECT_EQ(column_values(*view, "v"), values({20, 20, 5, 1}));
  // Row 2 (the max of "a") moves to "c": a's max falls back to 10, c's rises to 20.
  ViewDelta d = view->update(apply(*table, fields, {{2, "c", 20}}));
  EXPECT_EQ(column_values(*view, "v"), values({20, 20, 10, 5}));
  ViewSlice s = view->slice({});
  EXPECT_EQ(s.row_paths[1], values({"c"}));
  EXPECT_EQ(s.row_paths[2], values({"a"}));
  EXPECT_EQ(d.changed_rows, (std::vector<size_t>{1, 2}));  // the total's max is unchanged
  EXPECT_EQ(d.num_removed, 0u);
  // Removing "b"'s only row removes its row.
  auto removed = table->remove(values({3}));
  ASSERT_TRUE(removed.is_ok());
  d = view->update(*removed);
  EXPECT_EQ(d.num_removed, 1u);
  EXPECT_TRUE(d.changed_rows.empty());  // total max 20 unchanged
  EXPECT_EQ(view->num_rows(), 3u);
}

// A ring of unique strings: the view's snapshot of the string column drops the strings
// of evicted rows (dictionary compaction) and keeps the right values.
TEST(GroupedIncrementalTest, UniqueStringStreamThroughALimitTable) {
  const std::vector<Field> fields = {{"g", ColumnType::kInteger}, {"s", ColumnType::kString}};
  auto table = make_table(fields, {.limit = 10});
  ViewConfig config;
  config.group_by = {"g"};
  config.aggregates = {{"s", "max", {}}};
  auto view = make_grouped_view(*table, config);
  for (int batch = 0; batch < 800; ++batch) {
    std::vector<std::vector<Value>> rows;
    for (int i = 0; i < 5; ++i) {
      const int n = batch * 5 + i;
      rows.push_back({Value(n % 3), Value("s" + std::to_string(100000 + n))});
    }
    view->update(apply(*table, fields, rows));
  }
  detail::use_rollup_trees(false);
  auto reference = make_grouped_view(*table, config);
  detail::use_rollup_trees(true);
  expect_same(*view, *reference, "after 4000 unique strings");
  EXPECT_EQ(column_values(*view, "s"), values({"s103999", "s103999", "s103997", "s103998"}));
}

}  // namespace
}  // namespace chview::engine
