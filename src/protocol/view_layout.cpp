#include "protocol/view_layout.h"

#include <algorithm>

namespace chview::protocol::detail {
namespace {

using columnar::ColumnType;

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool is_row_sort(engine::SortOp op) {
  return op == engine::SortOp::kAsc || op == engine::SortOp::kDesc ||
         op == engine::SortOp::kAscAbs || op == engine::SortOp::kDescAbs;
}

bool is_column_sort(engine::SortOp op) {
  return op == engine::SortOp::kColAsc || op == engine::SortOp::kColDesc ||
         op == engine::SortOp::kColAscAbs || op == engine::SortOp::kColDescAbs;
}

ColumnType table_type(const engine::View& view, std::string_view column) {
  const auto& schema = view.table().schema();
  auto index = schema.index_of(column);
  return index ? schema.field(*index).type : ColumnType::kString;
}

// Perspective's default: sum for numbers, count for everything else.
std::string default_aggregate(ColumnType type) {
  return type == ColumnType::kInteger || type == ColumnType::kFloat ? "sum" : "count";
}

// The name Perspective reports back for an aggregate: it parses the requested name to
// an aggregate kind and prints the kind (base.cpp, aggspec.cpp agg_str), typos included.
std::string canonical_aggregate(const std::string& name) {
  static const std::pair<std::string_view, std::string_view> kRenames[] = {
      {"distinctcount", "distinct count"},
      {"distinct", "distinct count"},
      {"distinct_count", "distinct count"},
      {"avg", "mean"},
      {"weighted_mean", "weighted mean"},
      {"first by index", "first"},
      {"first_by_index", "first"},
      {"last_by_index", "last by index"},
      {"last", "last value"},
      {"last_value", "last value"},
      {"max_by", "max by"},
      {"min_by", "min by"},
      {"high", "high water mark"},
      {"high_water_mark", "high water mark"},
      {"low", "low water mark"},
      {"low_water_mark", "low water mark"},
      {"high minus low", "high minuslow"},
      {"sum_abs", "sum abs"},
      {"abs_sum", "abs sum"},
      {"sum_not_null", "sum not null"},
      {"mean_by_count", "mean by count"},
      {"distinct_leaf", "distinct leaf"},
      {"pct_sum_parent", "pct sum parent"},
      {"pct sum total", "pct sum grand total"},
      {"pct_sum_total", "pct sum grand total"},
      {"pct_sum_grand_total", "pct sum grand total"},
      {"var", "variance"},
      {"standard deviation", "stddev"},
  };
  for (const auto& [from, to] : kRenames) {
    if (name == from) return std::string(to);
  }
  return name;
}

// View-schema type of an aggregate over a column of `type` (§3.10).
ColumnType aggregate_schema_type(std::string_view aggregate, ColumnType type) {
  for (std::string_view n :
       {"count", "distinct count", "distinctcount", "distinct", "distinct_count"}) {
    if (aggregate == n) return ColumnType::kInteger;
  }
  for (std::string_view n :
       {"avg", "mean", "weighted mean", "weighted_mean", "mean by count", "mean_by_count",
        "pct sum parent", "pct_sum_parent", "pct sum total", "pct_sum_total", "pct sum grand total",
        "pct_sum_grand_total", "var", "variance", "stddev", "standard deviation"}) {
    if (aggregate == n) return ColumnType::kFloat;
  }
  return type;
}

// Sort columns not among the visible ones, each once, in sort order.
std::vector<std::string> hidden_sort_columns(const engine::View& view, bool column_sorts_only) {
  const auto& config = view.config();
  std::vector<std::string> visible = visible_columns(view);
  std::vector<std::string> hidden;
  for (const auto& s : config.sort) {
    if (!is_row_sort(s.op) && !is_column_sort(s.op)) continue;
    if (column_sorts_only && !is_column_sort(s.op)) continue;
    if (is_column_sort(s.op) && config.split_by.empty()) continue;
    if (!contains(visible, s.column) && !contains(hidden, s.column)) hidden.push_back(s.column);
  }
  return hidden;
}

engine::Aggregate aggregate_of(const engine::View& view, const std::string& column, bool hidden) {
  const auto& config = view.config();
  if (shape_of(config) == ViewShape::kSplitOnly) return {column, "any", {}};
  for (const auto& a : config.aggregates) {
    if (a.column == column) return {column, canonical_aggregate(a.name), a.args};
  }
  if (hidden && (contains(config.group_by, column) || contains(config.split_by, column))) {
    return {column, "unique", {}};
  }
  return {column, default_aggregate(table_type(view, column)), {}};
}

// The table column behind output column `field` of a view with `columns` visible.
const std::string& source_of(const std::vector<std::string>& columns, ViewShape shape,
                             size_t field) {
  const bool split = shape == ViewShape::kPivoted || shape == ViewShape::kSplitOnly;
  return columns[split ? field % columns.size() : field];
}

}  // namespace

ViewShape shape_of(const engine::ViewConfig& config) {
  const bool total = config.group_rollup_mode == engine::GroupRollupMode::kTotal;
  if (!config.split_by.empty()) {
    return config.group_by.empty() && !total ? ViewShape::kSplitOnly : ViewShape::kPivoted;
  }
  if (!config.group_by.empty()) return ViewShape::kGrouped;
  return total ? ViewShape::kTotalOnly : ViewShape::kFlat;
}

encode::RowLabelling labelling_of(ViewShape shape) {
  switch (shape) {
    case ViewShape::kFlat:
      return encode::RowLabelling::kFlat;
    case ViewShape::kGrouped:
    case ViewShape::kPivoted:
      return encode::RowLabelling::kRowPaths;
    case ViewShape::kTotalOnly:
      return encode::RowLabelling::kTotalOnly;
    case ViewShape::kSplitOnly:
      return encode::RowLabelling::kSplitOnly;
  }
  return encode::RowLabelling::kFlat;
}

std::vector<std::string> visible_columns(const engine::View& view) {
  if (view.config().columns) return *view.config().columns;
  std::vector<std::string> names;
  for (const auto& field : view.table().schema().fields()) names.push_back(field.name);
  return names;
}

std::vector<engine::Aggregate> reported_aggregates(const engine::View& view) {
  const ViewShape shape = shape_of(view.config());
  std::vector<engine::Aggregate> out;
  if (shape == ViewShape::kFlat || shape == ViewShape::kTotalOnly) return out;
  for (const auto& c : visible_columns(view)) out.push_back(aggregate_of(view, c, false));
  for (const auto& c : hidden_sort_columns(view, false)) out.push_back(aggregate_of(view, c, true));
  return out;
}

std::vector<std::pair<std::string, ColumnType>> view_schema(const engine::View& view) {
  const ViewShape shape = shape_of(view.config());
  std::vector<std::pair<std::string, ColumnType>> out;
  if (shape == ViewShape::kFlat || shape == ViewShape::kTotalOnly) {
    for (const auto& field : view.fields()) out.emplace_back(field.name, field.type);
    return out;
  }
  const std::vector<std::string> columns = visible_columns(view);
  const auto& fields = view.fields();
  for (size_t i = 0; i < columns.size(); ++i) {
    // The engine's field type when the column has an output column (it knows `and`/
    // `join` quirks); otherwise derive it from the aggregate.
    ColumnType type = i < fields.size()
                          ? fields[i].type
                          : aggregate_schema_type(aggregate_of(view, columns[i], false).name,
                                                  table_type(view, columns[i]));
    out.emplace_back(columns[i], type);
  }
  if (shape != ViewShape::kSplitOnly) {
    for (const auto& c : hidden_sort_columns(view, false)) {
      out.emplace_back(
          c, aggregate_schema_type(aggregate_of(view, c, true).name, table_type(view, c)));
    }
  }
  return out;
}

namespace {

// Hidden columns counted per split group by Perspective's column windows (see
// num_view_columns); 0 when its windows are over the visible columns.
size_t hidden_per_split_group(const engine::View& view) {
  const auto& config = view.config();
  if (config.split_by.empty()) return 0;
  for (const auto& s : config.sort) {
    if (is_row_sort(s.op)) return 0;
  }
  return hidden_sort_columns(view, true).size();
}

}  // namespace

proto::ViewPort visible_window(const engine::View& view, const proto::ViewPort& viewport) {
  const size_t hidden = hidden_per_split_group(view);
  const size_t shown = visible_columns(view).size();
  if (hidden == 0 || shown == 0) return viewport;
  const size_t group = shown + hidden;
  auto visible_before = [&](uint32_t unity) {
    return static_cast<uint32_t>(unity / group * shown + std::min<size_t>(unity % group, shown));
  };
  proto::ViewPort out = viewport;
  if (viewport.has_start_col()) out.set_start_col(visible_before(viewport.start_col()));
  if (viewport.has_end_col()) out.set_end_col(visible_before(viewport.end_col()));
  return out;
}

size_t num_view_columns(const engine::View& view) {
  const size_t shown = view.fields().size();
  const size_t columns = visible_columns(view).size();
  const size_t hidden = hidden_per_split_group(view);
  if (columns == 0 || hidden == 0) return shown;
  return shown / columns * (columns + hidden);
}

encode::ArrowLayout arrow_layout(const engine::View& view, const engine::ViewSlice& slice,
                                 bool legacy_row_path_names) {
  encode::ArrowLayout layout;
  layout.legacy_row_path_names = legacy_row_path_names;
  const ViewShape shape = shape_of(view.config());
  if (shape == ViewShape::kFlat) return layout;
  for (const auto& g : view.config().group_by) {
    layout.group_by.push_back(g);
    layout.group_by_types.push_back(table_type(view, g));
  }
  const std::vector<std::string> columns = visible_columns(view);
  for (size_t i = 0; i < slice.fields.size(); ++i) {
    layout.source_types.push_back(table_type(view, source_of(columns, shape, slice.start_col + i)));
  }
  return layout;
}

std::vector<std::vector<columnar::Value>> grouped_row_indices(const engine::View& view,
                                                              const engine::ViewSlice& slice) {
  const auto& config = view.config();
  std::vector<std::vector<columnar::Value>> out(slice.num_rows());
  // The view's table rows with their group_by values, from a flat view with its filter.
  engine::ViewConfig flat;
  flat.columns = config.group_by;
  flat.filter = config.filter;
  flat.filter_op = config.filter_op;
  auto rows_view = engine::View::make(view.table(), flat);
  if (!rows_view.is_ok()) return out;
  const engine::ViewSlice rows = (*rows_view)->slice(engine::Viewport{});
  const size_t levels = config.group_by.size();
  // Tree order: by each level's key ascending with null last, then by primary key.
  std::vector<size_t> order(rows.num_rows());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    for (size_t level = 0; level < levels; ++level) {
      const bool a_null = rows.columns[level].is_null(a), b_null = rows.columns[level].is_null(b);
      if (a_null != b_null) return b_null;
      if (a_null) continue;
      int c = columnar::compare(rows.columns[level].value_at(a), rows.columns[level].value_at(b));
      if (c != 0) return c < 0;
    }
    return false;
  });
  for (size_t r = 0; r < slice.num_rows(); ++r) {
    const std::vector<columnar::Value> no_path;
    const auto& path = slice.has_row_paths ? slice.row_paths[r] : no_path;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      bool under = true;
      for (size_t level = 0; level < path.size() && under; ++level) {
        const columnar::Value value = rows.columns[level].value_at(*it);
        under = value.is_null()
                    ? path[level].is_null()
                    : !path[level].is_null() && columnar::compare(value, path[level]) == 0;
      }
      if (under) out[r].push_back(rows.row_keys[*it]);
    }
  }
  return out;
}

