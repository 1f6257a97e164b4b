#include "clickhouse/types.h"

#include <gtest/gtest.h>

namespace chview::clickhouse {
namespace {

TEST(ParseType, SimpleTypes) {
  for (const char* name :
       {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32",
        "Float64", "Bool", "String", "Date", "Date32", "UUID", "DateTime"}) {
    auto type = parse_type(name);
    ASSERT_TRUE(type.is_ok()) << name << ": " << type.status().to_string();
    EXPECT_EQ(type->to_string(), name);
  }
  EXPECT_EQ(parse_type("UInt16")->kind, TypeKind::kUInt16);
  EXPECT_EQ(parse_type("Date")->value_width(), 2u);
}

TEST(ParseType, Parameterised) {
  auto fixed = parse_type("FixedString(16)");
  ASSERT_TRUE(fixed.is_ok());
  EXPECT_EQ(fixed->kind, TypeKind::kFixedString);
  EXPECT_EQ(fixed->fixed_size, 16u);

  auto tz = parse_type("DateTime('Europe/Berlin')");
  ASSERT_TRUE(tz.is_ok());
  EXPECT_EQ(tz->timezone, "Europe/Berlin");
  EXPECT_EQ(tz->to_string(), "DateTime('Europe/Berlin')");

  auto dt64 = parse_type("DateTime64(3, 'UTC')");
  ASSERT_TRUE(dt64.is_ok());
  EXPECT_EQ(dt64->scale, 3u);
  EXPECT_EQ(dt64->timezone, "UTC");
  EXPECT_EQ(parse_type("DateTime64(6)")->to_string(), "DateTime64(6)");

  auto dec = parse_type("Decimal(38, 3)");
  ASSERT_TRUE(dec.is_ok());
  EXPECT_EQ(dec->precision, 38u);
  EXPECT_EQ(dec->scale, 3u);
  EXPECT_EQ(dec->storage(), Storage::kInt128);
  EXPECT_EQ(parse_type("Decimal32(2)")->to_string(), "Decimal(9, 2)");
  EXPECT_EQ(parse_type("Decimal64(4)")->value_width(), 8u);
  EXPECT_EQ(parse_type("Decimal128(1)")->value_width(), 16u);
}

TEST(ParseType, Enums) {
  auto e = parse_type("Enum8('b' = -2, 'a' = 1)");
  ASSERT_TRUE(e.is_ok());
  ASSERT_EQ(e->enum_values.size(), 2u);
  EXPECT_EQ(e->enum_values[0].first, "b");
  EXPECT_EQ(e->enum_values[0].second, -2);
  EXPECT_EQ(*e->enum_name(1), "a");
  EXPECT_EQ(e->enum_name(7), nullptr);

  auto quoted = parse_type(R"(Enum16('it\'s' = 300, 'x, (y)' = -5, 'back\\slash' = 2))");
  ASSERT_TRUE(quoted.is_ok()) << quoted.status().to_string();
  EXPECT_EQ(quoted->enum_values[0].first, "it's");
  EXPECT_EQ(quoted->enum_values[1].first, "x, (y)");
  EXPECT_EQ(quoted->enum_values[2].first, "back\\slash");
  auto again = parse_type(quoted->to_string());
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(*again, *quoted);

  auto implicit = parse_type("Enum8('a', 'b')");
  ASSERT_TRUE(implicit.is_ok());
  EXPECT_EQ(implicit->enum_values[1].second, 2);
  EXPECT_FALSE(parse_type("Enum8('a' = 300)").is_ok());
}

TEST(ParseType, Containers) {
  auto t = parse_type("Array(LowCardinality(Nullable(String)))");
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->kind, TypeKind::kArray);
  EXPECT_EQ(t->nested().kind, TypeKind::kLowCardinality);
  EXPECT_EQ(t->nested().nested().kind, TypeKind::kNullable);
  EXPECT_EQ(t->nested().nested().nested().kind, TypeKind::kString);
  EXPECT_EQ(t->to_string(), "Array(LowCardinality(Nullable(String)))");
  EXPECT_EQ(parse_type(" Nullable( Int32 ) ")->to_string(), "Nullable(Int32)");
  EXPECT_EQ(parse_type("Array(Array(Enum8('a' = 1)))")->to_string(),
            "Array(Array(Enum8('a' = 1)))");
}

TEST(ParseType, Errors) {
  auto unknown = parse_type("Int256");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(unknown.status().message().find("Int256"), std::string::npos);
  EXPECT_EQ(parse_type("Tuple(Int8, String)").status().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(parse_type("Decimal(76, 2)").status().code(), ErrorCode::kUnsupported);
  for (const char* bad :
       {"", "Nullable(", "Nullable(Int8", "Array()", "FixedString(x)", "FixedString(0)",
        "Enum8('a = 1)", "Int8)", "Decimal(5, 6)", "Nullable(Array(Int8))",
        "Nullable(Nullable(Int8))", "DateTime('UTC'", "Enum8('a' = )"}) {
    auto r = parse_type(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kParse) << bad << ": " << r.status().to_string();
  }
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "Array(";
  EXPECT_EQ(parse_type(deep).status().code(), ErrorCode::kParse);
}

}  // namespace
}  // namespace chview::clickhouse
