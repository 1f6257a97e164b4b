// Encoders on grouped, pivoted and split-only slices: meta-key order, row-path columns,
// aggregate storage types (perspective-protocol.md §4.2–§4.5; values as Perspective 5.5.1
// writes them for the same slices).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arrow/ipc_test_reader.h"
#include "columnar/datetime.h"
#include "protocol/encode/arrow_adapter.h"
#include "protocol/encode/csv_encoder.h"
#include "protocol/encode/json_encoder.h"

namespace chview::protocol::encode {
namespace {

using columnar::Column;
using columnar::ColumnType;
using columnar::Value;

Column make_column(ColumnType type, std::initializer_list<Value> values) {
  Column c(type);
  for (const Value& v : values) c.append(v);
  return c;
}

// {group_by:["k"], split_by:["c"], columns:["v"]} over §3.11's table, plus a pct column.
engine::ViewSlice pivoted() {
  engine::ViewSlice s;
  s.has_row_paths = true;
  s.row_paths = {{}, {Value("a")}, {Value("b")}};
  s.fields = {{"x|v", ColumnType::kInteger}, {"y|v", ColumnType::kFloat}};
  s.aggregates = {"sum", "pct sum parent"};
  s.columns.push_back(make_column(ColumnType::kInteger, {30, 10, 20}));
  s.columns.push_back(make_column(ColumnType::kFloat, {100.0, 42.9, 57.1}));
  s.row_keys = {Value(), Value(), Value()};
  s.end_row = 3;
  s.end_col = 2;
  return s;
}

JsonOptions grouped_options(bool id, bool index) {
  JsonOptions o{id, index, false};
  o.labelling = RowLabelling::kRowPaths;
  return o;
}

TEST(PivotJson, RowPathAndIdComeFirstIndexLast) {
  EXPECT_EQ(encode_columns_json(pivoted(), grouped_options(true, true)),
            R"({"__ROW_PATH__":[[],["a"],["b"]],"__ID__":[[],["a"],["b"]],"x|v":[30,10,20],)"
            R"("y|v":[100.0,42.9,57.1],"__INDEX__":[[],[],[]]})");
  EXPECT_EQ(encode_rows_json(pivoted(), grouped_options(true, false)),
            R"([{"__ROW_PATH__":[],"__ID__":[],"x|v":30,"y|v":100.0},)"
            R"({"__ROW_PATH__":["a"],"__ID__":["a"],"x|v":10,"y|v":42.9},)"
            R"({"__ROW_PATH__":["b"],"__ID__":["b"],"x|v":20,"y|v":57.1}])");
  EXPECT_EQ(encode_ndjson(pivoted(), grouped_options(false, false)),
            "{\"__ROW_PATH__\":[],\"x|v\":30,\"y|v\":100.0}\n"
            "{\"__ROW_PATH__\":[\"a\"],\"x|v\":10,\"y|v\":42.9}\n"
            "{\"__ROW_PATH__\":[\"b\"],\"x|v\":20,\"y|v\":57.1}");
}

TEST(PivotJson, GroupedIndexListsAreGivenRowsOfKeys) {
  std::vector<std::vector<Value>> indices = {{Value(int64_t{3}), Value(int64_t{0})}, {}, {}};
  JsonOptions o = grouped_options(false, true);
  o.row_indices = &indices;
  EXPECT_EQ(encode_columns_json(pivoted(), o),
            R"({"__ROW_PATH__":[[],["a"],["b"]],"x|v":[30,10,20],"y|v":[100.0,42.9,57.1],)"
            R"("__INDEX__":[[3,0],[],[]]})");
}

TEST(PivotJson, EmptyColumnWindowKeepsRowPathsButSplitOnlyIsEmpty) {
  engine::ViewSlice s = pivoted();
  s.fields.clear();
  s.columns.clear();
  s.aggregates.clear();
  EXPECT_EQ(encode_columns_json(s, grouped_options(false, false)),
            R"({"__ROW_PATH__":[[],["a"],["b"]]})");
  JsonOptions split{true, false, false};
  split.labelling = RowLabelling::kSplitOnly;
  s.has_row_paths = false;
  EXPECT_EQ(encode_columns_json(s, split), "{}");
}

TEST(PivotJson, SplitOnlyIdIsThePreviousRowsKey) {
  engine::ViewSlice s;
  s.fields = {{"x|v", ColumnType::kInteger}};
  s.aggregates = {"any"};
  s.columns.push_back(make_column(ColumnType::kInteger, {10, 20}));
  s.row_keys = {Value(int64_t{0}), Value(int64_t{1})};
  s.end_row = 2;
  JsonOptions o{true, false, false};
  o.labelling = RowLabelling::kSplitOnly;
  EXPECT_EQ(encode_columns_json(s, o), R"({"__ID__":[[],[0]],"x|v":[10,20]})");
  // A window starting at row 5 shows row 4's key first.
  s.start_row = 5;
  o.key_before_slice = Value(int64_t{4});
  EXPECT_EQ(encode_columns_json(s, o), R"({"__ID__":[[4],[0]],"x|v":[10,20]})");
}

ArrowLayout layout_for(const engine::ViewSlice& s) {
  ArrowLayout layout;
  layout.group_by = {"k"};
  layout.group_by_types = {ColumnType::kString};
  layout.source_types.assign(s.fields.size(), ColumnType::kInteger);
  return layout;
}

TEST(PivotCsv, RowPathColumnsFirstAndIntegerAggregatesTruncated) {
  // pct sum parent of an integer column is stored as int64 by Perspective.
  EXPECT_EQ(encode_csv(pivoted(), layout_for(pivoted())),
            "\"k (Group by 1)\",\"x|v\",\"y|v\"\n,30,100\n\"a\",10,42\n\"b\",20,57\n");
}

TEST(PivotCsv, DatePathsAndNegativeYears) {
  engine::ViewSlice s;
  s.has_row_paths = true;
  const int32_t day = *columnar::parse_date("2024-01-02");
  s.row_paths = {{}, {Value(columnar::Date{day})}};
  s.fields = {{"d", ColumnType::kDate}};
  s.aggregates = {"low"};
  s.columns.push_back(
      make_column(ColumnType::kDate,
                  {columnar::Date{columnar::days_from_civil(-1, 12, 31)}, columnar::Date{day}}));
  s.row_keys = {Value(), Value()};
  s.end_row = 2;
  ArrowLayout layout;
  layout.group_by = {"d"};
  layout.group_by_types = {ColumnType::kDate};
  layout.source_types = {ColumnType::kDate};
  EXPECT_EQ(encode_csv(s, layout),
            "\"d (Group by 1)\",\"d\"\n,-0001-12-31\n2024-01-02,2024-01-02\n");
}

// "name:type" per field of an Arrow stream's schema.
std::vector<std::string> arrow_fields(const std::string& bytes) {
  using namespace chview::arrow::testing;  // NOLINT(google-build-using-namespace)
  std::vector<std::string> out;
  const auto stream = parse_stream(bytes);
  const auto* fields =
      vector_field<flatbuffers::Offset<flatbuffers::Table>>(stream.messages.at(0).header(), 1);
  for (flatbuffers::uoffset_t i = 0; i < fields->size(); ++i) {
    const auto* f = fields->Get(i);
    const auto* type = table_field(f, 3);
    const uint8_t tag = f->GetField<uint8_t>(slot(2), 0);
    std::string name = tag == 2
                           ? std::string(type->GetField<uint8_t>(slot(1), 0) ? "Int" : "UInt") +
                                 std::to_string(type->GetField<int32_t>(slot(0), 0))
                       : tag == 3 ? "Float64"
                       : tag == 5 ? (table_field(f, 4) ? "Dictionary" : "Utf8")
                       : tag == 6 ? "Bool"
                       : tag == 8 ? "Date32"
                                  : "other";
    out.push_back(string_field(f, 0) + ":" + name);
  }
  return out;
}

TEST(PivotArrow, AggregateStorageTypesAndRowPathNames) {
  engine::ViewSlice s = pivoted();
  s.fields.push_back({"x|c", ColumnType::kInteger});
  s.aggregates.push_back("distinct count");
  s.columns.push_back(make_column(ColumnType::kInteger, {2, 1, 1}));
  s.fields.push_back({"x|m", ColumnType::kInteger});
  s.aggregates.push_back("min");
  s.columns.push_back(make_column(ColumnType::kInteger, {1, 1, 2}));
  s.end_col = 4;
  ArrowLayout layout = layout_for(s);
  auto legacy = encode_arrow(s, arrow::Compression::kNone, layout);
  ASSERT_TRUE(legacy.is_ok());
  EXPECT_EQ(arrow_fields(*legacy),
            (std::vector<std::string>{"k (Group by 1):Dictionary", "x|v:Int64", "y|v:Int64",
                                      "x|c:UInt32", "x|m:Int32"}));
  layout.legacy_row_path_names = false;
  auto named = encode_arrow(s, arrow::Compression::kNone, layout);
  ASSERT_TRUE(named.is_ok());
  EXPECT_EQ(arrow_fields(*named).at(0), "__ROW_PATH_0__:Dictionary");
  // Split-only slices have no row-path columns even with a group_by list.
  s.has_row_paths = false;
  auto split = encode_arrow(s, arrow::Compression::kNone, layout);
  ASSERT_TRUE(split.is_ok());
  EXPECT_EQ(arrow_fields(*split).at(0), "x|v:Int64");
}

}  // namespace
}  // namespace chview::protocol::encode
