#include "arrow/ipc_writer.h"

#include <gtest/gtest.h>
#include <lz4frame.h>
#include <zstd.h>

#include <cstring>

#include "arrow/ipc_test_reader.h"

namespace chview::arrow {
namespace {

using testing::IpcMessage;
using testing::parse_stream;
using testing::Region;
using testing::slot;
using testing::string_field;
using testing::table_field;
using testing::vector_field;

constexpr uint8_t kSchema = 1, kDictionaryBatch = 2, kRecordBatch = 3;

std::string write_or_die(const std::vector<ArrowColumn>& columns, size_t rows,
                         Compression compression = Compression::kNone) {
  auto bytes = write_ipc_stream(columns, rows, compression);
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  return bytes.is_ok() ? *bytes : std::string();
}

template <typename T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

ArrowColumn int32_column(std::string name, std::vector<int32_t> values,
                         std::vector<uint8_t> validity = {}) {
  ArrowColumn c(std::move(name), ArrowType::kInt32);
  c.int32s = std::move(values);
  c.validity = std::move(validity);
  return c;
}

// One column of each type, 3 rows, a null in row 1 of all but "i32".
std::vector<ArrowColumn> every_type() {
  std::vector<ArrowColumn> columns;
  columns.push_back(int32_column("i32", {7, -8, 9}));
  ArrowColumn i64("i64", ArrowType::kInt64);
  i64.int64s = {1, 2, 3};
  ArrowColumn u32("u32", ArrowType::kUInt32);
  u32.uint32s = {4000000000u, 5, 6};
  ArrowColumn f64("f64", ArrowType::kFloat64);
  f64.float64s = {0.5, 1.5, 2.5};
  ArrowColumn b("b", ArrowType::kBool);
  b.bools = {1, 1, 0};
  ArrowColumn d32("d32", ArrowType::kDate32);
  d32.int32s = {19000, 0, -1};
  ArrowColumn ts("ts", ArrowType::kTimestampMs);
  ts.int64s = {1700000000000, 0, -5};
  ArrowColumn s("s", ArrowType::kUtf8);
  s.strings = {"ab", "ignored", "cde"};
  ArrowColumn dict("dict", ArrowType::kDictionary);
  dict.strings = {"x", "y"};
  dict.int32s = {1, 99 /* null row: ignored */, 0};
  for (ArrowColumn* c : {&i64, &u32, &f64, &b, &d32, &ts, &s, &dict}) {
    c->validity = {1, 0, 1};
    columns.push_back(std::move(*c));
  }
  return columns;
}

TEST(IpcWriter, EmptyTableIsSchemaRecordBatchAndEndOfStream) {
  const std::string bytes = write_or_die({}, 0);
  const auto stream = parse_stream(bytes);
  EXPECT_TRUE(stream.ended);
  ASSERT_EQ(stream.messages.size(), 2u);
  EXPECT_EQ(stream.messages[0].header_type(), kSchema);
  EXPECT_EQ(stream.messages[1].header_type(), kRecordBatch);
  EXPECT_EQ(stream.messages[1].batch_length(), 0);
  EXPECT_EQ(stream.messages[1].body_length(), 0);
  EXPECT_TRUE(stream.messages[1].nodes().empty());
  EXPECT_EQ(bytes.substr(bytes.size() - 8), std::string("\xFF\xFF\xFF\xFF\0\0\0\0", 8));
}

TEST(IpcWriter, MessagesAreAlignedVersionedAndInOrder) {
  auto columns = every_type();
  columns.push_back(columns.back());  // a second dictionary column
  columns.back().name = "dict2";
  const std::string bytes = write_or_die(columns, 3);
  EXPECT_EQ(bytes.size() % 8, 0u);
  const auto stream = parse_stream(bytes);
  EXPECT_TRUE(stream.ended);
  ASSERT_EQ(stream.messages.size(), 4u);
  const uint8_t expected[] = {kSchema, kDictionaryBatch, kDictionaryBatch, kRecordBatch};
  for (size_t i = 0; i < 4; ++i) {
    const IpcMessage& m = stream.messages[i];
    EXPECT_EQ(m.header_type(), expected[i]);
    EXPECT_EQ(m.version(), 4) << "MetadataVersion V5";
    EXPECT_EQ(m.body_length() % 8, 0);
    if (i == 0) continue;
    for (const Region& r : m.buffers()) {
      EXPECT_EQ(r.offset % 8, 0);
      EXPECT_LE(r.offset + r.length, m.body_length());
    }
  }
  // Dictionary ids 0 and 1, not deltas, each a one-column batch of the two entries.
  for (int64_t id = 0; id < 2; ++id) {
    const IpcMessage& m = stream.messages[1 + id];
    EXPECT_EQ(m.header()->GetField<int64_t>(slot(0), 0), id);
    EXPECT_EQ(m.header()->GetField<uint8_t>(slot(2), 0), 0);
    EXPECT_EQ(m.batch_length(), 2);
    ASSERT_EQ(m.nodes().size(), 1u);
    EXPECT_EQ(m.nodes()[0].length, 2);
    EXPECT_EQ(m.nodes()[0].null_count, 0);
    EXPECT_EQ(m.buffer(1), raw(std::vector<int32_t>{0, 1, 2}));
    EXPECT_EQ(m.buffer(2), "xy");
  }
}

TEST(IpcWriter, SchemaDescribesEveryType) {
  const auto stream = parse_stream(write_or_die(every_type(), 3));
  ASSERT_FALSE(stream.messages.empty());
  const auto* fields =
      vector_field<flatbuffers::Offset<flatbuffers::Table>>(stream.messages[0].header(), 1);
  ASSERT_NE(fields, nullptr);
  ASSERT_EQ(fields->size(), 9u);
  struct Expect {
    const char* name;
    uint8_t type_tag;
  };
  const Expect expect[] = {{"i32", 2}, {"i64", 2}, {"u32", 2}, {"f64", 3}, {"b", 6},
                           {"d32", 8}, {"ts", 10}, {"s", 5},   {"dict", 5}};
  for (size_t i = 0; i < 9; ++i) {
    const auto* f = fields->Get(static_cast<flatbuffers::uoffset_t>(i));
    EXPECT_EQ(string_field(f, 0), expect[i].name);
    EXPECT_EQ(f->GetField<uint8_t>(slot(1), 0), 1) << "nullable";
    EXPECT_EQ(f->GetField<uint8_t>(slot(2), 0), expect[i].type_tag) << expect[i].name;
    const auto* children = vector_field<flatbuffers::Offset<flatbuffers::Table>>(f, 5);
    ASSERT_NE(children, nullptr);
    EXPECT_EQ(children->size(), 0u);
    EXPECT_EQ(table_field(f, 4) != nullptr, i == 8) << "dictionary encoding";
  }
  const auto int_of = [&](int i) { return table_field(fields->Get(i), 3); };
  EXPECT_EQ(int_of(0)->GetField<int32_t>(slot(0), 0), 32);
  EXPECT_EQ(int_of(0)->GetField<uint8_t>(slot(1), 0), 1);
  EXPECT_EQ(int_of(1)->GetField<int32_t>(slot(0), 0), 64);
  EXPECT_EQ(int_of(2)->GetField<int32_t>(slot(0), 0), 32);
  EXPECT_EQ(int_of(2)->GetField<uint8_t>(slot(1), 0), 0) << "unsigned";
  EXPECT_EQ(int_of(3)->GetField<int16_t>(slot(0), 0), 2) << "DOUBLE";
  EXPECT_EQ(int_of(5)->GetField<int16_t>(slot(0), 1), 0) << "DAY";
  EXPECT_EQ(int_of(6)->GetField<int16_t>(slot(0), 0), 1) << "MILLISECOND";
  EXPECT_EQ(string_field(int_of(6), 1), "") << "no timezone";
  const auto* encoding = table_field(fields->Get(8), 4);
  EXPECT_EQ(encoding->GetField<int64_t>(slot(0), 0), 0);
  const auto* index_type = table_field(encoding, 1);
  ASSERT_NE(index_type, nullptr);
  EXPECT_EQ(index_type->GetField<int32_t>(slot(0), 0), 32);
  EXPECT_EQ(index_type->GetField<uint8_t>(slot(1), 0), 1);
}

TEST(IpcWriter, RecordBatchBuffersHoldValuesNullsAndZeroedNullSlots) {
  const auto stream = parse_stream(write_or_die(every_type(), 3));
  ASSERT_EQ(stream.messages.size(), 3u);
  const IpcMessage& rb = stream.messages[2];
  EXPECT_EQ(rb.batch_length(), 3);
  const auto nodes = rb.nodes();
  ASSERT_EQ(nodes.size(), 9u);
  for (size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(nodes[i].length, 3);
    EXPECT_EQ(nodes[i].null_count, i == 0 ? 0 : 1) << "column " << i;
  }
  // validity + values per column, validity + offsets + data for Utf8.
  ASSERT_EQ(rb.buffers().size(), 19u);
  EXPECT_EQ(rb.buffer(0), "") << "no nulls: no validity bitmap";
  EXPECT_EQ(rb.buffer(1), raw(std::vector<int32_t>{7, -8, 9}));
  EXPECT_EQ(rb.buffer(2), "\x05") << "rows 0 and 2 valid";
  EXPECT_EQ(rb.buffer(3), raw(std::vector<int64_t>{1, 0, 3})) << "null slot zeroed";
  EXPECT_EQ(rb.buffer(5), raw(std::vector<uint32_t>{4000000000u, 0, 6}));
  EXPECT_EQ(rb.buffer(7), raw(std::vector<double>{0.5, 0, 2.5}));
  EXPECT_EQ(rb.buffer(9), "\x01") << "bool bitmap: true, (null), false";
  EXPECT_EQ(rb.buffer(11), raw(std::vector<int32_t>{19000, 0, -1}));
  EXPECT_EQ(rb.buffer(13), raw(std::vector<int64_t>{1700000000000, 0, -5}));
  EXPECT_EQ(rb.buffer(15), raw(std::vector<int32_t>{0, 2, 2, 5})) << "utf8 offsets";
  EXPECT_EQ(rb.buffer(16), "abcde");
  EXPECT_EQ(rb.buffer(17), "\x05");
  EXPECT_EQ(rb.buffer(18), raw(std::vector<int32_t>{1, 0, 0})) << "dictionary indices";
  EXPECT_EQ(rb.batch()->GetPointer<const flatbuffers::Table*>(slot(3)), nullptr)
      << "no compression field when uncompressed";
}

TEST(IpcWriter, ValidityBitmapSpansBytes) {
  std::vector<int32_t> values(20, 1);
  std::vector<uint8_t> validity(20, 1);
  validity[0] = validity[9] = validity[19] = 0;
  const auto stream = parse_stream(write_or_die({int32_column("v", values, validity)}, 20));
  ASSERT_EQ(stream.messages.size(), 2u);
  EXPECT_EQ(stream.messages[1].nodes()[0].null_count, 3);
  EXPECT_EQ(stream.messages[1].buffer(0), std::string("\xFE\xFD\x07", 3));
}

std::string decompress(Compression compression, std::string_view prefixed) {
  int64_t size = 0;
  std::memcpy(&size, prefixed.data(), sizeof size);
  std::string out(static_cast<size_t>(size), '\0');
  const std::string_view frame = prefixed.substr(sizeof size);
  if (compression == Compression::kZstd) {
    const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
    EXPECT_FALSE(ZSTD_isError(n));
    EXPECT_EQ(n, out.size());
    return out;
  }
  LZ4F_dctx* ctx = nullptr;
  EXPECT_FALSE(LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)));
  size_t out_size = out.size();
  size_t in_size = frame.size();
  const size_t rc = LZ4F_decompress(ctx, out.data(), &out_size, frame.data(), &in_size, nullptr);
  LZ4F_freeDecompressionContext(ctx);
  EXPECT_EQ(rc, 0u) << "frame fully decoded";
  EXPECT_EQ(out_size, out.size());
  EXPECT_EQ(in_size, frame.size());
  return out;
}

