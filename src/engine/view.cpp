#include "engine/view.h"

#include <algorithm>
#include <array>

#include "engine/detail/filter.h"
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
  if (!config.group_by.empty()) return unsupported("group_by is not supported yet");
  if (!config.split_by.empty()) return unsupported("split_by is not supported yet");
  if (config.group_rollup_mode == GroupRollupMode::kTotal) {
    return unsupported("group_rollup_mode total is not supported yet");
  }
  return Status::ok();
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
  std::vector<size_t> field_columns;  // table column of each field
  std::vector<RowId> rows;            // the view's rows, in view order
  std::vector<uint8_t> marks;         // scratch, by RowId; all zero between calls

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
  const Schema& schema = table.schema();
  CHVIEW_RETURN_IF_ERROR(validate(schema, config));
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
  if (!state->order.is_key_order()) {
    state->order.refresh();
    detail::RowOrder& order = state->order;
    // Rows arrive in primary-key order, so a stable sort on the sort keys alone keeps
    // ties in key order.
    std::stable_sort(state->rows.begin(), state->rows.end(),
                     [&order](RowId a, RowId b) { return order.compare_sort_keys(a, b) < 0; });
  }
  return std::unique_ptr<View>(new View(std::move(state)));
}

const ViewConfig& View::config() const { return state_->config; }
const Table& View::table() const { return *state_->table; }
size_t View::num_rows() const { return state_->rows.size(); }
const std::vector<Field>& View::fields() const { return state_->fields; }

ViewDimensions View::dimensions() const {
  return {state_->table->size(), state_->table->schema().size(), state_->rows.size(),
          state_->fields.size()};
}

std::vector<std::string> View::column_paths() const {
  std::vector<std::string> paths;
  for (const Field& f : state_->fields) paths.push_back(f.name);
  return paths;
}

ViewSlice View::slice(const Viewport& vp) const {
  const size_t n = state_->rows.size(), w = state_->fields.size();
  const size_t end_row = std::min<size_t>(vp.end_row.value_or(n), n);
  const size_t start_row = std::min<size_t>(vp.start_row.value_or(0), end_row);
  const size_t end_col = std::min<size_t>(vp.end_col.value_or(w), w);
  const size_t start_col = std::min<size_t>(vp.start_col.value_or(0), end_col);
  std::vector<size_t> view_rows(end_row - start_row);
  for (size_t i = 0; i < view_rows.size(); ++i) view_rows[i] = start_row + i;
  ViewSlice s = state_->gather(view_rows, start_col, end_col);
  s.start_row = start_row;
  s.end_row = end_row;
  return s;
}

ViewSlice View::rows(std::span<const size_t> view_rows) const {
  ViewSlice s = state_->gather(view_rows, 0, state_->fields.size());
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

size_t View::expand(size_t row_index) { return row_index; }
size_t View::collapse(size_t row_index) { return row_index; }
void View::set_depth(uint32_t) {}

}  // namespace chview::engine
