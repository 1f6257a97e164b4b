// RollupTree bulk load: the first rows of an empty tree (a view's creation) are grouped
// in one pass per level (dictionary codes for strings, one hash lookup per row
// otherwise), ordered by a stable counting sort per level, and every node then reads
// its contiguous run of rows once. Same states, fed in the same order, as insert_rows()
// (leaves in key order, primary-key order within a leaf), without its per-level
// partition maps and row-vector copies.
#include <algorithm>
#include <span>
#include <unordered_map>
#include <utility>

#include "engine/detail/rollup_tree.h"

namespace chview::engine::detail {
namespace {

constexpr uint32_t kUnseen = UINT32_MAX;

// One group_by level: each row's group as a rank in key order (null last), and the keys.
struct LevelGroups {
  std::vector<uint32_t> rank;  // by position in `rows`
  std::vector<Value> keys;     // by rank
};

LevelGroups group_level(const Column& column, std::span<const RowId> rows) {
  LevelGroups out;
  out.rank.resize(rows.size());
  std::vector<uint32_t> id_of_code;  // string columns: dictionary code → group id
  std::unordered_map<Value, uint32_t, columnar::ValueHash> id_of_value;
  const bool strings = column.type() == ColumnType::kString;
  if (strings) id_of_code.assign(column.dictionary().size(), kUnseen);
  for (size_t i = 0; i < rows.size(); ++i) {
    const RowId r = rows[i];
    uint32_t id;
    if (strings && column.is_valid(r)) {
      const uint32_t code = column.code_at(r);
      if (code >= id_of_code.size()) id_of_code.resize(code + size_t{1}, kUnseen);
      id = id_of_code[code];
      if (id == kUnseen) {
        id = id_of_code[code] = static_cast<uint32_t>(out.keys.size());
        out.keys.push_back(column.value_at(r));
      }
    } else {
      auto [it, added] =
          id_of_value.try_emplace(column.value_at(r), static_cast<uint32_t>(out.keys.size()));
      if (added) out.keys.push_back(it->first);
      id = it->second;
    }
    out.rank[i] = id;
  }
  // Ids in first-seen order → ranks in key order.
  std::vector<uint32_t> by_key(out.keys.size());
  for (uint32_t i = 0; i < by_key.size(); ++i) by_key[i] = i;
  std::sort(by_key.begin(), by_key.end(), [&out](uint32_t a, uint32_t b) {
    const Value &x = out.keys[a], &y = out.keys[b];
    if (x.is_null()) return false;
    if (y.is_null()) return true;
    return columnar::compare(x, y) < 0;
  });
  std::vector<uint32_t> rank_of_id(by_key.size());
  std::vector<Value> keys(by_key.size());
  for (uint32_t k = 0; k < by_key.size(); ++k) {
    rank_of_id[by_key[k]] = k;
    keys[k] = std::move(out.keys[by_key[k]]);
  }
  out.keys = std::move(keys);
  for (uint32_t& r : out.rank) r = rank_of_id[r];
  return out;
}

}  // namespace

struct RollupTree::Bulk {
  std::vector<RowId> sorted;    // rows leaf by leaf in key order
  std::vector<uint32_t> ranks;  // by sorted index × level
  size_t levels = 0;
  std::vector<std::vector<Value>> keys;  // by level, by rank
  // split_by: the same rows ordered by column group within each leaf, so every cell's
  // rows are runs (leaf by leaf, primary-key order within a leaf, as in `sorted`).
  std::vector<RowId> by_combo;
  std::vector<uint32_t> combo_at;  // by by_combo index
  struct Span {
    Node* node;
    size_t begin, end;
  };
  std::vector<Span> nodes;      // every node's range, pre-order
  bool keys_presorted = false;  // by_key sets are filled by fill_key_orders()
};

void RollupTree::bulk_insert(std::span<const RowId> rows) {
  Bulk bulk;
  const size_t levels = bulk.levels = group_by_.size();
  std::vector<LevelGroups> groups;
  groups.reserve(levels);
  for (size_t d = 0; d < levels; ++d) {
    groups.push_back(group_level(table_->column(group_by_[d]), rows));
  }
  // Positions ordered by (rank at level 0, …, rank at the last level, position): one
  // stable counting sort per level, deepest first.
  std::vector<uint32_t> order(rows.size()), scratch(rows.size());
  auto counting_sort = [&](size_t buckets, auto bucket_of) {
    std::vector<size_t> start(buckets + 1, 0);
    for (uint32_t p : order) ++start[bucket_of(p) + size_t{1}];
    for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    for (uint32_t p : order) scratch[start[bucket_of(p)]++] = p;
    order.swap(scratch);
  };
  auto sort_by_levels = [&] {
    for (size_t d = levels; d-- > 0;) {
      const std::vector<uint32_t>& rank = groups[d].rank;
      counting_sort(groups[d].keys.size(), [&rank](uint32_t p) { return rank[p]; });
    }
  };
  if (split() && !rows.empty()) {  // (ranks…, column group, position)
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    counting_sort(combos_.size(), [&](uint32_t p) { return combo_of_[rows[p]]; });
    sort_by_levels();
    bulk.by_combo.resize(order.size());
    bulk.combo_at.resize(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      bulk.by_combo[i] = rows[order[i]];
      bulk.combo_at[i] = combo_of_[bulk.by_combo[i]];
    }
  }
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  sort_by_levels();
  bulk.ranks.resize(order.size() * levels);
  bulk.sorted.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    bulk.sorted[i] = rows[order[i]];
    for (size_t d = 0; d < levels; ++d) bulk.ranks[i * levels + d] = groups[d].rank[order[i]];
  }
  scratch = {};
  for (LevelGroups& g : groups) bulk.keys.push_back(std::move(g.keys));
  groups = {};
  // Rows in primary-key order (a view's creation): every node's key order is its rows in
  // the given order, so the sets are loaded presorted instead of sorted per node.
  bulk.keys_presorted = key_order_;
  for (size_t i = 1; bulk.keys_presorted && i < rows.size(); ++i) {
    bulk.keys_presorted =
        PrimaryKeyLess{}({key_of_[rows[i - 1]], rows[i - 1]}, {key_of_[rows[i]], rows[i]});
  }
  build_range(root_.get(), bulk, 0, bulk.sorted.size());
  if (bulk.keys_presorted) fill_key_orders(bulk, rows, order);
  order = {};
  add_gathered_states(bulk);
}

