// The incrementally maintained rollup tree of a grouped view (internal to engine/;
// GroupedTree forwards to it), with or without split_by. Same output as a rebuild (spec
// §3.3: grand total first, depth-first pre-order, siblings by key with the null group last
// or by a sort term's aggregate; §3.4: split_by column groups), but a table change
// touching k rows costs O(k × depth × log) plus the re-sorted sibling lists and one pass
// over the visible rows when the shape changed: nodes are found by key per level, each
// node keeps running aggregate states per column group (agg_state.h), siblings are
// re-positioned by binary insertion. first/last read primary-key-ordered row sets, `any`
// descends by truthy counts; dominant/mul/min by/max by are recomputed from the rows of
// the touched nodes only.
// Not handled here (GroupedTree rebuilds): split-only views and column sorts.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/detail/agg_state.h"
#include "engine/detail/grouped.h"
#include "engine/detail/order_statistic_set.h"

namespace chview::engine::detail {

class RollupTree {
 public:
  RollupTree(const Table& table, std::vector<size_t> group_by, std::vector<size_t> split_by,
             std::vector<GroupedColumn> columns, std::vector<GroupedSort> sorts,
             GroupRollupMode mode, std::optional<uint32_t> depth_limit);
  ~RollupTree();

  // Rebuilds from `rows` (live, primary-key order), keeping expand/collapse state by path.
  void reset(std::span<const RowId> rows);
  // `leaving`: rows that left or changed (ids only — their slots may hold other data
  // now; ids not in the tree are ignored). `entering`: live rows that (re-)entered.
  // Returns the visible rows whose values changed or that are new, and how many visible
  // rows went away.
  ViewDelta apply(std::span<const RowId> leaving, std::span<const RowId> entering);

  size_t num_rows() const { return visible_.size(); }
  // Output columns: column group (split combination) × column.
  const std::vector<Field>& fields() const { return fields_; }
  ViewSlice gather(std::span<const size_t> view_rows, size_t first_col, size_t last_col) const;
  size_t expand(size_t row_index);
  size_t collapse(size_t row_index);
  void set_depth(uint32_t depth);

 private:
  struct KeyLess {
    bool operator()(const Value& a, const Value& b) const;
  };
  // (primary key, row) in the table's key order (null keys first).
  struct PrimaryKeyLess {
    bool operator()(const std::pair<Value, RowId>& a, const std::pair<Value, RowId>& b) const;
  };
  using KeyOrder = OrderStatisticSet<std::pair<Value, RowId>, PrimaryKeyLess>;
  // Column groups: level by level ascending, null last (as SplitKeys).
  struct ComboLess {
    bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const;
  };
  // How an aggregate is kept: a running AggState; read from rows ordered by primary key
  // (first/last…: O(log n) upkeep); or recomputed from the node's rows.
  enum class Method { kState, kKeyOrder, kRows };
  struct Slot {
    AggSpec spec;
    Method method = Method::kRows;
    int snapshot = -1, argument_snapshot = -1;  // index in snapshots_ (kState; count: none)
  };
  // A split_by value combination (one column group). Ids are not reused before a reset.
  struct Combo {
    std::vector<Value> key;
    std::string prefix;              // "x|p|"
    size_t rows = 0;                 // in the view
    std::vector<uint32_t> low_rows;  // per split level: rows whose null there is low-kind
    uint64_t placed_low = 0;         // levels whose null sorted first at the last ordering
  };
  struct Node {
    Node* parent = nullptr;
    std::vector<Value> path;
    size_t depth = 0;
    std::map<Value, std::unique_ptr<Node>, KeyLess> children;  // key order
    std::vector<Node*> order;                                  // display order
    std::vector<RowId> rows;                                   // leaves only, any order
    size_t size = 0;                                           // rows below
    std::vector<AggState> sort_states;                         // per sort term
    std::vector<AggState> cells;                               // combo × column (grown on demand)
    std::vector<size_t> cell_rows;                             // per combo: rows below
    KeyOrder by_key;                                           // all rows (if key_order_)
    std::vector<KeyOrder> cell_keys;  // per combo (if cell_key_order_ and split)
    std::vector<Value> values;        // combo × column
    std::vector<Value> sort_values;   // per sort term
    std::vector<uint8_t> sort_low;
    std::vector<uint32_t> touched_combos;  // during apply()
    bool expanded = true;
    bool touched = false;
    bool fresh = false;       // created by the current apply()
    size_t low_nulls = 0;     // rows below whose (null) key here is low-kind (split_keys.h)
    bool placed_low = false;  // a null key placed first (low_nulls > 0 when last placed)
    size_t visible_index = SIZE_MAX;
  };

