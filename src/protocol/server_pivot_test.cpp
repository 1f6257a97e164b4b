// Server: grouped, pivoted and split-only views through the protocol — every output,
// against the worked example's reference outputs (perspective-protocol.md §3.11, §4) and
// Perspective 5.5.1's recorded GetFeaturesResp (testdata/gen_features.mjs).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "arrow/ipc_test_reader.h"
#include "protocol/server.h"
#include "protocol/test_client.h"

namespace chview::protocol::testing {
namespace {

using namespace chview::arrow::testing;  // NOLINT(google-build-using-namespace): test reader

class PivotTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server.host_table(worked_example_table("t")).is_ok()); }

  // Makes view `id` over "t"; `setup` fills the config.
  template <typename Setup>
  void make(const std::string& id, Setup setup) {
    proto::Request r = client.request("t");
    r.mutable_table_make_view_req()->set_view_id(id);
    setup(*r.mutable_table_make_view_req()->mutable_config());
    auto resp = client.call(r);
    ASSERT_TRUE(resp.has_table_make_view_resp()) << resp.server_error().message();
  }
  static void columns(proto::ViewConfig& c, std::initializer_list<const char*> names) {
    auto* list = c.mutable_columns()->mutable_columns();
    for (const char* n : names) list->add_columns(n);
  }
  std::string columns_json(const std::string& view, bool id = false,
                           const proto::ViewPort& vp = {}) {
    proto::Request r = client.request(view);
    r.mutable_view_to_columns_string_req()->set_id(id);
    *r.mutable_view_to_columns_string_req()->mutable_viewport() = vp;
    return client.call(r).view_to_columns_string_resp().json_string();
  }
  proto::Response call(const std::string& view, void (*fill)(proto::Request&)) {
    proto::Request r = client.request(view);
    fill(r);
    return client.call(r);
  }
  // "name:type" per Arrow field of a to_arrow answer.
  std::vector<std::string> arrow_fields(const std::string& view, bool legacy = true) {
    proto::Request r = client.request(view);
    if (!legacy) {
      r.mutable_view_to_arrow_req()->mutable_viewport()->set_emit_legacy_row_path_names(false);
    } else {
      r.mutable_view_to_arrow_req();
    }
    return describe(client.call(r).view_to_arrow_resp().arrow());
  }
  static std::vector<std::string> describe(const std::string& bytes) {
    std::vector<std::string> out;
    const auto stream = parse_stream(bytes);
    if (stream.messages.empty()) return out;
    const auto* fields =
        vector_field<flatbuffers::Offset<flatbuffers::Table>>(stream.messages[0].header(), 1);
    for (flatbuffers::uoffset_t i = 0; fields != nullptr && i < fields->size(); ++i) {
      const auto* f = fields->Get(i);
      const auto* type = table_field(f, 3);
      std::string name;
      switch (f->GetField<uint8_t>(slot(2), 0)) {
        case 2:
          name = std::string(type->GetField<uint8_t>(slot(1), 0) ? "Int" : "UInt") +
                 std::to_string(type->GetField<int32_t>(slot(0), 0));
          break;
        case 3:
          name = "Float64";
          break;
        case 5:
          name = table_field(f, 4) != nullptr ? "Dictionary" : "Utf8";
          break;
        case 6:
          name = "Bool";
          break;
        case 8:
          name = "Date32";
          break;
        case 10:
          name = "TimestampMs";
          break;
        default:
          name = "?";
      }
      out.push_back(string_field(f, 0) + ":" + name);
    }
    return out;
  }

  Server server{ServerOptions{.writable = true}};
  TestClient client{server};
};

