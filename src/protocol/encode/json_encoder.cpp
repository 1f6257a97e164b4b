#include "protocol/encode/json_encoder.h"

#include <cmath>
#include <cstdio>

#include "columnar/datetime.h"
#include "protocol/encode/float_text.h"
#include "protocol/encode/utf8.h"

namespace chview::protocol::encode {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

void append_double_or_null(std::string& out, double v) {
  if (std::isfinite(v)) {
    append_json_double(out, v);
  } else {
    out += "null";
  }
}

// Perspective's empty date (packed 0, what `any` and friends give for no value) as its
// formatted output prints it: year 0, month 0 + 1, day 0.
constexpr int32_t kPackedDateZero = -719529;  // days_from_civil(-1, 12, 31)

void append_date(std::string& out, int32_t days, bool formatted) {
  if (formatted && days == kPackedDateZero) {
    out += "\"0-01-00\"";
  } else if (formatted) {
    append_json_string(out, columnar::format_date(days));
  } else {
    out += std::to_string(static_cast<int64_t>(days) * kMsPerDay);
  }
}

void append_datetime(std::string& out, int64_t ms, bool formatted) {
  if (formatted) {
    append_json_string(out, columnar::format_datetime(ms));
  } else {
    out += std::to_string(ms);
  }
}

// Perspective's __ID__ / __INDEX__ cell: the primary key wrapped in a list, formatted
// like the values.
void append_key_list(std::string& out, const columnar::Value& key, bool formatted) {
  out.push_back('[');
  append_json_value(out, key, formatted);
  out.push_back(']');
}

void append_value_list(std::string& out, const std::vector<columnar::Value>& values,
                       bool formatted) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_value(out, values[i], formatted);
  }
  out.push_back(']');
}

// leaves_only: a row above the leaves is left out.
bool skipped(const engine::ViewSlice& slice, size_t row, const JsonOptions& o) {
  return o.leaves_only_depth > 0 && slice.has_row_paths && row < slice.row_paths.size() &&
         slice.row_paths[row].size() < o.leaves_only_depth;
}

bool has_path_key_in_columns(const JsonOptions& o) {
  return o.labelling == RowLabelling::kRowPaths;
}
bool has_path_key_in_rows(const JsonOptions& o) {
  return o.labelling == RowLabelling::kRowPaths || o.labelling == RowLabelling::kTotalOnly;
}

void append_row_path(std::string& out, const engine::ViewSlice& slice, size_t row,
                     const JsonOptions& options) {
  if (slice.has_row_paths && row < slice.row_paths.size()) {
    append_value_list(out, slice.row_paths[row], options.formatted);
  } else {
    out += "[]";
  }
}

void append_id(std::string& out, const engine::ViewSlice& slice, size_t row,
               const JsonOptions& options) {
  switch (options.labelling) {
    case RowLabelling::kFlat:
      append_key_list(out, slice.row_keys[row], options.formatted);
      break;
    case RowLabelling::kRowPaths:
    case RowLabelling::kTotalOnly:
    case RowLabelling::kTotalSplit:
      append_row_path(out, slice, row, options);
      break;
    case RowLabelling::kSplitOnly: {
      // Perspective reads the id of the row above (its hidden total row for row 0).
      const columnar::Value& key = row > 0 ? slice.row_keys[row - 1] : options.key_before_slice;
      if (key.is_null() && slice.start_row + row == 0) {
        out += "[]";
      } else {
        append_key_list(out, key, options.formatted);
      }
      break;
    }
  }
}

void append_index(std::string& out, const engine::ViewSlice& slice, size_t row,
                  const JsonOptions& options) {
  if (options.labelling == RowLabelling::kFlat) {
    append_key_list(out, slice.row_keys[row], options.formatted);
  } else if (options.row_indices != nullptr && row < options.row_indices->size()) {
    append_value_list(out, (*options.row_indices)[row], options.formatted);
  } else {
    out += "[]";
  }
}

void append_row_object(std::string& out, const engine::ViewSlice& slice, size_t row,
                       const JsonOptions& options, bool with_meta) {
  out.push_back('{');
  bool first = true;
  auto key = [&](std::string_view name) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, name);
    out.push_back(':');
  };
  if (has_path_key_in_rows(options)) {
    key("__ROW_PATH__");
    append_row_path(out, slice, row, options);
  }
  if (with_meta && options.id) {
    key("__ID__");
    append_id(out, slice, row, options);
  }
  if (with_meta && options.index) {
    key("__INDEX__");
    append_index(out, slice, row, options);
  }
  for (size_t c = 0; c < slice.fields.size(); ++c) {
    key(slice.fields[c].name);
    append_json_cell(out, slice.columns[c], row, options.formatted);
  }
  out.push_back('}');
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      // Multi-byte UTF-8 passes through; invalid bytes become U+FFFD.
      size_t n = utf8_sequence_length(text.substr(i));
      if (n == 0) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(text, i, n);
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void append_json_cell(std::string& out, const columnar::Column& column, size_t row,
                      bool formatted) {
  if (column.is_null(row)) {
    out += "null";
    return;
  }
  switch (column.type()) {
    case columnar::ColumnType::kString:
      append_json_string(out, column.string_at(row));
      break;
    case columnar::ColumnType::kInteger:
      out += std::to_string(column.int_at(row));
      break;
    case columnar::ColumnType::kFloat:
      append_double_or_null(out, column.float_at(row));
      break;
    case columnar::ColumnType::kBoolean:
      out += column.bool_at(row) ? "true" : "false";
      break;
    case columnar::ColumnType::kDate:
      append_date(out, column.date_at(row), formatted);
      break;
    case columnar::ColumnType::kDatetime:
      append_datetime(out, column.datetime_at(row), formatted);
      break;
  }
}

