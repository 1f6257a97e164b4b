// The reader against streams of real clients (apache-arrow JS, Perspective 5.5.1's
// to_arrow; fixtures in ipc_reader_fixtures.h were made with apache-arrow 21.2's
// vectorFromArray + tableToIPC(t, "stream") and the 5.5.1 engine from npm, values as
// asserted below), against our own writer, and against hand-built streams.
#include "arrow/ipc_reader.h"

#include <gtest/gtest.h>

#include <cmath>

#include "arrow/ipc_reader_fixtures.h"
#include "arrow/ipc_test_stream.h"
#include "arrow/ipc_writer.h"

namespace chview::arrow {
namespace {

using testing::from_hex;

const DecodedColumn& column(const DecodedTable& t, std::string_view name) {
  for (const auto& c : t.columns) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no column " << name;
  static const DecodedColumn kEmpty;
  return kEmpty;
}

std::vector<int> valid_rows(const DecodedColumn& c) {
  std::vector<int> out;
  for (size_t r = 0; r < c.num_rows; ++r) out.push_back(c.is_valid(r) ? 1 : 0);
  return out;
}

TEST(IpcReader, ReadsApacheArrowJsStreamOfEveryType) {
  auto t = read_ipc_stream(from_hex(testing::kApacheArrowJsAllTypes));
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->num_rows, 3u);
  ASSERT_EQ(t->columns.size(), 16u);