TEST_F(PivotTest, FeaturesAdvertiseGroupAndSplitWithPerspectivesAggregateMenus) {
  std::ifstream in(CHVIEW_PROTOCOL_TESTDATA "/get_features_5.5.1.bin", std::ios::binary);
  ASSERT_TRUE(in) << "missing testdata/get_features_5.5.1.bin";
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  proto::Response reference;
  ASSERT_TRUE(reference.ParseFromString(bytes));
  const auto& theirs = reference.get_features_resp();

  proto::Request r = client.request();
  r.mutable_get_features_req();
  const auto ours = client.call(r).get_features_resp();
  EXPECT_TRUE(ours.group_by());
  EXPECT_TRUE(ours.split_by());
  EXPECT_FALSE(ours.expressions());
  EXPECT_TRUE(ours.window_aggregates().empty());
  ASSERT_EQ(ours.aggregates().size(), theirs.aggregates().size());
  for (const auto& [type, menu] : theirs.aggregates()) {
    const auto& mine = ours.aggregates().at(type);
    ASSERT_EQ(mine.aggregates_size(), menu.aggregates_size()) << "type " << type;
    for (int i = 0; i < menu.aggregates_size(); ++i) {
      EXPECT_EQ(mine.aggregates(i).name(), menu.aggregates(i).name()) << type << "/" << i;
      EXPECT_EQ(mine.aggregates(i).SerializeAsString(), menu.aggregates(i).SerializeAsString())
          << menu.aggregates(i).name();
    }
  }
  for (const auto& [type, ops] : theirs.filter_ops()) {
    EXPECT_EQ(ours.filter_ops().at(type).SerializeAsString(), ops.SerializeAsString()) << type;
  }
  ASSERT_EQ(ours.group_rollup_mode_size(), theirs.group_rollup_mode_size());
  // Split rollup is not computed: FLAT only (the reference also offers ROLLUP).
  ASSERT_EQ(ours.split_rollup_mode_size(), 1);
  EXPECT_EQ(ours.split_rollup_mode(0), proto::SPLIT_ROLLUP_MODE_FLAT);
}

TEST_F(PivotTest, GroupedOutputsMatchTheWorkedExample) {
  make("g", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    columns(c, {"v", "f", "c", "d", "t", "b"});
  });
  EXPECT_EQ(columns_json("g", true),
            R"({"__ROW_PATH__":[[],["a"],["b"]],"__ID__":[[],["a"],["b"]],"v":[100,40,60],)"
            R"("f":[8.0,1.5,6.5],"c":[4,2,2],"d":[4,2,2],"t":[4,2,2],"b":[4,2,2]})");
  auto schema =
      call("g", [](proto::Request& r) { r.mutable_view_schema_req(); }).view_schema_resp().schema();
  EXPECT_EQ(schema.at("v"), proto::INTEGER);
  EXPECT_EQ(schema.at("f"), proto::FLOAT);
  EXPECT_EQ(schema.at("d"), proto::INTEGER);  // count
  auto dims =
      call("g", [](proto::Request& r) { r.mutable_view_dimensions_req(); }).view_dimensions_resp();
  EXPECT_EQ(dims.num_table_rows(), 4u);
  EXPECT_EQ(dims.num_table_columns(), 8u);
  EXPECT_EQ(dims.num_view_rows(), 3u);
  EXPECT_EQ(dims.num_view_columns(), 6u);

  // An empty column window still carries the row paths.
  proto::ViewPort past;
  past.set_start_col(9);
  past.set_end_col(12);
  EXPECT_EQ(columns_json("g", false, past), R"({"__ROW_PATH__":[[],["a"],["b"]]})");

  auto rows = call("g", [](proto::Request& r) {
    auto* req = r.mutable_view_to_rows_string_req();
    req->set_id(true);
    req->set_index(true);
    req->mutable_viewport()->set_start_row(1);
    req->mutable_viewport()->set_end_col(1);
  });
  EXPECT_EQ(rows.view_to_rows_string_resp().json_string(),
            R"([{"__ROW_PATH__":["a"],"__ID__":["a"],"__INDEX__":[2,0],"v":40},)"
            R"({"__ROW_PATH__":["b"],"__ID__":["b"],"__INDEX__":[3,1],"v":60}])");
  auto ndjson = call("g", [](proto::Request& r) { r.mutable_view_to_ndjson_string_req(); });
  EXPECT_EQ(ndjson.view_to_ndjson_string_resp().ndjson_string(),
            R"({"__ROW_PATH__":[],"v":100,"f":8.0,"c":4,"d":4,"t":4,"b":4})"
            "\n"
            R"({"__ROW_PATH__":["a"],"v":40,"f":1.5,"c":2,"d":2,"t":2,"b":2})"
            "\n"
            R"({"__ROW_PATH__":["b"],"v":60,"f":6.5,"c":2,"d":2,"t":2,"b":2})");
  EXPECT_EQ(arrow_fields("g"),
            (std::vector<std::string>{"k (Group by 1):Dictionary", "v:Int64", "f:Float64",
                                      "c:Int64", "d:Int64", "t:Int64", "b:Int64"}));
  EXPECT_EQ(arrow_fields("g", false)[0], "__ROW_PATH_0__:Dictionary");
}

