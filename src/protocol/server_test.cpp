// Server: framing, envelope, errors, hosted tables, sessions, the viewer's load flow.
#include "protocol/server.h"

#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include "protocol/test_client.h"

namespace chview::protocol::testing {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server.host_table(worked_example_table("t")).is_ok()); }

  // TableMakeViewReq for all columns of `t`, as the 5.x viewer sends it.
  proto::Request make_view(TestClient& client, const std::string& view_id) {
    proto::Request r = client.request("t");
    auto* req = r.mutable_table_make_view_req();
    req->set_view_id(view_id);
    auto* config = req->mutable_config();
    for (const char* c : {"id", "k", "c", "v", "f", "d", "t", "b"}) {
      config->mutable_columns()->mutable_columns()->add_columns(c);
      // The viewer's default: the first advertised aggregate of the column's type.
      bool numeric =
          std::string_view(c) == "id" || std::string_view(c) == "v" || std::string_view(c) == "f";
      (*config->mutable_aggregates())[c].add_aggregations(numeric ? "sum" : "count");
    }
    config->set_group_rollup_mode(proto::ROLLUP);
    config->set_split_rollup_mode(proto::SPLIT_ROLLUP_MODE_FLAT);
    return r;
  }

  Server server;
};

TEST_F(ServerTest, RequestBytesMatchTheSpecExamples) {
  proto::Request features;
  features.set_msg_id(7);
  features.mutable_get_features_req();
  EXPECT_EQ(hex(features.SerializeAsString()), "08 07 1a 00");

  proto::Request make_view;
  make_view.set_msg_id(5);
  make_view.set_entity_id("t");
  make_view.mutable_table_make_view_req()->set_view_id("v1");
  make_view.mutable_table_make_view_req()->mutable_config()->add_group_by("k");
  EXPECT_EQ(hex(make_view.SerializeAsString()), "08 05 12 01 74 32 09 0a 02 76 31 12 03 0a 01 6b");

  proto::Request to_columns;
  to_columns.set_msg_id(12);
  to_columns.set_entity_id("v1");
  auto* req = to_columns.mutable_view_to_columns_string_req();
  req->mutable_viewport()->set_start_row(0);
  req->mutable_viewport()->set_start_col(0);
  req->mutable_viewport()->set_end_row(28);
  req->mutable_viewport()->set_end_col(9);
  req->set_id(true);
  EXPECT_EQ(hex(to_columns.SerializeAsString()),
            "08 0c 12 02 76 31 c2 01 0c 0a 08 08 00 10 00 18 1c 20 09 10 01");
}

TEST_F(ServerTest, ResponseBytesMatchTheSpecExamples) {
  TestClient client(server);
  // Hosted-tables push: only the subscribing msg_id.
  EXPECT_TRUE(client.send_bytes(unhex("08 ac 02 22 02 08 01")).empty());
  ASSERT_TRUE(server.host_table(worked_example_table("t2")).is_ok());
  ASSERT_EQ(client.sink->frames.size(), 1u);
  EXPECT_EQ(hex(client.sink->frames[0]), "08 ac 02");
  client.sink->frames.clear();

  // make_view reply (flat config).
  std::vector<std::string> reply = client.send_bytes(unhex("08 05 12 01 74 32 04 0a 02 76 31"));
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(hex(reply[0]), "08 05 12 01 74 32 04 0a 02 76 31");

  // on_update push (port 0 is omitted on the wire).
  EXPECT_TRUE(client.send_bytes(unhex("08 0b 12 02 76 31 aa 01 00")).empty());
  server.table_updated("t", engine::TableDelta{}, 0);
  ASSERT_EQ(client.sink->frames.size(), 1u);
  EXPECT_EQ(hex(client.sink->frames[0]), "08 0b 12 02 76 31 aa 01 00");
  client.sink->frames.clear();

  // Unknown view.
  std::vector<std::string> error = client.send_bytes(unhex("08 09 12 02 76 39 62 00"));
  ASSERT_EQ(error.size(), 1u);
  EXPECT_EQ(hex(error[0]),
            "08 09 12 02 76 39 92 03 12 0a 0e 56 69 65 77 20 6e 6f 74 20 66 6f 75 6e 64 10 01");
}

