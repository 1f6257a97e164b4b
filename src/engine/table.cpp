#include "engine/table.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <span>
#include <unordered_set>

namespace chview::engine {
namespace {

// Table column i → batch column index (nullopt when the batch lacks it).
std::vector<std::optional<size_t>> map_columns(const Schema& table, const Batch& batch) {
  std::vector<std::optional<size_t>> map(table.size());
  for (size_t i = 0; i < table.size(); ++i) map[i] = batch.schema().index_of(table.field(i).name);
  return map;
}

}  // namespace

Result<std::unique_ptr<Table>> Table::make(std::string name, Schema schema, TableOptions options) {
  std::set<std::string_view> names;
  for (const Field& f : schema.fields()) {
    if (f.name.empty()) return invalid_argument("empty column name");
    if (!names.insert(f.name).second) {
      return invalid_argument("duplicate column name '" + f.name + "'");
    }
  }
  if (options.limit && options.index) {
    return invalid_argument("a table has either a limit or an index, not both");
  }
  if (options.limit && *options.limit == 0) return invalid_argument("limit must be positive");
  if (options.index && !schema.contains(*options.index)) {
    return invalid_argument("Specified index `" + *options.index + "` does not exist in dataset.");
  }
  return std::unique_ptr<Table>(new Table(std::move(name), std::move(schema), std::move(options)));
}

Table::Table(std::string name, Schema schema, TableOptions options)
    : name_(std::move(name)), schema_(std::move(schema)), options_(std::move(options)) {
  if (options_.index) index_column_ = schema_.index_of(*options_.index);
  columns_.reserve(schema_.size());
  for (const Field& f : schema_.fields()) columns_.emplace_back(f.type);
}

namespace {

// Perspective's first load (first non-empty batch since creation or clear) keeps explicit nulls as
// "cleared" cells, which sort above every value; every later write of a null (and every absent
// cell) stores the kind that sorts below (its gnode clears such cells to invalid).
void write_cell(Column& to, RowId row, const Column& from, size_t from_row, bool first_load) {
  to.set_from(row, from, from_row);
  if (first_load && to.is_null(row)) to.mark_null_high(row);
}

}  // namespace

RowId Table::allocate_slot() {
  RowId row;
  if (!free_slots_.empty()) {
    row = free_slots_.back();
    free_slots_.pop_back();
    for (Column& c : columns_) c.set_null(row);
  } else {
    row = static_cast<RowId>(live_.size());
    for (Column& c : columns_) c.append_null();
    live_.push_back(0);
    counters_.push_back(0);
  }
  live_[row] = 1;
  ++live_count_;
  return row;
}

void Table::free_slot(RowId row) {
  live_[row] = 0;
  --live_count_;
  free_slots_.push_back(row);
}

Result<TableDelta> Table::apply(const Batch& batch) {
  return index_column_ ? upsert_rows(batch, {}) : append_rows(batch, {});
}

Result<TableDelta> Table::apply_initial_data(const Batch& batch) {
  initial_data_ = true;
  auto delta = apply(batch);
  initial_data_ = false;
  return delta;
}

Result<TableDelta> Table::append_rows(const Batch& batch, TableDelta delta) {
  const auto map = map_columns(schema_, batch);
  const size_t n = batch.num_rows();
  // A limit table keeps only the newest `limit` rows, so earlier rows of a large batch
  // are never stored (their primary keys are still consumed, as in Perspective).
  size_t first = 0;
  if (options_.limit && n > *options_.limit) first = n - *options_.limit;
  const size_t stored = n - first;
  if (options_.limit && live_count_ + stored > *options_.limit) {
    size_t evict = live_count_ + stored - *options_.limit;
    while (evict-- > 0) {
      const RowId row = order_[head_++];
      free_slot(row);
      delta.removed.push_back(row);
    }
    if (head_ > 64 && head_ * 2 > order_.size()) {
      order_.erase(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  const bool first_load = !loaded_ && !initial_data_;
  loaded_ = loaded_ || n > 0;
  delta.inserted.reserve(delta.inserted.size() + stored);
  for (size_t r = first; r < n; ++r) {
    const RowId row = allocate_slot();
    counters_[row] = next_counter_ + static_cast<int64_t>(r);
    order_.push_back(row);
    delta.inserted.push_back(row);
  }
  // Column by column keeps one column in cache (1M-row load: 138 -> 118 ms).
  const std::span<const RowId> rows(delta.inserted.end() - static_cast<std::ptrdiff_t>(stored),
                                    delta.inserted.end());
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!map[c]) continue;
    const Column& from = batch.column(*map[c]);
    for (size_t i = 0; i < stored; ++i) {
      if (batch.is_present(*map[c], first + i)) {
        write_cell(columns_[c], rows[i], from, first + i, first_load);
      }
    }
  }
  next_counter_ += static_cast<int64_t>(n);
  if (n > 0 || !delta.removed.empty() || delta.cleared) ++version_;
  compact_dictionaries();
  return delta;
}

Result<TableDelta> Table::upsert_rows(const Batch& batch, TableDelta delta) {
  CHVIEW_RETURN_IF_ERROR(check_batch(batch));
  const auto map = map_columns(schema_, batch);
  const size_t key_col = *index_column_;
  if (!map[key_col]) return delta;  // an empty batch (check_batch)
  const Column& keys = batch.column(*map[key_col]);
  const ColumnType key_type = schema_.field(key_col).type;
  std::unordered_set<RowId> inserted_now, updated_now;
  const bool first_load = !loaded_ && !initial_data_;
  loaded_ = loaded_ || batch.num_rows() > 0;
  for (size_t r = 0; r < batch.num_rows(); ++r) {
    auto [it, is_new] = by_key_.try_emplace(columnar::coerce(keys.value_at(r), key_type), 0);
    RowId row;
    if (is_new) {
      row = allocate_slot();
      it->second = row;
      keys_inserted_.push_back(row);
      inserted_now.insert(row);
      delta.inserted.push_back(row);
      // The stored key is the coerced one, so lookups and output agree.
      columns_[key_col].set(row, it->first);
    } else {
      row = it->second;
      if (!inserted_now.contains(row) && updated_now.insert(row).second) {
        delta.updated.push_back(row);
      }
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (map[c] && c != key_col && batch.is_present(*map[c], r)) {
        write_cell(columns_[c], row, batch.column(*map[c]), r, first_load);
      }
    }
  }
  if (!delta.empty() || delta.cleared) ++version_;
  compact_dictionaries();
  return delta;
}

Result<TableDelta> Table::remove(std::span<const Value> keys) {
  if (!index_column_) return invalid_argument("Cannot remove from unindexed Table");
  const ColumnType key_type = schema_.field(*index_column_).type;
  TableDelta delta;
  for (const Value& k : keys) {
    auto it = by_key_.find(columnar::coerce(k, key_type));
    if (it == by_key_.end()) continue;
    free_slot(it->second);
    keys_removed_.push_back(it->second);
    delta.removed.push_back(it->second);
    by_key_.erase(it);
  }
  if (!delta.removed.empty()) ++version_;
  compact_dictionaries();
  return delta;
}

TableDelta Table::clear() {
  TableDelta delta;
  delta.removed = rows_in_key_order();
  delta.cleared = true;
  // resize(0), not clear(): string dictionaries survive so views may cache per-code
  // results for the table's lifetime.
  for (Column& c : columns_) c.resize(0);
  live_.clear();
  counters_.clear();
  free_slots_.clear();
  order_.clear();
  head_ = 0;
  by_key_.clear();
  key_order_.clear();
  keys_inserted_.clear();
  keys_removed_.clear();
  live_count_ = 0;
  loaded_ = false;
  ++version_;  // next_counter_ is kept: Perspective's clear does not reset row numbers
  compact_dictionaries();
  return delta;
}

Status Table::check_batch(const Batch& batch) const {
  if (index_column_ && batch.num_rows() > 0 &&
      !batch.schema().contains(schema_.field(*index_column_).name)) {
    return invalid_argument("update is missing the index column '" +
                            schema_.field(*index_column_).name + "'");
  }
  return Status::ok();
}

Result<TableDelta> Table::replace(const Batch& batch) {
  // Fail before clearing: a failed replace must leave the table (and its views) as is.
  CHVIEW_RETURN_IF_ERROR(check_batch(batch));
  TableDelta delta = clear();
  return index_column_ ? upsert_rows(batch, std::move(delta))
                       : append_rows(batch, std::move(delta));
}

std::vector<RowId> Table::rows_in_key_order() const {
  std::vector<RowId> rows;
  rows.reserve(live_count_);
  if (index_column_) {
    merge_key_order();
    rows = key_order_;
  } else {
    rows.assign(order_.begin() + static_cast<std::ptrdiff_t>(head_), order_.end());
  }
  return rows;
}

void Table::merge_key_order() const {
  if (keys_inserted_.empty() && keys_removed_.empty()) return;
  // Slots removed since the last merge lose their old position (they may hold a new
  // key now, which then comes back through keys_inserted_).
  std::vector<uint8_t> mark(live_.size(), 0);
  for (RowId r : keys_removed_) mark[r] = 1;
  std::erase_if(key_order_, [&](RowId r) { return mark[r] != 0; });
  std::fill(mark.begin(), mark.end(), 0);
  std::vector<RowId> added;
  for (RowId r : keys_inserted_) {
    if (is_live(r) && mark[r] == 0) {
      mark[r] = 1;
      added.push_back(r);
    }
  }
  auto less = [this](RowId a, RowId b) { return compare_primary_keys(a, b) < 0; };
  std::sort(added.begin(), added.end(), less);
  std::vector<RowId> merged;
  merged.reserve(key_order_.size() + added.size());
  std::merge(key_order_.begin(), key_order_.end(), added.begin(), added.end(),
             std::back_inserter(merged), less);
  key_order_ = std::move(merged);
  keys_inserted_.clear();
  keys_removed_.clear();
}

void Table::compact_dictionaries() {
  // Amortised O(1) per row: a dictionary is rebuilt only after it has grown past twice
  // the live rows, so a ring of unique strings keeps bounded memory.
  for (Column& c : columns_) {
    if (c.type() == ColumnType::kString &&
        c.dictionary().size() > 2 * live_count_ + kDictionarySlack) {
      c.compact_dictionary(live_);
    }
  }
}

Value Table::primary_key(RowId row) const {
  if (index_column_) return columns_[*index_column_].value_at(row);
  return Value(counters_[row]);
}

int Table::compare_primary_keys(RowId a, RowId b) const {
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (!index_column_) return three_way(counters_[a], counters_[b]);
  const Column& k = columns_[*index_column_];
  if (k.is_null(a) || k.is_null(b)) return three_way(k.is_valid(a), k.is_valid(b));
  switch (k.type()) {
    case ColumnType::kString:
      return three_way(k.string_at(a), k.string_at(b));
    case ColumnType::kDate:
      return three_way(k.date_at(a), k.date_at(b));
    case ColumnType::kDatetime:
    case ColumnType::kInteger:
      return three_way(k.int_at(a), k.int_at(b));
    case ColumnType::kFloat:
      return columnar::compare(Value(k.float_at(a)), Value(k.float_at(b)));
    case ColumnType::kBoolean:
      return three_way(k.bool_at(a), k.bool_at(b));
  }
  return 0;
}

}  // namespace chview::engine
