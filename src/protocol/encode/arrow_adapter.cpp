#include "protocol/encode/arrow_adapter.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <vector>

namespace chview::protocol::encode {
namespace {

using columnar::Column;
using columnar::ColumnType;

bool fits_int32(const Column& column) {
  for (size_t r = 0; r < column.size(); ++r) {
    if (column.is_null(r)) continue;
    int64_t v = column.int_at(r);
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      return false;
    }
  }
  return true;
}

arrow::ArrowType arrow_type_for(const Column& column) {
  switch (column.type()) {
    case ColumnType::kString:
      return arrow::ArrowType::kDictionary;
    case ColumnType::kDate:
      return arrow::ArrowType::kDate32;
    case ColumnType::kDatetime:
      return arrow::ArrowType::kTimestampMs;
    case ColumnType::kInteger:
      return fits_int32(column) ? arrow::ArrowType::kInt32 : arrow::ArrowType::kInt64;
    case ColumnType::kFloat:
      return arrow::ArrowType::kFloat64;
    case ColumnType::kBoolean:
      return arrow::ArrowType::kBool;
  }
  return arrow::ArrowType::kUtf8;
}

arrow::ArrowColumn convert(const std::string& name, const Column& column, size_t num_rows) {
  arrow::ArrowType type = arrow_type_for(column);
  arrow::ArrowColumnBuilder builder(name, type);
  for (size_t r = 0; r < num_rows; ++r) {
    if (column.is_null(r)) {
      builder.append_null();
      continue;
    }
    switch (column.type()) {
      case ColumnType::kString:
        builder.append_string(column.string_at(r));
        break;
      case ColumnType::kDate:
        builder.append_int32(column.date_at(r));
        break;
      case ColumnType::kDatetime:
        builder.append_int64(column.datetime_at(r));
        break;
      case ColumnType::kInteger:
        if (type == arrow::ArrowType::kInt32) {
          builder.append_int32(static_cast<int32_t>(column.int_at(r)));
        } else {
          builder.append_int64(column.int_at(r));
        }
        break;
      case ColumnType::kFloat:
        builder.append_float64(column.float_at(r));
        break;
      case ColumnType::kBoolean:
        builder.append_bool(column.bool_at(r));
        break;
    }
  }
  return std::move(builder).finish();
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

arrow::ArrowType natural_type(columnar::ColumnType type, bool fits32) {
  switch (type) {
    case ColumnType::kString:
      return arrow::ArrowType::kDictionary;
    case ColumnType::kDate:
      return arrow::ArrowType::kDate32;
    case ColumnType::kDatetime:
      return arrow::ArrowType::kTimestampMs;
    case ColumnType::kInteger:
      return fits32 ? arrow::ArrowType::kInt32 : arrow::ArrowType::kInt64;
    case ColumnType::kFloat:
      return arrow::ArrowType::kFloat64;
    case ColumnType::kBoolean:
      return arrow::ArrowType::kBool;
  }
  return arrow::ArrowType::kUtf8;
}

// Perspective's aggregate output column types (aggspec.cpp get_output_specs): sums keep
// an accumulator width, counts are int64, distinct counts uint32, means float64.
arrow::ArrowType aggregate_type(std::string_view aggregate, ColumnType source,
                                const Column& values) {
  if (one_of(aggregate, {"sum", "sum abs", "sum_abs", "abs sum", "abs_sum", "gmv", "pct sum parent",
                         "pct_sum_parent", "pct sum total", "pct_sum_total", "pct sum grand total",
                         "pct_sum_grand_total", "mul", "sum not null", "sum_not_null"})) {
    return source == ColumnType::kFloat ? arrow::ArrowType::kFloat64 : arrow::ArrowType::kInt64;
  }
  if (aggregate == "count") return arrow::ArrowType::kInt64;
  if (one_of(aggregate, {"distinct count", "distinctcount", "distinct", "distinct_count"})) {
    return arrow::ArrowType::kUInt32;
  }
  if (one_of(aggregate, {"avg", "mean", "weighted mean", "weighted_mean", "mean by count",
                         "mean_by_count", "var", "variance", "stddev", "standard deviation"})) {
    return arrow::ArrowType::kFloat64;
  }
  if (aggregate == "join") return arrow::ArrowType::kDictionary;
  if (aggregate == "and") return arrow::ArrowType::kBool;
  return natural_type(source, source != ColumnType::kInteger || fits_int32(values));
}

void append_value(arrow::ArrowColumnBuilder& builder, arrow::ArrowType type,
                  const columnar::Value& value) {
  using Kind = columnar::Value::Kind;
  if (value.is_null()) {
    builder.append_null();
    return;
  }
  auto as_double = [&]() -> double {
    switch (value.kind()) {
      case Kind::kInt:
        return static_cast<double>(value.as_int());
      case Kind::kFloat:
        return value.as_float();
      case Kind::kBool:
        return value.as_bool() ? 1 : 0;
      default:
        return 0;
    }
  };
  auto as_int = [&]() -> int64_t {
    if (value.kind() == Kind::kInt) return value.as_int();
    double d = as_double();
    return std::isfinite(d) ? static_cast<int64_t>(d) : 0;
  };
  switch (type) {
    case arrow::ArrowType::kInt32:
      builder.append_int32(static_cast<int32_t>(as_int()));
      break;
    case arrow::ArrowType::kInt64:
      builder.append_int64(as_int());
      break;
    case arrow::ArrowType::kUInt32:
      builder.append_uint32(static_cast<uint32_t>(as_int()));
      break;
    case arrow::ArrowType::kFloat64:
      builder.append_float64(as_double());
      break;
    case arrow::ArrowType::kBool:
      builder.append_bool(value.kind() == Kind::kBool ? value.as_bool() : as_double() != 0);
      break;
    case arrow::ArrowType::kDate32:
      builder.append_int32(value.kind() == Kind::kDate ? value.as_date().days
                                                       : static_cast<int32_t>(as_int()));
      break;
    case arrow::ArrowType::kTimestampMs:
      builder.append_int64(value.kind() == Kind::kDateTime ? value.as_datetime().ms : as_int());
      break;
    case arrow::ArrowType::kUtf8:
    case arrow::ArrowType::kDictionary:
      if (value.kind() == Kind::kString) {
        builder.append_string(value.as_string());
      } else {
        builder.append_null();
      }
      break;
  }
}

arrow::ArrowColumn convert_aggregate(const std::string& name, const Column& column,
                                     arrow::ArrowType type, size_t num_rows) {
  arrow::ArrowColumnBuilder builder(name, type);
  for (size_t r = 0; r < num_rows; ++r) append_value(builder, type, column.value_at(r));
  return std::move(builder).finish();
}

// Level `level` of every row path: null past the row's depth (and for the total row).
arrow::ArrowColumn row_path_column(const engine::ViewSlice& slice, const ArrowLayout& layout,
                                   size_t level) {
  std::string name = layout.legacy_row_path_names
                         ? layout.group_by[level] + " (Group by " + std::to_string(level + 1) + ")"
                         : "__ROW_PATH_" + std::to_string(level) + "__";
  const ColumnType source =
      level < layout.group_by_types.size() ? layout.group_by_types[level] : ColumnType::kString;
  bool fits32 = true;
  for (const auto& path : slice.row_paths) {
    if (level < path.size() && path[level].kind() == columnar::Value::Kind::kInt) {
      int64_t v = path[level].as_int();
      fits32 = fits32 && v >= std::numeric_limits<int32_t>::min() &&
               v <= std::numeric_limits<int32_t>::max();
    }
  }
  arrow::ArrowType type = natural_type(source, fits32);
  arrow::ArrowColumnBuilder builder(name, type);
  for (size_t r = 0; r < slice.num_rows(); ++r) {
    const auto& path = slice.row_paths[r];
    append_value(builder, type, level < path.size() ? path[level] : columnar::Value());
  }
  return std::move(builder).finish();
}

}  // namespace

arrow::Compression parse_compression(std::string_view name) {
  if (name == "lz4") return arrow::Compression::kLz4Frame;
  if (name == "zstd") return arrow::Compression::kZstd;
  return arrow::Compression::kNone;
}

arrow::ArrowType column_arrow_type(const engine::ViewSlice& slice, const ArrowLayout& layout,
                                   size_t c) {
  if (c < slice.aggregates.size() && c < layout.source_types.size()) {
    return aggregate_type(slice.aggregates[c], layout.source_types[c], slice.columns[c]);
  }
  return arrow_type_for(slice.columns[c]);
}

Result<std::string> encode_arrow(const engine::ViewSlice& slice, arrow::Compression compression,
                                 const ArrowLayout& layout) {
  std::vector<arrow::ArrowColumn> columns;
  const size_t levels = slice.has_row_paths ? layout.group_by.size() : 0;
  columns.reserve(levels + slice.fields.size());
  for (size_t level = 0; level < levels; ++level) {
    columns.push_back(row_path_column(slice, layout, level));
  }
  for (size_t c = 0; c < slice.fields.size(); ++c) {
    const bool aggregated = c < slice.aggregates.size() && c < layout.source_types.size();
    if (aggregated) {
      arrow::ArrowType type = column_arrow_type(slice, layout, c);
      columns.push_back(
          convert_aggregate(slice.fields[c].name, slice.columns[c], type, slice.num_rows()));
    } else {
      columns.push_back(convert(slice.fields[c].name, slice.columns[c], slice.num_rows()));
    }
  }
  return arrow::write_ipc_stream(columns, slice.num_rows(), compression);
}

}  // namespace chview::protocol::encode
