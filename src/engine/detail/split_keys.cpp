#include "engine/detail/split_keys.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <unordered_map>

#include "columnar/datetime.h"

namespace chview::engine::detail {
namespace {

// Level by level ascending, null last.
struct ComboLess {
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      if (a[i].is_null() != b[i].is_null()) return b[i].is_null();
      if (a[i].is_null()) continue;
      const int c = columnar::compare(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return a.size() < b.size();
  }
};

}  // namespace

void order_by_null_kinds(std::vector<size_t>& order, const std::vector<std::vector<Value>>& keys,
                         const std::function<bool(size_t key, size_t level)>& low) {
  // A null's kind belongs to its prefix group: OR over the keys sharing that prefix.
  std::map<std::vector<Value>, bool, ComboLess> prefix_low;
  auto prefix = [&keys](size_t k, size_t level) {
    return std::vector<Value>(keys[k].begin(),
                              keys[k].begin() + static_cast<std::ptrdiff_t>(level + 1));
  };
  bool any_null = false;
  for (size_t k : order) {
    for (size_t level = 0; level < keys[k].size(); ++level) {
      if (!keys[k][level].is_null()) continue;
      any_null = true;
      bool& flag = prefix_low[prefix(k, level)];
      flag = flag || low(k, level);
    }
  }
  if (!any_null) return;
  std::vector<std::vector<int8_t>> rank(keys.size());
  for (size_t k : order) {
    rank[k].assign(keys[k].size(), 0);
    for (size_t level = 0; level < keys[k].size(); ++level) {
      if (keys[k][level].is_null()) rank[k][level] = prefix_low[prefix(k, level)] ? -1 : 1;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const std::vector<Value>&x = keys[a], &y = keys[b];
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (rank[a][i] != rank[b][i]) return rank[a][i] < rank[b][i];
      if (x[i].is_null()) continue;
      const int c = columnar::compare(x[i], y[i]);
      if (c != 0) return c < 0;
    }
    return x.size() < y.size();
  });
}

std::string split_value_text(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt:
      return std::to_string(v.as_int());
    case Value::Kind::kFloat: {
      std::ostringstream out;
      out << v.as_float();
      return out.str();
    }
    case Value::Kind::kString:
      return v.as_string();
    case Value::Kind::kDate:
      return columnar::format_date(v.as_date().days);
    case Value::Kind::kDateTime:
      return columnar::format_datetime(v.as_datetime().ms);
  }
  return "";
}

SplitKeys::SplitKeys(const Table& table, const std::vector<size_t>& columns,
                     std::span<const RowId> rows) {
  std::map<std::vector<Value>, std::vector<RowId>, ComboLess> groups;
  for (RowId r : rows) {
    std::vector<Value> key;
    key.reserve(columns.size());
    for (size_t c : columns) key.push_back(table.column(c).value_at(r));
    groups[std::move(key)].push_back(r);
  }
  if (columns.empty() && groups.empty()) groups[{}];  // one (empty) group even for no rows
  size_t max_row = 0;
  for (RowId r : rows) max_row = std::max<size_t>(max_row, r + size_t{1});
  combo_of_.assign(max_row, 0);
  std::vector<std::vector<Value>> keys;
  std::vector<const std::vector<RowId>*> rows_of;
  for (const auto& [key, members] : groups) {
    keys.push_back(key);
    rows_of.push_back(&members);
  }
  std::vector<size_t> order(keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  order_by_null_kinds(order, keys, [&](size_t k, size_t level) {
    const Column& column = table.column(columns[level]);
    return std::any_of(rows_of[k]->begin(), rows_of[k]->end(),
                       [&column](RowId r) { return is_low_null(column, r); });
  });
  for (size_t k : order) {
    std::string prefix;
    for (const Value& v : keys[k]) prefix += split_value_text(v) + "|";
    for (RowId r : *rows_of[k]) combo_of_[r] = static_cast<uint32_t>(combos_.size());
    combos_.push_back(keys[k]);
    prefixes_.push_back(std::move(prefix));
  }
}

std::vector<std::pair<Value, std::vector<RowId>>> partition_by_value(
    const Column& key_column, const std::vector<RowId>& rows) {
  std::vector<std::pair<Value, std::vector<RowId>>> groups;
  std::unordered_map<Value, size_t, columnar::ValueHash> index;
  std::unordered_map<uint32_t, size_t> by_code;
  const bool strings = key_column.type() == ColumnType::kString;
  for (RowId r : rows) {
    size_t* slot = nullptr;
    if (strings && key_column.is_valid(r)) {
      auto [it, added] = by_code.try_emplace(key_column.code_at(r), groups.size());
      if (added) groups.emplace_back(key_column.value_at(r), std::vector<RowId>{});
      slot = &it->second;
    } else {
      auto [it, added] = index.try_emplace(key_column.value_at(r), groups.size());
      if (added) groups.emplace_back(it->first, std::vector<RowId>{});
      slot = &it->second;
    }
    groups[*slot].second.push_back(r);
  }
  return groups;
}

}  // namespace chview::engine::detail
