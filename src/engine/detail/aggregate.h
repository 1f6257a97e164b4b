// Perspective's aggregates over a set of table rows (internal to engine/). Each tree node
// of a grouped view computes its values from its own underlying rows (spec §3.6), with
// Perspective's null quirks (null orders above every value: `max` of a group holding a
// null is null, `min` ignores nulls, medians count nulls as largest).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/table.h"

namespace chview::engine::detail {

enum class AggKind {
  kSum,
  kSumNotNull,
  kAbsSum,
  kSumAbs,
  kCount,
  kDistinctCount,
  kMean,
  kWeightedMean,
  kMin,
  kMax,
  kHigh,
  kLow,
  kHighMinusLow,
  kFirst,
  kLast,
  kLastByIndex,
  kLastMinusFirst,
  kAny,
  kAnd,
  kDominant,
  kUnique,
  kDistinctLeaf,
  kMedian,
  kQ1,
  kQ3,
  kMul,
  kPctSumParent,
  kPctSumTotal,
  kVariance,
  kStddev,
  kGmv,
  kJoin,
  kMinBy,
  kMaxBy,
};

// Canonical names and aliases ("distinct", "last_value", "pct sum grand total", …);
// nullopt for names chview cannot compute (e.g. "div", "identity").
std::optional<AggKind> parse_aggregate(std::string_view name);
// Perspective's default: sum for integer/float, count for everything else.
AggKind default_aggregate(ColumnType type);
// Type of the computed values (the storage type of the output column).
ColumnType aggregate_value_type(AggKind kind, ColumnType input);
// Type reported in the view schema (§3.10): differs from the value type only for
// `and`/`join` on other types, which Perspective reports as the source type.
ColumnType aggregate_schema_type(AggKind kind, ColumnType input);
// Whether the aggregate needs a second column (weighted mean, min by, max by).
bool aggregate_takes_argument(AggKind kind);

struct AggSpec {
  AggKind kind = AggKind::kSum;
  size_t column = 0;               // table column
  std::optional<size_t> argument;  // weight / "by" column
};

// What a node's aggregate may need besides its rows.
struct NodeContext {
  bool is_leaf = false;   // at full group_by depth
  bool is_total = false;  // the grand total row
  bool pivoted = false;   // a split_by view (distinct leaf, pct aggregates differ)
  // Sums of the column over the parent's and the whole view's rows (pct aggregates).
  std::optional<double> parent_sum;
  std::optional<double> total_sum;
  // Row sets of the node's children (gmv on parent rows).
  std::span<const std::vector<RowId>> children;
};

// The aggregate over `rows` (in primary-key order).
Value compute_aggregate(const Table& table, const AggSpec& spec, std::span<const RowId> rows,
                        const NodeContext& context);
// Sum of the non-null numeric values (for pct/gmv contexts); 0 when there are none.
double numeric_sum(const Table& table, size_t column, std::span<const RowId> rows);

// Building blocks shared with the incremental states (agg_state.h).
// Perspective's scalar order: a null is greater than every value.
bool null_greatest_before(const Value& a, const Value& b);
bool is_truthy(const Value& v);
// A non-null cell as a double (strings: 0).
double cell_as_double(const Column& c, RowId r);
Value finite_or_null(double d);
Value difference(const Value& a, const Value& b);  // null if either is null
Value magnitude_of(const Value& v);                // |v| for numbers, else v
Value empty_value_of(ColumnType type);             // 0, 0.0, "", false, …
// What an aggregate over no rows shows (the grand total of an empty view).
Value aggregate_of_no_rows(AggKind kind, ColumnType type);
// Perspective stores integer `sum not null` (and a one-row `mul`) in an unsigned 32-bit
// column: negative results wrap (-1 → 4294967295).
Value wrap_uint32(const Value& v);
// `join` over distinct values already in null_greatest_before order.
Value join_distinct(const std::vector<Value>& sorted_distinct);

}  // namespace chview::engine::detail
