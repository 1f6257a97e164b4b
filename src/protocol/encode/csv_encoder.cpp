#include "protocol/encode/csv_encoder.h"

#include <cmath>

#include "columnar/datetime.h"
#include "protocol/encode/float_text.h"
#include "protocol/encode/utf8.h"

namespace chview::protocol::encode {
namespace {

void append_quoted(std::string& out, std::string_view text) {
  std::string valid;
  append_valid_utf8(valid, text);
  out.push_back('"');
  for (char c : valid) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

// Arrow prints years with at least four digits, also below zero ("-0001-12-31").
void append_date(std::string& out, int32_t days) {
  std::string text = columnar::format_date(days);
  if (!text.empty() && text[0] == '-') {
    size_t digits = text.find('-', 1);
    if (digits != std::string::npos && digits - 1 < 4) text.insert(1, 4 - (digits - 1), '0');
  }
  out += text;
}

void append_value(std::string& out, const columnar::Value& value) {
  using Kind = columnar::Value::Kind;
  switch (value.kind()) {
    case Kind::kNull:
      break;  // null = empty field
    case Kind::kString:
      append_quoted(out, value.as_string());
      break;
    case Kind::kInt:
      out += std::to_string(value.as_int());
      break;
    case Kind::kFloat:
      if (std::isfinite(value.as_float())) append_csv_double(out, value.as_float());
      break;
    case Kind::kBool:
      out += value.as_bool() ? "true" : "false";
      break;
    case Kind::kDate:
      append_date(out, value.as_date().days);
      break;
    case Kind::kDateTime:
      out += columnar::format_datetime(value.as_datetime().ms);
      break;
  }
}

void append_cell(std::string& out, const columnar::Column& column, size_t row) {
  if (column.is_null(row)) return;  // null = empty field
  switch (column.type()) {
    case columnar::ColumnType::kString:
      append_quoted(out, column.string_at(row));
      break;
    case columnar::ColumnType::kInteger:
      out += std::to_string(column.int_at(row));
      break;
    case columnar::ColumnType::kFloat: {
      double v = column.float_at(row);
      if (std::isfinite(v)) append_csv_double(out, v);
      break;
    }
    case columnar::ColumnType::kBoolean:
      out += column.bool_at(row) ? "true" : "false";
      break;
    case columnar::ColumnType::kDate:
      append_date(out, column.date_at(row));
      break;
    case columnar::ColumnType::kDatetime:
      out += columnar::format_datetime(column.datetime_at(row));
      break;
  }
}

}  // namespace

std::string encode_csv(const engine::ViewSlice& slice, const ArrowLayout& layout) {
  const std::vector<std::string>& group_by = layout.group_by;
  std::string out;
  const size_t levels = slice.has_row_paths ? group_by.size() : 0;
  if (slice.fields.empty() && levels == 0) return out;
  bool first = true;
  auto separate = [&] {
    if (!first) out.push_back(',');
    first = false;
  };
  for (size_t level = 0; level < levels; ++level) {
    separate();
    append_quoted(out, group_by[level] + " (Group by " + std::to_string(level + 1) + ")");
  }
  for (const auto& field : slice.fields) {
    separate();
    append_quoted(out, field.name);
  }
  out.push_back('\n');
  // Float values of aggregates Perspective stores as integers (pct sum of an int column).
  std::vector<bool> truncated(slice.columns.size(), false);
  for (size_t c = 0; c < slice.columns.size(); ++c) {
    const arrow::ArrowType type = column_arrow_type(slice, layout, c);
    truncated[c] = slice.columns[c].type() == columnar::ColumnType::kFloat &&
                   (type == arrow::ArrowType::kInt32 || type == arrow::ArrowType::kInt64 ||
                    type == arrow::ArrowType::kUInt32);
  }
  for (size_t r = 0; r < slice.num_rows(); ++r) {
    first = true;
    for (size_t level = 0; level < levels; ++level) {
      separate();
      const auto& path = slice.row_paths[r];
      if (level < path.size()) append_value(out, path[level]);
    }
    for (size_t c = 0; c < slice.columns.size(); ++c) {
      separate();
      if (truncated[c] && !slice.columns[c].is_null(r)) {
        double v = slice.columns[c].float_at(r);
        if (std::isfinite(v)) out += std::to_string(static_cast<int64_t>(v));
      } else {
        append_cell(out, slice.columns[c], r);
      }
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace chview::protocol::encode
