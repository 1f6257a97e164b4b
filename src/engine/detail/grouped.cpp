#include "engine/detail/grouped.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace chview::engine::detail {
namespace {

// Group keys ascending, the null group last (tables created from a schema, §3.3).
struct KeyLess {
  bool operator()(const Value& a, const Value& b) const {
    if (a.is_null()) return false;
    if (b.is_null()) return true;
    return columnar::compare(a, b) < 0;
  }
};

Value magnitude(const Value& v) {
  if (v.kind() == Value::Kind::kInt) return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
  if (v.kind() == Value::Kind::kFloat) return Value(std::fabs(v.as_float()));
  return v;
}

// <0, 0, >0 for one sort term; null aggregates order like flat sorts (asc: last).
int compare_sort_value(const Value& a, const Value& b, SortOp op) {
  const bool abs = op == SortOp::kAscAbs || op == SortOp::kDescAbs;
  const bool desc = op == SortOp::kDesc || op == SortOp::kDescAbs;
  const Value x = abs ? magnitude(a) : a, y = abs ? magnitude(b) : b;
  int c;
  if (x.is_null() || y.is_null()) {
    c = x.is_null() == y.is_null() ? 0 : (x.is_null() ? 1 : -1);
  } else {
    c = columnar::compare(x, y);
  }
  return desc ? -c : c;
}

}  // namespace

bool GroupedTree::PathLess::operator()(const std::vector<Value>& a,
                                       const std::vector<Value>& b) const {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const Value& x, const Value& y) { return columnar::compare(x, y) < 0; });
}

GroupedTree::GroupedTree(const Table& table, std::vector<size_t> group_by,
                         std::vector<GroupedColumn> columns, std::vector<GroupedSort> sorts,
                         GroupRollupMode mode, std::optional<uint32_t> depth)
    : table_(&table),
      group_by_(std::move(group_by)),
      columns_(std::move(columns)),
      sorts_(std::move(sorts)),
      mode_(mode),
      depth_limit_(depth) {
  for (const GroupedColumn& c : columns_) fields_.push_back(c.field);
}

bool GroupedTree::default_expanded(size_t depth) const {
  return depth < depth_limit_.value_or(static_cast<uint32_t>(group_by_.size()));
}

void GroupedTree::rebuild(std::span<const RowId> rows) {
  nodes_.clear();
  nodes_.push_back(Node{});
  nodes_[0].rows.assign(rows.begin(), rows.end());
  build(0);
  compute(0, 0);
  refresh_visible();
}

// Partitions a node's rows by the next group_by column, recursively.
void GroupedTree::build(size_t node) {
  const size_t level = nodes_[node].depth;
  if (level >= group_by_.size()) return;
  const Column& key_column = table_->column(group_by_[level]);
  std::map<Value, std::vector<RowId>, KeyLess> groups;
  for (RowId r : nodes_[node].rows) groups[key_column.value_at(r)].push_back(r);
  for (auto& [key, rows] : groups) {
    Node child;
    child.path = nodes_[node].path;
    child.path.push_back(key);
    child.depth = level + 1;
    child.rows = std::move(rows);
    auto it = overrides_.find(child.path);
    child.expanded = it != overrides_.end() ? it->second : default_expanded(child.depth);
    nodes_.push_back(std::move(child));
    nodes_[node].children.push_back(nodes_.size() - 1);
  }
  auto it = overrides_.find(nodes_[node].path);
  nodes_[node].expanded = it != overrides_.end() ? it->second : default_expanded(level);
  const std::vector<size_t> children = nodes_[node].children;
  for (size_t c : children) build(c);
}

