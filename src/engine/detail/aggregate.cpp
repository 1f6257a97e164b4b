#include "engine/detail/aggregate.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace chview::engine::detail {
namespace {

bool is_numeric(ColumnType t) { return t == ColumnType::kInteger || t == ColumnType::kFloat; }

// Perspective's scalar order: a null is greater than every value.
bool null_greatest_less(const Value& a, const Value& b) {
  if (a.is_null()) return false;
  if (b.is_null()) return true;
  return columnar::compare(a, b) < 0;
}

constexpr int32_t kPackedDateZero = -719529;  // days_from_civil(-1, 12, 31)

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kBool:
      return v.as_bool();
    case Value::Kind::kInt:
      return v.as_int() != 0;
    case Value::Kind::kFloat:
      return v.as_float() != 0;
    case Value::Kind::kString:
      return !v.as_string().empty();
    case Value::Kind::kDate:
      // Perspective packs dates as year << 16 | month << 8 | day: only its empty value
      // (packed 0, read as -0001-12-31) is falsy, 1970-01-01 is not.
      return v.as_date().days != kPackedDateZero;
    case Value::Kind::kDateTime:
      return v.as_datetime().ms != 0;
  }
  return false;
}

// A non-null cell as a double, read from typed storage (no Value).
double cell_double(const Column& c, RowId r) {
  switch (c.type()) {
    case ColumnType::kInteger:
      return static_cast<double>(c.int_at(r));
    case ColumnType::kFloat:
      return c.float_at(r);
    case ColumnType::kBoolean:
      return c.bool_at(r) ? 1 : 0;
    case ColumnType::kDate:
      return c.date_at(r);
    case ColumnType::kDatetime:
      return static_cast<double>(c.datetime_at(r));
    case ColumnType::kString:
      return 0;
  }
  return 0;
}

double to_double(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      return static_cast<double>(v.as_int());
    case Value::Kind::kFloat:
      return v.as_float();
    case Value::Kind::kBool:
      return v.as_bool() ? 1 : 0;
    case Value::Kind::kDate:
      return v.as_date().days;
    case Value::Kind::kDateTime:
      return static_cast<double>(v.as_datetime().ms);
    default:
      return 0;
  }
}

// A numeric result in the input's type (integers stay integers).
Value numeric(ColumnType type, double d, int64_t i) {
  return type == ColumnType::kInteger ? Value(i) : Value(d);
}

Value subtract(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return {};
  if (a.kind() == Value::Kind::kInt) return Value(a.as_int() - b.as_int());
  if (a.kind() == Value::Kind::kFloat) return Value(a.as_float() - b.as_float());
  return {};
}

Value float_or_null(double d) { return std::isfinite(d) ? Value(d) : Value(); }

Value zero_of(ColumnType type);

std::vector<Value> read(const Column& c, std::span<const RowId> rows) {
  std::vector<Value> out;
  out.reserve(rows.size());
  for (RowId r : rows) out.push_back(c.value_at(r));
  return out;
}

Value quantile(std::vector<Value> values, float p) {
  const size_t n = values.size();
  if (n == 0) return {};
  if (n == 1) return values[0];
  const float raw = static_cast<float>(n) * p;
  const bool whole = std::fabs(std::round(raw) - raw) <= 0.00001f;
  const size_t split = static_cast<size_t>(raw);
  std::sort(values.begin(), values.end(), null_greatest_less);
  if (whole && values[0].kind() == Value::Kind::kFloat) {
    const Value& hi = values[split];
    const Value& lo = values[split - 1];
    if (hi.is_null() || lo.is_null()) return {};
    return Value((hi.as_float() + lo.as_float()) / 2);
  }
  return values[split];
}

std::string join_text(const Value& v) {
  if (v.is_null()) return "null";
  if (v.kind() == Value::Kind::kString) return v.as_string();
  return v.debug_string();
}

Value join(const std::vector<Value>& values) {
  std::set<Value, decltype(&null_greatest_less)> distinct(null_greatest_less);
  for (const Value& v : values) distinct.insert(v);
  constexpr size_t kMaxJoin = 280;
  std::string out;
  size_t size = 0;
  bool first = true;
  for (const Value& v : distinct) {
    std::string text = join_text(v);
    if (text.size() + size > kMaxJoin) break;
    if (!first) {
      size += 2;
      out += ", ";
    }
    first = false;
    size += text.size();
    out += text;
  }
  return Value(std::move(out));
}

