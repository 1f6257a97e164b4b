#include "protocol/view_layout.h"

#include <algorithm>

namespace chview::protocol::detail {
namespace {

using columnar::ColumnType;

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
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

// Columns of column sorts not among the visible ones, each once, in sort order.
std::vector<std::string> hidden_column_sort_columns(const engine::View& view) {
  const auto& config = view.config();
  std::vector<std::string> visible = visible_columns(view);
  std::vector<std::string> hidden;
  for (const auto& s : config.sort) {
    if (!is_column_sort(s.op) || config.split_by.empty()) continue;
    if (!contains(visible, s.column) && !contains(hidden, s.column)) hidden.push_back(s.column);
  }
  return hidden;
}

// The aggregate of a visible column.
engine::Aggregate aggregate_of(const engine::View& view, const std::string& column) {
  const auto& config = view.config();
  if (shape_of(config) == ViewShape::kSplitOnly) return {column, "any", {}};
  for (const auto& a : config.aggregates) {
    if (a.column == column) return {column, canonical_aggregate(a.name), a.args};
  }
  return {column, default_aggregate(table_type(view, column)), {}};
}

// Perspective also aggregates the column of every sort term that is not visible (any op,
// `none` and column sorts included; one aggregate per term): `any` in split-only views,
// `unique` for a row sort on a group_by column or a column sort on a split_by column,
// else the requested aggregate or the type's default (view_config.cpp fill_aggspecs).
std::vector<engine::Aggregate> hidden_sort_aggregates(const engine::View& view) {
  const auto& config = view.config();
  const ViewShape shape = shape_of(config);
  const std::vector<std::string> visible = visible_columns(view);
  std::vector<engine::Aggregate> out;
  for (const auto& s : config.sort) {
    if (contains(visible, s.column)) continue;
    const bool row_sort = !is_column_sort(s.op);
    if (shape == ViewShape::kSplitOnly) {
      out.push_back({s.column, "any", {}});
    } else if ((row_sort && contains(config.group_by, s.column)) ||
               (!row_sort && contains(config.split_by, s.column))) {
      out.push_back({s.column, "unique", {}});
    } else {
      engine::Aggregate a{s.column, default_aggregate(table_type(view, s.column)), {}};
      for (const auto& requested : config.aggregates) {
        if (requested.column == s.column) {
          a = {s.column, canonical_aggregate(requested.name), requested.args};
        }
      }
      out.push_back(std::move(a));
    }
  }
  return out;
}

// Whether a split view's schema lists its columns: it has a split column, or a row sort
// term (the reference then keeps its columns even when the filter leaves no row).
bool schema_lists_columns(const engine::View& view) {
  if (!view.fields().empty()) return true;
  for (const auto& s : view.config().sort) {
    if (!is_column_sort(s.op)) return true;
  }
  if (!visible_columns(view).empty()) return false;
  // No visible column to tell: the split has columns when the filter keeps a row.
  engine::ViewConfig rows;
  rows.columns = std::vector<std::string>{};
  rows.filter = view.config().filter;
  rows.filter_op = view.config().filter_op;
  auto flat = engine::View::make(view.table(), rows);
  return flat.is_ok() && (*flat)->num_rows() > 0;
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

encode::RowLabelling labelling_of(const engine::ViewConfig& config) {
  switch (shape_of(config)) {
    case ViewShape::kFlat:
      return encode::RowLabelling::kFlat;
    case ViewShape::kGrouped:
      return encode::RowLabelling::kRowPaths;
    case ViewShape::kPivoted:
      // TOTAL mode splits without group_by are "column only" in the reference.
      return config.group_by.empty() ? encode::RowLabelling::kTotalSplit
                                     : encode::RowLabelling::kRowPaths;
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
  // A map by column in the reference: a later aggregate of the same column replaces it.
  auto put = [&](engine::Aggregate a) {
    for (auto& existing : out) {
      if (existing.column == a.column) {
        existing = std::move(a);
        return;
      }
    }
    out.push_back(std::move(a));
  };
  for (const auto& c : visible_columns(view)) put(aggregate_of(view, c));
  for (auto& a : hidden_sort_aggregates(view)) put(std::move(a));
  return out;
}

std::vector<std::string> hidden_column_paths(const engine::View& view) {
  const ViewShape shape = shape_of(view.config());
  std::vector<std::string> out;
  if (shape != ViewShape::kGrouped && shape != ViewShape::kTotalOnly) return out;
  const std::vector<std::string> visible = visible_columns(view);
  std::vector<std::string> row_sorted;
  for (const auto& s : view.config().sort) {
    if (!is_column_sort(s.op) && !contains(visible, s.column)) row_sorted.push_back(s.column);
  }
  for (const auto& s : view.config().sort) {
    if (is_column_sort(s.op) && !contains(visible, s.column) && !contains(row_sorted, s.column)) {
      out.push_back(s.column);
    }
  }
  return out;
}

std::vector<std::pair<std::string, ColumnType>> view_schema(const engine::View& view) {
  const ViewShape shape = shape_of(view.config());
  std::vector<std::pair<std::string, ColumnType>> out;
  if (shape == ViewShape::kFlat) {
    for (const auto& field : view.fields()) out.emplace_back(field.name, field.type);
    return out;
  }
  const bool split = shape == ViewShape::kPivoted || shape == ViewShape::kSplitOnly;
  if (split && !schema_lists_columns(view)) return out;
  auto listed = [&](const std::string& name) {
    return std::any_of(out.begin(), out.end(), [&](const auto& e) { return e.first == name; });
  };
  if (shape == ViewShape::kTotalOnly) {
    for (const auto& field : view.fields()) out.emplace_back(field.name, field.type);
  } else {
    const std::vector<std::string> columns = visible_columns(view);
    const auto& fields = view.fields();
    for (size_t i = 0; i < columns.size(); ++i) {
      if (listed(columns[i])) continue;
      // The engine's field type when the column has an output column (it knows `and`/
      // `join` quirks); otherwise derive it from the aggregate.
      ColumnType type = i < fields.size()
                            ? fields[i].type
                            : aggregate_schema_type(aggregate_of(view, columns[i]).name,
                                                    table_type(view, columns[i]));
      out.emplace_back(columns[i], type);
    }
  }
  // Hidden sort columns: the table type, mapped by the column's first aggregate except in
  // split-only views (view.cpp schema, _map_aggregate_types).
  for (const auto& a : hidden_sort_aggregates(view)) {
    if (listed(a.column)) continue;
    const ColumnType type = table_type(view, a.column);
    out.emplace_back(a.column,
                     shape == ViewShape::kSplitOnly ? type : aggregate_schema_type(a.name, type));
  }
  return out;
}

namespace {

// Hidden columns counted per split group by Perspective's column windows (see
// num_view_columns); 0 when its windows are over the visible columns.
size_t hidden_per_split_group(const engine::View& view) {
  const auto& config = view.config();
  if (config.split_by.empty()) return 0;
  // Any row sort term (`none` too) makes the reference count visible columns only.
  for (const auto& s : config.sort) {
    if (!is_column_sort(s.op)) return 0;
  }
  return hidden_column_sort_columns(view).size();
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

namespace {
Result<std::string> encode_delta_slice(const engine::View& view, const engine::ViewSlice& slice) {
  encode::ArrowLayout layout = arrow_layout(view, slice, /*legacy_row_path_names=*/true);
  layout.group_by.clear();
  layout.group_by_types.clear();
  return encode::encode_arrow(slice, arrow::Compression::kNone, layout);
}
}  // namespace

Result<std::string> encode_row_delta(const engine::View& view, std::span<const size_t> rows) {
  return encode_delta_slice(view, view.rows(rows));
}

Result<std::string> encode_row_delta(const engine::View& view, const engine::ViewDelta& delta) {
  return encode_delta_slice(view, view.delta_rows(delta));
}

Result<std::pair<columnar::Value, columnar::Value>> aggregated_min_max(const engine::View& view,
                                                                       std::string_view column) {
  const ViewShape shape = shape_of(view.config());
  const std::vector<std::string> columns = visible_columns(view);
  const std::vector<engine::Aggregate> hidden = hidden_sort_aggregates(view);
  const bool is_hidden = std::any_of(
      hidden.begin(), hidden.end(), [&](const engine::Aggregate& a) { return a.column == column; });
  if (shape == ViewShape::kGrouped && is_hidden) {
    // A hidden sort column is aggregated too (not shown): read it from a view that shows
    // it with the same aggregate.
    engine::ViewConfig shown = view.config();
    shown.columns = std::vector<std::string>{std::string(column)};
    shown.sort.clear();
    // The column's first hidden aggregate; a requested one as sent (the engine parses it).
    for (const auto& a : hidden) {
      if (a.column != column) continue;
      shown.aggregates = {a};
      for (const auto& requested : view.config().aggregates) {
        if (requested.column == column && a.name == canonical_aggregate(requested.name)) {
          shown.aggregates = {requested};
        }
      }
      break;
    }
    CHVIEW_ASSIGN_OR_RETURN(auto helper, engine::View::make(view.table(), std::move(shown),
                                                            engine::ViewOptions{.pivot = true}));
    return aggregated_min_max(*helper, column);
  }
  if (!contains(columns, column)) {
    return invalid_argument("chview: column '" + std::string(column) +
                            "' is not aggregated in this view");
  }
  // A TOTAL-mode split without group_by has only its total row, which is never read.
  if (shape == ViewShape::kPivoted && view.config().group_by.empty()) {
    return std::pair(columnar::Value(), columnar::Value());
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
