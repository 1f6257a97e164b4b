// The reader on hand-built streams: framings, types no client of ours writes, dictionary
// deltas and replacements, and malformed input (every failure a Status, never a crash:
// truncations and bit flips of valid streams).
#include <gtest/gtest.h>

#include "arrow/ipc_reader.h"
#include "arrow/ipc_reader_fixtures.h"
#include "arrow/ipc_test_stream.h"
#include "arrow/ipc_writer.h"

namespace chview::arrow {
namespace {

using namespace testing;  // NOLINT: the stream builder's small vocabulary

std::string one_int32_column(bool legacy) {
  StreamBuilder s(legacy);
  s.schema({{"n", int_type(32, true)}});
  s.record_batch(3, {{3, 1}}, {bits({1, 0, 1}), raw<int32_t>({7, 0, -9})});
  return std::move(s.end().bytes);
}

TEST(IpcReaderFraming, ReadsLegacyFramingAndStreamsWithoutEndMarker) {
  for (bool legacy : {false, true}) {
    std::string bytes = one_int32_column(legacy);
    for (bool drop_end : {false, true}) {
      std::string input = drop_end ? bytes.substr(0, bytes.size() - (legacy ? 4 : 8)) : bytes;
      auto t = read_ipc_stream(input);
      ASSERT_TRUE(t.is_ok()) << t.status().to_string();
      ASSERT_EQ(t->num_rows, 3u);
      EXPECT_EQ(t->columns[0].ints[0], 7);
      EXPECT_FALSE(t->columns[0].is_valid(1));
      EXPECT_EQ(t->columns[0].ints[2], -9);
    }
  }
}

TEST(IpcReaderFraming, ReadsTheStreamInsideTheFileFormat) {
  std::string file = std::string("ARROW1\0\0", 8) + one_int32_column(false) + "footer..ARROW1";
  auto t = read_ipc_stream(file);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(t->num_rows, 3u);
}

TEST(IpcReaderTypes, DecodesTypesBeyondTheJsClients) {
  StreamBuilder s;
  s.schema({{"dec", decimal_type(10, 2)},
            {"neg_scale", decimal_type(5, -3)},
            {"t32", time_type(1, 32)},
            {"t64", time_type(3, 64)},
            {"nul", null_type()},
            {"bin", binary_type()},
            {"ts_ns", timestamp_type(3, "Europe/Paris")},
            {"f64", float_type(2)}});
  std::string decimals(32, '\0');  // 12345 and -1 as little-endian int128
  const int64_t lo0 = 12345, lo1 = -1, hi1 = -1;
  std::memcpy(decimals.data(), &lo0, 8);
  std::memcpy(decimals.data() + 16, &lo1, 8);
  std::memcpy(decimals.data() + 24, &hi1, 8);
  s.record_batch(2, {{2, 0}, {2, 0}, {2, 0}, {2, 0}, {2, 2}, {2, 0}, {2, 0}, {2, 0}},
                 {"", decimals, "", decimals, "", raw<int32_t>({1000, 2}), "", raw<int64_t>({5, 6}),
                  /* nul: no buffers */ "", offsets32({"\x01", ""}), "\x01", "",
                  raw<int64_t>({-1500000, 0}), "", raw<double>({0.5, -2})});
  auto t = read_ipc_stream(s.end().bytes);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  const auto& c = t->columns;
  EXPECT_EQ(c[0].type, InputType::kDecimal128);
  EXPECT_DOUBLE_EQ(c[0].floats[0], 123.45);
  EXPECT_DOUBLE_EQ(c[0].floats[1], -0.01);
  EXPECT_DOUBLE_EQ(c[1].floats[0], 12345000.0);
  EXPECT_EQ(c[2].type, InputType::kTime32);
  EXPECT_EQ(c[2].time_unit, TimeUnit::kMillisecond);
  EXPECT_EQ(c[2].ints[0], 1000);
  EXPECT_EQ(c[3].type, InputType::kTime64);
  EXPECT_EQ(c[3].time_unit, TimeUnit::kNanosecond);
  EXPECT_EQ(c[4].type, InputType::kNull);
  EXPECT_EQ(c[4].num_rows, 2u);
  EXPECT_FALSE(c[4].is_valid(0));
  EXPECT_EQ(c[5].type, InputType::kBinary);
  EXPECT_EQ(c[5].string_at(0), "\x01");
  EXPECT_EQ(c[6].timezone, "Europe/Paris");
  EXPECT_EQ(c[6].ints[0], -1500000);
  EXPECT_EQ(c[7].floats[1], -2.0);
}

TEST(IpcReaderDictionaries, AppliesDeltasAndReplacementsAndIndexWidths) {
  StreamBuilder s;
  s.schema({{"k", utf8_type(), DictSpec{7, 8, false}}});
  s.dictionary_batch(7, 2, {"a", "b"});
  s.record_batch(2, {{2, 0}}, {"", raw<uint8_t>({1, 0})});
  s.dictionary_batch(7, 1, {"c"}, /*delta=*/true);
  s.record_batch(2, {{2, 1}}, {bits({1, 0}), raw<uint8_t>({2, 250})});
  s.dictionary_batch(7, 1, {"z"});  // replaces a, b, c
  s.record_batch(1, {{1, 0}}, {"", raw<uint8_t>({0})});
  auto t = read_ipc_stream(s.end().bytes);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  const auto& k = t->columns[0];
  ASSERT_EQ(k.num_rows, 5u);
  EXPECT_EQ(k.string_at(0), "b");
  EXPECT_EQ(k.string_at(1), "a");
  EXPECT_EQ(k.string_at(2), "c");
  EXPECT_FALSE(k.is_valid(3));  // its index (250) is ignored
  EXPECT_EQ(k.string_at(4), "z");
}

Status read_status(const std::string& bytes) { return read_ipc_stream(bytes).status(); }

TEST(IpcReaderErrors, RejectsMalformedStreamsWithClearErrors) {
  EXPECT_EQ(read_status("").code(), ErrorCode::kParse);
  EXPECT_EQ(read_status("garbage!").code(), ErrorCode::kParse);
  {
    StreamBuilder s;
    s.schema({{"k", utf8_type(), DictSpec{}}});
    s.dictionary_batch(0, 1, {"only"});
    s.record_batch(1, {{1, 0}}, {"", raw<int32_t>({1})});
    Status st = read_status(s.end().bytes);
    EXPECT_EQ(st.code(), ErrorCode::kParse);
    EXPECT_NE(st.message().find("dictionary index 1 out of range"), std::string::npos)
        << st.message();
  }
  {
    StreamBuilder s;
    s.schema({{"n", int_type(64, true)}});
    s.record_batch(2, {{2, 0}}, {"", raw<int64_t>({1})});  // one value for two rows
    Status st = read_status(s.end().bytes);
    EXPECT_NE(st.message().find("values buffer holds 8 bytes, 16 needed"), std::string::npos)
        << st.message();
  }
  {
    StreamBuilder s;
    s.schema({{"s", utf8_type()}});
    s.record_batch(1, {{1, 0}}, {"", raw<int32_t>({0, 9}), "abc"});  // offset beyond data
    EXPECT_EQ(read_status(s.end().bytes).code(), ErrorCode::kParse);
  }
  {
    StreamBuilder s;
    s.schema({{"n", int_type(32, true)}});
    s.record_batch(2, {{3, 0}}, {"", raw<int32_t>({1, 2, 3})});  // node length != batch length
    EXPECT_EQ(read_status(s.end().bytes).code(), ErrorCode::kParse);
  }
  {
    StreamBuilder s;
    s.schema({{"n", int_type(32, true)}, {"m", int_type(32, true)}});
    s.record_batch(1, {{1, 0}}, {"", raw<int32_t>({1})});  // a node short
    EXPECT_EQ(read_status(s.end().bytes).code(), ErrorCode::kParse);
  }
  {
    StreamBuilder s;
    s.record_batch(1, {{1, 0}}, {"", raw<int32_t>({1})});  // no schema first
    EXPECT_EQ(read_status(s.end().bytes).code(), ErrorCode::kParse);
  }
  {
    StreamBuilder s;
    s.schema({{"n", int_type(32, true)}}).schema({{"n", int_type(32, true)}});
    EXPECT_EQ(read_status(s.end().bytes).code(), ErrorCode::kParse);
  }
}

TEST(IpcReaderErrors, NamesUnsupportedTypes) {
  const std::vector<std::pair<TypeSpec, std::string>> cases = {
      {list_type(), "list"},
      {float_type(0), "halffloat"},
      {decimal_type(40, 2, 256), "decimal256"},
  };
  for (const auto& [type, name] : cases) {
    StreamBuilder s;
    s.schema({{"x", type}});
    Status st = read_status(s.end().bytes);
    EXPECT_EQ(st.code(), ErrorCode::kUnsupported);
    EXPECT_NE(st.message().find("'x' has type " + name), std::string::npos) << st.message();
  }
  StreamBuilder big_endian;
  big_endian.schema({{"x", utf8_type()}}, /*endianness=*/1);
  EXPECT_EQ(read_status(big_endian.end().bytes).code(), ErrorCode::kUnsupported);
}

TEST(IpcReaderErrors, EnforcesRowAndDecompressionLimits) {
  ReadOptions few_rows;
  few_rows.max_rows = 2;
  EXPECT_EQ(read_ipc_stream(one_int32_column(false), few_rows).status().code(),
            ErrorCode::kInvalidArgument);
  ArrowColumnBuilder big("s", ArrowType::kUtf8);
  big.append_string(std::string(100000, 'z'));
  std::vector<ArrowColumn> columns{std::move(big).finish()};
  auto bytes = write_ipc_stream(columns, 1, Compression::kZstd);
  ASSERT_TRUE(bytes.is_ok());
  ReadOptions small_budget;
  small_budget.max_decompressed_bytes = 50000;
  EXPECT_EQ(read_ipc_stream(*bytes, small_budget).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(read_ipc_stream(*bytes).is_ok());
}

// Every prefix and many single-bit corruptions of valid streams: each read must end in
// a value or an error (the sanitizer build checks for memory errors too).
TEST(IpcReaderFuzz, SurvivesTruncationsAndBitFlips) {
  std::vector<std::string> streams = {from_hex(kApacheArrowJsAllTypes),
                                      from_hex(kApacheArrowJsTwoBatches),
                                      from_hex(kPerspectiveToArrowLz4)};
  const auto columns = [] {
    ArrowColumnBuilder k("k", ArrowType::kDictionary), s("s", ArrowType::kUtf8);
    for (int i = 0; i < 50; ++i) {
      k.append_string(i % 2 ? "odd" : "even");
      s.append_string(std::string(static_cast<size_t>(i), 'q'));
    }
    std::vector<ArrowColumn> out;
    out.push_back(std::move(k).finish());
    out.push_back(std::move(s).finish());
    return out;
  }();
  streams.push_back(*write_ipc_stream(columns, 50, Compression::kZstd));
  size_t ok = 0, failed = 0;
  for (const std::string& stream : streams) {
    for (size_t n = 0; n < stream.size(); ++n) {
      (read_ipc_stream(stream.substr(0, n)).is_ok() ? ok : failed)++;
    }
    for (size_t i = 0; i < stream.size(); ++i) {
      for (int bit : {0, 7}) {
        std::string flipped = stream;
        flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
        (read_ipc_stream(flipped).is_ok() ? ok : failed)++;
      }
    }
  }
  EXPECT_GT(failed, 0u);
  EXPECT_GT(ok, 0u);
}

}  // namespace
}  // namespace chview::arrow