Value dominant(const std::vector<Value>& values) {
  if (values.empty()) return {};
  std::unordered_map<Value, size_t, columnar::ValueHash> counts;
  Value best = values[0];
  size_t best_count = 0;
  for (const Value& v : values) {
    if (v.is_null()) continue;
    const size_t n = ++counts[v];
    if (n > best_count) {
      best_count = n;
      best = v;
    }
  }
  return best;
}

// The common value when every row holds the same one (nulls equal each other, so an
// all-null group is "unique" with value null); nullopt otherwise.
std::optional<Value> unique_value(const std::vector<Value>& values) {
  if (values.empty()) return std::nullopt;
  for (const Value& v : values) {
    if (!(v == values[0])) return std::nullopt;
  }
  return values[0];
}

Value sum(ColumnType type, const Column& c, std::span<const RowId> rows, bool absolute) {
  double d = 0;
  int64_t i = 0;
  for (RowId r : rows) {
    if (c.is_null(r)) continue;
    if (type == ColumnType::kInteger) {
      i += absolute ? std::abs(c.int_at(r)) : c.int_at(r);
    } else if (type == ColumnType::kFloat) {
      const double x = c.float_at(r);
      if (!std::isnan(x)) d += absolute ? std::fabs(x) : x;
    }
  }
  if (!is_numeric(type)) return {};
  return numeric(type, d, i);
}

Value absolute(const Value& v) {
  if (v.kind() == Value::Kind::kInt) return Value(std::abs(v.as_int()));
  if (v.kind() == Value::Kind::kFloat) return Value(std::fabs(v.as_float()));
  return v;
}

Value mul(ColumnType type, const std::vector<Value>& values) {
  if (values.empty()) return {};
  if (values.size() == 1) return wrap_uint32(values[0]);
  double d = 1;
  int64_t i = 1;
  for (const Value& v : values) {
    if (v.is_null()) {
      d = 0;
      i = 0;
      continue;
    }
    d *= to_double(v);
    if (v.kind() == Value::Kind::kInt) i *= v.as_int();
  }
  if (d == 0) d = 0.0;  // a null factor gives 0, never -0
  return numeric(type, d, i);
}

// The running high/low water mark folded over the rows in key order; nulls read as 0.
Value water_mark(ColumnType type, const std::vector<Value>& values, bool high) {
  Value mark;
  for (const Value& raw : values) {
    Value v = raw;
    if (v.is_null()) v = zero_of(type);
    if (mark.is_null() ||
        (high ? columnar::compare(mark, v) < 0 : columnar::compare(v, mark) < 0)) {
      mark = v;
    }
  }
  return mark;
}

Value by_extreme(const Table& table, const AggSpec& spec, std::span<const RowId> rows,
                 bool maximum) {
  if (rows.empty() || !spec.argument) return {};
  const std::vector<Value> weights = read(table.column(*spec.argument), rows);
  auto it = maximum ? std::max_element(weights.begin(), weights.end(), null_greatest_less)
                    : std::min_element(weights.begin(), weights.end(), null_greatest_less);
  return table.column(spec.column).value_at(rows[static_cast<size_t>(it - weights.begin())]);
}

// The row with the smallest (or largest) primary key.
RowId by_key(const Table& table, std::span<const RowId> rows, bool largest) {
  RowId best = rows.front();
  for (RowId r : rows) {
    const int c = table.compare_primary_keys(r, best);
    if (largest ? c > 0 : c < 0) best = r;
  }
  return best;
}

// What Perspective's `any` returns when no value is truthy: the type's empty value.
Value zero_of(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return Value(int64_t{0});
    case ColumnType::kFloat:
      return Value(0.0);
    case ColumnType::kString:
      return Value("");
    case ColumnType::kBoolean:
      return Value(false);
    case ColumnType::kDate:
      return Value(columnar::Date{kPackedDateZero});  // Perspective's packed date 0
    case ColumnType::kDatetime:
      return Value(columnar::DateTime{0});
  }
  return {};
}