TEST_F(ServerTest, ViewerLoadSequence) {
  TestClient client(server);
  proto::Request subscribe = client.request();
  subscribe.mutable_get_hosted_tables_req()->set_subscribe(true);
  EXPECT_TRUE(client.send(subscribe).empty());  // deferred

  proto::Request hosted = client.request();
  hosted.mutable_get_hosted_tables_req();
  auto tables = client.call(hosted).get_hosted_tables_resp();
  ASSERT_EQ(tables.table_infos_size(), 1);
  EXPECT_EQ(tables.table_infos(0).entity_id(), "t");
  EXPECT_FALSE(tables.table_infos(0).has_index());
  EXPECT_FALSE(tables.table_infos(0).has_limit());

  proto::Request features = client.request();
  features.mutable_get_features_req();
  auto f = client.call(features).get_features_resp();
  EXPECT_TRUE(f.group_by());
  EXPECT_TRUE(f.split_by());
  EXPECT_FALSE(f.expressions());
  EXPECT_TRUE(f.on_update());
  EXPECT_TRUE(f.sort());
  EXPECT_EQ(f.filter_ops().at(proto::STRING).options(0), "==");
  EXPECT_EQ(f.filter_ops().at(proto::BOOLEAN).options_size(), 8);
  EXPECT_EQ(f.aggregates().at(proto::INTEGER).aggregates(0).name(), "sum");
  EXPECT_EQ(f.aggregates().at(proto::STRING).aggregates(0).name(), "count");
  EXPECT_TRUE(f.window_aggregates().empty());

  proto::Request schema = client.request("t");
  schema.mutable_table_schema_req();
  auto s = client.call(schema).table_schema_resp().schema();
  ASSERT_EQ(s.schema_size(), 8);
  EXPECT_EQ(s.schema(0).name(), "id");
  EXPECT_EQ(s.schema(0).type(), proto::INTEGER);
  EXPECT_EQ(s.schema(5).type(), proto::DATE);
  EXPECT_EQ(s.schema(6).type(), proto::DATETIME);

  proto::Request port = client.request("t");
  port.mutable_table_make_port_req();
  EXPECT_EQ(client.call(port).table_make_port_resp().port_id(), 1u);

  proto::Request validate = client.request("t");
  validate.mutable_table_validate_expr_req();
  EXPECT_TRUE(client.call(validate).has_table_validate_expr_resp());

  proto::Request view = make_view(client, "v1");
  EXPECT_EQ(client.call(view).table_make_view_resp().view_id(), "v1");

  proto::Request view_schema = client.request("v1");
  view_schema.mutable_view_schema_req();
  auto vs = client.call(view_schema).view_schema_resp().schema();
  EXPECT_EQ(vs.size(), 8u);
  EXPECT_EQ(vs.at("f"), proto::FLOAT);

  proto::Request on_update = client.request("v1");
  on_update.mutable_view_on_update_req();
  EXPECT_TRUE(client.send(on_update).empty());

  proto::Request dims = client.request("v1");
  dims.mutable_view_dimensions_req();
  auto d = client.call(dims).view_dimensions_resp();
  EXPECT_EQ(d.num_table_rows(), 4u);
  EXPECT_EQ(d.num_table_columns(), 8u);
  EXPECT_EQ(d.num_view_rows(), 4u);
  EXPECT_EQ(d.num_view_columns(), 8u);

  proto::Request config = client.request("v1");
  config.mutable_view_get_config_req();
  auto c = client.call(config).view_get_config_resp().config();
  EXPECT_EQ(c.columns().columns().columns_size(), 8);
  EXPECT_TRUE(c.has_group_rollup_mode());
  EXPECT_TRUE(c.has_split_rollup_mode());

  // Datagrid paint: the end column is one past the last one (clamped).
  proto::Request paint = client.request("v1");
  auto* vp = paint.mutable_view_to_columns_string_req()->mutable_viewport();
  vp->set_start_row(0);
  vp->set_start_col(0);
  vp->set_end_row(28);
  vp->set_end_col(9);
  paint.mutable_view_to_columns_string_req()->set_id(true);
  EXPECT_EQ(client.call(paint).view_to_columns_string_resp().json_string(),
            R"({"id":[1,2,3,4],"k":["a","b","a","b"],"c":["x","x","y","y"],"v":[10,20,30,40],)"
            R"("f":[1.5,2.5,null,4.0],"d":[1704067200000,1704153600000,1704240000000,null],)"
            R"("t":[1704103200000,1704195000000,1704283200123,null],"b":[true,false,true,null],)"
            R"("__ID__":[[0],[1],[2],[3]]})");

  // Teardown: remove the on_update subscription, delete the view, unsubscribe.
  proto::Request remove_update = client.request("v1");
  remove_update.mutable_view_remove_on_update_req()->set_id(on_update.msg_id());
  EXPECT_TRUE(client.call(remove_update).has_view_remove_on_update_resp());
  proto::Request del = client.request("v1");
  del.mutable_view_delete_req();
  EXPECT_TRUE(client.call(del).has_view_delete_resp());
  EXPECT_EQ(server.live_view_count(), 0u);
  proto::Request unsubscribe = client.request();
  unsubscribe.mutable_remove_hosted_tables_update_req()->set_id(subscribe.msg_id());
  EXPECT_TRUE(client.call(unsubscribe).has_remove_hosted_tables_update_resp());
  ASSERT_TRUE(server.host_table(worked_example_table("later")).is_ok());
  EXPECT_TRUE(client.take_pushes().empty());
}