void GroupedTree::compute(size_t node, size_t parent) {
  const Node& n = nodes_[node];
  std::vector<std::vector<RowId>> child_rows;
  for (size_t c : n.children) child_rows.push_back(nodes_[c].rows);
  auto evaluate = [&](const AggSpec& spec) {
    NodeContext context;
    context.is_leaf = n.depth == group_by_.size();
    context.children = child_rows;
    if (node != 0) {
      context.parent_sum = numeric_sum(*table_, spec.column, nodes_[parent].rows);
      context.total_sum = numeric_sum(*table_, spec.column, nodes_[0].rows);
    }
    return compute_aggregate(*table_, spec, n.rows, context);
  };
  std::vector<Value> values, sort_values;
  for (const GroupedColumn& c : columns_) values.push_back(evaluate(c.spec));
  for (const GroupedSort& s : sorts_) sort_values.push_back(evaluate(s.spec));
  nodes_[node].values = std::move(values);
  nodes_[node].sort_values = std::move(sort_values);
  const std::vector<size_t> children = nodes_[node].children;
  for (size_t c : children) compute(c, node);
  sort_children(node);
}

void GroupedTree::sort_children(size_t node) {
  if (sorts_.empty()) return;
  std::vector<size_t>& children = nodes_[node].children;
  // Children are in key order already; a stable sort keeps it for ties.
  std::stable_sort(children.begin(), children.end(), [this](size_t a, size_t b) {
    for (size_t i = 0; i < sorts_.size(); ++i) {
      const int c =
          compare_sort_value(nodes_[a].sort_values[i], nodes_[b].sort_values[i], sorts_[i].op);
      if (c != 0) return c < 0;
    }
    return false;
  });
}

void GroupedTree::refresh_visible() {
  visible_.clear();
  if (nodes_.empty()) return;
  if (mode_ == GroupRollupMode::kTotal) {
    visible_.push_back(0);
    return;
  }
  visit(0);
}

void GroupedTree::visit(size_t node) {
  const Node& n = nodes_[node];
  if (mode_ == GroupRollupMode::kFlat) {
    if (n.depth == group_by_.size()) visible_.push_back(node);
    for (size_t c : n.children) visit(c);
    return;
  }
  visible_.push_back(node);
  if (!n.expanded) return;
  for (size_t c : n.children) visit(c);
}

ViewSlice GroupedTree::gather(std::span<const size_t> view_rows, size_t first_col,
                              size_t last_col) const {
  ViewSlice s;
  s.start_col = first_col;
  s.end_col = last_col;
  s.has_row_paths = !group_by_.empty();
  for (size_t f = first_col; f < last_col; ++f) {
    s.fields.push_back(fields_[f]);
    s.aggregates.push_back(columns_[f].aggregate);
    Column out(aggregate_value_type(columns_[f].spec.kind,
                                    table_->column(columns_[f].spec.column).type()));
    out.reserve(view_rows.size());
    for (size_t r : view_rows) out.append(nodes_[visible_[r]].values[f]);
    s.columns.push_back(std::move(out));
  }
  for (size_t r : view_rows) {
    s.row_keys.emplace_back();
    if (s.has_row_paths) s.row_paths.push_back(nodes_[visible_[r]].path);
  }
  return s;
}

size_t GroupedTree::expand(size_t row_index) {
  if (mode_ != GroupRollupMode::kRollup || row_index >= visible_.size()) return 0;
  Node& n = nodes_[visible_[row_index]];
  if (n.depth >= group_by_.size() || n.expanded) return 0;
  const size_t before = visible_.size();
  n.expanded = true;
  overrides_[n.path] = true;
  refresh_visible();
  return visible_.size() - before;
}

size_t GroupedTree::collapse(size_t row_index) {
  if (mode_ != GroupRollupMode::kRollup || row_index >= visible_.size()) return 0;
  Node& n = nodes_[visible_[row_index]];
  if (n.depth >= group_by_.size() || !n.expanded) return 0;
  const size_t before = visible_.size();
  n.expanded = false;
  overrides_[n.path] = false;
  refresh_visible();
  return before - visible_.size();
}

void GroupedTree::set_depth(uint32_t depth) {
  depth_limit_ = depth + 1;
  overrides_.clear();
  for (Node& n : nodes_) n.expanded = default_expanded(n.depth);
  refresh_visible();
}

}  // namespace chview::engine::detail
