// Test-only: builds Arrow IPC streams of any field type and any (also wrong) node and
// buffer layout, to exercise the reader beyond what ipc_writer produces. Field ids and
// enum values from format/Schema.fbs and Message.fbs.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arrow/body_internal.h"
#include "arrow/message_internal.h"

namespace chview::arrow::testing {

struct TypeSpec {
  explicit TypeSpec(uint8_t tag, int32_t a = 0, int32_t b = 0, int32_t c = 0, std::string tz = {})
      : tag(tag), a(a), b(b), c(c), timezone(std::move(tz)) {}
  uint8_t tag;  // Type union tag
  int32_t a, b, c;
  std::string timezone;
};
inline TypeSpec null_type() { return TypeSpec(1); }
inline TypeSpec int_type(int32_t width, bool is_signed) { return TypeSpec(2, width, is_signed); }
inline TypeSpec float_type(int32_t precision) {
  return TypeSpec(3, precision);
}  // 0 half … 2 double
inline TypeSpec binary_type() { return TypeSpec(4); }
inline TypeSpec utf8_type() { return TypeSpec(5); }
inline TypeSpec bool_type() { return TypeSpec(6); }
inline TypeSpec decimal_type(int32_t precision, int32_t scale, int32_t width = 128) {
  return TypeSpec(7, precision, scale, width);
}
inline TypeSpec date_type(int32_t unit) { return TypeSpec(8, unit); }  // 0 day, 1 ms
inline TypeSpec time_type(int32_t unit, int32_t width) { return TypeSpec(9, unit, width); }
inline TypeSpec timestamp_type(int32_t unit, std::string tz = {}) {
  return TypeSpec(10, unit, 0, 0, std::move(tz));
}
inline TypeSpec list_type() { return TypeSpec(12); }
inline TypeSpec large_utf8_type() { return TypeSpec(20); }

struct DictSpec {
  int64_t id = 0;
  int32_t index_width = 32;
  bool index_signed = true;
};

struct FieldSpec {
  FieldSpec(std::string name, TypeSpec type, std::optional<DictSpec> dictionary = std::nullopt)
      : name(std::move(name)), type(std::move(type)), dictionary(dictionary) {}
  std::string name;
  TypeSpec type;
  std::optional<DictSpec> dictionary;
};

struct NodeSpec {
  int64_t length;
  int64_t null_count;
};

// Buffer contents.
template <typename T>
std::string raw(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}
inline std::string bits(const std::vector<int>& set) {
  std::string out((set.size() + 7) / 8, '\0');
  for (size_t i = 0; i < set.size(); ++i) {
    if (set[i]) out[i / 8] = static_cast<char>(out[i / 8] | (1 << (i % 8)));
  }
  return out;
}
inline std::string offsets32(const std::vector<std::string>& strings) {
  std::vector<int32_t> offsets{0};
  for (const auto& s : strings) offsets.push_back(offsets.back() + static_cast<int32_t>(s.size()));
  return raw(offsets);
}
inline std::string joined(const std::vector<std::string>& strings) {
  std::string out;
  for (const auto& s : strings) out += s;
  return out;
}

class StreamBuilder {
 public:
  explicit StreamBuilder(bool legacy_framing = false, Compression compression = Compression::kNone)
      : legacy_(legacy_framing), compression_(compression) {}

  StreamBuilder& schema(const std::vector<FieldSpec>& fields, int16_t endianness = 0) {
    namespace fb = flatbuffers;
    fb::FlatBufferBuilder b;
    std::vector<fb::Offset<void>> offsets;
    for (const FieldSpec& f : fields) {
      const auto name = b.CreateString(f.name);
      const auto type = type_table(b, f.type);
      fb::Offset<void> dict;
      if (f.dictionary) {
        const auto index =
            type_table(b, int_type(f.dictionary->index_width, f.dictionary->index_signed));
        const auto start = b.StartTable();
        b.AddElement<int64_t>(slot(0), f.dictionary->id, 0);
        b.AddOffset(slot(1), index);
        dict = fb::Offset<void>(b.EndTable(start));
      }
      const auto start = b.StartTable();
      b.AddOffset(slot(0), name);
      b.AddElement<uint8_t>(slot(1), 1, 0);
      b.AddElement<uint8_t>(slot(2), f.type.tag, 0);
      b.AddOffset(slot(3), type);
      if (f.dictionary) b.AddOffset(slot(4), dict);
      offsets.push_back(fb::Offset<void>(b.EndTable(start)));
    }
    const auto vec = b.CreateVector(offsets);
    const auto start = b.StartTable();
    b.AddElement<int16_t>(slot(0), endianness, 0);
    b.AddOffset(slot(1), vec);
    const auto schema = fb::Offset<void>(b.EndTable(start));
    const auto mstart = b.StartTable();
    b.AddElement<int16_t>(slot(0), 4, 0);
    b.AddElement<uint8_t>(slot(1), 1, 0);
    b.AddOffset(slot(2), schema);
    b.Finish(fb::Offset<void>(b.EndTable(mstart)));
    frame(std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize()), {});
    return *this;
  }

  StreamBuilder& record_batch(int64_t length, const std::vector<NodeSpec>& nodes,
                              const std::vector<std::string>& buffers) {
    detail::BodyBuilder body = make_body(nodes, buffers);
    frame(detail::record_batch_message(length, body), body.body());
    return *this;
  }