void append_json_value(std::string& out, const columnar::Value& value, bool formatted) {
  using Kind = columnar::Value::Kind;
  switch (value.kind()) {
    case Kind::kNull:
      out += "null";
      break;
    case Kind::kBool:
      out += value.as_bool() ? "true" : "false";
      break;
    case Kind::kInt:
      out += std::to_string(value.as_int());
      break;
    case Kind::kFloat:
      append_double_or_null(out, value.as_float());
      break;
    case Kind::kString:
      append_json_string(out, value.as_string());
      break;
    case Kind::kDate:
      append_date(out, value.as_date().days, formatted);
      break;
    case Kind::kDateTime:
      append_datetime(out, value.as_datetime().ms, formatted);
      break;
  }
}

std::string encode_columns_json(const engine::ViewSlice& slice, const JsonOptions& options) {
  std::string out = "{";
  size_t rows = slice.num_rows();
  bool first = true;
  auto open_key = [&](std::string_view name) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, name);
    out += ":[";
  };
  using Writer = void (*)(std::string&, const engine::ViewSlice&, size_t, const JsonOptions&);
  auto meta_column = [&](std::string_view name, Writer write, bool all_rows = false) {
    open_key(name);
    bool first_cell = true;
    for (size_t r = 0; r < rows; ++r) {
      if (!all_rows && skipped(slice, r, options)) continue;
      if (!first_cell) out.push_back(',');
      first_cell = false;
      write(out, slice, r, options);
    }
    out.push_back(']');
  };
  const bool flat = options.labelling == RowLabelling::kFlat;
  // Split-only and total-only views without data columns in the window answer `{}`.
  if (!flat && !has_path_key_in_columns(options) &&
      options.labelling != RowLabelling::kTotalSplit && slice.fields.empty()) {
    return "{}";
  }
  // Grouped: __ROW_PATH__, __ID__, data, __INDEX__; flat: data, __INDEX__, __ID__ (§4.2).
  // Requested keys appear even for an empty column window or row range.
  if (has_path_key_in_columns(options)) meta_column("__ROW_PATH__", append_row_path);
  if (!flat && options.id) meta_column("__ID__", append_id, /*all_rows=*/true);
  for (size_t c = 0; c < slice.fields.size(); ++c) {
    open_key(slice.fields[c].name);
    bool first_cell = true;
    for (size_t r = 0; r < rows; ++r) {
      if (skipped(slice, r, options)) continue;
      if (!first_cell) out.push_back(',');
      first_cell = false;
      append_json_cell(out, slice.columns[c], r, options.formatted);
    }
    out.push_back(']');
  }
  if (options.index) meta_column("__INDEX__", append_index);
  if (flat && options.id) meta_column("__ID__", append_id);
  out.push_back('}');
  return out;
}

std::string encode_rows_json(const engine::ViewSlice& slice, const JsonOptions& options) {
  std::string out = "[";
  // Without columns a row is only its meta keys; with none there are no rows.
  if (!slice.fields.empty() || options.id || options.index || has_path_key_in_rows(options) ||
      options.labelling == RowLabelling::kTotalSplit) {
    bool first = true;
    for (size_t r = 0; r < slice.num_rows(); ++r) {
      if (skipped(slice, r, options)) continue;
      if (!first) out.push_back(',');
      first = false;
      append_row_object(out, slice, r, options, /*with_meta=*/true);
    }
  }
  out.push_back(']');
  return out;
}

std::string encode_ndjson(const engine::ViewSlice& slice, const JsonOptions& options) {
  std::string out;
  if (slice.fields.empty() && !has_path_key_in_rows(options) &&
      options.labelling != RowLabelling::kTotalSplit) {
    return out;
  }
  bool first = true;
  for (size_t r = 0; r < slice.num_rows(); ++r) {
    if (skipped(slice, r, options)) continue;
    if (!first) out.push_back('\n');
    first = false;
    append_row_object(out, slice, r, options, /*with_meta=*/false);
  }
  return out;
}

}  // namespace chview::protocol::encode
