#include "engine/detail/grouped.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "engine/detail/rollup_tree.h"

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
  if (v.is_null()) return Value(0.0);
  if (v.kind() == Value::Kind::kInt) return Value(std::fabs(static_cast<double>(v.as_int())));
  if (v.kind() == Value::Kind::kFloat) return Value(std::fabs(v.as_float()));
  return v;
}

bool rollup_trees_enabled = true;

}  // namespace

void use_rollup_trees(bool enabled) { rollup_trees_enabled = enabled; }

int compare_sort_value(const Value& a, bool a_low, const Value& b, bool b_low, SortOp op) {
  const bool abs = op == SortOp::kAscAbs || op == SortOp::kDescAbs;
  const bool desc = op == SortOp::kDesc || op == SortOp::kDescAbs;
  const Value x = abs ? magnitude(a) : a, y = abs ? magnitude(b) : b;
  auto rank = [](const Value& v, bool low) { return v.is_null() ? (low ? -1 : 1) : 0; };
  int c = rank(x, a_low) - rank(y, b_low);
  if (c == 0 && !x.is_null()) c = columnar::compare(x, y);
  if (desc) c = -c;
  // Equal magnitudes of different values (-2 / 2) order by the value, ascending.
  if (c == 0 && abs && !a.is_null() && !b.is_null()) c = columnar::compare(a, b);
  return c;
}

bool PathLess::operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const Value& x, const Value& y) { return columnar::compare(x, y) < 0; });
}

GroupedTree::GroupedTree(const Table& table, std::vector<size_t> group_by,
                         std::vector<size_t> split_by, std::vector<GroupedColumn> columns,
                         std::vector<GroupedSort> sorts, GroupRollupMode mode,
                         std::optional<uint32_t> depth)
    : table_(&table),
      group_by_(std::move(group_by)),
      split_by_(std::move(split_by)),
      columns_(std::move(columns)),
      sorts_(std::move(sorts)),
      mode_(mode),
      // Perspective ignores a group_by_depth of 0.
      depth_limit_(depth == 0u ? std::nullopt : depth) {
  if (!split_only() && rollup_trees_enabled) {
    rollup_ = std::make_unique<RollupTree>(table, group_by_, split_by_, columns_, sorts_, mode_,
                                           depth_limit_);
  }
}

GroupedTree::~GroupedTree() = default;

void GroupedTree::set_column_sorts(std::vector<GroupedSort> sorts) {
  if (!sorts.empty()) rollup_.reset();
  column_sorts_ = std::move(sorts);
}

size_t GroupedTree::num_rows() const { return rollup_ ? rollup_->num_rows() : visible_.size(); }

const std::vector<Field>& GroupedTree::fields() const {
  return rollup_ ? rollup_->fields() : fields_;
}

ViewDelta GroupedTree::apply(std::span<const RowId> leaving, std::span<const RowId> entering) {
  return rollup_->apply(leaving, entering);
}

bool GroupedTree::default_expanded(size_t depth) const {
  return depth < depth_limit_.value_or(static_cast<uint32_t>(group_by_.size()));
}

void GroupedTree::rebuild(std::span<const RowId> rows) {
  if (rollup_) {
    rollup_->reset(rows);
    return;
  }
  splits_.emplace(*table_, split_by_, rows);
  order_combos(rows);
  fields_.clear();
  for (size_t i : combo_order_) {
    for (const GroupedColumn& c : columns_) {
      fields_.push_back({splits_->prefix(i) + c.field.name, c.field.type});
    }
  }
  nodes_.clear();
  if (split_only()) {
    // One row per table row in primary-key order, stably sorted by the shown values.
    visible_.clear();
    for (RowId r : rows) {
      Node n;
      n.rows = {r};
      for (const GroupedSort& s : sorts_) {
        n.sort_values.push_back(compute_aggregate(*table_, s.spec, n.rows, {}));
        n.sort_low.push_back(0);
      }
      nodes_.push_back(std::move(n));
      nodes_.back().values = compute_values(nodes_.size() - 1, 0);
      visible_.push_back(nodes_.size() - 1);
    }
    std::stable_sort(visible_.begin(), visible_.end(),
                     [this](size_t a, size_t b) { return sorts_before(a, b); });
    if (split_hidden_) hidden_rows_ = std::move(visible_), visible_.clear();
    return;
  }
  total_open_ = false;  // Perspective closes an opened TOTAL view on every update
  nodes_.push_back(Node{});
  nodes_[0].rows.assign(rows.begin(), rows.end());
  total_sums_.clear();
  for (const GroupedColumn& c : columns_) {
    total_sums_.push_back(numeric_sum(*table_, c.spec.column, nodes_[0].rows));
  }
  build(0);
  compute(0, 0);
  refresh_visible();
}

