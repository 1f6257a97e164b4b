#include "engine/detail/rebuilt_delta.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>

#include "engine/detail/aggregate.h"
#include "engine/detail/grouped.h"

namespace chview::engine::detail {
namespace {

using Identity = std::vector<Value>;

Identity identity_of(const ViewSlice& s, size_t row, bool split_only) {
  if (split_only || !s.has_row_paths) return {s.row_keys[row]};
  return s.row_paths[row];
}

// Perspective's `any` takes the first value whose scalar reads as true: any non-null
// string does, even "" (observed with 5.5.1).
bool any_truthy(const Value& v) {
  return !v.is_null() && (v.kind() == Value::Kind::kString || is_truthy(v));
}

// View rows in primary-key order (null keys first), the order `any` reads rows in.
std::vector<size_t> key_order(const ViewSlice& s) {
  std::vector<size_t> order(s.num_rows());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&s](size_t a, size_t b) {
    const Value &x = s.row_keys[a], &y = s.row_keys[b];
    if (x.is_null() || y.is_null()) return x.is_null() && !y.is_null();
    return columnar::compare(x, y) < 0;
  });
  return order;
}

// Per field: the first truthy value in primary-key order; null if there is none (which
// Perspective stores as the type's zero, see split_only_total).
std::vector<Value> truthy_totals(const ViewSlice& s) {
  const std::vector<size_t> order = key_order(s);
  std::vector<Value> total(s.fields.size());
  for (size_t f = 0; f < s.fields.size(); ++f) {
    for (size_t r : order) {
      Value v = s.columns[f].value_at(r);
      if (any_truthy(v)) {
        total[f] = std::move(v);
        break;
      }
    }
  }
  return total;
}

// Column groups (field index / width) holding a non-null cell of the row.
void add_groups_of(const ViewSlice& s, size_t row, size_t width, std::vector<uint8_t>& groups,
                   const std::vector<size_t>* field_map) {
  for (size_t f = 0; f < s.fields.size(); ++f) {
    if (s.columns[f].is_null(row)) continue;
    const size_t target = field_map ? (*field_map)[f] : f;
    if (target != SIZE_MAX) groups[target / width] = 1;
  }
}

}  // namespace

std::vector<Value> split_only_total(const ViewSlice& all_rows) {
  std::vector<Value> total = truthy_totals(all_rows);
  // `any` without a truthy value is an untyped none, written into the column as its zero.
  for (size_t f = 0; f < total.size(); ++f) {
    if (total[f].is_null()) total[f] = empty_value_of(all_rows.columns[f].type());
  }
  return total;
}

void diff_rebuilt_views(const RebuiltDeltaInput& in, ViewDelta& out) {
  const ViewSlice& before = *in.before;
  const ViewSlice& after = *in.after;
  out.changed_rows.clear();
  out.total_row = false;
  // No columns and no sort column: no cells, Perspective has no node to list.
  if (in.split_only && in.group_width == 0 && !in.sorted) return;
  const size_t width = std::max<size_t>(in.group_width, 1);
  std::map<std::string, size_t> before_field;
  for (size_t f = 0; f < before.fields.size(); ++f) before_field[before.fields[f].name] = f;
  // after field → before field (SIZE_MAX: new column group)
  std::vector<size_t> old_of(after.fields.size(), SIZE_MAX);
  for (size_t f = 0; f < after.fields.size(); ++f) {
    auto it = before_field.find(after.fields[f].name);
    if (it != before_field.end()) old_of[f] = it->second;
  }
  // before field → after field (SIZE_MAX: column group gone)
  std::vector<size_t> new_of(before.fields.size(), SIZE_MAX);
  for (size_t f = 0; f < after.fields.size(); ++f) {
    if (old_of[f] != SIZE_MAX) new_of[old_of[f]] = f;
  }
  std::map<Identity, size_t, PathLess> before_row;
  for (size_t r = 0; r < before.num_rows(); ++r) {
    before_row.emplace(identity_of(before, r, in.split_only), r);
  }
  std::vector<Value> touched(in.touched_keys.begin(), in.touched_keys.end());
  std::sort(touched.begin(), touched.end(),
            [](const Value& a, const Value& b) { return PathLess{}({a}, {b}); });
  auto is_touched = [&touched](const Value& key) {
    return std::binary_search(touched.begin(), touched.end(), key,
                              [](const Value& a, const Value& b) { return PathLess{}({a}, {b}); });
  };

  const std::set<std::vector<Value>, PathLess> recomputed(in.touched_paths.begin(),
                                                          in.touched_paths.end());
  const size_t groups = (after.fields.size() + width - 1) / width;
  std::vector<uint8_t> touched_groups(groups, 0);
  std::vector<uint8_t> seen_before(before.num_rows(), 0);
  out.changed_rows.clear();
  for (size_t r = 0; r < after.num_rows(); ++r) {
    auto it = before_row.find(identity_of(after, r, in.split_only));
    const bool row_touched = in.split_only && is_touched(after.row_keys[r]);
    bool changed = it == before_row.end();
    if (it != before_row.end()) {
      seen_before[it->second] = 1;
      if (row_touched) add_groups_of(before, it->second, width, touched_groups, &new_of);
    }
    if (row_touched) add_groups_of(after, r, width, touched_groups, nullptr);
    size_t non_null = 0;
    for (size_t f = 0; f < after.fields.size(); ++f) {
      Value now = after.columns[f].value_at(r);
      if (!now.is_null()) {
        ++non_null;
        if (row_touched && !any_truthy(now)) changed = true;  // "nothing truthy": see header
      }
      if (changed) continue;
      const Value was = it == before_row.end() || old_of[f] == SIZE_MAX
                            ? Value()
                            : before.columns[old_of[f]].value_at(it->second);
      if (!(was == now)) changed = true;
    }
    // A recomputed split-only row with a null cell in its own column group.
    if (row_touched && in.group_width > 0 && non_null != width) changed = true;
    const bool has_cells = !in.pivoted || in.sorted || !after.fields.empty();
    if (!in.split_only && in.lists_recomputed && after.has_row_paths && has_cells) {
      const std::vector<Value>& path = after.row_paths[r];
      // The grand total is always recomputed; in split views only the column groups
      // of changed rows are (its cells are their nodes).
      const bool total_recomputed = !in.pivoted || in.sorted || !recomputed.empty();
      changed = changed || (path.empty() ? total_recomputed : recomputed.count(path) != 0);
    }
    if (changed) out.changed_rows.push_back(r);
  }
  if (!in.split_only) return;

  // Rows gone from the view: their column groups were recomputed.
  for (size_t r = 0; r < before.num_rows(); ++r) {
    if (!seen_before[r]) add_groups_of(before, r, width, touched_groups, &new_of);
  }
  const std::vector<Value> old_total = truthy_totals(before);
  const std::vector<Value> new_total = truthy_totals(after);
  bool total = false;
  for (size_t f = 0; f < after.fields.size() && !total; ++f) {
    if (old_of[f] == SIZE_MAX || !(old_total[old_of[f]] == new_total[f])) total = true;
    if (new_total[f].is_null() && touched_groups[f / width]) total = true;
  }
  if (in.sorted && !total && in.group_width > 0) {
    // A sort adds a grand-total column whose node (all rows) is recomputed on every
    // change: reported when some column has no truthy value at all.
    for (size_t c = 0; c < width && !total; ++c) {
      bool any = false;
      for (size_t f = c; f < after.fields.size() && !any; f += width) {
        any = !new_total[f].is_null();
      }
      total = !any;
    }
  }
  out.total_row = total;
}

}  // namespace chview::engine::detail
