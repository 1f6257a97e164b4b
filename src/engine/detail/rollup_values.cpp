// RollupTree values: each node's cells (column group × column) and sort values from its
// running states, its key order, or (other aggregates) its rows; pct shares on read.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>

#include "engine/detail/rollup_tree.h"

namespace chview::engine::detail {
namespace {

double as_double(const Value& v) {
  if (v.kind() == Value::Kind::kInt) return static_cast<double>(v.as_int());
  if (v.kind() == Value::Kind::kFloat) return v.as_float();
  return 0;
}

bool is_pct(AggKind kind) {
  return kind == AggKind::kPctSumParent || kind == AggKind::kPctSumTotal;
}

// gmv of a parent: the sum of its children's absolute sums.
template <typename SumOf>
Value absolute_sum(ColumnType type, SumOf sum_of) {
  if (type != ColumnType::kInteger && type != ColumnType::kFloat) return {};
  int64_t i = 0;
  double d = 0;
  sum_of([&](const Value& s) {
    if (s.kind() == Value::Kind::kInt) i += std::abs(s.as_int());
    d += std::fabs(as_double(s));
  });
  return type == ColumnType::kInteger ? Value(i) : Value(d);
}

}  // namespace

// Perspective reads a node's rows leaf by leaf (leaves in key order, rows in primary-key
// order within a leaf); a split_by view's grand total reads its column groups in
// primary-key order. `combo`: only that column group's rows.
std::vector<RowId> RollupTree::ordered_rows(const Node* node, std::optional<uint32_t> combo) const {
  std::vector<RowId> out;
  auto by_key = [this](RowId a, RowId b) { return table_->compare_primary_keys(a, b) < 0; };
  auto walk = [&](auto&& self, const Node* n) -> void {
    if (is_leaf(n)) {
      const size_t from = out.size();
      for (RowId r : n->rows) {
        if (!combo || combo_of_[r] == *combo) out.push_back(r);
      }
      std::sort(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(), by_key);
      return;
    }
    for (const auto& [key, child] : n->children) self(self, child.get());
  };
  walk(walk, node);
  if (combo && node == root_.get()) std::sort(out.begin(), out.end(), by_key);
  return out;
}

Value RollupTree::key_order_value(const Node* node, const AggSpec& spec,
                                  std::optional<uint32_t> combo, const KeyOrder& keys) const {
  const Column& c = table_->column(spec.column);
  switch (spec.kind) {
    case AggKind::kFirst:
      return c.value_at(keys.at(0).second);
    case AggKind::kLastByIndex:
      return c.value_at(keys.back().second);
    case AggKind::kLastMinusFirst:
      return difference(c.value_at(keys.back().second), c.value_at(keys.at(0).second));
    default:
      break;
  }
  // `last`: the last row of the last leaf (in key order) holding rows of the group.
  if (combo && node == root_.get()) return c.value_at(keys.back().second);
  const Node* leaf = node;
  while (!is_leaf(leaf)) {
    for (auto it = leaf->children.rbegin(); it != leaf->children.rend(); ++it) {
      const Node* child = it->second.get();
      if (!combo || (child->cell_rows.size() > *combo && child->cell_rows[*combo] > 0)) {
        leaf = child;
        break;
      }
    }
  }
  const KeyOrder& leaf_keys = combo ? leaf->cell_keys[*combo] : leaf->by_key;
  return c.value_at(leaf_keys.back().second);
}

// `any`: the first truthy value in Perspective's row order (leaf by leaf in key order,
// primary-key order within a leaf), found by descending to the first child holding a
// truthy row (running counts), then scanning that leaf; the type's zero if none.
Value RollupTree::first_truthy(const Node* node, const AggSpec& spec, std::optional<uint32_t> combo,
                               const std::function<int64_t(const Node*)>& truthy_rows) const {
  const Column& c = table_->column(spec.column);
  if (truthy_rows(node) <= 0) return empty_value_of(c.type());
  const Node* n = node;
  while (!is_leaf(n)) {
    const Node* next = nullptr;
    for (const auto& [key, child] : n->children) {
      if (truthy_rows(child.get()) > 0) {
        next = child.get();
        break;
      }
    }
    if (!next) return empty_value_of(c.type());
    n = next;
  }
  std::optional<RowId> first;
  for (RowId r : n->rows) {
    if (combo && combo_of_[r] != *combo) continue;
    if (!is_truthy(c.value_at(r))) continue;
    if (!first || table_->compare_primary_keys(r, *first) < 0) first = r;
  }
  return first ? c.value_at(*first) : empty_value_of(c.type());
}

Value RollupTree::cell_value(const Node* node, uint32_t combo, size_t column) const {
  const Slot& slot = column_slots_[column];
  const AggSpec& spec = slot.spec;
  const ColumnType type = table_->column(spec.column).type();
  const bool leaf = is_leaf(node);
  const size_t rows = combo < node->cell_rows.size() ? node->cell_rows[combo] : 0;
  if (split() && rows == 0) return {};  // no rows in this column group
  if (rows == 0 && !(spec.kind == AggKind::kGmv && !leaf)) {
    return aggregate_of_no_rows(spec.kind, type);
  }
  const std::optional<uint32_t> group = split() ? std::optional(combo) : std::nullopt;
  switch (slot.method) {
    case Method::kKeyOrder:
      return key_order_value(node, spec, group, split() ? node->cell_keys[combo] : node->by_key);
    case Method::kRows: {
      NodeContext context;
      context.is_leaf = leaf;
      context.is_total = node == root_.get();
      context.pivoted = split();
      return compute_aggregate(*table_, spec, ordered_rows(node, group), context);
    }
    case Method::kState:
      break;
  }
  const size_t width = columns_.size();
  if (spec.kind == AggKind::kAny) {
    if (split() && node == root_.get()) {  // read in primary-key order: from the rows
      NodeContext context;
      return compute_aggregate(*table_, spec, ordered_rows(node, group), context);
    }
    return first_truthy(node, spec, group, [&](const Node* n) -> int64_t {
      if (n->cell_rows.size() <= combo || n->cell_rows[combo] == 0) return 0;
      return n->cells[combo * width + column].truthy_count();
    });
  }
  if (spec.kind == AggKind::kGmv && !leaf) {
    return absolute_sum(type, [&](auto add) {
      for (const auto& [key, child] : node->children) {
        if (child->cell_rows.size() > combo && child->cell_rows[combo] > 0) {
          add(child->cells[combo * width + column].sum(type));
        }
      }
    });
  }
  // Pivoted views keep one tree per row depth, in which every cell is a leaf.
  return node->cells[combo * width + column].value(spec.kind, type, leaf || split());
}

Value RollupTree::sort_value(const Node* node, size_t term) const {
  const Slot& slot = sort_slots_[term];
  const AggSpec& spec = slot.spec;
  const ColumnType type = table_->column(spec.column).type();
  const bool leaf = is_leaf(node);
  if (node->size == 0 && !(spec.kind == AggKind::kGmv && !leaf)) {
    return aggregate_of_no_rows(spec.kind, type);
  }
  switch (slot.method) {
    case Method::kKeyOrder:
      return key_order_value(node, spec, std::nullopt, node->by_key);
    case Method::kRows: {
      NodeContext context;
      context.is_leaf = leaf;
      context.is_total = node == root_.get();
      return compute_aggregate(*table_, spec, ordered_rows(node, std::nullopt), context);
    }
    case Method::kState:
      break;
  }
  if (spec.kind == AggKind::kAny) {
    return first_truthy(node, spec, std::nullopt,
                        [&](const Node* n) { return n->sort_states[term].truthy_count(); });
  }
  if (spec.kind == AggKind::kGmv && !leaf) {
    return absolute_sum(type, [&](auto add) {
      for (const auto& [key, child] : node->children) add(child->sort_states[term].sum(type));
    });
  }
  return node->sort_states[term].value(spec.kind, type, leaf);
}

bool RollupTree::recompute(Node* node) {
  bool changed = false;
  const size_t width = columns_.size();
  if (node->values.size() < combos_.size() * width) {
    node->values.resize(combos_.size() * width);
  }
  std::vector<uint32_t>& combos = node->touched_combos;
  if (!split()) combos.assign(1, 0);  // also a grand total without rows
  std::sort(combos.begin(), combos.end());
  combos.erase(std::unique(combos.begin(), combos.end()), combos.end());
  for (uint32_t k : combos) {
    for (size_t i = 0; i < width; ++i) {
      Value v = cell_value(node, k, i);
      Value& old = node->values[k * width + i];
      if (!(v == old) || node->fresh) {
        old = std::move(v);
        changed = true;
      }
    }
  }
  combos.clear();
  std::vector<Value> sort_values;
  std::vector<uint8_t> sort_low;
  for (size_t t = 0; t < sorts_.size(); ++t) {
    const GroupedSort& s = sorts_[t];
    if (s.key_level && node->depth > *s.key_level) {
      sort_values.push_back(node->path[*s.key_level]);
      sort_low.push_back(0);
      continue;
    }
    if (s.all_ties) {
      sort_values.emplace_back();
      sort_low.push_back(0);
      continue;
    }
    Value v = sort_value(node, t);
    bool low = false;
    if (v.is_null()) {
      switch (s.spec.kind) {
        case AggKind::kWeightedMean:
        case AggKind::kVariance:
        case AggKind::kStddev:
          low = true;
          break;
        case AggKind::kUnique:
        case AggKind::kDistinctLeaf:
          // A group whose rows are all null is "unique" with a null value.
          low = node->sort_states[t].has_valid_value() ||
                (s.spec.kind == AggKind::kDistinctLeaf && !is_leaf(node));
          break;
        default:
          break;
      }
    }
    sort_values.push_back(std::move(v));
    sort_low.push_back(low);
  }
  const bool moved = sort_values != node->sort_values || sort_low != node->sort_low;
  node->sort_values = std::move(sort_values);
  node->sort_low = std::move(sort_low);
  return changed || moved;
}

double RollupTree::cell_sum(const Node* node, uint32_t combo, size_t column) const {
  if (combo >= node->cell_rows.size() || node->cell_rows[combo] == 0) return 0;
  const ColumnType type = table_->column(columns_[column].spec.column).type();
  return as_double(node->cells[combo * columns_.size() + column].sum(type));
}

// pct aggregates are stored as the cell's sum; the share is derived here, so a change
// of the parent's (or the grand total's) sum needs no update of the other rows.
Value RollupTree::read_value(const Node* node, size_t field) const {
  const size_t width = columns_.size();
  const uint32_t k = combo_order_[field / width];
  const size_t column = field % width;
  const size_t index = k * width + column;
  const Value v = index < node->values.size() ? node->values[index] : Value();
  const AggKind kind = columns_[column].spec.kind;
  if (!is_pct(kind)) return v;
  if (!split()) {
    if (node->size == 0) return v;
    if (node == root_.get()) return Value(100.0);
    const Node* base = kind == AggKind::kPctSumParent ? node->parent : root_.get();
    return finite_or_null(100.0 * (cell_sum(node, 0, column) / cell_sum(base, 0, column)));
  }
  // Pivoted: pct sum parent is the share of the same row one split level up (the column
  // groups sharing this one's prefix); pct sum total the share of the whole view.
  if (v.is_null()) return v;  // no rows in this column group
  double base = 0;
  const std::vector<Value>& key = combos_[k].key;
  for (uint32_t other : combo_order_) {
    if (kind == AggKind::kPctSumTotal) {
      base += cell_sum(root_.get(), other, column);
    } else if (std::equal(key.begin(), key.end() - 1, combos_[other].key.begin())) {
      base += cell_sum(node, other, column);
    }
  }
  return finite_or_null(100.0 * (cell_sum(node, k, column) / base));
}

ViewSlice RollupTree::gather(std::span<const size_t> view_rows, size_t first_col,
                             size_t last_col) const {
  ViewSlice s;
  s.start_col = first_col;
  s.end_col = last_col;
  s.has_row_paths = !group_by_.empty();
  for (size_t f = first_col; f < last_col; ++f) {
    const GroupedColumn& column = columns_[f % columns_.size()];
    s.fields.push_back(fields_[f]);
    s.aggregates.push_back(column.aggregate);
    Column out(aggregate_value_type(column.spec.kind, table_->column(column.spec.column).type()));
    out.reserve(view_rows.size());
    for (size_t r : view_rows) out.append(read_value(visible_[r], f));
    s.columns.push_back(std::move(out));
  }
  for (size_t r : view_rows) {
    s.row_keys.emplace_back();
    if (s.has_row_paths) s.row_paths.push_back(visible_[r]->path);
  }
  return s;
}

}  // namespace chview::engine::detail
