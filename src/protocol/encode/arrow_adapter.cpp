#include "protocol/encode/arrow_adapter.h"

#include <limits>
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

}  // namespace

arrow::Compression parse_compression(std::string_view name) {
  if (name == "lz4") return arrow::Compression::kLz4Frame;
  if (name == "zstd") return arrow::Compression::kZstd;
  return arrow::Compression::kNone;
}

Result<std::string> encode_arrow(const engine::ViewSlice& slice, arrow::Compression compression) {
  std::vector<arrow::ArrowColumn> columns;
  columns.reserve(slice.fields.size());
  for (size_t c = 0; c < slice.fields.size(); ++c) {
    columns.push_back(convert(slice.fields[c].name, slice.columns[c], slice.num_rows()));
  }
  return arrow::write_ipc_stream(columns, slice.num_rows(), compression);
}

}  // namespace chview::protocol::encode
