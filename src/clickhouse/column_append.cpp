// Column's append_* builders (declared in block.h).
#include <cmath>
#include <limits>

#include "clickhouse/block.h"
#include "clickhouse/column_internal.h"
#include "clickhouse/value_text.h"

namespace chview::clickhouse {
namespace detail {

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
    case TypeKind::kIPv4:
      return v <= 0xffffffffULL;
    default:
      return true;
  }
}

double pow10d(uint32_t n) { return std::pow(10.0, static_cast<double>(n)); }

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
      c.strings.emplace_back(c.type.value_width(), '\0');
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

}  // namespace detail

namespace {

using detail::append_default;
using detail::dictionary_is_nullable;
using detail::int_fits;
using detail::pow10d;
using detail::uint_fits;

// "'<v>' <why><type>". Built with append: GCC 12 reports false -Wrestrict errors at -O3
// for operator+ chains starting with a short literal.
Status bad_value(std::string_view v, std::string_view why, std::string_view type_text = {}) {
  std::string message = "'";
  message.append(v);
  message += "' ";
  message.append(why);
  message.append(type_text);
  return invalid_argument(std::move(message));
}

Status wrong_kind(const Column& c, std::string_view what) {
  return invalid_argument("cannot append " + std::string(what) + " to column '" + c.name +
                          "' of type " + c.type.to_string());
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

}  // namespace

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
      if (type.kind == TypeKind::kUUID) return wrong_kind(*this, "an integer");
      if (type.kind == TypeKind::kUInt128 && v < 0) {
        return invalid_argument(std::to_string(v) + " out of range for UInt128");
      }
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
    case Storage::kInt128:
      if (type.kind == TypeKind::kInt128 || type.kind == TypeKind::kUInt128) {
        wide.push_back(static_cast<Int128>(v));
        return Status::ok();
      }
      [[fallthrough]];
    case Storage::kInt:
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
        return bad_value(v, "is longer than ", type.to_string());
      }
      strings.emplace_back(v);
      strings.back().resize(type.fixed_size, '\0');
      return Status::ok();
    case TypeKind::kEnum8:
    case TypeKind::kEnum16:
      for (const auto& [label, value] : type.enum_values) {
        if (label == v) return append_int(value);
      }
      return bad_value(v, "is not a value of ", type.to_string());
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
        return bad_value(v, "out of range for ", type.to_string());
      }
      return append_int(static_cast<int64_t>(unscaled));
    }
    case TypeKind::kInt128: {
      CHVIEW_ASSIGN_OR_RETURN(__int128 value, detail::parse_decimal(v, 0));
      if (v.find('.') != std::string_view::npos) {
        return bad_value(v, "is not an Int128");
      }
      wide.push_back(value);
      return Status::ok();
    }
    case TypeKind::kUInt128: {
      CHVIEW_ASSIGN_OR_RETURN(unsigned __int128 value, detail::parse_uint128(v));
      wide.push_back(static_cast<Int128>(value));
      return Status::ok();
    }
    case TypeKind::kIPv4: {
      CHVIEW_ASSIGN_OR_RETURN(uint32_t address, detail::parse_ipv4(v));
      return append_uint(address);
    }
    case TypeKind::kIPv6: {
      CHVIEW_ASSIGN_OR_RETURN(std::string address, detail::parse_ipv6(v));
      strings.push_back(std::move(address));
      return Status::ok();
    }
    case TypeKind::kUUID: {
      CHVIEW_ASSIGN_OR_RETURN(__int128 uuid, detail::parse_uuid(v));
      wide.push_back(uuid);
      return Status::ok();
    }
    case TypeKind::kBool:
      if (v == "true" || v == "1") return append_uint(1);
      if (v == "false" || v == "0") return append_uint(0);
      return bad_value(v, "is not a Bool");
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

}  // namespace chview::clickhouse
