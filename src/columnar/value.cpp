#include "columnar/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "columnar/datetime.h"

namespace chview::columnar {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return d;
}

std::optional<int64_t> double_to_int(double d) {
  if (!std::isfinite(d)) return std::nullopt;
  const double t = std::trunc(d);
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (t >= 9223372036854775808.0 || t < -9223372036854775808.0) return std::nullopt;
  return static_cast<int64_t>(t);
}

std::optional<int64_t> parse_int(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t i = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return i;
  if (auto d = parse_double(s)) return double_to_int(*d);
  return std::nullopt;
}

std::string double_text(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Epoch milliseconds of any numeric or temporal Value.
std::optional<int64_t> to_epoch_ms(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      return v.as_int();
    case Value::Kind::kFloat:
      return double_to_int(v.as_float());
    case Value::Kind::kDate:
      return static_cast<int64_t>(v.as_date().days) * 86400000;
    case Value::Kind::kDateTime:
      return v.as_datetime().ms;
    case Value::Kind::kString:
      return parse_datetime(trim(v.as_string()));
    default:
      return std::nullopt;
  }
}

Value to_integer(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return Value(int64_t{v.as_bool() ? 1 : 0});
    case Value::Kind::kInt:
      return v;
    case Value::Kind::kFloat:
      if (auto i = double_to_int(v.as_float())) return Value(*i);
      return {};
    case Value::Kind::kString:
      if (auto i = parse_int(v.as_string())) return Value(*i);
      return {};
    case Value::Kind::kDate:
    case Value::Kind::kDateTime:
      return Value(*to_epoch_ms(v));
    default:
      return {};
  }
}

Value to_float(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return Value(v.as_bool() ? 1.0 : 0.0);
    case Value::Kind::kInt:
      return Value(static_cast<double>(v.as_int()));
    case Value::Kind::kFloat:
      return v;
    case Value::Kind::kString:
      if (auto d = parse_double(v.as_string())) return Value(*d);
      return {};
    case Value::Kind::kDate:
    case Value::Kind::kDateTime:
      return Value(static_cast<double>(*to_epoch_ms(v)));
    default:
      return {};
  }
}

Value to_string_value(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return Value(v.as_bool() ? "true" : "false");
    case Value::Kind::kInt:
      return Value(std::to_string(v.as_int()));
    case Value::Kind::kFloat:
      // Perspective formats a float written to a string column with "%f" ("1.500000").
      return Value(std::to_string(v.as_float()));
    case Value::Kind::kString:
      return v;
    case Value::Kind::kDate:
      return Value(format_date(v.as_date().days));
    case Value::Kind::kDateTime:
      return Value(format_datetime(v.as_datetime().ms));
    default:
      return {};
  }
}

Value to_boolean(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return v;
    case Value::Kind::kInt:
      return Value(v.as_int() != 0);
    case Value::Kind::kFloat:
      return std::isnan(v.as_float()) ? Value() : Value(v.as_float() != 0.0);
    case Value::Kind::kString: {
      std::string_view s = trim(v.as_string());
      if (iequals(s, "true")) return Value(true);
      if (iequals(s, "false")) return Value(false);
      return {};
    }
    default:
      return {};
  }
}

Value to_date(const Value& v) {
  if (v.kind() == Value::Kind::kDate) return v;
  if (v.kind() == Value::Kind::kString) {
    if (auto d = parse_date(trim(v.as_string()))) return Value(Date{*d});
  }
  if (auto ms = to_epoch_ms(v)) return Value(Date{days_from_ms(*ms)});
  return {};
}

Value to_datetime(const Value& v) {
  if (auto ms = to_epoch_ms(v)) return Value(DateTime{*ms});
  return {};
}

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

std::string Value::debug_string() const {
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kString:
      return "\"" + as_string() + "\"";
    case Kind::kFloat:
      return double_text(as_float());
    default:
      return to_string_value(*this).as_string();
  }
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.kind() == Value::Kind::kFloat && std::isnan(a.as_float())) return std::isnan(b.as_float());
  return a.v_ == b.v_;
}

int compare(const Value& a, const Value& b) {
  if (a.kind() != b.kind())
    return three_way(static_cast<int>(a.kind()), static_cast<int>(b.kind()));
  switch (a.kind()) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kBool:
      return three_way(a.as_bool(), b.as_bool());
    case Value::Kind::kInt:
      return three_way(a.as_int(), b.as_int());
    case Value::Kind::kFloat: {
      const bool an = std::isnan(a.as_float()), bn = std::isnan(b.as_float());
      if (an || bn) return three_way(an, bn);
      return three_way(a.as_float(), b.as_float());
    }
    case Value::Kind::kString:
      return a.as_string().compare(b.as_string()) < 0   ? -1
             : a.as_string().compare(b.as_string()) > 0 ? 1
                                                        : 0;
    case Value::Kind::kDate:
      return three_way(a.as_date(), b.as_date());
    case Value::Kind::kDateTime:
      return three_way(a.as_datetime(), b.as_datetime());
  }
  return 0;
}

size_t ValueHash::operator()(const Value& v) const {
  const size_t kind = static_cast<size_t>(v.kind()) * 0x9e3779b97f4a7c15ULL;
  switch (v.kind()) {
    case Value::Kind::kNull:
      return kind;
    case Value::Kind::kBool:
      return kind ^ std::hash<bool>{}(v.as_bool());
    case Value::Kind::kInt:
      return kind ^ std::hash<int64_t>{}(v.as_int());
    case Value::Kind::kFloat: {
      const double d = v.as_float();
      if (std::isnan(d)) return kind ^ 0x7ff8;
      return kind ^ std::hash<double>{}(d == 0 ? 0.0 : d);
    }
    case Value::Kind::kString:
      return kind ^ std::hash<std::string>{}(v.as_string());
    case Value::Kind::kDate:
      return kind ^ std::hash<int32_t>{}(v.as_date().days);
    case Value::Kind::kDateTime:
      return kind ^ std::hash<int64_t>{}(v.as_datetime().ms);
  }
  return kind;
}

Value coerce(const Value& v, ColumnType type) {
  if (v.is_null()) return {};
  switch (type) {
    case ColumnType::kInteger:
      return to_integer(v);
    case ColumnType::kFloat:
      return to_float(v);
    case ColumnType::kString:
      return to_string_value(v);
    case ColumnType::kBoolean:
      return to_boolean(v);
    case ColumnType::kDate:
      return to_date(v);
    case ColumnType::kDatetime:
      return to_datetime(v);
  }
  return {};
}

Value coerce_to_int32(const Value& v) {
  constexpr double kMin = std::numeric_limits<int32_t>::min();
  constexpr double kMax = std::numeric_limits<int32_t>::max();
  std::optional<double> saturate;
  switch (v.kind()) {
    case Value::Kind::kNull:
      return {};
    case Value::Kind::kFloat:
      saturate = v.as_float();
      break;
    case Value::Kind::kString:
      if (auto i = parse_int(v.as_string())) {
        saturate = static_cast<double>(*i);
      } else if (auto d = parse_double(v.as_string())) {
        saturate = *d;
      }
      break;
    default:
      break;
  }
  if (saturate) {
    if (std::isnan(*saturate)) return {};
    return Value(static_cast<int64_t>(std::trunc(std::clamp(*saturate, kMin, kMax))));
  }
  if (v.kind() == Value::Kind::kString) return {};
  Value i = to_integer(v);
  if (i.is_null()) return i;
  return Value(static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(i.as_int()))));
}

}  // namespace chview::columnar
