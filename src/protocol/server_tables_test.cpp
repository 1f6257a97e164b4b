// Server: client table writes (writable servers), ports and on_update ordering, deletes.
#include <gtest/gtest.h>

#include "protocol/server.h"
#include "protocol/test_client.h"

namespace chview::protocol::testing {
namespace {

class TablesTest : public ::testing::Test {
 protected:
  TablesTest() : server({.writable = true}) {}

  proto::Response make_table(TestClient& client, const std::string& name,
                             const std::function<void(proto::MakeTableReq&)>& fill) {
    proto::Request r = client.request(name);
    fill(*r.mutable_make_table_req());
    std::vector<proto::Response> frames = client.send(r);
    EXPECT_GE(frames.size(), 1u);
    if (frames.empty()) return {};
    EXPECT_EQ(frames[0].msg_id(), r.msg_id());
    // Anything after the reply is a hosted-tables push.
    hosted_pushes += frames.size() - 1;
    return frames[0];
  }
  size_t hosted_pushes = 0;
  proto::Response make_view(TestClient& client, const std::string& table,
                            const std::string& view_id) {
    proto::Request r = client.request(table);
    r.mutable_table_make_view_req()->set_view_id(view_id);
    r.mutable_table_make_view_req()->mutable_config();
    return client.call(r);
  }
  std::string columns_json(TestClient& client, const std::string& view) {
    proto::Request r = client.request(view);
    r.mutable_view_to_columns_string_req()->set_id(true);
    return client.call(r).view_to_columns_string_resp().json_string();
  }
  proto::Request update(TestClient& client, const std::string& table, const std::string& rows,
                        uint32_t port = 0) {
    proto::Request r = client.request(table);
    r.mutable_table_update_req()->mutable_data()->set_from_rows(rows);
    r.mutable_table_update_req()->set_port_id(port);
    return r;
  }

