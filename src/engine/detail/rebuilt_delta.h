// ROW deltas of grouped views that rebuild on every change (split-only views, column
// sorts): the whole view before and after the change is compared, and only what
// Perspective 5.5.1 reports is kept (internal to engine/).
//
// Perspective (t_ctx2::get_rows_changed) reports, in view order, the rows with a tree
// node whose aggregates changed. Split-only views (its "column only" ctx2, `any`
// aggregates) also report the hidden grand-total row first, as a row of the delta:
// it changes when a column group's first truthy value changes, when a column group is
// new, and — an artifact of Perspective comparing a typed old value with an untyped
// "nothing truthy" new value — whenever a recomputed node has a column without a
// truthy value.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "columnar/value.h"
#include "engine/view.h"

namespace chview::engine::detail {

struct RebuiltDeltaInput {
  const ViewSlice* before = nullptr;  // every row of the view before the change
  const ViewSlice* after = nullptr;   // and after it
  bool split_only = false;            // rows are table rows (identity: primary key)
  bool sorted = false;                // the view has a (row) sort
  size_t group_width = 1;             // columns per split column group (>= 1)
  // Primary keys of the rows the change re-entered into the view (updated or inserted).
  std::span<const Value> touched_keys;
  // Grouped views: the row paths of the tree nodes the change recomputed (the grand
  // total always is), and whether an aggregate makes Perspective list every recomputed
  // node (count, last: see rollup_delta.cpp).
  std::span<const std::vector<Value>> touched_paths;
  bool lists_recomputed = false;
  // split_by views: a row's cells are nodes per column group (none: nothing to list).
  bool pivoted = false;
};

// Sets changed_rows (view rows after the change, ascending) and total_row.
void diff_rebuilt_views(const RebuiltDeltaInput& in, ViewDelta& out);

// Split-only views: the hidden grand-total row (per field: the first truthy value of the
// field's column group in primary-key order, else the type's zero: 0, false, "").
std::vector<Value> split_only_total(const ViewSlice& all_rows);

}  // namespace chview::engine::detail
