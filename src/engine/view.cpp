#include "engine/view.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <utility>

#include "engine/detail/aggregate.h"
#include "engine/detail/filter.h"
#include "engine/detail/flat_sort.h"
#include "engine/detail/grouped.h"
#include "engine/detail/rebuilt_delta.h"
#include "engine/detail/sort.h"

namespace chview::engine {
namespace {

constexpr std::array<std::string_view, 63> kAggregates{"distinct count",
                                                       "distinctcount",
                                                       "distinct",
                                                       "distinct_count",
                                                       "sum",
                                                       "mul",
                                                       "avg",
                                                       "mean",
                                                       "count",
                                                       "weighted mean",
                                                       "weighted_mean",
                                                       "unique",
                                                       "any",
                                                       "median",
                                                       "q1",
                                                       "q3",
                                                       "join",
                                                       "div",
                                                       "add",
                                                       "dominant",
                                                       "first by index",
                                                       "first",
                                                       "last by index",
                                                       "last_by_index",
                                                       "last minus first",
                                                       "and",
                                                       "or",
                                                       "last",
                                                       "last_value",
                                                       "max_by",
                                                       "max by",
                                                       "min_by",
                                                       "min by",
                                                       "max",
                                                       "min",
                                                       "high",
                                                       "high_water_mark",
                                                       "low",
                                                       "low_water_mark",
                                                       "high minus low",
                                                       "sum abs",
                                                       "sum_abs",
                                                       "abs sum",
                                                       "abs_sum",
                                                       "sum not null",
                                                       "sum_not_null",
                                                       "mean by count",
                                                       "mean_by_count",
                                                       "identity",
                                                       "distinct leaf",
                                                       "distinct_leaf",
                                                       "pct sum parent",
                                                       "pct_sum_parent",
                                                       "pct sum total",
                                                       "pct_sum_total",
                                                       "pct sum grand total",
                                                       "pct_sum_grand_total",
                                                       "var",
                                                       "variance",
                                                       "stddev",
                                                       "standard deviation",
                                                       "gmv",
                                                       "first_by_index"};

Status invalid_column(const std::string& name, std::string_view where) {
  return invalid_argument("Invalid column '" + name + "' found in View " + std::string(where) +
                          ".\n");
}

Status validate(const Schema& schema, const ViewConfig& config) {
  if (!config.expressions.empty()) return unsupported("expressions are not supported yet");
  if (config.columns) {
    for (const std::string& c : *config.columns) {
      if (!schema.contains(c)) return invalid_column(c, "columns");
    }
  }
  for (const std::string& c : config.group_by) {
    if (!schema.contains(c)) return invalid_column(c, "group_by");
  }
  for (const std::string& c : config.split_by) {
    if (!schema.contains(c)) return invalid_column(c, "split_by");
  }
  for (const FilterTerm& f : config.filter) {
    if (!schema.contains(f.column)) return invalid_column(f.column, "filters");
    if (!is_known_filter_op(f.op)) {
      return invalid_argument("Unknown filter operator string: `" + f.op + "`\n");
    }
  }
  for (const SortTerm& s : config.sort) {
    if (!schema.contains(s.column)) return invalid_column(s.column, "sorts");
  }
  for (const Aggregate& a : config.aggregates) {
    if (!schema.contains(a.column)) return invalid_column(a.column, "aggregates");
    if (std::find(kAggregates.begin(), kAggregates.end(), a.name) == kAggregates.end()) {
      return invalid_argument("Invalid aggregate '" + a.name + "' for column '" + a.column +
                              "' found in View aggregates.\n");
    }
    for (const std::string& arg : a.args) {
      if (!schema.contains(arg)) return invalid_column(arg, "aggregates");
    }
  }
  return Status::ok();
}

bool is_grouped(const ViewConfig& config) {
  return !config.group_by.empty() || !config.split_by.empty() ||
         config.group_rollup_mode == GroupRollupMode::kTotal;
}

bool is_split_only(const ViewConfig& config) {
  return config.group_by.empty() && !config.split_by.empty() &&
         config.group_rollup_mode != GroupRollupMode::kTotal;
}

bool is_column_sort(SortOp op) {
  return op == SortOp::kColAsc || op == SortOp::kColDesc || op == SortOp::kColAscAbs ||
         op == SortOp::kColDescAbs;
}

// What chview cannot compute yet, or computes only without the option.
Status check_supported(const ViewConfig& config, const ViewOptions& options) {
  if (!options.pivot) {
    if (!config.group_by.empty()) return unsupported("group_by is not supported yet");
    if (!config.split_by.empty()) return unsupported("split_by is not supported yet");
    if (config.group_rollup_mode == GroupRollupMode::kTotal) {
      return unsupported("group_rollup_mode total is not supported yet");
    }
    return Status::ok();
  }
  if (!config.split_by.empty()) {
    if (config.split_rollup_mode == SplitRollupMode::kRollup) {
      return unsupported("split_rollup_mode rollup is not supported yet");
    }
  }
  return Status::ok();
}

// The aggregate a grouped view computes for `column`: its `aggregates` entry, else
// `unique` for a group_by column used only as a sort key, else the type default.
Result<std::pair<std::string, detail::AggSpec>> aggregate_for(const Schema& schema,
                                                              const ViewConfig& config,
                                                              const std::string& column,
                                                              bool sort_only) {
  const size_t index = *schema.index_of(column);
  detail::AggSpec spec;
  spec.column = index;
  for (const Aggregate& a : config.aggregates) {
    if (a.column != column) continue;
    auto kind = detail::parse_aggregate(a.name);
    if (!kind) return unsupported("aggregate '" + a.name + "' is not supported yet");
    spec.kind = *kind;
    if (detail::aggregate_takes_argument(*kind) && !a.args.empty()) {
      spec.argument = *schema.index_of(a.args[0]);
    }
    return std::pair(a.name, spec);
  }
  const bool key =
      std::find(config.group_by.begin(), config.group_by.end(), column) != config.group_by.end();
  spec.kind = sort_only && key ? detail::AggKind::kUnique
                               : detail::default_aggregate(schema.field(index).type);
  std::string name = sort_only && key                     ? "unique"
                     : spec.kind == detail::AggKind::kSum ? "sum"
                                                          : "count";
  return std::pair(std::move(name), spec);
}

// Whether an aggregate of the view (shown or sorted by) makes Perspective list every
// recomputed node in ROW deltas: count never reads its old value, last never sets its
// new one (detail/rollup_delta.cpp).
bool lists_recomputed_nodes(const Table& table, const ViewConfig& config,
                            const std::vector<size_t>& columns) {
  const Schema& schema = table.schema();
  auto listed = [](const auto& agg) {
    return agg.is_ok() && (agg.value().second.kind == detail::AggKind::kCount ||
                           agg.value().second.kind == detail::AggKind::kLast);
  };
  for (size_t i : columns) {
    if (listed(aggregate_for(schema, config, schema.field(i).name, false))) return true;
  }
  for (const SortTerm& t : config.sort) {
    const auto index = schema.index_of(t.column);
    if (!index) continue;
    const bool shown = std::find(columns.begin(), columns.end(), *index) != columns.end();
    if (!shown && listed(aggregate_for(schema, config, t.column, true))) return true;
  }
  return false;
}

Result<std::unique_ptr<detail::GroupedTree>> make_grouped(const Table& table,
                                                          const ViewConfig& config,
                                                          const std::vector<size_t>& columns) {
  const Schema& schema = table.schema();
  std::vector<size_t> group_by;
  for (const std::string& g : config.group_by) group_by.push_back(*schema.index_of(g));
  std::vector<size_t> split_by;
  for (const std::string& g : config.split_by) split_by.push_back(*schema.index_of(g));
  std::vector<detail::GroupedColumn> outputs;
  for (size_t i : columns) {
    const Field& f = schema.field(i);
    CHVIEW_ASSIGN_OR_RETURN(auto agg, aggregate_for(schema, config, f.name, false));
    if (is_split_only(config)) {  // split-only views show raw values (§3.4)
      agg.first = "any";
      agg.second = {detail::AggKind::kAny, i, std::nullopt};
    }
    outputs.push_back({{f.name, detail::aggregate_schema_type(agg.second.kind, f.type)},
                       std::move(agg.first),
                       agg.second});
  }
  std::vector<detail::GroupedSort> sorts;
  for (const SortTerm& t : config.sort) {
    if (t.op == SortOp::kNone) break;  // as in Perspective, `none` ends the row sorts
    if (t.op != SortOp::kAsc && t.op != SortOp::kDesc && t.op != SortOp::kAscAbs &&
        t.op != SortOp::kDescAbs) {
      continue;  // column sorts order split_by groups
    }
    const bool shown =
        std::find(columns.begin(), columns.end(), *schema.index_of(t.column)) != columns.end();
    CHVIEW_ASSIGN_OR_RETURN(auto agg, aggregate_for(schema, config, t.column, !shown));
    const detail::AggKind k = agg.second.kind;
    const bool ties =
        !shown && (k == detail::AggKind::kFirst || k == detail::AggKind::kLastByIndex ||
                   k == detail::AggKind::kLastMinusFirst);
    // Perspective stores pct aggregates as sums (the percentage is computed on output),
    // so they sort by the sum.
    if (k == detail::AggKind::kPctSumParent || k == detail::AggKind::kPctSumTotal) {
      agg.second.kind = detail::AggKind::kSum;
    }
    detail::GroupedSort sort{agg.second, t.op, ties};
    if (is_split_only(config)) {  // rows sort by their shown (`any`) value
      sort = {{detail::AggKind::kAny, *schema.index_of(t.column), std::nullopt}, t.op};
    }
    auto level = std::find(config.group_by.begin(), config.group_by.end(), t.column);
    if (!shown && level != config.group_by.end() && !is_split_only(config)) {
      sort.key_level = static_cast<size_t>(level - config.group_by.begin());
    }
    sorts.push_back(sort);
  }
  // Column sorts order the split_by column groups (ignored without split_by).
  std::vector<detail::GroupedSort> column_sorts;
  for (const SortTerm& t : config.split_by.empty() ? std::vector<SortTerm>{} : config.sort) {
    if (!is_column_sort(t.op)) continue;
    const SortOp op = t.op == SortOp::kColAsc      ? SortOp::kAsc
                      : t.op == SortOp::kColDesc   ? SortOp::kDesc
                      : t.op == SortOp::kColAscAbs ? SortOp::kAscAbs
                                                   : SortOp::kDescAbs;
    const bool shown =
        std::find(columns.begin(), columns.end(), *schema.index_of(t.column)) != columns.end();
    CHVIEW_ASSIGN_OR_RETURN(auto agg, aggregate_for(schema, config, t.column, !shown));
    if (is_split_only(config)) agg.second.kind = detail::AggKind::kAny;
    detail::GroupedSort sort{agg.second, op};
    // A hidden split_by column sorts by `unique`, i.e. by the group's split value.
    auto level = std::find(config.split_by.begin(), config.split_by.end(), t.column);
    if (!shown && level != config.split_by.end()) {
      sort.key_level = static_cast<size_t>(level - config.split_by.begin());
    }
    column_sorts.push_back(sort);
  }
  auto tree = std::make_unique<detail::GroupedTree>(
      table, std::move(group_by), std::move(split_by), std::move(outputs), std::move(sorts),
      config.group_rollup_mode.value_or(GroupRollupMode::kRollup), config.group_by_depth);
  tree->set_column_sorts(std::move(column_sorts));
  return tree;
}

}  // namespace

struct View::State {
  State(const Table& t, ViewConfig c, detail::RowFilter f)
      : table(&t), config(std::move(c)), filter(std::move(f)), order(t, config.sort) {}

