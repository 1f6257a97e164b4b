// ViewConfig: what a client asked for (Perspective's ViewConfig), stored verbatim so
// the protocol layer can echo it; View::make validates it against a table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "columnar/value.h"

namespace chview::engine {

// Perspective's wire numbers (SortOp).
enum class SortOp : int {
  kNone = 0,
  kAsc = 1,
  kDesc = 2,
  kColAsc = 3,
  kColDesc = 4,
  kAscAbs = 5,
  kDescAbs = 6,
  kColAscAbs = 7,
  kColDescAbs = 8,
};
// "none", "asc", "desc", "col asc", "col desc", "asc abs", "desc abs", "col asc abs",
// "col desc abs".
std::string_view sort_op_name(SortOp op);
std::optional<SortOp> parse_sort_op(std::string_view name);

enum class FilterCombinator : int { kAnd = 0, kOr = 1 };  // wire FilterReducer
enum class GroupRollupMode : int { kRollup = 0, kFlat = 1, kTotal = 2 };
enum class SplitRollupMode : int { kFlat = 0, kRollup = 1 };

struct FilterTerm {
  std::string column;
  std::string op;  // as sent: "==", "contains", "startswith", "is null", …
  std::vector<columnar::Value> values;
  bool operator==(const FilterTerm&) const = default;
};

struct SortTerm {
  std::string column;
  SortOp op = SortOp::kAsc;
  bool operator==(const SortTerm&) const = default;
};

struct Aggregate {
  std::string column;
  std::string name;               // "sum", "weighted mean", …
  std::vector<std::string> args;  // e.g. the weight column of "weighted mean"
  bool operator==(const Aggregate&) const = default;
};

struct Expression {
  std::string alias;
  std::string text;
  bool operator==(const Expression&) const = default;
};

struct ViewConfig {
  // nullopt = every table column in schema order (Perspective's default_columns).
  std::optional<std::vector<std::string>> columns;
  std::vector<std::string> group_by;
  std::vector<std::string> split_by;
  std::vector<Aggregate> aggregates;  // request order
  std::vector<Expression> expressions;
  std::vector<FilterTerm> filter;
  FilterCombinator filter_op = FilterCombinator::kAnd;
  std::vector<SortTerm> sort;
  std::optional<uint32_t> group_by_depth;
  std::optional<GroupRollupMode> group_rollup_mode;
  std::optional<SplitRollupMode> split_rollup_mode;

  bool operator==(const ViewConfig&) const = default;
};

// Every filter op string the engine accepts (canonical names and aliases).
bool is_known_filter_op(std::string_view op);

}  // namespace chview::engine
