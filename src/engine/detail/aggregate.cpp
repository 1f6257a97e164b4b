#include "engine/detail/aggregate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace chview::engine::detail {
namespace {

constexpr std::array<std::pair<std::string_view, AggKind>, 56> kNames{{
    {"sum", AggKind::kSum},
    {"sum not null", AggKind::kSumNotNull},
    {"sum_not_null", AggKind::kSumNotNull},
    {"abs sum", AggKind::kAbsSum},
    {"abs_sum", AggKind::kAbsSum},
    {"sum abs", AggKind::kSumAbs},
    {"sum_abs", AggKind::kSumAbs},
    {"count", AggKind::kCount},
    {"distinct count", AggKind::kDistinctCount},
    {"distinctcount", AggKind::kDistinctCount},
    {"distinct", AggKind::kDistinctCount},
    {"distinct_count", AggKind::kDistinctCount},
    {"avg", AggKind::kMean},
    {"mean", AggKind::kMean},
    {"weighted mean", AggKind::kWeightedMean},
    {"weighted_mean", AggKind::kWeightedMean},
    {"min", AggKind::kMin},
    {"max", AggKind::kMax},
    {"high", AggKind::kHigh},
    {"high_water_mark", AggKind::kHigh},
    {"low", AggKind::kLow},
    {"low_water_mark", AggKind::kLow},
    {"high minus low", AggKind::kHighMinusLow},
    {"first", AggKind::kFirst},
    {"first by index", AggKind::kFirst},
    {"first_by_index", AggKind::kFirst},
    {"last", AggKind::kLast},
    {"last_value", AggKind::kLast},
    {"last by index", AggKind::kLastByIndex},
    {"last_by_index", AggKind::kLastByIndex},
    {"last minus first", AggKind::kLastMinusFirst},
    {"any", AggKind::kAny},
    {"or", AggKind::kAny},
    {"and", AggKind::kAnd},
    {"dominant", AggKind::kDominant},
    {"unique", AggKind::kUnique},
    {"distinct leaf", AggKind::kDistinctLeaf},
    {"distinct_leaf", AggKind::kDistinctLeaf},
    {"median", AggKind::kMedian},
    {"q1", AggKind::kQ1},
    {"q3", AggKind::kQ3},
    {"mul", AggKind::kMul},
    {"pct sum parent", AggKind::kPctSumParent},
    {"pct_sum_parent", AggKind::kPctSumParent},
    {"pct sum total", AggKind::kPctSumTotal},
    {"pct_sum_total", AggKind::kPctSumTotal},
    {"pct sum grand total", AggKind::kPctSumTotal},
    {"pct_sum_grand_total", AggKind::kPctSumTotal},
    {"var", AggKind::kVariance},
    {"variance", AggKind::kVariance},
    {"stddev", AggKind::kStddev},
    {"standard deviation", AggKind::kStddev},
    {"gmv", AggKind::kGmv},
    {"join", AggKind::kJoin},
    {"min by", AggKind::kMinBy},
    {"max by", AggKind::kMaxBy},
}};

bool is_numeric(ColumnType t) { return t == ColumnType::kInteger || t == ColumnType::kFloat; }

// Perspective's scalar order: a null is greater than every value.
bool null_greatest_less(const Value& a, const Value& b) {
  if (a.is_null()) return false;
  if (b.is_null()) return true;
  return columnar::compare(a, b) < 0;
}

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
      return v.as_date().days != 0;
    case Value::Kind::kDateTime:
      return v.as_datetime().ms != 0;
  }
  return false;
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

std::optional<Value> unique_value(const std::vector<Value>& values) {
  if (values.empty()) return std::nullopt;
  for (const Value& v : values) {
    if (v.is_null() || !(v == values[0])) return std::nullopt;
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
  if (values.size() == 1) return values[0];
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
  return numeric(type, d, i);
}

// The running high/low water mark folded over the rows in key order; nulls read as 0.
Value water_mark(ColumnType type, const std::vector<Value>& values, bool high) {
  Value mark;
  for (const Value& raw : values) {
    Value v = raw;
    if (v.is_null()) {
      if (type == ColumnType::kInteger) v = Value(int64_t{0});
      if (type == ColumnType::kFloat) v = Value(0.0);
      if (v.is_null()) continue;
    }
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

}  // namespace

std::optional<AggKind> parse_aggregate(std::string_view name) {
  for (const auto& [n, kind] : kNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

AggKind default_aggregate(ColumnType type) {
  return is_numeric(type) ? AggKind::kSum : AggKind::kCount;
}

ColumnType aggregate_value_type(AggKind kind, ColumnType input) {
  switch (kind) {
    case AggKind::kCount:
    case AggKind::kDistinctCount:
      return ColumnType::kInteger;
    case AggKind::kMean:
    case AggKind::kWeightedMean:
    case AggKind::kPctSumParent:
    case AggKind::kPctSumTotal:
    case AggKind::kVariance:
    case AggKind::kStddev:
      return ColumnType::kFloat;
    case AggKind::kAnd:
      return ColumnType::kBoolean;
    case AggKind::kJoin:
      return ColumnType::kString;
    default:
      return input;
  }
}

ColumnType aggregate_schema_type(AggKind kind, ColumnType input) {
  if (kind == AggKind::kAnd || kind == AggKind::kJoin) return input;
  return aggregate_value_type(kind, input);
}

bool aggregate_takes_argument(AggKind kind) {
  return kind == AggKind::kWeightedMean || kind == AggKind::kMinBy || kind == AggKind::kMaxBy;
}

double numeric_sum(const Table& table, size_t column, std::span<const RowId> rows) {
  return to_double(sum(table.column(column).type(), table.column(column), rows, false));
}

Value compute_aggregate(const Table& table, const AggSpec& spec, std::span<const RowId> rows,
                        const NodeContext& context) {
  const Column& c = table.column(spec.column);
  const ColumnType type = c.type();
  switch (spec.kind) {
    case AggKind::kSum:
    case AggKind::kSumNotNull:
      return sum(type, c, rows, false);
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
        total += to_double(c.value_at(r));
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
        const double x = to_double(c.value_at(r)), y = to_double(w.value_at(r));
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
      return rows.empty() ? Value() : c.value_at(rows.front());
    case AggKind::kLast:
    case AggKind::kLastByIndex:
      return rows.empty() ? Value() : c.value_at(rows.back());
    case AggKind::kLastMinusFirst:
      if (rows.empty()) return {};
      return subtract(c.value_at(rows.back()), c.value_at(rows.front()));
    case AggKind::kAny:
      for (RowId r : rows) {
        Value v = c.value_at(r);
        if (truthy(v)) return v;
      }
      return {};
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
      if (context.is_leaf && v) return *v;
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
      const auto& base =
          spec.kind == AggKind::kPctSumParent ? context.parent_sum : context.total_sum;
      const double own = numeric_sum(table, spec.column, rows);
      if (!base) return Value(100.0);
      return float_or_null(100 * own / *base);
    }
    case AggKind::kVariance:
    case AggKind::kStddev: {
      double count = 0, mean = 0, m2 = 0;
      for (RowId r : rows) {
        if (c.is_null(r)) continue;
        const double x = to_double(c.value_at(r));
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