  Server server;
};

TEST_F(TablesTest, MakeTableFromEveryTextFormat) {
  TestClient client(server);
  proto::Request subscribe = client.request();
  subscribe.mutable_get_hosted_tables_req()->set_subscribe(true);
  client.send(subscribe);

  EXPECT_TRUE(make_table(client, "rows", [](auto& m) {
                m.mutable_data()->set_from_rows(R"([{"x":1,"s":"a","d":"2024-01-02"},)"
                                                R"({"x":2.5,"s":null,"d":null}])");
              }).has_make_table_resp());
  // The reply comes first, then the hosted-tables push.
  EXPECT_EQ(hosted_pushes, 1u);

  EXPECT_TRUE(make_table(client, "cols", [](auto& m) {
                m.mutable_data()->set_from_cols(R"({"b":[true,false],"n":[1,2]})");
                m.mutable_options()->set_make_index_table("n");
              }).has_make_table_resp());
  EXPECT_TRUE(make_table(client, "csv", [](auto& m) {
                m.mutable_data()->set_from_csv(
                    "n,s,when\n1,\"a, \"\"q\"\"\",2024-01-01 10:00:00\n2,,\n");
                m.mutable_options()->set_make_limit_table(1);
              }).has_make_table_resp());
  EXPECT_TRUE(make_table(client, "nd", [](auto& m) {
                m.mutable_data()->set_from_ndjson("{\"a\":1}\n{\"a\":2}\n");
              }).has_make_table_resp());
  EXPECT_TRUE(make_table(client, "schema", [](auto& m) {
                auto* f = m.mutable_data()->mutable_from_schema()->add_schema();
                f->set_name("z");
                f->set_type(proto::DATETIME);
              }).has_make_table_resp());
  EXPECT_EQ(hosted_pushes, 5u);

  EXPECT_EQ(make_table(client, "rows", [](auto& m) { m.mutable_data()->set_from_rows("[]"); })
                .server_error()
                .message(),
            "Table \"rows\" already exists");
  EXPECT_TRUE(make_table(client, "arrow", [](auto& m) {
                m.mutable_data()->set_from_arrow("xx");
              }).has_server_error());
  EXPECT_TRUE(make_table(client, "bad", [](auto& m) {
                m.mutable_data()->set_from_rows("{not json");
              }).has_server_error());

  proto::Request hosted = client.request();
  hosted.mutable_get_hosted_tables_req();
  auto infos = client.call(hosted).get_hosted_tables_resp();
  ASSERT_EQ(infos.table_infos_size(), 5);
  for (const auto& info : infos.table_infos()) {
    if (info.entity_id() == "cols") {
      EXPECT_EQ(info.index(), "n");
    }
    if (info.entity_id() == "csv") {
      EXPECT_EQ(info.limit(), 1u);
    }
  }

  proto::Request schema = client.request("rows");
  schema.mutable_table_schema_req();
  auto s = client.call(schema).table_schema_resp().schema();
  ASSERT_EQ(s.schema_size(), 3);
  EXPECT_EQ(s.schema(0).type(), proto::FLOAT);
  EXPECT_EQ(s.schema(1).type(), proto::STRING);
  EXPECT_EQ(s.schema(2).type(), proto::DATE);

  ASSERT_TRUE(make_view(client, "rows", "r").has_table_make_view_resp());
  EXPECT_EQ(columns_json(client, "r"),
            R"({"x":[1.0,2.5],"s":["a",null],"d":[1704153600000,null],"__ID__":[[0],[1]]})");
  ASSERT_TRUE(make_view(client, "csv", "c").has_table_make_view_resp());
  EXPECT_EQ(columns_json(client, "c"), R"({"n":[2],"s":[null],"when":[null],"__ID__":[[1]]})");
  ASSERT_TRUE(make_view(client, "cols", "i").has_table_make_view_resp());
  EXPECT_EQ(columns_json(client, "i"), R"({"b":[true,false],"n":[1,2],"__ID__":[[1],[2]]})");

  proto::Request size = client.request("nd");
  size.mutable_table_size_req();
  EXPECT_EQ(client.call(size).table_size_resp().size(), 2u);
}

TEST_F(TablesTest, UpdateRepliesFirstThenPushesWithThePort) {
  TestClient writer(server), reader(server);
  make_table(writer, "t", [](auto& m) {
    m.mutable_data()->set_from_rows(R"([{"k":"a","v":1}])");
    m.mutable_options()->set_make_index_table("k");
  });
  ASSERT_TRUE(make_view(reader, "t", "v").has_table_make_view_resp());
  proto::Request on_update = reader.request("v");
  on_update.mutable_view_on_update_req()->set_mode(proto::ViewOnUpdateReq::ROW);
  EXPECT_TRUE(reader.send(on_update).empty());
  proto::Request own = writer.request("v");  // the writer also watches (no mode)
  own.mutable_view_on_update_req();
  writer.send(own);

  proto::Request port = writer.request("t");
  port.mutable_table_make_port_req();
  uint32_t port_id = writer.call(port).table_make_port_resp().port_id();
  EXPECT_EQ(port_id, 1u);

  proto::Request up = update(writer, "t", R"([{"k":"b","v":2},{"k":"a","v":9}])", port_id);
  auto frames = writer.send(up);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].msg_id(), up.msg_id());
  EXPECT_TRUE(frames[0].has_table_update_resp());
  EXPECT_EQ(frames[1].msg_id(), own.msg_id());
  EXPECT_EQ(frames[1].view_on_update_resp().port_id(), port_id);
  // A ROW subscriber on the view makes every subscriber get the delta (reference).
  EXPECT_TRUE(frames[1].view_on_update_resp().has_delta());

  auto pushes = reader.take_pushes();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].msg_id(), on_update.msg_id());
  EXPECT_EQ(pushes[0].entity_id(), "v");
  EXPECT_EQ(pushes[0].view_on_update_resp().port_id(), port_id);
  EXPECT_EQ(pushes[0].view_on_update_resp().delta().substr(0, 4),
            std::string("\xFF\xFF\xFF\xFF", 4));
  EXPECT_EQ(columns_json(reader, "v"), R"({"k":["a","b"],"v":[9,2],"__ID__":[["a"],["b"]]})");

  proto::Request remove = writer.request("t");
  remove.mutable_table_remove_req()->mutable_data()->set_from_rows(R"(["a"])");
  frames = writer.send(remove);
  ASSERT_EQ(frames.size(), 2u);  // the reply, then the push for `own` on port 0
  EXPECT_TRUE(frames[0].has_table_remove_resp());
  EXPECT_EQ(frames[1].msg_id(), own.msg_id());
  EXPECT_EQ(frames[1].view_on_update_resp().port_id(), 0u);
  reader.take_pushes();
  EXPECT_EQ(columns_json(reader, "v"), R"({"k":["b"],"v":[2],"__ID__":[["b"]]})");

  proto::Request replace = writer.request("t");
  replace.mutable_table_replace_req()->mutable_data()->set_from_cols(R"({"k":["z"],"v":[7]})");
  frames = writer.send(replace);
  ASSERT_GE(frames.size(), 1u);
  EXPECT_TRUE(frames[0].has_table_replace_resp());
  EXPECT_EQ(columns_json(reader, "v"), R"({"k":["z"],"v":[7],"__ID__":[["z"]]})");
}

