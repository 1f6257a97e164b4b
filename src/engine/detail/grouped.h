// The rollup tree of a grouped view (internal to engine/): Perspective's ctx1 semantics
// (spec §3.3): row 0 is the grand total, then depth-first pre-order, siblings by key
// ascending with the null group last (or by a sort column's aggregate), every node's
// aggregates computed from its own underlying rows. Grouped views are kept by an
// incremental RollupTree (rollup_tree.h: cost ∝ changed rows); split-only views and views
// with column sorts rebuild the whole tree on every change (cost ∝ filtered rows × depth).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/detail/aggregate.h"
#include "engine/detail/split_keys.h"
#include "engine/table.h"
#include "engine/view.h"
#include "engine/view_config.h"

namespace chview::engine::detail {

struct GroupedColumn {
  Field field;            // output name and schema type (§3.10)
  std::string aggregate;  // as requested ("sum", "avg", …)
  AggSpec spec;
};

struct GroupedSort {
  AggSpec spec;  // the aggregate the sort compares (visible or hidden column)
  SortOp op = SortOp::kAsc;
  // Perspective computes first/last by index/last minus first as null for a column used
  // only as a sort key, so such a sort leaves siblings in key order.
  bool all_ties = false;
  // When a hidden sort column is group_by[key_level], rows at or below that level sort
  // by their key there instead of by the aggregate.
  std::optional<size_t> key_level = std::nullopt;
};

// <0, 0, >0 for one sort term. A null aggregate orders above every value (asc: last),
// except under abs sorts, where it reads as 0, and when Perspective marks the cell
// invalid over a stale value (`low` — var/stddev/weighted mean without data, a
// non-unique `unique`), which orders below every value.
int compare_sort_value(const Value& a, bool a_low, const Value& b, bool b_low, SortOp op);

// Row paths in Value order (expand/collapse state is kept by path).
struct PathLess {
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const;
};

class RollupTree;

// Testing: false makes GroupedTrees created afterwards rebuild on every change (the
// reference implementation the incremental RollupTree is checked against).
void use_rollup_trees(bool enabled);

class GroupedTree {
 public:
  // With split_by, output columns are the split combinations present in the rows ×
  // `columns` ("x|v"); without group_by (and not TOTAL) the view is split-only: one row
  // per table row, each holding its raw values (pass `any` aggregates) in its own
  // combination's columns.
  GroupedTree(const Table& table, std::vector<size_t> group_by, std::vector<size_t> split_by,
              std::vector<GroupedColumn> columns, std::vector<GroupedSort> sorts,
              GroupRollupMode mode, std::optional<uint32_t> depth);
  ~GroupedTree();

  // Column sorts (`col asc`…, op already mapped to asc/desc/…): order the split column
  // groups by each term's aggregate over the whole view in that group (key_level: by the
  // group's split_by value at that level). Call before rebuild().
  // Column sorts are not kept incrementally: such views rebuild on every change.
  void set_column_sorts(std::vector<GroupedSort> sorts);

  // Recomputes the tree (and the split columns) from the view's rows (filtered, in
  // primary-key order), keeping expand/collapse state by row path.
  void rebuild(std::span<const RowId> rows);

  // Except split-only views and column sorts: apply a change in time ∝ the rows changed (see
  // RollupTree::apply). `leaving`: rows that left or changed (ids only); `entering`: live
  // rows that (re-)entered the view.
  bool incremental() const { return rollup_ != nullptr; }
  ViewDelta apply(std::span<const RowId> leaving, std::span<const RowId> entering);

  size_t num_rows() const;
  // Output columns; with split_by they change with the data (call after rebuild()).
  const std::vector<Field>& fields() const;
  bool split_only() const {
    return group_by_.empty() && !split_by_.empty() && mode_ != GroupRollupMode::kTotal;
  }
  // Rows and columns [first_col, last_col) of the visible rows given.
  ViewSlice gather(std::span<const size_t> view_rows, size_t first_col, size_t last_col) const;

  // Perspective's replies: rows added / removed.
  size_t expand(size_t row_index);
  size_t collapse(size_t row_index);
  void set_depth(uint32_t depth);

 private:
  struct Node {
    std::vector<Value> path;
    size_t depth = 0;
    std::vector<size_t> children;
    std::vector<RowId> rows;
    std::vector<Value> values;       // per output column (split combination × column)
    std::vector<Value> sort_values;  // per sort term
    std::vector<uint8_t> sort_low;   // per sort term: an invalid (low-sorting) null
    bool expanded = true;
  };
  void build(size_t node);
  void compute(size_t node, size_t parent);
  std::vector<Value> compute_values(size_t node, size_t parent) const;
  void sort_children(size_t node);
  bool sorts_before(size_t a, size_t b) const;  // node a before sibling b
  void order_combos(std::span<const RowId> rows);
  bool sort_value_is_invalid(const AggSpec& spec, std::span<const RowId> rows, bool leaf,
                             const Value& value) const;
  void refresh_visible();
  void visit(size_t node);
  bool default_expanded(size_t depth) const;

  const Table* table_;
  std::vector<size_t> group_by_;
  std::vector<size_t> split_by_;
  std::optional<SplitKeys> splits_;  // set by rebuild()
  std::vector<double> total_sums_;   // per column: its sum over the whole view
  std::vector<GroupedSort> column_sorts_;
  std::vector<size_t> combo_order_;  // split combinations in output order
  std::vector<GroupedColumn> columns_;
  std::vector<GroupedSort> sorts_;
  GroupRollupMode mode_;
  std::optional<uint32_t> depth_limit_;  // nodes at depth < limit are expanded
  std::vector<Field> fields_;
  std::vector<Node> nodes_;                                 // nodes_[0] is the grand total
  std::vector<size_t> visible_;                             // node per view row
  std::map<std::vector<Value>, bool, PathLess> overrides_;  // explicit expand/collapse
  std::unique_ptr<RollupTree> rollup_;                      // set when incremental()
  bool total_open_ = false;  // TOTAL mode: expand(0) showed the first level (until rebuild)
  // Split-only: collapse(0) hides every row (kept across rebuilds) until expand(0).
  bool split_hidden_ = false;
  std::vector<size_t> hidden_rows_;
};

}  // namespace chview::engine::detail