// A grand total over no rows (everything filtered out): Perspective leaves most cells at
// the storage's zero value, and the sum/statistics family null.
Value empty_aggregate(AggKind kind, ColumnType type) {
  switch (kind) {
    case AggKind::kCount:
    case AggKind::kDistinctCount:
      return Value(int64_t{0});
    case AggKind::kSum:
    case AggKind::kSumNotNull:
    case AggKind::kAbsSum:
    case AggKind::kSumAbs:
    case AggKind::kGmv:
    case AggKind::kMul:
    case AggKind::kMean:
    case AggKind::kWeightedMean:
    case AggKind::kVariance:
    case AggKind::kStddev:
    case AggKind::kMedian:
    case AggKind::kQ1:
    case AggKind::kQ3:
    case AggKind::kHighMinusLow:
    case AggKind::kHigh:
    case AggKind::kLow:
    case AggKind::kLastMinusFirst:
    case AggKind::kDistinctLeaf:
    case AggKind::kPctSumParent:
    case AggKind::kPctSumTotal:
      return {};
    case AggKind::kJoin:
      return Value("");
    case AggKind::kAnd:
      return Value(false);
    default:
      return zero_of(type);
  }
}

}  // namespace

bool null_greatest_before(const Value& a, const Value& b) { return null_greatest_less(a, b); }
bool is_truthy(const Value& v) { return truthy(v); }
double cell_as_double(const Column& c, RowId r) { return cell_double(c, r); }
Value finite_or_null(double d) { return float_or_null(d); }

Value wrap_uint32(const Value& v) {
  if (v.kind() != Value::Kind::kInt || v.as_int() >= 0) return v;
  return Value(static_cast<int64_t>(static_cast<uint32_t>(v.as_int())));
}
Value difference(const Value& a, const Value& b) { return subtract(a, b); }
Value magnitude_of(const Value& v) { return absolute(v); }
Value empty_value_of(ColumnType type) { return zero_of(type); }
Value aggregate_of_no_rows(AggKind kind, ColumnType type) { return empty_aggregate(kind, type); }
Value join_distinct(const std::vector<Value>& sorted_distinct) { return join(sorted_distinct); }

double numeric_sum(const Table& table, size_t column, std::span<const RowId> rows) {
  return to_double(sum(table.column(column).type(), table.column(column), rows, false));
}

