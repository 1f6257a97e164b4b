// Bulk-built grouped views (a view's creation: rollup_bulk.cpp, AggState's bulk paths,
// split_by combos by dictionary code) and large incremental batches (≥ 64 rows: column
// groups fed in one pass, value maps filled from sorted cells) against the reference
// rebuild (detail::use_rollup_trees(false)), on tables large enough to take those paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/detail/grouped.h"
#include "engine/engine_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using testing::apply;
using testing::make_grouped_view;
using testing::make_table;

const std::vector<Field> kFields = {
    {"id", ColumnType::kInteger}, {"g", ColumnType::kString},  {"h", ColumnType::kInteger},
    {"s", ColumnType::kString},   {"f", ColumnType::kFloat},   {"x", ColumnType::kInteger},
    {"d", ColumnType::kDate},     {"b", ColumnType::kBoolean},
};

std::vector<std::vector<Value>> random_rows(std::mt19937& rng, size_t n, int64_t first_id) {
  auto below = [&rng](uint32_t k) { return static_cast<uint32_t>(rng() % k); };
  auto maybe_null = [&](Value v) { return below(10) == 0 ? Value() : v; };
  const std::vector<std::string> g = {"a", "b", "c", "zz", ""}, s = {"p", "q", "r"};
  std::vector<std::vector<Value>> rows;
  for (size_t i = 0; i < n; ++i) {
    double f = static_cast<double>(below(2001)) / 100 - 10;
    if (below(50) == 0) f = std::numeric_limits<double>::quiet_NaN();
    if (below(50) == 0) f = -0.0;
    rows.push_back({Value(first_id + static_cast<int64_t>(i)), maybe_null(Value(g[below(5)])),
                    maybe_null(Value(static_cast<int64_t>(below(4)))),
                    maybe_null(Value(s[below(3)])), maybe_null(Value(f)),
                    maybe_null(Value(static_cast<int64_t>(below(200)) - 100)),
                    maybe_null(Value(columnar::Date{19000 + static_cast<int32_t>(below(30))})),
                    maybe_null(Value(below(2) == 0))});
  }
  return rows;
}

// `exact`: a fresh build adds floats in the reference's order (bit-identical); after an
// update the running sums took the new rows last (last bits may differ).
bool same_value(const Value& a, const Value& b, bool exact) {
  if (a.kind() == Value::Kind::kFloat && b.kind() == Value::Kind::kFloat) {
    const double x = a.as_float(), y = b.as_float();
    if ((std::isnan(x) && std::isnan(y)) || x == y) return true;
    return !exact && std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)});
  }
  return a == b;
}

void expect_same(const View& live, const View& reference, bool exact, const std::string& what) {
  const ViewSlice a = live.slice({}), b = reference.slice({});
  ASSERT_EQ(a.num_rows(), b.num_rows()) << what;
  ASSERT_EQ(a.columns.size(), b.columns.size()) << what;
  EXPECT_EQ(a.row_paths, b.row_paths) << what;
  for (size_t c = 0; c < a.columns.size(); ++c) {
    ASSERT_EQ(a.fields[c].name, b.fields[c].name) << what;
    for (size_t r = 0; r < a.num_rows(); ++r) {
      const Value x = a.columns[c].value_at(r), y = b.columns[c].value_at(r);
      EXPECT_TRUE(same_value(x, y, exact))
          << what << " column " << a.fields[c].name << " row " << r;
    }
  }
}

std::unique_ptr<View> reference_view(const Table& table, const ViewConfig& config) {
  detail::use_rollup_trees(false);
  auto view = make_grouped_view(table, config);
  detail::use_rollup_trees(true);
  return view;
}

TEST(GroupedBulkTest, LargeViewsMatchTheReferenceRebuild) {
  const std::vector<std::vector<std::string>> group_bys = {{"g"}, {"g", "h"}};
  const std::vector<std::vector<std::string>> split_bys = {{}, {"s"}, {"s", "g"}};
  const std::vector<std::vector<std::string>> aggregate_sets = {
      {"sum", "count", "max", "min"},
      {"high", "low", "distinct count", "unique"},
      {"median", "first", "last", "any"},
      {"avg", "var", "sum abs", "high minus low"},
      {"count", "sum", "q1", "last by index"}};
  std::mt19937 rng(7);
  for (const auto& group_by : group_bys) {
    for (const auto& split_by : split_bys) {
      for (size_t a = 0; a < aggregate_sets.size(); ++a) {
        auto table = make_table(kFields);
        ASSERT_TRUE(table);
        apply(*table, kFields, random_rows(rng, 1500, 0));
        ViewConfig config;
        config.group_by = group_by;
        config.split_by = split_by;
        config.columns = std::vector<std::string>{"f", "x", "d", "b"};
        const std::vector<std::string>& names = aggregate_sets[a];
        config.aggregates = {
            {"f", names[0], {}}, {"x", names[1], {}}, {"d", names[2], {}}, {"b", names[3], {}}};
        if (a == 3) config.sort = {{"f", SortOp::kDesc}};
        const std::string what = "group_by " + std::to_string(group_by.size()) + " split_by " +
                                 std::to_string(split_by.size()) + " aggregates " +
                                 std::to_string(a);
        auto live = make_grouped_view(*table, config);
        ASSERT_TRUE(live);
        expect_same(*live, *reference_view(*table, config), true, what + " created");
        // One large batch: ≥ 64 rows reach the grand total and the column groups at once.
        live->update(apply(*table, kFields, random_rows(rng, 300, 1500)));
        expect_same(*live, *reference_view(*table, config), false, what + " updated");
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
}

}  // namespace
}  // namespace chview::engine