// Column groups sort level by level, like a tree: the first split level's groups by
// each term's aggregate over that whole group, then the groups inside each, and so on.
void GroupedTree::order_combos(std::span<const RowId> rows) {
  const size_t combos = splits_->size();
  combo_order_.resize(combos);
  for (size_t i = 0; i < combos; ++i) combo_order_[i] = i;
  if (column_sorts_.empty() || combos < 2) return;
  const size_t levels = split_by_.size();
  // keys[level][combo]: the sort values of the combo's prefix group at that level.
  std::vector<std::vector<std::vector<Value>>> keys(levels,
                                                    std::vector<std::vector<Value>>(combos));
  std::vector<std::vector<std::vector<uint8_t>>> lows(levels,
                                                      std::vector<std::vector<uint8_t>>(combos));
  for (size_t level = 0; level < levels; ++level) {
    auto prefix = [&](size_t k) {
      const std::vector<Value>& c = splits_->combo(k);
      return std::vector<Value>(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(level + 1));
    };
    std::map<std::vector<Value>, std::vector<RowId>, PathLess> groups;
    for (RowId r : rows) groups[prefix(splits_->combo_of(r))].push_back(r);
    std::map<std::vector<Value>, std::vector<Value>, PathLess> values;
    std::map<std::vector<Value>, std::vector<uint8_t>, PathLess> low;
    for (const auto& [p, members] : groups) {
      std::vector<Value>& v = values[p];
      for (const GroupedSort& s : column_sorts_) {
        if (s.key_level && *s.key_level <= level) {
          v.push_back(p[*s.key_level]);
          low[p].push_back(0);
          continue;
        }
        NodeContext context;
        context.is_total = true;
        context.is_leaf = group_by_.empty();
        v.push_back(compute_aggregate(*table_, s.spec, members, context));
        low[p].push_back(sort_value_is_invalid(s.spec, members, context.is_leaf, v.back()));
      }
    }
    for (size_t k = 0; k < combos; ++k) {
      keys[level][k] = values[prefix(k)];
      lows[level][k] = low[prefix(k)];
    }
  }
  std::stable_sort(combo_order_.begin(), combo_order_.end(), [&](size_t a, size_t b) {
    for (size_t level = 0; level < levels; ++level) {
      for (size_t i = 0; i < column_sorts_.size(); ++i) {
        const int c =
            compare_sort_value(keys[level][a][i], lows[level][a][i] != 0, keys[level][b][i],
                               lows[level][b][i] != 0, column_sorts_[i].op);
        if (c != 0) return c < 0;
      }
      // Same sort values but different groups at this level: key order (the combos'
      // indices are in key order).
      const int k = columnar::compare(splits_->combo(a)[level], splits_->combo(b)[level]);
      if (k != 0) return a < b;
    }
    return false;
  });
}

