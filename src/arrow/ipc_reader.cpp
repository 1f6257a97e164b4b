#include "arrow/ipc_reader.h"

#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <span>

#include "arrow/reader_body_internal.h"
#include "arrow/reader_metadata_internal.h"

namespace chview::arrow {
namespace {

using detail::BatchInfo;
using detail::BodyReader;
using detail::FieldInfo;
using detail::MessageInfo;

constexpr uint32_t kContinuation = 0xFFFFFFFF;
constexpr std::string_view kFileMagic("ARROW1", 6);

struct RawMessage {
  size_t offset = 0;  // where its framing starts, for error messages
  MessageInfo info;
  std::string_view body;
};

// Splits the stream into framed messages, one at a time.
class MessageCursor {
 public:
  explicit MessageCursor(std::string_view bytes) : bytes_(bytes) {
    // The file format is "ARROW1", two padding bytes, then a stream ending in an
    // end-of-stream marker, then a footer we do not need.
    if (bytes_.substr(0, kFileMagic.size()) == kFileMagic) pos_ = 8;
  }

  // The next message, or nullopt at the end of the stream.
  Result<std::optional<RawMessage>> next() {
    if (pos_ >= bytes_.size()) return std::optional<RawMessage>();  // no marker: also the end
    RawMessage m;
    m.offset = pos_;
    CHVIEW_ASSIGN_OR_RETURN(uint32_t length, read_u32());
    if (length == kContinuation) {
      CHVIEW_ASSIGN_OR_RETURN(length, read_u32());
    }  // else legacy framing (before Arrow 0.15): the length comes first
    if (length == 0) return std::optional<RawMessage>();  // end-of-stream marker
    if (length > std::numeric_limits<int32_t>::max()) return error(m.offset, "negative length");
    if (length > bytes_.size() - pos_) {
      return error(m.offset, "metadata of " + std::to_string(length) + " bytes is truncated");
    }
    // Flatbuffers are read in place: give the metadata 8-byte alignment.
    metadata_.assign((length + 7) / 8, 0);
    std::memcpy(metadata_.data(), bytes_.data() + pos_, length);
    pos_ += length;
    auto info = detail::parse_message(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(metadata_.data()), length));
    if (!info.is_ok()) {
      return Status(info.status().code(),
                    info.status().message() + " at byte " + std::to_string(m.offset));
    }
    m.info = std::move(info).value();
    const auto body_length = static_cast<uint64_t>(m.info.body_length);
    if (body_length > bytes_.size() - pos_) {
      return error(m.offset, "body of " + std::to_string(body_length) + " bytes is truncated");
    }
    m.body = bytes_.substr(pos_, body_length);
    pos_ += body_length;
    return std::optional<RawMessage>(std::move(m));
  }

 private:
  Result<uint32_t> read_u32() {
    if (bytes_.size() - pos_ < 4) return error(pos_, "truncated message length");
    uint32_t v;
    std::memcpy(&v, bytes_.data() + pos_, 4);
    pos_ += 4;
    return v;
  }
  static Status error(size_t at, const std::string& what) {
    return parse_error("Arrow IPC: message at byte " + std::to_string(at) + ": " + what);
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  std::vector<uint64_t> metadata_;
};

struct Dictionary {
  StringValues values;
  uint64_t generation = 0;  // bumped when a non-delta batch replaces it
};

// Where a dictionary column's copy of its dictionary stands.
struct DictionaryCursor {
  std::optional<uint64_t> generation;
  size_t base = 0;    // index in the column's `strings` of the generation's entry 0
  size_t copied = 0;  // entries of that generation already copied
};

class StreamDecoder {
 public:
  explicit StreamDecoder(const ReadOptions& options)
      : options_(options), budget_(options.max_decompressed_bytes) {}

  Status on_schema(std::vector<FieldInfo> fields) {
    if (schema_) return parse_error("Arrow IPC: a second Schema message");
    table_.columns.resize(fields.size());
    cursors_.resize(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      DecodedColumn& c = table_.columns[i];
      const FieldInfo& f = fields[i];
      c.name = f.name;
      c.type = f.type;
      c.dictionary_encoded = f.dictionary;
      c.time_unit = f.time_unit;
      c.timezone = f.timezone;
      c.decimal_precision = f.decimal_precision;
      c.decimal_scale = f.decimal_scale;
      if (f.dictionary) dictionaries_.try_emplace(f.dictionary_id);
    }
    schema_ = std::move(fields);
    return Status::ok();
  }

  Status on_dictionary_batch(const RawMessage& m) {
    if (!schema_) return parse_error("Arrow IPC: a DictionaryBatch before the Schema");
    const FieldInfo* field = nullptr;
    for (const FieldInfo& f : *schema_) {
      if (f.dictionary && f.dictionary_id == m.info.dictionary_id) field = &f;
    }
    if (field == nullptr) {
      return parse_error("Arrow IPC: DictionaryBatch for unknown dictionary id " +
                         std::to_string(m.info.dictionary_id));
    }
    FieldInfo values_field = *field;
    values_field.dictionary = false;
    const auto length = static_cast<size_t>(m.info.batch.length);
    CHVIEW_RETURN_IF_ERROR(check_rows(length));
    DecodedColumn values;
    BodyReader body(m.body, m.info.batch, budget_);
    CHVIEW_RETURN_IF_ERROR(detail::append_column(values_field, length, body, values));
    Dictionary& d = dictionaries_[m.info.dictionary_id];
    if (!m.info.is_delta) {
      d.values = StringValues();
      ++d.generation;
    }
    for (size_t i = 0; i < values.strings.size(); ++i) d.values.append(values.strings.at(i));
    return Status::ok();
  }

