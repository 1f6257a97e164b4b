#include "clickhouse/block.h"

#include <cmath>

#include "clickhouse/column_internal.h"
#include "clickhouse/value_text.h"

namespace chview::clickhouse {
namespace {

using detail::append_default;
using detail::dictionary_is_nullable;
using detail::format_double;
using detail::int_fits;
using detail::pow10d;
using detail::uint_fits;
using detail::without_nullable;

// ClickHouse quotes these inside arrays: ['a'], ['2020-01-01'], [1.5].
bool quoted_in_arrays(TypeKind kind) {
  switch (kind) {
    case TypeKind::kString:
    case TypeKind::kFixedString:
    case TypeKind::kUUID:
    case TypeKind::kIPv4:
    case TypeKind::kIPv6:
    case TypeKind::kEnum8:
    case TypeKind::kEnum16:
    case TypeKind::kDate:
    case TypeKind::kDate32:
    case TypeKind::kDateTime:
    case TypeKind::kDateTime64:
      return true;
    default:
      return false;
  }
}

Status validate_column(const Column& c, size_t rows) {
  auto fail = [&](const std::string& why) {
    return invalid_argument("column '" + c.name + "' (" + c.type.to_string() + "): " + why);
  };
  if (c.size() != rows) {
    return fail("has " + std::to_string(c.size()) + " rows, expected " + std::to_string(rows));
  }
  const Storage storage = c.type.storage();
  const bool container = storage == Storage::kNullable || storage == Storage::kArray ||
                         storage == Storage::kLowCardinality;
  if (c.children.size() != (container ? 1u : 0u)) return fail("wrong number of children");
  switch (storage) {
    case Storage::kInt:
      for (int64_t v : c.ints) {
        if (!int_fits(c.type, v)) return fail("value " + std::to_string(v) + " out of range");
      }
      return Status::ok();
    case Storage::kUInt:
      for (uint64_t v : c.uints) {
        if (!uint_fits(c.type, v)) return fail("value " + std::to_string(v) + " out of range");
      }
      return Status::ok();
    case Storage::kString:
      if (const size_t width = c.type.value_width(); width > 0) {  // FixedString, IPv6
        for (const auto& s : c.strings) {
          if (s.size() > width) return fail("value longer than the fixed size");
        }
      }
      return Status::ok();
    case Storage::kFloat:
    case Storage::kInt128:
      return Status::ok();
    case Storage::kNullable:
      if (c.children[0].type != c.type.nested()) return fail("child has the wrong type");
      return validate_column(c.children[0], rows);
    case Storage::kArray: {
      uint64_t previous = 0;
      for (uint64_t end : c.offsets) {
        if (end < previous) return fail("offsets decrease");
        previous = end;
      }
      if (c.children[0].type != c.type.nested()) return fail("child has the wrong type");
      return validate_column(c.children[0], previous);
    }
    case Storage::kLowCardinality: {
      const Column& dict = c.children[0];
      if (dict.type != without_nullable(c.type.nested())) return fail("dictionary type wrong");
      for (uint64_t i : c.indices) {
        if (i >= dict.size()) return fail("index beyond the dictionary");
      }
      return validate_column(dict, dict.size());
    }
  }
  return Status::ok();
}

}  // namespace

Column::Column(std::string column_name, DataType column_type)
    : name(std::move(column_name)), type(std::move(column_type)) {
  switch (type.storage()) {
    case Storage::kNullable:
    case Storage::kArray:
      children.emplace_back("", type.nested());
      break;
    case Storage::kLowCardinality:
      children.emplace_back("", without_nullable(type.nested()));
      break;
    default:
      break;
  }
}

Result<Column> Column::make(std::string column_name, std::string_view type_text) {
  CHVIEW_ASSIGN_OR_RETURN(DataType t, parse_type(type_text));
  return Column(std::move(column_name), std::move(t));
}

size_t Column::size() const {
  switch (type.storage()) {
    case Storage::kInt:
      return ints.size();
    case Storage::kUInt:
      return uints.size();
    case Storage::kFloat:
      return floats.size();
    case Storage::kString:
      return strings.size();
    case Storage::kInt128:
      return wide.size();
    case Storage::kNullable:
      return null_map.size();
    case Storage::kArray:
      return offsets.size();
    case Storage::kLowCardinality:
      return indices.size();
  }
  return 0;
}

std::pair<const Column*, size_t> Column::resolve(size_t row) const {
  if (type.kind == TypeKind::kNullable) return children[0].resolve(row);
  if (type.kind == TypeKind::kLowCardinality) return {&children[0], indices[row]};
  return {this, row};
}

bool Column::is_null(size_t row) const {
  if (type.kind == TypeKind::kNullable) return null_map[row] != 0;
  if (type.kind == TypeKind::kLowCardinality) {
    return dictionary_is_nullable(*this) && indices[row] == 0;
  }
  return false;
}

int64_t Column::int_at(size_t row) const {
  if (is_null(row)) return 0;
  auto [c, r] = resolve(row);
  switch (c->type.storage()) {
    case Storage::kInt:
      return c->ints[r];
    case Storage::kUInt:
      return static_cast<int64_t>(c->uints[r]);
    case Storage::kFloat:
      return static_cast<int64_t>(c->floats[r]);
    case Storage::kInt128:
      return static_cast<int64_t>(c->wide[r]);
    default:
      return 0;
  }
}

double Column::double_at(size_t row) const {
  if (is_null(row)) return 0;
  auto [c, r] = resolve(row);
  const bool decimal = c->type.kind == TypeKind::kDecimal;
  switch (c->type.storage()) {
    case Storage::kInt: {
      auto v = static_cast<double>(c->ints[r]);
      return decimal ? v / pow10d(c->type.scale) : v;
    }
    case Storage::kUInt:
      return static_cast<double>(c->uints[r]);
    case Storage::kFloat:
      return c->floats[r];
    case Storage::kInt128:
      if (decimal) return static_cast<double>(c->wide[r]) / pow10d(c->type.scale);
      if (c->type.kind == TypeKind::kInt128) return static_cast<double>(c->wide[r]);
      if (c->type.kind == TypeKind::kUInt128) {
        return static_cast<double>(static_cast<unsigned __int128>(c->wide[r]));
      }
      return 0.0;  // UUID
    default:
      return 0;
  }
}

std::string Column::string_at(size_t row) const {
  if (is_null(row)) return "\\N";
  auto [c, r] = resolve(row);
  const DataType& t = c->type;
  switch (t.kind) {
    case TypeKind::kBool:
      return c->uints[r] ? "true" : "false";
    case TypeKind::kDate:
    case TypeKind::kDate32:
      return detail::format_date(c->ints[r]);
    case TypeKind::kDateTime:
      return detail::format_datetime(c->ints[r]);
    case TypeKind::kDateTime64:
      return detail::format_datetime64(c->ints[r], t.scale);
    case TypeKind::kDecimal:
      return detail::format_decimal(t.precision > 18 ? c->wide[r] : c->ints[r], t.scale);
    case TypeKind::kEnum8:
    case TypeKind::kEnum16: {
      const std::string* label = t.enum_name(c->ints[r]);
      return label ? *label : std::to_string(c->ints[r]);
    }
    case TypeKind::kUUID:
      return detail::format_uuid(c->wide[r]);
    case TypeKind::kUInt128:
      return detail::format_uint128(static_cast<unsigned __int128>(c->wide[r]));
    case TypeKind::kIPv4:
      return detail::format_ipv4(static_cast<uint32_t>(c->uints[r]));
    case TypeKind::kIPv6:
      return detail::format_ipv6(c->strings[r]);
    case TypeKind::kArray: {
      const Column& items = c->children[0];
      uint64_t begin = r == 0 ? 0 : c->offsets[r - 1];
      std::string out = "[";
      for (uint64_t i = begin; i < c->offsets[r]; ++i) {
        if (i != begin) out += ',';
        if (items.is_null(i)) {
          out += "NULL";
          continue;
        }
        const std::string text = items.string_at(i);
        if (!quoted_in_arrays(items.resolve(i).first->type.kind)) {
          out += text;
          continue;
        }
        out += '\'';
        for (char ch : text) {
          if (ch == '\'' || ch == '\\') out += '\\';
          out += ch;
        }
        out += '\'';
      }
      return out + "]";
    }
    default:
      break;
  }
  switch (t.storage()) {
    case Storage::kInt:
      return std::to_string(c->ints[r]);
    case Storage::kUInt:
      return std::to_string(c->uints[r]);
    case Storage::kFloat:
      return t.kind == TypeKind::kFloat32 ? detail::format_float(static_cast<float>(c->floats[r]))
                                          : format_double(c->floats[r]);
    case Storage::kString:
      return c->strings[r];
    case Storage::kInt128:
      return detail::format_int128(c->wide[r]);
    default:
      return {};
  }
}

const Column* Block::find(std::string_view column_name) const {
  for (const auto& c : columns) {
    if (c.name == column_name) return &c;
  }
  return nullptr;
}

namespace {

void append_rows(Column& dst, const Column& src) {
  switch (dst.type.storage()) {
    case Storage::kInt:
      dst.ints.insert(dst.ints.end(), src.ints.begin(), src.ints.end());
      return;
    case Storage::kUInt:
      dst.uints.insert(dst.uints.end(), src.uints.begin(), src.uints.end());
      return;
    case Storage::kFloat:
      dst.floats.insert(dst.floats.end(), src.floats.begin(), src.floats.end());
      return;
    case Storage::kString:
      dst.strings.insert(dst.strings.end(), src.strings.begin(), src.strings.end());
      return;
    case Storage::kInt128:
      dst.wide.insert(dst.wide.end(), src.wide.begin(), src.wide.end());
      return;
    case Storage::kNullable:
      dst.null_map.insert(dst.null_map.end(), src.null_map.begin(), src.null_map.end());
      append_rows(dst.children[0], src.children[0]);
      return;
    case Storage::kArray: {
      const uint64_t base = dst.children[0].size();
      for (uint64_t end : src.offsets) dst.offsets.push_back(base + end);
      append_rows(dst.children[0], src.children[0]);
      return;
    }
    case Storage::kLowCardinality: {
      // Concatenate the dictionaries; a nullable dictionary keeps index 0 as NULL.
      const bool nullable = dictionary_is_nullable(dst);
      if (nullable && dst.children[0].size() == 0) append_default(dst.children[0]);
      const uint64_t base = dst.children[0].size();
      for (uint64_t i : src.indices) dst.indices.push_back(nullable && i == 0 ? 0 : base + i);
      append_rows(dst.children[0], src.children[0]);
      return;
    }
  }
}

}  // namespace

Status Block::append(const Block& other) {
  if (other.columns.size() != columns.size()) {
    return invalid_argument("cannot append a block with different columns");
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name != other.columns[i].name || columns[i].type != other.columns[i].type) {
      return invalid_argument("cannot append a block: column " + std::to_string(i) + " is '" +
                              other.columns[i].name + "' " + other.columns[i].type.to_string() +
                              ", expected '" + columns[i].name + "' " +
                              columns[i].type.to_string());
    }
  }
  for (size_t i = 0; i < columns.size(); ++i) append_rows(columns[i], other.columns[i]);
  rows += other.rows;
  return Status::ok();
}

Status Block::validate() const {
  for (const auto& c : columns) CHVIEW_RETURN_IF_ERROR(validate_column(c, rows));
  return Status::ok();
}

}  // namespace chview::clickhouse