// Partitions a node's rows by the next group_by column, recursively.
void GroupedTree::build(size_t node) {
  const size_t level = nodes_[node].depth;
  if (level >= group_by_.size()) return;
  const Column& key_column = table_->column(group_by_[level]);
  // Hash first (one Value per distinct key), then sort the keys.
  auto groups = partition_by_value(key_column, nodes_[node].rows);
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return KeyLess{}(a.first, b.first); });
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
  // Perspective reads a node's rows leaf by leaf (leaves in key order, rows in primary-key
  // order within a leaf); order-sensitive aggregates (any, dominant, last, …) see that.
  std::vector<RowId> rows;
  rows.reserve(nodes_[node].rows.size());
  for (size_t c : children) {
    rows.insert(rows.end(), nodes_[c].rows.begin(), nodes_[c].rows.end());
  }
  if (!children.empty()) nodes_[node].rows = std::move(rows);
  // Shown order: the null group (last) goes first when it holds a low-kind null
  // (split_keys.h); rows are still read with it last, as RollupTree reads them.
  std::vector<size_t>& shown = nodes_[node].children;
  if (!shown.empty() && nodes_[shown.back()].path.back().is_null()) {
    const std::vector<RowId>& null_rows = nodes_[shown.back()].rows;
    if (std::any_of(null_rows.begin(), null_rows.end(),
                    [&key_column](RowId r) { return is_low_null(key_column, r); })) {
      std::rotate(shown.begin(), shown.end() - 1, shown.end());
    }
  }
}

// The node's output values: per split combination, each column's aggregate over the
// node's rows in that combination (null when it has none). Parent/children/total row
// sets are only gathered for the aggregates that read them (pct, gmv).
std::vector<Value> GroupedTree::compute_values(size_t node, size_t parent) const {
  const Node& n = nodes_[node];
  const size_t combos = splits_->size();
  bool need_children = false, need_parent = false;
  for (const GroupedColumn& c : columns_) {
    need_children = need_children || c.spec.kind == AggKind::kGmv;
    need_parent = need_parent || c.spec.kind == AggKind::kPctSumParent;
  }
  auto bucket = [&](const std::vector<RowId>& rows) {
    std::vector<std::vector<RowId>> out(combos);
    if (combos == 1) {
      out[0] = rows;
    } else {
      for (RowId r : rows) out[splits_->combo_of(r)].push_back(r);
    }
    return out;
  };
  // Pivoted views read the grand total's rows of a column group in primary-key order
  // (Perspective's ctx2 keeps them in a tree of the split values only).
  std::vector<RowId> key_ordered;
  if (!split_by_.empty() && node == 0 && !group_by_.empty()) {
    key_ordered = n.rows;
    std::sort(key_ordered.begin(), key_ordered.end(),
              [this](RowId a, RowId b) { return table_->compare_primary_keys(a, b) < 0; });
  }
  const auto parts = bucket(key_ordered.empty() ? n.rows : key_ordered);
  std::vector<std::vector<std::vector<RowId>>> child_parts;
  if (need_children) {
    for (size_t c : n.children) child_parts.push_back(bucket(nodes_[c].rows));
  }
  // pct sum parent: in grouped views the parent row; in pivoted views the same row one
  // split level up (Perspective's ctx2 tree nests column groups under each row).
  std::vector<std::vector<RowId>> parent_parts;
  if (need_parent && !split_by_.empty()) {
    std::map<std::vector<Value>, std::vector<RowId>, PathLess> up;
    auto prefix_of = [this](size_t k) {
      const std::vector<Value>& c = splits_->combo(k);
      return std::vector<Value>(c.begin(), c.end() - 1);
    };
    for (RowId r : n.rows) up[prefix_of(splits_->combo_of(r))].push_back(r);
    for (size_t k = 0; k < combos; ++k) parent_parts.push_back(up[prefix_of(k)]);
  } else if (need_parent && node != parent) {
    parent_parts = bucket(nodes_[parent].rows);
  }

  std::vector<Value> values;
  values.reserve(combos * columns_.size());
  for (size_t k = 0; k < combos; ++k) {
    if (parts[k].empty() && !split_by_.empty()) {
      values.resize(values.size() + columns_.size());
      continue;
    }
    std::vector<std::vector<RowId>> child_rows;
    child_rows.reserve(child_parts.size());
    for (const auto& child : child_parts) child_rows.push_back(child[k]);
    for (size_t i = 0; i < columns_.size(); ++i) {
      const AggSpec& spec = columns_[i].spec;
      NodeContext context;
      context.is_leaf = n.depth == group_by_.size();
      context.is_total = node == 0 && !split_only();
      context.pivoted = !split_by_.empty();
      context.children = child_rows;
      // pct sum total: share of the whole view (across column groups), even for the total.
      if (spec.kind == AggKind::kPctSumTotal) context.total_sum = total_sums_[i];
      if (!parent_parts.empty()) {
        context.parent_sum = numeric_sum(*table_, spec.column, parent_parts[k]);
      }
      values.push_back(compute_aggregate(*table_, spec, parts[k], context));
    }
  }
  return values;
}

