// Replays testdata/pivot_cases.json — random small tables with nulls and random grouped
// view configs (group_by, aggregates, sort, rollup mode, depth), with the outputs of
// Perspective's own engine (see testdata/gen_pivot_cases.mjs) — against chview's engine,
// including collapse / expand / set_depth and one update (compared with a freshly built
// reference view, as chview v1 rebuilds the tree).
#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/engine_test_util.h"
#include "engine/reference_json_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

ViewConfig to_config(const Json& j) {
  ViewConfig config;
  config.group_by = j["group_by"].get<std::vector<std::string>>();
  if (j.contains("split_by")) config.split_by = j["split_by"].get<std::vector<std::string>>();
  if (j.contains("columns")) config.columns = j["columns"].get<std::vector<std::string>>();
  if (j.contains("aggregates")) {
    for (const auto& [column, agg] : j["aggregates"].items()) {
      if (agg.is_string()) {
        config.aggregates.push_back({column, agg.get<std::string>(), {}});
      } else {
        config.aggregates.push_back(
            {column, agg[0].get<std::string>(), agg[1].get<std::vector<std::string>>()});
      }
    }
  }
  if (j.contains("filter")) {
    for (const Json& term : j["filter"]) {
      config.filter.push_back(
          {term[0].get<std::string>(), term[1].get<std::string>(), {to_value(term[2])}});
    }
  }
  if (j.contains("sort")) {
    for (const Json& term : j["sort"]) {
      config.sort.push_back(
          {term[0].get<std::string>(), *parse_sort_op(term[1].get<std::string>())});
    }
  }
  if (j.contains("group_rollup_mode")) {
    const std::string mode = j["group_rollup_mode"].get<std::string>();
    config.group_rollup_mode = mode == "flat"    ? GroupRollupMode::kFlat
                               : mode == "total" ? GroupRollupMode::kTotal
                                                 : GroupRollupMode::kRollup;
  }
  if (j.contains("group_by_depth")) config.group_by_depth = j["group_by_depth"].get<uint32_t>();
  return config;
}

// The view's output in the reference's to_columns_string() shape.
Json output_of(const View& view) {
  ViewSlice s = view.slice({});
  Json out = Json::object();
  Json paths = Json::array();
  for (const auto& path : s.row_paths) {
    Json p = Json::array();
    for (const Value& v : path) p.push_back(to_json(v));
    paths.push_back(std::move(p));
  }
  if (s.has_row_paths) out["__ROW_PATH__"] = std::move(paths);
  for (size_t c = 0; c < s.fields.size(); ++c) {
    Json column = Json::array();
    for (size_t r = 0; r < s.num_rows(); ++r) column.push_back(to_json(s.columns[c].value_at(r)));
    out[s.fields[c].name] = std::move(column);
  }
  return out;
}

// Floats computed in a different order (avg, var, …) may differ in the last bits.
bool same(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    auto ia = a.begin();
    auto ib = b.begin();
    for (; ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !same(ia.value(), ib.value())) return false;
    }
    return true;
  }
  return a == b;
}

TEST(PivotCasesTest, MatchPerspective) {
  std::ifstream in(CHVIEW_ENGINE_TESTDATA "/pivot_cases.json");
  ASSERT_TRUE(in) << "missing testdata/pivot_cases.json";
  const Json cases = Json::parse(in);
  ASSERT_GE(cases.size(), 300u);
  // Differences per kind of case. Known gaps are printed and counted; kinds without gaps
  // must stay exact, the others must not get worse (see engine/README.md).
  enum Kind { kGroup, kGroupSorted, kPivot, kSplitOnly, kKinds };
  size_t checked = 0;
  size_t failed[kKinds] = {};
  Kind kind = kGroup;
  auto check = [&failed, &kind](bool ok, const std::string& message) {
    if (!ok) {
      ++failed[kind];
      std::cout << "DIFF " << message << "\n";
    }
  };
  for (const Json& c : cases) {
    if (c.contains("error")) continue;
    std::vector<Field> fields;
    for (const Json& f : c["schema"]) {
      fields.push_back(
          {f[0].get<std::string>(), *columnar::parse_column_type(f[1].get<std::string>())});
    }
    const Schema schema(fields);
    auto table = make_table(fields);
    ASSERT_TRUE(table);
    ASSERT_TRUE(table->apply(to_batch(schema, c["rows"])).is_ok());
    const ViewConfig config = to_config(c["config"]);
    kind = config.split_by.empty()   ? (config.sort.empty() ? kGroup : kGroupSorted)
           : config.group_by.empty() ? kSplitOnly
                                     : kPivot;
    auto view = make_grouped_view(*table, config);
    ASSERT_TRUE(view) << c["name"];
    for (const Json& step : c["steps"]) {
      const std::string op = step["op"].get<std::string>();
      const std::string what =
          c["name"].get<std::string>() + " " + op + " config " + c["config"].dump();
      Json expected = step["expected"];
      if (op == "collapse") {
        check(view->collapse(step["row"].get<size_t>()) == step["reply"].get<size_t>(),
              what + " reply");
      } else if (op == "expand") {
        check(view->expand(step["row"].get<size_t>()) == step["reply"].get<size_t>(),
              what + " reply");
      } else if (op == "set_depth") {
        view->set_depth(step["depth"].get<uint32_t>());
      } else if (op == "update") {
        auto delta = table->apply(to_batch(schema, step["update"]));
        ASSERT_TRUE(delta.is_ok()) << what;
        view->update(*delta);
        // A fresh view must match Perspective's fresh view; the live one its live view,
        // unless Perspective's live and fresh views disagree (its running aggregates such
        // as high/low, or the expansion state, which a fresh view resets).
        const Json want_fresh = step.contains("rebuilt") ? step["rebuilt"] : expected;
        auto fresh = make_grouped_view(*table, config);
        const Json rebuilt = output_of(*fresh);
        check(same(rebuilt, want_fresh),
              what + "\n fresh: " + rebuilt.dump() + "\n want:  " + want_fresh.dump());
      }
      if (step.contains("rebuilt")) continue;
      const Json got = output_of(*view);
      check(same(got, expected), what + "\n got:  " + got.dump() + "\n want: " + expected.dump());
      if (!same(got, expected)) {
        for (const auto& [key, value] : expected.items()) {
          if (!got.contains(key) || !same(got[key], value)) {
            const Json& aggs = c["config"]["aggregates"];
            std::cout << "MISMATCH " << key << " "
                      << (aggs.contains(key) ? aggs[key].dump() : std::string("default")) << " "
                      << c["name"] << " " << op << "\n";
          }
        }
      }
      if (op != "update") {
        check(view->num_rows() == step["num_rows"].get<size_t>(), what + " num_rows");
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 1000u);
  std::cout << "differences: group " << failed[kGroup] << ", sorted group " << failed[kGroupSorted]
            << ", pivot " << failed[kPivot] << ", split-only " << failed[kSplitOnly] << " in "
            << checked << " steps\n";
  EXPECT_EQ(failed[kGroup], 0u);
  EXPECT_EQ(failed[kSplitOnly], 0u);
  // Ratchets: lower them as gaps close; never raise them.
  EXPECT_LE(failed[kGroupSorted], 23u);
  EXPECT_LE(failed[kPivot], 32u);
}

}  // namespace
}  // namespace chview::engine
