#include "engine/detail/flat_sort.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <utility>

namespace chview::engine::detail {

bool radix_sort_first_key(const Table& table, const std::vector<SortTerm>& terms,
                          std::vector<RowId>& rows, std::vector<std::pair<size_t, size_t>>& ties) {
  const SortTerm* first = nullptr;
  for (const SortTerm& t : terms) {
    if (t.op == SortOp::kNone) break;
    if (t.op == SortOp::kColAsc || t.op == SortOp::kColDesc || t.op == SortOp::kColAscAbs ||
        t.op == SortOp::kColDescAbs) {
      continue;  // column sorts do not order flat rows
    }
    first = &t;
    break;
  }
  if (!first || (first->op != SortOp::kAsc && first->op != SortOp::kDesc)) return false;
  const bool descending = first->op == SortOp::kDesc;
  const Column& c = table.column(*table.schema().index_of(first->column));
  std::vector<uint32_t> rank;  // strings: dictionary code → byte-wise rank
  if (c.type() == ColumnType::kString) {
    const auto& dict = c.dictionary();
    std::vector<uint32_t> codes(dict.size());
    for (uint32_t i = 0; i < codes.size(); ++i) codes[i] = i;
    std::sort(codes.begin(), codes.end(),
              [&](uint32_t x, uint32_t y) { return dict.at(x) < dict.at(y); });
    rank.resize(codes.size());
    for (uint32_t r = 0; r < codes.size(); ++r) rank[codes[r]] = r;
  }
  constexpr uint64_t kSign = uint64_t{1} << 63;
  auto encode = [&](RowId r) -> uint64_t {
    switch (c.type()) {
      case ColumnType::kFloat: {
        const double d = c.float_at(r);
        if (std::isnan(d)) return 0;  // NaN below every number; all NaNs tie
        const auto bits = std::bit_cast<uint64_t>(d);
        return (bits & kSign) ? ~bits : bits | kSign;  // -0.0 below 0.0, as compare_cells
      }
      case ColumnType::kString:
        return rank[c.code_at(r)];
      case ColumnType::kBoolean:
        return c.bool_at(r) ? 1 : 0;
      case ColumnType::kDate:
        return static_cast<uint64_t>(int64_t{c.date_at(r)}) ^ kSign;
      default:  // integer, datetime
        return static_cast<uint64_t>(c.int_at(r)) ^ kSign;
    }
  };
  std::vector<RowId> low, high;
  std::vector<std::pair<uint64_t, RowId>> items, scratch;
  items.reserve(rows.size());
  for (RowId r : rows) {
    if (c.is_valid(r)) {
      const uint64_t k = encode(r);
      items.emplace_back(descending ? ~k : k, r);
    } else {
      (c.is_null_high(r) ? high : low).push_back(r);
    }
  }
  // Stable LSD radix sort, 11 bits a pass, skipping digits every key shares.
  constexpr size_t kBits = 11, kDigits = (64 + kBits - 1) / kBits, kBuckets = size_t{1} << kBits;
  auto digit = [](uint64_t key, size_t d) { return (key >> (kBits * d)) & (kBuckets - 1); };
  std::vector<size_t> counts(kDigits * kBuckets, 0);
  for (const auto& item : items) {
    for (size_t d = 0; d < kDigits; ++d) ++counts[d * kBuckets + digit(item.first, d)];
  }
  scratch.resize(items.size());
  for (size_t d = 0; d < kDigits; ++d) {
    const auto first = counts.begin() + static_cast<std::ptrdiff_t>(d * kBuckets);
    const auto last = first + static_cast<std::ptrdiff_t>(kBuckets);
    if (std::find(first, last, items.size()) != last) continue;
    size_t at = 0;
    for (auto it = first; it != last; ++it) at += std::exchange(*it, at);
    for (const auto& item : items) scratch[first[digit(item.first, d)]++] = item;
    items.swap(scratch);
  }
  rows.clear();
  const std::vector<RowId>& before = descending ? high : low;
  const std::vector<RowId>& after = descending ? low : high;
  ties.clear();
  auto add_run = [&](size_t from) {
    if (rows.size() - from > 1) ties.emplace_back(from, rows.size());
  };
  rows.insert(rows.end(), before.begin(), before.end());
  add_run(0);
  for (size_t i = 0; i < items.size();) {
    const size_t from = rows.size();
    size_t j = i;
    for (; j < items.size() && items[j].first == items[i].first; ++j) {
      rows.push_back(items[j].second);
    }
    add_run(from);
    i = j;
  }
  const size_t from = rows.size();
  rows.insert(rows.end(), after.begin(), after.end());
  add_run(from);
  return true;
}

}  // namespace chview::engine::detail
