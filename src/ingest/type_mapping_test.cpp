#include "ingest/type_mapping.h"

#include <gtest/gtest.h>

namespace chview::ingest {
namespace {

using columnar::ColumnType;

ColumnType mapped(const char* text) {
  auto type = clickhouse::parse_type(text);
  EXPECT_TRUE(type.is_ok()) << text;
  auto result = perspective_type(*type);
  EXPECT_TRUE(result.is_ok()) << text;
  return *result;
}

TEST(TypeMapping, EveryKind) {
  EXPECT_EQ(mapped("Int8"), ColumnType::kInteger);
  EXPECT_EQ(mapped("UInt32"), ColumnType::kInteger);
  EXPECT_EQ(mapped("Int64"), ColumnType::kInteger);
  EXPECT_EQ(mapped("UInt64"), ColumnType::kInteger);
  EXPECT_EQ(mapped("Float32"), ColumnType::kFloat);
  EXPECT_EQ(mapped("Decimal(10, 2)"), ColumnType::kFloat);
  EXPECT_EQ(mapped("Decimal(38, 4)"), ColumnType::kString);
  EXPECT_EQ(mapped("Date"), ColumnType::kDate);
  EXPECT_EQ(mapped("DateTime('Europe/Paris')"), ColumnType::kDatetime);
  EXPECT_EQ(mapped("DateTime64(6, 'UTC')"), ColumnType::kDatetime);
  EXPECT_EQ(mapped("Nullable(String)"), ColumnType::kString);
  EXPECT_EQ(mapped("LowCardinality(Nullable(String))"), ColumnType::kString);
  EXPECT_EQ(mapped("Enum8('a' = 1, 'b' = 2)"), ColumnType::kString);
  EXPECT_EQ(mapped("UUID"), ColumnType::kString);
  EXPECT_EQ(mapped("Array(Int32)"), ColumnType::kString);
  EXPECT_EQ(mapped("FixedString(4)"), ColumnType::kString);
}

clickhouse::Column column(const char* name, const char* type) {
  auto c = clickhouse::Column::make(name, type);
  EXPECT_TRUE(c.is_ok()) << type;
  return std::move(*c);
}

TEST(TypeMapping, ValuesAndNulls) {
  clickhouse::Block block;
  block.columns.push_back(column("i", "Nullable(Int32)"));
  block.columns.push_back(column("big", "UInt64"));
  block.columns.push_back(column("ts", "DateTime"));
  block.columns.push_back(column("ts64", "DateTime64(6)"));
  block.columns.push_back(column("d", "Date"));
  block.columns.push_back(column("e", "Enum8('up' = 1, 'down' = -1)"));
  block.columns.push_back(column("fs", "FixedString(4)"));
  block.columns.push_back(column("dec", "Decimal(9, 2)"));
  auto& c = block.columns;
  ASSERT_TRUE(c[0].append_int(-5).is_ok());
  ASSERT_TRUE(c[0].append_null().is_ok());
  ASSERT_TRUE(c[1].append_uint(42).is_ok());
  ASSERT_TRUE(c[1].append_uint(UINT64_MAX).is_ok());
  ASSERT_TRUE(c[2].append_int(1704103200).is_ok());
  ASSERT_TRUE(c[2].append_int(0).is_ok());
  ASSERT_TRUE(c[3].append_int(1704103200123456).is_ok());
  ASSERT_TRUE(c[3].append_int(-1).is_ok());
  ASSERT_TRUE(c[4].append_string("2024-01-01").is_ok());
  ASSERT_TRUE(c[4].append_string("1970-01-02").is_ok());
  ASSERT_TRUE(c[5].append_string("down").is_ok());
  ASSERT_TRUE(c[5].append_string("up").is_ok());
  ASSERT_TRUE(c[6].append_string("ab").is_ok());
  ASSERT_TRUE(c[6].append_string("abcd").is_ok());
  ASSERT_TRUE(c[7].append_string("12.34").is_ok());
  ASSERT_TRUE(c[7].append_string("-0.5").is_ok());
  block.rows = 2;

  MappingStats stats;
  auto batch = to_batch(block, &stats);
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  EXPECT_EQ(batch->column("i")->int_at(0), -5);
  EXPECT_TRUE(batch->column("i")->is_null(1));
  EXPECT_EQ(batch->column("big")->int_at(0), 42);
  EXPECT_TRUE(batch->column("big")->is_null(1));
  EXPECT_EQ(stats.out_of_range, 1u);
  EXPECT_EQ(batch->column("ts")->datetime_at(0), 1704103200000);
  EXPECT_EQ(batch->column("ts64")->datetime_at(0), 1704103200123);
  EXPECT_EQ(batch->column("ts64")->datetime_at(1), -1);  // floor, not toward zero
  EXPECT_EQ(batch->column("d")->date_at(0), 19723);
  EXPECT_EQ(batch->column("d")->date_at(1), 1);
  EXPECT_EQ(batch->column("e")->string_at(0), "down");
  EXPECT_EQ(batch->column("fs")->string_at(0), "ab");
  EXPECT_EQ(batch->column("fs")->string_at(1), "abcd");
  EXPECT_DOUBLE_EQ(batch->column("dec")->float_at(0), 12.34);
  EXPECT_DOUBLE_EQ(batch->column("dec")->float_at(1), -0.5);
}

}  // namespace
}  // namespace chview::ingest
