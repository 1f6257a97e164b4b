#include "engine/detail/split_keys.h"

#include <algorithm>
#include <map>
#include <sstream>

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
  for (auto& [key, members] : groups) {
    std::string prefix;
    for (const Value& v : key) prefix += split_value_text(v) + "|";
    for (RowId r : members) combo_of_[r] = static_cast<uint32_t>(combos_.size());
    combos_.push_back(key);
    prefixes_.push_back(std::move(prefix));
  }
}

}  // namespace chview::engine::detail