TEST_F(PivotTest, PivotedOutputsNameSplitColumns) {
  make("p", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    c.add_split_by("c");
    columns(c, {"v", "f"});
  });
  EXPECT_EQ(columns_json("p"),
            R"({"__ROW_PATH__":[[],["a"],["b"]],"x|v":[30,10,20],"x|f":[4.0,1.5,2.5],)"
            R"("y|v":[70,30,40],"y|f":[4.0,0.0,4.0]})");
  proto::ViewPort window;
  window.set_start_col(1);
  window.set_end_col(3);
  EXPECT_EQ(columns_json("p", false, window),
            R"({"__ROW_PATH__":[[],["a"],["b"]],"x|f":[4.0,1.5,2.5],"y|v":[70,30,40]})");
  auto csv = call("p", [](proto::Request& r) { r.mutable_view_to_csv_req(); });
  EXPECT_EQ(csv.view_to_csv_resp().csv(),
            "\"k (Group by 1)\",\"x|v\",\"x|f\",\"y|v\",\"y|f\"\n,30,4,70,4\n\"a\",10,1.5,30,0\n"
            "\"b\",20,2.5,40,4\n");
  auto paths = call("p", [](proto::Request& r) {
                 r.mutable_view_column_paths_req();
               }).view_column_paths_resp();
  ASSERT_EQ(paths.paths_size(), 4);
  EXPECT_EQ(paths.paths(0), "x|v");
  EXPECT_EQ(paths.paths(3), "y|f");
  // The schema names table columns, not "x|v".
  auto schema =
      call("p", [](proto::Request& r) { r.mutable_view_schema_req(); }).view_schema_resp().schema();
  EXPECT_EQ(schema.size(), 2u);
  EXPECT_EQ(schema.at("v"), proto::INTEGER);
  EXPECT_EQ(arrow_fields("p"),
            (std::vector<std::string>{"k (Group by 1):Dictionary", "x|v:Int64", "x|f:Float64",
                                      "y|v:Int64", "y|f:Float64"}));
  auto rows = call("p", [](proto::Request& r) {
    r.mutable_view_to_rows_string_req()->set_index(true);
    r.mutable_view_to_rows_string_req()->mutable_viewport()->set_end_row(1);
  });
  EXPECT_EQ(rows.view_to_rows_string_resp().json_string(),
            R"([{"__ROW_PATH__":[],"__INDEX__":[],"x|v":30,"x|f":4.0,"y|v":70,"y|f":4.0}])");
}

TEST_F(PivotTest, SplitOnlyIdsAreShiftedByOneRow) {
  make("s", [](proto::ViewConfig& c) {
    c.add_split_by("c");
    columns(c, {"v", "f"});
  });
  EXPECT_EQ(columns_json("s", true),
            R"({"__ID__":[[],[0],[1],[2]],"x|v":[10,20,null,null],"x|f":[1.5,2.5,null,null],)"
            R"("y|v":[null,null,30,40],"y|f":[null,null,0.0,4.0]})");
  proto::ViewPort vp;
  vp.set_start_row(2);
  vp.set_end_col(1);
  EXPECT_EQ(columns_json("s", true, vp), R"({"__ID__":[[1],[2]],"x|v":[null,null]})");
  auto csv = call("s", [](proto::Request& r) { r.mutable_view_to_csv_req(); });
  EXPECT_EQ(csv.view_to_csv_resp().csv(),
            "\"x|v\",\"x|f\",\"y|v\",\"y|f\"\n10,1.5,,\n20,2.5,,\n,,30,0\n,,40,4\n");
  EXPECT_EQ(arrow_fields("s")[0], "x|v:Int32");  // `any`: the column's own width
}

