#include "arrow/ipc_writer.h"

#include <cstring>
#include <string_view>

#include "arrow/body_internal.h"
#include "arrow/message_internal.h"

namespace chview::arrow {
namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFF;

const char* type_name(ArrowType type) {
  switch (type) {
    case ArrowType::kInt32:
      return "Int32";
    case ArrowType::kInt64:
      return "Int64";
    case ArrowType::kUInt32:
      return "UInt32";
    case ArrowType::kFloat64:
      return "Float64";
    case ArrowType::kBool:
      return "Bool";
    case ArrowType::kDate32:
      return "Date32";
    case ArrowType::kTimestampMs:
      return "Timestamp(ms)";
    case ArrowType::kUtf8:
      return "Utf8";
    case ArrowType::kDictionary:
      return "Dictionary<Int32, Utf8>";
  }
  return "unknown";
}

size_t value_count(const ArrowColumn& column) {
  switch (column.type) {
    case ArrowType::kInt32:
    case ArrowType::kDate32:
    case ArrowType::kDictionary:
      return column.int32s.size();
    case ArrowType::kInt64:
    case ArrowType::kTimestampMs:
      return column.int64s.size();
    case ArrowType::kUInt32:
      return column.uint32s.size();
    case ArrowType::kFloat64:
      return column.float64s.size();
    case ArrowType::kBool:
      return column.bools.size();
    case ArrowType::kUtf8:
      return column.strings.size();
  }
  return 0;
}

Status validate(const ArrowColumn& column, size_t num_rows) {
  const auto fail = [&](const std::string& what) {
    return invalid_argument("Arrow column '" + column.name + "' (" + type_name(column.type) +
                            "): " + what);
  };
  if (value_count(column) != num_rows) {
    return fail(std::to_string(value_count(column)) + " values for " + std::to_string(num_rows) +
                " rows");
  }
  if (!column.validity.empty() && column.validity.size() != num_rows) {
    return fail(std::to_string(column.validity.size()) + " validity entries for " +
                std::to_string(num_rows) + " rows");
  }
  if (column.type == ArrowType::kDictionary) {
    for (size_t i = 0; i < num_rows; ++i) {
      const bool valid = column.validity.empty() || column.validity[i] != 0;
      const int32_t index = column.int32s[i];
      if (valid && (index < 0 || static_cast<size_t>(index) >= column.strings.size())) {
        return fail("row " + std::to_string(i) + " has index " + std::to_string(index) +
                    " into a dictionary of " + std::to_string(column.strings.size()));
      }
    }
  }
  return Status::ok();
}

void append_u32(std::string& out, uint32_t value) {
  char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  out.append(bytes, sizeof value);
}

// The encapsulated message: continuation marker, metadata length (padded so that the body
// starts 8-byte aligned), metadata flatbuffer, padding, body.
void append_message(std::string& out, std::string_view metadata, std::string_view body) {
  const size_t padded = (metadata.size() + 8 + 7) / 8 * 8 - 8;
  append_u32(out, kContinuation);
  append_u32(out, static_cast<uint32_t>(padded));
  out.append(metadata);
  out.append(padded - metadata.size(), '\0');
  out.append(body);
}

}  // namespace

Result<std::string> write_ipc_stream(std::span<const ArrowColumn> columns, size_t num_rows,
                                     Compression compression) {
  for (const ArrowColumn& column : columns) CHVIEW_RETURN_IF_ERROR(validate(column, num_rows));

  std::string out;
  append_message(out, detail::schema_message(columns), {});

  int64_t dictionary_id = 0;
  for (const ArrowColumn& column : columns) {
    if (column.type != ArrowType::kDictionary) continue;
    detail::BodyBuilder body(compression);
    CHVIEW_RETURN_IF_ERROR(detail::append_utf8_values(column.strings, body));
    append_message(out,
                   detail::dictionary_batch_message(
                       dictionary_id++, static_cast<int64_t>(column.strings.size()), body),
                   body.body());
  }

  detail::BodyBuilder body(compression);
  for (const ArrowColumn& column : columns) {
    CHVIEW_RETURN_IF_ERROR(detail::append_column(column, num_rows, body));
  }
  append_message(out, detail::record_batch_message(static_cast<int64_t>(num_rows), body),
                 body.body());

  append_u32(out, kContinuation);  // end of stream
  append_u32(out, 0);
  return out;
}

}  // namespace chview::arrow