TEST_F(ServerTest, UnknownTableAndViewErrors) {
  TestClient client(server);
  proto::Request schema = client.request("nope");
  schema.mutable_table_schema_req();
  auto r = client.call(schema);
  ASSERT_TRUE(r.has_server_error());
  EXPECT_EQ(r.server_error().message(), "Couldn't find key.");
  EXPECT_EQ(r.server_error().status_code(), proto::SERVER_ERROR);

  proto::Request csv = client.request("nope");
  csv.mutable_view_to_csv_req();
  r = client.call(csv);
  ASSERT_TRUE(r.has_server_error());
  EXPECT_EQ(r.server_error().message(), "View not found");
  EXPECT_EQ(r.server_error().status_code(), proto::VIEW_NOT_FOUND);
}

TEST_F(ServerTest, MalformedAndUnknownRequests) {
  TestClient client(server);
  // msg_id 7, then a length-delimited field that runs past the end.
  std::vector<std::string> reply = client.send_bytes(unhex("08 07 1a 05 00"));
  ASSERT_EQ(reply.size(), 1u);
  proto::Response r = decode(reply[0]);
  EXPECT_EQ(r.msg_id(), 7u);
  EXPECT_TRUE(r.has_server_error());
  EXPECT_FALSE(client.sink->closed);

  // Garbage without a readable msg_id: the connection is closed.
  EXPECT_TRUE(client.send_bytes(unhex("ff ff ff")).empty());
  EXPECT_TRUE(client.sink->closed);
  EXPECT_EQ(client.sink->close_reason, "malformed request");

  // A variant from the future (field 41, empty message).
  TestClient other(server);
  reply = other.send_bytes(unhex("08 2a ca 02 00"));
  ASSERT_EQ(reply.size(), 1u);
  r = decode(reply[0]);
  EXPECT_EQ(r.msg_id(), 42u);
  EXPECT_EQ(r.server_error().message(), "Unhandled request type 41");

  // No variant at all.
  proto::Request empty = other.request();
  r = other.call(empty);
  EXPECT_EQ(r.server_error().message(), "Unhandled request type 2");
}