TEST_F(TablesTest, OnRemovePushesTheRemovedKeys) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) {
    m.mutable_data()->set_from_rows(R"([{"k":"a","v":1},{"k":"b","v":2},{"k":"c","v":3}])");
    m.mutable_options()->set_make_index_table("k");
  });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  proto::Request on_remove = client.request("v");
  on_remove.mutable_view_on_remove_req();
  EXPECT_TRUE(client.send(on_remove).empty());

  proto::Request remove = client.request("t");
  remove.mutable_table_remove_req()->mutable_data()->set_from_rows(R"(["b","zz"])");
  auto frames = client.send(remove);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].has_table_remove_resp());
  EXPECT_EQ(frames[1].msg_id(), on_remove.msg_id());
  std::string indices = frames[1].view_on_remove_resp().indices();
  EXPECT_EQ(indices.substr(0, 4), std::string("\xFF\xFF\xFF\xFF", 4));
  EXPECT_NE(indices.find('k'), std::string::npos);  // the column is named after the index

  proto::Request off = client.request("v");
  off.mutable_view_remove_on_remove_req()->set_id(on_remove.msg_id());
  EXPECT_TRUE(client.call(off).has_view_remove_on_remove_resp());
  proto::Request replace = client.request("t");
  replace.mutable_table_replace_req()->mutable_data()->set_from_rows(R"([{"k":"q","v":0}])");
  EXPECT_EQ(client.send(replace).size(), 1u);  // no more on_remove pushes
}

TEST_F(TablesTest, ServerSideUpdateTable) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) { m.mutable_data()->set_from_rows(R"([{"v":1}])"); });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  columnar::BatchBuilder b({{"v", columnar::ColumnType::kInteger}});
  b.add_row({2});
  EXPECT_TRUE(server.update_table("t", *std::move(b).finish()).is_ok());
  EXPECT_EQ(columns_json(client, "v"), R"({"v":[1,2],"__ID__":[[0],[1]]})");
  EXPECT_EQ(server.update_table("nope", columnar::Batch{}).code(), ErrorCode::kNotFound);
}

TEST_F(TablesTest, PartialRowsKeepTheOtherColumnsOfExistingKeys) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) {
    m.mutable_data()->set_from_rows(R"([{"k":"a","v":1,"n":10},{"k":"b","v":2,"n":20}])");
    m.mutable_options()->set_make_index_table("k");
  });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  proto::Request up =
      update(client, "t", R"([{"k":"a","v":5},{"k":"b","n":null},{"k":"c","n":3}])");
  EXPECT_TRUE(client.send(up)[0].has_table_update_resp());
  EXPECT_EQ(columns_json(client, "v"),
            R"({"k":["a","b","c"],"v":[5,2,null],"n":[10,null,3],"__ID__":[["a"],["b"],["c"]]})");
}

TEST_F(TablesTest, PartialRowsApplyRowByRowWithinOneBatch) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) {
    m.mutable_data()->set_from_rows(R"([{"id":2,"k":"b"}])");
    m.mutable_options()->set_make_index_table("id");
  });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  // The second row lacks `k`: it keeps the value the first row just wrote.
  EXPECT_TRUE(client.send(update(client, "t", R"([{"id":7,"k":"new"},{"id":7}])"))[0]
                  .has_table_update_resp());
  EXPECT_EQ(columns_json(client, "v"), R"({"id":[2,7],"k":["b","new"],"__ID__":[[2],[7]]})");
}

TEST_F(TablesTest, AnEmptyObjectRowAppendsANullRow) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) { m.mutable_data()->set_from_rows(R"([{"a":1,"s":"x"}])"); });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  EXPECT_TRUE(client.send(update(client, "t", "[{}]"))[0].has_table_update_resp());
  EXPECT_EQ(columns_json(client, "v"), R"({"a":[1,null],"s":["x",null],"__ID__":[[0],[1]]})");
}

