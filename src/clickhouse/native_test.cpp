#include "clickhouse/native.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace chview::clickhouse {
namespace {

// "c7": built with append (GCC 12 -O3 reports a false -Wrestrict for "c" + to_string).
std::string numbered(std::string_view prefix, size_t n) {
  std::string out(prefix);
  out.append(std::to_string(n));
  return out;
}

struct TextCase {
  const char* type;
  std::vector<std::string> values;  // as string_at() prints them; "\N" = NULL
};

// Every supported type, with edge values, written as text and read back as text.
const std::vector<TextCase>& text_cases() {
  static const std::vector<TextCase> cases = {
      {"Int8", {"-128", "127", "0"}},
      {"Int16", {"-32768", "32767", "1"}},
      {"Int32", {"-2147483648", "2147483647", "2"}},
      {"Int64", {"-9223372036854775808", "9223372036854775807", "3"}},
      {"UInt8", {"0", "255", "4"}},
      {"UInt16", {"0", "65535", "5"}},
      {"UInt32", {"0", "4294967295", "6"}},
      {"UInt64", {"0", "18446744073709551615", "7"}},
      {"Float32", {"1.5", "-0.1", "inf"}},
      {"Float64", {"3.141592653589793", "-1e300", "-inf"}},
      {"Bool", {"true", "false", "true"}},
      {"String", {"", "hello", std::string("bin\0ary\xff", 8)}},
      {"FixedString(3)", {std::string("ab\0", 3), "xyz", std::string(3, '\0')}},
      {"Date", {"1970-01-01", "2020-02-29", "2149-06-06"}},
      {"Date32", {"1900-01-01", "2020-02-29", "2299-12-31"}},
      {"DateTime", {"1970-01-01 00:00:00", "2021-03-04 05:06:07", "2106-02-07 06:28:15"}},
      {"DateTime('UTC')", {"2000-01-01 23:59:59", "2000-01-01 00:00:00", "2038-01-19 03:14:08"}},
      {"DateTime64(3, 'UTC')",
       {"2021-03-04 05:06:07.089", "1969-12-31 23:59:59.999", "2000-01-01 00:00:00.000"}},
      {"Decimal(9, 2)", {"-21474836.48", "0.05", "12.30"}},
      {"Decimal(18, 4)", {"-922337203685477.5808", "0.0001", "1.0000"}},
      {"Decimal(38, 10)",
       {"-1234567890123456789012345678.0123456789", "0.0000000001",
        "9999999999999999999999999999.9999999999"}},
      {"Enum8('a' = 1, 'b' = -2, 'it\\'s' = 127)", {"a", "b", "it's"}},
      {"Enum16('x' = -300, 'y' = 30000)", {"y", "x", "y"}},
      {"UUID",
       {"01234567-89ab-cdef-0123-456789abcdef", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-4fff-8fff-ffffffffffff"}},
      {"Nullable(Int32)", {"\\N", "-7", "\\N"}},
      {"Nullable(String)", {"x", "\\N", ""}},
      {"Nullable(Decimal(38, 2))", {"\\N", "-1.50", "\\N"}},
      {"Nullable(Nothing)", {"\\N", "\\N", "\\N"}},
      {"LowCardinality(String)", {"red", "green", "red"}},
      {"LowCardinality(Nullable(String))", {"\\N", "blue", "\\N"}},
      {"LowCardinality(FixedString(2))", {"ab", "cd", "ab"}},
      {"LowCardinality(Nullable(UInt64))", {"5", "\\N", "18446744073709551615"}},
      // Appended last: TypedAccessors looks columns up by position.
      {"Int128",
       {"-170141183460469231731687303715884105727", "170141183460469231731687303715884105727",
        "0"}},
      {"UInt128", {"0", "340282366920938463463374607431768211455", "1"}},
      {"IPv4", {"0.0.0.0", "192.168.1.10", "255.255.255.255"}},
      {"IPv6", {"::", "2001:db8::1", "::ffff:1.2.3.4"}},
      {"Nullable(IPv6)", {"\\N", "fe80::1", "\\N"}},
      {"Float32", {"100000000000000000000", "1e-7", "0.000001"}},
      {"Float64", {"1.5e21", "123456.789", "nan"}},
  };
  return cases;
}

Block text_block(size_t rows_per_case = 3) {
  Block block;
  block.rows = rows_per_case;
  int n = 0;
  for (const auto& c : text_cases()) {
    auto column = Column::make(numbered("c", n++), c.type);
    EXPECT_TRUE(column.is_ok()) << c.type << ": " << column.status().to_string();
    for (size_t i = 0; i < rows_per_case; ++i) {
      const std::string& v = c.values[i % c.values.size()];
      Status s = v == "\\N" ? column->append_null() : column->append_string(v);
      EXPECT_TRUE(s.is_ok()) << c.type << " '" << v << "': " << s.to_string();
    }
    block.columns.push_back(std::move(column).value());
  }
  return block;
}

// Arrays are built element by element.
Block array_block() {
  Block block;
  block.rows = 3;
  auto ints = Column::make("ints", "Array(Int32)");
  auto strs = Column::make("strs", "Array(Nullable(String))");
  auto nested = Column::make("nested", "Array(Array(UInt8))");
  auto lc = Column::make("lc", "Array(LowCardinality(String))");
  auto tail = Column::make("tail", "String");  // must still decode after the arrays
  for (auto* c : {&ints, &strs, &nested, &lc, &tail}) EXPECT_TRUE(c->is_ok());
  // Row 0: [1,2,3] [NULL,'a'] [[1],[]] ['x','y']; row 1: all empty; row 2: [-1] ['b'] [[2,3]] [].
  for (int v : {1, 2, 3}) EXPECT_TRUE(ints->children[0].append_int(v).is_ok());
  EXPECT_TRUE(ints->append_array_row().is_ok());
  EXPECT_TRUE(ints->append_array_row().is_ok());
  EXPECT_TRUE(ints->children[0].append_int(-1).is_ok());
  EXPECT_TRUE(ints->append_array_row().is_ok());

  EXPECT_TRUE(strs->children[0].append_null().is_ok());
  EXPECT_TRUE(strs->children[0].append_string("a").is_ok());
  EXPECT_TRUE(strs->append_array_row().is_ok());
  EXPECT_TRUE(strs->append_array_row().is_ok());
  EXPECT_TRUE(strs->children[0].append_string("b").is_ok());
  EXPECT_TRUE(strs->append_array_row().is_ok());

  Column& inner = nested->children[0];
  EXPECT_TRUE(inner.children[0].append_uint(1).is_ok());
  EXPECT_TRUE(inner.append_array_row().is_ok());
  EXPECT_TRUE(inner.append_array_row().is_ok());
  EXPECT_TRUE(nested->append_array_row().is_ok());
  EXPECT_TRUE(nested->append_array_row().is_ok());
  EXPECT_TRUE(inner.children[0].append_uint(2).is_ok());
  EXPECT_TRUE(inner.children[0].append_uint(3).is_ok());
  EXPECT_TRUE(inner.append_array_row().is_ok());
  EXPECT_TRUE(nested->append_array_row().is_ok());

  EXPECT_TRUE(lc->children[0].append_string("x").is_ok());
  EXPECT_TRUE(lc->children[0].append_string("y").is_ok());
  EXPECT_TRUE(lc->append_array_row().is_ok());
  EXPECT_TRUE(lc->append_array_row().is_ok());
  EXPECT_TRUE(lc->append_array_row().is_ok());

  for (const char* s : {"t0", "t1", "t2"}) EXPECT_TRUE(tail->append_string(s).is_ok());
  for (auto* c : {&ints, &strs, &nested, &lc, &tail})
    block.columns.push_back(std::move(*c).value());
  return block;
}

std::string encode(const Block& block) {
  std::string out;
  Status s = encode_native(block, out);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return out;
}

void expect_same_text(const Block& a, const Block& b) {
  ASSERT_EQ(a.rows, b.rows);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    EXPECT_EQ(a.columns[c].name, b.columns[c].name);
    EXPECT_EQ(a.columns[c].type, b.columns[c].type) << a.columns[c].type.to_string();
    for (size_t r = 0; r < a.rows; ++r) {
      EXPECT_EQ(a.columns[c].string_at(r), b.columns[c].string_at(r))
          << a.columns[c].type.to_string() << " row " << r;
      EXPECT_EQ(a.columns[c].is_null(r), b.columns[c].is_null(r));
    }
  }
}

TEST(Native, EveryTypeRoundTripsAsText) {
  Block block = text_block();
  ASSERT_TRUE(block.validate().is_ok()) << block.validate().to_string();
  for (size_t c = 0; c < block.columns.size(); ++c) {
    const auto& tc = text_cases()[c];
    for (size_t r = 0; r < 3; ++r) {
      EXPECT_EQ(block.columns[c].string_at(r), tc.values[r]) << tc.type << " row " << r;
    }
  }
  auto decoded = decode_native(encode(block));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  ASSERT_EQ(decoded->size(), 1u);
  expect_same_text(block, (*decoded)[0]);
}

TEST(Native, ArraysRoundTrip) {
  Block block = array_block();
  ASSERT_TRUE(block.validate().is_ok()) << block.validate().to_string();
  EXPECT_EQ(block.columns[0].string_at(0), "[1,2,3]");
  EXPECT_EQ(block.columns[1].string_at(0), "[NULL,'a']");
  EXPECT_EQ(block.columns[2].string_at(0), "[[1],[]]");
  EXPECT_EQ(block.columns[2].string_at(2), "[[2,3]]");
  EXPECT_EQ(block.columns[3].string_at(0), "['x','y']");
  EXPECT_EQ(block.columns[3].string_at(1), "[]");
  auto decoded = decode_native(encode(block));
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  expect_same_text(block, (*decoded)[0]);
}

TEST(Native, ArrayTextQuotesLikeClickHouse) {
  auto strs = Column::make("s", "Array(String)");
  ASSERT_TRUE(strs->children[0].append_string("it's").is_ok());
  ASSERT_TRUE(strs->children[0].append_string("a\\b").is_ok());
  ASSERT_TRUE(strs->append_array_row().is_ok());
  EXPECT_EQ(strs->string_at(0), "['it\\'s','a\\\\b']");
  auto dates = Column::make("d", "Array(Nullable(Date))");
  ASSERT_TRUE(dates->children[0].append_string("2020-01-01").is_ok());
  ASSERT_TRUE(dates->children[0].append_null().is_ok());
  ASSERT_TRUE(dates->append_array_row().is_ok());
  EXPECT_EQ(dates->string_at(0), "['2020-01-01',NULL]");
  auto decimals = Column::make("x", "Array(Decimal(9, 2))");
  ASSERT_TRUE(decimals->children[0].append_string("1.5").is_ok());
  ASSERT_TRUE(decimals->append_array_row().is_ok());
  EXPECT_EQ(decimals->string_at(0), "[1.50]");
}

TEST(Native, TypedAccessors) {
  Block block = text_block();
  auto at = [&](const char* name) { return block.find(name); };
  EXPECT_EQ(at("c0")->int_at(0), -128);
  EXPECT_EQ(at("c7")->int_at(2), 7);
  EXPECT_DOUBLE_EQ(at("c18")->double_at(0), -21474836.48);
  EXPECT_EQ(at("c18")->int_at(0), -2147483648);  // unscaled
  EXPECT_NEAR(at("c20")->double_at(2), 1e28, 1e13);
  EXPECT_EQ(at("c13")->int_at(1), 18321);  // days
  EXPECT_TRUE(at("c24")->is_null(0));
  EXPECT_EQ(at("c24")->int_at(1), -7);
  EXPECT_EQ(at("c24")->double_at(0), 0.0);
  EXPECT_TRUE(at("c29")->is_null(0));
  EXPECT_FALSE(at("c29")->is_null(1));
  auto [dict, index] = at("c28")->resolve(2);
  EXPECT_EQ(dict->strings[index], "red");
}

TEST(Native, EmptyBlocks) {
  Block block = text_block(0);
  std::string bytes = encode(block);
  auto decoded = decode_native(bytes);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ((*decoded)[0].rows, 0u);
  EXPECT_EQ((*decoded)[0].columns.size(), block.columns.size());

  auto nothing = decode_native("");
  ASSERT_TRUE(nothing.is_ok());
  EXPECT_TRUE(nothing->empty());

  Block no_columns;
  auto none = decode_native(encode(no_columns));
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ((*none)[0].columns.size(), 0u);
}

TEST(Native, SeveralBlocksAndAppend) {
  std::string bytes = encode(text_block()) + encode(text_block(2));
  auto decoded = decode_native(bytes);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  ASSERT_EQ(decoded->size(), 2u);
  Block all = (*decoded)[0];
  ASSERT_TRUE(all.append((*decoded)[1]).is_ok());
  ASSERT_TRUE(all.validate().is_ok()) << all.validate().to_string();
  EXPECT_EQ(all.rows, 5u);
  const Column& lc_nullable = *all.find("c29");
  EXPECT_TRUE(lc_nullable.is_null(3));
  EXPECT_EQ(lc_nullable.string_at(4), "blue");
  EXPECT_FALSE(all.append(array_block()).is_ok());
}

// Bytes captured from ClickHouse 18.16 over HTTP.
std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

TEST(Native, DecodesServerBytes) {
  // SELECT CAST(if(number=1, NULL, toString(number)) AS LowCardinality(Nullable(String)))
  auto lc = decode_native(
      from_hex("01040178204c6f7743617264696e616c697479284e756c6c61626c6528537472696e672929010000"
               "00000000000006000000000000050000000000000000000130013201330400000000000000020003"
               "04"));
  ASSERT_TRUE(lc.is_ok()) << lc.status().to_string();
  const Column& x = (*lc)[0].columns[0];
  EXPECT_EQ(x.string_at(0), "0");
  EXPECT_TRUE(x.is_null(1));
  EXPECT_EQ(x.string_at(2), "2");
  EXPECT_EQ(x.string_at(3), "3");

  // SELECT NULL AS n, [1,2] AS a, toUUID('01234567-89ab-cdef-0123-456789abcdef') AS u
  auto mixed = decode_native(
      from_hex("0301016e114e756c6c61626c65284e6f7468696e6729013001610c41727261792855496e74382902"
               "00000000000000010201750455554944efcdab8967452301efcdab8967452301"));
  ASSERT_TRUE(mixed.is_ok()) << mixed.status().to_string();
  EXPECT_TRUE((*mixed)[0].columns[0].is_null(0));
  EXPECT_EQ((*mixed)[0].columns[1].string_at(0), "[1,2]");
  EXPECT_EQ((*mixed)[0].columns[2].string_at(0), "01234567-89ab-cdef-0123-456789abcdef");

  // SELECT CAST([] AS Array(LowCardinality(String))): an empty group for zero elements.
  auto empty_lc = decode_native(
      from_hex("010101781d4172726179284c6f7743617264696e616c69747928537472696e672929010000000000"
               "0000000000000000000000060000000000000100000000000000000000000000000000"));
  ASSERT_TRUE(empty_lc.is_ok()) << empty_lc.status().to_string();
  EXPECT_EQ((*empty_lc)[0].columns[0].string_at(0), "[]");

  // Decimal(38, 3) -1.5, Decimal(9, 2) 2.25, Date, DateTime, Enum8.
  auto misc = decode_native(
      from_hex("050101640e446563696d616c2833382c20332924faffffffffffffffffffffffffffff01650d4465"
               "63696d616c28392c203229e10000000166044461746557470167084461746554696d65a55d0d5e01"
               "6818456e756d3828276227203d202d322c20276127203d203129fe"));
  ASSERT_TRUE(misc.is_ok()) << misc.status().to_string();
  const Block& m = (*misc)[0];
  EXPECT_EQ(m.columns[0].string_at(0), "-1.500");
  EXPECT_EQ(m.columns[1].string_at(0), "2.25");
  EXPECT_EQ(m.columns[2].string_at(0), "2020-01-02");
  EXPECT_EQ(m.columns[3].string_at(0), "2020-01-02 03:04:05");
  EXPECT_EQ(m.columns[4].string_at(0), "b");
}

TEST(Native, UnknownTypeNamesColumnAndType) {
  std::string bytes;
  bytes += '\x01';  // columns
  bytes += '\x01';  // rows
  bytes +=
      "\x04"
      "addr"
      "\x06"
      "Int256"
      "\x01\x02\x03\x04";
  auto r = decode_native(bytes);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(r.status().message().find("'addr'"), std::string::npos);
  EXPECT_NE(r.status().message().find("Int256"), std::string::npos);
}

TEST(Native, EncoderRejectsInconsistentBlocks) {
  Block block = text_block();
  block.columns[3].ints.pop_back();
  std::string out;
  EXPECT_EQ(encode_native(block, out).code(), ErrorCode::kInvalidArgument);
  Block enum_block;
  enum_block.rows = 1;
  auto e = Column::make("e", "Enum8('a' = 1)");
  e->ints.push_back(9);
  enum_block.columns.push_back(*e);
  EXPECT_EQ(encode_native(enum_block, out).code(), ErrorCode::kInvalidArgument);
}

TEST(Native, AppendRejectsWrongValues) {
  auto fixed = Column::make("f", "FixedString(2)");
  EXPECT_FALSE(fixed->append_string("abc").is_ok());
  auto u8 = Column::make("u", "UInt8");
  EXPECT_FALSE(u8->append_int(256).is_ok());
  EXPECT_FALSE(u8->append_int(-1).is_ok());
  EXPECT_FALSE(u8->append_null().is_ok());
  auto e = Column::make("e", "Enum8('a' = 1)");
  EXPECT_FALSE(e->append_string("b").is_ok());
  auto d = Column::make("d", "Date");
  EXPECT_FALSE(d->append_string("2020-13-01").is_ok());
  EXPECT_EQ(u8->size(), 0u);
  auto dec = Column::make("d", "Decimal(9, 2)");
  ASSERT_TRUE(dec->append_double(1.005).is_ok());
  EXPECT_EQ(dec->string_at(0), "1.00");  // 1.005 is 1.00499.. in binary
  ASSERT_TRUE(dec->append_double(-2.5).is_ok());
  EXPECT_EQ(dec->string_at(1), "-2.50");
}

// Every prefix of a valid encoding must fail cleanly, never crash or over-read.
TEST(NativeFuzz, TruncationAtEveryByte) {
  for (const Block& block : {text_block(), array_block()}) {
    std::string bytes = encode(block);
    for (size_t len = 1; len < bytes.size(); ++len) {
      auto r = decode_native(std::string_view(bytes).substr(0, len));
      EXPECT_FALSE(r.is_ok()) << "prefix of " << len << " of " << bytes.size() << " bytes";
    }
  }
}

void touch_every_value(const Block& block) {
  for (const auto& c : block.columns) {
    for (size_t r = 0; r < block.rows && r < c.size(); ++r) {
      (void)c.string_at(r);
      (void)c.double_at(r);
      (void)c.int_at(r);
    }
  }
}

// Random byte flips (seeded, reproducible): an error or a block whose values can all be
// read, never a crash (ASan/UBSan check the reads).
TEST(NativeFuzz, RandomByteFlips) {
  std::mt19937 rng(20260124);
  const std::string originals[] = {encode(text_block()), encode(array_block())};
  int ok = 0, failed = 0;
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string bytes = originals[iteration % 2];
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
    }
    auto r = decode_native(bytes);
    if (r.is_ok()) {
      ++ok;
      for (const auto& block : *r) touch_every_value(block);
    } else {
      ++failed;
      EXPECT_FALSE(r.status().message().empty());
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(ok, 0);
}

}  // namespace
}  // namespace chview::clickhouse