  const auto& i8 = column(*t, "i8");
  EXPECT_EQ(i8.type, InputType::kInt8);
  EXPECT_EQ(valid_rows(i8), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(i8.ints[0], 1);
  EXPECT_EQ(i8.ints[2], -128);
  const auto& i16 = column(*t, "i16");
  EXPECT_EQ(i16.type, InputType::kInt16);
  EXPECT_EQ(i16.ints[1], -2);
  const auto& i64 = column(*t, "i64");
  EXPECT_EQ(i64.type, InputType::kInt64);
  EXPECT_EQ(i64.ints[0], int64_t{1} << 40);
  EXPECT_EQ(i64.ints[2], -5);
  EXPECT_EQ(column(*t, "u8").ints[0], 255);
  EXPECT_EQ(column(*t, "u8").type, InputType::kUInt8);
  EXPECT_EQ(column(*t, "u32").ints[0], 4294967295);
  const auto& u64 = column(*t, "u64");
  EXPECT_EQ(u64.type, InputType::kUInt64);
  EXPECT_EQ(u64.uint64s[0], 18446744073709551615ull);
  EXPECT_EQ(valid_rows(u64), (std::vector<int>{1, 1, 0}));
  const auto& f32 = column(*t, "f32");
  EXPECT_EQ(f32.type, InputType::kFloat32);
  EXPECT_EQ(f32.floats[0], 1.5);
  EXPECT_EQ(f32.floats[2], -0.25);

  const auto& s = column(*t, "s");
  EXPECT_EQ(s.type, InputType::kUtf8);
  EXPECT_EQ(s.string_at(0), "a");
  EXPECT_FALSE(s.is_valid(1));
  EXPECT_EQ(s.string_at(2), "h\xc3\xa9llo");
  const auto& ls = column(*t, "ls");
  EXPECT_EQ(ls.type, InputType::kLargeUtf8);
  EXPECT_EQ(ls.string_at(0), "x");
  EXPECT_EQ(ls.string_at(1), "");
  EXPECT_TRUE(ls.is_valid(1));
  EXPECT_FALSE(ls.is_valid(2));
  const auto& d = column(*t, "d");
  EXPECT_EQ(d.type, InputType::kUtf8);
  EXPECT_TRUE(d.dictionary_encoded);
  EXPECT_EQ(d.string_at(0), "b");
  EXPECT_EQ(d.string_at(1), "a");
  EXPECT_EQ(d.string_at(2), "b");

  const auto& dd = column(*t, "dd");
  EXPECT_EQ(dd.type, InputType::kDate32);
  EXPECT_EQ(dd.ints[0], -1);
  EXPECT_EQ(dd.ints[2], 19782);  // 2024-02-29
  const auto& dm = column(*t, "dm");
  EXPECT_EQ(dm.type, InputType::kDate64);
  EXPECT_EQ(dm.ints[0], 1704164645000);
  const auto& ts = column(*t, "ts");
  EXPECT_EQ(ts.type, InputType::kTimestamp);
  EXPECT_EQ(ts.time_unit, TimeUnit::kSecond);
  EXPECT_EQ(ts.ints[0], 1);
  EXPECT_EQ(ts.ints[2], -1000);
  const auto& tus = column(*t, "tus");
  EXPECT_EQ(tus.time_unit, TimeUnit::kMicrosecond);
  EXPECT_EQ(tus.ints[0], 1500);
  EXPECT_EQ(tus.ints[1], -1500);
  const auto& tz = column(*t, "tz");
  EXPECT_EQ(tz.time_unit, TimeUnit::kMillisecond);
  EXPECT_EQ(tz.timezone, "UTC");
  EXPECT_EQ(tz.ints[0], 86400000);
  const auto& b = column(*t, "b");
  EXPECT_EQ(b.type, InputType::kBool);
  EXPECT_EQ(b.bools[0], 1);
  EXPECT_EQ(b.bools[1], 0);
  EXPECT_EQ(valid_rows(b), (std::vector<int>{1, 1, 0}));
}

TEST(IpcReader, ConcatenatesBatchesAndExtendsDictionaries) {
  auto t = read_ipc_stream(from_hex(testing::kApacheArrowJsTwoBatches));
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->num_batches, 2u);
  ASSERT_EQ(t->num_rows, 5u);
  const auto& d = column(*t, "d");
  std::vector<std::string> got;
  for (size_t r = 0; r < 5; ++r) got.emplace_back(d.string_at(r));
  EXPECT_EQ(got, (std::vector<std::string>{"x", "y", "", "z", "x"}));
  EXPECT_EQ(valid_rows(d), (std::vector<int>{1, 1, 0, 1, 1}));
  const auto& n = column(*t, "n");
  EXPECT_EQ(valid_rows(n), (std::vector<int>{1, 1, 1, 1, 0}));
  EXPECT_EQ(n.ints[3], 4);
}

void expect_perspective_table(const DecodedTable& t) {
  ASSERT_EQ(t.num_rows, 4u);
  const auto& s = column(t, "s");
  EXPECT_TRUE(s.dictionary_encoded);
  EXPECT_EQ(s.string_at(0), "a");
  EXPECT_FALSE(s.is_valid(1));
  EXPECT_EQ(s.string_at(3), "zz");
  const auto& i = column(t, "i");
  EXPECT_EQ(i.type, InputType::kInt32);
  EXPECT_EQ(i.ints[2], -7);
  EXPECT_EQ(i.ints[3], 2147483647);
  EXPECT_FALSE(i.is_valid(1));
  const auto& f = column(t, "f");
  EXPECT_EQ(f.type, InputType::kFloat64);
  EXPECT_EQ(f.floats[2], 0.0);  // -0 does not survive the JSON update
  EXPECT_EQ(f.floats[3], 1e300);
  const auto& b = column(t, "b");
  EXPECT_EQ(b.type, InputType::kBool);
  EXPECT_EQ(b.bools[0], 1);
  EXPECT_EQ(b.bools[2], 0);
  const auto& d = column(t, "d");
  EXPECT_EQ(d.type, InputType::kDate32);
  EXPECT_EQ(d.ints[0], 19724);  // 2024-01-02
  EXPECT_EQ(d.ints[2], -1);
  const auto& ts = column(t, "t");
  EXPECT_EQ(ts.type, InputType::kTimestamp);
  EXPECT_EQ(ts.time_unit, TimeUnit::kMillisecond);
  EXPECT_EQ(ts.ints[0], 1700000000123);
  EXPECT_EQ(ts.ints[2], -1);
}

TEST(IpcReader, ReadsPerspectiveToArrow) {
  auto t = read_ipc_stream(from_hex(testing::kPerspectiveToArrow));
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  expect_perspective_table(*t);
}

TEST(IpcReader, ReadsPerspectiveToArrowWithLz4) {
  auto t = read_ipc_stream(from_hex(testing::kPerspectiveToArrowLz4));
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  expect_perspective_table(*t);
}

std::vector<ArrowColumn> writer_columns() {
  ArrowColumnBuilder i("i", ArrowType::kInt32), l("l", ArrowType::kInt64),
      u("u", ArrowType::kUInt32), f("f", ArrowType::kFloat64), b("b", ArrowType::kBool),
      d("d", ArrowType::kDate32), t("t", ArrowType::kTimestampMs), s("s", ArrowType::kUtf8),
      k("k", ArrowType::kDictionary);
  for (int r = 0; r < 20; ++r) {
    if (r % 7 == 3) {
      for (auto* c : {&i, &l, &u, &f, &b, &d, &t, &s, &k}) c->append_null();
      continue;
    }
    i.append_int32(r - 10);
    l.append_int64(int64_t{r} << 40);
    u.append_uint32(4000000000u + static_cast<uint32_t>(r));
    f.append_float64(r / 4.0);
    b.append_bool(r % 2 == 0);
    d.append_int32(-r);
    t.append_int64(r * 1000 - 5);
    s.append_string(std::string(static_cast<size_t>(r), 'x'));
    k.append_string(r % 3 == 0 ? "three" : "other");
  }
  std::vector<ArrowColumn> out;
  for (auto* c : {&i, &l, &u, &f, &b, &d, &t, &s, &k}) out.push_back(std::move(*c).finish());
  return out;
}

class WriterRoundTrip : public ::testing::TestWithParam<Compression> {};

TEST_P(WriterRoundTrip, ReadsBackEveryValue) {
  const auto columns = writer_columns();
  auto bytes = write_ipc_stream(columns, 20, GetParam());
  ASSERT_TRUE(bytes.is_ok());
  auto t = read_ipc_stream(*bytes);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  ASSERT_EQ(t->num_rows, 20u);
  for (size_t r = 0; r < 20; ++r) {
    SCOPED_TRACE(r);
    const bool valid = r % 7 != 3;
    for (const auto& c : t->columns) EXPECT_EQ(c.is_valid(r), valid) << c.name;
    if (!valid) continue;
    const auto ri = static_cast<int64_t>(r);
    EXPECT_EQ(column(*t, "i").ints[r], ri - 10);
    EXPECT_EQ(column(*t, "l").ints[r], ri << 40);
    EXPECT_EQ(column(*t, "u").ints[r], 4000000000 + ri);
    EXPECT_EQ(column(*t, "f").floats[r], static_cast<double>(r) / 4.0);
    EXPECT_EQ(column(*t, "b").bools[r], r % 2 == 0 ? 1 : 0);
    EXPECT_EQ(column(*t, "d").ints[r], -ri);
    EXPECT_EQ(column(*t, "t").ints[r], ri * 1000 - 5);
    EXPECT_EQ(column(*t, "s").string_at(r), std::string(r, 'x'));
    EXPECT_EQ(column(*t, "k").string_at(r), r % 3 == 0 ? "three" : "other");
  }
  EXPECT_EQ(column(*t, "u").type, InputType::kUInt32);
  EXPECT_EQ(column(*t, "d").type, InputType::kDate32);
}

INSTANTIATE_TEST_SUITE_P(Codecs, WriterRoundTrip,
                         ::testing::Values(Compression::kNone, Compression::kLz4Frame,
                                           Compression::kZstd));

TEST(IpcReader, ReadsZeroRowStream) {
  std::vector<ArrowColumn> columns{ArrowColumn("a", ArrowType::kInt32),
                                   ArrowColumn("b", ArrowType::kDictionary)};
  auto bytes = write_ipc_stream(columns, 0);
  ASSERT_TRUE(bytes.is_ok());
  auto t = read_ipc_stream(*bytes);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->num_rows, 0u);
  ASSERT_EQ(t->columns.size(), 2u);
  EXPECT_EQ(t->columns[1].name, "b");
}

}  // namespace
}  // namespace chview::arrow