void GroupedTree::compute(size_t node, size_t parent) {
  const Node& n = nodes_[node];
  // Sort keys are aggregates over all of the node's rows (pivoted: the row total).
  auto evaluate = [&](const AggSpec& spec) {
    NodeContext context;
    context.is_leaf = n.depth == group_by_.size();
    context.is_total = node == 0;
    std::vector<std::vector<RowId>> child_rows;
    if (spec.kind == AggKind::kGmv) {
      for (size_t c : n.children) child_rows.push_back(nodes_[c].rows);
    }
    context.children = child_rows;
    if (node != 0 && (spec.kind == AggKind::kPctSumParent || spec.kind == AggKind::kPctSumTotal)) {
      context.parent_sum = numeric_sum(*table_, spec.column, nodes_[parent].rows);
      context.total_sum = numeric_sum(*table_, spec.column, nodes_[0].rows);
    }
    return compute_aggregate(*table_, spec, n.rows, context);
  };
  std::vector<Value> values = compute_values(node, parent), sort_values;
  std::vector<uint8_t> sort_low;
  for (const GroupedSort& s : sorts_) {
    if (s.key_level && n.depth > *s.key_level) {
      sort_values.push_back(n.path[*s.key_level]);
      sort_low.push_back(0);
      continue;
    }
    sort_values.push_back(s.all_ties ? Value() : evaluate(s.spec));
    sort_low.push_back(
        !s.all_ties &&
        sort_value_is_invalid(s.spec, n.rows, n.depth == group_by_.size(), sort_values.back()));
  }
  nodes_[node].sort_low = std::move(sort_low);
  nodes_[node].values = std::move(values);
  nodes_[node].sort_values = std::move(sort_values);
  const std::vector<size_t> children = nodes_[node].children;
  for (size_t c : children) compute(c, node);
  sort_children(node);
}

// Whether a null sort value is one Perspective stores as an invalid cell (see
// compare_sort_value) rather than as a null value.
bool GroupedTree::sort_value_is_invalid(const AggSpec& spec, std::span<const RowId> rows, bool leaf,
                                        const Value& value) const {
  if (!value.is_null()) return false;
  switch (spec.kind) {
    case AggKind::kWeightedMean:
    case AggKind::kVariance:
    case AggKind::kStddev:
      return true;
    case AggKind::kUnique:
    case AggKind::kDistinctLeaf: {
      // A group whose rows are all null is "unique" with a null value.
      const Column& c = table_->column(spec.column);
      for (RowId r : rows) {
        if (c.is_valid(r)) return true;
      }
      return spec.kind == AggKind::kDistinctLeaf && !leaf;
    }
    default:
      return false;
  }
}

void GroupedTree::sort_children(size_t node) {
  if (sorts_.empty()) return;
  std::vector<size_t>& children = nodes_[node].children;
  // Children are in key order already; a stable sort keeps it for ties.
  std::stable_sort(children.begin(), children.end(),
                   [this](size_t a, size_t b) { return sorts_before(a, b); });
}

bool GroupedTree::sorts_before(size_t a, size_t b) const {
  for (size_t i = 0; i < sorts_.size(); ++i) {
    const int c =
        compare_sort_value(nodes_[a].sort_values[i], nodes_[a].sort_low[i] != 0,
                           nodes_[b].sort_values[i], nodes_[b].sort_low[i] != 0, sorts_[i].op);
    if (c != 0) return c < 0;
  }
  return false;
}

