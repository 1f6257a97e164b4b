#include "engine/detail/agg_state.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "engine/detail/order_statistic_set.h"

namespace chview::engine::detail {
namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

bool keeps_values(AggKind kind) {
  switch (kind) {
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kHigh:
    case AggKind::kLow:
    case AggKind::kHighMinusLow:
    case AggKind::kDistinctCount:
    case AggKind::kUnique:
    case AggKind::kDistinctLeaf:
    case AggKind::kJoin:
      return true;
    default:
      return false;
  }
}

bool is_quantile(AggKind kind) {
  return kind == AggKind::kMedian || kind == AggKind::kQ1 || kind == AggKind::kQ3;
}

// (value, row): values in Perspective's order (null last), rows keep equal values apart.
struct EntryLess {
  bool operator()(const std::pair<Value, RowId>& a, const std::pair<Value, RowId>& b) const {
    if (null_greatest_before(a.first, b.first)) return true;
    if (null_greatest_before(b.first, a.first)) return false;
    return a.second < b.second;
  }
};

}  // namespace

// An order-statistic multiset of a column's values. Non-string values are kept as
// 16-byte order-preserving integer codes (compared without Value); strings as Values.
struct AggState::OrderedValues {
  struct Code {
    uint8_t rank;  // 0 value, 1 NaN, 2 null (Perspective's order: NaN, then null last)
    uint64_t key;
    RowId row;
    bool operator<(const Code& o) const {
      if (rank != o.rank) return rank < o.rank;
      if (key != o.key) return key < o.key;
      return row < o.row;
    }
  };

  static constexpr uint64_t kSign = uint64_t{1} << 63;

  static Code encode(const Column& c, RowId row) {
    if (c.is_null(row)) return {2, 0, row};
    switch (c.type()) {
      case ColumnType::kFloat: {
        double d = c.float_at(row);
        if (std::isnan(d)) return {1, 0, row};
        if (d == 0) d = 0;  // -0.0 equals 0.0
        const uint64_t bits = std::bit_cast<uint64_t>(d);
        return {0, (bits & kSign) ? ~bits : bits | kSign, row};
      }
      case ColumnType::kBoolean:
        return {0, c.bool_at(row) ? 1u : 0u, row};
      case ColumnType::kDate:
        return {0, static_cast<uint64_t>(int64_t{c.date_at(row)}) ^ kSign, row};
      default:  // integer, datetime
        return {0, static_cast<uint64_t>(c.int_at(row)) ^ kSign, row};
    }
  }

  Value decode(const Code& code) const {
    if (code.rank == 2) return {};
    if (code.rank == 1) return Value(std::nan(""));
    const auto signed_key = static_cast<int64_t>(code.key ^ kSign);
    switch (type) {
      case ColumnType::kFloat:
        return Value(std::bit_cast<double>((code.key & kSign) ? code.key ^ kSign : ~code.key));
      case ColumnType::kBoolean:
        return Value(code.key != 0);
      case ColumnType::kDate:
        return Value(columnar::Date{static_cast<int32_t>(signed_key)});
      case ColumnType::kDatetime:
        return Value(columnar::DateTime{signed_key});
      default:
        return Value(signed_key);
    }
  }

  void update(const Column& c, RowId row, int sign) {
    type = c.type();
    if (type == ColumnType::kString) {
      if (sign > 0) {
        strings.insert({c.value_at(row), row});
      } else {
        strings.erase({c.value_at(row), row});
      }
    } else if (sign > 0) {
      codes.insert(encode(c, row));
    } else {
      codes.erase(encode(c, row));
    }
  }
  size_t size() const { return type == ColumnType::kString ? strings.size() : codes.size(); }
  Value at(size_t k) const {
    return type == ColumnType::kString ? strings.at(k).first : decode(codes.at(k));
  }