  // Structure (rollup_tree.cpp).
  std::unique_ptr<Node> make_node(Node* parent, Value key);
  void insert_rows(Node* node, std::vector<RowId> rows);
  // Into an empty tree, all at once (rollup_bulk.cpp).
  struct Bulk;
  void bulk_insert(std::span<const RowId> rows);
  void build_range(Node* node, Bulk& bulk, size_t begin, size_t end);
  void add_bulk_states(Node* node, const Bulk& bulk, size_t begin, size_t end);
  bool reads_gathered(const Slot& s) const;
  void add_gathered_states(const Bulk& bulk);
  void fill_key_orders(const Bulk& bulk, std::span<const RowId> rows,
                       const std::vector<uint32_t>& order);
  // Split views: `rows` grouped by column group (stable), one add_rows() per group.
  void add_cells_by_combo(Node* node, std::span<const RowId> rows);
  void add_to_states(Node* node, std::span<const RowId> rows, bool cells, bool sorts);
  // add_rows()/remove() of a slot's state from its snapshot columns (count: no cells).
  void feed(AggState& state, const Slot& s, std::span<const RowId> rows);
  void unfeed(AggState& state, const Slot& s, RowId row);
  void remove_row(RowId row);
  // Counts the low-kind null keys of rows entering `leaf` (and its ancestors).
  void note_null_kinds(Node* leaf, std::span<const RowId> rows);
  void touch(Node* node);
  void touch_combo(Node* node, uint32_t combo);
  void ensure_cells(Node* node, uint32_t combo);
  bool is_leaf(const Node* node) const { return node->depth == group_by_.size(); }
  bool before(const Node* a, const Node* b) const;
  void place(Node* node);  // binary-insert into the parent's display order
  void refresh_visible();
  void visit(Node* node);
  bool default_expanded(size_t depth) const;
  uint32_t combo_for(RowId row);  // registers new combinations
  void assign_combos(std::span<const RowId> rows);
  void refresh_fields();

  // Values (rollup_values.cpp).
  std::vector<RowId> ordered_rows(const Node* node, std::optional<uint32_t> combo) const;
  Value cell_value(const Node* node, uint32_t combo, size_t column) const;
  Value sort_value(const Node* node, size_t term) const;
  Value key_order_value(const Node* node, const AggSpec& spec, std::optional<uint32_t> combo,
                        const KeyOrder& keys) const;
  Value first_truthy(const Node* node, const AggSpec& spec, std::optional<uint32_t> combo,
                     const std::function<int64_t(const Node*)>& truthy_rows) const;
  bool recompute(Node* node);  // true if its shown values changed
  // Recomputed but unchanged, the node is still in Perspective's ROW delta
  // (rollup_delta.cpp); `combos`: the column groups recomputed.
  bool reports_unchanged(const Node* node, std::span<const uint32_t> combos) const;
  Value read_value(const Node* node, size_t field) const;
  double cell_sum(const Node* node, uint32_t combo, size_t column) const;
  bool split() const { return !split_by_.empty(); }

  const Table* table_;
  std::vector<size_t> group_by_;
  std::vector<size_t> split_by_;
  std::vector<GroupedColumn> columns_;
  std::vector<GroupedSort> sorts_;
  GroupRollupMode mode_;
  std::optional<uint32_t> depth_limit_;
  std::vector<Field> fields_;
  std::vector<Slot> column_slots_, sort_slots_;
  std::vector<Column> snapshots_;    // copies of the table columns the states read
  std::vector<size_t> snapshot_of_;  // table column of each snapshot
  bool key_order_ = false;           // some slot is Method::kKeyOrder
  bool cell_key_order_ = false;      // some column slot is
  std::vector<Value> key_of_;        // by RowId: primary key (if key_order_)
  std::vector<Combo> combos_;
  std::map<std::vector<Value>, uint32_t, ComboLess> combo_ids_;  // live combos
  std::vector<uint32_t> combo_order_;                            // live combos, output order
  size_t dead_combos_ = 0;
  bool combos_changed_ = false;
  std::vector<uint32_t> combo_of_;        // by RowId
  std::vector<uint64_t> low_mask_;        // by RowId: group_by levels with a low-kind null
  std::vector<uint64_t> split_low_mask_;  // by RowId: split_by levels with a low-kind null
  std::unique_ptr<Node> root_;
  std::vector<Node*> leaf_of_;      // by RowId
  std::vector<uint32_t> position_;  // by RowId: index in its leaf's rows
  std::vector<Node*> touched_;
  std::vector<Node*> visible_;
  std::map<std::vector<Value>, bool, PathLess> overrides_;
  bool total_open_ = false;  // TOTAL mode: expand(0) showed the first level (until apply())
};

}  // namespace chview::engine::detail
