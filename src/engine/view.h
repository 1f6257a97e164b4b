// View: a filtered, sorted projection of a Table: flat, or pivoted (group_by → rollup
// tree with aggregates, split_by → "x|v" column groups; detail/grouped.h). Expressions
// are rejected by make(). Keeps its row order current under
// TableDeltas and produces only the requested viewport.
//
// Lifetime: the Table must outlive its Views. Thread-safety: none (one thread, with
// the Table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "columnar/column.h"
#include "columnar/types.h"
#include "columnar/value.h"
#include "engine/table.h"
#include "engine/view_config.h"

namespace chview::engine {

// Perspective's ViewPort: half-open [start, end); absent start = 0, absent end = all.
struct Viewport {
  std::optional<uint32_t> start_row = {};
  std::optional<uint32_t> start_col = {};
  std::optional<uint32_t> end_row = {};
  std::optional<uint32_t> end_col = {};
};

// A rectangular piece of the view. Ranges are clamped to the view size (start > end
// becomes start = end). `fields`/`columns` cover [start_col, end_col) even when the row
// range is empty; Perspective's JSON output for an empty row range is `{}`, which is the
// encoder's business.
struct ViewSlice {
  size_t start_row = 0, end_row = 0;  // view rows [start_row, end_row)
  size_t start_col = 0, end_col = 0;  // visible data columns [start_col, end_col)
  std::vector<Field> fields;          // the visible columns in range, in order
  std::vector<Column> columns;        // one per field, num_rows() values each
  std::vector<Value> row_keys;        // primary key per row (for __ID__ / __INDEX__);
                                      // grouped views: null (their __ID__ is the row path)
  // Grouped views (group_by non-empty) only: has_row_paths, one `__ROW_PATH__` per row
  // (the total row's path is empty; values typed like the group_by columns), and the
  // aggregate behind each field. fields[i].type is the view-schema type (§3.10);
  // columns[i].type() the type of the computed values (they differ for `and`/`join` on
  // non-boolean/non-string columns). Encoders pick Arrow widths from the aggregate (§4.5).
  bool has_row_paths = false;
  std::vector<std::vector<Value>> row_paths;
  std::vector<std::string> aggregates;  // per field; empty for flat views

  size_t num_rows() const { return row_keys.size(); }
};

struct ViewDimensions {
  size_t num_table_rows = 0;
  size_t num_table_columns = 0;
  size_t num_view_rows = 0;
  size_t num_view_columns = 0;
};

// What an update did to a view. `changed_rows` are view row indices (ascending, in
// the view's new order) of rows inserted into or updated within the view; rows that
// left the view are only counted. Read their new state with View::rows(), or the whole
// on_update ROW delta with View::delta_rows().
// Grouped views follow Perspective 5.5.1: a row is listed when one of its tree nodes'
// aggregates changed (not merely because a new column group appeared elsewhere).
// `total_row` (split-only views only): Perspective's delta starts with its hidden
// grand-total row (not a view row: per column group, the first truthy value).
struct ViewDelta {
  std::vector<size_t> changed_rows;
  size_t num_removed = 0;
  bool total_row = false;
  bool changed() const { return !changed_rows.empty() || num_removed > 0 || total_row; }
};

struct ViewOptions {
  // Pivoted views: group_by, split_by, group_rollup_mode TOTAL. The protocol layer passes
  // true (protocol/view_requests.cpp make_view_or_throw); off by default for callers that
  // only want flat views.
  bool pivot = false;
};

class View {
 public:
  // Validates `config` against the table. User errors (ErrorCode::kInvalidArgument) use
  // Perspective's texts, e.g. "Invalid column 'nope' found in View columns.\n",
  // "Unknown filter operator string: `bogus`\n"; split_by/expressions and aggregates
  // chview cannot compute ("div", "identity", …) give kUnsupported.
  // Without ViewOptions::pivot, group_by / split_by / TOTAL mode give kUnsupported
  // ("group_by is not supported yet"). With it, split_rollup_mode ROLLUP and column sorts
  // on split_by views are still kUnsupported.
  static Result<std::unique_ptr<View>> make(const Table& table, ViewConfig config);
  static Result<std::unique_ptr<View>> make(const Table& table, ViewConfig config,
                                            const ViewOptions& options);
  ~View();
  View(const View&) = delete;
  View& operator=(const View&) = delete;

  const ViewConfig& config() const;
  const Table& table() const;

  ViewDimensions dimensions() const;
  size_t num_rows() const;
  // Visible data columns in output order (hidden sort columns excluded).
  const std::vector<Field>& fields() const;
  // Names of fields() (Perspective's column_paths for flat views).
  std::vector<std::string> column_paths() const;

  ViewSlice slice(const Viewport& viewport) const;
  // The given view rows (each < num_rows(), any order) with every visible column;
  // for on_update ROW deltas.
  ViewSlice rows(std::span<const size_t> view_rows) const;
  // The on_update ROW delta of the last update(): rows(delta.changed_rows), preceded by
  // the split-only grand-total row when delta.total_row (its row key is null).
  ViewSlice delta_rows(const ViewDelta& delta) const;
  // Minimum and maximum non-null value of a column over the view's rows (nulls if
  // none). Error for a column not in the table.
  Result<std::pair<Value, Value>> min_max(std::string_view column) const;

  // Bring the view up to date with a table mutation. Must be called for every delta,
  // in order, before any other call on this view.
  ViewDelta update(const TableDelta& delta);

  // Tree navigation. Flat views: no-ops; expand/collapse return row_index (what
  // Perspective replies).
  size_t expand(size_t row_index);
  size_t collapse(size_t row_index);
  void set_depth(uint32_t depth);

 private:
  struct State;
  explicit View(std::unique_ptr<State> state);
  ViewDelta update_grouped(std::vector<RowId> incoming, ViewDelta out);
  std::unique_ptr<State> state_;
};

}  // namespace chview::engine
