#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "columnar/batch.h"
#include "columnar/column.h"
#include "columnar/datetime.h"
#include "columnar/value.h"

namespace chview::columnar {
namespace {

TEST(ColumnTypeTest, NamesRoundTripWithWireNumbers) {
  const std::pair<ColumnType, int> kWire[] = {
      {ColumnType::kString, 0},  {ColumnType::kDate, 1},  {ColumnType::kDatetime, 2},
      {ColumnType::kInteger, 3}, {ColumnType::kFloat, 4}, {ColumnType::kBoolean, 5}};
  for (auto [type, wire] : kWire) {
    EXPECT_EQ(static_cast<int>(type), wire);
    EXPECT_EQ(parse_column_type(column_type_name(type)), type);
  }
  EXPECT_EQ(column_type_name(ColumnType::kDatetime), "datetime");
  EXPECT_EQ(parse_column_type("int"), std::nullopt);
}

TEST(DateTimeTest, ParsesAndFormatsDates) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("2024-01-01"), 19723);
  EXPECT_EQ(parse_date("1969-12-31"), -1);
  EXPECT_EQ(parse_date("2024-02-29"), 19782);
  EXPECT_EQ(parse_date("2023-02-29"), std::nullopt);
  EXPECT_EQ(parse_date("2024-1-01"), std::nullopt);
  EXPECT_EQ(parse_date("2024-01-01x"), std::nullopt);
  EXPECT_EQ(parse_date("2024/01/02"), 19724);
  EXPECT_EQ(parse_date("01/02/2024"), 19724);
  EXPECT_EQ(parse_date("2024/01-02"), std::nullopt);
  EXPECT_EQ(parse_date("13/02/2024"), std::nullopt);
  EXPECT_EQ(format_date(19723), "2024-01-01");
  EXPECT_EQ(format_date(-1), "1969-12-31");
}

TEST(DateTimeTest, ParsesCommonDateTimeForms) {
  EXPECT_EQ(parse_datetime("2024-01-01T10:00:00Z"), 1704103200000);
  EXPECT_EQ(parse_datetime("2024-01-01 10:00:00"), 1704103200000);
  EXPECT_EQ(parse_datetime("2024-01-03T12:00:00.123Z"), 1704283200123);
  EXPECT_EQ(parse_datetime("2024-01-03T12:00:00.1234567"), 1704283200123);
  EXPECT_EQ(parse_datetime("2024-01-01T12:00+02:00"), 1704103200000);
  EXPECT_EQ(parse_datetime("2024-01-01"), 1704067200000);
  EXPECT_EQ(parse_datetime("01/01/2024 10:00"), 1704103200000);
  EXPECT_EQ(parse_datetime("2024-01-01T25:00"), std::nullopt);
  EXPECT_EQ(parse_datetime("yesterday"), std::nullopt);
  EXPECT_EQ(format_datetime(1704283200123), "2024-01-03 12:00:00.123");
  EXPECT_EQ(format_datetime(-1), "1969-12-31 23:59:59.999");
  EXPECT_EQ(days_from_ms(-1), -1);
  EXPECT_EQ(days_from_ms(86400000), 1);
}

struct CoerceCase {
  Value in;
  ColumnType type;
  Value out;
};

