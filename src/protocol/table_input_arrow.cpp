// Arrow input (MakeTableData.from_arrow) as Perspective 5.x's Arrow loader takes it:
// Arrow types map to Perspective's (every int width → integer, float/double/decimal →
// float, utf8/binary/dictionary/null → string, date32/64 → date, timestamp of any unit
// → datetime); writes into an existing column convert numbers to numbers and refuse
// other mismatches; an Arrow null is an explicit null, a column the Arrow lacks is
// absent (an index table keeps its old values).
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "protocol/table_input.h"

namespace chview::protocol::detail {
namespace {

using arrow::DecodedColumn;
using arrow::InputType;
using columnar::Column;
using columnar::ColumnType;

constexpr int64_t kMsPerDay = 86'400'000;

bool is_integer(InputType t) {
  switch (t) {
    case InputType::kInt8:
    case InputType::kInt16:
    case InputType::kInt32:
    case InputType::kInt64:
    case InputType::kUInt8:
    case InputType::kUInt16:
    case InputType::kUInt32:
    case InputType::kUInt64:
    case InputType::kTime32:
    case InputType::kTime64:
      return true;
    default:
      return false;
  }
}

bool is_floating(InputType t) {
  return t == InputType::kFloat32 || t == InputType::kFloat64 || t == InputType::kDecimal128;
}

// The type Perspective gives a column made from this Arrow type.
Result<ColumnType> perspective_type(const DecodedColumn& c) {
  if (is_integer(c.type)) return ColumnType::kInteger;
  if (is_floating(c.type)) return ColumnType::kFloat;
  switch (c.type) {
    case InputType::kBool:
      return ColumnType::kBoolean;
    case InputType::kDate32:
    case InputType::kDate64:
      return ColumnType::kDate;
    case InputType::kTimestamp:
      return ColumnType::kDatetime;
    case InputType::kUtf8:
    case InputType::kLargeUtf8:
    case InputType::kBinary:
    case InputType::kNull:
      return ColumnType::kString;
    default:  // large_binary
      return invalid_argument(std::string("Could not load arrow column of type `") +
                              (c.dictionary_encoded ? "dictionary" : input_type_name(c.type)) +
                              "`\n");
  }
}

// Perspective's t_dtype description of a table column, for its mismatch errors.
const char* column_dtype_name(ColumnType t) {
  switch (t) {
    case ColumnType::kString:
      return "str";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kDatetime:
      return "datetime";
    case ColumnType::kInteger:
      return "int32";
    case ColumnType::kFloat:
      return "float64";
    case ColumnType::kBoolean:
      return "bool";
  }
  return "none";
}

Status mismatch(const DecodedColumn& c, ColumnType target) {
  if (is_integer(c.type) || is_floating(c.type)) {
    return invalid_argument("Could not fill arrow column `" + c.name +
                            "` iteratively due to mismatched types.");
  }
  auto source = perspective_type(c);
  return invalid_argument("Could not fill column `" + c.name + "` with t_dtype: `" +
                          column_dtype_name(target) + "`, array type: `" +
                          (source.is_ok() ? column_dtype_name(*source) : "none") + "`\n");
}

int64_t integer_at(const DecodedColumn& c, size_t row) {
  return c.type == InputType::kUInt64 ? static_cast<int64_t>(c.uint64s[row]) : c.ints[row];
}

double number_at(const DecodedColumn& c, size_t row) {
  if (is_floating(c.type)) return c.floats[row];
  return c.type == InputType::kUInt64 ? static_cast<double>(c.uint64s[row])
                                      : static_cast<double>(c.ints[row]);
}

// A float written into an int32 column, as wasm truncates it: toward zero, saturating,
// NaN as 0.
int64_t truncate_to_int32(double d) {
  if (std::isnan(d)) return 0;
  d = std::clamp(d, double{std::numeric_limits<int32_t>::min()},
                 double{std::numeric_limits<int32_t>::max()});
  return static_cast<int32_t>(d);
}

// Perspective's conversion of each unit to milliseconds (integer division truncates).
int64_t timestamp_ms(const DecodedColumn& c, size_t row) {
  const int64_t v = c.ints[row];
  switch (c.time_unit) {
    case arrow::TimeUnit::kSecond:
      return static_cast<int64_t>(static_cast<uint64_t>(v) * 1000u);  // wraps, no UB
    case arrow::TimeUnit::kMillisecond:
      return v;
    case arrow::TimeUnit::kMicrosecond:
      return v / 1000;
    case arrow::TimeUnit::kNanosecond:
      return v / 1'000'000;
  }
  return v;
}

int32_t date_days(const DecodedColumn& c, size_t row) {
  if (c.type == InputType::kDate32) return static_cast<int32_t>(c.ints[row]);
  const int64_t ms = c.ints[row];  // Date64: floor to the day
  return static_cast<int32_t>(ms / kMsPerDay - (ms % kMsPerDay < 0 ? 1 : 0));
}

// Appends every row of `c` to `out` (of type `target`), or fails like Perspective when
// the Arrow type cannot fill that column.
Status append_arrow_column(const DecodedColumn& c, ColumnType target, Column& out) {
  const size_t n = c.num_rows;
  const auto each_valid = [&](auto&& append_value) {
    for (size_t r = 0; r < n; ++r) {
      if (c.is_valid(r)) {
        append_value(r);
      } else {
        out.append_null();
      }
    }
  };
  if (c.type == InputType::kNull) {
    for (size_t r = 0; r < n; ++r) out.append_null();
    return Status::ok();
  }
  const bool numeric = is_integer(c.type) || is_floating(c.type);
  switch (target) {
    case ColumnType::kInteger:
      if (!numeric) return mismatch(c, target);
      if (is_integer(c.type)) {
        each_valid([&](size_t r) { out.append_int(integer_at(c, r)); });
      } else {
        each_valid([&](size_t r) { out.append_int(truncate_to_int32(c.floats[r])); });
      }
      return Status::ok();
    case ColumnType::kFloat:
      if (!numeric) return mismatch(c, target);
      each_valid([&](size_t r) { out.append_float(number_at(c, r)); });
      return Status::ok();
    case ColumnType::kBoolean:
      if (c.type != InputType::kBool) return mismatch(c, target);
      each_valid([&](size_t r) { out.append_bool(c.bools[r] != 0); });
      return Status::ok();
    case ColumnType::kDate:
      if (c.type != InputType::kDate32 && c.type != InputType::kDate64) return mismatch(c, target);
      each_valid([&](size_t r) { out.append_date(date_days(c, r)); });
      return Status::ok();
    case ColumnType::kDatetime:
      if (c.type != InputType::kTimestamp) return mismatch(c, target);
      each_valid([&](size_t r) { out.append_datetime(timestamp_ms(c, r)); });
      return Status::ok();
    case ColumnType::kString:
      if (!c.is_string()) return mismatch(c, target);
      each_valid([&](size_t r) { out.append_string(c.string_at(r)); });
      return Status::ok();
  }
  return internal_error("unknown column type");
}

// Perspective's implicit-index column: not a data column.
constexpr std::string_view kImplicitIndex = "__INDEX__";

}  // namespace

Result<arrow::DecodedTable> parse_arrow(std::string_view bytes) {
  auto decoded = arrow::read_ipc_stream(bytes);
  if (!decoded.is_ok()) {
    return Status(decoded.status().code(),
                  "chview: cannot read the Arrow input: " + decoded.status().message());
  }
  // Repeated names get '*' appended until unique, as Perspective renames them.
  std::set<std::string> seen;
  for (DecodedColumn& c : decoded->columns) {
    while (seen.count(c.name) > 0) c.name += '*';
    seen.insert(c.name);
  }
  return std::move(decoded).value();
}

Result<columnar::Schema> arrow_schema(const arrow::DecodedTable& arrow) {
  std::vector<columnar::Field> fields;
  for (const DecodedColumn& c : arrow.columns) {
    CHVIEW_ASSIGN_OR_RETURN(ColumnType type, perspective_type(c));
    if (c.name != kImplicitIndex) fields.push_back({c.name, type});
  }
  return columnar::Schema(std::move(fields));
}

Result<columnar::Batch> arrow_to_batch(const arrow::DecodedTable& arrow,
                                       const columnar::Schema& schema) {
  columnar::BatchBuilder builder(schema.fields());
  for (size_t i = 0; i < schema.size(); ++i) {
    const columnar::Field& field = schema.field(i);
    auto it = std::find_if(arrow.columns.begin(), arrow.columns.end(),
                           [&](const DecodedColumn& c) { return c.name == field.name; });
    if (it == arrow.columns.end()) {
      for (size_t r = 0; r < arrow.num_rows; ++r) builder.append_absent(i);
      continue;
    }
    CHVIEW_RETURN_IF_ERROR(append_arrow_column(*it, field.type, builder.column(i)));
  }
  return std::move(builder).finish();
}

Result<columnar::Batch> parse_write_data(const proto::MakeTableData& data,
                                         const columnar::Schema& schema) {
  if (data.has_from_arrow()) {
    CHVIEW_ASSIGN_OR_RETURN(arrow::DecodedTable arrow, parse_arrow(data.from_arrow()));
    return arrow_to_batch(arrow, schema);
  }
  if (data.has_from_csv()) return csv_to_batch(data.from_csv(), &schema);
  CHVIEW_ASSIGN_OR_RETURN(RawColumns raw, parse_table_data(data));
  return to_batch(raw, schema);
}

Result<std::vector<columnar::Value>> arrow_keys(std::string_view bytes,
                                                const columnar::Field& index) {
  CHVIEW_ASSIGN_OR_RETURN(arrow::DecodedTable arrow, parse_arrow(bytes));
  const bool has_index = std::any_of(arrow.columns.begin(), arrow.columns.end(),
                                     [&](const DecodedColumn& c) { return c.name == index.name; });
  if (!has_index) {
    return invalid_argument("chview: remove data lacks the index column '" + index.name + "'");
  }
  CHVIEW_ASSIGN_OR_RETURN(columnar::Batch keys, arrow_to_batch(arrow, columnar::Schema({index})));
  std::vector<columnar::Value> out;
  out.reserve(keys.num_rows());
  for (size_t r = 0; r < keys.num_rows(); ++r) out.push_back(keys.column(0).value_at(r));
  return out;
}

}  // namespace chview::protocol::detail
