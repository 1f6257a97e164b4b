// Internal to protocol/: what the outputs of grouped, pivoted and split-only views need
// to know about a view beyond its values — Perspective's context kind, the table column
// behind each output column, the aggregates it reports, its min/max rule
// (perspective-protocol.md §3.2, §3.5, §4).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "columnar/types.h"
#include "columnar/value.h"
#include "engine/view.h"
#include "protocol/encode/arrow_adapter.h"
#include "protocol/encode/json_encoder.h"
#include "protocol/perspective.pb.h"

namespace chview::protocol::detail {

namespace proto = ::perspective::proto;

enum class ViewShape {
  kFlat,       // ctx0
  kGrouped,    // ctx1: group_by, no split_by (incl. TOTAL mode with group_by)
  kTotalOnly,  // ctx1 without group_by: TOTAL mode, one row
  kPivoted,    // ctx2: group_by and split_by
  kSplitOnly,  // ctx2 column-only: split_by without group_by
};

ViewShape shape_of(const engine::ViewConfig& config);
encode::RowLabelling labelling_of(const engine::ViewConfig& config);

// The view's data columns in `columns` order (config.columns, or every table column).
std::vector<std::string> visible_columns(const engine::View& view);

// The aggregate Perspective reports for each aggregated column (get_config's map):
// visible columns, then the column of each sort term not among them (a later term of the
// same column replaces an earlier one). Names canonical ("avg" → "mean"),
// arguments after the name. Empty for flat and total-only views.
std::vector<engine::Aggregate> reported_aggregates(const engine::View& view);

// column_paths entries Perspective adds after the engine's: a grouped or total-only view
// lists the column of each column sort on a hidden column (not also a hidden row sort).
std::vector<std::string> hidden_column_paths(const engine::View& view);

// ViewSchemaResp entries: source column name → type (pivoted views name the table column,
// not "x|v"; non-flat views also list hidden sort columns; a split view without split
// columns — its filter keeps no row — has none).
std::vector<std::pair<std::string, columnar::ColumnType>> view_schema(const engine::View& view);

// num_view_columns as Perspective reports it (a column sort on a split view without row
// sorts counts its hidden columns too).
size_t num_view_columns(const engine::View& view);

// Perspective's column window of a split view with column sorts but no row sorts counts
// the hidden sort columns (after each split group's visible columns); this maps such a
// window onto the visible columns. Other views: unchanged.
proto::ViewPort visible_window(const engine::View& view, const proto::ViewPort& viewport);

// The Arrow layout of a slice of `view` (row-path columns, aggregate widths).
encode::ArrowLayout arrow_layout(const engine::View& view, const engine::ViewSlice& slice,
                                 bool legacy_row_path_names);

// __INDEX__ of each row of a grouped (ctx1) slice: the primary keys of the table rows
// under the row, in reverse tree order (Perspective walks its tree from the back).
std::vector<std::vector<columnar::Value>> grouped_row_indices(const engine::View& view,
                                                              const engine::ViewSlice& slice);

// An on_update ROW delta: the given view rows as Arrow, typed like to_arrow but without
// row-path columns (§5.5).
Result<std::string> encode_row_delta(const engine::View& view, std::span<const size_t> rows);
// The ROW delta of the view's last update (View::delta_rows: split-only views may lead
// with Perspective's hidden grand-total row).
Result<std::string> encode_row_delta(const engine::View& view, const engine::ViewDelta& delta);

// get_min_max on a grouped/pivoted/split-only view: over the aggregated values of the
// column's output columns in the visible rows of the deepest level that has a value
// (ctx1), or of the first level (ctx2). Error for a column the view does not show.
Result<std::pair<columnar::Value, columnar::Value>> aggregated_min_max(const engine::View& view,
                                                                       std::string_view column);

}  // namespace chview::protocol::detail