TEST_F(ServerTest, EveryTruncationOfARequestGetsOneReplyOrAClose) {
  proto::Request request;
  request.set_msg_id(300);
  request.set_entity_id("t");
  auto* vp = request.mutable_table_make_view_req();
  vp->set_view_id("some-view");
  vp->mutable_config()->add_group_by("k");
  vp->mutable_config()->mutable_columns()->mutable_columns()->add_columns("v");
  std::string bytes = request.SerializeAsString();
  for (size_t n = 0; n <= bytes.size(); ++n) {
    TestClient client(server);
    std::vector<std::string> frames = client.send_bytes(std::string_view(bytes).substr(0, n));
    EXPECT_TRUE((frames.size() == 1 && !client.sink->closed) ||
                (frames.empty() && client.sink->closed))
        << "prefix " << n << ": " << frames.size() << " frames";
    if (frames.size() == 1 && n >= 3) {
      EXPECT_EQ(decode(frames[0]).msg_id(), 300u);
    }
  }
  EXPECT_EQ(server.live_view_count(), 0u);  // each view died with its session
}

TEST_F(ServerTest, MutatedFramesGetAtMostOneReply) {
  // Deterministic byte flips of real viewer requests: every frame is answered once,
  // deferred (a subscription), or closes the connection; nothing else.
  TestClient builder(server);
  std::vector<std::string> seeds;
  seeds.push_back(make_view(builder, "m").SerializeAsString());
  proto::Request paint = builder.request("m");
  paint.mutable_view_to_columns_string_req()->mutable_viewport()->set_end_row(3);
  paint.mutable_view_to_columns_string_req()->set_id(true);
  seeds.push_back(paint.SerializeAsString());
  proto::Request update = builder.request("t");
  update.mutable_table_update_req()->mutable_data()->set_from_rows(R"([{"id":9}])");
  seeds.push_back(update.SerializeAsString());
  google::protobuf::LogSilencer quiet;  // invalid UTF-8 in strings is logged by protobuf
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1103515245u + 12345u; };
  for (int i = 0; i < 3000; ++i) {
    std::string frame = seeds[static_cast<size_t>(i) % seeds.size()];
    for (int flips = 1 + static_cast<int>(next() % 3); flips > 0; --flips) {
      frame[(next() >> 8) % frame.size()] = static_cast<char>(next() >> 16);
    }
    TestClient client(server);
    std::vector<std::string> frames = client.send_bytes(frame);
    ASSERT_LE(frames.size(), 1u) << hex(frame);
    if (!frames.empty()) {
      proto::Response reply;
      ASSERT_TRUE(reply.ParseFromString(frames[0])) << hex(frame);  // valid UTF-8 strings
    }
    if (client.sink->closed) {
      ASSERT_TRUE(frames.empty()) << hex(frame);
    }
  }
  EXPECT_EQ(server.find_table("t")->size(), 4u);  // read-only server: no write got through
}

TEST_F(ServerTest, ProtobufLogLinesCanBeRouted) {
  std::vector<std::string> lines;
  set_protobuf_log_sink([&lines](std::string_view line) { lines.emplace_back(line); });
  TestClient client(server);
  // msg_id 4, entity_id = "\xFF": invalid UTF-8 in a string field fails the parse.
  std::vector<std::string> frames = client.send_bytes(unhex("08 04 12 01 ff 1a 00"));
  set_protobuf_log_sink(nullptr);
  ASSERT_EQ(frames.size(), 1u);
  proto::Response reply = decode(frames[0]);
  EXPECT_EQ(reply.msg_id(), 4u);
  EXPECT_EQ(reply.entity_id(), "\xEF\xBF\xBD");
  EXPECT_TRUE(reply.has_server_error());
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("UTF-8"), std::string::npos) << lines[0];
}

