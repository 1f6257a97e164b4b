// Compiled filter terms (internal to engine/). One Predicate per ViewConfig filter term,
// evaluated directly on the table's typed columns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/table.h"
#include "engine/view_config.h"

namespace re2 {
class RE2;
}

namespace chview::engine::detail {

enum class FilterKind {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kBeginsWith,
  kEndsWith,
  kContains,
  kNotBeginsWith,
  kNotEndsWith,
  kNotContains,
  kIn,
  kNotIn,
  kMatches,
  kNotMatches,
  kIsNull,
  kIsNotNull,
};

// nullopt for an unknown op string.
std::optional<FilterKind> parse_filter_kind(std::string_view op);

class Predicate {
 public:
  // Precondition: term.column is in the table. Errors: unknown op, a value that does not
  // convert to the column type (as in Perspective).
  static Result<Predicate> compile(const Table& table, const FilterTerm& term);
  Predicate(Predicate&&) noexcept;
  Predicate& operator=(Predicate&&) noexcept;
  ~Predicate();

  // Whether live row `row` passes.
  bool matches(const Table& table, RowId row) const;

 private:
  Predicate() = default;
  // The op on a non-null cell.
  bool evaluate(const Column& c, RowId row) const;
  bool compare_matches(const Column& c, RowId row) const;
  bool text_matches(const Column& c, RowId row) const;
  bool in_list(const Column& c, RowId row) const;

  size_t column_ = 0;
  FilterKind kind_ = FilterKind::kEq;
  Value operand_;                 // coerced to the column's kind; null = matches nothing
  std::vector<Value> list_;       // in / not in, coerced, nulls dropped
  std::string lowered_;           // begins/ends/contains: operand text, ASCII lower-case
  std::unique_ptr<re2::RE2> re_;  // matches / not matches
  // String columns: the verdict per dictionary code (-1 = not computed yet), for the
  // dictionary named verdicts_dictionary_ (dictionaries only grow until replaced).
  mutable std::vector<int8_t> verdicts_;
  mutable uint64_t verdicts_dictionary_ = 0;
};

// All terms combined with `op`; an empty list passes everything.
class RowFilter {
 public:
  static Result<RowFilter> compile(const Table& table, const std::vector<FilterTerm>& terms,
                                   FilterCombinator op);
  bool matches(const Table& table, RowId row) const;
  bool empty() const { return predicates_.empty(); }

 private:
  std::vector<Predicate> predicates_;
  FilterCombinator op_ = FilterCombinator::kAnd;
};

}  // namespace chview::engine::detail
