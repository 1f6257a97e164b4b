// Server: view requests, outputs, min/max per client generation, client table writes.
#include <gtest/gtest.h>

#include "protocol/server.h"
#include "protocol/test_client.h"

namespace chview::protocol::testing {
namespace {

class ViewsTest : public ::testing::Test {
 protected:
  explicit ViewsTest(ServerOptions options = {}) : server(options) {}
  void SetUp() override { ASSERT_TRUE(server.host_table(worked_example_table("t")).is_ok()); }

  proto::Request make_view(TestClient& client, const std::string& view_id,
                           const std::string& table = "t") {
    proto::Request r = client.request(table);
    r.mutable_table_make_view_req()->set_view_id(view_id);
    r.mutable_table_make_view_req()->mutable_config();
    return r;
  }
  proto::ViewConfig* config_of(proto::Request& r) {
    return r.mutable_table_make_view_req()->mutable_config();
  }
  std::string columns_json(TestClient& client, const std::string& view, bool id = false) {
    proto::Request r = client.request(view);
    r.mutable_view_to_columns_string_req()->set_id(id);
    return client.call(r).view_to_columns_string_resp().json_string();
  }

  Server server;
};

TEST_F(ViewsTest, OutputsHonourViewportAndFlags) {
  TestClient client(server);
  proto::Request mv = make_view(client, "v");
  auto* cols = config_of(mv)->mutable_columns()->mutable_columns();
  for (const char* c : {"k", "v", "f"}) cols->add_columns(c);
  ASSERT_TRUE(client.call(mv).has_table_make_view_resp());

  proto::Request rows = client.request("v");
  auto* req = rows.mutable_view_to_rows_string_req();
  req->mutable_viewport()->set_start_row(1);
  req->mutable_viewport()->set_end_row(3);
  req->mutable_viewport()->set_start_col(1);
  req->set_index(true);
  EXPECT_EQ(client.call(rows).view_to_rows_string_resp().json_string(),
            R"([{"__INDEX__":[1],"v":20,"f":2.5},{"__INDEX__":[2],"v":30,"f":null}])");

  // An empty column window keeps the requested __INDEX__ while start_col <= end_col + the
  // number of key columns; past that there are no rows at all (reference).
  req->mutable_viewport()->set_start_col(4);
  EXPECT_EQ(client.call(rows).view_to_rows_string_resp().json_string(),
            R"([{"__INDEX__":[1]},{"__INDEX__":[2]}])");
  req->mutable_viewport()->set_start_col(5);
  EXPECT_EQ(client.call(rows).view_to_rows_string_resp().json_string(), "[]");
  req->mutable_viewport()->set_start_col(2);
  req->mutable_viewport()->set_end_col(0);
  EXPECT_EQ(client.call(rows).view_to_rows_string_resp().json_string(), "[]");
  req->mutable_viewport()->clear_end_col();

  // NDJSON ignores viewport and flags, like the reference.
  proto::Request nd = client.request("v");
  nd.mutable_view_to_ndjson_string_req()->mutable_viewport()->set_end_row(1);
  nd.mutable_view_to_ndjson_string_req()->set_id(true);
  EXPECT_EQ(client.call(nd).view_to_ndjson_string_resp().ndjson_string(),
            "{\"k\":\"a\",\"v\":10,\"f\":1.5}\n{\"k\":\"b\",\"v\":20,\"f\":2.5}\n"
            "{\"k\":\"a\",\"v\":30,\"f\":null}\n{\"k\":\"b\",\"v\":40,\"f\":4.0}");

  proto::Request csv = client.request("v");
  csv.mutable_view_to_csv_req()->mutable_viewport()->set_end_row(2);
  EXPECT_EQ(client.call(csv).view_to_csv_resp().csv(),
            "\"k\",\"v\",\"f\"\n\"a\",10,1.5\n\"b\",20,2.5\n");

  proto::Request arrow = client.request("v");
  arrow.mutable_view_to_arrow_req()->set_compression("lz4");
  std::string bytes = client.call(arrow).view_to_arrow_resp().arrow();
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\xFF\xFF\xFF\xFF", 4));

  proto::Request paths = client.request("v");
  paths.mutable_view_column_paths_req()->set_start_col(1);
  auto p = client.call(paths).view_column_paths_resp();
  ASSERT_EQ(p.paths_size(), 2);
  EXPECT_EQ(p.paths(0), "v");
  EXPECT_EQ(p.paths(1), "f");

  proto::Request expr = client.request("v");
  expr.mutable_view_expression_schema_req();
  EXPECT_TRUE(client.call(expr).view_expression_schema_resp().schema().empty());

  // Flat views: tree navigation is a no-op replying the row index.
  proto::Request collapse = client.request("v");
  collapse.mutable_view_collapse_req()->set_row_index(2);
  EXPECT_EQ(client.call(collapse).view_collapse_resp().num_changed(), 2u);
  proto::Request expand = client.request("v");
  expand.mutable_view_expand_req()->set_row_index(3);
  EXPECT_EQ(client.call(expand).view_expand_resp().num_changed(), 3u);
  proto::Request depth = client.request("v");
  depth.mutable_view_set_depth_req()->set_depth(1);
  EXPECT_TRUE(client.call(depth).has_view_set_depth_resp());
}

TEST_F(ViewsTest, GetConfigEchoesWithReferenceQuirks) {
  TestClient client(server);
  proto::Request mv = make_view(client, "v");
  auto* config = config_of(mv);
  auto* f1 = config->add_filter();
  f1->set_column("k");
  f1->set_op("begins with");
  f1->add_value()->set_string("a");
  auto* f2 = config->add_filter();
  f2->set_column("v");
  f2->set_op("in");
  f2->add_value()->set_float_(10);
  f2->add_value()->set_float_(30);
  auto* f3 = config->add_filter();
  f3->set_column("d");
  f3->set_op(">=");
  f3->add_value()->set_string("2024-01-01");
  auto* f4 = config->add_filter();
  f4->set_column("k");
  f4->set_op("is not None");
  auto* s1 = config->add_sort();
  s1->set_column("v");
  s1->set_op(proto::SORT_DESC);
  auto* s2 = config->add_sort();
  s2->set_column("k");
  s2->set_op(proto::SORT_COL_ASC);
  (*config->mutable_aggregates())["v"].add_aggregations("sum");
  auto reply = client.call(mv);
  ASSERT_TRUE(reply.has_table_make_view_resp()) << reply.server_error().message();

  proto::Request get = client.request("v");
  get.mutable_view_get_config_req();
  auto c = client.call(get).view_get_config_resp().config();
  EXPECT_EQ(c.columns().columns().columns_size(), 8);  // default columns made explicit
  ASSERT_EQ(c.filter_size(), 4);
  EXPECT_EQ(c.filter(0).op(), "startswith");
  EXPECT_EQ(c.filter(3).op(), "is not null");
  ASSERT_EQ(c.filter(1).value_size(), 4);
  EXPECT_TRUE(c.filter(1).value(0).has_null());
  EXPECT_TRUE(c.filter(1).value(1).has_null());
  EXPECT_EQ(c.filter(1).value(2).float_(), 10.0);
  EXPECT_EQ(c.filter(1).value(3).float_(), 30.0);
  EXPECT_EQ(c.filter(2).value(0).string(), "2024-01-01");
  ASSERT_EQ(c.sort_size(), 1);  // the column sort is dropped
  EXPECT_EQ(c.sort(0).column(), "v");
  EXPECT_TRUE(c.aggregates().empty());  // only echoed with group_by
  EXPECT_EQ(c.group_rollup_mode(), proto::ROLLUP);
  EXPECT_TRUE(c.has_split_rollup_mode());

  // begins with 'a' AND v in (10, 30) AND d >= 2024-01-01, sorted by v desc.
  EXPECT_EQ(columns_json(client, "v"),
            R"({"id":[3,1],"k":["a","a"],"c":["y","x"],"v":[30,10],"f":[null,1.5],)"
            R"("d":[1704240000000,1704067200000],"t":[1704283200123,1704103200000],)"
            R"("b":[true,true]})");
}

TEST_F(ViewsTest, MakeViewErrorsComeFromTheEngine) {
  TestClient client(server);
  proto::Request bad = make_view(client, "v");
  config_of(bad)->mutable_columns()->mutable_columns()->add_columns("nope");
  auto r = client.call(bad);
  EXPECT_EQ(r.server_error().message(), "Invalid column 'nope' found in View columns.\n");

  // What the engine cannot compute is refused with a text naming chview.
  proto::Request expression = make_view(client, "v");
  (*config_of(expression)->mutable_expressions())["x"] = "\"v\" + 1";
  EXPECT_EQ(client.call(expression).server_error().message(),
            "chview: expressions are not supported yet");

  ASSERT_TRUE(client.call(make_view(client, "v")).has_table_make_view_resp());
  EXPECT_TRUE(client.call(make_view(client, "v")).has_server_error());  // id in use
  EXPECT_EQ(client.call(make_view(client, "w", "nope")).server_error().message(),
            "Couldn't find key.");
  EXPECT_EQ(server.live_view_count(), 1u);
}

TEST_F(ViewsTest, FilterValueOnAnUnknownColumnFailsFirstWithTheDtypeText) {
  TestClient client(server);
  proto::Request bad = make_view(client, "v");
  config_of(bad)->mutable_columns()->mutable_columns()->add_columns("zz");
  auto* filter = config_of(bad)->add_filter();
  filter->set_column("nope");
  filter->set_op("==");
  filter->add_value()->set_float_(1);
  EXPECT_EQ(client.call(bad).server_error().message(),
            "Could not get dtype for column `nope` as it does not exist in the schema.\n");

  proto::Request unary = make_view(client, "v");
  filter = config_of(unary)->add_filter();
  filter->set_column("nope");
  filter->set_op("is null");
  EXPECT_EQ(client.call(unary).server_error().message(),
            "Invalid column 'nope' found in View filters.\n");
}

proto::Scalar as_scalar(const std::string& bytes) {
  proto::Scalar s;
  EXPECT_TRUE(s.ParseFromString(bytes));
  return s;
}

TEST_F(ViewsTest, MinMaxIsAScalarForModernClients) {
  TestClient client(server);
  ASSERT_TRUE(client.call(make_view(client, "v")).has_table_make_view_resp());
  proto::Request mm = client.request("v");
  mm.mutable_view_get_min_max_req()->set_column_name("f");
  auto resp = client.call(mm).view_get_min_max_resp();
  EXPECT_EQ(as_scalar(resp.min()).float_(), 1.5);
  EXPECT_EQ(as_scalar(resp.max()).float_(), 4.0);

  mm = client.request("v");
  mm.mutable_view_get_min_max_req()->set_column_name("k");
  resp = client.call(mm).view_get_min_max_resp();
  EXPECT_EQ(as_scalar(resp.min()).string(), "a");
  EXPECT_EQ(as_scalar(resp.max()).string(), "b");

  mm = client.request("v");
  mm.mutable_view_get_min_max_req()->set_column_name("nope");
  EXPECT_TRUE(client.call(mm).has_server_error());
}

TEST_F(ViewsTest, MinMaxFollowsTheHintOfTheWebSocketUrl) {
  EXPECT_EQ(parse_session_hints("/websocket?minmax=text").min_max, MinMaxEncoding::kJsonText);
  EXPECT_EQ(parse_session_hints("/websocket?a=1&minmax=scalar").min_max, MinMaxEncoding::kScalar);
  EXPECT_FALSE(parse_session_hints("/websocket?minmax=bogus").min_max.has_value());
  EXPECT_FALSE(parse_session_hints("/websocket").min_max.has_value());

  // A view built like a modern client's would get a Scalar; the hint says text.
  TestClient client(server, parse_session_hints("/websocket?minmax=text"));
  ASSERT_TRUE(client.call(make_view(client, "v")).has_table_make_view_resp());
  proto::Request mm = client.request("v");
  mm.mutable_view_get_min_max_req()->set_column_name("v");
  auto resp = client.call(mm).view_get_min_max_resp();
  EXPECT_EQ(resp.min(), "10");
  EXPECT_EQ(resp.max(), "40");
}

TEST_F(ViewsTest, MinMaxIsJsonTextForLegacyClients) {
  TestClient client(server);
  ASSERT_TRUE(client.call(make_view(client, "v")).has_table_make_view_resp());
  // leaves_only is only sent by 3.x/4.0–4.2 clients.
  proto::Request legacy = client.request("v");
  legacy.mutable_view_to_columns_string_req()->set_leaves_only(true);
  client.call(legacy);
  for (auto [column, min, max] : {std::tuple{"v", "10", "40"}, std::tuple{"k", "\"a\"", "\"b\""},
                                  std::tuple{"d", "\"2024-01-01\"", "\"2024-01-03\""}}) {
    proto::Request mm = client.request("v");
    mm.mutable_view_get_min_max_req()->set_column_name(column);
    auto resp = client.call(mm).view_get_min_max_resp();
    EXPECT_EQ(resp.min(), min) << column;
    EXPECT_EQ(resp.max(), max) << column;
  }
}

class JsonTextDefaultTest : public ViewsTest {
 protected:
  JsonTextDefaultTest()
      : ViewsTest({.writable = false, .default_min_max = MinMaxEncoding::kJsonText}) {}
};

TEST_F(JsonTextDefaultTest, DefaultAppliesUnlessTheConfigRevealsA52Client) {
  TestClient client(server);
  ASSERT_TRUE(client.call(make_view(client, "plain")).has_table_make_view_resp());
  proto::Request modern = make_view(client, "modern");
  config_of(modern)->set_split_rollup_mode(proto::SPLIT_ROLLUP_MODE_FLAT);
  ASSERT_TRUE(client.call(modern).has_table_make_view_resp());

  proto::Request mm = client.request("plain");
  mm.mutable_view_get_min_max_req()->set_column_name("v");
  EXPECT_EQ(client.call(mm).view_get_min_max_resp().min(), "10");
  mm = client.request("modern");
  mm.mutable_view_get_min_max_req()->set_column_name("v");
  EXPECT_EQ(as_scalar(client.call(mm).view_get_min_max_resp().min()).float_(), 10.0);
}

TEST_F(ViewsTest, MinMaxIsJsonTextForTheRollupModeViewers) {
  // 4.3–5.1 viewers send group_rollup_mode without split_rollup_mode; chview serves 4.3.
  TestClient client(server);
  proto::Request mv = make_view(client, "v");
  config_of(mv)->set_group_rollup_mode(proto::ROLLUP);
  ASSERT_TRUE(client.call(mv).has_table_make_view_resp());
  proto::Request mm = client.request("v");
  mm.mutable_view_get_min_max_req()->set_column_name("f");
  auto resp = client.call(mm).view_get_min_max_resp();
  EXPECT_EQ(resp.min(), "1.5");
  EXPECT_EQ(resp.max(), "4.0");

  // The same config from a session that subscribed to hosted tables (viewer >= 5.0).
  TestClient viewer5(server);
  proto::Request subscribe = viewer5.request();
  subscribe.mutable_get_hosted_tables_req()->set_subscribe(true);
  viewer5.send(subscribe);
  proto::Request mv5 = make_view(viewer5, "v5");
  config_of(mv5)->set_group_rollup_mode(proto::ROLLUP);
  ASSERT_TRUE(viewer5.call(mv5).has_table_make_view_resp());
  mm = viewer5.request("v5");
  mm.mutable_view_get_min_max_req()->set_column_name("f");
  EXPECT_EQ(as_scalar(viewer5.call(mm).view_get_min_max_resp().max()).float_(), 4.0);
}

TEST_F(ViewsTest, InvalidUtf8InTableDataNeverReachesTheWire) {
  // ClickHouse Strings are bytes; Perspective's clients reject invalid UTF-8 frames.
  columnar::Schema schema({{"s\xFF", columnar::ColumnType::kString}});
  auto table = engine::Table::make("bytes", schema);
  ASSERT_TRUE(table.is_ok());
  columnar::BatchBuilder b(schema.fields());
  b.add_row({"ok"});
  b.add_row({"bad\xC3"});
  ASSERT_TRUE((*table)->apply(*std::move(b).finish()).is_ok());
  ASSERT_TRUE(server.host_table(std::move(table).value()).is_ok());

  TestClient client(server);
  ASSERT_TRUE(client.call(make_view(client, "b", "bytes")).has_table_make_view_resp());
  proto::Request json = client.request("b");
  json.mutable_view_to_columns_string_req();
  EXPECT_EQ(client.call(json).view_to_columns_string_resp().json_string(),
            "{\"s\xEF\xBF\xBD\":[\"ok\",\"bad\xEF\xBF\xBD\"]}");
  proto::Request schema_req = client.request("bytes");
  schema_req.mutable_table_schema_req();
  EXPECT_EQ(client.call(schema_req).table_schema_resp().schema().schema(0).name(), "s\xEF\xBF\xBD");
  proto::Request csv = client.request("b");
  csv.mutable_view_to_csv_req();
  EXPECT_EQ(client.call(csv).view_to_csv_resp().csv(),
            "\"s\xEF\xBF\xBD\"\n\"ok\"\n\"bad\xEF\xBF\xBD\"\n");
}

TEST_F(ViewsTest, DeletePushesOnDeleteBeforeTheReply) {
  TestClient client(server);
  ASSERT_TRUE(client.call(make_view(client, "v")).has_table_make_view_resp());
  proto::Request watch = client.request("v");
  watch.mutable_view_on_delete_req();
  EXPECT_TRUE(client.send(watch).empty());
  proto::Request watch2 = client.request("v");
  watch2.mutable_view_on_delete_req();
  client.send(watch2);
  proto::Request unwatch = client.request("v");
  unwatch.mutable_view_remove_delete_req()->set_id(watch2.msg_id());
  EXPECT_TRUE(client.call(unwatch).has_view_remove_delete_resp());

  proto::Request del = client.request("v");
  del.mutable_view_delete_req();
  auto frames = client.send(del);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].msg_id(), watch.msg_id());
  EXPECT_TRUE(frames[0].has_view_on_delete_resp());
  EXPECT_EQ(frames[1].msg_id(), del.msg_id());
  EXPECT_TRUE(frames[1].has_view_delete_resp());
  EXPECT_EQ(client.call(del).server_error().status_code(), proto::VIEW_NOT_FOUND);
}

}  // namespace
}  // namespace chview::protocol::testing
