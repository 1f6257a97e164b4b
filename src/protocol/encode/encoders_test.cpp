// Encoders against the literal examples of perspective-protocol.md §3.11, §4.2–§4.4.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "columnar/datetime.h"
#include "protocol/encode/arrow_adapter.h"
#include "protocol/encode/csv_encoder.h"
#include "protocol/encode/float_text.h"
#include "protocol/encode/json_encoder.h"
#include "protocol/encode/utf8.h"

namespace chview::protocol::encode {
namespace {

using columnar::Column;
using columnar::ColumnType;
using columnar::Value;

std::string json(double v) {
  std::string out;
  append_json_double(out, v);
  return out;
}

std::string csv(double v) {
  std::string out;
  append_csv_double(out, v);
  return out;
}

TEST(FloatText, JsonShortestRoundTripWithPointZero) {
  EXPECT_EQ(json(4.0), "4.0");
  EXPECT_EQ(json(0.0), "0.0");
  EXPECT_EQ(json(1.5), "1.5");
  EXPECT_EQ(json(-2.5), "-2.5");
  EXPECT_EQ(json(1e21), "1e21");
  EXPECT_EQ(json(1e20), "100000000000000000000.0");
  EXPECT_EQ(json(1e-7), "1e-7");
  EXPECT_EQ(json(1e-6), "0.000001");
  EXPECT_EQ(json(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(json(9007199254740994.0), "9007199254740994.0");
  EXPECT_EQ(json(1.2345e25), "1.2345e25");
  EXPECT_EQ(json(-1.5e-10), "-1.5e-10");
  EXPECT_EQ(json(0.1 + 0.2), "0.30000000000000004");
}

TEST(FloatText, CsvShortestWithoutPointZero) {
  EXPECT_EQ(csv(4.0), "4");
  EXPECT_EQ(csv(0.0), "0");
  EXPECT_EQ(csv(1.5), "1.5");
  EXPECT_EQ(csv(1e21), "1e+21");
  EXPECT_EQ(csv(1e-7), "1e-7");
  EXPECT_EQ(csv(1e-6), "0.000001");
  EXPECT_EQ(csv(9007199254740994.0), "9.007199254740994e+15");
  EXPECT_EQ(csv(123456789.0), "123456789");
  EXPECT_EQ(csv(1234567890.0), "1234567890");
  EXPECT_EQ(csv(12345678901.0), "1.2345678901e+10");
  EXPECT_EQ(csv(1e10), "1e+10");
  EXPECT_EQ(csv(-0.25), "-0.25");
}

Column make_column(ColumnType type, std::initializer_list<Value> values) {
  Column c(type);
  for (const Value& v : values) c.append(v);
  return c;
}

int32_t day(const char* text) { return *columnar::parse_date(text); }
int64_t ms(const char* text) { return *columnar::parse_datetime(text); }

// The 4-row table of §3.11 as a flat slice.
engine::ViewSlice worked_example() {
  engine::ViewSlice s;
  s.fields = {{"id", ColumnType::kInteger}, {"k", ColumnType::kString}, {"c", ColumnType::kString},
              {"v", ColumnType::kInteger},  {"f", ColumnType::kFloat},  {"d", ColumnType::kDate},
              {"t", ColumnType::kDatetime}, {"b", ColumnType::kBoolean}};
  s.columns.push_back(make_column(ColumnType::kInteger, {1, 2, 3, 4}));
  s.columns.push_back(make_column(ColumnType::kString, {"a", "b", "a", "b"}));
  s.columns.push_back(make_column(ColumnType::kString, {"x", "x", "y", "y"}));
  s.columns.push_back(make_column(ColumnType::kInteger, {10, 20, 30, 40}));
  s.columns.push_back(make_column(ColumnType::kFloat, {1.5, 2.5, nullptr, 4.0}));
  s.columns.push_back(make_column(
      ColumnType::kDate, {columnar::Date{day("2024-01-01")}, columnar::Date{day("2024-01-02")},
                          columnar::Date{day("2024-01-03")}, nullptr}));
  s.columns.push_back(make_column(ColumnType::kDatetime,
                                  {columnar::DateTime{ms("2024-01-01T10:00:00Z")},
                                   columnar::DateTime{ms("2024-01-02T11:30:00Z")},
                                   columnar::DateTime{ms("2024-01-03T12:00:00.123Z")}, nullptr}));
  s.columns.push_back(make_column(ColumnType::kBoolean, {true, false, true, nullptr}));
  s.row_keys = {0, 1, 2, 3};
  s.start_row = 0;
  s.end_row = 4;
  s.end_col = 8;
  return s;
}

TEST(JsonEncoder, ColumnsWithIdMatchesWorkedExample) {
  EXPECT_EQ(encode_columns_json(worked_example(), {.id = true}),
            R"({"id":[1,2,3,4],"k":["a","b","a","b"],"c":["x","x","y","y"],"v":[10,20,30,40],)"
            R"("f":[1.5,2.5,null,4.0],"d":[1704067200000,1704153600000,1704240000000,null],)"
            R"("t":[1704103200000,1704195000000,1704283200123,null],"b":[true,false,true,null],)"
            R"("__ID__":[[0],[1],[2],[3]]})");
}

TEST(JsonEncoder, FormattedDatesAndDatetimes) {
  std::string out = encode_columns_json(worked_example(), {.formatted = true});
  EXPECT_NE(out.find(R"("d":["2024-01-01","2024-01-02","2024-01-03",null])"), std::string::npos)
      << out;
  EXPECT_NE(out.find(R"("t":["2024-01-01 10:00:00.000","2024-01-02 11:30:00.000",)"
                     R"("2024-01-03 12:00:00.123",null])"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("__ID__"), std::string::npos);
}

TEST(JsonEncoder, IndexComesBeforeIdInColumns) {
  engine::ViewSlice s;
  s.fields = {{"v", ColumnType::kInteger}};
  s.columns.push_back(make_column(ColumnType::kInteger, {7}));
  s.row_keys = {"key"};
  EXPECT_EQ(encode_columns_json(s, {.id = true, .index = true}),
            R"({"v":[7],"__INDEX__":[["key"]],"__ID__":[["key"]]})");
}

TEST(JsonEncoder, RowsWithoutColumnsStillListTheirKeys) {
  engine::ViewSlice s;
  s.row_keys = {0, 1};
  EXPECT_EQ(encode_columns_json(s, {.id = true}), R"({"__ID__":[[0],[1]]})");
  EXPECT_EQ(encode_columns_json(s, {}), "{}");
}

TEST(JsonEncoder, EmptySliceIsEmptyObject) {
  EXPECT_EQ(encode_columns_json(engine::ViewSlice{}, {}), "{}");
  EXPECT_EQ(encode_rows_json(engine::ViewSlice{}, {}), "[]");
  EXPECT_EQ(encode_ndjson(engine::ViewSlice{}, {}), "");
}

// The reference keeps requested key columns for an empty column window or row range.
TEST(JsonEncoder, EmptyWindowsKeepRequestedKeys) {
  EXPECT_EQ(encode_columns_json(engine::ViewSlice{}, {.id = true}), R"({"__ID__":[]})");
  EXPECT_EQ(encode_columns_json(engine::ViewSlice{}, {.id = true, .index = true}),
            R"({"__INDEX__":[],"__ID__":[]})");
  engine::ViewSlice no_columns;
  no_columns.row_keys = {0, 1};
  EXPECT_EQ(encode_rows_json(no_columns, {.index = true}),
            R"([{"__INDEX__":[0]},{"__INDEX__":[1]}])");
  EXPECT_EQ(encode_rows_json(no_columns, {.id = true}), R"([{"__ID__":[0]},{"__ID__":[1]}])");
  EXPECT_EQ(encode_rows_json(no_columns, {}), "[]");
}

TEST(JsonEncoder, FormattedKeysAreFormattedLikeValues) {
  engine::ViewSlice s;
  s.fields = {{"v", ColumnType::kInteger}};
  s.columns.push_back(make_column(ColumnType::kInteger, {1}));
  s.row_keys = {columnar::Date{day("2024-01-01")}};
  EXPECT_EQ(encode_columns_json(s, {.id = true, .index = true, .formatted = true}),
            R"({"v":[1],"__INDEX__":[["2024-01-01"]],"__ID__":[["2024-01-01"]]})");
  s.row_keys = {columnar::DateTime{ms("2024-01-01T10:00:00Z")}};
  EXPECT_EQ(encode_rows_json(s, {.id = true, .formatted = true}),
            R"([{"__ID__":["2024-01-01 10:00:00.000"],"v":1}])");
  EXPECT_EQ(encode_rows_json(s, {.id = true}), R"([{"__ID__":[1704103200000],"v":1}])");
}

TEST(JsonEncoder, RowsPutMetaKeysFirst) {
  engine::ViewSlice s;
  s.fields = {{"k", ColumnType::kString}, {"f", ColumnType::kFloat}};
  s.columns.push_back(make_column(ColumnType::kString, {"a", "q\"\\\n\x01"}));
  s.columns.push_back(make_column(ColumnType::kFloat, {0.0, std::nan("")}));
  s.row_keys = {0, 1};
  EXPECT_EQ(encode_rows_json(s, {.id = true, .index = true}),
            R"([{"__ID__":[0],"__INDEX__":[0],"k":"a","f":0.0},)"
            R"({"__ID__":[1],"__INDEX__":[1],"k":"q\"\\\n\u0001","f":null}])");
  EXPECT_EQ(encode_ndjson(s, {}),
            "{\"k\":\"a\",\"f\":0.0}\n{\"k\":\"q\\\"\\\\\\n\\u0001\",\"f\":null}");
}

TEST(Utf8, InvalidSequencesBecomeReplacementCharacters) {
  std::string out;
  append_valid_utf8(out, "ok \xC3\xA9 \xFF \xC3 \xE2\x82\xAC \xED\xA0\x80 \xF0\x9F\x98\x80");
  EXPECT_EQ(out,
            "ok \xC3\xA9 \xEF\xBF\xBD \xEF\xBF\xBD \xE2\x82\xAC "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x98\x80");
  EXPECT_EQ(utf8_sequence_length("\xC0\x80"), 0u);  // overlong NUL

  std::string json;
  append_json_string(json,
                     "a\xFF"
                     "b\xC3\xA9");
  EXPECT_EQ(json,
            "\"a\xEF\xBF\xBD"
            "b\xC3\xA9\"");
}

TEST(CsvEncoder, WorkedExampleFlat) {
  EXPECT_EQ(encode_csv(worked_example()),
            "\"id\",\"k\",\"c\",\"v\",\"f\",\"d\",\"t\",\"b\"\n"
            "1,\"a\",\"x\",10,1.5,2024-01-01,2024-01-01 10:00:00.000,true\n"
            "2,\"b\",\"x\",20,2.5,2024-01-02,2024-01-02 11:30:00.000,false\n"
            "3,\"a\",\"y\",30,,2024-01-03,2024-01-03 12:00:00.123,true\n"
            "4,\"b\",\"y\",40,4,,,\n");
}

TEST(CsvEncoder, QuotesAreDoubledAndNoColumnsIsEmpty) {
  engine::ViewSlice s;
  s.fields = {{"say \"hi\"", ColumnType::kString}};
  s.columns.push_back(make_column(ColumnType::kString, {"a \"b\", c", nullptr}));
  s.row_keys = {0, 1};
  EXPECT_EQ(encode_csv(s), "\"say \"\"hi\"\"\"\n\"a \"\"b\"\", c\"\n\n");
  EXPECT_EQ(encode_csv(engine::ViewSlice{}), "");
}

TEST(ArrowAdapter, ProducesAStreamWithColumnNames) {
  auto bytes = encode_arrow(worked_example());
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  const std::string& b = *bytes;
  ASSERT_GE(b.size(), 8u);
  EXPECT_EQ(b.substr(0, 4), std::string("\xFF\xFF\xFF\xFF", 4));  // continuation marker
  EXPECT_EQ(b.substr(b.size() - 8), std::string("\xFF\xFF\xFF\xFF\0\0\0\0", 8));  // EOS
  for (const char* name : {"id", "k", "f", "d", "t", "b"}) {
    EXPECT_NE(b.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(parse_compression("lz4"), arrow::Compression::kLz4Frame);
  EXPECT_EQ(parse_compression("zstd"), arrow::Compression::kZstd);
  EXPECT_EQ(parse_compression("gzip"), arrow::Compression::kNone);
}

}  // namespace
}  // namespace chview::protocol::encode