Value compute_aggregate(const Table& table, const AggSpec& spec, std::span<const RowId> rows,
                        const NodeContext& context) {
  const Column& c = table.column(spec.column);
  const ColumnType type = c.type();
  // gmv over no rows on a parent row is an empty sum of children: 0.
  if (rows.empty() && !(spec.kind == AggKind::kGmv && !context.is_leaf)) {
    return empty_aggregate(spec.kind, type);
  }
  switch (spec.kind) {
    case AggKind::kSum:
      return sum(type, c, rows, false);
    case AggKind::kSumNotNull:
      return wrap_uint32(sum(type, c, rows, false));
    case AggKind::kSumAbs:
      return sum(type, c, rows, true);
    case AggKind::kAbsSum:
      return absolute(sum(type, c, rows, false));
    case AggKind::kCount:
      return Value(static_cast<int64_t>(rows.size()));
    case AggKind::kDistinctCount: {
      std::vector<Value> values = read(c, rows);
      std::sort(values.begin(), values.end(), null_greatest_less);
      auto end = std::unique(values.begin(), values.end());
      return Value(static_cast<int64_t>(end - values.begin()));
    }
    case AggKind::kMean: {
      double total = 0;
      size_t n = 0;
      for (RowId r : rows) {
        if (c.is_null(r)) continue;
        total += cell_double(c, r);
        ++n;
      }
      return n == 0 ? Value() : float_or_null(total / static_cast<double>(n));
    }
    case AggKind::kWeightedMean: {
      if (!spec.argument) return {};
      const Column& w = table.column(*spec.argument);
      double nr = 0, dr = 0;
      for (RowId r : rows) {
        if (c.is_null(r) || w.is_null(r)) continue;
        const double x = cell_double(c, r), y = cell_double(w, r);
        if (std::isnan(x) || std::isnan(y)) continue;
        nr += x * y;
        dr += y;
      }
      return dr == 0 ? Value() : float_or_null(nr / dr);
    }
    case AggKind::kMin:
    case AggKind::kMax: {
      if (rows.empty()) return {};
      const std::vector<Value> values = read(c, rows);
      return spec.kind == AggKind::kMin
                 ? *std::min_element(values.begin(), values.end(), null_greatest_less)
                 : *std::max_element(values.begin(), values.end(), null_greatest_less);
    }
    case AggKind::kHigh:
    case AggKind::kLow:
      return water_mark(type, read(c, rows), spec.kind == AggKind::kHigh);
    case AggKind::kHighMinusLow: {
      if (rows.empty()) return {};
      const std::vector<Value> values = read(c, rows);
      auto [lo, hi] = std::minmax_element(values.begin(), values.end(), null_greatest_less);
      return subtract(*hi, *lo);
    }
    case AggKind::kFirst:
      return rows.empty() ? Value() : c.value_at(by_key(table, rows, false));
    case AggKind::kLastByIndex:
      return rows.empty() ? Value() : c.value_at(by_key(table, rows, true));
    case AggKind::kLast:
      return rows.empty() ? Value() : c.value_at(rows.back());
    case AggKind::kLastMinusFirst:
      if (rows.empty()) return {};
      return subtract(c.value_at(by_key(table, rows, true)),
                      c.value_at(by_key(table, rows, false)));
    case AggKind::kAny:
      for (RowId r : rows) {
        Value v = c.value_at(r);
        if (truthy(v)) return v;
      }
      return zero_of(type);
    case AggKind::kAnd:
      for (RowId r : rows) {
        if (!truthy(c.value_at(r))) return Value(false);
      }
      return Value(true);
    case AggKind::kDominant:
      return dominant(read(c, rows));
    case AggKind::kUnique:
      return unique_value(read(c, rows)).value_or(Value());
    case AggKind::kDistinctLeaf: {
      auto v = unique_value(read(c, rows));
      // Pivoted views keep one tree per row depth, in which every cell is a leaf.
      if ((context.is_leaf || context.pivoted) && v) return *v;
      return type == ColumnType::kString ? Value("") : Value();
    }
    case AggKind::kMedian:
      return quantile(read(c, rows), 0.5f);
    case AggKind::kQ1:
      return quantile(read(c, rows), 0.25f);
    case AggKind::kQ3:
      return quantile(read(c, rows), 0.75f);
    case AggKind::kMul:
      return mul(type, read(c, rows));
    case AggKind::kPctSumParent:
    case AggKind::kPctSumTotal: {
      const bool parent = spec.kind == AggKind::kPctSumParent;
      // The total row is 100%, except that a pivoted total shows its column group's share.
      if (context.is_total && !context.pivoted) return Value(100.0);
      const auto& base = parent ? context.parent_sum : context.total_sum;
      if (!base) return Value(100.0);
      return float_or_null(100.0 * (numeric_sum(table, spec.column, rows) / *base));
    }
    case AggKind::kVariance:
    case AggKind::kStddev: {
      double count = 0, mean = 0, m2 = 0;
      for (RowId r : rows) {
        if (c.is_null(r)) continue;
        const double x = cell_double(c, r);
        count++;
        const double next = mean + (x - mean) / count;
        m2 += (x - mean) * (x - next);
        mean = next;
      }
      if (count < 2) return {};
      const double var = m2 / count;
      return float_or_null(spec.kind == AggKind::kStddev ? std::sqrt(var) : var);
    }
    case AggKind::kGmv: {
      if (context.is_leaf) return sum(type, c, rows, false);
      double d = 0;
      int64_t i = 0;
      for (const std::vector<RowId>& child : context.children) {
        const Value s = sum(type, c, child, false);
        if (s.is_null()) continue;
        d += std::fabs(to_double(s));
        if (s.kind() == Value::Kind::kInt) i += std::abs(s.as_int());
      }
      if (!is_numeric(type)) return {};
      return numeric(type, d, i);
    }
    case AggKind::kJoin:
      return join(read(c, rows));
    case AggKind::kMinBy:
      return by_extreme(table, spec, rows, false);
    case AggKind::kMaxBy:
      return by_extreme(table, spec, rows, true);
  }
  return {};
}

}  // namespace chview::engine::detail
