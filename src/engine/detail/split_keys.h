// The column groups of a split_by view (internal to engine/): every combination of
// split_by values present in the view's rows, ascending level by level with null last
// (spec §3.4), and the combination of each row.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/table.h"

namespace chview::engine::detail {

// Perspective keeps two kinds of null (columnar::Column validity 0 / 2). Its trees sort a
// null group by the kind its rows were written with: nulls written after the first batch
// (the low kind) before every value, first-batch nulls (the high kind) after. chview keeps
// one null group per parent: it sorts first when any of its rows holds the low kind.
inline bool is_low_null(const Column& column, RowId row) {
  return column.is_null(row) && !column.is_null_high(row);
}

// Orders `order` (indices into `keys`, combinations of equal length) level by level:
// values ascending; a null sorts first when low(prefix) holds for its prefix group (the
// keys up to and including that null level), else last.
void order_by_null_kinds(std::vector<size_t>& order, const std::vector<std::vector<Value>>& keys,
                         const std::function<bool(size_t key, size_t level)>& low);

// Rows split by their value in `key_column`, in order of first appearance (hashing
// dictionary codes for strings, so one Value is made per distinct key, not per row).
std::vector<std::pair<Value, std::vector<RowId>>> partition_by_value(
    const Column& key_column, const std::vector<RowId>& rows);

// A split value as it appears in a column path: strings verbatim, `null`, true/false,
// integers in decimal, dates YYYY-MM-DD, datetimes YYYY-MM-DD HH:MM:SS.mmm (UTC), floats
// in C++'s default stream format (6 significant digits).
std::string split_value_text(const Value& v);

class SplitKeys {
 public:
  // Precondition: `columns` are table columns; `rows` live rows.
  SplitKeys(const Table& table, const std::vector<size_t>& columns, std::span<const RowId> rows);

  size_t size() const { return combos_.size(); }
  // "x|p|" style prefix of combination i (empty without split_by).
  const std::string& prefix(size_t i) const { return prefixes_[i]; }
  const std::vector<Value>& combo(size_t i) const { return combos_[i]; }
  // Combination index of a row given to the constructor.
  size_t combo_of(RowId row) const { return combo_of_[row]; }

 private:
  std::vector<std::vector<Value>> combos_;
  std::vector<std::string> prefixes_;
  std::vector<uint32_t> combo_of_;  // by RowId
};

}  // namespace chview::engine::detail
