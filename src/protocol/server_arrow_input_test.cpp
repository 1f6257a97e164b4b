// Server: tables made, updated, replaced and removed from with Arrow IPC input
// (MakeTableData.from_arrow), typed like Perspective 5.x's Arrow loader.
#include <gtest/gtest.h>

#include "arrow/ipc_reader_fixtures.h"
#include "arrow/ipc_test_stream.h"
#include "arrow/ipc_writer.h"
#include "protocol/server.h"
#include "protocol/test_client.h"

namespace chview::protocol::testing {
namespace {

using arrow::ArrowColumn;
using arrow::ArrowColumnBuilder;
using arrow::ArrowType;

std::string stream(std::vector<ArrowColumn> columns, size_t rows,
                   arrow::Compression compression = arrow::Compression::kNone) {
  auto bytes = arrow::write_ipc_stream(columns, rows, compression);
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  return bytes.is_ok() ? *bytes : std::string();
}

ArrowColumn ints(const std::string& name, std::vector<std::optional<int32_t>> values) {
  ArrowColumnBuilder b(name, ArrowType::kInt32);
  for (auto v : values) v ? b.append_int32(*v) : b.append_null();
  return std::move(b).finish();
}
ArrowColumn floats(const std::string& name, std::vector<std::optional<double>> values) {
  ArrowColumnBuilder b(name, ArrowType::kFloat64);
  for (auto v : values) v ? b.append_float64(*v) : b.append_null();
  return std::move(b).finish();
}
ArrowColumn strings(const std::string& name, std::vector<std::optional<std::string>> values,
                    ArrowType type = ArrowType::kUtf8) {
  ArrowColumnBuilder b(name, type);
  for (const auto& v : values) v ? b.append_string(*v) : b.append_null();
  return std::move(b).finish();
}

class ArrowInputTest : public ::testing::Test {
 protected:
  ArrowInputTest() : server({.writable = true}) {}

  proto::Response make_table(const std::string& name, const std::string& arrow,
                             const std::string& index = "") {
    proto::Request r = client.request(name);
    r.mutable_make_table_req()->mutable_data()->set_from_arrow(arrow);
    if (!index.empty()) r.mutable_make_table_req()->mutable_options()->set_make_index_table(index);
    return client.send(r).at(0);
  }
  std::map<std::string, proto::ColumnType> schema(const std::string& table) {
    proto::Request r = client.request(table);
    r.mutable_table_schema_req();
    std::map<std::string, proto::ColumnType> out;
    const proto::Response response = client.call(r);
    for (const auto& f : response.table_schema_resp().schema().schema()) {
      out[f.name()] = f.type();
    }
    return out;
  }
  std::string columns_json(const std::string& table) {
    proto::Request v = client.request(table);
    const std::string id = table + "_view" + std::to_string(next_view_++);
    v.mutable_table_make_view_req()->set_view_id(id);
    v.mutable_table_make_view_req()->mutable_config();
    EXPECT_TRUE(client.call(v).has_table_make_view_resp());
    proto::Request r = client.request(id);
    r.mutable_view_to_columns_string_req();
    return client.call(r).view_to_columns_string_resp().json_string();
  }
  // Sends an update / replace / remove whose data is `arrow`; returns the reply.
  proto::Response write(const std::string& table, const std::string& arrow, char kind = 'u') {
    proto::Request r = client.request(table);
    proto::MakeTableData* data = kind == 'u'   ? r.mutable_table_update_req()->mutable_data()
                                 : kind == 'r' ? r.mutable_table_replace_req()->mutable_data()
                                               : r.mutable_table_remove_req()->mutable_data();
    data->set_from_arrow(arrow);
    return client.send(r).at(0);
  }