TEST_F(PivotTest, TreeRequestsExpandCollapseAndSetDepth) {
  make("g", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    c.add_group_by("c");
    columns(c, {"v"});
  });
  EXPECT_EQ(columns_json("g"),
            R"({"__ROW_PATH__":[[],["a"],["a","x"],["a","y"],["b"],["b","x"],["b","y"]],)"
            R"("v":[100,40,10,30,60,20,40]})");
  auto collapsed =
      call("g", [](proto::Request& r) { r.mutable_view_collapse_req()->set_row_index(1); });
  EXPECT_EQ(collapsed.view_collapse_resp().num_changed(), 2u);
  EXPECT_EQ(columns_json("g"), R"({"__ROW_PATH__":[[],["a"],["b"],["b","x"],["b","y"]],)"
                               R"("v":[100,40,60,20,40]})");
  auto expanded =
      call("g", [](proto::Request& r) { r.mutable_view_expand_req()->set_row_index(1); });
  EXPECT_EQ(expanded.view_expand_resp().num_changed(), 2u);
  call("g", [](proto::Request& r) { r.mutable_view_set_depth_req()->set_depth(0); });
  EXPECT_EQ(columns_json("g"), R"({"__ROW_PATH__":[[],["a"],["b"]],"v":[100,40,60]})");
  auto csv = call("g", [](proto::Request& r) { r.mutable_view_to_csv_req(); });
  EXPECT_EQ(csv.view_to_csv_resp().csv(),
            "\"k (Group by 1)\",\"c (Group by 2)\",\"v\"\n,,100\n\"a\",,40\n\"b\",,60\n");
}

TEST_F(PivotTest, RollupModes) {
  make("flat", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    c.add_group_by("c");
    columns(c, {"v"});
    c.set_group_rollup_mode(proto::FLAT);
  });
  EXPECT_EQ(columns_json("flat"),
            R"({"__ROW_PATH__":[["a","x"],["a","y"],["b","x"],["b","y"]],"v":[10,30,20,40]})");
  make("total", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    columns(c, {"v"});
    c.set_group_rollup_mode(proto::TOTAL);
  });
  EXPECT_EQ(columns_json("total", true), R"({"__ROW_PATH__":[[]],"__ID__":[[]],"v":[100]})");
  make("total_only", [](proto::ViewConfig& c) {
    columns(c, {"v"});
    c.set_group_rollup_mode(proto::TOTAL);
  });
  // Without group_by the total row has no __ROW_PATH__ column, but row objects keep one.
  EXPECT_EQ(columns_json("total_only", true), R"({"__ID__":[[]],"v":[100]})");
  auto rows = call("total_only", [](proto::Request& r) { r.mutable_view_to_rows_string_req(); });
  EXPECT_EQ(rows.view_to_rows_string_resp().json_string(), R"([{"__ROW_PATH__":[],"v":100}])");
  EXPECT_EQ(arrow_fields("total_only"), std::vector<std::string>{"v:Int64"});
}

TEST_F(PivotTest, GetConfigReportsTheAggregatesInUse) {
  make("g", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    columns(c, {"v", "f", "c"});
    (*c.mutable_aggregates())["f"].add_aggregations("avg");
    (*c.mutable_aggregates())["c"].add_aggregations("last");
    auto* sort = c.add_sort();
    sort->set_column("k");
    sort->set_op(proto::SORT_DESC);
  });
  auto config = call("g", [](proto::Request& r) { r.mutable_view_get_config_req(); })
                    .view_get_config_resp()
                    .config();
  std::map<std::string, std::string> aggregates;
  for (const auto& [column, list] : config.aggregates()) aggregates[column] = list.aggregations(0);
  // Defaults filled in, names as Perspective prints them, the hidden sort key as unique.
  EXPECT_EQ(aggregates, (std::map<std::string, std::string>{
                            {"v", "sum"}, {"f", "mean"}, {"c", "last value"}, {"k", "unique"}}));
  EXPECT_EQ(config.group_rollup_mode(), proto::ROLLUP);
  EXPECT_TRUE(config.has_split_rollup_mode());
  // The hidden sort column is in the schema (reference quirk) but not in the data.
  auto schema =
      call("g", [](proto::Request& r) { r.mutable_view_schema_req(); }).view_schema_resp().schema();
  EXPECT_EQ(schema.at("k"), proto::STRING);
  EXPECT_EQ(columns_json("g"),
            R"({"__ROW_PATH__":[[],["b"],["a"]],"v":[100,60,40],"f":[2.6666666666666665,3.25,1.5],)"
            R"("c":["y","y","y"]})");

  make("s", [](proto::ViewConfig& c) {
    c.add_split_by("c");
    columns(c, {"v"});
  });
  config = call("s", [](proto::Request& r) { r.mutable_view_get_config_req(); })
               .view_get_config_resp()
               .config();
  EXPECT_EQ(config.aggregates().at("v").aggregations(0), "any");
}