TEST(CoerceTest, FollowsPerspectiveUpdateRules) {
  const CoerceCase kCases[] = {
      {Value("3"), ColumnType::kInteger, Value(3)},
      {Value(" -12 "), ColumnType::kInteger, Value(-12)},
      {Value("2.7"), ColumnType::kInteger, Value(2)},
      {Value(2.7), ColumnType::kInteger, Value(2)},
      {Value(-2.7), ColumnType::kInteger, Value(-2)},
      {Value(true), ColumnType::kInteger, Value(1)},
      {Value("abc"), ColumnType::kInteger, Value()},
      {Value(std::nan("")), ColumnType::kInteger, Value()},
      {Value(1e30), ColumnType::kInteger, Value()},
      {Value(4), ColumnType::kString, Value("4")},
      {Value(1.5), ColumnType::kString, Value("1.500000")},
      {Value(4.0), ColumnType::kString, Value("4.000000")},
      {Value(false), ColumnType::kString, Value("false")},
      {Value(Date{19723}), ColumnType::kString, Value("2024-01-01")},
      {Value("1.25"), ColumnType::kFloat, Value(1.25)},
      {Value(7), ColumnType::kFloat, Value(7.0)},
      {Value("x"), ColumnType::kFloat, Value()},
      {Value("TRUE"), ColumnType::kBoolean, Value(true)},
      {Value("false"), ColumnType::kBoolean, Value(false)},
      {Value(0), ColumnType::kBoolean, Value(false)},
      {Value(2.5), ColumnType::kBoolean, Value(true)},
      {Value("yes"), ColumnType::kBoolean, Value()},
      {Value("2024-01-02"), ColumnType::kDate, Value(Date{19724})},
      {Value("2024-01-02T23:00:00Z"), ColumnType::kDate, Value(Date{19724})},
      {Value(1704153600000.0), ColumnType::kDate, Value(Date{19724})},
      {Value(1704153600000), ColumnType::kDatetime, Value(DateTime{1704153600000})},
      {Value("2024-01-02"), ColumnType::kDatetime, Value(DateTime{1704153600000})},
      {Value(Date{1}), ColumnType::kDatetime, Value(DateTime{86400000})},
      {Value(), ColumnType::kString, Value()},
  };
  for (const CoerceCase& c : kCases) {
    EXPECT_EQ(coerce(c.in, c.type), c.out)
        << c.in.debug_string() << " -> " << column_type_name(c.type);
  }
}

TEST(ValueTest, CompareIsATotalOrder) {
  EXPECT_LT(compare(Value(), Value(0)), 0);
  EXPECT_EQ(compare(Value(), Value()), 0);
  EXPECT_LT(compare(Value(1), Value(2)), 0);
  EXPECT_GT(compare(Value("b"), Value("a")), 0);
  EXPECT_LT(compare(Value("B"), Value("a")), 0);  // byte-wise
  EXPECT_GT(compare(Value(std::nan("")), Value(1e300)), 0);
  EXPECT_NE(Value(1), Value(1.0));
  EXPECT_EQ(Value(std::nan("")), Value(std::nan("")));
  EXPECT_EQ(Value(int64_t{5}).as_int(), 5);
  EXPECT_EQ(Value(3).kind(), Value::Kind::kInt);
  EXPECT_EQ(Value("s").kind(), Value::Kind::kString);
}

TEST(ColumnTest, StoresTypedValuesAndNulls) {
  Column c(ColumnType::kString);
  c.append_string("a");
  c.append_null();
  c.append(Value(7));  // coerced to "7"
  c.append_string("a");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.string_at(0), "a");
  EXPECT_TRUE(c.is_null(1));
  EXPECT_EQ(c.string_at(2), "7");
  EXPECT_EQ(c.code_at(0), c.code_at(3));
  EXPECT_EQ(c.dictionary().size(), 2u);
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_EQ(c.value_at(1), Value());
  c.set(1, Value("b"));
  EXPECT_EQ(c.value_at(1), Value("b"));
  c.set_null(0);
  EXPECT_TRUE(c.is_null(0));
  c.resize(6);
  EXPECT_TRUE(c.is_null(5));
}

TEST(ColumnTest, CopiedDictionaryStaysValid) {
  Column a(ColumnType::kString);
  for (int i = 0; i < 100; ++i) a.append_string("value " + std::to_string(i % 10));
  Column b = a;
  a.clear();
  EXPECT_EQ(b.string_at(13), "value 3");
  b.append_string("value 3");
  EXPECT_EQ(b.code_at(100), b.code_at(13));
  EXPECT_EQ(a.size(), 0u);
}

TEST(ColumnTest, SetFromCoercesAcrossTypes) {
  Column ints(ColumnType::kInteger);
  ints.append_int(42);
  ints.append_null();
  Column strings(ColumnType::kString);
  strings.append_from(ints, 0);
  strings.append_from(ints, 1);
  EXPECT_EQ(strings.value_at(0), Value("42"));
  EXPECT_TRUE(strings.is_null(1));
  Column dates(ColumnType::kDate);
  dates.append(Value("2024-01-01"));
  EXPECT_EQ(dates.date_at(0), 19723);
  EXPECT_EQ(dates.value_at(0), Value(Date{19723}));
}