  const Table* table;
  ViewConfig config;
  detail::RowFilter filter;
  detail::RowOrder order;
  std::vector<Field> fields;
  std::vector<size_t> field_columns;             // table column of each field
  std::vector<RowId> rows;                       // the view's rows, in view order
  std::vector<uint8_t> marks;                    // scratch, by RowId; all zero between calls
  std::unique_ptr<detail::GroupedTree> grouped;  // grouped views only
  // Incremental grouped views keep `rows` in no particular order (min_max reads them),
  // with each row's index in it (kNotInView otherwise), built on the first update.
  static constexpr uint32_t kNotInView = UINT32_MAX;
  std::vector<uint32_t> row_position;  // by RowId
  bool positions_ready = false;
  std::vector<RowId> leaving;      // the current update's removed and updated rows
  bool cleared = false;            // the current update cleared the table
  std::vector<Value> delta_total;  // split-only: the last update's grand-total row

  ViewSlice gather(std::span<const size_t> view_rows, size_t first_col, size_t last_col) const {
    ViewSlice s;
    s.start_col = first_col;
    s.end_col = last_col;
    for (size_t f = first_col; f < last_col; ++f) {
      s.fields.push_back(fields[f]);
      const Column& source = table->column(field_columns[f]);
      Column out(source.type());
      out.reserve(view_rows.size());
      for (size_t r : view_rows) out.append_from(source, rows[r]);
      s.columns.push_back(std::move(out));
    }
    s.row_keys.reserve(view_rows.size());
    for (size_t r : view_rows) s.row_keys.push_back(table->primary_key(rows[r]));
    return s;
  }
};

View::View(std::unique_ptr<State> state) : state_(std::move(state)) {}
View::~View() = default;

Result<std::unique_ptr<View>> View::make(const Table& table, ViewConfig config) {
  return make(table, std::move(config), ViewOptions{});
}

Result<std::unique_ptr<View>> View::make(const Table& table, ViewConfig config,
                                         const ViewOptions& options) {
  const Schema& schema = table.schema();
  CHVIEW_RETURN_IF_ERROR(validate(schema, config));
  CHVIEW_RETURN_IF_ERROR(check_supported(config, options));
  CHVIEW_ASSIGN_OR_RETURN(detail::RowFilter filter,
                          detail::RowFilter::compile(table, config.filter, config.filter_op));
  auto state = std::make_unique<State>(table, std::move(config), std::move(filter));
  if (state->config.columns) {
    for (const std::string& c : *state->config.columns) {
      const size_t i = *schema.index_of(c);
      state->fields.push_back(schema.field(i));
      state->field_columns.push_back(i);
    }
  } else {
    for (size_t i = 0; i < schema.size(); ++i) {
      state->fields.push_back(schema.field(i));
      state->field_columns.push_back(i);
    }
  }
  for (RowId row : table.rows_in_key_order()) {
    if (state->filter.matches(table, row)) state->rows.push_back(row);
  }
  const bool grouped = is_grouped(state->config);
  if (grouped) {
    CHVIEW_ASSIGN_OR_RETURN(state->grouped,
                            make_grouped(table, state->config, state->field_columns));
  }
  // Flat views order their rows; trees (and split-only views) take them in key order.
  if (!grouped && !state->order.is_key_order()) {
    state->order.refresh();
    detail::RowOrder& order = state->order;
    // Rows arrive in primary-key order, so a stable sort on the sort keys alone keeps
    // ties in key order.
    auto less = [&order](RowId a, RowId b) { return order.compare_sort_keys(a, b) < 0; };
    std::vector<RowId>& rows = state->rows;
    std::vector<std::pair<size_t, size_t>> ties;  // runs equal in the first key
    if (!detail::radix_sort_first_key(table, state->config.sort, rows, ties)) {
      std::stable_sort(rows.begin(), rows.end(), less);
    } else if (state->config.sort.size() > 1) {  // later keys order the ties
      for (const auto& [from, to] : ties) {
        std::stable_sort(rows.begin() + static_cast<std::ptrdiff_t>(from),
                         rows.begin() + static_cast<std::ptrdiff_t>(to), less);
      }
    }
  }
  if (grouped) {
    state->grouped->rebuild(state->rows);
    state->fields = state->grouped->fields();
  }
  return std::unique_ptr<View>(new View(std::move(state)));
}

const ViewConfig& View::config() const { return state_->config; }
const Table& View::table() const { return *state_->table; }
size_t View::num_rows() const {
  return state_->grouped ? state_->grouped->num_rows() : state_->rows.size();
}
const std::vector<Field>& View::fields() const { return state_->fields; }

ViewDimensions View::dimensions() const {
  return {state_->table->size(), state_->table->schema().size(), num_rows(), state_->fields.size()};
}

std::vector<std::string> View::column_paths() const {
  std::vector<std::string> paths;
  for (const Field& f : state_->fields) paths.push_back(f.name);
  return paths;
}

ViewSlice View::slice(const Viewport& vp) const {
  const size_t n = num_rows(), w = state_->fields.size();
  const size_t end_row = std::min<size_t>(vp.end_row.value_or(n), n);
  const size_t start_row = std::min<size_t>(vp.start_row.value_or(0), end_row);
  const size_t end_col = std::min<size_t>(vp.end_col.value_or(w), w);
  const size_t start_col = std::min<size_t>(vp.start_col.value_or(0), end_col);
  std::vector<size_t> view_rows(end_row - start_row);
  for (size_t i = 0; i < view_rows.size(); ++i) view_rows[i] = start_row + i;
  ViewSlice s = state_->grouped ? state_->grouped->gather(view_rows, start_col, end_col)
                                : state_->gather(view_rows, start_col, end_col);
  s.start_row = start_row;
  s.end_row = end_row;
  return s;
}

ViewSlice View::rows(std::span<const size_t> view_rows) const {
  const size_t w = state_->fields.size();
  ViewSlice s =
      state_->grouped ? state_->grouped->gather(view_rows, 0, w) : state_->gather(view_rows, 0, w);
  s.start_row = 0;
  s.end_row = view_rows.size();
  return s;
}

Result<std::pair<Value, Value>> View::min_max(std::string_view column) const {
  auto index = state_->table->schema().index_of(column);
  if (!index) return invalid_column(std::string(column), "columns");
  const Column& c = state_->table->column(*index);
  Value lo, hi;
  for (RowId row : state_->rows) {
    if (c.is_null(row)) continue;
    Value v = c.value_at(row);
    if (lo.is_null() || columnar::compare(v, lo) < 0) lo = v;
    if (hi.is_null() || columnar::compare(v, hi) > 0) hi = std::move(v);
  }
  return std::pair(std::move(lo), std::move(hi));
}

ViewDelta View::update(const TableDelta& delta) {
  State& s = *state_;
  ViewDelta out;
  s.order.refresh();  // the mutation may have grown or replaced string dictionaries
  if (s.grouped && s.grouped->incremental()) {
    // Cost ∝ the delta: no pass over the view's rows (the tree knows which it holds).
    std::vector<RowId> incoming;
    for (const auto* list : {&delta.updated, &delta.inserted}) {
      for (RowId r : *list) {
        if (s.table->is_live(r) && s.filter.matches(*s.table, r)) incoming.push_back(r);
      }
    }
    s.cleared = delta.cleared;
    s.leaving.clear();
    if (!delta.cleared) {
      s.leaving = delta.removed;
      s.leaving.insert(s.leaving.end(), delta.updated.begin(), delta.updated.end());
    }
    return update_grouped(std::move(incoming), out);
  }
  constexpr uint8_t kRemoved = 1, kUpdated = 2;
  if (delta.cleared) {
    // Every old row is gone; their ids may exceed the (reset) table's slot space.
    out.num_removed = s.rows.size();
    s.rows.clear();
  }
  // 1. Drop removed and updated rows by id alone: removed slots may already hold new rows.
  if (!delta.cleared && (!delta.removed.empty() || !delta.updated.empty())) {
    size_t needed = s.table->slot_count();
    for (RowId r : delta.removed) needed = std::max<size_t>(needed, r + size_t{1});
    for (RowId r : delta.updated) needed = std::max<size_t>(needed, r + size_t{1});
    if (s.marks.size() < needed) s.marks.resize(needed, 0);
    for (RowId r : delta.removed) s.marks[r] = kRemoved;
    for (RowId r : delta.updated) s.marks[r] = kUpdated;
    size_t kept = 0;
    for (RowId r : s.rows) {
      if (s.marks[r] == 0) {
        s.rows[kept++] = r;
      } else if (s.marks[r] == kRemoved || !s.filter.matches(*s.table, r)) {
        ++out.num_removed;
      }
    }
    s.rows.resize(kept);
    for (RowId r : delta.removed) s.marks[r] = 0;
    for (RowId r : delta.updated) s.marks[r] = 0;
  }
  // 2. Re-insert updated rows and insert new rows that pass the filter.
  std::vector<RowId> incoming;
  for (const auto* list : {&delta.updated, &delta.inserted}) {
    for (RowId r : *list) {
      if (s.table->is_live(r) && s.filter.matches(*s.table, r)) incoming.push_back(r);
    }
  }
  if (s.grouped) return update_grouped(std::move(incoming), out);
  if (incoming.empty()) return out;
  auto less = [&s](RowId a, RowId b) { return s.order(a, b); };
  std::sort(incoming.begin(), incoming.end(), less);
  // Insertion points in the old order; non-decreasing because incoming is sorted. Cost:
  // O(k log n) comparisons plus one pass of moves, not a re-sort.
  const size_t old_size = s.rows.size(), k = incoming.size();
  std::vector<size_t> at(k);
  auto from = s.rows.begin();
  for (size_t i = 0; i < k; ++i) {
    from = std::lower_bound(from, s.rows.begin() + static_cast<std::ptrdiff_t>(old_size),
                            incoming[i], less);
    at[i] = static_cast<size_t>(from - s.rows.begin());
  }
  s.rows.resize(old_size + k);
  size_t source_end = old_size;
  for (size_t i = k; i-- > 0;) {
    std::move_backward(s.rows.begin() + static_cast<std::ptrdiff_t>(at[i]),
                       s.rows.begin() + static_cast<std::ptrdiff_t>(source_end),
                       s.rows.begin() + static_cast<std::ptrdiff_t>(source_end + i + 1));
    s.rows[at[i] + i] = incoming[i];
    source_end = at[i];
  }
  // 3. Report where the incoming rows ended up.
  out.changed_rows.resize(k);
  for (size_t i = 0; i < k; ++i) out.changed_rows[i] = at[i] + i;
  return out;
}

// Incremental trees apply the change in place (cost ∝ delta). Split-only views and
// column sorts: the tree is rebuilt from the view's rows and every row is reported.
ViewDelta View::update_grouped(std::vector<RowId> incoming, ViewDelta out) {
  State& s = *state_;
  if (s.grouped->incremental()) {
    constexpr uint32_t kNone = State::kNotInView;
    std::vector<uint32_t>& position = s.row_position;
    if (s.cleared) {
      s.rows.clear();
      position.clear();
    } else if (!s.positions_ready) {
      position.assign(s.table->slot_count(), kNone);
      for (size_t i = 0; i < s.rows.size(); ++i) position[s.rows[i]] = static_cast<uint32_t>(i);
    }
    s.positions_ready = true;
    if (position.size() < s.table->slot_count()) position.resize(s.table->slot_count(), kNone);
    for (RowId r : s.leaving) {
      if (r >= position.size() || position[r] == kNone) continue;
      const uint32_t at = position[r];
      s.rows[at] = s.rows.back();
      position[s.rows[at]] = at;
      s.rows.pop_back();
      position[r] = kNone;
    }
    for (RowId r : incoming) {
      position[r] = static_cast<uint32_t>(s.rows.size());
      s.rows.push_back(r);
    }
    if (s.cleared) {
      const size_t before = s.grouped->num_rows();
      const Table& table = *s.table;
      std::sort(incoming.begin(), incoming.end(),
                [&table](RowId a, RowId b) { return table.compare_primary_keys(a, b) < 0; });
      s.grouped->rebuild(incoming);
      s.fields = s.grouped->fields();
      out = ViewDelta{};
      out.num_removed = before;
      for (size_t i = 0; i < s.grouped->num_rows(); ++i) out.changed_rows.push_back(i);
      return out;
    }
    ViewDelta delta = s.grouped->apply(s.leaving, incoming);
    // Perspective recomputes the grand total on every change; with a count or last
    // (possibly only a hidden sort column's) it is always listed. The tree knows its
    // shown columns; sort-only aggregates it may not keep (e.g. after a "none" term).
    const bool total_shown = s.config.group_rollup_mode != GroupRollupMode::kFlat;
    if (total_shown && s.config.split_by.empty() && s.grouped->num_rows() > 0 &&
        (delta.changed_rows.empty() || delta.changed_rows.front() != 0) &&
        lists_recomputed_nodes(*s.table, s.config, s.field_columns)) {
      delta.changed_rows.insert(delta.changed_rows.begin(), 0);
    }
    s.fields = s.grouped->fields();  // split_by: column groups come and go
    return delta;
  }
  if (!incoming.empty()) {
    s.rows.insert(s.rows.end(), incoming.begin(), incoming.end());
    const Table& table = *s.table;
    std::sort(s.rows.begin(), s.rows.end(),
              [&table](RowId a, RowId b) { return table.compare_primary_keys(a, b) < 0; });
  }
  // Report what Perspective reports: compare the whole view before and after (cost ∝ the
  // view, like the rebuild itself).
  auto all_rows = [this] {
    std::vector<size_t> all(state_->grouped->num_rows());
    std::iota(all.begin(), all.end(), size_t{0});
    return rows(all);
  };
  const ViewSlice before_rows = all_rows();
  const size_t before = s.grouped->num_rows();
  s.grouped->rebuild(s.rows);
  s.fields = s.grouped->fields();
  const size_t after = s.grouped->num_rows();
  const ViewSlice after_rows = all_rows();
  std::vector<Value> touched_keys;
  touched_keys.reserve(incoming.size());
  for (RowId r : incoming) touched_keys.push_back(s.table->primary_key(r));
  out = ViewDelta{};
  out.num_removed = before > after ? before - after : 0;
  const bool split_only = s.grouped->split_only();
  std::vector<std::vector<Value>> touched_paths;  // the nodes above the incoming rows
  if (!split_only) {
    for (RowId r : incoming) {
      std::vector<Value> path;
      for (const std::string& g : s.config.group_by) {
        path.push_back(s.table->column(*s.table->schema().index_of(g)).value_at(r));
        touched_paths.push_back(path);
      }
    }
  }
  detail::diff_rebuilt_views(
      {.before = &before_rows,
       .after = &after_rows,
       .split_only = split_only,
       // Perspective's TOTALS_BEFORE: a row sort (column sorts do not count).
       .sorted = std::any_of(s.config.sort.begin(), s.config.sort.end(),
                             [](const SortTerm& t) {
                               return t.op != SortOp::kColAsc && t.op != SortOp::kColDesc &&
                                      t.op != SortOp::kColAscAbs && t.op != SortOp::kColDescAbs;
                             }),
       .group_width = s.field_columns.size(),
       .touched_keys = touched_keys,
       .touched_paths = touched_paths,
       .lists_recomputed =
           !split_only && lists_recomputed_nodes(*s.table, s.config, s.field_columns),
       .pivoted = !s.config.split_by.empty()},
      out);
  s.delta_total.clear();
  if (out.total_row) s.delta_total = detail::split_only_total(after_rows);
  return out;
}

ViewSlice View::delta_rows(const ViewDelta& delta) const {
  ViewSlice s = rows(delta.changed_rows);
  if (!delta.total_row) return s;
  // The split-only grand total goes first; it was computed by the update (delta_total).
  const std::vector<Value>& total = state_->delta_total;
  for (size_t f = 0; f < s.columns.size(); ++f) {
    Column column(s.columns[f].type());
    column.reserve(s.num_rows() + 1);
    column.append(f < total.size() ? total[f] : Value());
    for (size_t r = 0; r < s.num_rows(); ++r) column.append_from(s.columns[f], r);
    s.columns[f] = std::move(column);
  }
  s.row_keys.insert(s.row_keys.begin(), Value());
  if (s.has_row_paths) s.row_paths.insert(s.row_paths.begin(), std::vector<Value>{});
  s.end_row = s.row_keys.size();
  return s;
}

// Flat views have no tree: Perspective replies the row index (split-only views: see
// GroupedTree::expand/collapse).
size_t View::expand(size_t row_index) {
  return state_->grouped ? state_->grouped->expand(row_index) : row_index;
}
size_t View::collapse(size_t row_index) {
  return state_->grouped ? state_->grouped->collapse(row_index) : row_index;
}
void View::set_depth(uint32_t depth) {
  if (state_->grouped) state_->grouped->set_depth(depth);
}

}  // namespace chview::engine