void GroupedTree::refresh_visible() {
  visible_.clear();
  if (nodes_.empty()) return;
  if (mode_ == GroupRollupMode::kTotal) {
    visible_.push_back(0);
    if (total_open_) {
      for (size_t c : nodes_[0].children) visit(c);
    }
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
  if (rollup_) return rollup_->gather(view_rows, first_col, last_col);
  ViewSlice s;
  s.start_col = first_col;
  s.end_col = last_col;
  s.has_row_paths = !group_by_.empty();
  for (size_t f = first_col; f < last_col; ++f) {
    const GroupedColumn& column = columns_[f % columns_.size()];
    const size_t value_index =
        combo_order_[f / columns_.size()] * columns_.size() + f % columns_.size();
    s.fields.push_back(fields_[f]);
    s.aggregates.push_back(column.aggregate);
    Column out(aggregate_value_type(column.spec.kind, table_->column(column.spec.column).type()));
    out.reserve(view_rows.size());
    for (size_t r : view_rows) out.append(nodes_[visible_[r]].values[value_index]);
    s.columns.push_back(std::move(out));
  }
  for (size_t r : view_rows) {
    const Node& n = nodes_[visible_[r]];
    // Split-only rows are table rows: their key is the row's primary key.
    s.row_keys.push_back(split_only() ? table_->primary_key(n.rows.front()) : Value());
    if (s.has_row_paths) s.row_paths.push_back(nodes_[visible_[r]].path);
  }
  return s;
}

size_t GroupedTree::expand(size_t row_index) {
  if (rollup_) return rollup_->expand(row_index);
  if (split_only()) {  // the rows are leaves: their index; row 0 reopens hidden rows
    if (!split_hidden_) return row_index < visible_.size() ? row_index : 0;
    if (row_index != 0) return 0;
    split_hidden_ = false;
    visible_ = std::move(hidden_rows_);
    hidden_rows_.clear();
    return visible_.size();
  }
  if (row_index >= visible_.size()) return 0;
  Node& n = nodes_[visible_[row_index]];
  const bool open_total =
      mode_ == GroupRollupMode::kTotal && row_index == 0 && !total_open_ && !group_by_.empty();
  if (mode_ != GroupRollupMode::kRollup && !open_total) return 0;
  // Nothing to open: ctx1 replies 0, Perspective's pivoted (ctx2) views the row index of
  // a leaf.
  if (n.depth >= group_by_.size()) return split_by_.empty() ? 0 : row_index;
  if (n.expanded && !open_total) return 0;
  const size_t before = visible_.size();
  total_open_ = total_open_ || open_total;
  n.expanded = true;
  overrides_[n.path] = true;
  // Like Perspective, expanding opens one level: the children come back collapsed.
  for (size_t c : n.children) {
    if (nodes_[c].depth < group_by_.size()) {
      nodes_[c].expanded = false;
      overrides_[nodes_[c].path] = false;
    }
  }
  refresh_visible();
  return visible_.size() - before;
}

size_t GroupedTree::collapse(size_t row_index) {
  if (rollup_) return rollup_->collapse(row_index);
  if (split_only()) {  // collapse(0) closes the hidden root: every row goes
    if (split_hidden_ || row_index != 0) return 0;
    split_hidden_ = true;
    hidden_rows_ = std::move(visible_);
    visible_.clear();
    return hidden_rows_.size();
  }
  if (mode_ == GroupRollupMode::kTotal && row_index == 0 && total_open_) {
    const size_t before = visible_.size();
    total_open_ = false;
    refresh_visible();
    return before - visible_.size();
  }
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
  // Perspective ignores a depth past the group_by levels ("Cannot expand past").
  if (split_only() || depth > group_by_.size()) return;
  if (rollup_) {
    rollup_->set_depth(depth);
    return;
  }
  depth_limit_ = depth + 1;
  overrides_.clear();
  for (Node& n : nodes_) n.expanded = default_expanded(n.depth);
  refresh_visible();
}

}  // namespace chview::engine::detail
