#include "clickhouse/block.h"

#include <cmath>
#include <limits>

#include "clickhouse/value_text.h"

namespace chview::clickhouse {
namespace {

using detail::format_double;

DataType without_nullable(const DataType& type) {
  return type.kind == TypeKind::kNullable ? type.nested() : type;
}

bool dictionary_is_nullable(const Column& c) { return c.type.nested().kind == TypeKind::kNullable; }

Status wrong_kind(const Column& c, std::string_view what) {
  return invalid_argument("cannot append " + std::string(what) + " to column '" + c.name +
                          "' of type " + c.type.to_string());
}

// Range of values an integer-backed type accepts.
bool int_fits(const DataType& t, int64_t v) {
  switch (t.kind) {
    case TypeKind::kInt8:
      return v >= -128 && v <= 127;
    case TypeKind::kInt16:
      return v >= -32768 && v <= 32767;
    case TypeKind::kInt32:
    case TypeKind::kDate32:
      return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    case TypeKind::kDate:
      return v >= 0 && v <= 65535;
    case TypeKind::kDateTime:
      return v >= 0 && v <= 0xffffffffLL;
    case TypeKind::kEnum8:
    case TypeKind::kEnum16:
      return t.enum_name(v) != nullptr;
    case TypeKind::kDecimal:
      return t.precision > 9 ||
             (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max());
    default:
      return true;
  }
}

bool uint_fits(const DataType& t, uint64_t v) {
  switch (t.kind) {
    case TypeKind::kUInt8:
      return v <= 0xff;
    case TypeKind::kBool:
      return v <= 1;
    case TypeKind::kNothing:
      return v == 0;
    case TypeKind::kUInt16:
      return v <= 0xffff;
    case TypeKind::kUInt32:
      return v <= 0xffffffffULL;
    default:
      return true;
  }
}

double pow10d(uint32_t n) { return std::pow(10.0, static_cast<double>(n)); }

// Appends the type's default value (used as the placeholder under a NULL).
void append_default(Column& c) {
  switch (c.type.storage()) {
    case Storage::kInt:
      c.ints.push_back(c.type.kind == TypeKind::kEnum8 || c.type.kind == TypeKind::kEnum16
                           ? (c.type.enum_values.empty() ? 0 : c.type.enum_values[0].second)
                           : 0);
      break;
    case Storage::kUInt:
      c.uints.push_back(0);
      break;
    case Storage::kFloat:
      c.floats.push_back(0);
      break;
    case Storage::kString:
      c.strings.emplace_back(c.type.fixed_size, '\0');
      break;
    case Storage::kInt128:
      c.wide.push_back(0);
      break;
    case Storage::kNullable:
      c.null_map.push_back(1);
      append_default(c.children[0]);
      break;
    case Storage::kArray:
      c.offsets.push_back(c.children[0].size());
      break;
    case Storage::kLowCardinality:
      if (c.children[0].size() == 0) append_default(c.children[0]);
      c.indices.push_back(0);
      break;
  }
}

// Appends one value through a wrapper: Nullable marks it present, LowCardinality adds a
// dictionary entry (after the NULL placeholder if needed).
template <typename Fn>
Status append_wrapped(Column& c, Fn&& append_inner, std::string_view what) {
  if (c.type.kind == TypeKind::kNullable) {
    CHVIEW_RETURN_IF_ERROR(append_inner(c.children[0]));
    c.null_map.push_back(0);
    return Status::ok();
  }
  if (c.type.kind == TypeKind::kLowCardinality) {
    Column& dict = c.children[0];
    if (dictionary_is_nullable(c) && dict.size() == 0) append_default(dict);
    CHVIEW_RETURN_IF_ERROR(append_inner(dict));
    c.indices.push_back(dict.size() - 1);
    return Status::ok();
  }
  return wrong_kind(c, what);
}

Status validate_column(const Column& c, size_t rows) {
  auto fail = [&](std::string why) {
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
      if (c.type.kind == TypeKind::kFixedString) {
        for (const auto& s : c.strings) {
          if (s.size() > c.type.fixed_size) return fail("value longer than the fixed size");
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
      return decimal ? static_cast<double>(c->wide[r]) / pow10d(c->type.scale) : 0.0;
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
    case TypeKind::kArray: {
      const Column& items = c->children[0];
      uint64_t begin = r == 0 ? 0 : c->offsets[r - 1];
      std::string out = "[";
      for (uint64_t i = begin; i < c->offsets[r]; ++i) {
        if (i != begin) out += ',';
        const Storage s = items.resolve(i).first->type.storage();
        bool quote =
            !items.is_null(i) && (s == Storage::kString || t.nested().kind == TypeKind::kUUID);
        std::string text = items.string_at(i);
        out += quote ? "'" + text + "'" : (text == "\\N" ? "NULL" : text);
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

Status Column::append_null() {
  if (type.kind == TypeKind::kNullable ||
      (type.kind == TypeKind::kLowCardinality && dictionary_is_nullable(*this))) {
    if (type.kind == TypeKind::kLowCardinality && children[0].size() == 0) {
      append_default(children[0]);
    }
    append_default(*this);
    return Status::ok();
  }
  return invalid_argument("cannot append NULL to column '" + name + "' of type " +
                          type.to_string());
}

Status Column::append_int(int64_t v) {
  switch (type.storage()) {
    case Storage::kInt:
      if (!int_fits(type, v))
        return invalid_argument(std::to_string(v) + " out of range for " + type.to_string());
      ints.push_back(v);
      return Status::ok();
    case Storage::kUInt:
      if (v < 0)
        return invalid_argument(std::to_string(v) + " out of range for " + type.to_string());
      return append_uint(static_cast<uint64_t>(v));
    case Storage::kFloat:
      return append_double(static_cast<double>(v));
    case Storage::kInt128:
      if (type.kind != TypeKind::kDecimal) return wrong_kind(*this, "an integer");
      wide.push_back(v);
      return Status::ok();
    case Storage::kString:
      return wrong_kind(*this, "an integer");
    default:
      return append_wrapped(
          *this, [v](Column& c) { return c.append_int(v); }, "an integer");
  }
}

Status Column::append_uint(uint64_t v) {
  switch (type.storage()) {
    case Storage::kUInt:
      if (!uint_fits(type, v))
        return invalid_argument(std::to_string(v) + " out of range for " + type.to_string());
      uints.push_back(v);
      return Status::ok();
    case Storage::kInt:
    case Storage::kInt128:
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return invalid_argument(std::to_string(v) + " out of range for " + type.to_string());
      }
      return append_int(static_cast<int64_t>(v));
    case Storage::kFloat:
      return append_double(static_cast<double>(v));
    case Storage::kString:
      return wrong_kind(*this, "an integer");
    default:
      return append_wrapped(
          *this, [v](Column& c) { return c.append_uint(v); }, "an integer");
  }
}

Status Column::append_double(double v) {
  switch (type.storage()) {
    case Storage::kFloat:
      floats.push_back(type.kind == TypeKind::kFloat32 ? static_cast<float>(v) : v);
      return Status::ok();
    case Storage::kInt:
    case Storage::kInt128:
      if (type.kind == TypeKind::kDecimal) {
        double scaled = std::round(v * pow10d(type.scale));
        if (!(std::fabs(scaled) < 9.2e18)) return wrong_kind(*this, "a too large number");
        return append_int(static_cast<int64_t>(scaled));
      }
      [[fallthrough]];
    case Storage::kUInt:
      if (std::trunc(v) != v || !(std::fabs(v) < 9.2e18))
        return wrong_kind(*this, "a non-integral number");
      return append_int(static_cast<int64_t>(v));
    case Storage::kString:
      return wrong_kind(*this, "a number");
    default:
      return append_wrapped(
          *this, [v](Column& c) { return c.append_double(v); }, "a number");
  }
}

Status Column::append_string(std::string_view v) {
  switch (type.kind) {
    case TypeKind::kString:
      strings.emplace_back(v);
      return Status::ok();
    case TypeKind::kFixedString:
      if (v.size() > type.fixed_size) {
        return invalid_argument("'" + std::string(v) + "' is longer than " + type.to_string());
      }
      strings.emplace_back(v);
      strings.back().resize(type.fixed_size, '\0');
      return Status::ok();
    case TypeKind::kEnum8:
    case TypeKind::kEnum16:
      for (const auto& [label, value] : type.enum_values) {
        if (label == v) return append_int(value);
      }
      return invalid_argument("'" + std::string(v) + "' is not a value of " + type.to_string());
    case TypeKind::kDate:
    case TypeKind::kDate32: {
      CHVIEW_ASSIGN_OR_RETURN(int64_t days, detail::parse_date(v));
      return append_int(days);
    }
    case TypeKind::kDateTime: {
      CHVIEW_ASSIGN_OR_RETURN(int64_t seconds, detail::parse_datetime(v));
      return append_int(seconds);
    }
    case TypeKind::kDateTime64: {
      CHVIEW_ASSIGN_OR_RETURN(int64_t ticks, detail::parse_datetime64(v, type.scale));
      return append_int(ticks);
    }
    case TypeKind::kDecimal: {
      CHVIEW_ASSIGN_OR_RETURN(__int128 unscaled, detail::parse_decimal(v, type.scale));
      if (type.precision > 18) {
        wide.push_back(unscaled);
        return Status::ok();
      }
      if (unscaled > std::numeric_limits<int64_t>::max() ||
          unscaled < std::numeric_limits<int64_t>::min()) {
        return invalid_argument("'" + std::string(v) + "' out of range for " + type.to_string());
      }
      return append_int(static_cast<int64_t>(unscaled));
    }
    case TypeKind::kUUID: {
      CHVIEW_ASSIGN_OR_RETURN(__int128 uuid, detail::parse_uuid(v));
      wide.push_back(uuid);
      return Status::ok();
    }
    case TypeKind::kBool:
      if (v == "true" || v == "1") return append_uint(1);
      if (v == "false" || v == "0") return append_uint(0);
      return invalid_argument("'" + std::string(v) + "' is not a Bool");
    default:
      break;
  }
  switch (type.storage()) {
    case Storage::kInt: {
      CHVIEW_ASSIGN_OR_RETURN(int64_t i, detail::parse_int(v));
      return append_int(i);
    }
    case Storage::kUInt: {
      CHVIEW_ASSIGN_OR_RETURN(uint64_t u, detail::parse_uint(v));
      return append_uint(u);
    }
    case Storage::kFloat: {
      CHVIEW_ASSIGN_OR_RETURN(double d, detail::parse_double(v));
      return append_double(d);
    }
    default:
      return append_wrapped(
          *this, [v](Column& c) { return c.append_string(v); }, "a string");
  }
}

Status Column::append_array_row() {
  if (type.kind != TypeKind::kArray) return wrong_kind(*this, "an array row");
  uint64_t previous = offsets.empty() ? 0 : offsets.back();
  if (children[0].size() < previous) return internal_error("array elements shrank");
  offsets.push_back(children[0].size());
  return Status::ok();
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
