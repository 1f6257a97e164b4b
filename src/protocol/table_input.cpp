#include "protocol/table_input.h"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "columnar/datetime.h"

namespace chview::protocol::detail {
namespace {

using columnar::ColumnType;
using columnar::Value;
using Json = nlohmann::ordered_json;

Value value_from_json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::boolean:
      return Value(j.get<bool>());
    case Json::value_t::number_integer:
      return Value(j.get<int64_t>());
    case Json::value_t::number_unsigned:
      return Value(static_cast<int64_t>(j.get<uint64_t>()));
    case Json::value_t::number_float:
      return Value(j.get<double>());
    case Json::value_t::string:
      return Value(j.get<std::string>());
    case Json::value_t::null:
      return Value();
    default:
      return Value(j.dump());  // nested values become their JSON text
  }
}

size_t column_slot(RawColumns& raw, const std::string& name, size_t rows_so_far) {
  for (size_t i = 0; i < raw.names.size(); ++i) {
    if (raw.names[i] == name) return i;
  }
  raw.names.push_back(name);
  raw.values.emplace_back(rows_so_far);   // earlier rows lacked this column: null
  raw.present.emplace_back(rows_so_far);  // … and did not give it
  return raw.names.size() - 1;
}

Status add_row_object(RawColumns& raw, const Json& row, size_t row_index) {
  if (!row.is_object()) return parse_error("chview: every row must be a JSON object");
  for (auto& column : raw.values) column.emplace_back();
  for (auto& column : raw.present) column.push_back(0);
  for (const auto& [key, value] : row.items()) {
    size_t slot = column_slot(raw, key, row_index + 1);
    raw.values[slot][row_index] = value_from_json(value);
    raw.present[slot][row_index] = 1;
  }
  return Status::ok();
}

// Drops the presence map when every row gave every key (the common case).
void drop_full_presence(RawColumns& raw) {
  for (const auto& column : raw.present) {
    for (uint8_t p : column) {
      if (p == 0) return;
    }
  }
  raw.present.clear();
}

Result<RawColumns> parse_rows(std::string_view text) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return parse_error("chview: from_rows expects a JSON array of objects");
  RawColumns raw;
  size_t row_index = 0;
  for (const Json& row : doc) CHVIEW_RETURN_IF_ERROR(add_row_object(raw, row, row_index++));
  drop_full_presence(raw);
  return raw;
}

Result<RawColumns> parse_ndjson(std::string_view text) {
  RawColumns raw;
  size_t row_index = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      Json row = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (row.is_discarded()) return parse_error("chview: malformed NDJSON line");
      CHVIEW_RETURN_IF_ERROR(add_row_object(raw, row, row_index++));
    }
    start = end + 1;
  }
  drop_full_presence(raw);
  return raw;
}

Result<RawColumns> parse_cols(std::string_view text) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return parse_error("chview: from_cols expects a JSON object of arrays");
  RawColumns raw;
  for (const auto& [name, values] : doc.items()) {
    if (!values.is_array()) return parse_error("chview: column '" + name + "' is not an array");
    raw.names.push_back(name);
    auto& out = raw.values.emplace_back();
    for (const Json& v : values) out.push_back(value_from_json(v));
    if (out.size() != raw.values.front().size()) {
      return parse_error("chview: from_cols columns differ in length");
    }
  }
  return raw;
}

// RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines. An empty
// unquoted field is null.
Result<RawColumns> parse_csv(std::string_view text) {
  std::vector<std::vector<Value>> records;
  std::vector<Value> record;
  std::string field;
  bool quoted = false, in_quotes = false, field_started = false;
  auto end_field = [&] {
    if (quoted || !field.empty()) {
      record.emplace_back(field);
    } else {
      record.emplace_back();
    }
    field.clear();
    quoted = field_started = false;
  };
  auto end_record = [&] {
    end_field();
    if (!(record.size() == 1 && record[0].is_null())) records.push_back(std::move(record));
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && !field_started) {
      in_quotes = quoted = field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_record();
    } else if (c == '\r') {
      // part of \r\n
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (in_quotes) return parse_error("chview: unterminated quoted CSV field");
  if (field_started || !record.empty()) end_record();
  if (records.empty()) return parse_error("chview: CSV input has no header line");

  RawColumns raw;
  for (const Value& name : records[0]) raw.names.push_back(name.is_null() ? "" : name.as_string());
  raw.values.resize(raw.names.size());
  for (size_t r = 1; r < records.size(); ++r) {
    for (size_t c = 0; c < raw.names.size(); ++c) {
      raw.values[c].push_back(c < records[r].size() ? records[r][c] : Value());
    }
  }
  return raw;
}

bool parses_as_int(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

bool parses_as_float(std::string_view s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

ColumnType infer_text_type(const std::vector<Value>& values) {
  bool all_int = true, all_float = true, all_bool = true, all_date = true, all_datetime = true;
  bool any = false;
  for (const Value& v : values) {
    if (v.is_null()) continue;
    any = true;
    const std::string& s = v.as_string();
    all_int = all_int && parses_as_int(s);
    all_float = all_float && parses_as_float(s);
    all_bool = all_bool && (s == "true" || s == "false");
    all_date = all_date && columnar::parse_date(s).has_value();
    all_datetime = all_datetime && columnar::parse_datetime(s).has_value();
  }
  if (!any) return ColumnType::kString;
  if (all_int) return ColumnType::kInteger;
  if (all_float) return ColumnType::kFloat;
  if (all_bool) return ColumnType::kBoolean;
  if (all_date) return ColumnType::kDate;
  if (all_datetime) return ColumnType::kDatetime;
  return ColumnType::kString;
}

ColumnType infer_column_type(const std::vector<Value>& values) {
  using Kind = Value::Kind;
  bool any_float = false, any_int = false, any_bool = false, all_strings = true, any = false;
  for (const Value& v : values) {
    if (v.is_null()) continue;
    any = true;
    any_float = any_float || v.kind() == Kind::kFloat;
    any_int = any_int || v.kind() == Kind::kInt;
    any_bool = any_bool || v.kind() == Kind::kBool;
    all_strings = all_strings && v.kind() == Kind::kString;
  }
  if (!any) return ColumnType::kString;
  if (all_strings) return infer_text_type(values);
  if (any_float) return ColumnType::kFloat;
  if (any_int) return ColumnType::kInteger;
  if (any_bool) return ColumnType::kBoolean;
  return ColumnType::kString;
}

}  // namespace

Result<RawColumns> parse_table_data(const proto::MakeTableData& data) {
  switch (data.data_case()) {
    case proto::MakeTableData::kFromRows:
      return parse_rows(data.from_rows());
    case proto::MakeTableData::kFromCols:
      return parse_cols(data.from_cols());
    case proto::MakeTableData::kFromCsv:
      return parse_csv(data.from_csv());
    case proto::MakeTableData::kFromNdjson:
      return parse_ndjson(data.from_ndjson());
    case proto::MakeTableData::kFromArrow:
      return unsupported("chview: Arrow input is not supported yet (use JSON or CSV)");
    case proto::MakeTableData::kFromView:
    case proto::MakeTableData::kFromSchema:
    case proto::MakeTableData::DATA_NOT_SET:
      break;
  }
  return invalid_argument("chview: no table data given");
}

std::optional<std::vector<Value>> parse_key_list(std::string_view json) {
  Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return std::nullopt;
  std::vector<Value> keys;
  for (const Json& v : doc) {
    if (v.is_object() || v.is_array()) return std::nullopt;
    keys.push_back(value_from_json(v));
  }
  return keys;
}

columnar::Schema infer_schema(const RawColumns& raw) {
  std::vector<columnar::Field> fields;
  for (size_t i = 0; i < raw.names.size(); ++i) {
    fields.push_back({raw.names[i], infer_column_type(raw.values[i])});
  }
  return columnar::Schema(std::move(fields));
}

void fill_missing_from_table(RawColumns& raw, const engine::Table& table) {
  auto index = table.index_column();
  if (raw.present.empty() || !index) return;
  const columnar::Field& key_field = table.schema().field(*index);
  size_t key_slot = raw.names.size();
  for (size_t i = 0; i < raw.names.size(); ++i) {
    if (raw.names[i] == key_field.name) key_slot = i;
  }
  if (key_slot == raw.names.size()) return;  // the engine reports the missing index
  std::map<Value, engine::RowId, columnar::ValueLess> rows_by_key;
  for (engine::RowId row : table.rows_in_key_order()) rows_by_key[table.primary_key(row)] = row;
  size_t num_rows = raw.values[key_slot].size();
  for (size_t r = 0; r < num_rows; ++r) {
    auto it = rows_by_key.find(columnar::coerce(raw.values[key_slot][r], key_field.type));
    if (it == rows_by_key.end()) continue;
    for (size_t c = 0; c < raw.names.size(); ++c) {
      if (raw.present[c][r] != 0) continue;
      if (auto column = table.schema().index_of(raw.names[c])) {
        raw.values[c][r] = table.column(*column).value_at(it->second);
      }
    }
  }
}

Result<columnar::Batch> to_batch(const RawColumns& raw, const columnar::Schema& schema) {
  std::vector<columnar::Field> fields;
  std::vector<size_t> sources;
  for (size_t i = 0; i < raw.names.size(); ++i) {
    auto index = schema.index_of(raw.names[i]);
    if (!index) continue;  // unknown columns are ignored, as Perspective does
    fields.push_back(schema.field(*index));
    sources.push_back(i);
  }
  columnar::BatchBuilder builder(fields);
  for (size_t c = 0; c < sources.size(); ++c) {
    for (const Value& v : raw.values[sources[c]]) builder.append(c, v);
  }
  return std::move(builder).finish();
}

}  // namespace chview::protocol::detail
