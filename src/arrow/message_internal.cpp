#include "arrow/message_internal.h"

#include <flatbuffers/flatbuffers.h>

#include <vector>

namespace chview::arrow::detail {
namespace {

namespace fb = flatbuffers;

// Tags that only give the offsets distinct types.
struct FbField;
struct FbTable;

// A table field's vtable slot: 4 + 2 * (field id in the .fbs).
constexpr fb::voffset_t slot(int id) { return static_cast<fb::voffset_t>(4 + 2 * id); }

// Enum values of Schema.fbs / Message.fbs.
enum : uint8_t { kTypeInt = 2, kTypeFloatingPoint = 3, kTypeUtf8 = 5, kTypeBool = 6 };
enum : uint8_t { kTypeDate = 8, kTypeTimestamp = 10 };
enum : uint8_t { kHeaderSchema = 1, kHeaderDictionaryBatch = 2, kHeaderRecordBatch = 3 };
constexpr int16_t kMetadataV5 = 4;
constexpr int16_t kPrecisionDouble = 2;
constexpr int16_t kDateUnitDay = 0;
constexpr int16_t kTimeUnitMillisecond = 1;
constexpr int8_t kCodecLz4Frame = 0;
constexpr int8_t kCodecZstd = 1;

fb::Offset<FbTable> int_type(fb::FlatBufferBuilder& b, int32_t bit_width, bool is_signed) {
  const auto start = b.StartTable();
  b.AddElement<int32_t>(slot(0), bit_width, 0);
  b.AddElement<uint8_t>(slot(1), is_signed, 0);
  return fb::Offset<FbTable>(b.EndTable(start));
}

fb::Offset<FbTable> table_with_short(fb::FlatBufferBuilder& b, int16_t value, int16_t def) {
  const auto start = b.StartTable();
  b.AddElement<int16_t>(slot(0), value, def);
  return fb::Offset<FbTable>(b.EndTable(start));
}

fb::Offset<FbTable> empty_table(fb::FlatBufferBuilder& b) {
  return fb::Offset<FbTable>(b.EndTable(b.StartTable()));
}

// The field's (value) type: a union type tag and its table.
std::pair<uint8_t, fb::Offset<FbTable>> field_type(fb::FlatBufferBuilder& b, ArrowType type) {
  switch (type) {
    case ArrowType::kInt32:
      return {kTypeInt, int_type(b, 32, true)};
    case ArrowType::kInt64:
      return {kTypeInt, int_type(b, 64, true)};
    case ArrowType::kUInt32:
      return {kTypeInt, int_type(b, 32, false)};
    case ArrowType::kFloat64:  // FloatingPoint.precision defaults to HALF
      return {kTypeFloatingPoint, table_with_short(b, kPrecisionDouble, 0)};
    case ArrowType::kBool:
      return {kTypeBool, empty_table(b)};
    case ArrowType::kDate32:  // Date.unit defaults to MILLISECOND
      return {kTypeDate, table_with_short(b, kDateUnitDay, 1)};
    case ArrowType::kTimestampMs:  // no timezone field: a naive timestamp
      return {kTypeTimestamp, table_with_short(b, kTimeUnitMillisecond, 0)};
    case ArrowType::kUtf8:
    case ArrowType::kDictionary:
      return {kTypeUtf8, empty_table(b)};
  }
  return {kTypeUtf8, empty_table(b)};
}

fb::Offset<FbField> field(fb::FlatBufferBuilder& b, const ArrowColumn& column,
                          int64_t dictionary_id) {
  const auto name = b.CreateString(column.name);
  const auto [type_tag, type] = field_type(b, column.type);
  fb::Offset<FbTable> dictionary;
  if (column.type == ArrowType::kDictionary) {
    const auto index_type = int_type(b, 32, true);
    const auto start = b.StartTable();
    b.AddElement<int64_t>(slot(0), dictionary_id, 0);  // DictionaryEncoding.id
    b.AddOffset(slot(1), index_type);                  // .indexType; isOrdered false, DenseArray
    dictionary = fb::Offset<FbTable>(b.EndTable(start));
  }
  // Arrow C++ rejects a Field whose children vector is absent, so write an empty one.
  const auto children = b.CreateVector(std::vector<fb::Offset<FbField>>{});
  const auto start = b.StartTable();
  b.AddOffset(slot(0), name);
  b.AddElement<uint8_t>(slot(1), 1, 0);  // nullable
  b.AddElement<uint8_t>(slot(2), type_tag, 0);
  b.AddOffset(slot(3), type);
  b.AddOffset(slot(4), dictionary);
  b.AddOffset(slot(5), children);
  return fb::Offset<FbField>(b.EndTable(start));
}

fb::Offset<FbTable> record_batch(fb::FlatBufferBuilder& b, int64_t length,
                                 const BodyBuilder& body) {
  const auto nodes = b.CreateVectorOfStructs(body.nodes().data(), body.nodes().size());
  const auto buffers = b.CreateVectorOfStructs(body.buffers().data(), body.buffers().size());
  fb::Offset<FbTable> compression;
  if (body.compression() != Compression::kNone) {
    const auto start = b.StartTable();
    // BodyCompression.codec (default LZ4_FRAME); .method BUFFER is the default.
    b.AddElement<int8_t>(slot(0),
                         body.compression() == Compression::kZstd ? kCodecZstd : kCodecLz4Frame,
                         kCodecLz4Frame);
    compression = fb::Offset<FbTable>(b.EndTable(start));
  }
  const auto start = b.StartTable();
  b.AddElement<int64_t>(slot(0), length, 0);
  b.AddOffset(slot(1), nodes);
  b.AddOffset(slot(2), buffers);
  b.AddOffset(slot(3), compression);
  return fb::Offset<FbTable>(b.EndTable(start));
}

std::string finish_message(fb::FlatBufferBuilder& b, uint8_t header_type,
                           fb::Offset<FbTable> header, int64_t body_length) {
  const auto start = b.StartTable();
  b.AddElement<int16_t>(slot(0), kMetadataV5, 0);
  b.AddElement<uint8_t>(slot(1), header_type, 0);
  b.AddOffset(slot(2), header);
  b.AddElement<int64_t>(slot(3), body_length, 0);
  b.Finish(fb::Offset<FbTable>(b.EndTable(start)));
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

}  // namespace

std::string schema_message(std::span<const ArrowColumn> columns) {
  fb::FlatBufferBuilder b;
  std::vector<fb::Offset<FbField>> fields;
  int64_t next_dictionary_id = 0;
  for (const ArrowColumn& column : columns) {
    const bool dictionary = column.type == ArrowType::kDictionary;
    fields.push_back(field(b, column, dictionary ? next_dictionary_id++ : 0));
  }
  const auto field_vector = b.CreateVector(fields);
  const auto start = b.StartTable();
  b.AddOffset(slot(1), field_vector);  // endianness: Little is the default
  return finish_message(b, kHeaderSchema, fb::Offset<FbTable>(b.EndTable(start)), 0);
}

std::string record_batch_message(int64_t num_rows, const BodyBuilder& body) {
  fb::FlatBufferBuilder b;
  const auto batch = record_batch(b, num_rows, body);
  return finish_message(b, kHeaderRecordBatch, batch, static_cast<int64_t>(body.body().size()));
}

std::string dictionary_batch_message(int64_t id, int64_t num_values, const BodyBuilder& body) {
  fb::FlatBufferBuilder b;
  const auto data = record_batch(b, num_values, body);
  const auto start = b.StartTable();
  b.AddElement<int64_t>(slot(0), id, 0);
  b.AddOffset(slot(1), data);  // isDelta: false is the default
  return finish_message(b, kHeaderDictionaryBatch, fb::Offset<FbTable>(b.EndTable(start)),
                        static_cast<int64_t>(body.body().size()));
}

}  // namespace chview::arrow::detail
