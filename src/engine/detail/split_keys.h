// The column groups of a split_by view (internal to engine/): every combination of
// split_by values present in the view's rows, ascending level by level with null last
// (spec §3.4), and the combination of each row.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "engine/table.h"

namespace chview::engine::detail {

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