// observed on Perspective 5.5.1 (JSON rows and columns into an integer column)
TEST(CoerceTest, Int32FollowsPerspectiveJsonInput) {
  EXPECT_EQ(coerce_to_int32(Value(int64_t{3000000000})), Value(-1294967296));
  EXPECT_EQ(coerce_to_int32(Value(int64_t{-3000000000})), Value(1294967296));
  EXPECT_EQ(coerce_to_int32(Value(int64_t{1000000000000})), Value(-727379968));
  EXPECT_EQ(coerce_to_int32(Value(int64_t{4294967296})), Value(0));
  EXPECT_EQ(coerce_to_int32(Value(1e21)), Value(2147483647));
  EXPECT_EQ(coerce_to_int32(Value(-1e21)), Value(-2147483648));
  EXPECT_EQ(coerce_to_int32(Value(2500000000.5)), Value(2147483647));
  EXPECT_EQ(coerce_to_int32(Value(-2.5)), Value(-2));
  EXPECT_EQ(coerce_to_int32(Value("3000000000")), Value(2147483647));
  EXPECT_EQ(coerce_to_int32(Value(int64_t{7})), Value(7));
  EXPECT_TRUE(coerce_to_int32(Value("abc")).is_null());
  EXPECT_TRUE(coerce_to_int32(Value()).is_null());
}

TEST(ColumnTest, NullKinds) {
  Column c(ColumnType::kInteger);
  c.append_int(1);
  c.append_null();
  c.append_null();
  c.mark_null_high(2);
  EXPECT_TRUE(c.is_valid(0));
  EXPECT_FALSE(c.is_null_high(0));
  EXPECT_TRUE(c.is_null(1));
  EXPECT_FALSE(c.is_null_high(1));
  EXPECT_TRUE(c.is_null(2));
  EXPECT_FALSE(c.is_valid(2));
  EXPECT_TRUE(c.is_null_high(2));
  EXPECT_EQ(c.null_count(), 2u);
  EXPECT_TRUE(c.value_at(2).is_null());
  c.set(2, Value(5));  // a write replaces the kind
  EXPECT_EQ(c.value_at(2), Value(5));
  c.set_null(2);
  EXPECT_FALSE(c.is_null_high(2));
}

TEST(BatchTest, BuilderAddsRowsAndChecksShape) {
  BatchBuilder b({{"i", ColumnType::kInteger}, {"s", ColumnType::kString}});
  b.add_row({1, "x"}).add_row({"2", nullptr});
  auto batch = std::move(b).finish();
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  EXPECT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(batch->column(0).value_at(1), Value(2));
  EXPECT_TRUE(batch->column(1).is_null(1));
  ASSERT_NE(batch->column("s"), nullptr);
  EXPECT_EQ(batch->column("nope"), nullptr);

  EXPECT_TRUE(batch->is_present(0, 1));

  BatchBuilder partial({{"i", ColumnType::kInteger}, {"s", ColumnType::kString}});
  partial.append(0, Value(1)).append(1, Value("x"));
  partial.append(0, Value(2)).append_absent(1);
  partial.append_absent(0).append(1, Value());
  auto p = std::move(partial).finish();
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_TRUE(p->is_present(1, 0));
  EXPECT_FALSE(p->is_present(1, 1));
  EXPECT_TRUE(p->is_present(1, 2));
  EXPECT_TRUE(p->column(1).is_null(1));
  EXPECT_FALSE(p->is_present(0, 2));
  EXPECT_TRUE(p->is_present(0, 0));
  EXPECT_FALSE(p->set_presence(0, {1}).is_ok());

  BatchBuilder bad({{"i", ColumnType::kInteger}});
  bad.add_row({1, 2});
  EXPECT_FALSE(std::move(bad).finish().is_ok());

  BatchBuilder ragged({{"a", ColumnType::kInteger}, {"b", ColumnType::kInteger}});
  ragged.append(0, Value(1)).append(0, Value(2)).append(1, Value(3));
  EXPECT_FALSE(std::move(ragged).finish().is_ok());

  std::vector<Column> cols;
  cols.emplace_back(ColumnType::kFloat);
  EXPECT_FALSE(Batch::make(Schema({{"a", ColumnType::kInteger}}), std::move(cols)).is_ok());
  std::vector<Column> dup(2, Column(ColumnType::kInteger));
  EXPECT_FALSE(
      Batch::make(Schema({{"a", ColumnType::kInteger}, {"a", ColumnType::kInteger}}), dup).is_ok());
}

}  // namespace
}  // namespace chview::columnar