  ColumnType type = ColumnType::kInteger;
  OrderStatisticSet<Code> codes;
  OrderStatisticSet<std::pair<Value, RowId>, EntryLess> strings;
};

AggState::~AggState() = default;
AggState::AggState(AggState&&) noexcept = default;
AggState& AggState::operator=(AggState&&) noexcept = default;

bool AggState::supports(AggKind kind) {
  switch (kind) {
    case AggKind::kSum:
    case AggKind::kSumNotNull:
    case AggKind::kAbsSum:
    case AggKind::kSumAbs:
    case AggKind::kCount:
    case AggKind::kMean:
    case AggKind::kWeightedMean:
    case AggKind::kVariance:
    case AggKind::kStddev:
    case AggKind::kAnd:
    case AggKind::kAny:  // truthy counts; the value is found by RollupTree
    case AggKind::kPctSumParent:
    case AggKind::kPctSumTotal:
    case AggKind::kGmv:
      return true;
    default:
      return keeps_values(kind) || is_quantile(kind);
  }
}

AggState::AggState(AggKind kind) : kind_(kind) {
  if (keeps_values(kind)) values_ = std::make_unique<std::map<Value, uint32_t, ValueLess>>();
  if (is_quantile(kind)) ordered_ = std::make_unique<OrderedValues>();
}

// Perspective's quantile: the value at ⌊n·p⌋ in order (nulls last); for float columns
// the mean of the two middle values when n·p is whole.
Value AggState::quantile(float p) const {
  const OrderedValues& values = *ordered_;
  const size_t n = values.size();
  if (n == 0) return {};
  auto at = [&values](size_t k) { return values.at(k); };
  if (n == 1) return at(0);
  const float raw = static_cast<float>(n) * p;
  const bool whole = std::fabs(std::round(raw) - raw) <= 0.00001f;
  const size_t split = static_cast<size_t>(raw);
  if (whole && at(0).kind() == Value::Kind::kFloat) {
    const Value hi = at(split), lo = at(split - 1);
    if (hi.is_null() || lo.is_null()) return {};
    return Value((hi.as_float() + lo.as_float()) / 2);
  }
  return at(split);
}

// high/low fold nulls in as the type's zero.
Value AggState::key_of(const Column& column, RowId row) const {
  if (column.is_null(row) && (kind_ == AggKind::kHigh || kind_ == AggKind::kLow)) {
    return empty_value_of(column.type());
  }
  return column.value_at(row);
}

void AggState::add(const Column& column, const Column* argument, RowId row) {
  update(column, argument, row, 1);
}

void AggState::remove(const Column& column, const Column* argument, RowId row) {
  update(column, argument, row, -1);
}

void AggState::update(const Column& column, const Column* argument, RowId row, int sign) {
  count_ += sign;
  if (ordered_) ordered_->update(column, row, sign);
  if (values_) {
    Value key = key_of(column, row);
    if (sign > 0) {
      ++(*values_)[std::move(key)];
    } else {
      auto it = values_->find(key);
      if (it != values_->end() && --it->second == 0) values_->erase(it);
    }
  }
  if (column.is_null(row)) {
    falsy_ += sign;
    return;
  }
  non_null_ += sign;
  const ColumnType type = column.type();
  if ((kind_ == AggKind::kAnd || kind_ == AggKind::kAny) && !is_truthy(column.value_at(row))) {
    falsy_ += sign;
  }
  const double x = cell_as_double(column, row);
  if (type == ColumnType::kInteger) {
    const int64_t i = column.int_at(row);
    int_sum_ += sign * i;
    int_abs_sum_ += sign * std::abs(i);
  } else if (type == ColumnType::kFloat) {
    if (std::isnan(x)) {
      nan_ += sign;
      return;
    }
    float_sum_ += sign * x;
    float_abs_sum_ += sign * std::fabs(x);
  }
  double_sum_ += sign * x;
  if (kind_ == AggKind::kVariance || kind_ == AggKind::kStddev) {
    // Welford's update, as a fresh computation does (same order, same bits), and its
    // inverse for a removal.
    const double n = static_cast<double>(non_null_ - nan_);
    if (sign > 0) {
      const double next = mean_ + (x - mean_) / n;
      m2_ += (x - mean_) * (x - next);
      mean_ = next;
    } else if (n == 0) {
      mean_ = m2_ = 0;
    } else {
      const double previous = ((n + 1) * mean_ - x) / n;
      m2_ -= (x - previous) * (x - mean_);
      mean_ = previous;
      // The inverse update leaves rounding residue (∝ ε·x²) where the exact result is 0
      // (equal values left): a spread below that noise is none.
      if (n == 1 || m2_ <= 8 * kEpsilon * (n * mean_ * mean_ + x * x)) m2_ = 0;
    }
  }
  if (kind_ == AggKind::kWeightedMean && argument && argument->is_valid(row)) {
    const double w = cell_as_double(*argument, row);
    if (!std::isnan(w)) {
      weighted_sum_ += sign * x * w;
      weight_sum_ += sign * w;
    }
  }
}