TEST_F(PivotTest, GetConfigAndSchemaFollowThePerspectiveRulesForHiddenSortColumns) {
  auto sort = [](proto::ViewConfig& c, const char* column, proto::SortOp op) {
    auto* s = c.add_sort();
    s->set_column(column);
    s->set_op(op);
  };
  make("g", [&](proto::ViewConfig& c) {
    c.add_group_by("k");
    columns(c, {"v"});
    (*c.mutable_aggregates())["k"].add_aggregations("count");  // a row sort key: unique
    sort(c, "k", proto::SORT_DESC);
    sort(c, "f", proto::SORT_NONE);  // a `none` sort is aggregated too (default: sum)
    sort(c, "d", proto::SORT_COL_ASC);
  });
  auto config = call("g", [](proto::Request& r) { r.mutable_view_get_config_req(); })
                    .view_get_config_resp()
                    .config();
  std::map<std::string, std::string> aggregates;
  for (const auto& [column, list] : config.aggregates()) {
    ASSERT_EQ(list.aggregations_size(), 1) << column;
    aggregates[column] = list.aggregations(0);
  }
  EXPECT_EQ(aggregates, (std::map<std::string, std::string>{
                            {"v", "sum"}, {"k", "unique"}, {"f", "sum"}, {"d", "count"}}));
  auto schema =
      call("g", [](proto::Request& r) { r.mutable_view_schema_req(); }).view_schema_resp().schema();
  EXPECT_EQ(schema.size(), 4u);
  EXPECT_EQ(schema.at("k"), proto::STRING);  // unique keeps the column's type
  EXPECT_EQ(schema.at("f"), proto::FLOAT);
  EXPECT_EQ(schema.at("d"), proto::INTEGER);
  // A grouped view lists a column-sorted hidden column in its column paths, not its data.
  auto paths = call("g", [](proto::Request& r) {
                 r.mutable_view_column_paths_req();
               }).view_column_paths_resp();
  ASSERT_EQ(paths.paths_size(), 2);
  EXPECT_EQ(paths.paths(1), "d");

  // Split-only: columns are the table's (not "x|id"), every aggregate `any`.
  make("s", [&](proto::ViewConfig& c) {
    c.add_split_by("c");
    sort(c, "c", proto::SORT_COL_DESC);
  });
  config = call("s", [](proto::Request& r) { r.mutable_view_get_config_req(); })
               .view_get_config_resp()
               .config();
  EXPECT_EQ(config.columns().columns().columns_size(), 8);
  EXPECT_EQ(config.columns().columns().columns(0), "id");
  EXPECT_EQ(config.aggregates().at("c").aggregations(0), "any");
}

TEST_F(PivotTest, SplitViewsWithoutRowsHaveNoSchemaUnlessRowSorted) {
  auto filtered = [](proto::ViewConfig& c) {
    c.add_split_by("c");
    columns(c, {"v"});
    auto* f = c.add_filter();
    f->set_column("v");
    f->set_op(">");
    f->add_value()->set_float_(1000);
  };
  make("empty", filtered);
  make("sorted", [&](proto::ViewConfig& c) {
    filtered(c);
    auto* s = c.add_sort();
    s->set_column("f");
    s->set_op(proto::SORT_NONE);
  });
  auto schema_of = [&](const std::string& view) {
    return call(view, [](proto::Request& r) { r.mutable_view_schema_req(); })
        .view_schema_resp()
        .schema();
  };
  EXPECT_TRUE(schema_of("empty").empty());
  auto sorted = schema_of("sorted");
  EXPECT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted.at("f"), proto::FLOAT);  // split-only: the table type
}

