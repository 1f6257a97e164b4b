#include <array>
#include <string_view>
#include <utility>

#include "engine/detail/aggregate.h"

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

}  // namespace chview::engine::detail
