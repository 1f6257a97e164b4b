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
      out += columnar::format_date(column.date_at(row));
      break;
    case columnar::ColumnType::kDatetime:
      out += columnar::format_datetime(column.datetime_at(row));
      break;
  }
}

}  // namespace

std::string encode_csv(const engine::ViewSlice& slice) {
  std::string out;
  if (slice.fields.empty()) return out;
  for (size_t c = 0; c < slice.fields.size(); ++c) {
    if (c > 0) out.push_back(',');
    append_quoted(out, slice.fields[c].name);
  }
  out.push_back('\n');
  for (size_t r = 0; r < slice.num_rows(); ++r) {
    for (size_t c = 0; c < slice.columns.size(); ++c) {
      if (c > 0) out.push_back(',');
      append_cell(out, slice.columns[c], r);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace chview::protocol::encode
