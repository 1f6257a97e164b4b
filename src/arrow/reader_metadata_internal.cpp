#include "arrow/reader_metadata_internal.h"

#include <flatbuffers/flatbuffers.h>

#include <cstring>
#include <limits>

namespace chview::arrow::detail {
namespace {

namespace fb = flatbuffers;
using fb::Table;
using fb::Verifier;

// A table field's vtable slot: 4 + 2 * (field id in the .fbs).
constexpr fb::voffset_t slot(int id) { return static_cast<fb::voffset_t>(4 + 2 * id); }

// Enum values of Schema.fbs / Message.fbs.
enum : uint8_t {
  kTypeNull = 1,
  kTypeInt = 2,
  kTypeFloatingPoint = 3,
  kTypeBinary = 4,
  kTypeUtf8 = 5,
  kTypeBool = 6,
  kTypeDecimal = 7,
  kTypeDate = 8,
  kTypeTime = 9,
  kTypeTimestamp = 10,
  kTypeLargeBinary = 19,
  kTypeLargeUtf8 = 20,
};
enum : uint8_t { kHeaderSchema = 1, kHeaderDictionaryBatch = 2, kHeaderRecordBatch = 3 };
constexpr int16_t kMetadataV4 = 3;

// Arrow C++'s names of the types this reader does not decode, for error messages.
const char* unsupported_type_name(uint8_t tag) {
  switch (tag) {
    case 0:
      return "none";
    case 11:
      return "interval";
    case 12:
      return "list";
    case 13:
      return "struct";
    case 14:
      return "union";
    case 15:
      return "fixed_size_binary";
    case 16:
      return "fixed_size_list";
    case 17:
      return "map";
    case 18:
      return "duration";
    case 21:
      return "large_list";
    case 22:
      return "run_end_encoded";
    case 23:
      return "binary_view";
    case 24:
      return "utf8_view";
    case 25:
      return "list_view";
    case 26:
      return "large_list_view";
    default:
      return "unknown";
  }
}

Status malformed(const std::string& what) {
  return parse_error("Arrow IPC: malformed message metadata (" + what + ")");
}

template <typename T>
T scalar(const Table* t, int id, T def) {
  return t->GetField<T>(slot(id), def);
}

// A verified sub-table (nullptr when absent), or an error.
Result<const Table*> sub_table(Verifier& v, const Table* t, int id, const char* what) {
  if (!t->VerifyOffset(v, slot(id))) return malformed(what);
  const Table* sub = t->GetPointer<const Table*>(slot(id));
  if (sub != nullptr && !sub->VerifyTableStart(v)) return malformed(what);
  if (sub != nullptr) v.EndTable();
  return sub;
}

template <typename T>
bool verify_scalar(Verifier& v, const Table* t, int id) {
  return t->VerifyField<T>(v, slot(id), sizeof(T));
}

Result<std::string> string_field(Verifier& v, const Table* t, int id, const char* what) {
  if (!t->VerifyOffset(v, slot(id))) return malformed(what);
  const auto* s = t->GetPointer<const fb::String*>(slot(id));
  if (s == nullptr) return std::string();
  if (!v.VerifyString(s)) return malformed(what);
  return s->str();
}

// A vector of 16-byte structs (FieldNode, Buffer), copied out field by field.
template <typename T>
Result<std::vector<T>> struct_vector(Verifier& v, const Table* t, int id, const char* what) {
  static_assert(sizeof(T) == 16);
  if (!t->VerifyOffset(v, slot(id))) return malformed(what);
  const auto* vec = t->GetPointer<const fb::Vector<uint8_t>*>(slot(id));
  std::vector<T> out;
  if (vec == nullptr) return out;
  if (!v.VerifyVectorOrString(reinterpret_cast<const uint8_t*>(vec), 16)) return malformed(what);
  const size_t count = vec->size();  // element count, whatever the declared element type
  out.resize(count);
  if (count > 0) std::memcpy(out.data(), vec->Data(), count * 16);
  return out;
}

bool verify_int_table(Verifier& v, const Table* t) {
  return verify_scalar<int32_t>(v, t, 0) && verify_scalar<uint8_t>(v, t, 1);
}

Status read_int_type(Verifier& v, const Table* type, FieldInfo& f) {
  if (!verify_int_table(v, type)) return malformed("Int");
  const int32_t width = scalar<int32_t>(type, 0, 0);
  const bool is_signed = scalar<uint8_t>(type, 1, 0) != 0;
  switch (width) {
    case 8:
      f.type = is_signed ? InputType::kInt8 : InputType::kUInt8;
      return Status::ok();
    case 16:
      f.type = is_signed ? InputType::kInt16 : InputType::kUInt16;
      return Status::ok();
    case 32:
      f.type = is_signed ? InputType::kInt32 : InputType::kUInt32;
      return Status::ok();
    case 64:
      f.type = is_signed ? InputType::kInt64 : InputType::kUInt64;
      return Status::ok();
    default:
      return malformed("Int bitWidth " + std::to_string(width));
  }
}

TimeUnit time_unit(int16_t unit) { return static_cast<TimeUnit>(unit); }

// The field's value type from its `type` union.
Status read_field_type(Verifier& v, const Table* field, FieldInfo& f) {
  const uint8_t tag = scalar<uint8_t>(field, 2, 0);
  CHVIEW_ASSIGN_OR_RETURN(const Table* type, sub_table(v, field, 3, "Field.type"));
  const auto unsupported_as = [&](const std::string& name) {
    return unsupported("Arrow column '" + f.name + "' has type " + name +
                       ", which chview does not read");
  };
  const auto need_type = [&]() -> Status {
    return type == nullptr ? malformed("Field.type missing") : Status::ok();
  };
  switch (tag) {
    case kTypeNull:
      f.type = InputType::kNull;
      return Status::ok();
    case kTypeBool:
      f.type = InputType::kBool;
      return Status::ok();
    case kTypeUtf8:
      f.type = InputType::kUtf8;
      return Status::ok();
    case kTypeLargeUtf8:
      f.type = InputType::kLargeUtf8;
      return Status::ok();
    case kTypeBinary:
      f.type = InputType::kBinary;
      return Status::ok();
    case kTypeLargeBinary:
      f.type = InputType::kLargeBinary;
      return Status::ok();
    case kTypeInt:
      CHVIEW_RETURN_IF_ERROR(need_type());
      return read_int_type(v, type, f);
    case kTypeFloatingPoint: {
      CHVIEW_RETURN_IF_ERROR(need_type());
      if (!verify_scalar<int16_t>(v, type, 0)) return malformed("FloatingPoint");
      const int16_t precision = scalar<int16_t>(type, 0, 0);
      if (precision == 1) f.type = InputType::kFloat32;
      if (precision == 2) f.type = InputType::kFloat64;
      if (precision == 0) return unsupported_as("halffloat");
      if (precision < 0 || precision > 2) return malformed("FloatingPoint precision");
      return Status::ok();
    }
    case kTypeDecimal: {
      CHVIEW_RETURN_IF_ERROR(need_type());
      if (!verify_scalar<int32_t>(v, type, 0) || !verify_scalar<int32_t>(v, type, 1) ||
          !verify_scalar<int32_t>(v, type, 2)) {
        return malformed("Decimal");
      }
      const int32_t bit_width = scalar<int32_t>(type, 2, 128);
      if (bit_width != 128) return unsupported_as("decimal" + std::to_string(bit_width));
      f.type = InputType::kDecimal128;
      f.decimal_precision = scalar<int32_t>(type, 0, 0);
      f.decimal_scale = scalar<int32_t>(type, 1, 0);
      return Status::ok();
    }
    case kTypeDate: {
      CHVIEW_RETURN_IF_ERROR(need_type());
      if (!verify_scalar<int16_t>(v, type, 0)) return malformed("Date");
      const int16_t unit = scalar<int16_t>(type, 0, 1);  // default MILLISECOND
      if (unit != 0 && unit != 1) return malformed("Date unit");
      f.type = unit == 0 ? InputType::kDate32 : InputType::kDate64;
      return Status::ok();
    }
    case kTypeTime: {
      CHVIEW_RETURN_IF_ERROR(need_type());
      if (!verify_scalar<int16_t>(v, type, 0) || !verify_scalar<int32_t>(v, type, 1)) {
        return malformed("Time");
      }
      const int16_t unit = scalar<int16_t>(type, 0, 1);
      const int32_t width = scalar<int32_t>(type, 1, 32);
      const bool ok32 = width == 32 && (unit == 0 || unit == 1);
      const bool ok64 = width == 64 && (unit == 2 || unit == 3);
      if (!ok32 && !ok64) return malformed("Time unit/bitWidth");
      f.type = width == 32 ? InputType::kTime32 : InputType::kTime64;
      f.time_unit = time_unit(unit);
      return Status::ok();
    }
    case kTypeTimestamp: {
      CHVIEW_RETURN_IF_ERROR(need_type());
      if (!verify_scalar<int16_t>(v, type, 0)) return malformed("Timestamp");
      const int16_t unit = scalar<int16_t>(type, 0, 0);  // default SECOND
      if (unit < 0 || unit > 3) return malformed("Timestamp unit");
      f.type = InputType::kTimestamp;
      f.time_unit = time_unit(unit);
      CHVIEW_ASSIGN_OR_RETURN(f.timezone, string_field(v, type, 1, "Timestamp.timezone"));
      return Status::ok();
    }
    default:
      return unsupported_as(unsupported_type_name(tag));
  }
}

Status read_dictionary_encoding(Verifier& v, const Table* field, FieldInfo& f) {
  CHVIEW_ASSIGN_OR_RETURN(const Table* dict, sub_table(v, field, 4, "Field.dictionary"));
  if (dict == nullptr) return Status::ok();
  if (!verify_scalar<int64_t>(v, dict, 0)) return malformed("DictionaryEncoding.id");
  f.dictionary = true;
  f.dictionary_id = scalar<int64_t>(dict, 0, 0);
  CHVIEW_ASSIGN_OR_RETURN(const Table* index_type,
                          sub_table(v, dict, 1, "DictionaryEncoding.indexType"));
  if (index_type != nullptr) {  // absent: signed int32
    if (!verify_int_table(v, index_type)) return malformed("DictionaryEncoding.indexType");
    f.index_bit_width = scalar<int32_t>(index_type, 0, 0);
    f.index_signed = scalar<uint8_t>(index_type, 1, 0) != 0;
    const int32_t w = f.index_bit_width;
    if (w != 8 && w != 16 && w != 32 && w != 64) return malformed("dictionary index bitWidth");
  }
  if (f.type != InputType::kUtf8 && f.type != InputType::kLargeUtf8 &&
      f.type != InputType::kBinary && f.type != InputType::kLargeBinary) {
    return unsupported("Arrow column '" + f.name + "' is a dictionary of " +
                       input_type_name(f.type) + "; chview reads dictionaries of strings only");
  }
  return Status::ok();
}

Result<FieldInfo> read_field(Verifier& v, const Table* field) {
  if (!field->VerifyTableStart(v)) return malformed("Field");
  v.EndTable();
  if (!verify_scalar<uint8_t>(v, field, 1) || !verify_scalar<uint8_t>(v, field, 2)) {
    return malformed("Field");
  }
  FieldInfo f;
  CHVIEW_ASSIGN_OR_RETURN(f.name, string_field(v, field, 0, "Field.name"));
  CHVIEW_RETURN_IF_ERROR(read_field_type(v, field, f));
  CHVIEW_RETURN_IF_ERROR(read_dictionary_encoding(v, field, f));
  return f;
}

Result<std::vector<FieldInfo>> read_schema(Verifier& v, const Table* schema, const uint8_t* buf) {
  if (!verify_scalar<int16_t>(v, schema, 0)) return malformed("Schema.endianness");
  if (scalar<int16_t>(schema, 0, 0) != 0) {
    return unsupported("Arrow IPC: big-endian data is not supported");
  }
  if (!schema->VerifyOffset(v, slot(1))) return malformed("Schema.fields");
  const auto* fields = schema->GetPointer<const fb::Vector<fb::uoffset_t>*>(slot(1));
  std::vector<FieldInfo> out;
  if (fields == nullptr) return out;
  if (!v.VerifyVector(fields)) return malformed("Schema.fields");
  const auto* base = reinterpret_cast<const uint8_t*>(fields->Data());
  for (fb::uoffset_t i = 0; i < fields->size(); ++i) {
    const uint8_t* element = base + i * sizeof(fb::uoffset_t);
    // Checks that the element's offset points inside the buffer before following it.
    const fb::uoffset_t o = v.VerifyOffset(static_cast<size_t>(element - buf));
    if (o == 0) return malformed("Schema.fields");
    CHVIEW_ASSIGN_OR_RETURN(FieldInfo f,
                            read_field(v, reinterpret_cast<const Table*>(element + o)));
    out.push_back(std::move(f));
  }
  return out;
}

Result<BatchInfo> read_batch(Verifier& v, const Table* batch) {
  if (!verify_scalar<int64_t>(v, batch, 0)) return malformed("RecordBatch.length");
  BatchInfo out;
  out.length = scalar<int64_t>(batch, 0, 0);
  if (out.length < 0) return malformed("negative RecordBatch.length");
  CHVIEW_ASSIGN_OR_RETURN(out.nodes, struct_vector<NodeInfo>(v, batch, 1, "RecordBatch.nodes"));
  CHVIEW_ASSIGN_OR_RETURN(out.buffers,
                          struct_vector<BufferInfo>(v, batch, 2, "RecordBatch.buffers"));
  for (const NodeInfo& n : out.nodes) {
    if (n.length < 0 || n.null_count < 0) return malformed("negative FieldNode");
  }
  for (const BufferInfo& b : out.buffers) {
    if (b.offset < 0 || b.length < 0) return malformed("negative Buffer");
  }
  CHVIEW_ASSIGN_OR_RETURN(const Table* compression,
                          sub_table(v, batch, 3, "RecordBatch.compression"));
  if (compression != nullptr) {
    if (!verify_scalar<int8_t>(v, compression, 0) || !verify_scalar<int8_t>(v, compression, 1)) {
      return malformed("BodyCompression");
    }
    const int8_t codec = scalar<int8_t>(compression, 0, 0);
    if (codec != 0 && codec != 1) return malformed("BodyCompression.codec");
    if (scalar<int8_t>(compression, 1, 0) != 0) {
      return unsupported("Arrow IPC: only per-buffer body compression is supported");
    }
    out.codec = codec == 0 ? Codec::kLz4Frame : Codec::kZstd;
  }
  return out;
}

}  // namespace

Result<MessageInfo> parse_message(std::span<const uint8_t> metadata) {
  // The verifier asserts on buffers of 2 GiB and more.
  if (metadata.size() < 8 || metadata.size() >= size_t{FLATBUFFERS_MAX_BUFFER_SIZE}) {
    return malformed("size " + std::to_string(metadata.size()));
  }
  Verifier v(metadata.data(), metadata.size());
  const fb::uoffset_t root = v.VerifyOffset(0);
  if (root == 0) return malformed("root offset");
  const auto* message = reinterpret_cast<const Table*>(metadata.data() + root);
  if (!message->VerifyTableStart(v)) return malformed("Message");
  v.EndTable();
  if (!verify_scalar<int16_t>(v, message, 0) || !verify_scalar<uint8_t>(v, message, 1) ||
      !verify_scalar<int64_t>(v, message, 3)) {
    return malformed("Message");
  }
  const int16_t version = scalar<int16_t>(message, 0, 0);
  if (version < kMetadataV4) {
    return unsupported("Arrow IPC: metadata version " + std::to_string(version) +
                       " is too old (V4 or later required)");
  }
  MessageInfo out;
  out.body_length = scalar<int64_t>(message, 3, 0);
  if (out.body_length < 0) return malformed("negative bodyLength");
  CHVIEW_ASSIGN_OR_RETURN(const Table* header, sub_table(v, message, 2, "Message.header"));
  if (header == nullptr) return malformed("Message.header missing");
  switch (scalar<uint8_t>(message, 1, 0)) {
    case kHeaderSchema: {
      out.kind = MessageInfo::Kind::kSchema;
      CHVIEW_ASSIGN_OR_RETURN(out.fields, read_schema(v, header, metadata.data()));
      return out;
    }
    case kHeaderRecordBatch: {
      out.kind = MessageInfo::Kind::kRecordBatch;
      CHVIEW_ASSIGN_OR_RETURN(out.batch, read_batch(v, header));
      return out;
    }
    case kHeaderDictionaryBatch: {
      out.kind = MessageInfo::Kind::kDictionaryBatch;
      if (!verify_scalar<int64_t>(v, header, 0) || !verify_scalar<uint8_t>(v, header, 2)) {
        return malformed("DictionaryBatch");
      }
      out.dictionary_id = scalar<int64_t>(header, 0, 0);
      out.is_delta = scalar<uint8_t>(header, 2, 0) != 0;
      CHVIEW_ASSIGN_OR_RETURN(const Table* data, sub_table(v, header, 1, "DictionaryBatch.data"));
      if (data == nullptr) return malformed("DictionaryBatch.data missing");
      CHVIEW_ASSIGN_OR_RETURN(out.batch, read_batch(v, data));
      return out;
    }
    default:
      return unsupported("Arrow IPC: message type " +
                         std::to_string(scalar<uint8_t>(message, 1, 0)) +
                         " (tensors) is not supported");
  }
}

}  // namespace chview::arrow::detail
