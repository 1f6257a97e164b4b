// RollupTree structure: rows in and out, node creation/removal, sibling order. Values
// are in rollup_values.cpp, visible rows and expand/collapse in rollup_visible.cpp.
#include "engine/detail/rollup_tree.h"

#include <algorithm>
#include <utility>

#include "engine/detail/split_keys.h"

namespace chview::engine::detail {
namespace {

bool kept_by_key_order(AggKind kind) {
  return kind == AggKind::kFirst || kind == AggKind::kLast || kind == AggKind::kLastByIndex ||
         kind == AggKind::kLastMinusFirst;
}

// Column groups that died before the tree is rebuilt to drop their (empty) states.
constexpr size_t kDeadComboSlack = 64;

}  // namespace

bool RollupTree::PrimaryKeyLess::operator()(const std::pair<Value, RowId>& a,
                                            const std::pair<Value, RowId>& b) const {
  if (a.first.is_null() != b.first.is_null()) return a.first.is_null();
  const int c = a.first.is_null() ? 0 : columnar::compare(a.first, b.first);
  return c != 0 ? c < 0 : a.second < b.second;
}

bool RollupTree::KeyLess::operator()(const Value& a, const Value& b) const {
  if (a.is_null()) return false;
  if (b.is_null()) return true;
  return columnar::compare(a, b) < 0;
}

bool RollupTree::ComboLess::operator()(const std::vector<Value>& a,
                                       const std::vector<Value>& b) const {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].is_null() != b[i].is_null()) return b[i].is_null();
    if (a[i].is_null()) continue;
    const int c = columnar::compare(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}

RollupTree::RollupTree(const Table& table, std::vector<size_t> group_by,
                       std::vector<size_t> split_by, std::vector<GroupedColumn> columns,
                       std::vector<GroupedSort> sorts, GroupRollupMode mode,
                       std::optional<uint32_t> depth_limit)
    : table_(&table),
      group_by_(std::move(group_by)),
      split_by_(std::move(split_by)),
      columns_(std::move(columns)),
      sorts_(std::move(sorts)),
      mode_(mode),
      depth_limit_(depth_limit) {
  auto snapshot = [this](size_t column) {
    auto it = std::find(snapshot_of_.begin(), snapshot_of_.end(), column);
    if (it != snapshot_of_.end()) return static_cast<int>(it - snapshot_of_.begin());
    snapshot_of_.push_back(column);
    snapshots_.emplace_back(table_->column(column).type());
    return static_cast<int>(snapshots_.size() - 1);
  };
  auto make_slot = [&](const AggSpec& spec) {
    Slot slot{spec};
    slot.method = AggState::supports(spec.kind)  ? Method::kState
                  : kept_by_key_order(spec.kind) ? Method::kKeyOrder
                                                 : Method::kRows;
    key_order_ = key_order_ || slot.method == Method::kKeyOrder;
    // `count` reads no cells: its state keeps the row count alone (AggState::add_count).
    if (slot.method == Method::kState && spec.kind != AggKind::kCount) {
      slot.snapshot = snapshot(spec.column);
      if (spec.argument) slot.argument_snapshot = snapshot(*spec.argument);
    }
    return slot;
  };
  for (const GroupedColumn& c : columns_) {
    column_slots_.push_back(make_slot(c.spec));
    cell_key_order_ = cell_key_order_ || column_slots_.back().method == Method::kKeyOrder;
  }
  for (const GroupedSort& s : sorts_) sort_slots_.push_back(make_slot(s.spec));
  if (!split()) {  // one column group, present even without rows
    combos_.push_back({});
    combo_ids_.emplace(std::vector<Value>{}, 0);
  }
  refresh_fields();
}

RollupTree::~RollupTree() = default;

bool RollupTree::default_expanded(size_t depth) const {
  return depth < depth_limit_.value_or(static_cast<uint32_t>(group_by_.size()));
}

