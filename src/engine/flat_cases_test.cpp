// Replays testdata/flat_cases.json — random tables, updates and flat view configs with
// the outputs of Perspective's own engine (see testdata/gen_flat_cases.mjs) — against
// chview's engine: an incrementally updated view and a freshly built one must both
// match the reference after every step.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/engine_test_util.h"
#include "engine/reference_json_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

ViewConfig to_config(const Json& j) {
  ViewConfig config;
  if (j.contains("columns")) config.columns = j["columns"].get<std::vector<std::string>>();
  if (j.contains("filter")) {
    for (const Json& term : j["filter"]) {
      FilterTerm t{term[0].get<std::string>(), term[1].get<std::string>(), {}};
      if (term[2].is_array()) {
        for (const Json& v : term[2]) t.values.push_back(to_value(v));
      } else {
        t.values.push_back(to_value(term[2]));
      }
      config.filter.push_back(std::move(t));
    }
  }
  if (j.value("filter_op", "and") == "or") config.filter_op = FilterCombinator::kOr;
  if (j.contains("sort")) {
    for (const Json& term : j["sort"]) {
      config.sort.push_back(
          {term[0].get<std::string>(), *parse_sort_op(term[1].get<std::string>())});
    }
  }
  return config;
}

// The view's output in the reference's to_columns_string({id: true}) shape.
Json output_of(const View& view) {
  ViewSlice s = view.slice({});
  Json out = Json::object();
  for (size_t c = 0; c < s.fields.size(); ++c) {
    Json column = Json::array();
    for (size_t r = 0; r < s.num_rows(); ++r) column.push_back(to_json(s.columns[c].value_at(r)));
    out[s.fields[c].name] = std::move(column);
  }
  Json ids = Json::array();
  for (const Value& k : s.row_keys) ids.push_back(Json::array({to_json(k)}));
  out["__ID__"] = std::move(ids);
  return out;
}

TEST(FlatCasesTest, MatchPerspective) {
  std::ifstream in(CHVIEW_ENGINE_TESTDATA "/flat_cases.json");
  ASSERT_TRUE(in) << "missing testdata/flat_cases.json";
  const Json cases = Json::parse(in);
  ASSERT_GE(cases.size(), 10u);
  size_t checked = 0;
  for (const Json& c : cases) {
    std::vector<Field> fields;
    for (const Json& f : c["schema"]) {
      fields.push_back(
          {f[0].get<std::string>(), *columnar::parse_column_type(f[1].get<std::string>())});
    }
    const Schema schema(fields);
    TableOptions options;
    if (c["options"].contains("index")) options.index = c["options"]["index"].get<std::string>();
    if (c["options"].contains("limit")) options.limit = c["options"]["limit"].get<size_t>();
    auto table = make_table(fields, options);
    const ViewConfig config = to_config(c["config"]);
    auto view = make_view(*table, config);
    ASSERT_TRUE(table && view) << c["name"];
    int step_number = 0;
    for (const Json& step : c["steps"]) {
      const std::string what = c["name"].get<std::string>() + " step " +
                               std::to_string(step_number++) + " config " + c["config"].dump();
      TableDelta delta;
      if (step.contains("remove")) {
        std::vector<Value> keys;
        for (const Json& k : step["remove"]) keys.push_back(to_value(k));
        auto removed = table->remove(keys);
        ASSERT_TRUE(removed.is_ok()) << what;
        delta = *removed;
      } else {
        auto applied = table->apply(to_batch(schema, step["update"]));
        ASSERT_TRUE(applied.is_ok()) << what;
        delta = *applied;
      }
      view->update(delta);
      EXPECT_EQ(table->size(), step["expected_size"].get<size_t>()) << what;
      // The reference prints an empty view's columns as empty arrays; so do we.
      const std::string expected = normalized(step["expected"]).dump();
      EXPECT_EQ(normalized(output_of(*view)).dump(), expected) << what;
      EXPECT_EQ(normalized(output_of(*make_view(*table, config))).dump(), expected) << what;
      ++checked;
    }
  }
  EXPECT_GE(checked, 100u);
}

}  // namespace
}  // namespace chview::engine