class CompressedIpcWriter : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressedIpcWriter, EveryBufferDecompressesToTheUncompressedBytes) {
  const Compression compression = GetParam();
  const auto plain = parse_stream(write_or_die(every_type(), 3));
  const auto packed = parse_stream(write_or_die(every_type(), 3, compression));
  ASSERT_EQ(plain.messages.size(), 3u);
  ASSERT_EQ(packed.messages.size(), 3u);
  EXPECT_EQ(plain.messages[0].metadata, packed.messages[0].metadata) << "same schema";
  for (size_t m = 1; m < 3; ++m) {
    const IpcMessage& p = plain.messages[m];
    const IpcMessage& c = packed.messages[m];
    const auto* body_compression = c.batch()->GetPointer<const flatbuffers::Table*>(slot(3));
    ASSERT_NE(body_compression, nullptr);
    EXPECT_EQ(body_compression->GetField<int8_t>(slot(0), 0),
              compression == Compression::kZstd ? 1 : 0);
    EXPECT_EQ(body_compression->GetField<int8_t>(slot(1), 0), 0) << "BUFFER";
    ASSERT_EQ(p.buffers().size(), c.buffers().size());
    for (size_t i = 0; i < p.buffers().size(); ++i) {
      if (p.buffer(i).empty()) {
        EXPECT_TRUE(c.buffer(i).empty()) << "empty buffers stay empty";
        continue;
      }
      EXPECT_EQ(decompress(compression, c.buffer(i)), p.buffer(i)) << "message " << m << " #" << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressedIpcWriter,
                         ::testing::Values(Compression::kLz4Frame, Compression::kZstd));

TEST(IpcWriter, RejectsInconsistentColumns) {
  const auto code = [](std::vector<ArrowColumn> columns, size_t rows) {
    return write_ipc_stream(columns, rows).status().code();
  };
  const auto message = [](std::vector<ArrowColumn> columns, size_t rows) {
    return write_ipc_stream(columns, rows).status().message();
  };
  EXPECT_EQ(code({int32_column("a", {1, 2})}, 3), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({int32_column("a", {1, 2}, {1})}, 2), ErrorCode::kInvalidArgument);
  ArrowColumn wrong_vector("a", ArrowType::kInt64);
  wrong_vector.int32s = {1, 2};
  EXPECT_EQ(code({wrong_vector}, 2), ErrorCode::kInvalidArgument);

  ArrowColumn dict("d", ArrowType::kDictionary);
  dict.strings = {"x"};
  dict.int32s = {0, 1};
  EXPECT_EQ(code({dict}, 2), ErrorCode::kInvalidArgument) << "index past the dictionary";
  dict.int32s = {0, -1};
  EXPECT_EQ(code({dict}, 2), ErrorCode::kInvalidArgument) << "negative index";
  dict.validity = {1, 0};
  EXPECT_EQ(code({dict}, 2), ErrorCode::kOk) << "a null row's index is ignored";
  EXPECT_EQ(message({int32_column("col_a", {1})}, 2),
            "Arrow column 'col_a' (Int32): 1 values for 2 rows");
}

}  // namespace
}  // namespace chview::arrow