void RollupTree::refresh_fields() {
  combo_order_.clear();
  fields_.clear();
  std::vector<size_t> order;
  std::vector<std::vector<Value>> keys(combos_.size());
  for (const auto& [key, id] : combo_ids_) {
    order.push_back(id);
    keys[id] = key;
  }
  order_by_null_kinds(order, keys, [this](size_t k, size_t level) {
    return combos_[k].low_rows.size() > level && combos_[k].low_rows[level] != 0;
  });
  for (size_t id : order) {
    Combo& combo = combos_[id];
    combo.placed_low = 0;
    for (size_t i = 0; i < combo.low_rows.size(); ++i) {
      if (combo.low_rows[i] != 0) combo.placed_low |= uint64_t{1} << i;
    }
    combo_order_.push_back(static_cast<uint32_t>(id));
    for (const GroupedColumn& c : columns_) {
      fields_.push_back({combos_[id].prefix + c.field.name, c.field.type});
    }
  }
}

uint32_t RollupTree::combo_for(RowId row) {
  if (!split()) return 0;
  std::vector<Value> key;
  key.reserve(split_by_.size());
  for (size_t c : split_by_) key.push_back(table_->column(c).value_at(row));
  auto it = combo_ids_.find(key);
  if (it != combo_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(combos_.size());
  Combo combo;
  for (const Value& v : key) combo.prefix += split_value_text(v) + "|";
  combo.key = key;
  combos_.push_back(std::move(combo));
  combo_ids_.emplace(std::move(key), id);
  combos_changed_ = true;
  return id;
}

std::unique_ptr<RollupTree::Node> RollupTree::make_node(Node* parent, Value key) {
  auto node = std::make_unique<Node>();
  node->parent = parent;
  if (parent) {
    node->path = parent->path;
    node->path.push_back(std::move(key));
    node->depth = parent->depth + 1;
  }
  for (const Slot& s : sort_slots_) node->sort_states.emplace_back(s.spec.kind);
  auto it = overrides_.find(node->path);
  node->expanded = it != overrides_.end() ? it->second : default_expanded(node->depth);
  node->fresh = true;
  touch(node.get());
  return node;
}

void RollupTree::touch(Node* node) {
  if (node->touched) return;
  node->touched = true;
  touched_.push_back(node);
}

void RollupTree::touch_combo(Node* node, uint32_t combo) {
  if (node->touched_combos.empty() || node->touched_combos.back() != combo) {
    node->touched_combos.push_back(combo);
  }
}

void RollupTree::ensure_cells(Node* node, uint32_t combo) {
  if (node->cell_rows.size() > combo) return;
  node->cell_rows.resize(combo + size_t{1}, 0);
  const size_t width = columns_.size();
  while (node->cells.size() < node->cell_rows.size() * width) {
    node->cells.emplace_back(column_slots_[node->cells.size() % width].spec.kind);
  }
  if (cell_key_order_ && split()) node->cell_keys.resize(node->cell_rows.size());
}

// `cells`: the column groups' states; `sorts`: the sort terms' and the key order.
void RollupTree::add_to_states(Node* node, std::span<const RowId> rows, bool cells, bool sorts) {
  if (sorts) {
    for (size_t t = 0; t < sort_slots_.size(); ++t)
      feed(node->sort_states[t], sort_slots_[t], rows);
    if (key_order_) {
      for (RowId r : rows) node->by_key.insert({key_of_[r], r});
    }
  }
  if (!cells || rows.empty()) return;
  const size_t width = columns_.size();
  if (!split()) {  // one column group: whole columns at a time
    ensure_cells(node, 0);
    node->cell_rows[0] += rows.size();
    touch_combo(node, 0);
    for (size_t i = 0; i < width; ++i) feed(node->cells[i], column_slots_[i], rows);
    return;
  }
  if (rows.size() >= 64) {  // one add_rows() per column group
    add_cells_by_combo(node, rows);
    return;
  }
  for (RowId r : rows) {
    const uint32_t k = combo_of_[r];
    ensure_cells(node, k);
    ++node->cell_rows[k];
    touch_combo(node, k);
    for (size_t i = 0; i < width; ++i) feed(node->cells[k * width + i], column_slots_[i], {&r, 1});
    if (cell_key_order_ && split()) node->cell_keys[k].insert({key_of_[r], r});
  }
}

// Rows reach the states leaf by leaf in key order (given in primary-key order, as on a
// rebuild): each leaf's rows go to the leaf and all its ancestors at once (one read of
// each row), so every node sees its rows in Perspective's order and float sums and
// variances come out bit-identical to a fresh computation. (The grand total of a
// split_by view reads its column groups in primary-key order: apply() adds those.)
void RollupTree::insert_rows(Node* node, std::vector<RowId> rows) {
  touch(node);
  node->size += rows.size();
  if (is_leaf(node)) {
    for (Node* n = node; n; n = n->parent) {
      add_to_states(n, rows, !(n == root_.get() && split()), true);
    }
    for (RowId r : rows) {
      leaf_of_[r] = node;
      position_[r] = static_cast<uint32_t>(node->rows.size());
      node->rows.push_back(r);
    }
    note_null_kinds(node, rows);
    return;
  }
  auto groups = partition_by_value(table_->column(group_by_[node->depth]), rows);
  rows = {};
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return KeyLess{}(a.first, b.first); });
  for (auto& [key, members] : groups) {
    auto it = node->children.find(key);
    if (it == node->children.end()) {
      auto child = make_node(node, key);
      it = node->children.emplace(std::move(key), std::move(child)).first;
    }
    insert_rows(it->second.get(), std::move(members));
  }
}

