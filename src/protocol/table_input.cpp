#include "protocol/table_input.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "columnar/datetime.h"

namespace chview::protocol::detail {
namespace {

using columnar::ColumnType;
using columnar::Value;
using Json = nlohmann::ordered_json;

// Builds the DOM as Json::parse does, but with float numbers read the way the
// reference reads them (reference_json_double), so tables hold the same values.
class ReferenceNumberSax {
 public:
  explicit ReferenceNumberSax(Json& out) : dom_(out, /*allow_exceptions_=*/false) {}
  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const Json::string_t& text) {
    return dom_.number_float(reference_json_double(text).value_or(v), text);
  }
  bool string(Json::string_t& v) { return dom_.string(v); }
  bool binary(Json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) { return dom_.start_object(n); }
  bool key(Json::string_t& v) { return dom_.key(v); }
  bool end_object() { return dom_.end_object(); }
  bool start_array(std::size_t n) { return dom_.start_array(n); }
  bool end_array() { return dom_.end_array(); }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& e) {
    return dom_.parse_error(position, token, e);
  }
  bool is_errored() const { return dom_.is_errored(); }

 private:
  nlohmann::detail::json_sax_dom_parser<Json> dom_;
};

// Json::parse(text, nullptr, false) with the reference's float reading: a discarded
// value when the text is not JSON.
Json parse_json(std::string_view text) {
  Json out;
  ReferenceNumberSax sax(out);
  if (!Json::sax_parse(text, &sax) || sax.is_errored()) return Json(Json::value_t::discarded);
  return out;
}

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
  Json doc = parse_json(text);
  if (!doc.is_array()) return parse_error("chview: from_rows expects a JSON array of objects");
  RawColumns raw;
  size_t row_index = 0;
  for (const Json& row : doc) CHVIEW_RETURN_IF_ERROR(add_row_object(raw, row, row_index++));
  raw.num_rows = row_index;
  raw.row_input = true;
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
      Json row = parse_json(line);
      if (row.is_discarded()) return parse_error("chview: malformed NDJSON line");
      CHVIEW_RETURN_IF_ERROR(add_row_object(raw, row, row_index++));
    }
    start = end + 1;
  }
  raw.num_rows = row_index;
  raw.row_input = true;
  drop_full_presence(raw);
  return raw;
}

Result<RawColumns> parse_cols(std::string_view text) {
  Json doc = parse_json(text);
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
  raw.num_rows = raw.values.empty() ? 0 : raw.values.front().size();
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
  raw.text_input = true;
  raw.num_rows = records.size() - 1;
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

bool is_true_or_false(std::string_view s) {
  auto iequals = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == y;
           });
  };
  return iequals(s, "true") || iequals(s, "false");
}

// C's strtol / strtod acceptance (leading blanks, sign, exponents), as the reference
// uses them on JSON strings.
bool c_parses_as_int(const std::string& s) {
  char* end = nullptr;
  (void)std::strtol(s.c_str(), &end, 10);
  return *end == '\0';
}

bool c_parses_as_float(const std::string& s) {
  char* end = nullptr;
  (void)std::strtod(s.c_str(), &end);
  return *end == '\0';
}

bool exceeds_int32(int64_t v) { return v > std::numeric_limits<int32_t>::max(); }

// The type a first non-null JSON value gives its column (Perspective's JSON loader):
// integers beyond int32 are floats; strings may hold booleans, numbers, dates (a
// datetime at a whole UTC midnight) or datetimes.
ColumnType json_value_type(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return ColumnType::kBoolean;
    case Value::Kind::kInt:
      return exceeds_int32(v.as_int()) ? ColumnType::kFloat : ColumnType::kInteger;
    case Value::Kind::kFloat:
      return ColumnType::kFloat;
    case Value::Kind::kString:
      break;
    default:
      return ColumnType::kString;
  }
  const std::string& s = v.as_string();
  if (s.empty()) return ColumnType::kString;
  if (is_true_or_false(s)) return ColumnType::kBoolean;
  if (c_parses_as_int(s)) return ColumnType::kInteger;
  if (c_parses_as_float(s)) return ColumnType::kFloat;
  if (auto ms = columnar::parse_datetime(s)) {
    constexpr int64_t kMsPerDay = 86'400'000;
    int64_t ms_of_day = ((*ms % kMsPerDay) + kMsPerDay) % kMsPerDay;
    return ms_of_day < 1000 ? ColumnType::kDate : ColumnType::kDatetime;
  }
  if (columnar::parse_date(s)) return ColumnType::kDate;
  return ColumnType::kString;
}

// An integer column meeting a later value: floats and out-of-int32 integers make it
// float, text that is not a number makes it string. Other types never change.
ColumnType promote_json_type(ColumnType type, const Value& v) {
  if (type != ColumnType::kInteger) return type;
  switch (v.kind()) {
    case Value::Kind::kFloat:
      return ColumnType::kFloat;
    case Value::Kind::kInt:
      return exceeds_int32(v.as_int()) ? ColumnType::kFloat : type;
    case Value::Kind::kString: {
      const std::string& s = v.as_string();
      if (s.empty()) return ColumnType::kString;
      if (c_parses_as_int(s)) return type;
      return c_parses_as_float(s) ? ColumnType::kFloat : ColumnType::kString;
    }
    default:
      return type;
  }
}

// nullopt for a column without any non-null value.
std::optional<ColumnType> infer_json_type(const std::vector<Value>& values) {
  std::optional<ColumnType> type;
  for (const Value& v : values) {
    if (v.is_null()) continue;
    type = type ? promote_json_type(*type, v) : json_value_type(v);
  }
  return type;
}