Result<std::string> encode_row_delta(const engine::View& view, std::span<const size_t> rows) {
  engine::ViewSlice slice = view.rows(rows);
  encode::ArrowLayout layout = arrow_layout(view, slice, /*legacy_row_path_names=*/true);
  layout.group_by.clear();
  layout.group_by_types.clear();
  return encode::encode_arrow(slice, arrow::Compression::kNone, layout);
}

Result<std::pair<columnar::Value, columnar::Value>> aggregated_min_max(const engine::View& view,
                                                                       std::string_view column) {
  const ViewShape shape = shape_of(view.config());
  const std::vector<std::string> columns = visible_columns(view);
  const std::vector<std::string> hidden = hidden_sort_columns(view, false);
  if (shape == ViewShape::kGrouped && contains(hidden, column)) {
    // A hidden sort column is aggregated too (not shown): read it from a view that shows
    // it with the same aggregate.
    engine::ViewConfig shown = view.config();
    shown.columns = std::vector<std::string>{std::string(column)};
    shown.sort.clear();
    // The requested aggregate as sent (the engine parses it), else the derived default.
    shown.aggregates = {aggregate_of(view, std::string(column), true)};
    for (const auto& a : view.config().aggregates) {
      if (a.column == column) shown.aggregates = {a};
    }
    CHVIEW_ASSIGN_OR_RETURN(auto helper, engine::View::make(view.table(), std::move(shown),
                                                            engine::ViewOptions{.pivot = true}));
    return aggregated_min_max(*helper, column);
  }
  if (!contains(columns, column)) {
    return invalid_argument("chview: column '" + std::string(column) +
                            "' is not aggregated in this view");
  }
  engine::ViewSlice slice = view.slice(engine::Viewport{});
  std::vector<size_t> fields;
  for (size_t f = 0; f < slice.fields.size(); ++f) {
    if (source_of(columns, shape, f) == column) fields.push_back(f);
  }
  auto depth_of = [&](size_t row) {
    return slice.has_row_paths ? slice.row_paths[row].size() : size_t{1};
  };
  // ctx1 starts at the leaves and climbs until a level has a value; ctx2 looks at the
  // first level only. Neither looks at the total row.
  const bool ctx2 = shape == ViewShape::kPivoted || shape == ViewShape::kSplitOnly;
  size_t depth = ctx2 ? 1 : view.config().group_by.size();
  columnar::Value lo, hi;
  for (bool found = false; !found && depth > 0; --depth) {
    for (size_t r = 0; r < slice.num_rows(); ++r) {
      if (depth_of(r) != depth) continue;
      for (size_t f : fields) {
        if (slice.columns[f].is_null(r)) continue;
        columnar::Value v = slice.columns[f].value_at(r);
        found = true;
        if (lo.is_null() || columnar::compare(v, lo) < 0) lo = v;
        if (hi.is_null() || columnar::compare(v, hi) > 0) hi = std::move(v);
      }
    }
  }
  return std::pair(std::move(lo), std::move(hi));
}

}  // namespace chview::protocol::detail