TEST_F(TablesTest, EmptyUpdatesAndRemovesPushNothing) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) {
    m.mutable_data()->set_from_rows(R"([{"k":"a","v":1}])");
    m.mutable_options()->set_make_index_table("k");
  });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  proto::Request on_update = client.request("v");
  on_update.mutable_view_on_update_req();
  EXPECT_TRUE(client.send(on_update).empty());

  auto frames = client.send(update(client, "t", "[]"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].has_table_update_resp());
  proto::Request remove = client.request("t");
  remove.mutable_table_remove_req()->mutable_data()->set_from_rows("[]");
  frames = client.send(remove);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].has_table_remove_resp());
  // A non-empty update still pushes.
  EXPECT_EQ(client.send(update(client, "t", R"([{"k":"b","v":2}])")).size(), 2u);
}

TEST_F(TablesTest, JsonTypeInferenceFollowsTheReferenceLoader) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) {
    m.mutable_data()->set_from_rows(
        R"([{"n":null,"a":1704067200000,"d":"2000-02-29T00:00:00.000Z","m":1,"z":null,)"
        R"("t":"2000-02-29T10:00:00Z","s":1},{"n":3,"m":2.5,"z":null,"y":null,"s":"abc"}])");
  });
  auto schema_of = [&](const std::string& table) {
    proto::Request r = client.request(table);
    r.mutable_table_schema_req();
    proto::Response resp = client.call(r);
    std::string names_and_types;
    for (const auto& pair : resp.table_schema_resp().schema().schema()) {
      names_and_types += pair.name() + ":" + std::to_string(pair.type()) + " ";
    }
    return names_and_types;
  };
  // Columns by first non-null value, never-typed ones (string) last in name order;
  // integers beyond int32 are floats; an ISO text at midnight UTC is a date; an integer
  // column promotes to float (2.5) or string ("abc").
  auto type = [](proto::ColumnType t) { return std::to_string(t); };
  EXPECT_EQ(schema_of("t"), "a:" + type(proto::FLOAT) + " d:" + type(proto::DATE) +
                                " m:" + type(proto::FLOAT) + " t:" + type(proto::DATETIME) +
                                " s:" + type(proto::STRING) + " n:" + type(proto::INTEGER) +
                                " y:" + type(proto::STRING) + " z:" + type(proto::STRING) + " ");

  make_table(client, "c", [](auto& m) {
    m.mutable_data()->set_from_cols(R"({"b":[null,1],"a":[null,null],"c":["x",2]})");
  });
  EXPECT_EQ(schema_of("c"), "b:" + type(proto::INTEGER) + " a:" + type(proto::STRING) +
                                " c:" + type(proto::STRING) + " ");
}

TEST_F(TablesTest, JsonIntegersAreStoredAsInt32LikeTheReference) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) {
    auto* f = m.mutable_data()->mutable_from_schema()->add_schema();
    f->set_name("i");
    f->set_type(proto::INTEGER);
  });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  EXPECT_TRUE(client.send(update(client, "t", R"([{"i":3000000000},{"i":1e300},{"i":-2.7}])"))[0]
                  .has_table_update_resp());
  EXPECT_EQ(columns_json(client, "v"),
            R"({"i":[-1294967296,2147483647,-2],"__ID__":[[0],[1],[2]]})");
  // Numeric text is parsed, empty text is null, other text fails the whole update.
  EXPECT_TRUE(client.send(update(client, "t", R"([{"i":"7"},{"i":"2.9"},{"i":""}])"))[0]
                  .has_table_update_resp());
  auto frames = client.send(update(client, "t", R"([{"i":1},{"i":"abc"}])"));
  EXPECT_EQ(frames[0].server_error().message(),
            "Cannot append value of type string to column \"i\" of type integer at index 1\n");
  EXPECT_EQ(columns_json(client, "v"), R"({"i":[-1294967296,2147483647,-2,7,2,null],)"
                                       R"("__ID__":[[0],[1],[2],[3],[4],[5]]})");
}

