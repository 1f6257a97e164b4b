#include "engine/detail/sort.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace chview::engine::detail {

using columnar::StringDictionary;

namespace {

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// NaN is below every number (Perspective puts it first in asc, last in desc).
int compare_doubles(double a, double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return three_way(bn, an);
  return three_way(a, b);
}

// Perspective orders a cell by its status first: a plain null below every value, a
// "cleared" null (Column::is_null_high) above.
int null_rank(const Column& c, RowId row) {
  if (c.is_valid(row)) return 1;
  return c.is_null_high(row) ? 2 : 0;
}

// Ascending comparison of two cells; nulls by null_rank().
int compare_cells(const Column& c, RowId a, RowId b) {
  if (c.is_null(a) || c.is_null(b)) return three_way(null_rank(c, a), null_rank(c, b));
  switch (c.type()) {
    case ColumnType::kString:
      return three_way(c.string_at(a), c.string_at(b));
    case ColumnType::kInteger:
      return three_way(c.int_at(a), c.int_at(b));
    case ColumnType::kFloat: {
      // Perspective compares float cells bitwise for equality, so -0.0 and 0.0 are not
      // a tie; its sorts put 0.0 above -0.0 (as IEEE's totalOrder does).
      const int cmp = compare_doubles(c.float_at(a), c.float_at(b));
      if (cmp != 0 || c.float_at(a) != 0) return cmp;
      return three_way(!std::signbit(c.float_at(a)), !std::signbit(c.float_at(b)));
    }
    case ColumnType::kDate:
      return three_way(c.date_at(a), c.date_at(b));
    case ColumnType::kDatetime:
      return three_way(c.datetime_at(a), c.datetime_at(b));
    case ColumnType::kBoolean:
      return three_way(c.bool_at(a), c.bool_at(b));
  }
  return 0;
}

// A cell as Perspective's abs sorts see it: null (and text) read as 0.
double abs_value(const Column& c, RowId row) {
  if (c.is_null(row)) return 0;
  switch (c.type()) {
    case ColumnType::kInteger:
      return std::fabs(static_cast<double>(c.int_at(row)));
    case ColumnType::kFloat:
      return std::fabs(c.float_at(row));
    case ColumnType::kDate:
      return std::fabs(static_cast<double>(c.date_at(row)));
    case ColumnType::kDatetime:
      return std::fabs(static_cast<double>(c.datetime_at(row)));
    case ColumnType::kBoolean:
      return c.bool_at(row) ? 1 : 0;
    case ColumnType::kString:
      return 0;
  }
  return 0;
}

}  // namespace

RowOrder::RowOrder(const Table& table, const std::vector<SortTerm>& terms) : table_(&table) {
  for (const SortTerm& t : terms) {
    // Perspective's multisorter orders rows whose `none` cells differ by primary key,
    // skipping every later term; rows with equal cells reach the later terms, which is
    // no consistent order. Ending the keys at `none` is the consistent part of it.
    if (t.op == SortOp::kNone) break;
    const size_t column = *table.schema().index_of(t.column);
    switch (t.op) {
      case SortOp::kAsc:
        keys_.push_back({column, false, false});
        break;
      case SortOp::kDesc:
        keys_.push_back({column, true, false});
        break;
      case SortOp::kAscAbs:
        keys_.push_back({column, false, true});
        break;
      case SortOp::kDescAbs:
        keys_.push_back({column, true, true});
        break;
      default:  // column sorts do not order flat rows
        break;
    }
  }
}

void RowOrder::refresh() {
  for (Key& k : keys_) {
    const Column& c = table_->column(k.column);
    if (c.type() != ColumnType::kString) continue;
    const StringDictionary& dict = c.dictionary();
    if (k.rank_dictionary != dict.id()) {
      k.rank.clear();
      k.rank_dictionary = dict.id();
    }
    // Amortised: re-rank only after the unranked tail grows past a fraction.
    const size_t unranked = dict.size() - k.rank.size();
    if (unranked == 0 || (!k.rank.empty() && unranked <= k.rank.size() / 8 + 64)) continue;
    std::vector<uint32_t> codes(dict.size());
    for (uint32_t i = 0; i < codes.size(); ++i) codes[i] = i;
    std::sort(codes.begin(), codes.end(),
              [&](uint32_t x, uint32_t y) { return dict.at(x) < dict.at(y); });
    k.rank.assign(dict.size(), 0);
    for (uint32_t r = 0; r < codes.size(); ++r) k.rank[codes[r]] = r;
  }
}

int RowOrder::compare_strings(const Key& k, const Column& c, RowId a, RowId b) const {
  const uint32_t ca = c.code_at(a), cb = c.code_at(b);
  if (ca == cb) return 0;  // interned: equal strings share a code
  if (ca < k.rank.size() && cb < k.rank.size()) return three_way(k.rank[ca], k.rank[cb]);
  return three_way(c.string_at(a), c.string_at(b));
}

int RowOrder::compare(RowId a, RowId b) const {
  const int c = compare_sort_keys(a, b);
  return c != 0 ? c : table_->compare_primary_keys(a, b);
}

int RowOrder::compare_sort_keys(RowId a, RowId b) const {
  for (const Key& k : keys_) {
    const Column& column = table_->column(k.column);
    int c;
    if (k.absolute) {
      // Perspective's abs sorts read null (and text) as 0 and order by magnitude.
      // Equal magnitudes fall through to the next key and the primary key; Perspective
      // instead orders opposite values (2.5 / -2.5) by key *descending* under
      // "desc abs", which is not a consistent order once values repeat, so we do not.
      c = compare_doubles(abs_value(column, a), abs_value(column, b));
    } else if (column.type() == ColumnType::kString && column.is_valid(a) && column.is_valid(b)) {
      c = compare_strings(k, column, a, b);
    } else {
      c = compare_cells(column, a, b);
    }
    if (c == 0) continue;
    return k.descending ? -c : c;
  }
  return 0;
}

}  // namespace chview::engine::detail