// Each node's (primary key, row) pairs in the rows' (primary-key) order: one pass over
// the rows per level. `order`: sorted index → position in `rows`.
void RollupTree::fill_key_orders(const Bulk& bulk, std::span<const RowId> rows,
                                 const std::vector<uint32_t>& order) {
  std::vector<std::vector<std::pair<Value, RowId>>> lists(bulk.nodes.size());
  std::vector<uint32_t> owner(rows.size());
  for (size_t d = 0; d <= group_by_.size(); ++d) {
    for (uint32_t n = 0; n < bulk.nodes.size(); ++n) {
      const Bulk::Span& span = bulk.nodes[n];
      if (span.node->depth != d) continue;
      lists[n].reserve(span.end - span.begin);
      for (size_t i = span.begin; i < span.end; ++i) owner[order[i]] = n;
    }
    for (size_t p = 0; p < rows.size(); ++p)
      lists[owner[p]].emplace_back(key_of_[rows[p]], rows[p]);
  }
  for (uint32_t n = 0; n < bulk.nodes.size(); ++n) {
    bulk.nodes[n].node->by_key.assign_sorted(std::move(lists[n]));
  }
}

// `node` takes sorted[begin, end) (its rows, leaf by leaf in key order); its children are
// the runs of equal rank at its depth.
void RollupTree::build_range(Node* node, Bulk& bulk, size_t begin, size_t end) {
  touch(node);
  node->size += end - begin;
  bulk.nodes.push_back({node, begin, end});
  add_bulk_states(node, bulk, begin, end);
  if (is_leaf(node)) {
    node->rows.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
      const RowId r = bulk.sorted[i];
      leaf_of_[r] = node;
      position_[r] = static_cast<uint32_t>(node->rows.size());
      node->rows.push_back(r);
    }
    note_null_kinds(node, {bulk.sorted.data() + begin, end - begin});
    return;
  }
  const size_t d = node->depth, levels = bulk.levels;
  for (size_t from = begin; from < end;) {
    const uint32_t rank = bulk.ranks[from * levels + d];
    size_t to = from + 1;
    while (to < end && bulk.ranks[to * levels + d] == rank) ++to;
    const Value& key = bulk.keys[d][rank];
    auto child = make_node(node, key);
    Node* raw = child.get();
    node->children.emplace_hint(node->children.end(), key, std::move(child));
    build_range(raw, bulk, from, to);
    from = to;
  }
}

// Counts, key orders and the states that read scattered rows; the running sums and
// counts are added by add_gathered_states().
bool RollupTree::reads_gathered(const Slot& s) const {
  if (s.method != Method::kState || s.argument_snapshot >= 0) return false;
  return s.snapshot < 0 ||
         AggState(s.spec.kind).reads_gathered(snapshots_[static_cast<size_t>(s.snapshot)].type());
}