TEST_F(TablesTest, MakeTableFromAView) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) { m.mutable_data()->set_from_rows(R"([{"v":2},{"v":1}])"); });
  proto::Request sorted = client.request("t");
  sorted.mutable_table_make_view_req()->set_view_id("s");
  auto* sort = sorted.mutable_table_make_view_req()->mutable_config()->add_sort();
  sort->set_column("v");
  sort->set_op(proto::SORT_ASC);
  ASSERT_TRUE(client.call(sorted).has_table_make_view_resp());
  EXPECT_TRUE(make_table(client, "copy", [](auto& m) {
                m.mutable_data()->set_from_view("s");
              }).has_make_table_resp());
  ASSERT_TRUE(make_view(client, "copy", "c").has_table_make_view_resp());
  EXPECT_EQ(columns_json(client, "c"), R"({"v":[1,2],"__ID__":[[0],[1]]})");
  EXPECT_EQ(make_table(client, "x", [](auto& m) { m.mutable_data()->set_from_view("nope"); })
                .server_error()
                .message(),
            "View not found");
}

TEST_F(TablesTest, RemoveNeedsAnIndex) {
  TestClient client(server);
  make_table(client, "plain", [](auto& m) { m.mutable_data()->set_from_rows(R"([{"v":1}])"); });
  proto::Request remove = client.request("plain");
  remove.mutable_table_remove_req()->mutable_data()->set_from_rows("[0]");
  EXPECT_EQ(client.call(remove).server_error().message(), "Cannot remove from unindexed Table\n");
}

TEST_F(TablesTest, ImmediateDeleteRefusedWhileViewsExist) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) { m.mutable_data()->set_from_rows(R"([{"v":1}])"); });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  proto::Request del = client.request("t");
  del.mutable_table_delete_req()->set_is_immediate(true);
  EXPECT_EQ(client.call(del).server_error().message(), "Cannot delete table with views");

  proto::Request view_del = client.request("v");
  view_del.mutable_view_delete_req();
  client.call(view_del);
  del = client.request("t");
  del.mutable_table_delete_req()->set_is_immediate(true);
  EXPECT_TRUE(client.call(del).has_table_delete_resp());
  EXPECT_EQ(server.find_table("t"), nullptr);
}

TEST_F(TablesTest, LazyDeleteCompletesWithTheLastView) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) { m.mutable_data()->set_from_rows(R"([{"v":1}])"); });
  ASSERT_TRUE(make_view(client, "t", "v").has_table_make_view_resp());
  proto::Request subscribe = client.request();
  subscribe.mutable_get_hosted_tables_req()->set_subscribe(true);
  client.send(subscribe);
  proto::Request on_delete = client.request("t");
  on_delete.mutable_table_on_delete_req();
  EXPECT_TRUE(client.send(on_delete).empty());

  proto::Request del = client.request("t");
  del.mutable_table_delete_req()->set_is_immediate(false);
  auto frames = client.send(del);  // deferred; hosted-table subscribers hear of it now
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].msg_id(), subscribe.msg_id());
  proto::Request hosted = client.request();
  hosted.mutable_get_hosted_tables_req();
  EXPECT_EQ(client.call(hosted).get_hosted_tables_resp().table_infos_size(), 0);

  proto::Request view_del = client.request("v");
  view_del.mutable_view_delete_req();
  frames = client.send(view_del);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].msg_id(), on_delete.msg_id());
  EXPECT_TRUE(frames[0].has_table_on_delete_resp());
  EXPECT_EQ(frames[1].msg_id(), del.msg_id());
  EXPECT_TRUE(frames[1].has_table_delete_resp());
  EXPECT_EQ(frames[2].msg_id(), view_del.msg_id());
  EXPECT_TRUE(frames[2].has_view_delete_resp());
  EXPECT_EQ(server.find_table("t"), nullptr);
}

TEST_F(TablesTest, ExpressionsAreRejectedPerAlias) {
  TestClient client(server);
  make_table(client, "t", [](auto& m) { m.mutable_data()->set_from_rows(R"([{"v":1}])"); });
  proto::Request validate = client.request("t");
  (*validate.mutable_table_validate_expr_req()->mutable_column_to_expr())["x2"] = "\"v\" * 2";
  auto resp = client.call(validate).table_validate_expr_resp();
  EXPECT_TRUE(resp.expression_schema().empty());
  EXPECT_EQ(resp.errors().count("x2"), 1u);
  EXPECT_EQ(resp.expression_alias().at("x2"), "\"v\" * 2");

  proto::Request join = client.request("j");
  join.mutable_make_join_table_req()->set_left_table_id("t");
  EXPECT_TRUE(client.call(join).has_server_error());
}

}  // namespace
}  // namespace chview::protocol::testing