  Status on_record_batch(const RawMessage& m) {
    if (!schema_) return parse_error("Arrow IPC: a RecordBatch before the Schema");
    const BatchInfo& batch = m.info.batch;
    const auto length = static_cast<size_t>(batch.length);
    CHVIEW_RETURN_IF_ERROR(check_rows(length));
    BodyReader body(m.body, batch, budget_);
    for (size_t i = 0; i < schema_->size(); ++i) {
      const FieldInfo& f = (*schema_)[i];
      DecodedColumn& c = table_.columns[i];
      const size_t before = c.indices.size();
      CHVIEW_RETURN_IF_ERROR(detail::append_column(f, length, body, c));
      if (f.dictionary) CHVIEW_RETURN_IF_ERROR(map_indices(f, i, before));
    }
    table_.num_rows += length;
    ++table_.num_batches;
    return Status::ok();
  }

  Result<DecodedTable> finish() && {
    if (!schema_) return parse_error("Arrow IPC: the stream has no Schema message");
    return std::move(table_);
  }

 private:
  Status check_rows(size_t length) const {
    if (length > options_.max_rows || table_.num_rows > options_.max_rows - length) {
      return invalid_argument("Arrow IPC: more than " + std::to_string(options_.max_rows) +
                              " rows");
    }
    return Status::ok();
  }

  // Copies dictionary entries the column lacks and turns the batch's raw indices (from
  // `first`) into indices of the column's `strings`.
  Status map_indices(const FieldInfo& f, size_t column, size_t first) {
    DecodedColumn& c = table_.columns[column];
    DictionaryCursor& cursor = cursors_[column];
    const Dictionary& d = dictionaries_[f.dictionary_id];
    if (cursor.generation != d.generation) {
      cursor = {d.generation, c.strings.size(), 0};
    }
    for (size_t j = cursor.copied; j < d.values.size(); ++j) c.strings.append(d.values.at(j));
    cursor.copied = d.values.size();
    const auto size = static_cast<int64_t>(d.values.size());
    for (size_t r = first; r < c.indices.size(); ++r) {
      if (!c.validity.empty() && c.validity[r] == 0) {
        c.indices[r] = -1;
        continue;
      }
      if (c.indices[r] < 0 || c.indices[r] >= size) {
        return parse_error("Arrow column '" + f.name + "': dictionary index " +
                           std::to_string(c.indices[r]) + " out of range (dictionary of " +
                           std::to_string(size) + ")");
      }
      c.indices[r] += static_cast<int64_t>(cursor.base);
    }
    return Status::ok();
  }

  const ReadOptions& options_;
  size_t budget_;
  std::optional<std::vector<FieldInfo>> schema_;
  std::map<int64_t, Dictionary> dictionaries_;
  std::vector<DictionaryCursor> cursors_;
  DecodedTable table_;
};

}  // namespace

const char* input_type_name(InputType type) {
  switch (type) {
    case InputType::kNull:
      return "null";
    case InputType::kBool:
      return "bool";
    case InputType::kInt8:
      return "int8";
    case InputType::kInt16:
      return "int16";
    case InputType::kInt32:
      return "int32";
    case InputType::kInt64:
      return "int64";
    case InputType::kUInt8:
      return "uint8";
    case InputType::kUInt16:
      return "uint16";
    case InputType::kUInt32:
      return "uint32";
    case InputType::kUInt64:
      return "uint64";
    case InputType::kFloat32:
      return "float";
    case InputType::kFloat64:
      return "double";
    case InputType::kDecimal128:
      return "decimal128";
    case InputType::kUtf8:
      return "utf8";
    case InputType::kLargeUtf8:
      return "large_utf8";
    case InputType::kBinary:
      return "binary";
    case InputType::kLargeBinary:
      return "large_binary";
    case InputType::kDate32:
      return "date32";
    case InputType::kDate64:
      return "date64";
    case InputType::kTimestamp:
      return "timestamp";
    case InputType::kTime32:
      return "time32";
    case InputType::kTime64:
      return "time64";
  }
  return "unknown";
}

std::string_view DecodedColumn::string_at(size_t row) const {
  if (!is_valid(row)) return {};
  if (!dictionary_encoded) return strings.at(row);
  const int64_t index = indices[row];
  return index < 0 ? std::string_view() : strings.at(static_cast<size_t>(index));
}

Result<DecodedTable> read_ipc_stream(std::string_view bytes, const ReadOptions& options) {
  if (bytes.empty()) return parse_error("Arrow IPC: empty input");
  MessageCursor cursor(bytes);
  StreamDecoder decoder(options);
  while (true) {
    CHVIEW_ASSIGN_OR_RETURN(std::optional<RawMessage> m, cursor.next());
    if (!m) break;
    switch (m->info.kind) {
      case MessageInfo::Kind::kSchema:
        CHVIEW_RETURN_IF_ERROR(decoder.on_schema(std::move(m->info.fields)));
        break;
      case MessageInfo::Kind::kDictionaryBatch:
        CHVIEW_RETURN_IF_ERROR(decoder.on_dictionary_batch(*m));
        break;
      case MessageInfo::Kind::kRecordBatch:
        CHVIEW_RETURN_IF_ERROR(decoder.on_record_batch(*m));
        break;
    }
  }
  return std::move(decoder).finish();
}

}  // namespace chview::arrow