void RollupTree::add_bulk_states(Node* node, const Bulk& bulk, size_t begin, size_t end) {
  const std::span<const RowId> rows(bulk.sorted.data() + begin, end - begin);
  for (size_t t = 0; t < sort_slots_.size(); ++t) {
    if (!reads_gathered(sort_slots_[t])) feed(node->sort_states[t], sort_slots_[t], rows);
  }
  if (key_order_ && !bulk.keys_presorted) {
    for (RowId r : rows) node->by_key.insert({key_of_[r], r});
  }
  if (rows.empty() || (node == root_.get() && split())) return;  // (apply() adds those)
  const size_t width = columns_.size();
  if (!split()) {
    ensure_cells(node, 0);
    node->cell_rows[0] += rows.size();
    touch_combo(node, 0);
    for (size_t i = 0; i < width; ++i) {
      if (!reads_gathered(column_slots_[i])) feed(node->cells[i], column_slots_[i], rows);
    }
    return;
  }
  // Runs of one column group in by_combo, leaf by leaf: each cell reads its rows in the
  // same order as from `sorted`.
  for (size_t from = begin; from < end;) {
    const uint32_t k = bulk.combo_at[from];
    size_t to = from + 1;
    while (to < end && bulk.combo_at[to] == k) ++to;
    ensure_cells(node, k);
    node->cell_rows[k] += to - from;
    touch_combo(node, k);
    const std::span<const RowId> run(bulk.by_combo.data() + from, to - from);
    for (size_t i = 0; i < width; ++i) {
      if (!reads_gathered(column_slots_[i]))
        feed(node->cells[k * width + i], column_slots_[i], run);
    }
    if (cell_key_order_) {
      for (RowId r : run) node->cell_keys[k].insert({key_of_[r], r});
    }
    from = to;
  }
}

// Slot by slot: the column's cells gathered once in the order nodes read them (one
// contiguous range per node, or per column-group run), into one reused buffer.
void RollupTree::add_gathered_states(const Bulk& bulk) {
  GatheredCells cells;
  std::vector<AggState*> path;
  // Leaf by leaf, the leaf's rows into the states `state_of` picks on the leaf and each
  // ancestor (root included if `with_root`) at once: each state still reads its rows in
  // order, and the independent float sums overlap (AggState::add_gathered_to).
  auto add_by_leaf = [&](const Slot& s, auto state_of, bool with_root) {
    for (const Bulk::Span& n : bulk.nodes) {
      if (n.begin == n.end || (n.node == root_.get() && !with_root)) continue;
      if (s.snapshot < 0) {  // count: per node, no cells read
        state_of(n.node, n.begin, n.end, [](AggState& state, size_t from, size_t to) {
          state.add_count(static_cast<int64_t>(to - from));
        });
        continue;
      }
      if (!is_leaf(n.node)) continue;
      // A leaf: its runs (one, or one per column group) into the whole path.
      state_of(n.node, n.begin, n.end, [&](AggState&, size_t from, size_t to) {
        path.clear();
        for (Node* node = n.node; node; node = node->parent) {
          if (node == root_.get() && !with_root) break;
          state_of(node, from, to,
                   [&](AggState& state, size_t, size_t) { path.push_back(&state); });
        }
        AggState::add_gathered_to(path, cells, from, to);
      });
    }
  };
  auto gather = [&](const Slot& s, const std::vector<RowId>& order) {
    if (s.snapshot >= 0) cells.gather_from(snapshots_[static_cast<size_t>(s.snapshot)], order);
  };
  for (size_t t = 0; t < sort_slots_.size(); ++t) {
    const Slot& s = sort_slots_[t];
    if (!reads_gathered(s)) continue;
    gather(s, bulk.sorted);
    add_by_leaf(
        s,
        [&](Node* node, size_t from, size_t to, auto&& fn) { fn(node->sort_states[t], from, to); },
        true);
  }
  const size_t width = columns_.size();
  for (size_t i = 0; i < width; ++i) {
    const Slot& s = column_slots_[i];
    if (!reads_gathered(s)) continue;
    gather(s, split() ? bulk.by_combo : bulk.sorted);
    if (!split()) {
      add_by_leaf(
          s, [&](Node* node, size_t from, size_t to, auto&& fn) { fn(node->cells[i], from, to); },
          true);
      continue;
    }
    // Column groups: runs of one group within [from, to); a run's state per node.
    add_by_leaf(
        s,
        [&](Node* node, size_t from, size_t to, auto&& fn) {
          for (size_t a = from; a < to;) {
            const uint32_t k = bulk.combo_at[a];
            size_t b = a + 1;
            while (b < to && bulk.combo_at[b] == k) ++b;
            fn(node->cells[k * width + i], a, b);
            a = b;
          }
        },
        false);
  }
}