TEST_F(ServerTest, HostedTableSubscriptionPushesOnCreateAndRemove) {
  TestClient client(server);
  proto::Request subscribe = client.request();
  subscribe.mutable_get_hosted_tables_req()->set_subscribe(true);
  EXPECT_TRUE(client.send(subscribe).empty());

  ASSERT_TRUE(server.host_table(worked_example_table("u")).is_ok());
  auto pushes = client.take_pushes();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].msg_id(), subscribe.msg_id());
  EXPECT_EQ(pushes[0].entity_id(), "");
  EXPECT_EQ(pushes[0].client_resp_case(), proto::Response::CLIENT_RESP_NOT_SET);

  EXPECT_EQ(server.host_table(worked_example_table("u")).code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(server.remove_table("u").is_ok());
  EXPECT_EQ(client.take_pushes().size(), 1u);
  EXPECT_EQ(server.find_table("u"), nullptr);
  EXPECT_EQ(server.remove_table("u").code(), ErrorCode::kNotFound);
}

TEST_F(ServerTest, ClosingASessionFreesItsViewsAndSubscriptions) {
  auto client = std::make_unique<TestClient>(server);
  TestClient observer(server);
  EXPECT_EQ(server.session_count(), 2u);
  client->call(make_view(*client, "a"));
  client->call(make_view(*client, "b"));
  observer.call(make_view(observer, "c"));
  EXPECT_EQ(server.live_view_count(), 3u);

  // Another session may watch a view it did not create.
  proto::Request watch = observer.request("a");
  watch.mutable_view_on_delete_req();
  EXPECT_TRUE(observer.send(watch).empty());

  client->close();
  EXPECT_EQ(server.live_view_count(), 1u);
  EXPECT_EQ(server.session_count(), 1u);
  auto pushes = observer.take_pushes();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].msg_id(), watch.msg_id());
  EXPECT_TRUE(pushes[0].has_view_on_delete_resp());
}

TEST_F(ServerTest, ReadOnlyServerRefusesTableWrites) {
  TestClient client(server);
  proto::Request update = client.request("t");
  update.mutable_table_update_req()->mutable_data()->set_from_rows(R"([{"id":5}])");
  auto r = client.call(update);
  ASSERT_TRUE(r.has_server_error());
  EXPECT_EQ(r.server_error().message(),
            "chview: table writes from clients are disabled (start with --writable)");

  proto::Request make = client.request("new");
  make.mutable_make_table_req()->mutable_data()->set_from_rows(R"([{"x":1}])");
  EXPECT_TRUE(client.call(make).has_server_error());

  proto::Request del = client.request("t");
  del.mutable_table_delete_req()->set_is_immediate(true);
  EXPECT_TRUE(client.call(del).has_server_error());
  EXPECT_NE(server.find_table("t"), nullptr);
  EXPECT_EQ(server.find_table("t")->size(), 4u);
}

TEST_F(ServerTest, ServerSideIngestPushesOnUpdateWithPort) {
  TestClient client(server);
  client.call(make_view(client, "v"));
  proto::Request on_update = client.request("v");
  on_update.mutable_view_on_update_req();
  client.send(on_update);

  auto table = server.find_table("t");
  columnar::BatchBuilder b({{"id", columnar::ColumnType::kInteger}});
  b.add_row({5});
  auto delta = table->apply(*std::move(b).finish());
  ASSERT_TRUE(delta.is_ok());
  server.table_updated("t", *delta, 3);

  auto pushes = client.take_pushes();
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].msg_id(), on_update.msg_id());
  EXPECT_EQ(pushes[0].entity_id(), "v");
  EXPECT_EQ(pushes[0].view_on_update_resp().port_id(), 3u);
  EXPECT_FALSE(pushes[0].view_on_update_resp().has_delta());

  proto::Request dims = client.request("v");
  dims.mutable_view_dimensions_req();
  EXPECT_EQ(client.call(dims).view_dimensions_resp().num_view_rows(), 5u);
}

}  // namespace
}  // namespace chview::protocol::testing
