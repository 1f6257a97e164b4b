// Value: one nullable typed scalar (filter values, min/max results, primary keys,
// test data). Not used for bulk storage; see column.h for that.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "columnar/types.h"

namespace chview::columnar {

struct Date {
  int32_t days = 0;  // since 1970-01-01
  auto operator<=>(const Date&) const = default;
};

struct DateTime {
  int64_t ms = 0;  // since the epoch, UTC
  auto operator<=>(const DateTime&) const = default;
};

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kFloat, kString, kDate, kDateTime };

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) Value(T i) : v_(static_cast<int64_t>(i)) {}
  template <std::floating_point T>
  Value(T d) : v_(static_cast<double>(d)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(Date d) : v_(d) {}
  Value(DateTime t) : v_(t) {}

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  // Typed reads; precondition: kind() matches.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  Date as_date() const { return std::get<Date>(v_); }
  DateTime as_datetime() const { return std::get<DateTime>(v_); }

  // Debug/test text: null, true, 3, 1.5, "abc", 2024-01-01, 2024-01-01 10:00:00.000.
  std::string debug_string() const;

  // Same kind and same value (so 1 != 1.0); NaN == NaN.
  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Date, DateTime> v_;
};

// Total order for keys: null first, then by kind, then by value (NaN last among floats,
// strings byte-wise). Returns <0, 0, >0.
int compare(const Value& a, const Value& b);
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return compare(a, b) < 0; }
};
// Consistent with operator== (so 0.0 and -0.0 hash alike, every NaN alike).
struct ValueHash {
  size_t operator()(const Value& v) const;
};

// Converts `v` to the Value kind that stores `type` (INTEGER→kInt, FLOAT→kFloat,
// STRING→kString, BOOLEAN→kBool, DATE→kDate, DATETIME→kDateTime), following
// Perspective's update/filter coercion: strings are parsed ("3"→3, "2024-01-02"→date),
// floats truncate toward zero for integers, numbers are epoch-ms for dates/datetimes,
// integers become their decimal text and floats "%f" text ("1.500000") for strings.
// Null, or anything that cannot be converted (e.g. "abc" for an integer, where
// Perspective would reject the whole update), yields null.
Value coerce(const Value& v, ColumnType type);

// An INTEGER cell as Perspective's JSON input stores it in its int32 columns: integer
// values wrap modulo 2^32 (3000000000 → -1294967296), floats and text truncate toward
// zero and saturate (1e21 → 2147483647, "3000000000" → 2147483647); null and values
// that do not convert are null. For the protocol's JSON input only: ClickHouse-fed
// tables hold int64 legitimately.
Value coerce_to_int32(const Value& v);

}  // namespace chview::columnar
