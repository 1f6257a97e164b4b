// The rollup tree of a grouped view (internal to engine/): Perspective's ctx1 semantics
// (spec §3.3): row 0 is the grand total, then depth-first pre-order, siblings by key
// ascending with the null group last (or by a sort column's aggregate), every node's
// aggregates computed from its own underlying rows. v1 rebuilds the whole tree on every
// table change (cost ∝ filtered rows × depth, not ∝ delta).
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/detail/aggregate.h"
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
};

class GroupedTree {
 public:
  GroupedTree(const Table& table, std::vector<size_t> group_by, std::vector<GroupedColumn> columns,
              std::vector<GroupedSort> sorts, GroupRollupMode mode, std::optional<uint32_t> depth);

  // Recomputes the tree from the view's rows (filtered, in primary-key order), keeping
  // expand/collapse state by row path.
  void rebuild(std::span<const RowId> rows);

  size_t num_rows() const { return visible_.size(); }
  const std::vector<Field>& fields() const { return fields_; }
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
    std::vector<Value> values;       // per output column
    std::vector<Value> sort_values;  // per sort term
    bool expanded = true;
  };
  struct PathLess {
    bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const;
  };
  void build(size_t node);
  void compute(size_t node, size_t parent);
  void sort_children(size_t node);
  void refresh_visible();
  void visit(size_t node);
  bool default_expanded(size_t depth) const;

  const Table* table_;
  std::vector<size_t> group_by_;
  std::vector<GroupedColumn> columns_;
  std::vector<GroupedSort> sorts_;
  GroupRollupMode mode_;
  std::optional<uint32_t> depth_limit_;  // nodes at depth < limit are expanded
  std::vector<Field> fields_;
  std::vector<Node> nodes_;                                 // nodes_[0] is the grand total
  std::vector<size_t> visible_;                             // node per view row
  std::map<std::vector<Value>, bool, PathLess> overrides_;  // explicit expand/collapse
};

}  // namespace chview::engine::detail
