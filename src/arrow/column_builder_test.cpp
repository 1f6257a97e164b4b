#include <gtest/gtest.h>

#include "arrow/ipc_writer.h"

namespace chview::arrow {
namespace {

TEST(ArrowColumnBuilder, WithoutNullsLeavesValidityEmpty) {
  ArrowColumnBuilder b("n", ArrowType::kInt64);
  b.append_int64(5);
  b.append_int64(-6);
  EXPECT_EQ(b.size(), 2u);
  const ArrowColumn c = std::move(b).finish();
  EXPECT_EQ(c.name, "n");
  EXPECT_EQ(c.type, ArrowType::kInt64);
  EXPECT_EQ(c.int64s, (std::vector<int64_t>{5, -6}));
  EXPECT_TRUE(c.validity.empty());
}

TEST(ArrowColumnBuilder, NullsKeepOneSlotPerRow) {
  ArrowColumnBuilder b("f", ArrowType::kFloat64);
  b.append_float64(1.5);
  b.append_null();
  b.append_float64(2.5);
  const ArrowColumn c = std::move(b).finish();
  EXPECT_EQ(c.float64s, (std::vector<double>{1.5, 0, 2.5}));
  EXPECT_EQ(c.validity, (std::vector<uint8_t>{1, 0, 1}));
}

TEST(ArrowColumnBuilder, DictionaryInternsInFirstAppearanceOrder) {
  ArrowColumnBuilder b("k", ArrowType::kDictionary);
  for (const char* v : {"b", "a", "b", "c"}) b.append_string(v);
  b.append_null();
  b.append_string("a");
  const ArrowColumn c = std::move(b).finish();
  EXPECT_EQ(c.strings, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(c.int32s, (std::vector<int32_t>{0, 1, 0, 2, 0, 1}));
  EXPECT_EQ(c.validity, (std::vector<uint8_t>{1, 1, 1, 1, 0, 1}));
  EXPECT_TRUE(write_ipc_stream({&c, 1}, 6).is_ok());
}

TEST(ArrowColumnBuilder, EveryKindProducesAWritableColumn) {
  std::vector<ArrowColumn> columns;
  ArrowColumnBuilder i32("i32", ArrowType::kInt32), d32("d32", ArrowType::kDate32);
  ArrowColumnBuilder u32("u32", ArrowType::kUInt32), ts("ts", ArrowType::kTimestampMs);
  ArrowColumnBuilder b("b", ArrowType::kBool), s("s", ArrowType::kUtf8);
  i32.append_int32(1);
  d32.append_int32(2);
  u32.append_uint32(3);
  ts.append_int64(4);
  b.append_bool(true);
  s.append_string("x");
  for (ArrowColumnBuilder* builder : {&i32, &d32, &u32, &ts, &b, &s}) {
    builder->append_null();
    columns.push_back(std::move(*builder).finish());
  }
  EXPECT_EQ(columns[4].bools, (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(columns[5].strings, (std::vector<std::string>{"x", ""}));
  EXPECT_TRUE(write_ipc_stream(columns, 2).is_ok());
}

}  // namespace
}  // namespace chview::arrow