// The row of a column's first non-null value (the reference types columns in the order
// it meets such values); num_rows when there is none.
size_t first_typed_row(const std::vector<Value>& values) {
  for (size_t r = 0; r < values.size(); ++r) {
    if (!values[r].is_null()) return r;
  }
  return values.size();
}

columnar::Schema infer_json_schema(const RawColumns& raw) {
  std::vector<columnar::Field> fields;
  if (!raw.row_input) {  // column input: document order, as the reference infers
    for (size_t i = 0; i < raw.names.size(); ++i) {
      fields.push_back(
          {raw.names[i], infer_json_type(raw.values[i]).value_or(ColumnType::kString)});
    }
    return columnar::Schema(std::move(fields));
  }
  std::vector<size_t> typed, untyped;
  for (size_t i = 0; i < raw.names.size(); ++i) {
    (first_typed_row(raw.values[i]) < raw.values[i].size() ? typed : untyped).push_back(i);
  }
  // By first typed row, ties in the order keys were first seen (within one row, key
  // order).
  std::stable_sort(typed.begin(), typed.end(), [&](size_t a, size_t b) {
    return first_typed_row(raw.values[a]) < first_typed_row(raw.values[b]);
  });
  std::sort(untyped.begin(), untyped.end(),
            [&](size_t a, size_t b) { return raw.names[a] < raw.names[b]; });
  for (size_t i : typed) fields.push_back({raw.names[i], *infer_json_type(raw.values[i])});
  for (size_t i : untyped) fields.push_back({raw.names[i], ColumnType::kString});
  return columnar::Schema(std::move(fields));
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
    case proto::MakeTableData::kFromArrow:  // parse_arrow()
    case proto::MakeTableData::kFromView:
    case proto::MakeTableData::kFromSchema:
    case proto::MakeTableData::DATA_NOT_SET:
      break;
  }
  return invalid_argument("chview: no table data given");
}

std::optional<std::vector<Value>> parse_key_list(std::string_view json) {
  Json doc = parse_json(json);
  if (!doc.is_array()) return std::nullopt;
  std::vector<Value> keys;
  for (const Json& v : doc) {
    if (v.is_object() || v.is_array()) return std::nullopt;
    keys.push_back(value_from_json(v));
  }
  return keys;
}

columnar::Schema infer_schema(const RawColumns& raw) {
  if (!raw.text_input) return infer_json_schema(raw);
  std::vector<columnar::Field> fields;
  for (size_t i = 0; i < raw.names.size(); ++i) {
    fields.push_back({raw.names[i], infer_text_type(raw.values[i])});
  }
  return columnar::Schema(std::move(fields));
}

// Perspective's integer columns are int32 and its engine is wasm: JSON integers wrap,
// floats truncate saturating (NaN is 0), numeric text goes through strtol.
Value as_int32(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      return Value(static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v.as_int()))));
    case Value::Kind::kFloat: {
      double d = v.as_float();
      if (std::isnan(d)) return Value(int64_t{0});
      d = std::clamp(d, double{std::numeric_limits<int32_t>::min()},
                     double{std::numeric_limits<int32_t>::max()});
      return Value(static_cast<int64_t>(static_cast<int32_t>(d)));
    }
    default:
      return v;
  }
}

// A JSON cell written into an existing column, as the reference's JSON loader does in
// update mode: integer columns take int32 (numeric text via strtol/strtof, "" is null,
// other text is an error), float columns read text with atof.
Result<Value> coerce_json_cell(const Value& v, const columnar::Field& field, size_t row) {
  if (field.type == ColumnType::kFloat && v.kind() == Value::Kind::kString) {
    return Value(std::atof(v.as_string().c_str()));
  }
  if (field.type != ColumnType::kInteger) return v;
  if (v.kind() != Value::Kind::kString) return as_int32(v);
  const std::string& s = v.as_string();
  if (s.empty()) return Value();
  char* end = nullptr;
  long as_long = std::strtol(s.c_str(), &end, 10);
  if (*end == '\0') return as_int32(Value(static_cast<int64_t>(as_long)));
  float as_float = std::strtof(s.c_str(), &end);
  if (*end == '\0') return as_int32(Value(static_cast<double>(as_float)));
  return invalid_argument("Cannot append value of type string to column \"" + field.name +
                          "\" of type integer at index " + std::to_string(row) + "\n");
}

Result<columnar::Batch> to_batch(const RawColumns& raw, const columnar::Schema& schema) {
  columnar::BatchBuilder builder(schema.fields());
  for (size_t c = 0; c < schema.size(); ++c) {
    const std::string& name = schema.field(c).name;
    auto it = std::find(raw.names.begin(), raw.names.end(), name);
    if (it == raw.names.end()) {  // unknown columns of `raw` are ignored, as Perspective does
      for (size_t r = 0; r < raw.num_rows; ++r) builder.append_absent(c);
      continue;
    }
    size_t source = static_cast<size_t>(it - raw.names.begin());
    const auto& values = raw.values[source];
    const uint8_t* present = raw.present.empty() ? nullptr : raw.present[source].data();
    for (size_t r = 0; r < values.size(); ++r) {
      if (present != nullptr && present[r] == 0) {
        builder.append_absent(c);
      } else if (!raw.text_input) {
        CHVIEW_ASSIGN_OR_RETURN(Value cell, coerce_json_cell(values[r], schema.field(c), r));
        builder.append(c, cell);
      } else {
        builder.append(c, values[r]);
      }
    }
  }
  return std::move(builder).finish();
}

}  // namespace chview::protocol::detail
