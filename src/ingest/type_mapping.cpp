#include "ingest/type_mapping.h"

#include <cmath>
#include <limits>
#include <string>

#include "base/int_math.h"

namespace chview::ingest {
namespace {

using clickhouse::DataType;
using clickhouse::TypeKind;
using columnar::ColumnType;

const DataType& unwrap(const DataType& type) {
  if (type.kind == TypeKind::kNullable || type.kind == TypeKind::kLowCardinality) {
    return unwrap(type.nested());
  }
  return type;
}

// Milliseconds since the epoch for DateTime (seconds) and DateTime64 (10^-scale s).
int64_t datetime_ms(const DataType& type, int64_t ticks) {
  if (type.kind == TypeKind::kDateTime) return ticks * 1000;
  if (type.scale <= 3) return ticks * pow10_int(3 - type.scale);
  return floor_div(ticks, pow10_int(type.scale - 3));
}

// Appends row `row` of `source` (whose unwrapped type is `type`) as Perspective type `to`.
void append_value(const clickhouse::Column& source, size_t row, const DataType& type, ColumnType to,
                  columnar::Column& out, MappingStats* stats) {
  if (source.is_null(row) || type.kind == TypeKind::kNothing) {
    out.append_null();
    return;
  }
  auto [holder, at] = source.resolve(row);
  switch (to) {
    case ColumnType::kInteger:
      if (type.kind == TypeKind::kUInt64 &&
          holder->uints[at] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        if (stats != nullptr) ++stats->out_of_range;
        out.append_null();
      } else {
        out.append_int(source.int_at(row));
      }
      return;
    case ColumnType::kFloat:
      out.append_float(type.kind == TypeKind::kDecimal ? source.double_at(row)
                                                       : holder->floats[at]);
      return;
    case ColumnType::kBoolean:
      out.append_bool(source.int_at(row) != 0);
      return;
    case ColumnType::kDate:
      out.append_date(static_cast<int32_t>(source.int_at(row)));
      return;
    case ColumnType::kDatetime:
      out.append_datetime(datetime_ms(type, source.int_at(row)));
      return;
    case ColumnType::kString:
      if (type.kind == TypeKind::kString || type.kind == TypeKind::kFixedString) {
        std::string_view s = holder->strings[at];
        while (type.kind == TypeKind::kFixedString && !s.empty() && s.back() == '\0') {
          s.remove_suffix(1);
        }
        out.append_string(s);
      } else {
        out.append_string(source.string_at(row));  // ClickHouse's exact text form
      }
      return;
  }
}

}  // namespace

Result<ColumnType> perspective_type(const DataType& type) {
  const DataType& t = unwrap(type);
  switch (t.kind) {
    case TypeKind::kInt8:
    case TypeKind::kInt16:
    case TypeKind::kInt32:
    case TypeKind::kInt64:
    case TypeKind::kUInt8:
    case TypeKind::kUInt16:
    case TypeKind::kUInt32:
    case TypeKind::kUInt64:
      return ColumnType::kInteger;
    case TypeKind::kFloat32:
    case TypeKind::kFloat64:
      return ColumnType::kFloat;
    case TypeKind::kDecimal:
      return t.precision <= 15 ? ColumnType::kFloat : ColumnType::kString;
    case TypeKind::kBool:
      return ColumnType::kBoolean;
    case TypeKind::kDate:
    case TypeKind::kDate32:
      return ColumnType::kDate;
    case TypeKind::kDateTime:
    case TypeKind::kDateTime64:
      return ColumnType::kDatetime;
    case TypeKind::kString:
    case TypeKind::kFixedString:
    case TypeKind::kEnum8:
    case TypeKind::kEnum16:
    case TypeKind::kUUID:
    case TypeKind::kInt128:
    case TypeKind::kUInt128:
    case TypeKind::kIPv4:
    case TypeKind::kIPv6:
    case TypeKind::kArray:
    case TypeKind::kNothing:
      return ColumnType::kString;
    case TypeKind::kNullable:
    case TypeKind::kLowCardinality:
      break;
  }
  return unsupported("no Perspective type for ClickHouse type " + type.to_string());
}

Result<columnar::Schema> to_schema(const clickhouse::Block& block) {
  std::vector<columnar::Field> fields;
  for (const auto& column : block.columns) {
    auto type = perspective_type(column.type);
    if (!type) {
      return Status(type.status().code(),
                    "column '" + column.name + "': " + type.status().message());
    }
    fields.push_back({column.name, *type});
  }
  return columnar::Schema(std::move(fields));
}

Result<columnar::Batch> to_batch(const clickhouse::Block& block, MappingStats* stats) {
  CHVIEW_ASSIGN_OR_RETURN(columnar::Schema schema, to_schema(block));
  std::vector<columnar::Column> columns;
  columns.reserve(block.columns.size());
  for (size_t c = 0; c < block.columns.size(); ++c) {
    const auto& source = block.columns[c];
    columnar::Column out(schema.field(c).type);
    out.reserve(block.rows);
    const DataType& type = unwrap(source.type);
    for (size_t row = 0; row < block.rows; ++row) {
      append_value(source, row, type, schema.field(c).type, out, stats);
    }
    columns.push_back(std::move(out));
  }
  return columnar::Batch::make(std::move(schema), std::move(columns));
}

}  // namespace chview::ingest