void RollupTree::add_cells_by_combo(Node* node, std::span<const RowId> rows) {
  auto spread = [this](const Slot& s) { return s.snapshot >= 0 && reads_gathered(s); };
  std::vector<std::pair<uint32_t, RowId>> by_combo;
  by_combo.reserve(rows.size());
  if (rows.size() >= combos_.size()) {  // counting sort (stable)
    std::vector<size_t> start(combos_.size() + 1, 0);
    for (RowId r : rows) ++start[combo_of_[r] + size_t{1}];
    for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    by_combo.resize(rows.size());
    for (RowId r : rows) by_combo[start[combo_of_[r]]++] = {combo_of_[r], r};
  } else {
    for (RowId r : rows) by_combo.emplace_back(combo_of_[r], r);
    std::stable_sort(by_combo.begin(), by_combo.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  std::vector<RowId> group;
  const size_t width = columns_.size();
  for (size_t from = 0; from < by_combo.size();) {
    const uint32_t k = by_combo[from].first;
    group.clear();
    size_t to = from;
    for (; to < by_combo.size() && by_combo[to].first == k; ++to) {
      group.push_back(by_combo[to].second);
    }
    ensure_cells(node, k);
    node->cell_rows[k] += group.size();
    touch_combo(node, k);
    for (size_t i = 0; i < width; ++i) {
      if (!spread(column_slots_[i])) feed(node->cells[k * width + i], column_slots_[i], group);
    }
    if (cell_key_order_) {
      for (RowId r : group) node->cell_keys[k].insert({key_of_[r], r});
    }
    from = to;
  }
  // Running sums: one pass in the given order, each row into its group's state (the
  // groups' add chains overlap; each state still reads its rows in order).
  for (size_t i = 0; i < width; ++i) {
    const Slot& s = column_slots_[i];
    if (!spread(s)) continue;
    AggState::add_rows_spread(snapshots_[static_cast<size_t>(s.snapshot)], rows, combo_of_,
                              &node->cells[i], width);
  }
}

void RollupTree::feed(AggState& state, const Slot& s, std::span<const RowId> rows) {
  if (s.method != Method::kState) return;
  if (s.snapshot < 0) {  // count
    state.add_count(static_cast<int64_t>(rows.size()));
    return;
  }
  const Column* argument =
      s.argument_snapshot >= 0 ? &snapshots_[static_cast<size_t>(s.argument_snapshot)] : nullptr;
  state.add_rows(snapshots_[static_cast<size_t>(s.snapshot)], argument, rows);
}

void RollupTree::unfeed(AggState& state, const Slot& s, RowId row) {
  if (s.method != Method::kState) return;
  if (s.snapshot < 0) {  // count
    state.add_count(-1);
    return;
  }
  const Column* argument =
      s.argument_snapshot >= 0 ? &snapshots_[static_cast<size_t>(s.argument_snapshot)] : nullptr;
  state.remove(snapshots_[static_cast<size_t>(s.snapshot)], argument, row);
}

// combo_for() of each row; string split_by columns (up to two) are looked up by their
// dictionary codes, so a bulk load builds no Value keys per row.
void RollupTree::assign_combos(std::span<const RowId> rows) {
  bool by_codes = split() && split_by_.size() <= 2 && rows.size() > 64;
  for (size_t c : split_by_) by_codes = by_codes && table_->column(c).type() == ColumnType::kString;
  std::unordered_map<uint64_t, uint32_t> by_code;
  for (RowId r : rows) {
    uint32_t combo;
    if (by_codes) {
      uint64_t key = 0;
      for (size_t c : split_by_) {
        const Column& column = table_->column(c);
        key = key << 32 | (column.is_valid(r) ? column.code_at(r) : UINT32_MAX);
      }
      auto [it, added] = by_code.try_emplace(key, 0);
      if (added) it->second = combo_for(r);
      combo = it->second;
    } else {
      combo = combo_for(r);
    }
    combo_of_[r] = combo;
    ++combos_[combo].rows;
    Combo& c = combos_[combo];
    for (size_t i = 0; i < split_by_.size() && i < 64; ++i) {
      if (!is_low_null(table_->column(split_by_[i]), r)) continue;
      if (c.low_rows.size() <= i) c.low_rows.resize(split_by_.size(), 0);
      ++c.low_rows[i];
      split_low_mask_[r] |= uint64_t{1} << i;
    }
  }
}

}  // namespace chview::engine::detail