void RollupTree::note_null_kinds(Node* leaf, std::span<const RowId> rows) {
  const size_t levels = std::min<size_t>(group_by_.size(), 64);
  for (size_t d = 0; d < levels; ++d) {
    const Column& column = table_->column(group_by_[d]);
    Node* node = leaf;
    while (node->depth > d + 1) node = node->parent;  // the node keyed by level d
    if (!node->path.back().is_null()) continue;
    for (RowId r : rows) {
      if (!is_low_null(column, r)) continue;
      low_mask_[r] |= uint64_t{1} << d;
      ++node->low_nulls;
    }
  }
}

void RollupTree::remove_row(RowId row) {
  Node* leaf = leaf_of_[row];
  const uint32_t at = position_[row];
  leaf->rows[at] = leaf->rows.back();
  position_[leaf->rows[at]] = at;
  leaf->rows.pop_back();
  leaf_of_[row] = nullptr;
  const uint32_t k = combo_of_[row];
  --combos_[k].rows;
  for (size_t i = 0; i < combos_[k].low_rows.size(); ++i) {
    if (split_low_mask_[row] >> i & 1) --combos_[k].low_rows[i];
  }
  split_low_mask_[row] = 0;
  for (Node* n = leaf; n->depth > 0; n = n->parent) {
    if (low_mask_[row] >> (n->depth - 1) & 1) --n->low_nulls;
  }
  low_mask_[row] = 0;
  const size_t width = columns_.size();
  for (Node* node = leaf; node; node = node->parent) {
    touch(node);
    touch_combo(node, k);
    --node->size;
    --node->cell_rows[k];
    if (key_order_) node->by_key.erase({key_of_[row], row});
    if (cell_key_order_ && split()) node->cell_keys[k].erase({key_of_[row], row});
    for (size_t t = 0; t < sort_slots_.size(); ++t)
      unfeed(node->sort_states[t], sort_slots_[t], row);
    for (size_t i = 0; i < width; ++i) unfeed(node->cells[k * width + i], column_slots_[i], row);
  }
}

bool RollupTree::before(const Node* a, const Node* b) const {
  for (size_t i = 0; i < sorts_.size(); ++i) {
    const int c = compare_sort_value(a->sort_values[i], a->sort_low[i] != 0, b->sort_values[i],
                                     b->sort_low[i] != 0, sorts_[i].op);
    if (c != 0) return c < 0;
  }
  // Key order; a null key placed low sorts first (split_keys.h).
  const Value &x = a->path.back(), &y = b->path.back();
  if (x.is_null() && a->placed_low) return !y.is_null();
  if (y.is_null() && b->placed_low) return false;
  return KeyLess{}(x, y);
}