TEST_F(PivotTest, TotalSplitWithoutGroupByHasNoRowPathAndOneTotalRow) {
  make("ts", [](proto::ViewConfig& c) {
    c.add_split_by("c");
    columns(c, {"v"});
    c.set_group_rollup_mode(proto::TOTAL);
    c.set_split_rollup_mode(proto::SPLIT_ROLLUP_MODE_FLAT);  // a 5.2+ client: Scalar min/max
  });
  EXPECT_EQ(columns_json("ts", true), R"({"__ID__":[[]],"x|v":[30],"y|v":[70]})");
  auto rows = call("ts", [](proto::Request& r) { r.mutable_view_to_rows_string_req(); });
  EXPECT_EQ(rows.view_to_rows_string_resp().json_string(), R"([{"x|v":30,"y|v":70}])");
  // get_min_max reads rows below the total: there are none.
  auto resp = call("ts", [](proto::Request& r) {
                r.mutable_view_get_min_max_req()->set_column_name("v");
              }).view_get_min_max_resp();
  proto::Scalar min, max;
  ASSERT_TRUE(min.ParseFromString(resp.min()));
  ASSERT_TRUE(max.ParseFromString(resp.max()));
  EXPECT_EQ(min.scalar_case(), proto::Scalar::kNull);
  EXPECT_EQ(max.scalar_case(), proto::Scalar::kNull);
}

TEST_F(PivotTest, AnyOfAnEpochDateIsTheDateNotPerspectivesEmptyDate) {
  proto::Request update = client.request("t");
  update.mutable_table_update_req()->mutable_data()->set_from_rows(
      R"([{"id":5,"k":"a","c":"z","v":1,"d":"1970-01-01"}])");
  client.call(update);
  make("s", [](proto::ViewConfig& c) {
    c.add_split_by("c");
    columns(c, {"d"});
  });
  // Row 5 (1970-01-01) is 0 ms; row 4's null date reads as Perspective's empty date
  // (packed 0, -0001-12-31).
  EXPECT_EQ(
      columns_json("s"),
      R"({"x|d":[1704067200000,1704153600000,null,null,null],)"
      R"("y|d":[null,null,1704240000000,-62167305600000,null],"z|d":[null,null,null,null,0]})");
  // Formatted, the empty date prints as the reference does.
  proto::Request r = client.request("s");
  r.mutable_view_to_columns_string_req()->set_formatted(true);
  r.mutable_view_to_columns_string_req()->mutable_viewport()->set_start_col(1);
  r.mutable_view_to_columns_string_req()->mutable_viewport()->set_end_col(2);
  EXPECT_EQ(client.call(r).view_to_columns_string_resp().json_string(),
            R"({"y|d":[null,null,"2024-01-03","0-01-00",null]})");
}

TEST_F(PivotTest, MinMaxOfAGroupedViewReadsItsLeafAggregates) {
  make("g", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    columns(c, {"v"});
  });
  auto resp = call("g", [](proto::Request& r) {
                r.mutable_view_get_min_max_req()->set_column_name("v");
              }).view_get_min_max_resp();
  proto::Scalar min, max;
  ASSERT_TRUE(min.ParseFromString(resp.min()));
  ASSERT_TRUE(max.ParseFromString(resp.max()));
  EXPECT_EQ(min.float_(), 40);  // the leaves a=40, b=60; not the total 100
  EXPECT_EQ(max.float_(), 60);
  auto error =
      call("g", [](proto::Request& r) { r.mutable_view_get_min_max_req()->set_column_name("k"); });
  EXPECT_TRUE(error.has_server_error());  // not an aggregated column
}