Value AggState::sum(ColumnType type) const {
  if (type == ColumnType::kInteger) return Value(int_sum_);
  if (type == ColumnType::kFloat) return Value(float_sum_);
  return {};
}

Value AggState::value(AggKind kind, ColumnType type, bool is_leaf) const {
  switch (kind) {
    case AggKind::kSumNotNull:
      return wrap_uint32(sum(type));
    case AggKind::kSum:
    case AggKind::kPctSumParent:
    case AggKind::kPctSumTotal:
    case AggKind::kGmv:
      return sum(type);
    case AggKind::kSumAbs:
      if (type == ColumnType::kInteger) return Value(int_abs_sum_);
      if (type == ColumnType::kFloat) return Value(float_abs_sum_);
      return {};
    case AggKind::kAbsSum:
      return magnitude_of(sum(type));
    case AggKind::kCount:
      return Value(count_);
    case AggKind::kMean:
      if (non_null_ == 0 || nan_ > 0) return {};
      return finite_or_null(double_sum_ / static_cast<double>(non_null_));
    case AggKind::kWeightedMean:
      return weight_sum_ == 0 ? Value() : finite_or_null(weighted_sum_ / weight_sum_);
    case AggKind::kVariance:
    case AggKind::kStddev: {
      if (non_null_ < 2 || nan_ > 0) return {};
      const double var = m2_ / static_cast<double>(non_null_);
      return finite_or_null(kind == AggKind::kStddev ? std::sqrt(var) : var);
    }
    case AggKind::kAnd:
      return Value(falsy_ == 0);
    case AggKind::kMin:
      return values_->begin()->first;
    case AggKind::kMax:
    case AggKind::kHigh:
      return values_->rbegin()->first;
    case AggKind::kLow:
      return values_->begin()->first;
    case AggKind::kHighMinusLow:
      return difference(values_->rbegin()->first, values_->begin()->first);
    case AggKind::kDistinctCount:
      return Value(static_cast<int64_t>(values_->size()));
    case AggKind::kUnique:
      return values_->size() == 1 ? values_->begin()->first : Value();
    case AggKind::kDistinctLeaf:
      if (is_leaf && values_->size() == 1) return values_->begin()->first;
      return type == ColumnType::kString ? Value("") : Value();
    case AggKind::kMedian:
      return quantile(0.5f);
    case AggKind::kQ1:
      return quantile(0.25f);
    case AggKind::kQ3:
      return quantile(0.75f);
    case AggKind::kJoin: {
      // join stops at 280 characters: a few hundred values at most are ever read.
      std::vector<Value> head;
      for (const auto& [v, n] : *values_) {
        if (head.size() > 300) break;
        head.push_back(v);
      }
      return join_distinct(head);
    }
    default:
      return {};
  }
}

}  // namespace chview::engine::detail