  // A dictionary batch; `delta` sets isDelta (the writer never does).
  StreamBuilder& dictionary_batch(int64_t id, int64_t length,
                                  const std::vector<std::string>& values, bool delta = false) {
    detail::BodyBuilder body = make_body({{length, 0}}, {"", offsets32(values), joined(values)});
    std::string metadata = detail::dictionary_batch_message(id, length, body);
    if (delta) metadata = with_delta_flag(id, length, body);
    frame(metadata, body.body());
    return *this;
  }

  StreamBuilder& end() {
    if (!legacy_) append_u32(0xFFFFFFFF);
    append_u32(0);
    return *this;
  }

  std::string bytes;

 private:
  static flatbuffers::voffset_t slot(int id) {
    return static_cast<flatbuffers::voffset_t>(4 + 2 * id);
  }

  static flatbuffers::Offset<void> type_table(flatbuffers::FlatBufferBuilder& b,
                                              const TypeSpec& t) {
    flatbuffers::Offset<flatbuffers::String> tz;
    if (!t.timezone.empty()) tz = b.CreateString(t.timezone);
    const auto start = b.StartTable();
    switch (t.tag) {
      case 2:  // Int
        b.AddElement<int32_t>(slot(0), t.a, 0);
        b.AddElement<uint8_t>(slot(1), static_cast<uint8_t>(t.b), 0);
        break;
      case 3:                                                           // FloatingPoint
      case 8:                                                           // Date
        b.AddElement<int16_t>(slot(0), static_cast<int16_t>(t.a), -1);  // always written
        break;
      case 7:  // Decimal
        b.AddElement<int32_t>(slot(0), t.a, -1);
        b.AddElement<int32_t>(slot(1), t.b, -1);
        b.AddElement<int32_t>(slot(2), t.c, -1);
        break;
      case 9:  // Time
        b.AddElement<int16_t>(slot(0), static_cast<int16_t>(t.a), -1);
        b.AddElement<int32_t>(slot(1), t.b, -1);
        break;
      case 10:  // Timestamp
        b.AddElement<int16_t>(slot(0), static_cast<int16_t>(t.a), -1);
        if (!t.timezone.empty()) b.AddOffset(slot(1), tz);
        break;
      default:
        break;
    }
    return flatbuffers::Offset<void>(b.EndTable(start));
  }

  detail::BodyBuilder make_body(const std::vector<NodeSpec>& nodes,
                                const std::vector<std::string>& buffers) const {
    detail::BodyBuilder body(compression_);
    for (const NodeSpec& n : nodes) body.add_node(n.length, n.null_count);
    for (const std::string& buffer : buffers) (void)body.add_buffer(buffer);
    return body;
  }

  // A DictionaryBatch message like the writer's, with isDelta set.
  std::string with_delta_flag(int64_t id, int64_t length, const detail::BodyBuilder& body) const {
    namespace fb = flatbuffers;
    fb::FlatBufferBuilder b;
    const auto nodes = b.CreateVectorOfStructs(body.nodes().data(), body.nodes().size());
    const auto buffers = b.CreateVectorOfStructs(body.buffers().data(), body.buffers().size());
    fb::Offset<void> compression;
    if (compression_ != Compression::kNone) {
      const auto cstart = b.StartTable();
      b.AddElement<int8_t>(slot(0), compression_ == Compression::kZstd ? 1 : 0, -1);
      compression = fb::Offset<void>(b.EndTable(cstart));
    }
    const auto rstart = b.StartTable();
    b.AddElement<int64_t>(slot(0), length, -1);
    b.AddOffset(slot(1), nodes);
    b.AddOffset(slot(2), buffers);
    if (compression_ != Compression::kNone) b.AddOffset(slot(3), compression);
    const auto data = fb::Offset<void>(b.EndTable(rstart));
    const auto dstart = b.StartTable();
    b.AddElement<int64_t>(slot(0), id, -1);
    b.AddOffset(slot(1), data);
    b.AddElement<uint8_t>(slot(2), 1, 0);
    const auto header = fb::Offset<void>(b.EndTable(dstart));
    const auto mstart = b.StartTable();
    b.AddElement<int16_t>(slot(0), 4, 0);
    b.AddElement<uint8_t>(slot(1), 2, 0);
    b.AddOffset(slot(2), header);
    b.AddElement<int64_t>(slot(3), static_cast<int64_t>(body.body().size()), -1);
    b.Finish(fb::Offset<void>(b.EndTable(mstart)));
    return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
  }

  void append_u32(uint32_t v) {
    char buf[4];
    std::memcpy(buf, &v, 4);
    bytes.append(buf, 4);
  }

  void frame(const std::string& metadata, const std::string& body) {
    const size_t prefix = legacy_ ? 4 : 8;
    const size_t padded = (metadata.size() + prefix + 7) / 8 * 8 - prefix;
    if (!legacy_) append_u32(0xFFFFFFFF);
    append_u32(static_cast<uint32_t>(padded));
    bytes += metadata;
    bytes.append(padded - metadata.size(), '\0');
    bytes += body;
  }

  bool legacy_;
  Compression compression_;
};

}  // namespace chview::arrow::testing