void RollupTree::place(Node* node) {
  std::vector<Node*>& order = node->parent->order;
  auto at = std::upper_bound(order.begin(), order.end(), node,
                             [this](const Node* a, const Node* b) { return before(a, b); });
  order.insert(at, node);
}

void RollupTree::reset(std::span<const RowId> rows) {
  root_.reset();
  touched_.clear();
  visible_.clear();
  if (split()) {
    combos_.clear();
    combo_ids_.clear();
    dead_combos_ = 0;
  } else {
    combos_[0].rows = 0;
  }
  leaf_of_.assign(table_->slot_count(), nullptr);
  position_.assign(table_->slot_count(), 0);
  combo_of_.assign(table_->slot_count(), 0);
  low_mask_.assign(table_->slot_count(), 0);
  split_low_mask_.assign(table_->slot_count(), 0);
  root_ = make_node(nullptr, Value());
  combos_changed_ = true;
  apply({}, rows);
  refresh_visible();
}

ViewDelta RollupTree::apply(std::span<const RowId> leaving, std::span<const RowId> entering) {
  // Perspective recomputes the grand total on every change, whatever rows it touched.
  touch(root_.get());
  for (RowId r : leaving) {
    if (r < leaf_of_.size() && leaf_of_[r]) remove_row(r);
  }
  const size_t slots = table_->slot_count();
  if (leaf_of_.size() < slots) {
    leaf_of_.resize(slots, nullptr);
    position_.resize(slots, 0);
    combo_of_.resize(slots, 0);
    low_mask_.resize(slots, 0);
    split_low_mask_.resize(slots, 0);
  }
  if (key_order_) {
    if (key_of_.size() < slots) key_of_.resize(slots);
    for (RowId r : entering) key_of_[r] = table_->primary_key(r);
  }
  for (size_t i = 0; i < snapshots_.size(); ++i) {
    Column& snapshot = snapshots_[i];
    const Column& source = table_->column(snapshot_of_[i]);
    if (root_->size == 0 && entering.size() * 2 >= slots) {
      snapshot = source;  // a (re)build: one copy of the column
      snapshot.resize(std::max(snapshot.size(), slots));
    } else {
      if (snapshot.size() < slots) snapshot.resize(slots);
      for (RowId r : entering) snapshot.set_from(r, source, r);
    }
    // Like the table's: drop strings of rows gone once the dictionary has doubled
    // (amortised O(1) per row), so a stream of unique strings keeps bounded memory.
    if (snapshot.type() == ColumnType::kString &&
        snapshot.dictionary().size() > 2 * (root_->size + entering.size()) + 1024) {
      std::vector<uint8_t> keep(snapshot.size(), 0);
      for (size_t r = 0; r < std::min(keep.size(), leaf_of_.size()); ++r) {
        keep[r] = leaf_of_[r] != nullptr;
      }
      for (RowId r : entering) keep[r] = 1;
      snapshot.compact_dictionary(keep);
    }
  }
  assign_combos(entering);
  if (!entering.empty()) {
    if (root_->size == 0 && root_->children.empty() && !group_by_.empty()) {
      bulk_insert(entering);  // a (re)build: one grouping pass
    } else {
      insert_rows(root_.get(), {entering.begin(), entering.end()});
    }
    if (split()) add_to_states(root_.get(), entering, true, false);
  }
  if (split()) {  // column groups without rows left go away
    for (uint32_t k : root_->touched_combos) {
      uint64_t low = 0;
      for (size_t i = 0; i < combos_[k].low_rows.size(); ++i) {
        if (combos_[k].low_rows[i] != 0) low |= uint64_t{1} << i;
      }
      if (low != combos_[k].placed_low) combos_changed_ = true;  // a null changed sides
      if (combos_[k].rows != 0) continue;
      auto it = combo_ids_.find(combos_[k].key);
      if (it == combo_ids_.end() || it->second != k) continue;
      combo_ids_.erase(it);
      ++dead_combos_;
      combos_changed_ = true;
    }
  }
  if (combos_changed_) refresh_fields();
  combos_changed_ = false;

  ViewDelta out;
  // Deepest first, so a node's empty descendants are gone before the node itself.
  std::stable_sort(touched_.begin(), touched_.end(),
                   [](const Node* a, const Node* b) { return a->depth > b->depth; });
  auto forget_visible = [this] {
    for (Node* n : visible_) n->visible_index = SIZE_MAX;
    visible_.clear();
  };
  bool shape_changed = false;
  for (Node* node : touched_) {
    if (node != root_.get() && node->size == 0 && node->visible_index != SIZE_MAX) {
      ++out.num_removed;
    }
  }
  for (Node*& node : touched_) {
    if (node == root_.get() || node->size != 0) continue;
    if (!shape_changed) forget_visible();  // visible_ may hold this node
    shape_changed = true;
    Node* parent = node->parent;
    parent->order.erase(std::find(parent->order.begin(), parent->order.end(), node));
    const Value key = node->path.back();
    parent->children.erase(key);  // destroys it
    node = nullptr;
  }
  // New aggregate values; siblings whose sort values moved are re-placed.
  std::vector<Node*> report;
  std::map<Node*, std::vector<Node*>> moved;  // parent → children to re-place
  for (Node* node : touched_) {
    if (!node) continue;
    const std::vector<Value> old_sort = node->sort_values;
    const std::vector<uint8_t> old_low = node->sort_low;
    std::vector<uint32_t> combos = node->touched_combos;  // recompute() clears them
    if (!split()) combos.assign(1, 0);
    const bool changed = recompute(node);
    if (changed || node->fresh || reports_unchanged(node, combos)) report.push_back(node);
    const bool was_low = node->placed_low;
    node->placed_low = node->low_nulls != 0;
    if (node->parent && (node->fresh || node->sort_values != old_sort ||
                         node->sort_low != old_low || node->placed_low != was_low)) {
      moved[node->parent].push_back(node);
    }
  }
  for (auto& [parent, children] : moved) {
    if (!shape_changed) forget_visible();
    shape_changed = true;
    std::vector<Node*>& order = parent->order;
    if (children.size() * 8 > order.size()) {
      for (Node* c : children) {
        if (c->fresh) order.push_back(c);
      }
      std::sort(order.begin(), order.end(),
                [this](const Node* a, const Node* b) { return before(a, b); });
      continue;
    }
    for (Node* c : children) {
      if (!c->fresh) order.erase(std::find(order.begin(), order.end(), c));
    }
    for (Node* c : children) place(c);
  }
  if (total_open_) {  // Perspective closes an opened TOTAL view on every update
    total_open_ = false;
    if (!shape_changed) forget_visible();
    shape_changed = true;
  }
  if (shape_changed) refresh_visible();
  // Like Perspective (t_ctx1/t_ctx2::get_rows_changed): the visible rows with a node
  // whose aggregates changed, in view order — a new column group alone reports nothing.
  for (Node* node : report) {
    if (node->visible_index != SIZE_MAX) out.changed_rows.push_back(node->visible_index);
  }
  std::sort(out.changed_rows.begin(), out.changed_rows.end());
  for (Node* node : touched_) {
    if (!node) continue;
    node->touched = false;
    node->fresh = false;
  }
  touched_.clear();
  if (dead_combos_ > kDeadComboSlack + 2 * combo_ids_.size()) {
    // Drop the states of column groups long gone: rebuild (amortised over their rows).
    std::vector<RowId> rows = ordered_rows(root_.get(), std::nullopt);
    std::sort(rows.begin(), rows.end(),
              [this](RowId a, RowId b) { return table_->compare_primary_keys(a, b) < 0; });
    reset(rows);
  }
  return out;
}

}  // namespace chview::engine::detail