TEST_F(PivotTest, RowDeltasOfGroupedViewsHaveNoRowPathColumns) {
  make("g", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    columns(c, {"v"});
  });
  proto::Request sub = client.request("g");
  sub.mutable_view_on_update_req()->set_mode(proto::ViewOnUpdateReq::ROW);
  EXPECT_TRUE(client.send(sub).empty());
  proto::Request update = client.request("t");
  update.mutable_table_update_req()->mutable_data()->set_from_rows(
      R"([{"id":5,"k":"a","c":"x","v":1}])");
  auto frames = client.send(update);
  std::string delta;
  for (const auto& f : frames) {
    if (f.has_view_on_update_resp()) delta = f.view_on_update_resp().delta();
  }
  EXPECT_EQ(describe(delta), std::vector<std::string>{"v:Int64"});
}

TEST_F(PivotTest, ColumnSortOnASplitViewCountsItsHiddenColumns) {
  make("p", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    c.add_split_by("c");
    columns(c, {"v"});
    auto* sort = c.add_sort();
    sort->set_column("c");
    sort->set_op(proto::SORT_COL_DESC);
  });
  EXPECT_EQ(columns_json("p"),
            R"({"__ROW_PATH__":[[],["a"],["b"]],"y|v":[70,30,40],"x|v":[30,10,20]})");
  // Two split groups × (v + the hidden c): Perspective reports 4, not 2.
  auto dims =
      call("p", [](proto::Request& r) { r.mutable_view_dimensions_req(); }).view_dimensions_resp();
  EXPECT_EQ(dims.num_view_columns(), 4u);
  auto paths = call("p", [](proto::Request& r) {
                 r.mutable_view_column_paths_req();
               }).view_column_paths_resp();
  EXPECT_EQ(paths.paths_size(), 2);
  // Data windows count the hidden column too: [0, 2) is y|v and the hidden y|c.
  proto::ViewPort window;
  window.set_start_col(0);
  window.set_end_col(2);
  EXPECT_EQ(columns_json("p", false, window),
            R"({"__ROW_PATH__":[[],["a"],["b"]],"y|v":[70,30,40]})");
  // With any row sort term, even `none`, the reference counts visible columns only.
  make("n", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    c.add_split_by("c");
    columns(c, {"v"});
    auto* sort = c.add_sort();
    sort->set_column("c");
    sort->set_op(proto::SORT_COL_DESC);
    sort = c.add_sort();
    sort->set_column("f");
    sort->set_op(proto::SORT_NONE);
  });
  dims =
      call("n", [](proto::Request& r) { r.mutable_view_dimensions_req(); }).view_dimensions_resp();
  EXPECT_EQ(dims.num_view_columns(), 2u);
}

TEST_F(PivotTest, LeavesOnlyFromOldClientsDropsTheTreeAboveTheLeaves) {
  make("g", [](proto::ViewConfig& c) {
    c.add_group_by("k");
    c.add_group_by("c");
    columns(c, {"v"});
  });
  proto::Request r = client.request("g");
  r.mutable_view_to_columns_string_req()->set_leaves_only(true);
  r.mutable_view_to_columns_string_req()->set_id(true);
  r.mutable_view_to_columns_string_req()->mutable_viewport()->set_end_row(4);
  // Like Perspective 3.8, __ID__ keeps every row of the window.
  EXPECT_EQ(client.call(r).view_to_columns_string_resp().json_string(),
            R"({"__ROW_PATH__":[["a","x"],["a","y"]],"__ID__":[[],["a"],["a","x"],["a","y"]],)"
            R"("v":[10,30]})");
}

TEST_F(PivotTest, WhatTheEngineCannotComputeIsAClearServerError) {
  proto::Request r = client.request("t");
  r.mutable_table_make_view_req()->set_view_id("v");
  auto* c = r.mutable_table_make_view_req()->mutable_config();
  c->add_group_by("k");
  c->add_split_by("c");
  c->set_split_rollup_mode(proto::SPLIT_ROLLUP_MODE_ROLLUP);
  EXPECT_EQ(client.call(r).server_error().message(),
            "chview: split_rollup_mode rollup is not supported yet");
  EXPECT_EQ(server.live_view_count(), 0u);
}

}  // namespace
}  // namespace chview::protocol::testing
