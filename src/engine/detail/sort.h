// Row ordering of a flat view (internal to engine/): sort terms, then primary key.
#pragma once

#include <vector>

#include "engine/table.h"
#include "engine/view_config.h"

namespace chview::engine::detail {

class RowOrder {
 public:
  // Precondition: every term's column is in the table. Column sorts are ignored (they
  // do not order flat rows); a `none` term ends the list (it and later terms ignored).
  RowOrder(const Table& table, const std::vector<SortTerm>& terms);

  // Pass by reference (std::ref) to algorithms: copies carry the rank caches.
  // Strict total order over live rows: the sort keys (asc: plain nulls first, cleared
  // nulls last, see Column::is_null_high; desc: reversed; abs variants as Perspective's
  // multisorter, see compare()), ties by ascending primary key.
  bool operator()(RowId a, RowId b) const { return compare(a, b) < 0; }
  int compare(RowId a, RowId b) const;
  // The sort keys alone (0 = tie): with rows already in primary-key order, a stable
  // sort by this equals a sort by compare(), with fewer key comparisons.
  int compare_sort_keys(RowId a, RowId b) const;
  // True when rows are in plain primary-key order.
  bool is_key_order() const { return keys_.empty(); }
  // Re-ranks string dictionaries when many strings arrived since the last ranking or
  // the table replaced a dictionary. Call after table mutations, before comparing.
  void refresh();

 private:
  struct Key {
    size_t column;
    bool descending;
    bool absolute;
    // String columns: rank of each dictionary code in byte-wise order, for codes below
    // rank.size(); newer codes fall back to comparing the strings.
    std::vector<uint32_t> rank = {};
    uint64_t rank_dictionary = 0;  // StringDictionary::id() the ranks belong to
  };
  int compare_strings(const Key& k, const Column& c, RowId a, RowId b) const;
  const Table* table_;
  std::vector<Key> keys_;
};

}  // namespace chview::engine::detail