  Server server;
  TestClient client{server};
  int next_view_ = 0;
};

TEST_F(ArrowInputTest, MakesATableFromOurOwnWriterWithEveryCodec) {
  for (auto codec :
       {arrow::Compression::kNone, arrow::Compression::kLz4Frame, arrow::Compression::kZstd}) {
    const std::string name = "t" + std::to_string(static_cast<int>(codec));
    std::vector<ArrowColumn> columns;
    columns.push_back(ints("i", {1, std::nullopt, -3}));
    columns.push_back(floats("f", {0.5, -0.0, std::nullopt}));
    columns.push_back(strings("s", {"a", std::nullopt, "a"}, ArrowType::kDictionary));
    ArrowColumnBuilder b("b", ArrowType::kBool), d("d", ArrowType::kDate32),
        t("t", ArrowType::kTimestampMs);
    b.append_bool(true), b.append_bool(false), b.append_null();
    d.append_int32(19724), d.append_null(), d.append_int32(-1);
    t.append_int64(1700000000123), t.append_int64(-1), t.append_null();
    columns.push_back(std::move(b).finish());
    columns.push_back(std::move(d).finish());
    columns.push_back(std::move(t).finish());
    ASSERT_TRUE(make_table(name, stream(std::move(columns), 3, codec)).has_make_table_resp());
    EXPECT_EQ(schema(name), (std::map<std::string, proto::ColumnType>{{"i", proto::INTEGER},
                                                                      {"f", proto::FLOAT},
                                                                      {"s", proto::STRING},
                                                                      {"b", proto::BOOLEAN},
                                                                      {"d", proto::DATE},
                                                                      {"t", proto::DATETIME}}));
    EXPECT_EQ(columns_json(name), R"({"i":[1,null,-3],"f":[0.5,-0.0,null],"s":["a",null,"a"],)"
                                  R"("b":[true,false,null],"d":[1704153600000,null,-86400000],)"
                                  R"("t":[1700000000123,-1,null]})");
  }
}

TEST_F(ArrowInputTest, MapsEveryArrowTypeOfTheJsClientLikePerspective) {
  ASSERT_TRUE(make_table("js", arrow::testing::from_hex(arrow::testing::kApacheArrowJsAllTypes))
                  .has_make_table_resp());
  const auto s = schema("js");
  for (const char* integer : {"i8", "i16", "i64", "u8", "u32", "u64"}) {
    EXPECT_EQ(s.at(integer), proto::INTEGER) << integer;
  }
  EXPECT_EQ(s.at("f32"), proto::FLOAT);
  for (const char* text : {"s", "ls", "d"}) EXPECT_EQ(s.at(text), proto::STRING) << text;
  EXPECT_EQ(s.at("dd"), proto::DATE);
  EXPECT_EQ(s.at("dm"), proto::DATE);
  for (const char* time : {"ts", "tus", "tz"}) EXPECT_EQ(s.at(time), proto::DATETIME) << time;
  EXPECT_EQ(s.at("b"), proto::BOOLEAN);
  const std::string json = columns_json("js");
  // Int64 keeps its width; timestamps become milliseconds (µs truncate toward zero);
  // Date64 keeps the day.
  EXPECT_NE(json.find(R"("i64":[1099511627776,null,-5])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("ts":[1000,null,-1000000])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("tus":[1,-1,null])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("dm":[1704153600000,null,0])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("d":["b","a","b"])"), std::string::npos) << json;
}

TEST_F(ArrowInputTest, IndexUpdatesOverwriteWithNullsAndKeepColumnsTheArrowLacks) {
  std::vector<ArrowColumn> initial;
  initial.push_back(ints("id", {1, 2}));
  initial.push_back(strings("s", {"a", "b"}));
  initial.push_back(floats("f", {1, 2}));
  ASSERT_TRUE(make_table("t", stream(std::move(initial), 2), "id").has_make_table_resp());
  std::vector<ArrowColumn> update;
  update.push_back(ints("id", {2, 3}));
  update.push_back(strings("s", {std::nullopt, "c"}));  // no `f`: absent, kept for id 2
  update.push_back(ints("ignored", {9, 9}));
  EXPECT_TRUE(write("t", stream(std::move(update), 2)).has_table_update_resp());
  EXPECT_EQ(columns_json("t"), R"({"id":[1,2,3],"s":["a",null,"c"],"f":[1.0,2.0,null]})");

  std::vector<ArrowColumn> keys;
  keys.push_back(ints("id", {1, 3, 42}));
  EXPECT_TRUE(write("t", stream(std::move(keys), 3), 'x').has_table_remove_resp());
  EXPECT_EQ(columns_json("t"), R"({"id":[2],"s":[null],"f":[2.0]})");

  EXPECT_EQ(write("t", stream({floats("f", {2})}, 1), 'x').server_error().message(),
            "chview: remove data lacks the index column 'id'");

  std::vector<ArrowColumn> replacement;
  replacement.push_back(ints("id", {7}));
  replacement.push_back(floats("f", {7.5}));
  EXPECT_TRUE(write("t", stream(std::move(replacement), 1), 'r').has_table_replace_resp());
  EXPECT_EQ(columns_json("t"), R"({"id":[7],"s":[null],"f":[7.5]})");
}

TEST_F(ArrowInputTest, NumbersConvertAndOtherMismatchesFailWithPerspectivesText) {
  ASSERT_TRUE(make_table("t", stream({ints("i", {1}), floats("f", {1}), strings("s", {"x"})}, 1))
                  .has_make_table_resp());
  // Floats truncate into an integer column (saturating like wasm), ints widen to float.
  std::vector<ArrowColumn> cross;
  cross.push_back(floats("i", {-2.9, 1e21}));
  cross.push_back(ints("f", {3, 4}));
  EXPECT_TRUE(write("t", stream(std::move(cross), 2)).has_table_update_resp());
  EXPECT_EQ(columns_json("t"), R"({"i":[1,-2,2147483647],"f":[1.0,3.0,4.0],"s":["x",null,null]})");

  EXPECT_EQ(write("t", stream({ints("s", {1})}, 1)).server_error().message(),
            "Could not fill arrow column `s` iteratively due to mismatched types.");
  EXPECT_EQ(write("t", stream({strings("i", {"1"})}, 1)).server_error().message(),
            "Could not fill column `i` with t_dtype: `int32`, array type: `str`\n");
  EXPECT_NE(write("t", "not arrow")
                .server_error()
                .message()
                .find("chview: cannot read the Arrow input: Arrow IPC"),
            std::string::npos);
  EXPECT_EQ(columns_json("t"), R"({"i":[1,-2,2147483647],"f":[1.0,3.0,4.0],"s":["x",null,null]})");
}

TEST_F(ArrowInputTest, RenamesRepeatedColumnsAndNamesUnsupportedTypes) {
  ASSERT_TRUE(make_table("dup", stream({ints("a", {1}), ints("a", {2}), ints("a", {3})}, 1))
                  .has_make_table_resp());
  EXPECT_EQ(columns_json("dup"), R"({"a":[1],"a*":[2],"a**":[3]})");

  arrow::testing::StreamBuilder large_binary;
  large_binary.schema({{"blob", arrow::testing::TypeSpec(19)}});
  EXPECT_EQ(make_table("lb", large_binary.end().bytes).server_error().message(),
            "Could not load arrow column of type `large_binary`\n");
  arrow::testing::StreamBuilder list;
  list.schema({{"l", arrow::testing::list_type()}});
  EXPECT_NE(make_table("l", list.end().bytes).server_error().message().find("has type list"),
            std::string::npos);
}

TEST_F(ArrowInputTest, MakesATableFromPerspectivesOwnToArrow) {
  for (auto hex : {arrow::testing::kPerspectiveToArrow, arrow::testing::kPerspectiveToArrowLz4}) {
    const std::string name = "p" + std::to_string(next_view_);
    ASSERT_TRUE(make_table(name, arrow::testing::from_hex(hex)).has_make_table_resp());
    EXPECT_EQ(columns_json(name), R"({"s":["a",null,"a","zz"],"i":[1,null,-7,2147483647],)"
                                  R"("f":[1.5,null,0.0,1e300],"b":[true,null,false,true],)"
                                  R"("d":[1704153600000,null,-86400000,951782400000],)"
                                  R"("t":[1700000000123,null,-1,0]})");
  }
}

}  // namespace
}  // namespace chview::protocol::testing
